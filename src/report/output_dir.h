#pragma once
// Honest writes of a run's outputs.
//
// OutputDir::Open checks the folder before the run starts (created if missing, writable, not in
// use) and holds an exclusive flock(2) on `<dir>/.headroom.lock` until it is destroyed, so that
// two runs never write into one folder. It removes the previous run's summary.json at once: a run
// that is killed later never leaves a complete-looking summary.json beside stale or half-written
// files. Each output is written to `<dir>/.<name>.partial` and renamed into place once written,
// flushed, synced and closed without error; summary.json is written last by convention of the
// caller (report::WriteOutputs). Every error names the file and the system's reason.
//
// Not thread-safe. POSIX only.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace headroom::report {

// A buffered writer over a file descriptor that checks every write and the close. The first
// error is kept and returned by Close(); later appends are dropped.
class OutputFile {
 public:
  // Takes ownership of `fd`. `name` is used in error messages.
  OutputFile(int fd, std::string name);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void Append(std::string_view text);
  // Flushes, fsyncs (regular files only) and closes. Returns the first error, naming the file.
  absl::Status Close();
  // Bytes accepted so far.
  std::uint64_t bytes() const { return bytes_; }

 private:
  void Flush();

  int fd_;
  std::string name_;
  std::string buffer_;
  std::uint64_t bytes_ = 0;
  absl::Status status_;
};

class OutputDir {
 public:
  // Creates `dir` if needed, takes its lock, removes its old summary.json and leftover partial
  // files, and checks that a file can be created and written there. Errors: the folder cannot be
  // created or is not a folder, is not writable, or another run holds its lock.
  static absl::StatusOr<OutputDir> Open(const std::string& dir);

  OutputDir(OutputDir&& other) noexcept;
  OutputDir& operator=(OutputDir&&) = delete;
  OutputDir(const OutputDir&) = delete;
  ~OutputDir();  // releases the lock

  const std::string& path() const { return dir_; }

  // Writes `name` through `fill`, which appends the contents, then renames it into place. On any
  // error the partial file is removed and the error names `<dir>/<name>`.
  absl::Status Write(const std::string& name, const std::function<void(OutputFile&)>& fill);
  // Removes `name` if it exists (an output this run does not write, left by an earlier run).
  absl::Status Remove(const std::string& name);

 private:
  OutputDir(std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}

  std::string dir_;
  int lock_fd_ = -1;
};

// The file names of a run's outputs, in the order they are written (summary.json last).
inline constexpr const char* kOutputFiles[] = {"timeseries.csv", "events.csv", "summary.json"};
inline constexpr const char* kLockFile = ".headroom.lock";

}  // namespace headroom::report

#include "report/output_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"

namespace headroom::report {
namespace {

// Buffered bytes before a write(2): large enough to keep system calls rare.
constexpr size_t kBufferBytes = 1 << 20;

std::string Errno(int e) { return std::strerror(e); }

std::string Join(const std::string& dir, std::string_view name) {
  return (std::filesystem::path(dir) / name).string();
}

std::string PartialName(std::string_view name) {
  return absl::StrCat(".", std::string(name), ".partial");
}

}  // namespace

OutputFile::OutputFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {
  buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::Append(std::string_view text) {
  if (!status_.ok()) return;
  buffer_.append(text);
  bytes_ += text.size();
  if (buffer_.size() >= kBufferBytes) Flush();
}

void OutputFile::Flush() {
  size_t done = 0;
  while (status_.ok() && done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      status_ = absl::DataLossError(
          absl::StrCat(name_, ": cannot write: ", n < 0 ? Errno(errno) : "no progress"));
    } else {
      done += static_cast<size_t>(n);
    }
  }
  buffer_.clear();
}

absl::Status OutputFile::Close() {
  if (fd_ < 0) return status_;
  Flush();
  struct stat st {};
  if (status_.ok() && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && ::fsync(fd_) != 0)
    status_ = absl::DataLossError(absl::StrCat(name_, ": cannot sync to disk: ", Errno(errno)));
  if (::close(fd_) != 0 && status_.ok())
    status_ = absl::DataLossError(absl::StrCat(name_, ": cannot close: ", Errno(errno)));
  fd_ = -1;
  return status_;
}

absl::StatusOr<OutputDir> OutputDir::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat(dir, ": cannot create the output folder: ", ec.message()));
  }
  if (!std::filesystem::is_directory(dir, ec))
    return absl::FailedPreconditionError(absl::StrCat(dir, ": not a folder"));
  const std::string lock_path = Join(dir, kLockFile);
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(dir, ": cannot write in the output folder: ", Errno(errno)));
  }
  OutputDir out(dir, fd);  // closes the lock file on every return below
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(
        errno == EWOULDBLOCK
            ? absl::StrCat(dir, ": in use by another headroom run (it holds ", lock_path,
                           "); wait for it to finish or choose another --out")
            : absl::StrCat(lock_path, ": cannot lock: ", Errno(errno)));
  }
  // The lock file holds the owner's process id: a check that the folder takes writes.
  const std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return absl::PermissionDeniedError(
        absl::StrCat(dir, ": cannot write in the output folder: ", Errno(errno)));
  }
  for (const char* name : kOutputFiles) {
    const std::string partial = Join(dir, PartialName(name));
    if (::unlink(partial.c_str()) != 0 && errno != ENOENT)
      return absl::PermissionDeniedError(absl::StrCat(partial, ": cannot remove: ", Errno(errno)));
  }
  const std::string summary = Join(dir, "summary.json");
  if (::unlink(summary.c_str()) != 0 && errno != ENOENT) {
    return absl::PermissionDeniedError(
        absl::StrCat(summary, ": cannot remove the previous run's summary: ", Errno(errno)));
  }
  return out;
}

OutputDir::OutputDir(OutputDir&& other) noexcept
    : dir_(std::move(other.dir_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

OutputDir::~OutputDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

absl::Status OutputDir::Write(const std::string& name,
                              const std::function<void(OutputFile&)>& fill) {
  const std::string final_path = Join(dir_, name);
  const std::string partial = Join(dir_, PartialName(name));
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return absl::PermissionDeniedError(absl::StrCat(final_path, ": cannot create: ", Errno(errno)));
  OutputFile file(fd, final_path);
  fill(file);
  absl::Status status = file.Close();
  if (status.ok() && ::rename(partial.c_str(), final_path.c_str()) != 0)
    status =
        absl::DataLossError(absl::StrCat(final_path, ": cannot rename into place: ", Errno(errno)));
  if (!status.ok()) {
    ::unlink(partial.c_str());
    return status;
  }
  // Make the rename durable before the next file (summary.json last) is written.
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || ::fsync(dfd) != 0) {
    status = absl::DataLossError(absl::StrCat(dir_, ": cannot sync the folder: ", Errno(errno)));
  }
  if (dfd >= 0) ::close(dfd);
  return status;
}

absl::Status OutputDir::Remove(const std::string& name) {
  const std::string path = Join(dir_, name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot remove: ", Errno(errno)));
  return absl::OkStatus();
}

}  // namespace headroom::report

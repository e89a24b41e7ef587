#include "report/output_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "base/csv.h"

namespace headroom::report {
namespace {

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// A full disk: /dev/full fails every write with ENOSPC. The error names the file.
TEST(OutputFile, FullDiskIsAnErrorNamingTheFile) {
  const int fd = ::open("/dev/full", O_WRONLY);
  if (fd < 0) GTEST_SKIP() << "no /dev/full here";
  OutputFile f(fd, "out/events.csv");
  f.Append(std::string(3 << 20, 'x'));  // more than the buffer: the write happens here
  f.Append("more");
  const absl::Status s = f.Close();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("out/events.csv: cannot write: No space left"),
            std::string::npos)
      << s.message();
  // Small outputs fail at the flush in Close, too.
  const int fd2 = ::open("/dev/full", O_WRONLY);
  OutputFile g(fd2, "summary.json");
  g.Append("{}");
  EXPECT_FALSE(g.Close().ok());
}

TEST(OutputDir, WritesArriveWholeUnderTheirNames) {
  const std::string dir = FreshDir("od_whole");
  absl::StatusOr<OutputDir> d = OutputDir::Open(dir + "/nested");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_TRUE(d->Write("a.csv", [](OutputFile& f) {
                 for (int i = 0; i < 200000; ++i) f.Append("0123456789\n");
               }).ok());
  EXPECT_EQ(std::filesystem::file_size(dir + "/nested/a.csv"), 2200000u);
  EXPECT_FALSE(std::filesystem::exists(dir + "/nested/.a.csv.partial"));
}

TEST(OutputDir, OpeningRemovesTheOldSummaryAndLocksTheFolder) {
  const std::string dir = FreshDir("od_lock");
  std::filesystem::create_directories(dir);
  {
    FILE* f = std::fopen((dir + "/summary.json").c_str(), "w");
    std::fputs("{}", f);
    std::fclose(f);
  }
  absl::StatusOr<OutputDir> first = OutputDir::Open(dir);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir + "/summary.json"));
  // flock locks belong to the open file description: a second open in this process conflicts.
  absl::StatusOr<OutputDir> second = OutputDir::Open(dir);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(std::string(second.status().message()).find("in use by another headroom run"),
            std::string::npos);
  { OutputDir released = std::move(*first); }
  EXPECT_TRUE(OutputDir::Open(dir).ok()) << "the lock is released with the OutputDir";
}

}  // namespace
}  // namespace headroom::report

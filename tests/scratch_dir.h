#pragma once
// ScratchDir: a folder of one's own for a test that writes files. It lies under
// ::testing::TempDir(), is named after the running test and the process (ctest runs tests in
// parallel, each in its own process), starts empty, and is removed with everything in it when the
// ScratchDir goes out of scope. Tests write nowhere else.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>

namespace headroom {

class ScratchDir {
 public:
  ScratchDir() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on `const char* + string&&`.
    std::string name = "headroom-";
    name.append(info != nullptr ? info->test_suite_name() : "test");
    name.append(".");
    name.append(info != nullptr ? info->name() : "test");
    std::replace(name.begin(), name.end(), '/', '_');
    name.append("-");
    name.append(std::to_string(getpid()));
    path_ = std::filesystem::path(::testing::TempDir()) / name;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    std::filesystem::create_directories(path_, ec);
    EXPECT_FALSE(ec) << path_ << ": " << ec.message();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // The folder itself, and a path inside it.
  std::string path() const { return path_.string(); }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace headroom

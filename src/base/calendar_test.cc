#include "base/calendar.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

TEST(Calendar, ParsesKnownInstants) {
  // Recorded values (`date -u -d 2025-01-01 +%s`, `date -u -d 2024-02-29T12:34:56Z +%s`).
  EXPECT_EQ(*ParseUtcTime("2025-01-01T00:00:00Z"), 1735689600);
  EXPECT_EQ(*ParseUtcTime("2025-01-01"), 1735689600);
  EXPECT_EQ(*ParseUtcTime("2024-02-29T12:34:56Z"), 1709210096);
  EXPECT_EQ(*ParseUtcTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(kDefaultStartUnixS, *ParseUtcTime("2025-01-01T00:00:00Z"));
}

TEST(Calendar, RejectsWhatIsNotAUtcTime) {
  for (const char* bad : {"2025-02-29", "2025-13-01", "2025-01-01 00:00:00", "2025-01-01T24:00:00Z",
                          "2025-01-01T00:00:00+01:00", "yesterday", "", "1899-12-31"}) {
    const auto r = ParseUtcTime(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(std::string(r.status().message()).find("YYYY-MM-DD"), std::string::npos);
    }
  }
}

TEST(Calendar, FormatsOffsetsFromTheStart) {
  const std::int64_t start = 1709164800;  // 2024-02-29T00:00:00Z
  EXPECT_EQ(FormatUtcTime(start, kTimeZero), "2024-02-29T00:00:00.000Z");
  // 36 h 0.25 s later crosses into March of a leap year.
  EXPECT_EQ(FormatUtcTime(start, Time{std::chrono::hours(36) + std::chrono::milliseconds(250)}),
            "2024-03-01T12:00:00.250Z");
  // A year of 365 days from 2024-01-01 ends on 2024-12-31 (leap year).
  EXPECT_EQ(FormatUtcTime(*ParseUtcTime("2024-01-01"), Time{std::chrono::hours(24 * 365)}),
            "2024-12-31T00:00:00.000Z");
  EXPECT_EQ(FormatUtcTime(0, kTimeZero), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace headroom

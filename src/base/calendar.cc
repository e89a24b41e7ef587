#include "base/calendar.h"

#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace headroom {
namespace {

constexpr std::string_view kForm =
    "expected a UTC time as YYYY-MM-DDTHH:MM:SSZ, e.g. 2025-01-01T00:00:00Z";

// Reads exactly `n` digits at `pos`; false if any is not a digit.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

absl::StatusOr<std::int64_t> ParseUtcTime(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const bool date_ok = text.size() >= 10 && Digits(text, 0, 4, &y) && text[4] == '-' &&
                       Digits(text, 5, 2, &mo) && text[7] == '-' && Digits(text, 8, 2, &d);
  bool ok = date_ok;
  if (ok && text.size() != 10) {
    ok = text.size() == 20 && (text[10] == 'T' || text[10] == 't') && Digits(text, 11, 2, &h) &&
         text[13] == ':' && Digits(text, 14, 2, &mi) && text[16] == ':' &&
         Digits(text, 17, 2, &s) && (text[19] == 'Z' || text[19] == 'z');
  }
  if (!ok)
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(text), "\": ", std::string(kForm)));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                        std::chrono::day{unsigned(d)}};
  if (y < 1900 || !ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(text), "\": not a valid date and time (years 1900 to 9999; ",
                     std::string(kForm), ")"));
  }
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s;
}

std::string FormatUtcTime(std::int64_t start_unix_s, Time t) {
  const std::int64_t ms_since_start = t.time_since_epoch().count() / 1'000'000;
  const std::int64_t ms = start_unix_s * 1000 + ms_since_start;
  std::int64_t secs = ms / 1000, milli = ms % 1000;
  if (milli < 0) {
    milli += 1000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(rem / 3600), int(rem / 60 % 60),
                int(rem % 60), int(milli));
  return buf;
}

}  // namespace headroom

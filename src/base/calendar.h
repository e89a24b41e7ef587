#pragma once
// Calendar time at the output boundary: simulated time is a count from zero (base/time.h); a
// fleet's `start` anchors zero to a UTC instant so that outputs can show ISO 8601 timestamps.
// Proleptic Gregorian calendar, UTC only, no leap seconds (as in POSIX time).

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/time.h"

namespace headroom {

// 2025-01-01T00:00:00Z in seconds since 1970-01-01T00:00:00Z: the default `start` of a fleet.
inline constexpr std::int64_t kDefaultStartUnixS = 1735689600;

// Parses "YYYY-MM-DDTHH:MM:SSZ" (also "YYYY-MM-DD", midnight UTC) into seconds since the Unix
// epoch. Years 1900..9999. Errors say what the accepted form is.
absl::StatusOr<std::int64_t> ParseUtcTime(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ": the instant `t` after `start_unix_s`, to the millisecond (rounded
// down). The exact offset is printed beside it in seconds, so nothing is lost.
std::string FormatUtcTime(std::int64_t start_unix_s, Time t);

}  // namespace headroom

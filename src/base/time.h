#pragma once
// Simulated and injected time. Nothing in the core reads a wall clock: `SimClock` has no `now()`.
// Time is integer nanoseconds; a signed 64-bit count covers about 292 years.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

namespace headroom {

// A clock tag for time points that come from the simulator or from an injected clock in the
// daemon. Deliberately has no now().
struct SimClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<SimClock>;
  static constexpr bool is_steady = true;
};

using Duration = std::chrono::nanoseconds;
using Time = SimClock::time_point;

inline constexpr Time kTimeZero{};
inline constexpr Time kTimeNever{Duration{std::numeric_limits<std::int64_t>::max()}};

inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kJoulesPerMWh = 3.6e9;
inline constexpr double kJoulesPerKWh = 3.6e6;

// Seconds in `d`, as a double.
constexpr double ToSeconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }
// Seconds since time zero.
constexpr double ToSeconds(Time t) { return ToSeconds(t.time_since_epoch()); }
// Hours in `d`.
constexpr double ToHours(Duration d) { return ToSeconds(d) / kSecondsPerHour; }

// `s` seconds, rounded to the nearest nanosecond. REQUIRES: |s| < 9.2e9 (about 292 years).
inline Duration FromSeconds(double s) { return Duration{std::llround(s * 1e9)}; }

constexpr Time AtSeconds(std::int64_t s) { return Time{std::chrono::seconds{s}}; }

}  // namespace headroom

#include "model/local_time.h"

#include <algorithm>

#include "base/check.h"

namespace headroom::model {
namespace {
constexpr Duration kHour = std::chrono::hours(1);

// Floor division of durations (a / b rounded towards minus infinity). REQUIRES: b > 0.
std::int64_t FloorDiv(Duration a, Duration b) {
  std::int64_t q = a / b;
  if (a % b != Duration{0} && a < Duration{0}) --q;
  return q;
}
}  // namespace

LocalClock LocalClock::Fixed(Duration offset, Duration utc_time_of_day_at_zero) {
  LocalClock c;
  c.utc_time_of_day_at_zero = utc_time_of_day_at_zero;
  c.standard_offset = offset;
  c.civil_offsets = {offset};
  return c;
}

Duration LocalClock::CivilOffsetAt(Time t) const {
  DCHECK(civil_offsets.size() == change_times.size() + 1);
  const auto it = std::upper_bound(change_times.begin(), change_times.end(), t);
  return civil_offsets[static_cast<size_t>(it - change_times.begin())];
}

Duration LocalClock::CivilSinceZeroDay(Time t) const {
  return utc_time_of_day_at_zero + t.time_since_epoch() + CivilOffsetAt(t);
}

Duration LocalClock::StandardSinceZeroDay(Time t) const {
  return utc_time_of_day_at_zero + t.time_since_epoch() + standard_offset;
}

Time LocalClock::NextCivilHour(Time t) const {
  const Duration local = CivilSinceZeroDay(t);
  // The next boundary under the offset in force at t, in UTC: local boundary − offset.
  const Duration boundary = kHour * (FloorDiv(local, kHour) + 1);
  Time next = t + (boundary - local);
  const auto it = std::upper_bound(change_times.begin(), change_times.end(), t);
  if (it != change_times.end()) next = std::min(next, *it);
  return next;
}

}  // namespace headroom::model

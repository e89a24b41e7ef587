#pragma once
// A site's local clocks as a value. src/config computes it from the tz database when it loads a
// fleet (the only place that reads /usr/share/zoneinfo); the core only reads this value, so it
// stays free of files and clocks.
//
// Two local times: civil time, what people's clocks show, with daylight saving (inference demand
// follows it: people wake by the clock); and standard time, the zone's offset without daylight
// saving (solar output and synthetic weather follow it: the sun keeps no daylight saving).

#include <vector>

#include "base/time.h"

namespace headroom::model {

struct LocalClock {
  // The UTC time of day at simulated time zero (the fleet's `start` modulo a day, in [0, 1 d)).
  Duration utc_time_of_day_at_zero{0};
  // The standard offset (local = UTC + offset): the zone's lowest offset in the year from the
  // fleet's start, since daylight saving moves clocks ahead of it.
  Duration standard_offset{0};
  // The civil offset over simulated time, with daylight saving: civil_offsets[0] holds from time
  // zero, civil_offsets[i] from change_times[i - 1] on. change_times strictly increasing, > 0;
  // civil_offsets.size() == change_times.size() + 1.
  std::vector<Time> change_times;
  std::vector<Duration> civil_offsets{Duration{0}};

  // A clock at a fixed offset from UTC, with no daylight saving (the default: UTC).
  static LocalClock Fixed(Duration offset, Duration utc_time_of_day_at_zero = Duration{0});

  // The civil offset in force at `t` (at a change, the new one).
  Duration CivilOffsetAt(Time t) const;
  // Local civil time at `t`, counted from the UTC midnight that begins the fleet's first day
  // (0 at that midnight, east or west of Greenwich): only its remainder modulo a day, the time of
  // day, has a meaning. Kept unreduced so that hour counts from it stay exact.
  Duration CivilSinceZeroDay(Time t) const;
  // The same in standard time.
  Duration StandardSinceZeroDay(Time t) const;
  // The first instant after `t` at which the civil hour of the day changes: the next civil hour
  // boundary, or an offset change if that comes first. At a spring-forward change the hour jumps
  // (01 → 03); at a fall-back change it repeats (01 EDT → 01 EST), and that is a change too.
  Time NextCivilHour(Time t) const;
};

}  // namespace headroom::model

#include "sched/fleet_info.h"

#include <cmath>
#include <limits>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace headroom::sched {

double FleetInfo::MoveSeconds(int from, int to, double bytes) const {
  if (from == to || bytes <= 0) return 0;
  const double bps = RouteBps(from, to);
  if (!(bps > 0)) return std::numeric_limits<double>::infinity();
  return bytes * 8 / bps + ToSeconds(RouteLatency(from, to));
}

double DefaultAvailability(model::SiteKind kind) {
  switch (kind) {
    case model::SiteKind::kOwned:
      return 0.9999;
    case model::SiteKind::kLeased:
      return 0.9995;
    case model::SiteKind::kTent:
      return 0.995;
  }
  return 0.9999;
}

Time NextMonthStart(Time t, std::int64_t start_unix_s) {
  const std::int64_t at_s = start_unix_s + static_cast<std::int64_t>(std::floor(ToSeconds(t)));
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilMonth month = absl::ToCivilMonth(absl::FromUnixSeconds(at_s), utc);
  const std::int64_t next_s = absl::ToUnixSeconds(absl::FromCivil(month + 1, utc));
  return AtSeconds(next_s - start_unix_s);
}

}  // namespace headroom::sched

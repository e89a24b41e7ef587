#include "sched/fleet_info.h"

#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "model/wan.h"

namespace headroom::sched {

double FleetInfo::MoveSeconds(int from, int to, double bytes) const {
  if (from == to || bytes <= 0) return 0;
  const double bps = RouteBps(from, to);
  if (!(bps > 0)) return std::numeric_limits<double>::infinity();
  return bytes * 8 / bps + ToSeconds(RouteLatency(from, to));
}

FleetInfo BuildFleetInfo(const model::Fleet& fleet) {
  FleetInfo info;
  const size_t n = fleet.sites.size();
  // A fleet without a WAN section has no routes between its sites (see model/wan.h).
  const model::Wan wan = model::WanOf(fleet);
  for (const model::Site& site : fleet.sites) {
    SiteInfo s;
    s.name = site.name;
    s.kind = site.kind;
    s.gpus = site.total_gpus();
    s.availability = site.economics.availability > 0 ? site.economics.availability
                                                     : DefaultAvailability(site.kind);
    const size_t k = info.sites.size();
    if (k < wan.site_uplink_bps.size()) s.uplink_bps = wan.site_uplink_bps[k];
    info.sites.push_back(std::move(s));
  }
  info.route_bps.assign(n * n, 0.0);
  info.route_latency.assign(n * n, Duration{0});
  const model::WanRoutes routes(wan);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      const std::optional<model::WanRoute> r =
          routes.Route(static_cast<int>(a), static_cast<int>(b));
      if (!r) continue;
      info.route_bps[a * n + b] =
          a == b ? std::numeric_limits<double>::infinity() : routes.BottleneckBps(*r);
      info.route_latency[a * n + b] = r->latency;
    }
  }
  info.datasets = fleet.datasets;
  info.teams = fleet.teams;
  info.start_unix_s = fleet.start_unix_s;
  info.work_value_usd_per_gpu_h = fleet.control.headroom.work_value_usd_per_gpu_h;
  return info;
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

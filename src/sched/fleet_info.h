#pragma once
// sched::FleetInfo: what a global scheduler knows of the fleet that does not change during a run:
// its sites (kind, size, availability), the WAN between them (per pair of sites, the route's
// bottleneck capacity and latency), the data sets and the teams. Built by the host from the fleet
// model (BuildFleetInfo); a scheduler never sees the fleet's future events.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base/time.h"
#include "model/fleet.h"

namespace headroom::sched {

struct SiteInfo {
  std::string name;
  model::SiteKind kind = model::SiteKind::kOwned;
  int gpus = 0;
  double availability = 0.9999;  // the fraction of time it carries its load
  // Its access link to its WAN region, each way, bits per second (+inf: unlimited). Every
  // transfer out of the site shares its up direction, every transfer into it the down one.
  double uplink_bps = std::numeric_limits<double>::infinity();
};

struct FleetInfo {
  std::vector<SiteInfo> sites;
  // Per ordered pair of sites (from * sites + to): the route's bottleneck capacity in bits per
  // second (0: no route; +inf: the same site or unlimited links) and its one-way latency.
  std::vector<double> route_bps;
  std::vector<Duration> route_latency;
  std::vector<model::Dataset> datasets;
  std::vector<model::Team> teams;
  std::int64_t start_unix_s = 0;  // time zero in UTC: quotas per calendar month (UTC)
  // What an hour of a GPU's useful work is worth (model::HeadroomOptions::
  // work_value_usd_per_gpu_h): prices the risk, delay and loss terms of the scores.
  double work_value_usd_per_gpu_h = 2;

  int size() const { return static_cast<int>(sites.size()); }
  double RouteBps(int from, int to) const {
    return route_bps[static_cast<size_t>(from) * sites.size() + static_cast<size_t>(to)];
  }
  Duration RouteLatency(int from, int to) const {
    return route_latency[static_cast<size_t>(from) * sites.size() + static_cast<size_t>(to)];
  }
  // Seconds to move `bytes` from `from` to `to` over the route's full capacity plus its latency
  // (+inf with no route; 0 within a site). Optimistic: other flows share the links.
  double MoveSeconds(int from, int to, double bytes) const;
};

// The scheduler's view of `fleet`: sites with their kinds, GPUs, availability (the file's, else
// DefaultAvailability) and access-link capacity, the WAN's routes (model::WanRoutes: bottleneck
// capacity and latency per ordered pair), data sets, teams, the start instant and the value of work
// (the headroom controller's work_value_usd_per_gpu_h).
FleetInfo BuildFleetInfo(const model::Fleet& fleet);

// The availability a site of `kind` is assumed to have when its file gives none:
// owned 0.9999 (a Tier III-class campus), leased 0.9995, tent 0.995 (no redundancy).
double DefaultAvailability(model::SiteKind kind);

// The UTC start of the calendar month after the one holding `t` (time zero at `start_unix_s`).
Time NextMonthStart(Time t, std::int64_t start_unix_s);

}  // namespace headroom::sched

#pragma once
// The WAN between a fleet's sites: regions joined by links, and each site's access link (uplink)
// to its region. Capacities in bits per second, each way (links are full duplex); latencies one
// way. Plain value types filled by the loader (config) and read by the global scheduler (sched)
// and the simulator (sim).
//
// A site with no region named is a region of its own. A fleet with no `wan:` section has one
// region per site and no links: sites cannot exchange data (cross-site work and migration are
// then impossible, and the scheduler treats every site as unreachable from the others).

#include <limits>
#include <string>
#include <vector>

#include "base/time.h"

namespace headroom::model {

struct WanLink {
  std::string name;  // "us-east--eu-west" unless the file names it
  int a = -1;        // region indices into Wan::regions, a != b
  int b = -1;
  double capacity_bps = 0;  // each way
  Duration latency{0};      // one way
};

struct Wan {
  std::vector<std::string> regions;
  std::vector<WanLink> links;
  // Per site index: its region, and its access link to the region (each way; +inf: unlimited).
  std::vector<int> site_region;
  std::vector<double> site_uplink_bps;
  std::vector<Duration> site_uplink_latency;
};

inline constexpr double kUnlimitedBps = std::numeric_limits<double>::infinity();

}  // namespace headroom::model

#pragma once
// The power tree of one site and its protection: loads flowing up from racks through rows, halls
// or tents and feeds to the site root, and the breakers that open on overload.
//
// Invariants:
//   - node_load_w[i] == sum of demand_w over the energized racks under node i.
//   - A node is energized iff neither its own breaker nor any ancestor's is open.
//   - Every node whose load or rating may have changed since the last CheckBreakers is in
//     dirty_nodes (once); CheckBreakers judges exactly those and empties the list.
//   - A breaker trips once its node has been above a step of its curve (load > fraction x rating)
//     for that step's hold; a tent above its heat-derated rating trips after the curve's longest
//     hold (a thermal limit).

#include <vector>

#include "base/time.h"
#include "sim/state.h"

namespace headroom::sim {

// Marks `node` for the next breaker check.
inline void MarkDirty(SiteRt& site, int node) {
  auto& dirty = site.dirty[static_cast<size_t>(node)];
  if (!dirty) {
    dirty = 1;
    site.dirty_nodes.push_back(node);
  }
}

// Adds `delta_w` to what rack `rack` would draw, and to the load of its ancestors if energized.
void AddRackDemand(SiteRt& site, int rack, double delta_w);

// Recomputes energization and every node's load after a breaker opened or closed.
void RecomputeLoads(SiteRt& site);

// Precomputes each node's quiet threshold (SiteRt::quiet_below_w) from its rating and curve.
// REQUIRES: site.spec set. Call once when the site is built.
void InitBreakers(SiteRt& site);

// Judges the dirty nodes at `now`: starts or ends overload episodes (recording the longest in the
// site's result) and appends to `trips` each node whose trip time (NodeDetail::trip_at) changed;
// the caller schedules a trip check for each at that time with the node's generation.
void CheckBreakers(SiteRt& site, Time now, std::vector<int>* trips);

}  // namespace headroom::sim

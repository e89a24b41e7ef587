#pragma once
// The power tree of one site and its protection: loads flowing up from racks through rows, halls
// or tents and feeds to the site root, and the breakers that open on overload.
//
// Invariants:
//   - node_load_w[i] == sum of demand_w over the energized racks under node i.
//   - A node is energized iff neither its own breaker nor any ancestor's is open and, for a rack,
//     the controller has not powered it off. A rack is ready for work (RackReady) iff energized
//     and not booting; FreeRacks counts only ready racks as energized.
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
  bool& dirty = site.nodes[static_cast<size_t>(node)].dirty;
  if (!dirty) {
    dirty = true;
    site.dirty_nodes.push_back(node);
  }
}

// Adds `delta_w` to what rack `rack` would draw, and to the load of its ancestors if energized.
void AddRackDemand(SiteRt& site, int rack, double delta_w);

// The non-rack ancestors of a placement (rack, GPUs) with the GPUs under each, ascending by node.
std::vector<std::pair<int, int>> Footprint(const SiteRt& site,
                                           const std::vector<std::pair<int, int>>& placement);

// Adds `delta_w_per_gpu` x GPUs to each rack of a job's placement and, through its footprint
// (Footprint above), once to each ancestor: the same loads as AddRackDemand per rack, in
// O(racks + ancestors) rather than O(racks x depth). Racks that are not energized get demand but
// pass nothing up (then the ancestors are walked rack by rack).
void AddJobDemand(SiteRt& site, const std::vector<std::pair<int, int>>& placement,
                  const std::vector<std::pair<int, int>>& footprint, double delta_w_per_gpu);

// The controller's rack power: PowerOffRack cuts an on rack's draw (it keeps its demand_w for
// when it is on again) and takes its free GPUs out of placement; BootRack powers an off rack on:
// it draws again but stays out of placement, and its jobs stay down, until RackBooted.
// REQUIRES: `rack` is a rack that is on (PowerOffRack), off (BootRack), booting (RackBooted).
void PowerOffRack(SiteRt& site, int rack);
void BootRack(SiteRt& site, int rack);
void RackBooted(SiteRt& site, int rack);

// Recomputes energization and every node's load after a breaker opened or closed.
void RecomputeLoads(SiteRt& site);

// The same after node `node`'s breaker opened or closed, in O(its subtree + the racks under its
// ancestors): its subtree's energization and loads, and its ancestors' loads, summed afresh as
// RecomputeLoads sums them. Other nodes keep their loads as AddRackDemand left them (which
// RecomputeLoads would re-sum: equal to rounding). REQUIRES: IndexSubtrees was called.
void RecomputeSubtree(SiteRt& site, int node);

// Fills site.subtree_racks and site.subtree_end from the tree. Call once when the site is built.
void IndexSubtrees(SiteRt& site);

// Precomputes each node's quiet threshold (NodeRt::quiet_below_w) from its rating and curve.
// REQUIRES: site.spec set, site.nodes sized. Call once when the site is built.
void InitBreakers(SiteRt& site);

// Judges the dirty nodes at `now`: starts or ends overload episodes (recording the longest in the
// site's result) and appends to `trips` each node whose trip time (NodeDetail::trip_at) changed;
// the caller schedules a trip check for each at that time with the node's generation.
void CheckBreakers(SiteRt& site, Time now, std::vector<int>* trips);

}  // namespace headroom::sim

#include "sim/power_tree.h"

#include <algorithm>
#include <limits>

#include "sim/tolerances.h"

namespace headroom::sim {

using model::NodeKind;

namespace {
constexpr double kNeverTrips = std::numeric_limits<double>::infinity();
}  // namespace

void AddRackDemand(SiteRt& site, int rack, double delta_w) {
  NodeRt& r = site.nodes[static_cast<size_t>(rack)];
  r.demand_w += delta_w;
  if (!r.energized) return;
  for (int a = rack; a >= 0; a = site.parent[static_cast<size_t>(a)]) {
    site.node_load_w[static_cast<size_t>(a)] += delta_w;
    MarkDirty(site, a);
  }
}

namespace {
// Marks `node` for judging unless it is quiet (below every step of its curve, no overload
// episode): CheckBreakers would skip it anyway.
void MarkIfLoud(SiteRt& site, int node) {
  const auto i = static_cast<size_t>(node);
  const NodeRt& n = site.nodes[i];
  if (site.node_load_w[i] > n.quiet_below_w || n.overloaded) MarkDirty(site, node);
}
}  // namespace

std::vector<std::pair<int, int>> Footprint(const SiteRt& site,
                                           const std::vector<std::pair<int, int>>& placement) {
  std::vector<std::pair<int, int>> out;
  for (const auto& [rack, n] : placement) {
    for (int a = site.parent[static_cast<size_t>(rack)]; a >= 0;
         a = site.parent[static_cast<size_t>(a)]) {
      out.emplace_back(a, n);
    }
  }
  std::sort(out.begin(), out.end());
  size_t w = 0;
  for (size_t r = 0; r < out.size(); ++r) {
    if (w > 0 && out[w - 1].first == out[r].first) {
      out[w - 1].second += out[r].second;
    } else {
      out[w++] = out[r];
    }
  }
  out.resize(w);
  return out;
}

void AddJobDemand(SiteRt& site, const std::vector<std::pair<int, int>>& placement,
                  const std::vector<std::pair<int, int>>& footprint, double delta_w_per_gpu) {
  bool all_energized = true;
  for (const auto& [rack, n] : placement) {
    NodeRt& r = site.nodes[static_cast<size_t>(rack)];
    const double delta_w = delta_w_per_gpu * n;
    r.demand_w += delta_w;
    if (!r.energized) {
      all_energized = false;
      continue;
    }
    site.node_load_w[static_cast<size_t>(rack)] += delta_w;
    MarkIfLoud(site, rack);
  }
  if (all_energized) {
    for (const auto& [node, n] : footprint) {
      site.node_load_w[static_cast<size_t>(node)] += delta_w_per_gpu * n;
      MarkIfLoud(site, node);
    }
    return;
  }
  for (const auto& [rack, n] : placement) {
    if (!site.nodes[static_cast<size_t>(rack)].energized) continue;
    for (int a = site.parent[static_cast<size_t>(rack)]; a >= 0;
         a = site.parent[static_cast<size_t>(a)]) {
      site.node_load_w[static_cast<size_t>(a)] += delta_w_per_gpu * n;
      MarkIfLoud(site, a);
    }
  }
}

namespace {
// Adds `delta_w` to the loads of `rack` and its ancestors and marks them for judging.
void AddUp(SiteRt& site, int rack, double delta_w) {
  for (int a = rack; a >= 0; a = site.parent[static_cast<size_t>(a)]) {
    site.node_load_w[static_cast<size_t>(a)] += delta_w;
    MarkDirty(site, a);
  }
}
// Whether `rack`'s parent (and so the rack, unless off or tripped) has power.
bool ParentEnergized(const SiteRt& site, int rack) {
  const int parent = site.parent[static_cast<size_t>(rack)];
  return parent < 0 || site.nodes[static_cast<size_t>(parent)].energized;
}
}  // namespace

void PowerOffRack(SiteRt& site, int rack) {
  NodeRt& r = site.nodes[static_cast<size_t>(rack)];
  if (r.energized) AddUp(site, rack, -site.node_load_w[static_cast<size_t>(rack)]);
  site.node_load_w[static_cast<size_t>(rack)] = 0;
  r.off = true;
  r.energized = false;
  site.free_racks.SetEnergized(site.rack_pos[static_cast<size_t>(rack)], false);
  site.rack_power[static_cast<size_t>(rack)] = control::RackPower::kOff;
  ++site.rack_power_changes;
  auto& off = site.racks_not_on;
  const auto at = std::lower_bound(off.begin(), off.end(), rack);
  if (at == off.end() || *at != rack) off.insert(at, rack);
}

void BootRack(SiteRt& site, int rack) {
  NodeRt& r = site.nodes[static_cast<size_t>(rack)];
  r.off = false;
  r.booting = true;
  r.energized = !r.tripped && ParentEnergized(site, rack);
  if (r.energized) AddUp(site, rack, r.demand_w);
  site.rack_power[static_cast<size_t>(rack)] = control::RackPower::kBooting;
  ++site.rack_power_changes;
}

void RackBooted(SiteRt& site, int rack) {
  NodeRt& r = site.nodes[static_cast<size_t>(rack)];
  r.booting = false;
  site.free_racks.SetEnergized(site.rack_pos[static_cast<size_t>(rack)], RackReady(r));
  site.rack_power[static_cast<size_t>(rack)] = control::RackPower::kOn;
  ++site.rack_power_changes;
  auto& off = site.racks_not_on;
  const auto at = std::lower_bound(off.begin(), off.end(), rack);
  if (at != off.end() && *at == rack) off.erase(at);
}

void RecomputeLoads(SiteRt& site) {
  const auto& tree = site.spec->tree;
  for (size_t i = 0; i < tree.size(); ++i) {
    NodeRt& node = site.nodes[i];
    const int parent = tree[i].parent;
    node.energized = !node.tripped && !node.off &&
                     (parent < 0 || site.nodes[static_cast<size_t>(parent)].energized);
    site.node_load_w[i] = 0;
    MarkDirty(site, static_cast<int>(i));
  }
  for (size_t p = 0; p < site.racks.size(); ++p) {
    const int rack = site.racks[p];
    const NodeRt& r = site.nodes[static_cast<size_t>(rack)];
    site.free_racks.SetEnergized(static_cast<int>(p), RackReady(r));
    if (!r.energized) continue;
    for (int a = rack; a >= 0; a = tree[static_cast<size_t>(a)].parent) {
      site.node_load_w[static_cast<size_t>(a)] += r.demand_w;
    }
  }
}

void RecomputeSubtree(SiteRt& site, int node) {
  const auto n = static_cast<size_t>(node);
  if (n >= site.subtree_end.size() || site.subtree_end[n] < 0) return RecomputeLoads(site);
  const auto& tree = site.spec->tree;
  const auto end = static_cast<size_t>(site.subtree_end[n]);
  for (size_t i = n; i < end; ++i) {
    NodeRt& x = site.nodes[i];
    const int parent = tree[i].parent;
    x.energized =
        !x.tripped && !x.off && (parent < 0 || site.nodes[static_cast<size_t>(parent)].energized);
    site.node_load_w[i] = 0;
    MarkDirty(site, static_cast<int>(i));
  }
  for (int rack : site.subtree_racks[n]) {
    const NodeRt& r = site.nodes[static_cast<size_t>(rack)];
    site.free_racks.SetEnergized(site.rack_pos[static_cast<size_t>(rack)], RackReady(r));
    if (!r.energized) continue;
    for (int a = rack;; a = tree[static_cast<size_t>(a)].parent) {
      site.node_load_w[static_cast<size_t>(a)] += r.demand_w;
      if (a == node) break;
    }
  }
  // Each ancestor's load afresh from its energized racks, in rack order, as RecomputeLoads sums
  // it (the root's covers every rack: one pass, not one per tree level).
  for (int a = tree[n].parent; a >= 0; a = tree[static_cast<size_t>(a)].parent) {
    double w = 0;
    for (int rack : site.subtree_racks[static_cast<size_t>(a)]) {
      const NodeRt& r = site.nodes[static_cast<size_t>(rack)];
      if (r.energized) w += r.demand_w;
    }
    site.node_load_w[static_cast<size_t>(a)] = w;
    MarkDirty(site, a);
  }
}

void IndexSubtrees(SiteRt& site) {
  const auto& tree = site.spec->tree;
  const size_t n = tree.size();
  site.subtree_racks.assign(n, {});
  for (size_t i = 0; i < n; ++i) {
    if (tree[i].gpus <= 0) continue;
    for (int a = static_cast<int>(i); a >= 0; a = tree[static_cast<size_t>(a)].parent)
      site.subtree_racks[static_cast<size_t>(a)].push_back(static_cast<int>(i));
  }
  // Subtree sizes (children after parents), then each subtree's range if the order is
  // depth-first: every node inside its parent's range, and ranges nested.
  std::vector<int> size(n, 1);
  for (size_t i = n; i-- > 1;) {
    if (tree[i].parent >= 0) size[static_cast<size_t>(tree[i].parent)] += size[i];
  }
  site.subtree_end.assign(n, -1);
  for (size_t i = 0; i < n; ++i) site.subtree_end[i] = static_cast<int>(i) + size[i];
  bool depth_first = true;
  for (size_t i = 1; i < n && depth_first; ++i) {
    const int p = tree[i].parent;
    depth_first = p >= 0 && p < static_cast<int>(i) &&
                  site.subtree_end[i] <= site.subtree_end[static_cast<size_t>(p)];
  }
  if (!depth_first) site.subtree_end.assign(n, -1);
}

void InitBreakers(SiteRt& site) {
  const model::Site& spec = *site.spec;
  for (size_t i = 0; i < spec.tree.size(); ++i) {
    const model::TreeNode& t = spec.tree[i];
    site.nodes[i].quiet_below_w = kNeverTrips;
    if (t.rating_w <= 0) continue;
    if (t.kind == NodeKind::kTent) {
      site.nodes[i].quiet_below_w = -kNeverTrips;  // derates with heat: always the full rule
      continue;
    }
    const auto& curve = t.breaker.empty() ? spec.default_breaker : t.breaker;
    for (const model::BreakerStep& step : curve) {
      site.nodes[i].quiet_below_w =
          std::min(site.nodes[i].quiet_below_w, step.above_fraction * t.rating_w + kEpsW);
    }
  }
}

void CheckBreakers(SiteRt& site, Time now, std::vector<int>* trips) {
  const model::Site& spec = *site.spec;
  const double derate = spec.cooling.TentDerateAt(site.ambient_c);
  for (int i : site.dirty_nodes) {
    NodeRt& node = site.nodes[static_cast<size_t>(i)];
    node.dirty = false;
    const double load = site.node_load_w[static_cast<size_t>(i)];
    // Below every step of its curve and not in an overload episode: nothing to do (most nodes,
    // most of the time; the full rule below would reach the same conclusion).
    if (load <= node.quiet_below_w && !node.overloaded) continue;
    if (node.tripped || !node.energized) continue;
    const model::TreeNode& t = spec.tree[static_cast<size_t>(i)];
    if (t.rating_w <= 0) continue;  // no breaker (the site root)
    const auto& curve = t.breaker.empty() ? spec.default_breaker : t.breaker;
    Duration hold = Duration::max();
    for (const model::BreakerStep& step : curve) {
      if (load > step.above_fraction * t.rating_w + kEpsW) hold = std::min(hold, step.hold);
    }
    // A tent above its heat-derated cooling capacity overheats: a thermal limit, which trips the
    // tent after the curve's longest hold rather than in milliseconds.
    if (t.kind == NodeKind::kTent && derate < 1.0 && load > t.rating_w * derate + kEpsW &&
        !curve.empty()) {
      hold = std::min(hold, curve.front().hold);
    }
    NodeDetail& detail = site.node_detail[static_cast<size_t>(i)];
    if (hold == Duration::max()) {
      if (node.overloaded) {
        node.overloaded = false;
        detail.trip_at = kTimeNever;
        trips->push_back(i);
        site.result.longest_overload_s =
            std::max(site.result.longest_overload_s, ToSeconds(now - detail.overload_since));
      }
      continue;
    }
    if (!node.overloaded) {
      node.overloaded = true;
      detail.overload_since = now;
      detail.trip_at = kTimeNever;
    }
    const Time trip_at = std::max(now, detail.overload_since + hold);
    if (trip_at != detail.trip_at) {
      detail.trip_at = trip_at;
      trips->push_back(i);
    }
  }
  site.dirty_nodes.clear();
}

}  // namespace headroom::sim

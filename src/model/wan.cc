#include "model/wan.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/check.h"

namespace headroom::model {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool Finite(double x) { return x < kInf; }

// A candidate route from the Dijkstra source: ordered by (latency, hops, link indices).
struct Label {
  bool reached = false;
  bool done = false;
  Duration latency{0};
  std::vector<int> links;
  std::vector<WanResourceId> resources;
};

bool Better(const Label& x, const Label& y) {
  if (x.latency != y.latency) return x.latency < y.latency;
  if (x.links.size() != y.links.size()) return x.links.size() < y.links.size();
  return x.links < y.links;
}

}  // namespace

// ---- Routes ----

WanRoutes::WanRoutes(const Wan& wan, std::vector<std::string> site_names)
    : num_regions_(static_cast<int>(wan.regions.size())),
      num_links_(static_cast<int>(wan.links.size())),
      regions_(wan.regions),
      site_names_(std::move(site_names)),
      site_region_(wan.site_region),
      site_latency_(wan.site_uplink_latency) {
  const int sites = static_cast<int>(site_region_.size());
  DCHECK(wan.site_uplink_bps.size() == site_region_.size());
  DCHECK(wan.site_uplink_latency.size() == site_region_.size());
  DCHECK(site_names_.empty() || static_cast<int>(site_names_.size()) == sites);
  capacity_bps_.reserve(2 * static_cast<size_t>(num_links_ + sites));
  for (const WanLink& link : wan.links) {
    DCHECK(link.a >= 0 && link.a < num_regions_ && link.b >= 0 && link.b < num_regions_);
    DCHECK(link.a != link.b && link.capacity_bps >= 0 && link.latency.count() >= 0);
    link_names_.push_back(link.name);
    link_ends_.emplace_back(link.a, link.b);
    capacity_bps_.push_back(link.capacity_bps);
    capacity_bps_.push_back(link.capacity_bps);
  }
  for (int s = 0; s < sites; ++s) {
    DCHECK(site_region_[s] >= 0 && site_region_[s] < num_regions_);
    DCHECK(wan.site_uplink_bps[s] >= 0 && site_latency_[s].count() >= 0);
    capacity_bps_.push_back(wan.site_uplink_bps[s]);
    capacity_bps_.push_back(wan.site_uplink_bps[s]);
  }
  region_paths_.resize(static_cast<size_t>(num_regions_) * num_regions_);
  for (int r = 0; r < num_regions_; ++r) RoutesFrom(r, wan.links);
}

// Dijkstra from `source` with the label order of Better: every link adds a positive step to the
// key (one hop more) and appending a link keeps the order of two labels ending at the same region,
// so a settled label is final. O(regions x (regions + links)) per source.
void WanRoutes::RoutesFrom(int source, const std::vector<WanLink>& links) {
  std::vector<Label> label(num_regions_);
  label[source].reached = true;
  for (;;) {
    int u = -1;
    for (int v = 0; v < num_regions_; ++v) {
      if (label[v].reached && !label[v].done && (u < 0 || Better(label[v], label[u]))) u = v;
    }
    if (u < 0) break;
    label[u].done = true;
    for (int i = 0; i < num_links_; ++i) {
      const WanLink& link = links[i];
      if (!(link.capacity_bps > 0)) continue;  // down
      int v;
      WanResourceId resource;
      if (link.a == u) {
        v = link.b;
        resource = 2 * i;
      } else if (link.b == u) {
        v = link.a;
        resource = 2 * i + 1;
      } else {
        continue;
      }
      if (label[v].done) continue;
      Label candidate{true, false, label[u].latency + link.latency, label[u].links,
                      label[u].resources};
      candidate.links.push_back(i);
      candidate.resources.push_back(resource);
      if (!label[v].reached || Better(candidate, label[v])) label[v] = std::move(candidate);
    }
  }
  for (int v = 0; v < num_regions_; ++v) {
    RegionPath& path = region_paths_[static_cast<size_t>(source) * num_regions_ + v];
    path.reachable = label[v].reached;
    path.latency = label[v].latency;
    path.resources = std::move(label[v].resources);
  }
}

std::optional<WanRoute> WanRoutes::Route(int site_from, int site_to) const {
  DCHECK(site_from >= 0 && site_from < num_sites() && site_to >= 0 && site_to < num_sites());
  if (site_from == site_to) return WanRoute{};
  const WanResourceId up = 2 * num_links_ + 2 * site_from;
  const WanResourceId down = 2 * num_links_ + 2 * site_to + 1;
  if (!(capacity_bps_[up] > 0) || !(capacity_bps_[down] > 0)) return std::nullopt;
  const RegionPath& path =
      region_paths_[static_cast<size_t>(site_region_[site_from]) * num_regions_ +
                    site_region_[site_to]];
  if (!path.reachable) return std::nullopt;
  WanRoute route;
  route.resources.reserve(path.resources.size() + 2);
  route.resources.push_back(up);
  route.resources.insert(route.resources.end(), path.resources.begin(), path.resources.end());
  route.resources.push_back(down);
  route.latency = site_latency_[site_from] + path.latency + site_latency_[site_to];
  return route;
}

std::string WanRoutes::ResourceName(WanResourceId id) const {
  DCHECK(id >= 0 && id < num_resources());
  if (id < 2 * num_links_) {
    const auto [a, b] = link_ends_[id / 2];
    const bool forward = id % 2 == 0;
    return absl::StrCat(link_names_[id / 2], " ", regions_[forward ? a : b], "->",
                        regions_[forward ? b : a]);
  }
  const int site = (id - 2 * num_links_) / 2;
  const std::string name = site_names_.empty() ? absl::StrCat("site ", site) : site_names_[site];
  return absl::StrCat(name, id % 2 == 0 ? " up" : " down");
}

double WanRoutes::BottleneckBps(const WanRoute& route) const {
  double bottleneck = kInf;
  for (const WanResourceId r : route.resources) bottleneck = std::min(bottleneck, capacity_bps_[r]);
  return bottleneck;
}

// ---- Max-min fair sharing ----

namespace wan_internal {

void FlowTable::Clear() {
  path.clear();
  begin.assign(1, 0);
  weight.clear();
  demand_bps.clear();
}

void FlowTable::Add(std::span<const WanResourceId> flow_path, double flow_weight,
                    double flow_demand_bps) {
  path.insert(path.end(), flow_path.begin(), flow_path.end());
  begin.push_back(static_cast<int>(path.size()));
  weight.push_back(flow_weight);
  demand_bps.push_back(flow_demand_bps);
}

void MaxMinFairInto(std::span<const double> capacity_bps, const FlowTable& table, MaxMinScratch& s,
                    std::vector<double>& rate_bps) {
  const int n = table.size();
  const int resources = static_cast<int>(capacity_bps.size());
  rate_bps.assign(n, 0.0);
  s.remaining_bps.assign(capacity_bps.begin(), capacity_bps.end());
  s.weight_sum.assign(resources, 0.0);
  s.unfrozen_count.assign(resources, 0);
  s.version.assign(resources, 0);
  s.frozen.assign(n, 0);
  s.by_resource_begin.assign(resources + 1, 0);
  s.order.clear();
  s.heap.clear();

  // Flows by finite resource (unlimited ones never bottleneck), in flow order.
  for (int i = 0; i < n; ++i) {
    DCHECK(table.weight[i] > 0 && Finite(table.weight[i]) && table.demand_bps[i] >= 0);
    bool limited = false;
    for (int k = table.begin[i]; k < table.begin[i + 1]; ++k) {
      const WanResourceId r = table.path[k];
      DCHECK(r >= 0 && r < resources && capacity_bps[r] >= 0);
      if (Finite(capacity_bps[r])) {
        ++s.by_resource_begin[r + 1];
        limited = true;
      }
    }
    if (!limited) {  // nothing but its demand limits it
      s.frozen[i] = 1;
      rate_bps[i] = table.demand_bps[i];
    } else if (Finite(table.demand_bps[i])) {
      s.order.push_back(i);
    }
  }
  for (int r = 0; r < resources; ++r) s.by_resource_begin[r + 1] += s.by_resource_begin[r];
  s.by_resource.resize(s.by_resource_begin[resources]);
  for (int i = 0; i < n; ++i) {
    for (int k = table.begin[i]; k < table.begin[i + 1]; ++k) {
      const WanResourceId r = table.path[k];
      if (!Finite(capacity_bps[r])) continue;
      s.by_resource[s.by_resource_begin[r] + s.unfrozen_count[r]++] = i;
      s.weight_sum[r] += table.weight[i];
    }
  }
  // Demand events in level order (demand per unit weight), ties by index.
  std::sort(s.order.begin(), s.order.end(), [&](int x, int y) {
    const double lx = table.demand_bps[x] / table.weight[x];
    const double ly = table.demand_bps[y] / table.weight[y];
    return lx < ly || (lx == ly && x < y);
  });

  // Resource events: a min-heap of (level at which the resource saturates, id), lazily updated.
  // Freezing a flow at the current level only raises the saturation level of its other resources
  // ((x - w l) / (W - w) >= x / W when l <= x / W), so an entry is a lower bound: a change bumps
  // the resource's version, and an outdated entry reaching the top is re-pushed at its new level.
  const auto later = [](const MaxMinScratch::Entry& x, const MaxMinScratch::Entry& y) {
    return x.level > y.level || (x.level == y.level && x.resource > y.resource);
  };
  const auto push = [&](WanResourceId r) {
    const double level = std::max(0.0, s.remaining_bps[r]) / s.weight_sum[r];
    s.heap.push_back({level, r, s.version[r]});
    std::push_heap(s.heap.begin(), s.heap.end(), later);
  };
  for (int r = 0; r < resources; ++r) {
    if (s.unfrozen_count[r] > 0) push(r);
  }
  const auto freeze = [&](int i, double rate) {
    s.frozen[i] = 1;
    rate_bps[i] = rate;
    for (int k = table.begin[i]; k < table.begin[i + 1]; ++k) {
      const WanResourceId r = table.path[k];
      if (!Finite(capacity_bps[r])) continue;
      s.remaining_bps[r] -= rate;
      s.weight_sum[r] -= table.weight[i];
      ++s.version[r];
      --s.unfrozen_count[r];
    }
  };

  size_t next_demand = 0;
  for (;;) {
    while (!s.heap.empty() && s.heap.front().version != s.version[s.heap.front().resource]) {
      const WanResourceId r = s.heap.front().resource;
      std::pop_heap(s.heap.begin(), s.heap.end(), later);
      s.heap.pop_back();
      if (s.unfrozen_count[r] > 0) push(r);
    }
    while (next_demand < s.order.size() && s.frozen[s.order[next_demand]]) ++next_demand;
    if (s.heap.empty()) break;  // every flow crossing a finite resource is frozen
    const double resource_level = s.heap.front().level;
    if (next_demand < s.order.size()) {
      const int i = s.order[next_demand];
      if (table.demand_bps[i] / table.weight[i] <= resource_level) {
        freeze(i, table.demand_bps[i]);
        continue;
      }
    }
    const WanResourceId r = s.heap.front().resource;
    std::pop_heap(s.heap.begin(), s.heap.end(), later);
    s.heap.pop_back();
    for (int k = s.by_resource_begin[r]; k < s.by_resource_begin[r + 1]; ++k) {
      const int i = s.by_resource[k];
      if (!s.frozen[i]) freeze(i, std::min(table.demand_bps[i], table.weight[i] * resource_level));
    }
  }
  DCHECK(std::all_of(s.frozen.begin(), s.frozen.end(), [](char f) { return f != 0; }));
}

}  // namespace wan_internal

std::vector<double> MaxMinFair(const std::vector<double>& capacity_bps,
                               const std::vector<FlowDemand>& flows) {
  wan_internal::FlowTable table;
  for (const FlowDemand& f : flows) table.Add(f.path, f.weight, f.demand_bps);
  wan_internal::MaxMinScratch scratch;
  std::vector<double> rates;
  wan_internal::MaxMinFairInto(capacity_bps, table, scratch, rates);
  return rates;
}

// ---- Time ----

Duration TransferTime(double bytes, double rate_bps, Duration latency) {
  DCHECK(latency.count() >= 0);
  const auto max_ns = static_cast<double>(kTransferTimeMax.count());
  double ns = 0;
  if (bytes == 0 || (Finite(bytes) && rate_bps == kInf)) {
    ns = 0;
  } else {
    ns = bytes * 8e9 / rate_bps;  // +inf for rate 0 or huge bytes, NaN for NaN: both "never"
  }
  if (!(ns < max_ns)) return kTransferTimeMax;
  const Duration moving{static_cast<std::int64_t>(std::ceil(ns))};
  if (latency >= kTransferTimeMax - moving) return kTransferTimeMax;
  return moving + latency;
}

Time AddSaturating(Time t, Duration d) {
  DCHECK(d.count() >= 0);
  if (d >= kTransferTimeMax || t >= kTimeNever - d) return kTimeNever;
  return t + d;
}

// ---- FlowSet ----

FlowSet::FlowSet(std::vector<double> capacity_bps, Time start)
    : capacity_bps_(std::move(capacity_bps)),
      now_(start),
      rates_since_(start),
      resource_bytes_(capacity_bps_.size(), 0.0),
      resource_load_bps_(capacity_bps_.size(), 0.0) {}

const FlowSet::Flow* FlowSet::Find(FlowId id) const {
  const auto it = std::lower_bound(flows_.begin(), flows_.end(), id,
                                   [](const Flow& f, FlowId x) { return f.id < x; });
  return it != flows_.end() && it->id == id ? &*it : nullptr;
}

FlowSet::Flow* FlowSet::Find(FlowId id) { return const_cast<Flow*>(std::as_const(*this).Find(id)); }

// Bytes `f` has moved by `t` (>= rates_since_, with no drain in between). REQUIRES: rates
// current, or t == rates_since_.
double FlowSet::MovedAt(const Flow& f, Time t) const {
  if (f.drained) return f.size_bytes;
  const Duration dt = t - rates_since_;
  if (dt.count() <= 0) return f.moved_bytes;
  if (t >= f.drain_at) return f.size_bytes;
  if (!(f.rate_bps > 0)) return f.moved_bytes;
  return std::min(f.size_bytes, f.moved_bytes + f.rate_bps * ToSeconds(dt) / 8);
}

void FlowSet::Fold() {
  if (now_ == rates_since_) return;
  DCHECK(!stale_);
  for (Flow& f : flows_) {
    if (f.drained) continue;
    const double moved = MovedAt(f, now_);
    const double delta = moved - f.moved_bytes;
    if (!(delta > 0)) continue;
    f.moved_bytes = moved;
    for (const WanResourceId r : f.route.resources) resource_bytes_[r] += delta;
  }
  rates_since_ = now_;
}

void FlowSet::Change() {
  Fold();
  stale_ = true;
}

void FlowSet::EnsureRates() const {
  if (!stale_) return;
  DCHECK(rates_since_ == now_);
  table_.Clear();
  for (const Flow& f : flows_) {
    if (!f.drained) table_.Add(f.route.resources, f.weight, f.demand_bps);
  }
  wan_internal::MaxMinFairInto(capacity_bps_, table_, scratch_, rates_);
  std::fill(resource_load_bps_.begin(), resource_load_bps_.end(), 0.0);
  next_drain_ = kTimeNever;
  next_delivery_estimate_ = kTimeNever;
  size_t k = 0;
  for (const Flow& f : flows_) {
    if (f.drained) continue;
    f.rate_bps = rates_[k++];
    for (const WanResourceId r : f.route.resources) resource_load_bps_[r] += f.rate_bps;
    f.drain_at = Finite(f.size_bytes)
                     ? AddSaturating(rates_since_, TransferTime(f.size_bytes - f.moved_bytes,
                                                                f.rate_bps, Duration{0}))
                     : kTimeNever;
    next_drain_ = std::min(next_drain_, f.drain_at);
    next_delivery_estimate_ =
        std::min(next_delivery_estimate_, AddSaturating(f.drain_at, f.route.latency));
  }
  stale_ = false;
}

FlowSet::FlowId FlowSet::Add(Time now, WanRoute route, double bytes, double demand_bps,
                             double weight) {
  DCHECK(bytes >= 0 && demand_bps >= 0 && weight > 0 && Finite(weight));
  DCHECK(std::all_of(route.resources.begin(), route.resources.end(), [&](WanResourceId r) {
    return r >= 0 && r < static_cast<int>(capacity_bps_.size());
  }));
  DCHECK(Finite(bytes) || Finite(demand_bps) ||
         std::any_of(route.resources.begin(), route.resources.end(),
                     [&](WanResourceId r) { return Finite(capacity_bps_[r]); }));
  Settle(now);
  Change();
  const FlowId id = next_id_++;
  flows_.push_back(Flow{id, std::move(route), bytes, demand_bps, weight});
  return id;
}

bool FlowSet::Remove(Time now, FlowId id) {
  Settle(now);
  Flow* f = Find(id);
  if (f == nullptr) return false;
  if (f->drained) {
    in_flight_.erase({f->delivered_at, id});
  } else {
    Change();
  }
  flows_.erase(flows_.begin() + (f - flows_.data()));
  return true;
}

bool FlowSet::SetDemand(Time now, FlowId id, double demand_bps) {
  DCHECK(demand_bps >= 0);
  Settle(now);
  Flow* f = Find(id);
  if (f == nullptr || f->drained) return false;
  if (f->demand_bps != demand_bps) {
    DCHECK(Finite(f->size_bytes) || Finite(demand_bps) ||
           std::any_of(f->route.resources.begin(), f->route.resources.end(),
                       [&](WanResourceId r) { return Finite(capacity_bps_[r]); }));
    Change();
    f->demand_bps = demand_bps;
  }
  return true;
}

void FlowSet::Settle(Time now) {
  if (now == now_ && stale_) return;
  AdvanceTo(now);
}

void FlowSet::AdvanceTo(Time t) {
  DCHECK(t >= now_);
  for (;;) {
    EnsureRates();
    if (next_drain_ > t) {
      now_ = t;
      return;
    }
    now_ = next_drain_;
    Fold();
    for (Flow& f : flows_) {
      if (f.drained || f.drain_at > now_) continue;
      // The last byte leaves now: the flow has moved exactly its size (also when it drained at
      // the instant it was added, with an infinite rate or no bytes).
      const double delta = f.size_bytes - f.moved_bytes;
      if (delta > 0) {
        for (const WanResourceId r : f.route.resources) resource_bytes_[r] += delta;
      }
      f.moved_bytes = f.size_bytes;
      f.drained = true;
      f.rate_bps = 0;
      f.delivered_at = AddSaturating(now_, f.route.latency);
      in_flight_.insert({f.delivered_at, f.id});
    }
    stale_ = true;
  }
}

std::vector<FlowSet::Delivered> FlowSet::TakeCompleted(Time now) {
  AdvanceTo(now);
  std::vector<Delivered> done;
  while (!in_flight_.empty() && in_flight_.begin()->first <= now) {
    const auto [at, id] = *in_flight_.begin();
    in_flight_.erase(in_flight_.begin());
    done.push_back({id, at});
    const Flow* f = Find(id);
    DCHECK(f != nullptr);
    flows_.erase(flows_.begin() + (f - flows_.data()));
  }
  return done;
}

Time FlowSet::NextCompletion() const {
  EnsureRates();
  const Time delivery = in_flight_.empty() ? kTimeNever : in_flight_.begin()->first;
  return std::min(delivery, next_delivery_estimate_);
}

Time FlowSet::NextEvent() const {
  EnsureRates();
  const Time delivery = in_flight_.empty() ? kTimeNever : in_flight_.begin()->first;
  return std::min(delivery, next_drain_);
}

double FlowSet::rate_bps(FlowId id) const {
  EnsureRates();
  const Flow* f = Find(id);
  return f == nullptr || f->drained ? 0.0 : f->rate_bps;
}

double FlowSet::bytes_moved(FlowId id) const {
  const Flow* f = Find(id);
  return f == nullptr ? 0.0 : MovedAt(*f, now_);
}

bool FlowSet::drained(FlowId id) const {
  const Flow* f = Find(id);
  return f != nullptr && f->drained;
}

double FlowSet::resource_bytes(WanResourceId r) const {
  if (now_ == rates_since_) return resource_bytes_[r];
  // Rates are current (a change at now_ would have folded), and no undrained flow reaches its
  // size before its drain, so the load integrates in closed form.
  return resource_bytes_[r] + resource_load_bps_[r] * ToSeconds(now_ - rates_since_) / 8;
}

double FlowSet::resource_load_bps(WanResourceId r) const {
  EnsureRates();
  return resource_load_bps_[r];
}

FlowSet::MeterReading FlowSet::ReadMeter() const {
  MeterReading reading{now_, {}};
  reading.resource_bytes.reserve(capacity_bps_.size());
  for (int r = 0; r < static_cast<int>(capacity_bps_.size()); ++r) {
    reading.resource_bytes.push_back(resource_bytes(r));
  }
  return reading;
}

double FlowSet::ResourceUtilisation(const MeterReading& since, WanResourceId r) const {
  DCHECK(since.at <= now_);
  const double capacity = capacity_bps_[r];
  if (!Finite(capacity) || !(capacity > 0)) return 0.0;
  if (since.at == now_) return resource_load_bps(r) / capacity;
  return (resource_bytes(r) - since.resource_bytes[r]) * 8 /
         (capacity * ToSeconds(now_ - since.at));
}

}  // namespace headroom::model

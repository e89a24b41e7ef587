#pragma once
// The WAN between a fleet's sites: regions joined by links, and each site's access link (uplink)
// to its region. Capacities in bits per second, each way (links are full duplex); latencies one
// way. The types are plain values filled by the loader (config) and read by the global scheduler
// (sched) and the simulator (sim). Over them, this file gives:
//
//   - WanRoutes: the path between two sites, as directed resources (each link and each uplink is
//     two resources, one per direction, each with the full capacity), and its latency.
//   - MaxMinFair: weighted max-min fair rates of flows over resources, exact progressive filling.
//   - FlowSet: transfers and streams over time, clock-free (times passed in), integrating bytes
//     exactly between the changes at which rates are recomputed.
//   - TransferTime: bytes over a rate plus a latency, as a Duration, rounded up, overflow-safe.
//
// Invariants (checked by wan_test over 1,000 random seeds):
//   - On every resource the sum of the flows' rates is at most its capacity, to within
//     kWanRateTolerance of the capacity (floating-point rounding of the fair shares).
//   - Every flow's rate is at most its demand, exactly, and never negative.
//   - Max-min optimality: a flow whose rate is below its demand crosses a saturated resource on
//     which no flow has a larger rate per unit weight.
//   - Bytes are conserved: on each resource, the bytes it carried equal the sum over the flows
//     crossing it of the bytes they moved (exact at each recomputation; between two, to within
//     kWanRateTolerance), and a finite flow never moves more than its size.
//
// A site with no region named is a region of its own. A fleet with no `wan:` section has one
// region per site and no links: sites cannot exchange data (cross-site work and migration are
// then impossible, and the scheduler treats every site as unreachable from the others).

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"

namespace headroom::model {

struct WanLink {
  std::string name;  // "us-east--eu-west" unless the file names it
  int a = -1;        // region indices into Wan::regions, a != b
  int b = -1;
  double capacity_bps = 0;  // each way; 0: the link is down (no route uses it)
  Duration latency{0};      // one way, >= 0
};

struct Wan {
  std::vector<std::string> regions;
  std::vector<WanLink> links;
  // Per site index: its region, and its access link to the region (each way; +inf: unlimited;
  // 0: the site is cut off), with its one-way latency.
  std::vector<int> site_region;
  std::vector<double> site_uplink_bps;
  std::vector<Duration> site_uplink_latency;
};

inline constexpr double kUnlimitedBps = std::numeric_limits<double>::infinity();

// Relative tolerance of the invariants above: a resource's load may exceed its capacity by this
// fraction of the capacity (rounding in the fair shares, about flows x 1e-16).
inline constexpr double kWanRateTolerance = 1e-9;

// A directed resource: index into WanRoutes' resources. See WanRoutes for the numbering.
using WanResourceId = int;

// A path through the WAN: directed resources in order, and its one-way latency.
struct WanRoute {
  std::vector<WanResourceId> resources;
  Duration latency{0};
};

// Routes between sites, computed once from a Wan (which it copies what it needs from; the Wan
// need not outlive it). Resources are numbered: link i a->b is 2i, b->a is 2i+1; site s's
// uplink toward its region ("up") is 2L+2s and from its region ("down") 2L+2s+1, L = links.
//
// The route between two sites is the source's up, the inter-region links of the lowest-latency
// route between their regions (Dijkstra over up links, capacity > 0), then the destination's
// down. Ties in latency go to the fewest hops, then to the lexicographically lowest sequence of
// link indices (from the source), so the choice is deterministic; each direction is chosen on its
// own, so with ties A->B and B->A may use different links. Same region: the two uplinks only.
// Same site: an empty route (local: no resource, zero latency). Memory O(regions^2 x hops).
class WanRoutes {
 public:
  // REQUIRES: region indices in range, a != b, capacities >= 0 (inf allowed for uplinks),
  // latencies >= 0, site vectors of equal length (the loader validates all of these).
  // `site_names` (optional) names sites in ResourceName; otherwise "site <index>".
  explicit WanRoutes(const Wan& wan, std::vector<std::string> site_names = {});

  // The route from `site_from` to `site_to`, or nullopt when none exists (regions not joined by
  // up links, or an uplink of capacity 0). REQUIRES: site indices in range.
  std::optional<WanRoute> Route(int site_from, int site_to) const;

  int num_sites() const { return static_cast<int>(site_region_.size()); }
  int num_resources() const { return static_cast<int>(capacity_bps_.size()); }
  // Capacity of a directed resource, bps (+inf: unlimited).
  double ResourceCapacity(WanResourceId id) const { return capacity_bps_[id]; }
  // All capacities, indexed by resource id: what MaxMinFair and FlowSet take.
  const std::vector<double>& capacities_bps() const { return capacity_bps_; }
  // For reports: "us-east--eu-west us-east->eu-west", "site ohio-1 up".
  std::string ResourceName(WanResourceId id) const;
  // The smallest capacity on `route`, bps: its rate alone on an idle WAN (+inf when empty).
  double BottleneckBps(const WanRoute& route) const;

 private:
  struct RegionPath {
    bool reachable = false;
    Duration latency{0};
    std::vector<WanResourceId> resources;
  };
  void RoutesFrom(int source_region, const std::vector<WanLink>& links);

  int num_regions_ = 0;
  int num_links_ = 0;
  std::vector<std::string> regions_;
  std::vector<std::string> link_names_;
  std::vector<std::pair<int, int>> link_ends_;
  std::vector<std::string> site_names_;
  std::vector<int> site_region_;
  std::vector<Duration> site_latency_;
  std::vector<double> capacity_bps_;
  std::vector<RegionPath> region_paths_;  // [from * regions + to]
};

// One flow for MaxMinFair: the resources it crosses, its weight and its demand (the most it can
// use; +inf for an elastic bulk transfer).
struct FlowDemand {
  std::vector<WanResourceId> path;
  double weight = 1;                  // > 0, finite
  double demand_bps = kUnlimitedBps;  // >= 0
};

// Weighted max-min fair rates (bps) of `flows` over resources of `capacity_bps` (by id; +inf:
// unlimited), by exact progressive filling: a level (rate per unit weight) rises for all
// unfrozen flows; a flow freezes at its demand when the level reaches demand / weight, and the
// flows on a resource freeze when it saturates (level = its remaining capacity / the weight of its
// unfrozen flows). Finitely many steps, no iteration to convergence; O(F log F + (R + P) log(R +
// P)) for F flows, R resources and P resource crossings in all (a lazy heap of saturation levels).
// Deterministic: ties go to the lower index.
//
// A flow with an empty path, or crossing only unlimited resources, gets its demand, which may be
// +inf: callers must treat an infinite rate as "instant" (TransferTime gives the latency alone;
// FlowSet completes such a transfer at once). A resource id may repeat in a path; it then counts
// once per crossing. REQUIRES: ids in range, capacities >= 0, weights > 0 and finite, demands >= 0.
std::vector<double> MaxMinFair(const std::vector<double>& capacity_bps,
                               const std::vector<FlowDemand>& flows);

// The longest Duration TransferTime returns (100 years): longer transfers, and a zero rate, are
// "never" for any horizon simulated, and adding it to a time within the next 190 years cannot
// overflow.
inline constexpr Duration kTransferTimeMax = std::chrono::hours(24 * 365 * 100);

// The time to move `bytes` at `rate_bps` and deliver them `latency` later: bytes x 8 / rate,
// rounded up to the nanosecond, plus latency; at most kTransferTimeMax (also for rate 0, or
// overflow). An infinite rate or zero bytes gives the latency alone. REQUIRES: bytes >= 0,
// rate_bps >= 0, latency >= 0 (NaN is treated as "never").
Duration TransferTime(double bytes, double rate_bps, Duration latency);

// `t + d`, or kTimeNever when that would pass it (and for d >= kTransferTimeMax). REQUIRES: d >= 0.
Time AddSaturating(Time t, Duration d);

namespace wan_internal {
// Flows in compressed rows for the solver: flow i crosses path[begin[i] .. begin[i + 1]).
struct FlowTable {
  std::vector<WanResourceId> path;
  std::vector<int> begin{0};
  std::vector<double> weight;
  std::vector<double> demand_bps;
  void Clear();
  void Add(std::span<const WanResourceId> flow_path, double weight, double demand_bps);
  int size() const { return static_cast<int>(weight.size()); }
};
// Working memory of the solver, kept by FlowSet so that recomputing does not allocate.
struct MaxMinScratch {
  std::vector<double> remaining_bps, weight_sum;
  std::vector<int> unfrozen_count, version, by_resource_begin, by_resource, order;
  std::vector<char> frozen;
  struct Entry {
    double level;
    int resource, version;
  };
  std::vector<Entry> heap;
};
// MaxMinFair on a FlowTable into `rate_bps` (resized to table.size()).
void MaxMinFairInto(std::span<const double> capacity_bps, const FlowTable& table,
                    MaxMinScratch& scratch, std::vector<double>& rate_bps);
}  // namespace wan_internal

// Transfers (finite bytes) and streams (+inf bytes) sharing the WAN max-min fairly over time.
// Clock-free: every change passes its time, never earlier than the last one.
//
// Latency model: a flow gets its rate from the instant it is added (no slow start, no handshake);
// it holds bandwidth until its last byte leaves (it has "drained"), and is delivered, i.e.
// completed, one path latency after that. An uncontended transfer of B bytes over C bps thus
// completes B x 8 / C (rounded up to the ns) + latency after it was added. Streams never drain.
//
// Rates are recomputed (MaxMinFair over the undrained flows) after Add, Remove, SetDemand and each
// drain, lazily: several changes at one instant cost one recomputation, done by the first query
// that needs a rate. Between changes rates are constant and bytes are integrated in closed form
// (bytes += rate x dt / 8), so AdvanceTo over an interval with no drain is O(1). Drains are
// handled inside AdvanceTo in time order, so a caller that wakes at NextEvent() is exact.
//
// Ids: 1, 2, 3, ... in order of Add, never reused; 0 names nothing. An id that was removed or
// taken is stale: operations on it are harmless no-ops and its queries return 0.
// Not thread-safe (const queries may recompute the cached rates).
class FlowSet {
 public:
  using FlowId = std::uint64_t;
  struct Delivered {
    FlowId id;
    Time at;  // last byte out + path latency
  };
  // Bytes each resource had carried at a time: a meter reading for ResourceUtilisation.
  struct MeterReading {
    Time at;
    std::vector<double> resource_bytes;
  };

  // `capacity_bps` by resource id (WanRoutes::capacities_bps()); time starts at `start`.
  explicit FlowSet(std::vector<double> capacity_bps, Time start = kTimeZero);

  // Adds a flow over `route` at `now` moving `bytes` (+inf: a persistent stream) at most at
  // `demand_bps`, with `weight`. REQUIRES: now >= now(), resource ids in range, bytes >= 0,
  // demand >= 0, weight > 0 and finite; a stream must have a finite demand or cross a resource of
  // finite capacity (an infinite rate forever has no byte count).
  FlowId Add(Time now, WanRoute route, double bytes, double demand_bps = kUnlimitedBps,
             double weight = 1);
  // Removes a flow, drained or not (a cancelled transfer). Returns whether `id` was live.
  bool Remove(Time now, FlowId id);
  // Changes a flow's demand (bps, >= 0). Returns whether `id` was live and undrained.
  bool SetDemand(Time now, FlowId id, double demand_bps);

  // Integrates to `t`, draining the flows whose last byte leaves by then (in time order, each
  // drain recomputing the rates). REQUIRES: t >= now().
  void AdvanceTo(Time t);
  // Advances to `now`, then removes and returns the flows delivered by then, in (time, id) order.
  std::vector<Delivered> TakeCompleted(Time now);

  // The earliest delivery at current rates (kTimeNever if no transfer is under way). Exact unless
  // a drain or a change comes first and alters the rates: a simulator should wake at NextEvent().
  Time NextCompletion() const;
  // The next instant the state changes by itself: the earliest drain (rates change) or delivery.
  Time NextEvent() const;

  Time now() const { return now_; }
  int size() const { return static_cast<int>(flows_.size()); }  // live flows, drained included
  // Current rate, bps (0 once drained, or for a stale id; may be +inf, see MaxMinFair).
  double rate_bps(FlowId id) const;
  // Bytes the flow has moved by now() (its size once drained; 0 for a stale id).
  double bytes_moved(FlowId id) const;
  bool drained(FlowId id) const;
  // Bytes resource `r` has carried since the start, by now().
  double resource_bytes(WanResourceId r) const;
  // Sum of the current rates on `r`, bps.
  double resource_load_bps(WanResourceId r) const;
  MeterReading ReadMeter() const;
  // Mean fraction of `r`'s capacity used from `since.at` to now(): carried bits / (capacity x
  // interval). The current load fraction for an empty interval; 0 for an unlimited resource.
  double ResourceUtilisation(const MeterReading& since, WanResourceId r) const;

 private:
  struct Flow {
    FlowId id;
    WanRoute route;
    double size_bytes;
    double demand_bps;
    double weight;
    double moved_bytes = 0;  // at rates_since_ (the last fold)
    bool drained = false;
    Time delivered_at = kTimeNever;
    // Cached with the rates (recomputed by const queries, hence mutable):
    mutable double rate_bps = 0;
    mutable Time drain_at = kTimeNever;
  };
  // AdvanceTo(now) before a change, except that a change at the instant of a pending one adds to
  // the batch (no recomputation in between; nothing can drain in zero time at rates never used).
  void Settle(Time now);
  const Flow* Find(FlowId id) const;
  Flow* Find(FlowId id);
  // Folds the integration since rates_since_ into the stored bytes, at now_.
  void Fold();
  // Marks the rates stale after a change at now_ (folding first).
  void Change();
  void EnsureRates() const;
  double MovedAt(const Flow& f, Time t) const;

  std::vector<double> capacity_bps_;
  std::vector<Flow> flows_;  // sorted by id
  FlowId next_id_ = 1;
  Time now_;
  Time rates_since_;  // when the cached rates took effect; bytes are folded up to here
  std::vector<double> resource_bytes_;           // folded up to rates_since_
  std::set<std::pair<Time, FlowId>> in_flight_;  // drained, awaiting delivery
  mutable bool stale_ = false;
  mutable std::vector<double> resource_load_bps_;
  mutable Time next_drain_ = kTimeNever;
  mutable Time next_delivery_estimate_ = kTimeNever;
  mutable wan_internal::FlowTable table_;
  mutable wan_internal::MaxMinScratch scratch_;
  mutable std::vector<double> rates_;
};

}  // namespace headroom::model

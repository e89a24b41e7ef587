#include "model/wan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "base/rng.h"

namespace headroom::model {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr double kGbps = 1e9;
constexpr double kInf = kUnlimitedBps;

Time At(Duration d) { return Time{d}; }

FlowDemand OnPath(std::vector<WanResourceId> path, double weight = 1, double demand = kInf) {
  return FlowDemand{std::move(path), weight, demand};
}

// A WAN of one region per entry of `site_region`'s range, sites with unlimited zero-latency
// uplinks unless set afterwards.
Wan Regions(int regions, std::vector<int> site_region) {
  Wan wan;
  for (int r = 0; r < regions; ++r) wan.regions.push_back(absl::StrCat("r", r));
  wan.site_uplink_bps.assign(site_region.size(), kInf);
  wan.site_uplink_latency.assign(site_region.size(), Duration{0});
  wan.site_region = std::move(site_region);
  return wan;
}

void Link(Wan& wan, int a, int b, double bps, Duration latency) {
  wan.links.push_back({absl::StrCat("l", wan.links.size()), a, b, bps, latency});
}

// ---- MaxMinFair: closed forms ----

TEST(MaxMinFair, OneLinkTwoFlowsSplitEqually) {
  const auto r = MaxMinFair({10 * kGbps}, {OnPath({0}), OnPath({0})});
  EXPECT_DOUBLE_EQ(r[0], 5 * kGbps);
  EXPECT_DOUBLE_EQ(r[1], 5 * kGbps);
}

TEST(MaxMinFair, ADemandCappedFlowLeavesItsShareToTheOthers) {
  // 12 Gbps over three: the fair share 4 exceeds flow 1's demand 2, so it gets 2 and the other
  // two split the remaining 10.
  const auto r = MaxMinFair({12 * kGbps}, {OnPath({0}), OnPath({0}, 1, 2 * kGbps), OnPath({0})});
  EXPECT_DOUBLE_EQ(r[0], 5 * kGbps);
  EXPECT_DOUBLE_EQ(r[1], 2 * kGbps);
  EXPECT_DOUBLE_EQ(r[2], 5 * kGbps);
}

TEST(MaxMinFair, ParkingLotGivesTheLongFlowHalf) {
  // Links 0, 1, 2 of C each; the long flow crosses all three, one short flow on each link.
  const double c = 10 * kGbps;
  const auto r = MaxMinFair({c, c, c}, {OnPath({0, 1, 2}), OnPath({0}), OnPath({1}), OnPath({2})});
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(r[i], c / 2) << i;
}

TEST(MaxMinFair, ParkingLotWithANarrowMiddleLink) {
  // Middle link 4 Gbps: long and middle-short split it 2/2; the outer shorts take 10 - 2 = 8.
  const auto r = MaxMinFair({10 * kGbps, 4 * kGbps, 10 * kGbps},
                            {OnPath({0, 1, 2}), OnPath({0}), OnPath({1}), OnPath({2})});
  EXPECT_DOUBLE_EQ(r[0], 2 * kGbps);
  EXPECT_DOUBLE_EQ(r[1], 8 * kGbps);
  EXPECT_DOUBLE_EQ(r[2], 2 * kGbps);
  EXPECT_DOUBLE_EQ(r[3], 8 * kGbps);
}

TEST(MaxMinFair, WeightsSplitInProportion) {
  const auto r = MaxMinFair({8 * kGbps}, {OnPath({0}, 1), OnPath({0}, 3)});
  EXPECT_DOUBLE_EQ(r[0], 2 * kGbps);
  EXPECT_DOUBLE_EQ(r[1], 6 * kGbps);
  // Weight 2 capped at 3 (its share 12 x 2/4 = 6 is more than it wants): the two weight-1 flows
  // split the remaining 9.
  const auto capped =
      MaxMinFair({12 * kGbps}, {OnPath({0}), OnPath({0}), OnPath({0}, 2, 3 * kGbps)});
  EXPECT_DOUBLE_EQ(capped[0], 4.5 * kGbps);
  EXPECT_DOUBLE_EQ(capped[1], 4.5 * kGbps);
  EXPECT_DOUBLE_EQ(capped[2], 3 * kGbps);
}

TEST(MaxMinFair, LocalAndUnlimitedFlowsGetTheirDemand) {
  const auto r = MaxMinFair({kInf, 0.0, 6 * kGbps},
                            {OnPath({}), OnPath({}, 1, 3 * kGbps), OnPath({0}, 1, 7 * kGbps),
                             OnPath({0, 2}), OnPath({1}), OnPath({0})});
  EXPECT_EQ(r[0], kInf);  // local, elastic: "instant"
  EXPECT_DOUBLE_EQ(r[1], 3 * kGbps);
  EXPECT_DOUBLE_EQ(r[2], 7 * kGbps);
  EXPECT_DOUBLE_EQ(r[3], 6 * kGbps);  // alone on the 6 Gbps resource
  EXPECT_DOUBLE_EQ(r[4], 0.0);        // a resource of capacity 0
  EXPECT_EQ(r[5], kInf);
}

// ---- Routes ----

// Regions 0..4; 4 is isolated. Links: 0 0-1 10ms, 1 0-2 10ms, 2 1-3 10ms, 3 2-3 10ms, 4 0-3
// 30ms, 5 0-1 10ms (parallel to link 0). Sites: 0 and 1 in region 0, 2 in region 3, 3 in 4.
Wan Diamond() {
  Wan wan = Regions(5, {0, 0, 3, 4});
  Link(wan, 0, 1, 10 * kGbps, milliseconds(10));
  Link(wan, 0, 2, 10 * kGbps, milliseconds(10));
  Link(wan, 1, 3, 10 * kGbps, milliseconds(10));
  Link(wan, 2, 3, 10 * kGbps, milliseconds(10));
  Link(wan, 0, 3, 10 * kGbps, milliseconds(30));
  Link(wan, 0, 1, 10 * kGbps, milliseconds(10));
  wan.site_uplink_bps = {100 * kGbps, kInf, 40 * kGbps, 1 * kGbps};
  wan.site_uplink_latency = {milliseconds(1), milliseconds(2), milliseconds(3), Duration{0}};
  return wan;
}

TEST(WanRoutes, LowestLatencyThenFewestHopsThenLowestLinks) {
  const WanRoutes routes(Diamond());
  EXPECT_EQ(routes.num_resources(), 2 * 6 + 2 * 4);
  // 0 -> 3: via 1 (links 0, 2) and via 2 (links 1, 3) both 20 ms in 2 hops; the direct link is
  // 30 ms. Links {0, 2} sort first, and link 0 beats its parallel twin 5.
  const auto r = routes.Route(0, 2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->resources, (std::vector<WanResourceId>{12, 0, 4, 17}));
  EXPECT_EQ(r->latency, milliseconds(1 + 20 + 3));
  // Back: region 3 -> 0 over the same links, b->a; destination site 0's down.
  const auto back = routes.Route(2, 0);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->resources, (std::vector<WanResourceId>{16, 5, 1, 13}));
  EXPECT_EQ(routes.BottleneckBps(*r), 10 * kGbps);
  EXPECT_EQ(routes.ResourceName(0), "l0 r0->r1");
  EXPECT_EQ(routes.ResourceName(5), "l2 r3->r1");
  EXPECT_EQ(routes.ResourceName(17), "site 2 down");
}

TEST(WanRoutes, FewerHopsWinALatencyTie) {
  Wan wan = Diamond();
  wan.links[4].latency = milliseconds(20);  // the direct 0-3 link now ties the two-hop routes
  const auto r = WanRoutes(wan).Route(0, 2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->resources, (std::vector<WanResourceId>{12, 8, 17}));
}

TEST(WanRoutes, ADownLinkIsAvoidedAndItsTwinTakesOver) {
  Wan wan = Diamond();
  wan.links[0].capacity_bps = 0;
  const auto r = WanRoutes(wan).Route(0, 2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->resources, (std::vector<WanResourceId>{12, 2, 6, 17}));  // links 1, 3 < 5, 2
}

TEST(WanRoutes, LocalSameRegionAndUnreachable) {
  Wan wan = Diamond();
  const WanRoutes routes(wan, {"a", "b", "c", "d"});
  const auto local = routes.Route(1, 1);
  ASSERT_TRUE(local.has_value());
  EXPECT_TRUE(local->resources.empty());
  EXPECT_EQ(local->latency, Duration{0});
  const auto same_region = routes.Route(0, 1);
  ASSERT_TRUE(same_region.has_value());
  EXPECT_EQ(same_region->resources, (std::vector<WanResourceId>{12, 15}));
  EXPECT_EQ(same_region->latency, milliseconds(3));
  EXPECT_EQ(routes.BottleneckBps(*same_region), 100 * kGbps);
  EXPECT_EQ(routes.ResourceName(14), "b up");
  EXPECT_FALSE(routes.Route(0, 3).has_value());  // region 4 has no link
  EXPECT_FALSE(routes.Route(3, 0).has_value());
  wan.site_uplink_bps[2] = 0;  // cut off
  EXPECT_FALSE(WanRoutes(wan).Route(0, 2).has_value());
  EXPECT_TRUE(WanRoutes(wan).Route(0, 1).has_value());
}

// ---- TransferTime ----

TEST(TransferTime, BytesOverRatePlusLatencyRoundedUp) {
  // 1.25 GB = 10 Gbit over 10 Gbps: 1 s, plus 5 ms.
  EXPECT_EQ(TransferTime(1.25e9, 10 * kGbps, milliseconds(5)), milliseconds(1005));
  // 1 byte at 3 bps: 8/3 s = 2,666,666,666.67 ns, rounded up.
  EXPECT_EQ(TransferTime(1, 3, Duration{0}), Duration{2'666'666'667});
  EXPECT_EQ(TransferTime(0, 0, milliseconds(7)), milliseconds(7));
  EXPECT_EQ(TransferTime(1e12, kInf, milliseconds(7)), milliseconds(7));
  EXPECT_EQ(TransferTime(1, 0, Duration{0}), kTransferTimeMax);
  EXPECT_EQ(TransferTime(1e300, 1, Duration{0}), kTransferTimeMax);
  EXPECT_EQ(TransferTime(kInf, kInf, Duration{0}), kTransferTimeMax);
  EXPECT_EQ(TransferTime(1, 8e-9, kTransferTimeMax - Duration{1}), kTransferTimeMax);
  EXPECT_EQ(AddSaturating(kTimeNever - seconds(1), seconds(2)), kTimeNever);
  EXPECT_EQ(AddSaturating(At(seconds(1)), kTransferTimeMax), kTimeNever);
  EXPECT_EQ(AddSaturating(At(seconds(1)), seconds(2)), At(seconds(3)));
}

// ---- FlowSet: closed forms ----

TEST(FlowSet, ATransferFinishesAtBytesOverCapacityPlusLatency) {
  FlowSet flows({10 * kGbps, kInf});
  const auto id = flows.Add(At(seconds(2)), WanRoute{{1, 0}, milliseconds(30)}, 1.25e9);
  EXPECT_DOUBLE_EQ(flows.rate_bps(id), 10 * kGbps);
  EXPECT_EQ(flows.NextEvent(), At(seconds(3)));  // last byte out
  EXPECT_EQ(flows.NextCompletion(), At(milliseconds(3030)));
  EXPECT_TRUE(flows.TakeCompleted(At(seconds(3))).empty());
  EXPECT_TRUE(flows.drained(id));
  EXPECT_DOUBLE_EQ(flows.bytes_moved(id), 1.25e9);
  EXPECT_EQ(flows.rate_bps(id), 0.0);
  EXPECT_EQ(flows.NextEvent(), At(milliseconds(3030)));
  const auto done = flows.TakeCompleted(At(seconds(4)));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, id);
  EXPECT_EQ(done[0].at, At(milliseconds(3030)));
  EXPECT_EQ(flows.size(), 0);
  EXPECT_DOUBLE_EQ(flows.resource_bytes(0), 1.25e9);
  EXPECT_DOUBLE_EQ(flows.resource_bytes(1), 1.25e9);
  EXPECT_EQ(flows.NextEvent(), kTimeNever);
}

TEST(FlowSet, AFlowJoiningMidTransferSlowsTheFirstExactly) {
  // 8 Gbps = 1 GB/s. Flow A: 2 GB from 0 s (alone it would drain at 2 s). Flow B: 1 GB from
  // 0.5 s. From 0.5 s each gets 0.5 GB/s: B drains at 0.5 + 1/0.5 = 2.5 s, when A has moved
  // 0.5 + 1 = 1.5 GB; A alone again moves the last 0.5 GB by 3.0 s. Latency 10 ms.
  FlowSet flows({8 * kGbps});
  const WanRoute route{{0}, milliseconds(10)};
  const auto a = flows.Add(At(Duration{0}), route, 2e9);
  EXPECT_EQ(flows.NextCompletion(), At(milliseconds(2010)));
  const auto b = flows.Add(At(milliseconds(500)), route, 1e9);
  EXPECT_DOUBLE_EQ(flows.bytes_moved(a), 0.5e9);
  EXPECT_DOUBLE_EQ(flows.rate_bps(a), 4 * kGbps);
  EXPECT_DOUBLE_EQ(flows.rate_bps(b), 4 * kGbps);
  EXPECT_EQ(flows.NextEvent(), At(milliseconds(2500)));
  flows.AdvanceTo(At(milliseconds(2700)));
  EXPECT_TRUE(flows.drained(b));
  EXPECT_DOUBLE_EQ(flows.bytes_moved(a), 1.5e9 + 0.2e9);
  EXPECT_DOUBLE_EQ(flows.rate_bps(a), 8 * kGbps);
  const auto first = flows.TakeCompleted(At(milliseconds(2700)));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, b);
  EXPECT_EQ(first[0].at, At(milliseconds(2510)));
  EXPECT_EQ(flows.NextCompletion(), At(milliseconds(3010)));
  const auto second = flows.TakeCompleted(At(seconds(5)));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].at, At(milliseconds(3010)));
  EXPECT_DOUBLE_EQ(flows.resource_bytes(0), 3e9);
}

TEST(FlowSet, StreamsDemandsAndRemovals) {
  // 10 Gbps: a stream wanting 2 Gbps and an elastic transfer of 4 GB get 2 and 8.
  FlowSet flows({10 * kGbps});
  const WanRoute route{{0}, Duration{0}};
  const auto stream = flows.Add(At(Duration{0}), route, kInf, 2 * kGbps);
  const auto bulk = flows.Add(At(Duration{0}), route, 4e9);
  EXPECT_DOUBLE_EQ(flows.rate_bps(bulk), 8 * kGbps);
  EXPECT_EQ(flows.NextEvent(), At(seconds(4)));
  // At 1 s (1 GB moved) the stream wants 6 Gbps: fair share 5 each; 3 GB left at 0.625 GB/s.
  EXPECT_TRUE(flows.SetDemand(At(seconds(1)), stream, 6 * kGbps));
  EXPECT_DOUBLE_EQ(flows.rate_bps(stream), 5 * kGbps);
  EXPECT_EQ(flows.NextEvent(), At(seconds(1) + milliseconds(4800)));
  // At 2 s (another 0.625 GB) the stream stops: 2.375 GB at 1.25 GB/s = 1.9 s more.
  EXPECT_TRUE(flows.Remove(At(seconds(2)), stream));
  EXPECT_DOUBLE_EQ(flows.bytes_moved(bulk), 1.625e9);
  EXPECT_EQ(flows.NextEvent(), At(milliseconds(3900)));
  // The stream carried 2 Gbps for 1 s and 5 Gbps for 1 s: 0.875 GB; the link, that plus 4 GB.
  flows.AdvanceTo(At(seconds(10)));
  EXPECT_DOUBLE_EQ(flows.resource_bytes(0), 4.875e9);
  // Stale ids are harmless.
  EXPECT_FALSE(flows.Remove(At(seconds(10)), stream));
  EXPECT_FALSE(flows.SetDemand(At(seconds(10)), stream, 1));
  EXPECT_EQ(flows.rate_bps(stream), 0.0);
  EXPECT_EQ(flows.bytes_moved(stream), 0.0);
  EXPECT_FALSE(flows.SetDemand(At(seconds(10)), bulk, 1));  // drained
}

TEST(FlowSet, InstantAndEmptyTransfersCompleteAfterTheirLatency) {
  FlowSet flows({kGbps, kInf});
  const auto local = flows.Add(At(seconds(1)), WanRoute{}, 5e9);
  const auto empty = flows.Add(At(seconds(1)), WanRoute{{0}, milliseconds(4)}, 0);
  const auto unlimited = flows.Add(At(seconds(1)), WanRoute{{1}, milliseconds(2)}, 3e9);
  EXPECT_EQ(flows.NextEvent(), At(seconds(1)));
  const auto done = flows.TakeCompleted(At(milliseconds(1004)));
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[0].id, local);
  EXPECT_EQ(done[0].at, At(seconds(1)));
  EXPECT_EQ(done[1].id, unlimited);
  EXPECT_EQ(done[1].at, At(milliseconds(1002)));
  EXPECT_EQ(done[2].id, empty);
  EXPECT_EQ(done[2].at, At(milliseconds(1004)));
  EXPECT_EQ(flows.resource_bytes(0), 0.0);
  EXPECT_EQ(flows.resource_bytes(1), 3e9);  // all of it, at the instant it was added
}

TEST(FlowSet, UtilisationOverAnInterval) {
  FlowSet flows({10 * kGbps, 20 * kGbps});
  flows.Add(At(Duration{0}), WanRoute{{0, 1}, Duration{0}}, kInf, 5 * kGbps);
  const auto start = flows.ReadMeter();
  EXPECT_DOUBLE_EQ(flows.ResourceUtilisation(start, 0), 0.5);
  const auto joins =
      flows.Add(At(seconds(1)), WanRoute{{0}, Duration{0}}, 1.25e9);  // 2 s at 5 Gbps
  EXPECT_DOUBLE_EQ(flows.rate_bps(joins), 5 * kGbps);
  flows.AdvanceTo(At(seconds(4)));
  // Link 0: 5 Gbps for 4 s plus 5 Gbps for 2 s = 30 Gbit of 40: 0.75. Link 1: 20 of 80.
  EXPECT_DOUBLE_EQ(flows.ResourceUtilisation(start, 0), 0.75);
  EXPECT_DOUBLE_EQ(flows.ResourceUtilisation(start, 1), 0.25);
}

// ---- Properties over random seeds ----

struct Rates {
  std::vector<std::vector<WanResourceId>> paths;
  std::vector<double> weight, demand, rate;
};

// Max-min optimality and feasibility (see the header's invariants), checked independently of
// the solver: loads within capacity, rates within demand, and every flow below its demand
// bottlenecked on a saturated resource where its rate per weight is the largest.
void ExpectMaxMinFair(const std::vector<double>& capacity, const Rates& f, const std::string& tag) {
  const size_t n = f.rate.size();
  std::vector<double> load(capacity.size(), 0.0), top(capacity.size(), 0.0);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_GE(f.rate[i], 0.0) << tag;
    ASSERT_LE(f.rate[i], f.demand[i]) << tag;
    for (const int r : f.paths[i]) {
      load[r] += f.rate[i];
      top[r] = std::max(top[r], f.rate[i] / f.weight[i]);
    }
  }
  for (size_t r = 0; r < capacity.size(); ++r) {
    ASSERT_LE(load[r], capacity[r] * (1 + kWanRateTolerance)) << tag << " resource " << r;
  }
  for (size_t i = 0; i < n; ++i) {
    if (f.rate[i] >= f.demand[i]) continue;
    bool bottlenecked = false;
    for (const int r : f.paths[i]) {
      bottlenecked |= load[r] >= capacity[r] * (1 - kWanRateTolerance) &&
                      f.rate[i] / f.weight[i] >= top[r] * (1 - kWanRateTolerance);
    }
    ASSERT_TRUE(bottlenecked) << tag << " flow " << i << " rate " << f.rate[i];
  }
}

TEST(MaxMinFairProperty, OptimalOverRandomInstances) {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    Rng rng(seed);
    std::vector<double> capacity(1 + rng.Below(12));
    for (double& c : capacity) c = rng.Bernoulli(0.1) ? kInf : rng.Uniform(0, 100) * kGbps;
    Rates f;
    std::vector<FlowDemand> flows(rng.Below(40));
    for (FlowDemand& d : flows) {
      for (size_t k = rng.Below(5); k > 0; --k) d.path.push_back(rng.Below(capacity.size()));
      d.weight = rng.Bernoulli(0.5) ? 1.0 : rng.Uniform(0.1, 10);
      d.demand_bps = rng.Bernoulli(0.5) ? kInf : rng.Uniform(0, 50) * kGbps;
      f.paths.push_back(d.path);
      f.weight.push_back(d.weight);
      f.demand.push_back(d.demand_bps);
    }
    f.rate = MaxMinFair(capacity, flows);
    ExpectMaxMinFair(capacity, f, absl::StrCat("seed ", seed));
  }
}

Wan RandomWan(Rng& rng) {
  const int regions = 1 + static_cast<int>(rng.Below(6));
  std::vector<int> site_region(2 + rng.Below(9));
  for (int& r : site_region) r = static_cast<int>(rng.Below(regions));
  Wan wan = Regions(regions, site_region);
  for (size_t k = rng.Below(2 * regions + 1); k > 0 && regions > 1; --k) {
    const int a = static_cast<int>(rng.Below(regions));
    const int b = (a + 1 + static_cast<int>(rng.Below(regions - 1))) % regions;
    const double capacity = rng.Bernoulli(0.1) ? 0.0 : rng.Uniform(1, 100) * kGbps;
    Link(wan, a, b, capacity, milliseconds(1 + rng.Below(80)));
  }
  for (double& u : wan.site_uplink_bps) u = rng.Bernoulli(0.3) ? kInf : rng.Uniform(1, 400) * kGbps;
  for (Duration& l : wan.site_uplink_latency) l = milliseconds(rng.Below(5));
  return wan;
}

// Random adds, removals, demand changes and advances; after each step the rates are max-min
// fair, and bytes are conserved per resource (live flows' bytes plus those of flows gone).
TEST(FlowSetProperty, InvariantsHoldOverRandomHistories) {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    Rng rng(seed);
    const Wan wan = RandomWan(rng);
    const WanRoutes routes(wan);
    const std::vector<double>& capacity = routes.capacities_bps();
    FlowSet flows(capacity);
    struct Known {
      WanRoute route;
      double size, demand, weight;
    };
    std::map<FlowSet::FlowId, Known> live;  // ordered: deterministic
    std::vector<double> gone_bytes(capacity.size(), 0.0);
    Time now = kTimeZero;
    const auto retire = [&](FlowSet::FlowId id, double bytes) {
      for (const int r : live.at(id).route.resources) gone_bytes[r] += bytes;
      live.erase(id);
    };
    for (int step = 0; step < 60; ++step) {
      const std::string tag = absl::StrCat("seed ", seed, " step ", step);
      now += Duration{static_cast<std::int64_t>(rng.Exponential(0.5) * 1e9)};
      const double action = rng.Uniform();
      if (action < 0.45 || live.empty()) {
        const auto route = routes.Route(static_cast<int>(rng.Below(routes.num_sites())),
                                        static_cast<int>(rng.Below(routes.num_sites())));
        const double size = rng.Bernoulli(0.2) ? kInf : rng.Uniform(0, 20e9);
        double demand = rng.Bernoulli(0.5) ? kInf : rng.Uniform(0, 50) * kGbps;
        // A stream over unlimited resources needs a finite demand (FlowSet::Add).
        if (size == kInf && (!route || routes.BottleneckBps(*route) == kInf)) {
          demand = rng.Uniform(0, 50) * kGbps;
        }
        const double weight = rng.Bernoulli(0.5) ? 1.0 : rng.Uniform(0.5, 4);
        const WanRoute r = route.value_or(WanRoute{});
        live[flows.Add(now, r, size, demand, weight)] = {r, size, demand, weight};
      } else {
        auto it = live.begin();
        std::advance(it, rng.Below(live.size()));
        flows.AdvanceTo(now);
        if (action < 0.7) {
          const double moved = flows.bytes_moved(it->first);
          ASSERT_TRUE(flows.Remove(now, it->first)) << tag;
          retire(it->first, moved);
        } else if (!flows.drained(it->first)) {
          it->second.demand = rng.Uniform(0, 50) * kGbps;
          ASSERT_TRUE(flows.SetDemand(now, it->first, it->second.demand)) << tag;
        }
      }
      flows.AdvanceTo(now);
      ASSERT_LE(flows.NextEvent(), flows.NextCompletion()) << tag;
      Rates f;
      for (const auto& [id, k] : live) {
        if (flows.drained(id)) continue;
        f.paths.push_back(k.route.resources);
        f.weight.push_back(k.weight);
        f.demand.push_back(k.demand);
        f.rate.push_back(flows.rate_bps(id));
      }
      ExpectMaxMinFair(capacity, f, tag);
      for (const FlowSet::Delivered& d : flows.TakeCompleted(now)) {
        ASSERT_LE(d.at, now) << tag;
        retire(d.id, live.at(d.id).size);
      }
      std::vector<double> carried = gone_bytes;
      for (const auto& [id, k] : live) {
        const double moved = flows.bytes_moved(id);
        ASSERT_GE(moved, 0.0) << tag;
        ASSERT_LE(moved, k.size) << tag;
        for (const int r : k.route.resources) carried[r] += moved;
      }
      for (size_t r = 0; r < capacity.size(); ++r) {
        const double bytes = flows.resource_bytes(static_cast<int>(r));
        ASSERT_NEAR(bytes, carried[r], 1e-9 * std::max(1.0, bytes)) << tag << " resource " << r;
        ASSERT_LE(bytes, capacity[r] * ToSeconds(now - kTimeZero) / 8 * (1 + 1e-9)) << tag;
      }
    }
  }
}

}  // namespace
}  // namespace headroom::model

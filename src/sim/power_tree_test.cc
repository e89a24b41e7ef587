#include "sim/power_tree.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace headroom::sim {
namespace {

using model::NodeKind;

Time At(double s) { return kTimeZero + FromSeconds(s); }

// A site root; feed F (10 kW) over rack R1; tent T (10 kW) over rack R2. Racks are rated far
// above any load here. Every breaker has the site's default curve: 10 s above 110% of its
// rating, 100 ms above 150%.
constexpr int kRoot = 0, kFeed = 1, kRack1 = 2, kTent = 3, kRack2 = 4;

struct Tree {
  model::Site spec;
  SiteRt site;

  Tree() {
    spec.default_breaker = {{1.1, std::chrono::seconds(10)}, {1.5, std::chrono::milliseconds(100)}};
    spec.tree = {
        {.name = "site", .kind = NodeKind::kSite, .parent = -1},
        {.name = "F", .kind = NodeKind::kFeed, .parent = kRoot, .rating_w = 10e3},
        {.name = "R1", .kind = NodeKind::kRack, .parent = kFeed, .rating_w = 1e6, .gpus = 8},
        {.name = "T", .kind = NodeKind::kTent, .parent = kRoot, .rating_w = 10e3},
        {.name = "R2", .kind = NodeKind::kRack, .parent = kTent, .rating_w = 1e6, .gpus = 8},
    };
    spec.tree[kRack1].gpu_model = spec.tree[kRack2].gpu_model = 0;
    const size_t n = spec.tree.size();
    site.spec = &spec;
    site.nodes.resize(n);
    site.node_detail.resize(n);
    site.node_load_w.assign(n, 0);
    for (const auto& node : spec.tree) site.parent.push_back(node.parent);
    site.racks = {kRack1, kRack2};
    site.free_racks.Build({0, 0}, {8, 8}, 1);
    InitBreakers(site);
  }

  // The trips CheckBreakers reports at `s` seconds.
  std::vector<int> Check(double s) {
    std::vector<int> trips;
    CheckBreakers(site, At(s), &trips);
    return trips;
  }
  Time TripAt(int node) const { return site.node_detail[static_cast<size_t>(node)].trip_at; }
};

TEST(PowerTree, RackDemandFlowsUpToEnergizedAncestors) {
  Tree t;
  AddRackDemand(t.site, kRack1, 3e3);
  AddRackDemand(t.site, kRack2, 4e3);
  AddRackDemand(t.site, kRack1, 1e3);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kRack1], 4e3);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kFeed], 4e3);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kTent], 4e3);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kRoot], 8e3);
  // Each changed node is marked once.
  EXPECT_EQ(t.site.dirty_nodes.size(), 5u);
}

// The breaker curve: an overload above 110% trips 10 s after it began, however the load moves
// within the episode; above 150% it trips 100 ms after the episode began (at once, when that is
// past); back below 110% the episode ends.
TEST(PowerTree, BreakerTripsAfterTheHoldOfTheStepExceeded) {
  Tree t;
  AddRackDemand(t.site, kRack1, 11e3);  // exactly 110%: not above the step
  EXPECT_TRUE(t.Check(0).empty());
  EXPECT_FALSE(t.site.nodes[kFeed].overloaded);
  AddRackDemand(t.site, kRack1, 1e3);  // 120%
  EXPECT_EQ(t.Check(1), std::vector<int>{kFeed});
  EXPECT_EQ(t.TripAt(kFeed), At(11));
  AddRackDemand(t.site, kRack1, 0.5e3);  // 125%: the same episode, the same trip time
  EXPECT_TRUE(t.Check(5).empty());
  EXPECT_EQ(t.TripAt(kFeed), At(11));
  AddRackDemand(t.site, kRack1, 3.5e3);  // 160%: 100 ms after 1 s is past
  EXPECT_EQ(t.Check(6), std::vector<int>{kFeed});
  EXPECT_EQ(t.TripAt(kFeed), At(6));
  AddRackDemand(t.site, kRack1, -7e3);  // 90%: the episode ends after 8 s
  EXPECT_EQ(t.Check(9), std::vector<int>{kFeed});
  EXPECT_EQ(t.TripAt(kFeed), kTimeNever);
  EXPECT_FALSE(t.site.nodes[kFeed].overloaded);
  EXPECT_DOUBLE_EQ(t.site.result.longest_overload_s, 8);
}

// A tent above its heat-derated rating overheats: at 37.5 C the default derating (full rating to
// 30 C, 60% at 45 C) leaves 80% of 10 kW, so 9 kW, below every step of the curve, trips the tent
// after the curve's longest hold (10 s). At 25 C the same load is within its rating.
TEST(PowerTree, TentAboveItsDeratedRatingTripsAfterTheLongestHold) {
  Tree t;
  t.site.ambient_c = 25;
  AddRackDemand(t.site, kRack2, 9e3);
  EXPECT_TRUE(t.Check(0).empty());
  t.site.ambient_c = 37.5;
  MarkDirty(t.site, kTent);
  EXPECT_EQ(t.Check(2), std::vector<int>{kTent});
  EXPECT_EQ(t.TripAt(kTent), At(12));
}

// An open breaker de-energizes its subtree: no load flows through it, and its racks offer no GPUs
// for placement until it closes again (with whatever demand changed meanwhile).
TEST(PowerTree, OpenBreakerDeEnergizesItsSubtree) {
  Tree t;
  AddRackDemand(t.site, kRack1, 5e3);
  AddRackDemand(t.site, kRack2, 2e3);
  t.site.nodes[kFeed].tripped = true;
  RecomputeLoads(t.site);
  EXPECT_FALSE(t.site.nodes[kRack1].energized);
  EXPECT_TRUE(t.site.nodes[kRack2].energized);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kFeed], 0);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kRack1], 0);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kRoot], 2e3);
  EXPECT_FALSE(t.site.free_racks.energized(0));
  EXPECT_EQ(t.site.free_racks.Next(), 1);
  EXPECT_EQ(t.site.free_racks.energized_free(0), 8);
  AddRackDemand(t.site, kRack1, 1e3);  // demand changes while dark
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kRoot], 2e3);
  t.site.nodes[kFeed].tripped = false;
  RecomputeLoads(t.site);
  EXPECT_TRUE(t.site.nodes[kRack1].energized);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kFeed], 6e3);
  EXPECT_DOUBLE_EQ(t.site.node_load_w[kRoot], 8e3);
  EXPECT_EQ(t.site.free_racks.Next(), 0);
  EXPECT_EQ(t.site.free_racks.energized_free(0), 16);
}

// A breaker's subtree recomputed alone (RecomputeSubtree) gives what recomputing the whole tree
// gives: the same energized nodes and free racks, and loads equal to rounding (exactly, for the
// node, its subtree and its ancestors), over random depth-first trees, demands, trips, recloses
// and racks powered off, 200 seeds.
TEST(PowerTree, SubtreeRecomputeMatchesTheWholeTree) {
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    model::Site spec;
    spec.tree.push_back({.name = "site", .kind = NodeKind::kSite, .parent = -1});
    // Depth-first: feeds, each with halls, each with racks.
    const int feeds = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < feeds; ++f) {
      const int feed = static_cast<int>(spec.tree.size());
      spec.tree.push_back({.name = "F", .kind = NodeKind::kFeed, .parent = 0, .rating_w = 1e9});
      for (int h = 0, halls = 1 + static_cast<int>(rng() % 3); h < halls; ++h) {
        const int hall = static_cast<int>(spec.tree.size());
        spec.tree.push_back(
            {.name = "H", .kind = NodeKind::kHall, .parent = feed, .rating_w = 1e9});
        for (int r = 0, racks = 1 + static_cast<int>(rng() % 4); r < racks; ++r) {
          spec.tree.push_back(
              {.name = "R", .kind = NodeKind::kRack, .parent = hall, .rating_w = 1e9, .gpus = 8});
        }
      }
    }
    const size_t n = spec.tree.size();
    // Two copies of the site under the same changes: one recomputed by subtree, one whole.
    SiteRt site, whole;
    for (SiteRt* x : {&site, &whole}) {
      x->spec = &spec;
      x->nodes.resize(n);
      x->node_detail.resize(n);
      x->node_load_w.assign(n, 0);
      x->rack_pos.assign(n, -1);
      for (size_t i = 0; i < n; ++i) {
        x->parent.push_back(spec.tree[i].parent);
        if (spec.tree[i].gpus > 0) {
          x->rack_pos[i] = static_cast<int>(x->racks.size());
          x->racks.push_back(static_cast<int>(i));
        }
      }
      x->free_racks.Build(std::vector<int>(x->racks.size(), 0),
                          std::vector<int>(x->racks.size(), 8), 1);
      InitBreakers(*x);
      IndexSubtrees(*x);
    }
    ASSERT_EQ(site.subtree_end[0], static_cast<int>(n)) << "seed " << seed;
    std::uniform_real_distribution<double> watts(0, 1e5);
    for (int step = 0; step < 60; ++step) {
      const int node = 1 + static_cast<int>(rng() % (n - 1));
      const auto i = static_cast<size_t>(node);
      switch (rng() % 4) {
        case 0: {  // demand moves (energized or not)
          if (spec.tree[i].gpus <= 0) continue;
          const double w = watts(rng);
          AddRackDemand(site, node, w);
          AddRackDemand(whole, node, w);
          continue;
        }
        case 1:
          site.nodes[i].tripped = whole.nodes[i].tripped = true;
          break;
        case 2:
          site.nodes[i].tripped = whole.nodes[i].tripped = false;
          break;
        case 3:
          if (spec.tree[i].gpus <= 0) continue;
          site.nodes[i].off = whole.nodes[i].off = !site.nodes[i].off;
          break;
      }
      RecomputeLoads(whole);
      RecomputeSubtree(site, node);
      for (size_t k = 0; k < n; ++k) {
        ASSERT_EQ(site.nodes[k].energized, whole.nodes[k].energized) << "seed " << seed;
        ASSERT_NEAR(site.node_load_w[k], whole.node_load_w[k], 1e-6) << "seed " << seed;
      }
      for (int a = node; a >= 0; a = spec.tree[static_cast<size_t>(a)].parent)
        ASSERT_EQ(site.node_load_w[static_cast<size_t>(a)],
                  whole.node_load_w[static_cast<size_t>(a)]);
      for (size_t p = 0; p < site.racks.size(); ++p)
        ASSERT_EQ(site.free_racks.energized(static_cast<int>(p)),
                  whole.free_racks.energized(static_cast<int>(p)));
    }
  }
}

// A tree not in depth-first order has no subtree ranges: RecomputeSubtree recomputes it whole.
TEST(PowerTree, SubtreeRangesOnlyForADepthFirstTree) {
  Tree t;  // site, F, R1 (under F), T, R2 (under T): depth-first
  IndexSubtrees(t.site);
  EXPECT_EQ(t.site.subtree_end, (std::vector<int>{5, 3, 3, 5, 5}));
  EXPECT_EQ(t.site.subtree_racks[kRoot], (std::vector<int>{kRack1, kRack2}));
  model::Site spec = t.spec;  // R1 moved under T: T's subtree {T, R1, R2} is not contiguous
  spec.tree[kRack1].parent = kTent;
  t.site.spec = &spec;
  IndexSubtrees(t.site);
  EXPECT_EQ(t.site.subtree_end, (std::vector<int>(5, -1)));
  t.site.spec = &t.spec;
}

}  // namespace
}  // namespace headroom::sim

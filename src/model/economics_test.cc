// A site's capacity and what it costs per second (model::FacilityCapacityW, CapitalUsdPerS,
// LeaseUsdPerS), and the job defaults every source of jobs shares (DefaultPreemptible,
// DefaultCheckpointBytes), against figures worked by hand.

#include <gtest/gtest.h>

#include <chrono>

#include "model/fleet.h"
#include "model/generate.h"

namespace headroom::model {
namespace {

constexpr double kHourS = 3600;
constexpr double kYearS = 365.25 * 24 * kHourS;

// A site root rated `root_w` (the loader leaves it 0) with two feeds of 60 and 40 MW, a hall
// under the first rated 50 MW (not a feed: not counted) and a rack of 64 GPUs.
Site TwoFeedSite(double root_w) {
  Site s;
  s.tree.push_back({"site", NodeKind::kSite, -1, root_w});
  s.tree.push_back({"feed-a", NodeKind::kFeed, 0, 60e6});
  s.tree.push_back({"hall", NodeKind::kHall, 1, 50e6});
  s.tree.push_back({"rack", NodeKind::kRack, 2, 1e5, {}, 64, 0});
  s.tree.push_back({"feed-b", NodeKind::kFeed, 0, 40e6});
  return s;
}

TEST(FacilityCapacity, TheRootsRatingElseItsFeeds) {
  EXPECT_DOUBLE_EQ(FacilityCapacityW(TwoFeedSite(0)), 100e6);  // 60 + 40 MW, not the hall
  EXPECT_DOUBLE_EQ(FacilityCapacityW(TwoFeedSite(80e6)), 80e6);
  EXPECT_DOUBLE_EQ(FacilityCapacityW(Site{}), 0);
}

// 100 MW at 10 $/W is 1 G$; over 10 years of 365.25 days, 100 M$ a year.
TEST(CapacityCost, OwnedCapitalAmortisesStraightLine) {
  Site s = TwoFeedSite(0);
  s.economics.capital_usd_per_w = 10;
  s.economics.amortisation = std::chrono::seconds(static_cast<std::int64_t>(10 * kYearS));
  EXPECT_NEAR(CapitalUsdPerS(s, FacilityCapacityW(s)) * kYearS, 100e6, 1e-6);
  EXPECT_DOUBLE_EQ(LeaseUsdPerS(s, FacilityCapacityW(s), 64),
                   0);       // owned: no lease, whatever is allocated
  s.kind = SiteKind::kTent;  // a tent pays capital the same way
  EXPECT_NEAR(CapitalUsdPerS(s, FacilityCapacityW(s)) * kYearS, 100e6, 1e-6);
  s.economics.amortisation = Duration{0};  // no period: nothing to spread
  EXPECT_DOUBLE_EQ(CapitalUsdPerS(s, FacilityCapacityW(s)), 0);
}

// 150 $/kW-month on 30 MW contracted is 4.5 M$ a month; twelve months of 730.5 h are a mean year
// (54 M$). Without a contracted power the lease is on the capacity, 100 MW: 15 M$ a month. The
// per-GPU-hour term: 2.5 $/GPU-h on 48 GPUs is 120 $/h.
TEST(CapacityCost, LeasePerWattMonthAndPerGpuHour) {
  Site s = TwoFeedSite(0);
  s.kind = SiteKind::kLeased;
  s.economics.lease_usd_per_w_month = 0.15;
  s.economics.contracted_power_w = 30e6;
  EXPECT_EQ(kLeaseMonth, std::chrono::minutes(43'830));  // 730.5 h
  EXPECT_NEAR(LeaseUsdPerS(s, FacilityCapacityW(s), 0) * kYearS, 54e6, 1e-6);
  EXPECT_NEAR(LeaseUsdPerS(s, FacilityCapacityW(s), 0) * 730.5 * kHourS, 4.5e6, 1e-6);
  s.economics.contracted_power_w = 0;
  EXPECT_NEAR(LeaseUsdPerS(s, FacilityCapacityW(s), 0) * 730.5 * kHourS, 15e6, 1e-6);
  s.economics.lease_usd_per_w_month = 0;
  s.economics.lease_usd_per_gpu_h = 2.5;
  EXPECT_NEAR(LeaseUsdPerS(s, FacilityCapacityW(s), 48) * kHourS, 120, 1e-9);
  EXPECT_DOUBLE_EQ(LeaseUsdPerS(s, FacilityCapacityW(s), 0), 0);
  // A leased site pays no capital, even one set in code (the loader refuses it).
  s.economics.capital_usd_per_w = 10;
  EXPECT_DOUBLE_EQ(CapitalUsdPerS(s, FacilityCapacityW(s)), 0);
}

TEST(CapacityCost, NoEconomicsCostsNothing) {
  Site s = TwoFeedSite(0);
  for (SiteKind k : {SiteKind::kOwned, SiteKind::kLeased, SiteKind::kTent}) {
    s.kind = k;
    EXPECT_DOUBLE_EQ(CapitalUsdPerS(s, FacilityCapacityW(s)), 0);
    EXPECT_DOUBLE_EQ(LeaseUsdPerS(s, FacilityCapacityW(s), 64), 0);
  }
}

TEST(JobDefaults, PreemptibleBatchAndPreemptiblePriority) {
  JobSpec j;
  EXPECT_FALSE(DefaultPreemptible(j));  // normal training
  j.kind = WorkloadKind::kBatch;
  EXPECT_TRUE(DefaultPreemptible(j));
  j.kind = WorkloadKind::kInference;
  j.priority = Priority::kPreemptible;
  EXPECT_TRUE(DefaultPreemptible(j));
}

// 64 GPUs hold 32 GB; a cross-site job of 70e9 parameters holds 980 GB whatever its GPUs.
TEST(JobDefaults, CheckpointBytesPerGpuOrPerParameter) {
  JobSpec j;
  j.gpus = 64;
  EXPECT_DOUBLE_EQ(DefaultCheckpointBytes(j), 32e9);
  j.cross_site = CrossSiteSpec{};
  j.cross_site->params = 70e9;
  EXPECT_DOUBLE_EQ(DefaultCheckpointBytes(j), 980e9);
}

// Generated jobs get the same defaults as those read from files, for the GPUs they got (the
// generator trims the last job of the initial fill).
TEST(JobDefaults, GeneratedJobsGetThem) {
  Fleet f;
  Site s;
  s.tree.push_back({"site", NodeKind::kSite, -1, 1e9});
  s.tree.push_back({"r", NodeKind::kRack, 0, 1e6, {}, 4096, 0});
  f.sites.push_back(s);
  JobGenerator g;
  g.batch_fraction = 0.5;
  f.generators.push_back(g);
  int batch = 0, preemptible = 0;
  for (const JobSpec& j : GenerateJobs(f, 7, std::chrono::hours(24 * 30))) {
    EXPECT_EQ(j.preemptible, j.kind == WorkloadKind::kBatch) << j.name;
    EXPECT_DOUBLE_EQ(j.checkpoint_bytes, 0.5e9 * j.gpus) << j.name;
    batch += j.kind == WorkloadKind::kBatch;
    preemptible += j.preemptible;
  }
  EXPECT_GT(batch, 0);
  EXPECT_EQ(preemptible, batch);
}

}  // namespace
}  // namespace headroom::model

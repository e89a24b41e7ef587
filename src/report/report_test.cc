// The cost of reliability against `unmanaged` (report::ReliabilityCost), the capacity and total
// costs in the table and summary.json, and the per-site table: checked against hand-made results.

#include "report/report.h"

#include <gtest/gtest.h>

#include <vector>

namespace headroom::report {
namespace {

sim::SiteResult SiteOf(const char* name, double fuel_usd, double grid_usd, double co2_kg,
                       double useful_gpu_s, double slo_miss_s) {
  sim::SiteResult s;
  s.name = name;
  s.fuel_cost_usd = fuel_usd;
  s.grid_cost_usd = grid_usd;
  s.co2_kg = co2_kg;
  s.useful_gpu_s[0] = useful_gpu_s;
  s.inference_slo_miss_s = slo_miss_s;
  return s;
}

sim::Result RunOf(const char* strategy, std::vector<sim::SiteResult> sites) {
  sim::Result r;
  r.strategy = strategy;
  r.sites = std::move(sites);
  return r;
}

// Two sites. Headroom burns 3 + 1 M$ more fuel, pays 5 + 0 M$ less for the grid, emits 100 t
// more at a (against 1,000 t: +10%) and nothing more at b, does 3,600 GPU-s (1 GPU-h) less work
// at b and spends 120 s (2 min) longer outside objective at a.
TEST(ReliabilityCost, DifferencesPerSiteAndForTheFleet) {
  const std::vector<sim::Result> runs = {
      RunOf("unmanaged", {SiteOf("a", 1e6, 10e6, 1e6, 0, 60), SiteOf("b", 0, 2e6, 1e6, 7200, 0)}),
      RunOf("headroom",
            {SiteOf("a", 4e6, 5e6, 1.1e6, 0, 180), SiteOf("b", 1e6, 2e6, 1e6, 3600, 0)}),
  };
  const auto j = ReliabilityCost(runs);
  ASSERT_FALSE(j.is_null());
  ASSERT_FALSE(j.contains("unmanaged"));
  const auto& h = j["headroom"];
  EXPECT_DOUBLE_EQ(h["fuel_cost_usd"].get<double>(), 4e6);
  EXPECT_DOUBLE_EQ(h["grid_cost_usd"].get<double>(), -5e6);
  EXPECT_DOUBLE_EQ(h["fuel_and_grid_cost_usd"].get<double>(), -1e6);
  EXPECT_DOUBLE_EQ(h["capacity_cost_usd"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(h["total_cost_usd"].get<double>(), -1e6);
  EXPECT_DOUBLE_EQ(h["co2_t"].get<double>(), 100);
  EXPECT_DOUBLE_EQ(h["co2_percent"].get<double>(), 5);  // 100 t of 2,000 t
  EXPECT_DOUBLE_EQ(h["useful_work_gpu_hours"].get<double>(), -1);
  EXPECT_DOUBLE_EQ(h["inference_minutes_outside_objective"].get<double>(), 2);
  EXPECT_DOUBLE_EQ(h["sites"]["a"]["co2_percent"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(h["sites"]["b"]["fuel_and_grid_cost_usd"].get<double>(), 1e6);
  EXPECT_NE(ReliabilityCostText(runs).find("CO2 +0.1 kt (+5.0%)"), std::string::npos)
      << ReliabilityCostText(runs);
  // Without unmanaged there is nothing to compare with.
  EXPECT_TRUE(ReliabilityCost({runs[1]}).is_null());
}

// Two sites: an owned one of 64 GPUs (capital 2 M$, fuel 1 M$, grid 3 M$, 2 M GPU-h of useful
// work, 1 breaker trip and 2 load-shed trips) and a leased one of 32 GPUs (lease 0.5 M$, grid
// 0.5 M$, 1 M GPU-h). Fleet: energy 4.5 M$, capacity 2.5 M$, total 7 M$ for 3 M GPU-h: 2.333
// $/GPU-h; the sites 3 and 1 $/GPU-h.
std::vector<sim::SiteResult> EconomicsSites() {
  sim::SiteResult a = SiteOf("alpha", 1e6, 3e6, 0, 2e6 * 3600, 0);
  a.gpus = 64;
  a.capacity_w = 30e6;
  a.capital_cost_usd = a.capacity_cost_usd = 2e6;
  a.breaker_trips = 1;
  a.shed_trips = 2;
  sim::SiteResult b = SiteOf("beta-leased", 0, 0.5e6, 0, 1e6 * 3600, 0);
  b.kind = model::SiteKind::kLeased;
  b.gpus = 32;
  b.capacity_w = 12.5e6;
  b.lease_cost_usd = b.capacity_cost_usd = 0.5e6;
  return {a, b};
}

TEST(Summary, CapacityAndTotalCostPerSiteAndForTheFleet) {
  const auto j = Summary({RunOf("headroom", EconomicsSites())}, RunInfo{});
  const auto& fleet = j["strategies"]["headroom"];
  EXPECT_EQ(fleet["gpus"].get<int>(), 96);
  EXPECT_DOUBLE_EQ(fleet["capacity_mw"].get<double>(), 42.5);
  EXPECT_FALSE(fleet.contains("kind"));
  EXPECT_DOUBLE_EQ(fleet["capital_cost_usd"].get<double>(), 2e6);
  EXPECT_DOUBLE_EQ(fleet["lease_cost_usd"].get<double>(), 0.5e6);
  EXPECT_DOUBLE_EQ(fleet["capacity_cost_usd"].get<double>(), 2.5e6);
  EXPECT_DOUBLE_EQ(fleet["total_cost_usd"].get<double>(), 7e6);
  EXPECT_NEAR(fleet["cost_per_useful_gpu_hour_usd"].get<double>(), 7.0 / 3, 1e-8);
  const auto& b = fleet["sites"]["beta-leased"];
  EXPECT_EQ(b["kind"].get<std::string>(), "leased");
  EXPECT_EQ(b["gpus"].get<int>(), 32);
  EXPECT_DOUBLE_EQ(b["total_cost_usd"].get<double>(), 1e6);
  EXPECT_DOUBLE_EQ(b["cost_per_useful_gpu_hour_usd"].get<double>(), 1);
  EXPECT_DOUBLE_EQ(fleet["sites"]["alpha"]["cost_per_useful_gpu_hour_usd"].get<double>(), 3);
  // No useful work: no cost per GPU-hour (null), not a division by zero.
  sim::SiteResult idle = SiteOf("idle", 0, 1e6, 0, 0, 0);
  const auto k = Summary({RunOf("headroom", {idle})}, RunInfo{});
  EXPECT_TRUE(k["strategies"]["headroom"]["cost_per_useful_gpu_hour_usd"].is_null());
}

// The fleet table has the capacity, total and per-GPU-hour rows; with two sites each run's
// per-site table follows, one row per site and the fleet's.
TEST(ComparisonTable, CostRowsAndPerSiteTable) {
  const std::vector<sim::Result> runs = {RunOf("headroom", EconomicsSites())};
  const std::string t = ComparisonTable(runs);
  auto line_of = [&](const std::string& text, const std::string& start) {
    const size_t at = text.find("\n" + start);
    if (at == std::string::npos) return std::string();
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  };
  EXPECT_NE(line_of(t, "capacity cost (M$)").find("2.50"), std::string::npos) << t;
  EXPECT_NE(line_of(t, "total cost: fuel + grid + capacity (M$)").find("7.00"), std::string::npos)
      << t;
  EXPECT_NE(line_of(t, "total cost per useful GPU-h ($/GPU-h)").find("2.333"), std::string::npos)
      << t;
  const size_t per_site = t.find("Per site, headroom");
  ASSERT_NE(per_site, std::string::npos) << t;
  const std::string sites = t.substr(per_site);
  EXPECT_EQ(sites, SiteTable(runs[0]));
  // alpha: owned, 64 GPUs, 2e6 GPU-h, energy 4 M$, capacity 2 M$, total 6 M$, 3 $/GPU-h, 3 trips.
  const std::string alpha = line_of(sites, "alpha");
  EXPECT_NE(alpha.find("owned"), std::string::npos) << sites;
  for (const char* cell : {" 64 ", " 2e+06 ", " 4.00 ", " 2.00 ", " 6.00 ", " 3.000 "})
    EXPECT_NE(alpha.find(cell), std::string::npos) << cell << " in\n" << sites;
  EXPECT_EQ(alpha.back(), '3');
  const std::string beta = line_of(sites, "beta-leased");
  EXPECT_NE(beta.find("leased"), std::string::npos) << sites;
  for (const char* cell : {" 32 ", " 1e+06 ", " 0.50 ", " 1.00 ", " 1.000 "})
    EXPECT_NE(beta.find(cell), std::string::npos) << cell << " in\n" << sites;
  const std::string fleet = line_of(sites, "fleet");
  for (const char* cell : {" 96 ", " 3e+06 ", " 4.50 ", " 2.50 ", " 7.00 ", " 2.333 "})
    EXPECT_NE(fleet.find(cell), std::string::npos) << cell << " in\n" << sites;
  // One site: no per-site table (it would repeat the fleet's).
  EXPECT_EQ(ComparisonTable({RunOf("headroom", {EconomicsSites()[0]})}).find("Per site"),
            std::string::npos);
}

// A fleet whose jobs read data sets gets two rows, the fleet's sums: 44 + 88 TB staged, 2 + 3 GPU-h
// held waiting; a fleet that reads none gets neither.
TEST(ComparisonTable, DataSetRowsOnlyForFleetsThatReadThem) {
  std::vector<sim::SiteResult> sites = EconomicsSites();
  sites[0].dataset_bytes_in = 44e12;
  sites[1].dataset_bytes_in = 88e12;
  sites[0].data_wait_gpu_s = 2 * 3600;
  sites[1].data_wait_gpu_s = 3 * 3600;
  sim::Result reads = RunOf("headroom", sites);
  reads.reads_datasets = true;
  const std::string t = ComparisonTable({reads});
  const size_t staged = t.find("\ndata sets staged (TB)");
  ASSERT_NE(staged, std::string::npos) << t;
  EXPECT_NE(t.substr(staged, t.find('\n', staged + 1) - staged).find("132.0"), std::string::npos)
      << t;
  const size_t held = t.find("\nGPUs held waiting for data (GPU-h)");
  ASSERT_NE(held, std::string::npos) << t;
  EXPECT_NE(t.substr(held, t.find('\n', held + 1) - held).find(" 5"), std::string::npos) << t;
  EXPECT_EQ(ComparisonTable({RunOf("headroom", sites)}).find("data sets staged"),
            std::string::npos);
}

}  // namespace
}  // namespace headroom::report

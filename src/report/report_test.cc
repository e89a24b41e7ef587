// The cost of reliability against `unmanaged` (report::ReliabilityCost): differences per site and
// for the fleet, checked against hand-made results.

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

}  // namespace
}  // namespace headroom::report

#include "sim/ledger.h"

#include <gtest/gtest.h>

namespace headroom::sim {
namespace {

constexpr double kHour = 3600;
constexpr double kKWh = 3.6e6;

Time At(double s) { return kTimeZero + FromSeconds(s); }

// A site with a 100 kWh battery at 81% round trip: 90% each way.
struct Fixture {
  model::Site spec;
  SiteRt site;

  Fixture() {
    model::Battery b;
    b.energy_j = 100 * kKWh;
    b.power_w = 50e3;
    b.round_trip_efficiency = 0.81;
    spec.battery = b;
    site.spec = &spec;
    site.stored_j = 50 * kKWh;
    site.result.battery_min_stored_j = site.stored_j;
  }
};

// Discharging 10 kW for an hour takes 10 / 0.9 kWh from the store, 10 × (1 / 0.9 - 1) kWh of it
// lost; charging 9 kW for an hour stores 9 × 0.9 kWh and loses 9 × 0.1 kWh.
TEST(Ledger, BatteryLosesItsEfficiencyEachWay) {
  Fixture f;
  f.site.battery_w = 10e3;
  Integrate(f.site, At(kHour), {});
  EXPECT_DOUBLE_EQ(f.site.result.energy.battery_discharge_j, 10 * kKWh);
  EXPECT_DOUBLE_EQ(f.site.stored_j, (50 - 10 / 0.9) * kKWh);
  EXPECT_DOUBLE_EQ(f.site.result.battery_loss_j, 10 * (1 / 0.9 - 1) * kKWh);
  EXPECT_DOUBLE_EQ(f.site.result.battery_min_stored_j, (50 - 10 / 0.9) * kKWh);
  f.site.battery_w = -9e3;
  Integrate(f.site, At(2 * kHour), {});
  EXPECT_DOUBLE_EQ(f.site.result.energy.battery_charge_j, 9 * kKWh);
  EXPECT_DOUBLE_EQ(f.site.stored_j, (50 - 10 / 0.9 + 9 * 0.9) * kKWh);
  EXPECT_DOUBLE_EQ(f.site.result.battery_loss_j, (10 * (1 / 0.9 - 1) + 9 * 0.1) * kKWh);
  EXPECT_DOUBLE_EQ(f.site.result.battery_min_stored_j, (50 - 10 / 0.9) * kKWh);
  // What went in less what came out is what the store gained plus what was lost.
  const auto& e = f.site.result.energy;
  EXPECT_NEAR(e.battery_charge_j - e.battery_discharge_j,
              f.site.stored_j - 50 * kKWh + f.site.result.battery_loss_j, 1e-6);
}

// Import pays the price and emits; export earns the price back but no carbon.
TEST(Ledger, ExportEarnsItsPriceButNoCarbon) {
  Fixture f;
  f.site.price = 50 / (1000 * kKWh);  // $50/MWh
  f.site.carbon = 0.4 / kKWh;         // 0.4 kg/kWh
  f.site.grid_w = 20e3;
  Integrate(f.site, At(kHour), {});
  f.site.grid_w = -5e3;
  Integrate(f.site, At(2 * kHour), {});
  EXPECT_DOUBLE_EQ(f.site.result.energy.grid_import_j, 20 * kKWh);
  EXPECT_DOUBLE_EQ(f.site.result.energy.grid_export_j, 5 * kKWh);
  EXPECT_NEAR(f.site.result.grid_cost_usd, (20 - 5) * 0.05, 1e-12);
  EXPECT_NEAR(f.site.result.co2_kg, 20 * 0.4, 1e-12);
}

// A time not after the last integration adds nothing.
TEST(Ledger, IntegratesEachIntervalOnce) {
  Fixture f;
  f.site.grid_w = 20e3;
  Integrate(f.site, At(kHour), {});
  Integrate(f.site, At(kHour), {});
  Integrate(f.site, At(0.5 * kHour), {});
  EXPECT_DOUBLE_EQ(f.site.result.energy.grid_import_j, 20 * kKWh);
}

// The supply deficit counts what the plant could sustain whatever the control: a unit that is
// off (not committed) counts at its rating as if online, a tripped one not at all, the battery
// never. 100 kW of uncapped demand against a 20 kW grid limit and two 30 kW units, one off and
// one tripped: 50 kW short for an hour, 50 kW / (1 kW per GPU x PUE 1) = 50 GPU-h.
TEST(Ledger, SupplyDeficitIsTheSameWhateverTheUnitsCommitted) {
  Fixture f;
  f.spec.grid.import_limit_w = 20e3;
  model::TurbineUnit unit;
  unit.rating_w = 30e3;
  f.site.units.resize(2);
  for (UnitRt& u : f.site.units) u.spec = &unit;
  f.site.units[0].state = UnitState::kOff;
  f.site.units[1].state = UnitState::kTripped;
  f.site.it_w = 100e3;
  f.site.running_gpus = 100;
  f.site.running_full_w = 100e3;
  f.site.pue = 1;
  Integrate(f.site, At(kHour), {});
  EXPECT_NEAR(f.site.result.supply_deficit_gpu_s, 50 * kHour, 1e-6);
  // Online or off, the same.
  f.site.units[0].state = UnitState::kOnline;
  Integrate(f.site, At(2 * kHour), {});
  EXPECT_NEAR(f.site.result.supply_deficit_gpu_s, 100 * kHour, 1e-6);
}

// A leased site of 64 GPUs at 2 $/GPU-h and 150 $/kW-month on 1 MW contracted: 48 GPUs
// allocated for 2 h, then none for 1 h. Per GPU-hour: 48 × 2 h × 2 $ = 192 $. Per W-month:
// 150,000 $ a month of 730.5 h, for 3 h: 450,000 / 730.5 $. Split at the events, whatever the
// number of integrations in between.
TEST(Ledger, LeaseChargesAllocatedGpuHoursAndContractedPower) {
  Fixture f;
  f.spec.kind = model::SiteKind::kLeased;
  f.spec.economics.lease_usd_per_gpu_h = 2;
  f.spec.economics.lease_usd_per_w_month = 0.15;
  f.spec.economics.contracted_power_w = 1e6;
  f.site.result.gpus = 64;
  f.site.free_gpus = 16;
  Integrate(f.site, At(0.5 * kHour), {});
  Integrate(f.site, At(2 * kHour), {});
  f.site.free_gpus = 64;
  Integrate(f.site, At(3 * kHour), {});
  const SiteResult& r = f.site.result;
  EXPECT_NEAR(r.lease_cost_usd, 192 + 450e3 / 730.5, 1e-9);
  EXPECT_DOUBLE_EQ(r.capital_cost_usd, 0);
  EXPECT_DOUBLE_EQ(r.capacity_cost_usd, r.lease_cost_usd);
}

// An owned site whose 1 MW root cost 10 $/W (10 M$), amortised over 1,000 h, pays 10,000 $/h:
// 15,000 $ for 1.5 h, whatever its GPUs do. The total adds the energy.
TEST(Ledger, CapitalAccruesWithTimeAloneAndAddsToTheTotal) {
  Fixture f;
  f.site.result.capacity_w = 1e6;
  f.spec.economics.capital_usd_per_w = 10;
  f.spec.economics.amortisation = std::chrono::hours(1000);
  f.site.result.gpus = 8;
  f.site.free_gpus = 0;
  f.site.price = 50 / (1000 * kKWh);  // $50/MWh
  f.site.grid_w = 100e3;
  Integrate(f.site, At(1.5 * kHour), {});
  const SiteResult& r = f.site.result;
  EXPECT_NEAR(r.capital_cost_usd, 15e3, 1e-9);
  EXPECT_DOUBLE_EQ(r.lease_cost_usd, 0);
  EXPECT_NEAR(r.total_cost_usd(), 15e3 + 150 * 0.05, 1e-9);  // 150 kWh at 5 c
}

// The fleet's costs are the sums of its sites', and so are its GPUs.
TEST(Ledger, MergeAddsCapacityCosts) {
  SiteResult a, b;
  a.gpus = 8;
  a.capital_cost_usd = a.capacity_cost_usd = 3;
  a.fuel_cost_usd = 1;
  b.gpus = 16;
  b.lease_cost_usd = b.capacity_cost_usd = 5;
  b.grid_cost_usd = 2;
  a.Merge(b);
  EXPECT_EQ(a.gpus, 24);
  EXPECT_DOUBLE_EQ(a.capital_cost_usd, 3);
  EXPECT_DOUBLE_EQ(a.lease_cost_usd, 5);
  EXPECT_DOUBLE_EQ(a.capacity_cost_usd, 8);
  EXPECT_DOUBLE_EQ(a.total_cost_usd(), 11);
}

}  // namespace
}  // namespace headroom::sim

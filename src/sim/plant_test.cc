#include "sim/plant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace headroom::sim {
namespace {

// A site with a 100 MW grid, one 20 MW turbine unit (5 MW minimum) and a 30 MW / 60 MWh battery.
struct Fixture {
  model::Site spec;
  model::TurbineUnit unit;
  SiteRt site;

  Fixture() {
    spec.grid.import_limit_w = 100e6;
    spec.grid.export_limit_w = 10e6;
    model::Battery b;
    b.energy_j = 60 * kJoulesPerMWh;
    b.power_w = 30e6;
    b.soc_min = 0.1;
    b.soc_max = 0.9;
    spec.battery = b;
    unit.rating_w = 20e6;
    unit.min_load_w = 5e6;
    site.spec = &spec;
    site.node_load_w = {0};
    site.stored_j = 0.5 * b.energy_j;
    UnitRt u;
    u.spec = &unit;
    site.units.push_back(u);
  }
  void Load(double it_w, double pue = 1.0) {
    site.node_load_w[0] = it_w;
    site.pue = pue;
  }
  void Turbine(double available_w) {
    site.units[0].state = UnitState::kOnline;
    site.units[0].available_w = available_w;
  }
};

TEST(Balance, GridCarriesWhatTurbinesLeaveThenBatteryThenShortfall) {
  Fixture f;
  f.Load(100e6, 1.5);  // 150 MW facility
  f.Turbine(10e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.facility_w, 150e6);
  EXPECT_DOUBLE_EQ(f.site.turbine_w, 10e6);
  EXPECT_DOUBLE_EQ(f.site.grid_w, 100e6);
  EXPECT_DOUBLE_EQ(f.site.battery_w, 30e6);
  EXPECT_DOUBLE_EQ(f.site.shortfall_w, 10e6);  // 150 - 10 - 100 - 30
  EXPECT_NEAR(BalanceResidualW(f.site), 0, 1e-3);
}

// A fuel curtailment to 30% of full burn holds the 20 MW unit to 6 MW, whatever it had ramped
// to: the grid carries 100 MW, the battery 30 MW, and 14 MW of 150 MW is short. The capacities
// the re-close and the ledger judge by follow it too.
TEST(Balance, FuelCurtailmentCapsThePlantsUnits) {
  Fixture f;
  f.site.plant_fuel_fraction = {0.3};
  f.Load(100e6, 1.5);
  f.Turbine(20e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.turbine_w, 6e6);
  EXPECT_DOUBLE_EQ(f.site.units[0].output_w, 6e6);
  EXPECT_DOUBLE_EQ(f.site.shortfall_w, 14e6);
  EXPECT_NEAR(BalanceResidualW(f.site), 0, 1e-3);
  EXPECT_DOUBLE_EQ(SupplyCapacity(f.site, false), 100e6 + 6e6 + 30e6);
  EXPECT_DOUBLE_EQ(SustainedCapacity(f.site, false), 100e6 + 6e6);
}

// At an ambient where the plant's curve gives 70% output, the 20 MW unit gives at most 14 MW;
// with a fuel curtailment to 60% as well, the lower of the two (12 MW).
TEST(Balance, AmbientDeratingCapsTheUnitsAndAFuelCutCapsItFurther) {
  Fixture f;
  f.site.plant_ambient_output = {0.7};
  f.Load(100e6, 1.5);
  f.Turbine(20e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.turbine_w, 14e6);
  EXPECT_DOUBLE_EQ(SustainedCapacity(f.site, false), 100e6 + 14e6);
  f.site.plant_fuel_fraction = {0.6};
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.turbine_w, 12e6);
}

TEST(Balance, UnlimitedDieselCoversTheShortfall) {
  Fixture f;
  f.Load(150e6);
  Balance(f.site, true);
  EXPECT_DOUBLE_EQ(f.site.diesel_w, 20e6);
  EXPECT_DOUBLE_EQ(f.site.shortfall_w, 0);
}

TEST(Balance, SurplusChargesThenExportsThenBacksOffTurbinesThenCurtails) {
  Fixture f;
  f.site.charge_request_w = 4e6;
  f.site.baseload_w = 40e6;
  f.Load(5e6);
  f.Turbine(20e6);
  Balance(f.site, false);
  // Surplus 40 + 20 - 5 = 55 MW: 4 charge, 10 export, 15 turbine back-off (to its 5 MW minimum),
  // 26 curtailed.
  EXPECT_DOUBLE_EQ(f.site.battery_w, -4e6);
  EXPECT_DOUBLE_EQ(f.site.grid_w, -10e6);
  EXPECT_DOUBLE_EQ(f.site.turbine_w, 5e6);
  EXPECT_DOUBLE_EQ(f.site.units[0].output_w, 5e6);
  EXPECT_DOUBLE_EQ(f.site.curtailed_w, 26e6);
  EXPECT_NEAR(BalanceResidualW(f.site), 0, 1e-3);
}

TEST(Balance, BatteryAtItsFloorGivesNothing) {
  Fixture f;
  f.site.stored_j = f.spec.battery->soc_min * f.spec.battery->energy_j;
  f.Load(120e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.battery_w, 0);
  EXPECT_DOUBLE_EQ(f.site.shortfall_w, 20e6);
}

// In the cold the battery gives and takes only its derated power: at -25 C the default curve
// (full at -20 C, none at -30 C) leaves half of 30 MW. 120 MW of load: the grid's 100 MW and
// 15 MW of battery, 5 MW short; the capacity the re-close judges counts 15 MW too. Charging
// from a surplus is held to 15 MW as well.
TEST(Balance, ColdDeratesTheBatteryBothWays) {
  Fixture f;
  f.spec.ambient_c = model::StepSeries::Constant(-25);
  UpdateAmbient(f.site, kTimeZero);
  EXPECT_DOUBLE_EQ(f.site.battery_power_fraction, 0.5);
  f.Load(120e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.battery_w, 15e6);
  EXPECT_DOUBLE_EQ(f.site.shortfall_w, 5e6);
  EXPECT_DOUBLE_EQ(SupplyCapacity(f.site, false), 100e6 + 15e6);
  f.site.charge_request_w = 30e6;
  f.Load(10e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.battery_w, -15e6);
  EXPECT_NEAR(BalanceResidualW(f.site), 0, 1e-3);
  // Without a curve (cold: none) the cold does nothing.
  f.spec.battery->cold.clear();
  UpdateAmbient(f.site, kTimeZero);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.battery_w, -30e6);
}

TEST(Balance, ImportCeilingIsHeldByTheBattery) {
  Fixture f;
  f.site.import_ceiling_w = 70e6;
  f.Load(90e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.grid_w, 70e6);
  EXPECT_DOUBLE_EQ(f.site.battery_w, 20e6);
}

TEST(Balance, HardImportLimitBindsWhileDisconnectedNothingImports) {
  Fixture f;
  f.site.import_limits.push_back({0, 60e6});
  f.Load(80e6);
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.grid_w, 60e6);
  EXPECT_DOUBLE_EQ(f.site.battery_w, 20e6);
  f.site.grid_connected = false;
  Balance(f.site, false);
  EXPECT_DOUBLE_EQ(f.site.grid_w, 0);
  EXPECT_DOUBLE_EQ(f.site.shortfall_w, 50e6);
}

// Conservation over random states of every input the balance reads.
TEST(Balance, ConservesPowerOverRandomStates) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 20000; ++i) {
    Fixture f;
    f.site.grid_connected = u(rng) < 0.8;
    f.site.baseload_w = u(rng) < 0.3 ? 50e6 * u(rng) : 0;
    f.site.solar_w = u(rng) < 0.3 ? 50e6 * u(rng) : 0;
    f.site.charge_request_w = 30e6 * u(rng);
    f.site.discharge_request_w = u(rng) < 0.2 ? 30e6 * u(rng) : 0;
    if (u(rng) < 0.3) f.site.import_ceiling_w = 150e6 * u(rng) - 20e6;
    if (u(rng) < 0.3) f.site.import_floor_w = 120e6 * u(rng);
    f.site.stored_j = f.spec.battery->energy_j * u(rng);
    if (u(rng) < 0.7) f.Turbine(20e6 * u(rng));
    f.Load(200e6 * u(rng), 1 + 0.5 * u(rng));
    Balance(f.site, u(rng) < 0.1);
    const SiteRt& s = f.site;
    ASSERT_NEAR(BalanceResidualW(s), 0, 1e-3) << "state " << i;
    ASSERT_GE(s.shortfall_w, 0);
    ASSERT_GE(s.curtailed_w, 0);
    ASSERT_LE(s.grid_w, (s.grid_connected ? 100e6 : 0) + 1e-3);
    ASSERT_GE(s.grid_w, (s.grid_connected ? -10e6 : 0) - 1e-3);
    ASSERT_LE(std::fabs(s.battery_w), 30e6 + 1e-3);
  }
}

}  // namespace
}  // namespace headroom::sim

// Property tests over 1,000 random fleets and event sequences: energy is conserved (sources =
// load + storage change + losses), no state of charge goes below zero or its floor, and a
// diesel-backed plant never runs short of supply.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "base/rng.h"
#include "control/reference.h"
#include "model/generate.h"
#include "random_fleet.h"
#include "sim/engine.h"

namespace headroom {
namespace {

TEST(Property, EnergyConservedAndStateOfChargeBounded) {
  const auto strategies = control::ReferenceStrategies();
  int with_trips = 0, with_battery_use = 0, with_diesel_use = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    const model::Fleet fleet = RandomFleet(seed);
    const control::Strategy& strategy = strategies[seed % strategies.size()];
    sim::Options o;
    o.horizon = fleet.horizon;
    o.seed = seed;
    o.resolution = std::chrono::hours(6);
    const sim::Result r = sim::Simulate(fleet, strategy, o);
    for (size_t i = 0; i < r.sites.size(); ++i) {
      const sim::SiteResult& s = r.sites[i];
      const auto& e = s.energy;
      const double sources =
          e.grid_import_j - e.grid_export_j + e.turbine_j + e.solar_j + e.baseload_j + e.diesel_j;
      const double stored = s.battery_stored_end_j - s.battery_stored_start_j;
      const double sinks = s.facility_served_j + stored + s.battery_loss_j + s.curtailed_j;
      const double scale =
          std::max({1.0, sources, sinks, e.battery_charge_j + e.battery_discharge_j});
      ASSERT_NEAR(sources, sinks, 1e-9 * scale)
          << "seed " << seed << " site " << i << " strategy " << strategy.name << ": sources "
          << sources << " J, load " << s.facility_served_j << " J, storage change " << stored
          << " J, losses " << s.battery_loss_j + s.curtailed_j << " J";
      // The battery's own books: what went in and out, through its efficiency, is what it holds.
      if (fleet.sites[i].battery) {
        const double eta = std::sqrt(fleet.sites[i].battery->round_trip_efficiency);
        ASSERT_NEAR(stored, e.battery_charge_j * eta - e.battery_discharge_j / eta, 1e-9 * scale)
            << "seed " << seed;
        const double floor = fleet.sites[i].battery->soc_min * fleet.sites[i].battery->energy_j;
        ASSERT_GE(s.battery_min_stored_j, floor - 1e-6 * fleet.sites[i].battery->energy_j)
            << "seed " << seed;
        ASSERT_GE(s.battery_min_stored_j, 0.0) << "seed " << seed;
        with_battery_use += e.battery_discharge_j > 0;
      }
      ASSERT_GE(s.facility_served_j, -1e-6);
      ASSERT_GE(s.unserved_j, -1e-6);
      if (strategy.unlimited_diesel) {
        ASSERT_EQ(s.shed_trips, 0) << "seed " << seed;
        with_diesel_use += e.diesel_j > 0;
      }
      with_trips += s.shed_trips + s.breaker_trips > 0;
    }
  }
  // The generator must exercise the interesting paths, or the property says little.
  EXPECT_GT(with_trips, 50);
  EXPECT_GT(with_battery_use, 100);
  // The diesel check above must not pass only because the backup was never needed.
  EXPECT_GT(with_diesel_use, 100);
}

}  // namespace
}  // namespace headroom

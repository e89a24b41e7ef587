// Property tests over 1,000 random fleets and event sequences: energy is conserved (sources =
// load + storage change + losses), no state of charge goes below zero or its floor, and a
// diesel-backed plant never runs short of supply.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "base/rng.h"
#include "control/reference.h"
#include "model/generate.h"
#include "sim/engine.h"

namespace headroom {
namespace {

model::Fleet RandomFleet(std::uint64_t seed) {
  Rng rng(seed);
  model::Fleet f;
  model::GpuModel g;
  g.name = "H100";
  g.tdp_w = 700;
  g.cap_min_w = 200;
  g.cap_max_w = 700;
  g.idle_w = 70;
  g.host_w = rng.Uniform(0, 400);
  g.training = {0.12, 0.97, 0.85};
  g.inference = {0.1, 0.75, 0.3};
  f.gpus.push_back(g);
  f.horizon = std::chrono::hours(24 + static_cast<int>(rng.Below(24 * 6)));
  f.failures.interruptions_per_gpu_s = rng.Bernoulli(0.5) ? rng.Uniform(0, 1e-6) : 0;
  const int sites = 1 + static_cast<int>(rng.Below(2));
  for (int s = 0; s < sites; ++s) {
    model::Site site;
    site.name = "site" + std::to_string(s);
    site.tree.push_back({"root", model::NodeKind::kSite, -1, 0});
    const int feeds = 1 + static_cast<int>(rng.Below(3));
    double it_max = 0;
    for (int fd = 0; fd < feeds; ++fd) {
      const int feed = static_cast<int>(site.tree.size());
      site.tree.push_back({"f" + std::to_string(fd), model::NodeKind::kFeed, 0, rng.Uniform(0.3e6, 2e6)});
      const int hall = static_cast<int>(site.tree.size());
      site.tree.push_back({"h" + std::to_string(fd), rng.Bernoulli(0.3) ? model::NodeKind::kTent : model::NodeKind::kHall,
                           feed, rng.Uniform(0.3e6, 2e6)});
      const int racks = 1 + static_cast<int>(rng.Below(6));
      for (int r = 0; r < racks; ++r) {
        model::TreeNode rack{"r" + std::to_string(fd) + "-" + std::to_string(r), model::NodeKind::kRack, hall,
                             rng.Uniform(30e3, 90e3)};
        rack.gpus = 64;
        rack.gpu_model = 0;
        rack.ride_through_j_per_gpu = rng.Bernoulli(0.3) ? 65 : 0;
        site.tree.push_back(rack);
        it_max += 64 * (700 + g.host_w);
      }
    }
    site.grid.present = rng.Bernoulli(0.85);
    site.grid.import_limit_w = it_max * rng.Uniform(0.3, 1.5);
    site.grid.export_limit_w = rng.Bernoulli(0.3) ? rng.Uniform(0, 1e6) : 0;
    site.grid.price_usd_per_j = model::StepSeries::Constant(rng.Uniform(10, 100) / 3.6e9);
    site.grid.carbon_kg_per_j = model::StepSeries::Constant(rng.Uniform(0, 800) / 3.6e9);
    site.grid.reconnect_delay = std::chrono::seconds(rng.Below(1200));
    const int plants = static_cast<int>(rng.Below(3));
    for (int p = 0; p < plants; ++p) {
      model::TurbinePlant plant;
      plant.name = "p" + std::to_string(p);
      const int units = 1 + static_cast<int>(rng.Below(4));
      for (int u = 0; u < units; ++u) {
        model::TurbineUnit unit;
        unit.name = "u" + std::to_string(u);
        unit.rating_w = it_max * rng.Uniform(0.05, 0.5);
        unit.min_load_w = unit.rating_w * rng.Uniform(0, 0.5);
        unit.start_time = std::chrono::seconds(rng.Below(1800));
        unit.ramp_w_per_s = rng.Bernoulli(0.5) ? unit.rating_w * rng.Uniform(0.001, 0.1) : 0;
        unit.max_step_w = rng.Bernoulli(0.5) ? unit.rating_w * rng.Uniform(0.1, 0.5) : 0;
        unit.fuel_price_usd_per_j = 3e-9;
        unit.co2_kg_per_j = 1.3e-7;
        unit.trip_rate_per_s = rng.Bernoulli(0.5) ? rng.Uniform(0, 1e-5) : 0;
        unit.repair_time = std::chrono::seconds(rng.Below(20000));
        plant.units.push_back(unit);
      }
      plant.online_at_start = rng.Bernoulli(0.5) ? -1 : static_cast<int>(rng.Below(static_cast<std::uint64_t>(units) + 1));
      site.plants.push_back(plant);
    }
    if (rng.Bernoulli(0.7)) {
      model::Battery b;
      b.energy_j = it_max * rng.Uniform(60, 7200);
      b.power_w = it_max * rng.Uniform(0.05, 1.0);
      b.round_trip_efficiency = rng.Uniform(0.7, 1.0);
      b.soc_min = rng.Uniform(0, 0.3);
      b.soc_max = rng.Uniform(0.7, 1.0);
      b.soc_initial = rng.Uniform(b.soc_min, b.soc_max);
      site.battery = b;
    }
    site.solar.peak_w = rng.Bernoulli(0.3) ? it_max * rng.Uniform(0, 1) : 0;
    site.baseload_w = rng.Bernoulli(0.2) ? it_max * rng.Uniform(0, 0.5) : 0;
    site.utc_offset = std::chrono::hours(static_cast<int>(rng.Below(24)) - 12);
    site.ambient_c = model::StepSeries{{kTimeZero, Time{std::chrono::hours(12)}}, {rng.Uniform(-10, 30), rng.Uniform(10, 45)},
                                       std::chrono::hours(24)};
    site.reclose_delay = std::chrono::seconds(60 + rng.Below(1200));
    f.sites.push_back(site);
    model::StochasticEvents st;
    st.grid_outage_rate_per_s = rng.Uniform(0, 2e-5);
    st.grid_outage_mean = std::chrono::seconds(60 + rng.Below(7200));
    st.voltage_sag_rate_per_s = rng.Uniform(0, 2e-5);
    f.stochastic.push_back(st);
    // Scripted events of every kind.
    const int events = static_cast<int>(rng.Below(8));
    for (int e = 0; e < events; ++e) {
      model::EventSpec ev;
      ev.site = s;
      ev.start = Time{FromSeconds(rng.Uniform(0, ToSeconds(f.horizon)))};
      ev.duration = FromSeconds(rng.Uniform(0.05, 4 * 3600));
      ev.kind = static_cast<model::EventKind>(rng.Below(6));
      switch (ev.kind) {
        case model::EventKind::kVoltageSag: ev.magnitude = rng.Uniform(0, 1); ev.duration = FromSeconds(rng.Uniform(0.01, 1)); break;
        case model::EventKind::kFrequencyExcursion: ev.magnitude = rng.Uniform(58.5, 61); break;
        case model::EventKind::kImportLimit: ev.magnitude = site.grid.import_limit_w * rng.Uniform(0.3, 1); break;
        case model::EventKind::kTurbineTrip:
          if (site.plants.empty()) continue;
          ev.plant = static_cast<int>(rng.Below(site.plants.size()));
          ev.unit = rng.Bernoulli(0.5) ? -1 : 0;
          break;
        case model::EventKind::kHeat: ev.magnitude = rng.Uniform(0, 15); break;
        default: break;
      }
      ev.origin = "property";
      f.events.push_back(ev);
    }
    model::JobGenerator gen;
    gen.site = s;
    gen.fill_fraction = rng.Uniform(0.3, 0.9);
    gen.inference_fraction = rng.Uniform(0, 0.1);
    gen.min_gpus = 8;
    gen.max_gpus = 256;
    gen.mean_duration = std::chrono::hours(1 + static_cast<int>(rng.Below(48)));
    f.generators.push_back(gen);
  }
  for (auto& j : model::GenerateJobs(f, seed, f.horizon)) f.jobs.push_back(j);
  for (auto& e : model::GenerateEvents(f, seed, f.horizon)) f.events.push_back(e);
  std::stable_sort(f.events.begin(), f.events.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  return f;
}

TEST(Property, EnergyConservedAndStateOfChargeBounded) {
  const auto strategies = control::ReferenceStrategies();
  int runs = 0, with_trips = 0, with_battery_use = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    const model::Fleet fleet = RandomFleet(seed);
    const control::Strategy& strategy = strategies[seed % strategies.size()];
    sim::Options o;
    o.horizon = fleet.horizon;
    o.seed = seed;
    o.resolution = std::chrono::hours(6);
    const sim::Result r = sim::Simulate(fleet, strategy, o);
    ++runs;
    for (size_t i = 0; i < r.sites.size(); ++i) {
      const sim::SiteResult& s = r.sites[i];
      const auto& e = s.energy;
      const double sources = e.grid_import_j - e.grid_export_j + e.turbine_j + e.solar_j + e.baseload_j + e.diesel_j;
      const double stored = s.battery_stored_end_j - s.battery_stored_start_j;
      const double sinks = s.facility_served_j + stored + s.battery_loss_j + s.curtailed_j;
      const double scale = std::max({1.0, sources, sinks, e.battery_charge_j + e.battery_discharge_j});
      ASSERT_NEAR(sources, sinks, 1e-9 * scale)
          << "seed " << seed << " site " << i << " strategy " << strategy.name << ": sources " << sources
          << " J, load " << s.facility_served_j << " J, storage change " << stored << " J, losses "
          << s.battery_loss_j + s.curtailed_j << " J";
      // The battery's own books: what went in and out, through its efficiency, is what it holds.
      if (fleet.sites[i].battery) {
        const double eta = std::sqrt(fleet.sites[i].battery->round_trip_efficiency);
        ASSERT_NEAR(stored, e.battery_charge_j * eta - e.battery_discharge_j / eta, 1e-9 * scale) << "seed " << seed;
        const double floor = fleet.sites[i].battery->soc_min * fleet.sites[i].battery->energy_j;
        ASSERT_GE(s.battery_min_stored_j, floor - 1e-6 * fleet.sites[i].battery->energy_j) << "seed " << seed;
        ASSERT_GE(s.battery_min_stored_j, 0.0) << "seed " << seed;
        with_battery_use += e.battery_discharge_j > 0;
      }
      ASSERT_GE(s.facility_served_j, -1e-6);
      ASSERT_GE(s.unserved_j, -1e-6);
      if (strategy.unlimited_diesel) {
        ASSERT_EQ(s.shed_trips, 0) << "seed " << seed;
      }
      with_trips += s.shed_trips + s.breaker_trips > 0;
    }
  }
  // The generator must exercise the interesting paths, or the property says little.
  EXPECT_EQ(runs, 1000);
  EXPECT_GT(with_trips, 50);
  EXPECT_GT(with_battery_use, 100);
}

}  // namespace
}  // namespace headroom

#pragma once
// Random fleets for property tests (test-only).

#include <algorithm>
#include <string>

#include "base/rng.h"
#include "model/fleet.h"
#include "model/generate.h"

namespace headroom {

// A random fleet for property tests. With `envelope`, the fleet lies inside the design envelope
// the headroom controller declares: racks never bind on their own, the battery with the power
// brakes can carry the loss of all supply for the actuation window and two hours of energy, and
// every unit ramps.
inline model::Fleet RandomFleet(std::uint64_t seed, bool envelope = false) {
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
  f.horizon = std::chrono::hours(24 + static_cast<int>(rng.Below(std::uint64_t{24} * 6)));
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
      site.tree.push_back(
          {"f" + std::to_string(fd), model::NodeKind::kFeed, 0, rng.Uniform(0.3e6, 2e6)});
      const int hall = static_cast<int>(site.tree.size());
      site.tree.push_back({"h" + std::to_string(fd),
                           rng.Bernoulli(0.3) ? model::NodeKind::kTent : model::NodeKind::kHall,
                           feed, rng.Uniform(0.3e6, 2e6)});
      const int racks = 1 + static_cast<int>(rng.Below(6));
      for (int r = 0; r < racks; ++r) {
        model::TreeNode rack{"r" + std::to_string(fd) + "-" + std::to_string(r),
                             model::NodeKind::kRack, hall, rng.Uniform(30e3, 90e3)};
        if (envelope) rack.rating_w = 64 * (700 + g.host_w) * 1.05;
        rack.gpus = 64;
        rack.gpu_model = 0;
        rack.ride_through_j_per_gpu = rng.Bernoulli(0.3) ? 65 : 0;
        site.tree.push_back(rack);
        it_max += 64 * (700 + g.host_w);
      }
    }
    if (envelope) {
      // Every node can carry its floor load (GPUs idle, hosts on) even derated in heat.
      std::vector<double> floor_w(site.tree.size(), 0.0);
      for (size_t i = site.tree.size(); i-- > 1;) {
        if (site.tree[i].gpus > 0) floor_w[i] += site.tree[i].gpus * (g.idle_w * 2 + g.host_w);
        floor_w[static_cast<size_t>(site.tree[i].parent)] += floor_w[i];
        site.tree[i].rating_w = std::max(site.tree[i].rating_w, floor_w[i] / 0.55);
      }
    }
    site.grid.present = envelope || rng.Bernoulli(0.85);
    site.grid.import_limit_w = it_max * rng.Uniform(0.3, 1.5);
    if (envelope)
      site.grid.import_limit_w =
          std::max(site.grid.import_limit_w,
                   64.0 * (2 * g.idle_w + g.host_w) * 1.5 * it_max / (64 * (700 + g.host_w)));
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
      plant.online_at_start =
          rng.Bernoulli(0.5) ? -1
                             : static_cast<int>(rng.Below(static_cast<std::uint64_t>(units) + 1));
      site.plants.push_back(plant);
    }
    if (envelope) {
      // Gas can carry the floor load (GPUs idle, hosts on) through an outage of any length.
      model::TurbinePlant backup;
      backup.name = "envelope";
      model::TurbineUnit unit;
      unit.name = "u1";
      unit.rating_w = 64.0 * (2 * g.idle_w + g.host_w) * 1.5 * it_max / (64 * (700 + g.host_w)) + 1;
      unit.start_time = std::chrono::minutes(10);
      unit.ramp_w_per_s = unit.rating_w / 300;
      backup.units.push_back(unit);
      backup.online_at_start = 0;
      site.plants.push_back(backup);
    }
    if (envelope || rng.Bernoulli(0.7)) {
      model::Battery b;
      b.energy_j = it_max * rng.Uniform(60, 7200);
      b.power_w = it_max * rng.Uniform(0.05, 1.0);
      if (envelope) {
        b.power_w =
            it_max * 1.4 * rng.Uniform(1.0, 1.5);  // the whole facility load at the worst PUE
        b.energy_j = b.power_w * rng.Uniform(2, 4) * 3600;
      }
      b.round_trip_efficiency = rng.Uniform(0.7, 1.0);
      b.soc_min = rng.Uniform(0, 0.3);
      b.soc_max = rng.Uniform(0.7, 1.0);
      b.soc_initial = rng.Uniform(b.soc_min, b.soc_max);
      if (envelope) b.soc_initial = b.soc_max;
      site.battery = b;
    }
    site.solar.peak_w = rng.Bernoulli(0.3) ? it_max * rng.Uniform(0, 1) : 0;
    site.baseload_w = rng.Bernoulli(0.2) ? it_max * rng.Uniform(0, 0.5) : 0;
    site.clock = model::LocalClock::Fixed(std::chrono::hours(static_cast<int>(rng.Below(24)) - 12));
    site.ambient_c = model::StepSeries{{kTimeZero, Time{std::chrono::hours(12)}},
                                       {rng.Uniform(-10, 30), rng.Uniform(10, 45)},
                                       std::chrono::hours(24)};
    site.reclose_delay = std::chrono::seconds(60 + rng.Below(1200));
    site.contingencies = model::DefaultContingencies(site);
    // Ramp limits and feed faults come from a stream of their own, so that the draws above stay
    // those of earlier versions of this generator.
    Rng more(seed * 7919 + static_cast<std::uint64_t>(s));
    if (more.Bernoulli(0.5)) {
      site.grid.max_ramp_w_per_s =
          it_max * more.Uniform(0.05, 0.5) / 60;  // 5-50% of the IT load per minute
      site.grid.ramp_window = std::chrono::seconds(30 + more.Below(270));
    }
    if (more.Bernoulli(0.3)) {
      model::EventSpec ev;
      ev.kind = model::EventKind::kFeedTrip;
      ev.site = s;
      ev.start = Time{FromSeconds(more.Uniform(0, ToSeconds(f.horizon)))};
      ev.duration = FromSeconds(more.Uniform(60, 4 * 3600));
      std::vector<int> feed_nodes;
      for (size_t i = 0; i < site.tree.size(); ++i) {
        if (site.tree[i].kind == model::NodeKind::kFeed) feed_nodes.push_back(static_cast<int>(i));
      }
      ev.node = feed_nodes[more.Below(feed_nodes.size())];
      ev.origin = "property";
      f.events.push_back(ev);
    }
    // The grid physics of issue 8 (frequency ramps with their rate of change, the loss-of-mains
    // relays they trip, phase jumps, overvoltage, batteries in the cold), also from a stream of
    // their own. Inside the envelope a relay trip is the loss of a plant and a ramp out of the
    // band the loss of the grid, both declared contingencies; the cold, which takes battery power
    // the design check counts on, only outside it.
    Rng physics(seed * 104729 + static_cast<std::uint64_t>(s));
    if (physics.Bernoulli(0.3)) {
      model::EventSpec down;
      down.kind = model::EventKind::kFrequencyRamp;
      down.site = s;
      down.start = Time{FromSeconds(physics.Uniform(0, ToSeconds(f.horizon) / 2))};
      down.duration = FromSeconds(physics.Uniform(0.2, 30));
      down.magnitude = physics.Uniform(58.5, 61);
      down.phase_jump_deg = physics.Bernoulli(0.5) ? physics.Uniform(0, 20) : 0;
      down.origin = "property";
      model::EventSpec back = down;
      back.start = down.start + down.duration + FromSeconds(physics.Uniform(1, 600));
      back.duration = FromSeconds(physics.Uniform(0.2, 60));
      back.magnitude = site.grid.nominal_hz;
      back.phase_jump_deg = 0;
      f.events.push_back(down);
      f.events.push_back(back);
    }
    for (model::TurbinePlant& plant : site.plants) {
      if (physics.Bernoulli(0.3)) plant.loss_of_mains.rocof_hz_per_s = physics.Uniform(0.1, 1);
      if (physics.Bernoulli(0.3)) plant.loss_of_mains.vector_shift_deg = physics.Uniform(6, 12);
    }
    if (physics.Bernoulli(0.2)) {
      model::EventSpec ov;
      ov.kind = model::EventKind::kOvervoltage;
      ov.site = s;
      ov.start = Time{FromSeconds(physics.Uniform(0, ToSeconds(f.horizon)))};
      ov.duration = FromSeconds(physics.Uniform(0.05, 5));
      ov.magnitude = physics.Uniform(1.0, 1.3);
      ov.origin = "property";
      f.events.push_back(ov);
    }
    if (!envelope && physics.Bernoulli(0.2)) {
      model::EventSpec cold;
      cold.kind = model::EventKind::kHeat;
      cold.site = s;
      cold.start = Time{FromSeconds(physics.Uniform(0, ToSeconds(f.horizon)))};
      cold.duration = FromSeconds(physics.Uniform(600, 12 * 3600));
      cold.magnitude = -physics.Uniform(10, 40);
      cold.origin = "property";
      f.events.push_back(cold);
    }
    f.sites.push_back(site);
    model::StochasticEvents st;
    st.grid_outage_rate_per_s = rng.Uniform(0, 2e-5);
    st.grid_outage_mean = std::chrono::seconds(60 + rng.Below(7200));
    st.voltage_sag_rate_per_s = rng.Uniform(0, 2e-5);
    f.stochastic.push_back(st);
    // Scripted events of every kind.
    const size_t first_event = f.events.size();
    const int events = static_cast<int>(rng.Below(8));
    for (int e = 0; e < events; ++e) {
      model::EventSpec ev;
      ev.site = s;
      ev.start = Time{FromSeconds(rng.Uniform(0, ToSeconds(f.horizon)))};
      ev.duration = FromSeconds(rng.Uniform(0.05, 4 * 3600));
      ev.kind = static_cast<model::EventKind>(rng.Below(6));
      switch (ev.kind) {
        case model::EventKind::kVoltageSag:
          ev.magnitude = rng.Uniform(0, 1);
          ev.duration = FromSeconds(rng.Uniform(0.01, 1));
          break;
        case model::EventKind::kFrequencyExcursion:
          ev.magnitude = rng.Uniform(58.5, 61);
          break;
        case model::EventKind::kImportLimit:
          ev.magnitude = site.grid.import_limit_w * rng.Uniform(0.3, 1);
          break;
        case model::EventKind::kTurbineTrip:
          if (site.plants.empty()) continue;
          ev.plant = static_cast<int>(rng.Below(site.plants.size()));
          ev.unit = rng.Bernoulli(0.5) ? -1 : 0;
          break;
        case model::EventKind::kHeat:
          ev.magnitude = rng.Uniform(0, 15);
          break;
        default:
          break;
      }
      ev.origin = "property";
      f.events.push_back(ev);
    }
    // Issue #8's kinds, from their own stream (the draws above stay those of earlier versions):
    // fuel curtailments of a plant, and advance notice on some outages and import limits.
    Rng ride(seed * 104729 + static_cast<std::uint64_t>(s));
    if (!site.plants.empty() && ride.Bernoulli(0.3)) {
      model::EventSpec ev;
      ev.kind = model::EventKind::kFuelCurtailment;
      ev.site = s;
      ev.plant = static_cast<int>(ride.Below(site.plants.size()));
      ev.magnitude = ride.Uniform(0, 1);
      ev.start = Time{FromSeconds(ride.Uniform(0, ToSeconds(f.horizon)))};
      ev.duration = FromSeconds(ride.Uniform(60, 12 * 3600));
      ev.origin = "property";
      f.events.push_back(ev);
    }
    for (size_t i = first_event; i < f.events.size(); ++i) {
      model::EventSpec& ev = f.events[i];
      if ((ev.kind == model::EventKind::kGridOutage || ev.kind == model::EventKind::kImportLimit ||
           ev.kind == model::EventKind::kFuelCurtailment) &&
          ride.Bernoulli(0.4))
        ev.notice = FromSeconds(ride.Uniform(60, 24 * 3600));
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
  std::stable_sort(f.events.begin(), f.events.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
  return f;
}

}  // namespace headroom

// The event library (examples/events): every scripted disturbance, alone, under `headroom` and
// `unmanaged`. Headroom must ride through each with zero breaker trips and zero crashes caused by
// power, reach demand response at once and hold it for the whole window; unmanaged trips on the
// same supply events, which shows the events bite.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "base/csv.h"
#include "config/loader.h"
#include "control/headroom.h"
#include "model/generate.h"
#include "sim/engine.h"

namespace headroom {
namespace {}  // namespace

const std::string kExamples = std::string(HEADROOM_SOURCE_DIR) + "/examples";

// The fleet file without its own events, with one library file instead. Paths in the fleet file
// (series CSVs) are read from its own folder, as the command line does.
model::Fleet FleetWith(const std::string& fleet_file, const std::string& events_file) {
  std::string text = *ReadFile(kExamples + "/" + fleet_file);
  const size_t cut = text.find("\nevents:");
  if (cut != std::string::npos) text.resize(cut + 1);
  const bool in_events = fleet_file.rfind("events/", 0) == 0;
  text += "event_files: [" + std::string(in_events ? "" : "events/") + events_file + "]\n";
  config::LoadOptions o;
  o.base_dir = in_events ? kExamples + "/events" : kExamples;
  auto fleet = config::LoadFleetFromString(text, fleet_file, o);
  EXPECT_TRUE(fleet.ok()) << fleet.status();
  return fleet.ok() ? *fleet : model::Fleet{};
}

sim::Result RunStrategy(const model::Fleet& base, const std::string& strategy, Duration horizon) {
  model::Fleet fleet = base;
  for (auto& j : model::GenerateJobs(fleet, fleet.seed, horizon)) fleet.jobs.push_back(j);
  sim::Options o;
  o.horizon = horizon;
  o.seed = fleet.seed;
  for (const auto& s : control::AllStrategies()) {
    if (s.name == strategy) return sim::Simulate(fleet, s, o);
  }
  ADD_FAILURE() << strategy;
  return {};
}

namespace {

struct Scenario {
  const char* events;
  const char* fleet;
  int horizon_days;
  bool unmanaged_trips;
  bool unmanaged_breaks_ramp = false;  // unmanaged exceeds the grid's ramp limit
  // A hard import limit lasting months: checked over its whole window (see CheckLongCap).
  bool long_cap = false;
  // A price at the market cap: the ride-through is measured with the price response off, since
  // at the default it defers preemptible work on purpose
  // (UriPriceResponseDefersWorkForMoreThanItIsWorth).
  bool price_response_off = false;
};

// A hard import limit that lasts months (the fleet's only one): `headroom` holds the import under
// it in every bucket of the window without drawing its battery down to do so (the fast reserve
// is still there at the end), and gives up no more than 0.1% of `unmanaged`'s useful work and no
// work to power; `unmanaged`, which leaves the limit to physics, is shed and crashes jobs.
void CheckLongCap(const model::Fleet& fleet, const sim::Result& h, const sim::Result& u) {
  const model::EventSpec* cap = nullptr;
  for (const auto& e : fleet.events) {
    if (e.kind == model::EventKind::kImportLimit && e.hard) cap = &e;
  }
  ASSERT_NE(cap, nullptr);
  ASSERT_GE(cap->duration, std::chrono::hours(24 * 90)) << "months, not hours";
  const sim::SiteResult& s = h.sites[0];
  const double bucket_s = 3600;  // the default resolution of sim::Options
  const auto first = static_cast<size_t>(ToSeconds(cap->start.time_since_epoch()) / bucket_s) + 1;
  const auto last =
      static_cast<size_t>(ToSeconds((cap->start + cap->duration).time_since_epoch()) / bucket_s);
  ASSERT_LT(last, s.series.size());
  double min_soc = 100, max_import_mw = 0;
  for (size_t b = first; b < last; ++b) {
    EXPECT_NEAR(s.series[b][sim::kSeriesImportLimit], cap->magnitude / 1e6, 1e-6) << b;
    max_import_mw = std::max(max_import_mw, s.series[b][sim::kSeriesGrid]);
    min_soc = std::min(min_soc, s.series[b][sim::kSeriesSocPercent]);
  }
  EXPECT_LE(max_import_mw, cap->magnitude / 1e6);
  // Recorded: the SoC stays within 0.5 points of the 80% the controller keeps outside the cap.
  EXPECT_GE(min_soc, 79) << "the battery is not spent holding the cap";
  auto useful = [](const sim::SiteResult& r) {
    double sum = 0;
    for (double w : r.useful_gpu_s) sum += w;
    return sum;
  };
  EXPECT_GE(useful(s), 0.999 * useful(u.sites[0]));
  EXPECT_LE(s.lost_to_power_gpu_s, u.sites[0].lost_to_power_gpu_s);
  EXPECT_GT(u.sites[0].shed_trips, 0);
  EXPECT_GT(u.sites[0].power_crashes, 0);
}

class EventLibrary : public ::testing::TestWithParam<Scenario> {};

TEST_P(EventLibrary, HeadroomRidesThroughWithoutTripsOrCrashes) {
  const Scenario& sc = GetParam();
  model::Fleet fleet = FleetWith(sc.fleet, sc.events);
  if (sc.price_response_off) fleet.control.headroom.price_pause_ratio = 1000;
  ASSERT_FALSE(fleet.events.empty());
  const Duration horizon = std::chrono::hours(24 * sc.horizon_days);
  const sim::Result h = RunStrategy(fleet, "headroom", horizon);
  ASSERT_EQ(h.sites.size(), 1u);
  const sim::SiteResult& s = h.sites[0];
  EXPECT_EQ(s.breaker_trips, 0) << sc.events;
  EXPECT_EQ(s.shed_trips, 0) << sc.events;
  EXPECT_EQ(s.power_crashes, 0) << sc.events;
  EXPECT_EQ(s.lost_to_power_gpu_s, 0) << sc.events;
  EXPECT_EQ(s.load_raises_in_deficit, 0) << sc.events << ": no step that raises load in a deficit";
  EXPECT_EQ(s.grid_ramp_violations, 0)
      << sc.events << ": the import must respect the grid's ramp limit";
  // Both example fleets declare a ramp limit, so the swing check below is never skipped.
  ASSERT_GT(fleet.sites[0].grid.max_ramp_w_per_s, 0) << sc.fleet;
  EXPECT_LE(s.max_grid_swing_w, fleet.sites[0].grid.max_ramp_w_per_s *
                                    ToSeconds(fleet.sites[0].grid.ramp_window) * (1 + 1e-9))
      << sc.events;
  // Demand-response requests (soft import limits) open windows; the response checks below must
  // not be skipped where the scenario has requests.
  bool requests = false;
  for (const auto& e : fleet.events)
    requests |= e.kind == model::EventKind::kImportLimit && !e.hard;
  EXPECT_EQ(s.dr_windows > 0, requests) << sc.events;
  if (requests) {
    EXPECT_LE(s.dr_worst_response_s, 2.0) << "demand response must be reached within 2 s";
    EXPECT_EQ(s.dr_breaches, 0) << "and held for the whole window";
    EXPECT_LT(s.dr_excess_j, 1e6) << "no more than 1 MJ above the request";
  }
  // Against unmanaged on the same case: at least 99.9% of its useful work, and no more work lost
  // to power (none at all, checked above: every case's supply can carry the site once racks are
  // powered off).
  const sim::Result u = RunStrategy(fleet, "unmanaged", horizon);
  const auto useful = [](const sim::SiteResult& r) {
    double w = 0;
    for (double x : r.useful_gpu_s) w += x;
    return w;
  };
  EXPECT_GE(useful(s), 0.999 * useful(u.sites[0])) << sc.events;
  EXPECT_LE(s.lost_to_power_gpu_s, u.sites[0].lost_to_power_gpu_s) << sc.events;
  if (sc.unmanaged_trips) {
    EXPECT_GT(u.sites[0].breaker_trips + u.sites[0].shed_trips, 0)
        << sc.events << ": unmanaged should trip";
  }
  if (sc.unmanaged_breaks_ramp) {
    EXPECT_GT(u.sites[0].grid_ramp_violations, 0)
        << sc.events << ": unmanaged should break the ramp limit";
  }
  if (sc.long_cap) CheckLongCap(fleet, h, u);
}

INSTANTIATE_TEST_SUITE_P(
    Library, EventLibrary,
    ::testing::Values(
        Scenario{"virginia-2024-sags.csv", "ohio-1gw.yaml", 3, true},
        Scenario{"gas-plant-loss.csv", "ohio-1gw.yaml", 202, false},
        Scenario{"grid-outage-4h-turbines-cold.csv", "events/campus-100mw.yaml", 3, true},
        Scenario{"demand-response.csv", "ohio-1gw.yaml", 13, false},
        Scenario{"under-frequency.csv", "ohio-1gw.yaml", 3, false},
        Scenario{"hot-week.csv", "ohio-1gw.yaml", 204, true},
        Scenario{"feed-loss.csv", "ohio-1gw.yaml", 201, false, true},
        Scenario{"winter-storm-elliott-gas.csv", "ohio-1gw.yaml", 360, false},
        Scenario{"loudoun-2022-import-cap.csv", "ohio-1gw.yaml", 360, true, false, true},
        Scenario{"iberia-2025-islanding.csv", "events/campus-100mw.yaml", 4, true},
        Scenario{"gb-2019-08-09-lfdd.csv", "events/campus-50hz.yaml", 3, true},
        Scenario{"uri-2021-rotating-outages.csv", "events/campus-100mw-uri.yaml", 7, true, false,
                 false, true}),
    [](const auto& test_param) {
      std::string n = test_param.param.events;
      n = n.substr(0, n.find('.'));
      for (char& c : n) {
        if (c == '-') c = '_';
      }
      return n;
    });

TEST(EventLibrary, DemandResponseIsReachedAndHeldWhileUnmanagedIgnoresIt) {
  const model::Fleet fleet = FleetWith("ohio-1gw.yaml", "demand-response.csv");
  const sim::Result u = RunStrategy(fleet, "unmanaged", std::chrono::hours(24 * 13));
  EXPECT_EQ(u.sites[0].dr_windows, 11);
  EXPECT_GT(u.sites[0].dr_excess_j, 0);
}

// The loss of the largest feed: its jobs are lost to the fault (failures, not power crashes);
// the battery absorbs the step of load (~310 MW: its jobs span other feeds too) so that the grid
// sees a ramp within its limit.
TEST(EventLibrary, FeedLossIsAbsorbedByTheBattery) {
  const model::Fleet fleet = FleetWith("ohio-1gw.yaml", "feed-loss.csv");
  const sim::Result h = RunStrategy(fleet, "headroom", std::chrono::hours(24 * 201));
  const sim::SiteResult& s = h.sites[0];
  EXPECT_EQ(s.fault_trips, 1);
  EXPECT_EQ(s.breaker_trips + s.shed_trips, 0);
  EXPECT_EQ(s.grid_ramp_violations, 0);
  bool fault = false, reclose = false;
  for (const auto& e : h.events) {
    fault = fault || (e.kind == "feed_fault" && e.subject == "hall-a");
    reclose = reclose || (e.kind == "reclose" && e.subject == "hall-a");
  }
  EXPECT_TRUE(fault);
  EXPECT_TRUE(reclose) << "the feed is re-closed once repaired";
}

TEST(EventLibrary, UnderFrequencyGetsADroopResponse) {
  const model::Fleet fleet = FleetWith("ohio-1gw.yaml", "under-frequency.csv");
  const sim::Result h = RunStrategy(fleet, "headroom", std::chrono::hours(72));
  bool droop = false;
  for (const auto& e : h.events) droop = droop || e.detail.find("droop") != std::string::npos;
  EXPECT_TRUE(droop) << "the controller should lower the import ceiling in droop";
}

// 9 August 2019 in GB: where the gas units are spinning (static-cap keeps them all online), the
// phase jump at the fault trips gas-b on its vector-shift relay (6 deg) at once and the
// frequency's fall at 0.2 Hz/s trips gas-a on its RoCoF relay (0.125 Hz/s over 500 ms) half a
// second in. Under every strategy the fall to 48.79 Hz then has the site's LFDD relay open it
// from the grid 200 ms after it passes 48.8 Hz (at 15:53:31 + 17.56 s), and the site reconnects
// 30 min after the frequency is back above 48.8 Hz. Headroom rides through islanded on its
// battery; unmanaged sheds a feed (the scenario test).
TEST(EventLibrary, GbLfddTripsOnSiteGenerationOnRocofAndDisconnectsTheSite) {
  const model::Fleet fleet = FleetWith("events/campus-50hz.yaml", "gb-2019-08-09-lfdd.csv");
  const double t0 = 86400 + 15 * 3600 + 52 * 60 + 33;  // 1 d 15:52:33 from the start
  for (const char* strategy : {"static-cap", "headroom", "unmanaged"}) {
    const sim::Result r = RunStrategy(fleet, strategy, std::chrono::hours(72));
    double rocof_trip = -1, shift_trip = -1, relay_trip = -1, reset = -1, reconnect = -1;
    for (const auto& e : r.events) {
      const double t = ToSeconds(e.time.time_since_epoch());
      if (e.kind == "unit_trip" && e.detail.find("RoCoF relay") != std::string::npos)
        rocof_trip = t;
      if (e.kind == "unit_trip" && e.detail.find("vector-shift relay") != std::string::npos)
        shift_trip = t;
      if (e.kind == "frequency_relay_trip") relay_trip = t;
      if (e.kind == "frequency_relay_reset") reset = t;
      if (e.kind == "grid_connected" && t > t0) reconnect = t;
    }
    if (std::string(strategy) == "static-cap") {
      EXPECT_NEAR(shift_trip, t0, 1e-6);
      EXPECT_NEAR(rocof_trip, t0 + 0.5, 1e-6);
    }
    // 49.2 Hz at 15:53:31 falling 0.41 Hz in 18 s: 48.8 Hz after 0.4 / (0.41 / 18) s.
    EXPECT_NEAR(relay_trip, t0 + 58 + 0.4 * 18 / 0.41 + 0.2, 1e-6) << strategy;
    // 48.79 Hz at 15:53:49 rising 0.41 Hz in 12 s: 48.8 Hz after 0.01 / (0.41 / 12) s.
    EXPECT_NEAR(reset, t0 + 76 + 0.01 * 12 / 0.41, 1e-6) << strategy;
    EXPECT_NEAR(reconnect, reset + 1800, 1e-6) << strategy;
  }
}

}  // namespace
}  // namespace headroom

namespace headroom {
namespace {

// Outside the envelope the controller says so: a campus whose battery is far too small for the
// loss of its grid gets a plain note with the shortfall in MW.
TEST(Envelope, ControllerReportsTheReserveShortfall) {
  model::Fleet fleet = FleetWith("events/campus-100mw.yaml", "grid-outage-4h-turbines-cold.csv");
  fleet.sites[0].battery->power_w = 5e6;
  const sim::Result h = RunStrategy(fleet, "headroom", std::chrono::hours(12));
  bool reported = false;
  for (const auto& e : h.events) {
    if (e.kind == "action:note" &&
        e.detail.find("contingency reserve short") != std::string::npos) {
      reported = e.value > 0;
      break;
    }
  }
  EXPECT_TRUE(reported);
  // And the run's KPIs carry it: how long the reserve was short, and by how much at worst.
  EXPECT_TRUE(h.sites[0].reserve_assessed);
  EXPECT_GT(h.sites[0].reserve_short_s, 0);
  EXPECT_GT(h.sites[0].max_reserve_short_w, 0);
  EXPECT_FALSE(RunStrategy(fleet, "unmanaged", std::chrono::hours(12)).sites[0].reserve_assessed);
}

// At design time, `AssessDesignReserve` checks each declared contingency against the fast reserve
// in its direction: with a 5 MW battery, the loss of feed A (32,768 GPUs at full power, hottest
// PUE) is short by its load less the battery and the grid's ramp allowance.
TEST(Envelope, DesignCheckFindsTheShortContingency) {
  model::Fleet fleet = FleetWith("events/campus-100mw.yaml", "grid-outage-4h-turbines-cold.csv");
  model::Site& site = fleet.sites[0];
  ASSERT_EQ(site.contingencies.size(), 3u);
  std::vector<control::ReserveCheck> checks = control::AssessDesignReserve(fleet, 0);
  ASSERT_EQ(checks.size(), 3u);
  for (const auto& c : checks) EXPECT_EQ(c.short_w(), 0) << c.what;
  site.battery->power_w = 5e6;
  checks = control::AssessDesignReserve(fleet, 0);
  const model::GpuModel& g = fleet.gpus[static_cast<size_t>(site.tree.back().gpu_model)];
  const double feed_w = 32768 * (g.cap_max_w + g.host_w) * 1.35;
  const double allowance = site.grid.max_ramp_w_per_s * ToSeconds(site.grid.ramp_window);
  EXPECT_EQ(checks[2].what, "feed A");
  EXPECT_TRUE(checks[2].load_loss);
  EXPECT_NEAR(checks[2].size_w, feed_w, 1);
  EXPECT_NEAR(checks[2].short_w(), feed_w - 5e6 - allowance, 1);
  EXPECT_EQ(checks[1].what, "plant gas-a");
  EXPECT_NEAR(checks[1].size_w, 60e6, 1);
}

// The year of examples/ohio-1gw.yaml with all its events: headroom, with no diesel, delivers at
// least 99.5% of the useful work of the diesel-backed plant, with no trip and no power crash.
TEST(OhioYear, HeadroomDeliversAtLeast995PercentOfDieselBacked) {
  auto loaded = config::LoadFleet(kExamples + "/ohio-1gw.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  model::Fleet fleet = std::move(*loaded);
  for (auto& e : model::GenerateEvents(fleet, fleet.seed, fleet.horizon)) fleet.events.push_back(e);
  std::stable_sort(fleet.events.begin(), fleet.events.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
  const sim::Result h = RunStrategy(fleet, "headroom", fleet.horizon);
  const sim::Result d = RunStrategy(fleet, "diesel-backed", fleet.horizon);
  double uh = 0, ud = 0;
  for (double x : h.sites[0].useful_gpu_s) uh += x;
  for (double x : d.sites[0].useful_gpu_s) ud += x;
  std::printf("headroom / diesel-backed useful work: %.6f\n", uh / ud);
  EXPECT_GE(uh / ud, 0.995);
  EXPECT_EQ(h.sites[0].breaker_trips + h.sites[0].shed_trips, 0);
  EXPECT_EQ(h.sites[0].power_crashes, 0);
  // Issue #8's must-hold against unmanaged: fuel plus grid cost no more, and inference outside
  // its objective no longer (both the feed fault's 24,036 min today). CO2: the target (at most
  // 3% above unmanaged) is not met while the loss of the grid is held inside the fast reserve
  // (docs/controller.md, "What the reserve costs": +8.3% at the default carbon price, +5.7% at
  // 1,000 USD/t); this guards against it growing past today's.
  const sim::Result u = RunStrategy(fleet, "unmanaged", fleet.horizon);
  const sim::SiteResult &sh = h.sites[0], &su = u.sites[0];
  std::printf(
      "headroom vs unmanaged: cost %.4g vs %.4g USD, CO2 %.4g vs %.4g kg, SLO %.1f vs %.1f min\n",
      sh.fuel_cost_usd + sh.grid_cost_usd, su.fuel_cost_usd + su.grid_cost_usd, sh.co2_kg,
      su.co2_kg, sh.inference_slo_miss_s / 60, su.inference_slo_miss_s / 60);
  EXPECT_LE(sh.fuel_cost_usd + sh.grid_cost_usd, su.fuel_cost_usd + su.grid_cost_usd);
  EXPECT_LE(sh.inference_slo_miss_s, su.inference_slo_miss_s + 1e-6);
  EXPECT_LE(sh.co2_kg, 1.085 * su.co2_kg);
}

// Islanding far below the idle load (iberia-2025-islanding.csv): the on-site supply cannot carry
// the site's racks even with every job paused, so the ladder's last rungs carry it: racks off,
// and the most important paused jobs back on the racks that stay on. Without them (the ladder
// ending at pause, `rack_power_off: false`), under-frequency relays shed a feed.
TEST(EventLibrary, IslandingBelowIdleLoadNeedsRacksPoweredOff) {
  model::Fleet fleet = FleetWith("events/campus-100mw.yaml", "iberia-2025-islanding.csv");
  const Duration horizon = std::chrono::hours(24 * 4);
  const sim::Result with = RunStrategy(fleet, "headroom", horizon);
  EXPECT_GT(with.sites[0].rack_power_offs, 100);
  EXPECT_EQ(with.sites[0].shed_trips + with.sites[0].breaker_trips, 0);
  bool booted = false;
  for (const auto& e : with.events) booted = booted || e.kind == "rack_booted";
  EXPECT_TRUE(booted) << "the racks boot again once the grid is back";
  fleet.control.headroom.rack_power_off = false;
  const sim::Result without = RunStrategy(fleet, "headroom", horizon);
  EXPECT_EQ(without.sites[0].rack_power_offs, 0);
  EXPECT_GT(without.sites[0].shed_trips, 0);
}

// Advance notice: the same 4-hour outage at the campus with cold turbines, announced a day ahead
// and not. With notice the controller charges the battery, commits the turbines so that they are
// online when the grid goes, and needs no pause; without it, work is paused while the turbines
// start. Both ride through; the notice is worth the work the pauses withheld.
TEST(EventLibrary, AnnouncedOutageIsPreparedFor) {
  model::Fleet fleet = FleetWith("events/campus-100mw.yaml", "grid-outage-4h-turbines-cold.csv");
  ASSERT_EQ(fleet.events.size(), 1u);
  fleet.events[0].notice = std::chrono::hours(24);
  const Duration horizon = std::chrono::hours(24 * 3);
  model::Fleet run = fleet;
  for (auto& j : model::GenerateJobs(run, run.seed, horizon)) run.jobs.push_back(j);
  const control::Strategy headroom = control::AllStrategies().back();
  ASSERT_EQ(headroom.name, "headroom");
  sim::Options o;
  o.horizon = horizon;
  o.seed = run.seed;
  const sim::Result with = sim::Simulate(run, headroom, o);
  o.ignore_notice = true;
  const sim::Result without = sim::Simulate(run, headroom, o);
  for (const sim::Result* r : {&with, &without}) {
    EXPECT_EQ(r->sites[0].breaker_trips + r->sites[0].shed_trips, 0);
    EXPECT_EQ(r->sites[0].power_crashes, 0);
  }
  const auto useful = [](const sim::Result& r) {
    double w = 0;
    for (double x : r.sites[0].useful_gpu_s) w += x;
    return w;
  };
  EXPECT_GT(useful(with), useful(without));
  EXPECT_EQ(with.sites[0].control_cost_gpu_s[sim::kCostPause], 0);
  EXPECT_GT(without.sites[0].control_cost_gpu_s[sim::kCostPause], 0);
  // Announced a day ahead; the turbines online before the grid goes.
  const Time start = fleet.events[0].start;
  bool announced = false;
  int online_before = 0;
  for (const auto& e : with.events) {
    announced = announced || (e.kind == "announcement" && e.time == start - std::chrono::hours(24));
    if (e.kind == "unit_online" && e.time <= start) ++online_before;
  }
  EXPECT_TRUE(announced);
  EXPECT_GT(online_before, 0);
  for (const auto& e : without.events) EXPECT_NE(e.kind, "announcement");
}

// Winter Storm Uri (uri-2021-rotating-outages.csv), at the default price response: with the
// price at ERCOT's $9,000/MWh cap, headroom defers preemptible work, and what it saves in energy
// per GPU-h deferred is worth more than the work (work_value_usd_per_gpu_h). The ride-through
// itself (no trips, the useful work of unmanaged) is the library test's, with the response off.
TEST(EventLibrary, UriPriceResponseDefersWorkForMoreThanItIsWorth) {
  const model::Fleet fleet =
      FleetWith("events/campus-100mw-uri.yaml", "uri-2021-rotating-outages.csv");
  const Duration horizon = std::chrono::hours(24 * 7);
  const sim::Result with = RunStrategy(fleet, "headroom", horizon);
  model::Fleet off = fleet;
  off.control.headroom.price_pause_ratio = 1000;
  const sim::Result without = RunStrategy(off, "headroom", horizon);
  const auto useful = [](const sim::SiteResult& r) {
    double w = 0;
    for (double x : r.useful_gpu_s) w += x;
    return w / 3600;
  };
  const sim::SiteResult& a = with.sites[0];
  const sim::SiteResult& b = without.sites[0];
  EXPECT_EQ(a.breaker_trips + a.shed_trips + a.power_crashes, 0);
  const double deferred_gpu_h = useful(b) - useful(a);
  const double saved_usd =
      (b.fuel_cost_usd + b.grid_cost_usd) - (a.fuel_cost_usd + a.grid_cost_usd);
  ASSERT_GT(deferred_gpu_h, 0) << "the price response defers work at the cap";
  std::printf("price response at the cap: %.3g GPU-h deferred, %.3g USD saved, %.2f USD/GPU-h\n",
              deferred_gpu_h, saved_usd, saved_usd / deferred_gpu_h);
  EXPECT_GT(saved_usd / deferred_gpu_h, fleet.control.headroom.work_value_usd_per_gpu_h);
}

}  // namespace
}  // namespace headroom

// Unit tests of the site controllers' rules on hand-built telemetry, each against a closed form:
// how much the fast shed brakes, where the budget allocation puts each cap, when and how far caps
// are restored, the droop response, turbines committed for the contingency reserve, the static
// cap and the turbine decommit hold.
//
// The site is controller_site.h's: ten racks of 8 GPUs of 1,000 W, PUE 1.25, ten training jobs
// of 8 GPUs at full power (80 kW IT, 100 kW facility); a brake or a cap from 1,000 to 800 W
// sheds 8 × 800 W or 8 × 200 W, times the PUE.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "control/headroom.h"
#include "control/reference.h"
#include "controller_site.h"

namespace headroom {
namespace {

using control::Action;
using control::Decision;
using control::JobState;
using controller_site::CapsSet;
using controller_site::Count;
using controller_site::FleetYaml;
using controller_site::kFullFacilityW;
using controller_site::kGrid;
using controller_site::kNoMargin;
using controller_site::kPue;
using controller_site::Site;

// A shortfall of 16 kW: the fast shed brakes until 1.2 × 16 kW = 19.2 kW is shed. Each brake
// sheds 8 × (1,000 - 200) W × 1.25 = 8 kW, so exactly three jobs are braked (24 kW).
TEST(HeadroomController, FastShedBrakesUntilTheDeficitWithMarginIsShed) {
  Site site(FleetYaml(kGrid, kNoMargin));
  control::HeadroomController c(site.config(), site.fleet().control);
  control::SiteTelemetry t = site.Telemetry(Time{});
  t.shortfall_w = 16000;
  Decision d;
  c.Decide(t, &d);
  int brakes = 0;
  for (const Action& a : d.actions) brakes += a.kind == Action::Kind::kBrake && a.value > 0;
  EXPECT_EQ(brakes, 3);
  // FastShed alone: a deficit of exactly two brakes' worth needs two, one watt more three.
  Decision d2, d3;
  EXPECT_DOUBLE_EQ(c.FastShed(t, 16000, &d2), 16000);
  EXPECT_EQ(Count(d2, Action::Kind::kBrake), 2);
  EXPECT_DOUBLE_EQ(c.FastShed(t, 16001, &d3), 24000);
  EXPECT_EQ(Count(d3, Action::Kind::kBrake), 3);
}

// A budget 2.5 tolerance steps below full: excess 2.5 × 8 × 200 W × 1.25 = 5 kW. Jobs are shed
// in id order (equal priority, tolerance, size): the first two to their tolerance cap, 1 / 1.25 of
// full speed = 800 W; the third just enough, to 900 W; the rest untouched. The planned facility
// power equals the budget.
TEST(HeadroomController, AllocationCapsToleranceFirstAndJustEnough) {
  Site site(FleetYaml(kGrid, kNoMargin));
  control::HeadroomController c(site.config(), site.fleet().control);
  const double budget = kFullFacilityW - 2.5 * 8 * 200 * kPue;  // 95 kW
  Decision d;
  const control::AllocationStats stats = c.Allocate(site.Telemetry(Time{}), budget, &d);
  const std::vector<double> caps = CapsSet(d, site.jobs());
  EXPECT_NEAR(caps[0], 800, 1e-6);
  EXPECT_NEAR(caps[1], 800, 1e-6);
  EXPECT_NEAR(caps[2], 900, 1e-6);
  for (size_t i = 3; i < caps.size(); ++i) EXPECT_EQ(caps[i], -1) << i;
  EXPECT_EQ(stats.caps_lowered, 3);
  site.Apply(d);
  EXPECT_NEAR(site.ItW() * kPue, budget, 1e-3);
  EXPECT_NEAR(stats.planned_it_w * kPue, budget, 1e-3);
}

// Nothing fits at the minimum cap: every training job is checkpointed and paused; inference,
// which cannot be paused, stays at its minimum cap.
TEST(HeadroomController, PausesTrainingButNeverInference) {
  Site site(
      FleetYaml(kGrid, kNoMargin,
                "    - {name: chat, kind: inference, site: s, gpu: G, gpus: 8, lifetime: 1000 d,\n"
                "       priority: preemptible, power: {compute: 100%}}\n",
                11));
  ASSERT_EQ(site.jobs(), 11u);
  ASSERT_EQ(site.view(10).kind, model::WorkloadKind::kInference);
  control::HeadroomController c(site.config(), site.fleet().control);
  Decision d;
  c.Allocate(site.Telemetry(Time{}), 1000, &d);
  std::vector<size_t> paused;
  for (const Action& a : d.actions) {
    if (a.kind == Action::Kind::kPause) paused.push_back(Site::IndexOf(a.job));
  }
  EXPECT_EQ(paused.size(), 10u);
  for (size_t j : paused) EXPECT_NE(j, 10u) << "inference paused";
  EXPECT_NEAR(CapsSet(d, site.jobs())[10], 200, 1e-6);
}

// Inference's objective is a constraint: an inference service at half its capacity's demand
// (drawing 100 + 900 x 0.5 = 550 W per GPU) keeps a cap that serves its demand and the margin for
// the next hour (0.6 of capacity: 600 W with this linear curve), while training is capped to its
// minimum and then paused. Budget 25 kW: training at its minimum (10 x 8 x 200 W x 1.25 = 20 kW)
// and the service at full (8 x 550 W x 1.25 = 5.5 kW) is 0.5 kW over, so one training job pauses.
TEST(HeadroomController, InferenceKeepsItsObjectiveWhileTrainingPauses) {
  Site site(
      FleetYaml(kGrid, kNoMargin,
                "    - {name: chat, kind: inference, site: s, gpu: G, gpus: 8, lifetime: 1000 d,\n"
                "       priority: preemptible, power: {compute: 100%}}\n",
                11));
  ASSERT_EQ(site.jobs(), 11u);
  control::JobView& chat = site.view(10);
  chat.demand = 0.5;
  chat.power_w = chat.full_power_w = 550;
  chat.speed = 1;
  control::HeadroomController c(site.config(), site.fleet().control);
  Decision d;
  c.Allocate(site.Telemetry(Time{}), 25e3, &d);
  const std::vector<double> caps = CapsSet(d, site.jobs());
  EXPECT_TRUE(caps[10] < 0 || caps[10] >= 600) << "inference capped to " << caps[10];
  EXPECT_EQ(Count(d, Action::Kind::kPause), 1);
  for (const Action& a : d.actions) {
    if (a.kind == Action::Kind::kPause) {
      EXPECT_NE(Site::IndexOf(a.job), 10u);
    }
  }
}

// Writing a checkpoint draws twice idle: with idle at 150 W that is 300 W, more than a job
// braked or capped at its 200 W minimum draws. Under a budget that caps at minimum cannot meet,
// the jobs already at their minimum are not paused (the write would raise the load); the ones
// still running above 300 W are.
TEST(HeadroomController, NeverPausesWhereWritingTheCheckpointRaisesTheLoad) {
  std::string yaml = FleetYaml(kGrid, kNoMargin);
  const std::string idle = "idle: 100 W";
  ASSERT_NE(yaml.find(idle), std::string::npos);
  yaml.replace(yaml.find(idle), idle.size(), "idle: 150 W");
  Site site(yaml);
  for (size_t i = 0; i < 5; ++i) site.SetCap(i, 200);  // jobs 0-4 at their minimum cap
  control::HeadroomController c(site.config(), site.fleet().control);
  Decision d;
  c.Allocate(site.Telemetry(Time{}), 15e3, &d);  // below every job at 200 W (20 kW facility)
  std::vector<size_t> paused;
  for (const Action& a : d.actions) {
    if (a.kind == Action::Kind::kPause) paused.push_back(Site::IndexOf(a.job));
  }
  EXPECT_FALSE(paused.empty());
  for (size_t j : paused) EXPECT_GE(j, 5u) << "job " << j << " paused from its minimum cap";
}

// Caps rise only after the headroom has lasted restore_hold (60 s), and then only as far as the
// budget narrowed by restore_band (3%) allows.
TEST(HeadroomController, RestoresAfterTheHoldToTheNarrowedBudget) {
  for (const bool wide : {true, false}) {
    SCOPED_TRACE(wide ? "ample budget" : "budget within the band");
    Site site(FleetYaml(kGrid, kNoMargin));
    control::HeadroomController c(site.config(), site.fleet().control);
    Decision lower;
    c.Allocate(site.Telemetry(Time{}), kFullFacilityW - 5000, &lower);
    site.Apply(lower);
    ASSERT_NEAR(site.ItW() * kPue, kFullFacilityW - 5000, 1e-3);
    // Headroom from t = 10 s: 200 kW, or 1% above the full load (the narrowed budget, 97.97 kW,
    // is short of it).
    const double budget = wide ? 200e3 : kFullFacilityW * 1.01;
    for (const double s : {10.0, 40.0, 69.9}) {
      Decision d;
      c.Allocate(site.Telemetry(Time{} + FromSeconds(s)), budget, &d);
      EXPECT_EQ(Count(d, Action::Kind::kSetCap), 0) << "raised at " << s << " s";
    }
    Decision d;
    const control::AllocationStats stats =
        c.Allocate(site.Telemetry(Time{} + FromSeconds(70)), budget, &d);
    site.Apply(d);
    if (wide) {
      EXPECT_EQ(stats.caps_raised, 3);
      EXPECT_NEAR(site.ItW() * kPue, kFullFacilityW, 1e-6);
    } else {
      // From (800, 800, 900): the plan for 97.97 kW keeps job 0 at 800 W and raises job 1 to
      // 1,000 - 30 W / (8 × 1.25) = 997 W and job 2 to 1,000 W.
      EXPECT_EQ(stats.caps_raised, 2);
      EXPECT_NEAR(site.ItW() * kPue, budget * 0.97, 1e-3);
      EXPECT_NEAR(site.view(1).cap_w, 997, 1e-6);
    }
  }
}

// Under-frequency droop: at 59.9 Hz, 0.064 Hz beyond the 0.036 Hz deadband, the import target
// falls by 0.064 / 60 / 5% = 2.133% of the import limit; the facility budget is that target less
// the 5% rating margin, and the caps bring the load to it.
TEST(HeadroomController, DroopAndRatingMarginSetTheBudget) {
  Site site(
      FleetYaml("    grid: {import_limit: 100 kW, nominal_frequency: 60 Hz}", "rating_margin: 5%"));
  control::HeadroomController c(site.config(), site.fleet().control);
  control::SiteTelemetry t = site.Telemetry(Time{});
  t.frequency_hz = 59.9;
  Decision d;
  c.Decide(t, &d);
  site.Apply(d);
  const double target = 100e3 * (1 - 0.064 / 60 / 0.05);
  EXPECT_NEAR(site.ItW() * kPue, target * 0.95, 1e-3);
}

// Droop acts on the import drawn when the excursion began, not on the import limit: with 100 kW
// drawn under a 1 MW limit, 59.9 Hz asks for 2.133% less than the 100 kW (a target of 97.87 kW),
// where a droop on the limit (21.3 kW below 1 MW) would ask for nothing. The reference holds
// while the excursion lasts (the target does not fall again as the load follows it) and is
// dropped once the frequency recovers.
TEST(HeadroomController, DroopActsOnTheImportNotOnTheLimit) {
  Site site(FleetYaml(kGrid, kNoMargin));
  control::HeadroomController c(site.config(), site.fleet().control);
  const double target = kFullFacilityW * (1 - 0.064 / 60 / 0.05);
  for (const double s : {0.0, 2.0, 4.0}) {
    control::SiteTelemetry t = site.Telemetry(Time{} + FromSeconds(s));
    t.frequency_hz = 59.9;
    Decision d;
    c.Decide(t, &d);
    site.Apply(d);
    EXPECT_NEAR(site.ItW() * kPue, target, 1e-3) << "at " << s << " s";
  }
  // Recovered: the caps come back once the restore hold has passed.
  for (const double s : {10.0, 80.0, 160.0}) {
    Decision d;
    c.Decide(site.Telemetry(Time{} + FromSeconds(s)), &d);
    site.Apply(d);
  }
  EXPECT_NEAR(site.ItW() * kPue, kFullFacilityW, 1e-3);
}

// The droop's reference (the import when the excursion began) holds across a disconnection
// inside the excursion: reconnected, with nothing imported yet, the target is still 97.87 kW of
// the 100 kW drawn before, not 0 (which would cap and pause everything).
TEST(HeadroomController, DroopReferenceHoldsAcrossADisconnection) {
  Site site(FleetYaml(kGrid, kNoMargin));
  control::HeadroomController c(site.config(), site.fleet().control);
  const double target = kFullFacilityW * (1 - 0.064 / 60 / 0.05);
  control::SiteTelemetry t = site.Telemetry(Time{});
  t.frequency_hz = 59.9;
  Decision d;
  c.Decide(t, &d);
  site.Apply(d);
  ASSERT_NEAR(site.ItW() * kPue, target, 1e-3);
  t = site.Telemetry(Time{} + FromSeconds(2));  // off the grid for a moment (not applied)
  t.frequency_hz = 59.9;
  t.grid_connected = false;
  t.import_limit_w = t.grid_w = 0;
  Decision off;
  c.Decide(t, &off);
  t = site.Telemetry(Time{} + FromSeconds(4));  // back, importing nothing yet
  t.frequency_hz = 59.9;
  t.grid_w = 0;
  Decision back;
  c.Decide(t, &back);
  site.Apply(back);
  EXPECT_NEAR(site.ItW() * kPue, target, 1e-3);
}

// The price response pauses preemptible training above 1.5x the mean price and releases it only
// below 1.2x and after an hour: the price swinging every minute between 2x and 1.3x, and the
// supply ample, cause one pause and no resume; the allocator does not resume a job the price
// response holds. Once released, the allocator resumes it once it has seen it paused for its
// restore hold (60 s).
TEST(HeadroomController, PriceResponseHoldsItsPausesWithHysteresis) {
  Site site(FleetYaml(
      "    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz, price: 50 $/MWh}", kNoMargin,
      "    - {name: batch, kind: training, site: s, gpu: G, gpus: 8, duration: 1000 d,\n"
      "       priority: preemptible, power: {compute: 100%}}\n",
      11));
  ASSERT_EQ(site.jobs(), 11u);
  ASSERT_EQ(site.view(10).priority, model::Priority::kPreemptible);
  control::HeadroomController c(site.config(), site.fleet().control);
  const double mean = 50 / 3.6e9;  // $/J
  int pauses = 0, resumes = 0;
  auto call = [&](double minutes, double price_ratio) {
    control::SiteTelemetry t = site.Telemetry(Time{} + FromSeconds(60 * minutes));
    t.price_usd_per_j = price_ratio * mean;
    Decision d;
    c.Decide(t, &d);
    for (const Action& a : d.actions) {
      if (!a.job.valid() || Site::IndexOf(a.job) != 10) continue;
      pauses += a.kind == Action::Kind::kPause;
      resumes += a.kind == Action::Kind::kResume;
    }
    site.Apply(d);
  };
  for (int m = 0; m < 120; ++m) call(m, m % 2 == 0 ? 2.0 : 1.3);
  EXPECT_EQ(pauses, 1);
  EXPECT_EQ(resumes, 0);
  EXPECT_EQ(site.view(10).state, JobState::kPaused);
  call(121, 1.0);  // released
  EXPECT_EQ(resumes, 0);
  call(121.5, 1.0);  // the allocator sees it paused: its restore hold starts
  EXPECT_EQ(resumes, 0);
  call(122.6, 1.0);
  EXPECT_EQ(resumes, 1);
  EXPECT_EQ(site.view(10).state, JobState::kRunning);
  // A fresh pause, then cheap at once: held for its hour.
  call(123, 2.0);
  EXPECT_EQ(pauses, 2);
  call(150, 1.0);
  call(152, 1.0);
  EXPECT_EQ(resumes, 1);
  call(184, 1.0);
  call(184.5, 1.0);
  call(185.6, 1.0);
  EXPECT_EQ(resumes, 2);
  // Expensive again: paused again.
  call(186, 2.0);
  EXPECT_EQ(pauses, 3);
}

// Turbines are committed so that losing the grid stays within 90% of the fast reserve: the
// brakes' 10 × 8 kW = 80 kW. The grid may carry 72 kW of the 100 kW, the turbines the rest plus
// 5%: 29.4 kW, three 10 kW units.
TEST(HeadroomController, CommitsTurbinesForTheGridContingency) {
  Site site(FleetYaml(R"(    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz}
    plants:
      - name: p
        units: {count: 5, rating: 10 kW, min_load: 0 W})",
                      kNoMargin));
  control::HeadroomController c(site.config(), site.fleet().control);
  Decision d;
  c.Decide(site.Telemetry(Time{}), &d);
  EXPECT_EQ(Count(d, Action::Kind::kCommitUnit), 3);
  // Their plant's fuel cut to half: each unit gives at most 5 kW (UnitView::max_w), so all five
  // are committed (25 kW, short of the 29.4 kW wanted), not three.
  control::HeadroomController cut(site.config(), site.fleet().control);
  control::SiteTelemetry t = site.Telemetry(Time{});
  for (control::UnitView& u : t.units) u.max_w = 5e3;
  Decision d2;
  cut.Decide(t, &d2);
  EXPECT_EQ(Count(d2, Action::Kind::kCommitUnit), 5);
  // A site that does not declare the loss of the grid a contingency holds no turbines for it.
  Site no_grid(FleetYaml(R"(    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz}
    plants:
      - name: p
        units: {count: 5, rating: 10 kW, min_load: 0 W}
    contingencies: [largest_plant])",
                         kNoMargin));
  control::HeadroomController c3(no_grid.config(), no_grid.fleet().control);
  Decision d3;
  c3.Decide(no_grid.Telemetry(Time{}), &d3);
  EXPECT_EQ(Count(d3, Action::Kind::kCommitUnit), 0);
}

// The fast reserve by cost. The turbines (8,700 Btu/kWh at 3.5 $/MMBtu: 30.45 $/MWh, 0.46 t/MWh)
// against a grid at 60 $/MWh and no carbon. At a carbon price of 0 the turbines are cheaper, so
// they hold the loss of the grid beyond the brakes (80 kW): three 10 kW units, as above. At
// 190 $/t they cost 30.45 + 87.4 = 117.85 $/MWh, more than the grid, and a stop (each job's GPUs
// from the 200 W brake to 100 W idle: 8 x 100 W x 1.25 = 1 kW) costs only its work at risk (half
// an hour's checkpoint interval plus a 2-minute restore on 8 GPUs, at 2 $/GPU-h, twice a year):
// the ten stops add 10 kW of fast reserve, the grid may carry 0.9 x 90 kW = 81 kW, and two units
// cover the remaining 19 kW x 1.05 = 19.95 kW. With work worth 1,000 $/GPU-h and the grid lost
// 1,000 times a year, a stop's expected loss (135 $/s) dwarfs the turbines' extra 1.6e-5 $/s per
// kW: turbines again, three units.
TEST(HeadroomController, FastReserveHeldByStopsWhereTurbinesCostMore) {
  for (const int carbon_price : {0, 190, -190}) {  // -190: 190 with work at risk dear
    SCOPED_TRACE(carbon_price);
    std::string control = kNoMargin + ", headroom: {carbon_price_usd_per_t: ";
    control += std::to_string(std::abs(carbon_price));
    if (carbon_price < 0) control += ", work_value_usd_per_gpu_h: 1000, grid_loss_per_year: 1000";
    control += "}";
    Site site(FleetYaml(
        R"(    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz, price: 60 $/MWh}
    plants:
      - name: p
        units: {count: 5, rating: 10 kW, min_load: 0 W, heat_rate: 8700 Btu/kWh,
                fuel_price: 3.5 $/MMBtu, co2: 0.46 t/MWh})",
        control));
    for (size_t i = 0; i < site.jobs(); ++i) {
      site.view(i).checkpoint_interval = std::chrono::hours(1);
      site.view(i).restore_time = std::chrono::minutes(2);
    }
    control::HeadroomController c(site.config(), site.fleet().control);
    control::SiteTelemetry t = site.Telemetry(Time{});
    t.price_usd_per_j = site.fleet().sites[0].grid.price_usd_per_j.At(t.now);
    Decision d;
    c.Decide(t, &d);
    EXPECT_EQ(Count(d, Action::Kind::kCommitUnit), carbon_price == 190 ? 2 : 3);
  }
}

// The wear of a start holds a surplus unit on line. Five 10 kW units all online, more than the
// reserve needs. At a carbon price of 0 the turbines (30.45 $/MWh) are cheaper than the grid
// (60 $/MWh): the surplus unit stops after 30 min. At 190 $/t they cost 117.85 $/MWh, 57.85 more
// than the grid: running the last unit at its 5 kW minimum load costs 0.289 $/h over the grid and
// a restart 67 $/MW x 10 kW = 0.67 $, so it stops only after 0.67 / 0.289 = 2.32 h of surplus.
TEST(HeadroomController, SurplusUnitStopsAfterTheStartsBreakEven) {
  for (const int carbon_price : {0, 190}) {
    SCOPED_TRACE(carbon_price);
    Site site(FleetYaml(
        R"(    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz, price: 60 $/MWh}
    plants:
      - name: p
        units: {count: 5, rating: 10 kW, min_load: 5 kW, heat_rate: 8700 Btu/kWh,
                fuel_price: 3.5 $/MMBtu, co2: 0.46 t/MWh})",
        kNoMargin + ", headroom: {carbon_price_usd_per_t: " + std::to_string(carbon_price) + "}"));
    control::HeadroomController c(site.config(), site.fleet().control);
    auto decommits_at = [&](double s) {
      control::SiteTelemetry t = site.Telemetry(Time{} + FromSeconds(s));
      t.price_usd_per_j = site.fleet().sites[0].grid.price_usd_per_j.At(t.now);
      for (control::UnitView& u : t.units) {
        u.state = control::UnitState::kOnline;
        u.available_w = u.output_w = 10e3;
      }
      Decision d;
      c.Decide(t, &d);
      return Count(d, Action::Kind::kDecommitUnit);
    };
    const double hold_s = carbon_price == 0 ? 1800 : 0.67 / (5 * 57.85 / 1000) * 3600;
    int first = -1;
    for (double s = 0; s < 4 * 3600 && first < 0; s += 60) {
      if (decommits_at(s) > 0) first = static_cast<int>(s);
    }
    EXPECT_GE(first, hold_s);
    EXPECT_LT(first, hold_s + 61);
  }
}

// Brakes are not enough: 83 kW to shed against 80 kW of brakes. The fast shed then stops braked
// training, the least work since its last checkpoint first, each adding 1 kW (its GPUs from the
// 200 W brake to 100 W idle, x 8 x 1.25): three stops, jobs 0, 1 and 2.
TEST(HeadroomController, FastShedStopsTheLeastWorkAtRiskWhenBrakesAreNotEnough) {
  Site site(FleetYaml(kGrid, kNoMargin));
  for (size_t i = 0; i < site.jobs(); ++i) {
    site.view(i).checkpoint_interval = std::chrono::hours(1);
    // Job i checkpointed i minutes before now: job 0 has the least at risk.
    site.view(i).last_checkpoint = Time{} + std::chrono::hours(1) - std::chrono::minutes(i);
  }
  control::HeadroomController c(site.config(), site.fleet().control);
  const control::SiteTelemetry t = site.Telemetry(Time{} + std::chrono::hours(1));
  Decision d;
  EXPECT_DOUBLE_EQ(c.FastShed(t, 83e3, &d), 83e3);  // 80 kW of brakes, then 3 stops
  std::vector<size_t> stopped;
  for (const Action& a : d.actions) {
    if (a.kind == Action::Kind::kStop) stopped.push_back(Site::IndexOf(a.job));
  }
  EXPECT_EQ(stopped, (std::vector<size_t>{0, 1, 2}));
  // Job 1 made critical: it is stopped only when no less important job is left, so jobs 0, 2
  // and 3 go first.
  site.view(1).priority = model::Priority::kCritical;
  control::HeadroomController c2(site.config(), site.fleet().control);
  Decision d2;
  c2.FastShed(site.Telemetry(Time{} + std::chrono::hours(1)), 83e3, &d2);
  stopped.clear();
  for (const Action& a : d2.actions) {
    if (a.kind == Action::Kind::kStop) stopped.push_back(Site::IndexOf(a.job));
  }
  EXPECT_EQ(stopped, (std::vector<size_t>{0, 2, 3}));
}

// The loss of the largest unit is sized by what the unit gives now: an islanded site on two
// 100 kW units carrying its 100 kW, with 80 kW of fast reserve (the brakes: 10 x 8 x 800 W x
// 1.25). Split 50/50, losing either is covered; split 95/5, losing the first is 15 kW short and
// the controller says so, naming the unit.
TEST(HeadroomController, LargestUnitContingencyFollowsTheUnitsOutput) {
  Site site(FleetYaml(R"(    plants:
      - name: p
        units: {count: 2, rating: 100 kW, min_load: 0 W}
    contingencies: [largest_unit])",
                      kNoMargin));
  ASSERT_EQ(site.fleet().sites[0].contingencies.size(), 1u);
  for (const double first_kw : {50.0, 95.0}) {
    SCOPED_TRACE(first_kw);
    control::HeadroomController c(site.config(), site.fleet().control);
    control::SiteTelemetry t = site.Telemetry(Time{});
    ASSERT_EQ(t.units.size(), 2u);
    const double outputs[] = {first_kw * 1e3, kFullFacilityW - first_kw * 1e3};
    for (size_t u = 0; u < 2; ++u) {
      t.units[u].state = control::UnitState::kOnline;
      t.units[u].available_w = t.units[u].target_w = 100e3;
      t.units[u].output_w = outputs[u];
    }
    t.grid_w = 0;
    Decision d;
    c.Decide(t, &d);
    if (first_kw < 80) {
      EXPECT_NEAR(d.reserve_short_w, 0, 1e-6);
    } else {
      EXPECT_NEAR(d.reserve_short_w, 15e3, 1e-3);
      bool named = false;
      for (const Action& a : d.actions)
        named = named || a.reason.find("unit p/") != std::string::npos;
      EXPECT_TRUE(named);
    }
  }
}

// The battery power the controller counts in its fast reserve is what the telemetry says it can
// give now (derated in the cold), not its rating. The loss of the grid's 100 kW import against
// 80 kW of brakes (10 x 8 x 800 W x 1.25) and the 60 kW battery is covered; with the battery
// derated to 10 kW (battery_max_w), 90 kW is 10 kW short, and the controller says so.
TEST(HeadroomController, CountsTheBatteryAtItsDeratedPower) {
  Site site(FleetYaml(R"(    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz}
    battery: {energy: 1 MWh, power: 60 kW, soc_initial: 90%}
    contingencies: [grid])",
                      kNoMargin));
  for (const double max_kw : {-1.0, 60.0, 10.0}) {
    SCOPED_TRACE(max_kw);
    control::HeadroomController c(site.config(), site.fleet().control);
    control::SiteTelemetry t = site.Telemetry(Time{});
    t.has_battery = true;
    t.battery_soc = 0.9;
    t.battery_max_w = max_kw < 0 ? -1 : max_kw * 1e3;
    Decision d;
    c.Decide(t, &d);
    EXPECT_NEAR(d.reserve_short_w, max_kw == 10.0 ? 10e3 : 0.0, 1e-3);
  }
}

// The static cap: firm supply is all supply less the largest declared loss (the 100 kW grid),
// here the 50 kW plant; at the worst PUE (1.25) over 80 GPUs with 100 W of host power each:
// 50 kW / 1.25 / 80 - 100 W = 400 W per GPU.
TEST(StaticCap, FirmSupplyLessHostPowerAtTheWorstPue) {
  std::string yaml = FleetYaml(R"(    grid: {import_limit: 100 kW}
    plants:
      - name: p
        units: {count: 5, rating: 10 kW, min_load: 0 W})",
                               kNoMargin);
  yaml.replace(yaml.find("host: 0 W"), 9, "host: 100 W");
  Site site(yaml);
  const control::StaticCap cap = control::ComputeStaticCap(site.fleet(), 0);
  EXPECT_DOUBLE_EQ(cap.firm_supply_w, 50e3);
  EXPECT_DOUBLE_EQ(cap.cap_w, 400);
  EXPECT_TRUE(cap.feasible);
}

// The ladder's first rung: racks with no work on them go off before any job is capped. Twelve
// racks, ten jobs: full demand 80 kW of jobs plus 2 x 8 x 100 W idle = 81.6 kW IT, 102 kW at the
// 1.25 PUE; against a 100 kW budget the two empty racks (2 kW) are enough, and no cap moves.
TEST(HeadroomController, EmptyRacksGoOffBeforeAnyCap) {
  Site site(FleetYaml(kGrid, kNoMargin, "", /*racks=*/12));
  site.report_racks = true;
  control::HeadroomController c(site.config(), site.fleet().control);
  Decision d;
  c.Allocate(site.Telemetry(Time{}), 100e3, &d);
  EXPECT_EQ(Count(d, Action::Kind::kPowerOffRack), 2);
  EXPECT_EQ(Count(d, Action::Kind::kSetCap), 0);
  // A budget 1 kW lower: both racks off and the rest by caps, just enough.
  control::HeadroomController c2(site.config(), site.fleet().control);
  Decision d2;
  c2.Allocate(site.Telemetry(Time{}), 99e3, &d2);
  EXPECT_EQ(Count(d2, Action::Kind::kPowerOffRack), 2);
  EXPECT_EQ(Count(d2, Action::Kind::kSetCap), 1);
}

// A turbine is decommitted only once the surplus has lasted 30 minutes, and the clock restarts
// when the surplus ends.
TEST(BaselineDispatch, DecommitsAfterThirtyMinutesOfSurplus) {
  Site site(FleetYaml(R"(    grid: {import_limit: 100 kW}
    plants:
      - name: p
        units: {count: 2, rating: 10 kW, min_load: 0 W})",
                      kNoMargin));
  Time low_since = kTimeNever;
  auto at = [&](double s, bool surplus) {
    control::SiteTelemetry t = site.Telemetry(Time{} + FromSeconds(s));
    for (auto& u : t.units) u.state = control::UnitState::kOnline;
    Decision d;
    const double off =
        control::DecommitAfterSurplus(site.fleet().sites[0], t, surplus, &low_since, &d);
    EXPECT_EQ(Count(d, Action::Kind::kDecommitUnit), off > 0 ? 1 : 0);
    return off;
  };
  EXPECT_EQ(at(0, true), 0);
  EXPECT_EQ(at(1799, true), 0);
  EXPECT_EQ(at(1800, true), 10e3);
  EXPECT_EQ(at(1900, true), 0);  // a new surplus period starts
  EXPECT_EQ(at(2000, false), 0);
  EXPECT_EQ(at(2100, true), 0);
  EXPECT_EQ(at(3899, true), 0);
  EXPECT_EQ(at(3900, true), 10e3);
}

}  // namespace
}  // namespace headroom

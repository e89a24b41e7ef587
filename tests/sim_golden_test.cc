// Golden tests: small cases whose energy, cost and lost work are known in closed form. Each
// must match to 1e-9 relative; any change in the engine's prediction shows here.

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/loader.h"
#include "control/reference.h"
#include "scratch_dir.h"
#include "sim/engine.h"

namespace headroom {
namespace {

constexpr double kRel = 1e-9;
constexpr double kMWh = 3.6e9;

::testing::AssertionResult Rel(const char* a_expr, const char*, double a, double e) {
  if (std::fabs(a - e) <= kRel * std::max(std::fabs(e), 1e-300))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << a_expr << " = " << a << ", expected " << e << " (relative error "
         << std::fabs(a - e) / std::max(std::fabs(e), 1e-300) << ")";
}
#define EXPECT_REL(actual, expected) EXPECT_PRED_FORMAT2(Rel, actual, expected)

// One site, one feed, one rack of 8 GPUs of a made-up model "G" (1,000 W, no host power), PUE
// 1.2 at every temperature, one training job that draws exactly 1,000 W per GPU.
std::string Fleet(const std::string& sources, const std::string& events,
                  const std::string& horizon) {
  return R"(
horizon: )" +
         horizon + R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W,
     training: {zero: 0%, saturation: 100%, exponent: 1}}
sites:
  - name: s
    kind: owned
)" + sources +
         R"(
    cooling: {pue: [{temperature: 0 C, pue: 1.2}]}
    reclose_delay: 10 min
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - rack: K
            rating: 100 kW
            gpus: 8
            gpu: G
workloads:
  jobs:
    - {name: j, kind: training, site: s, gpus: 8, duration: 1000 d,
       checkpoint: {interval: 30 min, save: 6 s, restore: 5 min},
       power: {compute: 100%, communication: 100%, compute_duty: 50%}}
)" + events;
}

sim::Result RunFleet(const std::string& yaml, const control::Strategy& strategy) {
  absl::StatusOr<model::Fleet> fleet = config::LoadFleetFromString(yaml, "golden.yaml");
  EXPECT_TRUE(fleet.ok()) << fleet.status();
  if (!fleet.ok()) return {};
  sim::Options o;
  o.horizon = fleet->horizon;
  return sim::Simulate(*fleet, strategy, o);
}

sim::Result RunFleet(const std::string& yaml, const std::string& strategy = "unmanaged") {
  for (const auto& s : control::ReferenceStrategies()) {
    if (s.name == strategy) return RunFleet(yaml, s);
  }
  ADD_FAILURE() << "no strategy " << strategy;
  return {};
}

constexpr double kFacilityW = 8 * 1000 * 1.2;     // 9.6 kW
constexpr double kOverhead = 1.0 - 6.0 / 1800.0;  // checkpoint stall share
constexpr double kRate = 8 * kOverhead;           // GPU-s of work per s

TEST(Golden, GridOnlyConstantLoad) {
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, price: 50 $/MWh, carbon: 0.4 t/MWh})",
                                "", "10 h"));
  ASSERT_EQ(r.sites.size(), 1u);
  const auto& s = r.sites[0];
  const double e = kFacilityW * 36000;
  EXPECT_REL(s.energy.grid_import_j, e);
  EXPECT_REL(s.facility_served_j, e);
  EXPECT_REL(s.it_j, e / 1.2);
  EXPECT_REL(s.grid_cost_usd, e / kMWh * 50);
  EXPECT_REL(s.co2_kg, e / kMWh * 400);
  EXPECT_REL(s.useful_gpu_s[2], kRate * 36000);
  EXPECT_EQ(s.lost_gpu_s[2], 0);
  EXPECT_EQ(s.breaker_trips + s.shed_trips, 0);
  // The run starts in steady state: the grid sees no ramp at all.
  EXPECT_EQ(s.max_grid_ramp_w_per_s, 0);
}

// A 1-hour grid outage from 4,800 s.
constexpr const char* kOutageAt80Min = R"(
events:
  - {kind: grid_outage, site: s, at: 80 min, duration: 1 h}
)";

TEST(Golden, OutageWithoutBackupLosesWorkSinceLastCheckpoint) {
  // Outage at 4,800 s for 1 h; reconnect 5 min after it ends (8,700 s). The shortfall lasts the
  // 200 ms under-frequency relay delay (no rack ride-through), then the feed is shed at 4,800.2 s.
  // Its re-close is retried every 10 min and succeeds at 9,000.2 s; the job restores for 5 min
  // and runs again from 9,300.2 s to the 10,800 s horizon.
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, price: 50 $/MWh, reconnect_delay: 5 min})",
                                kOutageAt80Min, "3 h"));
  const auto& s = r.sites[0];
  constexpr double kUfls = 0.2;
  EXPECT_EQ(s.shed_trips, 1);
  EXPECT_EQ(s.power_crashes, 1);
  EXPECT_REL(s.lost_gpu_s[2], kRate * (1200 + kUfls));  // since the checkpoint at 3,600 s
  EXPECT_REL(s.lost_to_power_gpu_s, kRate * (1200 + kUfls));
  EXPECT_REL(s.useful_gpu_s[2], kRate * (3600 + 1500 - kUfls));
  const double grid = kFacilityW * 4800 + 8 * 200 * 1.2 * 300 + kFacilityW * (1500 - kUfls);
  EXPECT_REL(s.energy.grid_import_j, grid);
  EXPECT_REL(s.grid_cost_usd, grid / kMWh * 50);
  // The shortfall during the relay delay, then the shed feed's load until it re-closes.
  EXPECT_REL(s.unserved_j, kFacilityW * kUfls + kFacilityW * 4200);
  // The outage drops 9.6 kW from the grid at once: the largest change over one second.
  EXPECT_REL(s.max_grid_ramp_w_per_s, kFacilityW);
}

// The ramp limit is not measured across a disconnection; the pick-up after it is. With the
// outage above: 0 W from the reconnection at 8,700 s (the feed is still shed), 1,920 W while the
// job restores from 9,000.2 s, 9,600 W from 9,300.2 s.
TEST(Golden, RampLimitMeasuresThePickUpAfterReconnection) {
  constexpr double kRestoreW = 8 * 200 * 1.2;
  {
    // A 1-minute window sees at most the restore-to-run step; the limit (6 kW) is exceeded once.
    const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, reconnect_delay: 5 min, max_ramp: 6 kW/min, ramp_window: 1 min})",
                                  kOutageAt80Min, "3 h"));
    EXPECT_REL(r.sites[0].max_grid_swing_w, kFacilityW - kRestoreW);
    EXPECT_EQ(r.sites[0].grid_ramp_violations, 1);
  }
  {
    // A 10-minute window holds 0 W and 9,600 W: the whole pick-up, over the 6 kW limit.
    const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, reconnect_delay: 5 min, max_ramp: 0.6 kW/min, ramp_window: 10 min})",
                                  kOutageAt80Min, "3 h"));
    EXPECT_REL(r.sites[0].max_grid_swing_w, kFacilityW);
    EXPECT_EQ(r.sites[0].grid_ramp_violations, 1);
  }
  {
    // A limit above the largest swing is never exceeded.
    const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, reconnect_delay: 5 min, max_ramp: 1 kW/min, ramp_window: 20 min})",
                                  kOutageAt80Min, "3 h"));
    EXPECT_REL(r.sites[0].max_grid_swing_w, kFacilityW);
    EXPECT_EQ(r.sites[0].grid_ramp_violations, 0);
  }
}

// A feed fault opens the feed: the job crashes (a failure, not a power crash) and restarts when
// the feed is repaired. The fault at 4,800 s loses the work since the checkpoint at 3,600 s; the
// feed re-closes at 6,600 s, the job restores for 5 min and runs from 6,900 s to 10,800 s.
TEST(Golden, FeedFaultCrashesItsJobsAsAFailure) {
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW})",
                                R"(
events:
  - {kind: feed_trip, site: s, feed: F, at: 80 min, repair_time: 30 min}
)",
                                "3 h"));
  const auto& s = r.sites[0];
  EXPECT_EQ(s.fault_trips, 1);
  EXPECT_EQ(s.breaker_trips + s.shed_trips, 0);
  EXPECT_EQ(s.power_crashes, 0);
  EXPECT_EQ(s.failure_crashes, 1);
  EXPECT_REL(s.lost_to_failures_gpu_s, kRate * 1200);
  EXPECT_REL(s.useful_gpu_s[2], kRate * (3600 + 3900));
  EXPECT_REL(s.energy.grid_import_j, kFacilityW * 4800 + 8 * 200 * 1.2 * 300 + kFacilityW * 3900);
}

TEST(Golden, TurbineOnlyFuelCostAndEmissions) {
  const auto r = RunFleet(Fleet(R"(
    plants:
      - name: p
        online_at_start: 1
        units: {count: 1, rating: 20 kW, min_load: 0 W, heat_rate: 9000 MJ/MWh, fuel_price: 10 $/GJ,
                co2: 0.5 t/MWh})",
                                "", "10 h"));
  const auto& s = r.sites[0];
  const double e = kFacilityW * 36000;
  EXPECT_REL(s.energy.turbine_j, e);
  EXPECT_REL(s.fuel_j, e * 2.5);
  EXPECT_REL(s.fuel_cost_usd, e * 2.5 * 1e-8);
  EXPECT_REL(s.co2_kg, e / kMWh * 500);
  EXPECT_EQ(s.energy.grid_import_j, 0);
}

// A plant's fuel price as a series (a day-ahead gas index): 10 $/GJ for the first 5 h, 20 $/GJ
// for the next 5 h; the cost follows it, hour by hour of fuel burnt.
TEST(Golden, TurbineFuelCostFollowsThePlantsFuelPriceSeries) {
  ScratchDir dir;
  {
    std::ofstream csv(dir.path() + "/gas.csv");
    csv << "usd_per_gj\n10\n20\n";
  }
  const std::string yaml = Fleet(R"(
    plants:
      - name: p
        online_at_start: 1
        fuel_price: {csv: gas.csv, column: usd_per_gj, unit: $/GJ, step: 5 h}
        units: {count: 1, rating: 20 kW, min_load: 0 W, heat_rate: 9000 MJ/MWh, fuel_price: 99 $/GJ,
                co2: 0.5 t/MWh})",
                                 "", "10 h");
  {
    std::ofstream f(dir.path() + "/fleet.yaml");
    f << yaml;
  }
  absl::StatusOr<model::Fleet> fleet = config::LoadFleet(dir.path() + "/fleet.yaml");
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  sim::Options o;
  o.horizon = fleet->horizon;
  const sim::Result r = sim::Simulate(*fleet, control::ReferenceStrategies()[0], o);
  const auto& s = r.sites[0];
  const double e = kFacilityW * 36000;
  EXPECT_REL(s.energy.turbine_j, e);
  EXPECT_REL(s.fuel_cost_usd, e / 2 * 2.5 * 1e-8 + e / 2 * 2.5 * 2e-8);
}

// A plant whose heat rate is 110% of rated at every temperature (a one-point ambient curve):
// 10% more fuel, cost and CO2 for the same energy.
TEST(Golden, AmbientHeatRateRaisesFuelAndEmissions) {
  const auto r = RunFleet(Fleet(R"(
    plants:
      - name: p
        online_at_start: 1
        ambient: [{temperature: 15 C, output: 100%, heat_rate: 110%}]
        units: {count: 1, rating: 20 kW, min_load: 0 W, heat_rate: 9000 MJ/MWh, fuel_price: 10 $/GJ,
                co2: 0.5 t/MWh})",
                                "", "10 h"));
  const auto& s = r.sites[0];
  const double e = kFacilityW * 36000;
  EXPECT_REL(s.energy.turbine_j, e);
  EXPECT_REL(s.fuel_j, e * 2.5 * 1.1);
  EXPECT_REL(s.fuel_cost_usd, e * 2.5 * 1.1 * 1e-8);
  EXPECT_REL(s.co2_kg, e / kMWh * 500 * 1.1);
}

TEST(Golden, BatteryRidesThroughAnOutageAndRecharges) {
  // 20 kWh / 20 kW battery, 81% round trip (90% each way), from 90% to its 95% ceiling.
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, reconnect_delay: 5 min}
    battery: {energy: 20 kWh, power: 20 kW, round_trip_efficiency: 81%, soc_min: 10%, soc_max: 95%,
              soc_initial: 90%})",
                                R"(
events:
  - {kind: grid_outage, site: s, at: 2 h, duration: 1 h}
)",
                                "10 h"));
  const auto& s = r.sites[0];
  EXPECT_EQ(s.shed_trips + s.breaker_trips, 0);
  EXPECT_EQ(s.lost_gpu_s[2], 0);
  const double out = kFacilityW * 3900;  // the outage plus the 5 min before reconnection
  EXPECT_REL(s.energy.battery_discharge_j, out);
  const double kwh = 3.6e6;
  EXPECT_REL(s.battery_stored_end_j, 19 * kwh);
  const double stored_in = (19 - 18) * kwh + out / 0.9;
  EXPECT_REL(s.energy.battery_charge_j, stored_in / 0.9);
  EXPECT_REL(s.battery_loss_j, stored_in / 0.9 * 0.1 + out / 0.9 * 0.1);
  EXPECT_REL(s.energy.grid_import_j, kFacilityW * (36000 - 3900) + stored_in / 0.9);
  EXPECT_REL(s.useful_gpu_s[2], kRate * 36000);
}

TEST(Golden, DieselBackedCoversTheOutageWithItsFuel) {
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, reconnect_delay: 5 min})",
                                R"(
diesel: {heat_rate: 9000 MJ/MWh, fuel_price: 20 $/GJ, co2: 0.75 t/MWh}
events:
  - {kind: grid_outage, site: s, at: 2 h, duration: 1 h}
)",
                                "10 h"),
                          "diesel-backed");
  const auto& s = r.sites[0];
  const double diesel = kFacilityW * 3900;
  EXPECT_REL(s.energy.diesel_j, diesel);
  EXPECT_REL(s.fuel_cost_usd, diesel * 2.5 * 20e-9);
  EXPECT_REL(s.co2_kg, diesel / kMWh * 750);
  EXPECT_EQ(s.lost_gpu_s[2], 0);
  EXPECT_REL(s.useful_gpu_s[2], kRate * 36000);
}

TEST(Golden, StaticCapSlowsTrainingInProportion) {
  // Firm supply after losing the grid (the largest source) is the 6 kW plant: 6 kW / 1.2 / 8 GPUs
  // = 625 W per GPU. Throughput is linear in the cap here (zero 0%, saturation 100%, exponent 1).
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW}
    plants:
      - name: p
        online_at_start: 1
        units: {count: 1, rating: 6 kW, min_load: 0 W})",
                                "", "10 h"),
                          "static-cap");
  const auto& s = r.sites[0];
  // The cap takes effect after the 500 ms actuation delay.
  const double work = kRate * 0.5 + kRate * 0.625 * (36000 - 0.5);
  EXPECT_REL(s.useful_gpu_s[2], work);
  EXPECT_REL(s.it_j, 8000.0 * 0.5 + 8 * 625.0 * (36000 - 0.5));
}

// Replaces the one occurrence of `from` in `yaml` with `to`.
std::string With(std::string yaml, const std::string& from, const std::string& to) {
  const size_t at = yaml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(yaml.find(from, at + 1), std::string::npos) << from;
  return at == std::string::npos ? yaml : yaml.replace(at, from.size(), to);
}

// The rack's 8 kW is 114% of a 7 kW rating: above the curve's 110% step (10 s) and below its 150%
// step (100 ms). The breaker opens at 10 s; the job loses its 10 s of work (its checkpoint is at
// 0 s), and the rack's 9.6 kW of facility load goes unserved for the remaining 50 s.
TEST(Golden, BreakerOpensAfterItsCurvesHold) {
  const auto r = RunFleet(With(Fleet(R"(
    grid: {import_limit: 100 kW})",
                                     "", "1 min"),
                               "rating: 100 kW",
                               "rating: 7 kW\n            breaker: [{above: 110%, for: 10 s}, "
                               "{above: 150%, for: 100 ms}]"));
  const auto& s = r.sites[0];
  EXPECT_EQ(s.breaker_trips, 1);
  EXPECT_REL(s.lost_gpu_s[2], kRate * 10);
  EXPECT_REL(s.unserved_j, kFacilityW * 50);
  EXPECT_REL(s.energy.grid_import_j, kFacilityW * 10);
}

// Two feeds of one 9.6 kW rack each. At 4,800 s the grid operator cuts the import to 10 kW
// (hard): under-frequency shedding opens exactly one feed (the first) after the 200 ms relay
// delay plus the racks' ride-through (2 kJ per 1,000 W GPU: 2 s). The job on it loses the work
// since its checkpoint at 3,600 s, 1,200 s + 2.2 s.
TEST(Golden, UnderFrequencySheddingOpensJustEnoughFeedsAfterRideThrough) {
  std::string yaml = With(Fleet(R"(
    grid: {import_limit: 100 kW})",
                                R"(
events:
  - {kind: import_limit, site: s, at: 80 min, limit: 10 kW, duration: 1 h, hard: true}
)",
                                "2 h"),
                          R"(      - feed: F
        rating: 1 MW
        children:
          - rack: K
            rating: 100 kW
            gpus: 8
            gpu: G)",
                          R"(      - feed: F
        rating: 1 MW
        children:
          - {rack: K, rating: 100 kW, gpus: 8, gpu: G, ride_through: 2 kJ}
      - feed: F2
        rating: 1 MW
        children:
          - {rack: K2, rating: 100 kW, gpus: 8, gpu: G, ride_through: 2 kJ})");
  yaml = With(yaml, "gpus: 8, duration: 1000 d,", "gpus: 8, duration: 1000 d, count: 2,");
  const auto r = RunFleet(yaml);
  const auto& s = r.sites[0];
  EXPECT_EQ(s.shed_trips, 1);
  EXPECT_EQ(s.power_crashes, 1);
  EXPECT_REL(s.lost_gpu_s[2], kRate * (1200 + 0.2 + 2));
}

// A 2 kWh battery at its 95% ceiling carries the 9.6 kW load through the outage until it reaches
// its 10% floor: it gives (95% - 10%) × 7.2 MJ × 0.9 (discharge efficiency) = 5.508 MJ, and never
// goes below the floor.
TEST(Golden, BatteryDischargesToItsFloorThroughItsEfficiency) {
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW}
    battery: {energy: 2 kWh, power: 20 kW, round_trip_efficiency: 81%, soc_min: 10%, soc_max: 95%,
              soc_initial: 95%})",
                                R"(
events:
  - {kind: grid_outage, site: s, at: 1 h, duration: 2 h}
)",
                                "3 h"));
  const auto& s = r.sites[0];
  const double kwh = 3.6e6;
  EXPECT_REL(s.energy.battery_discharge_j, 0.85 * 2 * kwh * 0.9);
  EXPECT_NEAR(s.battery_min_stored_j, 0.1 * 2 * kwh, 1e-3);
  EXPECT_REL(s.battery_loss_j, 0.85 * 2 * kwh * 0.1);
}

// 20 kW of baseload generation against the 9.6 kW load: 10.4 kW is exported. The import carries
// carbon; the export earns none back.
TEST(Golden, ExportIsNotNegativeCarbon) {
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW, export_limit: 100 kW, carbon: 0.4 t/MWh}
    baseload: 20 kW)",
                                "", "10 h"));
  const auto& s = r.sites[0];
  EXPECT_REL(s.energy.grid_export_j, 10400.0 * 36000);
  EXPECT_EQ(s.energy.grid_import_j, 0);
  EXPECT_EQ(s.co2_kg, 0);
}

// A controller that only pauses job 0 at 4,000 s and resumes it at 5,000 s.
class ScriptedPause : public control::SiteController {
 public:
  static constexpr Time kPauseAt = AtSeconds(4000), kResumeAt = AtSeconds(5000);
  void Decide(const control::SiteTelemetry& t, control::Decision* out) override {
    if (!paused_ && t.now >= kPauseAt) {
      out->actions.push_back({.kind = control::Action::Kind::kPause, .job = control::JobId{0}});
      paused_ = true;
    }
    if (!resumed_ && t.now >= kResumeAt) {
      out->actions.push_back({.kind = control::Action::Kind::kResume, .job = control::JobId{0}});
      resumed_ = true;
    }
    out->next_wake = !paused_ ? kPauseAt : !resumed_ ? kResumeAt : kTimeNever;
  }

 private:
  bool paused_ = false, resumed_ = false;
};

// A planned pause writes a checkpoint, so a crash after the resume loses only the work since the
// resume. The job runs from 0 s (periodic checkpoints at 1,800 and 3,600 s), is paused at 4,000 s
// (6 s saving its state, then paused), resumed at 5,000 s (restoring for 5 min). A feed fault at
// 5,100 s, during the restore, loses nothing: the pause's checkpoint holds all 4,000 s of work
// (without it, the 400 s since 3,600 s would be lost). The feed is repaired at 6,900 s; the job
// restores and runs from 7,200 s; a second fault at 8,200 s, before its next periodic checkpoint
// (9,000 s), loses exactly the 1,000 s since it resumed running. Repaired at 10,000 s, it runs
// again from 10,300 s to the 10,800 s horizon.
TEST(Golden, PlannedPauseCheckpointsSoACrashLosesOnlyWorkSinceTheResume) {
  const control::Strategy scripted{
      .name = "scripted-pause",
      .make = [](const control::SiteConfig&,
                 const control::ControllerOptions&) -> std::unique_ptr<control::SiteController> {
        return std::make_unique<ScriptedPause>();
      }};
  const auto r = RunFleet(Fleet(R"(
    grid: {import_limit: 100 kW})",
                                R"(
events:
  - {kind: feed_trip, site: s, feed: F, at: 5100 s, repair_time: 30 min}
  - {kind: feed_trip, site: s, feed: F, at: 8200 s, repair_time: 30 min}
)",
                                "3 h"),
                          scripted);
  const auto& s = r.sites[0];
  EXPECT_EQ(s.fault_trips, 2);
  EXPECT_EQ(s.failure_crashes, 2);
  EXPECT_EQ(s.power_crashes, 0);
  EXPECT_REL(s.lost_to_failures_gpu_s, kRate * 1000);
  EXPECT_REL(s.useful_gpu_s[2], kRate * (4000 + 1000 + 500 - 1000));
  // Facility power: 9.6 kW running; 1,920 W saving or restoring (twice idle); 960 W paused (idle);
  // nothing while the feed is open.
  EXPECT_REL(s.energy.grid_import_j,
             kFacilityW * (4000 + 1000 + 500) + 1920.0 * (6 + 100 + 300 + 300) + 960.0 * 994);
}

// Each GPU draws exactly 1,000 W while its job runs.
const std::string kFullPower = "power: {compute: 100%, communication: 100%, compute_duty: 50%}";

// Sites of `racks[i]` racks of 8 GPUs "G" each (the model of Fleet() above), named s0, s1, ...,
// each on a 1 MW grid and one feed F; `jobs` is the workloads' job list.
std::string Sites(const std::vector<int>& racks, const std::string& jobs,
                  const std::string& horizon) {
  std::string yaml = "horizon: " + horizon + R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W,
     training: {zero: 0%, saturation: 100%, exponent: 1}}
sites:
)";
  for (size_t i = 0; i < racks.size(); ++i) {
    yaml += "  - name: s" + std::to_string(i) + R"(
    kind: owned
    grid: {import_limit: 1 MW}
    cooling: {pue: [{temperature: 0 C, pue: 1.2}]}
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - {rack: K, count: )" +
            std::to_string(racks[i]) + ", rating: 100 kW, gpus: 8, gpu: G}\n";
  }
  return yaml + "workloads:\n  jobs:\n" + jobs;
}

// Jobs pinned to no site go where the most GPUs are free, ties to the lower index. Sites of 8,
// 16 and 16 GPUs; three 8-GPU jobs arriving together go to s1 (16 free, before s2), then s2
// (16 free against 8 and 8), then s0 (8 each: the lowest index).
TEST(Golden, UnpinnedJobsGoWhereTheMostGpusAreFree) {
  const auto r = RunFleet(Sites(
      {1, 2, 2}, "    - {name: j, kind: training, gpus: 8, duration: 1 h, count: 3}\n", "1 h"));
  ASSERT_EQ(r.sites.size(), 3u);
  EXPECT_EQ(r.sites[0].jobs_placed, 1);
  EXPECT_EQ(r.sites[1].jobs_placed, 1);
  EXPECT_EQ(r.sites[2].jobs_placed, 1);
}

// A job that finds no free GPU waits and starts where and when GPUs are freed: job a holds the
// one rack from 0 s to 3,600 s; job b arrives at 600 s, starts at 3,600 s, restores for 5 min and
// runs its hour from 3,900 s to 7,500 s. No periodic checkpoints (save 0 s): both run at full
// rate. Mean completion after arrival: (3,600 + 6,900) / 2 s. Whether b is pinned to the site
// or not.
TEST(Golden, QueuedJobStartsWhenGpusAreFreed) {
  for (const std::string pin : {"site: s0, ", ""}) {
    SCOPED_TRACE(pin.empty() ? "unpinned" : "pinned");
    const std::string ckpt = "checkpoint: {interval: 365 d, save: 0 s, restore: 5 min}";
    const auto r =
        RunFleet(Sites({1},
                       absl::StrCat("    - {name: a, kind: training, site: s0, gpus: 8, "
                                    "duration: 1 h, ",
                                    ckpt, "}\n    - {name: b, kind: training, ", pin,
                                    "gpus: 8, arrival: 10 min, duration: 1 h, ", ckpt, "}\n"),
                       "3 h"));
    const auto& s = r.sites[0];
    EXPECT_EQ(s.jobs_placed, 2);
    EXPECT_EQ(s.jobs_completed, 2);
    EXPECT_REL(s.mean_completion_h, (3600.0 + 6900.0) / 2 / 3600);
    EXPECT_REL(s.useful_gpu_s[2], 2 * 8 * 3600.0);
  }
}

// A re-close restarts a job only once all its racks have power. One 16-GPU job spans two feeds,
// both faulted at 1,000 s: the job loses its 1,000 s of work (its only checkpoint is at 0 s). F1
// is repaired at 2,800 s, F2 at 4,600 s; the job restores for 5 min and runs from 4,900 s to the
// 7,200 s horizon. The grid carries 19.2 kW while it runs, 960 W (idle K1) from 2,800 s to
// 4,600 s, 3,840 W while it restores.
TEST(Golden, RecloseRestartsAJobOnlyWhenAllItsRacksHavePower) {
  std::string yaml =
      With(Sites({1},
                 "    - {name: j, kind: training, gpus: 16, duration: 1000 d, " + kFullPower +
                     ", checkpoint: {interval: 365 d, save: 0 s, restore: 5 min}}\n",
                 "2 h"),
           R"(      - feed: F
        rating: 1 MW
        children:
          - {rack: K, count: 1, rating: 100 kW, gpus: 8, gpu: G}
)",
           R"(      - feed: F1
        rating: 1 MW
        children:
          - {rack: K1, rating: 100 kW, gpus: 8, gpu: G}
      - feed: F2
        rating: 1 MW
        children:
          - {rack: K2, rating: 100 kW, gpus: 8, gpu: G}
events:
  - {kind: feed_trip, site: s0, feed: F1, at: 1000 s, repair_time: 30 min}
  - {kind: feed_trip, site: s0, feed: F2, at: 1000 s, repair_time: 1 h}
)");
  // The events block must follow the workloads: move it to the end.
  const size_t ev = yaml.find("events:\n");
  const size_t wl = yaml.find("workloads:\n");
  yaml = yaml.substr(0, ev) + yaml.substr(wl) + yaml.substr(ev, wl - ev);
  const auto r = RunFleet(yaml);
  const auto& s = r.sites[0];
  EXPECT_EQ(s.fault_trips, 2);
  EXPECT_EQ(s.failure_crashes, 1);
  EXPECT_REL(s.lost_to_failures_gpu_s, 16 * 1000.0);
  EXPECT_REL(s.useful_gpu_s[2], 16 * 2300.0);
  EXPECT_REL(s.energy.grid_import_j, 19200.0 * (1000 + 2300) + 960.0 * 1800 + 3840.0 * 300);
}

}  // namespace
}  // namespace headroom

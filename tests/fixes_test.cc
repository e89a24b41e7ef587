// Regression tests for what the first users found (issue #7, item 8), one group per finding.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/csv.h"
#include "base/units.h"
#include "config/fleet_checks.h"
#include "config/loader.h"
#include "control/reference.h"
#include "report/report.h"
#include "sim/engine.h"

namespace headroom {
namespace {

sim::Result RunFleet(const std::string& yaml, const std::string& strategy, Duration horizon) {
  absl::StatusOr<model::Fleet> fleet = config::LoadFleetFromString(yaml, "fixes.yaml");
  EXPECT_TRUE(fleet.ok()) << fleet.status();
  if (!fleet.ok()) return {};
  sim::Options o;
  o.horizon = horizon;
  for (const auto& s : control::ReferenceStrategies()) {
    if (s.name == strategy) return sim::Simulate(*fleet, s, o);
  }
  ADD_FAILURE() << "no strategy " << strategy;
  return {};
}

// ------------------------------------------------------------------------------------------------
// 1. `unmanaged` must dispatch enough turbines for its shed feeds to re-close.
//
// An island (no grid): one feed, one rack of 8 GPUs of 1,000 W (idle 100 W, no host), PUE 1.2,
// one training job at 1,000 W per GPU: 9.6 kW of facility load, 0.96 kW with the GPUs idle. Two
// 6 kW units, both online. At 1 h the first unit trips for 2 h: 6 kW cannot carry 9.6 kW, so the
// under-frequency relays shed the only feed and the site draws nothing. A feed re-closes only
// if the supply can carry it at idle (0.96 kW); the baseline dispatch used to see a load of zero,
// stop the remaining unit after 30 min of "surplus" and leave the site dark for the rest of the
// run, even after the first unit was repaired.
constexpr const char* kIsland = R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W,
     training: {zero: 0%, saturation: 100%, exponent: 1}}
sites:
  - name: island
    kind: owned
    plants:
      - name: p
        online_at_start: 2
        units: {count: 2, rating: 6 kW, min_load: 0 W, start_time: 10 min}
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
    - {name: j, kind: training, site: island, gpus: 8, duration: 1000 d,
       checkpoint: {interval: 30 min, save: 6 s, restore: 5 min},
       power: {compute: 100%, communication: 100%, compute_duty: 50%}}
events:
  - {kind: turbine_trip, site: island, plant: p, unit: 1, at: 1 h, repair_time: 2 h}
)";

TEST(UnmanagedRecovers, ShedFeedRecloses) {
  const Duration horizon = std::chrono::hours(24 * 30);
  const sim::Result r = RunFleet(kIsland, "unmanaged", horizon);
  ASSERT_EQ(r.sites.size(), 1u);
  const sim::SiteResult& s = r.sites[0];
  EXPECT_GE(s.shed_trips, 1);  // the trip bites
  bool reclosed = false;
  for (const sim::EventRecord& e : r.events) reclosed = reclosed || e.kind == "reclose";
  EXPECT_TRUE(reclosed);
  // Dark all month, the site would have served only the first hour (9.6 kW × 1 h) plus the
  // relay delay. Recovered, it is dark for at most the 2-h repair, a unit start, a re-close delay
  // and a restore (well under 4 h): at least 29.8 of the 30 days at 9.6 kW.
  constexpr double kFacilityW = 8 * 1000 * 1.2;
  const double served_h = s.facility_served_j / kFacilityW / 3600;
  EXPECT_GT(served_h, 30 * 24 - 4) << "served " << served_h << " h of load";
  // 8 GPUs at full speed less the checkpoint stall (6 s every 30 min), over the same bound.
  const double rate = 8 * (1.0 - 6.0 / 1800.0);
  EXPECT_GT(s.useful_gpu_s[2], rate * (30 * 24 - 4) * 3600);
}

// The dark load the dispatch adds, from the node loads alone, against hand sums. Tree (IT W at
// idle: 8 GPUs × (100 + 0) W = 800 W per rack): feed A → row R1 → racks a1, a2 (rated 100 kW:
// cannot overload) and a3 (rated 5 kW < 8 kW at full load: can trip by itself); feed B → rack b1.
TEST(UnmanagedRecovers, DarkIdleLoadFromNodeLoads) {
  const std::string yaml = R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W}
sites:
  - name: s
    kind: owned
    grid: {import_limit: 1 MW}
    power_tree:
      - feed: A
        rating: 1 MW
        children:
          - row: R1
            rating: 500 kW
            children:
              - {rack: a1, rating: 100 kW, gpus: 8, gpu: G}
              - {rack: a2, rating: 100 kW, gpus: 8, gpu: G}
              - {rack: a3, rating: 5 kW, gpus: 8, gpu: G}
      - feed: B
        rating: 1 MW
        children:
          - {rack: b1, rating: 100 kW, gpus: 8, gpu: G}
)";
  absl::StatusOr<model::Fleet> fleet = config::LoadFleetFromString(yaml, "dark.yaml");
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  const model::Site& site = fleet->sites[0];
  std::map<std::string, size_t> at;
  for (size_t i = 0; i < site.tree.size(); ++i) at[site.tree[i].name] = i;
  // Loads with every rack lit: each rack 1 kW, parents their sums.
  const auto loads = [&](const std::set<std::string>& dark_racks) {
    std::vector<double> w(site.tree.size(), 0.0);
    for (size_t i = site.tree.size(); i-- > 0;) {
      const model::TreeNode& n = site.tree[i];
      if (n.kind == model::NodeKind::kRack &&
          !dark_racks.contains(n.name.substr(n.name.rfind('/') + 1)))
        w[i] += 1000;
      if (n.parent >= 0) w[static_cast<size_t>(n.parent)] += w[i];
    }
    return w;
  };
  control::SiteTelemetry t;
  control::BaselineDispatch d(control::SiteConfig{site, fleet->gpus}, false);
  std::vector<double>& w = t.node_load_w;
  w = loads({});
  EXPECT_EQ(d.DeenergizedIdleW(t), 0);
  w = loads({"a3"});  // a3's own breaker
  EXPECT_EQ(d.DeenergizedIdleW(t), 800);
  w = loads({"a1", "a2", "a3"});  // row R1 (or feed A) open
  EXPECT_EQ(d.DeenergizedIdleW(t), 3 * 800);
  w = loads({"a1", "a2", "a3", "b1"});  // both feeds shed: the root reads 0 too
  EXPECT_EQ(d.DeenergizedIdleW(t), 4 * 800);
  w = loads({"a3", "b1"});
  EXPECT_EQ(d.DeenergizedIdleW(t), 2 * 800);
}

// ------------------------------------------------------------------------------------------------
// 2. Synthetic weather at a site west of Greenwich.
//
// The closed form, in local time: hour-of-year h (0..8759, the year repeating), day = h / 24,
//   T(h) = mean + seasonal × cos(2π (day − warmest_day) / 365) + diurnal × cos(2π (h mod 24 − 15) /
//   24),
// held for the whole local hour. At UTC time t the local time is t + utc_offset, so the series
// must equal T(floor((t + utc_offset) / 1 h) mod 8760) at every instant of the run.
double ClosedFormAmbientC(std::int64_t local_hour) {
  constexpr double kMean = 11.8, kSeasonal = 12.5, kDiurnal = 5, kWarmest = 200;
  constexpr double kPi = 3.14159265358979323846;
  const std::int64_t h = ((local_hour % 8760) + 8760) % 8760;
  return kMean + kSeasonal * std::cos(2 * kPi * (h / 24.0 - kWarmest) / 365.0) +
         kDiurnal * std::cos(2 * kPi * (static_cast<double>(h % 24) - 15) / 24.0);
}

model::Site SiteWithWeatherAt(const std::string& utc_offset) {
  const std::string yaml = R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W}
sites:
  - name: w
    kind: owned
    location: {latitude: 40 deg, longitude: -82 deg, utc_offset: )" +
                           utc_offset + R"(}
    grid: {import_limit: 1 MW}
    weather: {mean: 11.8 C, seasonal_amplitude: 12.5 C, diurnal_amplitude: 5 C, warmest_day: 200}
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - {rack: K, rating: 100 kW, gpus: 8, gpu: G}
)";
  absl::StatusOr<model::Fleet> fleet = config::LoadFleetFromString(yaml, "weather.yaml");
  EXPECT_TRUE(fleet.ok()) << fleet.status();
  return fleet.ok() ? fleet->sites[0] : model::Site{};
}

// The parameter is the site's UTC offset in minutes.
class SyntheticWeather : public ::testing::TestWithParam<int> {};

TEST_P(SyntheticWeather, EqualsTheClosedFormAtEveryHourOfTwoYears) {
  const Duration offset = std::chrono::minutes(GetParam());
  const model::Site site = SiteWithWeatherAt(std::to_string(GetParam()) + " min");
  ASSERT_FALSE(site.ambient_c.empty());
  // Every quarter hour of two years (the second one folds onto the first), and 1 ns before each.
  int mismatches = 0;
  for (int q = 0; q < 2 * 8760 * 4; ++q) {
    for (const Duration d : {Duration{0}, std::chrono::minutes(15) - Duration{1}}) {
      const Time t = Time{std::chrono::minutes(15) * q + d};
      const Duration local = t.time_since_epoch() + offset;
      // Floor division: local hour index, negative before local time zero.
      std::int64_t hour = local / std::chrono::hours(1);
      if (local < Duration{0} && local % std::chrono::hours(1) != Duration{0}) --hour;
      const double expected = ClosedFormAmbientC(hour);
      const double actual = site.ambient_c.At(t);
      if (std::fabs(actual - expected) > 1e-9 && ++mismatches <= 5) {
        ADD_FAILURE() << "UTC " << ToHours(t.time_since_epoch()) << " h (local hour " << hour
                      << "): " << actual << " C, closed form " << expected << " C";
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

INSTANTIATE_TEST_SUITE_P(UtcOffsets, SyntheticWeather,
                         ::testing::Values(-300, -570, -720, 0, 330, 840));

// ------------------------------------------------------------------------------------------------
// 3. The diesel defaults are the documented ones: the default column of the `diesel` row of
// docs/fleet-format.md, parsed as a user's file would be, equals model::Diesel{} exactly.
TEST(DieselDefaults, AreTheDocumentedFigures) {
  const absl::StatusOr<std::string> doc =
      ReadFile(std::string(HEADROOM_SOURCE_DIR) + "/docs/fleet-format.md");
  ASSERT_TRUE(doc.ok()) << doc.status();
  const size_t row = doc->find("| `diesel` |");
  ASSERT_NE(row, std::string::npos);
  std::string line = doc->substr(row, doc->find('\n', row) - row);
  // The last cell: "10,400 Btu/kWh, 25 $/MMBtu, 769.184 kg/MWh (...)".
  line = line.substr(line.rfind("| ", line.size() - 3) + 2);
  line = line.substr(0, line.find(" ("));
  std::erase(line, '|');
  std::vector<std::string> cells;
  for (size_t at = 0; at != std::string::npos;) {
    const size_t comma = line.find(", ", at);
    cells.push_back(line.substr(at, comma == std::string::npos ? comma : comma - at));
    at = comma == std::string::npos ? comma : comma + 2;
  }
  ASSERT_EQ(cells.size(), 3u) << line;
  std::erase(cells[0], ',');  // "10,400"
  const model::Diesel d;
  const Dimension dims[] = {Dimension::kHeatRate, Dimension::kPricePerFuelEnergy,
                            Dimension::kEmissionPerEnergy};
  const double defaults[] = {d.heat_rate, d.fuel_price_usd_per_j, d.co2_kg_per_j};
  for (int i = 0; i < 3; ++i) {
    const absl::StatusOr<double> v = ParseQuantity(cells[static_cast<size_t>(i)], dims[i]);
    ASSERT_TRUE(v.ok()) << cells[static_cast<size_t>(i)] << ": " << v.status();
    EXPECT_NEAR(defaults[i] / *v, 1.0, 1e-12) << cells[static_cast<size_t>(i)];
  }
  // And the figures behind them: 10,400 Btu/kWh is 3.0479 J/J (the old default, 3.05, was
  // rounded); the CO2 follows from the EPA factor at that heat rate.
  EXPECT_NEAR(d.heat_rate, 10400 * 1055.05585262 / 3.6e6, 1e-12);
  EXPECT_NEAR(d.co2_kg_per_j * 3.6e9, 73.96 * 10.4, 1e-9);  // kg/MWh
}

// ------------------------------------------------------------------------------------------------
// 6. Fleet totals are SiteResult::Merge over the sites.
sim::SiteResult SiteFilledWith(double k) {
  sim::SiteResult s;
  s.name = "s" + std::to_string(static_cast<int>(k));
  s.energy.grid_import_j = 10 * k;
  s.energy.diesel_j = 2 * k;
  s.fuel_cost_usd = 3 * k;
  s.useful_gpu_s = {k, 2 * k, 3 * k, 4 * k};
  s.control_cost_gpu_s = {k, 0, 5 * k, 0};
  s.max_grid_swing_w = 100 - k;  // larger at the first site
  s.longest_overload_s = k;      // larger at the second
  s.breaker_trips = static_cast<int>(k);
  s.reserve_assessed = k > 1;
  s.reserve_short_s = 60 * k;
  s.training_completed = static_cast<int>(k);
  s.mean_slowdown = 1 + k / 10;
  s.mean_completion_h = 10 * k;
  s.series.resize(3);
  return s;
}

TEST(SiteResultMerge, SumsMaximaAndJobWeightedMeans) {
  const sim::SiteResult a = SiteFilledWith(1), b = SiteFilledWith(3);
  sim::SiteResult t;
  t.name = "fleet";
  t.Merge(a);
  t.Merge(b);
  EXPECT_EQ(t.name, "fleet");
  EXPECT_TRUE(t.series.empty());
  EXPECT_DOUBLE_EQ(t.energy.grid_import_j, 40);
  EXPECT_DOUBLE_EQ(t.energy.diesel_j, 8);
  EXPECT_DOUBLE_EQ(t.fuel_cost_usd, 12);
  EXPECT_DOUBLE_EQ(t.useful_gpu_s[3], 16);
  EXPECT_DOUBLE_EQ(t.control_cost_gpu_s[2], 20);
  EXPECT_DOUBLE_EQ(t.max_grid_swing_w, 99);
  EXPECT_DOUBLE_EQ(t.longest_overload_s, 3);
  EXPECT_EQ(t.breaker_trips, 4);
  EXPECT_TRUE(t.reserve_assessed);
  EXPECT_EQ(t.training_completed, 4);
  // (1 × 1.1 + 3 × 1.3) / 4 and (1 × 10 + 3 × 30) / 4.
  EXPECT_DOUBLE_EQ(t.mean_slowdown, 1.25);
  EXPECT_DOUBLE_EQ(t.mean_completion_h, 25);
}

TEST(SiteResultMerge, OneSiteIsItsOwnTotal) {
  sim::Result r;
  r.sites.push_back(SiteFilledWith(7));
  const sim::SiteResult t = report::FleetTotals(r);
  const sim::SiteResult& s = r.sites[0];
  EXPECT_EQ(t.energy.grid_import_j, s.energy.grid_import_j);
  EXPECT_EQ(t.mean_slowdown, s.mean_slowdown);  // exactly: no re-weighting of a single site
  EXPECT_EQ(t.mean_completion_h, s.mean_completion_h);
  EXPECT_EQ(t.reserve_short_s, s.reserve_short_s);
  EXPECT_EQ(t.training_completed, s.training_completed);
}

// ------------------------------------------------------------------------------------------------
// 4. The fleet's 95th-percentile slowdown is taken over all its jobs, not the worst site's.
//
// Site A: 100 jobs at slowdown 1.0 (its p95: 1.0). Site B: one job at 5.0 (its p95: 5.0). The
// fleet's 101 jobs, ascending, hold 1.0 at ranks 0..99: the 95th percentile (index
// ⌊0.95 × 101⌋ = 95) is 1.0. The old maximum of the sites' p95s said 5.0.
TEST(FleetSlowdown, Percentile95OverAllJobs) {
  sim::Result r;
  r.sites.resize(2);
  r.sites[0].slowdowns.assign(100, 1.0);
  r.sites[0].training_completed = 100;
  r.sites[0].mean_slowdown = 1.0;
  r.sites[0].p95_slowdown = 1.0;
  r.sites[1].slowdowns = {5.0};
  r.sites[1].training_completed = 1;
  r.sites[1].mean_slowdown = 5.0;
  r.sites[1].p95_slowdown = 5.0;
  const sim::SiteResult t = report::FleetTotals(r);
  EXPECT_EQ(t.slowdowns.size(), 101u);
  EXPECT_TRUE(std::is_sorted(t.slowdowns.begin(), t.slowdowns.end()));
  EXPECT_DOUBLE_EQ(t.p95_slowdown, 1.0);
  EXPECT_DOUBLE_EQ(t.mean_slowdown, 105.0 / 101);
  // With 20 jobs at 2.0 at site B instead, ranks 100..119 of 120 hold 2.0: index 114 → 2.0.
  r.sites[1].slowdowns.assign(20, 2.0);
  r.sites[1].training_completed = 20;
  r.sites[1].mean_slowdown = 2.0;
  EXPECT_DOUBLE_EQ(report::FleetTotals(r).p95_slowdown, 2.0);
  EXPECT_EQ(sim::Percentile95({}), 0);
  EXPECT_EQ(sim::Percentile95({3.0}), 3.0);
}

// The engine hands each site's samples over, ascending, one per completed training/batch job.
// Four 1-hour jobs of 8 GPUs on one rack of 8 run one after another, so their slowdowns grow
// by about one each (the k-th waits for k - 1 others).
TEST(FleetSlowdown, EngineKeepsEachSitesSamples) {
  const std::string yaml = R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W}
sites:
  - name: s
    kind: owned
    grid: {import_limit: 1 MW}
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - {rack: K, rating: 100 kW, gpus: 8, gpu: G}
workloads:
  jobs:
    - {name: a, kind: training, site: s, gpus: 8, duration: 1 h}
    - {name: b, kind: training, site: s, gpus: 8, duration: 1 h}
    - {name: c, kind: training, site: s, gpus: 8, duration: 1 h}
    - {name: d, kind: training, site: s, gpus: 8, duration: 1 h}
)";
  const sim::Result r = RunFleet(yaml, "unmanaged", std::chrono::hours(24));
  ASSERT_EQ(r.sites.size(), 1u);
  const sim::SiteResult& s = r.sites[0];
  ASSERT_EQ(s.slowdowns.size(), 4u);
  EXPECT_EQ(s.training_completed, 4);
  EXPECT_TRUE(std::is_sorted(s.slowdowns.begin(), s.slowdowns.end()));
  for (size_t k = 0; k < 4; ++k) EXPECT_NEAR(s.slowdowns[k], k + 1.0, 0.5) << k;
  EXPECT_EQ(s.p95_slowdown, s.slowdowns[3]);  // index min(3, ⌊0.95 × 4⌋ = 3)
}

// ------------------------------------------------------------------------------------------------
// 5. Fleet "fast reserve short" hours: when any site was short, not the sum over sites.
Time AtHours(double h) { return Time{FromSeconds(h * 3600)}; }

TEST(ReserveShort, UnionOfIntervals) {
  using I = sim::TimeInterval;
  const std::vector<I> a = {{AtHours(1), AtHours(3)}, {AtHours(6), AtHours(7)}};
  const std::vector<I> b = {
      {AtHours(0), AtHours(0.5)}, {AtHours(2), AtHours(5)}, {AtHours(7), AtHours(8)}};
  const std::vector<I> expected = {
      {AtHours(0), AtHours(0.5)}, {AtHours(1), AtHours(5)}, {AtHours(6), AtHours(8)}};
  EXPECT_EQ(sim::UnionOfIntervals(a, b), expected);
  EXPECT_EQ(sim::UnionOfIntervals(b, a), expected);
  EXPECT_EQ(sim::UnionOfIntervals(a, {}), a);
  std::vector<I> appended;
  sim::AppendInterval(&appended, AtHours(1), AtHours(2));
  sim::AppendInterval(&appended, AtHours(2), AtHours(3));  // touches: extends
  sim::AppendInterval(&appended, AtHours(4), AtHours(4));  // empty: ignored
  sim::AppendInterval(&appended, AtHours(5), AtHours(6));
  EXPECT_EQ(appended, (std::vector<I>{{AtHours(1), AtHours(3)}, {AtHours(5), AtHours(6)}}));
}

TEST(ReserveShort, FleetCountsTimeAnySiteWasShort) {
  // Site A short over [1 h, 3 h), site B over [2 h, 5 h): 2 + 3 = 5 site-hours, but the fleet
  // was short (some site was) for the 4 hours of [1 h, 5 h).
  sim::Result r;
  r.sites.resize(2);
  r.sites[0].reserve_assessed = r.sites[1].reserve_assessed = true;
  r.sites[0].reserve_short_intervals = {{AtHours(1), AtHours(3)}};
  r.sites[0].reserve_short_s = 2 * 3600;
  r.sites[1].reserve_short_intervals = {{AtHours(2), AtHours(5)}};
  r.sites[1].reserve_short_s = 3 * 3600;
  const sim::SiteResult t = report::FleetTotals(r);
  EXPECT_DOUBLE_EQ(t.reserve_short_s, 4 * 3600);
  ASSERT_EQ(t.reserve_short_intervals.size(), 1u);
  EXPECT_EQ(t.reserve_short_intervals[0].begin, AtHours(1));
  EXPECT_EQ(t.reserve_short_intervals[0].end, AtHours(5));
}

// A controller that reports its reserve short over [1 h, 2 h) and [3 h, 4.5 h) and covered
// otherwise, waking at each boundary: the engine's ledger must record exactly those intervals.
class ScriptedReserveController : public control::SiteController {
 public:
  void Decide(const control::SiteTelemetry& t, control::Decision* out) override {
    const Time marks[] = {AtHours(1), AtHours(2), AtHours(3), AtHours(4.5)};
    const bool is_short =
        (t.now >= marks[0] && t.now < marks[1]) || (t.now >= marks[2] && t.now < marks[3]);
    out->reserve_short_w = is_short ? 5e6 : 0;
    out->next_wake = kTimeNever;
    for (Time m : marks) {
      if (m > t.now) {
        out->next_wake = m;
        break;
      }
    }
  }
};

TEST(ReserveShort, LedgerRecordsTheIntervals) {
  absl::StatusOr<model::Fleet> fleet = config::LoadFleetFromString(kIsland, "fixes.yaml");
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  fleet->events.clear();
  control::Strategy strategy;
  strategy.name = "scripted-reserve";
  strategy.make =
      [](const control::SiteConfig&,
         const control::ControllerOptions&) -> std::unique_ptr<control::SiteController> {
    return std::make_unique<ScriptedReserveController>();
  };
  sim::Options o;
  o.horizon = std::chrono::hours(6);
  const sim::Result r = sim::Simulate(*fleet, strategy, o);
  ASSERT_EQ(r.sites.size(), 1u);
  const sim::SiteResult& s = r.sites[0];
  const std::vector<sim::TimeInterval> expected = {{AtHours(1), AtHours(2)},
                                                   {AtHours(3), AtHours(4.5)}};
  EXPECT_EQ(s.reserve_short_intervals, expected);
  EXPECT_DOUBLE_EQ(s.reserve_short_s, 2.5 * 3600);
  EXPECT_DOUBLE_EQ(s.max_reserve_short_w, 5e6);
}

// ------------------------------------------------------------------------------------------------
// 7. Jobs that fit no site are errors at their own line; racks that can overload their node are
// warnings with the figures.
//
// Two sites of 256 GPUs each: "a" has 256 G, "b" has 128 G and 128 H (another model).
std::string TwoSites(const std::string& job) {
  return R"(gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 100 W}
  - {name: H, tdp: 1000 W, cap_min: 200 W, cap_max: 900 W, idle: 100 W, host: 50 W}
sites:
  - name: a
    kind: owned
    grid: {import_limit: 10 MW}
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - {rack: K, count: 4, rating: 100 kW, gpus: 64, gpu: G}
  - name: b
    kind: owned
    grid: {import_limit: 10 MW}
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - {rack: K, count: 2, rating: 100 kW, gpus: 64, gpu: G}
          - {rack: L, count: 2, rating: 100 kW, gpus: 64, gpu: H}
workloads:
  jobs:
    - {name: ok, kind: training, gpus: 256, duration: 1 h}
)" + job;
}

std::string LoadError(const std::string& yaml) {
  absl::StatusOr<model::Fleet> fleet = config::LoadFleetFromString(yaml, "jobs.yaml");
  return fleet.ok() ? std::string("(loaded)") : std::string(fleet.status().message());
}

TEST(JobsThatFitNoSite, ValidFleetLoads) { EXPECT_EQ(LoadError(TwoSites("")), "(loaded)"); }

TEST(JobsThatFitNoSite, MoreGpusThanAnySiteHasIsAnErrorAtTheJobsLine) {
  // 400 GPUs: the fleet has 512, but no site more than 256 of one model. Line 25, column 7.
  const std::string e =
      LoadError(TwoSites("    - {name: big, kind: training, gpus: 400, duration: 1 h}\n"));
  EXPECT_EQ(e,
            "jobs.yaml:25:7: workloads.jobs[1].gpus: job big needs 400 GPUs but its site(s) have "
            "256 that fit (a job runs whole, at one site, on one GPU model), so it would never "
            "run; valid: 1 to 256 (G at site a)");
}

TEST(JobsThatFitNoSite, OneModelAtOneSite) {
  // At site b only 128 GPUs are of one model: 200 fit neither G nor H there.
  const std::string e = LoadError(
      TwoSites("    - {name: mixed, kind: training, site: b, gpus: 200, duration: 1 h}\n"));
  EXPECT_NE(e.find("jobs.yaml:25:7: workloads.jobs[1].gpus: job mixed needs 200 GPUs"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("valid: 1 to 128 (G at site b)"), std::string::npos) << e;
  // Asking for H, 129 do not fit either; 128 do.
  EXPECT_NE(
      LoadError(TwoSites("    - {name: h, kind: training, gpu: H, gpus: 129, duration: 1 h}\n"))
          .find("valid: 1 to 128 (H at site b)"),
      std::string::npos);
  EXPECT_EQ(
      LoadError(TwoSites("    - {name: h, kind: training, gpu: H, gpus: 128, duration: 1 h}\n")),
      "(loaded)");
}

TEST(JobsThatFitNoSite, AModelNoAllowedSiteHas) {
  const std::string e = LoadError(
      TwoSites("    - {name: h, kind: training, site: a, gpu: H, gpus: 8, duration: 1 h}\n"));
  EXPECT_EQ(e,
            "jobs.yaml:25:7: workloads.jobs[1].gpu: job h asks for GPU model H, which site a does "
            "not have, so it would never run; valid: a model its site(s) have (a: 256 G)");
}

TEST(NodesOverratedAtFullLoad, NamesTheNodeAndTheFigures) {
  // Site a: 4 racks × 64 G at 1,000 W + 100 W host = 70.4 kW each, 281.6 kW in all. Rate the
  // racks at 70 kW (100.6%) and the feed at 250 kW (112.6%); site b is within its ratings.
  std::string yaml = TwoSites("");
  yaml.replace(yaml.find("rating: 1 MW"), 12, "rating: 250 kW");
  yaml.replace(yaml.find("rating: 100 kW"), 14, "rating: 70 kW");
  absl::StatusOr<model::Fleet> fleet = config::LoadFleetFromString(yaml, "nodes.yaml");
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  const std::vector<double> full = config::FullLoadItW(*fleet, fleet->sites[0]);
  EXPECT_DOUBLE_EQ(full[0], 4 * 64 * 1100.0);
  const std::vector<std::string> w = config::NodesOverratedAtFullLoad(*fleet);
  ASSERT_EQ(w.size(), 5u);  // the feed and its four racks
  EXPECT_EQ(w[0],
            "site a: feed F is rated 250 kW but the racks below it draw 281.6 kW at full load "
            "(every GPU at its maximum cap plus host power): 113% of its rating; a controller "
            "must cap them or its breaker trips");
  EXPECT_NE(w[1].find("rack F/K1 is rated 70 kW but the racks below it draw 70.4 kW at full load "
                      "(every GPU at its maximum cap plus host power): 101%"),
            std::string::npos)
      << w[1];
}

}  // namespace
}  // namespace headroom

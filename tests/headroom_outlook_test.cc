// The Headroom controller's outlook for the global scheduler (control::Decision::move_away_w,
// short_until, forecast_spare_w) on controller_site.h's site (ten training jobs of 8 GPUs at
// 1,000 W each, PUE 1.25: 100 kW of facility demand), each against a figure worked by hand, and
// invariants of the forecast over random announced events.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "control/contract.h"
#include "control/headroom.h"
#include "control/reference.h"
#include "controller_site.h"

namespace headroom {
namespace {

using control::Action;
using control::Announcement;
using control::Decision;
using control::JobState;
using controller_site::Count;
using controller_site::FleetYaml;
using controller_site::kNoMargin;
using controller_site::Site;
using model::EventKind;
using std::chrono::hours;
using std::chrono::minutes;

constexpr double kInf = std::numeric_limits<double>::infinity();
const Time kNow = Time{} + hours(100);

// A grid of 1 MW (reconnecting 5 minutes after an outage, the default), two 10 kW turbine units
// and a battery of 100 kWh and 20 kW with no losses, 10% above its 10% floor kept for
// contingencies; a 10% rating margin.
const std::string kPlant = R"(    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz}
    plants:
      - name: p
        units: {count: 2, rating: 10 kW, min_load: 0 W}
    battery: {energy: 100 kWh, power: 20 kW, round_trip_efficiency: 100%, soc_min: 10%,
              soc_max: 100%, soc_initial: 60%})";
const std::string kMargin = "rating_margin: 10%";

Announcement Event(EventKind kind, Duration from_now, Duration length, double value = 0) {
  Announcement a;
  a.kind = kind;
  a.announced_at = kNow - hours(1);
  a.start = kNow + from_now;
  a.end = a.start + length;
  a.value = value;
  a.plant = kind == EventKind::kFuelCurtailment || kind == EventKind::kTurbineTrip ? 0 : -1;
  return a;
}

control::SiteTelemetry PlantTelemetry(Site& site) {
  control::SiteTelemetry t = site.Telemetry(kNow);
  t.has_battery = true;
  t.battery_soc = 0.6;
  t.solar_w = 5e3;  // shining now: counted for an event in progress, not for one ahead
  return t;
}

Decision DecideOnce(const Site& site, const control::SiteTelemetry& t) {
  control::HeadroomController c(site.config(), site.fleet().control);
  Decision d;
  c.Decide(t, &d);
  EXPECT_TRUE(control::CheckDecision(t, d).empty());
  return d;
}

// An outage announced 6 h ahead, lasting 3 h 55 min: with the reconnect delay the grid is away
// for 4 h = 14,400 s. Solar is not counted (it may be night then); the turbines give their
// ratings, 2 x 10 kW = 20 kW; the battery's usable energy, (60% - 10% floor - 10% contingency) x
// 100 kWh = 40 kWh = 144 MJ, spread over 14,400 s is 10 kW, under 95% of its 20 kW. Supply:
// (20 + 10) kW x (1 - 10%) = 27 kW of facility power against the 100 kW the jobs draw at full:
// (27 - 100) kW / 1.25 = -58.4 kW at the GPUs, short until 6 h + 4 h = 10 h from now. The site
// runs everything now, so it asks for nothing to move yet.
TEST(HeadroomOutlook, OutageSixHoursAheadGivesTheForecastWorkedByHand) {
  Site site(FleetYaml(kPlant, kMargin));
  control::SiteTelemetry t = PlantTelemetry(site);
  t.announced = {Event(EventKind::kGridOutage, hours(6), hours(4) - minutes(5))};
  const Decision d = DecideOnce(site, t);
  EXPECT_NEAR(d.forecast_spare_w, -58.4e3, 1e-6);
  EXPECT_EQ(d.short_until, kNow + hours(10));
  EXPECT_EQ(d.move_away_w, 0);
  EXPECT_EQ(Count(d, Action::Kind::kPause), 0);

  // A fuel curtailment to half from 5 h to 7 h overlaps the outage's start: at 6 h the turbines
  // give 2 x 5 kW, so (10 + 10) kW x 0.9 = 18 kW, (18 - 100) / 1.25 = -65.6 kW. At 5 h, with the
  // grid there, the site has ample spare; an outage 30 h ahead is beyond the 24 h window.
  t.announced = {Event(EventKind::kFuelCurtailment, hours(5), hours(2), 0.5),
                 Event(EventKind::kGridOutage, hours(6), hours(4) - minutes(5)),
                 Event(EventKind::kGridOutage, hours(30), hours(40))};
  const Decision d2 = DecideOnce(site, t);
  EXPECT_NEAR(d2.forecast_spare_w, -65.6e3, 1e-6);
  EXPECT_EQ(d2.short_until, kNow + hours(10));

  // The same outage with a grid that could carry it all: ample spare, not short. The lowest
  // spare is at the curtailment's start: (1 MW + 2 x 5 kW) x 0.9 - 100 kW, over 1.25.
  t.announced = {Event(EventKind::kFuelCurtailment, hours(5), hours(2), 0.5)};
  const Decision d3 = DecideOnce(site, t);
  EXPECT_NEAR(d3.forecast_spare_w, (1010e3 * 0.9 - 100e3) / 1.25, 1e-6);
  EXPECT_EQ(d3.short_until, kTimeZero);

  // Only the outage beyond the window: no forecast.
  t.announced = {Event(EventKind::kGridOutage, hours(30), hours(40))};
  const Decision d4 = DecideOnce(site, t);
  EXPECT_EQ(d4.forecast_spare_w, kInf);
  EXPECT_EQ(d4.short_until, kTimeZero);
}

// Nothing announced and nothing paused: the defaults.
TEST(HeadroomOutlook, NothingAnnouncedAndNoPauseGivesTheDefaults) {
  Site site(FleetYaml(kPlant, kMargin));
  const Decision d = DecideOnce(site, PlantTelemetry(site));
  EXPECT_EQ(d.move_away_w, 0);
  EXPECT_EQ(d.short_until, kTimeZero);
  EXPECT_EQ(d.forecast_spare_w, kInf);
}

// The reference strategies ask the scheduler for nothing, announced outage or not.
TEST(HeadroomOutlook, ReferenceStrategiesLeaveTheDefaults) {
  Site site(FleetYaml(kPlant, kMargin));
  control::SiteTelemetry t = PlantTelemetry(site);
  t.announced = {Event(EventKind::kGridOutage, hours(6), hours(4))};
  t.import_limit_w = 10e3;  // short now too
  for (const control::Strategy& s : control::ReferenceStrategies()) {
    SCOPED_TRACE(s.name);
    const auto c = s.make(site.config(), site.fleet().control);
    Decision d;
    c->Decide(t, &d);
    EXPECT_EQ(d.move_away_w, 0);
    EXPECT_EQ(d.short_until, kTimeZero);
    EXPECT_EQ(d.forecast_spare_w, kInf);
  }
}

// A 14.5 kW grid and nothing else: at their minimum cap the jobs draw 10 x 8 x 200 W x 1.25 =
// 20 kW; each pause takes a job's GPUs to their 100 W idle and sheds 8 x 100 W x 1.25 = 1 kW,
// so six jobs pause (the first six in shedding order: equal jobs go by id). The scheduler is
// asked to take their full draw, 6 x 8 GPUs x 1,000 W = 48 kW, and keeps being asked while the
// plan holds them paused. Nothing announced: short until when is unknown.
TEST(HeadroomOutlook, PausesAskTheSchedulerToMoveTheirFullDraw) {
  Site site(FleetYaml("    grid: {import_limit: 14.5 kW, nominal_frequency: 60 Hz}", kNoMargin));
  control::HeadroomController c(site.config(), site.fleet().control);
  Decision d;
  c.Decide(site.Telemetry(kNow), &d);
  ASSERT_EQ(Count(d, Action::Kind::kPause), 6);
  EXPECT_NEAR(d.move_away_w, 48e3, 1e-9);
  EXPECT_EQ(d.short_until, kTimeZero);
  EXPECT_EQ(d.forecast_spare_w, kInf);
  site.Apply(d);
  int paused = 0;
  for (size_t i = 0; i < site.jobs(); ++i) paused += site.view(i).state == JobState::kPaused;
  ASSERT_EQ(paused, 6);
  for (const Duration later : {std::chrono::seconds(1), std::chrono::seconds(30)}) {
    Decision held;
    c.Decide(site.Telemetry(kNow + later), &held);
    EXPECT_EQ(Count(held, Action::Kind::kPause), 0);
    EXPECT_EQ(Count(held, Action::Kind::kResume), 0);
    EXPECT_NEAR(held.move_away_w, 48e3, 1e-9);
  }
  // The supply back: the plan resumes them (after the restore hold) and asks for nothing.
  Site ample(FleetYaml(kPlant, kNoMargin));
  control::HeadroomController c2(ample.config(), ample.fleet().control);
  for (size_t i = 0; i < 6; ++i) {
    ample.view(i).state = JobState::kPaused;
    ample.SetCap(i, 1000);
  }
  Decision resumed;
  c2.Decide(ample.Telemetry(kNow), &resumed);
  EXPECT_EQ(resumed.move_away_w, 0);
}

// A demand-response window in progress (import capped at 14.5 kW for 2 h more) at a site with
// the grid alone: the budget is the window's, the same six jobs pause, and the site is short
// until the window ends. Forecast: (14.5 - 100) kW / 1.25 = -68.4 kW.
TEST(HeadroomOutlook, AnnouncedWindowInProgressSetsShortUntil) {
  Site site(FleetYaml("    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz}", kNoMargin));
  control::SiteTelemetry t = site.Telemetry(kNow);
  t.announced = {Event(EventKind::kImportLimit, -minutes(1), hours(2) + minutes(1), 14.5e3)};
  const Decision d = DecideOnce(site, t);
  EXPECT_EQ(Count(d, Action::Kind::kPause), 6);
  EXPECT_NEAR(d.move_away_w, 48e3, 1e-9);
  EXPECT_NEAR(d.forecast_spare_w, -68.4e3, 1e-6);
  EXPECT_EQ(d.short_until, kNow + hours(2));
}

// The same window at the site with turbines and a battery, forecast: the sun counts now, 5 kW;
// the battery's 144 MJ spread over the 2 h left is 20 kW, held to 95% of its power, 19 kW; the
// turbines give 2 x 10 kW: (5 + 14.5 + 19 + 20) kW x 0.9 = 52.65 kW, (52.65 - 100) / 1.25 =
// -37.88 kW.
TEST(HeadroomOutlook, WindowInProgressCountsTheSunAndTheBattery) {
  Site site(FleetYaml(kPlant, kMargin));
  control::SiteTelemetry t = PlantTelemetry(site);
  t.announced = {Event(EventKind::kImportLimit, -minutes(1), hours(2) + minutes(1), 14.5e3)};
  const Decision d = DecideOnce(site, t);
  EXPECT_NEAR(d.forecast_spare_w, -37.88e3, 1e-6);
  EXPECT_EQ(d.short_until, kNow + hours(2));
  // Whatever the ladder pauses now, the request is their full draw.
  EXPECT_NEAR(d.move_away_w, Count(d, Action::Kind::kPause) * 8 * 1000.0, 1e-9);
}

// Invariants over random announced outages, curtailments and unit trips (on a site whose grid
// exceeds its battery's power, so that losing the grid never adds supply): the decision holds the
// contract; the forecast is +inf exactly when no supply event starts within 24 h, and never above
// the spare with nothing announced; an event more never raises it; short_until is set exactly
// when the forecast (or a request) says the site is short, and is the end of an event then.
TEST(HeadroomOutlook, ForecastInvariantsOverRandomEvents) {
  Site site(FleetYaml(kPlant, kMargin));
  const double no_event_spare = ((1e6 + 20e3) * 0.9 - 100e3) / 1.25;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    auto uniform = [&](double lo, double hi) {
      return std::uniform_real_distribution<double>(lo, hi)(rng);
    };
    const int n = static_cast<int>(rng() % 5);
    std::vector<Announcement> events;
    for (int k = 0; k <= n; ++k) {
      const auto kind = std::vector<EventKind>{EventKind::kGridOutage, EventKind::kFuelCurtailment,
                                               EventKind::kTurbineTrip}[rng() % 3];
      const Duration from = std::chrono::duration_cast<Duration>(
          std::chrono::duration<double, std::ratio<3600>>(uniform(-2, 30)));
      const Duration length = std::chrono::duration_cast<Duration>(
          std::chrono::duration<double, std::ratio<3600>>(uniform(0.1, 12)));
      Announcement a = Event(kind, from, length, uniform(0, 1));
      if (kind == EventKind::kTurbineTrip) a.unit = static_cast<int>(rng() % 3) - 1;
      if (a.end > kNow) events.push_back(a);
    }
    std::sort(events.begin(), events.end(),
              [](const Announcement& a, const Announcement& b) { return a.start < b.start; });
    if (events.empty()) continue;
    control::SiteTelemetry t = PlantTelemetry(site);
    t.battery_soc = uniform(0, 1);
    t.announced.assign(events.begin(), events.end() - 1);
    const Decision before = DecideOnce(site, t);
    t.announced = events;
    const Decision d = DecideOnce(site, t);
    bool within = false;
    Time latest_end = kTimeZero;
    for (const Announcement& a : events) {
      within = within || a.start - kNow <= control::kForecastWindow;
      latest_end = std::max(latest_end, a.end + minutes(5));
    }
    EXPECT_EQ(std::isinf(d.forecast_spare_w), !within);
    if (within) {
      EXPECT_LE(d.forecast_spare_w, no_event_spare + 1e-6);
    }
    EXPECT_LE(d.forecast_spare_w, before.forecast_spare_w + 1e-6);
    if (d.forecast_spare_w < 0) {
      EXPECT_NE(d.short_until, kTimeZero);
    } else if (d.move_away_w == 0) {
      EXPECT_EQ(d.short_until, kTimeZero);
    }
    if (d.short_until != kTimeZero) {
      EXPECT_GT(d.short_until, kNow);
      EXPECT_LE(d.short_until, latest_end);
      bool is_an_end = false;
      for (const Announcement& a : events) {
        is_an_end = is_an_end || d.short_until == a.end || d.short_until == a.end + minutes(5);
      }
      EXPECT_TRUE(is_an_end);
    }
  }
}

}  // namespace
}  // namespace headroom

// Issue #8, riding through what real grids do: the rules and fixes, each with a case that failed
// before it. Grid codes: the default protection band follows the grid's nominal frequency.

#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"

namespace headroom {
namespace {

std::string Fleet(const std::string& grid) {
  return R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W}
sites:
  - name: s
    kind: owned
    grid: )" +
         grid + R"(
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - {rack: K, count: 2, rating: 100 kW, gpus: 8, gpu: G}
)";
}

absl::StatusOr<model::Fleet> Load(const std::string& grid) {
  return config::LoadFleetFromString(Fleet(grid), "grid.yaml");
}

// A 50 Hz site defaults to the EU Demand Connection Code's band (stay connected 47.5-51.5 Hz),
// not 0.7 Hz below nominal (49.3 Hz, which would disconnect it in excursions the code requires
// it to ride through); a 60 Hz site keeps 59.3-60.5 Hz.
TEST(GridCode, DefaultBandFollowsTheNominalFrequency) {
  auto f50 = Load("{import_limit: 1 MW, nominal_frequency: 50 Hz}");
  ASSERT_TRUE(f50.ok()) << f50.status();
  EXPECT_DOUBLE_EQ(f50->sites[0].grid.trip_below_hz, 47.5);
  EXPECT_DOUBLE_EQ(f50->sites[0].grid.trip_above_hz, 51.5);
  auto f60 = Load("{import_limit: 1 MW}");
  ASSERT_TRUE(f60.ok()) << f60.status();
  EXPECT_DOUBLE_EQ(f60->sites[0].grid.trip_below_hz, 59.3);
  EXPECT_DOUBLE_EQ(f60->sites[0].grid.trip_above_hz, 60.5);
}

TEST(GridCode, NamedInTheFileAndOverriddenByAnExplicitBand) {
  auto legacy = Load("{import_limit: 1 MW, nominal_frequency: 50 Hz, grid_code: legacy}");
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_NEAR(legacy->sites[0].grid.trip_below_hz, 49.3, 1e-12);
  auto own = Load(
      "{import_limit: 1 MW, nominal_frequency: 50 Hz, grid_code: eu-dcc,\n"
      "           frequency_trip: {below: 48 Hz}}");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_DOUBLE_EQ(own->sites[0].grid.trip_below_hz, 48);
  EXPECT_DOUBLE_EQ(own->sites[0].grid.trip_above_hz, 51.5);
}

TEST(GridCode, RejectedWhereItDoesNotApply) {
  auto wrong = Load("{import_limit: 1 MW, grid_code: eu-dcc}");
  ASSERT_FALSE(wrong.ok());
  const std::string m(wrong.status().message());
  EXPECT_NE(m.find("grid.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("grid_code"), std::string::npos) << m;
  EXPECT_NE(m.find("50 Hz"), std::string::npos) << m;
  auto typo = Load("{import_limit: 1 MW, grid_code: eu-dc}");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(std::string(typo.status().message()).find("eu-dcc"), std::string::npos);
}

// The loss of the largest single turbine unit (N-1 at unit level) is a contingency a site can
// declare; a site without a gas plant cannot.
TEST(Contingencies, LargestUnitNeedsAPlant) {
  const std::string plant =
      "\n    plants:\n      - name: gt\n        units: {count: 2, rating: 10 MW}"
      "\n    contingencies: [grid, largest_unit]";
  auto ok = Load("{import_limit: 1 MW}" + plant);
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->sites[0].contingencies.size(), 2u);
  EXPECT_EQ(ok->sites[0].contingencies[1].kind, model::Contingency::Kind::kUnit);
  std::string doubled = plant;
  doubled.replace(doubled.rfind(']'), 1, ", largest_unit]");
  auto twice = Load("{import_limit: 1 MW}" + doubled);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(std::string(twice.status().message()).find("listed twice"), std::string::npos)
      << twice.status();
  auto none = Load("{import_limit: 1 MW}\n    contingencies: [largest_unit]");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string(none.status().message()).find("no gas plant"), std::string::npos)
      << none.status();
}

// Fuel curtailment: a plant's fuel cut to a fraction of full burn for a while; malformed ones
// say what is wrong.
TEST(Events, FuelCurtailmentIsReadAndCheckedWhenMalformed) {
  const std::string plant =
      "\n    plants:\n      - name: gt\n        units: {count: 2, rating: 10 MW}\n";
  auto with = [&](const std::string& event) {
    return config::LoadFleetFromString(
        Fleet("{import_limit: 1 MW}" + plant) + "events:\n  - " + event + "\n", "grid.yaml");
  };
  auto ok = with(
      "{kind: fuel_curtailment, site: s, plant: gt, at: 2 h, duration: 6 h, "
      "available: 40%}");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->events.size(), 1u);
  EXPECT_EQ(ok->events[0].kind, model::EventKind::kFuelCurtailment);
  EXPECT_EQ(ok->events[0].plant, 0);
  EXPECT_DOUBLE_EQ(ok->events[0].magnitude, 0.4);
  EXPECT_EQ(ok->events[0].duration, std::chrono::hours(6));
  auto missing = with("{kind: fuel_curtailment, site: s, plant: gt, at: 2 h, duration: 6 h}");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(missing.status().message()).find("available"), std::string::npos);
  auto plant_typo =
      with("{kind: fuel_curtailment, site: s, plant: gtx, at: 2 h, duration: 6 h, available: 0%}");
  ASSERT_FALSE(plant_typo.ok());
  EXPECT_NE(std::string(plant_typo.status().message()).find("plants: gt"), std::string::npos);
  auto over =
      with("{kind: fuel_curtailment, site: s, plant: gt, at: 2 h, duration: 6 h, available: 140%}");
  ASSERT_FALSE(over.ok());
}

// Advance notice: read on the kinds an operator, a utility or a supplier can announce; refused
// on those that come unannounced (a sag) and when malformed.
TEST(Events, NoticeIsReadWhereItAppliesAndRefusedElsewhere) {
  auto with = [&](const std::string& event) {
    return config::LoadFleetFromString(
        Fleet("{import_limit: 1 MW}") + "events:\n  - " + event + "\n", "grid.yaml");
  };
  auto ok = with("{kind: grid_outage, site: s, at: 2 d, duration: 6 h, notice: 24 h}");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->events[0].notice, std::chrono::hours(24));
  auto none = with("{kind: grid_outage, site: s, at: 2 d, duration: 6 h}");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->events[0].notice, Duration{0});
  auto sag = with(
      "{kind: voltage_sag, site: s, at: 2 d, duration: 100 ms, voltage: 50%, "
      "notice: 1 h}");
  ASSERT_FALSE(sag.ok());
  const std::string m(sag.status().message());
  EXPECT_NE(m.find("grid.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("unannounced"), std::string::npos) << m;
  EXPECT_NE(m.find("grid_outage"), std::string::npos) << m;
  EXPECT_FALSE(with("{kind: grid_outage, site: s, at: 2 d, duration: 6 h, notice: -1 h}").ok());
  EXPECT_FALSE(with("{kind: grid_outage, site: s, at: 2 d, duration: 6 h, notice: 24}").ok());
  EXPECT_FALSE(with("{kind: grid_outage, site: s, at: 2 d, duration: 6 h, notice: 400 d}").ok());
}

// The catalogue's sourced ambient curve for gas turbines, by name; an unknown name is refused.
TEST(Plants, AmbientCurveFromTheCatalogue) {
  auto with = [&](const std::string& ambient) {
    return config::LoadFleetFromString(
        Fleet("{import_limit: 1 MW}\n    plants:\n      - name: gt\n        ambient: " + ambient +
              "\n        units: {count: 2, rating: 10 MW}"),
        "grid.yaml");
  };
  auto ok = with("iso-derate");
  ASSERT_TRUE(ok.ok()) << ok.status();
  const model::TurbinePlant& p = ok->sites[0].plants[0];
  EXPECT_NEAR(p.AmbientAt(15).output, 1.0, 1e-12);
  EXPECT_NEAR(p.AmbientAt(25).output, 1 - 0.092, 1e-12);  // 0.92% per C above ISO
  EXPECT_NEAR(p.AmbientAt(25).heat_rate, 1.01, 1e-12);
  EXPECT_NEAR(p.AmbientAt(-10).output, 1.0, 1e-12);  // no credit below ISO
  auto none = with("none");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->sites[0].plants[0].ambient.empty());
  auto typo = with("iso-derat");
  ASSERT_FALSE(typo.ok());
  const std::string m(typo.status().message());
  EXPECT_NE(m.find("iso-derate"), std::string::npos) << m;
  EXPECT_NE(m.find("grid.yaml:"), std::string::npos) << m;
}

}  // namespace
}  // namespace headroom

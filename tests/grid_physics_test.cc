// Issue #8, the grid events and plant physics the fleet file could not say: battery power in the
// cold, frequency ramps (a piecewise-linear trajectory with its rate of change), the RoCoF and
// vector-shift relays of on-site generation, and overvoltage. Each field and kind is read, and
// refused with a message naming the field and what is valid when malformed.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "config/loader.h"

namespace headroom {
namespace {

// A one-site fleet with a gas plant and a battery; `grid`, `plant` and `battery` are extra keys
// of each (inside their braces), `events` the list items.
std::string Fleet(const std::string& grid, const std::string& plant, const std::string& battery,
                  const std::string& events = "") {
  std::string y = R"(
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W}
sites:
  - name: s
    kind: owned
    grid: {import_limit: 1 MW, nominal_frequency: 50 Hz)" +
                  grid + R"(}
    plants:
      - {name: gt, units: {count: 2, rating: 10 MW})" +
                  plant + R"(}
    battery: {energy: 1 MWh, power: 1 MW)" +
                  battery + R"(}
    power_tree:
      - feed: F
        rating: 1 MW
        children:
          - {rack: K, count: 2, rating: 100 kW, gpus: 8, gpu: G}
)";
  if (!events.empty()) y += "events:\n" + events;
  return y;
}

absl::StatusOr<model::Fleet> Load(const std::string& yaml) {
  return config::LoadFleetFromString(yaml, "fleet.yaml");
}

// The error message of a fleet that must not load ("" if it loaded).
std::string Error(const std::string& yaml) {
  auto f = Load(yaml);
  return f.ok() ? "" : std::string(f.status().message());
}

TEST(GridPhysics, DefaultsAreG99RocofNoVectorShiftPrc024AndTheColdCurve) {
  auto f = Load(Fleet("", "", ""));
  ASSERT_TRUE(f.ok()) << f.status();
  const model::Site& s = f->sites[0];
  EXPECT_DOUBLE_EQ(s.plants[0].loss_of_mains.rocof_hz_per_s, 1.0);
  EXPECT_EQ(s.plants[0].loss_of_mains.rocof_delay, std::chrono::milliseconds(500));
  EXPECT_DOUBLE_EQ(s.plants[0].loss_of_mains.vector_shift_deg, 0);
  EXPECT_EQ(s.grid.frequency_trip_delay, Duration{0});
  ASSERT_EQ(s.grid.overvoltage.size(), 4u);
  EXPECT_DOUBLE_EQ(s.grid.overvoltage[1].voltage, 1.15);
  EXPECT_EQ(s.grid.overvoltage[1].hold, std::chrono::milliseconds(500));
  ASSERT_EQ(s.battery->cold.size(), 2u);
  EXPECT_DOUBLE_EQ(s.battery->PowerFractionAt(-25), 0.5);
}

TEST(GridPhysics, SettingsAreReadAndNoneTurnsThemOff) {
  auto f = Load(Fleet(
      ", frequency_trip_delay: 200 ms, overvoltage_trip: [{above: 110%, hold: 2 s}, "
      "{above: 130%, hold: 0 s}]",
      ", loss_of_mains: {rocof: 0.125 Hz/s, rocof_delay: 0 s, vector_shift: 6 deg, reset: 10 min}",
      ", cold: [{temperature: -10 C, power: 40%}, {temperature: 5 C, power: 100%}]"));
  ASSERT_TRUE(f.ok()) << f.status();
  const model::Site& s = f->sites[0];
  EXPECT_EQ(s.grid.frequency_trip_delay, std::chrono::milliseconds(200));
  ASSERT_EQ(s.grid.overvoltage.size(), 2u);
  EXPECT_DOUBLE_EQ(s.grid.overvoltage[0].voltage, 1.1);
  const model::LossOfMains& lom = s.plants[0].loss_of_mains;
  EXPECT_DOUBLE_EQ(lom.rocof_hz_per_s, 0.125);
  EXPECT_EQ(lom.rocof_delay, Duration{0});
  EXPECT_DOUBLE_EQ(lom.vector_shift_deg, 6);
  EXPECT_EQ(lom.reset, std::chrono::minutes(10));
  EXPECT_DOUBLE_EQ(s.battery->PowerFractionAt(-2.5), 0.7);

  auto none = Load(Fleet(", overvoltage_trip: none", ", loss_of_mains: none", ", cold: none"));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->sites[0].grid.overvoltage.empty());
  EXPECT_DOUBLE_EQ(none->sites[0].plants[0].loss_of_mains.rocof_hz_per_s, 0);
  EXPECT_TRUE(none->sites[0].battery->cold.empty());
  auto rocof_none = Load(Fleet("", ", loss_of_mains: {rocof: none, vector_shift: 12 deg}", ""));
  ASSERT_TRUE(rocof_none.ok()) << rocof_none.status();
  EXPECT_DOUBLE_EQ(rocof_none->sites[0].plants[0].loss_of_mains.rocof_hz_per_s, 0);
  EXPECT_DOUBLE_EQ(rocof_none->sites[0].plants[0].loss_of_mains.vector_shift_deg, 12);
}

TEST(GridPhysics, MalformedSettingsSayWhereAndWhatIsValid) {
  EXPECT_NE(Error(Fleet("", ", loss_of_mains: {rocof: 1 Hz}", ""))
                .find("sites[0].plants[0].loss_of_mains.rocof"),
            std::string::npos);
  EXPECT_NE(Error(Fleet("", ", loss_of_mains: {rocof: 0 Hz/s}", "")).find("must be between"),
            std::string::npos);
  EXPECT_NE(Error(Fleet("", ", loss_of_mains: {vector_shift: 200 deg}", "")).find("vector_shift"),
            std::string::npos);
  EXPECT_NE(Error(Fleet("", ", loss_of_mains: {rocof_dly: 1 s}", "")).find("did you mean"),
            std::string::npos);
  EXPECT_NE(Error(Fleet("", "",
                        ", cold: [{temperature: 0 C, power: 50%}, {temperature: -10 C, "
                        "power: 100%}]"))
                .find("increasing temperature"),
            std::string::npos);
  EXPECT_NE(Error(Fleet("", "", ", cold: [{temperature: 0 C, power: 150%}]")).find("cold[0].power"),
            std::string::npos);
  EXPECT_NE(Error(Fleet(", overvoltage_trip: [{above: 95%, hold: 1 s}]", "", ""))
                .find("above 100% of nominal"),
            std::string::npos);
  EXPECT_NE(Error(Fleet(", overvoltage_trip: [{above: 110%, hold: 1 s}, {above: 120%, hold: 2 s}]",
                        "", ""))
                .find("holds that do not grow"),
            std::string::npos);
  EXPECT_NE(Error(Fleet(", frequency_trip_delay: 2 min", "", "")).find("frequency_trip_delay"),
            std::string::npos);
}

TEST(GridPhysics, FrequencyRampsOvervoltagesAndPhaseJumpsAreReadAndChecked) {
  auto f = Load(Fleet("", "", "",
                      "  - {kind: frequency_ramp, site: s, at: 1 h, frequency: 49.1 Hz, "
                      "duration: 8 s, phase_jump: 8 deg}\n"
                      "  - {kind: overvoltage, site: s, at: 2 h, voltage: 115%, duration: 2 s}\n"
                      "  - {kind: voltage_sag, site: s, at: 3 h, voltage: 60%, duration: 100 ms, "
                      "phase_jump: 20 deg}\n"));
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->events.size(), 3u);
  EXPECT_EQ(f->events[0].kind, model::EventKind::kFrequencyRamp);
  EXPECT_DOUBLE_EQ(f->events[0].magnitude, 49.1);
  EXPECT_EQ(f->events[0].duration, std::chrono::seconds(8));
  EXPECT_DOUBLE_EQ(f->events[0].phase_jump_deg, 8);
  EXPECT_EQ(f->events[1].kind, model::EventKind::kOvervoltage);
  EXPECT_DOUBLE_EQ(f->events[1].magnitude, 1.15);
  EXPECT_DOUBLE_EQ(f->events[2].phase_jump_deg, 20);

  auto ev = [](const std::string& e) { return Error(Fleet("", "", "", "  - " + e + "\n")); };
  EXPECT_NE(ev("{kind: overvoltage, site: s, at: 1 h, voltage: 90%, duration: 1 s}")
                .find("a dip below is a voltage_sag"),
            std::string::npos);
  EXPECT_NE(ev("{kind: overvoltage, site: s, at: 1 h, voltage: 250%, duration: 1 s}")
                .find("events[0].voltage"),
            std::string::npos);
  EXPECT_NE(ev("{kind: frequency_ramp, site: s, at: 1 h, frequency: 80 Hz, duration: 1 s}")
                .find("events[0].frequency"),
            std::string::npos);
  EXPECT_NE(ev("{kind: frequency_ramp, site: s, at: 1 h, frequency: 49 Hz}")
                .find("events[0].duration: missing"),
            std::string::npos);
  // A phase jump belongs to a disturbance of the voltage, not to a demand-response request.
  EXPECT_NE(ev("{kind: import_limit, site: s, at: 1 h, limit: 1 MW, duration: 1 h, "
               "phase_jump: 10 deg}")
                .find("unknown key"),
            std::string::npos);
  EXPECT_NE(ev("{kind: voltage_sag, site: s, at: 1 h, voltage: 60%, duration: 100 ms, "
               "phase_jump: 200 deg}")
                .find("phase_jump"),
            std::string::npos);
}

// The event-file form: frequency_ramp and overvoltage take their value in `value`; an optional
// `phase_jump` column gives a row's phase jump; a bad cell names the file and line.
TEST(GridPhysics, EventFilesCarryRampsOvervoltagesAndAPhaseJumpColumn) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / absl::StrCat("grid_physics_", getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ev.csv") << "at,kind,site,duration,value,plant,unit,phase_jump\n"
                                   "1 h,frequency_ramp,s,10 s,49.2 Hz,,,12 deg\n"
                                   "2 h,overvoltage,s,2 s,115%,,,\n";
  std::ofstream(dir / "bad.csv") << "at,kind,site,duration,value,plant,unit,phase_jump\n"
                                    "1 h,frequency_ramp,s,10 s,49.2 Hz,,,12\n";
  config::LoadOptions o;
  o.base_dir = dir.string();
  auto f =
      config::LoadFleetFromString(Fleet("", "", "") + "event_files: [ev.csv]\n", "fleet.yaml", o);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->events.size(), 2u);
  EXPECT_EQ(f->events[0].kind, model::EventKind::kFrequencyRamp);
  EXPECT_DOUBLE_EQ(f->events[0].magnitude, 49.2);
  EXPECT_DOUBLE_EQ(f->events[0].phase_jump_deg, 12);
  EXPECT_EQ(f->events[1].kind, model::EventKind::kOvervoltage);
  EXPECT_DOUBLE_EQ(f->events[1].phase_jump_deg, 0);
  auto bad =
      config::LoadFleetFromString(Fleet("", "", "") + "event_files: [bad.csv]\n", "fleet.yaml", o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("bad.csv:2"), std::string::npos)
      << bad.status();
  EXPECT_NE(std::string(bad.status().message()).find("phase_jump"), std::string::npos)
      << bad.status();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace headroom

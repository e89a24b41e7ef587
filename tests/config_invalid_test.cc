// Table-driven: each invalid fleet file gives one clear message with file, line, column, the
// field's path and what would be valid. The base file is valid; each case changes one thing.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/loader.h"

namespace headroom {
namespace {

constexpr char kBase[] = R"(horizon: 10 d
sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW}
    plants:
      - name: gas
        units: {count: 2, rating: 5 MW, min_load: 1 MW}
    battery: {energy: 10 MWh, power: 5 MW}
    power_tree:
      - feed: F
        rating: 10 MW
        children:
          - hall: H
            rating: 9 MW
            children:
              - rack: K
                count: 4
                rating: 60 kW
                gpus: 64
                gpu: H100
workloads:
  jobs:
    - {name: j, kind: training, gpus: 64, duration: 10 h}
events:
  - {kind: grid_outage, site: s, at: 1 d, duration: 1 h}
)";

struct Case {
  std::string name;
  std::string from;  // text in kBase to replace ("" = replace the whole file)
  std::string to;
  std::string expected;  // a substring of the error message
};

std::string Apply(const Case& c) {
  if (c.from.empty()) return c.to;
  std::string s = kBase;
  const size_t at = s.find(c.from);
  EXPECT_NE(at, std::string::npos) << c.name << ": base text not found: " << c.from;
  if (at == std::string::npos) return s;
  return s.replace(at, c.from.size(), c.to);
}

const std::vector<Case> kCases = {
    {"not_yaml", "", "sites: [a, b\n  - c: {", "f.yaml:"},
    {"not_yaml_message", "", "key: [unclosed", "not valid YAML"},
    {"empty_file", "", "", "empty file"},
    {"top_level_list", "", "- a\n- b\n",
     "fleet: expected a mapping of keys to values, found a list"},
    {"no_sites", "", "horizon: 1 d\n", "fleet.sites: missing or empty"},
    {"unknown_top_key", "horizon: 10 d", "horizon: 10 d\nhorizn: 3 d",
     "fleet.horizn: unknown key (did you mean \"horizon\"?)"},
    {"unknown_site_key", "kind: owned", "kind: owned\n    colour: red",
     "sites[0].colour: unknown key"},
    {"missing_unit", "import_limit: 10 MW", "import_limit: 10",
     "sites[0].grid.import_limit: missing unit: expected a power such as \"23.2 MW\""},
    {"wrong_unit", "import_limit: 10 MW", "import_limit: 10 MWh", "unknown unit \"MWh\""},
    {"negative_power", "import_limit: 10 MW", "import_limit: -10 MW",
     "sites[0].grid.import_limit: \"-10 MW\" is out of range: must be between 0 W and 100 GW"},
    {"not_a_number", "import_limit: 10 MW", "import_limit: ten MW", "not a number"},
    {"site_kind", "kind: owned", "kind: rented",
     "sites[0].kind: \"rented\" is not one of: owned, leased, tent"},
    {"site_name_missing", "- name: s\n    kind", "- kind",
     "sites[0].name: missing; this field is required"},
    {"battery_soc_order", "battery: {energy: 10 MWh, power: 5 MW}",
     "battery: {energy: 10 MWh, power: 5 MW, soc_min: 90%, soc_max: 50%}",
     "need soc_min < soc_max"},
    {"battery_missing_power", "battery: {energy: 10 MWh, power: 5 MW}", "battery: {energy: 10 MWh}",
     "sites[0].battery.power: missing"},
    {"efficiency_over_one", "battery: {energy: 10 MWh, power: 5 MW}",
     "battery: {energy: 10 MWh, power: 5 MW, round_trip_efficiency: 120%}",
     "round_trip_efficiency: \"120%\" is out of range"},
    {"battery_soc_initial_below_min", "battery: {energy: 10 MWh, power: 5 MW}",
     "battery: {energy: 10 MWh, power: 5 MW, soc_min: 20%, soc_initial: 10%}",
     "need soc_min < soc_max and soc_min <= soc_initial <= soc_max; got 20%"},
    {"battery_soc_initial_above_max", "battery: {energy: 10 MWh, power: 5 MW}",
     "battery: {energy: 10 MWh, power: 5 MW, soc_max: 80%, soc_initial: 90%}",
     "need soc_min < soc_max and soc_min <= soc_initial <= soc_max"},
    {"power_above_range", "import_limit: 10 MW", "import_limit: 200 GW",
     "sites[0].grid.import_limit: \"200 GW\" is out of range: must be between 0 W and 100 GW"},
    {"breaker_step_below_rating", "    battery: {energy: 10 MWh, power: 5 MW}\n",
     "    battery: {energy: 10 MWh, power: 5 MW}\n    breaker: [{above: 40%, for: 1 s}]\n",
     "breaker[0].above: \"40%\" is below the node's rating"},
    {"checkpoint_as_long_as_interval", "duration: 10 h}",
     "duration: 10 h, checkpoint: {interval: 10 min, save: 10 min}}",
     "a checkpoint must take less time than the interval between two"},
    {"unit_min_load_above_rating", "min_load: 1 MW", "min_load: 7 MW",
     "minimum stable load 7 MW is above the rating 5 MW"},
    {"plant_units_missing", "        units: {count: 2, rating: 5 MW, min_load: 1 MW}\n", "",
     "sites[0].plants[0].units: missing"},
    {"unit_count_zero", "count: 2, rating: 5 MW", "count: 0, rating: 5 MW",
     "units.count: 0 is out of range: expected 1 to 1000"},
    {"count_not_integer", "count: 2, rating: 5 MW", "count: 2.5, rating: 5 MW",
     "expected a whole number, got \"2.5\""},
    {"tree_missing", "    power_tree:\n", "    power_treee:\n", "sites[0].power_tree: missing"},
    {"node_without_kind", "- feed: F", "- name: F",
     "a power-tree node needs its kind as key, one of: feed, hall, tent, row, rack"},
    {"node_two_kinds", "- hall: H", "- hall: H\n            row: R", "a node has one kind"},
    {"rack_has_children", "                gpu: H100",
     "                gpu: H100\n                children: []", "a rack is a leaf"},
    {"unknown_gpu", "gpu: H100", "gpu: H900",
     "unknown GPU model \"H900\"; known: H100, H200, B200, GB200"},
    {"rating_missing", "rating: 9 MW", "ratin: 9 MW", "power_tree[0].children[0].rating: missing"},
    {"wrong_nesting", "- hall: H", "- feed: H", "feed \"F/H\" cannot sit under feed \"F\""},
    {"dangling_parent", "      - feed: F\n",
     "      - row: X\n        parent: nowhere\n        rating: 1 MW\n      - feed: F\n",
     "no node named \"nowhere\" in site s"},
    {"cycle", "      - feed: F\n",
     "      - hall: A\n        parent: B\n        rating: 1 MW\n      - hall: B\n        parent: "
     "A\n        rating: 1 MW\n      - feed: F\n",
     "cycle in the power tree: A -> B -> A"},
    {"duplicate_node", "      - feed: F\n",
     "      - feed: F\n        rating: 1 MW\n      - feed: F\n", "duplicate node name \"F\""},
    {"no_gpus", "gpus: 64", "gpus: 0", "the power tree has no rack with GPUs"},
    {"job_kind", "kind: training, gpus", "kind: trainin, gpus",
     "workloads.jobs[0].kind: \"trainin\" is not one of: training, inference, batch"},
    {"job_too_big", "gpus: 64, duration", "gpus: 6400, duration",
     "job j needs 6400 GPUs but its site(s) have 256 that fit"},
    {"job_duration_unit", "duration: 10 h}", "duration: 10}",
     "workloads.jobs[0].duration: missing unit"},
    {"job_unknown_site", "{name: j, kind", "{name: j, site: t, kind",
     "no site named \"t\"; sites: s"},
    {"event_kind", "kind: grid_outage", "kind: blackout",
     "events[0].kind: \"blackout\" is not one of: grid_outage"},
    {"event_site", "site: s, at: 1 d", "site: x, at: 1 d", "events[0].site: no site named \"x\""},
    {"event_bad_time", "at: 1 d", "at: yesterday", "events[0].at: not a number"},
    {"event_missing_duration", "at: 1 d, duration: 1 h}", "at: 1 d}",
     "events[0].duration: missing"},
    {"max_ramp_unit", "grid: {import_limit: 10 MW}", "grid: {import_limit: 10 MW, max_ramp: 5 MW}",
     "sites[0].grid.max_ramp"},
    {"ramp_window_range", "grid: {import_limit: 10 MW}",
     "grid: {import_limit: 10 MW, max_ramp: 5 MW/min, ramp_window: 0 s}",
     "sites[0].grid.ramp_window: \"0 s\" is out of range"},
    {"contingency_unknown", "    battery: {energy: 10 MWh, power: 5 MW}\n",
     "    battery: {energy: 10 MWh, power: 5 MW}\n    contingencies: [grid, largest_turbine]\n",
     "sites[0].contingencies[1]: \"largest_turbine\" is not a contingency; expected grid, "
     "largest_plant, largest_unit, largest_feed"},
    {"contingency_plant_name", "    battery: {energy: 10 MWh, power: 5 MW}\n",
     "    battery: {energy: 10 MWh, power: 5 MW}\n    contingencies: [{plant: steam}]\n",
     "sites[0].contingencies[0].plant: no plant named \"steam\" at site s; plants: gas"},
    {"contingency_feed_name", "    battery: {energy: 10 MWh, power: 5 MW}\n",
     "    battery: {energy: 10 MWh, power: 5 MW}\n    contingencies: [{feed: G}]\n",
     "sites[0].contingencies[0].feed: no feed named \"G\" in site s; feeds: F"},
    {"contingency_both", "    battery: {energy: 10 MWh, power: 5 MW}\n",
     "    battery: {energy: 10 MWh, power: 5 MW}\n    contingencies: [{feed: F, plant: gas}]\n",
     "sites[0].contingencies[0]: give exactly one of plant or feed"},
    {"feed_trip_feed", "{kind: grid_outage, site: s, at: 1 d, duration: 1 h}",
     "{kind: feed_trip, site: s, at: 1 d, feed: H}",
     "events[0].feed: no feed named \"H\" in site s; feeds: F"},
    {"turbine_trip_plant", "{kind: grid_outage, site: s, at: 1 d, duration: 1 h}",
     "{kind: turbine_trip, site: s, at: 1 d, plant: steam}",
     "no plant named \"steam\" at site s; plants: gas"},
    {"import_limit_both", "{kind: grid_outage, site: s, at: 1 d, duration: 1 h}",
     "{kind: import_limit, site: s, at: 1 d, duration: 1 h, limit: 5 MW, reduction: 25%}",
     "give exactly one of limit"},
    {"sequence_voltage", "{kind: grid_outage, site: s, at: 1 d, duration: 1 h}",
     "{kind: sag_sequence, site: s, at: 1 d, count: 6, over: 82 s, voltage: 140%, duration: 100 "
     "ms}",
     "voltage: \"140%\" is out of range"},
    {"gpu_override_inconsistent", "horizon: 10 d",
     "horizon: 10 d\ngpus:\n  - {name: H100, cap_min: 800 W}",
     "need idle < cap_min <= cap_max <= tdp"},
    {"list_expected", "    plants:\n", "    plants: gas\n    unused:\n",
     "sites[0].plants: expected a list (- item), found a scalar"},
    {"series_missing_file", "import_limit: 10 MW",
     "import_limit: 10 MW, carbon: {csv: nope.csv, column: c, unit: g/kWh}",
     "nope.csv: cannot open file"},
    {"horizon_zero", "horizon: 10 d", "horizon: 0 s", "fleet.horizon: \"0 s\" is out of range"},
    {"trace_missing", "  jobs:", "  traces:\n    - {file: nope.csv, format: philly}\n  jobs:",
     "nope.csv: cannot open file"},
    {"trace_format", "  jobs:", "  traces:\n    - {file: nope.csv, format: helios}\n  jobs:",
     "format: \"helios\" is not one of: philly"},
};

TEST(InvalidConfig, EachCaseGivesItsMessage) {
  ASSERT_GE(kCases.size(), 30u);
  // The base itself is valid.
  ASSERT_TRUE(config::LoadFleetFromString(kBase, "f.yaml").ok())
      << config::LoadFleetFromString(kBase, "f.yaml").status();
  for (const Case& c : kCases) {
    const std::string text = Apply(c);
    absl::StatusOr<model::Fleet> r = config::LoadFleetFromString(text, "f.yaml");
    ASSERT_FALSE(r.ok()) << c.name << " was accepted:\n" << text;
    const std::string msg(r.status().message());
    EXPECT_NE(msg.find(c.expected), std::string::npos)
        << c.name << "\n  expected: " << c.expected << "\n  got: " << msg;
    EXPECT_EQ(msg.rfind("f.yaml", 0), 0u)
        << c.name << ": message must start with the file: " << msg;
  }
}

TEST(InvalidConfig, PositionsAreLineAndColumn) {
  std::string text = kBase;
  text.replace(text.find("import_limit: 10 MW"), 19, "import_limit: 10 MWh");
  auto r = config::LoadFleetFromString(text, "f.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()).substr(0, 12), "f.yaml:5:26:")
      << r.status().message();
}

}  // namespace
}  // namespace headroom

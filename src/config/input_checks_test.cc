// Table-driven: one case per class of input check of issue #7 (times beyond the clock, GPU counts,
// CSV series ranges, breaker lists, non-regular and oversized files, NaN and infinity, limits
// that must accept their own bound, duplicate and merge keys, repeated messages, paths outside
// the fleet's folder, fraction hints, physical sense, job tables). Each case writes a fleet file,
// and the CSV files it names, into its own temporary folder, loads it with config::LoadFleet and
// checks that it loads, or that the error says where and what, and names no other place.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "config/loader.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

// A valid fleet; "@SITE@" takes extra keys of the site (indented 4), "@TREE@" replaces the
// rack's line, "@TOP@" takes extra top-level sections.
constexpr const char* kBase = R"(horizon: 10 d
sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW}
    plants:
      - name: gas
        units: {count: 2, rating: 5 MW, min_load: 1 MW, ramp: 1 MW/min}
@SITE@
    power_tree:
      - feed: F
        rating: 10 MW
        children:
          - hall: H
            rating: 9 MW
            children:
@TREE@
@TOP@
)";
constexpr const char* kRack =
    "              - {rack: K, count: 4, rating: 60 kW, gpus: 64, gpu: H100}";

struct Case {
  std::string name;
  std::string site;                          // replaces @SITE@
  std::string tree;                          // replaces @TREE@ (empty: kRack)
  std::string top;                           // replaces @TOP@
  std::map<std::string, std::string> files;  // written beside the fleet file
  bool ok = false;                           // expect a fleet
  std::vector<std::string> expect;           // substrings of the error (or empty)
  std::vector<std::string> absent;           // substrings the error must not contain
  std::map<std::string, std::string> edit;   // replacements in the whole fleet file
};

std::string Repeat(const std::string& line, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += line;
  return out;
}

std::vector<Case> Cases() {
  std::vector<Case> c;
  // --- times beyond the int64-nanosecond clock
  c.push_back({"job_end_beyond_clock",
               "",
               "",
               "workloads:\n  jobs:\n    - {name: j, kind: training, gpus: 8, duration: 20 y, "
               "arrival: 90 y}",
               {},
               false,
               {"fleet.yaml:19:", "workloads.jobs[0].duration", "ends 110 y after the start",
                "within 100 y"}});
  c.push_back({"event_repeat_beyond_clock",
               "",
               "",
               "events:\n  - {kind: grid_outage, site: s, at: 1 d, duration: 1 h, repeat: 100000, "
               "every: 200 y}",
               {},
               false,
               {"fleet.yaml:18:5: fleet.events[0]", "every × (repeat - 1)", "within 100 y"}});
  c.push_back({"series_step_beyond_clock",
               "    weather: {csv: w.csv, column: t, unit: C, step: 60 y}",
               "",
               "",
               {{"w.csv", "t\n10\n11\n12\n"}},
               false,
               {"sites[0].weather.step", "3 rows × step ends 180 y"}});
  c.push_back({"trace_arrival_times_time_scale_beyond_clock",
               "",
               "",
               "workloads:\n  traces:\n    - {file: p.csv, format: philly, time_scale: 1000}",
               {{"p.csv",
                 "timestamp,duration,num_gpus\n2017-01-01 00:00:00,60,8\n2017-01-02 "
                 "00:00:00,60,8\n2017-03-01 00:00:00,60,8\n"}},
               false,
               {"p.csv:4: this job arrives", "time_scale 1000", "within 100 y"}});
  // A ramp this slow made the engine's wait overflow and the step instant (Build edits the plant).
  c.push_back({"slow_turbine_ramp_is_not_instant",
               "",
               "",
               "",
               {},
               false,
               {"units.ramp", "longer than 30 d", "0 MW/s for no limit"},
               {},
               {{"ramp: 1 MW/min", "ramp: 0.000001 W/s"}}});
  // The horizon has the bound of every other time, and of --horizon (tests/cli_test.cc).
  c.push_back({"horizon_beyond_the_longest_run",
               "",
               "",
               "",
               {},
               false,
               {"fleet.yaml:1:10: fleet.horizon: \"101 y\" is out of range: must be between 1 s "
                "and 100 y"},
               {},
               {{"horizon: 10 d", "horizon: 101 y"}}});
  c.push_back({"horizon_of_the_longest_run",
               "",
               "",
               "",
               {},
               true,
               {},
               {},
               {{"horizon: 10 d", "horizon: 100 y"}}});
  // --- GPU counts beyond 32 bits
  c.push_back({"site_gpus_beyond_int",
               "",
               "              - {rack: K, count: 1001, rating: 1 kW, gpus: 100000, gpu: H100}",
               "",
               {},
               false,
               {"the power tree holds 100100000 GPUs; a site may have at most 100000000"}});
  c.push_back({"trace_gpus_times_scale_beyond_int",
               "",
               "",
               "workloads:\n  traces:\n    - {file: p.csv, format: philly, gpu_scale: 1000000}",
               {{"p.csv", "timestamp,duration,num_gpus\n2017-10-01 00:00:00,60,8000\n"}},
               false,
               {"p.csv:2: 8000 GPUs × gpu_scale 1e+06", "at most 10000000"}});
  // --- CSV series get the YAML ranges
  c.push_back(
      {"series_value_out_of_range",
       "    weather: {csv: w.csv, column: t, unit: C}",
       "",
       "",
       {{"w.csv", "t\n10\n95\n"}},
       false,
       {"w.csv:3: column \"t\": \"95\" (C) is out of range: must be between -80 and 80 C"}});
  c.push_back({"series_in_kelvin_converts",
               "    weather: {csv: w.csv, column: t, unit: K}",
               "",
               "",
               {{"w.csv", "t\n283.15\n300\n"}},
               true,
               {}});
  c.push_back({"series_nan_refused",
               "    weather: {csv: w.csv, column: t, unit: C}",
               "",
               "",
               {{"w.csv", "t\n10\nnan\n"}},
               false,
               {"w.csv:3: column \"t\": expected a number"}});
  // --- breaker lists
  c.push_back({"empty_breaker_list",
               "    breaker: []",
               "",
               "",
               {},
               false,
               {"sites[0].breaker: an empty breaker curve would turn off overload protection"}});
  c.push_back({"breaker_hold_rising_with_overload",
               "    breaker: [{above: 110%, for: 10 s}, {above: 150%, for: 1 min}]",
               "",
               "",
               {},
               false,
               {"above 150% the breaker holds 60 s, longer than the 10 s above 110%"}});
  // A breaker that opens below its rating would trip under the load the node is rated for.
  c.push_back(
      {"breaker_step_below_rating",
       "",
       "              - {rack: K, rating: 60 kW, gpus: 64, gpu: H100,\n"
       "                 breaker: [{above: 150%, for: 1 s}, {above: 90%, for: 1 h}]}",
       "",
       {},
       false,
       {"fleet.yaml:17:", "children[0].breaker[1].above: \"90%\" is below the node's rating",
        "give 100% or more"}});
  c.push_back({"breaker_step_at_rating",
               "    breaker: [{above: 100%, for: 5 min}, {above: 120%, for: 1 s}]",
               "",
               "",
               {},
               true,
               {}});
  // --- files
  c.push_back({"series_file_is_a_fifo",
               "    weather: {csv: fifo.csv, column: t, unit: C}",
               "",
               "",
               {{"fifo.csv", "<fifo>"}},
               false,
               {"fifo.csv: not a regular file"}});
  c.push_back({"series_file_too_large",
               "    weather: {csv: big.csv, column: t, unit: C}",
               "",
               "",
               {{"big.csv", "<sparse 2 GiB>"}},
               false,
               {"big.csv: 2147483648 bytes; input files are limited to 1073741824 bytes (1 GiB)"}});
  c.push_back({"series_too_many_rows",
               "    weather: {csv: long.csv, column: t, unit: C, step: 1 ms}",
               "",
               "",
               {{"long.csv", "t\n" + Repeat("1\n", 1'051'201)}},
               false,
               {"long.csv: 1051201 rows; a series has at most 1051200"}});
  // The simulation steps at each change of a series: 1-ms steps over the 10-d horizon would be
  // 864 million steps (a year of them, 31.5 billion); refused at once, with how to lower it.
  c.push_back({"series_changes_too_often_over_the_horizon",
               "    weather: {csv: w.csv, column: t, unit: C, step: 1 ms}",
               "",
               "",
               {{"w.csv", "t\n10\n11\n12\n"}},
               false,
               {"fleet.yaml:9:",
                "sites[0].weather.step: this series of 3 rows at 1 ms steps changes "
                "864000000 times over the horizon of 10 d",
                "at most 5000000 are allowed: give a step of at least 173 ms, or a fleet.horizon "
                "of at most 83.3 min"}});
  c.push_back({"series_changes_within_the_limit",
               "    weather: {csv: w.csv, column: t, unit: C, step: 1 s}",
               "",
               "",
               {{"w.csv", "t\n10\n11\n12\n"}},
               true,
               {}});
  // --- NaN and infinity; limits that include their bound
  c.push_back({"nan_power",
               "    baseload: nan MW",
               "",
               "",
               {},
               false,
               {"sites[0].baseload", "got \"nan MW\""}});
  c.push_back({"infinite_after_units",
               "    baseload: 1e308 GW",
               "",
               "",
               {},
               false,
               {"sites[0].baseload: too large a number"}});
  c.push_back(
      {"limit_accepts_its_bound", "", "", "control: {fast_shed_delay: 1 min}", {}, true, {}});
  // --- duplicate keys, merge keys, repeated messages
  c.push_back({"duplicate_key",
               "    baseload: 1 MW\n    baseload: 2 MW",
               "",
               "",
               {},
               false,
               {"fleet.yaml:10:5: duplicate key \"baseload\": already given at line 9"}});
  c.push_back({"merge_key_expands",
               "    solar: &sol {peak: 1 MW}\n    cooling: {tent_derate: {<<: *sol}}",
               "",
               "",
               {},
               false,
               {"sites[0].cooling.tent_derate.peak: unknown key"}});
  c.push_back({"merge_key_values_are_used",
               "",
               "              - &rk {rack: K, count: 2, rating: 60 kW, gpus: 64, gpu: H100}\n"
               "              - {<<: *rk, rack: L, gpus: 32}",
               "",
               {},
               true,
               {}});
  c.push_back({"typo_in_reused_anchor_reported_once",
               "",
               "              - &r {rack: K, rating: 60 kW, gpus: 64, gpu: H100, ratng: 1}\n"
               "              - {<<: *r, rack: L}\n              - {<<: *r, rack: M}",
               "",
               {},
               false,
               {"fleet.yaml:16:66: sites[0].power_tree[0].children[0].children[0].ratng: unknown "
                "key (did you mean \"rating\"?)",
                "met 2 more times"}});
  c.push_back({"alias_to_unknown_anchor",
               "    solar: *nowhere",
               "",
               "",
               {},
               false,
               {"fleet.yaml:9:12: not valid YAML: alias *nowhere refers to no anchor"}});
  // --- paths outside the folder, never echoed
  c.push_back({"series_path_escapes_folder",
               "    weather: {csv: ../../../../etc/passwd, column: t, unit: C}",
               "",
               "",
               {},
               false,
               {"\"../../../../etc/passwd\" is outside the fleet file's folder"},
               {"root"}});
  c.push_back({"series_path_absolute",
               "    weather: {csv: /etc/passwd, column: t, unit: C}",
               "",
               "",
               {},
               false,
               {"\"/etc/passwd\" is outside the fleet file's folder"},
               {"root"}});
  // --- hints and physical sense
  c.push_back({"fraction_given_as_percent_number",
               "    battery: {energy: 10 MWh, power: 5 MW, soc_max: 95}",
               "",
               "",
               {},
               false,
               {"did you mean \"95%\" or 0.95?"}});
  // A bare number above 1 where a fraction may exceed 100% (a slowdown tolerance): still a hint.
  c.push_back({"fraction_above_one_where_more_is_allowed",
               "",
               "",
               "workloads:\n  jobs:\n    - {name: j, kind: training, site: s, gpus: 8, "
               "duration: 1 h, slowdown_tolerance: 10}",
               {},
               false,
               {"a bare number must lie in [0, 1]", "did you mean \"10%\" or 0.1?"}});
  c.push_back({"child_rated_above_parent",
               "",
               "              - {rack: K, count: 2, rating: 10 MW, gpus: 64, gpu: H100}",
               "",
               {},
               false,
               {"a rack rated 10 MW under a hall rated 9 MW", "met 1 more time"}});
  // Range messages give their bounds in units a person can type, not "(in SI: power)".
  c.push_back({"range_in_units_people_type",
               "    baseload: 1e12 W\n    location: {latitude: 91 deg}",
               "",
               "",
               {},
               false,
               {"sites[0].baseload: \"1e12 W\" is out of range: must be between 0 W and 100 GW",
                "sites[0].location.latitude: \"91 deg\" is out of range: must be between -90 deg "
                "and 90 deg"},
               {"in SI"}});
  c.push_back({"zero_rating",
               "",
               "              - {rack: K, rating: 0 kW, gpus: 64, gpu: H100}",
               "",
               {},
               false,
               {"rating: \"0 kW\" is out of range"}});
  // --- job tables carry every field, checked as in YAML
  c.push_back({"job_table_loads",
               "",
               "",
               "workloads:\n  traces:\n    - {file: jobs.csv, format: jobs}",
               {{"jobs.csv",
                 "name,kind,gpus,duration,priority,checkpoint.interval,checkpoint.save,"
                 "slowdown_tolerance\nllm,training,64,3 d,critical,20 min,10 s,2%\n"}},
               true,
               {}});
  c.push_back({"job_table_bad_value",
               "",
               "",
               "workloads:\n  traces:\n    - {file: jobs.csv, format: jobs}",
               {{"jobs.csv", "name,kind,gpus,duration\nllm,training,64,3 d\nx,training,0,1 h\n"}},
               false,
               {"jobs.csv:3: column \"gpus\": 0 is out of range: expected 1 to"}});
  // Spreadsheets start a CSV file with a UTF-8 byte-order mark: every CSV input skips it.
  c.push_back({"job_table_with_byte_order_mark",
               "",
               "",
               "workloads:\n  traces:\n    - {file: jobs.csv, format: jobs}",
               {{"jobs.csv", "\xEF\xBB\xBFname,kind,gpus,duration\nllm,training,64,3 d\n"}},
               true,
               {}});
  c.push_back({"series_with_byte_order_mark",
               "    weather: {csv: w.csv, column: t, unit: C}",
               "",
               "",
               {{"w.csv", "\xEF\xBB\xBFt\n10\n11\n"}},
               true,
               {}});
  c.push_back({"event_file_with_byte_order_mark",
               "",
               "",
               "event_files: [ev.csv]",
               {{"ev.csv",
                 "\xEF\xBB\xBF"
                 "at,kind,site,duration,value,plant,unit\n1 d,grid_outage,s,1 h,,,\n"}},
               true,
               {}});
  // A job of a table that no site could place is named by the table's file, line and column.
  c.push_back(
      {"job_table_job_fits_no_site",
       "",
       "",
       "workloads:\n  traces:\n    - {file: jobs.csv, format: jobs}",
       {{"jobs.csv", "name,kind,gpus,duration\nllm,training,64,3 d\nbig,training,6400,1 h\n"}},
       false,
       {"jobs.csv:3: column \"gpus\": job big needs 6400 GPUs but its site(s) have 256"},
       {"job big.gpus"}});
  // Every bad row is reported at once, up to the loader's 20, then how many more.
  c.push_back({"job_table_every_bad_row",
               "",
               "",
               "workloads:\n  traces:\n    - {file: jobs.csv, format: jobs}",
               {{"jobs.csv", "name,kind,gpus,duration\n" + Repeat("x,training,0,1 h\n", 25)}},
               false,
               {"jobs.csv:2: column \"gpus\": 0 is out of range",
                "jobs.csv:21: column \"gpus\": 0 is out of range",
                "fleet.yaml: and at least 5 more problems not listed (only the first 20 are)"},
               {"jobs.csv:22:"}});
  c.push_back({"job_table_rows_with_wrong_field_counts",
               "",
               "",
               "workloads:\n  traces:\n    - {file: jobs.csv, format: jobs}",
               {{"jobs.csv",
                 "name,kind,gpus,duration\nq,training,8\nllm,training,64,3 d\n"
                 "r,training,8,1 h,extra\n"}},
               false,
               {"workloads.traces[0].file: ",
                "jobs.csv:2: expected 4 fields (name,kind,gpus,"
                "duration), found 3",
                "jobs.csv:4: expected 4 fields (name,kind,gpus,duration), found 5"}});
  c.push_back({"job_table_unknown_column",
               "",
               "",
               "workloads:\n  traces:\n    - {file: jobs.csv, format: jobs}",
               {{"jobs.csv", "name,kind,gpus,duraton\nllm,training,64,3 d\n"}},
               false,
               {"jobs.csv:1: column \"duraton\" is not a field of a job (did you mean "
                "\"duration\"?)"}});
  return c;
}

class InputChecks : public ::testing::TestWithParam<Case> {};

std::string Build(const Case& c) {
  std::string yaml = kBase;
  yaml = absl::StrReplaceAll(yaml, {{"@SITE@\n", c.site.empty() ? "" : c.site + "\n"},
                                    {"@TREE@", c.tree.empty() ? kRack : c.tree},
                                    {"@TOP@", c.top}});
  for (const auto& [from, to] : c.edit) {
    EXPECT_NE(yaml.find(from), std::string::npos) << c.name << ": " << from;
    yaml = absl::StrReplaceAll(yaml, {{from, to}});
  }
  return yaml;
}

TEST_P(InputChecks, ReportsWhereAndWhat) {
  const Case& c = GetParam();
  // Private to this process: several checkouts may run their tests at once on one machine.
  const fs::path dir =
      fs::path(::testing::TempDir()) / absl::StrCat("input_checks_", getpid(), "_", c.name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [name, text] : c.files) {
    const fs::path p = dir / name;
    if (text == "<fifo>") {
      ASSERT_EQ(mkfifo(p.c_str(), 0600), 0);
    } else if (text == "<sparse 2 GiB>") {
      std::ofstream(p) << "t\n1\n";
      fs::resize_file(p, std::uintmax_t{2} << 30);
    } else {
      std::ofstream(p) << text;
    }
  }
  const std::string yaml = Build(c);
  std::ofstream(dir / "fleet.yaml") << yaml;
  auto fleet = config::LoadFleet((dir / "fleet.yaml").string());
  if (c.ok) {
    EXPECT_TRUE(fleet.ok()) << fleet.status().message() << "\n" << yaml;
  } else {
    ASSERT_FALSE(fleet.ok()) << yaml;
    const std::string msg(fleet.status().message());
    // Every message names a file of this case (the fleet file, or the CSV file and line).
    EXPECT_EQ(msg.rfind(dir.string(), 0), 0u) << msg;
    for (const std::string& e : c.expect)
      EXPECT_NE(msg.find(e), std::string::npos) << e << "\n" << msg;
    for (const std::string& a : c.absent)
      EXPECT_EQ(msg.find(a), std::string::npos) << a << "\n" << msg;
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Loader, InputChecks, ::testing::ValuesIn(Cases()),
                         [](const auto& test_param) { return test_param.param.name; });

// Merged keys give the same values as written ones; keys written beside the merge win.
TEST(InputChecks, MergedValuesEqualWrittenOnes) {
  auto load = [](const std::string& second_rack) {
    return config::LoadFleetFromString(absl::StrCat(R"(sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW}
    power_tree:
      - feed: F
        rating: 10 MW
        children:
          - &k {rack: K, count: 2, rating: 60 kW, gpus: 64, gpu: H100}
          - )",
                                                    second_rack, "\n"),
                                       "m.yaml");
  };
  auto merged = load("{<<: *k, rack: L, gpus: 32}");
  auto written = load("{rack: L, count: 2, rating: 60 kW, gpus: 32, gpu: H100}");
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  ASSERT_TRUE(written.ok()) << written.status().message();
  const auto& a = merged->sites[0].tree;
  const auto& b = written->sites[0].tree;
  ASSERT_EQ(a.size(), 6u);  // site, feed, K1, K2, L1, L2
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].rating_w, b[i].rating_w);
    EXPECT_EQ(a[i].gpus, b[i].gpus);
  }
  EXPECT_EQ(merged->sites[0].total_gpus(), 2 * 64 + 2 * 32);
}

}  // namespace
}  // namespace headroom

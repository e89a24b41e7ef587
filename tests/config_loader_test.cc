#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "config/loader.h"
#include "config/trace.h"
#include "model/generate.h"
#include "scratch_dir.h"

namespace headroom {
namespace {

const std::string kSource = HEADROOM_SOURCE_DIR;
const std::string kPhilly = kSource + "/examples/data/philly_jobs_pollux.csv";

TEST(Loader, ExamplesAreValid) {
  for (const char* f : {"/examples/small.yaml", "/examples/ohio-1gw.yaml"}) {
    auto fleet = config::LoadFleet(kSource + f);
    ASSERT_TRUE(fleet.ok()) << fleet.status();
  }
  auto ohio = config::LoadFleet(kSource + "/examples/ohio-1gw.yaml");
  const model::Site& s = ohio->sites[0];
  EXPECT_EQ(s.total_gpus(), 655360);
  EXPECT_EQ(s.plants.size(), 2u);
  EXPECT_EQ(s.plants[0].units.size(), 9u);
  EXPECT_NEAR(s.plants[0].capacity_w(), 208.8e6, 1);
  int racks = 0;
  for (const auto& n : s.tree) racks += n.kind == model::NodeKind::kRack;
  EXPECT_EQ(racks, 10240);
  // The PJM carbon series: 8,760 hourly values that repeat yearly, in kg/J.
  EXPECT_EQ(s.grid.carbon_kg_per_j.times.size(), 8760u);
  EXPECT_NEAR(s.grid.carbon_kg_per_j.At(Time{}) * 3.6e6 * 1000, 341.43,
              0.01);  // g/kWh, 2022-01-01 00:00
  // Ten DR events at 25% and one at 35%.
  int dr = 0;
  for (const auto& e : ohio->events) dr += e.kind == model::EventKind::kImportLimit;
  EXPECT_EQ(dr, 11);
}

TEST(Loader, ParentsComeBeforeChildrenAndFlatFormWorks) {
  const char* yaml = R"(
sites:
  - name: s
    kind: tent
    power_tree:
      - rack: K
        parent: R
        rating: 50 kW
        gpus: 8
        gpu: B200
      - row: R
        parent: T
        rating: 1 MW
      - tent: T
        rating: 2 MW
)";
  auto f = config::LoadFleetFromString(yaml, "flat.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const auto& tree = f->sites[0].tree;
  ASSERT_EQ(tree.size(), 4u);
  for (size_t i = 1; i < tree.size(); ++i) EXPECT_LT(tree[i].parent, static_cast<int>(i));
  EXPECT_EQ(tree[3].name, "K");
  EXPECT_EQ(tree[3].kind, model::NodeKind::kRack);
  EXPECT_FALSE(f->sites[0].grid.present);
}

// An import-limit reduction of 25% leaves 75% of the grid's 10 MW import limit.
TEST(Loader, ImportLimitReductionIsAShareOfTheLimit) {
  auto f = config::LoadFleetFromString(R"(
sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW}
    power_tree:
      - {rack: K, rating: 50 kW, gpus: 8, gpu: H100}
events:
  - {kind: import_limit, site: s, at: 1 d, duration: 3 h, reduction: 25%}
  - {kind: import_limit, site: s, at: 2 d, duration: 3 h, limit: 4 MW}
)",
                                       "dr.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->events.size(), 2u);
  EXPECT_DOUBLE_EQ(f->events[0].magnitude, 7.5e6);
  EXPECT_DOUBLE_EQ(f->events[1].magnitude, 4e6);
}

// Synthetic weather is in local time: at UTC-5 the 15:00 local peak of the diurnal swing falls at
// 20:00 UTC; at 15:00 UTC (10:00 local) it is 15 C + 10 C × cos(2π × -5 / 24).
TEST(Loader, SyntheticWeatherFollowsTheUtcOffset) {
  auto f = config::LoadFleetFromString(R"(
sites:
  - name: s
    kind: owned
    location: {utc_offset: -5 h}
    weather: {mean: 15 C, diurnal_amplitude: 10 C}
    grid: {import_limit: 10 MW}
    power_tree:
      - {rack: K, rating: 50 kW, gpus: 8, gpu: H100}
)",
                                       "weather.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const model::StepSeries& t = f->sites[0].ambient_c;
  EXPECT_NEAR(t.At(Time{std::chrono::hours(20)}), 25, 1e-9);
  EXPECT_NEAR(t.At(Time{std::chrono::hours(15)}), 15 + 10 * std::cos(2 * M_PI * -5 / 24.0), 1e-9);
  EXPECT_NEAR(t.At(Time{std::chrono::hours(24 * 100 + 20)}), 25, 1e-9);
}

TEST(Trace, ReadsThePhillyTraceWithScaling) {
  config::TraceOptions o;
  o.gpu_scale = 8;
  o.limit = 1000;
  auto jobs = config::ReadPhillyTrace(kPhilly, o);
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(jobs->size(), 1000u);
  EXPECT_EQ(jobs->front().arrival, Time{});
  for (size_t i = 1; i < jobs->size(); ++i) EXPECT_LE((*jobs)[i - 1].arrival, (*jobs)[i].arrival);
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.gpus % 8, 0);
    EXPECT_GT(j.work_gpu_s, 0);
  }
  // All 82,247 rows parse.
  auto all = config::ReadPhillyTrace(kPhilly, {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 82247u);
}

TEST(Trace, BadRowsNameTheLine) {
  const ScratchDir tmp;
  const std::string path = tmp.path("bad_philly.csv");
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(
      "timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:01:55,66.0,1,66.0,a\n2017-13-09 "
      "07:01:55,1,1,1,a\n",
      f);
  std::fclose(f);
  auto jobs = config::ReadPhillyTrace(path, {});
  ASSERT_FALSE(jobs.ok());
  EXPECT_NE(std::string(jobs.status().message()).find("bad_philly.csv:3: column \"timestamp\""),
            std::string::npos)
      << jobs.status();
}

TEST(Loader, EventsFromCsv) {
  const ScratchDir tmp;
  const std::string dir = tmp.path();
  FILE* f = std::fopen(tmp.path("events.csv").c_str(), "w");
  std::fputs(
      "at,kind,site,duration,value,plant,unit\n1 d,grid_outage,s,2 h,,,\n2 d,voltage_sag,s,100 "
      "ms,45%,,\n"
      "3 d,import_limit,s,3 h,4 MW,,\n",
      f);
  std::fclose(f);
  const std::string yaml = R"(
sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW}
    power_tree:
      - rack: K
        rating: 50 kW
        gpus: 8
        gpu: H100
event_files: [events.csv]
)";
  config::LoadOptions o;
  o.base_dir = dir;
  auto fleet = config::LoadFleetFromString(yaml, "e.yaml", o);
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  ASSERT_EQ(fleet->events.size(), 3u);
  EXPECT_EQ(fleet->events[1].kind, model::EventKind::kVoltageSag);
  EXPECT_DOUBLE_EQ(fleet->events[1].magnitude, 0.45);
  EXPECT_DOUBLE_EQ(fleet->events[2].magnitude, 4e6);
  // Each event says where it came from (in events.csv): the CSV file and line.
  EXPECT_EQ(fleet->events[0].origin, "events.csv:2");
  EXPECT_EQ(fleet->events[2].origin, "events.csv:4");
  // A bad row names the CSV file and line.
  f = std::fopen(tmp.path("events.csv").c_str(), "w");
  std::fputs(
      "at,kind,site,duration,value,plant,unit\n1 d,grid_outage,s,2 h,,,\n2 d,voltage_sag,s,100 "
      "ms,45 V,,\n",
      f);
  std::fclose(f);
  auto bad = config::LoadFleetFromString(yaml, "e.yaml", o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("events.csv:3"), std::string::npos)
      << bad.status();
}

// A one-site fleet whose only event file is `csv`, written to events.csv in `tmp`.
absl::StatusOr<model::Fleet> LoadWithEventFile(const ScratchDir& tmp, const std::string& csv) {
  FILE* f = std::fopen(tmp.path("events.csv").c_str(), "w");
  EXPECT_NE(f, nullptr);
  if (f == nullptr) return absl::InternalError("cannot write events.csv");
  std::fputs(csv.c_str(), f);
  std::fclose(f);
  config::LoadOptions o;
  o.base_dir = tmp.path();
  return config::LoadFleetFromString(R"(
sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW}
    power_tree:
      - {rack: K, rating: 50 kW, gpus: 8, gpu: H100}
event_files: [events.csv]
)",
                                     "e.yaml", o);
}

// An optional `hard` column makes an import_limit row a hard limit (as `hard: true` in YAML); on a
// row of another kind it is refused, naming the CSV line.
TEST(Loader, EventsFromCsvWithAHardColumn) {
  const ScratchDir tmp;
  auto fleet = LoadWithEventFile(tmp,
                                 "at,kind,site,duration,value,plant,unit,hard\n"
                                 "1 d,import_limit,s,120 d,4 MW,,,true\n"
                                 "2 d,import_limit,s,3 h,5 MW,,,\n"
                                 "3 d,import_limit,s,3 h,6 MW,,,false\n");
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  ASSERT_EQ(fleet->events.size(), 3u);
  EXPECT_TRUE(fleet->events[0].hard);
  EXPECT_EQ(fleet->events[0].duration, std::chrono::hours(24 * 120));
  EXPECT_FALSE(fleet->events[1].hard);
  EXPECT_FALSE(fleet->events[2].hard);
  auto bad = LoadWithEventFile(
      tmp, "at,kind,site,duration,value,plant,unit,hard\n1 d,grid_outage,s,2 h,,,,true\n");
  ASSERT_FALSE(bad.ok());
  const std::string msg(bad.status().message());
  EXPECT_NE(msg.find("events.csv:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("hard"), std::string::npos) << msg;
}

// An event file's optional columns: `notice` read per row; a column the reader does not know (a
// misspelt `Notice` or `hardd`) or one given twice is refused, naming it and the valid columns,
// rather than ignored (its rows would be read without it).
TEST(Loader, EventsFromCsvNoticeAndUnknownColumns) {
  const ScratchDir tmp;
  auto ok = LoadWithEventFile(
      tmp,
      "at,kind,site,duration,value,plant,unit,notice\n1 d,grid_outage,s,2 h,,,,24 h\n"
      "2 d,grid_outage,s,2 h,,,,\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->events.size(), 2u);
  EXPECT_EQ(ok->events[0].notice, std::chrono::hours(24));
  EXPECT_EQ(ok->events[1].notice, Duration{0});
  for (const char* header : {"at,kind,site,duration,value,plant,unit,Notice",
                             "at,kind,site,duration,value,plant,unit,hardd",
                             "at,kind,site,duration,value,plant,unit,notice,notice"}) {
    SCOPED_TRACE(header);
    const std::string h(header);
    const auto fields = static_cast<size_t>(1 + std::count(h.begin(), h.end(), ','));
    auto bad =
        LoadWithEventFile(tmp, h + "\n1 d,grid_outage,s,2 h" + std::string(fields - 4, ',') + "\n");
    ASSERT_FALSE(bad.ok());
    const std::string msg(bad.status().message());
    EXPECT_NE(msg.find("events.csv"), std::string::npos) << msg;
    EXPECT_NE(msg.find("column"), std::string::npos) << msg;
  }
}

// The loader lists every file the fleet references, once, by path, with the SHA-256 of the bytes
// it read (digests from Python's hashlib), for the run's inputs_sha256.
TEST(Loader, ListsTheFilesItReadWithTheirDigests) {
  const ScratchDir tmp;
  const auto write = [&](const std::string& name, const char* text) {
    std::filesystem::create_directories(std::filesystem::path(tmp.path(name)).parent_path());
    FILE* f = std::fopen(tmp.path(name).c_str(), "w");
    ASSERT_NE(f, nullptr) << name;
    std::fputs(text, f);
    std::fclose(f);
  };
  write("data/w.csv", "t\n10\n11\n");
  write("jobs.csv", "name,kind,gpus,duration\nllm,training,64,3 d\n");
  write("ev.csv", "at,kind,site,duration,value,plant,unit\n1 d,grid_outage,s,1 h,,,\n");
  write("p.csv", "timestamp,duration,num_gpus\n2017-10-01 00:00:00,60,8\n");
  write("fleet.yaml", R"(sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW, carbon: {csv: ./data/w.csv, column: t, unit: g/kWh}}
    weather: {csv: data/w.csv, column: t, unit: C}
    power_tree:
      - {rack: K, rating: 900 kW, gpus: 64, gpu: H100}
workloads:
  traces:
    - {file: p.csv, format: philly}
    - {file: jobs.csv, format: jobs}
event_files: [ev.csv]
)");
  auto fleet = config::LoadFleet(tmp.path("fleet.yaml"));
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  std::vector<std::pair<std::string, std::string>> files;
  for (const model::InputFile& f : fleet->referenced_files) files.emplace_back(f.path, f.sha256);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"data/w.csv", "5f157c7251f3e241a733f80ca5c0f79f48cd245c669f3bbcd131461b3067cd3a"},
      {"ev.csv", "60d3b380deccb2fab943e7790d3e3cfd2819f2f0b6618aaf4133ae7106769401"},
      {"jobs.csv", "2d0b41c20604aed2accd9145de22fd0a4cf521f459375e1fb498583a7ae7d312"},
      {"p.csv", "1ba8ce10d386c625c667167faa0290d166b4586e927093d3ae2298c8262e5a36"}};
  EXPECT_EQ(files, expected);
  EXPECT_EQ(fleet->source_sha256.size(), 64u);
  // The built-in example references no file; its time zone is listed, fingerprinted by the
  // offsets the tz database gave it (a zone with the same rules gives the same digest).
  auto small = config::LoadFleetFromString(config::BuiltinExample(), config::kBuiltinExampleName);
  ASSERT_TRUE(small.ok()) << small.status();
  ASSERT_EQ(small->referenced_files.size(), 1u);
  EXPECT_EQ(small->referenced_files[0].path, "tz:America/New_York");
  EXPECT_EQ(small->referenced_files[0].sha256.size(), 64u);
  std::string text(config::BuiltinExample());
  const std::string zone = "timezone: America/New_York";
  ASSERT_NE(text.find(zone), std::string::npos);
  text.replace(text.find(zone), zone.size(), "timezone: US/Eastern");  // a link to New York
  auto linked = config::LoadFleetFromString(text, "linked.yaml");
  ASSERT_TRUE(linked.ok()) << linked.status();
  ASSERT_EQ(linked->referenced_files.size(), 1u);
  EXPECT_EQ(linked->referenced_files[0].sha256, small->referenced_files[0].sha256);
  text.replace(text.find("timezone: US/Eastern"), 20, "timezone: US/Central");
  text.replace(text.find("utc_offset: -5 h"), 16, "utc_offset: -6 h");
  auto chicago = config::LoadFleetFromString(text, "chicago.yaml");
  ASSERT_TRUE(chicago.ok()) << chicago.status();
  ASSERT_EQ(chicago->referenced_files.size(), 1u);
  EXPECT_NE(chicago->referenced_files[0].sha256, small->referenced_files[0].sha256);
}

}  // namespace
}  // namespace headroom

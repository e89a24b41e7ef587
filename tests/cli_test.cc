// End-to-end tests of the headroom binary: determinism of its output files, exit codes, and
// errors for bad input.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/csv.h"
#include "scratch_dir.h"

namespace headroom {
namespace {

const std::string kBin = HEADROOM_BINARY;
const std::string kSrc = HEADROOM_SOURCE_DIR;

// Runs the binary with `args`; its stdout and stderr go to a log in `dir`, returned in *out.
int RunCli(const ScratchDir& dir, const std::string& args, std::string* out = nullptr) {
  const std::string log = dir.path("cli_out.txt");
  // Run inside the scratch folder, so that anything the binary writes by default lands there.
  const int rc = std::system(
      ("cd '" + dir.path() + "' && " + kBin + " " + args + " >" + log + " 2>&1").c_str());
  if (out != nullptr) *out = ReadFile(log).value_or("");
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(Cli, SameSeedSameInputsByteIdenticalOutputs) {
  const ScratchDir tmp;
  const std::string a = tmp.path("det_a"), b = tmp.path("det_b"), c = tmp.path("det_c");
  ASSERT_EQ(RunCli(tmp, "simulate " + kSrc +
                            "/examples/small.yaml --horizon 120d --seed 11 -q --out " + a),
            0);
  ASSERT_EQ(RunCli(tmp, "simulate " + kSrc +
                            "/examples/small.yaml --horizon 120d --seed 11 -q --out " + b),
            0);
  ASSERT_EQ(RunCli(tmp, "simulate " + kSrc +
                            "/examples/small.yaml --horizon 120d --seed 12 -q --out " + c),
            0);
  bool any_differs = false;
  for (const char* f : {"/summary.json", "/timeseries.csv", "/events.csv"}) {
    const auto fa = ReadFile(a + f), fb = ReadFile(b + f), fc = ReadFile(c + f);
    ASSERT_TRUE(fa.ok() && fb.ok() && fc.ok()) << f;
    EXPECT_GT(fa->size(), 100u) << f;
    EXPECT_TRUE(*fa == *fb) << f << " differs between two runs with the same seed";
    any_differs |= *fa != *fc;
  }
  EXPECT_TRUE(any_differs) << "another seed should change the outputs";
}

TEST(Cli, SummaryHasTheDocumentedKeys) {
  const ScratchDir tmp;
  const std::string dir = tmp.path("keys");
  ASSERT_EQ(RunCli(tmp, "simulate " + kSrc + "/examples/small.yaml --horizon 10d -q --out " + dir),
            0);
  const std::string s = *ReadFile(dir + "/summary.json");
  for (const char* k : {"\"strategies\"", "\"unmanaged\"", "\"static-cap\"", "\"diesel-backed\"",
                        "\"useful_work_gpu_hours\"", "\"lost_work_gpu_hours\"", "\"trips\"",
                        "\"unserved_energy_mwh\"", "\"energy_mwh\"", "\"fuel_cost_usd\"",
                        "\"co2_t\"", "\"max_ramp_mw_per_s\""}) {
    EXPECT_NE(s.find(k), std::string::npos) << k;
  }
}

TEST(Cli, ExitCodes) {
  const ScratchDir tmp;
  std::string out;
  EXPECT_EQ(RunCli(tmp, "--help", &out), 0);
  EXPECT_NE(out.find("simulate"), std::string::npos);
  EXPECT_EQ(RunCli(tmp, "simulate --help", &out), 0);
  EXPECT_NE(out.find("--horizon"), std::string::npos);
  EXPECT_EQ(RunCli(tmp, "frobnicate", &out), 2);
  EXPECT_EQ(RunCli(tmp, "simulate " + kSrc + "/examples/small.yaml --strategy nope", &out), 2);
  EXPECT_NE(out.find("unknown strategy \"nope\""), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "simulate " + kSrc + "/examples/small.yaml --horizon 3 parsecs", &out), 2);
  EXPECT_EQ(RunCli(tmp, "simulate /nonexistent.yaml", &out), 3);
  EXPECT_NE(out.find("/nonexistent.yaml: cannot open file"), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "validate " + kSrc + "/examples/ohio-1gw.yaml", &out), 0);
  EXPECT_NE(out.find("655360 GPUs"), std::string::npos) << out;
  // A fleet with global scheduling: its WAN, teams, data sets and cross-site jobs are summarised.
  EXPECT_EQ(RunCli(tmp, "validate " + kSrc + "/examples/global-5gw.yaml", &out), 0);
  for (const char* want :
       {"WAN: 5 regions", "us-east--eu-north: 100 Gbps, 55 ms", "narvik in eu-north, 2.5 Gbps",
        "pretrain (1330000 GPUs at once, 1000 M GPU-h a month)",
        "web-2026: 44 TB at new-albany; abilene 19.6 h, narvik 39.1 h, phoenix 2.04 d",
        "cross-site job frontier-70b: 18432 GPUs in 4 learners (at least 3)"}) {
    EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
  }
  const std::string bad = tmp.path("bad.yaml");
  FILE* f = std::fopen(bad.c_str(), "w");
  std::fputs("sites:\n  - name: s\n    kind: owned\n    grid: {import_limit: 5}\n", f);
  std::fclose(f);
  EXPECT_EQ(RunCli(tmp, "validate " + bad, &out), 3);
  EXPECT_NE(out.find("bad.yaml:4:"), std::string::npos) << out;
  EXPECT_NE(out.find("sites[0].grid.import_limit: missing unit"), std::string::npos) << out;
  EXPECT_EQ(
      RunCli(tmp, "simulate " + kSrc + "/examples/small.yaml --horizon 1d -q --out /proc/forbidden",
             &out),
      4);
  // An empty --out is a usage error, not a run that writes nothing.
  EXPECT_EQ(RunCli(tmp, "simulate " + kSrc + "/examples/small.yaml --horizon 1d -q --out ''", &out),
            2);
  EXPECT_NE(out.find("--out: an empty folder name"), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "simulate " + kSrc + "/examples/small.yaml --horizon 1d -q -o ''", &out),
            2);
}

std::string Small() { return kSrc + "/examples/small.yaml"; }

void WriteText(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

// The small example with `extra` top-level keys and its site renamed to `site_name`, written to
// `name`.yaml in `dir`.
std::string SmallFleetWith(const ScratchDir& dir, const std::string& name, const std::string& extra,
                           const std::string& site_name = "small") {
  std::string text = *ReadFile(Small());
  const std::string from = "  - name: small\n";
  text.replace(text.find(from), from.size(), "  - name: " + site_name + "\n");
  for (size_t at = text.find("site: small,"); at != std::string::npos;
       at = text.find("site: small,", at + 1)) {
    text.replace(at, 11, "site: " + site_name);
  }
  std::string path = dir.path(name + ".yaml");
  WriteText(path, extra + "\n" + text);
  return path;
}

TEST(Cli, EventLevelsSummaryCollapsesEpisodesAndConservesRecords) {
  const ScratchDir tmp;
  const std::string all = tmp.path("ev_all"), sum = tmp.path("ev_sum");
  const std::string run = "simulate " + Small() + " --horizon 60d --strategy unmanaged,headroom -q";
  ASSERT_EQ(RunCli(tmp, run + " --events all --out " + all), 0);
  ASSERT_EQ(RunCli(tmp, run + " --out " + sum), 0);  // summary is the default
  const auto a = CsvTable::Read(all + "/events.csv"), s = CsvTable::Read(sum + "/events.csv");
  ASSERT_TRUE(a.ok() && s.ok());
  EXPECT_GT(a->rows(), 100u);
  EXPECT_LT(s->rows() * 2, a->rows()) << "episodes should at least halve the rows";
  // Every record is in exactly one episode, and the GPU-h lost are the same in total.
  const size_t count = *s->Column("count"), sum_col = *s->Column("value_sum");
  const size_t kind_a = *a->Column("kind"), value_a = *a->Column("value");
  const size_t kind_s = *s->Column("kind"), unit_s = *s->Column("unit");
  double records = 0, lost_a = 0, lost_s = 0;
  for (size_t r = 0; r < s->rows(); ++r) {
    records += *s->Number(r, count);
    if (s->at(r, kind_s) == "job_crash_failure") {
      lost_s += *s->Number(r, sum_col);
      EXPECT_EQ(s->at(r, unit_s), "GPU-h");
    }
  }
  for (size_t r = 0; r < a->rows(); ++r)
    if (a->at(r, kind_a) == "job_crash_failure") lost_a += *a->Number(r, value_a);
  EXPECT_EQ(records, static_cast<double>(a->rows()));
  EXPECT_GT(lost_a, 0);
  EXPECT_NEAR(lost_s, lost_a, 1e-3 * lost_a);  // printed to 6 significant digits
  // At --events all, a row is one record.
  for (size_t r = 0; r < a->rows(); ++r) ASSERT_EQ(a->at(r, *a->Column("count")), "1");
}

TEST(Cli, EventsNoneWritesNoEventLogAndRemovesAnOldOne) {
  const ScratchDir tmp;
  const std::string dir = tmp.path("ev_none");
  ASSERT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 5d -q --out " + dir), 0);
  ASSERT_TRUE(std::filesystem::exists(dir + "/events.csv"));
  std::string out;
  ASSERT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 5d -q --no-events --out " + dir, &out),
            0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/events.csv")) << "a stale log beside a new summary";
  EXPECT_NE(ReadFile(dir + "/summary.json")->find("\"events\": \"none\""), std::string::npos);
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --events some", &out), 2);
  EXPECT_NE(out.find("all, summary, none"), std::string::npos) << out;
}

TEST(Cli, CalendarTimesFromTheFleetStartAndQuotedSiteNames) {
  const ScratchDir tmp;
  const std::string fleet =
      SmallFleetWith(tmp, "start_fleet", "start: 2024-02-28T23:00:00Z", "\"north, \\\"A\\\"\"");
  const std::string dir = tmp.path("calendar");
  std::string out;
  ASSERT_EQ(
      RunCli(tmp, "simulate " + fleet + " --horizon 2d --strategy unmanaged -q --out " + dir, &out),
      0)
      << out;
  // The strict reader rejects rows whose field count differs from the header's.
  const auto ts = CsvTable::Read(dir + "/timeseries.csv");
  ASSERT_TRUE(ts.ok()) << ts.status().message();
  ASSERT_EQ(ts->rows(), 48u);
  EXPECT_EQ(ts->at(0, *ts->Column("site")), "north, \"A\"");
  EXPECT_EQ(ts->at(0, *ts->Column("time")), "2024-02-28T23:00:00.000Z");
  EXPECT_EQ(ts->at(2, *ts->Column("time")), "2024-02-29T01:00:00.000Z");  // a leap day
  EXPECT_EQ(ts->at(2, *ts->Column("time_s")), "7200");
  EXPECT_EQ(ts->at(47, *ts->Column("time")), "2024-03-01T22:00:00.000Z");
  const auto ev = CsvTable::Read(dir + "/events.csv");
  ASSERT_TRUE(ev.ok()) << ev.status().message();
  ASSERT_GT(ev->rows(), 0u);
  EXPECT_EQ(ev->at(0, *ev->Column("site")), "north, \"A\"");
  EXPECT_NE(ReadFile(dir + "/summary.json")->find("\"start\": \"2024-02-28T23:00:00.000Z\""),
            std::string::npos);
  const std::string bad = SmallFleetWith(tmp, "bad_start", "start: 2024-02-30");
  EXPECT_EQ(RunCli(tmp, "validate " + bad, &out), 3);
  EXPECT_NE(out.find("start"), std::string::npos) << out;
}

TEST(Cli, OutputFolderCheckedBeforeTheRun) {
  const ScratchDir tmp;
  std::string out;
  const std::string file = tmp.path("a_file");
  WriteText(file, "x");
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " -q --out " + file, &out), 4);
  EXPECT_NE(out.find(file), std::string::npos) << out;
  EXPECT_EQ(out.find("Fleet "), std::string::npos) << "refused before the run: " << out;
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " -q --out " + file + "/sub", &out), 4);
  EXPECT_EQ(out.find("Wrote"), std::string::npos) << out;
}

TEST(Cli, FolderInUseByAnotherRunIsRefused) {
  const ScratchDir tmp;
  const std::string dir = tmp.path("locked");
  std::filesystem::create_directories(dir);
  const int fd = ::open((dir + "/.headroom.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::string out;
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 1d -q --out " + dir, &out), 4);
  EXPECT_NE(out.find("in use by another headroom run"), std::string::npos) << out;
  ::close(fd);  // released: the folder can be used again
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 1d -q --out " + dir, &out), 0) << out;
}

// A write that fails after the run (events.csv cannot be put in place: a non-empty folder holds
// its name): exit 4 naming the file, no "Wrote", and no summary.json, not even the old one.
TEST(Cli, FailedWriteLeavesNoSummary) {
  const ScratchDir tmp;
  const std::string dir = tmp.path("failing");
  ASSERT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 1d -q --out " + dir), 0);
  ASSERT_TRUE(std::filesystem::exists(dir + "/summary.json"));
  std::filesystem::remove(dir + "/events.csv");
  std::filesystem::create_directories(dir + "/events.csv/blocker");
  std::string out;
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 1d -q --out " + dir, &out), 4);
  EXPECT_NE(out.find(dir + "/events.csv: cannot rename into place"), std::string::npos) << out;
  EXPECT_EQ(out.find("Wrote"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir + "/summary.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/.events.csv.partial"));
}

TEST(Cli, RunAboveTheMemoryLimitIsRefusedWithTheWayOut) {
  const ScratchDir tmp;
  std::string out;
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --resolution 1s --max-memory 100MiB", &out), 2);
  EXPECT_NE(out.find("would need about"), std::string::npos) << out;
  EXPECT_NE(out.find("--resolution"), std::string::npos) << out;
  EXPECT_NE(out.find("--events"), std::string::npos) << out;
  // A year at 1 s of 4 strategies holds 4 x 31.5 M buckets x 13 doubles: 12 GiB, above 8 GiB.
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --resolution 1s", &out), 2);
  EXPECT_NE(out.find("12.2 GiB"), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --max-memory lots", &out), 2);
}

// inputs_sha256 covers the files the fleet references, not only the fleet file: changing a CSV
// series changes it, and inputs_hashed names the file.
TEST(Cli, InputsHashCoversReferencedFiles) {
  const ScratchDir tmp;
  std::string text = *ReadFile(Small());
  const size_t line = text.find("    weather: {mean:");
  ASSERT_NE(line, std::string::npos);
  text.replace(line, text.find('\n', line) - line,
               "    weather: {csv: data/w.csv, column: t, unit: C}");
  std::filesystem::create_directories(tmp.path("data"));
  WriteText(tmp.path("fleet.yaml"), text);
  const auto hash_with = [&](const std::string& csv, std::string* hashed) {
    WriteText(tmp.path("data/w.csv"), csv);
    std::string out;
    EXPECT_EQ(RunCli(tmp, "simulate fleet.yaml --horizon 1d -q -s unmanaged --out run", &out), 0)
        << out;
    const std::string s = ReadFile(tmp.path("run/summary.json")).value_or("");
    const size_t at = s.find("\"inputs_sha256\": \"");
    const size_t h = s.find("\"inputs_hashed\": \"");
    if (at == std::string::npos || h == std::string::npos) return std::string();
    *hashed = s.substr(h, s.find('\n', h) - h);
    return s.substr(at + 18, 64);
  };
  std::string hashed;
  const std::string a = hash_with("t\n10\n12\n", &hashed);
  const std::string b = hash_with("t\n10\n13\n", &hashed);
  const std::string c = hash_with("t\n10\n12\n", &hashed);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b) << "a referenced file changed: the fingerprint must change";
  EXPECT_EQ(a, c);
  EXPECT_NE(hashed.find("data/w.csv"), std::string::npos) << hashed;
  EXPECT_EQ(hashed.find("not the files it references"), std::string::npos) << hashed;
}

// A series whose steps the file's horizon allows, but --horizon would make too many of, is
// refused before the run (it would step through each one), saying how to lower it.
TEST(Cli, SeriesTooFineForTheHorizonIsRefused) {
  const ScratchDir tmp;
  std::string text = *ReadFile(Small());
  const size_t line = text.find("    weather: {mean:");
  ASSERT_NE(line, std::string::npos);
  text.replace(line, text.find('\n', line) - line,
               "    weather: {csv: w.csv, column: t, unit: C, step: 1 ms}");
  text.replace(text.find("horizon: 365 d"), 14, "horizon: 1 h");
  WriteText(tmp.path("fleet.yaml"), text);
  WriteText(tmp.path("w.csv"), "t\n10\n11\n");
  std::string out;
  EXPECT_EQ(RunCli(tmp, "validate fleet.yaml", &out), 0) << out;
  // (--max-memory, --seed -1: were the check lost, the run would be refused at once, not run.)
  EXPECT_EQ(RunCli(tmp, "simulate fleet.yaml -q --horizon 365d --max-memory 1MiB", &out), 2) << out;
  EXPECT_NE(out.find("site small: weather: changes 31536000000 times over the horizon of 365 d"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("or a --horizon of at most 83.3 min"), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "plan oversubscribe fleet.yaml --horizon 365d --seed -1", &out), 2) << out;
  EXPECT_NE(out.find("changes 31536000000 times"), std::string::npos) << out;
}

// --horizon has the bound of the fleet file's horizon (100 y), whatever the clock could hold.
TEST(Cli, HorizonHasOneLimit) {
  const ScratchDir tmp;
  std::string out;
  // (--max-memory: were the limit lost, the run would be refused at once, not run for centuries.)
  for (const char* h : {"101y", "290y", "400y"}) {
    EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " -q --max-memory 1MiB --horizon " + h, &out), 2)
        << h;
    EXPECT_NE(out.find("at most 100 y"), std::string::npos) << out;
    EXPECT_EQ(out.find("285"), std::string::npos) << out;
  }
  // (--seed -1: were the limit lost, the seed would be refused before any simulation.)
  EXPECT_EQ(RunCli(tmp, "plan oversubscribe " + Small() + " --horizon 101y --seed -1", &out), 2);
  EXPECT_NE(out.find("at most 100 y"), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " -q --horizon 0s", &out), 2);
  // A fleet file may ask for up to 100 y (it was refused above 50 y).
  std::string text = *ReadFile(Small());
  ASSERT_NE(text.find("horizon: 365 d"), std::string::npos);
  text.replace(text.find("horizon: 365 d"), 14, "horizon: 60 y");
  WriteText(tmp.path("long.yaml"), text);
  EXPECT_EQ(RunCli(tmp, "validate " + tmp.path("long.yaml"), &out), 0) << out;
}

// validate takes several files, reports each, and fails if any is invalid.
TEST(Cli, ValidateSeveralFiles) {
  const ScratchDir tmp;
  std::string out;
  const std::string bad = tmp.path("bad.yaml");
  WriteText(bad, "sites:\n  - name: s\n    kind: owned\n    grid: {import_limit: 5}\n");
  const std::string ohio = kSrc + "/examples/ohio-1gw.yaml";
  EXPECT_EQ(RunCli(tmp, "validate " + Small() + " " + ohio, &out), 0) << out;
  EXPECT_NE(out.find("small.yaml: valid"), std::string::npos) << out;
  EXPECT_NE(out.find("ohio-1gw.yaml: valid"), std::string::npos) << out;
  EXPECT_NE(out.find("655360 GPUs"), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "validate " + Small() + " " + bad + " " + ohio, &out), 3) << out;
  EXPECT_NE(out.find("small.yaml: valid"), std::string::npos) << out;
  EXPECT_NE(out.find("bad.yaml:4:"), std::string::npos) << out;
  EXPECT_NE(out.find("ohio-1gw.yaml: valid"), std::string::npos) << out;
  EXPECT_NE(out.find("1 of 3 files invalid: " + bad), std::string::npos) << out;
  EXPECT_EQ(RunCli(tmp, "validate " + bad + " /nonexistent.yaml", &out), 3) << out;
  EXPECT_NE(out.find("/nonexistent.yaml: cannot open file"), std::string::npos) << out;
  EXPECT_NE(out.find("2 of 2 files invalid"), std::string::npos) << out;
}

// validate states how long a data set's copy takes to reach each site, and warns of a reader
// whose every site is further from its data than the run is long.
TEST(Cli, ValidateTellsDataSetStagingTimes) {
  const ScratchDir tmp;
  std::string out;
  const std::string fleet = tmp.path("data.yaml");
  WriteText(fleet,
            "horizon: 30 d\n"
            "sites:\n"
            "  - name: ohio\n    kind: owned\n    region: east\n    grid: {import_limit: 10 MW}\n"
            "    power_tree:\n      - {rack: K, count: 4, rating: 60 kW, gpus: 64, gpu: H100}\n"
            "  - name: oslo\n    kind: owned\n    region: north\n    uplink: 1 Gbps\n"
            "    grid: {import_limit: 10 MW}\n"
            "    power_tree:\n      - {rack: K, count: 4, rating: 60 kW, gpus: 64, gpu: H100}\n"
            "wan:\n  links:\n    - {between: [east, north], capacity: 10 Gbps, latency: 40 ms}\n"
            "datasets:\n  - {name: crawl, home: ohio, size: 1 PB}\n"
            "workloads:\n  jobs:\n"
            "    - {name: far, kind: training, gpus: 64, duration: 1 d, site: oslo, "
            "dataset: crawl}\n"
            "    - {name: near, kind: training, gpus: 64, duration: 1 d, dataset: crawl}\n");
  EXPECT_EQ(RunCli(tmp, "validate " + fleet, &out), 0) << out;
  // 1 PB over oslo's 1 Gbps uplink: 8e6 s = 92.6 days.
  EXPECT_NE(out.find("crawl: 1 PB at ohio; oslo 92.6 d"), std::string::npos) << out;
  EXPECT_NE(out.find("warning: job far reads crawl, which takes at least 92.6 d to reach any site "
                     "it may run at: arriving at 0 h, it cannot start within the run (30 d)"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("warning: job near"), std::string::npos) << out;
}

TEST(Cli, SmallOnes) {
  const ScratchDir tmp;
  std::string out;
  EXPECT_EQ(RunCli(tmp, "--version", &out), 0);
  EXPECT_EQ(out.rfind("headroom ", 0), 0u) << out;
  // Duplicate strategies run once.
  const std::string one = tmp.path("dup_one"), two = tmp.path("dup_two");
  ASSERT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 2d -q -s headroom --out " + one), 0);
  ASSERT_EQ(
      RunCli(tmp, "simulate " + Small() + " --horizon 2d -q -s headroom,headroom --out " + two), 0);
  EXPECT_EQ(*ReadFile(one + "/timeseries.csv"), *ReadFile(two + "/timeseries.csv"));
  // Seeds out of range are refused, not clamped.
  EXPECT_EQ(RunCli(tmp, "simulate " + Small() + " --horizon 1d -q --seed -1", &out), 2);
  EXPECT_NE(out.find("0 to 18446744073709551615"), std::string::npos) << out;
  EXPECT_EQ(
      RunCli(tmp, "simulate " + Small() + " --horizon 1d -q --seed 18446744073709551616", &out), 2);
  EXPECT_EQ(
      RunCli(tmp, "simulate " + Small() + " --horizon 1d -q --seed 18446744073709551615", &out), 0);
  // NaN is not a plan option.
  EXPECT_EQ(RunCli(tmp, "plan oversubscribe " + Small() + " --max-scale nan", &out), 2);
  EXPECT_EQ(RunCli(tmp, "plan oversubscribe " + Small() + " --max-loss nan", &out), 2);
  // The summary names the version and fingerprints the inputs; another seed, another hash.
  const std::string s1 = *ReadFile(one + "/summary.json");
  EXPECT_NE(s1.find("\"headroom_version\""), std::string::npos);
  const size_t at = s1.find("\"inputs_sha256\": \"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(s1.find('"', at + 18) - (at + 18), 64u) << "64 hex digits";
  const std::string other = tmp.path("dup_seed");
  ASSERT_EQ(
      RunCli(tmp, "simulate " + Small() + " --horizon 2d -q -s headroom --seed 9 --out " + other),
      0);
  EXPECT_NE(ReadFile(other + "/summary.json")->substr(at, 90), s1.substr(at, 90));
}

// With several sites the table shows the reserve hours of each; the fleet row says it counts the
// hours any site was short.
TEST(Cli, ReserveHoursPerSite) {
  const ScratchDir tmp;
  std::string out;
  ASSERT_EQ(
      RunCli(tmp, "simulate " + kSrc + "/examples/three-sites.yaml --horizon 1d -s headroom -q",
             &out),
      0)
      << out;
  EXPECT_NE(out.find("fast reserve short at any site (h)"), std::string::npos) << out;
  for (const char* site : {"short at ohio (h)", "short at ohio-b (h)", "short at small (h)"})
    EXPECT_NE(out.find(site), std::string::npos) << site;
}

}  // namespace
}  // namespace headroom

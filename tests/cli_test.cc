// End-to-end tests of the headroom binary: determinism of its output files, exit codes, and
// errors for bad input.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
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
}

}  // namespace
}  // namespace headroom

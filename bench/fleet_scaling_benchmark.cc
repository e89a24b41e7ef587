// BM_FleetScaling_OhioCopies: the engine's cost in the number of sites. Builds a fleet of N
// identical copies of examples/ohio-1gw.yaml's site (each with its own copy of the site's expanded
// jobs, pinned to it, and of its scripted and stochastic events), simulates it under `headroom`
// and `unmanaged`, and compares 10 copies with 1 in the same run. Counters: wall seconds and peak
// heap bytes of each run (alloc_tracker.h) and their ratios; the target (issue #7) is a ratio of
// at most 11 for both. Each size runs kRepeats times, alternately, and the fastest of each counts
// (the usual estimate of a run's cost on a shared machine: noise only ever adds time); the one-copy
// run is short, so a single unlucky run would swing the ratio most. Horizon: 90 days, to keep `make
// bench` short; the per-strategy year is BM_SimulateYear_Ohio.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "absl/strings/str_cat.h"
#include "alloc_tracker.h"
#include "config/loader.h"
#include "control/headroom.h"
#include "model/generate.h"
#include "ohio_fleet.h"
#include "sim/engine.h"

namespace headroom {
namespace {

constexpr Duration kHorizon = std::chrono::hours(24 * 90);
constexpr int kRepeats = 3;

// The Ohio site with its jobs and events expanded once (so every copy gets the same inputs).
const model::Fleet& OhioExpanded() {
  static const model::Fleet kFleet = [] {
    model::Fleet out = bench::LoadOhioExpanded(kHorizon);
    out.generators.clear();
    out.stochastic.clear();
    return out;
  }();
  return kFleet;
}

model::Fleet Copies(int n) {
  const model::Fleet& one = OhioExpanded();
  model::Fleet fleet = one;
  fleet.sites.clear();
  fleet.jobs.clear();
  fleet.events.clear();
  for (int c = 0; c < n; ++c) {
    model::Site site = one.sites[0];
    site.name = absl::StrCat(site.name, "-", c);
    fleet.sites.push_back(std::move(site));
    for (model::JobSpec job : one.jobs) {
      job.site = c;
      job.name = absl::StrCat(job.name, "@", c);
      fleet.jobs.push_back(std::move(job));
    }
  }
  // Events in time order, copies interleaved as one file would list them.
  for (const model::EventSpec& e : one.events) {
    for (int c = 0; c < n; ++c) {
      model::EventSpec copy = e;
      copy.site = c;
      fleet.events.push_back(copy);
    }
  }
  return fleet;
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct RunCost {
  double wall_s = 0;
  double cpu_s = 0;  // process CPU time: steadier than wall time on a shared machine
  double peak_bytes = 0;
  double events = 0;    // simulation events processed
  double log_rows = 0;  // rows of the event log
};

RunCost Measure(const model::Fleet& fleet, const control::Strategy& strategy) {
  sim::Options o;
  o.horizon = kHorizon;
  o.seed = fleet.seed;
  bench::ResetPeakHeap();
  const std::size_t before = bench::LiveHeapBytes();
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  sim::Result r = sim::Simulate(fleet, strategy, o);
  const double cpu1 = CpuSeconds();
  const auto t1 = std::chrono::steady_clock::now();
  benchmark::DoNotOptimize(r);
  return {std::chrono::duration<double>(t1 - t0).count(), cpu1 - cpu0,
          static_cast<double>(bench::PeakHeapBytes() - before),
          static_cast<double>(r.events_processed), static_cast<double>(r.events.size())};
}

void BM_FleetScaling_OhioCopies(benchmark::State& state) {
  const control::Strategy strategy = control::AllStrategies()[static_cast<size_t>(state.range(0))];
  state.SetLabel(strategy.name + ", 90 d, 10 copies vs 1");
  const model::Fleet one = Copies(1);
  const model::Fleet ten = Copies(10);
  RunCost c1, c10;
  const auto fastest = [](RunCost* best, const RunCost& run, int i) {
    if (i == 0 || run.wall_s < best->wall_s) best->wall_s = run.wall_s;
    if (i == 0 || run.cpu_s < best->cpu_s) best->cpu_s = run.cpu_s;
    *best = {best->wall_s, best->cpu_s, run.peak_bytes, run.events, run.log_rows};
  };
  for (auto _ : state) {
    for (int i = 0; i < kRepeats; ++i) {
      fastest(&c1, Measure(one, strategy), i);
      fastest(&c10, Measure(ten, strategy), i);
    }
  }
  state.counters["wall_1_s"] = c1.wall_s;
  state.counters["wall_10_s"] = c10.wall_s;
  state.counters["wall_ratio"] = c10.wall_s / c1.wall_s;
  state.counters["cpu_ratio"] = c10.cpu_s / c1.cpu_s;
  state.counters["peak_1_MB"] = c1.peak_bytes / 1e6;
  state.counters["peak_10_MB"] = c10.peak_bytes / 1e6;
  state.counters["peak_ratio"] = c10.peak_bytes / c1.peak_bytes;
  state.counters["events_ratio"] = c10.events / c1.events;
  state.counters["log_rows_ratio"] = c10.log_rows / c1.log_rows;
}
// 0: unmanaged, 3: headroom (control::AllStrategies order).
BENCHMARK(BM_FleetScaling_OhioCopies)
    ->Arg(0)
    ->Arg(3)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace
}  // namespace headroom

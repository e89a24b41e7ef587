// Benchmarks of the simulator. BM_SimulateYear_Ohio/<strategy>: one simulated year of
// examples/ohio-1gw.yaml (655,360 GPUs, 10,240 racks, ~13,000 jobs, its scripted and stochastic
// events) under each reference strategy, single-threaded. Counters: events per second and the
// simulated events. Targets (issue #2): at most 10 s wall and 1 GB peak memory per year on one
// core of a 2-core machine.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "config/loader.h"
#include "control/headroom.h"
#include "model/generate.h"
#include "ohio_fleet.h"
#include "sim/engine.h"

namespace headroom {
namespace {

const model::Fleet& OhioFleet() {
  static const model::Fleet kFleet = bench::LoadOhioExpanded();
  return kFleet;
}

void BM_SimulateYear_Ohio(benchmark::State& state) {
  const model::Fleet& fleet = OhioFleet();
  const control::Strategy strategy = control::AllStrategies()[static_cast<size_t>(state.range(0))];
  state.SetLabel(strategy.name);
  sim::Options o;
  o.horizon = fleet.horizon;
  o.seed = fleet.seed;
  std::uint64_t events = 0;
  for (auto _ : state) {
    sim::Result r = sim::Simulate(fleet, strategy, o);
    events = r.events_processed;
    benchmark::DoNotOptimize(r);
  }
  state.counters["sim_events"] = static_cast<double>(events);
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(events), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SimulateYear_Ohio)
    ->DenseRange(0, 3)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

void BM_LoadFleet_Ohio(benchmark::State& state) {
  for (auto _ : state) {
    auto f = config::LoadFleet(std::string(HEADROOM_SOURCE_DIR) + "/examples/ohio-1gw.yaml");
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_LoadFleet_Ohio)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace headroom

BENCHMARK_MAIN();

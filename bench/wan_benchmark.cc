// Benchmarks of the WAN model (src/model/wan.h) on a fleet-sized WAN: 8 regions on a ring with
// 12 chords (20 links, 100-400 Gbps, 5-80 ms), 64 sites (8 per region, 100 Gbps uplinks, every
// fourth unlimited), flows between random site pairs (a fifth of them demand-capped, a third
// weighted).
//   BM_Wan_MaxMinFair/<flows>: one MaxMinFair over all flows (what FlowSet does on each change).
//   BM_Wan_FlowSetChurn/<flows>: with <flows> long transfers under way, one cycle = a transfer
//   removed, another added 1 ms later, and the next event queried (one recomputation).

#include <benchmark/benchmark.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "base/rng.h"
#include "model/wan.h"

namespace headroom {
namespace {

using model::FlowDemand;
using model::FlowSet;
using model::Wan;
using model::WanRoute;
using model::WanRoutes;

constexpr int kRegions = 8;
constexpr int kSites = 64;

Wan BenchWan() {
  Wan wan;
  Rng rng(42);
  for (int r = 0; r < kRegions; ++r) wan.regions.push_back(absl::StrCat("region-", r));
  const auto link = [&](int a, int b) {
    wan.links.push_back(
        {"", a, b, rng.Uniform(100e9, 400e9), std::chrono::milliseconds(5 + rng.Below(76))});
  };
  for (int r = 0; r < kRegions; ++r) link(r, (r + 1) % kRegions);
  for (int k = 0; k < 12; ++k) {
    const int a = static_cast<int>(rng.Below(kRegions));
    link(a, (a + 2 + static_cast<int>(rng.Below(kRegions - 3))) % kRegions);
  }
  for (int s = 0; s < kSites; ++s) {
    wan.site_region.push_back(s % kRegions);
    wan.site_uplink_bps.push_back(s % 4 == 0 ? model::kUnlimitedBps : 100e9);
    wan.site_uplink_latency.push_back(std::chrono::milliseconds(1));
  }
  return wan;
}

WanRoute RandomRoute(const WanRoutes& routes, Rng& rng) {
  for (;;) {
    const int a = static_cast<int>(rng.Below(kSites));
    const int b = static_cast<int>(rng.Below(kSites));
    if (a == b) continue;
    if (auto route = routes.Route(a, b)) return *route;
  }
}

double RandomDemand(Rng& rng) {
  return rng.Bernoulli(0.2) ? rng.Uniform(1e9, 20e9) : model::kUnlimitedBps;
}
double RandomWeight(Rng& rng) { return rng.Bernoulli(0.33) ? 1.0 + rng.Below(4) : 1.0; }

void BM_Wan_MaxMinFair(benchmark::State& state) {
  const WanRoutes routes(BenchWan());
  Rng rng(7);
  std::vector<FlowDemand> flows;
  size_t crossings = 0;
  for (int i = 0; i < state.range(0); ++i) {
    const WanRoute route = RandomRoute(routes, rng);
    crossings += route.resources.size();
    flows.push_back({route.resources, RandomWeight(rng), RandomDemand(rng)});
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(model::MaxMinFair(routes.capacities_bps(), flows));
  }
  state.counters["crossings"] = static_cast<double>(crossings);
  state.counters["flows_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * flows.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Wan_MaxMinFair)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_Wan_FlowSetChurn(benchmark::State& state) {
  const WanRoutes routes(BenchWan());
  Rng rng(11);
  FlowSet set(routes.capacities_bps());
  std::vector<FlowSet::FlowId> ids;
  ids.reserve(static_cast<size_t>(state.range(0)));
  constexpr double kBytes = 1e15;  // a petabyte: nothing drains during the benchmark
  for (int i = 0; i < state.range(0); ++i) {
    ids.push_back(
        set.Add(kTimeZero, RandomRoute(routes, rng), kBytes, RandomDemand(rng), RandomWeight(rng)));
  }
  Time now = kTimeZero;
  for (auto _ : state) {
    now += std::chrono::milliseconds(1);
    const size_t victim = rng.Below(ids.size());
    set.Remove(now, ids[victim]);
    ids[victim] =
        set.Add(now, RandomRoute(routes, rng), kBytes, RandomDemand(rng), RandomWeight(rng));
    benchmark::DoNotOptimize(set.NextEvent());
  }
  state.counters["cycles_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Wan_FlowSetChurn)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace headroom

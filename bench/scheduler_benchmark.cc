// Benchmarks of sched::GlobalScheduler, the `headroom` global scheduler, at the sizes of issue #9:
// 64 sites and 10,000 queued jobs.
// BM_Scheduler_PlaceOne: the latency of one Decide call that places one arriving job while 10,000
// jobs wait (too large for any site's free GPUs); each call is timed with std::chrono and the
// p50/p99 are reported as counters. A job allowed only at sites without a copy of its data set is
// kept waiting for a copy instead (placed_share: the share placed at once). Target: p99 at most
// 1 ms per job.
// BM_Scheduler_RerankQueue: one Decide call in which capacity grows at all 64 sites and the
// scheduler passes over the whole queue of 10,000 jobs, scoring each against every site it may
// use (about half of them fit and are placed). Target: at most 100 ms per pass.
// (A published hyperscale global scheduler: 1.3 ms per job, 34 s per ranking pass.) Single
// thread. The fleet: 64 sites of three kinds and costs, every pair linked, 8 data sets, 4 teams
// with quotas, forecasts of shortage at every 8th site.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "absl/strings/str_format.h"
#include "base/rng.h"
#include "sched/global.h"

namespace headroom::sched {
namespace {

constexpr int kSites = 64;
constexpr int kQueued = 10000;

FleetInfo BenchFleet() {
  FleetInfo f;
  for (int s = 0; s < kSites; ++s) {
    const auto kind = static_cast<model::SiteKind>(s % 3);
    f.sites.push_back({absl::StrFormat("site%d", s), kind, 100000, DefaultAvailability(kind)});
  }
  constexpr size_t kPairs = static_cast<size_t>(kSites) * kSites;
  f.route_bps.assign(kPairs, 10e9);
  f.route_latency.assign(kPairs, std::chrono::milliseconds(50));
  for (int d = 0; d < 8; ++d) f.datasets.push_back({absl::StrFormat("d%d", d), d * 8, 5e13});
  for (int k = 0; k < 4; ++k) f.teams.push_back({absl::StrFormat("t%d", k), 2000000, 5e8});
  f.start_unix_s = 1735689600;
  return f;
}

std::vector<SiteCapacity> Capacity(int free_gpus) {
  std::vector<SiteCapacity> sites(kSites);
  for (int s = 0; s < kSites; ++s) {
    SiteCapacity& c = sites[static_cast<size_t>(s)];
    c.free_gpus = free_gpus;
    c.free_by_model = {free_gpus};
    c.first_free_model = free_gpus > 0 ? 0 : -1;
    c.cost_usd_per_gpu_h = 1.0 + 0.03 * s;
    if (s % 8 == 0) {
      c.forecast_spare_gpus = free_gpus / 4;
      c.short_until = AtSeconds(std::int64_t{6} * 3600);
    }
  }
  return sites;
}

JobRequest RandomJob(Rng& rng, int id, int min_gpus) {
  JobRequest j;
  j.id = id;
  j.gpus = min_gpus + 8 * static_cast<int>(rng.Below(32));
  j.priority = static_cast<int>(rng.Below(4));
  j.preemptible = j.priority == 3;
  j.arrival = AtSeconds(id);
  j.team = static_cast<int>(rng.Below(5)) - 1;
  j.dataset = static_cast<int>(rng.Below(9)) - 1;
  j.expected_run = FromSeconds(rng.Uniform(1, 200) * 3600);
  if (rng.Bernoulli(0.3)) {
    for (int s = 0; s < kSites; ++s) {
      if (rng.Bernoulli(0.5)) j.sites.push_back(s);
    }
  }
  return j;
}

// A scheduler with `kQueued` jobs waiting: the fleet was full when they came.
void FillQueue(GlobalScheduler* s, int min_gpus) {
  Rng rng(7);
  const std::vector<SiteCapacity> full = Capacity(0);
  FleetTelemetry t;
  t.sites = &full;
  for (int id = 0; id < kQueued; ++id) t.arrivals.push_back(RandomJob(rng, id, min_gpus));
  PlacementDecision d;
  s->Decide(t, &d);
  if (s->queued() != kQueued) std::abort();
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[static_cast<size_t>(k)];
}

void BM_Scheduler_PlaceOne(benchmark::State& state) {
  GlobalScheduler s(BenchFleet());
  FillQueue(&s, 4096);  // 4096 to 4344 GPUs each: none fits the 2048 free per site
  const std::vector<SiteCapacity> sites = Capacity(2048);
  Rng rng(11);
  std::vector<double> latency_us;
  std::vector<int> placed;
  std::int64_t placed_now = 0, arrivals = 0;
  int id = kQueued;
  PlacementDecision d;
  FleetTelemetry t;
  t.sites = &sites;
  for (auto _ : state) {
    t.arrivals.assign(1, RandomJob(rng, id++, 8));
    ++arrivals;
    d.Clear();
    const std::size_t waiting = s.queued();
    const auto start = std::chrono::steady_clock::now();
    s.Decide(t, &d);
    const auto stop = std::chrono::steady_clock::now();
    latency_us.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
    benchmark::DoNotOptimize(d.placements.data());
    // Placed, or (a job allowed only where its data set has no copy) kept waiting for a copy.
    if (d.placements.size() == 1) {
      ++placed_now;
      placed.push_back(t.arrivals[0].id);
    } else if (s.queued() != waiting + 1) {
      state.SkipWithError("the arrival was neither placed nor queued");
    }
    if (placed.size() == 4096) {  // the host reports them ended (untimed: a pass over the queue)
      state.PauseTiming();
      FleetTelemetry end;
      end.sites = &sites;
      end.ended = placed;
      PlacementDecision e;
      s.Decide(end, &e);
      placed.clear();
      state.ResumeTiming();
    }
  }
  state.counters["p50_us"] = Percentile(latency_us, 0.50);
  state.counters["p99_us"] = Percentile(latency_us, 0.99);
  state.counters["queued"] = static_cast<double>(s.queued());
  state.counters["placed_share"] =
      arrivals > 0 ? static_cast<double>(placed_now) / static_cast<double>(arrivals) : 0.0;
}
BENCHMARK(BM_Scheduler_PlaceOne)->Unit(benchmark::kMicrosecond);

void BM_Scheduler_RerankQueue(benchmark::State& state) {
  const std::vector<SiteCapacity> grown = Capacity(6000);  // 384,000 GPUs for ~1.3 M asked
  std::vector<int> all(kSites);
  for (int s = 0; s < kSites; ++s) all[static_cast<size_t>(s)] = s;
  std::int64_t placed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    GlobalScheduler s(BenchFleet());
    FillQueue(&s, 8);
    FleetTelemetry t;
    t.now = AtSeconds(60);
    t.sites = &grown;
    t.grown = all;
    PlacementDecision d;
    state.ResumeTiming();
    s.Decide(t, &d);
    benchmark::DoNotOptimize(d.placements.data());
    placed = static_cast<std::int64_t>(d.placements.size());
  }
  state.counters["placed"] = static_cast<double>(placed);
  state.counters["queued"] = kQueued;
}
BENCHMARK(BM_Scheduler_RerankQueue)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace headroom::sched

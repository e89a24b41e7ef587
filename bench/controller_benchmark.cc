// Benchmarks of the headroom site controller on the 1 GW site of examples/ohio-1gw.yaml
// (655,360 GPUs, 10,240 racks, over 1,000 jobs placed at t=0 including inference services).
// BM_Reallocate_Ohio: one full re-allocation down the power tree when the budget binds (the
// budget is 85% of the load; the snapshot never applies the caps, so every iteration lowers and
// none reuses the previous plan). BM_FastShed_Ohio: the fast-path decision after the loss of 300
// MW. Targets (issue #3): re-allocation at most 1 ms median, fast path at most 50 us, one core.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "config/loader.h"
#include "control/headroom.h"
#include "model/generate.h"

namespace headroom {
namespace {

struct OhioSnapshot {
  model::Fleet fleet;
  std::vector<std::vector<std::pair<int, int>>> placements;
  control::SiteTelemetry t;  // owns the jobs, their racks and the node loads
};

const OhioSnapshot& Snapshot() {
  static const OhioSnapshot* snap = [] {
    auto* s = new OhioSnapshot;
    auto f = config::LoadFleet(std::string(HEADROOM_SOURCE_DIR) + "/examples/ohio-1gw.yaml");
    if (!f.ok()) std::abort();
    s->fleet = std::move(*f);
    // Smaller jobs than the example's generator, for over 1,000 jobs at t=0.
    for (auto& g : s->fleet.generators) g.max_gpus = 2048;
    for (auto& j : model::GenerateJobs(s->fleet, s->fleet.seed, std::chrono::hours(1))) {
      if (j.arrival == kTimeZero) s->fleet.jobs.push_back(std::move(j));
    }
    const model::Site& site = s->fleet.sites[0];
    const model::GpuModel& gpu = s->fleet.gpus[0];
    std::vector<double>& node_load = s->t.node_load_w;
    node_load.assign(site.tree.size(), 0.0);
    std::vector<int> racks;
    for (size_t i = 0; i < site.tree.size(); ++i) {
      if (site.tree[i].gpus > 0) racks.push_back(static_cast<int>(i));
    }
    // First-fit placement, every job running at full power; idle GPUs at idle.
    std::vector<int> free(site.tree.size(), 0);
    for (int r : racks) free[static_cast<size_t>(r)] = site.tree[static_cast<size_t>(r)].gpus;
    size_t cursor = 0;
    s->placements.resize(s->fleet.jobs.size());
    for (size_t j = 0; j < s->fleet.jobs.size(); ++j) {
      int want = s->fleet.jobs[j].gpus;
      while (want > 0 && cursor < racks.size()) {
        const int r = racks[cursor];
        const int take = std::min(want, free[static_cast<size_t>(r)]);
        if (take > 0) s->placements[j].emplace_back(r, take);
        free[static_cast<size_t>(r)] -= take;
        want -= take;
        if (free[static_cast<size_t>(r)] == 0) ++cursor;
      }
    }
    for (size_t j = 0; j < s->fleet.jobs.size(); ++j) {
      const model::JobSpec& spec = s->fleet.jobs[j];
      control::JobView v;
      v.id = control::JobId{static_cast<std::int64_t>(j)};
      v.kind = spec.kind;
      v.priority = spec.priority;
      v.gpus = spec.gpus;
      v.gpu_model = 0;
      v.slowdown_tolerance = spec.slowdown_tolerance;
      v.power_shape = model::PowerShapeOf(spec);
      v.state = control::JobState::kRunning;
      v.cap_w = v.pending_cap_w = gpu.cap_max_w;
      v.demand = 0.7;
      v.full_power_w = v.power_w = model::RunningPowerW(spec, gpu, gpu.cap_max_w, v.demand);
      v.speed = 1;
      v.racks_begin = static_cast<int>(s->t.rack_shares.size());
      v.racks_count = static_cast<int>(s->placements[j].size());
      for (const auto& [rack, n] : s->placements[j]) {
        s->t.rack_shares.push_back({rack, n});
        for (int a = rack; a >= 0; a = site.tree[static_cast<size_t>(a)].parent)
          node_load[static_cast<size_t>(a)] += v.power_w * n;
      }
      s->t.jobs.push_back(v);
    }
    for (int r : racks) {
      const double fixed = free[static_cast<size_t>(r)] * gpu.idle_w +
                           site.tree[static_cast<size_t>(r)].gpus * gpu.host_w;
      for (int a = r; a >= 0; a = site.tree[static_cast<size_t>(a)].parent)
        node_load[static_cast<size_t>(a)] += fixed;
    }
    control::SiteTelemetry& t = s->t;
    t.grid_connected = true;
    t.import_limit_w = site.grid.import_limit_w;
    t.frequency_hz = 60;
    t.has_battery = true;
    t.battery_soc = 0.9;
    t.ambient_c = 20;
    t.pue = site.cooling.PueAt(20);
    t.it_w = node_load[0];
    t.facility_w = t.it_w * t.pue;
    std::fprintf(stderr, "snapshot: %zu jobs, %zu racks, %zu tree nodes, facility %.0f MW\n",
                 t.jobs.size(), racks.size(), site.tree.size(), t.facility_w / 1e6);
    return s;
  }();
  return *snap;
}

void BM_Reallocate_Ohio(benchmark::State& state) {
  const OhioSnapshot& s = Snapshot();
  control::HeadroomController controller(control::SiteConfig{s.fleet.sites[0], s.fleet.gpus},
                                         s.fleet.control);
  control::Decision d;
  int lowered = 0;
  for (auto _ : state) {
    d.actions.clear();
    const control::AllocationStats st = controller.Allocate(s.t, 0.85 * s.t.facility_w, &d);
    lowered = st.caps_lowered;
    benchmark::DoNotOptimize(d);
  }
  state.counters["caps_lowered"] = lowered;
  state.counters["jobs"] = static_cast<double>(s.t.jobs.size());
}
BENCHMARK(BM_Reallocate_Ohio)->Unit(benchmark::kMicrosecond);

void BM_FastShed_Ohio(benchmark::State& state) {
  const OhioSnapshot& s = Snapshot();
  control::HeadroomController controller(control::SiteConfig{s.fleet.sites[0], s.fleet.gpus},
                                         s.fleet.control);
  control::Decision d;
  for (auto _ : state) {
    d.actions.clear();
    benchmark::DoNotOptimize(controller.FastShed(s.t, 300e6, &d));
  }
  state.counters["brakes"] = static_cast<double>(d.actions.size());
}
BENCHMARK(BM_FastShed_Ohio)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace headroom

#pragma once
// Fixtures of the GlobalScheduler unit tests (global_test.cc, global_move_test.cc): a fleet of
// equal sites, capacity summaries, jobs, a running view and one call of Decide.

#include <gtest/gtest.h>

#include <map>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "sched/global.h"

namespace headroom::sched::fixtures {

inline constexpr std::int64_t kJan2025 = 1735689600;  // 2025-01-01T00:00:00Z: January has 744 h
inline constexpr Duration kHour = std::chrono::hours(1);

inline Time AtHours(double h) { return kTimeZero + FromSeconds(h * 3600); }

// `n` sites of availability 1, every pair linked at 8 Gbps (1 GB/s) with no latency.
inline FleetInfo Info(int n, double value_usd_per_gpu_h = 2) {
  FleetInfo f;
  for (int s = 0; s < n; ++s) {
    f.sites.push_back({absl::StrFormat("s%d", s), model::SiteKind::kOwned, 1000, 1.0});
  }
  f.route_bps.assign(static_cast<size_t>(n * n), 8e9);
  f.route_latency.assign(static_cast<size_t>(n * n), Duration::zero());
  f.start_unix_s = kJan2025;
  f.work_value_usd_per_gpu_h = value_usd_per_gpu_h;
  return f;
}

inline void Unlink(FleetInfo* f, int a, int b) {
  f->route_bps[static_cast<size_t>(a * f->size() + b)] = 0;
  f->route_bps[static_cast<size_t>(b * f->size() + a)] = 0;
}

inline SiteCapacity Free(int gpus, double cost = 0) {
  SiteCapacity c;
  c.free_gpus = gpus;
  c.free_by_model = {gpus};
  c.first_free_model = gpus > 0 ? 0 : -1;
  c.cost_usd_per_gpu_h = cost;
  return c;
}

inline JobRequest Job(int id, int gpus, int priority = 2, double run_h = 10) {
  JobRequest j;
  j.id = id;
  j.gpus = gpus;
  j.priority = priority;
  j.arrival = AtSeconds(id);
  j.expected_run = FromSeconds(run_h * 3600);
  return j;
}

class FakeRunning : public RunningView {
 public:
  std::span<const RunningJob> At(int s) const override {
    const auto it = jobs.find(s);
    return it == jobs.end() ? std::span<const RunningJob>() : it->second;
  }
  std::map<int, std::vector<RunningJob>> jobs;
};

inline RunningJob Running(int id, int gpus, int priority, bool preemptible, Time last_checkpoint,
                          bool learner = false) {
  RunningJob r;
  r.id = id;
  r.gpus = gpus;
  r.priority = priority;
  r.preemptible = preemptible;
  r.last_checkpoint = last_checkpoint;
  r.learner = learner;
  return r;
}

struct Call {
  Time now = kTimeZero;
  std::vector<JobRequest> arrivals;
  std::vector<int> ended;
  std::vector<JobRequest> refused;
  std::vector<JobRequest> preempted;
  const RunningView* running = nullptr;
  std::vector<int> forecast_changed;
  std::vector<int> learners_dropped;
  const std::vector<double>* data_bytes_left = nullptr;
};

inline PlacementDecision Decide(GlobalScheduler& s, const std::vector<SiteCapacity>& sites,
                                Call c) {
  FleetTelemetry t;
  t.now = c.now;
  t.sites = &sites;
  t.running = c.running;
  t.arrivals = std::move(c.arrivals);
  t.ended = std::move(c.ended);
  t.refused = std::move(c.refused);
  t.preempted = std::move(c.preempted);
  t.forecast_changed = std::move(c.forecast_changed);
  t.learners_dropped = std::move(c.learners_dropped);
  t.data_bytes_left = c.data_bytes_left;
  for (int k = 0; k < static_cast<int>(sites.size()); ++k) t.grown.push_back(k);
  PlacementDecision d;
  s.Decide(t, &d);
  if (d.next_wake != kTimeNever) {
    EXPECT_GT(d.next_wake, c.now);
  }
  return d;
}

}  // namespace headroom::sched::fixtures

#pragma once
// Test-only: fleets of several copies of sim::SmallFleet's site joined by a WAN, and a scripted
// global scheduler, for the engine tests of global scheduling (migration, preemption,
// cross-site training) and their property tests.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/fleet.h"
#include "sched/scheduler.h"
#include "sim/engine.h"
#include "sim/test_fleet.h"

namespace headroom {

// `sites` copies of SmallFleet's site ("s0", "s1", ...; 24 GPUs each, a 1 MW grid), each its own
// region, regions joined in a chain by links of `link_bps` each way and `link_latency` one way;
// uplinks unlimited with no latency. No jobs, no failures, no events.
inline model::Fleet ChainFleet(int sites, double link_bps, Duration link_latency) {
  model::Fleet fleet = sim::SmallFleet();
  const model::Site first = fleet.sites[0];
  fleet.sites.clear();
  for (int s = 0; s < sites; ++s) {
    model::Site site = first;
    site.name = absl::StrCat("s", s);
    fleet.sites.push_back(std::move(site));
    fleet.wan.regions.push_back(absl::StrCat("r", s));
    fleet.wan.site_region.push_back(s);
    fleet.wan.site_uplink_bps.push_back(model::kUnlimitedBps);
    fleet.wan.site_uplink_latency.push_back(Duration{0});
    if (s > 0) fleet.wan.links.push_back({absl::StrCat("l", s), s - 1, s, link_bps, link_latency});
  }
  return fleet;
}

// What a scripted scheduler was told: the ids handed back, refused and ended, over all calls.
struct CallRecord {
  std::vector<int> preempted, refused, ended;
  int calls = 0;
};

// A global scheduler driven by a script: `script` sees each call's telemetry and fills the
// decision. Records what each call told it in `record` (may be null; must outlive the run).
class ScriptedScheduler : public sched::Scheduler {
 public:
  using Script = std::function<void(const sched::FleetTelemetry&, sched::PlacementDecision*)>;
  ScriptedScheduler(Script script, CallRecord* record)
      : script_(std::move(script)), record_(record) {}
  void Decide(const sched::FleetTelemetry& t, sched::PlacementDecision* out) override {
    if (record_ != nullptr) {
      for (const sched::JobRequest& r : t.preempted) record_->preempted.push_back(r.id);
      for (const sched::JobRequest& r : t.refused) record_->refused.push_back(r.id);
      for (int id : t.ended) record_->ended.push_back(id);
      ++record_->calls;
    }
    script_(t, out);
  }
  std::size_t queued() const override { return 0; }

 private:
  Script script_;
  CallRecord* record_;
};

// Checks, at one scheduler call, that no job is at two sites (a cross-site job: no learner of it
// twice at one site).
inline void ExpectOnePlace(const sched::FleetTelemetry& t) {
  std::set<int> seen;
  for (int s = 0; s < static_cast<int>(t.sites->size()); ++s) {
    std::set<int> here;
    for (const sched::RunningJob& j : t.running->At(s)) {
      EXPECT_TRUE(here.insert(j.id).second) << "job " << j.id << " twice at site " << s;
      if (!j.learner) {
        EXPECT_TRUE(seen.insert(j.id).second) << "job " << j.id << " at two sites";
      }
    }
  }
}

// The rows of `events` of `kind`, in order.
inline std::vector<sim::EventRecord> EventsOfKind(const sim::EventRows& events,
                                                  const std::string& kind) {
  std::vector<sim::EventRecord> out;
  for (const sim::EventRecord& e : events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

// The fleet's totals over its sites.
inline sim::SiteResult Totals(const sim::Result& r) {
  sim::SiteResult total = r.sites.at(0);
  for (size_t s = 1; s < r.sites.size(); ++s) total.Merge(r.sites[s]);
  return total;
}

// TrainingJob's jobs checkpoint every 30 min with a 6 s save, so they progress at kF of their
// GPUs' full speed (model::CheckpointUsefulFraction), and restore in 300 s when started after
// t = 0. The engine rounds each finish up by 1 ns: times are compared within kTolS.
inline constexpr double kF = 1.0 - 6.0 / 1800.0;
inline constexpr double kRestoreS = 300, kSaveS = 6;
inline constexpr double kTolS = 1e-6;

// A day of `fleet` under the quiet strategy with a ScriptedScheduler running `script`.
inline sim::Result RunScripted(const model::Fleet& fleet, ScriptedScheduler::Script script,
                               CallRecord* record = nullptr) {
  sim::Options o = sim::SmallOptions(std::chrono::hours(24));
  o.scheduler = [&](const model::Fleet&) {
    return std::make_unique<ScriptedScheduler>(script, record);
  };
  return sim::Simulate(fleet, sim::QuietStrategy(), o);
}

// The time of the only job_done row naming `job` (-1, and a failure, if none or several).
inline double DoneAt(const sim::Result& r, const std::string& job) {
  int n = 0;
  double at = -1;
  for (const sim::EventRecord& e : EventsOfKind(r.events, "job_done")) {
    if (e.subject == job) {
      ++n;
      at = ToSeconds(e.time);
    }
  }
  EXPECT_EQ(n, 1) << job << " done " << n << " times";
  return at;
}

// The per-job result named `name` (a failure, and the first job, if none).
inline const sim::JobResult& JobOf(const sim::Result& r, const std::string& name) {
  for (const sim::JobResult& j : r.jobs) {
    if (j.name == name) return j;
  }
  ADD_FAILURE() << "no job " << name;
  return r.jobs.at(0);
}

}  // namespace headroom

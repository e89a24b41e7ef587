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

}  // namespace headroom

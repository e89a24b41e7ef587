#pragma once
// sched::GreedyScheduler: first come, first fit, following the GPUs. The `earliest-start`
// baseline of the global scheduler's comparison: what multi-cluster batch schedulers do (each job
// starts as early as some site has room; nothing moves once placed).
//
// Policy:
//   - The queue is ordered by (priority, arrival, id). A new job is placed at once if it fits:
//     on its pinned site, else on the allowed site with the most free GPUs that can take it
//     (ties: the lower site index); a cross-site job on the `learners` allowed sites with the
//     most free GPUs that can each take a learner's share. Otherwise it waits.
//   - When capacity grows at a site, the waiting jobs that could go there (pinned to it, or to any
//     site) are tried there in queue order; a smaller job may pass a larger one that does not fit
//     (backfill). Jobs that failed before are not retried elsewhere: nothing grew there.
//   - Never preempts, never migrates, never detaches a learner, never wakes by itself.
// Cost: O(sites log sites) per arrival; O(jobs waiting for that site) per capacity change.

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sched/quota.h"
#include "sched/scheduler.h"

namespace headroom::sched {

class GreedyScheduler : public Scheduler {
 public:
  explicit GreedyScheduler(int sites) : pinned_(static_cast<size_t>(sites)) {}
  // With the teams' quotas (quota.h), kept as every scheduler keeps them.
  GreedyScheduler(int sites, std::vector<model::Team> teams, std::int64_t start_unix_s)
      : pinned_(static_cast<size_t>(sites)), quotas_(std::move(teams), start_unix_s) {}
  void Decide(const FleetTelemetry& t, PlacementDecision* out) override;
  std::size_t queued() const override { return requests_.size(); }

 private:
  bool Before(int x, int y) const;
  void Enqueue(const JobRequest& job);
  // Places `job` if some allowed site fits (a cross-site job: enough of them): returns whether it
  // did.
  bool TryPlace(const JobRequest& job, std::vector<SiteCapacity>* sites, PlacementDecision* out);
  void OnGrown(int site, std::vector<SiteCapacity>* sites, PlacementDecision* out);

  absl::flat_hash_map<int, JobRequest> requests_;  // waiting jobs by id
  std::vector<std::vector<int>> pinned_;           // per site: waiting pinned jobs, queue order
  std::vector<int> any_;                           // waiting jobs for any site, queue order
  std::vector<std::pair<int, int>> order_;         // scratch: (-free GPUs, site)
  std::vector<SiteCapacity> scratch_;              // Decide's booked copy of the capacity
  TeamQuotas quotas_;
  Time now_ = kTimeZero;  // this call's
};

}  // namespace headroom::sched

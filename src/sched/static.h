#pragma once
// sched::StaticScheduler: each job stays where it is assigned. The `static` baseline of the global
// scheduler's comparison: jobs go to the sites they are given, or round robin over the sites they
// may use, as a fleet without a global scheduler shares work out by hand.
//
// Policy:
//   - Assignment, once, when a job first arrives: a job that names a site (`site`) goes there;
//     otherwise the i-th such job in arrival order goes to the (i mod n)-th of its n allowed sites
//     (`sites`, or every site when empty), where i counts jobs without a site. A cross-site job
//     takes the next `learners` allowed sites round robin (the counter advances by `learners`);
//     one with fewer allowed sites than learners (or one naming a site) can never run and waits.
//   - A job is placed on its assigned site(s) as soon as it fits there (a cross-site job: a
//     learner's share at every one of them at once); otherwise it waits in that site's queue,
//     ordered by (priority, arrival, id). When a site's capacity grows, its waiting jobs are tried
//     in queue order; a smaller job may pass a larger one that does not fit (backfill).
//   - A refused or preempted job (the host's doing; this policy never preempts) waits again at
//     the same assignment.
//   - Never looks at forecasts, shed requests, costs or quotas; never preempts, migrates or
//     detaches a learner; never wakes by itself.
// Cost: O(learners) per arrival; O(jobs waiting at that site) per capacity change.

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sched/quota.h"
#include "sched/scheduler.h"

namespace headroom::sched {

class StaticScheduler : public Scheduler {
 public:
  // `sites`: the fleet's number of sites (the round robin of a job that allows any).
  explicit StaticScheduler(int sites) : waiting_(static_cast<size_t>(sites)) {}
  // With the teams' quotas (quota.h), kept as every scheduler keeps them.
  StaticScheduler(int sites, std::vector<model::Team> teams, std::int64_t start_unix_s)
      : waiting_(static_cast<size_t>(sites)), quotas_(std::move(teams), start_unix_s) {}
  void Decide(const FleetTelemetry& t, PlacementDecision* out) override;
  std::size_t queued() const override { return queued_; }

 private:
  struct Assigned {
    JobRequest request;
    std::vector<int> sites;  // ascending; a cross-site job: one per learner
    bool waiting = false;
  };

  // The sites of a job seen for the first time (advances the round robin).
  std::vector<int> Assign(const JobRequest& job);
  bool Before(int x, int y) const;
  // Places the job on its assigned sites if it fits on all of them now, else queues it there.
  void PlaceOrWait(int id, std::vector<SiteCapacity>* sites, PlacementDecision* out);
  // Whether the job fits on all its sites; if so books it and emits the placement.
  bool TryPlace(Assigned& a, std::vector<SiteCapacity>* sites, PlacementDecision* out);
  void OnGrown(int site, std::vector<SiteCapacity>* sites, PlacementDecision* out);

  std::vector<std::vector<int>> waiting_;    // per site: waiting job ids, queue order
  absl::flat_hash_map<int, Assigned> jobs_;  // every job not seen to end, by id
  std::int64_t round_robin_ = 0;             // jobs without a site so far (learners counted)
  std::size_t queued_ = 0;
  TeamQuotas quotas_;
  Time now_ = kTimeZero;               // this call's
  std::vector<SiteCapacity> scratch_;  // Decide's booked copy of the capacity
};

}  // namespace headroom::sched

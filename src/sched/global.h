#pragma once
// sched::GlobalScheduler: the `headroom` global scheduler. It places work where the power, the
// GPUs and the data are, moves work away from sites that are short, and keeps teams inside their
// quotas.
//
// Policy (docs/scheduler.md gives the reasoning and the figures):
//   - Queue order: (priority, arrival, id). A job is admitted only inside its team's quotas (GPUs
//     at once; GPU-hours per calendar month, charged at admission for its expected run at full
//     speed within the month and refunded for what it did not use when it ends).
//   - Gang placement: all of a job's GPUs at one site; a cross-site job's learners at `learners`
//     distinct sites (gpus / learners each) that can all reach one another over the WAN.
//   - Site score, USD per hour of the job there (lowest wins; ties: lower site index):
//       capacity cost   SiteCapacity::cost_usd_per_gpu_h x GPUs
//     + outage risk     (1 - availability) x w(priority) x V x GPUs
//     + data            seconds to stage its data set there (0 where a copy is: its home, or a
//                         site it was staged at; FleetTelemetry::data_bytes_left) / expected run
//                         x V x GPUs
//     + shortage        V x GPUs x (share of the job the forecast cannot carry)
//                         x (forecast shortage left / expected run, at most 1)
//     where V is the value of a GPU-hour of work (FleetInfo::work_value_usd_per_gpu_h) and
//     w = 10, 3, 1, 0.3 for critical, high, normal and preemptible work: critical work prefers
//     redundant sites, preemptible work cheap power and tents. A site with no route from the data
//     set's home is not a candidate.
//   - Waiting for the data: while no allowed site with a copy of the job's data set has room, a
//     site where it would have to be staged is not a candidate: the job waits, holding no GPUs,
//     and the best-scored such site with room gets a copy staged ahead of need
//     (sched::DataStaging; not while a copy asked for earlier is on its way to a site the job may
//     use, nor for a job placed by preempting). It starts when the copy lands (the host calls),
//     or when room frees at a site with a copy. With no copy on its way to a site it may use, it
//     waits at most as long as staging the whole data set would take (then it is placed to wait
//     for the data on its GPUs: waiting never costs more than twice staging at once, the
//     ski-rental bound); the scheduler wakes for that bound.
//   - Preemption: a job that fits nowhere may stop preemptible work of a lower priority class at
//     one allowed site; victims are those that lose the least work (GPUs x time since their last
//     checkpoint), and the site is the one where the victims lose least. Victims are re-queued.
//   - Movement: when a site asks for work to be taken away (SiteCapacity::shed_request_gpus) or
//     forecasts a shortage, the scheduler first detaches cross-site learners there (a job keeps
//     at least min_learners), then migrates running jobs (most important first) to the allowed
//     site with the best score that can carry them, when the shortage is forecast to last at
//     least kMoveMargin times the move (checkpoint over the WAN, or its data set staged at the
//     destination beside it if that takes longer, plus restore). The transfer is
//     estimated with every migration the scheduler decided that is still in flight (this call's
//     and earlier ones', until the job is seen running again): checkpoints leaving the site
//     share its access link's up direction, those arriving at the destination its down one,
//     max-min fairly (an in-flight checkpoint of R bytes delays one of B bytes by at most
//     min(R, B); R is taken whole, as the scheduler does not see how much has crossed). The
//     decision's reason states the move's cost, what it counted and the shortage it avoids.
//   - Detached learners are attached again when their site (or another allowed one) has room
//     and no shortage forecast.
// Cost: O(sites) per arrival; a pass over the queue (skipping in O(1) each job larger than any
// site's free GPUs) when capacity grows; O(running jobs at a short site) per shed request; while
// migrations are in flight, O(running jobs at their sites) per call to see which have arrived.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "sched/fleet_info.h"
#include "sched/quota.h"
#include "sched/scheduler.h"

namespace headroom::sched {

// A move is worth it when the shortage outlasts it this many times (a move stops the job for its
// whole duration; staying, it would run capped or paused for the shortage).
inline constexpr double kMoveMargin = 2.0;
// How long before a forecast shortage begins work is moved away from the site.
inline constexpr Duration kRelieveLead = std::chrono::hours(1);

class GlobalScheduler : public Scheduler {
 public:
  explicit GlobalScheduler(FleetInfo info);
  void Decide(const FleetTelemetry& t, PlacementDecision* out) override;
  std::size_t queued() const override { return queue_.size(); }

  // Team bookkeeping, for tests and reports: GPUs allocated now, GPU-hours charged this month.
  std::int64_t team_gpus(int team) const { return quotas_.gpus(team); }
  double team_charged_gpu_h(int team) const { return quotas_.charged_gpu_h(team); }
  // The score of `job` at `site` now (USD per hour; +inf: not a candidate). For tests.
  double Score(const JobRequest& job, int site, const SiteCapacity& capacity, Time now) const;

 private:
  struct Placed {
    JobRequest request;
    std::vector<int> sites;  // where its GPUs are (a cross-site job: attached learners)
    std::vector<int> detached;
  };

  // Sets the learner sites of each job in t.learners_dropped to where t.running shows them.
  void ResyncLearners(const FleetTelemetry& t);
  bool Before(const JobRequest& a, const JobRequest& b) const;
  void Enqueue(JobRequest job);
  void Release(int id, Time now);
  // Seconds to stage the data set `job` reads at `s` (0: a copy is there, or it reads none; +inf:
  // no route from its home). A cross-site job's learners read their shards where they run: 0.
  double DataSeconds(const JobRequest& job, int s) const;
  // What a job reading a data set may wait for: an allowed site with a copy and room now, and a
  // copy on its way to an allowed site (asked for ahead, or staged for a job held there).
  struct DataOutlook {
    bool copy_has_room = false;
    bool copy_coming = false;
  };
  DataOutlook Outlook(const JobRequest& job, Time now) const;  // O(sites)
  // Whether `job` should wait rather than be placed at `s`, where its data set has no copy: while
  // no allowed site with a copy has room, for a copy on its way to an allowed site, else for at
  // most the time staging the whole data set at `s` takes from when the job was queued. Records
  // when that wait ends (stage_wake_).
  bool WaitsForData(const JobRequest& job, int s, Time now, const DataOutlook& outlook);
  // Asks the host to stage the job's data set at `s` (-1: nowhere) ahead of need, unless a copy
  // asked for earlier is still on its way to a site the job may use.
  void Prefetch(const JobRequest& job, int s, Time now, PlacementDecision* out);
  // Places `job` at its best candidates if it fits; returns whether it did. If not, and it waits
  // for its data set, `prefetch_site` (if given) is the best site to stage a copy at (-1: none).
  bool TryPlace(const JobRequest& job, Time now, PlacementDecision* out,
                int* prefetch_site = nullptr);
  // Preempts work at one site to make room for `job`, then places it; returns whether it did.
  bool TryPreempt(const JobRequest& job, const FleetTelemetry& t, PlacementDecision* out);
  // Takes up to `gpus` GPUs of work away from site `s`.
  // Returns the GPUs of work it moved or detached.
  std::int64_t Relieve(int s, std::int64_t gpus, const FleetTelemetry& t, PlacementDecision* out);
  // Seconds for `bytes` of checkpoint to cross from `from` to `to`, sharing the two sites' access
  // links with the migrations in moving_ (+inf with no route). `counted`: what it counted, for
  // the decision's reason.
  double TransferSeconds(int from, int to, double bytes, std::string* counted) const;
  // Forgets the migrations in moving_ whose job runs again (at its destination, or still at its
  // origin: the host dropped the move). Reads the running view of their sites only.
  void ForgetArrivedMoves(const FleetTelemetry& t);
  void Reattach(const FleetTelemetry& t, PlacementDecision* out);
  void PassQueue(const FleetTelemetry& t, PlacementDecision* out);

  FleetInfo info_;
  std::vector<SiteCapacity> sites_;          // this call's booked copy of the capacity
  std::vector<JobRequest> queue_;            // waiting jobs in queue order
  absl::flat_hash_map<int, Placed> placed_;  // placed and not yet ended, by id
  absl::flat_hash_set<int> cross_site_;      // the ids in placed_ of jobs with learners
  absl::flat_hash_set<int> preempting_;      // preempted, not yet back in `preempted`
  TeamQuotas quotas_;
  // Per site: GPUs of work moved away for its present shed request or forecast (reset when its
  // controller says again what it needs).
  std::vector<std::int64_t> relieved_;
  // Migrations decided and not yet seen to end, by job id (ordered: sums over it are
  // deterministic). A migration ends when its job runs again, ends, or comes back to the queue.
  struct Move {
    int from = -1;
    int to = -1;
    double bytes = 0;  // its checkpoint
  };
  std::map<int, Move> moving_;
  std::vector<std::pair<double, int>> order_;  // scratch: (score, site)
  // Bytes of each data set still to arrive at each site ([dataset x sites + site]), from the
  // host's telemetry (until it says, each at its home only); when each queued job was queued
  // (its arrival, or its return from a preemption or refusal); the earliest end of a wait for a
  // data set's site (kTimeNever: none).
  std::vector<double> data_left_;
  absl::flat_hash_map<int, Time> queued_since_;
  Time stage_wake_ = kTimeNever;
  // Copies asked for ahead of need and not yet landed ([dataset x sites + site]), with when each
  // is given up (twice its time alone on the WAN).
  absl::flat_hash_map<int, Time> prefetching_;
};

}  // namespace headroom::sched

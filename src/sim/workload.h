#pragma once
// sim::Workload: the jobs as the twin runs them once placed. Their state machine, progress and
// checkpoints, failures and crashes, caps and brakes taking effect, their draw on the power tree
// and the views a site controller sees of them.
//
// States: a placed job is starting (restoring its last checkpoint; running at once at t = 0),
// running, saving (writing a checkpoint before a planned pause), paused, down (crashed with a rack
// dark: it restarts when all its racks have power) or done. Queued jobs are the scheduler host's
// (scheduler_host.h) until it starts them here.
//
// Invariants:
//   - Progress (GPU-seconds at full speed) is piecewise linear: progress + rate x (now - seg_start)
//     while running, constant otherwise. CloseSegment folds the open segment in (and books the
//     work the controller's caps, brakes and pauses withheld) before any change of state, cap,
//     brake or demand; progress never exceeds work_gpu_s.
//   - Checkpoints fall at run_origin + k x checkpoint_interval while a job runs, and a planned
//     pause writes one when its save completes; ckpt_progress is the progress at the last one. A
//     crash (power, failure, fault) or a stop rolls progress back to it and books the difference
//     as lost.
//   - A placed job's per-GPU draw (per_gpu_w) is in its racks' demand and, through its footprint,
//     in every ancestor's (power_tree.h AddJobDemand), and in its view. The site's sums over its
//     jobs (running GPUs and their uncapped draw, power withheld by caps, inference demand, service
//     and misses) are kept by Refresh, which every change of a job's power goes through.
//   - Only a running job has a pending finish timer (its work done at its rate, or the end of the
//     service's lifetime; none past the horizon) and failure timer (its failure budget spent at
//     its size, with a failure rate); only a starting or saving job a phase timer.
//   - A job is in SiteRt::views (JobRt::view its index) while placed and not done.
//
// Calls nothing but the world: releasing a done job's GPUs marks its site's capacity stale
// (World::MarkCapacityStale), and the caller of OnJobFinish offers them to the scheduler.

#include <functional>
#include <string>

#include "sim/state.h"
#include "sim/world.h"

namespace headroom::sim {

// Why a job crashed: the power (a trip or shed), its own failure process, or an equipment fault
// (counted as a failure, not as a power crash).
enum class CrashCause { kPower, kFailure, kFault };

class Workload {
 public:
  // REQUIRES: `world` outlives this.
  explicit Workload(World& world) : world_(world) {}

  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  // Event handlers (e.a is the job's id).
  void OnJobPhaseEnd(const QueuedEvent& e);  // restore done: running; save done: paused
  // The job's work is done (or the service's lifetime over): done, its GPUs released. Returns
  // whether it finished (false: the event was stale), so that the caller offers the GPUs.
  bool OnJobFinish(const QueuedEvent& e);
  void OnJobFailure(const QueuedEvent& e);  // a running job crashes
  void OnBrakeApply(const QueuedEvent& e);  // e.value > 0.5: the brake asserted
  void OnCapApply(const QueuedEvent& e);    // e.value: the cap in effect, W per GPU

  // Starts a queued job on site `s`, whose racks (job.placement, job.footprint) the scheduler host
  // has taken: its view appears, and it starts (runs at once at t = 0).
  void Start(JobRt& job, int s);

  // The controller's requests (controller_host.h). Each returns whether it changed anything.
  // A cap (REQUIRES: within the GPU's range; the job not done) takes effect after the actuation
  // delay; false if it is the pending cap already.
  bool WriteCap(JobRt& job, double cap_w);
  // A brake request (1: assert, 0: release) takes effect after the fast-shed delay.
  // REQUIRES: the job not done.
  void Brake(JobRt& job, double value);
  // Running: writes a checkpoint, then paused; starting: paused at once. Either way the job is
  // marked paused by control (its time paused counts as control cost).
  bool Pause(JobRt& job);
  bool Resume(JobRt& job);  // a paused job restores its checkpoint
  // Paused at once, losing the work since the last checkpoint (booked as control cost). False for
  // a job done, paused or down.
  bool Stop(JobRt& job);

  // Takes a placed job off its site (a preemption, or a migration's departure once its checkpoint
  // is written): its work so far credited to the site, its GPUs released (to idle), its view gone,
  // its timers cancelled; queued again (site -1), progress kept. Rolls nothing back: a caller
  // that stops running work first books the loss (StopForPreemption).
  void Leave(JobRt& job);
  // Rolls a placed job back to its last checkpoint, booking the work since as lost to
  // preemption. Returns the GPU-seconds lost.
  double StopForPreemption(JobRt& job);

  // Moves a placed job to `state`: the open segment closed, a new run's checkpoint origin set,
  // the GPUs released when done, the power and timers refreshed, the site touched.
  void SetJobState(JobRt& job, JobState state);
  // Recomputes a placed job's power, speed and rate after a change of cap, brake, state or
  // demand, and reschedules its finish and failure.
  void Refresh(JobRt& job);
  // Folds the open segment into progress, checkpoints and the site's useful work and control cost;
  // starts a new segment at now.
  void CloseSegment(JobRt& job);
  // Progress back to the last checkpoint, the loss booked; then restoring, or down if a rack of
  // the job is dark.
  void Crash(JobRt& job, CrashCause cause, const std::string& why);

  // Cross-site jobs (state.h CrossSiteRt). After a learner's state or speed changes: rebuilds the
  // exchange ring's WAN streams if the set of computing learners changed, then re-rates every
  // cross-site job (RateCrossSiteJobs) and reschedules the WAN.
  void UpdateCrossSite(CrossSiteRt& c);
  // Re-rates every placed cross-site job from its learners and its streams' WAN shares now (after
  // anything that changes WAN shares: a transfer added or delivered, a ring rebuilt).
  void RateCrossSiteJobs();
  // Adds the time since the job's last rating to its utilisation and goodput sums.
  void AccountCrossSite(CrossSiteRt& c);

  // Called when a job in a migration (JobRt::move_to >= 0) has a current checkpoint: its save
  // written, or its restore done. Set by the engine (the scheduler host's Depart); unset, such a
  // job simply stays.
  std::function<void(JobRt&)> on_depart;

  // The job's view. REQUIRES: placed and not done.
  JobView& View(JobRt& job) { return world_.Site(job.site).views[static_cast<size_t>(job.view)]; }

 private:
  // A placed job's view (what it is, where its GPUs are) appears and, once it is done, goes:
  // controllers see the jobs placed and not done, in no particular order.
  void AddView(JobRt& job, SiteRt& site);
  void RemoveView(JobRt& job, SiteRt& site);
  void ScheduleJobEvents(JobRt& job);
  void RateCrossSite(CrossSiteRt& c);
  // A learner finished the job's work: every learner done, the job counted once (at its first
  // placed learner's site). Returns whether it finished.
  bool FinishCrossSite(CrossSiteRt& c);
  // An inference service's demand at now (fraction of its capacity), stepping hourly.
  double InferenceDemand(const JobRt& job, int s) const;

  World& world_;
};

}  // namespace headroom::sim

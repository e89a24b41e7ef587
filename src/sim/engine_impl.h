#pragma once
// sim::Engine, internal to sim/: the event loop that ties the parts of the twin together.
//
// The parts, each in its own file:
//   event_queue.h      future events, ordered by (time, sequence), cancellable
//   plant.h            sources and the power balance (conservation)
//   power_tree.h       loads up the tree, breakers
//   ledger.h           exact integration of energy, cost, emissions, series
//   ramp.h             ramp-rate measurements
//   free_racks.h       the free-capacity index placement uses
//   event_log.h        the event log at its level, episodes collapsed as recorded
//   engine_jobs.cc     job states, the scheduler host (placement), checkpoints, failures
//   engine_protection.cc  breaker trips, under-frequency shedding, reclose
//   engine_scripted.cc    scripted grid and plant events, weather ticks, turbine units
//   engine_host.cc     hosting the site controllers: telemetry in, actions applied
//   engine.cc          setup, dispatch of each event to its handler, the loop, results
//
// Invariants of the loop:
//   - Time never goes back; events at one instant are all handled before any site settles.
//   - A site touched by an event is integrated up to the event's time before its state changes,
//     then re-balanced and its breakers judged once all events of that instant are handled; its
//     controller is called when something it must see happened (notify), at most once per
//     instant, and the site is settled again after the controller's actions.

#include <cstdint>
#include <string>
#include <vector>

#include "control/controller.h"
#include "model/fleet.h"
#include "sched/scheduler.h"
#include "sim/engine.h"
#include "sim/event_log.h"
#include "sim/event_queue.h"
#include "sim/ledger.h"
#include "sim/result.h"
#include "sim/state.h"

namespace headroom::sim {

enum class Ev : std::uint8_t {
  kJobArrival,
  kJobPhaseEnd,  // end of kStarting or kSaving
  kJobFinish,
  kJobFailure,
  kCapApply,
  kUnitReady,
  kUnitStep,
  kUnitRepaired,
  kExternalStart,
  kExternalEnd,
  kGridReconnect,
  kBatteryLimit,
  kBreakerTrip,
  kShortfallTrip,
  kReclose,
  kTick,
  kWake,
  kBrakeApply,
};

struct EventPayload {
  Ev type = Ev::kTick;
  int site = -1;
  int a = 0;  // job, unit, node, external event index
  double value = 0;
};

struct QueuedEvent {
  Time t;
  Ev type;
  int site;
  int a;
  double value;
};

class Engine {
 public:
  Engine(const model::Fleet& fleet, const control::Strategy& strategy, const Options& options);

  Result Run();

 private:
  // Setup (engine.cc).
  void BuildSite(int s);
  void InitialDispatch(int s);
  // Event loop (engine.cc).
  TimerId Push(Time t, Ev type, int site, int a, double value = 0) {
    return queue_.Push(t, {type, site, a, value});
  }
  // Cancels the timer `*id` names (if pending) and schedules a new one in its place.
  void Reschedule(TimerId* id, Time t, Ev type, int site, int a, double value = 0) {
    queue_.Cancel(*id);
    *id = Push(t, type, site, a, value);
  }
  // The next event: the earliest of the queue's and of the arrivals not yet delivered. Arrivals
  // are a sorted stream rather than queue entries (a fleet's future arrivals would be most of the
  // heap); at equal times they come first, in job order, as if pushed before anything else.
  bool HasEvent() const { return next_arrival_ < arrivals_.size() || !queue_.empty(); }
  // REQUIRES: HasEvent().
  Time NextEventTime() const {
    if (next_arrival_ < arrivals_.size()) {
      const Time a = ArrivalTime(next_arrival_);
      return queue_.empty() ? a : std::min(a, queue_.next_time());
    }
    return queue_.next_time();
  }
  bool NextIsArrival() const {
    return next_arrival_ < arrivals_.size() &&
           (queue_.empty() || ArrivalTime(next_arrival_) <= queue_.next_time());
  }
  Time ArrivalTime(size_t i) const {
    return fleet_.jobs[static_cast<size_t>(arrivals_[i])].arrival;
  }
  QueuedEvent PopEvent() {
    if (NextIsArrival()) {
      const int job = arrivals_[next_arrival_++];
      return {ArrivalTime(next_arrival_ - 1), Ev::kJobArrival, -1, job, 0};
    }
    auto fired = queue_.Pop();
    const EventPayload& p = fired.payload;
    return {fired.time, p.type, p.site, p.a, p.value};
  }
  void Handle(const QueuedEvent& e);
  void Integrate(int s, Time t) { sim::Integrate(sites_[static_cast<size_t>(s)], t, ledger_); }
  void Settle(int s);
  void CheckBreakers(int s);
  void Log(int s, std::string kind, std::string subject, double value, std::string detail = "") {
    if (!options_.record_events) return;
    event_log_.Record(now_, s, std::move(kind), std::move(subject), value, std::move(detail));
  }
  SiteRt& Site(int s) { return sites_[static_cast<size_t>(s)]; }
  // Marks site `s` for settling (balance, breakers, controller) at the end of this instant.
  void Touch(int s) {
    SiteRt& site = Site(s);
    if (!site.touched) {
      site.touched = true;
      touched_sites_.push_back(s);
    }
  }
  JobRt& Job(int id) { return jobs_[static_cast<size_t>(id)]; }

  // Controller hosting (engine_host.cc).
  void FillTelemetry(int s);  // site(s).telemetry from the plant and jobs now
  // A placed job's view (what it is, where its GPUs are) appears and, once it is done, goes:
  // controllers see the jobs placed and not done, in no particular order.
  void AddView(JobRt& job, SiteRt& site);
  void RemoveView(JobRt& job, SiteRt& site);
  void CallController(int s);
  void Apply(int s, const control::Action& a);
  void ApplyJobAction(int s, const control::Action& a);
  void ApplyPlantAction(int s, const control::Action& a);

  // Scripted events, weather, turbine units (engine_scripted.cc).
  void OnExternal(const QueuedEvent& e);
  void OnGridOutage(int s, const model::EventSpec& ev, bool start, const std::string& name);
  void OnVoltageSag(int s, const model::EventSpec& ev, const std::string& name);
  void OnFrequencyExcursion(int s, const model::EventSpec& ev, bool start, const std::string& name);
  void OnImportLimit(int s, int index, const model::EventSpec& ev, bool start,
                     const std::string& name);
  void OnTurbineTrip(int s, const model::EventSpec& ev);
  // Keeps the site off the grid until `until` (or later, if already so); re-evaluates the
  // connection now (with `why` in the log) unless `why` is empty.
  void DisconnectUntil(int s, Time until, const std::string& why);
  void OnUnitReady(const QueuedEvent& e);
  void OnUnitStep(const QueuedEvent& e);
  void OnUnitRepaired(const QueuedEvent& e);
  void OnBatteryLimit(const QueuedEvent& e);
  void OnTick(const QueuedEvent& e);
  void UpdateGrid(int s, const std::string& why);
  void ScheduleTick(int s);

  // Protection (engine_protection.cc).
  // Opens `node`: its jobs crash. A fault (an equipment failure) re-closes after `repair`, and
  // its crashes count as failures, not as power crashes.
  void Trip(int s, int node, const std::string& kind, const std::string& why, bool fault = false,
            Duration repair = Duration{0});
  void Reclose(int s, int node);
  // Ids of the jobs placed (not done) with GPUs under `node`, ascending.
  std::vector<int> JobsUnder(const SiteRt& site, int node);
  void OnBreakerTrip(const QueuedEvent& e);
  void OnShortfallTrip(const QueuedEvent& e);

  // Jobs (engine_jobs.cc).
  void OnJobArrival(const QueuedEvent& e);
  void OnJobPhaseEnd(const QueuedEvent& e);
  void OnJobFinish(const QueuedEvent& e);
  void OnJobFailure(const QueuedEvent& e);
  void OnBrakeApply(const QueuedEvent& e);
  void OnCapApply(const QueuedEvent& e);
  // Placement (hosting the sched::Scheduler): tells it of an arrival or of capacity grown at
  // `grown_site` (-1: none), and starts the jobs it places; placements a site refuses go back
  // to it in the next call.
  void CallScheduler(const JobRt* arrival, int grown_site);
  sched::JobRequest Request(const JobRt& job) const;
  void RefreshCapacity(int s);
  // Site `s`'s free-capacity index changed: refresh its summary before the next scheduler call.
  void MarkCapacityStale(int s) {
    SiteRt& site = Site(s);
    if (!site.capacity_stale) {
      site.capacity_stale = true;
      capacity_stale_.push_back(s);
    }
  }
  // Places a queued job on site `s` and starts it; false if the site cannot take it.
  bool StartAt(JobRt& job, int s);
  bool Place(JobRt& job, int s);
  void SetJobState(JobRt& job, JobState state);
  void Refresh(JobRt& job);  // recompute power, speed, rate after a cap/state/demand change
  void CloseSegment(JobRt& job);
  enum class CrashCause { kPower, kFailure, kFault };
  void Crash(JobRt& job, CrashCause cause, const std::string& why);
  void ScheduleJobEvents(JobRt& job);
  double InferenceDemand(const JobRt& job, int s) const;
  JobView& View(JobRt& job) {
    return sites_[static_cast<size_t>(job.site)].views[static_cast<size_t>(job.view)];
  }

  const model::Fleet& fleet_;
  const control::Strategy& strategy_;
  const Options& options_;
  LedgerParams ledger_;
  Rng rng_;
  Result result_;
  EventLog event_log_{options_.events};
  EventQueue<EventPayload> queue_;
  std::vector<int> arrivals_;  // ids of the jobs arriving before the horizon, by (arrival, id)
  size_t next_arrival_ = 0;    // the next of arrivals_ to deliver
  Time now_ = kTimeZero;
  Time horizon_ = kTimeZero;
  std::vector<SiteRt> sites_;
  std::vector<JobRt> jobs_;
  std::vector<int> touched_sites_;  // sites to settle at the end of this instant
  std::vector<int> trip_scratch_;
  std::unique_ptr<sched::Scheduler> scheduler_;
  std::vector<sched::SiteCapacity> capacity_;  // per site, refreshed when stale before each call
  std::vector<int> capacity_stale_;            // sites whose summary is stale
  std::vector<sched::JobRequest> refused_;     // for the next call
  sched::FleetTelemetry sched_telemetry_;
  sched::PlacementDecision sched_decision_;
};

}  // namespace headroom::sim

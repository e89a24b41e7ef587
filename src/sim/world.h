#pragma once
// sim::World: the state every part of the engine shares, and the few services they all use.
//
// One run's world: the fleet and strategy it runs, the clock, the future-event list and the
// arrival stream, the runtime state of every site and job (state.h), the event log and the
// result. The parts of the engine (workload.h, scheduler_host.h, protection.h, scripted.h,
// controller_host.h) each hold a reference to it; the Engine (engine_impl.h) owns it and them.
//
// Building a World builds what a run starts from: every site (its tree and breakers, turbine
// units, battery, free-capacity index, series and hosted controller), every job's runtime state
// (with its own random stream forked from the run's seed), the arrival stream and the timers of
// the scripted events (fleet.events). The engine builds it so; a unit test builds one the same way
// from a small fleet and drives a part directly.
//
// Invariants:
//   - now never goes back, and every pending event is at or after now (those after the horizon
//     are never handled).
//   - arrivals[next_arrival..] are the ids of the jobs still to arrive before the horizon, by
//     (arrival, id); at equal times they come before any queued event.
//   - touched_sites holds each site whose `touched` is set, once (to be settled at the end of the
//     instant); capacity_stale each site whose `capacity_stale` is set, once (its free capacity
//     changed since the scheduler's last summary of it).
//   - A site's ledger is integrated up to now (Integrate) before anything changes its powers.
//
// Not thread-safe: one run, one thread.

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/check.h"
#include "base/rng.h"
#include "base/time.h"
#include "control/controller.h"
#include "model/fleet.h"
#include "model/wan.h"
#include "sim/engine.h"
#include "sim/event_log.h"
#include "sim/event_queue.h"
#include "sim/ledger.h"
#include "sim/result.h"
#include "sim/state.h"

namespace headroom::sim {

// The kinds of event, and the part that handles each (the Engine dispatches them).
// The random streams of fleet job `job` and of learner `learner` of cross-site job `job`
// (Rng::Fork ids): distinct for up to 2^28 jobs and 2^20 learners a job (one a site).
inline std::uint64_t JobStream(size_t job) { return 0x10B0000 + std::uint64_t{job}; }
inline std::uint64_t LearnerStream(size_t job, int learner) {
  DCHECK(job < (std::size_t{1} << 28) && learner >= 0 && learner < (1 << 20));
  return (std::uint64_t{0x20B} << 48) | (std::uint64_t{job} << 20) |
         static_cast<std::uint64_t>(learner);
}

enum class Ev : std::uint8_t {
  kJobArrival,   // SchedulerHost: offer the job to the scheduler
  kJobPhaseEnd,  // Workload: end of kStarting or kSaving
  kJobFinish,    // Workload (then SchedulerHost: the GPUs freed)
  kJobFailure,   // Workload
  kCapApply,     // Workload: a written cap takes effect
  kUnitReady,    // ScriptedEvents: a turbine unit comes online
  kUnitStep,     // ScriptedEvents: a unit's next ramp step
  kUnitRepaired,
  kExternalStart,  // ScriptedEvents: a scripted event (fleet.events) begins or ends
  kExternalEnd,
  kGridReconnect,   // ScriptedEvents
  kBatteryLimit,    // ScriptedEvents: the battery reaches a bound
  kBreakerTrip,     // Protection: an overloaded node's trip time
  kShortfallTrip,   // Protection: under-frequency shedding
  kReclose,         // Protection
  kTick,            // ScriptedEvents: weather, prices, inference demand
  kWake,            // ControllerHost: the controller's own wake-up
  kBrakeApply,      // Workload: a brake request takes effect
  kRackBooted,      // Protection: a rack the controller powered on has booted
  kAnnounce,        // ScriptedEvents: a scripted event is announced (its notice)
  kFrequencyCheck,  // ScriptedEvents: the frequency relay's delay after leaving the band
  kRocofCheck,      // ScriptedEvents: a plant's RoCoF relay delay (a: plant index)
  kSchedulerWake,   // SchedulerHost: the scheduler's wake-up, or decisions to hand back
  kWanEvent,        // SchedulerHost: a WAN transfer drains or delivers
};

struct EventPayload {
  Ev type = Ev::kTick;
  int site = -1;
  int a = 0;  // job, unit, node, external event index
  double value = 0;
};

// An event as the parts receive it.
struct QueuedEvent {
  Time t;
  Ev type;
  int site;
  int a;
  double value;
};

struct World {
  // Builds the world of one run (see the top of this file). REQUIRES: the three outlive it;
  // fleet validated (config::LoadFleet does it).
  World(const model::Fleet& run_fleet, const control::Strategy& run_strategy,
        const Options& run_options);

  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Events.
  TimerId Push(Time t, Ev type, int site, int a, double value = 0) {
    return queue.Push(t, {type, site, a, value});
  }
  // Cancels the timer `*id` names (if pending) and schedules a new one in its place.
  void Reschedule(TimerId* id, Time t, Ev type, int site, int a, double value = 0) {
    queue.Cancel(*id);
    *id = Push(t, type, site, a, value);
  }
  // The next event: the earliest of the queue's and of the arrivals not yet delivered. Arrivals
  // are a sorted stream rather than queue entries (a fleet's future arrivals would be most of the
  // heap); at equal times they come first, in job order, as if pushed before anything else.
  bool HasEvent() const { return next_arrival < arrivals.size() || !queue.empty(); }
  // REQUIRES: HasEvent().
  Time NextEventTime() const {
    if (next_arrival < arrivals.size()) {
      const Time a = ArrivalTime(next_arrival);
      return queue.empty() ? a : std::min(a, queue.next_time());
    }
    return queue.next_time();
  }
  bool NextIsArrival() const {
    return next_arrival < arrivals.size() &&
           (queue.empty() || ArrivalTime(next_arrival) <= queue.next_time());
  }
  Time ArrivalTime(size_t i) const { return fleet.jobs[static_cast<size_t>(arrivals[i])].arrival; }
  // REQUIRES: HasEvent().
  QueuedEvent PopEvent() {
    if (NextIsArrival()) {
      const int job = arrivals[next_arrival++];
      return {ArrivalTime(next_arrival - 1), Ev::kJobArrival, -1, job, 0};
    }
    auto fired = queue.Pop();
    const EventPayload& p = fired.payload;
    return {fired.time, p.type, p.site, p.a, p.value};
  }

  // State.
  SiteRt& Site(int s) { return sites[static_cast<size_t>(s)]; }
  JobRt& Job(int id) { return jobs[static_cast<size_t>(id)]; }
  // Integrates site `s`'s ledger up to `t` (ledger.h).
  void Integrate(int s, Time t) { sim::Integrate(sites[static_cast<size_t>(s)], t, ledger); }
  // Marks site `s` for settling (balance, breakers, controller) at the end of this instant.
  void Touch(int s) {
    SiteRt& site = Site(s);
    if (!site.touched) {
      site.touched = true;
      touched_sites.push_back(s);
    }
  }
  // Site `s`'s free-capacity index changed (racks taken, freed, energized or de-energized): the
  // scheduler host refreshes its summary before its next call.
  void MarkCapacityStale(int s) {
    SiteRt& site = Site(s);
    if (!site.capacity_stale) {
      site.capacity_stale = true;
      capacity_stale.push_back(s);
    }
  }
  // Records an event of site `s` at now (event_log.h), unless the run records none.
  void Log(int s, std::string kind, std::string subject, double value, std::string detail = "") {
    if (!options.record_events) return;
    event_log.Record(now, s, std::move(kind), std::move(subject), value, std::move(detail));
  }

  const model::Fleet& fleet;
  const control::Strategy& strategy;
  const Options& options;
  LedgerParams ledger;
  Rng rng;
  Result result;
  EventLog event_log{options.events};
  EventQueue<EventPayload> queue;
  std::vector<int> arrivals;  // ids of the jobs arriving before the horizon, by (arrival, id)
  size_t next_arrival = 0;    // the next of arrivals to deliver
  Time now = kTimeZero;
  Time horizon = kTimeZero;
  std::vector<SiteRt> sites;
  std::vector<JobRt> jobs;
  std::vector<int> touched_sites;   // sites to settle at the end of this instant
  std::vector<int> capacity_stale;  // sites whose free-capacity summary is stale
  // Cross-site jobs (state.h CrossSiteRt) and their learners' specs (the parent's, with
  // gpus / learners GPUs; stable addresses).
  std::vector<CrossSiteRt> cross_site;
  std::deque<model::JobSpec> learner_specs;
  // The WAN: routes between sites (one region per site where the fleet gives none) and the
  // transfers and streams on it, shared max-min fairly (model/wan.h). ScheduleWan puts its next
  // drain or delivery in the queue (Ev::kWanEvent), replacing the previous one.
  std::unique_ptr<model::WanRoutes> wan_routes;
  std::unique_ptr<model::FlowSet> wan;
  TimerId wan_timer;
  void ScheduleWan();
  // Flows on the WAN go through these, which keep the bytes each resource carried by purpose
  // (migrations' checkpoints, cross-site exchanges, data sets staged at a site) for reports.
  enum WanPurpose { kWanMigration = 0, kWanExchange = 1, kWanDataset = 2 };
  std::uint64_t WanAdd(model::WanRoute route, double bytes, double demand_bps, WanPurpose purpose);
  void WanRemove(std::uint64_t id);  // credits the bytes it moved
  // The transfers delivered by now (their bytes credited).
  std::vector<model::FlowSet::Delivered> WanTakeDelivered();
  // Credits the bytes the flows still on the WAN moved (at the end of the run).
  void WanCreditLive();
  struct WanUse {
    WanPurpose purpose;
    std::vector<model::WanResourceId> resources;
    double bytes;
  };
  absl::flat_hash_map<std::uint64_t, WanUse> wan_uses;
  std::vector<std::array<double, 3>> wan_bytes;  // per resource, by WanPurpose
  // Sites whose controller changed what it asks of the scheduler (SiteRt::sched_*), for the
  // scheduler host's next call, each once.
  std::vector<int> forecast_changed;
};

}  // namespace headroom::sim

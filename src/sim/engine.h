#pragma once
// sim::Simulate: run one strategy over a fleet and return what happened.

#include <cstdint>
#include <functional>

#include "control/controller.h"
#include "model/fleet.h"
#include "sched/scheduler.h"
#include "sim/event_log.h"
#include "sim/result.h"

namespace headroom::sim {

struct Options {
  Duration horizon = std::chrono::hours(24 * 365);
  std::uint64_t seed = 1;
  Duration resolution = std::chrono::hours(1);  // time-series bucket
  bool record_events = true;                    // false: no event log, whatever `events` says
  EventLogOptions events;                       // level (default: every record) and episode gap
  // Builds the placement policy (sched/scheduler.h); empty: sched::GreedyScheduler.
  std::function<std::unique_ptr<sched::Scheduler>(const model::Fleet&)> scheduler;
  // Events' advance notice (model::EventSpec::notice) is ignored: each comes unannounced, for a
  // comparison of the same events with and without notice.
  bool ignore_notice = false;
  // Called now and then with the fraction of the horizon done (0..1). May be empty.
  std::function<void(double)> progress;
};

// Runs `strategy` over `fleet` (jobs and events already expanded; see model/generate.h) and
// returns KPIs, series and the event log. Deterministic: same inputs, same result.
// REQUIRES: fleet validated (config::LoadFleet does it).
Result Simulate(const model::Fleet& fleet, const control::Strategy& strategy,
                const Options& options);

}  // namespace headroom::sim

#pragma once
// The global schedulers by name, for the command line and the twin: `static` (each job to the site
// it names, else round robin; it waits there), `earliest-start` (each job to a site with room as
// soon as one has it; what multi-cluster batch schedulers do), `headroom` (sched::GlobalScheduler:
// follows the power, the cost and the data; preempts, migrates, detaches learners). None of them
// moves a job once placed except `headroom`.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/fleet.h"
#include "sched/scheduler.h"

namespace headroom::sched {

struct SchedulerKind {
  std::string name;
  std::string description;
};

// The three, in the order comparisons list them: static, earliest-start, headroom.
const std::vector<SchedulerKind>& AllSchedulers();

// Builds the scheduler named `name` for `fleet`; nullptr for an unknown name.
std::unique_ptr<Scheduler> MakeScheduler(std::string_view name, const model::Fleet& fleet);

// The scheduler a run uses unless told otherwise: `earliest-start` (first fit, as the twin placed
// jobs before the global scheduler existed).
inline constexpr std::string_view kDefaultScheduler = "earliest-start";

}  // namespace headroom::sched

#include "sched/factory.h"

#include "sched/fleet_info.h"
#include "sched/global.h"
#include "sched/greedy.h"
#include "sched/static.h"

namespace headroom::sched {

const std::vector<SchedulerKind>& AllSchedulers() {
  static const std::vector<SchedulerKind> kAll = {
      {"static", "each job to the site it names, else round robin; waits there; never moves"},
      {"earliest-start",
       "each job to the site with the most free GPUs that can take it now; never moves"},
      {"headroom",
       "scores sites by cost, reliability, data locality and forecast power; quotas; keeps work "
       "waiting for a site with its data while a copy is staged ahead; preempts, migrates and "
       "detaches cross-site learners away from short sites"},
  };
  return kAll;
}

std::unique_ptr<Scheduler> MakeScheduler(std::string_view name, const model::Fleet& fleet) {
  const int sites = static_cast<int>(fleet.sites.size());
  if (name == "static")
    return std::make_unique<StaticScheduler>(sites, fleet.teams, fleet.start_unix_s);
  if (name == "earliest-start")
    return std::make_unique<GreedyScheduler>(sites, fleet.teams, fleet.start_unix_s);
  if (name == "headroom") return std::make_unique<GlobalScheduler>(BuildFleetInfo(fleet));
  return nullptr;
}

}  // namespace headroom::sched

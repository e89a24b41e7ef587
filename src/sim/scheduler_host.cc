#include "sim/scheduler_host.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "sched/greedy.h"
#include "sim/power_tree.h"

namespace headroom::sim {

SchedulerHost::SchedulerHost(World& world, Workload& workload)
    : world_(world), workload_(workload) {
  const model::Fleet& fleet = world.fleet;
  scheduler_ = world.options.scheduler
                   ? world.options.scheduler(fleet)
                   : std::make_unique<sched::GreedyScheduler>(static_cast<int>(fleet.sites.size()));
  capacity_.resize(fleet.sites.size());
}

void SchedulerHost::OnJobArrival(const QueuedEvent& e) { CallScheduler(&world_.Job(e.a), -1); }

bool SchedulerHost::Place(JobRt& job, int s) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  FreeRacks& index = site.free_racks;
  int want = job.spec->gpus;
  if (site.free_gpus < want) return false;
  // One GPU model per job: the one it asks for, else that of the first energized rack with free
  // GPUs. First fit in file order over the energized racks of that model.
  int model = job.spec->gpu_model;
  if (model < 0) {
    const int first = index.Next();
    if (first < 0) return false;
    model = index.model(first);
  }
  if (index.energized_free(model) < want) return false;
  job.placement.clear();
  for (int p = index.Next(); p >= 0 && want > 0; p = index.Next(p)) {
    if (index.model(p) != model) continue;
    const int take = std::min(want, index.free(p));
    index.Take(p, take);
    site.free_gpus -= take;
    want -= take;
    const int rack = site.racks[static_cast<size_t>(p)];
    job.placement.emplace_back(rack, take);
  }
  job.footprint = Footprint(site, job.placement);
  world_.MarkCapacityStale(s);
  return true;
}

sched::JobRequest SchedulerHost::Request(const JobRt& job) const {
  sched::JobRequest r;
  r.id = job.id;
  r.gpus = job.spec->gpus;
  r.gpu_model = job.spec->gpu_model;
  r.site = job.spec->site;
  r.priority = static_cast<int>(job.spec->priority);
  r.arrival = job.spec->arrival;
  r.sites = job.spec->sites;
  r.team = job.spec->team;
  r.dataset = job.spec->dataset;
  r.preemptible = job.spec->preemptible;
  r.checkpoint_bytes = job.spec->checkpoint_bytes;
  r.restore_time = job.spec->restore_time;
  return r;
}

void SchedulerHost::RefreshCapacity(int s) {
  const FreeRacks& index = world_.Site(s).free_racks;
  sched::SiteCapacity& c = capacity_[static_cast<size_t>(s)];
  c.free_gpus = world_.Site(s).free_gpus;
  const int first = index.Next();
  c.first_free_model = first < 0 ? -1 : index.model(first);
  c.free_by_model.resize(world_.fleet.gpus.size());
  for (size_t m = 0; m < world_.fleet.gpus.size(); ++m) {
    c.free_by_model[m] = index.energized_free(static_cast<int>(m));
  }
}

void SchedulerHost::CallScheduler(const JobRt* arrival, int grown_site) {
  sched::FleetTelemetry& t = telemetry_;
  t.now = world_.now;
  t.sites = &capacity_;
  t.arrivals.clear();
  t.grown.clear();
  t.refused = std::move(refused_);
  refused_.clear();
  if (arrival != nullptr) t.arrivals.push_back(Request(*arrival));
  if (grown_site >= 0) t.grown.push_back(grown_site);
  // Only the sites whose racks were taken, freed, energized or de-energized since the last call.
  for (int s : world_.capacity_stale) {
    RefreshCapacity(s);
    world_.Site(s).capacity_stale = false;
  }
  world_.capacity_stale.clear();
  decision_.Clear();
  scheduler_->Decide(t, &decision_);
  for (const sched::Placement& p : decision_.placements) {
    JobRt& job = world_.Job(p.job);
    if (!StartAt(job, p.site)) refused_.push_back(Request(job));
  }
}

bool SchedulerHost::StartAt(JobRt& job, int s) {
  if (job.state != JobState::kQueued || job.site >= 0 || s < 0 ||
      s >= static_cast<int>(world_.sites.size()) || (job.spec->site >= 0 && job.spec->site != s) ||
      !Place(job, s)) {
    return false;
  }
  workload_.Start(job, s);
  return true;
}

}  // namespace headroom::sim

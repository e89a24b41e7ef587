// SchedulerHost's data sets (scheduler_host.h, "Data sets"): copies staged over the WAN, jobs held
// on their racks until a copy lands, copies a scheduler asks for ahead of need.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "base/check.h"
#include "sim/power_tree.h"
#include "sim/scheduler_host.h"

namespace headroom::sim {

bool SchedulerHost::NeedsData(const JobRt& job, int s) const {
  const int d = job.spec->dataset;
  return !job.learner && d >= 0 && d < static_cast<int>(world_.fleet.datasets.size()) &&
         data_here_[static_cast<size_t>(DataKey(d, s))] == 0;
}

bool SchedulerHost::Reaches(int d, int s) const {
  const std::vector<int>& reach = data_reach_[static_cast<size_t>(d)];
  return reach.empty() || std::binary_search(reach.begin(), reach.end(), s);
}

bool SchedulerHost::DataReachable(const JobRt& job, int s) const {
  return !NeedsData(job, s) || Reaches(job.spec->dataset, s);
}

void SchedulerHost::Stage(const JobRt& job, int s) {
  StageDataset(job.spec->dataset, s, "for job " + job.spec->name);
}

void SchedulerHost::StageDataset(int d, int s, const std::string& why) {
  const int key = DataKey(d, s);
  if (data_here_[static_cast<size_t>(key)] != 0 || data_flow_[static_cast<size_t>(key)] != 0)
    return;
  const model::Dataset& ds = world_.fleet.datasets[static_cast<size_t>(d)];
  std::optional<model::WanRoute> route = world_.wan_routes->Route(ds.home_site, s);
  DCHECK(route.has_value());  // DataReachable first
  if (!route) return;
  const std::uint64_t flow =
      world_.WanAdd(std::move(*route), ds.size_bytes, model::kUnlimitedBps, World::kWanDataset);
  data_flow_[static_cast<size_t>(key)] = flow;
  stagings_[flow] = key;
  world_.Log(s, "data_staging", ds.name, ds.size_bytes / 1e9,
             absl::StrFormat("GB to stage from %s over the WAN (%s)",
                             world_.Site(ds.home_site).spec->name, why));
  workload_.RateCrossSiteJobs();  // the transfer takes a share of links their streams use
  world_.ScheduleWan();
}

void SchedulerHost::StageAhead(const sched::DataStaging& st) {
  const int datasets = static_cast<int>(world_.fleet.datasets.size());
  const int sites = static_cast<int>(world_.sites.size());
  const bool valid = st.dataset >= 0 && st.dataset < datasets && st.site >= 0 && st.site < sites;
  const model::Dataset* ds =
      valid ? &world_.fleet.datasets[static_cast<size_t>(st.dataset)] : nullptr;
  if (ds == nullptr || ds->home_site < 0 || !Reaches(st.dataset, st.site)) {
    world_.Log(valid ? st.site : 0, "data_staging_dropped", ds != nullptr ? ds->name : "", 0,
               "GB; no such data set or site, or no route from its home");
    return;
  }
  StageDataset(st.dataset, st.site, "ahead of need: " + st.reason);
}

void SchedulerHost::HoldForData(JobRt& job, int s) {
  job.reserved = std::move(job.placement);
  job.placement.clear();
  job.footprint.clear();
  job.move_to = s;
  WaitForData(job, s);
}

void SchedulerHost::WaitForData(JobRt& job, int s) {
  job.awaiting_data = true;
  job.data_since = world_.now;
  std::vector<int>& waiting = data_waiting_[static_cast<size_t>(DataKey(job.spec->dataset, s))];
  waiting.insert(std::upper_bound(waiting.begin(), waiting.end(), job.id), job.id);
  Stage(job, s);
}

void SchedulerHost::CountMoveDone(JobRt& job, int to) {
  if (job.move_started == kTimeNever) return;
  ++world_.Site(to).result.migrations_in;
  ++job.migrations;
  const Duration lost = world_.now + job.spec->restore_time - job.move_started;
  job.move_lost_s += ToSeconds(lost);
  job.move_started = kTimeNever;
  world_.Log(to, "migration_done", job.spec->name, ToSeconds(lost),
             "s from the move's start until it runs again (restore included)");
}

void SchedulerHost::StartHeld(JobRt& job, int to) {
  SiteRt& site = world_.Site(to);
  job.move_to = -1;
  job.move_flow = 0;
  if (job.awaiting_data) {
    const double waited = ToSeconds(world_.now - job.data_since);
    job.data_wait_s += waited;
    site.result.data_wait_gpu_s += waited * job.spec->gpus;
    job.awaiting_data = false;
    job.data_since = kTimeNever;
  }
  job.placement = std::move(job.reserved);
  job.reserved.clear();
  job.footprint = Footprint(site, job.placement);
  workload_.Start(job, to);
  bool ready = true;
  for (const auto& [rack, n] : job.placement)
    ready = ready && RackReady(site.nodes[static_cast<size_t>(rack)]);
  if (!ready) workload_.SetJobState(job, JobState::kDown);
  CountMoveDone(job, to);
}

void SchedulerHost::OnDataStaged(int key) {
  const size_t sites = world_.sites.size();
  const model::Dataset& ds = world_.fleet.datasets[static_cast<size_t>(key) / sites];
  const int s = key % static_cast<int>(sites);
  data_here_[static_cast<size_t>(key)] = 1;
  data_flow_[static_cast<size_t>(key)] = 0;
  data_left_[static_cast<size_t>(key)] = 0;
  world_.Site(s).result.dataset_bytes_in += ds.size_bytes;
  std::vector<int> waiting = std::move(data_waiting_[static_cast<size_t>(key)]);
  data_waiting_[static_cast<size_t>(key)].clear();
  world_.Log(s, "data_staged", ds.name, ds.size_bytes / 1e9,
             absl::StrFormat("GB staged from %s; %d job(s) waiting start",
                             world_.Site(ds.home_site).spec->name, waiting.size()));
  for (int id : waiting) {
    JobRt& job = world_.Job(id);
    if (job.awaiting_data && job.move_to == s && job.move_flow == 0) StartHeld(job, s);
  }
  CallSoon();  // jobs the scheduler keeps for this copy may start
}

void SchedulerHost::CloseDataWaits() {
  for (std::vector<int>& waiting : data_waiting_) {
    for (int id : waiting) {
      JobRt& job = world_.Job(id);
      if (!job.awaiting_data) continue;
      const double waited = ToSeconds(world_.now - job.data_since);
      job.data_wait_s += waited;
      world_.Site(job.move_to).result.data_wait_gpu_s += waited * job.spec->gpus;
      job.data_since = world_.now;
    }
  }
}

}  // namespace headroom::sim

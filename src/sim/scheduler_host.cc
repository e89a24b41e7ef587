#include "sim/scheduler_host.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_format.h"
#include "base/check.h"
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
  const size_t copies = fleet.datasets.size() * fleet.sites.size();
  data_here_.assign(copies, 0);
  data_flow_.assign(copies, 0);
  data_waiting_.assign(copies, {});
  data_left_.assign(copies, 0);
  data_reach_.assign(fleet.datasets.size(), {});
  for (size_t d = 0; d < fleet.datasets.size(); ++d) {
    const model::Dataset& ds = fleet.datasets[d];
    // The sites a copy can reach (all of them: left empty).
    std::vector<int> reach;
    for (size_t s = 0; s < fleet.sites.size(); ++s) {
      if (ds.home_site < 0 || ds.size_bytes <= 0 || static_cast<size_t>(ds.home_site) == s ||
          world.wan_routes->Route(ds.home_site, static_cast<int>(s)))
        reach.push_back(static_cast<int>(s));
    }
    if (reach.size() < fleet.sites.size()) data_reach_[d] = std::move(reach);
    for (size_t s = 0; s < fleet.sites.size(); ++s) {
      // A data set with no home, or of no bytes, is everywhere (nothing to stage).
      const bool here =
          ds.home_site < 0 || ds.size_bytes <= 0 || static_cast<size_t>(ds.home_site) == s;
      data_here_[d * fleet.sites.size() + s] = here ? 1 : 0;
      data_left_[d * fleet.sites.size() + s] = here ? 0.0 : ds.size_bytes;
    }
  }
}

void SchedulerHost::OnJobArrival(const QueuedEvent& e) { CallScheduler(&world_.Job(e.a), -1); }

void SchedulerHost::OnJobEnded(const JobRt& job, int site) {
  ended_.push_back(job.id);
  CallScheduler(nullptr, site);
}

void SchedulerHost::OnWake(const QueuedEvent& /*e*/) { CallScheduler(nullptr, -1); }

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
  // The site's ledger up to now before its allocation changes (an arrival, or a decision made for
  // another site's event, is not an event of this site): a per-GPU-hour lease charges from here.
  world_.Integrate(s, world_.now);
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
  const model::JobSpec& spec = *job.spec;
  sched::JobRequest r;
  r.id = job.id;
  r.gpus = spec.gpus;
  r.gpu_model = spec.gpu_model;
  r.site = spec.site;
  r.priority = static_cast<int>(spec.priority);
  r.arrival = spec.arrival;
  r.sites = spec.sites;
  // A job reading a data set is offered only the sites a copy can reach (a cross-site job's
  // learners read their shards where they run).
  if (spec.dataset >= 0 && spec.dataset < static_cast<int>(data_reach_.size()) &&
      !spec.cross_site && !job.learner && !data_reach_[static_cast<size_t>(spec.dataset)].empty()) {
    const std::vector<int>& reach = data_reach_[static_cast<size_t>(spec.dataset)];
    if (r.sites.empty()) {
      r.sites = reach;
    } else {
      std::vector<int> both;
      std::set_intersection(r.sites.begin(), r.sites.end(), reach.begin(), reach.end(),
                            std::back_inserter(both));
      DCHECK(!both.empty());  // the loader refuses a job none of whose sites its data reaches
      r.sites = std::move(both);
    }
  }
  r.team = spec.team;
  r.dataset = spec.dataset;
  r.preemptible = spec.preemptible;
  r.checkpoint_bytes = spec.checkpoint_bytes;
  r.restore_time = spec.restore_time;
  if (spec.cross_site) {
    r.learners = spec.cross_site->learners;
    r.min_learners = spec.cross_site->min_learners;
  }
  if (spec.kind == model::WorkloadKind::kInference) {
    const Time started = job.first_start == kTimeNever ? world_.now : job.first_start;
    r.expected_run = spec.lifetime == Duration::max() || spec.lifetime <= world_.now - started
                         ? Duration{0}
                         : spec.lifetime - (world_.now - started);
  } else {
    r.expected_run = FromSeconds(std::max(0.0, spec.work_gpu_s - job.progress) / spec.gpus);
  }
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

// The site's marginal cost of a GPU-hour now and what its controller asks of the scheduler.
void SchedulerHost::RefreshOutlook(int s) {
  const SiteRt& site = world_.Site(s);
  const model::Site& spec = *site.spec;
  sched::SiteCapacity& c = capacity_[static_cast<size_t>(s)];
  // A GPU at full draw with its host's share, through the cooling: at the grid's price where
  // the site has one, else at the first plant's fuel.
  const int model =
      site.racks.empty() ? 0 : spec.tree[static_cast<size_t>(site.racks[0])].gpu_model;
  const model::GpuModel& gpu = world_.fleet.gpus[static_cast<size_t>(std::max(0, model))];
  double usd_per_j = site.price;
  if (!spec.grid.present && !spec.plants.empty() && !spec.plants[0].units.empty()) {
    const model::TurbineUnit& u = spec.plants[0].units[0];
    usd_per_j = u.heat_rate * u.fuel_price_usd_per_j;
  }
  c.cost_usd_per_gpu_h = usd_per_j * kSecondsPerHour * (gpu.tdp_w + gpu.host_w) * site.pue +
                         spec.economics.lease_usd_per_gpu_h;
  const double per_gpu_w =
      site.running_gpus > 0 ? site.running_full_w / site.running_gpus : gpu.tdp_w;
  // In GPUs, bounded well inside int64 (a forecast of more than 1e15 GPUs means none).
  constexpr double kMaxGpus = 1e15;
  const double per_gpu = std::max(per_gpu_w, 1.0);
  c.shed_request_gpus = site.sched_move_away_w > 0
                            ? static_cast<std::int64_t>(
                                  std::ceil(std::min(kMaxGpus, site.sched_move_away_w / per_gpu)))
                            : 0;
  c.forecast_spare_gpus =
      std::isfinite(site.sched_spare_w) && std::fabs(site.sched_spare_w / per_gpu) < kMaxGpus
          ? static_cast<std::int64_t>(std::floor(site.sched_spare_w / per_gpu))
          : INT64_MAX;
  c.short_until = site.sched_short_until;
  c.short_from = site.sched_short_from;
}

void SchedulerHost::CallSoon() {
  if (!world_.queue.Pending(soon_timer_))
    soon_timer_ = world_.Push(world_.now, Ev::kSchedulerWake, -1, 0);
}

void SchedulerHost::CallScheduler(const JobRt* arrival, int grown_site) {
  sched::FleetTelemetry& t = telemetry_;
  t.now = world_.now;
  t.sites = &capacity_;
  t.running = this;
  t.arrivals.clear();
  t.grown.clear();
  t.forecast_changed.clear();
  t.refused = std::move(refused_);
  refused_.clear();
  t.refused.insert(t.refused.end(), refused_later_.begin(), refused_later_.end());
  refused_later_.clear();
  t.preempted = std::move(preempted_);
  preempted_.clear();
  t.ended = std::move(ended_);
  ended_.clear();
  t.learners_dropped = std::move(learners_dropped_);
  learners_dropped_.clear();
  std::sort(t.learners_dropped.begin(), t.learners_dropped.end());
  t.learners_dropped.erase(std::unique(t.learners_dropped.begin(), t.learners_dropped.end()),
                           t.learners_dropped.end());
  if (arrival != nullptr) t.arrivals.push_back(Request(*arrival));
  if (grown_site >= 0) t.grown.push_back(grown_site);
  t.grown.insert(t.grown.end(), grown_.begin(), grown_.end());
  grown_.clear();
  std::sort(t.grown.begin(), t.grown.end());
  t.grown.erase(std::unique(t.grown.begin(), t.grown.end()), t.grown.end());
  // Only the sites whose racks were taken, freed, energized or de-energized since the last call.
  for (int s : world_.capacity_stale) {
    RefreshCapacity(s);
    world_.Site(s).capacity_stale = false;
  }
  world_.capacity_stale.clear();
  for (int s = 0; s < static_cast<int>(world_.sites.size()); ++s) RefreshOutlook(s);
  std::sort(world_.forecast_changed.begin(), world_.forecast_changed.end());
  for (int s : world_.forecast_changed) {
    t.forecast_changed.push_back(s);
    world_.Site(s).forecast_changed = false;
  }
  world_.forecast_changed.clear();
  if (!stagings_.empty()) world_.wan->AdvanceTo(world_.now);  // bytes moved by now
  for (const auto& [flow, key] : stagings_) {
    const model::Dataset& ds =
        world_.fleet.datasets[static_cast<size_t>(key) / world_.sites.size()];
    // At least a byte until the copy has landed (its last byte sent, the route's latency not yet
    // over): 0 means a copy is there.
    data_left_[static_cast<size_t>(key)] =
        std::max(1.0, ds.size_bytes - world_.wan->bytes_moved(flow));
  }
  t.data_bytes_left = &data_left_;
  // A job that was to leave but was stopped or paused by its controller, or crashed, while it
  // saved has a current checkpoint all the same (a stop and a crash roll back to it): it leaves now
  // rather than wait paused for a resume the shortage will not give.
  for (size_t i = 0; i < leaving_.size();) {
    JobRt& job = world_.Job(leaving_[i]);
    if (job.move_to >= 0 && job.site >= 0 && job.state != JobState::kSaving &&
        job.state != JobState::kRunning) {
      leaving_[i] = leaving_.back();
      leaving_.pop_back();
      Depart(job);
    } else if (job.move_to < 0 || job.site < 0) {
      leaving_[i] = leaving_.back();
      leaving_.pop_back();
    } else {
      ++i;
    }
  }
  std::sort(leaving_.begin(), leaving_.end());
  decision_.Clear();
  scheduler_->Decide(t, &decision_);
  for (const sched::Preemption& p : decision_.preemptions) Preempt(p);
  for (const sched::LearnerChange& c : decision_.learners) ChangeLearner(c);
  for (const sched::Migration& m : decision_.migrations) Migrate(m);
  for (const sched::DataStaging& st : decision_.stagings) StageAhead(st);
  for (const sched::Placement& p : decision_.placements) {
    if (p.job < 0 || p.job >= static_cast<int>(world_.fleet.jobs.size())) continue;
    JobRt& job = world_.Job(p.job);
    const bool ok = job.cross >= 0 ? StartLearners(job, p.learner_sites) : StartAt(job, p.site);
    if (ok) continue;
    // A site the job's data set cannot reach stays so: handed back at the next call, not at once
    // (a scheduler that does not look at data would place it there again at once, and again).
    const bool no_route = job.cross < 0 && p.site >= 0 &&
                          p.site < static_cast<int>(world_.sites.size()) &&
                          !DataReachable(job, p.site);
    (no_route ? refused_later_ : refused_).push_back(Request(job));
  }
  // (Not for a dropped learner change: the scheduler learns of it at its next call, which a
  // change retried at once could not outrun.)
  if (!refused_.empty() || !preempted_.empty() || !grown_.empty()) CallSoon();
  // Refusals for want of a route to the data come back at the next call; an hour on at the
  // latest (a scheduler that asked for no wake-up must still hear of them).
  if (!refused_later_.empty() && !world_.queue.Pending(later_timer_) &&
      world_.now + kRefusedLater <= world_.horizon)
    later_timer_ = world_.Push(world_.now + kRefusedLater, Ev::kSchedulerWake, -1, 0);
  world_.queue.Cancel(wake_timer_);  // the latest decision's wake-up replaces the previous one
  if (decision_.next_wake != kTimeNever && decision_.next_wake > world_.now) {
    if (decision_.next_wake <= world_.horizon)
      wake_timer_ = world_.Push(decision_.next_wake, Ev::kSchedulerWake, -1, 0);
  }
}

bool SchedulerHost::StartAt(JobRt& job, int s) {
  if (job.state != JobState::kQueued || job.site >= 0 || job.move_to >= 0 || s < 0 ||
      s >= static_cast<int>(world_.sites.size()) || (job.spec->site >= 0 && job.spec->site != s) ||
      (!job.spec->sites.empty() &&
       !std::binary_search(job.spec->sites.begin(), job.spec->sites.end(), s)) ||
      !DataReachable(job, s) || !Place(job, s)) {
    return false;
  }
  if (NeedsData(job, s)) {
    HoldForData(job, s);
    return true;
  }
  workload_.Start(job, s);
  return true;
}

bool SchedulerHost::StartLearners(JobRt& job, const std::vector<int>& sites) {
  CrossSiteRt& c = world_.cross_site[static_cast<size_t>(job.cross)];
  if (c.placed || job.state != JobState::kQueued || sites.size() != c.learners.size()) return false;
  std::vector<int> sorted = sites;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return false;
  // A start that fails part way is undone whole: the learners started leave, and neither their
  // first start, the sites they visited nor the sites' placement counts keep a trace of it.
  struct Before {
    Time first_start;
    size_t visited;
  };
  std::vector<Before> before;
  for (int id : c.learners)
    before.push_back({world_.Job(id).first_start, world_.Job(id).visited.size()});
  for (size_t k = 0; k < sites.size(); ++k) {
    JobRt& l = world_.Job(c.learners[k]);
    if (!StartAt(l, sites[k])) {
      for (size_t j = 0; j < k; ++j) {
        JobRt& started = world_.Job(c.learners[j]);
        --world_.Site(started.site).result.jobs_placed;
        workload_.Leave(started);
        started.first_start = before[j].first_start;
        started.visited.resize(before[j].visited);
      }
      return false;
    }
  }
  c.placed = true;
  c.since = world_.now;
  workload_.UpdateCrossSite(c);  // the learners started with the job not yet placed
  return true;
}

void SchedulerHost::ChangeLearner(const sched::LearnerChange& ch) {
  if (ch.job < 0 || ch.job >= static_cast<int>(world_.fleet.jobs.size())) return;
  JobRt& parent = world_.Job(ch.job);
  if (parent.cross < 0) return;
  CrossSiteRt& c = world_.cross_site[static_cast<size_t>(parent.cross)];
  if (!c.placed) return;
  // At most one learner of a job per site: an attach where one runs already is dropped.
  const bool here = std::any_of(c.learners.begin(), c.learners.end(), [&](int id) {
    return world_.Job(id).site == ch.site && world_.Job(id).state != JobState::kDone;
  });
  for (int id : c.learners) {
    if (ch.attach && here) break;
    JobRt& l = world_.Job(id);
    if (!ch.attach && l.site == ch.site && l.state != JobState::kDone) {
      world_.Log(ch.site, "learner_detached", l.spec->name, l.spec->gpus, "GPUs; " + ch.reason);
      world_.Touch(ch.site);
      workload_.Leave(l);
      workload_.UpdateCrossSite(c);
      return;
    }
    if (ch.attach && l.site < 0 && l.state == JobState::kQueued && StartAt(l, ch.site)) {
      world_.Log(ch.site, "learner_attached", l.spec->name, l.spec->gpus, "GPUs; " + ch.reason);
      return;
    }
  }
  learners_dropped_.push_back(ch.job);
  world_.Log(std::max(0, ch.site), "learner_change_dropped", parent.spec->name, 0,
             "GPUs; no learner of the job to change there");
}

// ------------------------------------------------------------------------------------------------
// Preemption and migration

void SchedulerHost::Preempt(const sched::Preemption& p) {
  if (p.job < 0 || p.job >= static_cast<int>(world_.jobs.size())) return;
  JobRt& job = world_.Job(p.job);
  if (job.site != p.site || job.move_to >= 0 || job.state == JobState::kDone ||
      job.state == JobState::kQueued) {
    world_.Log(std::max(0, p.site), "preemption_dropped", job.spec->name, 0,
               "s; the job is not running where the scheduler said");
    return;
  }
  SiteRt& site = world_.Site(job.site);
  const double lost = workload_.StopForPreemption(job);
  ++site.result.preemptions;
  ++job.preemptions;
  world_.Log(job.site, "job_preempted", job.spec->name, lost / kSecondsPerHour,
             "GPU-h lost; " + p.reason);
  world_.Touch(job.site);
  workload_.Leave(job);
  preempted_.push_back(Request(job));
  CallSoon();
}

void SchedulerHost::Migrate(const sched::Migration& m) {
  if (m.job < 0 || m.job >= static_cast<int>(world_.jobs.size())) return;
  JobRt& job = world_.Job(m.job);
  const bool can_leave = job.state == JobState::kRunning || job.state == JobState::kStarting ||
                         job.state == JobState::kSaving || job.state == JobState::kPaused;
  const bool allowed = m.to >= 0 && (job.spec->site < 0 || job.spec->site == m.to) &&
                       (job.spec->sites.empty() ||
                        std::binary_search(job.spec->sites.begin(), job.spec->sites.end(), m.to));
  if (job.site != m.from || job.move_to >= 0 || !can_leave || !allowed || m.to == m.from ||
      m.to >= static_cast<int>(world_.sites.size()) || !world_.wan_routes->Route(m.from, m.to) ||
      !DataReachable(job, m.to)) {
    world_.Log(std::max(0, m.from), "migration_dropped", job.spec->name, 0,
               "s; the job is not where the scheduler said, or cannot leave now");
    return;
  }
  // The destination's racks are held for it from now (the scheduler booked them): nothing else
  // is placed there while its checkpoint travels.
  std::vector<std::pair<int, int>> here = std::move(job.placement);
  std::vector<std::pair<int, int>> here_footprint = std::move(job.footprint);
  const bool held = Place(job, m.to);
  job.reserved = held ? std::move(job.placement) : std::vector<std::pair<int, int>>{};
  job.placement = std::move(here);
  job.footprint = std::move(here_footprint);
  if (!held) {
    world_.Log(m.from, "migration_dropped", job.spec->name, 0,
               "s; the destination cannot take it now");
    return;
  }
  job.move_to = m.to;
  job.move_started = world_.now;
  job.move_reason = m.reason;
  if (NeedsData(job, m.to)) Stage(job, m.to);  // beside the checkpoint, from now
  world_.Log(job.site, "migration_start", job.spec->name, m.move_s,
             absl::StrFormat("s estimated to %s; %s", world_.Site(m.to).spec->name, m.reason));
  world_.Touch(job.site);
  if (job.state == JobState::kRunning) {
    workload_.SetJobState(job, JobState::kSaving);  // its checkpoint first; departs when written
    leaving_.push_back(job.id);
  } else if (job.state == JobState::kSaving) {
    leaving_.push_back(job.id);
  } else {
    Depart(job);  // starting or paused: its last checkpoint is current
  }
}

void SchedulerHost::Depart(JobRt& job) {
  const int from = job.site;
  const int to = job.move_to;
  SiteRt& site = world_.Site(from);
  if (job.state == JobState::kSaving || job.state == JobState::kPaused) {
    job.ckpt_progress = job.progress;
    job.ckpt_time = world_.now;
  }
  workload_.Leave(job);
  job.move_to = to;  // Leave clears the placement, not the move
  ++site.result.migrations_out;
  const double bytes = job.spec->checkpoint_bytes;
  site.result.checkpoint_bytes_out += bytes;
  std::optional<model::WanRoute> route = world_.wan_routes->Route(from, to);
  job.move_flow =
      world_.WanAdd(std::move(*route), bytes, model::kUnlimitedBps, World::kWanMigration);
  transfers_[job.move_flow] = job.id;
  workload_.RateCrossSiteJobs();  // the transfer takes a share of links their streams use
  world_.ScheduleWan();
  // Its GPUs at `from` are free now: offered to the scheduler at once (a departure may come
  // from within a call, when the job had a current checkpoint, hence a call soon).
  grown_.push_back(from);
  CallSoon();
}

void SchedulerHost::OnWanEvent(const QueuedEvent& /*e*/) {
  for (const model::FlowSet::Delivered& d : world_.WanTakeDelivered()) {
    if (const auto staged = stagings_.find(d.id); staged != stagings_.end()) {
      const int key = staged->second;
      stagings_.erase(staged);
      OnDataStaged(key);
      continue;
    }
    const auto it = transfers_.find(d.id);
    if (it == transfers_.end()) continue;
    JobRt& job = world_.Job(it->second);
    transfers_.erase(it);
    const int to = job.move_to;
    job.move_flow = 0;
    if (!job.reserved.empty() && NeedsData(job, to)) {
      WaitForData(job, to);  // its checkpoint is there before its data set: on its held racks
      continue;
    }
    if (!job.reserved.empty()) {
      StartHeld(job, to);  // its held racks: restored there (down if they lost power meanwhile)
      continue;
    }
    job.move_to = -1;
    if (StartAt(job, to)) {
      // Started, or held for its data set (the move counted when it starts).
      if (!job.awaiting_data) CountMoveDone(job, to);
    } else {
      job.move_started = kTimeNever;
      world_.Log(to, "migration_refused", job.spec->name, 0,
                 "s; the destination cannot take it now: back to the scheduler");
      preempted_.push_back(Request(job));
      CallSoon();
    }
  }
  workload_.RateCrossSiteJobs();
  world_.ScheduleWan();
}

std::span<const sched::RunningJob> SchedulerHost::At(int s) const {
  running_.clear();
  const SiteRt& site = world_.sites[static_cast<size_t>(s)];
  for (int id : site.view_job) {
    const JobRt& job = world_.jobs[static_cast<size_t>(id)];
    if (job.move_to >= 0 || job.state == JobState::kDone) continue;
    sched::RunningJob r;
    r.id = job.learner ? world_.cross_site[static_cast<size_t>(job.cross)].job : id;
    r.learner = job.learner;
    r.gpus = job.spec->gpus;
    r.priority = static_cast<int>(job.spec->priority);
    r.preemptible = job.spec->preemptible;
    r.team = job.spec->team;
    // Running: its last periodic checkpoint (CloseSegment folds them in lazily); saving: its last
    // checkpoint before the save (a stop now loses the work since); otherwise nothing runs that
    // a stop would lose.
    r.last_checkpoint = world_.now;
    if (job.state == JobState::kSaving) r.last_checkpoint = job.ckpt_time;
    if (job.state == JobState::kRunning) {
      r.last_checkpoint = job.ckpt_time;
      const Duration interval = job.spec->checkpoint_interval;
      if (interval.count() > 0) {
        const Time periodic =
            job.run_origin + interval * ((world_.now - job.run_origin) / interval);
        r.last_checkpoint = std::max(r.last_checkpoint, periodic);
      }
    }
    r.checkpoint_bytes = job.spec->checkpoint_bytes;
    r.restore_time = job.spec->restore_time;
    r.expected_run = job.learner ? Duration{0} : Request(job).expected_run;
    running_.push_back(r);
  }
  std::sort(running_.begin(), running_.end(),
            [](const sched::RunningJob& a, const sched::RunningJob& b) { return a.id < b.id; });
  return running_;
}

}  // namespace headroom::sim

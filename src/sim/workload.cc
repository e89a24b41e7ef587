#include "sim/workload.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/cross_site.h"
#include "sim/power_tree.h"

namespace headroom::sim {

using model::WorkloadKind;

void Workload::OnJobPhaseEnd(const QueuedEvent& e) {
  JobRt& job = world_.jobs[static_cast<size_t>(e.a)];
  if (job.state == JobState::kStarting) {
    if (job.move_to >= 0 && on_depart) return on_depart(job);  // restored: leaves with it
    SetJobState(job, JobState::kRunning);
  } else if (job.state == JobState::kSaving) {
    job.ckpt_progress = job.progress;  // the checkpoint written before the pause
    job.ckpt_time = world_.now;
    if (job.move_to >= 0 && on_depart) return on_depart(job);  // a migration's checkpoint
    SetJobState(job, JobState::kPaused);
  }
}

bool Workload::OnJobFinish(const QueuedEvent& e) {
  JobRt& job = world_.jobs[static_cast<size_t>(e.a)];
  if (job.state != JobState::kRunning) return false;
  CloseSegment(job);
  if (job.learner) return FinishCrossSite(world_.cross_site[static_cast<size_t>(job.cross)]);
  if (job.spec->kind != WorkloadKind::kInference) job.progress = job.work_gpu_s;
  SiteRt& js = world_.sites[static_cast<size_t>(job.site)];
  ++js.result.jobs_completed;
  if (job.spec->kind != WorkloadKind::kInference) {
    const double ideal = job.spec->work_gpu_s / job.spec->gpus;
    js.slowdowns.push_back(ToSeconds(world_.now - job.spec->arrival) / std::max(1.0, ideal));
    js.completion_s += ToSeconds(world_.now - job.spec->arrival);
  }
  world_.Log(job.site, "job_done", job.spec->name, ToHours(world_.now - job.spec->arrival),
             "h since arrival");
  job.ended = world_.now;
  SetJobState(job, JobState::kDone);
  js.notify = true;
  return true;
}

void Workload::OnJobFailure(const QueuedEvent& e) {
  JobRt& job = world_.jobs[static_cast<size_t>(e.a)];
  if (job.state != JobState::kRunning) return;
  Crash(job, CrashCause::kFailure, "interruption (hardware or software)");
}

void Workload::OnBrakeApply(const QueuedEvent& e) {
  JobRt& job = world_.jobs[static_cast<size_t>(e.a)];
  if (job.state == JobState::kDone) return;
  job.braked = e.value > 0.5;
  Refresh(job);
}

void Workload::OnCapApply(const QueuedEvent& e) {
  JobRt& job = world_.jobs[static_cast<size_t>(e.a)];
  if (job.state == JobState::kDone) return;
  job.cap_w = e.value;
  Refresh(job);
}

void Workload::Start(JobRt& job, int s) {
  SiteRt& site = world_.Site(s);
  job.gpu = &world_.fleet.gpus[static_cast<size_t>(
      site.spec->tree[static_cast<size_t>(job.placement[0].first)].gpu_model)];
  job.site = s;
  job.cap_w = job.pending_cap_w = job.gpu->cap_max_w;
  job.per_gpu_w = job.gpu->idle_w;  // the GPUs were idle until now
  AddView(job, site);
  if (job.spec->kind == WorkloadKind::kInference) site.inference_jobs.push_back(job.id);
  ++site.result.jobs_placed;
  site.notify = true;
  world_.Integrate(job.site, world_.now);
  world_.Touch(job.site);
  if (job.first_start == kTimeNever) job.first_start = world_.now;
  if (std::find(job.visited.begin(), job.visited.end(), s) == job.visited.end())
    job.visited.push_back(s);
  SetJobState(job, world_.now == kTimeZero ? JobState::kRunning : JobState::kStarting);
}

void Workload::Leave(JobRt& job) {
  SiteRt& site = world_.Site(job.site);
  world_.Integrate(job.site, world_.now);
  CloseSegment(job);
  if (job.spec->kind != WorkloadKind::kInference) {
    site.result.useful_gpu_s[static_cast<size_t>(job.spec->priority)] +=
        job.progress - job.credited;
    job.credited = job.progress;
  }
  SetJobState(job, JobState::kDone);  // releases the GPUs and the view, cancels its timers
  world_.queue.Cancel(job.cap_timer);
  world_.queue.Cancel(job.brake_timer);
  if (job.spec->kind == WorkloadKind::kInference) {
    auto& ids = site.inference_jobs;
    ids.erase(std::remove(ids.begin(), ids.end(), job.id), ids.end());
  }
  site.notify = true;
  job.state = JobState::kQueued;
  job.site = -1;
  job.braked = false;
  job.paused_by_control = false;
  job.placement.clear();
  job.footprint.clear();
}

double Workload::StopForPreemption(JobRt& job) {
  SiteRt& site = world_.Site(job.site);
  world_.Integrate(job.site, world_.now);
  CloseSegment(job);
  const double lost_gpu_s = job.progress - job.ckpt_progress;
  job.progress = job.ckpt_progress;
  site.result.lost_gpu_s[static_cast<size_t>(job.spec->priority)] += lost_gpu_s;
  site.result.lost_to_preemption_gpu_s += lost_gpu_s;
  return lost_gpu_s;
}

bool Workload::WriteCap(JobRt& job, double cap_w) {
  if (std::fabs(cap_w - job.pending_cap_w) < 1e-9) return false;
  job.pending_cap_w = cap_w;
  View(job).pending_cap_w = cap_w;
  world_.Reschedule(&job.cap_timer, world_.now + world_.fleet.control.actuation_delay,
                    Ev::kCapApply, job.site, job.id, cap_w);
  return true;
}

void Workload::Brake(JobRt& job, double value) {
  world_.Reschedule(&job.brake_timer, world_.now + world_.fleet.control.fast_shed_delay,
                    Ev::kBrakeApply, job.site, job.id, value);
}

bool Workload::Pause(JobRt& job) {
  job.paused_by_control = true;
  if (job.state == JobState::kRunning) {
    SetJobState(job, JobState::kSaving);
  } else if (job.state == JobState::kStarting) {
    SetJobState(job, JobState::kPaused);
  } else {
    return false;
  }
  return true;
}

bool Workload::Resume(JobRt& job) {
  if (job.state != JobState::kPaused) return false;
  CloseSegment(job);
  job.paused_by_control = false;
  // On racks that lost power while it was paused: down until they have it again (the re-close
  // restarts it).
  const SiteRt& site = world_.Site(job.site);
  bool energized = true;
  for (const auto& [rack, n] : job.placement)
    energized = energized && RackReady(site.nodes[static_cast<size_t>(rack)]);
  SetJobState(job, energized ? JobState::kStarting : JobState::kDown);
  return true;
}

bool Workload::Stop(JobRt& job) {
  if (job.state == JobState::kDone || job.state == JobState::kPaused ||
      job.state == JobState::kDown) {
    return false;
  }
  SiteRt& site = world_.Site(job.site);
  CloseSegment(job);
  const double lost_gpu_s = job.progress - job.ckpt_progress;
  job.progress = job.ckpt_progress;
  site.result.lost_gpu_s[static_cast<size_t>(job.spec->priority)] += lost_gpu_s;
  site.result.control_cost_gpu_s[kCostStop] += lost_gpu_s;
  job.paused_by_control = true;
  SetJobState(job, JobState::kPaused);
  return true;
}

double Workload::InferenceDemand(const JobRt& job, int s) const {
  const model::Site& spec = world_.fleet.sites[static_cast<size_t>(s)];
  // Civil time, daylight saving included: demand follows people's clocks.
  const double local_h = ToHours(spec.clock.CivilSinceZeroDay(world_.now));
  const double hour = std::floor(local_h);  // demand steps hourly
  const double phase = 2 * 3.141592653589793 * (hour - job.spec->peak_hour) / 24.0;
  return job.spec->demand_trough +
         (job.spec->demand_peak - job.spec->demand_trough) * (0.5 + 0.5 * std::cos(phase));
}

void Workload::CloseSegment(JobRt& job) {
  // Advance the checkpoint to the last one that fell in the current running segment.
  if (job.state == JobState::kRunning && job.spec->checkpoint_interval.count() > 0) {
    const Duration interval = job.spec->checkpoint_interval;
    const auto k = (world_.now - job.run_origin) / interval;
    const Time last_ckpt = job.run_origin + interval * k;
    if (last_ckpt > job.ckpt_time && last_ckpt >= job.seg_start) {
      job.ckpt_progress = job.progress + job.rate * ToSeconds(last_ckpt - job.seg_start);
      job.ckpt_time = last_ckpt;
    }
  }
  if (job.state == JobState::kRunning && job.spec->kind != WorkloadKind::kInference) {
    job.progress += job.rate * ToSeconds(world_.now - job.seg_start);
    if (job.work_gpu_s > 0) job.progress = std::min(job.progress, job.work_gpu_s);
    // Consume the failure budget for the running time.
    job.failure_budget -= world_.fleet.failures.interruptions_per_gpu_s * job.spec->gpus *
                          ToSeconds(world_.now - job.seg_start);
  }
  if (job.state == JobState::kRunning && job.spec->kind == WorkloadKind::kInference) {
    const double served =
        std::min(job.demand, job.speed) * job.spec->gpus * ToSeconds(world_.now - job.seg_start);
    world_.sites[static_cast<size_t>(job.site)]
        .result.useful_gpu_s[static_cast<size_t>(job.spec->priority)] += served;
    job.served_gpu_s += served;
  }
  // What the controller's actions withheld over the segment.
  const double dt = ToSeconds(world_.now - job.seg_start);
  if (dt > 0 && job.site >= 0) {
    const JobSpec& spec = *job.spec;
    const double overhead = model::CheckpointUsefulFraction(spec);
    const bool inference = spec.kind == WorkloadKind::kInference;
    auto& cost = world_.sites[static_cast<size_t>(job.site)].result.control_cost_gpu_s;
    if (job.state == JobState::kRunning) {
      const double withheld =
          inference ? std::max(0.0, job.demand - std::min(job.demand, job.speed)) * spec.gpus
                    : (1.0 - job.speed) * spec.gpus * overhead;
      if (withheld > 0) cost[job.braked ? kCostBrake : kCostCap] += withheld * dt;
    } else if (job.state == JobState::kPaused && job.paused_by_control) {
      cost[kCostPause] += (inference ? job.demand : overhead) * spec.gpus * dt;
    }
  }
  job.seg_start = world_.now;
}

void Workload::Refresh(JobRt& job) {
  SiteRt& site = world_.sites[static_cast<size_t>(job.site)];
  const model::GpuModel& gpu = *job.gpu;
  const JobSpec& spec = *job.spec;
  CloseSegment(job);
  // The state the site's sums were last updated for (the view's: job.state may have changed).
  const JobState was = View(job).state;
  if (was == JobState::kRunning) {
    site.running_gpus -= spec.gpus;
    site.running_full_w -= job.full_w * spec.gpus;
  }
  // Undo this job's inference contribution, recompute, re-add.
  if (job.counted) {
    site.inference_demand_rate -= job.demand * spec.gpus;
    if (job.inference_miss) --site.inference_missing;
  }
  double full_w = gpu.idle_w;
  double power = gpu.idle_w;
  double speed = 0;
  const double cap = job.braked ? gpu.cap_min_w : job.cap_w;
  switch (job.state) {
    case JobState::kRunning:
      if (spec.kind == WorkloadKind::kInference) job.demand = InferenceDemand(job, job.site);
      full_w = model::RunningPowerW(spec, gpu, gpu.cap_max_w, job.demand);
      power = model::RunningPowerW(spec, gpu, cap, job.demand);
      speed = model::RunningSpeed(spec, gpu, cap);
      break;
    case JobState::kStarting:
    case JobState::kSaving:
      full_w = power = model::CheckpointIoPowerW(gpu);  // loading or writing state
      break;
    default:
      break;
  }
  job.counted = spec.kind == WorkloadKind::kInference && job.state != JobState::kDone;
  if (job.counted) {
    if (job.state != JobState::kRunning) job.demand = InferenceDemand(job, job.site);
    site.inference_demand_rate += job.demand * spec.gpus;
    job.inference_miss = job.state != JobState::kRunning || speed < job.demand - 1e-12;
    if (job.inference_miss) ++site.inference_missing;
  }
  if (job.state == JobState::kDone) power = full_w = 0;  // GPUs released (idle counted by rack)
  const double old_withheld = (View(job).full_power_w - View(job).power_w) * spec.gpus;
  const double delta = power - job.per_gpu_w;
  if (job.state != JobState::kDone && std::fabs(delta) > 0) {
    AddJobDemand(site, job.placement, job.footprint, delta);
  }
  if (job.state != JobState::kDone) job.per_gpu_w = power;
  job.speed = speed;
  job.full_w = full_w;
  if (job.state == JobState::kRunning) {
    site.running_gpus += spec.gpus;
    site.running_full_w += full_w * spec.gpus;
  }
  const double overhead = model::CheckpointUsefulFraction(spec);
  job.rate = job.state == JobState::kRunning && spec.kind != WorkloadKind::kInference
                 ? speed * spec.gpus * overhead
                 : 0.0;
  JobView& v = View(job);
  v.state = job.state;
  v.cap_w = job.cap_w;
  v.pending_cap_w = job.pending_cap_w;
  v.power_w = power;
  v.full_power_w = full_w;
  v.speed = speed;
  v.demand = job.demand;
  v.braked = job.braked;
  v.last_checkpoint = job.ckpt_time;
  site.cap_withheld_w += (full_w - power) * spec.gpus - old_withheld;
  ScheduleJobEvents(job);
  if (job.learner) UpdateCrossSite(world_.cross_site[static_cast<size_t>(job.cross)]);
}

void Workload::ScheduleJobEvents(JobRt& job) {
  world_.queue.Cancel(job.finish_timer);
  world_.queue.Cancel(job.failure_timer);
  const JobSpec& spec = *job.spec;
  if (job.state != JobState::kRunning) return;
  if (spec.kind == WorkloadKind::kInference) {
    if (spec.lifetime != Duration::max()) {
      const Time end = job.first_start + spec.lifetime;
      job.finish_timer = world_.Push(std::max(end, world_.now), Ev::kJobFinish, job.site, job.id);
    }
  } else if (job.rate > 0) {
    const double remaining = job.work_gpu_s - job.progress;
    const Time finish = world_.now + FromSeconds(std::max(0.0, remaining / job.rate)) + Duration{1};
    if (finish <= world_.horizon)
      job.finish_timer = world_.Push(finish, Ev::kJobFinish, job.site, job.id);
  }
  const double lambda = world_.fleet.failures.interruptions_per_gpu_s * spec.gpus;
  if (lambda > 0) {
    const double seconds = std::max(0.0, job.failure_budget) / lambda;
    if (seconds < ToSeconds(world_.horizon - world_.now)) {
      job.failure_timer =
          world_.Push(world_.now + FromSeconds(seconds), Ev::kJobFailure, job.site, job.id);
    }
  }
}

void Workload::SetJobState(JobRt& job, JobState state) {
  SiteRt& site = world_.sites[static_cast<size_t>(job.site)];
  CloseSegment(job);
  const JobState old = job.state;
  job.state = state;
  if (state == JobState::kRunning && old != JobState::kRunning) {
    job.run_origin = world_.now;
    job.ckpt_time = world_.now;
    job.ckpt_progress = job.progress;
  }
  if (state == JobState::kDone) {
    // Release the GPUs back to idle.
    for (const auto& [rack, n] : job.placement) {
      site.free_racks.Release(site.rack_pos[static_cast<size_t>(rack)], n);
      world_.MarkCapacityStale(job.site);
      site.free_gpus += n;
    }
    AddJobDemand(site, job.placement, job.footprint, job.gpu->idle_w - job.per_gpu_w);
    job.per_gpu_w = job.gpu->idle_w;
  }
  Refresh(job);
  if (state == JobState::kDone) RemoveView(job, site);
  world_.queue.Cancel(job.phase_timer);
  if (state == JobState::kStarting) {
    job.phase_timer =
        world_.Push(world_.now + job.spec->restore_time, Ev::kJobPhaseEnd, job.site, job.id);
  } else if (state == JobState::kSaving) {
    job.phase_timer =
        world_.Push(world_.now + job.spec->checkpoint_save, Ev::kJobPhaseEnd, job.site, job.id);
  }
  world_.Touch(job.site);
}

void Workload::Crash(JobRt& job, CrashCause cause, const std::string& why) {
  const bool power = cause == CrashCause::kPower;
  SiteRt& site = world_.sites[static_cast<size_t>(job.site)];
  CloseSegment(job);
  const double lost = job.progress - job.ckpt_progress;
  job.progress = job.ckpt_progress;
  const auto cls = static_cast<size_t>(job.spec->priority);
  site.result.lost_gpu_s[cls] += lost;
  if (power) {
    site.result.lost_to_power_gpu_s += lost;
    ++site.result.power_crashes;
  } else {
    site.result.lost_to_failures_gpu_s += lost;
    ++site.result.failure_crashes;
  }
  world_.Log(job.site, power ? "job_crash_power" : "job_crash_failure", job.spec->name,
             lost / 3600.0, absl::StrCat("GPU-h lost; ", why));
  bool energized = true;
  for (const auto& [rack, n] : job.placement)
    energized = energized && RackReady(site.nodes[static_cast<size_t>(rack)]);
  if (cause == CrashCause::kFailure) job.failure_budget = job.rng.Exponential(1.0);
  SetJobState(job, energized ? JobState::kStarting : JobState::kDown);
}

// What the job is and where its GPUs are, filled once (its racks appended to the telemetry's
// rack_shares, which FillTelemetry compacts once it holds more than twice the live shares).
// JobId is the fleet-wide job index here: the twin's own choice, opaque to the controller.
void Workload::AddView(JobRt& job, SiteRt& site) {
  job.view = static_cast<int>(site.views.size());
  site.view_job.push_back(job.id);
  control::JobView* v = &site.views.emplace_back();
  const JobSpec& spec = *job.spec;
  v->id = control::JobId{job.id};
  v->kind = spec.kind;
  v->priority = spec.priority;
  v->gpus = spec.gpus;
  v->gpu_model = static_cast<int>(job.gpu - world_.fleet.gpus.data());
  v->slowdown_tolerance = spec.slowdown_tolerance;
  v->power_shape = model::PowerShapeOf(spec);
  v->checkpoint_interval = spec.checkpoint_interval;
  v->checkpoint_save = spec.checkpoint_save;
  v->restore_time = spec.restore_time;
  std::vector<control::RackShare>& shares = site.telemetry.rack_shares;
  v->racks_begin = static_cast<int>(shares.size());
  v->racks_count = static_cast<int>(job.placement.size());
  for (const auto& [rack, n] : job.placement) shares.push_back({rack, n});
  site.live_shares += v->racks_count;
}

void Workload::RemoveView(JobRt& job, SiteRt& site) {
  if (job.view < 0) return;
  // Swap the job's view out (its shares stay in rack_shares until the next compaction).
  const auto i = static_cast<size_t>(job.view);
  const size_t last = site.views.size() - 1;
  site.live_shares -= site.views[i].racks_count;
  if (i != last) {
    site.views[i] = site.views[last];
    site.view_job[i] = site.view_job[last];
    world_.jobs[static_cast<size_t>(site.view_job[i])].view = job.view;
  }
  site.views.pop_back();
  site.view_job.pop_back();
  job.view = -1;
}

// ------------------------------------------------------------------------------------------------
// Cross-site jobs

void Workload::UpdateCrossSite(CrossSiteRt& c) {
  if (!c.placed) return;
  const model::CrossSiteSpec& spec = *world_.Job(c.job).spec->cross_site;
  // The exchange ring: the sites of the learners computing, in learner-slot order; each sends its
  // share of the all-reduce to the next as a stream whose demand is the rate that hides the
  // exchange at full speed: streamed, the outer-gradient bits over the compute of an outer step
  // less the ring's latency (Evaluate's X = bits / bandwidth + latency <= compute); unstreamed,
  // where nothing hides, the bits over the compute.
  std::vector<int> ring, slots;
  for (size_t k = 0; k < c.learners.size(); ++k) {
    const JobRt& l = world_.Job(c.learners[k]);
    if (l.state == JobState::kRunning && l.site >= 0) {
      ring.push_back(l.site);
      slots.push_back(static_cast<int>(k));
    }
  }
  if (ring != c.ring) {
    for (std::uint64_t& id : c.streams) {
      if (id != 0) world_.WanRemove(id);
      id = 0;
    }
    c.ring = ring;
    if (ring.size() >= 2) {
      std::vector<std::optional<model::WanRoute>> routes(ring.size());
      Duration latency{0};  // the ring's longest, as Evaluate takes it
      for (size_t i = 0; i < ring.size(); ++i) {
        routes[i] = world_.wan_routes->Route(ring[i], ring[(i + 1) % ring.size()]);
        if (routes[i]) latency = std::max(latency, routes[i]->latency);
      }
      // At unlimited bandwidth the exchange costs its latency alone (exchange_s). Streamed, it
      // hides when the bits take at most the compute less that latency.
      std::vector<model::LearnerState> full(ring.size());
      for (auto& f : full) {
        f.bandwidth_bps = model::kUnlimitedBps;
        f.latency = latency;
      }
      const model::CrossSitePerformance p = model::Evaluate(spec, full);
      const double window_s = spec.fragments > 1 && p.compute_s > p.exchange_s
                                  ? p.compute_s - p.exchange_s
                                  : p.compute_s;
      const double demand_bps = window_s > 0 ? p.exchange_bits / window_s : 0.0;
      for (size_t i = 0; i < ring.size(); ++i) {
        if (!routes[i]) continue;  // no route: the exchange never completes (goodput 0)
        c.streams[static_cast<size_t>(slots[i])] =
            world_.WanAdd(std::move(*routes[i]), std::numeric_limits<double>::infinity(),
                          demand_bps, World::kWanExchange);
      }
    }
  }
  RateCrossSiteJobs();
  world_.ScheduleWan();
}

void Workload::RateCrossSiteJobs() {
  for (CrossSiteRt& c : world_.cross_site) {
    if (c.placed) RateCrossSite(c);
  }
}

void Workload::AccountCrossSite(CrossSiteRt& c) {
  const double dt = ToSeconds(world_.now - c.since);
  if (dt > 0 && c.perf.attached > 0 && !c.perf.paused) {
    c.active_s += dt;
    c.utilization_s += c.perf.compute_utilization * dt;
    c.goodput_s += c.perf.compute_utilization * c.perf.progress_efficiency * dt;
  }
  c.since = world_.now;
}

void Workload::RateCrossSite(CrossSiteRt& c) {
  AccountCrossSite(c);
  const JobRt& parent = world_.Job(c.job);
  const model::CrossSiteSpec& spec = *parent.spec->cross_site;
  std::vector<model::LearnerState> states(c.learners.size());
  for (size_t k = 0; k < c.learners.size(); ++k) {
    const JobRt& l = world_.Job(c.learners[k]);
    model::LearnerState& st = states[k];
    st.attached = l.state == JobState::kRunning && l.site >= 0 && l.speed > 0;
    st.speed = st.attached ? std::min(1.0, l.speed) : 1.0;
    st.bandwidth_bps = c.ring.size() < 2 ? model::kUnlimitedBps : 0.0;
    if (c.streams[k] != 0) {
      st.bandwidth_bps = world_.wan->rate_bps(c.streams[k]);
      const size_t i =
          static_cast<size_t>(std::find(c.ring.begin(), c.ring.end(), l.site) - c.ring.begin());
      if (i < c.ring.size()) {
        if (const auto route = world_.wan_routes->Route(c.ring[i], c.ring[(i + 1) % c.ring.size()]))
          st.latency = route->latency;
      }
    }
  }
  c.perf = model::Evaluate(spec, states);
  // Each computing learner progresses at goodput x its GPUs x the checkpoint overhead; what is
  // left of the job's work is shared so that they all finish together.
  double progress = 0, rate = 0;
  for (int id : c.learners) {
    JobRt& l = world_.Job(id);
    if (l.site >= 0 && l.state != JobState::kDone) CloseSegment(l);
    progress += l.progress;
    if (l.state == JobState::kRunning && l.site >= 0) {
      l.rate = c.perf.paused
                   ? 0.0
                   : c.perf.goodput * l.spec->gpus * model::CheckpointUsefulFraction(*l.spec);
      rate += l.rate;
    }
  }
  const double remaining = std::max(0.0, parent.spec->work_gpu_s - progress);
  for (int id : c.learners) {
    JobRt& l = world_.Job(id);
    l.work_gpu_s =
        l.progress +
        (rate > 0 && l.state == JobState::kRunning ? remaining * l.rate / rate : remaining);
    if (l.site >= 0 && l.state == JobState::kRunning) ScheduleJobEvents(l);
  }
}

bool Workload::FinishCrossSite(CrossSiteRt& c) {
  if (!c.placed) return false;
  AccountCrossSite(c);
  c.placed = false;
  for (std::uint64_t& id : c.streams) {
    if (id != 0) world_.WanRemove(id);
    id = 0;
  }
  c.ring.clear();
  JobRt& parent = world_.Job(c.job);
  int home = -1;
  for (int id : c.learners) {
    JobRt& l = world_.Job(id);
    if (l.site < 0 || l.state == JobState::kDone) continue;
    CloseSegment(l);
    if (home < 0) home = l.site;
    SetJobState(l, JobState::kDone);
  }
  parent.state = JobState::kDone;
  parent.ended = world_.now;
  if (home >= 0) {
    SiteRt& site = world_.Site(home);
    ++site.result.jobs_completed;
    const double ideal = parent.spec->work_gpu_s / parent.spec->gpus;
    site.slowdowns.push_back(ToSeconds(world_.now - parent.spec->arrival) / std::max(1.0, ideal));
    site.completion_s += ToSeconds(world_.now - parent.spec->arrival);
    world_.Log(home, "job_done", parent.spec->name, ToHours(world_.now - parent.spec->arrival),
               "h since arrival (cross-site)");
    site.notify = true;
  }
  RateCrossSiteJobs();
  world_.ScheduleWan();
  return true;
}

}  // namespace headroom::sim

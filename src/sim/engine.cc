#include "sim/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/units.h"
#include "sim/engine_impl.h"
#include "sim/plant.h"

namespace headroom::sim {

using control::UnitState;
using model::WorkloadKind;

Engine::Engine(const model::Fleet& fleet, const control::Strategy& strategy, const Options& options)
    : world_(fleet, strategy, options) {
  workload_.on_depart = [this](JobRt& job) { scheduler_host_.Depart(job); };
}

// ------------------------------------------------------------------------------------------------
// Setup

void Engine::InitialDispatch(int s) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  const model::Site& spec = *site.spec;
  Balance(site, world_.strategy.unlimited_diesel);  // with no turbines, to learn the load
  const double grid = site.grid_connected ? spec.grid.import_limit_w : 0.0;
  const double residual =
      std::max(0.0, site.facility_w - site.solar_w - site.baseload_w - grid) * 1.05;
  double covered = 0;
  for (size_t p = 0; p < spec.plants.size(); ++p) {
    int online_left = spec.plants[p].online_at_start;
    for (UnitRt& u : site.units) {
      if (u.plant != static_cast<int>(p)) continue;
      const bool want = online_left >= 0 ? online_left > 0 : covered < residual;
      if (!want) continue;
      if (online_left > 0) --online_left;
      u.state = UnitState::kOnline;
      covered += u.spec->rating_w;
    }
  }
  double online = 0;
  for (const UnitRt& u : site.units) {
    if (u.state == UnitState::kOnline) online += u.spec->rating_w;
  }
  for (UnitRt& u : site.units) {
    if (u.state != UnitState::kOnline) continue;
    const double share = online > 0 ? std::min(1.0, residual / online) : 0.0;
    u.target_w = u.available_w = std::max(u.spec->min_load_w, share * u.spec->rating_w);
    world_.Log(s, "unit_online_at_start",
               absl::StrCat(spec.plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name),
               u.available_w / 1e6, "MW");
  }
}

// ------------------------------------------------------------------------------------------------
// The loop

void Engine::Settle(int s) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  Balance(site, world_.strategy.unlimited_diesel);
  protection_.CheckBreakers(s);
  site.grid_ramp.Update(world_.now, site.grid_w);
  site.turbine_ramp.Update(world_.now, site.turbine_w);
  if (site.grid_connected) {
    Time at = world_.now;
    const double swing = site.grid_window.Update(world_.now, site.grid_w, &at);
    if (swing >= 0) {
      world_.Log(
          s, "grid_ramp_exceeded", site.spec->name, swing / 1e6,
          absl::StrFormat(
              "MW of import change within %s, up to the change at t = %.3f s; the limit is %.1f MW",
              FormatDuration(site.grid_window.window()), ToSeconds(at.time_since_epoch()),
              site.grid_window.limit_w() / 1e6));
    }
  }
  // Demand-response compliance.
  if (!site.dr_limits.empty()) {
    const double limit = DrLimitW(site);
    const bool under = site.grid_w <= limit * 1.001 + 1.0;
    if (!site.dr_reached && under) {
      site.dr_reached = true;
      site.result.dr_worst_response_s =
          std::max(site.result.dr_worst_response_s, ToSeconds(world_.now - site.dr_since));
      world_.Log(s, "dr_reached", site.spec->name, ToSeconds(world_.now - site.dr_since),
                 "s after the request");
    } else if (site.dr_reached && !under) {
      ++site.result.dr_breaches;
      site.dr_reached = false;
      site.dr_since = world_.now;
    }
  }
  scripted_.WatchBattery(s);
  protection_.WatchShortfall(s);
}

void Engine::Handle(const QueuedEvent& e) {
  const int s = e.site;
  if (s >= 0) {
    world_.Integrate(s, world_.now);
    world_.Touch(s);
  }
  switch (e.type) {
    case Ev::kJobArrival:
      return scheduler_host_.OnJobArrival(e);
    case Ev::kJobPhaseEnd:
      return workload_.OnJobPhaseEnd(e);
    case Ev::kJobFinish:
      // A finished job's GPUs may go to a waiting one.
      if (workload_.OnJobFinish(e)) {
        const JobRt& job = world_.Job(e.a);
        scheduler_host_.OnJobEnded(
            job.learner ? world_.Job(world_.cross_site[static_cast<size_t>(job.cross)].job) : job,
            e.site);
      }
      return;
    case Ev::kSchedulerWake:
      return scheduler_host_.OnWake(e);
    case Ev::kWanEvent:
      return scheduler_host_.OnWanEvent(e);
    case Ev::kJobFailure:
      return workload_.OnJobFailure(e);
    case Ev::kBrakeApply:
      return workload_.OnBrakeApply(e);
    case Ev::kCapApply:
      return workload_.OnCapApply(e);
    case Ev::kUnitReady:
      return scripted_.OnUnitReady(e);
    case Ev::kUnitStep:
      return scripted_.OnUnitStep(e);
    case Ev::kUnitRepaired:
      return scripted_.OnUnitRepaired(e);
    case Ev::kExternalStart:
    case Ev::kExternalEnd:
      return scripted_.OnExternal(e);
    case Ev::kGridReconnect:
      return scripted_.OnGridReconnect(e);
    case Ev::kBatteryLimit:
      return scripted_.OnBatteryLimit(e);
    case Ev::kBreakerTrip:
      return protection_.OnBreakerTrip(e);
    case Ev::kShortfallTrip:
      return protection_.OnShortfallTrip(e);
    case Ev::kReclose:
      return protection_.Reclose(s, e.a);
    case Ev::kTick:
      return scripted_.OnTick(e);
    case Ev::kWake:
      return controller_host_.OnWake(e);
    case Ev::kRackBooted:
      return protection_.OnRackBooted(e);
    case Ev::kAnnounce:
      return scripted_.OnAnnounce(e);
    case Ev::kFrequencyCheck:
      return scripted_.OnFrequencyCheck(e);
    case Ev::kRocofCheck:
      return scripted_.OnRocofCheck(e);
  }
}

Result Engine::Run() {
  // Jobs present at t = 0 start running at once: the run begins in steady state.
  while (world_.HasEvent() && world_.NextEventTime() == kTimeZero && world_.NextIsArrival()) {
    const QueuedEvent e = world_.PopEvent();
    Handle(e);
  }
  for (int s = 0; s < static_cast<int>(world_.sites.size()); ++s) {
    InitialDispatch(s);
    protection_.CheckBreakers(s);
    scripted_.ScheduleTick(s);
    world_.sites[static_cast<size_t>(s)].notify = true;
    world_.Touch(s);
  }
  const double horizon_s = ToSeconds(world_.options.horizon);
  std::uint64_t processed = 0;
  double next_progress = 0;
  auto settle_all = [&] {
    // Only the sites something happened to, in index order (deterministic).
    std::sort(world_.touched_sites.begin(), world_.touched_sites.end());
    for (int s : world_.touched_sites) {
      SiteRt& site = world_.Site(s);
      Settle(s);
      if (site.notify) {
        site.notify = false;
        controller_host_.CallController(s);
        Settle(s);
        site.notify = false;  // a controller's own actions do not call it again at once
      }
      site.touched = false;
    }
    world_.touched_sites.clear();
  };
  settle_all();
  while (world_.HasEvent()) {
    const Time t = world_.NextEventTime();
    if (t > world_.horizon) break;
    world_.now = t;
    while (world_.HasEvent() && world_.NextEventTime() == t) {
      const QueuedEvent e = world_.PopEvent();
      Handle(e);
      ++processed;
    }
    settle_all();
    if (world_.options.progress && ToSeconds(t) >= next_progress) {
      world_.options.progress(ToSeconds(t) / horizon_s);
      next_progress = ToSeconds(t) + horizon_s / 200;
    }
  }
  world_.now = world_.horizon;
  scheduler_host_.CloseDataWaits();
  for (int s = 0; s < static_cast<int>(world_.sites.size()); ++s)
    world_.Integrate(s, world_.horizon);
  for (JobRt& job : world_.jobs) {
    if (job.site >= 0) workload_.CloseSegment(job);
    if (job.site < 0 || job.spec->kind == WorkloadKind::kInference) continue;
    world_.sites[static_cast<size_t>(job.site)]
        .result.useful_gpu_s[static_cast<size_t>(job.spec->priority)] +=
        job.progress - job.credited;
  }
  for (SiteRt& site : world_.sites) {
    site.result.battery_stored_end_j = site.stored_j;
    site.result.max_grid_ramp_w_per_s = site.grid_ramp.max();
    site.grid_window.Finish();
    site.result.max_grid_swing_w = site.grid_window.worst_w();
    site.result.grid_ramp_violations = site.grid_window.violations();
    site.result.max_turbine_ramp_w_per_s = site.turbine_ramp.max();
    if (!site.slowdowns.empty()) {
      std::sort(site.slowdowns.begin(), site.slowdowns.end());
      double sum = 0;
      for (double x : site.slowdowns) sum += x;
      site.result.mean_slowdown = sum / site.slowdowns.size();
      site.result.mean_completion_h = site.completion_s / site.slowdowns.size() / 3600.0;
      site.result.training_completed = static_cast<int>(site.slowdowns.size());
      site.result.p95_slowdown = Percentile95(site.slowdowns);
      site.result.slowdowns = std::move(site.slowdowns);
    }
    world_.result.sites.push_back(std::move(site.result));
  }
  for (CrossSiteRt& c : world_.cross_site) {
    if (c.placed) workload_.AccountCrossSite(c);
    world_.result.cross_site_active_s += c.active_s;
    world_.result.cross_site_utilization_s += c.utilization_s;
    world_.result.cross_site_goodput_s += c.goodput_s;
  }
  world_.result.reads_datasets =
      std::any_of(world_.fleet.jobs.begin(), world_.fleet.jobs.end(),
                  [](const model::JobSpec& j) { return j.dataset >= 0; });
  // The WAN's resources and the fleet's jobs, for the reports.
  world_.WanCreditLive();
  const model::WanRoutes& routes = *world_.wan_routes;
  for (int r = 0; r < routes.num_resources(); ++r) {
    const auto& bytes = world_.wan_bytes[static_cast<size_t>(r)];
    const double cap = routes.ResourceCapacity(r);
    if (!std::isfinite(cap) && bytes[0] + bytes[1] + bytes[2] == 0) continue;
    LinkResult l;
    l.name = routes.ResourceName(r);
    l.capacity_bps = cap;
    l.migration_bytes = bytes[World::kWanMigration];
    l.exchange_bytes = bytes[World::kWanExchange];
    l.dataset_bytes = bytes[World::kWanDataset];
    l.utilization =
        std::isfinite(cap) && cap > 0 && horizon_s > 0
            ? (l.migration_bytes + l.exchange_bytes + l.dataset_bytes) * 8 / (cap * horizon_s)
            : 0.0;
    world_.result.links.push_back(std::move(l));
  }
  for (size_t i = 0; i < world_.fleet.jobs.size(); ++i) {
    const JobRt& job = world_.jobs[i];
    std::vector<const JobRt*> parts = {&job};
    if (job.cross >= 0) {
      parts.clear();
      for (int id : world_.cross_site[static_cast<size_t>(job.cross)].learners)
        parts.push_back(&world_.Job(id));
    }
    JobResult r;
    r.name = job.spec->name;
    r.kind = model::WorkloadKindName(job.spec->kind);
    r.gpus = job.spec->gpus;
    r.arrival_s = ToSeconds(job.spec->arrival);
    r.cross_site = job.cross >= 0;
    r.end_s = job.ended == kTimeNever ? -1.0 : ToSeconds(job.ended);
    r.migrations = job.migrations;
    r.move_lost_s = job.move_lost_s;
    r.data_wait_s = job.data_wait_s;
    r.preemptions = job.preemptions;
    std::vector<int> visited;
    double useful_gpu_s = 0;
    for (const JobRt* p : parts) {
      if (p->first_start != kTimeNever &&
          (r.first_start_s < 0 || ToSeconds(p->first_start) < r.first_start_s))
        r.first_start_s = ToSeconds(p->first_start);
      for (int s : p->visited) {
        if (std::find(visited.begin(), visited.end(), s) == visited.end()) visited.push_back(s);
      }
      useful_gpu_s += job.spec->kind == WorkloadKind::kInference ? p->served_gpu_s : p->progress;
    }
    r.useful_gpu_h = useful_gpu_s / 3600;
    for (int s : visited) {
      if (!r.sites.empty()) r.sites += ';';
      r.sites += world_.fleet.sites[static_cast<size_t>(s)].name;
    }
    world_.result.jobs.push_back(std::move(r));
  }
  world_.result.events_processed = processed;
  world_.result.events = world_.event_log.Finish();
  if (world_.options.progress) world_.options.progress(1.0);
  return std::move(world_.result);
}

const char* ControlCostName(int c) {
  static constexpr const char* kNames[] = {"cap", "brake", "pause", "stop"};
  return c >= 0 && c < 4 ? kNames[c] : "?";
}

const char* SeriesColumnName(int c) {
  static constexpr const char* kNames[kSeriesColumns] = {
      "grid_mw",     "turbine_mw",   "battery_mw",     "solar_mw", "baseload_mw",
      "diesel_mw",   "curtailed_mw", "load_mw",        "it_mw",    "cap_withheld_mw",
      "unserved_mw", "soc_pct",      "import_limit_mw"};
  return c >= 0 && c < kSeriesColumns ? kNames[c] : "?";
}

Result Simulate(const model::Fleet& fleet, const control::Strategy& strategy,
                const Options& options) {
  Engine engine(fleet, strategy, options);
  return engine.Run();
}

}  // namespace headroom::sim

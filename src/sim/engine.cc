#include "sim/engine.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/units.h"
#include "sched/greedy.h"
#include "sim/engine_impl.h"
#include "sim/plant.h"
#include "sim/power_tree.h"
#include "sim/tolerances.h"

namespace headroom::sim {

using control::UnitState;
using model::EventKind;
using model::EventSpec;
using model::NodeKind;
using model::WorkloadKind;

Engine::Engine(const model::Fleet& fleet, const control::Strategy& strategy, const Options& options)
    : fleet_(fleet), strategy_(strategy), options_(options), rng_(options.seed) {
  ledger_.resolution = options.resolution;
  ledger_.diesel = fleet.diesel;
  scheduler_ = options.scheduler
                   ? options.scheduler(fleet)
                   : std::make_unique<sched::GreedyScheduler>(static_cast<int>(fleet.sites.size()));
}

// ------------------------------------------------------------------------------------------------
// Setup

void Engine::BuildSite(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const model::Site& spec = fleet_.sites[static_cast<size_t>(s)];
  site.spec = &spec;
  site.controller = strategy_.make(control::SiteConfig{spec, fleet_.gpus}, fleet_.control);
  site.result.name = spec.name;
  site.grid_connected = spec.grid.present;
  site.frequency_hz = spec.grid.nominal_hz;
  site.grid_window.Configure(spec.grid.ramp_window,
                             spec.grid.max_ramp_w_per_s * ToSeconds(spec.grid.ramp_window));
  if (spec.battery) {
    site.stored_j = spec.battery->energy_j * spec.battery->soc_initial;
    site.result.battery_stored_start_j = site.stored_j;
    site.result.battery_min_stored_j = site.stored_j;
  }
  for (size_t p = 0; p < spec.plants.size(); ++p) {
    for (size_t u = 0; u < spec.plants[p].units.size(); ++u) {
      UnitRt unit;
      unit.spec = &spec.plants[p].units[u];
      unit.plant = static_cast<int>(p);
      unit.unit = static_cast<int>(u);
      site.units.push_back(unit);
    }
  }
  const size_t n = spec.tree.size();
  site.nodes.resize(n);
  site.node_detail.resize(n);
  site.parent.resize(n);
  for (size_t i = 0; i < n; ++i) site.parent[i] = spec.tree[i].parent;
  InitBreakers(site);
  site.node_load_w.assign(n, 0.0);
  site.subtree_racks.resize(n);
  site.min_ride_through_s = 1e30;
  site.rack_pos.assign(n, -1);
  for (size_t i = 0; i < n; ++i) {
    const model::TreeNode& node = spec.tree[i];
    if (node.kind == NodeKind::kTent) site.tents.push_back(static_cast<int>(i));
    if (node.gpus <= 0) continue;
    site.rack_pos[i] = static_cast<int>(site.racks.size());
    site.racks.push_back(static_cast<int>(i));
    site.free_gpus += node.gpus;
    const model::GpuModel& gpu = fleet_.gpus[static_cast<size_t>(node.gpu_model)];
    NodeDetail& detail = site.node_detail[i];
    detail.ride_through_s = node.ride_through_j_per_gpu / gpu.tdp_w;
    if (site.host_w == 0) site.host_w = gpu.host_w;
    site.min_ride_through_s = std::min(site.min_ride_through_s, detail.ride_through_s);
    for (int a = static_cast<int>(i); a >= 0; a = spec.tree[static_cast<size_t>(a)].parent) {
      site.subtree_racks[static_cast<size_t>(a)].push_back(static_cast<int>(i));
    }
    AddRackDemand(site, static_cast<int>(i), node.gpus * (gpu.idle_w + gpu.host_w));
  }
  if (site.racks.empty()) site.min_ride_through_s = 0;
  {
    std::vector<int> models, capacity;
    for (int rack : site.racks) {
      models.push_back(spec.tree[static_cast<size_t>(rack)].gpu_model);
      capacity.push_back(spec.tree[static_cast<size_t>(rack)].gpus);
    }
    site.free_racks.Build(std::move(models), capacity, static_cast<int>(fleet_.gpus.size()));
  }
  if (!spec.shed_order.empty()) {
    site.feeds_shed_order = spec.shed_order;
  } else {
    for (size_t i = n; i-- > 0;) {
      if (spec.tree[i].kind == NodeKind::kFeed)
        site.feeds_shed_order.push_back(static_cast<int>(i));
    }
    if (site.feeds_shed_order.empty()) site.feeds_shed_order.push_back(0);
  }
  site.result.series.assign(
      static_cast<size_t>((horizon_.time_since_epoch() + options_.resolution - Duration{1}) /
                          options_.resolution),
      {});
  UpdateAmbient(site, now_);
}

void Engine::InitialDispatch(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const model::Site& spec = *site.spec;
  Balance(site, strategy_.unlimited_diesel);  // with no turbines, to learn the load
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
    Log(s, "unit_online_at_start",
        absl::StrCat(spec.plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name),
        u.available_w / 1e6, "MW");
  }
}

// ------------------------------------------------------------------------------------------------
// The loop

void Engine::CheckBreakers(int s) {
  SiteRt& site = Site(s);
  trip_scratch_.clear();
  sim::CheckBreakers(site, now_, &trip_scratch_);
  for (int i : trip_scratch_) {
    NodeDetail& detail = site.node_detail[static_cast<size_t>(i)];
    queue_.Cancel(detail.trip_timer);
    if (detail.trip_at != kTimeNever) {
      detail.trip_timer = Push(detail.trip_at, Ev::kBreakerTrip, s, i);
    }
  }
}

void Engine::Settle(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  Balance(site, strategy_.unlimited_diesel);
  CheckBreakers(s);
  site.grid_ramp.Update(now_, site.grid_w);
  site.turbine_ramp.Update(now_, site.turbine_w);
  if (site.grid_connected) {
    Time at = now_;
    const double swing = site.grid_window.Update(now_, site.grid_w, &at);
    if (swing >= 0) {
      Log(s, "grid_ramp_exceeded", site.spec->name, swing / 1e6,
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
          std::max(site.result.dr_worst_response_s, ToSeconds(now_ - site.dr_since));
      Log(s, "dr_reached", site.spec->name, ToSeconds(now_ - site.dr_since), "s after the request");
    } else if (site.dr_reached && !under) {
      ++site.result.dr_breaches;
      site.dr_reached = false;
      site.dr_since = now_;
    }
  }
  // Battery reaches a bound: re-balance then.
  if (site.spec->battery) {
    const model::Battery& b = *site.spec->battery;
    const double eta = std::sqrt(b.round_trip_efficiency);
    double seconds = -1;
    if (site.battery_w > kEpsW) {
      seconds = (site.stored_j - b.soc_min * b.energy_j) / (site.battery_w / eta);
    } else if (site.battery_w < -kEpsW) {
      seconds = (b.soc_max * b.energy_j - site.stored_j) / (-site.battery_w * eta);
    }
    if (seconds >= 0 && seconds < ToSeconds(horizon_ - now_)) {
      // Floor to the nanosecond so the bound is never overshot; the re-balance then sees the
      // battery within a microsecond of its bound and stops it.
      // A pending event no later than this one stays: when it comes early it finds the battery
      // short of its bound and schedules again (fewer events while the battery smooths).
      const Time at =
          std::max(now_ + Duration{static_cast<std::int64_t>(std::floor(seconds * 1e9))},
                   now_ + Duration{1});
      if (site.battery_limit_at > at || site.battery_limit_at < now_) {
        site.battery_limit_at = at;
        Reschedule(&site.battery_timer, at, Ev::kBatteryLimit, s, 0);
      }
    }
  }
  // A shortfall the sources cannot meet is carried by rack ride-through, then shed.
  if (site.shortfall_w > 0 && !queue_.Pending(site.shortfall_timer)) {
    Log(s, "supply_shortfall", site.spec->name, site.shortfall_w / 1e6,
        "MW short; under-frequency relays open feeds if it lasts");
    site.shortfall_timer = Push(now_ + site.spec->ufls_delay + FromSeconds(site.min_ride_through_s),
                                Ev::kShortfallTrip, s, 0);
    site.notify = true;
  } else if (site.shortfall_w <= 0) {
    queue_.Cancel(site.shortfall_timer);
  }
}

void Engine::Handle(const QueuedEvent& e) {
  const int s = e.site;
  if (s >= 0) {
    Integrate(s, now_);
    Touch(s);
  }
  switch (e.type) {
    case Ev::kJobArrival:
      return OnJobArrival(e);
    case Ev::kJobPhaseEnd:
      return OnJobPhaseEnd(e);
    case Ev::kJobFinish:
      return OnJobFinish(e);
    case Ev::kJobFailure:
      return OnJobFailure(e);
    case Ev::kBrakeApply:
      return OnBrakeApply(e);
    case Ev::kCapApply:
      return OnCapApply(e);
    case Ev::kUnitReady:
      return OnUnitReady(e);
    case Ev::kUnitStep:
      return OnUnitStep(e);
    case Ev::kUnitRepaired:
      return OnUnitRepaired(e);
    case Ev::kExternalStart:
    case Ev::kExternalEnd:
      return OnExternal(e);
    case Ev::kGridReconnect:
      return UpdateGrid(s, "reconnected after the disturbance");
    case Ev::kBatteryLimit:
      return OnBatteryLimit(e);
    case Ev::kBreakerTrip:
      return OnBreakerTrip(e);
    case Ev::kShortfallTrip:
      return OnShortfallTrip(e);
    case Ev::kReclose:
      return Reclose(s, e.a);
    case Ev::kTick:
      return OnTick(e);
    case Ev::kWake: {
      SiteRt& site = Site(s);
      site.next_wake = kTimeNever;
      site.notify = true;
      return;
    }
  }
}

Result Engine::Run() {
  horizon_ = Time{options_.horizon};
  result_.strategy = strategy_.name;
  result_.horizon = options_.horizon;
  result_.resolution = options_.resolution;
  result_.seed = options_.seed;
  sites_.resize(fleet_.sites.size());
  capacity_.resize(fleet_.sites.size());
  for (int s = 0; s < static_cast<int>(sites_.size()); ++s) {
    BuildSite(s);
    MarkCapacityStale(s);
  }
  jobs_.resize(fleet_.jobs.size());
  for (size_t i = 0; i < fleet_.jobs.size(); ++i) {
    JobRt& job = jobs_[i];
    job.spec = &fleet_.jobs[i];
    job.id = static_cast<int>(i);
    job.rng = rng_.Fork(0x10B0000 + i);
    job.failure_budget = job.rng.Exponential(1.0);
    job.gpu = &fleet_.gpus[static_cast<size_t>(std::max(0, job.spec->gpu_model))];
    if (job.spec->arrival < horizon_) arrivals_.push_back(job.id);
  }
  std::stable_sort(arrivals_.begin(), arrivals_.end(), [&](int a, int b) {
    return fleet_.jobs[static_cast<size_t>(a)].arrival <
           fleet_.jobs[static_cast<size_t>(b)].arrival;
  });
  for (size_t i = 0; i < fleet_.events.size(); ++i) {
    const EventSpec& ev = fleet_.events[i];
    if (ev.start >= horizon_ || ev.site < 0 || ev.site >= static_cast<int>(sites_.size())) continue;
    Push(ev.start, Ev::kExternalStart, ev.site, static_cast<int>(i));
    if (ev.kind != EventKind::kVoltageSag && ev.kind != EventKind::kTurbineTrip &&
        ev.start + ev.duration <= horizon_) {
      Push(ev.start + ev.duration, Ev::kExternalEnd, ev.site, static_cast<int>(i));
    }
  }
  // Jobs present at t = 0 start running at once: the run begins in steady state.
  while (HasEvent() && NextEventTime() == kTimeZero && NextIsArrival()) {
    const QueuedEvent e = PopEvent();
    Handle(e);
  }
  for (int s = 0; s < static_cast<int>(sites_.size()); ++s) {
    InitialDispatch(s);
    CheckBreakers(s);
    ScheduleTick(s);
    sites_[static_cast<size_t>(s)].notify = true;
    Touch(s);
  }
  const double horizon_s = ToSeconds(options_.horizon);
  std::uint64_t processed = 0;
  double next_progress = 0;
  auto settle_all = [&] {
    // Only the sites something happened to, in index order (deterministic).
    std::sort(touched_sites_.begin(), touched_sites_.end());
    for (int s : touched_sites_) {
      SiteRt& site = Site(s);
      Settle(s);
      if (site.notify) {
        site.notify = false;
        CallController(s);
        Settle(s);
        site.notify = false;  // a controller's own actions do not call it again at once
      }
      site.touched = false;
    }
    touched_sites_.clear();
  };
  settle_all();
  while (HasEvent()) {
    const Time t = NextEventTime();
    if (t > horizon_) break;
    now_ = t;
    while (HasEvent() && NextEventTime() == t) {
      const QueuedEvent e = PopEvent();
      Handle(e);
      ++processed;
    }
    settle_all();
    if (options_.progress && ToSeconds(t) >= next_progress) {
      options_.progress(ToSeconds(t) / horizon_s);
      next_progress = ToSeconds(t) + horizon_s / 200;
    }
  }
  now_ = horizon_;
  for (int s = 0; s < static_cast<int>(sites_.size()); ++s) Integrate(s, horizon_);
  for (JobRt& job : jobs_) {
    if (job.site >= 0) CloseSegment(job);
    if (job.site < 0 || job.spec->kind == WorkloadKind::kInference) continue;
    sites_[static_cast<size_t>(job.site)]
        .result.useful_gpu_s[static_cast<size_t>(job.spec->priority)] += job.progress;
  }
  for (SiteRt& site : sites_) {
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
    result_.sites.push_back(std::move(site.result));
  }
  result_.events_processed = processed;
  result_.events = event_log_.Finish();
  if (options_.progress) options_.progress(1.0);
  return std::move(result_);
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

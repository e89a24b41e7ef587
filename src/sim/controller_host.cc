#include "sim/controller_host.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control/contract.h"
#include "sim/power_tree.h"
#include "sim/tolerances.h"

namespace headroom::sim {

using control::Action;

namespace {

// rack_shares is compacted only beyond this many dead entries (amortizes the copy).
constexpr size_t kCompactSharesAbove = 4096;

}  // namespace

void ControllerHost::OnWake(const QueuedEvent& e) {
  SiteRt& site = world_.Site(e.site);
  site.next_wake = kTimeNever;
  site.notify = true;
}

void ControllerHost::FillTelemetry(int s) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  control::SiteTelemetry& t = site.telemetry;
  // The twin's meters have no latency: every reading is taken now.
  t.now = world_.now;
  t.grid_sampled_at = t.battery_sampled_at = t.load_sampled_at = world_.now;
  t.grid_connected = site.grid_connected;
  t.import_limit_w = ImportLimitW(site);
  t.dr_active = !site.dr_limits.empty();
  t.dr_limit_w = t.dr_active ? DrLimitW(site) : 0.0;
  t.dr_since = site.dr_since;
  t.frequency_hz = FrequencyAt(site, world_.now);
  t.price_usd_per_j = site.price;
  t.grid_w = site.grid_w;
  t.import_ceiling_w = site.import_ceiling_w;
  t.import_floor_w = site.import_floor_w;
  t.has_battery = site.spec->battery.has_value();
  t.battery_soc = t.has_battery ? site.stored_j / site.spec->battery->energy_j : 0;
  t.battery_w = site.battery_w;
  t.battery_max_w = t.has_battery ? BatteryPowerW(site) : -1;
  t.solar_w = site.solar_w;
  t.baseload_w = site.baseload_w;
  t.diesel_w = site.diesel_w;
  t.units.resize(site.units.size());
  for (size_t i = 0; i < site.units.size(); ++i) {
    const UnitRt& u = site.units[i];
    t.units[i] = {u.plant,
                  u.unit,
                  u.state,
                  u.ready_at,
                  u.target_w,
                  world_.now,
                  UnitAvailableW(site, u),
                  u.output_w,
                  UnitRatingW(site, u)};
  }
  t.ambient_c = site.ambient_c;
  t.pue = site.pue;
  t.it_w = site.it_w;
  t.facility_w = site.facility_w;
  t.shortfall_w = site.shortfall_w;
  // The node loads and the jobs' state: the engine's own vectors, lent to the snapshot for the
  // call (swapped back by CallController), so that a call copies neither.
  std::swap(t.node_load_w, site.node_load_w);
  t.open_breakers = site.open_breakers;
  std::swap(t.rack_power, site.rack_power);
  std::swap(t.racks_not_on, site.racks_not_on);
  t.rack_power_changes = site.rack_power_changes;
  // Announcements not over yet (those over leave the site's list): an outage lasts until the grid
  // is back, its reconnect delay after its end.
  t.announced.clear();
  size_t keep = 0;
  for (int i : site.announced) {
    const model::EventSpec& ev = world_.fleet.events[static_cast<size_t>(i)];
    const Duration after =
        ev.kind == model::EventKind::kGridOutage ? site.spec->grid.reconnect_delay : Duration{0};
    if (ev.start + ev.duration + after <= world_.now) continue;
    site.announced[keep++] = i;
    control::Announcement a;
    a.kind = ev.kind;
    a.announced_at = ev.start - std::min(ev.notice, ev.start.time_since_epoch());
    a.start = ev.start;
    a.end = ev.start + ev.duration;
    a.value = ev.magnitude;
    a.plant = ev.plant;
    a.unit = ev.unit;
    a.hard = ev.hard;
    t.announced.push_back(a);
  }
  site.announced.resize(keep);
  // The jobs' views (identity filled by AddView, state by Refresh), read as a whole now.
  std::swap(t.jobs, site.views);
  t.jobs_sampled_at = world_.now;
  if (t.rack_shares.size() > 2 * static_cast<size_t>(site.live_shares) + kCompactSharesAbove) {
    std::vector<control::RackShare> live;
    live.reserve(static_cast<size_t>(site.live_shares));
    for (control::JobView& v : t.jobs) {
      const auto racks = t.RacksOf(v);
      v.racks_begin = static_cast<int>(live.size());
      live.insert(live.end(), racks.begin(), racks.end());
    }
    t.rack_shares.swap(live);
  }
}

void ControllerHost::CallController(int s) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  FillTelemetry(s);
  control::SiteTelemetry& t = site.telemetry;
  control::Decision& d = site.decision;
  d.actions.clear();
  d.next_wake = kTimeNever;
  d.reserve_short_w = -1;
  d.move_away_w = 0;
  d.short_until = kTimeZero;
  d.short_from = kTimeZero;
  d.forecast_spare_w = std::numeric_limits<double>::infinity();
  site.controller->Decide(t, &d);
  ++world_.result.controller_calls;
  // The contract (control/contract.h): a violating action is recorded and dropped; a violating
  // next_wake falls back to one second from now.
  const std::vector<control::ContractViolation> violations = control::CheckDecision(t, d);
  std::vector<char> dropped(violations.empty() ? 0 : d.actions.size(), 0);
  for (const control::ContractViolation& v : violations) {
    world_.Log(s, "contract_violation", site.spec->name, v.action, control::Describe(v, d));
    if (v.action >= 0) dropped[static_cast<size_t>(v.action)] = 1;
  }
  control::ResetBrokenOutlook(t, &d);  // its violations are logged above
  // What it asks of the global scheduler: a change calls the scheduler at this instant.
  if (d.move_away_w != site.sched_move_away_w || d.short_until != site.sched_short_until ||
      d.short_from != site.sched_short_from || d.forecast_spare_w != site.sched_spare_w) {
    site.sched_move_away_w = d.move_away_w;
    site.sched_short_until = d.short_until;
    site.sched_short_from = d.short_from;
    site.sched_spare_w = d.forecast_spare_w;
    if (!site.forecast_changed) {
      site.forecast_changed = true;
      world_.forecast_changed.push_back(s);
      world_.Push(world_.now, Ev::kSchedulerWake, -1, 0);
    }
  }
  // The lent vectors go back to the engine before any action changes them.
  std::swap(t.node_load_w, site.node_load_w);
  std::swap(t.rack_power, site.rack_power);
  std::swap(t.racks_not_on, site.racks_not_on);
  std::swap(t.jobs, site.views);
  if (d.reserve_short_w >= 0) {
    site.result.reserve_assessed = true;
    site.reserve_short_w = d.reserve_short_w;
    site.result.max_reserve_short_w =
        std::max(site.result.max_reserve_short_w, site.reserve_short_w);
  }
  for (size_t i = 0; i < d.actions.size(); ++i) {
    if (dropped.empty() || !dropped[i]) Apply(s, d.actions[i]);
  }
  Time wake = d.next_wake;
  if (wake <= world_.now) wake = world_.now + std::chrono::seconds(1);
  if (wake != site.next_wake && wake <= world_.horizon) {
    site.next_wake = wake;
    world_.Reschedule(&site.wake_timer, wake, Ev::kWake, s, 0);
  }
}

bool ControllerHost::RaisesLoad(int s, const Action& a) const {
  const JobRt* job = nullptr;
  if (control::IsJobAction(a.kind) && a.job.value >= 0 &&
      a.job.value < static_cast<std::int64_t>(world_.jobs.size()) &&
      world_.jobs[static_cast<size_t>(a.job.value)].site == s)
    job = &world_.jobs[static_cast<size_t>(a.job.value)];
  switch (a.kind) {
    case Action::Kind::kResume:
    case Action::Kind::kPowerOnRack:
      return true;
    case Action::Kind::kSetCap:
      return job != nullptr &&
             (job->state == JobState::kRunning || job->state == JobState::kStarting) &&
             std::min(a.value, job->gpu->cap_max_w) > job->pending_cap_w + kEpsW;
    case Action::Kind::kBrake:
      return job != nullptr && a.value == 0 && job->braked && job->state == JobState::kRunning;
    case Action::Kind::kPause:
      return job != nullptr && job->state == JobState::kRunning &&
             model::CheckpointIoPowerW(*job->gpu) > job->per_gpu_w + kEpsW;
    default:
      return false;
  }
}

void ControllerHost::Apply(int s, const Action& a) {
  SiteRt& site = world_.Site(s);
  if (site.shortfall_w > kEpsW && RaisesLoad(s, a)) {
    ++site.result.load_raises_in_deficit;
    world_.Log(s, "raise_in_deficit", site.spec->name, site.shortfall_w / 1e6,
               absl::StrCat("MW short; ", control::ActionKindName(a.kind), ": ", a.reason));
  }
  switch (a.kind) {
    case Action::Kind::kSetCap:
    case Action::Kind::kPause:
    case Action::Kind::kResume:
    case Action::Kind::kStop:
    case Action::Kind::kBrake:
      return ApplyJobAction(s, a);
    case Action::Kind::kPowerOffRack:
    case Action::Kind::kPowerOnRack:
      return ApplyRackAction(s, a);
    default:
      return ApplyPlantAction(s, a);
  }
}

void ControllerHost::ApplyJobAction(int s, const Action& a) {
  const std::string kind = absl::StrCat("action:", control::ActionKindName(a.kind));
  // The contract holds: the id names a job of this site's telemetry (FillTelemetry's encoding).
  JobRt* job = nullptr;
  if (a.job.value >= 0 && a.job.value < static_cast<std::int64_t>(world_.jobs.size()) &&
      world_.Job(static_cast<int>(a.job.value)).site == s) {
    job = &world_.Job(static_cast<int>(a.job.value));
  }
  switch (a.kind) {
    case Action::Kind::kSetCap: {
      if (job == nullptr || job->state == JobState::kDone) return;
      const double cap = std::clamp(a.value, job->gpu->cap_min_w, job->gpu->cap_max_w);
      if (!workload_.WriteCap(*job, cap)) return;
      world_.Log(s, kind, job->spec->name, cap, a.reason);
      return;
    }
    case Action::Kind::kPause:
      if (job == nullptr || !workload_.Pause(*job)) return;
      world_.Log(s, kind, job->spec->name, 0, a.reason);
      return;
    case Action::Kind::kResume:
      if (job == nullptr || !workload_.Resume(*job)) return;
      world_.Log(s, kind, job->spec->name, 0, a.reason);
      return;
    case Action::Kind::kStop:
      if (job == nullptr || !workload_.Stop(*job)) return;
      world_.Log(s, kind, job->spec->name, 0, a.reason);
      return;
    case Action::Kind::kBrake:
      if (job == nullptr || job->state == JobState::kDone) return;
      workload_.Brake(*job, a.value);
      world_.Log(s, kind, job->spec->name, a.value, a.reason);
      return;
    default:
      return;
  }
}

void ControllerHost::ApplyRackAction(int s, const Action& a) {
  SiteRt& site = world_.Site(s);
  // The contract holds: `a.rack` is a rack of the site, on for a power-off, off for a power-on.
  const auto r = static_cast<size_t>(a.rack);
  const std::string kind = absl::StrCat("action:", control::ActionKindName(a.kind));
  if (a.kind == Action::Kind::kPowerOffRack) {
    const double drew_w = site.node_load_w[r] * site.pue;
    PowerOffRack(site, a.rack);
    ++site.result.rack_power_offs;
    world_.Log(s, kind, site.spec->tree[r].name, drew_w / 1e6, a.reason);
  } else {
    BootRack(site, a.rack);
    world_.Reschedule(&site.node_detail[r].boot_timer, world_.now + site.spec->rack_boot_time,
                      Ev::kRackBooted, s, a.rack);
    world_.Log(s, kind, site.spec->tree[r].name, site.node_load_w[r] * site.pue / 1e6, a.reason);
  }
  world_.MarkCapacityStale(s);
  world_.Touch(s);
}

void ControllerHost::ApplyPlantAction(int s, const Action& a) {
  SiteRt& site = world_.Site(s);
  const std::string kind = absl::StrCat("action:", control::ActionKindName(a.kind));
  auto unit_of = [&](const Action& act) -> UnitRt* {
    for (UnitRt& u : site.units) {
      if (u.plant == act.plant && u.unit == act.unit) return &u;
    }
    return nullptr;
  };
  switch (a.kind) {
    case Action::Kind::kSetImportCeiling:
    case Action::Kind::kSetImportFloor: {
      double& bound =
          a.kind == Action::Kind::kSetImportCeiling ? site.import_ceiling_w : site.import_floor_w;
      const bool ceiling = a.kind == Action::Kind::kSetImportCeiling;
      const double w =
          std::isnan(a.value) ? (ceiling ? control::kNoCeiling : control::kNoFloor) : a.value;
      if (w == bound || std::fabs(w - bound) < kEpsW) return;
      if (!a.reason.empty())
        world_.Log(s, kind, site.spec->name, std::isfinite(w) ? w / 1e6 : 0.0, a.reason);
      bound = w;
      world_.Touch(s);
      return;
    }
    case Action::Kind::kSetBatteryDischarge: {
      if (!site.spec->battery) return;
      const double w = std::clamp(a.value, 0.0, site.spec->battery->power_w);
      if (std::fabs(w - site.discharge_request_w) < kEpsW) return;
      if (!a.reason.empty()) world_.Log(s, kind, site.spec->name, w / 1e6, a.reason);
      site.discharge_request_w = w;
      world_.Touch(s);
      return;
    }
    case Action::Kind::kCommitUnit: {
      UnitRt* u = unit_of(a);
      if (u == nullptr || u->state != UnitState::kOff) return;
      u->state = UnitState::kStarting;
      u->ready_at = world_.now + u->spec->start_time;
      world_.Reschedule(&u->ready_timer, u->ready_at, Ev::kUnitReady, s,
                        static_cast<int>(u - site.units.data()));
      world_.Log(s, kind, UnitName(site, *u), 0, a.reason);
      return;
    }
    case Action::Kind::kDecommitUnit: {
      UnitRt* u = unit_of(a);
      if (u == nullptr || (u->state != UnitState::kOnline && u->state != UnitState::kStarting))
        return;
      u->state = UnitState::kOff;
      u->available_w = u->target_w = u->output_w = 0;
      world_.queue.Cancel(u->ready_timer);
      world_.queue.Cancel(u->step_timer);
      world_.Log(s, kind, UnitName(site, *u), 0, a.reason);
      world_.Touch(s);
      return;
    }
    case Action::Kind::kSetUnitTarget: {
      UnitRt* u = unit_of(a);
      if (u == nullptr) return;
      const double target = std::clamp(a.value, u->spec->min_load_w, u->spec->rating_w);
      if (std::fabs(target - u->target_w) < kEpsW) return;
      u->target_w = target;
      if (u->state == UnitState::kOnline && !world_.queue.Pending(u->step_timer)) {
        u->step_timer =
            world_.Push(world_.now, Ev::kUnitStep, s, static_cast<int>(u - site.units.data()));
      }
      return;
    }
    case Action::Kind::kSetBatteryCharge: {
      if (!site.spec->battery) return;
      const double w = std::clamp(a.value, 0.0, site.spec->battery->power_w);
      if (std::fabs(w - site.charge_request_w) < kEpsW) return;
      site.charge_request_w = w;
      world_.Touch(s);
      return;
    }
    case Action::Kind::kNote:
      world_.Log(s, kind, site.spec->name, a.value, a.reason);
      return;
    default:
      return;
  }
}

}  // namespace headroom::sim

#include "control/contract.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace headroom::control {
namespace {

using Kind = Action::Kind;

// The value of `a` is allowed to be infinite in this direction only (0: never).
int AllowedInfinity(Kind k) {
  if (k == Kind::kSetImportCeiling) return 1;
  if (k == Kind::kSetImportFloor) return -1;
  return 0;
}

// A finding on a job action, given the job it names; empty when it holds.
std::string CheckJobAction(const Action& a, const JobView& v) {
  switch (a.kind) {
    case Kind::kSetCap:
      if (!(a.value > 0)) return absl::StrCat("cap ", a.value, " W is not positive");
      return "";
    case Kind::kBrake:
      if (a.value != 0 && a.value != 1)
        return absl::StrCat("brake value ", a.value, " is neither 0 (release) nor 1 (assert)");
      return "";
    case Kind::kPause:
      if (v.state != JobState::kRunning && v.state != JobState::kStarting)
        return absl::StrCat("pause of a job that is ", JobStateName(v.state),
                            ", not running or starting");
      return "";
    case Kind::kResume:
      if (v.state != JobState::kPaused)
        return absl::StrCat("resume of a job that is ", JobStateName(v.state), ", not paused");
      return "";
    case Kind::kStop:
      if (v.state != JobState::kStarting && v.state != JobState::kRunning &&
          v.state != JobState::kSaving)
        return absl::StrCat("stop of a job that is ", JobStateName(v.state),
                            ", not starting, running or saving");
      return "";
    default:
      return "";
  }
}

std::string CheckUnitAction(const Action& a, const UnitView& u) {
  switch (a.kind) {
    case Kind::kCommitUnit:
      if (u.state != UnitState::kOff)
        return absl::StrCat("commit of a unit that is ", UnitStateName(u.state), ", not off");
      return "";
    case Kind::kDecommitUnit:
      if (u.state != UnitState::kOnline && u.state != UnitState::kStarting)
        return absl::StrCat("decommit of a unit that is ", UnitStateName(u.state),
                            ", not online or starting");
      return "";
    case Kind::kSetUnitTarget:
      if (a.value < 0) return absl::StrCat("unit target ", a.value, " W is negative");
      return "";
    default:
      return "";
  }
}

// A finding on a rack action; empty when it holds. `power` is the rack's state after the
// decision's earlier actions; `busy` whether a job on it is starting, running or saving.
std::string CheckRackAction(const Action& a, RackPower power, bool busy) {
  if (power == RackPower::kNotRack)
    return absl::StrCat("names node ", a.rack, ", which is not a rack");
  if (a.kind == Kind::kPowerOffRack) {
    if (power != RackPower::kOn)
      return absl::StrCat("power-off of rack ", a.rack, ", which is ", RackPowerName(power),
                          ", not on");
    if (busy)
      return absl::StrCat("power-off of rack ", a.rack,
                          " under a job that is starting, running or saving (pause it first)");
  } else if (power != RackPower::kOff) {
    return absl::StrCat("power-on of rack ", a.rack, ", which is ", RackPowerName(power),
                        ", not off");
  }
  return "";
}

// Findings on the outlook for the global scheduler: which fields break the contract.
bool MoveAwayBroken(const Decision& d) {
  return !std::isfinite(d.move_away_w) || d.move_away_w < 0;
}
bool ShortUntilBroken(const SiteTelemetry& t, const Decision& d) {
  return d.short_until != kTimeZero && d.short_until < t.now;
}
bool ForecastBroken(const Decision& d) { return std::isnan(d.forecast_spare_w); }

// Per tree node: whether a job that is starting, running or saving has GPUs on it.
std::vector<char> BusyRacks(const SiteTelemetry& t) {
  std::vector<char> busy(t.rack_power.size(), 0);
  for (const JobView& v : t.jobs) {
    if (v.state != JobState::kStarting && v.state != JobState::kRunning &&
        v.state != JobState::kSaving)
      continue;
    for (const RackShare& r : t.RacksOf(v)) {
      if (r.rack >= 0 && r.rack < static_cast<int>(busy.size()))
        busy[static_cast<size_t>(r.rack)] = 1;
    }
  }
  return busy;
}

}  // namespace

std::vector<ContractViolation> CheckDecision(const SiteTelemetry& t, const Decision& d) {
  std::vector<ContractViolation> out;
  auto add = [&](int action, std::string what) { out.push_back({action, std::move(what)}); };
  if (d.next_wake <= t.now)
    add(-1,
        absl::StrCat("next_wake ", ToSeconds(d.next_wake - t.now), " s from now is not after now"));
  if (std::isnan(d.reserve_short_w)) add(-1, "reserve_short_w is NaN");
  if (MoveAwayBroken(d))
    add(-1, absl::StrCat("move_away_w ", d.move_away_w, " W is not a finite power >= 0"));
  if (ShortUntilBroken(t, d))
    add(-1, absl::StrCat("short_until ", ToSeconds(t.now - d.short_until),
                         " s ago is before now (kTimeZero: unknown)"));
  if (ForecastBroken(d)) add(-1, "forecast_spare_w is NaN");

  // The jobs by id, built only when a job action needs it.
  std::vector<std::pair<JobId, int>> by_id;
  const bool any_job_action = std::any_of(d.actions.begin(), d.actions.end(),
                                          [](const Action& a) { return IsJobAction(a.kind); });
  if (any_job_action) {
    by_id.reserve(t.jobs.size());
    for (size_t i = 0; i < t.jobs.size(); ++i)
      by_id.emplace_back(t.jobs[i].id, static_cast<int>(i));
    std::sort(by_id.begin(), by_id.end());
  }

  // The racks' power states as the decision's actions change them, and which racks carry work,
  // built only when a rack action needs them.
  std::vector<RackPower> power;
  std::vector<char> busy;
  if (std::any_of(d.actions.begin(), d.actions.end(),
                  [](const Action& a) { return IsRackAction(a.kind); })) {
    power = t.rack_power;
    busy = BusyRacks(t);
  }

  double ceiling = t.import_ceiling_w, floor = t.import_floor_w;
  int bounds_set_by = -1;  // the last action that set a bound
  for (size_t i = 0; i < d.actions.size(); ++i) {
    const Action& a = d.actions[i];
    const int at = static_cast<int>(i);
    if (std::isnan(a.value)) {
      add(at, "value is NaN");
      continue;
    }
    if (std::isinf(a.value) && (a.value > 0 ? 1 : -1) != AllowedInfinity(a.kind)) {
      add(at, absl::StrCat("value ", a.value, " is not finite"));
      continue;
    }
    if (IsJobAction(a.kind)) {
      const auto it = std::lower_bound(by_id.begin(), by_id.end(), std::make_pair(a.job, -1));
      if (it == by_id.end() || it->first != a.job) {
        add(at, absl::StrCat("names job ", a.job.value, ", which is not in the telemetry"));
        continue;
      }
      std::string what = CheckJobAction(a, t.jobs[static_cast<size_t>(it->second)]);
      if (!what.empty()) add(at, std::move(what));
    } else if (IsUnitAction(a.kind)) {
      const auto it = std::find_if(t.units.begin(), t.units.end(), [&](const UnitView& u) {
        return u.plant == a.plant && u.unit == a.unit;
      });
      if (it == t.units.end()) {
        add(at,
            absl::StrCat("names unit ", a.plant, "/", a.unit, ", which is not in the telemetry"));
        continue;
      }
      std::string what = CheckUnitAction(a, *it);
      if (!what.empty()) add(at, std::move(what));
    } else if (IsRackAction(a.kind)) {
      if (a.rack < 0 || a.rack >= static_cast<int>(power.size())) {
        add(at, absl::StrCat("names node ", a.rack, ", which is not in the telemetry"));
        continue;
      }
      const auto r = static_cast<size_t>(a.rack);
      std::string what = CheckRackAction(a, power[r], busy[r] != 0);
      if (!what.empty()) {
        add(at, std::move(what));
        continue;
      }
      power[r] = a.kind == Kind::kPowerOffRack ? RackPower::kOff : RackPower::kBooting;
    } else if (a.kind == Kind::kSetBatteryCharge || a.kind == Kind::kSetBatteryDischarge) {
      if (!t.has_battery) {
        add(at, "battery action at a site without a battery");
      } else if (a.value < 0) {
        add(at, absl::StrCat("battery power ", a.value, " W is negative"));
      }
    } else if (a.kind == Kind::kSetImportCeiling) {
      ceiling = a.value;
      bounds_set_by = at;
    } else if (a.kind == Kind::kSetImportFloor) {
      floor = a.value;
      bounds_set_by = at;
    }
  }
  if (bounds_set_by >= 0 && ceiling < floor) {
    add(bounds_set_by, absl::StrCat("import ceiling ", ceiling / 1e6, " MW is below the floor ",
                                    floor / 1e6, " MW"));
  }
  return out;
}

int ResetBrokenOutlook(const SiteTelemetry& t, Decision* d) {
  const Decision defaults;
  int reset = 0;
  if (MoveAwayBroken(*d)) {
    d->move_away_w = defaults.move_away_w;
    ++reset;
  }
  if (ShortUntilBroken(t, *d)) {
    d->short_until = defaults.short_until;
    ++reset;
  }
  if (ForecastBroken(*d)) {
    d->forecast_spare_w = defaults.forecast_spare_w;
    ++reset;
  }
  return reset;
}

std::string Describe(const ContractViolation& v, const Decision& d) {
  if (v.action < 0 || v.action >= static_cast<int>(d.actions.size()))
    return absl::StrCat("decision: ", v.what);
  return absl::StrCat("action ", v.action, " (",
                      ActionKindName(d.actions[static_cast<size_t>(v.action)].kind), "): ", v.what);
}

}  // namespace headroom::control

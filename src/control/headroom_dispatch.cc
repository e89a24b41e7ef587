// The Headroom controller's dispatch of its sources: turbines committed ahead of need (sized so
// that losing the grid stays within the fast reserve), the facility budget the sources and the
// battery sustain, the battery's dispatch (import ceiling and floor, recharge), and ramp
// smoothing (the ramp-limited import reference the battery holds the grid at).

#include <algorithm>
#include <chrono>
#include <cmath>

#include "control/headroom.h"
#include "control/headroom_internal.h"
#include "control/reference.h"

namespace headroom::control {
namespace {

using internal::kContingencySocFloor;
using internal::kWattsPerMw;
using internal::Mw;

// Turbines are committed for this much more than the load wants of them (a ratio): room for the
// load to grow before the next call. Tunable.
constexpr double kTurbineMargin = 1.05;
// The grid's import is held to this share of the fast reserve (a ratio), so that losing the grid
// stays within the reserve with 10% to spare for error in the reserve's estimate; turbines carry
// the rest (the contingency reserve). Tunable.
constexpr double kGridShareOfFastReserve = 0.9;
// A unit without a ramp limit ramps at this (W/s): in effect at once.
constexpr double kUnlimitedRampWPerS = 1e12;
// A unit is stopped only while the other online units cover this much more than is wanted of the
// turbines (a ratio): hysteresis against kTurbineMargin, so that a unit is not started and stopped
// in turn. Tunable.
constexpr double kDecommitSurplus = 1.1;

// The budget counts on this share of the battery's rated power (a ratio), keeping 5% in hand.
constexpr double kBatteryPowerShare = 0.95;
// Energy margin on what the battery must give to bridge or to carry a load step (a ratio: 30%
// more energy than the estimate). Tunable.
constexpr double kBridgeEnergyMargin = 1.3;
// The battery carries inference at its objective, where nothing else is left to shed, only if it
// can for this long (an outage's reconnection delay is minutes; 1 h leaves room for longer).
constexpr Duration kObjectiveBridge = std::chrono::hours(1);
// Floor on a rate divided by (W/s): a turbine fleet or import reference that does not move.
constexpr double kMinRateWPerS = 1.0;
// Without ramp smoothing, the recharge target is at least this far above soc_min (a fraction of
// the energy), so that a reserve_soc set at or below soc_min still recharges.
constexpr double kRechargeAboveSocMin = 0.05;

// Ramp smoothing. The reference moves at this share of the rate the staircase bound allows (a
// ratio: 2% to spare), in steps at least a sixth of the ramp window apart (fewer controller
// calls), and the battery carries a mismatch under this share of the window's allowance.
constexpr double kRampRateShare = 0.98;
constexpr int kRampStepsPerWindow = 6;
constexpr double kRampDeadbandShare = 0.02;
// Battery room kept free below soc_max to absorb a sudden loss of load (fraction of its energy).
constexpr double kLoadLossRoomSoc = 0.05;
// The recharge target stays at least this far below that room (fraction of the energy), so that
// recharging and making room never meet.
constexpr double kRechargeGapSoc = 0.02;
// Recharge and room-making taper: full battery power when this long at full power is missing (s).
constexpr double kSocTaperS = 600.0;

}  // namespace

void HeadroomController::SetUpRampSmoothing() {
  // The reference moves in steps, each at most `rate × min(time since the last, period)`: such a
  // staircase changes by at most rate × (window + period) within any window, so this rate keeps
  // it under max_ramp × window (with 2% to spare). Steps a sixth of the window apart keep the
  // controller calls few; the battery carries a mismatch under the deadband.
  const double window_s = ToSeconds(site_.grid.ramp_window);
  grid_ref_period_ =
      std::max(options_.constrained_period, site_.grid.ramp_window / kRampStepsPerWindow);
  grid_ref_rate_ = site_.grid.max_ramp_w_per_s * window_s /
                   (window_s + ToSeconds(grid_ref_period_)) * kRampRateShare;
  grid_ref_deadband_w_ = kRampDeadbandShare * site_.grid.max_ramp_w_per_s * window_s;
}

double HeadroomController::Dispatch(const SiteTelemetry& t, double full_facility_w,
                                    double grid_target_w, double fast_reserve_w, Duration* ready_in,
                                    double* ramp_w_per_s, Decision* out) {
  const double base = t.solar_w + t.baseload_w;
  // Turbines cover what the grid may not give, and also, where the site declares the loss of the
  // grid a contingency, enough that losing the grid's import stays within the fast reserve
  // (battery + brakes): the contingency reserve.
  const double grid_use = holds_grid_
                              ? std::min(grid_target_w, kGridShareOfFastReserve * fast_reserve_w)
                              : grid_target_w;
  const double want = std::max(0.0, full_facility_w - base - grid_use) * kTurbineMargin;
  double committed = 0, online = 0, largest = 0;
  *ready_in = Duration{0};
  *ramp_w_per_s = 0;
  auto ramp_of = [this](const UnitView& u) {
    return Unit(u).ramp_w_per_s > 0 ? Unit(u).ramp_w_per_s : kUnlimitedRampWPerS;
  };
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kOnline || u.state == UnitState::kStarting) {
      committed += UnitMaxW(site_, u);
      *ramp_w_per_s += ramp_of(u);
    }
    if (u.state == UnitState::kStarting) *ready_in = std::max(*ready_in, u.ready_at - t.now);
    if (u.state == UnitState::kOnline) {
      online += UnitMaxW(site_, u);
      largest = std::max(largest, UnitMaxW(site_, u));
    }
  }
  for (const UnitView& u : t.units) {
    if (committed >= want) break;
    if (u.state != UnitState::kOff) continue;
    out->actions.push_back(Action::ForUnit(Action::Kind::kCommitUnit, u.plant, u.unit, 0,
                                           "start ahead of need: " + Mw(want) +
                                               " wanted from turbines, " + Mw(committed) +
                                               " committed"));
    committed += UnitMaxW(site_, u);
    *ramp_w_per_s += ramp_of(u);
    *ready_in = std::max(*ready_in, Unit(u).start_time);
  }
  const bool steady = t.grid_connected && !t.dr_active && t.shortfall_w <= 0;
  DecommitAfterSurplus(site_, t,
                       steady && online - largest >= want * kDecommitSurplus && online > 0,
                       &low_since_, out, DecommitHold(t));
  ShareTurbineTargets(site_, t, want, "", out);
  return committed;
}

Duration HeadroomController::DecommitHold(const SiteTelemetry& t) const {
  // The unit DecommitAfterSurplus would stop: the last online one.
  const UnitView* last = nullptr;
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kOnline) last = &u;
  }
  const double over = TurbineOverGridUsdPerJ(t);
  if (last == nullptr || over <= 0) return kDecommitAfter;  // running it costs less than the grid
  const model::TurbineUnit& spec = Unit(*last);
  const double start_usd = options_.start_cost_usd_per_mw * spec.rating_w / kWattsPerMw;
  const double running_usd_per_s = std::max(spec.min_load_w, 0.1 * spec.rating_w) * over;
  // At most a day: past that, the start is a small part of what running costs.
  const double hold_s = std::min(start_usd / running_usd_per_s, 86400.0);
  return std::max(kDecommitAfter, FromSeconds(hold_s));
}

void HeadroomController::BatteryUsable(const SiteTelemetry& t, double* usable_j,
                                       double* power_w) const {
  // Energy above a floor kept for the next contingency, and battery power.
  *usable_j = 0;
  *power_w = 0;
  if (!t.has_battery) return;
  const model::Battery& b = *site_.battery;
  *usable_j = std::max(0.0, (t.battery_soc - b.soc_min - kContingencySocFloor) * b.energy_j) *
              std::sqrt(b.round_trip_efficiency);
  *power_w = *usable_j > 0 ? kBatteryPowerShare * BatteryPowerNowW(b, t) : 0.0;
}

HeadroomController::Supply HeadroomController::BudgetFor(const SiteTelemetry& t,
                                                         double full_facility_w,
                                                         double grid_target_w, double committed_w,
                                                         Duration ready_in, double ramp_w_per_s) {
  Supply s;
  const double base = t.solar_w + t.baseload_w;
  double turbines = 0;
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kOnline) turbines += u.available_w;
  }
  const double sustainable = base + turbines + grid_target_w;
  double usable_j = 0, battery_power = 0;
  BatteryUsable(t, &usable_j, &battery_power);
  // Under a ramp limit the grid gives what the ramp-limited reference has reached, and the battery
  // carries a load step above it while the reference catches up at its rate: a step b costs
  // about b^2 / (2 rate) of energy.
  s.ramp_limited = site_.grid.present && site_.grid.max_ramp_w_per_s > 0;
  double grid_now = grid_target_w, ramp_bridge = 0;
  if (s.ramp_limited) {
    grid_now = std::min(grid_target_w, TrackGridRef(t, grid_target_w));
    const double carry =
        std::min(battery_power, std::sqrt(2 * grid_ref_rate_ * usable_j / kBridgeEnergyMargin));
    ramp_bridge = std::min(grid_target_w - grid_now, carry);
    battery_power -= ramp_bridge;
    usable_j = std::max(0.0, usable_j - kBridgeEnergyMargin * ramp_bridge * ramp_bridge /
                                            (2 * std::max(grid_ref_rate_, kMinRateWPerS)));
  }
  const double supply_now = base + turbines + grid_now + ramp_bridge;
  // Beyond that, the battery bridges until the turbines (starting, ramping) catch up.
  const double deficit = std::max(0.0, full_facility_w - supply_now);
  double bridge = 0;
  if (deficit > 0 && battery_power > 0) {
    const bool catches_up = committed_w + base + grid_target_w >= full_facility_w;
    const double catch_s =
        std::max(ToSeconds(ready_in) + std::max(0.0, full_facility_w - sustainable) /
                                           std::max(ramp_w_per_s, kMinRateWPerS),
                 (grid_target_w - grid_now) / std::max(grid_ref_rate_, kMinRateWPerS));
    if (catches_up && deficit <= battery_power &&
        usable_j >= deficit * catch_s * kBridgeEnergyMargin)
      bridge = deficit;
  }
  const double budget = (supply_now + bridge) * (1 - control_.rating_margin);
  // Where the battery does not bridge (the turbines cannot catch up with the full demand), it can
  // still carry a small gap for long: what keeps inference at its objective.
  if (bridge <= 0 && battery_power > 0)
    s.objective_bridge_w = std::min(battery_power, usable_j / ToSeconds(kObjectiveBridge));
  s.grid_now_w = grid_now;
  s.deficit_w = deficit;
  s.bridge_w = bridge;
  s.budget_w = budget;
  return s;
}

void HeadroomController::DispatchBattery(const SiteTelemetry& t, double grid_target_w,
                                         const Supply& s, Decision* out) const {
  // Discharge to hold the grid at its target while bridging or while a grid service asks for less
  // import; otherwise recharge toward the reserve level.
  if (t.has_battery && s.ramp_limited) {
    // The battery holds the import at the ramp-limited reference: it discharges above it and
    // charges below it, so the grid sees a ramp, whatever the load does.
    const bool service = t.dr_active || droop_w_ > 0;
    const char* why = !service      ? ""
                      : t.dr_active ? "hold the demand-response import limit"
                                    : "under-frequency droop response";
    out->actions.push_back(Action::ForSite(Action::Kind::kSetImportCeiling, s.grid_now_w, why));
    out->actions.push_back(Action::ForSite(Action::Kind::kSetImportFloor,
                                           t.grid_connected ? s.grid_now_w : kNoFloor, ""));
    out->actions.push_back(Action::ForSite(Action::Kind::kSetBatteryCharge, 0.0, ""));
  } else if (t.has_battery) {
    const model::Battery& b = *site_.battery;
    const bool service = t.dr_active || droop_w_ > 0 || s.bridge_w > 0;
    const double ceiling = service ? grid_target_w : kNoCeiling;
    out->actions.push_back(
        Action::ForSite(Action::Kind::kSetImportCeiling, ceiling,
                        !service       ? "grid services over; no import ceiling"
                        : t.dr_active  ? "hold the demand-response import limit"
                        : droop_w_ > 0 ? "under-frequency droop response"
                                       : "bridge with the battery until turbines catch up"));
    const double charge =
        (t.grid_connected && !service && s.deficit_w <= 0 &&
         t.battery_soc < std::max(RechargeSoc(), b.soc_min + kRechargeAboveSocMin))
            ? b.power_w
            : 0.0;
    out->actions.push_back(Action::ForSite(Action::Kind::kSetBatteryCharge, charge, ""));
  }
}

double HeadroomController::RechargeSoc() const {
  if (!charge_to_top_ || !site_.battery) return options_.reserve_soc;
  return std::max(options_.reserve_soc, site_.battery->soc_max - kLoadLossRoomSoc);
}

double HeadroomController::TrackGridRef(const SiteTelemetry& t, double grid_target_w) {
  if (!t.grid_connected) {
    // Reconnection picks the load up from zero at the ramp rate.
    grid_ref_w_ = 0;
    grid_ref_at_ = t.now;
    return 0;
  }
  // The import with the battery idle, plus a recharge toward the reserve level, or a discharge
  // that keeps room below the top (5% of the energy) to absorb a sudden loss of load. Both taper
  // as the battery approaches its band (full power when 10 minutes of it are missing), so that
  // the battery never reaches a bound while it holds the import.
  double want = t.grid_w + t.battery_w;
  if (t.has_battery) {
    const model::Battery& b = *site_.battery;
    const double hi = b.soc_max - kLoadLossRoomSoc;
    const double lo =
        std::max(b.soc_min + kContingencySocFloor, std::min(RechargeSoc(), hi - kRechargeGapSoc));
    if (t.battery_soc < lo)
      want += std::min(b.power_w, (lo - t.battery_soc) * b.energy_j / kSocTaperS);
    // Room is made by importing less, never by exporting battery energy.
    if (t.battery_soc > hi)
      want -= std::min(
          {b.power_w, (t.battery_soc - hi) * b.energy_j / kSocTaperS, std::max(0.0, want)});
  }
  want = std::min(std::max(want, -site_.grid.export_limit_w), grid_target_w);
  grid_want_w_ = want;
  if (!grid_ref_set_) grid_ref_w_ = t.grid_w;
  grid_ref_set_ = true;
  const double dt = std::min(ToSeconds(t.now - grid_ref_at_), ToSeconds(grid_ref_period_));
  grid_ref_at_ = t.now;
  if (grid_target_w < grid_ref_w_) {
    grid_ref_w_ = grid_target_w;  // the grid operator asks for less: at once
  } else {
    grid_ref_w_ =
        std::clamp(want, grid_ref_w_ - grid_ref_rate_ * dt, grid_ref_w_ + grid_ref_rate_ * dt);
  }
  return grid_ref_w_;
}

bool HeadroomController::NoteRampWalk(const SiteTelemetry& t, bool ramp_limited, Decision* out) {
  const bool walking = ramp_limited && t.grid_connected &&
                       std::fabs(grid_want_w_ - grid_ref_w_) > grid_ref_deadband_w_;
  if (walking && !grid_walking_) {
    out->actions.push_back(Action::Note(
        (grid_want_w_ - grid_ref_w_) / kWattsPerMw,
        "ramp smoothing: the battery holds the import at " + Mw(grid_ref_w_) +
            " while it moves toward " + Mw(grid_want_w_) + " at " + Mw(grid_ref_rate_ * 60) +
            " per minute (limit " + Mw(site_.grid.max_ramp_w_per_s * 60) + " per minute)"));
  } else if (!walking && grid_walking_ && t.grid_connected) {
    out->actions.push_back(Action::Note(0, "ramp smoothing done: import at " + Mw(grid_ref_w_)));
  }
  grid_walking_ = walking;
  return walking;
}

}  // namespace headroom::control

// The Headroom controller's use of advance notice (SiteTelemetry::announced): an outage, an
// import cap, a fuel curtailment or a unit's planned outage announced ahead. Within
// kChargeLead of the start the battery charges to its top; within the turbines' start time the
// units are committed for the grid the event will leave; within the longest checkpoint save the
// work that will not fit is checkpointed, paused or powered off with its checkpoint written while
// the supply still carries it; and during the event the battery's energy is spread over the
// announced duration (the budget counts usable energy / time left), which an unannounced event
// cannot do.

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>

#include "control/headroom.h"
#include "control/headroom_internal.h"
#include "control/reference.h"

namespace headroom::control {
namespace {

using internal::Mw;

// How long before an announced supply event the battery charges to its top.
constexpr Duration kChargeLead = std::chrono::hours(12);
// Margin on the turbines' start and on the checkpoint saves ahead of an announced event.
constexpr Duration kNoticeMargin = std::chrono::minutes(2);

// When the event's effect ends: an outage's when the grid is back, its reconnect delay later.
Time EffectEnd(const Announcement& a, const model::Site& site) {
  return a.kind == model::EventKind::kGridOutage ? a.end + site.grid.reconnect_delay : a.end;
}

bool SupplyEvent(model::EventKind k) {
  return k == model::EventKind::kGridOutage || k == model::EventKind::kImportLimit ||
         k == model::EventKind::kFuelCurtailment || k == model::EventKind::kTurbineTrip;
}

}  // namespace

HeadroomController::Notice HeadroomController::ReadNotice(const SiteTelemetry& t,
                                                          double grid_target_w, Decision* out) {
  Notice n;
  if (t.announced.empty()) return n;
  Duration commit_lead = kNoticeMargin, pause_lead{0};
  for (const UnitView& u : t.units)
    commit_lead = std::max(commit_lead, Unit(u).start_time + kNoticeMargin);
  for (const JobView& v : t.jobs) {
    if (v.state == JobState::kRunning) pause_lead = std::max(pause_lead, v.checkpoint_save);
  }
  pause_lead += control_.actuation_delay + kNoticeMargin;
  // The events that shape this call's budget: in progress, or starting within the pause lead.
  double grid = grid_target_w;
  Time grid_until = kTimeNever;  // the latest end of a grid event among them (kTimeNever: none)
  Time grid_from = kTimeNever;   // the earliest start of one
  bool any = false, during_grid = false, during_other = false;
  for (const Announcement& a : t.announced) {
    if (!SupplyEvent(a.kind) || EffectEnd(a, site_) <= t.now) continue;
    const Duration until = a.start - t.now;
    if (until <= kChargeLead) n.charge = true;
    // Wake when the next step of the preparation is due.
    for (const Duration lead : {kChargeLead, commit_lead, pause_lead, Duration{0}}) {
      if (a.start - lead > t.now) n.next_step = std::min(n.next_step, a.start - lead);
    }
    const bool grid_event =
        a.kind == model::EventKind::kGridOutage || a.kind == model::EventKind::kImportLimit;
    const double event_grid = a.kind == model::EventKind::kGridOutage ? 0.0 : a.value;
    if (grid_event && until <= commit_lead)
      n.commit_grid_w = std::min(n.commit_grid_w, std::min(grid_target_w, event_grid));
    if (until > pause_lead) continue;
    any = true;
    if (a.start <= t.now) (grid_event ? during_grid : during_other) = true;
    if (grid_event) {
      grid = std::min(grid, event_grid);
      grid_until = grid_until == kTimeNever ? EffectEnd(a, site_)
                                            : std::max(grid_until, EffectEnd(a, site_));
      grid_from = std::min(grid_from, a.start);
    }
  }
  if (!any) return n;
  // In progress: a grid event that has begun, or (with none ahead) a curtailment or outage of
  // units that has.
  const bool during = during_grid || (grid_until == kTimeNever && during_other);
  // The turbines the events leave: derated by fuel curtailments, less the units out.
  double turbines = 0;
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kTripped) continue;
    double w = u.max_w >= 0 ? u.max_w : Unit(u).rating_w;
    for (const Announcement& a : t.announced) {
      if (EffectEnd(a, site_) <= t.now || a.start - t.now > pause_lead) continue;
      if (a.kind == model::EventKind::kTurbineTrip && u.plant == a.plant &&
          (a.unit < 0 || u.unit == a.unit))
        w = 0;
      if (a.kind == model::EventKind::kFuelCurtailment && u.plant == a.plant)
        w = std::min(w, a.value * Unit(u).rating_w);
    }
    turbines += w;
  }
  // The battery's usable energy spread over what is left of the grid's absence (none needed
  // while the grid is there).
  double usable_j = 0, battery_w = 0;
  BatteryUsable(t, &usable_j, &battery_w);
  double spread = 0;
  if (grid_until != kTimeNever) {
    const double left_s = std::max(1.0, ToSeconds(grid_until - std::max(grid_from, t.now)));
    spread = std::min(battery_w, usable_j / left_s);
    n.lasting = grid_until - std::max(grid_from, t.now);
  }
  double budget =
      (t.solar_w + t.baseload_w + turbines + grid + spread) * (1 - control_.rating_margin);
  if (during) {
    // In progress: no more than the sources give now (the turbines may still be starting or
    // ramping) plus the battery's bridge: at most its power, and only for as long as its energy
    // lasts until the units starting are online.
    double online = 0;
    Duration ready_in{0};
    for (const UnitView& u : t.units) {
      if (u.state == UnitState::kOnline) online += u.available_w;
      if (u.state == UnitState::kStarting) ready_in = std::max(ready_in, u.ready_at - t.now);
    }
    const double bridge = std::min(battery_w, usable_j / std::max(1.0, ToSeconds(ready_in)));
    budget = std::min(
        budget, (t.solar_w + t.baseload_w + online + grid + bridge) * (1 - control_.rating_margin));
  }
  // Before the event, work that will not fit is checkpointed while the grid still carries it,
  // unless the grid has a ramp limit: the load the pauses drop would leave the import faster
  // than the limit allows (the battery, charged to its top, cannot take it), while the
  // disconnection itself is the grid's doing. There the budget binds from the start.
  const bool ramp_limited = site_.grid.present && site_.grid.max_ramp_w_per_s > 0;
  if (during || !ramp_limited) n.budget_w = budget;
  // The budget replaces the usual one only while the grid is away or capped (the battery spread
  // over its absence is what the usual budget cannot count); otherwise it only lowers it.
  n.during = during_grid;
  for (const Announcement& a : t.announced) {
    if (!SupplyEvent(a.kind) || EffectEnd(a, site_) <= t.now || a.start - t.now > pause_lead)
      continue;
    if (!noticed_.insert({a.start, static_cast<int>(a.kind) * 1000 + a.plant}).second) continue;
    out->actions.push_back(Action::Note(
        budget / 1e6,
        std::string("announced ") + model::EventKindName(a.kind) +
            (a.start <= t.now ? " in progress" : "") + ": planning for " + Mw(budget) + " (grid " +
            Mw(grid) + ", turbines " + Mw(turbines) + ", battery " + Mw(spread) +
            " spread until the grid is back); work that does not fit is checkpointed before it "
            "starts"));
  }
  return n;
}

}  // namespace headroom::control

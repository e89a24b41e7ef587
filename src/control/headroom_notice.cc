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
  for (const Announcement& a : t.announced) {
    if (!SupplyEvent(a.kind) || a.end <= t.now) continue;
    const Duration until = a.start - t.now;
    if (until <= kChargeLead) n.charge = true;
    // Wake when the next step of the preparation is due.
    for (const Duration lead : {kChargeLead, commit_lead, pause_lead, Duration{0}}) {
      if (a.start - lead > t.now) n.next_step = std::min(n.next_step, a.start - lead);
    }
    const bool now = a.start <= t.now;
    // The grid the event leaves, and the turbines it leaves.
    double grid = grid_target_w;
    if (a.kind == model::EventKind::kGridOutage) grid = 0;
    if (a.kind == model::EventKind::kImportLimit) grid = std::min(grid, a.value);
    if (until <= commit_lead) n.commit_grid_w = std::min(n.commit_grid_w, grid);
    if (!now && until > pause_lead) continue;
    double turbines = 0;
    for (const UnitView& u : t.units) {
      if (u.state == UnitState::kTripped) continue;
      if (a.kind == model::EventKind::kTurbineTrip && u.plant == a.plant &&
          (a.unit < 0 || u.unit == a.unit))
        continue;
      double w = u.max_w >= 0 ? u.max_w : Unit(u).rating_w;
      if (a.kind == model::EventKind::kFuelCurtailment && u.plant == a.plant)
        w = std::min(w, a.value * Unit(u).rating_w);
      turbines += w;
    }
    // The battery's usable energy spread over what is left of the event.
    double usable_j = 0, battery_w = 0;
    BatteryUsable(t, &usable_j, &battery_w);
    const double left_s = std::max(1.0, ToSeconds(a.end - std::max(a.start, t.now)));
    const double spread = std::min(battery_w, usable_j / left_s);
    double budget =
        (t.solar_w + t.baseload_w + turbines + grid + spread) * (1 - control_.rating_margin);
    if (now) {
      // In progress: no more than the sources give now plus the battery's power (the turbines
      // may still be starting or ramping).
      double online = 0;
      for (const UnitView& u : t.units) {
        if (u.state == UnitState::kOnline) online += u.available_w;
      }
      budget = std::min(budget, (t.solar_w + t.baseload_w + online + grid + battery_w) *
                                    (1 - control_.rating_margin));
    }
    n.budget_w = std::min(n.budget_w, budget);
    n.during = n.during || now;
    if (!noticed_.insert({a.start, static_cast<int>(a.kind)}).second) continue;
    out->actions.push_back(Action::Note(
        budget / 1e6, std::string("announced ") + model::EventKindName(a.kind) +
                          (now ? " in progress" : "") + ": planning for " + Mw(budget) + " (grid " +
                          Mw(grid) + ", turbines " + Mw(turbines) + ", battery " + Mw(spread) +
                          " spread over the event); work that does not fit is "
                          "checkpointed before it starts"));
  }
  return n;
}

}  // namespace headroom::control

// The Headroom controller's use of advance notice (SiteTelemetry::announced): an outage, an
// import cap, a fuel curtailment or a unit's planned outage announced ahead. Within
// kChargeLead of the start the battery charges to its top; within the turbines' start time the
// units are committed for the grid the event will leave; within the longest checkpoint save the
// work that will not fit is checkpointed, paused or powered off with its checkpoint written while
// the supply still carries it; and during the event the battery's energy is spread over the
// announced duration (the budget counts usable energy / time left), which an unannounced event
// cannot do.
//
// Also the outlook it gives the global scheduler (Decision::move_away_w, short_until,
// forecast_spare_w): the work its plan pauses for want of power, and the spare power it forecasts
// over the next kForecastWindow from the same announced events, read with the same pieces
// (SupplyLeft).

#include <algorithm>
#include <chrono>
#include <limits>
#include <span>
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

bool GridEvent(model::EventKind k) {
  return k == model::EventKind::kGridOutage || k == model::EventKind::kImportLimit;
}

bool SupplyEvent(model::EventKind k) {
  return GridEvent(k) || k == model::EventKind::kFuelCurtailment ||
         k == model::EventKind::kTurbineTrip;
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
  selected_.assign(t.announced.size(), 0);
  bool any = false, during_grid = false, during_other = false;
  for (size_t i = 0; i < t.announced.size(); ++i) {
    const Announcement& a = t.announced[i];
    if (!SupplyEvent(a.kind) || EffectEnd(a, site_) <= t.now) continue;
    const Duration until = a.start - t.now;
    if (until <= kChargeLead) n.charge = true;
    // Wake when the next step of the preparation is due.
    for (const Duration lead : {kChargeLead, commit_lead, pause_lead, Duration{0}}) {
      if (a.start - lead > t.now) n.next_step = std::min(n.next_step, a.start - lead);
    }
    const bool grid_event = GridEvent(a.kind);
    const double event_grid = a.kind == model::EventKind::kGridOutage ? 0.0 : a.value;
    if (grid_event && until <= commit_lead)
      n.commit_grid_w = std::min(n.commit_grid_w, std::min(grid_target_w, event_grid));
    if (until > pause_lead) continue;
    any = true;
    selected_[i] = 1;
    n.until = std::max(n.until, EffectEnd(a, site_));
    if (a.start <= t.now) (grid_event ? during_grid : during_other) = true;
  }
  if (!any) return n;
  const EventSupply left = SupplyLeft(t, grid_target_w, selected_);
  const double grid = left.grid_w, turbines = left.turbines_w, spread = left.spread_w;
  // In progress: a grid event that has begun, or (with none ahead) a curtailment or outage of
  // units that has.
  const bool during = during_grid || (left.grid_until == kTimeNever && during_other);
  if (left.grid_until != kTimeNever) n.lasting = left.grid_until - std::max(left.grid_from, t.now);
  double usable_j = 0, battery_w = 0;
  BatteryUsable(t, &usable_j, &battery_w);
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
  for (size_t i = 0; i < t.announced.size(); ++i) {
    const Announcement& a = t.announced[i];
    if (!selected_[i]) continue;
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

HeadroomController::EventSupply HeadroomController::SupplyLeft(const SiteTelemetry& t,
                                                               double grid_w,
                                                               std::span<const char> in) const {
  EventSupply s;
  s.grid_w = grid_w;
  for (size_t i = 0; i < t.announced.size(); ++i) {
    const Announcement& a = t.announced[i];
    if (!in[i] || !GridEvent(a.kind)) continue;
    s.grid_w = std::min(s.grid_w, a.kind == model::EventKind::kGridOutage ? 0.0 : a.value);
    s.grid_until = s.grid_until == kTimeNever ? EffectEnd(a, site_)
                                              : std::max(s.grid_until, EffectEnd(a, site_));
    s.grid_from = std::min(s.grid_from, a.start);
  }
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kTripped) continue;
    double w = u.max_w >= 0 ? u.max_w : Unit(u).rating_w;
    for (size_t i = 0; i < t.announced.size(); ++i) {
      const Announcement& a = t.announced[i];
      if (!in[i]) continue;
      if (a.kind == model::EventKind::kTurbineTrip && u.plant == a.plant &&
          (a.unit < 0 || u.unit == a.unit))
        w = 0;
      if (a.kind == model::EventKind::kFuelCurtailment && u.plant == a.plant)
        w = std::min(w, a.value * Unit(u).rating_w);
    }
    s.turbines_w += w;
  }
  // The battery's usable energy spread over what is left of the grid's absence (none needed
  // while the grid is there).
  if (s.grid_until != kTimeNever) {
    double usable_j = 0, battery_w = 0;
    BatteryUsable(t, &usable_j, &battery_w);
    const double left_s = std::max(1.0, ToSeconds(s.grid_until - std::max(s.grid_from, t.now)));
    s.spread_w = std::min(battery_w, usable_j / left_s);
  }
  return s;
}

double HeadroomController::MoveAwayW(const SiteTelemetry& t) const {
  // The plan's pauses are the ladder's rung after this request: the scheduler is asked to take
  // that much work away, and the pauses happen meanwhile (a paused job has its checkpoint
  // written, which is what a move needs). Jobs still saving are not counted: a job the scheduler
  // is moving away saves its checkpoint too, and is already on its way.
  double w = 0;
  for (const JobPlan& p : plan_) {
    if (!p.pause) continue;
    const JobView& v = t.jobs[static_cast<size_t>(p.view)];
    if (PriceHeld(v)) continue;  // deferred for the price, not short of power
    w += PowerAt(v, Gpu(v).cap_max_w) * v.gpus;
  }
  return w;
}

void HeadroomController::Outlook(const SiteTelemetry& t, double full_facility_w, Time notice_until,
                                 Decision* out) {
  // Short while it asks for work to go, until the events that shape its budget are over (none
  // announced: unknown).
  out->short_until = out->move_away_w > 0 ? notice_until : kTimeZero;
  out->short_from = out->move_away_w > 0 ? t.now : kTimeZero;
  out->forecast_spare_w = std::numeric_limits<double>::infinity();
  if (t.announced.empty()) return;
  // Outside the events the grid gives its contracted import limit. Facility W to W at the GPUs:
  // through the PUE now; the hosts of an energized rack draw whether or not work runs on its
  // GPUs, so the IT power that work adds or frees is its GPUs' draw.
  const double grid_w = site_.grid.present ? site_.grid.import_limit_w : 0.0;
  const double pue = t.pue > 0 ? t.pue : 1.0;
  for (const Announcement& a : t.announced) {
    if (!SupplyEvent(a.kind) || EffectEnd(a, site_) <= t.now || a.start - t.now > kForecastWindow)
      continue;
    // The supply only falls when an event begins: the least over the window is at the start of
    // one (or now), with every event in effect then.
    const Time at = std::max(a.start, t.now);
    selected_.assign(t.announced.size(), 0);
    for (size_t j = 0; j < t.announced.size(); ++j) {
      const Announcement& b = t.announced[j];
      selected_[j] = SupplyEvent(b.kind) && b.start <= at && EffectEnd(b, site_) > at;
    }
    const EventSupply left = SupplyLeft(t, grid_w, selected_);
    // The sun as it shines now for an event in progress; none for one ahead (it may fall at
    // night).
    const double solar = a.start <= t.now ? t.solar_w : 0.0;
    const double supply = (solar + t.baseload_w + left.turbines_w + left.grid_w + left.spread_w) *
                          (1 - control_.rating_margin);
    const double spare_w = (supply - full_facility_w) / pue;
    out->forecast_spare_w = std::min(out->forecast_spare_w, spare_w);
    if (spare_w < 0) {
      out->short_until = std::max(out->short_until, EffectEnd(a, site_));
      out->short_from = out->short_from == kTimeZero ? at : std::min(out->short_from, at);
    }
  }
}

}  // namespace headroom::control

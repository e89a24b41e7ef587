// The Headroom controller's fast path: the fast shed (power brakes on the least important, most
// tolerant running work when the sources are already short) and the fast reserve it counts on
// (battery power plus what those brakes would shed). Only fresh readings count here; see
// headroom.h on stale readings.

#include <algorithm>
#include <string>

#include "control/headroom.h"
#include "control/headroom_internal.h"

namespace headroom::control {

using internal::kSocEdge;
using internal::kWattsPerMw;
using internal::Mw;

double HeadroomController::BrakeGainW(const SiteTelemetry& t, const JobView& v) const {
  const double floor = PowerAt(v, Gpu(v).cap_min_w);
  return (v.power_w - floor) * v.gpus * t.pue;
}

double HeadroomController::FastShed(const SiteTelemetry& t, double deficit_w, Decision* out) {
  const auto& jobs = t.jobs;
  order_.clear();
  for (int i = 0; i < static_cast<int>(jobs.size()); ++i) {
    const JobView& v = jobs[static_cast<size_t>(i)];
    if (v.state == JobState::kRunning && !v.braked && v.racks_count > 0) order_.push_back(i);
  }
  std::sort(order_.begin(), order_.end(), [&](int a, int b) {
    const JobView& x = jobs[static_cast<size_t>(a)];
    const JobView& y = jobs[static_cast<size_t>(b)];
    // Inference last: a brake below its objective costs its users now, a brake on training only
    // a few seconds of progress.
    const bool xi = x.kind == model::WorkloadKind::kInference;
    const bool yi = y.kind == model::WorkloadKind::kInference;
    if (xi != yi) return yi;
    if (x.priority != y.priority) return x.priority > y.priority;
    if (x.slowdown_tolerance != y.slowdown_tolerance)
      return x.slowdown_tolerance > y.slowdown_tolerance;
    return x.id < y.id;
  });
  double shed = 0;
  int braked = 0;
  // One note carries the reason; each brake a short tag (no allocation on the fast path).
  const size_t note = out->actions.size();
  out->actions.push_back(Action::Note(t.shortfall_w / kWattsPerMw, ""));
  out->actions.reserve(out->actions.size() + order_.size());
  int unknown = 0;
  // Brakes on order_[begin, end) until the deficit is shed.
  auto brake = [&](size_t begin, size_t end) {
    for (size_t k = begin; k < end && shed < deficit_w; ++k) {
      const JobView& v = jobs[static_cast<size_t>(order_[k])];
      if (!Fresh(t, t.SampledAt(v))) {
        // What it draws now is unknown: brake it, but count on shedding nothing (the worst case).
        out->actions.push_back(Action::ForJob(Action::Kind::kBrake, v.id, 1, "fast shed"));
        ++braked;
        ++unknown;
        continue;
      }
      const double gain = BrakeGainW(t, v);
      if (gain <= 0) continue;
      out->actions.push_back(Action::ForJob(Action::Kind::kBrake, v.id, 1, "fast shed"));
      shed += gain;
      ++braked;
    }
  };
  // Inference comes last in order_: training first.
  const size_t first_inference = static_cast<size_t>(
      std::find_if(order_.begin(), order_.end(),
                   [&](int i) {
                     return jobs[static_cast<size_t>(i)].kind == model::WorkloadKind::kInference;
                   }) -
      order_.begin());
  brake(0, first_inference);
  // Brakes on training not enough: stop braked training at once, least important and least work
  // at risk first (its
  // GPUs to idle; it loses its work since its last checkpoint, never a whole feed to the relays),
  // before braking inference below its objective.
  int stopped = 0;
  if (shed < deficit_w) {
    stop_order_.clear();
    for (size_t k = 0; k < first_inference; ++k) {
      if (Stoppable(t, jobs[static_cast<size_t>(order_[k])])) stop_order_.push_back(order_[k]);
    }
    auto at_risk = [&](int i) {
      const JobView& v = jobs[static_cast<size_t>(i)];
      return ToSeconds(t.now - v.last_checkpoint + v.restore_time) * v.gpus;
    };
    // Least important first (a critical job is stopped only when no less important one is left),
    // then least work at risk.
    std::stable_sort(stop_order_.begin(), stop_order_.end(), [&](int a, int b) {
      const JobView& x = jobs[static_cast<size_t>(a)];
      const JobView& y = jobs[static_cast<size_t>(b)];
      if (x.priority != y.priority) return x.priority > y.priority;
      return at_risk(a) < at_risk(b);
    });
    for (size_t k = 0; k < stop_order_.size() && shed < deficit_w; ++k) {
      const JobView& v = jobs[static_cast<size_t>(stop_order_[k])];
      out->actions.push_back(Action::ForJob(Action::Kind::kStop, v.id, 0, "fast shed: stop"));
      shed += StopGainW(t, v);
      ++stopped;
    }
  }
  brake(first_inference, order_.size());
  out->actions[note].reason =
      "fast shed: sources " + Mw(t.shortfall_w) + " short after the disturbance; " +
      std::to_string(braked) + " jobs braked to their minimum cap" +
      (stopped > 0 ? ", " + std::to_string(stopped) + " stopped (least work since a checkpoint)"
                   : "") +
      ", shedding " + Mw(shed) +
      (unknown > 0 ? " (and " + std::to_string(unknown) + " on power readings too old to count)"
                   : "");
  return shed;
}

bool HeadroomController::Stoppable(const SiteTelemetry& t, const JobView& v) const {
  return v.state == JobState::kRunning && v.kind != model::WorkloadKind::kInference &&
         v.checkpoint_interval.count() > 0 && v.racks_count > 0 && Fresh(t, t.SampledAt(v));
}

double HeadroomController::StopGainW(const SiteTelemetry& t, const JobView& v) const {
  return std::max(0.0, PowerAt(v, Gpu(v).cap_min_w) - Gpu(v).idle_w) * v.gpus * t.pue;
}

double HeadroomController::TurbineOverGridUsdPerJ(const SiteTelemetry& t) const {
  // The cheapest unit that is not tripped: the one the dispatch would run for it.
  constexpr double kKgPerTonne = 1000;
  const double carbon_usd_per_kg = options_.carbon_price_usd_per_t / kKgPerTonne;
  double turbine = -1;
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kTripped) continue;
    const model::TurbineUnit& spec = Unit(u);
    const double c =
        spec.heat_rate * spec.fuel_price_usd_per_j + spec.co2_kg_per_j * carbon_usd_per_kg;
    if (turbine < 0 || c < turbine) turbine = c;
  }
  if (turbine < 0) return 0;  // no turbines: nothing to weigh
  const double grid = t.price_usd_per_j + site_.grid.carbon_kg_per_j.At(t.now) * carbon_usd_per_kg;
  return turbine - grid;
}

double HeadroomController::StopReserve(const SiteTelemetry& t) {
  stops_counted_ = false;
  const double over = TurbineOverGridUsdPerJ(t);
  if (over <= 0 || !t.grid_connected) return 0;
  constexpr double kSecondsPerYear = 365.25 * 86400;
  constexpr double kSecondsPerHour = 3600;
  // Expected loss per second of holding job v's stop in reserve: the chance of losing the grid
  // in that second times the work a stop loses (half a checkpoint interval on average, plus its
  // restore) at its value.
  const double loss_per_gpu_s = options_.grid_loss_per_year / kSecondsPerYear *
                                options_.work_value_usd_per_gpu_h / kSecondsPerHour;
  double reserve = 0;
  for (const JobView& v : t.jobs) {
    if (!Stoppable(t, v)) continue;
    const double at_risk_gpu_s =
        (ToSeconds(v.checkpoint_interval) / 2 + ToSeconds(v.restore_time)) * v.gpus;
    const double gain = StopGainW(t, v);
    if (loss_per_gpu_s * at_risk_gpu_s < gain * over) reserve += gain;
  }
  stops_counted_ = reserve > 0;
  return reserve;
}

double HeadroomController::FastReserve(const SiteTelemetry& t) const {
  // Only what fresh readings show counts: a stale battery reading or job draw counts as nothing.
  double fast = 0;
  if (t.has_battery && Fresh(t, t.battery_sampled_at) &&
      t.battery_soc > site_.battery->soc_min + kSocEdge) {
    fast += BatteryPowerNowW(*site_.battery, t) - std::max(0.0, t.battery_w);
  }
  for (const JobView& v : t.jobs) {
    if (v.state != JobState::kRunning || v.braked || !Fresh(t, t.SampledAt(v))) continue;
    fast += BrakeGainW(t, v);
  }
  return fast;
}

}  // namespace headroom::control

// The Headroom controller's fast path: the fast shed (power brakes on the least important, most
// tolerant running work when the sources are already short) and the fast reserve it counts on
// (battery power plus what those brakes would shed). Only fresh readings count here; see
// headroom.h on stale readings.

#include <algorithm>

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
  for (int i : order_) {
    if (shed >= deficit_w) break;
    const JobView& v = jobs[static_cast<size_t>(i)];
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
  out->actions[note].reason =
      "fast shed: sources " + Mw(t.shortfall_w) + " short after the disturbance; " +
      std::to_string(braked) + " jobs braked to their minimum cap, shedding " + Mw(shed) +
      (unknown > 0 ? " (and " + std::to_string(unknown) + " on power readings too old to count)"
                   : "");
  return shed;
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

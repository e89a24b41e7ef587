// The Headroom controller's rungs that power racks off, and the consolidated plan for a deficit
// that idle load alone exceeds or an announced one that lasts: which racks carry only idle work,
// the rack power a plan counts, and the work a plan keeps running (see headroom_plan.h).

#include <algorithm>
#include <vector>

#include "control/headroom.h"
#include "control/headroom_internal.h"
#include "control/headroom_plan.h"

namespace headroom::control {

using internal::kEmptyRacksRung;
using internal::kIdleNow;
using internal::kIdlePlanned;
using internal::kInferenceRung;
using internal::kOffNow;
using internal::kOffPending;
using internal::kToleranceRung;

double HeadroomController::PlanConsolidated(const SiteTelemetry& t, double budget,
                                            std::vector<JobPlan>* out,
                                            std::vector<char>* racks_off) {
  PlanState s;
  StartPlan(t, budget, out, racks_off, &s);
  for (int level : {kEmptyRacksRung, kToleranceRung}) {
    if (s.excess > 0 || s.over > 0) ShedRung(t, level, &s);
  }
  if (s.excess <= 0 && s.over == 0) return s.it_plan;
  // Every pausable training job paused (as the pause rung would), then back on its racks in
  // order of importance where it fits (Consolidate), then the rungs left for what cannot pause.
  for (JobPlan& p : *s.plan) {
    const JobView& v = t.jobs[static_cast<size_t>(p.view)];
    if (p.pause || PriceHeld(v) || v.kind == model::WorkloadKind::kInference) continue;
    if (v.state != JobState::kRunning || model::CheckpointIoPowerW(Gpu(v)) <= v.power_w)
      Apply(t, v, Gpu(v).idle_w, p.cap_w, true, &p, &s);
  }
  Consolidate(t, &s);
  for (int level : {kToleranceRung + 1, kInferenceRung}) {
    if (s.excess > 0 || s.over > 0) ShedRung(t, level, &s);
  }
  return s.it_plan;
}

double HeadroomController::WorkOf(const SiteTelemetry& t, const std::vector<JobPlan>& plan) const {
  double work = 0;
  for (const JobPlan& p : plan) {
    if (p.pause) continue;
    const JobView& v = t.jobs[static_cast<size_t>(p.view)];
    const model::GpuModel& g = Gpu(v);
    const model::ThroughputCurve& c =
        v.kind == model::WorkloadKind::kInference ? g.inference : g.training;
    work += v.gpus * c.SpeedAt(p.cap_w / g.tdp_w);
  }
  return work;
}

void HeadroomController::AddRack(int rack, double delta_w, PlanState* s, bool nodes) {
  s->it_plan += delta_w;
  if (!nodes) return;
  // The callers keep s->excess in step (it is in facility W).
  for (int a : AncestorsOf(rack)) {
    const auto b = static_cast<size_t>(a);
    const bool was = node_plan_w_[b] > limit_w_[b];
    node_plan_w_[b] += delta_w;
    s->over += (node_plan_w_[b] > limit_w_[b]) - was;
  }
}

bool HeadroomController::RacksOn(const SiteTelemetry& t, const JobView& v) const {
  for (const RackShare& r : t.RacksOf(v)) {
    const auto k = static_cast<size_t>(r.rack);
    if (k < t.rack_power.size() && t.rack_power[k] != RackPower::kOn) return false;
  }
  return true;
}

const std::vector<char>& HeadroomController::RacksWithOnlyIdleWork(const SiteTelemetry& t,
                                                                   const PlanState* s) {
  // Per tree node, for a rack whose every GPU is free or held by a job that is paused or down:
  // kIdleNow if so now, kIdlePlanned if only once the plan's pauses are done (its jobs still
  // running or writing their checkpoints); rack_has_work_ marks racks with any job on them.
  std::vector<char>& ok = idle_racks_;
  rack_has_work_.assign(t.rack_power.size(), 0);
  if (t.rack_power.size() == rack_template_.size()) {
    ok = rack_template_;  // the host's kNotRack entries are the tree's nodes without GPUs
  } else {
    ok.assign(t.rack_power.size(), 0);
    for (size_t r = 0; r < ok.size(); ++r)
      ok[r] = t.rack_power[r] != RackPower::kNotRack ? kIdleNow : 0;
  }
  // With a plan, a job it plans is idle iff it plans it paused (a job paused now that the plan
  // runs again is not); jobs it does not plan (down, saving) are idle iff paused or down now.
  constexpr char kNotPlanned = -1;
  std::vector<char>& planned_pause = planned_pause_;
  if (s != nullptr) {
    planned_pause.assign(t.jobs.size(), kNotPlanned);
    for (const JobPlan& p : *s->plan) planned_pause[static_cast<size_t>(p.view)] = p.pause ? 1 : 0;
  }
  for (size_t i = 0; i < t.jobs.size(); ++i) {
    const JobView& v = t.jobs[i];
    const bool idle_now = v.state == JobState::kPaused || v.state == JobState::kDown;
    const bool idle =
        s == nullptr || planned_pause[i] == kNotPlanned ? idle_now : planned_pause[i] == 1;
    for (const RackShare& r : t.RacksOf(v)) {
      const auto k = static_cast<size_t>(r.rack);
      if (k >= ok.size()) continue;  // a host that reports no rack power
      rack_has_work_[k] = 1;
      if (!idle) ok[k] = 0;
      if (!idle_now && ok[k] == kIdleNow) ok[k] = kIdlePlanned;
    }
  }
  return ok;
}

const std::vector<char>& HeadroomController::RacksWithWork(const SiteTelemetry& t) {
  if (has_work_valid_) return has_work_;
  has_work_valid_ = true;
  has_work_.assign(t.rack_power.size(), 0);
  for (const JobView& v : t.jobs) {
    for (const RackShare& r : t.RacksOf(v)) {
      const auto k = static_cast<size_t>(r.rack);
      if (k < has_work_.size()) has_work_[k] = 1;
    }
  }
  empty_racks_.clear();
  for (size_t r = 0; r < has_work_.size() && r < rack_template_.size(); ++r) {
    if (rack_template_[r] && !has_work_[r]) empty_racks_.push_back(static_cast<int>(r));
  }
  return has_work_;
}

// A rung that powers off racks: those with no work on them (`with_work` false) or those whose
// jobs are all planned paused, in tree order, until the budget and the ratings hold.
void HeadroomController::PowerOffRung(const SiteTelemetry& t, bool with_work, PlanState* s) {
  // Off by option, or a host that reports no rack power.
  if (!options_.rack_power_off || t.rack_power.size() != site_.tree.size()) return;
  // Racks with no job on them are idle whatever the plan: the rung for them walks the list of
  // them (RacksWithWork), the same for every plan of this call.
  if (!with_work) {
    RacksWithWork(t);
    for (int rack : empty_racks_) {
      if (s->excess <= 0 && s->over == 0) return;
      const auto r = static_cast<size_t>(rack);
      if ((*s->racks_off)[r] || t.rack_power[r] == RackPower::kBooting) continue;
      PowerOffInRung(t, rack, kIdleNow, s);
    }
    return;
  }
  const std::vector<char>& movable = RacksWithOnlyIdleWork(t, s);
  for (size_t r = 0; r < movable.size(); ++r) {
    if (s->excess <= 0 && s->over == 0) return;
    if (!movable[r] || !rack_has_work_[r] || (*s->racks_off)[r] ||
        t.rack_power[r] == RackPower::kBooting)
      continue;
    PowerOffInRung(t, static_cast<int>(r), movable[r], s);
  }
}

void HeadroomController::PowerOffInRung(const SiteTelemetry& t, int r, char movable, PlanState* s) {
  bool node_bound = false;
  if (s->over > 0) {
    for (int a : AncestorsOf(r)) {
      const auto b = static_cast<size_t>(a);
      node_bound = node_bound || node_plan_w_[b] > limit_w_[b];
    }
  }
  if (s->excess <= 0 && !node_bound) return;
  OffInPlan(t, r, movable == kIdlePlanned, s);
}

void HeadroomController::OffInPlan(const SiteTelemetry& t, int rack, bool pending, PlanState* s) {
  // A rack whose jobs are still to pause goes off a call or two later: its power counts against
  // the budget now (the battery and the turbines carry a few seconds) but not against the
  // ratings, which must hold from the caps' actuation on.
  AddRack(rack, -rack_idle_w_[static_cast<size_t>(rack)], s, !pending);
  s->excess -= rack_idle_w_[static_cast<size_t>(rack)] * t.pue;
  (*s->racks_off)[static_cast<size_t>(rack)] = pending ? kOffPending : kOffNow;
}

// After racks of paused jobs were powered off (idle load alone is over the supply): which paused
// jobs run, at their minimum cap, on the racks that stay on. Every rack whose jobs are all paused
// goes off; then, most important first, a paused job runs again (its racks back on, at idle, and
// its GPUs at the cap that does the most work per watt of the server) where that fits the budget
// and the ratings: with racks off, each running GPU carries its host's power, so running some
// jobs efficiently on few racks beats pausing all on many.
void HeadroomController::Consolidate(const SiteTelemetry& t, PlanState* s) {
  const std::vector<char>& movable = RacksWithOnlyIdleWork(t, s);
  for (size_t r = 0; r < movable.size(); ++r) {
    if (!movable[r] || (*s->racks_off)[r] || t.rack_power[r] == RackPower::kBooting) continue;
    OffInPlan(t, static_cast<int>(r), movable[r] == kIdlePlanned, s);
  }
  std::vector<int> to_boot;
  for (auto it = s->plan->rbegin(); it != s->plan->rend(); ++it) {
    if (s->excess >= 0) return;
    JobPlan& p = *it;
    const JobView& v = t.jobs[static_cast<size_t>(p.view)];
    if (!p.pause || PriceHeld(v) || v.kind == model::WorkloadKind::kInference) continue;
    const double cap = MostWorkPerWattCap(v);
    const double power = PowerAt(v, cap);
    // Its racks that are planned off, each once, at idle; then its own GPUs' rise to the cap.
    // (Marks in boot_mark_, cleared below: a job spans hundreds of racks on a large site.)
    to_boot.clear();
    boot_mark_.resize(rack_idle_w_.size(), 0);
    // (The sum only grows: once over what is left of the budget, the rest need not be added.)
    double it_w = (power - p.power_w) * v.gpus;
    for (const auto& [rack, n] : t.RacksOf(v)) {
      if (it_w * t.pue > -s->excess) break;
      const auto r = static_cast<size_t>(rack);
      if (!(*s->racks_off)[r] || boot_mark_[r]) continue;
      boot_mark_[r] = 1;
      to_boot.push_back(rack);
      it_w += rack_idle_w_[r];
    }
    const auto unmark = [&] {
      for (int rack : to_boot) boot_mark_[static_cast<size_t>(rack)] = 0;
    };
    if (it_w * t.pue > -s->excess) {
      unmark();
      continue;
    }
    // The ratings: each bindable node above its racks, with what this adds under it (summed over
    // the job's racks in their order, one pass).
    add_w_.resize(limit_w_.size(), 0.0);
    touched_mark_.resize(limit_w_.size(), 0);
    touched_.clear();
    for (const auto& [rack, n] : t.RacksOf(v)) {
      const bool boots = boot_mark_[static_cast<size_t>(rack)];
      for (int a : AncestorsOf(rack)) {
        const auto b = static_cast<size_t>(a);
        if (!touched_mark_[b]) {
          touched_mark_[b] = 1;
          touched_.push_back(a);
        }
        add_w_[b] += (power - p.power_w) * n;
        if (boots) add_w_[b] += rack_idle_w_[static_cast<size_t>(rack)];
      }
    }
    bool fits = true;
    for (int a : touched_) {
      const auto b = static_cast<size_t>(a);
      fits = fits && node_plan_w_[b] + add_w_[b] <= limit_w_[b];
      add_w_[b] = 0;
      touched_mark_[b] = 0;
    }
    unmark();
    if (!fits) continue;
    for (int rack : to_boot) {
      const auto r = static_cast<size_t>(rack);
      AddRack(rack, rack_idle_w_[r], s, (*s->racks_off)[r] == kOffNow);
      s->excess += rack_idle_w_[r] * t.pue;
      (*s->racks_off)[r] = 0;
    }
    Apply(t, v, power, cap, false, &p, s);
  }
}

}  // namespace headroom::control

// The allocation of the Headroom controller's facility budget down the power tree: the plan that
// starts every job at full power and sheds down a ladder (caps to each job's tolerance, caps to
// the GPU minimum, checkpoint and pause) until the budget and every bindable rating hold; lowering
// at once; restoring with hysteresis (restore_hold, restore_band); and the memo that skips
// planning again on the same inputs.

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "control/headroom.h"
#include "control/headroom_internal.h"
#include "control/headroom_plan.h"

namespace headroom::control {
namespace {

using internal::Controllable;
using internal::kCapToleranceW;
using internal::kEmptyRacksRung;
using internal::kInferenceRung;
using internal::kPauseRung;
using internal::kPowerOffRung;
using internal::kRungs;
using internal::kToleranceRung;
using internal::Mw;

// Bisection steps for the just-enough cap: 2^-40 of a cap range of a few hundred watts is far
// below kCapToleranceW.
constexpr int kCapBisectionSteps = 40;

// The least time a rack the controller powered off stays off (a boot takes minutes, and keeps
// new work off the rack meanwhile).
constexpr Duration kRackMinOff = std::chrono::minutes(5);

// The consolidated plan replaces the ladder's only where it keeps this much more work running
// (a margin for the checkpoint, restore and boot that pausing and powering off cost).
constexpr double kConsolidateGain = 0.05;

}  // namespace

double HeadroomController::NodeLimitW(const model::TreeNode& node, double tent_derate) const {
  return node.rating_w * (node.kind == model::NodeKind::kTent ? tent_derate : 1.0) *
         (1 - control_.rating_margin);
}

void HeadroomController::LoadLimits(double tent_derate) {
  limit_w_.resize(bindable_nodes_.size());
  for (size_t b = 0; b < bindable_nodes_.size(); ++b) {
    limit_w_[b] = NodeLimitW(site_.tree[static_cast<size_t>(bindable_nodes_[b])], tent_derate);
  }
}

void HeadroomController::LoadBindable(const SiteTelemetry& t) {
  node_plan_w_.resize(bindable_nodes_.size());
  for (size_t b = 0; b < bindable_nodes_.size(); ++b) {
    node_plan_w_[b] = t.node_load_w[static_cast<size_t>(bindable_nodes_[b])];
  }
}

void HeadroomController::ForgetBindableGpus(const SiteTelemetry& t) {
  bindable_gpus_ok_.assign(t.jobs.size(), 0);
  if (bindable_gpus_.size() < t.jobs.size()) bindable_gpus_.resize(t.jobs.size());
}

std::span<const std::pair<int, int>> HeadroomController::BindableGpus(const SiteTelemetry& t,
                                                                      const JobView& v) {
  const auto i = static_cast<size_t>(&v - t.jobs.data());
  if (i >= bindable_gpus_ok_.size()) ForgetBindableGpus(t);  // a caller outside Allocate
  std::vector<std::pair<int, int>>& out = bindable_gpus_[i];
  if (bindable_gpus_ok_[i]) return out;
  bindable_gpus_ok_[i] = 1;
  out.clear();
  if (bindable_nodes_.empty()) return out;
  gpus_under_.resize(bindable_nodes_.size(), -1);
  for (const auto& [rack, n] : t.RacksOf(v)) {
    for (int a : AncestorsOf(rack)) {
      int& g = gpus_under_[static_cast<size_t>(a)];
      if (g < 0) {
        g = 0;
        out.emplace_back(a, 0);
      }
      g += n;
    }
  }
  for (auto& [a, g] : out) {
    g = gpus_under_[static_cast<size_t>(a)];
    gpus_under_[static_cast<size_t>(a)] = -1;
  }
  return out;
}

void HeadroomController::AddToAncestors(const SiteTelemetry& t, const JobView& v, double delta_w) {
  for (const auto& [a, g] : BindableGpus(t, v)) node_plan_w_[static_cast<size_t>(a)] += delta_w * g;
}

bool HeadroomController::NeedsAllocation(const SiteTelemetry& t, double full_facility_w,
                                         double budget_w) {
  bool any_capped = false;
  for (const JobView& v : t.jobs) {
    if (Controllable(v) && !PriceHeld(v) &&
        (v.pending_cap_w < Gpu(v).cap_max_w - kCapToleranceW || v.state == JobState::kPaused)) {
      any_capped = true;
      break;
    }
  }
  if (any_capped || !t.racks_not_on.empty() || full_facility_w > budget_w) return true;
  if (!(full_facility_w <= budget_w) || bindable_nodes_.empty()) return false;  // NaN: no check
  // Nothing capped and the budget holds: does every rating hold once starting work runs?
  ForgetBindableGpus(t);
  LoadBindable(t);
  for (const JobView& v : t.jobs) {
    if (v.state != JobState::kStarting || v.racks_count == 0) continue;
    AddToAncestors(t, v, PowerAt(v, Gpu(v).cap_max_w) - v.power_w);
  }
  LoadLimits(site_.cooling.TentDerateAt(t.ambient_c));
  for (size_t b = 0; b < bindable_nodes_.size(); ++b) {
    if (node_plan_w_[b] > limit_w_[b]) return true;
  }
  return false;
}

AllocationStats HeadroomController::Allocate(const SiteTelemetry& t, double budget_w,
                                             Decision* out) {
  AllocationStats stats;
  stats.budget_facility_w = budget_w;
  has_work_valid_ = false;  // a new snapshot: which racks have work,
  ForgetBindableGpus(t);    // and each job's GPUs per bindable node
  const double derate = site_.cooling.TentDerateAt(t.ambient_c);
  LoadLimits(derate);

  // The plans depend only on these inputs. When they are what they were at the last call (most
  // calls while caps merely hold), so are the plans: only the restore timer moves.
  inputs_next_.clear();
  auto put = [&](double x) { inputs_next_.push_back(x); };
  put(budget_w);
  put(derate);
  put(objective_bridge_w_);
  put(t.pue);
  put(t.it_w);
  for (const JobView& v : t.jobs) {
    // A job keeps its racks for as long as it keeps its id (controller.h), so the id stands for
    // its placement too.
    put(static_cast<double>(v.id.value));  // < 2^53: exact
    put(static_cast<double>(v.state));
    put(v.power_w);
    put(v.pending_cap_w);
    put(v.demand);
  }
  for (int n : bindable_nodes_) put(t.node_load_w[static_cast<size_t>(n)]);
  const bool same_racks = memo_racks_.SameAsLast(t);
  const bool same = memo_.valid && same_racks && inputs_next_ == inputs_;
  std::swap(inputs_, inputs_next_);
  if (same) {
    stats.jobs_considered = memo_.jobs_considered;
    stats.planned_it_w = memo_.planned_it_w;
    stats.binding = memo_.binding;
  } else {
    memo_ = {};
    stats = PlanAndLower(t, budget_w, out);
  }
  return Restore(t, budget_w, same, stats, out);
}

AllocationStats HeadroomController::PlanAndLower(const SiteTelemetry& t, double budget_w,
                                                 Decision* out) {
  AllocationStats stats;
  stats.budget_facility_w = budget_w;
  const auto& jobs = t.jobs;
  // Candidates in shedding order: least important first, then most tolerant, then largest.
  alloc_order_.clear();
  for (int i = 0; i < static_cast<int>(jobs.size()); ++i) {
    if (Controllable(jobs[static_cast<size_t>(i)])) alloc_order_.push_back(i);
  }
  std::sort(alloc_order_.begin(), alloc_order_.end(), [&](int a, int b) {
    const JobView& x = jobs[static_cast<size_t>(a)];
    const JobView& y = jobs[static_cast<size_t>(b)];
    if (x.priority != y.priority) return x.priority > y.priority;
    if (x.slowdown_tolerance != y.slowdown_tolerance)
      return x.slowdown_tolerance > y.slowdown_tolerance;
    if (x.gpus != y.gpus) return x.gpus > y.gpus;
    return x.id < y.id;
  });
  stats.jobs_considered = static_cast<int>(alloc_order_.size());
  std::vector<JobPlan>& lo = plan_;
  stats.planned_it_w = PlanFor(t, budget_w, &lo, &racks_off_);
  bool lowering = false;

  // Lowering: the plan for the real budget, applied at once.
  for (const JobPlan& p : lo) {
    const JobView& v = jobs[static_cast<size_t>(p.view)];
    if (p.pause && v.state != JobState::kPaused) {
      out->actions.push_back(Action::ForJob(
          Action::Kind::kPause, v.id, 0,
          "just-in-time checkpoint and pause: caps at minimum do not fit the budget"));
      ++stats.pauses;
      lowering = true;
    } else if (!p.pause && v.kind == model::WorkloadKind::kInference &&
               v.pending_cap_w < ObjectiveCap(v) - kCapToleranceW &&
               p.cap_w > v.pending_cap_w + kCapToleranceW) {
      // Its demand rose above what its cap serves and the plan for the real budget carries it:
      // raised at once (the plan lowers others in the same call), not after the restore hold.
      out->actions.push_back(
          Action::ForJob(Action::Kind::kSetCap, v.id, p.cap_w,
                         "inference objective: raise the cap to serve its demand within the " +
                             Mw(budget_w) + " facility budget"));
      lowering = true;  // the inputs change: plan again next call
    } else if (!p.pause && p.cap_w < v.pending_cap_w - kCapToleranceW) {
      out->actions.push_back(Action::ForJob(
          Action::Kind::kSetCap, v.id, p.cap_w,
          "fit " + Mw(budget_w) + " facility budget and ratings; " +
              model::PriorityName(v.priority) + " work, tolerates " +
              std::to_string(static_cast<int>(v.slowdown_tolerance * 100)) + "% slowdown"));
      ++stats.caps_lowered;
      lowering = true;
    }
  }
  // Racks planned off that are on: powered off once every job on them is paused or down (one
  // still saving its checkpoint holds its rack on until the next call).
  const std::vector<char>* movable = nullptr;  // filled on the first rack to power off
  for (size_t r = 0; r < racks_off_.size(); ++r) {
    if (!racks_off_[r] || t.rack_power[r] != RackPower::kOn) continue;
    if (movable == nullptr) movable = &RacksWithOnlyIdleWork(t, nullptr);
    lowering = true;
    if (!(*movable)[r]) {
      ++stats.racks_pending;
      continue;
    }
    if (rack_off_at_.size() != t.rack_power.size())
      rack_off_at_.assign(t.rack_power.size(), kTimeNever);
    rack_off_at_[r] = t.now;
    out->actions.push_back(Action::ForRack(
        Action::Kind::kPowerOffRack, static_cast<int>(r),
        rack_has_work_[r] ? "power off: its jobs are paused and pausing does not fit the budget"
                          : "power off idle rack: pausing work does not fit the budget"));
    ++stats.racks_off;
  }
  stats.binding = lowering;
  for (const JobPlan& p : lo) {
    const JobView& v = jobs[static_cast<size_t>(p.view)];
    if (PriceHeld(v)) continue;  // the price response's, not the supply's
    stats.binding = stats.binding || p.cap_w < Gpu(v).cap_max_w - kCapToleranceW || p.pause;
  }
  // Reusable while nothing was lowered (lowering changes the inputs anyway).
  memo_.valid = !lowering;
  memo_.lowered = lowering;
  memo_.jobs_considered = stats.jobs_considered;
  memo_.planned_it_w = stats.planned_it_w;
  memo_.binding = stats.binding;
  memo_.raises = !lowering && Raises(t, lo, racks_off_);
  return stats;
}

bool HeadroomController::Raises(const SiteTelemetry& t, const std::vector<JobPlan>& plan,
                                const std::vector<char>& racks_off) const {
  for (int r : t.racks_not_on) {
    const auto k = static_cast<size_t>(r);
    if (k < racks_off.size() && !racks_off[k] && t.rack_power[k] == RackPower::kOff) return true;
  }
  for (const JobPlan& p : plan) {
    const JobView& v = (t.jobs)[static_cast<size_t>(p.view)];
    if ((v.state == JobState::kPaused && !p.pause) || p.cap_w > v.pending_cap_w + kCapToleranceW)
      return true;
  }
  return false;
}

AllocationStats HeadroomController::Restore(const SiteTelemetry& t, double budget_w, bool same,
                                            AllocationStats stats, Decision* out) {
  const auto& jobs = t.jobs;
  // Raising: only once headroom beyond the band has lasted restore_hold, to the plan for a
  // budget narrowed by the band; critical work is restored first because it is shed last. The
  // plan for the narrowed budget can only raise what the plan for the real one raises.
  if (memo_.lowered || !memo_.raises) {
    headroom_since_ = kTimeNever;
    return stats;
  }
  if (headroom_since_ == kTimeNever) headroom_since_ = t.now;
  if (t.now - headroom_since_ < options_.restore_hold) {
    stats.binding = true;  // keep watching until we restore
    return stats;
  }
  if (same && memo_.narrowed_holds)
    return stats;  // the narrowed plan raised nothing on these inputs
  std::vector<JobPlan>& hi = plan_hi_;
  PlanFor(t, budget_w * (1 - options_.restore_band), &hi, &racks_off_hi_);
  if (!Raises(t, hi, racks_off_hi_)) {
    memo_.narrowed_holds = true;
    return stats;
  }
  const auto hold_s = std::chrono::duration_cast<std::chrono::seconds>(options_.restore_hold);
  // Racks first; a rack stays off at least kRackMinOff after the controller powered it off, so
  // that a budget hovering at the edge does not cycle it (each boot keeps work off it for
  // rack_boot_time). A job paused on a rack that is not on yet stays paused (planned, so its
  // power is kept for it) and resumes at a later call, once the rack has booted.
  for (int rack : t.racks_not_on) {
    const auto r = static_cast<size_t>(rack);
    if (r >= racks_off_hi_.size() || racks_off_hi_[r] || t.rack_power[r] != RackPower::kOff)
      continue;
    if (r < rack_off_at_.size() && rack_off_at_[r] != kTimeNever &&
        t.now - rack_off_at_[r] < kRackMinOff)
      continue;
    out->actions.push_back(Action::ForRack(Action::Kind::kPowerOnRack, static_cast<int>(r),
                                           "supply restored: boot it"));
    ++stats.racks_on;
  }
  for (const JobPlan& p : hi) {
    const JobView& v = jobs[static_cast<size_t>(p.view)];
    if (v.state == JobState::kPaused && !p.pause && RacksOn(t, v)) {
      out->actions.push_back(Action::ForJob(Action::Kind::kResume, v.id, 0, "supply restored"));
    }
    if (!p.pause && p.cap_w > v.pending_cap_w + kCapToleranceW) {
      out->actions.push_back(
          Action::ForJob(Action::Kind::kSetCap, v.id, p.cap_w,
                         "restore: headroom held for " + std::to_string(hold_s.count()) + " s"));
      ++stats.caps_raised;
    }
  }
  headroom_since_ = kTimeNever;
  memo_.valid = false;
  return stats;
}

// A plan for `budget`: start from every job at full power, shed down the ladder. Returns the
// planned IT power. Uses limit_w_ and alloc_order_ as Allocate left them.
double HeadroomController::PlanFor(const SiteTelemetry& t, double budget, std::vector<JobPlan>* out,
                                   std::vector<char>* racks_off) {
  PlanState s;
  StartPlan(t, budget, out, racks_off, &s);
  bool paused_racks_off = false;
  int deepest = -1;
  for (int level = 0; level < kRungs && (s.excess > 0 || s.over > 0); ++level) {
    deepest = level;
    // The battery carries a small gap for long (Supply::objective_bridge_w) rather than take
    // inference below its objective; only there (the consolidation does not count on it).
    const double bridge = level == kInferenceRung ? objective_bridge_w_ : 0.0;
    s.excess -= bridge;
    ShedRung(t, level, &s);
    s.excess += bridge;
    paused_racks_off = paused_racks_off || (level == kPowerOffRung && options_.rack_power_off &&
                                            t.rack_power.size() == site_.tree.size());
  }
  if (paused_racks_off) Consolidate(t, &s);
  // A long deficit (announced, so its length is known) that takes caps below the jobs'
  // tolerance: pausing whole jobs and powering off their racks may keep more work running than
  // capping every job deep (a GPU at its minimum cap still carries its host's power).
  if (consolidate_ok_ && deepest > kToleranceRung && !paused_racks_off && options_.rack_power_off &&
      t.rack_power.size() == site_.tree.size()) {
    const double it_b = PlanConsolidated(t, budget, &plan_b_, &racks_off_b_);
    if (WorkOf(t, plan_b_) > WorkOf(t, *out) * (1 + kConsolidateGain)) {
      std::swap(*out, plan_b_);
      std::swap(*racks_off, racks_off_b_);
      return it_b;
    }
  }
  return s.it_plan;
}

void HeadroomController::StartPlan(const SiteTelemetry& t, double budget,
                                   std::vector<JobPlan>* plan, std::vector<char>* racks_off,
                                   PlanState* s) {
  s->plan = plan;
  s->racks_off = racks_off;
  PlanFullPower(t, s);
  s->excess = s->it_plan * t.pue - budget;
  for (size_t b = 0; b < bindable_nodes_.size(); ++b) s->over += node_plan_w_[b] > limit_w_[b];
}

// Every candidate at its maximum cap: the plan's entries, its IT power and the bindable loads.
void HeadroomController::PlanFullPower(const SiteTelemetry& t, PlanState* s) {
  std::vector<JobPlan>& plan = *s->plan;
  plan.clear();
  LoadBindable(t);
  s->it_plan = t.it_w;
  for (int i : alloc_order_) {
    const JobView& v = t.jobs[static_cast<size_t>(i)];
    if (PriceHeld(v)) {
      // Held by the price response: planned as it is (paused, or saving on its way there).
      plan.push_back({i, v.pending_cap_w, v.power_w, v.state == JobState::kPaused});
      continue;
    }
    const double full = PowerAt(v, Gpu(v).cap_max_w);
    plan.push_back({i, Gpu(v).cap_max_w, full, false});
    const double delta = full - v.power_w;
    s->it_plan += delta * v.gpus;
    AddToAncestors(t, v, delta);
  }
  // Racks powered off: on, at idle.
  s->racks_off->assign(t.rack_power.size(), 0);
  for (int r : t.racks_not_on) {
    if (!OffRack(t, r)) continue;
    AddRack(r, rack_idle_w_[static_cast<size_t>(r)], s);
  }
  s->over = 0;  // PlanFor counts the nodes over their limits once the plan is at full power
}

bool HeadroomController::TouchesOver(const SiteTelemetry& t, const JobView& v, const PlanState& s) {
  if (s.over == 0) return false;
  for (const auto& [a, g] : BindableGpus(t, v)) {
    if (node_plan_w_[static_cast<size_t>(a)] > limit_w_[static_cast<size_t>(a)]) return true;
  }
  return false;
}

void HeadroomController::Apply(const SiteTelemetry& t, const JobView& v, double power_w,
                               double cap_w, bool pause, JobPlan* p, PlanState* s) {
  const double delta = p->power_w - power_w;
  s->excess -= delta * v.gpus * t.pue;
  s->it_plan -= delta * v.gpus;
  for (const auto& [a, g] : BindableGpus(t, v)) {
    const auto b = static_cast<size_t>(a);
    const bool was = node_plan_w_[b] > limit_w_[b];
    node_plan_w_[b] -= delta * g;
    s->over -= was && !(node_plan_w_[b] > limit_w_[b]);
  }
  p->power_w = power_w;
  p->cap_w = cap_w;
  p->pause = pause;
}

double HeadroomController::JustEnoughCap(const SiteTelemetry& t, const JobView& v, const JobPlan& p,
                                         double cap_w, double excess) const {
  double lo = cap_w, hi = p.cap_w;
  for (int k = 0; k < kCapBisectionSteps; ++k) {
    const double mid = 0.5 * (lo + hi);
    const double g = (p.power_w - PowerAt(v, mid)) * v.gpus * t.pue;
    (g >= excess ? lo : hi) = mid;
  }
  return lo;
}

// One rung of the ladder over the jobs in shedding order, until the budget and the ratings hold.
void HeadroomController::ShedRung(const SiteTelemetry& t, int level, PlanState* s) {
  if (level == kEmptyRacksRung || level == kPowerOffRung)
    return PowerOffRung(t, level == kPowerOffRung, s);
  for (JobPlan& p : *s->plan) {
    if (s->excess <= 0 && s->over == 0) break;
    const JobView& v = t.jobs[static_cast<size_t>(p.view)];
    const bool node_bound = TouchesOver(t, v, *s);
    if (s->excess <= 0 && !node_bound) continue;
    const bool inference = v.kind == model::WorkloadKind::kInference;
    if (level < kPauseRung || (level == kInferenceRung && inference)) {
      double cap = level == kToleranceRung ? ToleranceCap(v) : Gpu(v).cap_min_w;
      if (level < kPauseRung) cap = std::max(cap, ObjectiveCap(v));
      if (cap >= p.cap_w) continue;
      const double power = PowerAt(v, cap);
      if (power >= p.power_w) continue;
      const double gain = (p.power_w - power) * v.gpus * t.pue;
      if (!node_bound && gain > s->excess) {
        // Just enough: the highest cap in [cap, p.cap_w] that sheds the excess.
        const double lo = JustEnoughCap(t, v, p, cap, s->excess);
        Apply(t, v, PowerAt(v, lo), lo, false, &p, s);
      } else {
        Apply(t, v, power, cap, false, &p, s);
      }
    } else if (level == kPauseRung && !inference) {
      // Just-in-time checkpoint and pause: the GPUs draw the checkpoint write's power until it is
      // written, then idle (planned at idle: the steady state). Not where writing the checkpoint
      // would draw more than the job draws now (braked or capped below the write's draw): the
      // rungs run while the load is over the budget, and no step may raise it; such a job stays
      // at its minimum cap.
      // (A starting job pauses without writing one.)
      if (v.state != JobState::kRunning || model::CheckpointIoPowerW(Gpu(v)) <= v.power_w)
        Apply(t, v, Gpu(v).idle_w, p.cap_w, true, &p, s);
    }
  }
}

}  // namespace headroom::control

// The Headroom site controller: its construction (the bindable nodes of the power tree, ramp
// smoothing, the mean price), the accessors its files share, and Decide, the sequence of steps
// each call takes (headroom.h lists them; the steps live in headroom_fast.cc,
// headroom_dispatch.cc, headroom_allocate.cc and headroom_reserve.cc). Also the factory and the
// list of strategies.

#include "control/headroom.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "control/headroom_internal.h"
#include "control/headroom_plan.h"
#include "control/reference.h"

namespace headroom::control {
namespace {

using internal::kCapToleranceW;

// The fast shed brakes until this multiple of the shortfall is shed (a ratio): 20% over, for
// error in what each brake is counted on to shed. Tunable.
constexpr double kShedOvershoot = 1.2;
// An inference service's cap serves this much more than its present demand (a fraction of its
// capacity): more than the largest hourly step of a diurnal demand between 0.25 and 0.95 of
// capacity (the generator's range: (0.95 - 0.25) / 2 x 2 pi / 24 = 0.092), so that demand rising
// at the hour never finds it capped short while the raised cap takes effect. Tunable.
constexpr double kObjectiveDemandMargin = 0.1;
// A demand-response request keeps the fast cadence this long after it starts.
constexpr Duration kDrSettle = std::chrono::minutes(1);
// Brakes are looked at again this long after the actuation delay, to release them once the caps
// that replace them are in force.
constexpr Duration kBrakeRecheck = std::chrono::milliseconds(50);
// An announced supply event must last this long for pausing and powering off to replace deep
// caps (the checkpoint, restore and boot cost minutes).
constexpr Duration kConsolidateAfter = std::chrono::minutes(30);
// Caps tried between a GPU's minimum and maximum for the most work per watt.
constexpr int kCapGridSteps = 20;

}  // namespace

HeadroomController::HeadroomController(const SiteConfig& config, const ControllerOptions& options)
    : site_(config.site), gpus_(config.gpus), control_(options), options_(options.headroom) {
  const auto& tree = site_.tree;
  const std::vector<double> max_draw = internal::MaxDrawW(site_, gpus_);
  // A node can bind if its most draw exceeds its limit with tents at their worst derating.
  bindable_index_.assign(tree.size(), -1);
  for (size_t i = 0; i < tree.size(); ++i) {
    const model::TreeNode& n = tree[i];
    if (n.rating_w <= 0) continue;
    if (max_draw[i] > NodeLimitW(n, site_.cooling.tent_min_fraction)) {
      bindable_index_[i] = static_cast<int>(bindable_nodes_.size());
      bindable_nodes_.push_back(static_cast<int>(i));
    }
  }
  ancestor_begin_.assign(tree.size() + 1, 0);
  rack_template_.assign(tree.size(), 0);
  for (size_t i = 0; i < tree.size(); ++i) {
    ancestor_begin_[i] = static_cast<int>(ancestor_list_.size());
    if (tree[i].gpus <= 0) continue;
    rack_template_[i] = internal::kIdleNow;
    for (int a = static_cast<int>(i); a >= 0; a = tree[static_cast<size_t>(a)].parent) {
      if (bindable_index_[static_cast<size_t>(a)] >= 0)
        ancestor_list_.push_back(bindable_index_[static_cast<size_t>(a)]);
    }
  }
  ancestor_begin_[tree.size()] = static_cast<int>(ancestor_list_.size());
  rack_idle_w_.assign(tree.size(), 0.0);
  for (size_t i = 0; i < tree.size(); ++i) {
    if (tree[i].kind == model::NodeKind::kFeed) feeds_.push_back(static_cast<int>(i));
    if (tree[i].gpus > 0) {
      const model::GpuModel& g = gpus_[static_cast<size_t>(tree[i].gpu_model)];
      rack_idle_w_[i] = tree[i].gpus * (g.idle_w + g.host_w);
    }
  }
  for (const model::Contingency& c : site_.contingencies) {
    holds_grid_ = holds_grid_ || c.kind == model::Contingency::Kind::kGrid;
  }
  SetUpRampSmoothing();
  const auto& prices = site_.grid.price_usd_per_j.values;
  if (!prices.empty())
    price_mean_ = std::accumulate(prices.begin(), prices.end(), 0.0) / prices.size();
}

const model::GpuModel& HeadroomController::Gpu(const JobView& v) const {
  return gpus_[static_cast<size_t>(v.gpu_model)];
}

const model::TurbineUnit& HeadroomController::Unit(const UnitView& u) const {
  return UnitSpec(site_, u);
}

double HeadroomController::PowerAt(const JobView& v, double cap_w) const {
  return model::RunningPowerW(v.kind, v.power_shape, Gpu(v), cap_w, v.demand);
}

double HeadroomController::ToleranceCap(const JobView& v) const {
  const model::GpuModel& g = Gpu(v);
  const model::ThroughputCurve& c =
      v.kind == model::WorkloadKind::kInference ? g.inference : g.training;
  const double speed = 1.0 / (1.0 + std::max(0.0, v.slowdown_tolerance));
  return std::clamp(c.CapFor(speed) * g.tdp_w, g.cap_min_w, g.cap_max_w);
}

double HeadroomController::ObjectiveCap(const JobView& v) const {
  const model::GpuModel& g = Gpu(v);
  if (v.kind != model::WorkloadKind::kInference || v.demand <= 0) return g.cap_min_w;
  // The demand of the next hour with it (a cap raised when demand rises takes the actuation
  // delay), and kCapToleranceW above the closed form, so that rounding never leaves it short.
  const double serve = std::min(1.0, v.demand + kObjectiveDemandMargin);
  return std::clamp(g.inference.CapFor(serve) * g.tdp_w + kCapToleranceW, g.cap_min_w, g.cap_max_w);
}

double HeadroomController::MostWorkPerWattCap(const JobView& v) const {
  // Work per watt of the server (its GPUs' draw plus their host share): with a large host share
  // the best cap is high, since the host draws whatever the GPU does.
  const model::GpuModel& g = Gpu(v);
  const model::ThroughputCurve& c = g.training;
  double best_cap = g.cap_max_w, best = -1;
  for (int k = 0; k <= kCapGridSteps; ++k) {
    const double cap = g.cap_min_w + (g.cap_max_w - g.cap_min_w) * k / kCapGridSteps;
    const double per_w = c.SpeedAt(cap / g.tdp_w) / (PowerAt(v, cap) + g.host_w);
    if (per_w > best) {
      best = per_w;
      best_cap = cap;
    }
  }
  return best_cap;
}

bool HeadroomController::Fresh(const SiteTelemetry& t, Time sampled_at) const {
  return t.AgeOf(sampled_at) <= options_.max_reading_age;
}

bool HeadroomController::OffRack(const SiteTelemetry& t, int r) const {
  const auto k = static_cast<size_t>(r);
  return r >= 0 && k < t.rack_power.size() && k < rack_idle_w_.size() &&
         t.rack_power[k] == RackPower::kOff;
}

bool HeadroomController::RacksNotOnListed(const SiteTelemetry& t) {
  std::vector<int> listed;
  for (size_t r = 0; r < t.rack_power.size(); ++r) {
    if (t.rack_power[r] == RackPower::kOff || t.rack_power[r] == RackPower::kBooting)
      listed.push_back(static_cast<int>(r));
  }
  return listed == t.racks_not_on;
}

void HeadroomController::Decide(const SiteTelemetry& t, Decision* out) {
  DCHECK(RacksNotOnListed(t));  // the telemetry's contract (controller.h)
  const bool expensive =
      price_mean_ > 0 && t.price_usd_per_j > options_.price_pause_ratio * price_mean_;
  if (expensive != price_expensive_) memo_.valid = false;  // PriceHeld answers differently
  price_expensive_ = expensive;
  bool braked = false;
  const double full_facility = FullFacilityW(t, &braked);
  const double grid_target = GridTargetW(t);

  // 0. Announced events: charge ahead, commit turbines in time, fit work before they start.
  const Notice notice = ReadNotice(t, grid_target, out);
  charge_to_top_ = notice.charge;
  consolidate_ok_ = notice.lasting >= kConsolidateAfter;
  if (consolidate_ok_ != consolidated_before_) memo_.valid = false;  // the plans differ
  consolidated_before_ = consolidate_ok_;

  // 1. The fast path: the sources are short right now.
  if (t.shortfall_w > 0) FastShed(t, t.shortfall_w * kShedOvershoot, out);

  // 2. Turbines ahead of need, sized so that losing the grid stays within the fast reserve.
  Duration ready_in{0};
  double ramp = 0;
  // The fast reserve: battery and brakes, and stops where they cost less than turbines.
  const double fast_reserve = FastReserve(t) + StopReserve(t);
  const double committed = Dispatch(t, full_facility, std::min(grid_target, notice.commit_grid_w),
                                    fast_reserve, &ready_in, &ramp, out);

  // 3. The budget: what the sources sustain, plus the battery where it can bridge until the
  //    turbines catch up; and the battery's dispatch.
  Supply supply = BudgetFor(t, full_facility, grid_target, committed, ready_in, ramp);
  if (notice.during) {
    supply.budget_w = notice.budget_w;
  } else {
    supply.budget_w = std::min(supply.budget_w, notice.budget_w);
  }
  DispatchBattery(t, grid_target, supply, out);

  // 4. Re-allocation down the power tree, unless nothing is capped and nothing would bind.
  AllocationStats stats;
  objective_bridge_w_ = supply.objective_bridge_w;
  // The rung before checkpoint-and-pause: ask the global scheduler to take the work the plan
  // pauses (the pauses still happen: see Outlook).
  out->move_away_w = 0;
  if (NeedsAllocation(t, full_facility, supply.budget_w)) {
    stats = Allocate(t, supply.budget_w, out);
    out->move_away_w = MoveAwayW(t);
  }

  // 5. Release brakes once the caps that replace them are in force.
  ReleaseBrakes(t, out);

  // 6. Price response: pause preemptible work in expensive hours, resume when cheap.
  RespondToPrice(t, stats, out);

  // 7. Contingency reserve.
  CheckReserve(t, fast_reserve, out);

  // 8. The outlook for the global scheduler: until when it is short, and its forecast spare.
  Outlook(t, full_facility, notice.until, out);

  // Keep walking the import reference while it is away from where the site wants it.
  const bool walking = NoteRampWalk(t, supply.ramp_limited, out);
  ScheduleWake(t, stats, braked, supply.deficit_w, walking, out);
  out->next_wake = std::min(out->next_wake, notice.next_step);
}

double HeadroomController::FullFacilityW(const SiteTelemetry& t, bool* braked) {
  double withheld_it = 0;
  for (const JobView& v : t.jobs) {
    if (v.state == JobState::kRunning) {
      withheld_it += (v.full_power_w - v.power_w) * v.gpus;
      *braked = *braked || v.braked;
    } else if ((v.state == JobState::kPaused && !PriceHeld(v)) || v.state == JobState::kStarting) {
      // Paused work would resume (unless the price response holds it); starting work will run:
      // count the power they will draw.
      withheld_it += (PowerAt(v, Gpu(v).cap_max_w) - v.power_w) * v.gpus;
    }
  }
  return (t.it_w + withheld_it + OffRacksIdleW(t)) * t.pue;
}

double HeadroomController::OffRacksIdleW(const SiteTelemetry& t) {
  if (idle_racks_seen_.SameAsLast(t)) return off_racks_idle_w_;
  double w = 0;
  for (int r : t.racks_not_on) {
    if (OffRack(t, r)) w += rack_idle_w_[static_cast<size_t>(r)];
  }
  off_racks_idle_w_ = w;
  return w;
}

double HeadroomController::GridTargetW(const SiteTelemetry& t) {
  double grid_target = t.import_limit_w;
  if (t.dr_active) grid_target = std::min(grid_target, t.dr_limit_w);
  droop_w_ = 0;
  const double dev = site_.grid.nominal_hz - t.frequency_hz - options_.deadband_hz;
  if (dev <= 0) {
    droop_ref_w_ = -1;  // the excursion is over
    return grid_target;
  }
  if (!t.grid_connected) return grid_target;  // the reference holds across a disconnection
  // Droop acts on the import the site drew when the excursion began (not on the import limit,
  // which may be far above it: a small dip would then ask for nothing): a fall of `droop` of
  // nominal frequency sheds all of it. Where the site drew nothing then (it began while the site
  // was off the grid, or exporting), on the import limit.
  if (droop_ref_w_ < 0) droop_ref_w_ = t.grid_w > 0 ? std::min(t.grid_w, grid_target) : grid_target;
  droop_w_ = std::min(droop_ref_w_, dev / site_.grid.nominal_hz / options_.droop * droop_ref_w_);
  return std::min(grid_target, droop_ref_w_ - droop_w_);
}

void HeadroomController::ReleaseBrakes(const SiteTelemetry& t, Decision* out) const {
  for (const JobView& v : t.jobs) {
    if (v.braked && std::fabs(v.cap_w - v.pending_cap_w) < kCapToleranceW && t.shortfall_w <= 0) {
      out->actions.push_back(
          Action::ForJob(Action::Kind::kBrake, v.id, 0, "caps in force; release the brake"));
    }
  }
}

bool HeadroomController::PriceHeld(const JobView& v) const {
  // Also, while the price is high, any paused preemptible training (paused for the supply): the
  // allocator would resume it for the price response to pause again.
  if (price_expensive_ && v.state == JobState::kPaused && PriceResponsive(v)) return true;
  return !price_held_.empty() && price_held_.contains(v.id);
}

bool HeadroomController::PriceResponsive(const JobView& v) {
  return v.priority == model::Priority::kPreemptible && v.kind != model::WorkloadKind::kInference;
}

void HeadroomController::RespondToPrice(const SiteTelemetry& t, const AllocationStats& stats,
                                        Decision* out) {
  if (price_mean_ <= 0) return;
  // Forget the jobs that are gone or run again (restarted after a crash, resumed by hand).
  if (!price_held_.empty()) {
    std::map<JobId, Time> still;
    for (const JobView& v : t.jobs) {
      const auto it = price_held_.find(v.id);
      if (it != price_held_.end() && v.state != JobState::kRunning) still.insert(*it);
    }
    if (still.size() != price_held_.size()) memo_.valid = false;
    price_held_.swap(still);
  }
  if (stats.binding) return;  // the supply decides for now
  const bool cheap = t.price_usd_per_j < options_.price_resume_ratio * price_mean_;
  for (const JobView& v : t.jobs) {
    if (!PriceResponsive(v)) continue;
    if (price_expensive_ && v.state == JobState::kRunning) {
      out->actions.push_back(
          Action::ForJob(Action::Kind::kPause, v.id, 0,
                         "price response: defer preemptible work to cheaper hours"));
      price_held_[v.id] = t.now;
    } else if (cheap && v.state == JobState::kPaused) {
      // Released, not resumed: the allocator resumes it as the budget allows (after its restore
      // hold, within its band, with turbines planned for it), not the whole cohort at once.
      const auto it = price_held_.find(v.id);
      if (it == price_held_.end() || t.now - it->second < options_.price_min_pause) continue;
      price_held_.erase(it);
      memo_.valid = false;  // the allocator plans for it again
    }
  }
}

void HeadroomController::ScheduleWake(const SiteTelemetry& t, const AllocationStats& stats,
                                      bool braked, double deficit_w, bool walking,
                                      Decision* out) const {
  const bool moving = stats.caps_lowered > 0 || stats.pauses > 0 || stats.racks_off > 0 ||
                      stats.racks_pending > 0 || braked || deficit_w > 0 || t.shortfall_w > 0 ||
                      (t.dr_active && t.now - t.dr_since < kDrSettle);
  const bool holding = stats.binding || t.dr_active || droop_w_ > 0;
  out->next_wake = t.now + (moving    ? options_.constrained_period
                            : holding ? options_.holding_period
                                      : options_.idle_period);
  if (braked)
    out->next_wake = std::min(out->next_wake, t.now + control_.actuation_delay + kBrakeRecheck);
  if (walking) out->next_wake = std::min(out->next_wake, t.now + grid_ref_period_);
}

std::unique_ptr<SiteController> MakeHeadroom(const SiteConfig& config,
                                             const ControllerOptions& options) {
  return std::make_unique<HeadroomController>(config, options);
}

std::vector<Strategy> AllStrategies() {
  std::vector<Strategy> all = ReferenceStrategies();
  all.push_back(
      {"headroom",
       "smart load management: battery, caps by tolerance, checkpoint-and-pause; no diesel", false,
       &MakeHeadroom});
  return all;
}

}  // namespace headroom::control

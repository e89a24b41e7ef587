#include "control/headroom.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "control/reference.h"

namespace headroom::control {
namespace {

constexpr double kTurbineMargin = 1.05;

std::string Mw(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MW", w / 1e6);
  return buf;
}

bool Controllable(const JobView& v) {
  return v.racks_count > 0 && (v.state == JobState::kRunning || v.state == JobState::kStarting ||
                               v.state == JobState::kPaused);
}

}  // namespace

HeadroomController::HeadroomController(const SiteConfig& config, const ControllerOptions& options)
    : site_(config.site), gpus_(config.gpus), control_(options), options_(options.headroom) {
  const auto& tree = site_.tree;
  const double margin = control_.rating_margin;
  // The most each node can draw: every GPU below it at TDP plus its host share.
  std::vector<double> max_draw(tree.size(), 0.0);
  for (size_t i = tree.size(); i-- > 0;) {
    const model::TreeNode& n = tree[i];
    if (n.gpus > 0 && n.gpu_model >= 0) {
      const model::GpuModel& g = gpus_[static_cast<size_t>(n.gpu_model)];
      max_draw[i] += n.gpus * (g.cap_max_w + g.host_w);
    }
    if (n.parent >= 0) max_draw[static_cast<size_t>(n.parent)] += max_draw[i];
  }
  bindable_index_.assign(tree.size(), -1);
  for (size_t i = 0; i < tree.size(); ++i) {
    const model::TreeNode& n = tree[i];
    if (n.rating_w <= 0) continue;
    const double worst = n.kind == model::NodeKind::kTent ? site_.cooling.tent_min_fraction : 1.0;
    if (max_draw[i] > n.rating_w * worst * (1 - margin)) {
      bindable_index_[i] = static_cast<int>(bindable_nodes_.size());
      bindable_nodes_.push_back(static_cast<int>(i));
    }
  }
  ancestors_.resize(tree.size());
  for (size_t i = 0; i < tree.size(); ++i) {
    if (tree[i].gpus <= 0) continue;
    for (int a = static_cast<int>(i); a >= 0; a = tree[static_cast<size_t>(a)].parent) {
      if (bindable_index_[static_cast<size_t>(a)] >= 0)
        ancestors_[i].push_back(bindable_index_[static_cast<size_t>(a)]);
    }
  }
  for (size_t i = 0; i < tree.size(); ++i) {
    if (tree[i].kind == model::NodeKind::kFeed) feeds_.push_back(static_cast<int>(i));
  }
  // The reference moves in steps, each at most `rate × min(time since the last, period)`: such a
  // staircase changes by at most rate × (window + period) within any window, so this rate keeps
  // it under max_ramp × window (with 2% to spare). Steps a sixth of the window apart keep the
  // controller calls few; the battery carries a mismatch under the deadband.
  const double window_s = ToSeconds(site_.grid.ramp_window);
  grid_ref_period_ = std::max(options_.constrained_period, site_.grid.ramp_window / 6);
  grid_ref_rate_ =
      site_.grid.max_ramp_w_per_s * window_s / (window_s + ToSeconds(grid_ref_period_)) * 0.98;
  grid_ref_deadband_w_ = 0.02 * site_.grid.max_ramp_w_per_s * window_s;
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

bool HeadroomController::Fresh(const SiteTelemetry& t, Time sampled_at) const {
  return t.AgeOf(sampled_at) <= options_.max_reading_age;
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
  out->actions.push_back(Action::Note(t.shortfall_w / 1e6, ""));
  out->actions.reserve(out->actions.size() + order_.size());
  int unknown = 0;
  for (int i : order_) {
    if (shed >= deficit_w) break;
    const JobView& v = jobs[static_cast<size_t>(i)];
    if (!Fresh(t, v.sampled_at)) {
      // What it draws now is unknown: brake it, but count on shedding nothing (the worst case).
      out->actions.push_back(Action::ForJob(Action::Kind::kBrake, v.id, 1, "fast shed"));
      ++braked;
      ++unknown;
      continue;
    }
    const double floor = PowerAt(v, Gpu(v).cap_min_w);
    const double gain = (v.power_w - floor) * v.gpus * t.pue;
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

void HeadroomController::LoadBindable(const SiteTelemetry& t) {
  node_plan_w_.resize(bindable_nodes_.size());
  for (size_t b = 0; b < bindable_nodes_.size(); ++b) {
    node_plan_w_[b] = t.node_load_w[static_cast<size_t>(bindable_nodes_[b])];
  }
}

double HeadroomController::FastReserve(const SiteTelemetry& t) const {
  // Only what fresh readings show counts: a stale battery reading or job draw counts as nothing.
  double fast = 0;
  if (t.has_battery && Fresh(t, t.battery_sampled_at) &&
      t.battery_soc > site_.battery->soc_min + 0.01) {
    fast += site_.battery->power_w - std::max(0.0, t.battery_w);
  }
  for (const JobView& v : t.jobs) {
    if (v.state != JobState::kRunning || v.braked || !Fresh(t, v.sampled_at)) continue;
    fast += (v.power_w - PowerAt(v, Gpu(v).cap_min_w)) * v.gpus * t.pue;
  }
  return fast;
}

double HeadroomController::Dispatch(const SiteTelemetry& t, double full_facility_w,
                                    double grid_target_w, double fast_reserve_w, Duration* ready_in,
                                    double* ramp_w_per_s, Decision* out) {
  const double base = t.solar_w + t.baseload_w;
  // Turbines cover what the grid may not give, and also enough that losing the grid's import
  // stays within the fast reserve (battery + brakes): the contingency reserve.
  const double grid_use = std::min(grid_target_w, 0.9 * fast_reserve_w);
  const double want = std::max(0.0, full_facility_w - base - grid_use) * kTurbineMargin;
  double committed = 0, online = 0, largest = 0;
  *ready_in = Duration{0};
  *ramp_w_per_s = 0;
  auto ramp_of = [this](const UnitView& u) {
    return Unit(u).ramp_w_per_s > 0 ? Unit(u).ramp_w_per_s : 1e12;
  };
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kOnline || u.state == UnitState::kStarting) {
      committed += Unit(u).rating_w;
      *ramp_w_per_s += ramp_of(u);
    }
    if (u.state == UnitState::kStarting) *ready_in = std::max(*ready_in, u.ready_at - t.now);
    if (u.state == UnitState::kOnline) {
      online += Unit(u).rating_w;
      largest = std::max(largest, Unit(u).rating_w);
    }
  }
  for (const UnitView& u : t.units) {
    if (committed >= want) break;
    if (u.state != UnitState::kOff) continue;
    out->actions.push_back(Action::ForUnit(Action::Kind::kCommitUnit, u.plant, u.unit, 0,
                                           "start ahead of need: " + Mw(want) +
                                               " wanted from turbines, " + Mw(committed) +
                                               " committed"));
    committed += Unit(u).rating_w;
    *ramp_w_per_s += ramp_of(u);
    *ready_in = std::max(*ready_in, Unit(u).start_time);
  }
  const bool steady = t.grid_connected && !t.dr_active && t.shortfall_w <= 0;
  DecommitAfterSurplus(site_, t, steady && online - largest >= want * 1.1 && online > 0,
                       &low_since_, out);
  ShareTurbineTargets(site_, t, want, "", out);
  return committed;
}

AllocationStats HeadroomController::Allocate(const SiteTelemetry& t, double budget_w,
                                             Decision* out) {
  AllocationStats stats;
  stats.budget_facility_w = budget_w;
  const auto& jobs = t.jobs;
  const auto& tree = site_.tree;
  const double margin = control_.rating_margin;
  const double derate = site_.cooling.TentDerateAt(t.ambient_c);
  // Limits of the bindable nodes, by bindable index.
  limit_w_.resize(bindable_nodes_.size());
  for (size_t b = 0; b < bindable_nodes_.size(); ++b) {
    const model::TreeNode& node = tree[static_cast<size_t>(bindable_nodes_[b])];
    limit_w_[b] =
        node.rating_w * (node.kind == model::NodeKind::kTent ? derate : 1.0) * (1 - margin);
  }

  // The plans depend only on these inputs. When they are what they were at the last call (most
  // calls while caps merely hold), so are the plans: only the restore timer moves.
  inputs_next_.clear();
  auto put = [&](double x) { inputs_next_.push_back(x); };
  put(budget_w);
  put(derate);
  put(t.pue);
  put(t.it_w);
  for (const JobView& v : jobs) {
    // A job keeps its racks for as long as it keeps its id (controller.h), so the id stands for
    // its placement too.
    put(static_cast<double>(v.id.value));  // < 2^53: exact
    put(static_cast<double>(v.state));
    put(v.power_w);
    put(v.pending_cap_w);
    put(v.demand);
  }
  for (int n : bindable_nodes_) put(t.node_load_w[static_cast<size_t>(n)]);
  const bool same = memo_.valid && inputs_next_ == inputs_;
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
  stats.planned_it_w = PlanFor(t, budget_w, &lo);
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
    } else if (!p.pause && p.cap_w < v.pending_cap_w - 0.5) {
      out->actions.push_back(Action::ForJob(
          Action::Kind::kSetCap, v.id, p.cap_w,
          "fit " + Mw(budget_w) + " facility budget and ratings; " +
              model::PriorityName(v.priority) + " work, tolerates " +
              std::to_string(static_cast<int>(v.slowdown_tolerance * 100)) + "% slowdown"));
      ++stats.caps_lowered;
      lowering = true;
    }
  }
  stats.binding = lowering;
  for (const JobPlan& p : lo) {
    const JobView& v = jobs[static_cast<size_t>(p.view)];
    stats.binding = stats.binding || p.cap_w < Gpu(v).cap_max_w - 0.5 || p.pause;
  }
  // Reusable while nothing was lowered (lowering changes the inputs anyway).
  memo_.valid = !lowering;
  memo_.lowered = lowering;
  memo_.jobs_considered = stats.jobs_considered;
  memo_.planned_it_w = stats.planned_it_w;
  memo_.binding = stats.binding;
  memo_.raises = !lowering && Raises(t, lo);
  return stats;
}

bool HeadroomController::Raises(const SiteTelemetry& t, const std::vector<JobPlan>& plan) const {
  for (const JobPlan& p : plan) {
    const JobView& v = (t.jobs)[static_cast<size_t>(p.view)];
    if ((v.state == JobState::kPaused && !p.pause) || p.cap_w > v.pending_cap_w + 0.5) return true;
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
  PlanFor(t, budget_w * (1 - options_.restore_band), &hi);
  if (!Raises(t, hi)) {
    memo_.narrowed_holds = true;
    return stats;
  }
  for (const JobPlan& p : hi) {
    const JobView& v = jobs[static_cast<size_t>(p.view)];
    if (v.state == JobState::kPaused && !p.pause) {
      out->actions.push_back(Action::ForJob(Action::Kind::kResume, v.id, 0, "supply restored"));
    }
    if (!p.pause && p.cap_w > v.pending_cap_w + 0.5) {
      out->actions.push_back(
          Action::ForJob(Action::Kind::kSetCap, v.id, p.cap_w,
                         "restore: headroom held for " +
                             std::to_string(options_.restore_hold.count() / 1000000000) + " s"));
      ++stats.caps_raised;
    }
  }
  headroom_since_ = kTimeNever;
  memo_.valid = false;
  return stats;
}

// A plan for `budget`: start from every job at full power, shed down the ladder. Returns the
// planned IT power. Uses limit_w_ and alloc_order_ as Allocate left them.
double HeadroomController::PlanFor(const SiteTelemetry& t, double budget,
                                   std::vector<JobPlan>* out) {
  std::vector<JobPlan>& plan = *out;
  const auto& jobs = t.jobs;
  auto limit = [&](int b) { return limit_w_[static_cast<size_t>(b)]; };

  plan.clear();
  LoadBindable(t);
  double it_plan = t.it_w;
  for (int i : alloc_order_) {
    const JobView& v = jobs[static_cast<size_t>(i)];
    const double full = PowerAt(v, Gpu(v).cap_max_w);
    plan.push_back({i, Gpu(v).cap_max_w, full, false});
    const double delta = full - v.power_w;
    it_plan += delta * v.gpus;
    for (const auto& [rack, n] : t.RacksOf(v)) {
      for (int a : ancestors_[static_cast<size_t>(rack)])
        node_plan_w_[static_cast<size_t>(a)] += delta * n;
    }
  }
  double excess = it_plan * t.pue - budget;
  int over = 0;
  for (size_t b = 0; b < bindable_nodes_.size(); ++b)
    over += node_plan_w_[b] > limit(static_cast<int>(b));
  auto touches_over = [&](const JobView& v) {
    if (over == 0) return false;
    for (const auto& [rack, n] : t.RacksOf(v)) {
      for (int a : ancestors_[static_cast<size_t>(rack)]) {
        if (node_plan_w_[static_cast<size_t>(a)] > limit(a)) return true;
      }
    }
    return false;
  };
  auto apply = [&](JobPlan& p, const JobView& v, double new_power, double new_cap, bool pause) {
    const double delta = p.power_w - new_power;
    excess -= delta * v.gpus * t.pue;
    it_plan -= delta * v.gpus;
    for (const auto& [rack, n] : t.RacksOf(v)) {
      for (int a : ancestors_[static_cast<size_t>(rack)]) {
        const bool was = node_plan_w_[static_cast<size_t>(a)] > limit(a);
        node_plan_w_[static_cast<size_t>(a)] -= delta * n;
        over -= was && !(node_plan_w_[static_cast<size_t>(a)] > limit(a));
      }
    }
    p.power_w = new_power;
    p.cap_w = new_cap;
    p.pause = pause;
  };
  for (int level = 0; level < 3 && (excess > 0 || over > 0); ++level) {
    for (JobPlan& p : plan) {
      if (excess <= 0 && over == 0) break;
      const JobView& v = jobs[static_cast<size_t>(p.view)];
      const bool node_bound = touches_over(v);
      if (excess <= 0 && !node_bound) continue;
      if (level < 2) {
        const double cap = level == 0 ? ToleranceCap(v) : Gpu(v).cap_min_w;
        if (cap >= p.cap_w) continue;
        const double power = PowerAt(v, cap);
        if (power >= p.power_w) continue;
        const double gain = (p.power_w - power) * v.gpus * t.pue;
        if (!node_bound && gain > excess) {
          // Just enough: the highest cap in [cap, p.cap_w] that sheds the excess.
          double lo = cap, hi = p.cap_w;
          for (int k = 0; k < 40; ++k) {
            const double mid = 0.5 * (lo + hi);
            const double g = (p.power_w - PowerAt(v, mid)) * v.gpus * t.pue;
            (g >= excess ? lo : hi) = mid;
          }
          apply(p, v, PowerAt(v, lo), lo, false);
        } else {
          apply(p, v, power, cap, false);
        }
      } else if (v.kind != model::WorkloadKind::kInference) {
        // Just-in-time checkpoint and pause: the GPUs drop to idle once the checkpoint is written.
        apply(p, v, Gpu(v).idle_w, p.cap_w, true);
      }
    }
  }
  return it_plan;
}

namespace {

// The output of plant `p` now.
double PlantOutput(const SiteTelemetry& t, int p) {
  double output = 0;
  for (const UnitView& u : t.units) {
    if (u.plant == p) output += u.output_w;
  }
  return output;
}

}  // namespace

void HeadroomController::CheckReserve(const SiteTelemetry& t, double fast_up, Decision* out) {
  using Kind = model::Contingency::Kind;
  const model::Grid& grid = site_.grid;
  // Down reserve: what absorbs a sudden loss of load. The battery stops discharging and charges
  // at full power; the grid takes what its ramp limit allows (all of it without a limit); while
  // islanded, the turbines back off toward their minimum load.
  double down = 0;
  std::string down_from;
  if (t.has_battery && t.battery_soc < site_.battery->soc_max - 0.01) {
    down += site_.battery->power_w + std::max(0.0, t.battery_w);
    down_from = "battery charging";
  }
  const bool grid_absorbs = t.grid_connected && grid.max_ramp_w_per_s <= 0;
  if (t.grid_connected && !grid_absorbs) {
    down += grid.max_ramp_w_per_s * ToSeconds(grid.ramp_window);
    down_from += down_from.empty() ? "grid ramp allowance" : " + grid ramp allowance";
  }
  if (!t.grid_connected) {
    for (const UnitView& u : t.units) {
      if (u.state == UnitState::kOnline) down += std::max(0.0, u.output_w - Unit(u).min_load_w);
    }
    down_from += down_from.empty() ? "turbine back-off" : " + turbine back-off";
  }
  reserve_short_.resize(site_.contingencies.size(), 0);
  out->reserve_short_w = 0;
  for (size_t i = 0; i < site_.contingencies.size(); ++i) {
    const model::Contingency& c = site_.contingencies[i];
    ReserveCheck r;
    r.reserve_w = fast_up;
    r.reserve_from = "battery + power brakes";
    bool applies = true;
    switch (c.kind) {
      case Kind::kGrid:
        r.what = "the grid";
        r.size_w = std::max(0.0, t.grid_w);
        applies = t.grid_connected;
        break;
      case Kind::kPlant: {
        int p = c.index;
        r.size_w = p >= 0 ? PlantOutput(t, p) : -1;
        for (int q = 0; c.index < 0 && q < static_cast<int>(site_.plants.size());
             ++q) {  // the largest by output now
          const double output = PlantOutput(t, q);
          if (output > r.size_w) {
            p = q;
            r.size_w = output;
          }
        }
        r.what = "plant " + site_.plants[static_cast<size_t>(p)].name;
        break;
      }
      case Kind::kFeed: {
        int f = c.index;
        if (f < 0) {  // the largest by load now
          for (int q : feeds_) {
            if (f < 0 ||
                t.node_load_w[static_cast<size_t>(q)] > t.node_load_w[static_cast<size_t>(f)])
              f = q;
          }
        }
        r.what = "feed " + site_.tree[static_cast<size_t>(f)].name;
        r.load_loss = true;
        r.size_w = t.node_load_w[static_cast<size_t>(f)] * t.pue;
        r.reserve_w = down;
        r.reserve_from = down_from;
        applies = !grid_absorbs;
        break;
      }
    }
    const bool short_now = applies && r.short_w() > 0;
    if (short_now) out->reserve_short_w = std::max(out->reserve_short_w, r.short_w());
    if (short_now && !reserve_short_[i]) {
      out->actions.push_back(Action::Note(
          r.short_w() / 1e6, "contingency reserve short: the loss of " + r.what + " (" +
                                 Mw(r.size_w) + (r.load_loss ? " of load" : "") +
                                 ") exceeds the fast " + (r.load_loss ? "down" : "up") +
                                 " reserve " + Mw(r.reserve_w) + " (" +
                                 (r.reserve_from.empty() ? "none" : r.reserve_from) +
                                 "); short by " + Mw(r.short_w())));
    } else if (!short_now && reserve_short_[i]) {
      out->actions.push_back(
          Action::Note(0, "contingency reserve restored: the loss of " + r.what + " is covered"));
    }
    reserve_short_[i] = short_now;
  }
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
    const double hi = b.soc_max - 0.05;
    const double lo = std::max(b.soc_min + 0.1, std::min(options_.reserve_soc, hi - 0.02));
    if (t.battery_soc < lo) want += std::min(b.power_w, (lo - t.battery_soc) * b.energy_j / 600.0);
    // Room is made by importing less, never by exporting battery energy.
    if (t.battery_soc > hi)
      want -= std::min({b.power_w, (t.battery_soc - hi) * b.energy_j / 600.0, std::max(0.0, want)});
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

void HeadroomController::Decide(const SiteTelemetry& t, Decision* out) {
  const auto& jobs = t.jobs;
  // Demand with every cap, brake and pause lifted.
  double withheld_it = 0;
  bool braked = false;
  for (const JobView& v : jobs) {
    if (v.state == JobState::kRunning) {
      withheld_it += (v.full_power_w - v.power_w) * v.gpus;
      braked = braked || v.braked;
    } else if (v.state == JobState::kPaused || v.state == JobState::kStarting) {
      // Paused work would resume; starting work will run: count the power they will draw.
      withheld_it += (PowerAt(v, Gpu(v).cap_max_w) - v.power_w) * v.gpus;
    }
  }
  const double full_facility = (t.it_w + withheld_it) * t.pue;
  // What the grid may give: its limit, a demand-response request, less the droop response.
  double grid_target = t.import_limit_w;
  if (t.dr_active) grid_target = std::min(grid_target, t.dr_limit_w);
  droop_w_ = 0;
  if (t.grid_connected) {
    const double dev = site_.grid.nominal_hz - t.frequency_hz - options_.deadband_hz;
    if (dev > 0)
      droop_w_ =
          std::min(grid_target, dev / site_.grid.nominal_hz / options_.droop * t.import_limit_w);
  }
  grid_target -= droop_w_;

  // 1. The fast path: the sources are short right now.
  if (t.shortfall_w > 0) FastShed(t, t.shortfall_w * 1.2, out);

  // 2. Turbines ahead of need, sized so that losing the grid stays within the fast reserve.
  Duration ready_in{0};
  double ramp = 0;
  const double fast_reserve = FastReserve(t);
  const double committed =
      Dispatch(t, full_facility, grid_target, fast_reserve, &ready_in, &ramp, out);

  // 3. The budget: what the sources sustain, plus the battery where it can bridge until the
  //    turbines catch up.
  const double base = t.solar_w + t.baseload_w;
  double turbines = 0;
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kOnline) turbines += u.available_w;
  }
  const Duration wait = ready_in;
  const double sustainable = base + turbines + grid_target;
  // Energy above a floor kept for the next contingency (10% of capacity), and battery power.
  double usable_j = 0, battery_power = 0;
  if (t.has_battery) {
    const model::Battery& b = *site_.battery;
    usable_j = std::max(0.0, (t.battery_soc - b.soc_min - 0.1) * b.energy_j) *
               std::sqrt(b.round_trip_efficiency);
    battery_power = usable_j > 0 ? 0.95 * b.power_w : 0.0;
  }
  // Under a ramp limit the grid gives what the ramp-limited reference has reached, and the battery
  // carries a load step above it while the reference catches up at its rate: a step b costs
  // about b^2 / (2 rate) of energy.
  const bool ramp_limited = site_.grid.present && site_.grid.max_ramp_w_per_s > 0;
  double grid_now = grid_target, ramp_bridge = 0;
  if (ramp_limited) {
    grid_now = std::min(grid_target, TrackGridRef(t, grid_target));
    const double carry = std::min(battery_power, std::sqrt(2 * grid_ref_rate_ * usable_j / 1.3));
    ramp_bridge = std::min(grid_target - grid_now, carry);
    battery_power -= ramp_bridge;
    usable_j = std::max(
        0.0, usable_j - 1.3 * ramp_bridge * ramp_bridge / (2 * std::max(grid_ref_rate_, 1.0)));
  }
  const double supply_now = base + turbines + grid_now + ramp_bridge;
  // Beyond that, the battery bridges until the turbines (starting, ramping) catch up.
  const double deficit = std::max(0.0, full_facility - supply_now);
  double bridge = 0;
  if (deficit > 0 && battery_power > 0) {
    const bool catches_up = committed + base + grid_target >= full_facility;
    const double catch_s =
        std::max(ToSeconds(wait) + std::max(0.0, full_facility - sustainable) / std::max(ramp, 1.0),
                 (grid_target - grid_now) / std::max(grid_ref_rate_, 1.0));
    if (catches_up && deficit <= battery_power && usable_j >= deficit * catch_s * 1.3)
      bridge = deficit;
  }
  const double budget = (supply_now + bridge) * (1 - control_.rating_margin);
  // Dispatch the battery: discharge to hold the grid at its target while bridging or while a
  // grid service asks for less import; otherwise recharge toward the reserve level.
  if (t.has_battery && ramp_limited) {
    // The battery holds the import at the ramp-limited reference: it discharges above it and
    // charges below it, so the grid sees a ramp, whatever the load does.
    const bool service = t.dr_active || droop_w_ > 0;
    const char* why = !service      ? ""
                      : t.dr_active ? "hold the demand-response import limit"
                                    : "under-frequency droop response";
    out->actions.push_back(Action::ForSite(Action::Kind::kSetImportCeiling, grid_now, why));
    out->actions.push_back(
        Action::ForSite(Action::Kind::kSetImportFloor, t.grid_connected ? grid_now : kNoFloor, ""));
    out->actions.push_back(Action::ForSite(Action::Kind::kSetBatteryCharge, 0.0, ""));
  } else if (t.has_battery) {
    const model::Battery& b = *site_.battery;
    const bool service = t.dr_active || droop_w_ > 0 || bridge > 0;
    const double ceiling = service ? grid_target : kNoCeiling;
    out->actions.push_back(
        Action::ForSite(Action::Kind::kSetImportCeiling, ceiling,
                        !service       ? "grid services over; no import ceiling"
                        : t.dr_active  ? "hold the demand-response import limit"
                        : droop_w_ > 0 ? "under-frequency droop response"
                                       : "bridge with the battery until turbines catch up"));
    const double charge = (t.grid_connected && !service && deficit <= 0 &&
                           t.battery_soc < std::max(options_.reserve_soc, b.soc_min + 0.05))
                              ? b.power_w
                              : 0.0;
    out->actions.push_back(Action::ForSite(Action::Kind::kSetBatteryCharge, charge, ""));
  }

  // 4. Re-allocation down the power tree, unless nothing is capped and nothing would bind.
  bool any_capped = false;
  for (const JobView& v : jobs) {
    if (Controllable(v) &&
        (v.pending_cap_w < Gpu(v).cap_max_w - 0.5 || v.state == JobState::kPaused)) {
      any_capped = true;
      break;
    }
  }
  bool nodes_fit = true;
  if (!any_capped && full_facility <= budget && !bindable_nodes_.empty()) {
    const double derate = site_.cooling.TentDerateAt(t.ambient_c);
    LoadBindable(t);
    for (const JobView& v : jobs) {
      if (v.state != JobState::kStarting || v.racks_count == 0) continue;
      const double delta = PowerAt(v, Gpu(v).cap_max_w) - v.power_w;
      for (const auto& [rack, n] : t.RacksOf(v)) {
        for (int a : ancestors_[static_cast<size_t>(rack)])
          node_plan_w_[static_cast<size_t>(a)] += delta * n;
      }
    }
    for (size_t b = 0; b < bindable_nodes_.size(); ++b) {
      const model::TreeNode& node = site_.tree[static_cast<size_t>(bindable_nodes_[b])];
      const double lim = node.rating_w * (node.kind == model::NodeKind::kTent ? derate : 1.0) *
                         (1 - control_.rating_margin);
      if (node_plan_w_[b] > lim) {
        nodes_fit = false;
        break;
      }
    }
  }
  AllocationStats stats;
  if (any_capped || full_facility > budget || !nodes_fit) stats = Allocate(t, budget, out);

  // 5. Release brakes once the caps that replace them are in force.
  for (const JobView& v : jobs) {
    if (v.braked && std::fabs(v.cap_w - v.pending_cap_w) < 0.5 && t.shortfall_w <= 0) {
      out->actions.push_back(
          Action::ForJob(Action::Kind::kBrake, v.id, 0, "caps in force; release the brake"));
    }
  }

  // 6. Price response: pause preemptible work in expensive hours, resume when cheap.
  if (price_mean_ > 0 && !stats.binding) {
    const bool expensive = t.price_usd_per_j > options_.price_pause_ratio * price_mean_;
    for (const JobView& v : jobs) {
      if (v.priority != model::Priority::kPreemptible || v.kind == model::WorkloadKind::kInference)
        continue;
      if (expensive && v.state == JobState::kRunning) {
        out->actions.push_back(
            Action::ForJob(Action::Kind::kPause, v.id, 0,
                           "price response: defer preemptible work to cheaper hours"));
      } else if (!expensive && v.state == JobState::kPaused) {
        out->actions.push_back(
            Action::ForJob(Action::Kind::kResume, v.id, 0, "price response: cheaper hour"));
      }
    }
  }

  // 7. Contingency reserve.
  CheckReserve(t, fast_reserve, out);

  // Fast cadence while things move; a slower watch while caps merely hold; idle otherwise.
  const bool moving = stats.caps_lowered > 0 || stats.pauses > 0 || braked || deficit > 0 ||
                      t.shortfall_w > 0 ||
                      (t.dr_active && t.now - t.dr_since < std::chrono::minutes(1));
  const bool holding = stats.binding || t.dr_active || droop_w_ > 0;
  out->next_wake = t.now + (moving    ? options_.constrained_period
                            : holding ? options_.holding_period
                                      : options_.idle_period);
  if (braked)
    out->next_wake =
        std::min(out->next_wake, t.now + control_.actuation_delay + std::chrono::milliseconds(50));
  // Keep walking the import reference while it is away from where the site wants it, and say
  // when a walk starts and ends (the steps themselves are in timeseries.csv).
  const bool walking = ramp_limited && t.grid_connected &&
                       std::fabs(grid_want_w_ - grid_ref_w_) > grid_ref_deadband_w_;
  if (walking) out->next_wake = std::min(out->next_wake, t.now + grid_ref_period_);
  if (walking && !grid_walking_) {
    out->actions.push_back(Action::Note(
        (grid_want_w_ - grid_ref_w_) / 1e6,
        "ramp smoothing: the battery holds the import at " + Mw(grid_ref_w_) +
            " while it moves toward " + Mw(grid_want_w_) + " at " + Mw(grid_ref_rate_ * 60) +
            " per minute (limit " + Mw(site_.grid.max_ramp_w_per_s * 60) + " per minute)"));
  } else if (!walking && grid_walking_ && t.grid_connected) {
    out->actions.push_back(Action::Note(0, "ramp smoothing done: import at " + Mw(grid_ref_w_)));
  }
  grid_walking_ = walking;
}

std::vector<ReserveCheck> AssessDesignReserve(const model::Fleet& fleet, int site_index) {
  using Kind = model::Contingency::Kind;
  const model::Site& site = fleet.sites[static_cast<size_t>(site_index)];
  double pue_min = 1e9, pue_max = 1.0;
  for (const auto& [temp, pue] : site.cooling.pue_by_temp_c) {
    pue_min = std::min(pue_min, pue);
    pue_max = std::max(pue_max, pue);
  }
  if (pue_min > pue_max) pue_min = pue_max;
  // Most draw below each node, and what the brakes shed when every GPU runs at full power.
  std::vector<double> max_draw(site.tree.size(), 0.0);
  double brakes = 0;
  for (size_t i = site.tree.size(); i-- > 0;) {
    const model::TreeNode& n = site.tree[i];
    if (n.gpus > 0 && n.gpu_model >= 0) {
      const model::GpuModel& g = fleet.gpus[static_cast<size_t>(n.gpu_model)];
      max_draw[i] += n.gpus * (g.cap_max_w + g.host_w);
      brakes += n.gpus * (g.cap_max_w - g.cap_min_w);
    }
    if (n.parent >= 0) max_draw[static_cast<size_t>(n.parent)] += max_draw[i];
  }
  const double battery = site.battery ? site.battery->power_w : 0.0;
  const double up = battery + brakes * pue_min;
  const std::string up_from = battery > 0 ? "battery + power brakes" : "power brakes";
  const double ramp_allowance = site.grid.max_ramp_w_per_s * ToSeconds(site.grid.ramp_window);
  const bool grid_absorbs = site.grid.present && site.grid.max_ramp_w_per_s <= 0;
  std::vector<ReserveCheck> out;
  for (const model::Contingency& c : site.contingencies) {
    ReserveCheck r;
    r.reserve_w = up;
    r.reserve_from = up_from;
    switch (c.kind) {
      case Kind::kGrid: {
        // The controller imports no more than its reserve covers and runs turbines for the rest
        // (Dispatch), so the exposure is the import the turbines cannot replace.
        double turbines = 0;
        for (const auto& p : site.plants) turbines += p.capacity_w();
        r.what = "the grid";
        r.size_w = std::clamp(max_draw[0] * pue_max - site.baseload_w - turbines, 0.0,
                              site.grid.import_limit_w);
        break;
      }
      case Kind::kPlant: {
        int p = c.index;
        for (int q = 0; c.index < 0 && q < static_cast<int>(site.plants.size()); ++q) {
          if (p < 0 || site.plants[static_cast<size_t>(q)].capacity_w() >
                           site.plants[static_cast<size_t>(p)].capacity_w())
            p = q;
        }
        r.what = "plant " + site.plants[static_cast<size_t>(p)].name;
        r.size_w = site.plants[static_cast<size_t>(p)].capacity_w();
        break;
      }
      case Kind::kFeed: {
        // The most a feed can carry: its rating, or all its GPUs at full power if that is less.
        auto most = [&](int q) {
          const model::TreeNode& n = site.tree[static_cast<size_t>(q)];
          return std::min(n.rating_w > 0 ? n.rating_w : 1e30, max_draw[static_cast<size_t>(q)]);
        };
        int f = c.index;
        for (int q = 0; c.index < 0 && q < static_cast<int>(site.tree.size()); ++q) {
          if (site.tree[static_cast<size_t>(q)].kind == model::NodeKind::kFeed &&
              (f < 0 || most(q) > most(f)))
            f = q;
        }
        r.what = "feed " + site.tree[static_cast<size_t>(f)].name;
        r.load_loss = true;
        r.size_w = most(f) * pue_max;
        if (grid_absorbs) {
          r.reserve_w = r.size_w;
          r.reserve_from = "the grid (no ramp limit)";
        } else {
          r.reserve_w = battery + (site.grid.present ? ramp_allowance : 0.0);
          r.reserve_from = battery > 0 ? "battery charging" : "";
          if (site.grid.present)
            r.reserve_from +=
                r.reserve_from.empty() ? "grid ramp allowance" : " + grid ramp allowance";
        }
        break;
      }
    }
    out.push_back(r);
  }
  return out;
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

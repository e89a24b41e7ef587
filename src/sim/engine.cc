#include "sim/engine.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/rng.h"
#include "base/units.h"

namespace headroom::sim {
namespace {

using control::Action;
using control::JobState;
using control::JobView;
using control::UnitState;
using control::UnitView;
using model::EventKind;
using model::EventSpec;
using model::JobSpec;
using model::NodeKind;
using model::WorkloadKind;

constexpr double kEpsW = 1e-3;  // powers below a milliwatt are zero
constexpr Duration kRampWindow = std::chrono::seconds(1);

enum class Ev : std::uint8_t {
  kJobArrival,
  kJobPhaseEnd,  // end of kStarting or kSaving
  kJobFinish,
  kJobFailure,
  kCapApply,
  kUnitReady,
  kUnitStep,
  kUnitRepaired,
  kExternalStart,
  kExternalEnd,
  kGridReconnect,
  kBatteryLimit,
  kBreakerTrip,
  kShortfallTrip,
  kReclose,
  kTick,
  kWake,
  kBrakeApply,
};

struct QueuedEvent {
  Time t;
  std::uint64_t seq;
  Ev type;
  int site;
  int a;  // job, unit, node, external event index
  std::uint64_t gen;
  double value;
  bool operator>(const QueuedEvent& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

// Tracks the largest change of a piecewise-constant signal over any window of kRampWindow.
class RampTracker {
 public:
  void Update(Time t, double v) {
    if (!history_.empty() && std::fabs(history_.back().second - v) < kEpsW) return;
    while (history_.size() > 1 && history_[1].first <= t - kRampWindow) history_.pop_front();
    if (!history_.empty()) {
      // Values seen within the window ending at t (the first entry held at t - window).
      for (const auto& [ht, hv] : history_) {
        max_ = std::max(max_, std::fabs(v - hv) / ToSeconds(kRampWindow));
      }
    }
    history_.emplace_back(t, v);
  }
  double max() const { return max_; }

 private:
  std::deque<std::pair<Time, double>> history_;
  double max_ = 0;
};

// Compliance with a ramp-rate limit: the largest swing (max - min) of a piecewise-constant signal
// within any window of `window`, and the episodes in which it exceeded the limit. Sliding
// maximum and minimum over monotonic deques: O(1) amortized per change. A value counts once it
// has held for some time: several changes at one instant (an event, then the controller's
// answer) count as their last.
class RampWindow {
 public:
  void Configure(Duration window, double limit_w) {
    window_ = window;
    limit_w_ = limit_w;
  }
  // Forget the history: changes across a reset are not measured.
  void Reset() {
    max_.clear();
    min_.clear();
    pending_ = false;
    over_ = false;
  }
  // Starts the history at `v`, held from `t` (the import at reconnection).
  void Baseline(Time t, double v) {
    Reset();
    Commit(t, v);
  }
  // Changes before `until` are exempt (a change the grid operator asked for).
  void ExemptUntil(Time until) { exempt_until_ = std::max(exempt_until_, until); }
  // The signal is `v` from `t` on. Returns the swing when the change before it starts an episode
  // above the limit (that change's time in *at), else a negative value.
  double Update(Time t, double v, Time* at) {
    if (t < exempt_until_) Reset();
    if (pending_ && t == pending_t_) {
      pending_v_ = v;
      return -1;
    }
    const double swing = pending_ ? Commit(pending_t_, pending_v_) : -1;
    *at = pending_t_;
    pending_ = true;
    pending_t_ = t;
    pending_v_ = v;
    return swing;
  }
  // Counts the value still pending (call once, at the end of the run).
  double Finish() {
    const double swing = pending_ ? Commit(pending_t_, pending_v_) : -1;
    pending_ = false;
    return swing;
  }
  double worst_w() const { return worst_w_; }
  int violations() const { return violations_; }
  double limit_w() const { return limit_w_; }
  Duration window() const { return window_; }

 private:
  struct Entry {
    double v;
    Time end;  // when the value stopped holding (kTimeNever: still holds)
  };
  double Commit(Time t, double v) {
    if (!max_.empty() && max_.back().end == kTimeNever && std::fabs(max_.back().v - v) < kEpsW &&
        std::fabs(min_.back().v - v) < kEpsW) {
      return -1;
    }
    if (!max_.empty()) max_.back().end = t;
    if (!min_.empty()) min_.back().end = t;
    while (!max_.empty() && max_.front().end <= t - window_) max_.pop_front();
    while (!min_.empty() && min_.front().end <= t - window_) min_.pop_front();
    while (!max_.empty() && max_.back().v <= v) max_.pop_back();
    while (!min_.empty() && min_.back().v >= v) min_.pop_back();
    max_.push_back({v, kTimeNever});
    min_.push_back({v, kTimeNever});
    const double swing = max_.front().v - min_.front().v;
    worst_w_ = std::max(worst_w_, swing);
    const bool over = limit_w_ > 0 && swing > limit_w_ * (1 + 1e-9) + 1.0;
    const bool starts = over && !over_;
    violations_ += starts;
    over_ = over;
    return starts ? swing : -1;
  }

  Duration window_ = std::chrono::minutes(1);
  double limit_w_ = 0;
  Time exempt_until_ = kTimeZero;
  std::deque<Entry> max_, min_;
  bool pending_ = false;
  Time pending_t_ = kTimeZero;
  double pending_v_ = 0;
  double worst_w_ = 0;
  int violations_ = 0;
  bool over_ = false;
};

// How long after a request of the grid operator (demand response, a frequency excursion) the
// import may change without counting against the ramp limit.
constexpr Duration kRampExemptAfterRequest = std::chrono::seconds(5);

struct UnitRt {
  const model::TurbineUnit* spec = nullptr;
  int plant = 0;
  int unit = 0;
  UnitState state = UnitState::kOff;
  double available_w = 0;
  double target_w = 0;
  double output_w = 0;
  Time ready_at = kTimeZero;
  std::uint64_t gen = 0;  // invalidates pending ready/step events
  bool step_pending = false;
};

struct NodeRt {
  double demand_w = 0;    // racks: what the rack would draw if energized
  bool tripped = false;   // this node's own breaker is open
  bool energized = true;  // no open breaker on the path to the root
  bool dirty = false;
  bool overloaded = false;
  Time overload_since = kTimeZero;
  Time trip_at = kTimeNever;
  std::uint64_t gen = 0;
  int free_gpus = 0;
  double ride_through_s = 0;  // racks: shelf storage / TDP draw
  double lost_w = 0;          // facility load cut off when this node opened
};

struct JobRt {
  const JobSpec* spec = nullptr;
  const model::GpuModel* gpu = nullptr;
  int id = 0;
  int site = -1;
  int view = -1;                               // index into SiteRt::views
  std::vector<std::pair<int, int>> placement;  // (rack node, gpus)
  JobState state = JobState::kQueued;
  double cap_w = 0;
  double pending_cap_w = 0;
  std::uint64_t cap_seq = 0;
  double per_gpu_w = 0;  // current draw per GPU
  double speed = 0;
  double demand = 0;  // inference
  // Progress in GPU-seconds at full speed, piecewise linear.
  double progress = 0;
  double rate = 0;  // GPU-s per s
  Time seg_start = kTimeZero;
  double ckpt_progress = 0;
  Time ckpt_time = kTimeZero;
  Time run_origin = kTimeZero;  // checkpoints fall at run_origin + k * interval
  std::uint64_t gen = 0;        // invalidates finish and failure events
  std::uint64_t phase_gen = 0;  // invalidates phase-end events (state changes only)
  double failure_budget = 0;    // remaining Exp(1) budget of the failure process
  Time first_start = kTimeNever;
  Rng rng{0};
  bool inference_miss = false;
  bool braked = false;
  std::uint64_t brake_seq = 0;
  bool paused_by_control = false;
  double full_w = 0;  // per-GPU draw with no cap, as last refreshed (running jobs)
};

struct SiteRt {
  const model::Site* spec = nullptr;
  std::unique_ptr<control::SiteController> controller;
  // Grid.
  int outages = 0;
  Time disconnected_until = kTimeZero;
  bool grid_connected = true;
  std::vector<std::pair<int, double>> import_limits;  // active DR windows: (event index, W)
  double frequency_hz = 60;
  int frequency_events = 0;
  // Battery.
  double stored_j = 0;
  double charge_request_w = 0;
  std::uint64_t battery_gen = 0;
  Time battery_limit_at = kTimeNever;  // the pending bound event, if any
  // Sources and load after the last balance.
  double grid_w = 0, turbine_w = 0, battery_w = 0, solar_w = 0, baseload_w = 0, diesel_w = 0;
  double curtailed_w = 0, shortfall_w = 0, facility_w = 0, it_w = 0, pue = 1;
  double ambient_c = 20, heat_offset_c = 0, price = 0, carbon = 0;
  double lost_load_w = 0;  // facility load of tripped subtrees, at the time they tripped
  double discharge_request_w = 0;
  double import_ceiling_w = control::kNoCeiling;  // W, may be negative (export)
  double import_floor_w = control::kNoFloor;
  double reserve_short_w = 0;  // as the controller last reported it
  // Demand response.
  std::vector<std::pair<int, double>> dr_limits;  // open windows: (event index, W)
  Time dr_since = kTimeZero;
  bool dr_reached = false;
  // Running jobs: GPUs and their uncapped per-GPU draw, summed (for the deficit KPI).
  double running_gpus = 0;
  double running_full_w = 0;
  double host_w = 0;  // host power per GPU of the site's first GPU model
  double cap_withheld_w = 0;
  std::uint64_t shortfall_gen = 0;
  bool shortfall_pending = false;
  // Inference bookkeeping, GPU-s per s.
  double inference_served_rate = 0;
  double inference_demand_rate = 0;
  int inference_missing = 0;
  // Structure.
  std::vector<UnitRt> units;
  std::vector<NodeRt> nodes;
  std::vector<double> node_load_w;  // actual IT load through each node (0 when de-energized)
  std::vector<int> racks;           // rack node indices in file order
  std::vector<std::vector<int>> subtree_racks;
  std::vector<int> feeds_shed_order;
  std::vector<int> tents;
  double min_ride_through_s = 0;
  std::vector<int> dirty_nodes;
  // Controller hosting.
  std::vector<JobView> views;
  std::vector<int> view_job;        // view index -> job id
  std::vector<int> inference_jobs;  // ids of inference services placed here
  int free_gpus = 0;                // over all energized and de-energized racks
  control::SiteTelemetry telemetry;
  control::Decision decision;
  Time next_wake = kTimeNever;
  std::uint64_t wake_gen = 0;
  bool notify = false;
  bool touched = false;
  // Integration.
  Time last = kTimeZero;
  SiteResult result;
  RampTracker grid_ramp, turbine_ramp;
  RampWindow grid_window;
  std::vector<double> slowdowns;
  double completion_s = 0;
};

class Engine {
 public:
  Engine(const model::Fleet& fleet, const control::Strategy& strategy, const Options& options)
      : fleet_(fleet), strategy_(strategy), options_(options), rng_(options.seed) {}

  Result Run();

 private:
  // Setup.
  void BuildSite(int s);
  void InitialDispatch(int s);
  // Event loop.
  void Push(Time t, Ev type, int site, int a, std::uint64_t gen = 0, double value = 0) {
    queue_.push({t, seq_++, type, site, a, gen, value});
  }
  void Handle(const QueuedEvent& e);
  void Integrate(int s, Time t);
  void Settle(int s);
  void Balance(SiteRt& site);
  void CheckBreakers(int s);
  void CallController(int s);
  void Apply(int s, const Action& a);
  void Log(int s, std::string kind, std::string subject, double value, std::string detail = "") {
    if (!options_.record_events) return;
    event_log_.Record(now_, s, std::move(kind), std::move(subject), value, std::move(detail));
  }
  // Site state.
  void UpdateGrid(int s, const std::string& why);
  void UpdateAmbient(int s);
  double SupplyCapacity(const SiteRt& site) const;
  void ScheduleTick(int s);
  // Tree.
  void AddRackDemand(SiteRt& site, int rack, double delta_w);
  // Opens `node`: its jobs crash. A fault (an equipment failure) re-closes after `repair`, and
  // its crashes count as failures, not as power crashes.
  void Trip(int s, int node, const std::string& kind, const std::string& why, bool fault = false,
            Duration repair = Duration{0});
  void Reclose(int s, int node);
  void RecomputeLoads(SiteRt& site);
  // Jobs.
  void TryPlaceQueued();
  bool Place(JobRt& job, int s);
  void SetJobState(JobRt& job, JobState state);
  void Refresh(JobRt& job);  // recompute power, speed, rate after a cap/state/demand change
  void CloseSegment(JobRt& job);
  enum class CrashCause { kPower, kFailure, kFault };
  void Crash(JobRt& job, CrashCause cause, const std::string& why);
  void ScheduleJobEvents(JobRt& job);
  double InferenceDemand(const JobRt& job, int s) const;
  JobView& View(JobRt& job) {
    return sites_[static_cast<size_t>(job.site)].views[static_cast<size_t>(job.view)];
  }

  const model::Fleet& fleet_;
  const control::Strategy& strategy_;
  const Options& options_;
  Rng rng_;
  Result result_;
  EventLog event_log_{options_.events};
  std::priority_queue<QueuedEvent, std::vector<QueuedEvent>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  Time now_ = kTimeZero;
  Time horizon_ = kTimeZero;
  std::vector<SiteRt> sites_;
  std::vector<JobRt> jobs_;
  std::vector<int> queued_;  // job ids waiting for GPUs, kept sorted by (priority, arrival, id)
};

// ------------------------------------------------------------------------------------------------
// Setup

void Engine::BuildSite(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const model::Site& spec = fleet_.sites[static_cast<size_t>(s)];
  site.spec = &spec;
  site.controller = strategy_.make(fleet_, s);
  site.result.name = spec.name;
  site.grid_connected = spec.grid.present;
  site.frequency_hz = spec.grid.nominal_hz;
  site.grid_window.Configure(spec.grid.ramp_window,
                             spec.grid.max_ramp_w_per_s * ToSeconds(spec.grid.ramp_window));
  if (spec.battery) {
    site.stored_j = spec.battery->energy_j * spec.battery->soc_initial;
    site.result.battery_stored_start_j = site.stored_j;
    site.result.battery_min_stored_j = site.stored_j;
  }
  for (size_t p = 0; p < spec.plants.size(); ++p) {
    for (size_t u = 0; u < spec.plants[p].units.size(); ++u) {
      UnitRt unit;
      unit.spec = &spec.plants[p].units[u];
      unit.plant = static_cast<int>(p);
      unit.unit = static_cast<int>(u);
      site.units.push_back(unit);
    }
  }
  const size_t n = spec.tree.size();
  site.nodes.resize(n);
  site.node_load_w.assign(n, 0.0);
  site.subtree_racks.resize(n);
  site.min_ride_through_s = 1e30;
  for (size_t i = 0; i < n; ++i) {
    const model::TreeNode& node = spec.tree[i];
    if (node.kind == NodeKind::kTent) site.tents.push_back(static_cast<int>(i));
    if (node.gpus <= 0) continue;
    site.racks.push_back(static_cast<int>(i));
    NodeRt& rt = site.nodes[i];
    rt.free_gpus = node.gpus;
    site.free_gpus += node.gpus;
    const model::GpuModel& gpu = fleet_.gpus[static_cast<size_t>(node.gpu_model)];
    rt.ride_through_s = node.ride_through_j_per_gpu / gpu.tdp_w;
    if (site.host_w == 0) site.host_w = gpu.host_w;
    site.min_ride_through_s = std::min(site.min_ride_through_s, rt.ride_through_s);
    for (int a = static_cast<int>(i); a >= 0; a = spec.tree[static_cast<size_t>(a)].parent) {
      site.subtree_racks[static_cast<size_t>(a)].push_back(static_cast<int>(i));
    }
    AddRackDemand(site, static_cast<int>(i), node.gpus * (gpu.idle_w + gpu.host_w));
  }
  if (site.racks.empty()) site.min_ride_through_s = 0;
  if (!spec.shed_order.empty()) {
    site.feeds_shed_order = spec.shed_order;
  } else {
    for (size_t i = n; i-- > 0;) {
      if (spec.tree[i].kind == NodeKind::kFeed)
        site.feeds_shed_order.push_back(static_cast<int>(i));
    }
    if (site.feeds_shed_order.empty()) site.feeds_shed_order.push_back(0);
  }
  site.telemetry.site = s;
  site.telemetry.spec = &spec;
  site.telemetry.fleet = &fleet_;
  site.telemetry.jobs = &site.views;
  site.telemetry.node_load_w = &site.node_load_w;
  site.result.series.assign(
      static_cast<size_t>((horizon_.time_since_epoch() + options_.resolution - Duration{1}) /
                          options_.resolution),
      {});
  UpdateAmbient(s);
}

void Engine::InitialDispatch(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const model::Site& spec = *site.spec;
  Balance(site);  // with no turbines, to learn the load
  const double grid = site.grid_connected ? spec.grid.import_limit_w : 0.0;
  const double residual =
      std::max(0.0, site.facility_w - site.solar_w - site.baseload_w - grid) * 1.05;
  double covered = 0;
  for (size_t p = 0; p < spec.plants.size(); ++p) {
    int online_left = spec.plants[p].online_at_start;
    for (UnitRt& u : site.units) {
      if (u.plant != static_cast<int>(p)) continue;
      const bool want = online_left >= 0 ? online_left > 0 : covered < residual;
      if (!want) continue;
      if (online_left > 0) --online_left;
      u.state = UnitState::kOnline;
      covered += u.spec->rating_w;
    }
  }
  double online = 0;
  for (const UnitRt& u : site.units) {
    if (u.state == UnitState::kOnline) online += u.spec->rating_w;
  }
  for (UnitRt& u : site.units) {
    if (u.state != UnitState::kOnline) continue;
    const double share = online > 0 ? std::min(1.0, residual / online) : 0.0;
    u.target_w = u.available_w = std::max(u.spec->min_load_w, share * u.spec->rating_w);
    Log(s, "unit_online_at_start",
        absl::StrCat(spec.plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name),
        u.available_w / 1e6, "MW");
  }
}

// ------------------------------------------------------------------------------------------------
// Tree

void Engine::AddRackDemand(SiteRt& site, int rack, double delta_w) {
  NodeRt& r = site.nodes[static_cast<size_t>(rack)];
  r.demand_w += delta_w;
  if (!r.energized) return;
  for (int a = rack; a >= 0; a = site.spec->tree[static_cast<size_t>(a)].parent) {
    NodeRt& node = site.nodes[static_cast<size_t>(a)];
    site.node_load_w[static_cast<size_t>(a)] += delta_w;
    if (!node.dirty) {
      node.dirty = true;
      site.dirty_nodes.push_back(a);
    }
  }
}

void Engine::RecomputeLoads(SiteRt& site) {
  const auto& tree = site.spec->tree;
  for (size_t i = 0; i < tree.size(); ++i) {
    NodeRt& node = site.nodes[i];
    const int parent = tree[i].parent;
    node.energized =
        !node.tripped && (parent < 0 || site.nodes[static_cast<size_t>(parent)].energized);
    site.node_load_w[i] = 0;
    if (!node.dirty) {
      node.dirty = true;
      site.dirty_nodes.push_back(static_cast<int>(i));
    }
  }
  for (int rack : site.racks) {
    const NodeRt& r = site.nodes[static_cast<size_t>(rack)];
    if (!r.energized) continue;
    for (int a = rack; a >= 0; a = tree[static_cast<size_t>(a)].parent) {
      site.node_load_w[static_cast<size_t>(a)] += r.demand_w;
    }
  }
}

void Engine::Trip(int s, int node_index, const std::string& kind, const std::string& why,
                  bool fault, Duration repair) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  NodeRt& node = site.nodes[static_cast<size_t>(node_index)];
  if (node.tripped) return;
  const model::TreeNode& spec = site.spec->tree[static_cast<size_t>(node_index)];
  Log(s, kind, spec.name, site.node_load_w[static_cast<size_t>(node_index)] / 1e6, why);
  if (fault) {
    ++site.result.fault_trips;
  } else if (kind == "breaker_trip") {
    ++site.result.breaker_trips;
  } else {
    ++site.result.shed_trips;
  }
  node.lost_w = site.node_load_w[static_cast<size_t>(node_index)] * site.pue;
  site.lost_load_w += node.lost_w;
  node.tripped = true;
  node.overloaded = false;
  ++node.gen;
  RecomputeLoads(site);
  // Every job with GPUs on a de-energized rack crashes.
  for (JobRt& job : jobs_) {
    if (job.site != s || job.placement.empty()) continue;
    if (job.state == JobState::kDone || job.state == JobState::kQueued) continue;
    bool hit = false;
    for (const auto& [rack, n] : job.placement) {
      if (!site.nodes[static_cast<size_t>(rack)].energized) hit = true;
    }
    if (hit && job.state != JobState::kDown) {
      Crash(job, fault ? CrashCause::kFault : CrashCause::kPower,
            absl::StrCat(kind, " ", spec.name));
    }
  }
  Push(now_ + (fault ? repair : site.spec->reclose_delay), Ev::kReclose, s, node_index);
  site.notify = true;
}

void Engine::Reclose(int s, int node_index) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  NodeRt& node = site.nodes[static_cast<size_t>(node_index)];
  if (!node.tripped) return;
  // Close only if the supply can carry the subtree at idle on top of today's load.
  double idle_w = 0;
  for (int rack : site.subtree_racks[static_cast<size_t>(node_index)]) {
    idle_w += site.nodes[static_cast<size_t>(rack)].demand_w;
  }
  if (site.facility_w + idle_w * site.pue > SupplyCapacity(site) + kEpsW) {
    Log(s, "reclose_deferred", site.spec->tree[static_cast<size_t>(node_index)].name, idle_w / 1e6,
        "not enough supply to re-energize");
    Push(now_ + site.spec->reclose_delay, Ev::kReclose, s, node_index);
    return;
  }
  node.tripped = false;
  site.lost_load_w = std::max(0.0, site.lost_load_w - node.lost_w);
  node.lost_w = 0;
  RecomputeLoads(site);
  Log(s, "reclose", site.spec->tree[static_cast<size_t>(node_index)].name, idle_w / 1e6);
  for (JobRt& job : jobs_) {
    if (job.site != s || job.state != JobState::kDown) continue;
    bool all = true;
    for (const auto& [rack, n] : job.placement) {
      all = all && site.nodes[static_cast<size_t>(rack)].energized;
    }
    if (all) SetJobState(job, JobState::kStarting);
  }
  site.notify = true;
}

void Engine::CheckBreakers(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const model::Site& spec = *site.spec;
  const double derate = spec.cooling.TentDerateAt(site.ambient_c);
  for (int i : site.dirty_nodes) {
    NodeRt& node = site.nodes[static_cast<size_t>(i)];
    node.dirty = false;
    if (node.tripped || !node.energized) continue;
    const model::TreeNode& t = spec.tree[static_cast<size_t>(i)];
    if (t.rating_w <= 0) continue;  // no breaker (the site root)
    const auto& curve = t.breaker.empty() ? spec.default_breaker : t.breaker;
    const double load = site.node_load_w[static_cast<size_t>(i)];
    Duration hold = Duration::max();
    for (const model::BreakerStep& step : curve) {
      if (load > step.above_fraction * t.rating_w + kEpsW) hold = std::min(hold, step.hold);
    }
    // A tent above its heat-derated cooling capacity overheats: a thermal limit, which trips the
    // tent after the curve's longest hold rather than in milliseconds.
    if (t.kind == NodeKind::kTent && derate < 1.0 && load > t.rating_w * derate + kEpsW &&
        !curve.empty()) {
      hold = std::min(hold, curve.front().hold);
    }
    if (hold == Duration::max()) {
      if (node.overloaded) {
        node.overloaded = false;
        ++node.gen;
        site.result.longest_overload_s =
            std::max(site.result.longest_overload_s, ToSeconds(now_ - node.overload_since));
      }
      continue;
    }
    if (!node.overloaded) {
      node.overloaded = true;
      node.overload_since = now_;
      node.trip_at = kTimeNever;
    }
    const Time trip_at = std::max(now_, node.overload_since + hold);
    if (trip_at != node.trip_at) {
      node.trip_at = trip_at;
      ++node.gen;
      Push(trip_at, Ev::kBreakerTrip, s, i, node.gen);
    }
  }
  site.dirty_nodes.clear();
}

// ------------------------------------------------------------------------------------------------
// Power balance

double Engine::SupplyCapacity(const SiteRt& site) const {
  if (strategy_.unlimited_diesel) return 1e30;
  double cap = site.solar_w + site.baseload_w;
  if (site.grid_connected) cap += site.spec->grid.import_limit_w;
  for (const auto& [ev, w] : site.import_limits) {
    cap = std::min(cap, site.solar_w + site.baseload_w + (site.grid_connected ? w : 0.0));
  }
  for (const UnitRt& u : site.units) {
    if (u.state == UnitState::kOnline) cap += u.available_w;
  }
  if (site.spec->battery &&
      site.stored_j > site.spec->battery->soc_min * site.spec->battery->energy_j + 1) {
    cap += site.spec->battery->power_w;
  }
  return cap;
}

void Engine::Balance(SiteRt& site) {
  const model::Site& spec = *site.spec;
  site.it_w = site.node_load_w.empty() ? 0.0 : site.node_load_w[0];
  site.facility_w = site.it_w * site.pue;
  double import_cap = 0, export_cap = 0;
  if (site.grid_connected) {
    import_cap = spec.grid.import_limit_w;
    for (const auto& [ev, w] : site.import_limits) import_cap = std::min(import_cap, w);
    export_cap = spec.grid.export_limit_w;
  }
  double turbine_avail = 0, turbine_min = 0;
  for (const UnitRt& u : site.units) {
    if (u.state != UnitState::kOnline) continue;
    turbine_avail += u.available_w;
    turbine_min += std::min(u.available_w, u.spec->min_load_w);
  }
  double battery_out = 0, battery_in = 0, battery_room_in = 0;
  if (spec.battery) {
    const model::Battery& b = *spec.battery;
    const double eps_j = b.power_w * 1e-6;
    if (site.stored_j > b.soc_min * b.energy_j + eps_j) battery_out = b.power_w;
    if (site.stored_j < b.soc_max * b.energy_j - eps_j) battery_room_in = b.power_w;
  }
  const double charge_req = std::min(site.charge_request_w, battery_room_in);
  double need = site.facility_w - site.solar_w - site.baseload_w - turbine_avail;
  double grid = 0, turbine = turbine_avail, curtailed = 0, diesel = 0, shortfall = 0, discharge = 0;
  if (need >= 0) {
    // A dispatched discharge (bridging, demand response) goes first; the grid is the slack.
    double dispatched = site.discharge_request_w;
    dispatched = std::max(dispatched, need - site.import_ceiling_w);
    // A negative ceiling asks the battery to hold an export (within the export limit).
    discharge = std::min(
        {dispatched, battery_out, need + std::clamp(-site.import_ceiling_w, 0.0, export_cap)});
    need -= discharge;
    battery_out -= discharge;
    grid = std::min(need, import_cap);
    need -= grid;
    if (need <= kEpsW) {
      need = 0;
      if (discharge <= 0) {
        battery_in = std::min(charge_req, import_cap - grid);
        // An import floor: the battery charges to keep the import up (ramp smoothing).
        battery_in = std::max(battery_in, std::min(site.import_floor_w - grid, import_cap - grid));
        battery_in = std::clamp(battery_in, 0.0, battery_room_in);
        grid += battery_in;
      }
    } else {
      const double more = std::min(need, battery_out);
      discharge += more;
      need -= more;
      if (need > kEpsW && strategy_.unlimited_diesel) {
        diesel = need;
        need = 0;
      }
      shortfall = need > kEpsW ? need : 0.0;
    }
  } else {
    double surplus = -need;
    battery_in = std::min(charge_req, surplus);
    surplus -= battery_in;
    const double exported = std::min(surplus, export_cap);
    grid = -exported;
    surplus -= exported;
    const double backoff = std::min(surplus, turbine_avail - turbine_min);
    turbine -= backoff;
    surplus -= backoff;
    curtailed = surplus;
    if (site.grid_connected) {
      double want = charge_req - battery_in;
      want = std::max(want, site.import_floor_w - grid);
      const double more = std::clamp(
          std::min({want, import_cap - std::max(0.0, grid), battery_room_in - battery_in}), 0.0,
          1e30);
      battery_in += more;
      grid += more;
    }
    // A ceiling under the export (ramp smoothing while exporting): the battery adds to it.
    if (battery_in <= 0 && grid > site.import_ceiling_w) {
      const double more =
          std::max(0.0, std::min({battery_out, grid - site.import_ceiling_w, export_cap + grid}));
      discharge += more;
      grid -= more;
    }
  }
  // Share the turbine output over online units in proportion to what they can give above minimum.
  const double flex = turbine_avail - turbine_min;
  const double f = flex > 0 ? (turbine - turbine_min) / flex : 0.0;
  for (UnitRt& u : site.units) {
    if (u.state != UnitState::kOnline) {
      u.output_w = 0;
      continue;
    }
    const double lo = std::min(u.available_w, u.spec->min_load_w);
    u.output_w = lo + (u.available_w - lo) * f;
  }
  site.grid_w = grid;
  site.turbine_w = turbine;
  site.battery_w = discharge - battery_in;
  site.curtailed_w = curtailed;
  site.diesel_w = diesel;
  site.shortfall_w = shortfall;
}

void Engine::Settle(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  Balance(site);
  CheckBreakers(s);
  site.grid_ramp.Update(now_, site.grid_w);
  site.turbine_ramp.Update(now_, site.turbine_w);
  if (site.grid_connected) {
    Time at = now_;
    const double swing = site.grid_window.Update(now_, site.grid_w, &at);
    if (swing >= 0) {
      Log(s, "grid_ramp_exceeded", site.spec->name, swing / 1e6,
          absl::StrFormat(
              "MW of import change within %s, up to the change at t = %.3f s; the limit is %.1f MW",
              FormatDuration(site.grid_window.window()), ToSeconds(at.time_since_epoch()),
              site.grid_window.limit_w() / 1e6));
    }
  }
  // Demand-response compliance.
  if (!site.dr_limits.empty()) {
    double limit = site.dr_limits.front().second;
    for (const auto& [ev, w] : site.dr_limits) limit = std::min(limit, w);
    const bool under = site.grid_w <= limit * 1.001 + 1.0;
    if (!site.dr_reached && under) {
      site.dr_reached = true;
      site.result.dr_worst_response_s =
          std::max(site.result.dr_worst_response_s, ToSeconds(now_ - site.dr_since));
      Log(s, "dr_reached", site.spec->name, ToSeconds(now_ - site.dr_since), "s after the request");
    } else if (site.dr_reached && !under) {
      ++site.result.dr_breaches;
      site.dr_reached = false;
      site.dr_since = now_;
    }
  }
  // Battery reaches a bound: re-balance then.
  if (site.spec->battery) {
    const model::Battery& b = *site.spec->battery;
    const double eta = std::sqrt(b.round_trip_efficiency);
    double seconds = -1;
    if (site.battery_w > kEpsW) {
      seconds = (site.stored_j - b.soc_min * b.energy_j) / (site.battery_w / eta);
    } else if (site.battery_w < -kEpsW) {
      seconds = (b.soc_max * b.energy_j - site.stored_j) / (-site.battery_w * eta);
    }
    if (seconds >= 0 && seconds < ToSeconds(horizon_ - now_)) {
      // Floor to the nanosecond so the bound is never overshot; the re-balance then sees the
      // battery within a microsecond of its bound and stops it.
      // A pending event no later than this one stays: when it comes early it finds the battery
      // short of its bound and schedules again (fewer events while the battery smooths).
      const Time at =
          std::max(now_ + Duration{static_cast<std::int64_t>(std::floor(seconds * 1e9))},
                   now_ + Duration{1});
      if (site.battery_limit_at > at || site.battery_limit_at < now_) {
        ++site.battery_gen;
        site.battery_limit_at = at;
        Push(at, Ev::kBatteryLimit, s, 0, site.battery_gen);
      }
    }
  }
  // A shortfall the sources cannot meet is carried by rack ride-through, then shed.
  if (site.shortfall_w > 0 && !site.shortfall_pending) {
    site.shortfall_pending = true;
    ++site.shortfall_gen;
    Log(s, "supply_shortfall", site.spec->name, site.shortfall_w / 1e6,
        "MW short; under-frequency relays open feeds if it lasts");
    Push(now_ + site.spec->ufls_delay + FromSeconds(site.min_ride_through_s), Ev::kShortfallTrip, s,
         0, site.shortfall_gen);
    site.notify = true;
  } else if (site.shortfall_w <= 0 && site.shortfall_pending) {
    site.shortfall_pending = false;
    ++site.shortfall_gen;
  }
}

void Engine::Integrate(int s, Time t) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  if (t <= site.last) return;
  const double dt = ToSeconds(t - site.last);
  SiteResult& r = site.result;
  EnergyBySource& e = r.energy;
  if (site.grid_w >= 0) {
    e.grid_import_j += site.grid_w * dt;
  } else {
    e.grid_export_j += -site.grid_w * dt;
  }
  r.grid_cost_usd += site.grid_w * dt * site.price;
  r.co2_kg += std::max(0.0, site.grid_w) * dt * site.carbon;
  e.turbine_j += site.turbine_w * dt;
  if (site.reserve_short_w > 0) r.reserve_short_s += dt;
  for (const UnitRt& u : site.units) {
    if (u.output_w <= 0) continue;
    const double fuel = u.output_w * dt * u.spec->heat_rate;
    r.fuel_j += fuel;
    r.fuel_cost_usd += fuel * u.spec->fuel_price_usd_per_j;
    r.co2_kg += u.output_w * dt * u.spec->co2_kg_per_j;
  }
  if (site.diesel_w > 0) {
    const double fuel = site.diesel_w * dt * fleet_.diesel.heat_rate;
    e.diesel_j += site.diesel_w * dt;
    r.fuel_j += fuel;
    r.fuel_cost_usd += fuel * fleet_.diesel.fuel_price_usd_per_j;
    r.co2_kg += site.diesel_w * dt * fleet_.diesel.co2_kg_per_j;
  }
  e.solar_j += site.solar_w * dt;
  e.baseload_j += site.baseload_w * dt;
  const double soc_before = site.stored_j;
  if (site.spec->battery) {
    const double eta = std::sqrt(site.spec->battery->round_trip_efficiency);
    if (site.battery_w > 0) {
      e.battery_discharge_j += site.battery_w * dt;
      site.stored_j -= site.battery_w / eta * dt;
      r.battery_loss_j += site.battery_w * (1 / eta - 1) * dt;
    } else if (site.battery_w < 0) {
      e.battery_charge_j += -site.battery_w * dt;
      site.stored_j += -site.battery_w * eta * dt;
      r.battery_loss_j += -site.battery_w * (1 - eta) * dt;
    }
    r.battery_min_stored_j = std::min(r.battery_min_stored_j, site.stored_j);
  }
  r.curtailed_j += site.curtailed_w * dt;
  r.facility_served_j += (site.facility_w - site.shortfall_w) * dt;
  r.it_j += site.it_w * dt;
  r.unserved_j += (site.shortfall_w + site.lost_load_w) * dt;
  r.inference_demand_gpu_s += site.inference_demand_rate * dt;
  r.inference_slo_miss_s += site.inference_missing * dt;
  if (!site.dr_limits.empty()) {
    double limit = site.dr_limits.front().second;
    for (const auto& [ev, w] : site.dr_limits) limit = std::min(limit, w);
    r.dr_excess_j += std::max(0.0, site.grid_w - limit) * dt;
  }
  if (site.running_gpus > 0) {
    const double demand = (site.it_w + site.cap_withheld_w) * site.pue;
    double supply = site.solar_w + site.baseload_w;
    if (site.grid_connected) {
      double limit = site.spec->grid.import_limit_w;
      for (const auto& [ev, w] : site.import_limits) limit = std::min(limit, w);
      supply += limit;
    }
    for (const UnitRt& u : site.units) {
      if (u.state == UnitState::kOnline) supply += u.spec->rating_w;
    }
    if (site.spec->battery &&
        site.stored_j > site.spec->battery->soc_min * site.spec->battery->energy_j + 1) {
      supply += site.spec->battery->power_w;
    }
    if (strategy_.unlimited_diesel) supply = demand;
    if (demand > supply) {
      const double per_gpu = (site.running_full_w / site.running_gpus + site.host_w) * site.pue;
      r.supply_deficit_gpu_s += (demand - supply) / per_gpu * dt;
    }
  }
  // Time series: split [last, t) at bucket boundaries.
  const double cap_e = site.spec->battery ? site.spec->battery->energy_j : 0.0;
  Time a = site.last;
  while (a < t) {
    const auto bucket = static_cast<size_t>(a.time_since_epoch() / options_.resolution);
    if (bucket >= r.series.size()) break;
    const Time bucket_end = Time{options_.resolution * static_cast<std::int64_t>(bucket + 1)};
    const Time b = std::min(t, bucket_end);
    const double w = ToSeconds(b - a) / ToSeconds(options_.resolution) / 1e6;  // → MW average
    auto& row = r.series[bucket];
    row[kSeriesGrid] += site.grid_w * w;
    row[kSeriesTurbine] += site.turbine_w * w;
    row[kSeriesBattery] += site.battery_w * w;
    row[kSeriesSolar] += site.solar_w * w;
    row[kSeriesBaseload] += site.baseload_w * w;
    row[kSeriesDiesel] += site.diesel_w * w;
    row[kSeriesCurtailed] += site.curtailed_w * w;
    row[kSeriesLoad] += (site.facility_w - site.shortfall_w) * w;
    row[kSeriesIt] += site.it_w * w;
    row[kSeriesCapWithheld] += site.cap_withheld_w * w;
    row[kSeriesUnserved] += (site.shortfall_w + site.lost_load_w) * w;
    if (cap_e > 0) {
      // State of charge is linear in time: its mean over [a, b) is the midpoint value.
      const double fa = ToSeconds(a - site.last) / dt, fb = ToSeconds(b - site.last) / dt;
      const double mid = soc_before + (site.stored_j - soc_before) * (fa + fb) / 2;
      row[kSeriesSocPercent] += 100.0 * mid / cap_e * w * 1e6;
    }
    double limit = 0;
    if (site.grid_connected) {
      limit = site.spec->grid.import_limit_w;
      for (const auto& [ev, lw] : site.import_limits) limit = std::min(limit, lw);
    }
    row[kSeriesImportLimit] += limit * w;
    a = b;
  }
  site.last = t;
}

// ------------------------------------------------------------------------------------------------
// Site state

void Engine::UpdateGrid(int s, const std::string& why) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const bool was = site.grid_connected;
  site.grid_connected =
      site.spec->grid.present && site.outages == 0 && now_ >= site.disconnected_until;
  if (was != site.grid_connected) {
    Log(s, site.grid_connected ? "grid_connected" : "grid_disconnected", site.spec->name, 0, why);
    site.notify = true;
    // The ramp limit is not measured across a disconnection; the pick-up after reconnection is.
    site.grid_window.Reset();
    if (site.grid_connected) site.grid_window.Baseline(now_, 0.0);
  }
}

void Engine::UpdateAmbient(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const model::Site& spec = *site.spec;
  site.ambient_c = spec.ambient_c.At(now_) + site.heat_offset_c;
  const double pue = spec.cooling.PueAt(site.ambient_c);
  site.pue = pue;
  site.price = spec.grid.price_usd_per_j.At(now_);
  site.carbon = spec.grid.carbon_kg_per_j.At(now_);
  site.baseload_w = spec.baseload_w;
  site.solar_w = 0;
  if (spec.solar.peak_w > 0) {
    const double local_h = std::fmod(ToHours((now_ + spec.utc_offset).time_since_epoch()), 24.0);
    const double h = local_h < 0 ? local_h + 24 : local_h;
    if (h > 6 && h < 18)
      site.solar_w = spec.solar.peak_w * std::sin(3.141592653589793 * (h - 6) / 12);
  }
  for (int t : site.tents) {
    NodeRt& node = site.nodes[static_cast<size_t>(t)];
    if (!node.dirty) {
      node.dirty = true;
      site.dirty_nodes.push_back(t);
    }
  }
}

void Engine::ScheduleTick(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const model::Site& spec = *site.spec;
  // Hourly for solar and inference demand; sooner if a series changes sooner.
  Time next = Time{(now_.time_since_epoch() / std::chrono::hours(1) + 1) * std::chrono::hours(1)};
  next =
      std::min({next, spec.ambient_c.NextChange(now_), spec.grid.price_usd_per_j.NextChange(now_),
                spec.grid.carbon_kg_per_j.NextChange(now_)});
  if (next <= horizon_) Push(next, Ev::kTick, s, 0);
}

// ------------------------------------------------------------------------------------------------
// Jobs

double Engine::InferenceDemand(const JobRt& job, int s) const {
  const model::Site& spec = fleet_.sites[static_cast<size_t>(s)];
  const double local_h = ToHours((now_ + spec.utc_offset).time_since_epoch());
  const double hour = std::floor(local_h);  // demand steps hourly
  const double phase = 2 * 3.141592653589793 * (hour - job.spec->peak_hour) / 24.0;
  return job.spec->demand_trough +
         (job.spec->demand_peak - job.spec->demand_trough) * (0.5 + 0.5 * std::cos(phase));
}

bool Engine::Place(JobRt& job, int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  int want = job.spec->gpus;
  if (site.free_gpus < want) return false;
  const int model_filter = job.spec->gpu_model;
  if (model_filter >= 0) {
    int free_total = 0;
    for (int rack : site.racks) {
      const NodeRt& r = site.nodes[static_cast<size_t>(rack)];
      if (r.energized && site.spec->tree[static_cast<size_t>(rack)].gpu_model == model_filter)
        free_total += r.free_gpus;
    }
    if (free_total < want) return false;
  }
  job.placement.clear();
  for (int rack : site.racks) {
    if (want == 0) break;
    NodeRt& r = site.nodes[static_cast<size_t>(rack)];
    const model::TreeNode& t = site.spec->tree[static_cast<size_t>(rack)];
    if (!r.energized || r.free_gpus == 0 || (model_filter >= 0 && t.gpu_model != model_filter))
      continue;
    if (!job.placement.empty() &&
        t.gpu_model != site.spec->tree[static_cast<size_t>(job.placement[0].first)].gpu_model) {
      continue;
    }
    const int take = std::min(want, r.free_gpus);
    r.free_gpus -= take;
    site.free_gpus -= take;
    want -= take;
    job.placement.emplace_back(rack, take);
  }
  if (want > 0) {  // mixed models: undo
    for (const auto& [rack, n] : job.placement)
      site.nodes[static_cast<size_t>(rack)].free_gpus += n;
    site.free_gpus += job.spec->gpus - want;
    job.placement.clear();
    return false;
  }
  job.gpu = &fleet_.gpus[static_cast<size_t>(
      site.spec->tree[static_cast<size_t>(job.placement[0].first)].gpu_model)];
  job.site = s;
  job.cap_w = job.pending_cap_w = job.gpu->cap_max_w;
  job.per_gpu_w = job.gpu->idle_w;  // the GPUs were idle until now
  job.view = static_cast<int>(site.views.size());
  JobView view;
  view.id = job.id;
  view.spec = job.spec;
  view.gpu = job.gpu;
  site.views.push_back(view);
  site.view_job.push_back(job.id);
  if (job.spec->kind == WorkloadKind::kInference) site.inference_jobs.push_back(job.id);
  ++site.result.jobs_placed;
  site.notify = true;
  return true;
}

void Engine::TryPlaceQueued() {
  std::vector<int> still;
  for (int id : queued_) {
    JobRt& job = jobs_[static_cast<size_t>(id)];
    bool placed = false;
    if (job.spec->site >= 0) {
      Integrate(job.spec->site, now_);
      placed = Place(job, job.spec->site);
    } else {
      // The site with the most free GPUs first.
      std::vector<std::pair<int, int>> order;
      for (size_t s = 0; s < sites_.size(); ++s) {
        order.emplace_back(-sites_[s].free_gpus, static_cast<int>(s));
      }
      std::sort(order.begin(), order.end());
      for (const auto& [neg, s] : order) {
        if (-neg < job.spec->gpus) break;
        Integrate(s, now_);
        if ((placed = Place(job, s))) break;
      }
    }
    if (!placed) {
      still.push_back(id);
      continue;
    }
    Integrate(job.site, now_);
    sites_[static_cast<size_t>(job.site)].touched = true;
    job.first_start = now_;
    SetJobState(job, now_ == kTimeZero ? JobState::kRunning : JobState::kStarting);
  }
  queued_ = std::move(still);
}

void Engine::CloseSegment(JobRt& job) {
  // Advance the checkpoint to the last one that fell in the current running segment.
  if (job.state == JobState::kRunning && job.spec->checkpoint_interval.count() > 0) {
    const Duration interval = job.spec->checkpoint_interval;
    const auto k = (now_ - job.run_origin) / interval;
    const Time last_ckpt = job.run_origin + interval * k;
    if (last_ckpt > job.ckpt_time && last_ckpt >= job.seg_start) {
      job.ckpt_progress = job.progress + job.rate * ToSeconds(last_ckpt - job.seg_start);
      job.ckpt_time = last_ckpt;
    }
  }
  if (job.state == JobState::kRunning && job.spec->kind != WorkloadKind::kInference) {
    job.progress += job.rate * ToSeconds(now_ - job.seg_start);
    if (job.spec->work_gpu_s > 0) job.progress = std::min(job.progress, job.spec->work_gpu_s);
    // Consume the failure budget for the running time.
    job.failure_budget -=
        fleet_.failures.interruptions_per_gpu_s * job.spec->gpus * ToSeconds(now_ - job.seg_start);
  }
  if (job.state == JobState::kRunning && job.spec->kind == WorkloadKind::kInference) {
    const double served =
        std::min(job.demand, job.speed) * job.spec->gpus * ToSeconds(now_ - job.seg_start);
    sites_[static_cast<size_t>(job.site)]
        .result.useful_gpu_s[static_cast<size_t>(job.spec->priority)] += served;
  }
  // What the controller's actions withheld over the segment.
  const double dt = ToSeconds(now_ - job.seg_start);
  if (dt > 0 && job.site >= 0) {
    const JobSpec& spec = *job.spec;
    const double overhead = spec.checkpoint_interval.count() > 0
                                ? std::max(0.0, 1.0 - ToSeconds(spec.checkpoint_save) /
                                                          ToSeconds(spec.checkpoint_interval))
                                : 1.0;
    const bool inference = spec.kind == WorkloadKind::kInference;
    auto& cost = sites_[static_cast<size_t>(job.site)].result.control_cost_gpu_s;
    if (job.state == JobState::kRunning) {
      const double withheld =
          inference ? std::max(0.0, job.demand - std::min(job.demand, job.speed)) * spec.gpus
                    : (1.0 - job.speed) * spec.gpus * overhead;
      if (withheld > 0) cost[job.braked ? kCostBrake : kCostCap] += withheld * dt;
    } else if (job.state == JobState::kPaused && job.paused_by_control) {
      cost[kCostPause] += (inference ? job.demand : overhead) * spec.gpus * dt;
    }
  }
  job.seg_start = now_;
}

void Engine::Refresh(JobRt& job) {
  SiteRt& site = sites_[static_cast<size_t>(job.site)];
  const model::GpuModel& gpu = *job.gpu;
  const JobSpec& spec = *job.spec;
  CloseSegment(job);
  if (View(job).state == JobState::kRunning) {
    site.running_gpus -= spec.gpus;
    site.running_full_w -= job.full_w * spec.gpus;
  }
  // Undo this job's inference contribution, recompute, re-add.
  if (spec.kind == WorkloadKind::kInference && job.state == JobState::kRunning) {
    site.inference_served_rate -= std::min(job.demand, job.speed) * spec.gpus;
  }
  if (spec.kind == WorkloadKind::kInference && job.state != JobState::kDone) {
    site.inference_demand_rate -= job.demand * spec.gpus;
    if (job.inference_miss) --site.inference_missing;
  }
  double full_w = gpu.idle_w;
  double power = gpu.idle_w;
  double speed = 0;
  const double cap = job.braked ? gpu.cap_min_w : job.cap_w;
  switch (job.state) {
    case JobState::kRunning:
      if (spec.kind == WorkloadKind::kInference) job.demand = InferenceDemand(job, job.site);
      full_w = model::RunningPowerW(spec, gpu, gpu.cap_max_w, job.demand);
      power = model::RunningPowerW(spec, gpu, cap, job.demand);
      speed = model::RunningSpeed(spec, gpu, cap);
      break;
    case JobState::kStarting:
    case JobState::kSaving:
      full_w = power = 2 * gpu.idle_w;  // context resident, loading or writing state
      break;
    default:
      break;
  }
  if (spec.kind == WorkloadKind::kInference && job.state != JobState::kDone) {
    if (job.state != JobState::kRunning) job.demand = InferenceDemand(job, job.site);
    site.inference_demand_rate += job.demand * spec.gpus;
    job.inference_miss = job.state != JobState::kRunning || speed < job.demand - 1e-12;
    if (job.inference_miss) ++site.inference_missing;
  }
  if (job.state == JobState::kDone) power = full_w = 0;  // GPUs released (idle counted by rack)
  const double old_withheld = (View(job).full_power_w - View(job).power_w) * spec.gpus;
  const double delta = power - job.per_gpu_w;
  if (job.state != JobState::kDone && std::fabs(delta) > 0) {
    for (const auto& [rack, n] : job.placement) AddRackDemand(site, rack, delta * n);
  }
  if (job.state != JobState::kDone) job.per_gpu_w = power;
  job.speed = speed;
  job.full_w = full_w;
  if (job.state == JobState::kRunning) {
    site.running_gpus += spec.gpus;
    site.running_full_w += full_w * spec.gpus;
  }
  if (spec.kind == WorkloadKind::kInference && job.state == JobState::kRunning) {
    site.inference_served_rate += std::min(job.demand, speed) * spec.gpus;
  }
  const double overhead = spec.checkpoint_interval.count() > 0
                              ? std::max(0.0, 1.0 - ToSeconds(spec.checkpoint_save) /
                                                        ToSeconds(spec.checkpoint_interval))
                              : 1.0;
  job.rate = job.state == JobState::kRunning && spec.kind != WorkloadKind::kInference
                 ? speed * spec.gpus * overhead
                 : 0.0;
  JobView& v = View(job);
  v.state = job.state;
  v.cap_w = job.cap_w;
  v.pending_cap_w = job.pending_cap_w;
  v.power_w = power;
  v.full_power_w = full_w;
  v.speed = speed;
  v.demand = job.demand;
  v.braked = job.braked;
  v.last_checkpoint = job.ckpt_time;
  v.placement = &job.placement;
  site.cap_withheld_w += (full_w - power) * spec.gpus - old_withheld;
  ScheduleJobEvents(job);
}

void Engine::ScheduleJobEvents(JobRt& job) {
  ++job.gen;
  const JobSpec& spec = *job.spec;
  if (job.state != JobState::kRunning) return;
  if (spec.kind == WorkloadKind::kInference) {
    if (spec.lifetime != Duration::max()) {
      const Time end = job.first_start + spec.lifetime;
      Push(std::max(end, now_), Ev::kJobFinish, job.site, job.id, job.gen);
    }
  } else if (job.rate > 0) {
    const double remaining = spec.work_gpu_s - job.progress;
    const Time finish = now_ + FromSeconds(std::max(0.0, remaining / job.rate)) + Duration{1};
    if (finish <= horizon_) Push(finish, Ev::kJobFinish, job.site, job.id, job.gen);
  }
  const double lambda = fleet_.failures.interruptions_per_gpu_s * spec.gpus;
  if (lambda > 0) {
    const double seconds = std::max(0.0, job.failure_budget) / lambda;
    if (seconds < ToSeconds(horizon_ - now_)) {
      Push(now_ + FromSeconds(seconds), Ev::kJobFailure, job.site, job.id, job.gen);
    }
  }
}

void Engine::SetJobState(JobRt& job, JobState state) {
  SiteRt& site = sites_[static_cast<size_t>(job.site)];
  CloseSegment(job);
  const JobState old = job.state;
  job.state = state;
  if (state == JobState::kRunning && old != JobState::kRunning) {
    job.run_origin = now_;
    job.ckpt_time = now_;
    job.ckpt_progress = job.progress;
  }
  if (state == JobState::kDone) {
    // Release the GPUs back to idle.
    for (const auto& [rack, n] : job.placement) {
      site.nodes[static_cast<size_t>(rack)].free_gpus += n;
      site.free_gpus += n;
      AddRackDemand(site, rack, (job.gpu->idle_w - job.per_gpu_w) * n);
    }
    job.per_gpu_w = job.gpu->idle_w;
  }
  Refresh(job);
  if (state == JobState::kDone && job.view >= 0) {
    // Controllers see active jobs only: swap the finished job's view out.
    const auto i = static_cast<size_t>(job.view);
    const size_t last = site.views.size() - 1;
    if (i != last) {
      site.views[i] = site.views[last];
      site.view_job[i] = site.view_job[last];
      jobs_[static_cast<size_t>(site.view_job[i])].view = job.view;
    }
    site.views.pop_back();
    site.view_job.pop_back();
    job.view = -1;
  }
  ++job.phase_gen;
  if (state == JobState::kStarting) {
    Push(now_ + job.spec->restore_time, Ev::kJobPhaseEnd, job.site, job.id, job.phase_gen);
  } else if (state == JobState::kSaving) {
    Push(now_ + job.spec->checkpoint_save, Ev::kJobPhaseEnd, job.site, job.id, job.phase_gen);
  }
  site.touched = true;
}

void Engine::Crash(JobRt& job, CrashCause cause, const std::string& why) {
  const bool power = cause == CrashCause::kPower;
  SiteRt& site = sites_[static_cast<size_t>(job.site)];
  CloseSegment(job);
  const double lost = job.progress - job.ckpt_progress;
  job.progress = job.ckpt_progress;
  const auto cls = static_cast<size_t>(job.spec->priority);
  site.result.lost_gpu_s[cls] += lost;
  if (power) {
    site.result.lost_to_power_gpu_s += lost;
    ++site.result.power_crashes;
  } else {
    site.result.lost_to_failures_gpu_s += lost;
    ++site.result.failure_crashes;
  }
  Log(job.site, power ? "job_crash_power" : "job_crash_failure", job.spec->name, lost / 3600.0,
      absl::StrCat("GPU-h lost; ", why));
  bool energized = true;
  for (const auto& [rack, n] : job.placement)
    energized = energized && site.nodes[static_cast<size_t>(rack)].energized;
  if (cause == CrashCause::kFailure) job.failure_budget = job.rng.Exponential(1.0);
  SetJobState(job, energized ? JobState::kStarting : JobState::kDown);
}

// ------------------------------------------------------------------------------------------------
// Controller hosting

void Engine::CallController(int s) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  control::SiteTelemetry& t = site.telemetry;
  t.now = now_;
  t.grid_connected = site.grid_connected;
  double limit = site.spec->grid.import_limit_w;
  for (const auto& [ev, w] : site.import_limits) limit = std::min(limit, w);
  t.import_limit_w = site.grid_connected ? limit : 0.0;
  t.dr_active = !site.dr_limits.empty();
  t.dr_limit_w = 0;
  if (t.dr_active) {
    t.dr_limit_w = site.dr_limits.front().second;
    for (const auto& [ev, w] : site.dr_limits) t.dr_limit_w = std::min(t.dr_limit_w, w);
  }
  t.dr_since = site.dr_since;
  t.frequency_hz = site.frequency_hz;
  t.price_usd_per_j = site.price;
  t.grid_w = site.grid_w;
  t.has_battery = site.spec->battery.has_value();
  t.battery_soc = t.has_battery ? site.stored_j / site.spec->battery->energy_j : 0;
  t.battery_w = site.battery_w;
  t.solar_w = site.solar_w;
  t.baseload_w = site.baseload_w;
  t.diesel_w = site.diesel_w;
  t.units.resize(site.units.size());
  for (size_t i = 0; i < site.units.size(); ++i) {
    const UnitRt& u = site.units[i];
    t.units[i] = {u.plant,       u.unit,     u.spec,     u.state,
                  u.available_w, u.target_w, u.output_w, u.ready_at};
  }
  t.ambient_c = site.ambient_c;
  t.pue = site.pue;
  t.it_w = site.it_w;
  t.facility_w = site.facility_w;
  t.shortfall_w = site.shortfall_w;
  site.decision.actions.clear();
  site.decision.next_wake = kTimeNever;
  site.decision.reserve_short_w = -1;
  site.controller->Decide(t, &site.decision);
  if (site.decision.reserve_short_w >= 0) {
    site.result.reserve_assessed = true;
    site.reserve_short_w = site.decision.reserve_short_w;
    site.result.max_reserve_short_w =
        std::max(site.result.max_reserve_short_w, site.reserve_short_w);
  }
  ++result_.controller_calls;
  for (const Action& a : site.decision.actions) Apply(s, a);
  Time wake = site.decision.next_wake;
  if (wake <= now_) wake = now_ + std::chrono::seconds(1);
  if (wake != site.next_wake && wake <= horizon_) {
    site.next_wake = wake;
    ++site.wake_gen;
    Push(wake, Ev::kWake, s, 0, site.wake_gen);
  }
}

void Engine::Apply(int s, const Action& a) {
  SiteRt& site = sites_[static_cast<size_t>(s)];
  const std::string kind = absl::StrCat("action:", control::ActionKindName(a.kind));
  auto unit_of = [&](const Action& act) -> UnitRt* {
    for (UnitRt& u : site.units) {
      if (u.plant == act.plant && u.unit == act.unit) return &u;
    }
    return nullptr;
  };
  auto unit_name = [&](const UnitRt& u) {
    return absl::StrCat(site.spec->plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name);
  };
  auto job_of = [&](int id) -> JobRt* {
    if (id < 0 || id >= static_cast<int>(jobs_.size())) return nullptr;
    JobRt& j = jobs_[static_cast<size_t>(id)];
    return j.site == s ? &j : nullptr;
  };
  switch (a.kind) {
    case Action::Kind::kSetCap: {
      JobRt* job = job_of(a.job);
      if (job == nullptr || job->state == JobState::kDone) return;
      const double cap = std::clamp(a.value, job->gpu->cap_min_w, job->gpu->cap_max_w);
      if (std::fabs(cap - job->pending_cap_w) < 1e-9) return;
      job->pending_cap_w = cap;
      View(*job).pending_cap_w = cap;
      ++job->cap_seq;
      Push(now_ + fleet_.control.actuation_delay, Ev::kCapApply, s, job->id, job->cap_seq, cap);
      Log(s, kind, job->spec->name, cap, a.reason);
      return;
    }
    case Action::Kind::kPause: {
      JobRt* job = job_of(a.job);
      if (job == nullptr) return;
      job->paused_by_control = true;
      if (job->state == JobState::kRunning) {
        SetJobState(*job, JobState::kSaving);
      } else if (job->state == JobState::kStarting) {
        SetJobState(*job, JobState::kPaused);
      } else {
        return;
      }
      Log(s, kind, job->spec->name, 0, a.reason);
      return;
    }
    case Action::Kind::kResume: {
      JobRt* job = job_of(a.job);
      if (job == nullptr || job->state != JobState::kPaused) return;
      CloseSegment(*job);
      job->paused_by_control = false;
      SetJobState(*job, JobState::kStarting);
      Log(s, kind, job->spec->name, 0, a.reason);
      return;
    }
    case Action::Kind::kStop: {
      JobRt* job = job_of(a.job);
      if (job == nullptr || job->state == JobState::kDone || job->state == JobState::kPaused ||
          job->state == JobState::kDown) {
        return;
      }
      Log(s, kind, job->spec->name, 0, a.reason);
      CloseSegment(*job);
      const double lost = job->progress - job->ckpt_progress;
      job->progress = job->ckpt_progress;
      site.result.lost_gpu_s[static_cast<size_t>(job->spec->priority)] += lost;
      site.result.control_cost_gpu_s[kCostStop] += lost;
      job->paused_by_control = true;
      SetJobState(*job, JobState::kPaused);
      return;
    }
    case Action::Kind::kBrake: {
      JobRt* job = job_of(a.job);
      if (job == nullptr || job->state == JobState::kDone) return;
      ++job->brake_seq;
      Push(now_ + fleet_.control.fast_shed_delay, Ev::kBrakeApply, s, job->id, job->brake_seq,
           a.value);
      Log(s, kind, job->spec->name, a.value, a.reason);
      return;
    }
    case Action::Kind::kSetImportCeiling:
    case Action::Kind::kSetImportFloor: {
      double& bound =
          a.kind == Action::Kind::kSetImportCeiling ? site.import_ceiling_w : site.import_floor_w;
      const bool ceiling = a.kind == Action::Kind::kSetImportCeiling;
      const double w =
          std::isnan(a.value) ? (ceiling ? control::kNoCeiling : control::kNoFloor) : a.value;
      if (w == bound || std::fabs(w - bound) < kEpsW) return;
      if (!a.reason.empty())
        Log(s, kind, site.spec->name, std::isfinite(w) ? w / 1e6 : 0.0, a.reason);
      bound = w;
      site.touched = true;
      return;
    }
    case Action::Kind::kSetBatteryDischarge: {
      if (!site.spec->battery) return;
      const double w = std::clamp(a.value, 0.0, site.spec->battery->power_w);
      if (std::fabs(w - site.discharge_request_w) < kEpsW) return;
      if (!a.reason.empty()) Log(s, kind, site.spec->name, w / 1e6, a.reason);
      site.discharge_request_w = w;
      site.touched = true;
      return;
    }
    case Action::Kind::kCommitUnit: {
      UnitRt* u = unit_of(a);
      if (u == nullptr || u->state != UnitState::kOff) return;
      u->state = UnitState::kStarting;
      u->ready_at = now_ + u->spec->start_time;
      ++u->gen;
      Push(u->ready_at, Ev::kUnitReady, s, static_cast<int>(u - site.units.data()), u->gen);
      Log(s, kind, unit_name(*u), 0, a.reason);
      return;
    }
    case Action::Kind::kDecommitUnit: {
      UnitRt* u = unit_of(a);
      if (u == nullptr || (u->state != UnitState::kOnline && u->state != UnitState::kStarting))
        return;
      u->state = UnitState::kOff;
      u->available_w = u->target_w = u->output_w = 0;
      ++u->gen;
      u->step_pending = false;
      Log(s, kind, unit_name(*u), 0, a.reason);
      site.touched = true;
      return;
    }
    case Action::Kind::kSetUnitTarget: {
      UnitRt* u = unit_of(a);
      if (u == nullptr) return;
      const double target = std::clamp(a.value, u->spec->min_load_w, u->spec->rating_w);
      if (std::fabs(target - u->target_w) < kEpsW) return;
      u->target_w = target;
      if (u->state == UnitState::kOnline && !u->step_pending) {
        u->step_pending = true;
        Push(now_, Ev::kUnitStep, s, static_cast<int>(u - site.units.data()), u->gen);
      }
      return;
    }
    case Action::Kind::kSetBatteryCharge: {
      if (!site.spec->battery) return;
      const double w = std::clamp(a.value, 0.0, site.spec->battery->power_w);
      if (std::fabs(w - site.charge_request_w) < kEpsW) return;
      site.charge_request_w = w;
      site.touched = true;
      return;
    }
    case Action::Kind::kNote:
      Log(s, kind, site.spec->name, a.value, a.reason);
      return;
  }
}

// ------------------------------------------------------------------------------------------------
// Events

void Engine::Handle(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = s >= 0 ? &sites_[static_cast<size_t>(s)] : nullptr;
  if (site != nullptr) {
    Integrate(s, now_);
    site->touched = true;
  }
  switch (e.type) {
    case Ev::kJobArrival: {
      const JobRt& job = jobs_[static_cast<size_t>(e.a)];
      auto key = [&](int id) {
        const JobRt& j = jobs_[static_cast<size_t>(id)];
        return std::make_tuple(static_cast<int>(j.spec->priority), j.spec->arrival, id);
      };
      queued_.insert(std::upper_bound(queued_.begin(), queued_.end(), job.id,
                                      [&](int x, int y) { return key(x) < key(y); }),
                     job.id);
      TryPlaceQueued();
      return;
    }
    case Ev::kJobPhaseEnd: {
      JobRt& job = jobs_[static_cast<size_t>(e.a)];
      if (e.gen != job.phase_gen) return;
      if (job.state == JobState::kStarting) {
        SetJobState(job, JobState::kRunning);
      } else if (job.state == JobState::kSaving) {
        job.ckpt_progress = job.progress;  // the checkpoint written before the pause
        job.ckpt_time = now_;
        SetJobState(job, JobState::kPaused);
      }
      return;
    }
    case Ev::kJobFinish: {
      JobRt& job = jobs_[static_cast<size_t>(e.a)];
      if (e.gen != job.gen || job.state != JobState::kRunning) return;
      CloseSegment(job);
      if (job.spec->kind != WorkloadKind::kInference) job.progress = job.spec->work_gpu_s;
      SiteRt& js = sites_[static_cast<size_t>(job.site)];
      ++js.result.jobs_completed;
      if (job.spec->kind != WorkloadKind::kInference) {
        const double ideal = job.spec->work_gpu_s / job.spec->gpus;
        js.slowdowns.push_back(ToSeconds(now_ - job.spec->arrival) / std::max(1.0, ideal));
        js.completion_s += ToSeconds(now_ - job.spec->arrival);
      }
      Log(job.site, "job_done", job.spec->name, ToHours(now_ - job.spec->arrival),
          "h since arrival");
      SetJobState(job, JobState::kDone);
      js.notify = true;
      TryPlaceQueued();
      return;
    }
    case Ev::kJobFailure: {
      JobRt& job = jobs_[static_cast<size_t>(e.a)];
      if (e.gen != job.gen || job.state != JobState::kRunning) return;
      Crash(job, CrashCause::kFailure, "interruption (hardware or software)");
      return;
    }
    case Ev::kBrakeApply: {
      JobRt& job = jobs_[static_cast<size_t>(e.a)];
      if (e.gen != job.brake_seq || job.state == JobState::kDone) return;
      job.braked = e.value > 0.5;
      Refresh(job);
      return;
    }
    case Ev::kCapApply: {
      JobRt& job = jobs_[static_cast<size_t>(e.a)];
      if (e.gen != job.cap_seq || job.state == JobState::kDone) return;
      job.cap_w = e.value;
      Refresh(job);
      return;
    }
    case Ev::kUnitReady: {
      UnitRt& u = site->units[static_cast<size_t>(e.a)];
      if (e.gen != u.gen || u.state != UnitState::kStarting) return;
      u.state = UnitState::kOnline;
      u.available_w = u.spec->min_load_w;
      if (u.target_w < u.spec->min_load_w) u.target_w = u.spec->min_load_w;
      Log(s, "unit_online",
          absl::StrCat(site->spec->plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name),
          u.available_w / 1e6, "MW");
      site->notify = true;
      if (u.target_w > u.available_w) {
        u.step_pending = true;
        Push(now_, Ev::kUnitStep, s, e.a, u.gen);
      }
      return;
    }
    case Ev::kUnitStep: {
      UnitRt& u = site->units[static_cast<size_t>(e.a)];
      if (e.gen != u.gen || u.state != UnitState::kOnline) {
        u.step_pending = false;
        return;
      }
      const double diff = u.target_w - u.available_w;
      const double max_step = u.spec->max_step_w > 0 ? u.spec->max_step_w : std::fabs(diff);
      const double step = std::clamp(diff, -max_step, max_step);
      u.available_w += step;
      if (std::fabs(u.target_w - u.available_w) > kEpsW) {
        const double wait_s =
            u.spec->ramp_w_per_s > 0 ? std::fabs(step) / u.spec->ramp_w_per_s : 0.0;
        Push(now_ + std::max(Duration{1}, FromSeconds(wait_s)), Ev::kUnitStep, s, e.a, u.gen);
      } else {
        u.available_w = u.target_w;
        u.step_pending = false;
      }
      return;
    }
    case Ev::kUnitRepaired: {
      UnitRt& u = site->units[static_cast<size_t>(e.a)];
      if (u.state != UnitState::kTripped) return;
      u.state = UnitState::kOff;
      Log(s, "unit_repaired",
          absl::StrCat(site->spec->plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name),
          0);
      site->notify = true;
      return;
    }
    case Ev::kExternalStart:
    case Ev::kExternalEnd: {
      const EventSpec& ev = fleet_.events[static_cast<size_t>(e.a)];
      const bool start = e.type == Ev::kExternalStart;
      const std::string name =
          absl::StrCat(model::EventKindName(ev.kind), start ? "_start" : "_end");
      const model::Grid& grid = site->spec->grid;
      site->notify = true;
      switch (ev.kind) {
        case EventKind::kGridOutage:
          site->outages += start ? 1 : -1;
          if (start) {
            Log(s, name, site->spec->name, ToSeconds(ev.duration),
                absl::StrCat("s; from ", ev.origin));
            UpdateGrid(s, "grid outage");
          } else {
            Log(s, name, site->spec->name, 0, ev.origin);
            site->disconnected_until =
                std::max(site->disconnected_until, now_ + grid.reconnect_delay);
            Push(site->disconnected_until, Ev::kGridReconnect, s, 0);
          }
          break;
        case EventKind::kVoltageSag: {
          if (!start) break;
          const bool rides =
              ev.magnitude >= grid.sag_min_voltage && ev.duration <= grid.sag_max_duration;
          Log(s, name, site->spec->name, ev.magnitude,
              absl::StrFormat("%.0f%% voltage for %s; %s; from %s", ev.magnitude * 100,
                              FormatDuration(ev.duration),
                              rides ? "inside ride-through" : "protection disconnects the site",
                              ev.origin));
          if (!rides && grid.present) {
            site->disconnected_until =
                std::max(site->disconnected_until, now_ + ev.duration + grid.reconnect_delay);
            UpdateGrid(s, "voltage sag");
            Push(site->disconnected_until, Ev::kGridReconnect, s, 0);
          }
          break;
        }
        case EventKind::kFrequencyExcursion: {
          site->frequency_events += start ? 1 : -1;
          site->frequency_hz = site->frequency_events > 0 ? ev.magnitude : grid.nominal_hz;
          if (start)
            site->grid_window.ExemptUntil(now_ + kRampExemptAfterRequest);  // droop response
          const bool trips = ev.magnitude < grid.trip_below_hz || ev.magnitude > grid.trip_above_hz;
          Log(s, name, site->spec->name, ev.magnitude,
              absl::StrCat(
                  "Hz", start && trips ? "; outside the protection band, the site disconnects" : "",
                  "; from ", ev.origin));
          if (start && trips && grid.present) {
            site->disconnected_until =
                std::max(site->disconnected_until, now_ + ev.duration + grid.reconnect_delay);
            UpdateGrid(s, "frequency protection");
            Push(site->disconnected_until, Ev::kGridReconnect, s, 0);
          }
          break;
        }
        case EventKind::kImportLimit: {
          auto& limits = ev.hard ? site->import_limits : site->dr_limits;
          if (start) {
            limits.emplace_back(e.a, ev.magnitude);
            site->grid_window.ExemptUntil(now_ + kRampExemptAfterRequest);
            if (!ev.hard) {
              ++site->result.dr_windows;
              site->dr_since = now_;
              site->dr_reached = false;
            }
          } else {
            if (!ev.hard && !site->dr_reached) {
              site->result.dr_worst_response_s =
                  std::max(site->result.dr_worst_response_s, ToSeconds(now_ - site->dr_since));
            }
            std::erase_if(limits, [&](const auto& p) { return p.first == e.a; });
          }
          Log(s, name, site->spec->name, ev.magnitude / 1e6,
              absl::StrCat(ev.hard ? "MW hard import limit" : "MW demand-response request",
                           "; from ", ev.origin));
          break;
        }
        case EventKind::kTurbineTrip: {
          if (!start) break;
          for (UnitRt& u : site->units) {
            if (u.plant != ev.plant || (ev.unit >= 0 && u.unit != ev.unit)) continue;
            if (u.state == UnitState::kTripped) continue;
            Log(s, "unit_trip",
                absl::StrCat(site->spec->plants[static_cast<size_t>(u.plant)].name, "/",
                             u.spec->name),
                u.output_w / 1e6, absl::StrCat("MW lost; from ", ev.origin));
            u.state = UnitState::kTripped;
            u.available_w = u.target_w = u.output_w = 0;
            u.step_pending = false;
            ++u.gen;
            Push(now_ + ev.duration, Ev::kUnitRepaired, s,
                 static_cast<int>(&u - site->units.data()));
          }
          break;
        }
        case EventKind::kFeedTrip:
          if (start) {
            Trip(s, ev.node, "feed_fault",
                 absl::StrCat("a fault opens the feed breaker; repaired in ",
                              FormatDuration(ev.duration), "; from ", ev.origin),
                 /*fault=*/true, ev.duration);
          }
          break;
        case EventKind::kHeat:
          site->heat_offset_c += start ? ev.magnitude : -ev.magnitude;
          Log(s, name, site->spec->name, ev.magnitude,
              absl::StrCat("C above normal; from ", ev.origin));
          UpdateAmbient(s);
          break;
      }
      return;
    }
    case Ev::kGridReconnect:
      UpdateGrid(s, "reconnected after the disturbance");
      return;
    case Ev::kBatteryLimit: {
      if (e.gen != site->battery_gen) return;
      site->battery_limit_at = kTimeNever;
      const model::Battery& b = *site->spec->battery;
      const double eps_j = b.power_w * 1e-6;
      const bool at_bound =
          (site->battery_w > 0 && site->stored_j <= b.soc_min * b.energy_j + eps_j) ||
          (site->battery_w < 0 && site->stored_j >= b.soc_max * b.energy_j - eps_j);
      if (!at_bound) return;  // early: Settle schedules the bound again
      Log(s, site->battery_w > 0 ? "battery_empty" : "battery_full", site->spec->name,
          site->stored_j / site->spec->battery->energy_j * 100, "% state of charge");
      site->notify = true;
      return;
    }
    case Ev::kBreakerTrip: {
      NodeRt& node = site->nodes[static_cast<size_t>(e.a)];
      if (e.gen != node.gen || !node.overloaded) return;
      // Loads may have changed earlier at this same instant (a sibling's trip): judge on now.
      if (!node.dirty) {
        node.dirty = true;
        site->dirty_nodes.push_back(e.a);
      }
      CheckBreakers(s);
      if (!node.overloaded || node.trip_at > now_) return;
      const model::TreeNode& t = site->spec->tree[static_cast<size_t>(e.a)];
      const double rating =
          t.rating_w *
          (t.kind == NodeKind::kTent ? site->spec->cooling.TentDerateAt(site->ambient_c) : 1.0);
      Trip(s, e.a, "breaker_trip",
           absl::StrFormat("load %.1f MW = %.0f%% of its %.1f MW rating%s since t=%.3f s",
                           site->node_load_w[static_cast<size_t>(e.a)] / 1e6,
                           100 * site->node_load_w[static_cast<size_t>(e.a)] / rating, rating / 1e6,
                           rating < t.rating_w ? " (derated for heat)" : "",
                           ToSeconds(node.overload_since)));
      return;
    }
    case Ev::kShortfallTrip: {
      if (e.gen != site->shortfall_gen) return;
      site->shortfall_pending = false;
      Balance(*site);
      // Under-frequency relays shed feeds until the load fits what the sources can give.
      for (int feed : site->feeds_shed_order) {
        if (site->shortfall_w <= 0) break;
        if (site->nodes[static_cast<size_t>(feed)].tripped) continue;
        Trip(s, feed, "load_shed_trip",
             absl::StrFormat("under-frequency load shedding, %.1f MW short",
                             site->shortfall_w / 1e6));
        Balance(*site);
      }
      return;
    }
    case Ev::kReclose:
      Reclose(s, e.a);
      return;
    case Ev::kTick: {
      UpdateAmbient(s);
      for (int id : site->inference_jobs) {
        JobRt& job = jobs_[static_cast<size_t>(id)];
        if (job.state != JobState::kDone) Refresh(job);
      }
      ScheduleTick(s);
      site->notify = true;  // weather, prices and demand moved: let the controller look
      return;
    }
    case Ev::kWake:
      if (e.gen != site->wake_gen) return;
      site->next_wake = kTimeNever;
      site->notify = true;
      return;
  }
}

Result Engine::Run() {
  horizon_ = Time{options_.horizon};
  result_.strategy = strategy_.name;
  result_.horizon = options_.horizon;
  result_.resolution = options_.resolution;
  result_.seed = options_.seed;
  sites_.resize(fleet_.sites.size());
  for (int s = 0; s < static_cast<int>(sites_.size()); ++s) BuildSite(s);
  jobs_.resize(fleet_.jobs.size());
  for (size_t i = 0; i < fleet_.jobs.size(); ++i) {
    JobRt& job = jobs_[i];
    job.spec = &fleet_.jobs[i];
    job.id = static_cast<int>(i);
    job.rng = rng_.Fork(0x10B0000 + i);
    job.failure_budget = job.rng.Exponential(1.0);
    job.gpu = &fleet_.gpus[static_cast<size_t>(std::max(0, job.spec->gpu_model))];
    if (job.spec->arrival < horizon_) Push(job.spec->arrival, Ev::kJobArrival, -1, job.id);
  }
  for (size_t i = 0; i < fleet_.events.size(); ++i) {
    const EventSpec& ev = fleet_.events[i];
    if (ev.start >= horizon_ || ev.site < 0 || ev.site >= static_cast<int>(sites_.size())) continue;
    Push(ev.start, Ev::kExternalStart, ev.site, static_cast<int>(i));
    if (ev.kind != EventKind::kVoltageSag && ev.kind != EventKind::kTurbineTrip &&
        ev.start + ev.duration <= horizon_) {
      Push(ev.start + ev.duration, Ev::kExternalEnd, ev.site, static_cast<int>(i));
    }
  }
  // Jobs present at t = 0 start running at once: the run begins in steady state.
  while (!queue_.empty() && queue_.top().t == kTimeZero && queue_.top().type == Ev::kJobArrival) {
    const QueuedEvent e = queue_.top();
    queue_.pop();
    Handle(e);
  }
  for (int s = 0; s < static_cast<int>(sites_.size()); ++s) {
    InitialDispatch(s);
    CheckBreakers(s);
    ScheduleTick(s);
    sites_[static_cast<size_t>(s)].notify = true;
    sites_[static_cast<size_t>(s)].touched = true;
  }
  const double horizon_s = ToSeconds(options_.horizon);
  std::uint64_t processed = 0;
  double next_progress = 0;
  auto settle_all = [&] {
    for (int s = 0; s < static_cast<int>(sites_.size()); ++s) {
      SiteRt& site = sites_[static_cast<size_t>(s)];
      if (!site.touched) continue;
      Settle(s);
      if (site.notify) {
        site.notify = false;
        CallController(s);
        Settle(s);
        site.notify = false;  // a controller's own actions do not call it again at once
      }
      site.touched = false;
    }
  };
  settle_all();
  while (!queue_.empty()) {
    const Time t = queue_.top().t;
    if (t > horizon_) break;
    now_ = t;
    while (!queue_.empty() && queue_.top().t == t) {
      const QueuedEvent e = queue_.top();
      queue_.pop();
      Handle(e);
      ++processed;
    }
    settle_all();
    if (options_.progress && ToSeconds(t) >= next_progress) {
      options_.progress(ToSeconds(t) / horizon_s);
      next_progress = ToSeconds(t) + horizon_s / 200;
    }
  }
  now_ = horizon_;
  for (int s = 0; s < static_cast<int>(sites_.size()); ++s) Integrate(s, horizon_);
  for (JobRt& job : jobs_) {
    if (job.site >= 0) CloseSegment(job);
    if (job.site < 0 || job.spec->kind == WorkloadKind::kInference) continue;
    sites_[static_cast<size_t>(job.site)]
        .result.useful_gpu_s[static_cast<size_t>(job.spec->priority)] += job.progress;
  }
  for (SiteRt& site : sites_) {
    site.result.battery_stored_end_j = site.stored_j;
    site.result.max_grid_ramp_w_per_s = site.grid_ramp.max();
    site.grid_window.Finish();
    site.result.max_grid_swing_w = site.grid_window.worst_w();
    site.result.grid_ramp_violations = site.grid_window.violations();
    site.result.max_turbine_ramp_w_per_s = site.turbine_ramp.max();
    if (!site.slowdowns.empty()) {
      std::sort(site.slowdowns.begin(), site.slowdowns.end());
      double sum = 0;
      for (double x : site.slowdowns) sum += x;
      site.result.mean_slowdown = sum / site.slowdowns.size();
      site.result.mean_completion_h = site.completion_s / site.slowdowns.size() / 3600.0;
      site.result.training_completed = static_cast<int>(site.slowdowns.size());
      site.result.p95_slowdown =
          site.slowdowns[std::min(site.slowdowns.size() - 1, site.slowdowns.size() * 95 / 100)];
    }
    result_.sites.push_back(std::move(site.result));
  }
  result_.events_processed = processed;
  result_.events = event_log_.Finish();
  if (options_.progress) options_.progress(1.0);
  return std::move(result_);
}

}  // namespace

const char* ControlCostName(int c) {
  static constexpr const char* kNames[] = {"cap", "brake", "pause", "stop"};
  return c >= 0 && c < 4 ? kNames[c] : "?";
}

const char* SeriesColumnName(int c) {
  static constexpr const char* kNames[kSeriesColumns] = {
      "grid_mw",     "turbine_mw",   "battery_mw",     "solar_mw", "baseload_mw",
      "diesel_mw",   "curtailed_mw", "load_mw",        "it_mw",    "cap_withheld_mw",
      "unserved_mw", "soc_pct",      "import_limit_mw"};
  return c >= 0 && c < kSeriesColumns ? kNames[c] : "?";
}

Result Simulate(const model::Fleet& fleet, const control::Strategy& strategy,
                const Options& options) {
  Engine engine(fleet, strategy, options);
  return engine.Run();
}

}  // namespace headroom::sim

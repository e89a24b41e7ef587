#pragma once
// The simulator's runtime state of sites, units, tree nodes and jobs (internal to sim/).
//
// Invariants:
//   - Powers are in W, energies in J, times on the simulation clock.
//   - After Balance (sim/plant.h): grid_w + turbine_w + battery_w + solar_w + baseload_w +
//     diesel_w - curtailed_w == facility_w - shortfall_w (conservation, checked in debug builds).
//   - node_load_w[i] is the IT load of the energized racks under node i.
//   - A job is in SiteRt::views while it is placed and not done; JobRt::view indexes it.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/rng.h"
#include "base/time.h"
#include "control/controller.h"
#include "model/cross_site.h"
#include "model/fleet.h"
#include "sim/event_queue.h"
#include "sim/free_racks.h"
#include "sim/ramp.h"
#include "sim/result.h"

namespace headroom::sim {

using control::JobState;
using control::JobView;
using control::UnitState;
using model::JobSpec;

// How long after a request of the grid operator (demand response, a frequency excursion) the
// import may change without counting against the ramp limit.
inline constexpr Duration kRampExemptAfterRequest = std::chrono::seconds(5);

// A gas-turbine unit. available_w ramps toward target_w in steps; output_w is what the balance
// asks of it (min_load <= output <= available while online, 0 otherwise).
struct UnitRt {
  const model::TurbineUnit* spec = nullptr;
  int plant = 0;
  int unit = 0;
  UnitState state = UnitState::kOff;
  double available_w = 0;
  double target_w = 0;
  double output_w = 0;
  Time ready_at = kTimeZero;
  TimerId ready_timer;  // kStarting: when it comes online
  TimerId step_timer;   // online: the next ramp step toward target_w
};

// One node of the power tree: what every power change reads (24 bytes, so that a job's power
// change touches one line of it per rack, beside its node_load_w). Invariant: energized ==
// !tripped && !off && parent energized; node_load_w of a de-energized node is 0.
struct NodeRt {
  double demand_w = 0;  // racks: what the rack would draw if energized
  // The load (W) at or below which no step of its breaker curve is exceeded (the lowest step's
  // fraction x rating + kEpsW; +inf without a breaker; -inf for tents, whose rating derates with
  // heat), set by InitBreakers. CheckBreakers skips quiet nodes outside an overload episode.
  double quiet_below_w = std::numeric_limits<double>::infinity();
  bool tripped = false;   // this node's own breaker is open
  bool energized = true;  // no open breaker on the path to the root, and (racks) not powered off
  bool overloaded = false;
  bool dirty = false;    // in SiteRt::dirty_nodes (to be judged by the next breaker check)
  bool off = false;      // racks: powered off by the controller (draws nothing)
  bool booting = false;  // racks: powering back on (draws, but no job runs or lands yet)
};

// Whether jobs can run on rack node `n` (and be placed there): it has power and has booted.
inline bool RackReady(const NodeRt& n) { return n.energized && !n.booting; }

// The rest of a node's state, read on trips, overloads and placement only.
struct NodeDetail {
  Time overload_since = kTimeZero;
  Time trip_at = kTimeNever;
  TimerId trip_timer;         // overloaded: the breaker's trip check at trip_at
  double ride_through_s = 0;  // racks: shelf storage / TDP draw
  double lost_w = 0;          // facility load cut off when this node opened
  TimerId boot_timer;         // racks, booting: when it has booted
};

// A job as the engine runs it. Progress is piecewise linear: progress + rate * (now - seg_start)
// while running; CloseSegment folds the open segment in before any change. What every power
// change of the job reads and writes comes first (a fleet's jobs do not fit in cache).
struct JobRt {
  const JobSpec* spec = nullptr;
  const model::GpuModel* gpu = nullptr;
  int id = 0;
  int site = -1;
  int view = -1;  // index into SiteRt::views
  JobState state = JobState::kQueued;
  double cap_w = 0;
  double per_gpu_w = 0;  // current draw per GPU
  double speed = 0;
  double demand = 0;  // inference
  double full_w = 0;  // per-GPU draw with no cap, as last refreshed (running jobs)
  // Progress in GPU-seconds at full speed, piecewise linear.
  double progress = 0;
  double rate = 0;  // GPU-s per s
  Time seg_start = kTimeZero;
  double ckpt_progress = 0;
  Time ckpt_time = kTimeZero;
  Time run_origin = kTimeZero;  // checkpoints fall at run_origin + k * interval
  TimerId finish_timer;         // running: when the work is done (or the service's lifetime ends)
  TimerId failure_timer;        // running: the next interruption of the failure process
  double failure_budget = 0;    // remaining Exp(1) budget of the failure process
  bool braked = false;
  bool paused_by_control = false;
  bool inference_miss = false;
  bool counted = false;  // inference: in the site's demand and miss sums (Workload::Refresh)
  std::vector<std::pair<int, int>> placement;  // (rack node, gpus)
  std::vector<std::pair<int, int>> footprint;  // (ancestor node, gpus under it): see Footprint
  // Less often: phases, actuation delays, the failure draws.
  TimerId phase_timer;  // starting or saving: when the restore or the save completes
  double pending_cap_w = 0;
  TimerId cap_timer;    // a written cap taking effect after the actuation delay
  TimerId brake_timer;  // a brake request taking effect after the fast-shed delay
  Time first_start = kTimeNever;
  Rng rng{0};
  // Global scheduling: the progress already credited to sites it left (a preemption or a
  // migration credits the site it leaves; the rest goes to its last site at the end).
  double credited = 0;
  // A migration under way: the destination (-1: none), when it began (the checkpoint's save, or
  // the departure of a job that had one), and the WAN transfer carrying its checkpoint.
  int move_to = -1;
  Time move_started = kTimeNever;
  std::uint64_t move_flow = 0;
  std::vector<std::pair<int, int>> reserved;  // the racks held for it at move_to meanwhile
  std::string move_reason;
  int migrations = 0;
  double move_lost_s = 0;  // seconds from the start of each move until the job ran again
  // Waiting at move_to, its racks there held (JobRt::reserved), for a copy of its data set to be
  // staged (the scheduler host's data sets); since when, and the seconds waited so far.
  bool awaiting_data = false;
  Time data_since = kTimeNever;
  double data_wait_s = 0;
  // The work (GPU-s at full speed) after which the job is done: its spec's, or for a learner of a
  // cross-site job its share of what is left (Workload::UpdateCrossSite).
  double work_gpu_s = 0;
  // A cross-site job (the parent, which is never placed itself) or one of its learners: index
  // into World::cross_site; -1 otherwise.
  int cross = -1;
  bool learner = false;
  // For the per-job report: the sites it ran at (in order of first arrival), preemptions, when it
  // was done, and the inference demand it served (GPU-s).
  std::vector<int> visited;
  int preemptions = 0;
  Time ended = kTimeNever;
  double served_gpu_s = 0;
};

// A cross-site (DiLoCo-family) training job as the twin runs it: the parent job (queued with the
// scheduler, never placed) and one learner job per learner slot, each placed at its own site
// (World::jobs entries after the fleet's). The job's progress is its learners' progress; each
// attached learner progresses at goodput x its GPUs x the checkpoint overhead, the goodput from
// model::Evaluate over the learners' states, speeds and WAN shares (model/cross_site.h).
struct CrossSiteRt {
  int job = -1;
  std::vector<int> learners;           // learner job ids, one per slot
  std::vector<std::uint64_t> streams;  // per slot: its exchange stream on the WAN (0: none)
  std::vector<int> ring;               // the sites of the stream ring as last built
  model::CrossSitePerformance perf;    // as of `since`
  Time since = kTimeZero;
  // Time-weighted sums while some learner computes: seconds, utilisation x s, and effective
  // progress (utilisation x efficiency) x s; and the exchange bits sent.
  double active_s = 0;
  double utilization_s = 0;
  double goodput_s = 0;
  bool placed = false;  // its learners were placed (and the job is not done)
};

// A site's whole runtime state: supply, protection, hosted controller, ledger.
struct SiteRt {
  const model::Site* spec = nullptr;
  std::unique_ptr<control::SiteController> controller;
  // Grid.
  int outages = 0;
  Time disconnected_until = kTimeZero;
  bool grid_connected = true;
  std::vector<std::pair<int, double>> import_limits;  // active DR windows: (event index, W)
  double frequency_hz = 60;
  // Open frequency excursions, in the order they started: (event index, Hz). The latest in force
  // sets the frequency; nominal with none.
  std::vector<std::pair<int, double>> frequency_excursions;
  // The frequency the ramps set (model::EventKind::kFrequencyRamp), in force while no excursion
  // is open: linear from ramp_from_hz at ramp_start to ramp_to_hz at ramp_end, then holding
  // ramp_to_hz (nominal with no ramp). ramp_event: the latest ramp's index (-1: none).
  double ramp_from_hz = 60, ramp_to_hz = 60;
  Time ramp_start = kTimeZero, ramp_end = kTimeZero;
  int ramp_event = -1;
  // The frequency relay: opened (the site off the grid until the frequency is back inside the
  // band); frequency_timer: its pending check (when the frequency will have been outside the
  // band for the relay's delay).
  bool frequency_relay_open = false;
  TimerId frequency_timer;
  // Per plant: since when the frequency's rate of change has been above its RoCoF setting
  // (kTimeNever: it is not).
  std::vector<Time> rocof_since;
  // Battery.
  double stored_j = 0;
  double charge_request_w = 0;
  double battery_power_fraction = 1;  // of its rating at today's ambient (Battery::PowerFractionAt)
  TimerId battery_timer;              // when the battery reaches a bound at its present rate
  Time battery_limit_at = kTimeNever;  // the pending bound event, if any
  // Sources and load after the last balance.
  double grid_w = 0, turbine_w = 0, battery_w = 0, solar_w = 0, baseload_w = 0, diesel_w = 0;
  double curtailed_w = 0, shortfall_w = 0, facility_w = 0, it_w = 0, pue = 1;
  double ambient_c = 20, heat_offset_c = 0, price = 0, carbon = 0;
  // Per plant: its fuel price now ($ per J of fuel) where it is a series; < 0 where the units'
  // own price applies.
  std::vector<double> plant_fuel_price;
  // Per plant: the open fuel curtailments (event index, fraction of full burn allowed), and the
  // fraction in force (the least of them; 1 with none): each unit gives at most that fraction of
  // its rating (UnitAvailableW).
  std::vector<std::vector<std::pair<int, double>>> fuel_curtailments;
  std::vector<double> plant_fuel_fraction;
  // Per plant: output and heat rate as fractions of the units' rating and heat rate at today's
  // ambient (model::TurbinePlant::AmbientAt; 1 without a curve), set by UpdateAmbient.
  std::vector<double> plant_ambient_output;
  std::vector<double> plant_ambient_heat_rate;
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
  TimerId shortfall_timer;  // under-frequency shedding if the shortfall lasts
  // Inference bookkeeping, GPU-s per s.
  double inference_demand_rate = 0;
  int inference_missing = 0;
  // Structure.
  std::vector<UnitRt> units;
  std::vector<NodeRt> nodes;
  std::vector<NodeDetail> node_detail;  // same indices as nodes
  std::vector<double> node_load_w;      // actual IT load through each node (0 when de-energized)
  std::vector<int> racks;               // rack node indices in file order
  std::vector<std::vector<int>> subtree_racks;
  // Per node: its subtree is the nodes [i, subtree_end[i]) of the tree (IndexSubtrees); -1 for
  // every node of a tree not in depth-first order.
  std::vector<int> subtree_end;
  std::vector<int> feeds_shed_order;
  std::vector<int> tents;
  double min_ride_through_s = 0;
  std::vector<int> dirty_nodes;
  int open_breakers = 0;  // nodes with tripped set
  // Per node: racks' power state as the controller set it (kNotRack for other nodes), and the
  // racks not on (off or booting), ascending.
  std::vector<control::RackPower> rack_power;
  std::vector<int> racks_not_on;
  std::uint64_t rack_power_changes = 0;  // SiteTelemetry::rack_power_changes
  std::vector<int> announced;  // fleet.events indices announced and not yet over, by start
  // A compact copy for the hot path (a job's power change walks its racks and their ancestors):
  // each node's parent (-1 at the root).
  std::vector<int> parent;
  // Controller hosting.
  std::vector<JobView> views;
  std::vector<int> view_job;  // view index -> job id
  int live_shares = 0;        // racks_count summed over views (see Workload::AddView)
  // What the controller last asked of the global scheduler (control::Decision): power of work to
  // take away (W of the jobs' full draw), until when it expects to be short, and its forecast of
  // spare power (W; +inf: none).
  double sched_move_away_w = 0;
  Time sched_short_until = kTimeZero;
  Time sched_short_from = kTimeZero;
  double sched_spare_w = std::numeric_limits<double>::infinity();
  bool forecast_changed = false;    // in World::forecast_changed
  std::vector<int> inference_jobs;  // ids of inference services placed here
  int free_gpus = 0;                // over all energized and de-energized racks
  FreeRacks free_racks;             // by rack position (the index in `racks`)
  bool capacity_stale = false;      // free_racks changed since the scheduler's summary was made
  std::vector<int> rack_pos;        // node index -> position in `racks` (-1: not a rack)
  control::SiteTelemetry telemetry;
  control::Decision decision;
  Time next_wake = kTimeNever;
  TimerId wake_timer;  // the controller's requested wake-up
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

// Values derived from the state in more than one place: one accessor each.

// The hard import limit in force, W: the interconnect's, or a lower one imposed by the operator
// (an import_limit event with hard: true); 0 while disconnected.
inline double ImportLimitW(const SiteRt& site) {
  if (!site.grid_connected) return 0.0;
  double limit = site.spec->grid.import_limit_w;
  for (const auto& [ev, w] : site.import_limits) limit = std::min(limit, w);
  return limit;
}

// The import the open demand-response requests ask the site to stay under, W; +inf with none.
inline double DrLimitW(const SiteRt& site) {
  double limit = std::numeric_limits<double>::infinity();
  for (const auto& [ev, w] : site.dr_limits) limit = std::min(limit, w);
  return limit;
}

// The tolerance of the battery's bounds, J: what it delivers in one microsecond at full power.
// Bound events are floored to the nanosecond, so a battery at a bound is within this of it.
inline double BatteryEpsJ(const model::Battery& b) { return b.power_w * 1e-6; }
// The battery's power (charge or discharge) now, W: its rating derated for cold. REQUIRES: a
// battery.
inline double BatteryPowerW(const SiteRt& site) {
  return site.spec->battery->power_w * site.battery_power_fraction;
}
// The grid frequency at `t` (no earlier than the last change), Hz: the ramps' trajectory
// (RampFrequencyAt), or the last open excursion's (FrequencyAt).
inline double RampFrequencyAt(const SiteRt& site, Time t) {
  if (t >= site.ramp_end || site.ramp_end <= site.ramp_start) return site.ramp_to_hz;
  const double f = ToSeconds(t - site.ramp_start) / ToSeconds(site.ramp_end - site.ramp_start);
  return site.ramp_from_hz + (site.ramp_to_hz - site.ramp_from_hz) * std::max(0.0, f);
}
inline double FrequencyAt(const SiteRt& site, Time t) {
  if (!site.frequency_excursions.empty()) return site.frequency_excursions.back().second;
  return RampFrequencyAt(site, t);
}
// The grid frequency's rate of change at `t`, Hz/s: the ramp's slope while one is moving and no
// excursion is open, else 0 (an excursion is a level: its steps carry no rate).
inline double RocofAt(const SiteRt& site, Time t) {
  if (!site.frequency_excursions.empty() || t < site.ramp_start || t >= site.ramp_end) return 0.0;
  return (site.ramp_to_hz - site.ramp_from_hz) / ToSeconds(site.ramp_end - site.ramp_start);
}
// Whether the frequency at `t` is outside the site's protection band.
inline bool FrequencyOutsideBand(const SiteRt& site, Time t) {
  const double f = FrequencyAt(site, t);
  return f < site.spec->grid.trip_below_hz || f > site.spec->grid.trip_above_hz;
}

// Whether the battery can discharge (above its floor) and charge (below its top).
inline bool BatteryAboveFloor(const SiteRt& site) {
  const auto& b = site.spec->battery;
  return b && site.stored_j > b->soc_min * b->energy_j + BatteryEpsJ(*b);
}
inline bool BatteryBelowTop(const SiteRt& site) {
  const auto& b = site.spec->battery;
  return b && site.stored_j < b->soc_max * b->energy_j - BatteryEpsJ(*b);
}

// What a unit can give at most, ramped up: its rating at today's ambient, within its plant's
// fuel curtailment.
inline double UnitRatingW(const SiteRt& site, const UnitRt& u) {
  const auto p = static_cast<size_t>(u.plant);
  double rating = u.spec->rating_w;
  if (p < site.plant_ambient_output.size()) rating *= site.plant_ambient_output[p];
  if (p < site.plant_fuel_fraction.size())
    rating = std::min(rating, site.plant_fuel_fraction[p] * u.spec->rating_w);
  return rating;
}
// A unit's heat rate at today's ambient as a fraction of its rated one (1 without a curve).
inline double UnitHeatRateFactor(const SiteRt& site, const UnitRt& u) {
  const auto p = static_cast<size_t>(u.plant);
  return p < site.plant_ambient_heat_rate.size() ? site.plant_ambient_heat_rate[p] : 1.0;
}
// What an online unit can give now: its ramped availability, within its plant's fuel curtailment.
inline double UnitAvailableW(const SiteRt& site, const UnitRt& u) {
  return std::min(u.available_w, UnitRatingW(site, u));
}

// "plant/unit", as events.csv names a turbine unit.
inline std::string UnitName(const SiteRt& site, const UnitRt& u) {
  return site.spec->plants[static_cast<size_t>(u.plant)].name + "/" + u.spec->name;
}

}  // namespace headroom::sim

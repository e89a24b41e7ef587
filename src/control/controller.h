#pragma once
// The site-controller interface: telemetry in, actions out, next wake-up time back.
//
// A host (sim::Engine, or the live daemon) owns the plant and calls SiteController::Decide with a
// snapshot of one site. The controller returns actions; the host checks them against the
// interface's contract (control/contract.h), applies those that hold (power caps after the
// configured actuation delay, everything else at once) and calls again at `next_wake` or earlier
// when a notifying event happens at the site (grid change, trip, job start or end).
//
// What crosses the seam is what a daemon can provide: the site's own configuration and the
// controller's options at construction (SiteConfig, ControllerOptions: nothing about other sites,
// jobs still to come or scripted events), and at each call a snapshot that owns every value it
// holds (SiteTelemetry: no pointers into the host's state), with the time each reading was taken.

#include <algorithm>
#include <chrono>
#include <compare>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/time.h"
#include "model/control_options.h"
#include "model/fleet.h"

namespace headroom::control {

enum class JobState {
  kQueued,    // waiting for GPUs
  kStarting,  // loading its last checkpoint (restore time), no progress
  kRunning,   // making progress at `speed`
  kSaving,    // writing a checkpoint before a planned pause, no progress
  kPaused,    // planned pause: no work lost
  kDown,      // crashed (trip or failure); restarts when its racks have power
  kDone,
};
const char* JobStateName(JobState s);

// A job's identity at the site: opaque and minted by the host. Stable for as long as the job is at
// the site, with the same placement (a host that moves a job to other racks gives it a new id).
// Ordered and comparable so that controllers can break ties deterministically; never an index
// into anything (the daemon's ids are the workload manager's).
struct JobId {
  std::int64_t value = -1;
  bool valid() const { return value >= 0; }
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=> (a known bug).
  friend auto operator<=>(const JobId&, const JobId&) = default;
};
inline constexpr JobId kNoJob{};

// Some of a job's GPUs on one rack.
struct RackShare {
  int rack = -1;  // index of the rack node in model::Site::tree
  int gpus = 0;
  friend bool operator==(const RackShare&, const RackShare&) = default;
};

// What a controller may see of one job placed at the site: values only. The fields a
// controller's every call scans (state, size, caps and draw) come first, in one cache line.
struct JobView {
  JobId id;
  // State now.
  JobState state = JobState::kQueued;
  // What the job is (constant while it has this id).
  model::WorkloadKind kind = model::WorkloadKind::kTraining;
  model::Priority priority = model::Priority::kNormal;
  bool braked = false;       // power brake asserted (the GPUs run at their minimum cap)
  int gpus = 0;              // GPUs it holds
  int gpu_model = -1;        // index into SiteConfig::gpus
  double cap_w = 0;          // cap in effect per GPU
  double pending_cap_w = 0;  // last cap written (equals cap_w once applied)
  // Readings, taken at SiteTelemetry::SampledAt(view): `sampled_at` where a host reads jobs one
  // by one, else when the whole job table was read (a meter's reading is an average over the
  // second before).
  double power_w = 0;       // per-GPU draw
  double full_power_w = 0;  // per-GPU draw with no cap (the host's estimate)
  double speed = 0;         // fraction of full speed (inference: capacity)
  double demand = 0;        // inference: demand as a fraction of capacity
  Time sampled_at = kTimeZero;
  Time last_checkpoint = kTimeZero;
  // What the job is, continued.
  double slowdown_tolerance = 0;    // the slowdown its owner accepts (0.3 = 30%)
  model::PowerShape power_shape;    // for predicting its draw under a cap (model::RunningPowerW)
  Duration checkpoint_interval{0};  // 0: it does not checkpoint
  Duration checkpoint_save{0};      // stall to write a checkpoint
  Duration restore_time{0};         // to resume from one
  // Where its GPUs are: shares [racks_begin, racks_begin + racks_count) of
  // SiteTelemetry::rack_shares (SiteTelemetry::RacksOf). Empty until placed.
  int racks_begin = 0;
  int racks_count = 0;
};

// The power state of a rack's servers (their GPUs and hosts), which the controller sets.
enum class RackPower : std::uint8_t {
  kNotRack,  // SiteTelemetry::rack_power's entry for a node that is not a rack
  kOn,       // powered: draws its GPUs' idle and host power at least; jobs may run
  kOff,      // powered off by the controller: draws nothing; no job may run or be placed
  kBooting,  // powering back on: draws idle and host power, no job runs until it has booted
};
const char* RackPowerName(RackPower p);

enum class UnitState { kOff, kStarting, kOnline, kTripped };
const char* UnitStateName(UnitState s);

// One turbine unit: model::Site::plants[plant].units[unit] in the controller's SiteConfig.
struct UnitView {
  int plant = 0;
  int unit = 0;
  UnitState state = UnitState::kOff;
  Time ready_at = kTimeZero;  // kStarting: when it comes online
  double target_w = 0;        // the setpoint last written
  // Readings, taken at `sampled_at`.
  Time sampled_at = kTimeZero;
  double available_w = 0;  // output it can give (ramping toward target_w)
  double output_w = 0;     // what it gives
  // The most it can give now at full ramp: its rating derated for ambient and any fuel
  // curtailment of its plant; < 0: its rating (a host that does not know).
  double max_w = -1;
};

// An event announced ahead and not yet over: an outage or an import cap the utility noticed, a
// plant's fuel curtailment, a unit's planned outage, a forecast heat wave. What a daemon gets
// from its operator's notices.
struct Announcement {
  model::EventKind kind = model::EventKind::kGridOutage;
  Time announced_at = kTimeZero;
  Time start = kTimeZero;
  Time end = kTimeZero;
  double value = 0;   // kImportLimit: W; kFuelCurtailment: fraction of full fuel; kHeat: C above
  int plant = -1;     // kFuelCurtailment, kTurbineTrip
  int unit = -1;      // kTurbineTrip: -1 for every unit of the plant
  bool hard = false;  // kImportLimit: a hard limit, not a demand-response request
};

// A snapshot of one site. It owns everything it holds: a host may keep it, copy it or send it.
// Readings carry the time they were taken (`*_sampled_at`, never after `now`); the simulator's
// are all fresh (taken at `now`), a daemon's lag its meters.
struct SiteTelemetry {
  Time now = kTimeZero;
  // Grid: state and the operator's requests (known at once), and the metered exchange.
  bool grid_connected = false;
  double import_limit_w = 0;  // hard limit in force now (0 while disconnected)
  bool dr_active = false;     // a demand-response window is open
  double dr_limit_w = 0;      // the import the site is asked to stay under while dr_active
  Time dr_since = kTimeZero;  // when the current window opened
  double price_usd_per_j = 0;
  Time grid_sampled_at = kTimeZero;
  double frequency_hz = 60;
  double grid_w = 0;  // import (+) or export (-)
  // The import bounds the controller set last (kNoCeiling, kNoFloor: none), in force now.
  double import_ceiling_w = std::numeric_limits<double>::infinity();
  double import_floor_w = -std::numeric_limits<double>::infinity();
  // Battery.
  bool has_battery = false;
  Time battery_sampled_at = kTimeZero;
  double battery_soc = 0;  // fraction of energy_j
  double battery_w = 0;    // discharge (+) or charge (-)
  // The most it can charge or discharge now: its power derated for cold
  // (model::Battery::PowerFractionAt); < 0: its rating (a host that does not know).
  double battery_max_w = -1;
  // Other supply, as last metered (with the load).
  double solar_w = 0;
  double baseload_w = 0;
  double diesel_w = 0;
  std::vector<UnitView> units;
  // Load: the site's meters, taken at `load_sampled_at`.
  double ambient_c = 20;
  double pue = 1;
  Time load_sampled_at = kTimeZero;
  double it_w = 0;         // IT power of energized racks
  double facility_w = 0;   // it_w × pue
  double shortfall_w = 0;  // load the sources cannot meet (rack ride-through is carrying it)
  std::vector<double> node_load_w;  // per tree node (model::Site::tree), IT W
  // Breakers open now (tripped or shed): 0 means every node is energized, so no node_load_w is
  // zero for want of power.
  int open_breakers = 0;
  // Per tree node: each rack's power state (kNotRack for the other nodes: exactly the tree's nodes
  // without GPUs), and the racks that are not kOn (tree node indices, ascending, each once: all
  // and only those whose rack_power is kOff or kBooting), so that a controller finds them without
  // walking every rack of a large site. A powered-off rack's node_load_w is 0; a booting one's is
  // its idle and host power. Empty rack_power: the host does not report rack power.
  std::vector<RackPower> rack_power;
  std::vector<int> racks_not_on;
  // How many times any rack's power state has changed, as the host counts them: equal non-zero
  // counts at two calls mean equal rack_power. 0: the host does not count.
  std::uint64_t rack_power_changes = 0;
  // Events announced ahead and not yet over, by start.
  std::vector<Announcement> announced;
  // The jobs placed at the site and not done, in any order, and their racks.
  std::vector<JobView> jobs;
  std::vector<RackShare> rack_shares;
  // When the job table was read as a whole: every view's readings are at least this fresh. The
  // simulator reads it whole (at `now`) and leaves each JobView::sampled_at at kTimeZero.
  Time jobs_sampled_at = kTimeZero;

  std::span<const RackShare> RacksOf(const JobView& v) const {
    return std::span<const RackShare>(rack_shares)
        .subspan(static_cast<size_t>(v.racks_begin), static_cast<size_t>(v.racks_count));
  }
  // How old a reading taken at `sampled_at` is now.
  Duration AgeOf(Time sampled_at) const { return now - sampled_at; }
  // When a job's readings were taken: its own time or the table's, whichever is later.
  Time SampledAt(const JobView& v) const { return std::max(v.sampled_at, jobs_sampled_at); }
};

// The battery power (W, charge or discharge) a controller may count on now: what the telemetry
// reports, else the rating. REQUIRES: t.has_battery, so b is the site's battery.
inline double BatteryPowerNowW(const model::Battery& b, const SiteTelemetry& t) {
  return t.battery_max_w >= 0 ? std::min(t.battery_max_w, b.power_w) : b.power_w;
}

// One thing a controller asks the host to do. Built with the factories below.
struct Action {
  enum class Kind {
    kSetCap,               // job, value = W per GPU (clamped to the GPU's range by the host)
    kPause,                // job (running or starting): checkpoint, then release power
    kResume,               // job (paused)
    kStop,                 // job: stop at once, losing work since its last checkpoint
    kCommitUnit,           // plant, unit (off): start it
    kDecommitUnit,         // plant, unit (online or starting): stop it
    kSetUnitTarget,        // plant, unit, value = W (clamped to its min load and rating)
    kSetBatteryCharge,     // value = W to charge at when power is spare (0 = none)
    kNote,                 // nothing to do: a finding to record in events.csv (reason)
    kBrake,                // job, value 1 = assert the power brake (fast shed), 0 = release
    kSetBatteryDischarge,  // value = W to discharge at (dispatch: bridging)
    kSetImportCeiling,     // value = W: the battery discharges to keep grid import under it
                           // (kNoCeiling: none)
    kSetImportFloor,  // value = W: the battery charges to keep grid import over it (kNoFloor: none)
    kPowerOffRack,    // rack (on, and no job on it starting, running or saving): power it off
    kPowerOnRack,     // rack (off): boot it (SiteConfig's site.rack_boot_time at idle and host
                      // power); a paused job on it resumes, and new work lands, once it has booted
  };
  Kind kind = Kind::kSetCap;
  JobId job;
  int plant = -1;
  int unit = -1;
  double value = 0;
  std::string reason;  // recorded with the action in events.csv
  int rack = -1;       // rack actions: the rack's index in model::Site::tree

  static Action ForJob(Kind kind, JobId job, double value, std::string reason) {
    return {kind, job, -1, -1, value, std::move(reason), -1};
  }
  static Action ForUnit(Kind kind, int plant, int unit, double value, std::string reason) {
    return {kind, kNoJob, plant, unit, value, std::move(reason), -1};
  }
  static Action ForSite(Kind kind, double value, std::string reason) {
    return {kind, kNoJob, -1, -1, value, std::move(reason), -1};
  }
  static Action ForRack(Kind kind, int rack, std::string reason) {
    Action a = ForSite(kind, 0, std::move(reason));
    a.rack = rack;
    return a;
  }
  static Action Note(double value, std::string reason) {
    return ForSite(Kind::kNote, value, std::move(reason));
  }
};
const char* ActionKindName(Action::Kind k);
bool IsJobAction(Action::Kind k);   // kSetCap, kPause, kResume, kStop, kBrake
bool IsUnitAction(Action::Kind k);  // kCommitUnit, kDecommitUnit, kSetUnitTarget
bool IsRackAction(Action::Kind k);  // kPowerOffRack, kPowerOnRack

// No import ceiling or floor (a negative import is an export).
inline constexpr double kNoCeiling = std::numeric_limits<double>::infinity();
inline constexpr double kNoFloor = -std::numeric_limits<double>::infinity();

// How far ahead a controller forecasts its spare power for the global scheduler
// (Decision::forecast_spare_w).
inline constexpr Duration kForecastWindow = std::chrono::hours(24);

struct Decision {
  std::vector<Action> actions;
  Time next_wake = kTimeNever;  // kTimeNever: only when something notifying happens
  // The controller's finding on its contingency reserve, for metrics: by how much its fast reserve
  // falls short of the worst declared contingency now (0: all covered; < 0: not assessed).
  double reserve_short_w = -1;
  // What the controller asks of the global scheduler (a rung of its shedding ladder, before
  // checkpoint-and-pause), and what it expects. These change no action at the site: a host
  // hands them to the scheduler, which may move work away or place none here.
  //
  // Power (W, the jobs' full draw at their GPUs: no host power, no PUE) of work the controller
  // asks the scheduler to take to other sites now; 0: none.
  double move_away_w = 0;
  // From when and until when it expects to be short (kTimeZero: unknown, or not short): now while
  // it asks for work to go, else the start of the first announced event it cannot carry.
  Time short_from = kTimeZero;
  Time short_until = kTimeZero;
  // The lowest spare power it forecasts over the next kForecastWindow from announced events: what
  // it could carry beyond the work it holds now (W at the GPUs, like move_away_w; negative: it
  // expects to shed that much); +inf: no forecast.
  double forecast_spare_w = std::numeric_limits<double>::infinity();
};

// A site controller. One instance per site; not thread-safe; holds only its own state.
class SiteController {
 public:
  virtual ~SiteController() = default;
  // Fills `out` (cleared by the caller) for the snapshot `t`. The decision must hold the
  // contract that control::CheckDecision checks (next_wake > t.now, actions name jobs and units
  // of `t`, finite values, ...); the host drops actions that do not.
  virtual void Decide(const SiteTelemetry& t, Decision* out) = 0;
};

// What a controller is built from: its own site's configuration. REQUIRES: both outlive the
// controller.
struct SiteConfig {
  const model::Site& site;
  std::span<const model::GpuModel> gpus;  // the GPU catalogue (JobView and tree nodes index it)
};

// The controller's options: the timing of the host's actuators it must plan for, the margin it
// keeps under ratings, and each strategy's tunables. Set in the fleet file under `control:`.
using ControllerOptions = model::ControlSpec;

// A named control strategy: how to build its controller, and what the plant has under it.
struct Strategy {
  std::string name;
  std::string description;
  bool unlimited_diesel = false;  // the plant has instant, unlimited backup generation
  std::unique_ptr<SiteController> (*make)(const SiteConfig& site,
                                          const ControllerOptions& options) = nullptr;
};

}  // namespace headroom::control

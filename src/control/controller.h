#pragma once
// The site-controller interface: telemetry in, actions out, next wake-up time back.
//
// A host (sim::Engine, or the live daemon) owns the plant and calls SiteController::Decide with a
// snapshot of one site. The controller returns actions; the host applies them (power caps after
// the configured actuation delay, everything else at once) and calls again at `next_wake` or
// earlier when a notifying event happens at the site (grid change, trip, job start or end).

#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
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

// What a controller may see of one job placed at the site.
struct JobView {
  int id = -1;  // fleet-wide job index
  const model::JobSpec* spec = nullptr;
  const model::GpuModel* gpu = nullptr;
  JobState state = JobState::kQueued;
  double cap_w = 0;          // cap in effect per GPU
  double pending_cap_w = 0;  // last cap written (equals cap_w once applied)
  double power_w = 0;        // per-GPU draw now
  double full_power_w = 0;   // per-GPU draw with no cap, now
  double speed = 0;          // fraction of full speed now (inference: capacity)
  double demand = 0;         // inference: demand as a fraction of capacity
  bool braked = false;       // power brake asserted (the GPUs run at their minimum cap)
  Time last_checkpoint = kTimeZero;
  // Where its GPUs are: (rack index in Site::tree, GPUs there). Empty until placed.
  const std::vector<std::pair<int, int>>* placement = nullptr;
};

enum class UnitState { kOff, kStarting, kOnline, kTripped };
const char* UnitStateName(UnitState s);

struct UnitView {
  int plant = 0;
  int unit = 0;
  const model::TurbineUnit* spec = nullptr;
  UnitState state = UnitState::kOff;
  double available_w = 0;  // output it can give now (ramping toward target_w)
  double target_w = 0;
  double output_w = 0;        // what it gives now
  Time ready_at = kTimeZero;  // kStarting: when it comes online
};

// A snapshot of one site. Pointers and spans stay valid only during the call.
struct SiteTelemetry {
  Time now = kTimeZero;
  int site = 0;
  const model::Site* spec = nullptr;
  const model::Fleet* fleet = nullptr;
  // Grid.
  bool grid_connected = false;
  double import_limit_w = 0;  // hard limit in force now (0 while disconnected)
  bool dr_active = false;     // a demand-response window is open
  double dr_limit_w = 0;      // the import the site is asked to stay under while dr_active
  Time dr_since = kTimeZero;  // when the current window opened
  double frequency_hz = 60;
  double price_usd_per_j = 0;
  double grid_w = 0;  // import (+) or export (-) now
  // Battery.
  bool has_battery = false;
  double battery_soc = 0;  // fraction of energy_j
  double battery_w = 0;    // discharge (+) or charge (-) now
  // Other supply.
  double solar_w = 0;
  double baseload_w = 0;
  double diesel_w = 0;
  std::vector<UnitView> units;
  // Load.
  double ambient_c = 20;
  double pue = 1;
  double it_w = 0;         // IT power of energized racks
  double facility_w = 0;   // it_w × pue
  double shortfall_w = 0;  // load the sources cannot meet now (rack ride-through is carrying it)
  const std::vector<JobView>* jobs =
      nullptr;  // the jobs placed at the site and not done, any order
  const std::vector<double>* node_load_w = nullptr;  // per tree node, IT W
};

struct Action {
  enum class Kind {
    kSetCap,               // job, value = W per GPU (clamped to the GPU's range by the host)
    kPause,                // job: checkpoint, then release power
    kResume,               // job
    kStop,                 // job: stop at once, losing work since its last checkpoint
    kCommitUnit,           // plant, unit: start it
    kDecommitUnit,         // plant, unit: stop it
    kSetUnitTarget,        // plant, unit, value = W
    kSetBatteryCharge,     // value = W to charge at when power is spare (0 = none)
    kNote,                 // nothing to do: a finding to record in events.csv (reason)
    kBrake,                // job, value 1 = assert the power brake (fast shed), 0 = release
    kSetBatteryDischarge,  // value = W to discharge at (dispatch: bridging)
    kSetImportCeiling,     // value = W: the battery discharges to keep grid import under it
                           // (kNoCeiling: none)
    kSetImportFloor,  // value = W: the battery charges to keep grid import over it (kNoFloor: none)
  };
  Kind kind = Kind::kSetCap;
  int job = -1;
  int plant = -1;
  int unit = -1;
  double value = 0;
  std::string reason;  // recorded with the action in events.csv
};
const char* ActionKindName(Action::Kind k);

// No import ceiling or floor (a negative import is an export).
inline constexpr double kNoCeiling = std::numeric_limits<double>::infinity();
inline constexpr double kNoFloor = -std::numeric_limits<double>::infinity();

struct Decision {
  std::vector<Action> actions;
  Time next_wake = kTimeNever;
  // The controller's finding on its contingency reserve, for metrics: by how much its fast reserve
  // falls short of the worst declared contingency now (0: all covered; < 0: not assessed).
  double reserve_short_w = -1;
};

// A site controller. One instance per site; not thread-safe; holds only its own state.
class SiteController {
 public:
  virtual ~SiteController() = default;
  // Fills `out` (cleared by the caller) for the snapshot `t`. REQUIRES: out->next_wake > t.now
  // when set.
  virtual void Decide(const SiteTelemetry& t, Decision* out) = 0;
};

// A named control strategy: how to build its controller, and what the plant has under it.
struct Strategy {
  std::string name;
  std::string description;
  bool unlimited_diesel = false;  // the plant has instant, unlimited backup generation
  std::unique_ptr<SiteController> (*make)(const model::Fleet& fleet, int site) = nullptr;
};

}  // namespace headroom::control

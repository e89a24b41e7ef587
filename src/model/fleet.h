#pragma once
// The fleet model: plain value types, validated by the loader in `config` and read by the
// controllers and the simulator. All quantities are SI (W, J, s as Duration, degrees C) with the
// unit in the field name; see base/units.h.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/calendar.h"
#include "base/time.h"
#include "base/units.h"
#include "model/control_options.h"
#include "model/cross_site.h"
#include "model/local_time.h"
#include "model/series.h"
#include "model/wan.h"

namespace headroom::model {

// ---------------------------------------------------------------------------------------------
// Compute

// Throughput as a function of the power cap, as a fraction of full speed:
//   speed(c) = clamp(((c - zero) / (saturation - zero)) ^ exponent, 0, 1)
// where c is the cap as a fraction of TDP. Concave for exponent < 1. Above `saturation` the cap
// does not bind. Calibrated per GPU in data/gpus.yaml; the shape is checked against the measured
// power-limit sweeps of the Zeus NSDI'23 traces (tests/gpu_fit_test.cc).
struct ThroughputCurve {
  double zero_fraction = 0.1;         // cap/TDP at which throughput reaches zero
  double saturation_fraction = 0.97;  // cap/TDP at and above which throughput is full
  double exponent = 1.0;              // concavity; 1 = proportional

  // Speed in [0, 1] at a cap of `cap_fraction` of TDP.
  double SpeedAt(double cap_fraction) const;
  // The smallest cap (fraction of TDP) that gives `speed`. REQUIRES: 0 < speed <= 1.
  double CapFor(double speed) const;
};

struct GpuModel {
  std::string name;
  double tdp_w = 700;
  double cap_min_w = 200;
  double cap_max_w = 700;
  double idle_w = 70;  // no job resident
  // Non-GPU server power per GPU (CPUs, memory, NICs, fans), drawn whenever the rack is powered.
  double host_w = 0;
  ThroughputCurve training;
  ThroughputCurve inference;
};

// Per-GPU draw of a job loading or writing a checkpoint (kStarting, kSaving): its context is
// resident and the copy engines busy, about twice idle. A simplification: measured save draw
// depends on the storage path; no public sweep gives it per model.
inline double CheckpointIoPowerW(const GpuModel& g) { return 2 * g.idle_w; }

// ---------------------------------------------------------------------------------------------
// Power distribution

enum class NodeKind { kSite, kFeed, kHall, kTent, kRow, kRack };
const char* NodeKindName(NodeKind k);

// One step of an overload curve: the breaker trips when load exceeds above_fraction × rating for
// longer than `hold`. A curve is a list of steps; the shortest applicable hold wins.
struct BreakerStep {
  double above_fraction = 1.0;
  Duration hold{0};
};

struct TreeNode {
  std::string name;
  NodeKind kind = NodeKind::kRack;
  int parent = -1;  // index into Site::tree; -1 only for the root
  double rating_w = 0;
  std::vector<BreakerStep> breaker;  // empty: the site default curve
  // Racks only:
  int gpus = 0;
  int gpu_model = -1;                 // index into Fleet::gpus
  double ride_through_j_per_gpu = 0;  // rack power-shelf storage; 0 = none
};

// ---------------------------------------------------------------------------------------------
// Power sources

// The frequency range a demand facility must stay connected in under the EU Demand Connection
// Code (Commission Regulation (EU) 2016/1388, Art. 12 and Annex I): 47.5-48.5 Hz and 48.5-49 Hz
// for at least 30 min each, 49-51 Hz without limit, 51-51.5 Hz for 30 min. Simplified to its
// outer bounds (an excursion beyond 49-51 Hz lasting 30 min is not in the event library).
inline constexpr double kEuDccMinHz = 47.5;
inline constexpr double kEuDccMaxHz = 51.5;

struct Grid {
  bool present = true;
  double import_limit_w = 0;
  double export_limit_w = 0;
  StepSeries price_usd_per_j = StepSeries::Constant(0);
  StepSeries carbon_kg_per_j = StepSeries::Constant(0);
  double nominal_hz = 60;
  double trip_below_hz = 59.3;  // the site's protection disconnects outside [below, above]
  double trip_above_hz = 60.5;
  // Voltage ride-through of the site's power electronics: a sag to a remaining voltage below
  // `sag_min_voltage` (fraction of nominal), or longer than `sag_max_duration`, disconnects the
  // site from the grid.
  double sag_min_voltage = 0.7;
  Duration sag_max_duration = std::chrono::milliseconds(500);
  // After a disconnection (outage end, sag, frequency trip) the site reconnects this much later.
  Duration reconnect_delay = std::chrono::minutes(5);
  // Ramp-rate limit of the interconnection agreement: the import may change by at most
  // `max_ramp_w_per_s` × `ramp_window` within any window of `ramp_window` (0: no limit). Changes
  // the grid operator itself asks for (demand response, droop) and disconnections are exempt.
  double max_ramp_w_per_s = 0;
  Duration ramp_window = std::chrono::minutes(1);
  // The site's frequency relay opens the connection once the frequency has stayed outside
  // [trip_below_hz, trip_above_hz] this long (0: at once, the default).
  Duration frequency_trip_delay{0};
  // Overvoltage ride-through: the site disconnects when the voltage is at or above
  // `voltage` (fraction of nominal) for longer than `hold` at any step; empty: no overvoltage
  // protection. Default: NERC PRC-024-2's high-voltage ride-through curve (DefaultOvervoltage).
  struct OvervoltageStep {
    double voltage = 1.1;
    Duration hold{0};
  };
  std::vector<OvervoltageStep> overvoltage = DefaultOvervoltage();
  // PRC-024-2, Attachment 2: at or above 1.20 pu the plant may trip at once, 1.175 pu after
  // 0.2 s, 1.15 pu after 0.5 s, 1.10 pu after 1 s; below 1.10 pu it stays connected.
  static std::vector<OvervoltageStep> DefaultOvervoltage() {
    using std::chrono::milliseconds;
    return {{1.10, milliseconds(1000)},
            {1.15, milliseconds(500)},
            {1.175, milliseconds(200)},
            {1.20, milliseconds(0)}};
  }
  // Whether a voltage of `voltage` pu lasting `duration` is inside the overvoltage curve.
  bool RidesOvervoltage(double voltage, Duration duration) const {
    for (const OvervoltageStep& s : overvoltage) {
      if (voltage >= s.voltage && duration > s.hold) return false;
    }
    return true;
  }
};

struct TurbineUnit {
  std::string name;
  double rating_w = 23.2e6;
  double min_load_w = 0;
  Duration start_time = std::chrono::minutes(10);
  double ramp_w_per_s = 0;          // how fast the output may follow a new setpoint
  double max_step_w = 0;            // largest instantaneous load step (block load)
  double heat_rate = 2.55;          // J of fuel per J of electricity
  double fuel_price_usd_per_j = 0;  // per J of fuel
  double co2_kg_per_j = 0;          // per J of electricity
  double trip_rate_per_s = 0;       // forced outages
  Duration repair_time = std::chrono::hours(8);
};

// The loss-of-mains protection of embedded generation (interface protection): a RoCoF relay trips
// the plant's running units when the grid frequency's rate of change stays above `rocof_hz_per_s`
// for `rocof_delay`; a vector-shift relay trips them when the voltage phase jumps by more than
// `vector_shift_deg` at once. 0 disables a relay. Defaults: GB Engineering Recommendation G99's
// RoCoF setting after the Accelerated Loss of Mains Change Programme, 1 Hz/s over 500 ms, and no
// vector shift (G99 no longer permits it for new plant). A tripped unit is off and may be started
// again after `reset`.
struct LossOfMains {
  double rocof_hz_per_s = 1.0;
  Duration rocof_delay = std::chrono::milliseconds(500);
  double vector_shift_deg = 0;
  Duration reset = std::chrono::minutes(5);
};

struct TurbinePlant {
  std::string name;
  std::vector<TurbineUnit> units;
  int online_at_start = -1;  // -1: as many as the initial load needs
  LossOfMains loss_of_mains;
  // The plant's fuel price over time ($ per J of fuel), when it varies (a day-ahead gas index);
  // it then applies to every unit, in place of the units' own fuel_price.
  std::optional<StepSeries> fuel_price_usd_per_j;
  // Output and heat rate against ambient temperature, as fractions of the units' rating and
  // heat rate: {temperature C, output, heat rate}, increasing in temperature, linear between
  // points and flat outside; empty: no effect of ambient (the default).
  struct AmbientPoint {
    double temperature_c = 15;
    double output = 1;
    double heat_rate = 1;
  };
  std::vector<AmbientPoint> ambient;
  // The point on `ambient` at `temp_c` (output and heat rate fractions; 1, 1 without a curve).
  AmbientPoint AmbientAt(double temp_c) const;
  double capacity_w() const {
    double c = 0;
    for (const auto& u : units) c += u.rating_w;
    return c;
  }
};

// The catalogue's ambient curve for a gas turbine (`ambient: iso-derate`): output falls by 0.92%
// and the heat rate rises by 0.1% per C above the ISO rating temperature (15 C), flat below it
// (no credit for cold air beyond the rating) and above 45 C. Source: A. De Sa, S. Al Zubaidy,
// "Gas turbine performance at varying ambient temperature", Applied Thermal Engineering 31
// (2011) 2735-2739: logged SGT 94.2/94.3 units lost 1.47 MW of output (0.92% of their ~160 MW
// ISO rating) and 0.1% of thermal efficiency per K above ISO. Smaller aeroderivative and
// industrial units are at least as sensitive ("several percent per 10 C"); a unit's own
// performance map should replace it where the vendor gives one.
inline constexpr const char* kIsoDerateCurveName = "iso-derate";
std::vector<TurbinePlant::AmbientPoint> IsoDerateCurve();

struct Battery {
  std::string name = "battery";
  double energy_j = 0;
  double power_w = 0;
  double round_trip_efficiency = 0.88;
  double soc_min = 0.1;
  double soc_max = 0.95;
  double soc_initial = 0.9;
  // Power (charge and discharge) against ambient temperature, as a fraction of power_w:
  // {temperature C, power}, increasing in temperature, linear between points and flat outside;
  // empty: no effect of cold. Default (DefaultCold): full power down to -20 C, none at -30 C, the
  // lower bound of the ambient range of a containerised LFP system with its own heating (see
  // docs/model.md for the source and what is simplified).
  struct ColdPoint {
    double temperature_c = 0;
    double power = 1;
  };
  std::vector<ColdPoint> cold = DefaultCold();
  static std::vector<ColdPoint> DefaultCold() { return {{-30, 0.0}, {-20, 1.0}}; }
  // The fraction of power_w the battery can charge or discharge at `temp_c` (1 without a curve).
  double PowerFractionAt(double temp_c) const;
};

struct Solar {
  double peak_w = 0;  // half-sine between 06:00 and 18:00 local time
};

struct Cooling {
  // PUE against ambient temperature, linear between points, flat outside.
  std::vector<std::pair<double, double>> pue_by_temp_c = {{-10, 1.08}, {20, 1.12}, {35, 1.3}};
  // Tents derate linearly from full rating at `tent_derate_start_c` to `tent_min_fraction` of it at
  // `tent_derate_end_c`.
  double tent_derate_start_c = 30;
  double tent_derate_end_c = 45;
  double tent_min_fraction = 0.6;

  double PueAt(double temp_c) const;
  double TentDerateAt(double temp_c) const;
};

// A credible single contingency the site must ride through with its fast reserve.
struct Contingency {
  enum class Kind {
    kGrid,   // loss of the grid import
    kPlant,  // loss of a gas plant's whole output
    kFeed,   // loss of a feed (a fault opens its breaker): a sudden loss of its load
    kUnit,   // loss of the largest single turbine unit (N-1 at unit level): its output
  };
  Kind kind = Kind::kGrid;
  int index = -1;  // kPlant: plant index; kFeed: tree index of the feed; -1: the largest now
};
const char* ContingencyKindName(Contingency::Kind k);
struct Site;
// The contingencies a site holds reserve for unless its file declares others: the loss of the
// grid, of the largest plant and of the largest feed, those it has.
std::vector<Contingency> DefaultContingencies(const Site& site);

enum class SiteKind { kOwned, kLeased, kTent };
const char* SiteKindName(SiteKind k);

// What a site costs beyond its energy, by kind (docs/fleet-format.md, "Economics"):
//   owned, tent: capital per W of facility capacity (FacilityCapacityW), amortised linearly over
//     `amortisation`; energy at cost (the grid price, the turbines' fuel).
//   leased: a lease per W of contracted power per month, or per GPU-hour of GPUs allocated to
//     jobs, or both; the landlord runs the plant: the site draws at most `contracted_power_w` and
//     its controller may only cap GPUs (no turbine or battery dispatch of its own).
// All zero: the site's capacity costs nothing beyond energy (the default, as before #9).
struct SiteEconomics {
  double capital_usd_per_w = 0;
  Duration amortisation = std::chrono::hours(24 * 365 * 10);
  double lease_usd_per_w_month = 0;
  double lease_usd_per_gpu_h = 0;
  double contracted_power_w = 0;  // leased: the lease's power limit (0: FacilityCapacityW)
  // Fraction of time the site is expected to carry its load (the scheduler's reliability term);
  // 0: by kind (owned 0.9999, leased 0.9995, tent 0.995; docs/fleet-format.md gives the basis).
  double availability = 0;
};

struct Site {
  std::string name;
  SiteKind kind = SiteKind::kOwned;
  SiteEconomics economics;
  double latitude_deg = 0;
  double longitude_deg = 0;
  // The IANA zone name `clock` was computed from (empty: a fixed `utc_offset`, or UTC).
  std::string timezone;
  // Civil time (with daylight saving) and standard time over the horizon: from the tz database,
  // or a fixed offset (model/local_time.h).
  LocalClock clock;
  Grid grid;
  std::vector<TurbinePlant> plants;
  std::optional<Battery> battery;
  Solar solar;
  double baseload_w = 0;
  Cooling cooling;
  StepSeries ambient_c = StepSeries::Constant(20);
  std::vector<TreeNode> tree;  // tree[0] is the site root; parents come before children
  std::vector<BreakerStep> default_breaker = {{1.0, std::chrono::minutes(5)},
                                              {1.1, std::chrono::seconds(10)},
                                              {1.5, std::chrono::milliseconds(20)}};
  // Feeds are shed by under-frequency relays in this order when supply falls short (indices of
  // kFeed nodes in `tree`); default: the reverse of their order in the file.
  std::vector<int> shed_order;
  // A tripped breaker or shed feed is re-closed this long after it opened, if supply allows.
  Duration reclose_delay = std::chrono::minutes(10);
  // A rack the controller powered off takes this long to boot when powered on again (drawing its
  // GPUs' idle and host power meanwhile) before work runs or lands on it.
  Duration rack_boot_time = std::chrono::minutes(5);
  // Under-frequency relays open feeds when a supply shortfall outlasts this delay (plus the
  // shortest rack ride-through). Typical UFLS pickup delays are 6-30 cycles.
  Duration ufls_delay = std::chrono::milliseconds(200);
  // The credible single contingencies the controller holds fast reserve for. Default: the grid,
  // the largest plant and the largest feed, those the site has.
  std::vector<Contingency> contingencies;

  int total_gpus() const {
    int n = 0;
    for (const auto& t : tree) n += t.gpus;
    return n;
  }
};

// The site's facility capacity, W: the root's rating when set (> 0), else the sum of the
// ratings of the root's children (its feeds; the loader leaves the root's rating 0, so a loaded
// site's capacity is the sum of its feeds'). 0 for a site without a tree. What capital is
// counted per W of, and what a lease without `contracted_power_w` is for.
double FacilityCapacityW(const Site& site);

// The month a lease per W-month is priced in: a mean Gregorian month, 365.25 / 12 days
// (730.5 h), so twelve months make a mean year and the cost does not depend on the calendar.
inline constexpr Duration kLeaseMonth = std::chrono::seconds(2'629'800);  // 365.25 × 86,400 / 12

// What a site's capacity costs per second of simulated time, USD/s, by kind (SiteEconomics):
//   CapitalUsdPerS: owned and tent sites, capital_usd_per_w × capacity_w / amortisation
//     (straight-line; 0 for a leased site, or without an amortisation period);
//   LeaseUsdPerS: leased sites, lease_usd_per_w_month × (contracted_power_w, else capacity_w) /
//     kLeaseMonth + lease_usd_per_gpu_h × allocated_gpus / 3600 (0 for an owned or tent site).
// `capacity_w`: FacilityCapacityW(site), which walks the tree: a parameter so that a caller on a
// hot path computes it once. `allocated_gpus`: GPUs allocated to jobs, idle or not. The kind
// alone decides which terms apply: a lease on an owned site is not charged (the loader refuses
// one).
double CapitalUsdPerS(const Site& site, double capacity_w);
double LeaseUsdPerS(const Site& site, double capacity_w, double allocated_gpus);

// ---------------------------------------------------------------------------------------------
// Workloads

enum class WorkloadKind { kTraining, kInference, kBatch };
const char* WorkloadKindName(WorkloadKind k);

inline constexpr int kPriorityClasses = 4;
enum class Priority { kCritical = 0, kHigh = 1, kNormal = 2, kPreemptible = 3 };
const char* PriorityName(Priority p);

struct JobSpec {
  WorkloadKind kind = WorkloadKind::kTraining;
  Priority priority = Priority::kNormal;
  int site = -1;       // -1: any site with room
  int gpu_model = -1;  // -1: whatever the racks have
  int gpus = 8;
  Time arrival = kTimeZero;
  // Training and batch: work in GPU-seconds at full speed; the job ends when it is done.
  double work_gpu_s = 0;
  // Inference: runs from arrival for this long (kTimeNever-like large value = to the horizon).
  Duration lifetime = Duration::max();
  double slowdown_tolerance = 0.05;  // the slowdown the owner accepts (0.3 = 30%)
  Duration checkpoint_interval = std::chrono::minutes(30);
  Duration checkpoint_save = std::chrono::seconds(6);
  Duration restore_time = std::chrono::minutes(5);
  // Iteration power waveform (fractions of TDP): compute phase, communication phase, duty of the
  // compute phase, and iteration period.
  double compute_power_fraction = 1.0;
  double comm_power_fraction = 0.45;
  double compute_duty = 0.75;
  Duration iteration_period = std::chrono::milliseconds(1500);
  // Inference: diurnal demand as a fraction of the service's full-speed capacity, peaking at
  // `peak_hour` local time.
  double demand_peak = 0.9;
  double demand_trough = 0.4;
  double peak_hour = 15;
  // Global scheduling (#9). The sites the job may run at (indices, ascending; empty: any, or
  // `site` when that is set); its team (index into Fleet::teams, -1: none); the data set it reads
  // (index into Fleet::datasets, -1: none); whether the scheduler may preempt it (default: batch
  // and preemptible-priority work); its checkpoint's size, which a migration moves over the WAN.
  std::vector<int> sites;
  int team = -1;
  int dataset = -1;
  bool preemptible = false;
  // Default (DefaultCheckpointBytes): 14 bytes per parameter for a cross-site job (bf16 weights,
  // fp32 master weights and two Adam moments), else 0.5 GB per GPU (Llama 3 405B on 16,384 GPUs
  // holds about 0.35 GB of such state per GPU).
  double checkpoint_bytes = 0;
  // Set for a cross-site (DiLoCo-family) training job: its learners run at several sites.
  std::optional<CrossSiteSpec> cross_site;
  // Last: what the simulation reads only to name the job (the fields above are read on every
  // change of its power, for a fleet's worth of jobs).
  std::string name;
  // Where it was declared, as the loader's messages locate a field: the place ("fleet.yaml:42:7",
  // or a job table's "jobs.csv:5") and, for a job written in YAML, its field path
  // ("workloads.jobs[3]"; empty for a table row, whose columns are the fields). Both empty for
  // generated jobs.
  std::string origin;
  std::string origin_path;
};

// What a job reads, stored at a home site (docs/fleet-format.md, "Data sets").
struct Dataset {
  std::string name;
  int home_site = -1;
  double size_bytes = 0;
};

// A team's share of the fleet: at most `max_gpus` GPUs allocated at once and at most
// `gpu_hours_per_month` GPU-hours allocated per calendar month (of the fleet's `start`); 0: no
// limit.
struct Team {
  std::string name;
  std::int64_t max_gpus = 0;
  double gpu_hours_per_month = 0;
};

// The defaults of a job's global-scheduling fields that depend on its other fields, for every
// source of jobs (the YAML and table readers, the Philly trace, the generators); basis in
// docs/fleet-format.md ("Workloads").
// A cross-site job's checkpoint: bf16 weights (2 B), fp32 master weights (4 B) and two fp32 Adam
// moments (8 B) per parameter.
inline constexpr double kCheckpointBytesPerParam = 14;
// Any other job's: 0.5 GB per GPU. Llama 3 405B on 16,384 GPUs holds 405e9 × 14 B = 5.7 TB of
// such state, 0.35 GB per GPU; rounded up for the optimiser state of smaller, less sharded jobs.
inline constexpr double kCheckpointBytesPerGpu = 0.5e9;
// What `job`'s checkpoint holds when its source does not say (checkpoint.size).
double DefaultCheckpointBytes(const JobSpec& job);
// Whether the scheduler may preempt `job` when its source does not say (preemptible): batch
// work, and work of the preemptible priority.
bool DefaultPreemptible(const JobSpec& job);

// The fraction of a running training job's time that makes progress: the rest goes to saving its
// periodic checkpoints (save time / interval), none without checkpoints.
inline double CheckpointUsefulFraction(const JobSpec& job) {
  if (job.checkpoint_interval.count() <= 0) return 1.0;
  return std::max(0.0, 1.0 - ToSeconds(job.checkpoint_save) / ToSeconds(job.checkpoint_interval));
}

// The iteration power waveform of a job (JobSpec's compute and communication power as fractions
// of TDP, and the compute phase's duty): all a prediction of its draw under a cap needs.
struct PowerShape {
  double compute_fraction = 1.0;
  double comm_fraction = 0.45;
  double compute_duty = 0.75;
};
PowerShape PowerShapeOf(const JobSpec& job);

// Per-GPU power (W) of a running job under a cap: training draws the compute phase and the
// communication phase of its iteration, each clipped by the cap; inference draws idle plus its
// demand's share of the compute power, clipped by the cap. `demand` is used by inference only.
double RunningPowerW(WorkloadKind kind, const PowerShape& shape, const GpuModel& gpu, double cap_w,
                     double demand);
double RunningPowerW(const JobSpec& job, const GpuModel& gpu, double cap_w, double demand);
// Fraction of full speed of a running job under a cap (inference: fraction of its capacity).
double RunningSpeed(const JobSpec& job, const GpuModel& gpu, double cap_w);

// A seeded generator of jobs for one site (or any).
struct JobGenerator {
  int site = -1;
  double fill_fraction = 0.85;  // keep about this share of GPUs busy with training/batch
  int min_gpus = 8;
  int max_gpus = 4096;
  Duration mean_duration = std::chrono::hours(72);
  double inference_fraction = 0.1;  // share of GPUs given to inference services at t=0
  double batch_fraction = 0.1;      // share of job arrivals that are preemptible batch
  std::array<double, kPriorityClasses> priority_mix = {0.1, 0.3, 0.5, 0.1};
};

// ---------------------------------------------------------------------------------------------
// Events

enum class EventKind {
  kGridOutage,          // grid unavailable for `duration`
  kVoltageSag,          // magnitude = remaining voltage fraction, for `duration`
  kFrequencyExcursion,  // magnitude = frequency in Hz, for `duration`
  kImportLimit,         // magnitude = import limit in W, for `duration` (demand response)
  kTurbineTrip,         // plant (and unit, or all units if unit < 0) trip at `start`
  kHeat,                // magnitude = ambient temperature offset in C, for `duration`
  kFeedTrip,            // a fault opens feed `node`'s breaker at `start`; repaired after `duration`
  kFuelCurtailment,     // plant's fuel cut to `magnitude` (fraction of full burn) for `duration`
  // The grid frequency moves linearly from its value at `start` to `magnitude` Hz over
  // `duration`, then holds there until another ramp moves it (a piecewise-linear trajectory is
  // a sequence of ramps). Its rate of change is what RoCoF relays see.
  kFrequencyRamp,
  kOvervoltage,  // magnitude = voltage as a fraction of nominal (> 1), for `duration`
};
const char* EventKindName(EventKind k);

struct EventSpec {
  EventKind kind = EventKind::kGridOutage;
  int site = 0;
  Time start = kTimeZero;
  Duration duration{0};
  double magnitude = 0;
  int plant = -1;
  int unit = -1;
  // kImportLimit: a hard limit (the utility enforces it) or, by default, a demand-response
  // request the site is asked to meet; compliance is measured.
  bool hard = false;
  std::string origin;  // where it came from, for events.csv: "file.yaml:42", "stochastic"
  int node = -1;       // kFeedTrip: tree index of the feed
  // Announced this long before `start` (a utility's notice of an outage or a cap, planned
  // maintenance, a fuel supplier's curtailment notice, a heat forecast); 0: unannounced.
  Duration notice{0};
  // The voltage phase jump at the event's start, degrees (0: none): what vector-shift relays of
  // on-site generation see. Sags, outages, excursions, ramps and overvoltages may carry one.
  double phase_jump_deg = 0;
};

// Rates of events drawn from a seeded stochastic model, per site.
struct StochasticEvents {
  double grid_outage_rate_per_s = 0;
  Duration grid_outage_mean = std::chrono::hours(1);
  double voltage_sag_rate_per_s = 0;
  double sag_depth_min = 0.3;  // remaining voltage, drawn uniformly in [min, max]
  double sag_depth_max = 0.9;
  Duration sag_duration_mean = std::chrono::milliseconds(150);
};

struct Failures {
  // Unexpected job interruptions (hardware, software) per GPU-second of running work. Llama 3
  // saw 419 in 54 days on 16,384 GPUs: 5.5e-9 per GPU-second.
  double interruptions_per_gpu_s = 0;
};

// The conventional backup the `diesel-backed` strategy assumes: unlimited and instant. The
// defaults are the public figures they are quoted in (docs/fleet-format.md), converted exactly:
//   - heat rate 10,400 Btu/kWh (a reciprocating diesel generator set, ~33% efficient);
//   - fuel 25 $/MMBtu (road diesel at ~3.5 $/gal of 0.138 MMBtu);
//   - CO2 73.96 kg/MMBtu of fuel burnt (distillate fuel oil No. 2, US EPA 40 CFR 98 subpart C,
//     table C-1), i.e. 0.769 t per MWh of electricity at that heat rate.
struct Diesel {
  static constexpr double kHeatRateBtuPerKwh = 10'400;
  static constexpr double kFuelPriceUsdPerMmbtu = 25;
  static constexpr double kCo2KgPerMmbtu = 73.96;

  double heat_rate = kHeatRateBtuPerKwh * kJoulesPerBtu / 3.6e6;  // J of fuel per J
  double fuel_price_usd_per_j = kFuelPriceUsdPerMmbtu / (1e6 * kJoulesPerBtu);
  // kg per J of electricity: kg/MMBtu × Btu/kWh / (1e6 Btu/MMBtu) = kg/kWh.
  double co2_kg_per_j = kCo2KgPerMmbtu * kHeatRateBtuPerKwh / 1e6 / 3.6e6;
};

struct ControlSpec {
  Duration actuation_delay = std::chrono::milliseconds(500);  // cap write to effect
  // Fast shed: the node agent asserts the GPUs' power brake on a local disturbance signal; the
  // GPUs drop to their minimum cap within this delay (hardware power-brake inputs act in ms).
  Duration fast_shed_delay = std::chrono::milliseconds(20);
  double rating_margin = 0.02;  // keep this far under ratings
  HeadroomOptions headroom;     // the `headroom` strategy's tunables (control.headroom)
};

// A file a fleet was read from, for the provenance of a run's outputs (inputs_sha256).
// A file the fleet references, or a time zone it names (path `tz:NAME`, sha256 of the UTC offsets
// the tz database gave it over the longest horizon: config/location.cc).
struct InputFile {
  std::string path;  // as the fleet file names it, normalised, relative to the fleet file's folder
  std::string sha256;  // of its bytes, 64 lowercase hex digits
};

struct Fleet {
  std::string source;         // the file it came from
  std::string source_sha256;  // of that file's bytes (or of the text loaded), 64 hex digits
  // Every file the fleet file references (CSV series, traces, job tables, event files) and the
  // loader read, and every time zone its sites name (`tz:NAME`), each once, in order of path.
  std::vector<InputFile> referenced_files;
  std::vector<GpuModel> gpus;
  std::vector<Site> sites;
  std::vector<JobSpec> jobs;
  std::vector<JobGenerator> generators;
  std::vector<EventSpec> events;
  std::vector<StochasticEvents> stochastic;  // one per site (default: none)
  Wan wan;                                   // regions, links, site uplinks (default: none)
  std::vector<Dataset> datasets;
  std::vector<Team> teams;
  Failures failures;
  Diesel diesel;
  ControlSpec control;
  Duration horizon = std::chrono::hours(24 * 365);
  std::uint64_t seed = 1;
  std::int64_t start_unix_s = kDefaultStartUnixS;  // time zero in UTC (`start`; for outputs only)
};

// The fleet's WAN with every site in it: its `wan` where that names each site's region (the
// loader's), else one region per site (named after it), unlimited uplinks and no links.
Wan WanOf(const Fleet& fleet);

}  // namespace headroom::model

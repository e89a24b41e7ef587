#pragma once
// What one simulation run produces.

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "base/time.h"
#include "model/fleet.h"

namespace headroom::sim {

// Time-series columns, averaged over each resolution bucket (MW unless stated).
enum SeriesColumn {
  kSeriesGrid = 0,  // net import (+) / export (-)
  kSeriesTurbine,
  kSeriesBattery,  // discharge (+) / charge (-)
  kSeriesSolar,
  kSeriesBaseload,
  kSeriesDiesel,
  kSeriesCurtailed,
  kSeriesLoad,  // facility load served
  kSeriesIt,
  kSeriesCapWithheld,  // IT power withheld by caps
  kSeriesUnserved,
  kSeriesSocPercent,   // battery state of charge, %
  kSeriesImportLimit,  // import limit in force (0 while disconnected)
  kSeriesColumns
};
const char* SeriesColumnName(int c);

enum ControlCost { kCostCap = 0, kCostBrake = 1, kCostPause = 2, kCostStop = 3 };
const char* ControlCostName(int c);

struct EnergyBySource {
  double grid_import_j = 0;
  double grid_export_j = 0;
  double turbine_j = 0;
  double battery_discharge_j = 0;
  double battery_charge_j = 0;
  double solar_j = 0;
  double baseload_j = 0;
  double diesel_j = 0;
};

// A span of simulated time, [begin, end).
struct TimeInterval {
  Time begin = kTimeZero;
  Time end = kTimeZero;
  bool operator==(const TimeInterval&) const = default;
};

// Appends [begin, end) to `ascending` (disjoint, ascending intervals, none touching the next),
// extending the last interval when it ends at `begin`. REQUIRES: begin >= the last end.
void AppendInterval(std::vector<TimeInterval>* ascending, Time begin, Time end);
// The union of two such lists, as such a list (touching or overlapping intervals joined).
std::vector<TimeInterval> UnionOfIntervals(const std::vector<TimeInterval>& a,
                                           const std::vector<TimeInterval>& b);

// The 95th percentile of ascending samples: the one at index min(n − 1, ⌊0.95 n⌋) (nearest
// rank, rounded up past the 95% mark); 0 when there are none.
double Percentile95(const std::vector<double>& ascending);

struct SiteResult {
  std::string name;
  // What the site is (set with `name` when the run starts, never changed): its kind, its GPUs
  // and its facility capacity (model::FacilityCapacityW, W); for the fleet, the sums of its
  // sites'.
  model::SiteKind kind = model::SiteKind::kOwned;
  int gpus = 0;
  double capacity_w = 0;
  EnergyBySource energy;
  double facility_served_j = 0;
  double it_j = 0;
  double curtailed_j = 0;
  double battery_loss_j = 0;
  double battery_stored_start_j = 0;
  double battery_stored_end_j = 0;
  double battery_min_stored_j = 0;  // lowest state of charge seen
  double unserved_j = 0;
  double fuel_j = 0;
  double fuel_cost_usd = 0;  // gas turbines and diesel
  double grid_cost_usd = 0;  // net of export revenue
  // What the site's capacity cost over the run beyond energy (model::SiteEconomics, integrated
  // between events by the ledger): capital amortised straight-line (owned, tent sites) and the
  // lease (leased: per W-month of contracted power, per GPU-hour allocated to jobs);
  // capacity_cost_usd = capital_cost_usd + lease_cost_usd. 0 for a site without economics.
  double capital_cost_usd = 0;
  double lease_cost_usd = 0;
  double capacity_cost_usd = 0;
  double co2_kg = 0;
  double max_grid_ramp_w_per_s = 0;  // largest change over any 1-s window
  double max_turbine_ramp_w_per_s = 0;
  // Ramp-rate limit toward the grid (Grid::max_ramp_w_per_s over Grid::ramp_window): the largest
  // change of the import within any window, measured while connected and outside the first
  // seconds of a grid-service request, and the episodes above the limit (0 when there is none).
  double max_grid_swing_w = 0;
  int grid_ramp_violations = 0;
  std::array<double, model::kPriorityClasses>
      useful_gpu_s{};                                        // retained progress + served inference
  std::array<double, model::kPriorityClasses> lost_gpu_s{};  // work lost to crashes of any cause
  double lost_to_power_gpu_s = 0;                            // of which by trips and shedding
  double lost_to_failures_gpu_s = 0;  // of which by hardware/software failures
  // Global scheduling: work lost to preemptions (stopped since the last checkpoint), jobs
  // preempted here, migrations away from and to this site, and checkpoint bytes sent away.
  double lost_to_preemption_gpu_s = 0;
  int preemptions = 0;
  int migrations_out = 0;
  int migrations_in = 0;
  double checkpoint_bytes_out = 0;
  // Data sets staged here (bytes that arrived) and the GPU-hours held idle waiting for them.
  double dataset_bytes_in = 0;
  double data_wait_gpu_s = 0;
  double longest_overload_s = 0;  // longest time any node spent above its (derated) rating
  int breaker_trips = 0;
  int shed_trips = 0;   // feeds tripped by under-frequency load shedding
  int fault_trips = 0;  // feeds opened by faults (events), outside the controller's reach
  // The controller's own contingency-reserve findings (control::Decision::reserve_short_w): the
  // time its fast reserve was short of a declared contingency, and the largest shortfall.
  // The fleet's (merged) result counts the time any of its sites was short: the length of the
  // union of the sites' intervals.
  bool reserve_assessed = false;
  double reserve_short_s = 0;
  double max_reserve_short_w = 0;
  // When it was short: disjoint [begin, end) intervals, ascending, none touching the next.
  std::vector<TimeInterval> reserve_short_intervals;
  int power_crashes = 0;
  int rack_power_offs = 0;  // racks the controller powered off
  // Actions the controller took that raise load (a resume, a rack powered on, a cap raised, a
  // brake released, a pause whose checkpoint write draws more than the job) while the sources
  // were short (shortfall > 0): what a ladder must never do.
  int load_raises_in_deficit = 0;
  int failure_crashes = 0;
  // Useful work the controller's own actions withheld, by action: caps, power brake, pauses,
  // stops (the work lost when stopped). See ControlCost.
  std::array<double, 4> control_cost_gpu_s{};
  // Work that the supply could not have carried whatever the control: the integral of the
  // shortfall of sustainable supply (grid limit, every turbine unit not tripped at its rating,
  // solar, baseload: not the battery, nor which units the strategy committed) below the uncapped
  // demand, in GPU-s at the mean uncapped power per running GPU.
  double supply_deficit_gpu_s = 0;
  // Demand response (requested import limits): windows, energy imported above the request,
  // the slowest time to get under it, and how often the import went back above it once there.
  int dr_windows = 0;
  double dr_excess_j = 0;
  double dr_worst_response_s = 0;
  int dr_breaches = 0;
  double inference_slo_miss_s = 0;  // summed over services
  double inference_demand_gpu_s = 0;
  int jobs_completed = 0;
  int jobs_placed = 0;
  int training_completed = 0;    // of which training and batch (the slowdown sample)
  double mean_completion_h = 0;  // completed training/batch: finish - arrival
  double mean_slowdown = 0;      // completed training/batch: actual / ideal run time
  double p95_slowdown = 0;       // Percentile95(slowdowns)
  // The slowdown of each completed training/batch job (actual / ideal run time), ascending: the
  // samples behind the mean and the 95th percentile, kept so that a fleet's percentile is taken
  // over all its jobs.
  std::vector<double> slowdowns;
  std::vector<std::array<double, kSeriesColumns>> series;  // one row per bucket

  // Energy and capacity together: fuel + grid (net of export) + capacity, USD.
  double total_cost_usd() const { return fuel_cost_usd + grid_cost_usd + capacity_cost_usd; }

  // Adds `other` (another site of the same run) into this result, as the fleet's totals: sums
  // of energies, costs, work, counts and durations; maxima of the worst-case figures (ramps,
  // swings, longest overload, worst shortfall and response); job-weighted means of completion
  // time and slowdown; the 95th-percentile slowdown over the union of both sites' jobs; the time
  // the reserve was short at either site (the union of their intervals); the GPUs and capacity of
  // both. Leaves `name`, `kind` and `series` (per-site MW columns, a state of charge in %, not
  // additive) as they are. Every field is merged here or named as left alone: a field added to
  // SiteResult must be added here too (result.cc checks the struct's size for that).
  void Merge(const SiteResult& other);
};

// One row of the event log: a single record, or an episode of records collapsed by
// sim::EventLog (see event_log.h); a single record is an episode of one.
struct EventRecord {
  Time time = kTimeZero;  // the first record's time
  int site = -1;
  std::string kind;         // e.g. "grid_outage_start", "breaker_trip", "action:set_cap"
  std::string subject;      // node, job, unit name; "" when the episode's records had several
  double value = 0;         // the episode's value of largest magnitude (the first on ties)
  std::string detail;       // the detail of the record that holds `value`, without its unit
  std::string unit;         // the unit of `value` ("MW", "s", "GPU-h", ...), "" when it has none
  Time end = kTimeZero;     // the last record's time
  std::uint64_t count = 1;  // records in the episode
  int subjects = 1;         // distinct subjects among them
  double value_sum = 0;     // the sum of their values (meaningful for GPU-h lost, counts)
};

// The event log's rows. A deque: it grows in fixed blocks, so a log of millions of rows never
// holds a doubled copy of itself while growing (memory stays proportional to the rows).
using EventRows = std::deque<EventRecord>;

// One direction of a WAN link or of a site's uplink over a run (model::WanRoutes' resources).
struct LinkResult {
  std::string name;  // "l0 us->eu", "ohio up" (WanRoutes::ResourceName)
  double capacity_bps = 0;
  double migration_bytes = 0;  // checkpoints moved by migrations
  double exchange_bytes = 0;   // cross-site training's outer-gradient exchanges
  double dataset_bytes = 0;    // data sets staged at the sites that run their readers
  double utilization = 0;      // bits carried / (capacity x horizon); 0 for unlimited
};

// One job of the fleet over a run (a cross-site job once, its learners folded in).
struct JobResult {
  std::string name;
  std::string kind;
  int gpus = 0;
  double arrival_s = 0;
  double first_start_s = -1;  // -1: never started
  double end_s = -1;          // -1: not done by the horizon
  std::string sites;          // the sites it ran at, in the order it first ran there, ';'-separated
  int migrations = 0;
  double move_lost_s = 0;  // from each move's start until the job ran again
  // Seconds its GPUs were held waiting for its data set to be staged at its site (a placement
  // or a migration's arrival at a site with no copy; docs/scheduler.md, "Data sets").
  double data_wait_s = 0;
  int preemptions = 0;
  double useful_gpu_h = 0;  // training and batch: progress; inference: demand served
  bool cross_site = false;
};

struct Result {
  // The run's label: the strategy's name, or "strategy/scheduler" when a comparison runs several
  // global schedulers (set by the caller; the engine sets the strategy's name).
  std::string strategy;
  std::string scheduler;        // the global scheduler's name ("" where the caller did not say)
  bool reads_datasets = false;  // some job of the fleet reads a data set (fleet.datasets)
  // Cross-site training, summed over its jobs: seconds while some learner computed, and those
  // seconds weighted by compute utilisation and by effective progress (utilisation x progress
  // efficiency against synchronous training at one site; model/cross_site.h).
  double cross_site_active_s = 0;
  double cross_site_utilization_s = 0;
  double cross_site_goodput_s = 0;
  std::vector<LinkResult> links;  // the WAN's resources that carried bytes or have a capacity
  std::vector<JobResult> jobs;    // the fleet's jobs, in file order
  Duration horizon{0};
  Duration resolution{0};
  std::uint64_t seed = 0;
  std::uint64_t events_processed = 0;
  std::uint64_t controller_calls = 0;
  std::vector<SiteResult> sites;
  EventRows events;
};

}  // namespace headroom::sim

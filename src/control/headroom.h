#pragma once
// The Headroom site controller: smart load management instead of diesel backup.
//
// Each call it (1) sheds fast if the sources are already short (GPU power brake, ms), (2) plans
// turbine commitment and battery dispatch ahead of need, (3) splits the facility budget down the
// power tree so that every rating (with margin, tents derated in heat) holds, capping the most
// tolerant work first and synchronous jobs uniformly, (4) restores with hysteresis, (5) answers
// demand response, under-frequency droop and price, (6) holds the grid import to its ramp-rate
// limit with the battery, and (7) checks that its fast reserve covers each contingency the site
// declares, saying plainly when it does not and by how much; (8) it tells the global scheduler
// how much work to take away before it pauses any (the pauses still happen in the same call), and
// the spare power it forecasts from announced events. Every action carries its reason. It reads no
// clock and keeps only its own state; the simulator and the daemon host it.
//
// Stale readings: the fast path (the shed and the fast reserve) relies only on readings younger
// than HeadroomOptions::max_reading_age. A job whose power reading is older is still braked by
// the fast shed but counted as shedding nothing, so more work is braked until the deficit is
// covered; its brake and a stale battery reading count for nothing in the fast reserve (so the
// turbines carry more). The slower allocation uses the latest readings whatever their age: its
// next call, seconds later, corrects it.

#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "base/check.h"
#include "control/controller.h"

namespace headroom::control {

// The controller's tunables, with their defaults and units: see model/control_options.h. Set in
// the fleet file under `control: {headroom: {...}}`; ControllerOptions::headroom carries them.
using HeadroomOptions = model::HeadroomOptions;

// One declared contingency against the fast reserve that covers it.
struct ReserveCheck {
  std::string what;          // "the grid", "plant gas-north", "feed hall-a"
  bool load_loss = false;    // a loss of load (needs down reserve), not of supply
  double size_w = 0;         // supply or load lost
  double reserve_w = 0;      // fast reserve in that direction
  std::string reserve_from;  // what the reserve is made of
  double short_w() const { return size_w > reserve_w ? size_w - reserve_w : 0.0; }
};

// The site as designed, at full load: does its fast reserve cover every declared contingency?
// Sizes: the import the turbines cannot replace (the controller imports no more than that), a
// plant's capacity, a feed's rating (or its most draw, if less) with the hottest PUE. Up reserve:
// battery power plus the power brakes of every GPU at full power; down reserve: battery charging
// power plus what the grid's ramp limit absorbs (all of it without a limit).
std::vector<ReserveCheck> AssessDesignReserve(const model::Fleet& fleet, int site);

// What one allocation decided, for tests and benchmarks.
struct AllocationStats {
  int jobs_considered = 0;
  int caps_lowered = 0;
  int caps_raised = 0;
  int pauses = 0;
  int racks_off = 0;      // racks powered off
  int racks_pending = 0;  // racks planned off whose jobs are still saving their checkpoints
  int racks_on = 0;       // racks powered back on
  double planned_it_w = 0;
  double budget_facility_w = 0;
  bool binding = false;
};

namespace internal {

// The racks a snapshot reports not on, and their states: whether another snapshot reports the
// same, in O(racks not on) (a large site has thousands of racks; a few hundred may be off).
class RacksSeen {
 public:
  // Whether `t` reports the racks and states last seen; remembers `t`'s.
  bool SameAsLast(const SiteTelemetry& t) {
    if (t.rack_power_changes != 0 && seen_ && changes_ == t.rack_power_changes) {
      DCHECK(racks_ == t.racks_not_on);  // a host's count that missed a change
      return true;
    }
    changes_ = t.rack_power_changes;
    const size_t n = t.racks_not_on.size();
    next_state_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const auto r = static_cast<size_t>(t.racks_not_on[i]);
      next_state_[i] = r < t.rack_power.size() ? static_cast<char>(t.rack_power[r]) : char{-1};
    }
    // (memcmp of 0 bytes still wants non-null pointers: an empty vector's may be null.)
    const bool same =
        seen_ && racks_.size() == n && state_.size() == n &&
        (n == 0 || (std::memcmp(racks_.data(), t.racks_not_on.data(), n * sizeof(int)) == 0 &&
                    std::memcmp(state_.data(), next_state_.data(), n) == 0));
    if (!same) racks_ = t.racks_not_on;
    state_.swap(next_state_);
    seen_ = true;
    return same;
  }

 private:
  bool seen_ = false;
  std::uint64_t changes_ = 0;
  std::vector<int> racks_;
  std::vector<char> state_, next_state_;
};

}  // namespace internal

class HeadroomController : public SiteController {
 public:
  // Builds the controller of `config.site` with `options.headroom` as its tunables. REQUIRES:
  // the site and the GPU catalogue `config` refers to outlive the controller.
  HeadroomController(const SiteConfig& config, const ControllerOptions& options);
  void Decide(const SiteTelemetry& t, Decision* out) override;

  // The re-allocation down the power tree for a facility budget (W). Public for benchmarks.
  AllocationStats Allocate(const SiteTelemetry& t, double facility_budget_w, Decision* out);
  // The fast path after a disturbance: brake the most tolerant running work until `deficit_w`
  // of facility load is shed. Returns the facility W the brakes will shed.
  double FastShed(const SiteTelemetry& t, double deficit_w, Decision* out);

 private:
  // The controller's code is split by responsibility (each file says what it holds):
  //   headroom.cc           construction, shared accessors, Decide's sequence of steps
  //   headroom_fast.cc      the fast path: the fast shed and the fast reserve it counts on
  //   headroom_dispatch.cc  turbine commitment, the budget, battery dispatch, ramp smoothing
  //   headroom_allocate.cc  the allocation of the budget down the power tree (planning caps,
  //                         pauses, restore with hysteresis)
  //   headroom_racks.cc     the rungs that power racks off and the consolidated plan
  //   headroom_notice.cc    preparing for announced events; the outlook for the scheduler
  //   headroom_reserve.cc   the contingency-reserve assessment, live and at design time
  // headroom_internal.h holds the named constants of the policy that more than one file uses;
  // headroom_plan.h the allocation plan's rungs, rack marks and running totals.
  struct JobPlan {
    int view = -1;
    double cap_w = 0;    // planned cap
    double power_w = 0;  // planned per-GPU draw
    bool pause = false;
  };
  // What the sources can carry now and the battery's part in it (Decide's step 3).
  struct Supply {
    double grid_now_w = 0;      // what the grid gives now (the ramp-limited reference, if any)
    double deficit_w = 0;       // full demand beyond what the sources carry now
    double bridge_w = 0;        // what the battery bridges until the turbines catch up
    double budget_w = 0;        // the facility budget, less the rating margin
    bool ramp_limited = false;  // the grid has a ramp limit the battery holds it to
    // What the battery, beyond the budget, can carry for kObjectiveBridge: the allocation's last
    // rung (inference below its objective) sheds only what exceeds the budget by more.
    double objective_bridge_w = 0;
  };
  // What announced events mean for this call (Decide's step 0; headroom_notice.cc).
  struct Notice {
    bool charge = false;  // charge the battery to its top: a supply event within 12 h
    double commit_grid_w = std::numeric_limits<double>::infinity();  // commit turbines for it
    double budget_w = std::numeric_limits<double>::infinity();  // the event's supply (pre-pause)
    bool during = false;  // an announced event is in progress: its budget replaces the usual one
    Time next_step = kTimeNever;  // when the next step of the preparation is due
    Duration lasting{0};          // what is left of an announced supply event on or about to be
    // The latest effect end of the announced supply events that shape the budget (in progress or
    // within the pause lead); kTimeZero: none.
    Time until = kTimeZero;
  };
  Notice ReadNotice(const SiteTelemetry& t, double grid_target_w, Decision* out);
  // What a set of announced events leaves of the supply (W, before the rating margin), beyond
  // the solar and baseload: the grid (the lowest import the grid events among them allow, at
  // most `grid_w`), the turbines not tripped now (less the units the events take out, derated by
  // fuel curtailments; at their rating where the telemetry gives no derated maximum) and the
  // battery's usable energy now spread over what is left of the grid's absence (at most its
  // power). `in[i]` selects t.announced[i]. headroom_notice.cc.
  struct EventSupply {
    double grid_w = 0;
    double turbines_w = 0;
    double spread_w = 0;
    Time grid_from = kTimeNever;   // the earliest start of a grid event selected
    Time grid_until = kTimeNever;  // the latest effect end of one (kTimeNever: none)
  };
  EventSupply SupplyLeft(const SiteTelemetry& t, double grid_w, std::span<const char> in) const;
  // The outlook for the global scheduler (Decision::move_away_w, short_until, forecast_spare_w;
  // headroom_notice.cc). The full draw at the GPUs of the work the allocation's plan (plan_, as
  // Allocate left it this call) pauses or holds paused for the supply, and of work saving its
  // checkpoint on the way to such a pause (not the price response's pauses).
  double MoveAwayW(const SiteTelemetry& t) const;
  // Sets out->forecast_spare_w and out->short_until (out->move_away_w set before it):
  // `full_facility_w` is the facility demand of the work held now (FullFacilityW), `notice_until`
  // the latest effect end of the announced events that shape this call's budget.
  void Outlook(const SiteTelemetry& t, double full_facility_w, Time notice_until, Decision* out);
  // The state of charge the battery recharges to: the reserve level, or its top before an
  // announced event.
  double RechargeSoc() const;
  // Decide's steps, in the order it takes them. Facility demand with every cap, brake and pause
  // lifted (W), and whether any job is braked now.
  double FullFacilityW(const SiteTelemetry& t, bool* braked);
  // What the grid may give: its limit, a demand-response request, less the droop response (sets
  // droop_w_).
  double GridTargetW(const SiteTelemetry& t);
  Supply BudgetFor(const SiteTelemetry& t, double full_facility_w, double grid_target_w,
                   double committed_w, Duration ready_in, double ramp_w_per_s);
  // How long a surplus unit keeps running before it is stopped: the start's wear against what
  // running it at minimum load costs over the grid (HeadroomOptions::start_cost_usd_per_mw).
  Duration DecommitHold(const SiteTelemetry& t) const;
  // The battery's usable energy above the contingency floor (J) and the power it may give (W).
  void BatteryUsable(const SiteTelemetry& t, double* usable_j, double* power_w) const;
  void DispatchBattery(const SiteTelemetry& t, double grid_target_w, const Supply& s,
                       Decision* out) const;
  // Whether anything is capped or paused, or the full demand would not fit the budget or a rating.
  bool NeedsAllocation(const SiteTelemetry& t, double full_facility_w, double budget_w);
  void ReleaseBrakes(const SiteTelemetry& t, Decision* out) const;
  // Pauses preemptible training in expensive hours and resumes it, with hysteresis and a minimum
  // pause, in cheap ones; only jobs it paused itself (price_held_).
  void RespondToPrice(const SiteTelemetry& t, const AllocationStats& stats, Decision* out);
  // Whether the price response holds job `v` paused (the allocator leaves it so).
  bool PriceHeld(const JobView& v) const;
  // Preemptible training and batch: the work the price response may defer.
  static bool PriceResponsive(const JobView& v);
  // Whether the import reference is still walking toward where the site wants it; notes when a
  // walk starts and ends (the steps themselves are in timeseries.csv).
  bool NoteRampWalk(const SiteTelemetry& t, bool ramp_limited, Decision* out);
  // The next wake-up: fast while things move, slower while caps merely hold, idle otherwise.
  void ScheduleWake(const SiteTelemetry& t, const AllocationStats& stats, bool braked,
                    double deficit_w, bool walking, Decision* out) const;
  // Commits and targets turbines; returns the capacity committed after its own actions (W) and
  // sets *ready_in to when the slowest unit it relies on comes online.
  double Dispatch(const SiteTelemetry& t, double full_facility_w, double grid_target_w,
                  double fast_reserve_w, Duration* ready_in, double* ramp_w_per_s, Decision* out);
  // Battery power available now plus what the power brakes of running work would shed (W).
  double FastReserve(const SiteTelemetry& t) const;
  // What stopping braked training at once would shed beyond its brake (W), counting only the jobs
  // whose expected loss (work at risk x value x the chance of losing the grid) costs less than
  // turbines holding the same reserve (TurbineOverGridUsdPerJ); sets stops_counted_.
  double StopReserve(const SiteTelemetry& t);
  // What a joule from the turbines costs now beyond one from the grid, fuel and CO2 at the
  // carbon price (USD/J; negative where the turbines are cheaper).
  double TurbineOverGridUsdPerJ(const SiteTelemetry& t) const;
  // The facility W a stop of braked job `v` sheds beyond its brake (its GPUs to idle).
  double StopGainW(const SiteTelemetry& t, const JobView& v) const;
  // Whether the fast shed may stop job `v` (running training that checkpoints, fresh reading).
  bool Stoppable(const SiteTelemetry& t, const JobView& v) const;
  void CheckReserve(const SiteTelemetry& t, double fast_reserve_w, Decision* out);
  // Sets the step period, rate and deadband of the ramp-limited import reference.
  void SetUpRampSmoothing();
  // Moves the ramp-limited import reference toward what the site wants to import; returns it.
  double TrackGridRef(const SiteTelemetry& t, double grid_target_w);
  // Allocate's parts: the plan for the real budget and the caps it lowers; restoring with
  // hysteresis; a plan for a budget; whether a plan raises anything.
  AllocationStats PlanAndLower(const SiteTelemetry& t, double budget_w, Decision* out);
  AllocationStats Restore(const SiteTelemetry& t, double budget_w, bool same, AllocationStats stats,
                          Decision* out);
  // A plan for `budget_w`: the jobs' entries and, per tree node, the racks planned off.
  double PlanFor(const SiteTelemetry& t, double budget_w, std::vector<JobPlan>* plan,
                 std::vector<char>* racks_off);
  bool Raises(const SiteTelemetry& t, const std::vector<JobPlan>& plan,
              const std::vector<char>& racks_off) const;
  // PlanFor's parts: every job at full power, then one rung of the shedding ladder.
  struct PlanState;
  // A plan at full power for `budget` (PlanFullPower), with its excess and nodes over counted.
  void StartPlan(const SiteTelemetry& t, double budget, std::vector<JobPlan>* plan,
                 std::vector<char>* racks_off, PlanState* s);
  void PlanFullPower(const SiteTelemetry& t, PlanState* s);
  void ShedRung(const SiteTelemetry& t, int level, PlanState* s);
  // The rungs that power off racks: empty ones, or (`with_work`) those whose jobs are all paused.
  void PowerOffRung(const SiteTelemetry& t, bool with_work, PlanState* s);
  // The plan for a long deficit: tolerance caps, then every pausable job paused with its racks off
  // and the most important back at their best cap (Consolidate), then the rungs left.
  double PlanConsolidated(const SiteTelemetry& t, double budget_w, std::vector<JobPlan>* plan,
                          std::vector<char>* racks_off);
  // A plan's work rate: GPUs x speed at the planned cap, over the jobs it keeps running.
  double WorkOf(const SiteTelemetry& t, const std::vector<JobPlan>& plan) const;
  // After the last rung (idle load alone over the supply): every rack of paused work off, then
  // paused jobs back on their racks at their minimum cap, most important first, where they fit.
  void Consolidate(const SiteTelemetry& t, PlanState* s);
  // Adds `delta_w` of IT power at rack `rack` to the plan's total and bindable loads.
  // (`nodes` false: the total only, not the bindable loads).
  void AddRack(int rack, double delta_w, PlanState* s, bool nodes = true);
  // PowerOffRung's step at rack `r` (`movable`: RacksWithOnlyIdleWork's answer for it): off in
  // the plan where the budget or a rating over its limit above it needs it.
  void PowerOffInRung(const SiteTelemetry& t, int r, char movable, PlanState* s);
  // Plans rack `rack` off (`pending`: once its jobs have paused).
  void OffInPlan(const SiteTelemetry& t, int rack, bool pending, PlanState* s);
  // Per tree node: whether it is a rack whose GPUs are all free, paused or down (or planned
  // paused in `s`, if given); fills rack_has_work_.
  // Returns a buffer of the controller's, valid until the next call.
  const std::vector<char>& RacksWithOnlyIdleWork(const SiteTelemetry& t, const PlanState* s);
  // Per tree node: whether a job has GPUs on it (computed once per Allocate).
  const std::vector<char>& RacksWithWork(const SiteTelemetry& t);
  // Whether every rack of job `v` is on (not off, not booting).
  bool RacksOn(const SiteTelemetry& t, const JobView& v) const;
  // The IT power of the racks powered off, were they on at idle (W).
  // (Cached while the racks not on and their states are those of the last call.)
  double OffRacksIdleW(const SiteTelemetry& t);
  // Whether `r` is a rack of this site that `t` reports off (false for an index out of range).
  bool OffRack(const SiteTelemetry& t, int r) const;
  // Whether t.racks_not_on lists exactly the racks rack_power reports off or booting, ascending.
  static bool RacksNotOnListed(const SiteTelemetry& t);
  // Whether job `v` draws through a node planned over its limit.
  bool TouchesOver(const SiteTelemetry& t, const JobView& v, const PlanState& s);
  // Replans job `v` (plan entry `p`) at `power_w` per GPU under `cap_w`, paused or not.
  void Apply(const SiteTelemetry& t, const JobView& v, double power_w, double cap_w, bool pause,
             JobPlan* p, PlanState* s);
  // The highest cap in [cap_w, p.cap_w] that sheds `excess` W of facility power (bisection).
  double JustEnoughCap(const SiteTelemetry& t, const JobView& v, const JobPlan& p, double cap_w,
                       double excess) const;
  // Copies the loads of the bindable nodes into node_plan_w_.
  void LoadBindable(const SiteTelemetry& t);
  // Adds `delta_w` per GPU of job `v` to the planned load of every bindable node above its racks.
  void AddToAncestors(const SiteTelemetry& t, const JobView& v, double delta_w);
  // Job `v`'s GPUs under each bindable node above its racks: (bindable index, GPUs), in the order
  // first met. Computed once per snapshot (ForgetBindableGpus starts one): a job spans hundreds
  // of racks, and a plan updates the nodes above a job many times.
  std::span<const std::pair<int, int>> BindableGpus(const SiteTelemetry& t, const JobView& v);
  void ForgetBindableGpus(const SiteTelemetry& t);
  // Fills limit_w_ with the limits of the bindable nodes with tents derated by `tent_derate`.
  void LoadLimits(double tent_derate);
  // A node's limit (W): its rating, derated if a tent, less the rating margin.
  double NodeLimitW(const model::TreeNode& node, double tent_derate) const;
  // The facility W the power brake of running job `v` sheds (down to its minimum cap).
  double BrakeGainW(const SiteTelemetry& t, const JobView& v) const;
  // The job's GPU model, the spec of a unit, and the job's per-GPU draw running under `cap_w`.
  const model::GpuModel& Gpu(const JobView& v) const;
  const model::TurbineUnit& Unit(const UnitView& u) const;
  double PowerAt(const JobView& v, double cap_w) const;
  // The cap at which a job runs at the slowdown its owner tolerates.
  double ToleranceCap(const JobView& v) const;
  // The lowest cap at which job `v` still meets its objective: for an inference service, the cap
  // that serves its present demand (its SLO: a constraint the ladder keeps until its last rung);
  // for other work the GPU's minimum cap.
  double ObjectiveCap(const JobView& v) const;
  // The cap at which a training job does the most work per watt of its servers (host included).
  double MostWorkPerWattCap(const JobView& v) const;
  // Whether a reading taken at `sampled_at` is young enough for the fast path.
  bool Fresh(const SiteTelemetry& t, Time sampled_at) const;

  const model::Site& site_;
  std::span<const model::GpuModel> gpus_;
  const ControllerOptions control_;
  const HeadroomOptions options_;
  // Nodes whose rating can bind (their maximum draw exceeds their worst derated rating).
  std::vector<int> bindable_nodes_;  // tree indices of the bindable nodes
  std::vector<int> bindable_index_;  // tree index -> index in bindable_nodes_, or -1
  // Per rack: the bindable indices of itself and its ancestors (AncestorsOf), flat: rack r's are
  // ancestor_list_[ancestor_begin_[r] .. ancestor_begin_[r + 1]).
  std::vector<int> ancestor_begin_;
  std::vector<int> ancestor_list_;
  std::span<const int> AncestorsOf(int rack) const {
    const auto r = static_cast<size_t>(rack);
    return std::span<const int>(ancestor_list_)
        .subspan(static_cast<size_t>(ancestor_begin_[r]),
                 static_cast<size_t>(ancestor_begin_[r + 1] - ancestor_begin_[r]));
  }
  // Per tree node: kIdleNow for a rack, 0 otherwise (RacksWithOnlyIdleWork's starting point).
  std::vector<char> rack_template_;
  std::vector<int> feeds_;   // tree indices of the feeds
  bool holds_grid_ = false;  // the site declares the loss of the grid a contingency
  // Per tree node: a rack's draw with every GPU idle, hosts included (W; 0 for other nodes).
  std::vector<double> rack_idle_w_;
  double price_mean_ = 0;
  // State.
  Time headroom_since_ = kTimeNever;  // since when raising caps would fit with the band
  Time low_since_ = kTimeNever;       // since when turbine capacity has been in surplus
  std::vector<char> reserve_short_;   // per declared contingency
  // Ramp-limited import (Grid::max_ramp_w_per_s): the import the battery holds the grid at.
  double grid_ref_w_ = 0;
  bool grid_ref_set_ = false;
  Time grid_ref_at_ = kTimeZero;
  double grid_ref_rate_ = 0;        // W/s the reference may move at
  double grid_want_w_ = 0;          // where the reference is heading
  Duration grid_ref_period_{0};     // how often it steps while it moves
  double grid_ref_deadband_w_ = 0;  // a mismatch the battery simply carries
  bool grid_walking_ = false;       // the reference is moving
  double droop_w_ = 0;
  double objective_bridge_w_ = 0;  // Supply::objective_bridge_w of this call
  bool stops_counted_ = false;     // this call's fast reserve counts stops (StopReserve)
  // The import when the present under-frequency excursion began (the droop's reference); < 0
  // outside one.
  double droop_ref_w_ = -1;
  // Jobs the price response paused, and since when, by id (the price response owns them: the
  // allocator neither resumes them nor plans power for them).
  std::map<JobId, Time> price_held_;
  // Announced events already noted in the event log: (start, kind x 1000 + plant).
  std::set<std::pair<Time, int>> noticed_;
  bool charge_to_top_ = false;    // this call: an announced supply event within 12 h
  bool price_expensive_ = false;  // this call's price is above price_pause_ratio x the mean
  // Scratch, reused between calls.
  std::vector<char> selected_;       // per announced event: selected for SupplyLeft
  std::vector<double> node_plan_w_;  // by bindable index
  std::vector<double> limit_w_;      // by bindable index
  std::vector<int> order_;
  std::vector<int> stop_order_;  // FastShed's braked jobs, in stopping order
  std::vector<JobPlan> plan_;
  std::vector<JobPlan> plan_hi_;
  std::vector<char> racks_off_, racks_off_hi_;  // the plans' racks off, per tree node
  std::vector<JobPlan> plan_b_;                 // scratch: the consolidated plan
  std::vector<char> boot_mark_;                 // Consolidate: racks it boots, per tree node
  std::vector<double> add_w_;                   // Consolidate: W added per bindable index
  std::vector<int> touched_;                    // Consolidate: bindable indices in add_w_
  std::vector<char> touched_mark_;              // Consolidate: per bindable index, in touched_
  std::vector<char> racks_off_b_;
  // This call: an announced supply event is on (or about to be) for long enough that the
  // consolidated plan may replace the ladder's (Notice::lasting).
  bool consolidate_ok_ = false;
  bool consolidated_before_ = false;  // consolidate_ok_ at the last call
  std::vector<Time> rack_off_at_;     // per tree node: when this controller powered it off
  std::vector<char> rack_has_work_;   // per tree node: a job has GPUs on the rack
  std::vector<char> idle_racks_;      // RacksWithOnlyIdleWork's answer
  std::vector<std::vector<std::pair<int, int>>> bindable_gpus_;  // BindableGpus, per job view
  std::vector<char> bindable_gpus_ok_;                           // per job view: computed
  std::vector<int> gpus_under_;      // BindableGpus' scratch, per bindable index
  std::vector<char> has_work_;       // RacksWithWork's answer, while has_work_valid_
  bool has_work_valid_ = false;      // reset by each Allocate (one snapshot's plans)
  std::vector<int> empty_racks_;     // RacksWithWork: the racks with no job, ascending
  std::vector<char> planned_pause_;  // RacksWithOnlyIdleWork: per job view, its planned pause
  std::vector<int> alloc_order_;     // Allocate's shedding order (FastShed uses order_)
  // What the last allocation saw and found, to skip planning again on the same inputs.
  std::vector<double> inputs_, inputs_next_;
  internal::RacksSeen memo_racks_;  // and the racks not on
  // OffRacksIdleW's: the racks not on at the last call, and their idle power.
  internal::RacksSeen idle_racks_seen_;
  double off_racks_idle_w_ = 0;
  struct Memo {
    bool valid = false;
    bool lowered = false;
    bool raises = false;          // the plan for the real budget raises something
    bool narrowed_holds = false;  // the plan for the narrowed budget raised nothing
    int jobs_considered = 0;
    double planned_it_w = 0;
    bool binding = false;
  } memo_;
};

std::unique_ptr<SiteController> MakeHeadroom(const SiteConfig& config,
                                             const ControllerOptions& options);

// Every strategy the command line knows: the reference strategies and `headroom`.
std::vector<Strategy> AllStrategies();

}  // namespace headroom::control

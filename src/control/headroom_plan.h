#pragma once
// The Headroom controller's allocation plan, shared by headroom_allocate.cc (the ladder, lowering
// and restoring) and headroom_racks.cc (the rungs that power racks off and the consolidated plan):
// the rungs' order, the marks a plan puts on racks, and the plan's running totals. Internal to
// the controller's files, like headroom_internal.h.

#include <vector>

#include "control/headroom.h"

namespace headroom::control {
namespace internal {

// The rungs of the shedding ladder, cheapest first by the work they cost: power off racks with no
// work on them (0: their idle and host power, for the price of a boot before new work lands
// there), caps to each job's tolerance (1), caps to the GPU's minimum (2), checkpoint and pause
// (3), then power off the racks whose jobs are all paused (4: a boot before they resume). After
// the last, paused jobs whose racks stay on run again at their minimum cap where that fits
// (pausing saves only the difference between a GPU's minimum cap and its idle draw; powering off
// saves the idle and host power too, so the last rung can leave room the pauses did not).
inline constexpr int kEmptyRacksRung = 0;
inline constexpr int kToleranceRung = 1;
inline constexpr int kPauseRung = 3;
inline constexpr int kPowerOffRung = 4;
// Then, once nothing else is left to shed, inference below its objective (5): an inference service
// is capped no lower than its objective (ObjectiveCap) on the rungs before. Its SLO is a
// constraint, not a cost weighed against training's.
inline constexpr int kInferenceRung = kPowerOffRung + 1;
inline constexpr int kRungs = kInferenceRung + 1;

// RacksWithOnlyIdleWork's answers, and PlanState::racks_off's marks.
inline constexpr char kIdleNow = 2;      // every job on the rack is paused or down now
inline constexpr char kIdlePlanned = 1;  // only once the plan's pauses are done
inline constexpr char kOffNow = 1;       // planned off, counted against the budget and the ratings
inline constexpr char kOffPending =
    2;  // planned off once its jobs pause: counted against the budget

}  // namespace internal

// PlanFor's running totals.
struct HeadroomController::PlanState {
  std::vector<JobPlan>* plan = nullptr;
  std::vector<char>* racks_off = nullptr;  // per tree node: the rack is planned powered off
  double it_plan = 0;                      // planned IT power (W)
  double excess = 0;                       // planned facility power beyond the budget (W)
  int over = 0;                            // bindable nodes planned over their limit
};

}  // namespace headroom::control

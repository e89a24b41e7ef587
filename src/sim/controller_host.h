#pragma once
// sim::ControllerHost: hosts one control::SiteController per site (control/controller.h), as the
// live daemon does. It builds the controller's snapshot of the site, calls it, holds its decision
// to the interface's contract (control/contract.h), applies the actions that hold to the plant and
// the jobs, records each in the event log, and keeps the controller's requested wake-up.
//
// Invariants:
//   - The snapshot is of now: the twin's meters have no latency, so every reading is taken at
//     now. The node loads and the job views are the engine's own vectors, lent to the snapshot for
//     the call and swapped back before any action is applied, so that a call copies neither. The
//     jobs' rack shares are compacted only once they hold more than twice the live ones plus 4,096
//     (the copy amortized).
//   - Every decision is checked against the contract before anything of it is applied: each
//     violating action is logged (`contract_violation`) and dropped, the others are applied in
//     their order; a next_wake not after now falls back to one second later. The run goes on.
//   - Job actions take effect through the workload (caps after the actuation delay, brakes after
//     the fast-shed delay, pauses, resumes, stops); plant actions at once (import bounds, battery
//     requests, unit targets) or through the units' own timers (a commitment comes online after
//     the unit's start time). An action that changes nothing is not logged.
//   - A site has at most one pending wake-up of its controller (SiteRt::next_wake), never after
//     the horizon.
//
// Calls the workload; called by the engine when it settles a site whose controller must look.

#include "control/controller.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {

class ControllerHost {
 public:
  // REQUIRES: both outlive this.
  ControllerHost(World& world, Workload& workload) : world_(world), workload_(workload) {}

  ControllerHost(const ControllerHost&) = delete;
  ControllerHost& operator=(const ControllerHost&) = delete;

  // The controller's own wake-up came: it is called when the site settles.
  void OnWake(const QueuedEvent& e);
  // Calls site `s`'s controller with a snapshot of now and applies its decision (see above).
  void CallController(int s);

 private:
  void FillTelemetry(int s);  // site(s).telemetry from the plant and jobs now
  void Apply(int s, const control::Action& a);
  void ApplyJobAction(int s, const control::Action& a);
  void ApplyPlantAction(int s, const control::Action& a);
  // Powers a rack off at once, or starts its boot (Protection::OnRackBooted ends it).
  void ApplyRackAction(int s, const control::Action& a);

  World& world_;
  Workload& workload_;
};

}  // namespace headroom::sim

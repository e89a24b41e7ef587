#pragma once
// The contract a site controller's decision must hold, checked by its host.
//
// Both hosts (the simulator's, sim/controller_host.h, and the live daemon's) call CheckDecision on
// every decision before applying it, with the snapshot the decision was made from. A violation
// names the action (or the decision field) at fault and what would be valid; the host records it
// (events.csv: `contract_violation`) and drops that action. It does not abort, in any build: the
// daemon must keep a site running through a controller's bug, and the twin behaves as the daemon.
// A violating next_wake is replaced by the host's default (one second later), and a violating
// field of the outlook for the global scheduler (move_away_w, short_until, forecast_spare_w) by
// its default (ResetBrokenOutlook).
//
// The contract, beyond the comments of control/controller.h:
//   - next_wake > t.now (kTimeNever: no wake-up of its own);
//   - reserve_short_w is not NaN;
//   - move_away_w is finite and >= 0; forecast_spare_w is not NaN (either infinity is allowed);
//     short_until is >= t.now, or kTimeZero (unknown);
//   - every value is a number (never NaN); only an import ceiling may be +inf and only a floor
//     -inf; every other value is finite;
//   - a job action names a job of t.jobs; a cap is > 0 (the host clamps it to the GPU's range);
//     a brake's value is 0 or 1; a pause names a running or starting job, a resume a paused one,
//     a stop a job that is starting, running or saving;
//   - a unit action names a unit of t.units; a commit names an unit that is off, a decommit one
//     that is online or starting; a unit target is >= 0;
//   - a rack action names a rack of t.rack_power; a power-off one that is on with no job on it
//     starting, running or saving (paused and down jobs may stay on it), a power-on one that is
//     off (the decision's earlier actions count);
//   - battery actions only at a site with a battery, values >= 0;
//   - the import ceiling in force after the decision is >= the floor in force after it.

#include <string>
#include <vector>

#include "control/controller.h"

namespace headroom::control {

struct ContractViolation {
  int action = -1;  // index into Decision::actions; -1: the decision itself (next_wake, ...)
  std::string what;
};

// Every way `d` breaks the contract for the snapshot `t`, in action order (empty: it holds).
// Pure; O(actions + jobs × log jobs) when a job action is present, O(actions + units) otherwise,
// plus O(nodes + rack shares) when a rack action is present.
std::vector<ContractViolation> CheckDecision(const SiteTelemetry& t, const Decision& d);

// Sets each field of `d`'s outlook for the global scheduler that breaks the contract for `t`
// (the findings CheckDecision reports on them) back to its default (control::Decision): a host
// passes on only the rest. Returns how many it reset.
int ResetBrokenOutlook(const SiteTelemetry& t, Decision* d);

// "action 3 (set_cap): ..." or "decision: ...", for logs.
std::string Describe(const ContractViolation& v, const Decision& d);

}  // namespace headroom::control

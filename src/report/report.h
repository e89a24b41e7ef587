#pragma once
// Writing simulation results.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "sim/result.h"

namespace headroom::report {

// Fleet totals of one run (the sum over its sites).
sim::SiteResult FleetTotals(const sim::Result& r);

// The summary of several runs of the same fleet: {"strategies": {name: {...}}, ...}.
nlohmann::ordered_json Summary(const std::vector<sim::Result>& runs,
                               const std::string& fleet_source);

// A side-by-side table of the main KPIs, one column per strategy, units in the row labels.
std::string ComparisonTable(const std::vector<sim::Result>& runs);

// When both `headroom` and `diesel-backed` ran: headroom's useful work as a share of the
// diesel-backed plant's, and its shortfall split into what the supply made unavoidable (the
// supply-deficit integral, capped at the loss) and what control choices cost (the rest), with
// the work each kind of action withheld. Null otherwise.
nlohmann::ordered_json HeadroomVsDiesel(const std::vector<sim::Result>& runs);
// The same as text for people, or "" when not applicable.
std::string HeadroomVsDieselText(const std::vector<sim::Result>& runs);

// Writes summary.json, timeseries.csv and events.csv into `dir` (created if missing).
absl::Status WriteOutputs(const std::vector<sim::Result>& runs, const std::string& fleet_source,
                          const std::string& dir);

}  // namespace headroom::report

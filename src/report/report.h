#pragma once
// Writing simulation results.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/calendar.h"
#include "nlohmann/json.hpp"
#include "report/output_dir.h"
#include "sim/result.h"

namespace headroom::report {

// Fleet totals of one run: its sites merged (sim::SiteResult::Merge), named "fleet".
sim::SiteResult FleetTotals(const sim::Result& r);

// What the outputs say about the run beside its results.
struct RunInfo {
  std::string fleet_source;                        // the fleet file's path, or the built-in name
  std::int64_t start_unix_s = kDefaultStartUnixS;  // the fleet's `start`: time zero in UTC
  std::string version;                             // headroom's version
  std::string inputs_sha256;                       // hex; "" when not computed
  std::string inputs_hashed;                       // what the hash covers, in words
  std::string events_level;                        // "all", "summary" or "none"
  bool without_notice = false;  // events' advance notice ignored (simulate --without-notice)
};

// The summary of several runs of the same fleet: {"strategies": {name: {...}}, ...}.
nlohmann::ordered_json Summary(const std::vector<sim::Result>& runs, const RunInfo& info);

// A side-by-side table of the main KPIs for the fleet, one column per strategy, units in the row
// labels; when the fleet has more than one site, each run's SiteTable follows it.
std::string ComparisonTable(const std::vector<sim::Result>& runs);

// One run's sites, one row each, then the fleet's totals: kind, GPUs, useful work (GPU-h),
// energy cost (fuel + grid, M$), capacity cost (M$), total cost (M$), total cost per useful
// GPU-hour ($; "-" without useful work) and trips (breaker and load-shed).
std::string SiteTable(const sim::Result& run);

// When both `headroom` and `diesel-backed` ran: headroom's useful work as a share of the
// diesel-backed plant's, and its shortfall split into what the supply made unavoidable
// (diesel-backed's supply deficit: the load its diesel carried beyond what the plant could have
// sustained, capped at the loss) and what control choices cost (the rest), with
// the work each kind of action withheld. Null otherwise.
nlohmann::ordered_json HeadroomVsDiesel(const std::vector<sim::Result>& runs);
// The same as text for people, or "" when not applicable.
std::string HeadroomVsDieselText(const std::vector<sim::Result>& runs);

// The cost of each strategy's reliability against `unmanaged` (which holds no reserve and sheds
// nothing): per strategy other than `unmanaged`, for the fleet and each site, the differences
// (strategy minus unmanaged) in fuel cost, grid cost, fuel plus grid cost, capacity cost and total
// cost (USD), CO2 (t and % of unmanaged's), useful work (GPU-h) and inference minutes outside
// objective. Null when `unmanaged` did not run or nothing else did.
nlohmann::ordered_json ReliabilityCost(const std::vector<sim::Result>& runs);
// One line for `headroom`'s fleet figures, or "" when not applicable.
std::string ReliabilityCostText(const std::vector<sim::Result>& runs);

// A field of a CSV file, quoted as RFC 4180 says when it holds a comma, a quote, CR or LF.
std::string CsvField(std::string_view s);

// Writes timeseries.csv, events.csv (unless the level is "none") and, last, summary.json into
// `dir` (see OutputDir: partial files renamed into place). The first error names the file.
absl::Status WriteOutputs(const std::vector<sim::Result>& runs, const RunInfo& info,
                          OutputDir& dir);

}  // namespace headroom::report

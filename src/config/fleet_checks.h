#pragma once
// Checks of a loaded fleet as a whole, beyond what each field's own range says: work that could
// never run, and power-tree nodes that their own racks can overload. The loader runs the errors
// at the end of loading; `headroom validate` also prints the warnings.
//
// Depends on: model, base.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/fleet.h"

namespace headroom::config {

// Errors, one per listed job (fleet.jobs) that no site could ever place: a job is placed whole,
// at one site, on GPUs of one model (the model it asks for, else any one model), so it needs a
// site it may use (one of `sites`, else its `site`, else any) with at least `gpus` GPUs of one
// such model. A cross-site job needs gpus / learners of them at min_learners of its sites. Each
// message starts with where the field (`gpus` or `gpu`) was given ("file:line:column:
// workloads.jobs[i].gpus", or for a row of a job table "jobs.csv:line: column \"gpus\""), names the
// job, and says what would be valid: the most GPUs that fit, where, and the models the sites have.
std::vector<std::string> JobsThatFitNoSite(const model::Fleet& fleet);

// Why `series` would change too often over `horizon` for a run to step through: more than
// kMaxSeriesChanges times (config/limits.h). Says how many, and how to lower it: the step it
// would need, or the longest horizon at its step (set with `horizon_name`: "fleet.horizon",
// "--horizon"). nullopt when it is within the limit.
std::optional<std::string> SeriesTooFine(const model::StepSeries& series, Duration horizon,
                                         std::string_view horizon_name);

// The same for every series of every site of `fleet` (its grid's price and carbon, its weather),
// each message naming the site and the series.
std::vector<std::string> SeriesTooFineFor(const model::Fleet& fleet, Duration horizon,
                                          std::string_view horizon_name);

// Warnings, one per power-tree node that its racks can load beyond its rating: the racks below
// it drawing at full load (every GPU at its maximum cap plus its host power; IT power, no PUE)
// exceed the node's rating. Each message names the site, the node, both figures and the ratio.
// Tents are judged at their full rating (they derate further in heat).
std::vector<std::string> NodesOverratedAtFullLoad(const model::Fleet& fleet);

// The IT power (W) the racks below each node of `site` draw with every GPU at its maximum cap,
// plus host power: one entry per tree node.
std::vector<double> FullLoadItW(const model::Fleet& fleet, const model::Site& site);

}  // namespace headroom::config

#pragma once
// The sections of a fleet file, each read by its own file of config/ (internal to config/). Every
// reader reports problems to the Context and adds what is valid to the fleet; none throws.

#include <cstdint>
#include <string>
#include <vector>

#include "config/reader.h"
#include "model/fleet.h"

namespace headroom::config::internal {

// tree.cc: a breaker curve (site default or a node's), and the power tree of a site.
struct PendingNode {
  model::TreeNode node;
  std::string parent_name;  // explicit parent (flat form), else empty
  int nested_parent = -1;   // index in pending list when nested
  YamlNode yaml;
  std::string path;
};

std::vector<model::BreakerStep> ReadBreaker(Context& ctx, Obj& parent, std::string_view key);
// Reads one node (and, recursively, its children) into `out`; nested_parent: index in `out` of
// the node it is written under, or -1 at the top level.
void ReadTreeNode(Context& ctx, const YamlNode& item, const std::string& path, int nested_parent,
                  const std::string& prefix, const model::Fleet& fleet,
                  std::vector<PendingNode>* out);
// Builds site.tree (parents before children) from the pending nodes; reports dangling parents,
// duplicate names, cycles, wrong nesting and ratings above the parent's.
void BuildTree(Context& ctx, const YamlNode& where, const std::string& path,
               const std::string& site_name, std::vector<PendingNode>& pending, model::Site* site);

// contingencies.cc: a site's `contingencies:` (grid, largest_plant, largest_unit, largest_feed,
// {plant: NAME}, {feed: NAME}); each at most once. Without the key the site declares the generic
// ones it has (model::DefaultContingencies); an empty list declares none.
void ReadContingencies(Context& ctx, Obj& so, model::Site* site);

// relays.cc: a grid's frequency_trip_delay and overvoltage_trip (a list of {above, hold}, or
// none), a plant's loss_of_mains ({rocof, rocof_delay, vector_shift, reset}, or none) and a
// battery's cold curve (a list of {temperature, power}, or none). Absent keys keep the defaults.
void ReadGridRelays(Context& ctx, Obj& o, model::Grid* g);
void ReadLossOfMains(Context& ctx, Obj& o, model::TurbinePlant* plant);
void ReadBatteryCold(Context& ctx, Obj& o, model::Battery* b);

// location.cc: a site's `location:` (latitude, longitude, `timezone`, `utc_offset`) into
// site->timezone and site->clock, for a fleet whose time zero is `start_unix_s`. The zone comes
// from the tz database; `utc_offset` alone is a fixed offset; both must agree (the offset must be
// the zone's standard offset); neither is UTC.
void ReadLocation(Context& ctx, Obj& so, std::int64_t start_unix_s, model::Site* site);
// How long after 1 January 00:00 UTC of its year the instant `unix_s` falls.
Duration SinceUtcYearStart(std::int64_t unix_s);

// workloads.cc: workloads.jobs[i], workloads.generators[i], workloads.traces[i].
void ReadJob(Context& ctx, const YamlNode& item, const std::string& path, model::Fleet* fleet);
void ReadGenerator(Context& ctx, const YamlNode& item, const std::string& path,
                   model::Fleet* fleet);
void ReadTrace(Context& ctx, const YamlNode& item, const std::string& path, model::Fleet* fleet);

// global.cc: the global scheduler's inputs (#9), docs/fleet-format.md "The global scheduler".
// ReadSiteGlobal reads a site's `region`, `uplink`, `uplink_latency` (appending its entries to
// fleet->wan, in step with fleet->sites: call it once per site that is added) and `economics`
// (the keys its kind allows; a leased site with plants or a battery is refused). Call it after the
// site's plants and battery were read.
void ReadSiteGlobal(Context& ctx, Obj& so, model::Site* site, model::Fleet* fleet);
// `wan`, `datasets` and `teams` at the top level: after the sites, before the workloads.
void ReadGlobalSections(Context& ctx, Obj& root, model::Fleet* fleet);
// A job's `sites`, `team`, `dataset`, `preemptible` and `cross_site`, checked against the fleet
// (its sites, WAN, teams and data sets) and against the job's kind, site and GPUs, read before.
// In a job table (ctx.columns) `sites` is one cell of names separated by ';'.
void ReadJobGlobal(Context& ctx, Obj& o, const model::Fleet& fleet, model::JobSpec* job);

// events.cc: events[i], event_files[i] (a CSV of events), stochastic_events[i].
void ReadEvent(Context& ctx, const YamlNode& item, const std::string& path, model::Fleet* fleet);
void ReadEventCsv(Context& ctx, const YamlNode& node, const std::string& path, model::Fleet* fleet);
void ReadStochastic(Context& ctx, const YamlNode& item, const std::string& path,
                    model::Fleet* fleet);

}  // namespace headroom::config::internal

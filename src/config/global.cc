// The global scheduler's inputs (#9): a site's WAN region, uplink and economics; the WAN's links
// between regions; data sets; teams; and a job's allowed sites, team, data set, preemptibility
// and cross-site (DiLoCo-family) training. docs/fleet-format.md, "The global scheduler", is the
// user's description of every rule and message here.
#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/units.h"
#include "config/limits.h"
#include "config/sections.h"

namespace headroom::config::internal {

namespace {

constexpr const char* kNoTeams = " (declare them under teams:)";
constexpr const char* kNoDatasets = " (declare them under datasets:)";

// The economics keys of each kind, and what the other kind pays instead (for messages).
const std::vector<std::string_view> kOwnedKeys = {"capital", "amortisation"};
const std::vector<std::string_view> kLeasedKeys = {"lease", "lease_per_gpu_hour",
                                                   "contracted_power"};

// A leased site's plant and battery belong to the landlord: refused, with why.
void RefuseLandlordsPlant(Context& ctx, Obj& so, const model::Site& site) {
  for (const char* key : {"plants", "battery"}) {
    if (!so.Has(key)) continue;
    ctx.Error(so.Get(key), so.Sub(key),
              absl::StrCat("site ", site.name,
                           " is leased: the landlord runs the plant, so the site has no turbines "
                           "or battery of its own to dispatch (its economics.contracted_power "
                           "bounds what it draws); remove ",
                           key, ", or make the site kind: owned"));
  }
}

void ReadEconomics(Context& ctx, Obj& so, model::Site* site) {
  if (!so.Has("economics")) return;
  Obj e(ctx, so.Get("economics"), so.Sub("economics"));
  if (!e.ok()) return;
  const bool leased = site->kind == model::SiteKind::kLeased;
  for (std::string_view key : leased ? kOwnedKeys : kLeasedKeys) {
    if (!e.Has(key)) continue;
    ctx.Error(e.Get(key), e.Sub(key),
              leased ? absl::StrCat("only for an owned or tent site (what its capacity cost to "
                                    "build); site ",
                                    site->name, " is leased: it pays lease, lease_per_gpu_hour")
                     : absl::StrCat("only for a leased site (the lease's terms); site ", site->name,
                                    " is ", model::SiteKindName(site->kind),
                                    ": its capacity costs capital, amortised over amortisation"));
  }
  model::SiteEconomics& ec = site->economics;
  if (leased) {
    if (auto v = e.Qty("lease", Dimension::kPricePerPowerMonth, false, 0, 10))
      ec.lease_usd_per_w_month = *v;
    if (auto v = e.Qty("lease_per_gpu_hour", Dimension::kPricePerGpuHour, false, 0, 1000))
      ec.lease_usd_per_gpu_h = *v;
    if (auto v = e.Qty("contracted_power", Dimension::kPower, false, 1, 1e11))
      ec.contracted_power_w = *v;
  } else {
    if (auto v = e.Qty("capital", Dimension::kPricePerPower, false, 0, 1000))
      ec.capital_usd_per_w = *v;
    if (auto v = e.Dur("amortisation", false, 86400, kLatestInputSeconds)) ec.amortisation = *v;
  }
  if (auto v = e.Qty("availability", Dimension::kFraction, false, 0.5, 1)) ec.availability = *v;
  e.Finish();
}

// Union-find over regions: which regions the WAN's links join, directly or through others.
int RootOf(std::vector<int>& parent, int r) {
  while (parent[static_cast<size_t>(r)] != r) {
    parent[static_cast<size_t>(r)] = parent[static_cast<size_t>(parent[static_cast<size_t>(r)])];
    r = parent[static_cast<size_t>(r)];
  }
  return r;
}

// The job's sites grouped by the part of the WAN they are in (sites of one group can reach each
// other), groups in order of their first site.
std::vector<std::vector<int>> ReachableGroups(const model::Fleet& fleet,
                                              const std::vector<int>& sites) {
  const model::Wan& wan = fleet.wan;
  std::vector<int> parent(wan.regions.size());
  std::iota(parent.begin(), parent.end(), 0);
  for (const model::WanLink& l : wan.links)
    parent[static_cast<size_t>(RootOf(parent, l.a))] = RootOf(parent, l.b);
  std::map<int, size_t> group_of_root;
  std::vector<std::vector<int>> groups;
  for (int s : sites) {
    const int root = RootOf(parent, wan.site_region[static_cast<size_t>(s)]);
    auto [it, inserted] = group_of_root.emplace(root, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(s);
  }
  return groups;
}

// The sites a job may run at: `sites`, else its `site`, else every site.
std::vector<int> UsableSites(const model::Fleet& fleet, const model::JobSpec& j) {
  if (!j.sites.empty()) return j.sites;
  if (j.site >= 0) return {j.site};
  std::vector<int> all(fleet.sites.size());
  std::iota(all.begin(), all.end(), 0);
  return all;
}

std::string SiteList(const model::Fleet& fleet, const std::vector<int>& sites) {
  std::vector<std::string> names;
  names.reserve(sites.size());
  for (int s : sites) names.push_back(fleet.sites[static_cast<size_t>(s)].name);
  return Join(names);
}

// Whether the sites were valid (absent, or every name known once), so that what depends on them
// (a cross-site job's learners) is checked.
bool ReadJobSites(Context& ctx, Obj& o, const model::Fleet& fleet, model::JobSpec* j) {
  const YamlNode n = o.Get("sites");
  if (!n || n.IsNull()) return true;
  // (node, path, name) of each entry.
  struct Entry {
    YamlNode node;
    std::string path;
    std::string name;
  };
  std::vector<Entry> entries;
  if (ctx.columns && n.IsScalar()) {
    const std::string cell(n.Scalar());
    for (absl::string_view part : absl::StrSplit(cell, ';')) {
      entries.push_back({n, o.Sub("sites"), std::string(absl::StripAsciiWhitespace(part))});
    }
  } else if (!n.IsSequence()) {
    ctx.Error(
        n, o.Sub("sites"),
        absl::StrCat("expected a list of site names, such as [ohio, oslo]; found ", TypeName(n)));
    return false;
  } else {
    for (size_t i = 0; i < n.size(); ++i) {
      const std::string path = absl::StrCat(o.Sub("sites"), "[", i, "]");
      if (!n[i].IsScalar()) {
        ctx.Error(n[i], path, absl::StrCat("expected a site name, found ", TypeName(n[i])));
        return false;
      }
      entries.push_back({n[i], path, std::string(n[i].Scalar())});
    }
  }
  if (entries.empty()) {
    ctx.Error(n, o.Sub("sites"), "an empty list; leave sites out to let the job run at any site");
    return false;
  }
  bool valid = true;
  const std::vector<std::string> names = NamesOf(fleet.sites);
  for (const Entry& e : entries) {
    if (e.name.empty()) {
      ctx.Error(e.node, e.path, "an empty site name; separate the names with ';' (ohio;oslo)");
      valid = false;
      continue;
    }
    const int s = FindNamed(ctx, e.node, e.path, e.name, "site", "sites", names, "");
    if (s < 0) {
      valid = false;
      continue;
    }
    if (std::find(j->sites.begin(), j->sites.end(), s) != j->sites.end()) {
      ctx.Error(e.node, e.path, absl::StrCat("site \"", e.name, "\" is listed twice"));
      valid = false;
      continue;
    }
    j->sites.push_back(s);
  }
  std::sort(j->sites.begin(), j->sites.end());
  if (j->site >= 0 && !j->sites.empty() &&
      std::find(j->sites.begin(), j->sites.end(), j->site) == j->sites.end()) {
    ctx.Error(o.Get("site"), o.Sub("site"),
              absl::StrCat("site \"", fleet.sites[static_cast<size_t>(j->site)].name,
                           "\" is not among the job's sites (", SiteList(fleet, j->sites),
                           "); add it to sites, or leave site out"));
    valid = false;
  }
  return valid;
}

// `sites_valid`: whether the job's sites were read without error (else the learners are not
// checked against them: the error already given says what to fix first).
void ReadCrossSite(Context& ctx, Obj& o, const model::Fleet& fleet, bool sites_valid,
                   model::JobSpec* j) {
  if (!o.Has("cross_site")) return;
  const YamlNode node = o.Get("cross_site");
  Obj c(ctx, node, o.Sub("cross_site"));
  if (!c.ok()) return;
  const std::optional<long> learners = c.Int("learners", true, 2, kMaxJobGpus);
  const std::optional<long> min_learners = c.Int("min_learners", false, 1, kMaxJobGpus);
  const std::optional<double> params =
      c.Qty("params", Dimension::kCount, true, 1, kMaxCrossSiteParams);
  const std::optional<double> bits = c.Qty("bits", Dimension::kPlain, false, 1, 32);
  const std::optional<long> inner = c.Int("inner_steps", false, 1, kMaxInnerSteps);
  const std::optional<long> fragments = c.Int("fragments", false, 1, kMaxInnerSteps);
  const std::optional<Duration> step = c.Dur("inner_step_time", false, 1e-3, 3600);
  c.Finish();
  if (j->kind != model::WorkloadKind::kTraining) {
    ctx.Error(node, c.path(),
              absl::StrCat("only for training jobs; job ", j->name, " is ",
                           model::WorkloadKindName(j->kind), ", which runs at one site"));
    return;
  }
  // A field given but refused was reported: check the relations only among valid values.
  const bool given_valid = (min_learners || !c.Has("min_learners")) && (bits || !c.Has("bits")) &&
                           (inner || !c.Has("inner_steps")) && (fragments || !c.Has("fragments")) &&
                           (step || !c.Has("inner_step_time"));
  if (!learners || !params || !given_valid || !sites_valid) return;
  model::CrossSiteSpec x;
  x.learners = static_cast<int>(*learners);
  x.min_learners =
      static_cast<int>(min_learners.value_or(std::min<long>(x.min_learners, *learners)));
  x.params = *params;
  x.bits_per_param = bits.value_or(x.bits_per_param);
  x.inner_steps = static_cast<int>(inner.value_or(x.inner_steps));
  x.fragments = static_cast<int>(fragments.value_or(x.fragments));
  x.inner_step_time = step.value_or(x.inner_step_time);
  bool valid = true;
  if (x.min_learners > x.learners) {
    ctx.Error(c.Get("min_learners"), c.Sub("min_learners"),
              absl::StrCat(x.min_learners, " is above learners (", x.learners,
                           "); the job pauses with fewer than min_learners attached, so give 1 "
                           "to ",
                           x.learners));
    valid = false;
  }
  if (x.fragments > x.inner_steps) {
    ctx.Error(c.Get("fragments"), c.Sub("fragments"),
              absl::StrCat(x.fragments, " fragments over ", x.inner_steps,
                           " inner steps: a fragment is sent at most once an inner step, so give "
                           "1 to ",
                           x.inner_steps));
    valid = false;
  }
  const std::vector<int> usable = UsableSites(fleet, *j);
  if (static_cast<size_t>(x.learners) > usable.size()) {
    ctx.Error(c.Get("learners"), c.Sub("learners"),
              absl::StrCat(x.learners, " learners but job ", j->name, " may use ", usable.size(),
                           " site", usable.size() == 1 ? "" : "s", " (", SiteList(fleet, usable),
                           "); a site runs at most one learner: give at most ", usable.size(),
                           ", or more sites in sites"));
    valid = false;
  }
  if (j->gpus % x.learners != 0) {
    const long below = static_cast<long>(j->gpus / x.learners) * x.learners;
    const long above = below + x.learners;
    ctx.Error(o.Get("gpus"), o.Sub("gpus"),
              absl::StrCat(j->gpus, " GPUs do not split evenly over ", x.learners,
                           " learners (each runs gpus / learners of them); nearest valid: ",
                           below > 0 ? absl::StrCat(below, " or ") : "", above));
    valid = false;
  }
  if (valid && !usable.empty()) {
    const std::vector<std::vector<int>> groups = ReachableGroups(fleet, usable);
    size_t largest = 0;
    for (const auto& g : groups) largest = std::max(largest, g.size());
    if (largest < static_cast<size_t>(x.min_learners)) {
      std::vector<std::string> parts;
      parts.reserve(groups.size());
      for (const auto& g : groups) parts.push_back(absl::StrCat("{", SiteList(fleet, g), "}"));
      ctx.Error(node, c.path(),
                absl::StrCat("job ", j->name,
                             "'s learners exchange updates over the WAN, but at "
                             "most ",
                             largest, " of its sites reach each other (",
                             absl::StrJoin(parts, ", "), "), fewer than min_learners (",
                             x.min_learners, "); join their regions under wan.links"));
      valid = false;
    }
  }
  if (valid) j->cross_site = x;
}

}  // namespace

void ReadSiteGlobal(Context& ctx, Obj& so, model::Site* site, model::Fleet* fleet) {
  model::Wan& wan = fleet->wan;
  std::string region = site->name;
  if (std::optional<std::string> r = so.Str("region", false)) {
    if (r->empty()) {
      ctx.Error(so.Get("region"), so.Sub("region"),
                "an empty region name; leave region out for a region of the site's own");
    } else {
      region = *r;
    }
  }
  const auto it = std::find(wan.regions.begin(), wan.regions.end(), region);
  wan.site_region.push_back(static_cast<int>(it - wan.regions.begin()));
  if (it == wan.regions.end()) wan.regions.push_back(region);
  wan.site_uplink_bps.push_back(
      so.Qty("uplink", Dimension::kDataRate, false, 1, kMaxWanBps).value_or(model::kUnlimitedBps));
  wan.site_uplink_latency.push_back(
      so.Dur("uplink_latency", false, 0, kLongestWanLatencySeconds).value_or(Duration{0}));
  if (site->kind == model::SiteKind::kLeased) RefuseLandlordsPlant(ctx, so, *site);
  ReadEconomics(ctx, so, site);
}

void ReadGlobalSections(Context& ctx, Obj& root, model::Fleet* fleet) {
  if (root.Has("wan")) {
    Obj w(ctx, root.Get("wan"), "wan");
    std::vector<std::string> paths;  // of each link, for messages about a second one
    ForEach(ctx, w, "links", [&](const YamlNode& item, const std::string& path) {
      Obj o(ctx, item, path);
      if (!o.ok()) return;
      const std::optional<std::string> name = o.Str("name", false);
      const YamlNode between = o.Get("between");
      const std::optional<double> capacity =
          o.Qty("capacity", Dimension::kDataRate, true, 1, kMaxWanBps);
      const std::optional<Duration> latency = o.Dur("latency", true, 0, kLongestWanLatencySeconds);
      o.Finish();
      if (!between || between.IsNull()) {
        ctx.Error(item, o.Sub("between"),
                  "missing; a link joins two regions, such as between: [us-east, eu-west]");
        return;
      }
      if (!between.IsSequence() || between.size() != 2 || !between[0].IsScalar() ||
          !between[1].IsScalar()) {
        ctx.Error(between, o.Sub("between"),
                  "expected the two regions the link joins, such as [us-east, eu-west]");
        return;
      }
      int ends[2];
      for (size_t e = 0; e < 2; ++e) {
        ends[e] = FindNamed(ctx, between[e], absl::StrCat(o.Sub("between"), "[", e, "]"),
                            std::string(between[e].Scalar()), "region",
                            "regions (of the sites; a site's region is its name unless it names "
                            "one)",
                            fleet->wan.regions, "");
      }
      if (ends[0] < 0 || ends[1] < 0) return;
      const std::string& a = fleet->wan.regions[static_cast<size_t>(ends[0])];
      const std::string& b = fleet->wan.regions[static_cast<size_t>(ends[1])];
      if (ends[0] == ends[1]) {
        ctx.Error(between, o.Sub("between"),
                  absl::StrCat("both ends are region \"", a,
                               "\"; a link joins two regions (the sites of one region reach "
                               "each other through their uplinks)"));
        return;
      }
      model::WanLink link;
      link.name = name.value_or(absl::StrCat(a, "--", b));
      link.a = ends[0];
      link.b = ends[1];
      for (size_t i = 0; i < fleet->wan.links.size(); ++i) {
        const model::WanLink& other = fleet->wan.links[i];
        if (std::min(other.a, other.b) == std::min(link.a, link.b) &&
            std::max(other.a, other.b) == std::max(link.a, link.b)) {
          ctx.Error(
              between, o.Sub("between"),
              absl::StrCat("a second link between ", a, " and ", b, " (the first is ", paths[i],
                           "); give one link with their capacities added and the latency "
                           "of the path traffic takes"));
          return;
        }
        if (other.name == link.name) {
          ctx.Error(name ? o.Get("name") : item, o.Sub("name"),
                    absl::StrCat("duplicate link name \"", link.name, "\" (also ", paths[i], ")"));
          return;
        }
      }
      if (!capacity || !latency) return;
      link.capacity_bps = *capacity;
      link.latency = *latency;
      fleet->wan.links.push_back(std::move(link));
      paths.push_back(path);
    });
    w.Finish();
  }
  const std::vector<std::string> site_names = NamesOf(fleet->sites);
  ForEach(ctx, root, "datasets", [&](const YamlNode& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    model::Dataset d;
    d.name = o.Str("name", true).value_or("");
    for (const model::Dataset& other : fleet->datasets) {
      if (other.name == d.name)
        ctx.Error(o.Get("name"), o.Sub("name"),
                  absl::StrCat("duplicate data set name \"", d.name, "\""));
    }
    if (std::optional<std::string> home = o.Str("home", true)) {
      d.home_site =
          FindNamed(ctx, o.Get("home"), o.Sub("home"), *home, "site", "sites", site_names, "");
    }
    d.size_bytes = o.Qty("size", Dimension::kDataSize, true, 1, kMaxDataBytes).value_or(0);
    o.Finish();
    fleet->datasets.push_back(std::move(d));
  });
  ForEach(ctx, root, "teams", [&](const YamlNode& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    model::Team t;
    t.name = o.Str("name", true).value_or("");
    for (const model::Team& other : fleet->teams) {
      if (other.name == t.name)
        ctx.Error(o.Get("name"), o.Sub("name"),
                  absl::StrCat("duplicate team name \"", t.name, "\""));
    }
    if (o.Has("quota")) {
      Obj q(ctx, o.Get("quota"), o.Sub("quota"));
      if (auto v = q.Int("gpus", false, 1, kMaxFleetGpus)) t.max_gpus = *v;
      if (auto v =
              q.Qty("gpu_hours_per_month", Dimension::kGpuHours, false, 1, kMaxGpuHoursPerMonth))
        t.gpu_hours_per_month = *v;
      q.Finish();
    }
    o.Finish();
    fleet->teams.push_back(std::move(t));
  });
}

void ReadJobGlobal(Context& ctx, Obj& o, const model::Fleet& fleet, model::JobSpec* j) {
  const bool sites_valid = ReadJobSites(ctx, o, fleet, j);
  if (std::optional<std::string> team = o.Str("team", false)) {
    j->team = FindNamed(ctx, o.Get("team"), o.Sub("team"), *team, "team", "teams",
                        NamesOf(fleet.teams), kNoTeams);
    const model::Team* t = j->team >= 0 ? &fleet.teams[static_cast<size_t>(j->team)] : nullptr;
    if (t != nullptr && t->max_gpus > 0 && j->gpus > t->max_gpus) {
      ctx.Error(o.Get("team"), o.Sub("team"),
                absl::StrCat("job ", j->name, " needs ", j->gpus, " GPUs but team ", t->name,
                             " may hold at most ", t->max_gpus,
                             " at once (its quota.gpus), so it would never run"));
    }
  }
  if (std::optional<std::string> dataset = o.Str("dataset", false)) {
    j->dataset = FindNamed(ctx, o.Get("dataset"), o.Sub("dataset"), *dataset, "data set",
                           "data sets", NamesOf(fleet.datasets), kNoDatasets);
  }
  j->preemptible = o.Bool("preemptible").value_or(model::DefaultPreemptible(*j));
  ReadCrossSite(ctx, o, fleet, sites_valid, j);
  // A job that reads a data set starts only where a copy is, and a copy comes from its home over
  // the WAN: some site the job may run at must be reachable from there (the others are not
  // offered to it). (A cross-site job's learners read their shards where they run.)
  if (j->dataset >= 0 && sites_valid && !j->cross_site && !o.Has("cross_site") &&
      fleet.datasets[static_cast<size_t>(j->dataset)].home_site >= 0) {
    const model::Dataset& d = fleet.datasets[static_cast<size_t>(j->dataset)];
    std::vector<int> sites = {d.home_site};
    // (A job pinned with `site` runs there, whatever its `sites`.)
    const std::vector<int> usable =
        j->site >= 0 ? std::vector<int>{j->site} : UsableSites(fleet, *j);
    sites.insert(sites.end(), usable.begin(), usable.end());
    const std::vector<std::vector<int>> groups = ReachableGroups(fleet, sites);
    if (groups[0].size() == 1 &&
        std::find(usable.begin(), usable.end(), d.home_site) == usable.end()) {
      ctx.Error(o.Get("dataset"), o.Sub("dataset"),
                absl::StrCat("job ", j->name, " reads data set ", d.name, ", stored at ",
                             fleet.sites[static_cast<size_t>(d.home_site)].name,
                             ", which the WAN does not connect to any site where the job may run (",
                             SiteList(fleet, usable),
                             "), so it could never start; list among the job's sites one its data "
                             "reaches, or join their regions under wan.links"));
    }
  }
}

}  // namespace headroom::config::internal

#include "config/fleet_checks.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/units.h"
#include "config/limits.h"

namespace headroom::config {
namespace {

// GPUs per model at a site, by model index (ordered, so that messages are deterministic).
std::map<int, long> GpusByModel(const model::Site& site) {
  std::map<int, long> out;
  for (const model::TreeNode& n : site.tree) {
    if (n.gpus > 0 && n.gpu_model >= 0) out[n.gpu_model] += n.gpus;
  }
  return out;
}

std::string ModelList(const model::Fleet& fleet, const std::map<int, long>& by_model) {
  std::vector<std::string> parts;
  parts.reserve(by_model.size());
  for (const auto& [m, n] : by_model) {
    parts.push_back(absl::StrCat(n, " ", fleet.gpus[static_cast<size_t>(m)].name));
  }
  return parts.empty() ? "no GPUs" : absl::StrJoin(parts, ", ");
}

// Where field `field` of job `j` was given, as the loader's messages say it: "fleet.yaml:42:7:
// workloads.jobs[3].gpus", "jobs.csv:5: column \"gpus\"", or "job NAME.gpus" for a job of no file.
std::string FieldPlace(const model::JobSpec& j, const char* field) {
  if (j.origin.empty()) return absl::StrCat("job ", j.name, ".", field);
  if (j.origin_path.empty()) return absl::StrCat(j.origin, ": column \"", field, "\"");
  return absl::StrCat(j.origin, ": ", j.origin_path, ".", field);
}

}  // namespace

namespace {

// A cross-site job runs gpus / learners GPUs of one model at each of at least min_learners of the
// sites it may use: the error when fewer of them have that many, or nullopt.
template <typename MayUse>
std::optional<std::string> LearnersThatFitNoSite(const model::Fleet& fleet,
                                                 const std::vector<std::map<int, long>>& by_site,
                                                 const model::JobSpec& j, const MayUse& may_use) {
  const model::CrossSiteSpec& x = *j.cross_site;
  const long per_learner = j.gpus / x.learners;
  std::vector<std::string> fit, short_of;
  for (size_t s = 0; s < fleet.sites.size(); ++s) {
    if (!may_use(s)) continue;
    long most = 0;
    for (const auto& [m, n] : by_site[s]) {
      if (j.gpu_model < 0 || m == j.gpu_model) most = std::max(most, n);
    }
    (most >= per_learner ? fit : short_of).push_back(absl::StrCat(fleet.sites[s].name, ": ", most));
  }
  if (static_cast<long>(fit.size()) >= x.min_learners) return std::nullopt;
  return absl::StrCat(
      FieldPlace(j, "gpus"), ": job ", j.name, " runs ", per_learner,
      " GPUs at each learner's site (gpus / learners) and needs min_learners = ", x.min_learners,
      " such sites, but only ", fit.size(), " of its sites have that many of one GPU model",
      j.gpu_model >= 0 ? " (the model it asks for)" : "",
      ", so it would never run; GPUs of one model at its sites: ", absl::StrJoin(fit, ", "),
      fit.empty() || short_of.empty() ? "" : ", ", absl::StrJoin(short_of, ", "));
}

}  // namespace

std::vector<std::string> JobsThatFitNoSite(const model::Fleet& fleet) {
  std::vector<std::map<int, long>> by_site;
  for (const model::Site& s : fleet.sites) by_site.push_back(GpusByModel(s));
  std::vector<std::string> errors;
  for (const model::JobSpec& j : fleet.jobs) {
    // The sites it may use: those listed in `sites`, else its `site`, else any.
    const auto may_use = [&j](size_t s) {
      if (!j.sites.empty())
        return std::find(j.sites.begin(), j.sites.end(), static_cast<int>(s)) != j.sites.end();
      return j.site < 0 || j.site == static_cast<int>(s);
    };
    if (j.cross_site) {
      if (std::optional<std::string> e = LearnersThatFitNoSite(fleet, by_site, j, may_use))
        errors.push_back(std::move(*e));
      continue;
    }
    long best = 0;
    int best_site = -1, best_model = -1;
    bool model_somewhere = false;
    for (size_t s = 0; s < fleet.sites.size(); ++s) {
      if (!may_use(s)) continue;
      for (const auto& [m, n] : by_site[s]) {
        if (j.gpu_model >= 0 && m != j.gpu_model) continue;
        model_somewhere = true;
        if (n > best) {
          best = n;
          best_site = static_cast<int>(s);
          best_model = m;
        }
      }
    }
    if (j.gpus <= best) continue;
    if (j.gpu_model >= 0 && !model_somewhere) {
      std::vector<std::string> have;
      for (size_t s = 0; s < fleet.sites.size(); ++s) {
        if (!may_use(s)) continue;
        have.push_back(absl::StrCat(fleet.sites[s].name, ": ", ModelList(fleet, by_site[s])));
      }
      errors.push_back(
          absl::StrCat(FieldPlace(j, "gpu"), ": job ", j.name, " asks for GPU model ",
                       fleet.gpus[static_cast<size_t>(j.gpu_model)].name, ", which ",
                       j.site >= 0 && j.sites.empty()
                           ? absl::StrCat("site ", fleet.sites[static_cast<size_t>(j.site)].name,
                                          " does not have")
                           : std::string("no site has"),
                       ", so it would never run; valid: a model its site(s) have (",
                       absl::StrJoin(have, "; "), ")"));
      continue;
    }
    errors.push_back(absl::StrCat(
        FieldPlace(j, "gpus"), ": job ", j.name, " needs ", j.gpus, " GPUs but its site(s) have ",
        best,
        " that fit (a job runs whole, at one site, on one GPU model), so it would never run; "
        "valid: 1 to ",
        best, " (", fleet.gpus[static_cast<size_t>(best_model)].name, " at site ",
        fleet.sites[static_cast<size_t>(best_site)].name, ")"));
  }
  return errors;
}

std::optional<std::string> SeriesTooFine(const model::StepSeries& series, Duration horizon,
                                         std::string_view horizon_name) {
  const double changes = series.ChangesWithin(horizon);
  if (changes <= kMaxSeriesChanges) return std::nullopt;
  const double horizon_s = ToSeconds(horizon);
  return absl::StrFormat(
      "changes %.0f times over the horizon of %s (every %s on average%s); the simulation steps at "
      "each change, and at most %.0f are allowed: give a step of at least %s, or a %s of at most "
      "%s",
      changes, FormatDuration(horizon), FormatDuration(FromSeconds(horizon_s / changes)),
      series.period.count() > 0 ? absl::StrCat(", repeating every ", FormatDuration(series.period))
                                : "",
      kMaxSeriesChanges, FormatDuration(FromSeconds(horizon_s / kMaxSeriesChanges)),
      std::string(horizon_name),
      FormatDuration(FromSeconds(horizon_s * kMaxSeriesChanges / changes)));
}

std::vector<std::string> SeriesTooFineFor(const model::Fleet& fleet, Duration horizon,
                                          std::string_view horizon_name) {
  std::vector<std::string> out;
  for (const model::Site& site : fleet.sites) {
    for (const auto& [name, series] : {std::pair<const char*, const model::StepSeries*>{
                                           "grid.price", &site.grid.price_usd_per_j},
                                       {"grid.carbon", &site.grid.carbon_kg_per_j},
                                       {"weather", &site.ambient_c}}) {
      if (std::optional<std::string> why = SeriesTooFine(*series, horizon, horizon_name)) {
        out.push_back(absl::StrCat("site ", site.name, ": ", name, ": ", *why));
      }
    }
    for (const model::TurbinePlant& plant : site.plants) {
      if (!plant.fuel_price_usd_per_j) continue;
      if (std::optional<std::string> why =
              SeriesTooFine(*plant.fuel_price_usd_per_j, horizon, horizon_name)) {
        out.push_back(
            absl::StrCat("site ", site.name, ": plant ", plant.name, ": fuel_price: ", *why));
      }
    }
  }
  return out;
}

std::vector<double> FullLoadItW(const model::Fleet& fleet, const model::Site& site) {
  std::vector<double> full(site.tree.size(), 0.0);
  // Children come after their parents: accumulate from the leaves up.
  for (size_t i = site.tree.size(); i-- > 0;) {
    const model::TreeNode& n = site.tree[i];
    if (n.gpus > 0 && n.gpu_model >= 0) {
      const model::GpuModel& g = fleet.gpus[static_cast<size_t>(n.gpu_model)];
      full[i] += n.gpus * (g.cap_max_w + g.host_w);
    }
    if (n.parent >= 0) full[static_cast<size_t>(n.parent)] += full[i];
  }
  return full;
}

std::vector<std::string> NodesOverratedAtFullLoad(const model::Fleet& fleet) {
  std::vector<std::string> warnings;
  for (const model::Site& site : fleet.sites) {
    const std::vector<double> full = FullLoadItW(fleet, site);
    for (size_t i = 0; i < site.tree.size(); ++i) {
      const model::TreeNode& n = site.tree[i];
      if (n.rating_w <= 0 || full[i] <= n.rating_w) continue;
      warnings.push_back(absl::StrFormat(
          "site %s: %s %s is rated %s but the racks below it draw %s at full load (every GPU at "
          "its maximum cap plus host power): %.0f%% of its rating; a controller must cap them or "
          "its breaker trips",
          site.name, model::NodeKindName(n.kind), n.name, FormatPower(n.rating_w),
          FormatPower(full[i]), 100 * full[i] / n.rating_w));
    }
  }
  return warnings;
}

}  // namespace headroom::config

#pragma once
// The reference strategies Headroom is measured against, and the baseline dispatch they share.

#include <vector>

#include "control/controller.h"

namespace headroom::control {

// unmanaged, static-cap, diesel-backed, in that order.
std::vector<Strategy> ReferenceStrategies();

// The power each GPU may draw so that the whole site, every GPU busy at the worst PUE, fits its
// firm supply: the supply left after losing the largest single source (the grid or the largest
// gas plant). Clamped to the GPU's cap range; `feasible` is false when even the smallest cap does
// not fit.
struct StaticCap {
  double firm_supply_w = 0;
  double cap_w = 0;  // per GPU, for the site's first GPU model
  bool feasible = true;
};
StaticCap ComputeStaticCap(const SiteConfig& config);
StaticCap ComputeStaticCap(const model::Fleet& fleet, int site);  // for fleet-wide reports

// Dispatch helpers shared by the controllers.
// The configuration of the unit `u` names. REQUIRES: `u` is a unit of `site`.
const model::TurbineUnit& UnitSpec(const model::Site& site, const UnitView& u);
// Decommits the last online unit once `surplus` has held for 30 min (tracked in *low_since).
// Returns the rating it takes off line (0 if none).
double DecommitAfterSurplus(const model::Site& site, const SiteTelemetry& t, bool surplus,
                            Time* low_since, Decision* out);
// Shares `want` (W) over the online units in proportion to their ratings, each within its
// minimum stable load and rating; writes only targets that move by more than 1% of the rating.
void ShareTurbineTargets(const model::Site& site, const SiteTelemetry& t, double want,
                         const std::string& reason, Decision* out);

// Baseline turbine and battery dispatch: commit units so that the gas plants cover what the grid
// cannot (plus a 5% margin), keep all units spinning if `keep_all_online`, split the target over
// online units, charge the battery from spare grid import. Appends to `out`.
class BaselineDispatch {
 public:
  // REQUIRES: `site` outlives the dispatch.
  BaselineDispatch(const model::Site& site, bool keep_all_online)
      : site_(site), keep_all_online_(keep_all_online) {}
  void Decide(const SiteTelemetry& t, Decision* out);

 private:
  const model::Site& site_;
  bool keep_all_online_;
  Time low_since_ = kTimeNever;  // since when the online fleet has been more than needed
};

}  // namespace headroom::control

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
// The most unit `u` can give now at full ramp (UnitView::max_w, else its rating): what unit
// commitment counts on.
double UnitMaxW(const model::Site& site, const UnitView& u);
// Decommits the last online unit once `surplus` has held for `hold` (default 30 min; tracked in
// *low_since). Returns the rating it takes off line (0 if none).
inline constexpr Duration kDecommitAfter = std::chrono::minutes(30);
double DecommitAfterSurplus(const model::Site& site, const SiteTelemetry& t, bool surplus,
                            Time* low_since, Decision* out, Duration hold = kDecommitAfter);
// Shares `want` (W) over the online units in proportion to their ratings, each within its
// minimum stable load and rating; writes only targets that move by more than 1% of the rating.
void ShareTurbineTargets(const model::Site& site, const SiteTelemetry& t, double want,
                         const std::string& reason, Decision* out);

// Baseline turbine and battery dispatch: commit units so that the gas plants cover what the grid
// cannot (plus a 5% margin), keep all units spinning if `keep_all_online`, split the target over
// online units, charge the battery from spare grid import. Appends to `out`.
//
// "What the grid cannot cover" includes the racks that are de-energized (a shed feed, a tripped
// breaker) at idle: a host re-closes a breaker only when the supply can carry its subtree at idle
// on top of the load, so a dispatch that followed the energized load alone would stop the units a
// dark feed needs and keep the site dark for good.
class BaselineDispatch {
 public:
  // REQUIRES: the site and the GPU catalogue outlive the dispatch.
  BaselineDispatch(const SiteConfig& config, bool keep_all_online)
      : site_(config.site), gpus_(config.gpus), keep_all_online_(keep_all_online) {}
  void Decide(const SiteTelemetry& t, Decision* out);

  // IT power (W) that the de-energized racks of the site would draw at idle (every GPU at
  // `idle_w` plus its host power): the load a re-close of every open breaker adds. A rack draws
  // nothing only while de-energized (an energized rack draws at least its GPUs' idle and host
  // power), and a rack whose idle draw is zero adds nothing, so a node of zero load with idle
  // demand below it is dark, and the dark nodes whose parents are lit are the open breakers.
  // O(inner nodes + racks that can overload their own breaker); Decide calls it only while
  // t.open_breakers > 0. REQUIRES: t.node_load_w set.
  double DeenergizedIdleW(const SiteTelemetry& t);

 private:
  const model::Site& site_;
  std::span<const model::GpuModel> gpus_;
  bool keep_all_online_;
  Time low_since_ = kTimeNever;  // since when the online fleet has been more than needed
  // Per tree node: IT W of its racks with every GPU idle (filled on the first call).
  std::vector<double> subtree_idle_w_;
  // The nodes that can top a dark subtree: inner nodes and racks able to trip their own breaker.
  std::vector<int> scan_nodes_;
};

}  // namespace headroom::control

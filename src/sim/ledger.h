#pragma once
// The ledger of one site: energy, fuel, cost (of energy and of capacity), emissions and KPIs
// integrated exactly between events (every power, and the GPUs allocated to jobs, is constant
// between two events; the battery's state of charge is linear), and the time series averaged
// over fixed buckets.
//
// Invariants:
//   - Integrate(site, t) accounts for [site.last, t) with the powers of the last balance, then
//     sets site.last = t; a t not after site.last does nothing. So the energy of each source over
//     the run is the exact integral of its piecewise-constant power.
//   - The capacity cost over [site.last, t) is model::CapitalUsdPerS + model::LeaseUsdPerS at
//     the site's capacity (site.result.capacity_w) and the GPUs allocated then
//     (site.result.gpus, less site.free_gpus), as World sets them, times the interval: a caller
//     that takes or frees GPUs must integrate the site first.
//   - Each series bucket holds the time-average of each flow over the bucket's length.

#include "base/time.h"
#include "model/fleet.h"
#include "sim/state.h"

namespace headroom::sim {

struct LedgerParams {
  Duration resolution{std::chrono::hours(1)};  // series bucket
  model::Diesel diesel;                        // the backup generation's fuel and emissions
};

// Integrates the site's flows over [site.last, t). See the invariants above.
void Integrate(SiteRt& site, Time t, const LedgerParams& p);

}  // namespace headroom::sim

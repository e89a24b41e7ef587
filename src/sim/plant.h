#pragma once
// The plant of one site: its sources (grid, turbines, battery, solar, baseload, backup diesel)
// and the power balance that dispatches them against the facility load.
//
// Invariants (after Balance):
//   - Conservation: grid + turbines + battery (discharge +, charge -) + solar + baseload + diesel
//     - curtailed == facility load - shortfall. BalanceResidualW returns the difference (0 up to
//     rounding); debug builds check it after every balance.
//   - The grid import stays within the hard import limit and the export within the export limit;
//     the battery discharges only above its floor and charges only below its top.
//   - A shortfall is left only when every source is at its limit.

#include "base/time.h"
#include "sim/state.h"

namespace headroom::sim {

// The power the site's sources can give now: grid (within its limits), online turbines at what
// they can give, solar, baseload and the battery while above its floor. `unlimited_diesel`: the
// reference plant with instant, unlimited backup generation (no limit).
double SupplyCapacity(const SiteRt& site, bool unlimited_diesel);

// The power the site's sources can keep giving: grid (within its limits), online turbines at
// their rating (what they can ramp to), solar, baseload; not the battery, whose charge runs out.
double SustainedCapacity(const SiteRt& site, bool unlimited_diesel);

// Dispatches the sources against site.facility_w (computed here from the root's IT load and the
// PUE): sets grid_w, turbine_w (and each unit's output_w), battery_w, curtailed_w, diesel_w and
// shortfall_w. Order of merit: dispatched battery discharge, grid, battery, backup diesel; on
// surplus: battery charging, export, turbine back-off, curtailment.
void Balance(SiteRt& site, bool unlimited_diesel);

// Sources minus loads after Balance, W: 0 up to rounding (see the invariant above).
double BalanceResidualW(const SiteRt& site);

// Ambient temperature, PUE, price, carbon intensity, solar and baseload at `now`; marks the tents
// for a breaker check (their rating derates with heat).
void UpdateAmbient(SiteRt& site, Time now);

}  // namespace headroom::sim

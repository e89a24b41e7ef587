#include "sim/plant.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "sim/power_tree.h"
#include "sim/tolerances.h"

namespace headroom::sim {

double SupplyCapacity(const SiteRt& site, bool unlimited_diesel) {
  if (unlimited_diesel) return 1e30;
  double cap = site.solar_w + site.baseload_w + ImportLimitW(site);
  for (const UnitRt& u : site.units) {
    if (u.state == UnitState::kOnline) cap += UnitAvailableW(site, u);
  }
  if (BatteryAboveFloor(site)) cap += BatteryPowerW(site);
  return cap;
}

double SustainedCapacity(const SiteRt& site, bool unlimited_diesel) {
  if (unlimited_diesel) return 1e30;
  double cap = site.solar_w + site.baseload_w + ImportLimitW(site);
  for (const UnitRt& u : site.units) {
    if (u.state == UnitState::kOnline) cap += UnitRatingW(site, u);
  }
  return cap;
}

void Balance(SiteRt& site, bool unlimited_diesel) {
  const model::Site& spec = *site.spec;
  site.it_w = site.node_load_w.empty() ? 0.0 : site.node_load_w[0];
  site.facility_w = site.it_w * site.pue;
  double import_cap = 0, export_cap = 0;
  if (site.grid_connected) {
    import_cap = spec.grid.import_limit_w;
    import_cap = ImportLimitW(site);
    export_cap = spec.grid.export_limit_w;
  }
  double turbine_avail = 0, turbine_min = 0;
  for (const UnitRt& u : site.units) {
    if (u.state != UnitState::kOnline) continue;
    const double avail = UnitAvailableW(site, u);
    turbine_avail += avail;
    turbine_min += std::min(avail, u.spec->min_load_w);
  }
  double battery_out = 0, battery_in = 0, battery_room_in = 0;
  if (spec.battery) {
    if (BatteryAboveFloor(site)) battery_out = BatteryPowerW(site);
    if (BatteryBelowTop(site)) battery_room_in = BatteryPowerW(site);
  }
  const double charge_req = std::min(site.charge_request_w, battery_room_in);
  double need = site.facility_w - site.solar_w - site.baseload_w - turbine_avail;
  double grid = 0, turbine = turbine_avail, curtailed = 0, diesel = 0, shortfall = 0, discharge = 0;
  if (need >= 0) {
    // A dispatched discharge (bridging, demand response) goes first; the grid is the slack.
    double dispatched = site.discharge_request_w;
    dispatched = std::max(dispatched, need - site.import_ceiling_w);
    // A negative ceiling asks the battery to hold an export (within the export limit).
    discharge = std::min(
        {dispatched, battery_out, need + std::clamp(-site.import_ceiling_w, 0.0, export_cap)});
    need -= discharge;
    battery_out -= discharge;
    grid = std::min(need, import_cap);
    need -= grid;
    if (need <= kEpsW) {
      need = 0;
      if (discharge <= 0) {
        battery_in = std::min(charge_req, import_cap - grid);
        // An import floor: the battery charges to keep the import up (ramp smoothing).
        battery_in = std::max(battery_in, std::min(site.import_floor_w - grid, import_cap - grid));
        battery_in = std::clamp(battery_in, 0.0, battery_room_in);
        grid += battery_in;
      }
    } else {
      const double more = std::min(need, battery_out);
      discharge += more;
      need -= more;
      if (need > kEpsW && unlimited_diesel) {
        diesel = need;
        need = 0;
      }
      shortfall = need > kEpsW ? need : 0.0;
    }
  } else {
    double surplus = -need;
    battery_in = std::min(charge_req, surplus);
    surplus -= battery_in;
    const double exported = std::min(surplus, export_cap);
    grid = -exported;
    surplus -= exported;
    const double backoff = std::min(surplus, turbine_avail - turbine_min);
    turbine -= backoff;
    surplus -= backoff;
    curtailed = surplus;
    if (site.grid_connected) {
      double want = charge_req - battery_in;
      want = std::max(want, site.import_floor_w - grid);
      const double more = std::clamp(
          std::min({want, import_cap - std::max(0.0, grid), battery_room_in - battery_in}), 0.0,
          1e30);
      battery_in += more;
      grid += more;
    }
    // A ceiling under the export (ramp smoothing while exporting): the battery adds to it.
    if (battery_in <= 0 && grid > site.import_ceiling_w) {
      const double more =
          std::max(0.0, std::min({battery_out, grid - site.import_ceiling_w, export_cap + grid}));
      discharge += more;
      grid -= more;
    }
  }
  // Share the turbine output over online units in proportion to what they can give above minimum.
  const double flex = turbine_avail - turbine_min;
  const double f = flex > 0 ? (turbine - turbine_min) / flex : 0.0;
  for (UnitRt& u : site.units) {
    if (u.state != UnitState::kOnline) {
      u.output_w = 0;
      continue;
    }
    const double avail = UnitAvailableW(site, u);
    const double lo = std::min(avail, u.spec->min_load_w);
    u.output_w = lo + (avail - lo) * f;
  }
  site.grid_w = grid;
  site.turbine_w = turbine;
  site.battery_w = discharge - battery_in;
  site.curtailed_w = curtailed;
  site.diesel_w = diesel;
  site.shortfall_w = shortfall;
  assert(std::fabs(BalanceResidualW(site)) <= 1e-6 * (site.facility_w + 1e6));
}

double BalanceResidualW(const SiteRt& site) {
  const double sources = site.grid_w + site.turbine_w + site.battery_w + site.solar_w +
                         site.baseload_w + site.diesel_w - site.curtailed_w;
  return sources - (site.facility_w - site.shortfall_w);
}

void UpdateAmbient(SiteRt& site, Time now) {
  const model::Site& spec = *site.spec;
  site.ambient_c = spec.ambient_c.At(now) + site.heat_offset_c;
  const double pue = spec.cooling.PueAt(site.ambient_c);
  site.pue = pue;
  site.price = spec.grid.price_usd_per_j.At(now);
  site.carbon = spec.grid.carbon_kg_per_j.At(now);
  site.plant_fuel_price.resize(spec.plants.size());
  site.plant_ambient_output.resize(spec.plants.size());
  site.plant_ambient_heat_rate.resize(spec.plants.size());
  for (size_t p = 0; p < spec.plants.size(); ++p) {
    const auto& series = spec.plants[p].fuel_price_usd_per_j;
    site.plant_fuel_price[p] = series ? series->At(now) : -1.0;
    const model::TurbinePlant::AmbientPoint a = spec.plants[p].AmbientAt(site.ambient_c);
    site.plant_ambient_output[p] = a.output;
    site.plant_ambient_heat_rate[p] = a.heat_rate;
  }
  site.battery_power_fraction = spec.battery ? spec.battery->PowerFractionAt(site.ambient_c) : 1.0;
  site.baseload_w = spec.baseload_w;
  site.solar_w = 0;
  if (spec.solar.peak_w > 0) {
    // Standard time: the sun keeps no daylight saving.
    const double local_h = std::fmod(ToHours(spec.clock.StandardSinceZeroDay(now)), 24.0);
    const double h = local_h < 0 ? local_h + 24 : local_h;
    if (h > 6 && h < 18)
      site.solar_w = spec.solar.peak_w * std::sin(3.141592653589793 * (h - 6) / 12);
  }
  for (int t : site.tents) {
    MarkDirty(site, t);
  }
}

}  // namespace headroom::sim

#include "sim/ledger.h"

#include <algorithm>
#include <cmath>

namespace headroom::sim {
namespace {

// The site's capacity cost over `dt` seconds (model::CapitalUsdPerS, model::LeaseUsdPerS): the
// GPUs allocated to jobs (the site's GPUs less the free ones) are constant between events like
// every power. O(1): the capacity and the GPUs are the result's, computed once.
void IntegrateCapacityCost(SiteRt& site, double dt) {
  const model::Site& spec = *site.spec;
  SiteResult& r = site.result;
  const double capital = model::CapitalUsdPerS(spec, r.capacity_w) * dt;
  const double lease = model::LeaseUsdPerS(spec, r.capacity_w, r.gpus - site.free_gpus) * dt;
  r.capital_cost_usd += capital;
  r.lease_cost_usd += lease;
  r.capacity_cost_usd += capital + lease;
}

}  // namespace

void Integrate(SiteRt& site, Time t, const LedgerParams& p) {
  if (t <= site.last) return;
  const double dt = ToSeconds(t - site.last);
  SiteResult& r = site.result;
  EnergyBySource& e = r.energy;
  if (site.grid_w >= 0) {
    e.grid_import_j += site.grid_w * dt;
  } else {
    e.grid_export_j += -site.grid_w * dt;
  }
  r.grid_cost_usd += site.grid_w * dt * site.price;
  r.co2_kg += std::max(0.0, site.grid_w) * dt * site.carbon;
  e.turbine_j += site.turbine_w * dt;
  IntegrateCapacityCost(site, dt);
  if (site.reserve_short_w > 0) {
    r.reserve_short_s += dt;
    AppendInterval(&r.reserve_short_intervals, site.last, t);
  }
  for (const UnitRt& u : site.units) {
    if (u.output_w <= 0) continue;
    const double heat = UnitHeatRateFactor(site, u);  // at today's ambient
    const double fuel = u.output_w * dt * u.spec->heat_rate * heat;
    r.fuel_j += fuel;
    const auto plant = static_cast<size_t>(u.plant);
    const double price = plant < site.plant_fuel_price.size() && site.plant_fuel_price[plant] >= 0
                             ? site.plant_fuel_price[plant]
                             : u.spec->fuel_price_usd_per_j;
    r.fuel_cost_usd += fuel * price;
    // co2 is per J of electricity at the rated heat rate: more fuel, more CO2.
    r.co2_kg += u.output_w * dt * u.spec->co2_kg_per_j * heat;
  }
  if (site.diesel_w > 0) {
    const double fuel = site.diesel_w * dt * p.diesel.heat_rate;
    e.diesel_j += site.diesel_w * dt;
    r.fuel_j += fuel;
    r.fuel_cost_usd += fuel * p.diesel.fuel_price_usd_per_j;
    r.co2_kg += site.diesel_w * dt * p.diesel.co2_kg_per_j;
  }
  e.solar_j += site.solar_w * dt;
  e.baseload_j += site.baseload_w * dt;
  const double soc_before = site.stored_j;
  if (site.spec->battery) {
    const double eta = std::sqrt(site.spec->battery->round_trip_efficiency);
    if (site.battery_w > 0) {
      e.battery_discharge_j += site.battery_w * dt;
      site.stored_j -= site.battery_w / eta * dt;
      r.battery_loss_j += site.battery_w * (1 / eta - 1) * dt;
    } else if (site.battery_w < 0) {
      e.battery_charge_j += -site.battery_w * dt;
      site.stored_j += -site.battery_w * eta * dt;
      r.battery_loss_j += -site.battery_w * (1 - eta) * dt;
    }
    r.battery_min_stored_j = std::min(r.battery_min_stored_j, site.stored_j);
  }
  r.curtailed_j += site.curtailed_w * dt;
  r.facility_served_j += (site.facility_w - site.shortfall_w) * dt;
  r.it_j += site.it_w * dt;
  r.unserved_j += (site.shortfall_w + site.lost_load_w) * dt;
  r.inference_demand_gpu_s += site.inference_demand_rate * dt;
  r.inference_slo_miss_s += site.inference_missing * dt;
  if (!site.dr_limits.empty()) {
    const double limit = DrLimitW(site);
    r.dr_excess_j += std::max(0.0, site.grid_w - limit) * dt;
  }
  if (site.running_gpus > 0) {
    const double demand = (site.it_w + site.cap_withheld_w) * site.pue;
    // What the plant could sustain whatever the control: every turbine unit not tripped at its
    // rating (a controller could have had it online), the grid at its limit, solar, baseload.
    // Not the battery (it cannot sustain), nor which units the strategy committed, nor diesel:
    // the bound is the same for every strategy (diesel-backed's deficit is what its diesel
    // carried beyond the plant).
    double supply = site.solar_w + site.baseload_w + ImportLimitW(site);
    for (const UnitRt& u : site.units) {
      if (u.state != UnitState::kTripped) supply += UnitRatingW(site, u);
    }
    if (demand > supply) {
      const double per_gpu = (site.running_full_w / site.running_gpus + site.host_w) * site.pue;
      r.supply_deficit_gpu_s += (demand - supply) / per_gpu * dt;
    }
  }
  // Time series: split [last, t) at bucket boundaries.
  const double cap_e = site.spec->battery ? site.spec->battery->energy_j : 0.0;
  Time a = site.last;
  while (a < t) {
    const auto bucket = static_cast<size_t>(a.time_since_epoch() / p.resolution);
    if (bucket >= r.series.size()) break;
    const Time bucket_end = Time{p.resolution * static_cast<std::int64_t>(bucket + 1)};
    const Time b = std::min(t, bucket_end);
    const double w = ToSeconds(b - a) / ToSeconds(p.resolution) / 1e6;  // → MW average
    auto& row = r.series[bucket];
    row[kSeriesGrid] += site.grid_w * w;
    row[kSeriesTurbine] += site.turbine_w * w;
    row[kSeriesBattery] += site.battery_w * w;
    row[kSeriesSolar] += site.solar_w * w;
    row[kSeriesBaseload] += site.baseload_w * w;
    row[kSeriesDiesel] += site.diesel_w * w;
    row[kSeriesCurtailed] += site.curtailed_w * w;
    row[kSeriesLoad] += (site.facility_w - site.shortfall_w) * w;
    row[kSeriesIt] += site.it_w * w;
    row[kSeriesCapWithheld] += site.cap_withheld_w * w;
    row[kSeriesUnserved] += (site.shortfall_w + site.lost_load_w) * w;
    if (cap_e > 0) {
      // State of charge is linear in time: its mean over [a, b) is the midpoint value.
      const double fa = ToSeconds(a - site.last) / dt, fb = ToSeconds(b - site.last) / dt;
      const double mid = soc_before + (site.stored_j - soc_before) * (fa + fb) / 2;
      row[kSeriesSocPercent] += 100.0 * mid / cap_e * w * 1e6;
    }
    row[kSeriesImportLimit] += ImportLimitW(site) * w;
    a = b;
  }
  site.last = t;
}

}  // namespace headroom::sim

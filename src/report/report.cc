#include "report/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace headroom::report {
namespace {

constexpr double kMWh = 3.6e9;
constexpr double kGpuHour = 3600.0;

double Sum(const std::array<double, model::kPriorityClasses>& a) {
  double s = 0;
  for (double x : a) s += x;
  return s;
}

// Rounds to 9 significant digits so that the JSON is stable and readable.
double R(double x) {
  if (x == 0 || !std::isfinite(x)) return 0;
  return std::stod(fmt::format("{:.9g}", x));
}

// Fuel + grid + capacity cost per GPU-hour of useful work, USD; NaN when there was none.
double CostPerUsefulGpuHour(const sim::SiteResult& s) {
  const double useful_h = Sum(s.useful_gpu_s) / kGpuHour;
  return useful_h > 0 ? s.total_cost_usd() / useful_h : std::nan("");
}

// One site's (or, without `kind`, the fleet's) figures for summary.json.
nlohmann::ordered_json SiteJson(const sim::SiteResult& s, bool kind) {
  nlohmann::ordered_json j;
  if (kind) j["kind"] = model::SiteKindName(s.kind);
  j["gpus"] = s.gpus;
  j["capacity_mw"] = R(s.capacity_w / 1e6);
  j["useful_work_gpu_hours"] = R(Sum(s.useful_gpu_s) / kGpuHour);
  nlohmann::ordered_json by;
  for (int p = 0; p < model::kPriorityClasses; ++p) {
    by[model::PriorityName(static_cast<model::Priority>(p))] =
        R(s.useful_gpu_s[static_cast<size_t>(p)] / kGpuHour);
  }
  j["useful_work_gpu_hours_by_priority"] = by;
  j["lost_work_gpu_hours"] = R(Sum(s.lost_gpu_s) / kGpuHour);
  j["lost_to_power_gpu_hours"] = R(s.lost_to_power_gpu_s / kGpuHour);
  j["lost_to_failures_gpu_hours"] = R(s.lost_to_failures_gpu_s / kGpuHour);
  j["trips"] = s.breaker_trips + s.shed_trips;
  j["breaker_trips"] = s.breaker_trips;
  j["longest_overload_s"] = R(s.longest_overload_s);
  j["load_shed_trips"] = s.shed_trips;
  j["fault_trips"] = s.fault_trips;
  if (s.reserve_assessed) {
    j["reserve_short_h"] = R(s.reserve_short_s / 3600);
    j["max_reserve_short_mw"] = R(s.max_reserve_short_w / 1e6);
  } else {
    j["reserve_short_h"] = nullptr;
    j["max_reserve_short_mw"] = nullptr;
  }
  j["power_crashes"] = s.power_crashes;
  j["rack_power_offs"] = s.rack_power_offs;
  j["load_raises_in_deficit"] = s.load_raises_in_deficit;
  j["failure_crashes"] = s.failure_crashes;
  j["unserved_energy_mwh"] = R(s.unserved_j / kMWh);
  nlohmann::ordered_json e;
  e["grid_import"] = R(s.energy.grid_import_j / kMWh);
  e["grid_export"] = R(s.energy.grid_export_j / kMWh);
  e["turbine"] = R(s.energy.turbine_j / kMWh);
  e["battery_discharge"] = R(s.energy.battery_discharge_j / kMWh);
  e["battery_charge"] = R(s.energy.battery_charge_j / kMWh);
  e["solar"] = R(s.energy.solar_j / kMWh);
  e["baseload"] = R(s.energy.baseload_j / kMWh);
  e["diesel"] = R(s.energy.diesel_j / kMWh);
  e["facility_load"] = R(s.facility_served_j / kMWh);
  e["it_load"] = R(s.it_j / kMWh);
  e["curtailed"] = R(s.curtailed_j / kMWh);
  e["battery_losses"] = R(s.battery_loss_j / kMWh);
  j["energy_mwh"] = e;
  j["fuel_cost_usd"] = R(s.fuel_cost_usd);
  j["grid_cost_usd"] = R(s.grid_cost_usd);
  j["capital_cost_usd"] = R(s.capital_cost_usd);
  j["lease_cost_usd"] = R(s.lease_cost_usd);
  j["capacity_cost_usd"] = R(s.capacity_cost_usd);
  j["total_cost_usd"] = R(s.total_cost_usd());
  if (const double c = CostPerUsefulGpuHour(s); std::isfinite(c)) {
    j["cost_per_useful_gpu_hour_usd"] = R(c);
  } else {
    j["cost_per_useful_gpu_hour_usd"] = nullptr;
  }
  j["co2_t"] = R(s.co2_kg / 1000);
  j["max_ramp_mw_per_s"] = R(std::max(s.max_grid_ramp_w_per_s, s.max_turbine_ramp_w_per_s) / 1e6);
  j["max_grid_ramp_mw_per_s"] = R(s.max_grid_ramp_w_per_s / 1e6);
  j["max_turbine_ramp_mw_per_s"] = R(s.max_turbine_ramp_w_per_s / 1e6);
  j["max_grid_swing_mw"] = R(s.max_grid_swing_w / 1e6);
  j["grid_ramp_violations"] = s.grid_ramp_violations;
  nlohmann::ordered_json cost;
  for (int c = 0; c < 4; ++c)
    cost[sim::ControlCostName(c)] = R(s.control_cost_gpu_s[static_cast<size_t>(c)] / kGpuHour);
  j["control_cost_gpu_hours"] = cost;
  j["supply_deficit_gpu_hours"] = R(s.supply_deficit_gpu_s / kGpuHour);
  j["dr_windows"] = s.dr_windows;
  j["dr_excess_mwh"] = R(s.dr_excess_j / kMWh);
  j["dr_worst_response_s"] = R(s.dr_worst_response_s);
  j["dr_breaches"] = s.dr_breaches;
  j["inference_minutes_outside_objective"] = R(s.inference_slo_miss_s / 60);
  j["inference_demand_gpu_hours"] = R(s.inference_demand_gpu_s / kGpuHour);
  j["jobs_placed"] = s.jobs_placed;
  j["jobs_completed"] = s.jobs_completed;
  j["mean_completion_h"] = R(s.mean_completion_h);
  j["mean_slowdown"] = R(s.mean_slowdown);
  j["p95_slowdown"] = R(s.p95_slowdown);
  j["battery_min_soc_mwh"] = R(s.battery_min_stored_j / kMWh);
  return j;
}

}  // namespace

sim::SiteResult FleetTotals(const sim::Result& r) {
  sim::SiteResult t;
  t.name = "fleet";
  for (const sim::SiteResult& s : r.sites) t.Merge(s);
  return t;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

nlohmann::ordered_json Summary(const std::vector<sim::Result>& runs, const RunInfo& info) {
  nlohmann::ordered_json root;
  root["headroom_version"] = info.version;
  root["fleet"] = info.fleet_source;
  root["inputs_sha256"] = info.inputs_sha256;
  root["inputs_hashed"] = info.inputs_hashed;
  root["start"] = FormatUtcTime(info.start_unix_s, kTimeZero);
  root["events"] = info.events_level;
  root["notice"] = info.without_notice ? "ignored (--without-notice)" : "as announced";
  if (!runs.empty()) {
    root["seed"] = runs[0].seed;
    root["horizon_h"] = R(ToHours(runs[0].horizon));
    root["resolution_s"] = R(ToSeconds(runs[0].resolution));
  }
  nlohmann::ordered_json strategies = nlohmann::ordered_json::object();
  for (const sim::Result& run : runs) {
    nlohmann::ordered_json j = SiteJson(FleetTotals(run), false);
    j["events_processed"] = run.events_processed;
    j["controller_calls"] = run.controller_calls;
    if (!run.scheduler.empty()) j["scheduler"] = run.scheduler;
    if (!run.links.empty()) {
      nlohmann::ordered_json links = nlohmann::ordered_json::array();
      for (const sim::LinkResult& l : run.links) {
        if (l.migration_bytes + l.exchange_bytes + l.dataset_bytes <= 0) continue;
        nlohmann::ordered_json lj;
        lj["link"] = l.name;
        lj["capacity_gbps"] = std::isfinite(l.capacity_bps) ? R(l.capacity_bps / 1e9) : -1.0;
        lj["migration_gb"] = R(l.migration_bytes / 1e9);
        lj["exchange_gb"] = R(l.exchange_bytes / 1e9);
        lj["dataset_gb"] = R(l.dataset_bytes / 1e9);
        lj["utilization"] = R(l.utilization);
        links.push_back(lj);
      }
      j["wan_links"] = links;
    }
    if (run.cross_site_active_s > 0) {
      // Time-weighted over the cross-site jobs' computing time (model/cross_site.h).
      j["cross_site_utilization"] = R(run.cross_site_utilization_s / run.cross_site_active_s);
      j["cross_site_goodput"] = R(run.cross_site_goodput_s / run.cross_site_active_s);
      j["cross_site_computing_h"] = R(run.cross_site_active_s / 3600);
    }
    // Data sets staged at the sites that ran their readers (fleets that name data sets only).
    const auto data = [&](const sim::SiteResult& s, nlohmann::ordered_json& out) {
      if (!run.reads_datasets) return;
      out["dataset_staged_gb"] = R(s.dataset_bytes_in / 1e9);
      out["data_wait_gpu_hours"] = R(s.data_wait_gpu_s / kGpuHour);
    };
    data(FleetTotals(run), j);
    nlohmann::ordered_json sites = nlohmann::ordered_json::object();
    for (const sim::SiteResult& s : run.sites) {
      nlohmann::ordered_json sj = SiteJson(s, true);
      data(s, sj);
      sites[s.name] = sj;
    }
    j["sites"] = sites;
    strategies[run.strategy] = j;
  }
  root["strategies"] = strategies;
  if (const auto cmp = HeadroomVsDiesel(runs); !cmp.is_null()) root["headroom_vs_diesel"] = cmp;
  if (const auto cost = ReliabilityCost(runs); !cost.is_null())
    root["cost_of_reliability_vs_unmanaged"] = cost;
  return root;
}

nlohmann::ordered_json HeadroomVsDiesel(const std::vector<sim::Result>& runs) {
  const sim::Result* h = nullptr;
  const sim::Result* d = nullptr;
  for (const auto& r : runs) {
    if (r.strategy == "headroom") h = &r;
    if (r.strategy == "diesel-backed") d = &r;
  }
  if (h == nullptr || d == nullptr) return nullptr;
  const sim::SiteResult th = FleetTotals(*h), td = FleetTotals(*d);
  const double uh = Sum(th.useful_gpu_s) / kGpuHour, ud = Sum(td.useful_gpu_s) / kGpuHour;
  const double loss = std::max(0.0, ud - uh);
  // Unavoidable: what diesel-backed's unlimited supply carried beyond what the plant could have
  // sustained whatever the control (its supply deficit: the same bound for every strategy,
  // applied to the load a strategy that never sheds served).
  const double unavoidable = std::min(loss, td.supply_deficit_gpu_s / kGpuHour);
  nlohmann::ordered_json j;
  j["useful_work_ratio"] = ud > 0 ? R(uh / ud) : 0.0;
  j["loss_gpu_hours"] = R(loss);
  j["unavoidable_gpu_hours"] = R(unavoidable);
  j["control_choices_gpu_hours"] = R(loss - unavoidable);
  nlohmann::ordered_json w;
  for (int c = 0; c < 4; ++c)
    w[sim::ControlCostName(c)] = R(th.control_cost_gpu_s[static_cast<size_t>(c)] / kGpuHour);
  j["withheld_by_action_gpu_hours"] = w;
  return j;
}

namespace {

// `s` less `u` (the same site or the fleet of an unmanaged run), as ReliabilityCost says.
nlohmann::ordered_json CostAgainst(const sim::SiteResult& s, const sim::SiteResult& u) {
  nlohmann::ordered_json j;
  j["fuel_cost_usd"] = R(s.fuel_cost_usd - u.fuel_cost_usd);
  j["grid_cost_usd"] = R(s.grid_cost_usd - u.grid_cost_usd);
  j["fuel_and_grid_cost_usd"] =
      R(s.fuel_cost_usd + s.grid_cost_usd - u.fuel_cost_usd - u.grid_cost_usd);
  j["capacity_cost_usd"] = R(s.capacity_cost_usd - u.capacity_cost_usd);
  j["total_cost_usd"] = R(s.total_cost_usd() - u.total_cost_usd());
  j["co2_t"] = R((s.co2_kg - u.co2_kg) / 1000);
  j["co2_percent"] = u.co2_kg > 0 ? R((s.co2_kg - u.co2_kg) / u.co2_kg * 100) : 0.0;
  j["useful_work_gpu_hours"] = R((Sum(s.useful_gpu_s) - Sum(u.useful_gpu_s)) / kGpuHour);
  j["inference_minutes_outside_objective"] =
      R((s.inference_slo_miss_s - u.inference_slo_miss_s) / 60);
  return j;
}

}  // namespace

nlohmann::ordered_json ReliabilityCost(const std::vector<sim::Result>& runs) {
  const sim::Result* u = nullptr;
  for (const auto& r : runs) {
    if (r.strategy == "unmanaged") u = &r;
  }
  if (u == nullptr || runs.size() < 2) return nullptr;
  const sim::SiteResult fu = FleetTotals(*u);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const sim::Result& r : runs) {
    if (&r == u) continue;
    nlohmann::ordered_json j = CostAgainst(FleetTotals(r), fu);
    nlohmann::ordered_json sites = nlohmann::ordered_json::object();
    for (size_t k = 0; k < r.sites.size() && k < u->sites.size(); ++k)
      sites[r.sites[k].name] = CostAgainst(r.sites[k], u->sites[k]);
    j["sites"] = sites;
    out[r.strategy] = j;
  }
  return out;
}

std::string ReliabilityCostText(const std::vector<sim::Result>& runs) {
  const nlohmann::ordered_json all = ReliabilityCost(runs);
  if (all.is_null() || !all.contains("headroom")) return "";
  const auto& j = all["headroom"];
  return fmt::format(
      "Cost of headroom's reliability against unmanaged: fuel + grid {:+.2f} M$, CO2 {:+.1f} kt "
      "({:+.1f}%), useful work {:+.0f} GPU-h, inference outside objective {:+.0f} min.\n",
      j["fuel_and_grid_cost_usd"].get<double>() / 1e6, j["co2_t"].get<double>() / 1e3,
      j["co2_percent"].get<double>(), j["useful_work_gpu_hours"].get<double>(),
      j["inference_minutes_outside_objective"].get<double>());
}

std::string HeadroomVsDieselText(const std::vector<sim::Result>& runs) {
  const nlohmann::ordered_json j = HeadroomVsDiesel(runs);
  if (j.is_null()) return "";
  const auto& w = j["withheld_by_action_gpu_hours"];
  return fmt::format(
      "headroom delivers {:.4f}% of the useful work of diesel-backed: {:.4g} GPU-h less, of which "
      "{:.4g} "
      "unavoidable (supply short whatever the control) and {:.4g} from control choices.\n"
      "Work withheld by headroom's actions (GPU-h): caps {:.4g}, brakes {:.4g}, pauses {:.4g}, "
      "stops {:.4g}.\n",
      j["useful_work_ratio"].get<double>() * 100, j["loss_gpu_hours"].get<double>(),
      j["unavoidable_gpu_hours"].get<double>(), j["control_choices_gpu_hours"].get<double>(),
      w["cap"].get<double>(), w["brake"].get<double>(), w["pause"].get<double>(),
      w["stop"].get<double>());
}

std::string ComparisonTable(const std::vector<sim::Result>& runs) {
  std::vector<sim::SiteResult> totals;
  totals.reserve(runs.size());
  for (const auto& r : runs) totals.push_back(FleetTotals(r));
  struct Row {
    std::string label;
    std::function<std::string(const sim::SiteResult&)> value;
    int site = -1;  // >= 0: the value of that site of each run instead of the fleet's
  };
  auto num = [](double v, int prec) { return fmt::format("{:.{}f}", v, prec); };
  std::vector<Row> rows = {
      {"useful work (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", Sum(s.useful_gpu_s) / kGpuHour); }},
      {"  critical (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", s.useful_gpu_s[0] / kGpuHour); }},
      {"  high (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", s.useful_gpu_s[1] / kGpuHour); }},
      {"  normal (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", s.useful_gpu_s[2] / kGpuHour); }},
      {"  preemptible (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", s.useful_gpu_s[3] / kGpuHour); }},
      {"lost work, power (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", s.lost_to_power_gpu_s / kGpuHour); }},
      {"lost work, failures (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", s.lost_to_failures_gpu_s / kGpuHour); }},
      {"breaker trips", [&](const auto& s) { return std::to_string(s.breaker_trips); }},
      {"load-shed trips", [&](const auto& s) { return std::to_string(s.shed_trips); }},
      {"feed faults (events)", [&](const auto& s) { return std::to_string(s.fault_trips); }},
      {"fast reserve short of a contingency (h)",
       [&](const auto& s) {
         return s.reserve_assessed ? num(s.reserve_short_s / 3600, 1) : std::string("-");
       }},
      {"  largest shortfall (MW)",
       [&](const auto& s) {
         return s.reserve_assessed ? num(s.max_reserve_short_w / 1e6, 1) : std::string("-");
       }},
      {"jobs crashed by power", [&](const auto& s) { return std::to_string(s.power_crashes); }},
      {"unserved energy (MWh)", [&](const auto& s) { return num(s.unserved_j / kMWh, 1); }},
      {"work withheld by caps (GPU-h)",
       [&](const auto& s) {
         return fmt::format("{:.4g}",
                            (s.control_cost_gpu_s[0] + s.control_cost_gpu_s[1]) / kGpuHour);
       }},
      {"work withheld by pauses (GPU-h)",
       [&](const auto& s) {
         return fmt::format("{:.4g}",
                            (s.control_cost_gpu_s[2] + s.control_cost_gpu_s[3]) / kGpuHour);
       }},
      {"supply deficit (GPU-h)",
       [&](const auto& s) { return fmt::format("{:.4g}", s.supply_deficit_gpu_s / kGpuHour); }},
      {"DR excess import (MWh)", [&](const auto& s) { return num(s.dr_excess_j / kMWh, 1); }},
      {"DR slowest response (s)",
       [&](const auto& s) {
         return s.dr_windows ? num(s.dr_worst_response_s, 1) : std::string("-");
       }},
      {"inference outside SLO (min)",
       [&](const auto& s) { return num(s.inference_slo_miss_s / 60, 0); }},
      {"jobs completed", [&](const auto& s) { return std::to_string(s.jobs_completed); }},
      {"mean completion time (h)", [&](const auto& s) { return num(s.mean_completion_h, 1); }},
      {"mean slowdown (x)", [&](const auto& s) { return num(s.mean_slowdown, 3); }},
      {"grid import (GWh)",
       [&](const auto& s) { return num(s.energy.grid_import_j / kMWh / 1e3, 1); }},
      {"turbines (GWh)", [&](const auto& s) { return num(s.energy.turbine_j / kMWh / 1e3, 1); }},
      {"battery out (GWh)",
       [&](const auto& s) { return num(s.energy.battery_discharge_j / kMWh / 1e3, 2); }},
      {"diesel (GWh)", [&](const auto& s) { return num(s.energy.diesel_j / kMWh / 1e3, 2); }},
      {"fuel cost (M$)", [&](const auto& s) { return num(s.fuel_cost_usd / 1e6, 2); }},
      {"grid cost (M$)", [&](const auto& s) { return num(s.grid_cost_usd / 1e6, 2); }},
      {"capacity cost (M$)", [&](const auto& s) { return num(s.capacity_cost_usd / 1e6, 2); }},
      {"total cost: fuel + grid + capacity (M$)",
       [&](const auto& s) { return num(s.total_cost_usd() / 1e6, 2); }},
      {"total cost per useful GPU-h ($/GPU-h)",
       [&](const auto& s) {
         const double c = CostPerUsefulGpuHour(s);
         return std::isfinite(c) ? num(c, 3) : std::string("-");
       }},
      {"CO2 (kt)", [&](const auto& s) { return num(s.co2_kg / 1e6, 1); }},
      {"max grid ramp (MW/s)",
       [&](const auto& s) { return num(s.max_grid_ramp_w_per_s / 1e6, 1); }},
      {"max turbine ramp (MW/s)",
       [&](const auto& s) { return num(s.max_turbine_ramp_w_per_s / 1e6, 1); }},
      {"max grid swing in ramp window (MW)",
       [&](const auto& s) { return num(s.max_grid_swing_w / 1e6, 1); }},
      {"grid ramp-limit violations",
       [&](const auto& s) { return std::to_string(s.grid_ramp_violations); }},
  };
  // Data sets staged and the GPU-hours held waiting for them, for fleets whose jobs read some.
  if (std::any_of(runs.begin(), runs.end(),
                  [](const sim::Result& r) { return r.reads_datasets; })) {
    auto at = std::find_if(rows.begin(), rows.end(),
                           [](const Row& r) { return r.label == "mean slowdown (x)"; });
    at = rows.insert(at + 1, Row{"data sets staged (TB)",
                                 [&](const auto& s) { return num(s.dataset_bytes_in / 1e12, 1); }});
    rows.insert(at + 1, Row{"GPUs held waiting for data (GPU-h)", [&](const auto& s) {
                              return fmt::format("{:.4g}", s.data_wait_gpu_s / kGpuHour);
                            }});
  }
  // Per-site reserve hours; the fleet row is the time any site was short (the union of the
  // sites' intervals), not their sum.
  const size_t site_count = runs.empty() ? 0 : runs[0].sites.size();
  if (site_count > 1) {
    auto at = std::find_if(rows.begin(), rows.end(),
                           [](const Row& r) { return r.label.rfind("fast reserve", 0) == 0; });
    at->label = "fast reserve short at any site (h)";
    ++at;
    for (size_t k = 0; k < site_count; ++k) {
      at = rows.insert(at + 1, Row{"  short at " + runs[0].sites[k].name + " (h)",
                                   [&](const auto& s) {
                                     return s.reserve_assessed ? num(s.reserve_short_s / 3600, 1)
                                                               : std::string("-");
                                   },
                                   static_cast<int>(k)});
    }
  }
  size_t label_w = 0;
  for (const Row& r : rows) label_w = std::max(label_w, r.label.size());
  std::vector<size_t> col_w;
  col_w.reserve(runs.size());
  for (const auto& run : runs) col_w.push_back(std::max<size_t>(12, run.strategy.size()));
  std::string out = fmt::format("{:<{}}", "KPI", label_w);
  for (size_t i = 0; i < runs.size(); ++i)
    out += fmt::format("  {:>{}}", runs[i].strategy, col_w[i]);
  out += "\n" + std::string(label_w, '-');
  for (size_t w : col_w) out += "  " + std::string(w, '-');
  out += "\n";
  for (const Row& r : rows) {
    out += fmt::format("{:<{}}", r.label, label_w);
    for (size_t i = 0; i < totals.size(); ++i)
      out += fmt::format(
          "  {:>{}}", r.value(r.site < 0 ? totals[i] : runs[i].sites[static_cast<size_t>(r.site)]),
          col_w[i]);
    out += "\n";
  }
  if (site_count > 1) {
    for (const sim::Result& run : runs) out += "\n" + SiteTable(run);
  }
  return out;
}

std::string SiteTable(const sim::Result& run) {
  const std::vector<std::string> header = {"site",
                                           "kind",
                                           "GPUs",
                                           "useful work (GPU-h)",
                                           "energy cost (M$)",
                                           "capacity cost (M$)",
                                           "total cost (M$)",
                                           "$/useful GPU-h",
                                           "trips"};
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const sim::SiteResult& s, const std::string& name, const std::string& kind) {
    const double per_h = CostPerUsefulGpuHour(s);
    rows.push_back({name, kind, std::to_string(s.gpus),
                    fmt::format("{:.4g}", Sum(s.useful_gpu_s) / kGpuHour),
                    fmt::format("{:.2f}", (s.fuel_cost_usd + s.grid_cost_usd) / 1e6),
                    fmt::format("{:.2f}", s.capacity_cost_usd / 1e6),
                    fmt::format("{:.2f}", s.total_cost_usd() / 1e6),
                    std::isfinite(per_h) ? fmt::format("{:.3f}", per_h) : std::string("-"),
                    std::to_string(s.breaker_trips + s.shed_trips)});
  };
  for (const sim::SiteResult& s : run.sites) row(s, s.name, model::SiteKindName(s.kind));
  row(FleetTotals(run), "fleet", "-");
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
  }
  // The first two columns (names) to the left, the figures to the right.
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += "  ";
      out += c < 2 ? fmt::format("{:<{}}", cells[c], width[c])
                   : fmt::format("{:>{}}", cells[c], width[c]);
    }
    return out + "\n";
  };
  std::string out = "Per site, " + run.strategy +
                    " (energy cost: fuel + grid; trips: breaker and "
                    "load-shed):\n" +
                    line(header);
  std::vector<std::string> rule;
  rule.reserve(width.size());
  for (size_t w : width) rule.emplace_back(w, '-');
  out += line(rule);
  for (const auto& r : rows) out += line(r);
  return out;
}

absl::Status WriteOutputs(const std::vector<sim::Result>& runs, const RunInfo& info,
                          OutputDir& dir) {
  absl::Status status = dir.Write("timeseries.csv", [&](OutputFile& f) {
    std::string line = "strategy,site,time,time_s";
    for (int c = 0; c < sim::kSeriesColumns; ++c)
      absl::StrAppend(&line, ",", sim::SeriesColumnName(c));
    f.Append(line + "\n");
    for (const sim::Result& run : runs) {
      const std::string strategy = CsvField(run.strategy);
      for (const sim::SiteResult& s : run.sites) {
        const std::string site = CsvField(s.name);
        for (size_t b = 0; b < s.series.size(); ++b) {
          const Time t = kTimeZero + run.resolution * static_cast<std::int64_t>(b);
          line = fmt::format("{},{},{},{:.9g}", strategy, site, FormatUtcTime(info.start_unix_s, t),
                             ToSeconds(t));
          for (double v : s.series[b])
            line += fmt::format(",{:.6f}", std::fabs(v) < 5e-7 ? 0.0 : v);
          line += '\n';
          f.Append(line);
        }
      }
    }
  });
  if (!status.ok()) return status;
  if (info.events_level != "none") {
    status = dir.Write("events.csv", [&](OutputFile& f) {
      f.Append(
          "strategy,time,time_s,end,end_s,site,kind,subject,subjects,count,value,value_sum,unit,"
          "detail\n");
      std::string line;
      for (const sim::Result& run : runs) {
        const std::string strategy = CsvField(run.strategy);
        for (const sim::EventRecord& e : run.events) {
          const std::string site = e.site >= 0 && e.site < static_cast<int>(run.sites.size())
                                       ? run.sites[static_cast<size_t>(e.site)].name
                                       : "";
          line = fmt::format("{},{},{:.9f},{},{:.9f},{},{},{},{},{},{:.6g},{:.6g},{},{}\n",
                             strategy, FormatUtcTime(info.start_unix_s, e.time), ToSeconds(e.time),
                             FormatUtcTime(info.start_unix_s, e.end), ToSeconds(e.end),
                             CsvField(site), CsvField(e.kind), CsvField(e.subject), e.subjects,
                             e.count, e.value, e.value_sum, CsvField(e.unit), CsvField(e.detail));
          f.Append(line);
        }
      }
    });
  } else {
    status = dir.Remove("events.csv");  // an earlier run's log would not match this summary
  }
  if (!status.ok()) return status;
  // One row per job of the fleet per run: where it ran and what moving it cost.
  status = dir.Write("jobs.csv", [&](OutputFile& f) {
    f.Append(
        "strategy,job,kind,gpus,arrival_s,first_start_s,end_s,sites,migrations,move_lost_s,"
        "preemptions,useful_gpu_h,cross_site,data_wait_s\n");
    for (const sim::Result& run : runs) {
      const std::string strategy = CsvField(run.strategy);
      for (const sim::JobResult& j : run.jobs) {
        f.Append(fmt::format("{},{},{},{},{:.9g},{:.9g},{:.9g},{},{},{:.6g},{},{:.6g},{},{:.6g}\n",
                             strategy, CsvField(j.name), j.kind, j.gpus, j.arrival_s,
                             j.first_start_s, j.end_s, CsvField(j.sites), j.migrations,
                             j.move_lost_s, j.preemptions, j.useful_gpu_h,
                             j.cross_site ? "yes" : "no", j.data_wait_s));
      }
    }
  });
  if (!status.ok()) return status;
  return dir.Write("summary.json",
                   [&](OutputFile& f) { f.Append(Summary(runs, info).dump(2) + "\n"); });
}

}  // namespace headroom::report

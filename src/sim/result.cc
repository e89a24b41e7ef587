#include "sim/result.h"

#include <algorithm>
#include <iterator>

namespace headroom::sim {

// A field added to SiteResult changes its size: merge it in Merge below, then update the size.
// (Checked where it was measured: libstdc++ on x86-64.)
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(SiteResult) == 648, "SiteResult changed: merge the new field in Merge");
#endif

void AppendInterval(std::vector<TimeInterval>* ascending, Time begin, Time end) {
  if (end <= begin) return;
  if (!ascending->empty() && ascending->back().end >= begin) {
    ascending->back().end = std::max(ascending->back().end, end);
    return;
  }
  ascending->push_back({begin, end});
}

std::vector<TimeInterval> UnionOfIntervals(const std::vector<TimeInterval>& a,
                                           const std::vector<TimeInterval>& b) {
  std::vector<TimeInterval> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const bool take_a = j == b.size() || (i < a.size() && a[i].begin <= b[j].begin);
    const TimeInterval& next = take_a ? a[i++] : b[j++];
    if (!out.empty() && out.back().end >= next.begin) {
      out.back().end = std::max(out.back().end, next.end);
    } else {
      out.push_back(next);
    }
  }
  return out;
}

double Percentile95(const std::vector<double>& ascending) {
  if (ascending.empty()) return 0;
  return ascending[std::min(ascending.size() - 1, ascending.size() * 95 / 100)];
}

void SiteResult::Merge(const SiteResult& o) {
  gpus += o.gpus;
  capacity_w += o.capacity_w;
  energy.grid_import_j += o.energy.grid_import_j;
  energy.grid_export_j += o.energy.grid_export_j;
  energy.turbine_j += o.energy.turbine_j;
  energy.battery_discharge_j += o.energy.battery_discharge_j;
  energy.battery_charge_j += o.energy.battery_charge_j;
  energy.solar_j += o.energy.solar_j;
  energy.baseload_j += o.energy.baseload_j;
  energy.diesel_j += o.energy.diesel_j;
  facility_served_j += o.facility_served_j;
  it_j += o.it_j;
  curtailed_j += o.curtailed_j;
  battery_loss_j += o.battery_loss_j;
  battery_stored_start_j += o.battery_stored_start_j;
  battery_stored_end_j += o.battery_stored_end_j;
  battery_min_stored_j += o.battery_min_stored_j;  // the sum of the sites' minima
  unserved_j += o.unserved_j;
  fuel_j += o.fuel_j;
  fuel_cost_usd += o.fuel_cost_usd;
  grid_cost_usd += o.grid_cost_usd;
  capital_cost_usd += o.capital_cost_usd;
  lease_cost_usd += o.lease_cost_usd;
  capacity_cost_usd += o.capacity_cost_usd;
  co2_kg += o.co2_kg;
  max_grid_ramp_w_per_s = std::max(max_grid_ramp_w_per_s, o.max_grid_ramp_w_per_s);
  max_turbine_ramp_w_per_s = std::max(max_turbine_ramp_w_per_s, o.max_turbine_ramp_w_per_s);
  max_grid_swing_w = std::max(max_grid_swing_w, o.max_grid_swing_w);
  grid_ramp_violations += o.grid_ramp_violations;
  for (size_t p = 0; p < useful_gpu_s.size(); ++p) {
    useful_gpu_s[p] += o.useful_gpu_s[p];
    lost_gpu_s[p] += o.lost_gpu_s[p];
  }
  lost_to_power_gpu_s += o.lost_to_power_gpu_s;
  lost_to_failures_gpu_s += o.lost_to_failures_gpu_s;
  lost_to_preemption_gpu_s += o.lost_to_preemption_gpu_s;
  preemptions += o.preemptions;
  migrations_out += o.migrations_out;
  migrations_in += o.migrations_in;
  checkpoint_bytes_out += o.checkpoint_bytes_out;
  dataset_bytes_in += o.dataset_bytes_in;
  data_wait_gpu_s += o.data_wait_gpu_s;
  longest_overload_s = std::max(longest_overload_s, o.longest_overload_s);
  breaker_trips += o.breaker_trips;
  shed_trips += o.shed_trips;
  fault_trips += o.fault_trips;
  reserve_assessed = reserve_assessed || o.reserve_assessed;
  if (reserve_short_intervals.empty()) {
    reserve_short_intervals = o.reserve_short_intervals;
    reserve_short_s = o.reserve_short_s;
  } else if (!o.reserve_short_intervals.empty()) {
    reserve_short_intervals = UnionOfIntervals(reserve_short_intervals, o.reserve_short_intervals);
    Duration short_time{0};
    for (const TimeInterval& i : reserve_short_intervals) short_time += i.end - i.begin;
    reserve_short_s = ToSeconds(short_time);
  }
  max_reserve_short_w = std::max(max_reserve_short_w, o.max_reserve_short_w);
  power_crashes += o.power_crashes;
  rack_power_offs += o.rack_power_offs;
  load_raises_in_deficit += o.load_raises_in_deficit;
  failure_crashes += o.failure_crashes;
  for (size_t c = 0; c < control_cost_gpu_s.size(); ++c) {
    control_cost_gpu_s[c] += o.control_cost_gpu_s[c];
  }
  supply_deficit_gpu_s += o.supply_deficit_gpu_s;
  dr_windows += o.dr_windows;
  dr_excess_j += o.dr_excess_j;
  dr_worst_response_s = std::max(dr_worst_response_s, o.dr_worst_response_s);
  dr_breaches += o.dr_breaches;
  inference_slo_miss_s += o.inference_slo_miss_s;
  inference_demand_gpu_s += o.inference_demand_gpu_s;
  jobs_completed += o.jobs_completed;
  jobs_placed += o.jobs_placed;
  // Means over the completed training and batch jobs of both, weighted by their counts.
  const int n = training_completed + o.training_completed;
  if (training_completed == 0) {
    mean_completion_h = o.mean_completion_h;
    mean_slowdown = o.mean_slowdown;
  } else if (o.training_completed > 0) {
    mean_completion_h =
        (mean_completion_h * training_completed + o.mean_completion_h * o.training_completed) / n;
    mean_slowdown =
        (mean_slowdown * training_completed + o.mean_slowdown * o.training_completed) / n;
  }
  training_completed = n;
  std::vector<double> all;
  all.reserve(slowdowns.size() + o.slowdowns.size());
  std::merge(slowdowns.begin(), slowdowns.end(), o.slowdowns.begin(), o.slowdowns.end(),
             std::back_inserter(all));
  slowdowns = std::move(all);
  p95_slowdown = Percentile95(slowdowns);
}

}  // namespace headroom::sim

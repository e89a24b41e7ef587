#include "model/fleet.h"

#include <algorithm>
#include <cmath>

namespace headroom::model {

double ThroughputCurve::SpeedAt(double cap_fraction) const {
  if (cap_fraction >= saturation_fraction) return 1.0;
  if (cap_fraction <= zero_fraction) return 0.0;
  const double x = (cap_fraction - zero_fraction) / (saturation_fraction - zero_fraction);
  return std::clamp(std::pow(x, exponent), 0.0, 1.0);
}

double ThroughputCurve::CapFor(double speed) const {
  if (speed >= 1.0) return saturation_fraction;
  if (speed <= 0.0) return zero_fraction;
  return zero_fraction + (saturation_fraction - zero_fraction) * std::pow(speed, 1.0 / exponent);
}

double Cooling::PueAt(double temp_c) const {
  if (pue_by_temp_c.empty()) return 1.0;
  if (temp_c <= pue_by_temp_c.front().first) return pue_by_temp_c.front().second;
  for (size_t i = 1; i < pue_by_temp_c.size(); ++i) {
    const auto& [t1, p1] = pue_by_temp_c[i];
    if (temp_c <= t1) {
      const auto& [t0, p0] = pue_by_temp_c[i - 1];
      return p0 + (p1 - p0) * (temp_c - t0) / (t1 - t0);
    }
  }
  return pue_by_temp_c.back().second;
}

TurbinePlant::AmbientPoint TurbinePlant::AmbientAt(double temp_c) const {
  if (ambient.empty()) return {temp_c, 1, 1};
  if (temp_c <= ambient.front().temperature_c) return ambient.front();
  for (size_t i = 1; i < ambient.size(); ++i) {
    const AmbientPoint& b = ambient[i];
    if (temp_c <= b.temperature_c) {
      const AmbientPoint& a = ambient[i - 1];
      const double f = (temp_c - a.temperature_c) / (b.temperature_c - a.temperature_c);
      return {temp_c, a.output + (b.output - a.output) * f,
              a.heat_rate + (b.heat_rate - a.heat_rate) * f};
    }
  }
  return ambient.back();
}

double Battery::PowerFractionAt(double temp_c) const {
  if (cold.empty()) return 1.0;
  if (temp_c <= cold.front().temperature_c) return cold.front().power;
  for (size_t i = 1; i < cold.size(); ++i) {
    const ColdPoint& b = cold[i];
    if (temp_c <= b.temperature_c) {
      const ColdPoint& a = cold[i - 1];
      const double f = (temp_c - a.temperature_c) / (b.temperature_c - a.temperature_c);
      return a.power + (b.power - a.power) * f;
    }
  }
  return cold.back().power;
}

double Cooling::TentDerateAt(double temp_c) const {
  if (temp_c <= tent_derate_start_c) return 1.0;
  if (temp_c >= tent_derate_end_c) return tent_min_fraction;
  const double f = (temp_c - tent_derate_start_c) / (tent_derate_end_c - tent_derate_start_c);
  return 1.0 - f * (1.0 - tent_min_fraction);
}

double FacilityCapacityW(const Site& site) {
  if (site.tree.empty()) return 0;
  if (site.tree[0].rating_w > 0) return site.tree[0].rating_w;
  double sum = 0;
  for (const TreeNode& n : site.tree) {
    if (n.parent == 0) sum += n.rating_w;
  }
  return sum;
}

double CapitalUsdPerS(const Site& site, double capacity_w) {
  const SiteEconomics& e = site.economics;
  if (site.kind == SiteKind::kLeased || e.amortisation.count() <= 0) return 0;
  return e.capital_usd_per_w * capacity_w / ToSeconds(e.amortisation);
}

double LeaseUsdPerS(const Site& site, double capacity_w, double allocated_gpus) {
  const SiteEconomics& e = site.economics;
  if (site.kind != SiteKind::kLeased) return 0;
  const double power_w = e.contracted_power_w > 0 ? e.contracted_power_w : capacity_w;
  return e.lease_usd_per_w_month * power_w / ToSeconds(kLeaseMonth) +
         e.lease_usd_per_gpu_h * allocated_gpus / 3600.0;
}

double DefaultCheckpointBytes(const JobSpec& job) {
  if (job.cross_site) return kCheckpointBytesPerParam * job.cross_site->params;
  return kCheckpointBytesPerGpu * job.gpus;
}

bool DefaultPreemptible(const JobSpec& job) {
  return job.kind == WorkloadKind::kBatch || job.priority == Priority::kPreemptible;
}

PowerShape PowerShapeOf(const JobSpec& job) {
  return {job.compute_power_fraction, job.comm_power_fraction, job.compute_duty};
}

double RunningPowerW(WorkloadKind kind, const PowerShape& shape, const GpuModel& gpu, double cap_w,
                     double demand) {
  if (kind == WorkloadKind::kInference) {
    return std::min(cap_w, gpu.idle_w + (shape.compute_fraction * gpu.tdp_w - gpu.idle_w) * demand);
  }
  const double pc = shape.compute_fraction * gpu.tdp_w;
  const double pm = shape.comm_fraction * gpu.tdp_w;
  return shape.compute_duty * std::min(cap_w, pc) + (1 - shape.compute_duty) * std::min(cap_w, pm);
}

double RunningPowerW(const JobSpec& job, const GpuModel& gpu, double cap_w, double demand) {
  return RunningPowerW(job.kind, PowerShapeOf(job), gpu, cap_w, demand);
}

double RunningSpeed(const JobSpec& job, const GpuModel& gpu, double cap_w) {
  return job.kind == WorkloadKind::kInference ? gpu.inference.SpeedAt(cap_w / gpu.tdp_w)
                                              : gpu.training.SpeedAt(cap_w / gpu.tdp_w);
}

const char* NodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::kSite:
      return "site";
    case NodeKind::kFeed:
      return "feed";
    case NodeKind::kHall:
      return "hall";
    case NodeKind::kTent:
      return "tent";
    case NodeKind::kRow:
      return "row";
    case NodeKind::kRack:
      return "rack";
  }
  return "?";
}

const char* SiteKindName(SiteKind k) {
  switch (k) {
    case SiteKind::kOwned:
      return "owned";
    case SiteKind::kLeased:
      return "leased";
    case SiteKind::kTent:
      return "tent";
  }
  return "?";
}

const char* WorkloadKindName(WorkloadKind k) {
  switch (k) {
    case WorkloadKind::kTraining:
      return "training";
    case WorkloadKind::kInference:
      return "inference";
    case WorkloadKind::kBatch:
      return "batch";
  }
  return "?";
}

const char* PriorityName(Priority p) {
  switch (p) {
    case Priority::kCritical:
      return "critical";
    case Priority::kHigh:
      return "high";
    case Priority::kNormal:
      return "normal";
    case Priority::kPreemptible:
      return "preemptible";
  }
  return "?";
}

std::vector<TurbinePlant::AmbientPoint> IsoDerateCurve() {
  constexpr double kIsoC = 15, kHotC = 45;
  constexpr double kOutputPerC = 0.0092, kHeatRatePerC = 0.001;
  return {{kIsoC, 1.0, 1.0},
          {kHotC, 1.0 - kOutputPerC * (kHotC - kIsoC), 1.0 + kHeatRatePerC * (kHotC - kIsoC)}};
}

const char* EventKindName(EventKind k) {
  switch (k) {
    case EventKind::kGridOutage:
      return "grid_outage";
    case EventKind::kVoltageSag:
      return "voltage_sag";
    case EventKind::kFrequencyExcursion:
      return "frequency_excursion";
    case EventKind::kImportLimit:
      return "import_limit";
    case EventKind::kTurbineTrip:
      return "turbine_trip";
    case EventKind::kHeat:
      return "heat";
    case EventKind::kFeedTrip:
      return "feed_trip";
    case EventKind::kFuelCurtailment:
      return "fuel_curtailment";
    case EventKind::kFrequencyRamp:
      return "frequency_ramp";
    case EventKind::kOvervoltage:
      return "overvoltage";
  }
  return "?";
}

std::vector<Contingency> DefaultContingencies(const Site& site) {
  std::vector<Contingency> out;
  if (site.grid.present) out.push_back({Contingency::Kind::kGrid, -1});
  if (!site.plants.empty()) out.push_back({Contingency::Kind::kPlant, -1});
  for (const TreeNode& n : site.tree) {
    if (n.kind == NodeKind::kFeed) {
      out.push_back({Contingency::Kind::kFeed, -1});
      break;
    }
  }
  return out;
}

const char* ContingencyKindName(Contingency::Kind k) {
  switch (k) {
    case Contingency::Kind::kGrid:
      return "grid";
    case Contingency::Kind::kPlant:
      return "plant";
    case Contingency::Kind::kFeed:
      return "feed";
    case Contingency::Kind::kUnit:
      return "unit";
  }
  return "?";
}

Wan WanOf(const Fleet& fleet) {
  const size_t n = fleet.sites.size();
  if (fleet.wan.site_region.size() == n) return fleet.wan;
  Wan wan;
  for (size_t s = 0; s < n; ++s) {
    wan.regions.push_back(fleet.sites[s].name);
    wan.site_region.push_back(static_cast<int>(s));
  }
  wan.site_uplink_bps.assign(n, kUnlimitedBps);
  wan.site_uplink_latency.assign(n, Duration{0});
  return wan;
}

}  // namespace headroom::model

#include "model/generate.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/rng.h"

namespace headroom::model {
namespace {

Priority DrawPriority(Rng& rng, const std::array<double, kPriorityClasses>& mix) {
  double total = 0;
  for (double w : mix) total += w;
  double u = rng.Uniform() * total;
  for (int i = 0; i < kPriorityClasses; ++i) {
    u -= mix[static_cast<size_t>(i)];
    if (u < 0) return static_cast<Priority>(i);
  }
  return Priority::kNormal;
}

// Log-uniform GPU count, rounded to a multiple of 8 (a node).
int DrawGpus(Rng& rng, int lo, int hi) {
  const double x =
      std::exp(rng.Uniform(std::log(std::max(1, lo)), std::log(std::max(lo, hi) + 1.0)));
  const int n = std::max(lo, std::min(hi, static_cast<int>(x)));
  return n >= 8 ? n / 8 * 8 : n;
}

JobSpec DrawTrainingJob(Rng& rng, const JobGenerator& g, int index, Time arrival) {
  JobSpec j;
  j.site = g.site;
  j.arrival = arrival;
  j.gpus = DrawGpus(rng, g.min_gpus, g.max_gpus);
  const bool batch = rng.Bernoulli(g.batch_fraction);
  j.kind = batch ? WorkloadKind::kBatch : WorkloadKind::kTraining;
  j.priority = batch ? Priority::kPreemptible : DrawPriority(rng, g.priority_mix);
  if (j.priority == Priority::kPreemptible && !batch) j.priority = Priority::kNormal;
  const double hours = rng.Exponential(ToHours(g.mean_duration));
  j.work_gpu_s = std::max(0.25, hours) * 3600.0 * j.gpus;
  j.name = std::string(batch ? "batch-" : "train-") + std::to_string(index);
  // Tolerance: critical runs accept 2%, preemptible 50%; others in between.
  static constexpr std::array<double, kPriorityClasses> kTolerance = {0.02, 0.05, 0.15, 0.5};
  j.slowdown_tolerance = kTolerance[static_cast<size_t>(j.priority)];
  j.checkpoint_interval = batch ? std::chrono::minutes(10) : std::chrono::minutes(30);
  j.checkpoint_save = batch ? std::chrono::seconds(2) : std::chrono::seconds(6);
  j.restore_time = batch ? std::chrono::minutes(1) : std::chrono::minutes(5);
  j.comm_power_fraction = rng.Uniform(0.2, 0.75);
  j.compute_duty = rng.Uniform(0.6, 0.9);
  j.preemptible = DefaultPreemptible(j);
  j.checkpoint_bytes = DefaultCheckpointBytes(j);
  return j;
}

}  // namespace

std::vector<JobSpec> GenerateJobs(const Fleet& fleet, std::uint64_t seed, Duration horizon) {
  std::vector<JobSpec> out;
  Rng root(seed);
  for (size_t gi = 0; gi < fleet.generators.size(); ++gi) {
    const JobGenerator& g = fleet.generators[gi];
    Rng rng = root.Fork(0x6E0000 + gi);
    long capacity = 0;
    for (size_t s = 0; s < fleet.sites.size(); ++s) {
      if (g.site < 0 || g.site == static_cast<int>(s)) capacity += fleet.sites[s].total_gpus();
    }
    // Inference services at t=0, each of 64-1024 GPUs.
    long inference_gpus = std::lround(capacity * g.inference_fraction);
    int n = 0;
    while (inference_gpus >= 8) {
      JobSpec j;
      j.kind = WorkloadKind::kInference;
      j.site = g.site;
      j.priority = Priority::kHigh;
      j.gpus = static_cast<int>(std::min<long>(inference_gpus, DrawGpus(rng, 64, 1024)));
      j.gpus = std::max(8, j.gpus / 8 * 8);
      inference_gpus -= j.gpus;
      j.slowdown_tolerance = 0.3;
      j.demand_peak = rng.Uniform(0.75, 0.95);
      j.demand_trough = rng.Uniform(0.25, 0.5);
      j.peak_hour = rng.Uniform(13, 17);
      j.restore_time = std::chrono::minutes(2);
      j.name = "infer-" + std::to_string(n++);
      j.preemptible = DefaultPreemptible(j);
      j.checkpoint_bytes = DefaultCheckpointBytes(j);
      out.push_back(j);
    }
    // Training and batch jobs filling the rest up to the fill fraction at t=0.
    const long target = std::lround(capacity * g.fill_fraction);
    long placed = 0;
    int idx = 0;
    while (placed < target) {
      JobSpec j = DrawTrainingJob(rng, g, idx++, kTimeZero);
      j.gpus = static_cast<int>(std::min<long>(j.gpus, std::max<long>(8, target - placed)));
      j.gpus = std::max(8, j.gpus / 8 * 8);
      j.checkpoint_bytes = DefaultCheckpointBytes(j);  // of the GPUs it got
      placed += j.gpus;
      out.push_back(j);
    }
    // Poisson arrivals that replace finishing work: rate = busy GPUs / (mean GPUs × mean duration).
    const double mean_gpus = placed > 0 && idx > 0 ? static_cast<double>(placed) / idx : 1.0;
    // 90% of the rate that would exactly replace finishing work, so the queue stays stable.
    const double rate_per_s = 0.9 * target / (mean_gpus * ToSeconds(g.mean_duration));
    if (rate_per_s > 0) {
      double t = rng.Exponential(1.0 / rate_per_s);
      while (t < ToSeconds(horizon)) {
        out.push_back(DrawTrainingJob(rng, g, idx++, Time{FromSeconds(t)}));
        t += rng.Exponential(1.0 / rate_per_s);
      }
    }
  }
  return out;
}

std::vector<EventSpec> GenerateEvents(const Fleet& fleet, std::uint64_t seed, Duration horizon) {
  std::vector<EventSpec> out;
  Rng root(seed);
  const double horizon_s = ToSeconds(horizon);
  for (size_t s = 0; s < fleet.stochastic.size() && s < fleet.sites.size(); ++s) {
    const StochasticEvents& st = fleet.stochastic[s];
    Rng rng = root.Fork(0xE70000 + s);
    if (st.grid_outage_rate_per_s > 0) {
      for (double t = rng.Exponential(1 / st.grid_outage_rate_per_s); t < horizon_s;
           t += rng.Exponential(1 / st.grid_outage_rate_per_s)) {
        out.push_back({EventKind::kGridOutage, static_cast<int>(s), Time{FromSeconds(t)},
                       FromSeconds(rng.Exponential(ToSeconds(st.grid_outage_mean))), 0, -1, -1,
                       false, "stochastic"});
      }
    }
    if (st.voltage_sag_rate_per_s > 0) {
      for (double t = rng.Exponential(1 / st.voltage_sag_rate_per_s); t < horizon_s;
           t += rng.Exponential(1 / st.voltage_sag_rate_per_s)) {
        out.push_back({EventKind::kVoltageSag, static_cast<int>(s), Time{FromSeconds(t)},
                       FromSeconds(rng.Exponential(ToSeconds(st.sag_duration_mean))),
                       rng.Uniform(st.sag_depth_min, st.sag_depth_max), -1, -1, false,
                       "stochastic"});
      }
    }
    // Turbine forced outages, from each unit's trip rate.
    const Site& site = fleet.sites[s];
    for (size_t p = 0; p < site.plants.size(); ++p) {
      for (size_t u = 0; u < site.plants[p].units.size(); ++u) {
        const TurbineUnit& unit = site.plants[p].units[u];
        if (unit.trip_rate_per_s <= 0) continue;
        Rng ur = rng.Fork(p * 1000 + u);
        for (double t = ur.Exponential(1 / unit.trip_rate_per_s); t < horizon_s;
             t += ur.Exponential(1 / unit.trip_rate_per_s)) {
          out.push_back({EventKind::kTurbineTrip, static_cast<int>(s), Time{FromSeconds(t)},
                         unit.repair_time, 0, static_cast<int>(p), static_cast<int>(u), false,
                         "stochastic"});
        }
      }
    }
  }
  return out;
}

void AppendGenerated(Fleet* fleet, std::uint64_t seed, Duration horizon) {
  for (auto& j : GenerateJobs(*fleet, seed, horizon)) fleet->jobs.push_back(std::move(j));
  for (auto& e : GenerateEvents(*fleet, seed, horizon)) fleet->events.push_back(std::move(e));
  std::stable_sort(fleet->events.begin(), fleet->events.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
}

}  // namespace headroom::model

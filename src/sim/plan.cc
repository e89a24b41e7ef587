#include "sim/plan.h"

#include <algorithm>
#include <cmath>

#include "control/reference.h"
#include "model/generate.h"

namespace headroom::sim {

model::Fleet ScaleGpus(const model::Fleet& fleet, double scale) {
  model::Fleet out = fleet;
  for (model::Site& site : out.sites) {
    for (model::TreeNode& n : site.tree) {
      if (n.gpus > 0) n.gpus = std::max(1, static_cast<int>(std::lround(n.gpus * scale)));
      n.rating_w *= scale;
    }
  }
  return out;
}

namespace {

double Useful(const Result& r) {
  double u = 0;
  for (const SiteResult& s : r.sites) {
    for (double x : s.useful_gpu_s) u += x;
  }
  return u;
}

// Loss of useful work at `scale`: 1 - controlled / unconstrained.
double LossAt(const model::Fleet& base, double scale, const control::Strategy& controlled,
              const control::Strategy& unconstrained, const Options& options) {
  model::Fleet f = ScaleGpus(base, scale);
  model::AppendGenerated(&f, options.seed, options.horizon);
  Options o = options;
  o.record_events = false;
  o.progress = nullptr;
  const double c = Useful(Simulate(f, controlled, o));
  const double u = Useful(Simulate(f, unconstrained, o));
  return u > 0 ? std::max(0.0, 1.0 - c / u) : 0.0;
}

}  // namespace

OversubscriptionPlan PlanOversubscription(const model::Fleet& fleet,
                                          const control::Strategy& controlled,
                                          const control::Strategy& unconstrained,
                                          const Options& options, double max_loss, double max_scale,
                                          const std::function<void(double, double)>& progress) {
  OversubscriptionPlan plan;
  long base_gpus = 0;
  double firm_w = 0, per_gpu_w = 0, pue_max = 1;
  for (size_t s = 0; s < fleet.sites.size(); ++s) {
    const model::Site& site = fleet.sites[s];
    base_gpus += site.total_gpus();
    firm_w += control::ComputeStaticCap(fleet, static_cast<int>(s)).firm_supply_w;
    for (const auto& [t, p] : site.cooling.pue_by_temp_c) pue_max = std::max(pue_max, p);
    for (const auto& n : site.tree) {
      if (n.gpus > 0 && per_gpu_w == 0) {
        const model::GpuModel& g = fleet.gpus[static_cast<size_t>(n.gpu_model)];
        per_gpu_w = g.cap_max_w + g.host_w;
      }
    }
  }
  plan.firm_gpus = per_gpu_w > 0 ? static_cast<long>(firm_w / (pue_max * per_gpu_w)) : 0;
  auto trial = [&](double scale) {
    const double loss = LossAt(fleet, scale, controlled, unconstrained, options);
    ++plan.simulations;
    if (progress) progress(scale, loss);
    return loss;
  };
  double lo = 1.0, hi = max_scale;
  double lo_loss = trial(lo);
  if (lo_loss > max_loss) {
    // Even the file's fleet loses too much: search below it.
    hi = 1.0;
    lo = 0.05;
    lo_loss = 0;
  } else if (const double top = trial(hi); top <= max_loss) {
    lo = hi;
    lo_loss = top;
  }
  for (int i = 0; i < 7 && hi - lo > 0.02; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double loss = trial(mid);
    if (loss <= max_loss) {
      lo = mid;
      lo_loss = loss;
    } else {
      hi = mid;
    }
  }
  plan.scale = lo;
  plan.loss = lo_loss;
  plan.gpus = static_cast<long>(std::lround(base_gpus * lo));
  plan.multiple_of_firm = plan.firm_gpus > 0 ? static_cast<double>(plan.gpus) / plan.firm_gpus : 0;
  return plan;
}

}  // namespace headroom::sim

#pragma once
// Capacity planning by simulation: how many GPUs a site's power envelope can carry.

#include <functional>

#include "control/controller.h"
#include "model/fleet.h"
#include "sim/engine.h"

namespace headroom::sim {

struct OversubscriptionPlan {
  double scale = 1;    // the largest GPU multiple of the file's fleet that meets the loss bound
  long gpus = 0;       // GPUs at that scale
  double loss = 0;     // useful work lost there, as a fraction of the unconstrained run
  long firm_gpus = 0;  // GPUs the firm supply carries at full power without Headroom
  double multiple_of_firm = 0;  // gpus / firm_gpus
  int simulations = 0;
};

// The fleet with every rack's GPUs, and every node rating, multiplied by `scale` (the power
// supply is unchanged). Jobs from generators scale with the GPUs when expanded afterwards.
model::Fleet ScaleGpus(const model::Fleet& fleet, double scale);

// Searches (bisection over the scale, in [1, max_scale]) for the most GPUs whose useful work
// under `controlled` is within `max_loss` of the same fleet under `unconstrained` (unlimited
// backup). Each trial expands the generators with `options.seed`. `progress` may be empty.
OversubscriptionPlan PlanOversubscription(
    const model::Fleet& fleet, const control::Strategy& controlled,
    const control::Strategy& unconstrained, const Options& options, double max_loss,
    double max_scale = 4.0, const std::function<void(double scale, double loss)>& progress = {});

}  // namespace headroom::sim

#pragma once
// Cross-site (DiLoCo-family) training: a job whose learners (data-parallel replicas) run at
// several sites, each doing `inner_steps` local steps and then exchanging a compressed outer
// update over the WAN. This header holds the job's specification as the fleet file gives it; the
// performance model (utilisation, effective progress) is documented in docs/cross-site-training.md.

#include <chrono>

#include "base/time.h"

namespace headroom::model {

struct CrossSiteSpec {
  int learners = 4;           // replicas the job wants, at most one per site
  int min_learners = 2;       // with fewer attached the job pauses
  double params = 70e9;       // model parameters
  double bits_per_param = 4;  // outer-update compression: 1 to 32
  int inner_steps = 100;      // H: local steps between outer updates
  int fragments = 1;          // streaming fragments (1: not streamed)
  // One inner step of one learner at full speed (the job's GPUs split evenly over `learners`).
  Duration inner_step_time = std::chrono::seconds(2);
};

}  // namespace headroom::model

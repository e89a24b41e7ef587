#pragma once
// Test-only: a small fleet built by hand, for the unit tests of the engine's parts (sim may not
// read config files: see scripts/check-layering). A test builds a World from it exactly as the
// engine does and drives one part directly.
//
// One site, "s0": a grid of 1 MW import (no export), no battery, a gas plant "gt" of two 100 kW
// units (both off), and the tree
//
//   0 site ─┬─ 1 F1 (feed, 20 kW) ─┬─ 2 R1 (rack, 8 GPUs)
//           │                      └─ 3 R2 (rack, 8 GPUs)
//           └─ 4 F2 (feed, 20 kW) ─── 5 R3 (rack, 8 GPUs)
//
// of GPU "g": TDP 700 W, caps 200-700 W, idle 70 W, host 30 W per GPU. A training job at full
// speed draws 0.75 x 700 + 0.25 x 0.45 x 700 = 603.75 W per GPU (its compute and communication
// phases); starting or saving, twice idle (140 W); otherwise idle. No failures, no jobs, no
// events until a test adds them.

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "base/time.h"
#include "control/controller.h"
#include "model/fleet.h"
#include "sim/engine.h"

namespace headroom::sim {

inline constexpr int kSmallRoot = 0, kSmallF1 = 1, kSmallR1 = 2, kSmallR2 = 3, kSmallF2 = 4,
                     kSmallR3 = 5;
inline constexpr double kSmallIdleW = 70, kSmallHostW = 30;
inline constexpr double kSmallTrainingW = 603.75;  // per GPU at full speed (see above)

inline model::Fleet SmallFleet() {
  model::Fleet fleet;
  fleet.source = "test_fleet.h";
  model::GpuModel gpu;
  gpu.name = "g";
  gpu.tdp_w = 700;
  gpu.cap_min_w = 200;
  gpu.cap_max_w = 700;
  gpu.idle_w = kSmallIdleW;
  gpu.host_w = kSmallHostW;
  fleet.gpus.push_back(gpu);
  model::Site site;
  site.name = "s0";
  site.grid.import_limit_w = 1e6;
  model::TurbinePlant plant;
  plant.name = "gt";
  plant.online_at_start = 0;
  for (const char* name : {"u1", "u2"}) {
    model::TurbineUnit unit;
    unit.name = name;
    unit.rating_w = 100e3;
    plant.units.push_back(unit);
  }
  site.plants.push_back(plant);
  using model::NodeKind;
  site.tree = {
      {.name = "site", .kind = NodeKind::kSite, .parent = -1, .rating_w = 1e6},
      {.name = "F1", .kind = NodeKind::kFeed, .parent = kSmallRoot, .rating_w = 20e3},
      {.name = "R1", .kind = NodeKind::kRack, .parent = kSmallF1, .rating_w = 10e3, .gpus = 8},
      {.name = "R2", .kind = NodeKind::kRack, .parent = kSmallF1, .rating_w = 10e3, .gpus = 8},
      {.name = "F2", .kind = NodeKind::kFeed, .parent = kSmallRoot, .rating_w = 20e3},
      {.name = "R3", .kind = NodeKind::kRack, .parent = kSmallF2, .rating_w = 10e3, .gpus = 8},
  };
  for (model::TreeNode& node : site.tree) {
    if (node.gpus > 0) node.gpu_model = 0;
  }
  fleet.sites.push_back(std::move(site));
  fleet.horizon = std::chrono::hours(24);
  return fleet;
}

// A training job of `gpus` GPUs on site 0 with `hours` of work at full speed, arriving at
// `arrival`; checkpoints every 30 min (6 s to save), 5 min to restore.
inline model::JobSpec TrainingJob(std::string name, int gpus, double hours, Time arrival) {
  model::JobSpec job;
  job.kind = model::WorkloadKind::kTraining;
  job.site = 0;
  job.gpus = gpus;
  job.arrival = arrival;
  job.work_gpu_s = hours * 3600 * gpus;
  job.checkpoint_interval = std::chrono::minutes(30);
  job.checkpoint_save = std::chrono::seconds(6);
  job.restore_time = std::chrono::minutes(5);
  job.name = std::move(name);
  return job;
}

// A controller that asks for nothing.
class QuietController : public control::SiteController {
 public:
  void Decide(const control::SiteTelemetry& /*t*/, control::Decision* /*out*/) override {}
};

inline control::Strategy QuietStrategy() {
  control::Strategy s;
  s.name = "quiet";
  s.description = "asks for nothing";
  s.make = [](const control::SiteConfig& /*site*/, const control::ControllerOptions& /*options*/)
      -> std::unique_ptr<control::SiteController> { return std::make_unique<QuietController>(); };
  return s;
}

// A run of `horizon` recording every event.
inline Options SmallOptions(Duration horizon = std::chrono::hours(24)) {
  Options o;
  o.horizon = horizon;
  return o;
}

}  // namespace headroom::sim

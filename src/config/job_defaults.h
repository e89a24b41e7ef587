#pragma once
// The defaults of a job's global-scheduling fields (#9) that depend on its other fields, in one
// place for every reader of jobs (YAML, job tables, the Philly trace): model::JobSpec's comments
// state them, and docs/fleet-format.md ("Workloads") gives their basis.
//
// Depends on: model.

#include "model/fleet.h"

namespace headroom::config {

// A cross-site job's checkpoint: bf16 weights (2 B), fp32 master weights (4 B) and two fp32 Adam
// moments (8 B) per parameter.
inline constexpr double kCheckpointBytesPerParam = 14;
// Any other job's: 0.5 GB per GPU. Llama 3 405B on 16,384 GPUs holds 405e9 × 14 B = 5.7 TB of
// such state, 0.35 GB per GPU; rounded up for the optimiser state of smaller, less sharded jobs.
inline constexpr double kCheckpointBytesPerGpu = 0.5e9;

// What `job`'s checkpoint holds when the file does not say (checkpoint.size).
inline double DefaultCheckpointBytes(const model::JobSpec& job) {
  if (job.cross_site) return kCheckpointBytesPerParam * job.cross_site->params;
  return kCheckpointBytesPerGpu * job.gpus;
}

// Whether the scheduler may preempt `job` when the file does not say (preemptible): batch work,
// and work of the preemptible priority.
inline bool DefaultPreemptible(const model::JobSpec& job) {
  return job.kind == model::WorkloadKind::kBatch || job.priority == model::Priority::kPreemptible;
}

}  // namespace headroom::config

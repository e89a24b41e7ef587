#pragma once
// Job traces in public formats. Supported: the Microsoft Philly trace as reduced by the Pollux
// artifact (columns timestamp, duration, num_gpus, gpu_time, cluster; see
// examples/data/README.md). Each row becomes a training job whose work is duration × GPUs at full
// speed, arriving at its submission time relative to the earliest one.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/csv.h"
#include "model/fleet.h"

namespace headroom::config {

struct TraceOptions {
  int site = -1;
  double gpu_scale = 1.0;    // multiply every job's GPU count (to fit a trace to a bigger fleet)
  double time_scale = 1.0;   // multiply inter-arrival times (compress < 1 < stretch)
  long limit = 0;            // keep only the first `limit` jobs by arrival (0 = all)
  Duration min_duration{0};  // drop jobs shorter than this
  model::Priority priority = model::Priority::kNormal;
};

absl::StatusOr<std::vector<model::JobSpec>> ReadPhillyTrace(const std::string& path,
                                                            const TraceOptions& options);
// The same, from a table already read (its path names the file in messages).
absl::StatusOr<std::vector<model::JobSpec>> ParsePhillyTrace(const CsvTable& table,
                                                             const TraceOptions& options);

}  // namespace headroom::config

#include "sim/memory_estimate.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace headroom::sim {
namespace {

// Measured on a year of examples/ohio-1gw.yaml: ~90,000 records a year of grid, battery and
// controller activity beyond job crashes and completions on one site, rounded up.
constexpr double kRecordsPerSiteDay = 250;
constexpr double kRecordsPerJob = 4;  // placed, capped, done, crashed
// sizeof(EventRecord) plus the heap of its strings.
constexpr double kBytesPerRecord = 260;
// At EventLevel::kSummary the episodes kept, as a share of the records (6% measured; 10% for
// margin).
constexpr double kSummaryShare = 0.10;
constexpr double kEngineBytesPerGpu = 100;
constexpr double kEngineBytesPerJob = 2048;
constexpr double kEngineFloorBytes = 64.0 * 1024 * 1024;

}  // namespace

MemoryEstimate EstimateMemory(const model::Fleet& fleet, const Options& options, int strategies) {
  MemoryEstimate m;
  const double buckets =
      std::ceil(static_cast<double>(options.horizon.count()) / options.resolution.count());
  const double sites = static_cast<double>(fleet.sites.size());
  const double per_bucket = sizeof(std::array<double, kSeriesColumns>);
  m.series_bytes = static_cast<std::uint64_t>(strategies * sites * buckets * per_bucket);
  double gpus = 0;
  for (const model::Site& s : fleet.sites) gpus += s.total_gpus();
  const double horizon_s = ToSeconds(options.horizon);
  const double jobs = static_cast<double>(fleet.jobs.size());
  if (options.record_events && options.events.level != EventLevel::kNone) {
    const double records = fleet.failures.interruptions_per_gpu_s * gpus * horizon_s +
                           kRecordsPerJob * jobs + kRecordsPerSiteDay * sites * horizon_s / 86400;
    const double share = options.events.level == EventLevel::kSummary ? kSummaryShare : 1.0;
    m.events_bytes = static_cast<std::uint64_t>(strategies * records * share * kBytesPerRecord);
  }
  m.engine_bytes = static_cast<std::uint64_t>(
      std::max(kEngineFloorBytes, gpus * kEngineBytesPerGpu + jobs * kEngineBytesPerJob));
  return m;
}

std::string FormatBytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return absl::StrFormat("%.1f GiB", b / (1024.0 * 1024 * 1024));
  return absl::StrFormat("%.0f MiB", b / (1024.0 * 1024));
}

}  // namespace headroom::sim

#pragma once
// An estimate, before a run starts, of the memory the results of a comparison will hold, so that a
// run that cannot fit is refused with the reason instead of ending in an out-of-memory crash.
//
// Every strategy's Result is held until the outputs are written, so the terms multiply by the
// number of strategies:
//   series: sites x buckets (horizon / resolution, rounded up) x kSeriesColumns doubles;
//   events: the expected records (job interruptions, ~4 per job, ~250 per site and day of grid,
//           battery and controller activity: measured on a year of examples/ohio-1gw.yaml) x
//           ~260 bytes at EventLevel::kAll, a tenth of that at kSummary (the year above keeps 6%);
// plus one engine's working state (~100 bytes per GPU and 2 KB per job; 64 MiB floor).

#include <cstdint>
#include <string>

#include "model/fleet.h"
#include "sim/engine.h"

namespace headroom::sim {

struct MemoryEstimate {
  std::uint64_t series_bytes = 0;
  std::uint64_t events_bytes = 0;
  std::uint64_t engine_bytes = 0;
  std::uint64_t total() const { return series_bytes + events_bytes + engine_bytes; }
};

// REQUIRES: options.resolution > 0. `fleet` with its jobs expanded (model::GenerateJobs).
MemoryEstimate EstimateMemory(const model::Fleet& fleet, const Options& options, int strategies);

// "1.2 GiB", "340 MiB".
std::string FormatBytes(std::uint64_t bytes);

}  // namespace headroom::sim

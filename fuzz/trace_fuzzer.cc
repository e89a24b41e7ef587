// libFuzzer target for job traces: any bytes as a Philly trace or as a job table (format: jobs;
// chosen by the first byte) must give a fleet or a clean error, never a crash, a hang or a leak.
// `make fuzz FUZZER=trace_fuzzer`.

#include <string>

#include "csv_input_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  static const std::string philly =
      std::string(headroom::fuzz::kFuzzSite) +
      "workloads:\n  traces:\n    - {file: in.csv, format: philly, gpu_scale: 2, time_scale: "
      "0.5, limit: 1000, min_duration: 1 s}\n";
  static const std::string jobs = std::string(headroom::fuzz::kFuzzSite) +
                                  "workloads:\n  traces:\n    - {file: in.csv, format: jobs}\n";
  headroom::fuzz::LoadWithFile(data[0] & 1 ? jobs : philly, "in.csv", data + 1, size - 1);
  return 0;
}

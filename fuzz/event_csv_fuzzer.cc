// libFuzzer target for event files (event_files: [...]): any bytes as the CSV of events must give
// a fleet or a clean error, never a crash, a hang or a leak. `make fuzz FUZZER=event_csv_fuzzer`.

#include <string>

#include "csv_input_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return 0;
  static const std::string fleet =
      std::string(headroom::fuzz::kFuzzSite) + "event_files: [in.csv]\n";
  headroom::fuzz::LoadWithFile(fleet, "in.csv", data, size);
  return 0;
}

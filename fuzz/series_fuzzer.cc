// libFuzzer target for CSV series (weather, price, carbon): any bytes as the series file must give
// a fleet or a clean error, never a crash, a hang or a leak. `make fuzz FUZZER=series_fuzzer`.

#include <string>

#include "csv_input_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return 0;
  static const std::string fleet = [] {
    std::string y = headroom::fuzz::kFuzzSite;
    // Two readers of the same file: a temperature in C and a price in $/MWh with a short step.
    y.replace(y.find("    grid: {import_limit: 10 MW}"), 31,
              "    grid: {import_limit: 10 MW, price: {csv: in.csv, column: v, unit: $/MWh, "
              "step: 1 min}}\n    weather: {csv: in.csv, column: t, unit: C}");
    return y;
  }();
  headroom::fuzz::LoadWithFile(fleet, "in.csv", data, size);
  return 0;
}

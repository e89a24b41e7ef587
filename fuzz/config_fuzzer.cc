// libFuzzer target for the fleet loader: any bytes must give a fleet or a clean error, never a
// crash, a hang or a leak. Built with `make fuzz` (clang); CI runs it for a bounded time.

#include <cstddef>
#include <cstdint>
#include <string>

#include "config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  headroom::config::LoadOptions options;
  options.base_dir = "/nonexistent-fuzz-dir";  // no reading of real files from fuzzed names
  (void)headroom::config::LoadFleetFromString(text, "fuzz.yaml", options);
  return 0;
}

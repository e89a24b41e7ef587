#pragma once
// Shared by the CSV fuzzers: each writes the fuzzed bytes to a file in a private temporary folder
// and loads a fixed fleet that names that file, so the whole path (file checks, CSV parsing, the
// checks of the loader) is exercised as a user's file would be.

#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "config/loader.h"

namespace headroom::fuzz {

// The private folder, created once per process (removed by the OS's temp cleaning; libFuzzer
// exits without running destructors).
inline const std::string& FuzzDir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/headroom-fuzz-XXXXXX";
    const char* d = mkdtemp(tmpl);
    return std::string(d ? d : "/tmp");
  }();
  return dir;
}

// Writes `data` to FuzzDir()/`file` and loads `fleet_yaml` (which names `file`) from FuzzDir().
inline void LoadWithFile(const std::string& fleet_yaml, const std::string& file,
                         const std::uint8_t* data, std::size_t size) {
  const std::string path = FuzzDir() + "/" + file;
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  headroom::config::LoadOptions options;
  options.base_dir = FuzzDir();
  (void)headroom::config::LoadFleetFromString(fleet_yaml, "fuzz.yaml", options);
}

// A small valid site for the fleets below: a grid, a gas plant, a feed with racks.
inline constexpr const char* kFuzzSite = R"(sites:
  - name: s
    kind: owned
    grid: {import_limit: 10 MW}
    plants:
      - name: gas
        units: {count: 2, rating: 5 MW, ramp: 1 MW/min}
    power_tree:
      - feed: F
        rating: 10 MW
        children:
          - {rack: K, count: 4, rating: 60 kW, gpus: 64, gpu: H100}
)";

}  // namespace headroom::fuzz

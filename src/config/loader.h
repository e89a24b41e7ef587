#pragma once
// Loading a fleet from YAML, strictly. Every value with a physical meaning carries a unit; unknown
// keys, missing units, impossible values, dangling references and cycles in the power tree are
// errors that name the file, line, column and field path, say what was wrong and what would be
// valid. The loader never throws and never crashes on bad input (fuzzed: fuzz/config_fuzzer.cc).
//
// Depends on: model, base, libyaml (through yaml_document.h).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/fleet.h"

namespace headroom::config {

struct LoadOptions {
  // Files named in the YAML (CSV series, traces) are read relative to this folder; empty: the
  // folder of the YAML file itself.
  std::string base_dir;
  // Files named in the YAML must lie inside base_dir: absolute paths and paths whose `..` leave
  // it are refused, so that a fleet file from elsewhere cannot make headroom read (and quote in
  // its messages) arbitrary files. Set for files you trust.
  bool allow_files_outside_folder = false;
  // Cap on the number of errors reported at once.
  int max_errors = 20;
};

// The fleet in `path`, with the built-in GPU catalogue merged under the file's own `gpus:`.
// Generators are kept unexpanded (see model/generate.h); jobs from traces are read.
absl::StatusOr<model::Fleet> LoadFleet(const std::string& path, const LoadOptions& options = {});

// The same, from text; `name` stands for the file in messages.
absl::StatusOr<model::Fleet> LoadFleetFromString(std::string_view yaml, const std::string& name,
                                                 const LoadOptions& options = {});

// The built-in GPU catalogue (data/gpus.yaml, compiled in).
std::string_view BuiltinGpuCatalogue();

// The built-in example fleet (examples/small.yaml, compiled in): what `headroom simulate` runs
// when no file is given.
std::string_view BuiltinExample();
inline constexpr const char* kBuiltinExampleName = "<built-in examples/small.yaml>";

}  // namespace headroom::config

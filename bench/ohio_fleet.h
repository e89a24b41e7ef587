#pragma once
// The benchmarks' common input: examples/ohio-1gw.yaml loaded, with its generated jobs and drawn
// events appended over `horizon` (model::AppendGenerated; zero: the file's own horizon). A bad file
// aborts the benchmark.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/loader.h"
#include "model/generate.h"

namespace headroom::bench {

inline model::Fleet LoadOhioExpanded(Duration horizon = Duration::zero()) {
  auto f = config::LoadFleet(std::string(HEADROOM_SOURCE_DIR) + "/examples/ohio-1gw.yaml");
  if (!f.ok()) {
    std::fprintf(stderr, "%s\n", std::string(f.status().message()).c_str());
    std::abort();
  }
  model::AppendGenerated(&*f, f->seed, horizon == Duration::zero() ? f->horizon : horizon);
  return std::move(*f);
}

}  // namespace headroom::bench

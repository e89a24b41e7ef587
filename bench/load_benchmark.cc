// Benchmarks of the fleet loader. BM_Load_FleetWith40kJobs: a fleet file (one site, 20,480 racks
// written with `count`, 40,000 jobs in flow style with a checkpoint block each; about 8 MB),
// generated deterministically in a temporary folder, loaded with config::LoadFleet. Target
// (issue #7): at most 1 s and 200 MB peak on one core of a 2-core machine.
//
// Time: wall time per load (the usual benchmark figure).
// Memory: one extra load runs in a forked child, whose peak resident set size the parent reads
// with wait4() (ru_maxrss). Counters: `peak_rss_MB` is the child's whole peak, comparable with
// `/usr/bin/time -v headroom validate FILE` (it includes this binary and what the parent had
// resident when it forked); `load_rss_MB` is that peak less the parent's resident set at the
// fork (rough: pages shared with the parent blur it, and it can even come out negative when an
// earlier benchmark left the parent large). `load_heap_MB` is the exact figure to judge the
// target by: the peak heap bytes of one load over what the process held before it
// (alloc_tracker.h).

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "alloc_tracker.h"
#include "config/loader.h"

namespace headroom {
namespace {

constexpr int kJobs = 40'000;

// Writes the fleet file and returns its path. Deterministic: the same bytes every time.
std::string WriteFleetWithJobs(const std::filesystem::path& dir, int jobs) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / "fleet-40k-jobs.yaml";
  std::ofstream out(path);
  out << "name: load-benchmark\nhorizon: 30 d\nsites:\n"
         "  - name: ohio\n    kind: owned\n    grid: {import_limit: 600 MW}\n"
         "    power_tree:\n"
         "      - feed: f\n        rating: 900 MW\n        children:\n"
         "          - {hall: H, count: 8, rating: 100 MW, children: [{row: R, count: 40, "
         "rating: 2.5 MW, children: [{rack: K, count: 20, rating: 120 kW, gpus: 64, "
         "gpu: H100}]}]}\n"
         "workloads:\n  jobs:\n";
  const char* kinds[] = {"training", "batch", "inference"};
  const char* priorities[] = {"critical", "high", "normal", "preemptible"};
  for (int i = 0; i < jobs; ++i) {
    const char* kind = kinds[i % 3];
    out << "    - {name: job-" << i << ", kind: " << kind
        << ", site: ohio, gpus: " << 8 * (1 + i % 64) << ", ";
    if (i % 3 == 2) {
      out << "lifetime: " << 1 + i % 30 << " d";
    } else {
      out << "duration: " << 1 + i % 200 << " h";
    }
    out << ", priority: " << priorities[i % 4] << ", arrival: " << i << " min"
        << ", slowdown_tolerance: " << 1 + i % 20 << "%"
        << ", checkpoint: {interval: 30 min, save: 6 s, restore: 5 min}}\n";
  }
  return path.string();
}

// Resident set size of this process now, in bytes (from /proc/self/statm).
double CurrentRssBytes() {
  long pages_total = 0, pages_resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
  std::fclose(f);
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Loads `path` in a forked child; returns its peak RSS in bytes, or -1 if the load failed.
double PeakRssOfLoadInChild(const std::string& path) {
  const pid_t pid = fork();
  if (pid == 0) {
    auto fleet = config::LoadFleet(path);
    _exit(fleet.ok() && fleet->jobs.size() == kJobs ? 0 : 1);
  }
  int status = 0;
  struct rusage usage {};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid) return -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // ru_maxrss is in KiB on Linux
}

void BM_Load_FleetWith40kJobs(benchmark::State& state) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("headroom-load-benchmark-" + std::to_string(getpid()));
  const std::string path = WriteFleetWithJobs(dir, kJobs);
  size_t jobs = 0;
  for (auto _ : state) {
    auto fleet = config::LoadFleet(path);
    if (!fleet.ok()) {
      state.SkipWithError(std::string(fleet.status().message()).c_str());
      break;
    }
    jobs = fleet->jobs.size();
    benchmark::DoNotOptimize(jobs);
  }
  // Peak heap of one more load, in this process (alloc_tracker.h): what the load itself holds at
  // its worst, whatever the process held before.
  bench::ResetPeakHeap();
  const std::size_t heap_before = bench::LiveHeapBytes();
  {
    auto fleet = config::LoadFleet(path);
    benchmark::DoNotOptimize(fleet);
  }
  const double load_heap = static_cast<double>(bench::PeakHeapBytes() - heap_before);
  const double baseline = CurrentRssBytes();
  const double peak = PeakRssOfLoadInChild(path);
  std::filesystem::remove_all(dir);
  if (peak < 0) {
    state.SkipWithError("the load in the forked child failed");
    return;
  }
  state.counters["jobs"] = static_cast<double>(jobs);
  state.counters["peak_rss_MB"] = peak / 1e6;
  state.counters["load_rss_MB"] = (peak - baseline) / 1e6;
  state.counters["load_heap_MB"] = load_heap / 1e6;
}
BENCHMARK(BM_Load_FleetWith40kJobs)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace headroom

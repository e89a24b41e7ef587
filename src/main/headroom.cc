// headroom: the command line. Thin by design: parse flags, call the libraries, print, exit.
//
// Exit codes:
//   0  success
//   1  internal error (a bug: please report it)
//   2  bad command line
//   3  invalid input file (the message says file, line, field and what would be valid)
//   4  cannot write outputs

#include "control/headroom.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/sha256.h"
#include "base/units.h"
#include "config/fleet_checks.h"
#include "config/limits.h"
#include "config/loader.h"
#include "model/generate.h"
#include "report/report.h"
#include "sched/factory.h"
#include "sim/engine.h"
#include "sim/event_log.h"
#include "sim/memory_estimate.h"
#include "sim/plan.h"
#include "validate.h"

namespace headroom {
namespace {

enum ExitCode { kOk = 0, kInternal = 1, kUsage = 2, kInvalidInput = 3, kOutputError = 4 };

std::vector<control::Strategy> AllStrategies() { return control::AllStrategies(); }

std::string SchedulerNames() {
  std::string s;
  for (const auto& k : sched::AllSchedulers()) s += (s.empty() ? "" : ",") + k.name;
  return s;
}

std::string StrategyNames() {
  std::string s;
  for (const auto& st : AllStrategies()) s += (s.empty() ? "" : ",") + st.name;
  return s;
}

// A one-line progress bar on stderr, only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label)
      : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) != 0) {}
  void Update(double f) {
    if (!enabled_) return;
    const int width = 40;
    const int filled = static_cast<int>(f * width);
    std::fprintf(stderr, "\r%-16s [%s%s] %3.0f%%", label_.c_str(),
                 std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(width - filled), '.').c_str(), f * 100);
    if (f >= 1.0) std::fprintf(stderr, "\r%*s\r", 70, "");
    std::fflush(stderr);
  }

 private:
  std::string label_;
  bool enabled_;
};

int Validate(const std::string& file) {
  absl::StatusOr<model::Fleet> fleet = config::LoadFleet(file);
  if (!fleet.ok()) {
    std::cerr << fleet.status().message() << "\n";
    return kInvalidInput;
  }
  std::cout << file << ": valid\n";
  PrintFleetSummary(*fleet, std::cout);
  return kOk;
}

// Validates each file in turn, printing its summary or its errors; kInvalidInput when any is
// invalid, after saying which.
int ValidateAll(const std::vector<std::string>& files) {
  std::vector<std::string> invalid;
  for (const std::string& file : files) {
    if (Validate(file) != kOk) invalid.push_back(file);
  }
  if (invalid.empty()) return kOk;
  if (files.size() > 1) {
    std::cerr << invalid.size() << " of " << files.size()
              << " files invalid: " << absl::StrJoin(invalid, ", ") << "\n";
  }
  return kInvalidInput;
}

struct SimulateArgs {
  std::string file;
  std::string strategies;
  std::string schedulers;
  std::string horizon;
  std::string resolution = "1h";
  std::string seed;  // "" = the file's
  std::string out;
  bool out_given = false;  // --out was on the command line (perhaps as an empty string)
  bool quiet = false;
  bool no_events = false;
  bool without_notice = false;
  std::string events = "summary";
  std::string episode_gap = "1h";
  std::string max_memory;
};

// `--seed`: a whole number in [0, 2^64 - 1], never clamped. Prints the error and returns false.
bool ParseSeed(const std::string& text, std::uint64_t fallback, std::uint64_t* seed) {
  if (text.empty()) {
    *seed = fallback;
    return true;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *seed);
  if (ec == std::errc() && end == text.data() + text.size()) return true;
  std::cerr << "--seed: \"" << text << "\" is not a whole number from 0 to "
            << std::numeric_limits<std::uint64_t>::max() << "\n";
  return false;
}

// `--horizon`: a positive duration of at most config::kLongestHorizonSeconds, the bound the fleet
// file's `horizon` has. Prints the error and returns false.
bool ParseHorizon(const std::string& text, Duration* horizon) {
  const Duration longest = FromSeconds(config::kLongestHorizonSeconds);
  const std::string range = fmt::format(
      "give a positive duration of at most {} y (the fleet file's horizon has the same "
      "bound; the clock counts int64 nanoseconds, about 292 y, and the engine "
      "schedules delays past the horizon)",
      config::kLongestHorizonSeconds / (365 * 86400.0));
  absl::StatusOr<Duration> h = ParseDuration(text);
  // Beyond the clock's range ParseDuration refuses, naming that range; say this one instead.
  const absl::StatusOr<double> s = ParseQuantity(text, Dimension::kDuration);
  if (h.ok() && h->count() > 0 && *h <= longest) {
    *horizon = *h;
    return true;
  }
  if (h.ok() || s.ok()) {
    std::cerr << "--horizon: \"" << text << "\" is out of range: " << range << "\n";
  } else {
    std::cerr << "--horizon: " << h.status().message() << "\n";
  }
  return false;
}

// Whether every series of `fleet` changes few enough times over the run's `horizon` (the loader
// checked the file's own horizon); prints why not.
bool SeriesFitTheHorizon(const model::Fleet& fleet, Duration horizon) {
  const std::vector<std::string> problems = config::SeriesTooFineFor(fleet, horizon, "--horizon");
  for (const std::string& p : problems) std::cerr << p << "\n";
  return problems.empty();
}

// The default --max-memory: half the machine's memory, at most 8 GiB.
std::uint64_t DefaultMaxMemory() {
  constexpr std::uint64_t kCap = 8ULL << 30;
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return kCap;
  return std::min(kCap, static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) / 2);
}

// "8GiB", "512 MiB", "2GB", "1.5 GiB": bytes; nullopt when not a positive size.
std::optional<std::uint64_t> ParseBytes(const std::string& text) {
  std::istringstream in(text);
  double v = 0;
  std::string unit;
  if (!(in >> v) || !std::isfinite(v) || v <= 0) return std::nullopt;
  in >> unit;
  std::string rest;
  if (in >> rest) return std::nullopt;
  static const std::pair<const char*, double> kUnits[] = {{"B", 1},
                                                          {"kB", 1e3},
                                                          {"KiB", 1024.0},
                                                          {"MB", 1e6},
                                                          {"MiB", 1048576.0},
                                                          {"GB", 1e9},
                                                          {"GiB", 1073741824.0},
                                                          {"TB", 1e12},
                                                          {"TiB", 1099511627776.0}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name && v * factor < 1.8e19) return static_cast<std::uint64_t>(v * factor);
  }
  return std::nullopt;
}

// A fingerprint of what shapes a run's results: the fleet file and every file it references, as
// the loader read them (fleet.source_sha256, fleet.referenced_files), and `options`. Sets
// info->inputs_sha256 and, in words, info->inputs_hashed.
void FingerprintInputs(const model::Fleet& fleet, const std::string& options,
                       report::RunInfo* info) {
  const std::string_view nul("\0", 1);
  Sha256 h;
  h.Update(fleet.source_sha256);
  h.Update(nul);
  std::vector<std::string> paths;
  bool zones = false;
  for (const model::InputFile& f : fleet.referenced_files) {
    h.Update(f.path);
    h.Update(nul);
    h.Update(f.sha256);
    h.Update(nul);
    paths.push_back(f.path);
    zones = zones || f.path.rfind("tz:", 0) == 0;
  }
  h.Update(options);
  info->inputs_sha256 = h.HexDigest();
  info->inputs_hashed = fmt::format(
      "the SHA-256 of the fleet file's bytes, a NUL; for each file it references, in order of "
      "path ({}), its path relative to the fleet file's folder, a NUL, the SHA-256 of its bytes, "
      "a NUL ({}digests as 64 lowercase hex digits); then: {}",
      paths.empty() ? "none" : absl::StrJoin(paths, ", "),
      zones ? "a time zone tz:NAME: the SHA-256 of the UTC offsets the tz database gave it; " : "",
      options);
}

int Simulate(const SimulateArgs& args) {
  if (args.out_given && args.out.empty()) {
    std::cerr << "--out: an empty folder name; give the folder for summary.json, timeseries.csv "
                 "and events.csv (e.g. --out out/run1), or leave --out out to write no files\n";
    return kUsage;
  }
  const bool builtin = args.file.empty();
  absl::StatusOr<model::Fleet> loaded =
      builtin ? config::LoadFleetFromString(config::BuiltinExample(), config::kBuiltinExampleName)
              : config::LoadFleet(args.file);
  const std::string source = builtin ? config::kBuiltinExampleName : args.file;
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return kInvalidInput;
  }
  model::Fleet fleet = std::move(*loaded);
  sim::Options options;
  if (!ParseSeed(args.seed, fleet.seed, &options.seed)) return kUsage;
  options.ignore_notice = args.without_notice;
  options.horizon = fleet.horizon;
  if (!args.horizon.empty() && !ParseHorizon(args.horizon, &options.horizon)) return kUsage;
  if (!SeriesFitTheHorizon(fleet, options.horizon)) return kUsage;
  absl::StatusOr<Duration> res = ParseDuration(args.resolution);
  if (!res.ok() || *res < std::chrono::seconds(1)) {
    std::cerr << "--resolution: "
              << (res.ok() ? "must be at least 1 s" : std::string(res.status().message())) << "\n";
    return kUsage;
  }
  options.resolution = *res;
  const std::optional<sim::EventLevel> level =
      args.no_events ? sim::EventLevel::kNone : sim::ParseEventLevel(args.events);
  if (!level) {
    std::cerr << "--events: \"" << args.events << "\" is not one of: all, summary, none\n";
    return kUsage;
  }
  options.events.level = *level;
  absl::StatusOr<Duration> gap = ParseDuration(args.episode_gap);
  if (!gap.ok() || gap->count() < 0) {
    std::cerr << "--episode-gap: "
              << (gap.ok() ? "must not be negative" : std::string(gap.status().message())) << "\n";
    return kUsage;
  }
  options.events.episode_gap = *gap;
  std::uint64_t max_memory = DefaultMaxMemory();
  if (!args.max_memory.empty()) {
    const std::optional<std::uint64_t> m = ParseBytes(args.max_memory);
    if (!m) {
      std::cerr << "--max-memory: \"" << args.max_memory
                << "\" is not a size; e.g. 8GiB, 512MiB, 2GB\n";
      return kUsage;
    }
    max_memory = *m;
  }
  // Expand generators and stochastic events once, so every strategy sees the same inputs.
  model::AppendGenerated(&fleet, options.seed, options.horizon);

  // A fleet with WAN links is a global fleet: by default its three schedulers are compared under
  // the headroom controller (the comparison isolates the scheduler). Otherwise the default is
  // every strategy under the earliest-start scheduler (first fit).
  const bool global = !fleet.wan.links.empty();
  std::vector<control::Strategy> chosen;
  const std::string wanted =
      !args.strategies.empty() ? args.strategies : (global ? "headroom" : StrategyNames());
  for (const std::string& name : std::vector<std::string>(absl::StrSplit(wanted, ','))) {
    if (std::any_of(chosen.begin(), chosen.end(), [&](const auto& c) { return c.name == name; }))
      continue;  // named twice: run once
    bool found = false;
    for (const auto& s : AllStrategies()) {
      if (s.name == name) {
        chosen.push_back(s);
        found = true;
      }
    }
    if (!found) {
      std::cerr << "--strategy: unknown strategy \"" << name << "\"; known: " << StrategyNames()
                << "\n";
      return kUsage;
    }
  }
  std::vector<std::string> schedulers;
  const std::string wanted_schedulers =
      !args.schedulers.empty()
          ? args.schedulers
          : (global ? SchedulerNames() : std::string(sched::kDefaultScheduler));
  for (const std::string& name : std::vector<std::string>(absl::StrSplit(wanted_schedulers, ','))) {
    if (std::find(schedulers.begin(), schedulers.end(), name) != schedulers.end()) continue;
    if (!sched::MakeScheduler(name, fleet)) {
      std::cerr << "--scheduler: unknown scheduler \"" << name << "\"; known: " << SchedulerNames()
                << "\n";
      return kUsage;
    }
    schedulers.push_back(name);
  }
  const size_t run_count = chosen.size() * schedulers.size();
  const sim::MemoryEstimate need = sim::EstimateMemory(fleet, options, static_cast<int>(run_count));
  if (need.total() > max_memory) {
    std::cerr << "This run would need about " << sim::FormatBytes(need.total())
              << " of memory (time series " << sim::FormatBytes(need.series_bytes) << ", event log "
              << sim::FormatBytes(need.events_bytes) << ", simulation "
              << sim::FormatBytes(need.engine_bytes) << "), more than --max-memory "
              << sim::FormatBytes(max_memory) << ".\nTo lower it: a coarser --resolution (now "
              << FormatDuration(options.resolution) << ", " << fleet.sites.size() << " site(s) x "
              << run_count << " run" << (run_count == 1 ? "" : "s")
              << "), --events summary or none, fewer strategies (--strategy) or schedulers "
                 "(--scheduler), a shorter "
                 "--horizon; or raise --max-memory.\n";
    return kUsage;
  }
  // Check the output folder before spending the run: created, writable, not in use.
  std::optional<report::OutputDir> out_dir;
  if (!args.out.empty()) {
    absl::StatusOr<report::OutputDir> d = report::OutputDir::Open(args.out);
    if (!d.ok()) {
      std::cerr << d.status().message() << "\n";
      return kOutputError;
    }
    out_dir.emplace(std::move(*d));
  }
  std::vector<sim::Result> runs;
  for (const auto& strategy : chosen) {
    for (const std::string& scheduler : schedulers) {
      // One scheduler: the run is named by its strategy, as before schedulers were compared.
      const std::string label =
          schedulers.size() == 1 ? strategy.name : strategy.name + "/" + scheduler;
      ProgressBar bar(label);
      options.progress = [&bar](double f) { bar.Update(f); };
      options.scheduler = [scheduler](const model::Fleet& f) {
        return sched::MakeScheduler(scheduler, f);
      };
      const auto start = std::chrono::steady_clock::now();
      runs.push_back(sim::Simulate(fleet, strategy, options));
      runs.back().strategy = label;
      runs.back().scheduler = scheduler;
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!args.quiet) {
        std::cerr << label << ": " << runs.back().events_processed << " events in " << std::fixed
                  << std::setprecision(2) << secs << " s (" << std::setprecision(0)
                  << runs.back().events_processed / std::max(secs, 1e-9) << " events/s)\n";
        std::cerr.unsetf(std::ios::fixed);
      }
    }
  }
  std::cout << "Fleet " << source << ": " << fleet.sites.size() << " site(s), " << fleet.jobs.size()
            << " jobs, " << fleet.events.size() << " events over "
            << FormatDuration(options.horizon) << ", seed " << options.seed << "\n\n";
  std::cout << report::ComparisonTable(runs);
  if (const std::string cmp = report::HeadroomVsDieselText(runs); !cmp.empty())
    std::cout << "\n" << cmp;
  if (const std::string cost = report::ReliabilityCostText(runs); !cost.empty()) std::cout << cost;
  if (out_dir) {
    report::RunInfo info;
    info.fleet_source = source;
    info.start_unix_s = fleet.start_unix_s;
    info.version = HEADROOM_VERSION;
    info.events_level = std::string(sim::EventLevelName(*level));
    info.without_notice = args.without_notice;
    std::string names;
    for (const auto& c : chosen) names += (names.empty() ? "" : ",") + c.name;
    const std::string shaping =
        fmt::format(
            "seed={} horizon_ns={} resolution_ns={} strategies={} events={} episode_gap_ns={}",
            options.seed, options.horizon.count(), options.resolution.count(), names,
            info.events_level, options.events.episode_gap.count()) +
        (schedulers.size() == 1 && schedulers[0] == sched::kDefaultScheduler
             ? ""
             : " schedulers=" + absl::StrJoin(schedulers, ",")) +
        (args.without_notice ? " notice=ignored" : "");
    FingerprintInputs(fleet, shaping, &info);
    absl::Status s = report::WriteOutputs(runs, info, *out_dir);
    if (!s.ok()) {
      std::cerr << s.message() << "\n";
      return kOutputError;
    }
    std::cout << "\nWrote " << args.out << "/summary.json, timeseries.csv, jobs.csv"
              << (*level == sim::EventLevel::kNone ? "" : ", events.csv") << "\n";
  }
  return kOk;
}

struct PlanArgs {
  std::string file;
  std::string max_loss = "1%";
  std::string horizon = "14d";
  std::string seed;  // "" = the file's
  double max_scale = 2.0;
};

int PlanOversubscribe(const PlanArgs& args) {
  absl::StatusOr<model::Fleet> loaded = config::LoadFleet(args.file);
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return kInvalidInput;
  }
  if (!std::isfinite(args.max_scale)) {
    std::cerr << "--max-scale: must be a number in [1, 20]\n";
    return kUsage;
  }
  absl::StatusOr<double> max_loss = ParseQuantity(args.max_loss, Dimension::kFraction);
  if (!max_loss.ok() || !std::isfinite(*max_loss) || *max_loss < 0 || *max_loss >= 1) {
    std::cerr << "--max-loss: "
              << (max_loss.ok() ? "must be in [0%, 100%)"
                                : std::string(max_loss.status().message()))
              << "\n";
    return kUsage;
  }
  sim::Options o;
  if (!ParseHorizon(args.horizon, &o.horizon)) return kUsage;
  if (!SeriesFitTheHorizon(*loaded, o.horizon)) return kUsage;
  if (!ParseSeed(args.seed, loaded->seed, &o.seed)) return kUsage;
  control::Strategy controlled, unconstrained;
  for (const auto& s : AllStrategies()) {
    if (s.name == "headroom") controlled = s;
    if (s.name == "diesel-backed") unconstrained = s;
  }
  std::cout << "Searching the most GPUs " << args.file << " carries with headroom for at most "
            << *max_loss * 100 << "% loss of useful work (vs unlimited backup), over "
            << FormatDuration(o.horizon) << " of its events...\n";
  const sim::OversubscriptionPlan plan = sim::PlanOversubscription(
      *loaded, controlled, unconstrained, o, *max_loss, args.max_scale,
      [](double scale, double loss) {
        std::cout << "  x" << std::fixed << std::setprecision(3) << scale << " GPUs: loss "
                  << std::setprecision(3) << loss * 100 << "%" << std::endl;
      });
  std::cout << std::fixed << std::setprecision(2) << "\nMost GPUs: " << plan.gpus << " (x"
            << plan.scale << " the file's), losing " << plan.loss * 100 << "% of useful work.\n"
            << "Firm supply (after the largest contingency) carries " << plan.firm_gpus
            << " GPUs at full power without Headroom: the site carries " << plan.multiple_of_firm
            << "x that.\n(" << plan.simulations << " pairs of simulations.)\n";
  return kOk;
}

int Main(int argc, char** argv) {
  CLI::App app{
      "Headroom: run gigawatt-scale AI datacenters on imperfect power.\n"
      "Exit codes: 0 ok, 1 internal error, 2 bad command line, 3 invalid input file, 4 cannot "
      "write outputs."};
  app.set_version_flag("--version", std::string("headroom ") + HEADROOM_VERSION);
  app.require_subcommand(1);
  SimulateArgs sim_args;
  CLI::App* simulate = app.add_subcommand(
      "simulate", "Simulate a fleet under one or more strategies and compare KPIs");
  simulate->add_option(
      "fleet", sim_args.file,
      "Fleet YAML file (see docs/fleet-format.md); default: the built-in small example");
  simulate->add_option(
      "--strategy,-s", sim_args.strategies,
      "Comma-separated strategies to compare (default: all: " + StrategyNames() + ")");
  simulate->add_option("--scheduler", sim_args.schedulers,
                       "Comma-separated global schedulers to compare: " + SchedulerNames() +
                           " (default: all three under the headroom strategy for a fleet with "
                           "WAN links, else earliest-start; see `headroom schedulers`)");
  simulate->add_option("--horizon", sim_args.horizon,
                       fmt::format("Simulated time, e.g. 365d, 36h, at most {} y (default: the "
                                   "file's horizon)",
                                   config::kLongestHorizonSeconds / (365 * 86400.0)));
  simulate->add_option(
      "--seed", sim_args.seed,
      "Random seed for generators and stochastic events, 0 to 18446744073709551615 "
      "(default: the file's)");
  CLI::Option* out = simulate->add_option("--out,-o", sim_args.out,
                                          "Folder for summary.json, timeseries.csv and events.csv");
  simulate->add_option("--resolution", sim_args.resolution,
                       "Time-series resolution, e.g. 15min, 1h (default 1h)");
  simulate->add_flag("--quiet,-q", sim_args.quiet, "No timing lines on stderr");
  simulate->add_option(
      "--events", sim_args.events,
      "Event log: summary (default: repeated records of one episode become one row with start, "
      "end, count and extreme value; see README), all (every record), none (no events.csv)");
  simulate->add_flag("--no-events", sim_args.no_events, "The same as --events none");
  simulate->add_flag("--without-notice", sim_args.without_notice,
                     "Every event comes unannounced (its `notice` ignored): run once with and once "
                     "without to see what the notice is worth");
  simulate->add_option("--episode-gap", sim_args.episode_gap,
                       "At --events summary, records of one site, kind and detail further apart "
                       "than this start a new episode (default 1h)");
  simulate->add_option("--max-memory", sim_args.max_memory,
                       "Refuse a run whose estimated memory exceeds this, e.g. 16GiB (default: "
                       "half the machine's memory, at most 8 GiB)");
  std::vector<std::string> validate_files;
  CLI::App* validate = app.add_subcommand(
      "validate",
      "Check fleet files and explain what is wrong, or summarise each; exit 3 if any is invalid");
  validate->add_option("fleet", validate_files, "Fleet YAML files")->required();
  CLI::App* strategies = app.add_subcommand("strategies", "List the control strategies");
  CLI::App* schedulers = app.add_subcommand("schedulers", "List the global schedulers");
  PlanArgs plan_args;
  CLI::App* plan = app.add_subcommand("plan", "Capacity planning by simulation");
  CLI::App* oversub = plan->add_subcommand(
      "oversubscribe", "The most GPUs the site carries for a bounded loss of useful work");
  plan->require_subcommand(1);
  oversub->add_option("fleet", plan_args.file, "Fleet YAML file")->required();
  oversub->add_option("--max-loss", plan_args.max_loss,
                      "Largest acceptable loss of useful work (default 1%)");
  oversub->add_option("--horizon", plan_args.horizon,
                      fmt::format("Simulated time per trial, at most {} y (default 14d)",
                                  config::kLongestHorizonSeconds / (365 * 86400.0)));
  oversub->add_option("--seed", plan_args.seed,
                      "Seed, 0 to 18446744073709551615 (default: the file's)");
  oversub->add_option("--max-scale", plan_args.max_scale, "Largest GPU multiple to try (default 2)")
      ->check(CLI::Range(1.0, 20.0));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  sim_args.out_given = out->count() > 0;
  if (*simulate) return Simulate(sim_args);
  if (*validate) return ValidateAll(validate_files);
  if (*oversub) return PlanOversubscribe(plan_args);
  if (*schedulers) {
    for (const auto& s : sched::AllSchedulers())
      std::cout << s.name << "\t" << s.description << "\n";
    return 0;
  }
  if (*strategies) {
    for (const auto& s : AllStrategies()) std::cout << s.name << "\t" << s.description << "\n";
    return kOk;
  }
  return kUsage;
}

}  // namespace
}  // namespace headroom

int main(int argc, char** argv) {
  try {
    return headroom::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 1;
  }
}

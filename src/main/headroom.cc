// headroom: the command line. Thin by design: parse flags, call the libraries, print, exit.
//
// Exit codes:
//   0  success
//   1  internal error (a bug: please report it)
//   2  bad command line
//   3  invalid input file (the message says file, line, field and what would be valid)
//   4  cannot write outputs

#include "control/headroom.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "base/units.h"
#include "config/loader.h"
#include "model/generate.h"
#include "report/report.h"
#include "sim/engine.h"
#include "sim/plan.h"

namespace headroom {
namespace {

enum ExitCode { kOk = 0, kInternal = 1, kUsage = 2, kInvalidInput = 3, kOutputError = 4 };

std::vector<control::Strategy> AllStrategies() { return control::AllStrategies(); }

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
  for (const model::Site& s : fleet->sites) {
    double turbines = 0;
    for (const auto& p : s.plants) turbines += p.capacity_w();
    int racks = 0;
    for (const auto& n : s.tree) racks += n.kind == model::NodeKind::kRack;
    std::cout << "  site " << s.name << " (" << model::SiteKindName(s.kind)
              << "): " << s.total_gpus() << " GPUs in " << racks << " racks, " << s.tree.size()
              << " tree nodes; grid "
              << (s.grid.present ? FormatPower(s.grid.import_limit_w) : std::string("none"))
              << ", turbines " << FormatPower(turbines) << " in " << s.plants.size()
              << " plants, battery "
              << (s.battery
                      ? FormatPower(s.battery->power_w) + " / " +
                            std::to_string(static_cast<long>(s.battery->energy_j / 3.6e9)) + " MWh"
                      : std::string("none"))
              << "\n";
    if (s.grid.present && s.grid.max_ramp_w_per_s > 0) {
      std::cout << "    grid ramp limit "
                << FormatPower(s.grid.max_ramp_w_per_s * ToSeconds(s.grid.ramp_window)) << " per "
                << FormatDuration(s.grid.ramp_window) << "\n";
    }
    const std::vector<control::ReserveCheck> checks =
        control::AssessDesignReserve(*fleet, static_cast<int>(&s - fleet->sites.data()));
    if (checks.empty()) std::cout << "    no contingencies declared\n";
    if (!checks.empty())
      std::cout << "    fast reserve against the declared contingencies, at full load in the "
                   "hottest hour:\n";
    for (const control::ReserveCheck& r : checks) {
      std::cout << "      loss of " << r.what << " (" << FormatPower(r.size_w)
                << (r.load_loss ? " of load" : "") << ") against " << (r.load_loss ? "down" : "up")
                << " reserve " << FormatPower(r.reserve_w) << " ("
                << (r.reserve_from.empty() ? "none" : r.reserve_from) << "): "
                << (r.short_w() > 0 ? "SHORT by " + FormatPower(r.short_w())
                                    : std::string("covered"))
                << "\n";
    }
  }
  std::cout << "  " << fleet->jobs.size() << " jobs listed, " << fleet->generators.size()
            << " generators, " << fleet->events.size() << " events; horizon "
            << FormatDuration(fleet->horizon) << ", seed " << fleet->seed << "\n";
  return kOk;
}

struct SimulateArgs {
  std::string file;
  std::string strategies;
  std::string horizon;
  std::string resolution = "1h";
  long long seed = -1;
  std::string out;
  bool quiet = false;
  bool no_events = false;
};

int Simulate(const SimulateArgs& args) {
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
  options.seed = args.seed >= 0 ? static_cast<std::uint64_t>(args.seed) : fleet.seed;
  options.horizon = fleet.horizon;
  if (!args.horizon.empty()) {
    absl::StatusOr<Duration> h = ParseDuration(args.horizon);
    if (!h.ok() || h->count() <= 0) {
      std::cerr << "--horizon: "
                << (h.ok() ? "must be positive" : std::string(h.status().message())) << "\n";
      return kUsage;
    }
    options.horizon = *h;
  }
  absl::StatusOr<Duration> res = ParseDuration(args.resolution);
  if (!res.ok() || *res < std::chrono::seconds(1)) {
    std::cerr << "--resolution: "
              << (res.ok() ? "must be at least 1 s" : std::string(res.status().message())) << "\n";
    return kUsage;
  }
  options.resolution = *res;
  if (options.horizon / options.resolution > 10'000'000) {
    std::cerr << "--resolution: too fine for the horizon (more than 10 million rows)\n";
    return kUsage;
  }
  options.record_events = !args.no_events;
  // Expand generators and stochastic events once, so every strategy sees the same inputs.
  for (auto& j : model::GenerateJobs(fleet, options.seed, options.horizon))
    fleet.jobs.push_back(std::move(j));
  for (auto& e : model::GenerateEvents(fleet, options.seed, options.horizon))
    fleet.events.push_back(std::move(e));
  std::stable_sort(fleet.events.begin(), fleet.events.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });

  std::vector<control::Strategy> chosen;
  const std::string wanted = args.strategies.empty() ? StrategyNames() : args.strategies;
  for (const std::string& name : std::vector<std::string>(absl::StrSplit(wanted, ','))) {
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
  std::vector<sim::Result> runs;
  for (const auto& strategy : chosen) {
    ProgressBar bar(strategy.name);
    options.progress = [&bar](double f) { bar.Update(f); };
    const auto start = std::chrono::steady_clock::now();
    runs.push_back(sim::Simulate(fleet, strategy, options));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!args.quiet) {
      std::cerr << strategy.name << ": " << runs.back().events_processed << " events in "
                << std::fixed << std::setprecision(2) << secs << " s (" << std::setprecision(0)
                << runs.back().events_processed / std::max(secs, 1e-9) << " events/s)\n";
      std::cerr.unsetf(std::ios::fixed);
    }
  }
  std::cout << "Fleet " << source << ": " << fleet.sites.size() << " site(s), " << fleet.jobs.size()
            << " jobs, " << fleet.events.size() << " events over "
            << FormatDuration(options.horizon) << ", seed " << options.seed << "\n\n";
  std::cout << report::ComparisonTable(runs);
  if (const std::string cmp = report::HeadroomVsDieselText(runs); !cmp.empty())
    std::cout << "\n" << cmp;
  if (!args.out.empty()) {
    absl::Status s = report::WriteOutputs(runs, source, args.out);
    if (!s.ok()) {
      std::cerr << s.message() << "\n";
      return kOutputError;
    }
    std::cout << "\nWrote " << args.out << "/summary.json, timeseries.csv, events.csv\n";
  }
  return kOk;
}

struct PlanArgs {
  std::string file;
  std::string max_loss = "1%";
  std::string horizon = "14d";
  long long seed = -1;
  double max_scale = 2.0;
};

int PlanOversubscribe(const PlanArgs& args) {
  absl::StatusOr<model::Fleet> loaded = config::LoadFleet(args.file);
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return kInvalidInput;
  }
  absl::StatusOr<double> max_loss = ParseQuantity(args.max_loss, Dimension::kFraction);
  if (!max_loss.ok() || *max_loss < 0 || *max_loss >= 1) {
    std::cerr << "--max-loss: "
              << (max_loss.ok() ? "must be in [0%, 100%)"
                                : std::string(max_loss.status().message()))
              << "\n";
    return kUsage;
  }
  absl::StatusOr<Duration> horizon = ParseDuration(args.horizon);
  if (!horizon.ok() || horizon->count() <= 0) {
    std::cerr << "--horizon: "
              << (horizon.ok() ? "must be positive" : std::string(horizon.status().message()))
              << "\n";
    return kUsage;
  }
  sim::Options o;
  o.horizon = *horizon;
  o.seed = args.seed >= 0 ? static_cast<std::uint64_t>(args.seed) : loaded->seed;
  control::Strategy controlled, unconstrained;
  for (const auto& s : AllStrategies()) {
    if (s.name == "headroom") controlled = s;
    if (s.name == "diesel-backed") unconstrained = s;
  }
  std::cout << "Searching the most GPUs " << args.file << " carries with headroom for at most "
            << *max_loss * 100 << "% loss of useful work (vs unlimited backup), over "
            << FormatDuration(*horizon) << " of its events...\n";
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
  simulate->add_option("--horizon", sim_args.horizon,
                       "Simulated time, e.g. 365d, 36h (default: the file's horizon)");
  simulate
      ->add_option("--seed", sim_args.seed,
                   "Random seed for generators and stochastic events (default: the file's)")
      ->check(CLI::NonNegativeNumber);
  simulate->add_option("--out,-o", sim_args.out,
                       "Folder for summary.json, timeseries.csv and events.csv");
  simulate->add_option("--resolution", sim_args.resolution,
                       "Time-series resolution, e.g. 15min, 1h (default 1h)");
  simulate->add_flag("--quiet,-q", sim_args.quiet, "No timing lines on stderr");
  simulate->add_flag("--no-events", sim_args.no_events,
                     "Do not record the event log (faster on huge runs)");
  std::string validate_file;
  CLI::App* validate = app.add_subcommand(
      "validate", "Check a fleet file and explain what is wrong, or summarise it");
  validate->add_option("fleet", validate_file, "Fleet YAML file")->required();
  CLI::App* strategies = app.add_subcommand("strategies", "List the control strategies");
  PlanArgs plan_args;
  CLI::App* plan = app.add_subcommand("plan", "Capacity planning by simulation");
  CLI::App* oversub = plan->add_subcommand(
      "oversubscribe", "The most GPUs the site carries for a bounded loss of useful work");
  plan->require_subcommand(1);
  oversub->add_option("fleet", plan_args.file, "Fleet YAML file")->required();
  oversub->add_option("--max-loss", plan_args.max_loss,
                      "Largest acceptable loss of useful work (default 1%)");
  oversub->add_option("--horizon", plan_args.horizon, "Simulated time per trial (default 14d)");
  oversub->add_option("--seed", plan_args.seed, "Seed (default: the file's)")
      ->check(CLI::NonNegativeNumber);
  oversub->add_option("--max-scale", plan_args.max_scale, "Largest GPU multiple to try (default 2)")
      ->check(CLI::Range(1.0, 20.0));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  if (*simulate) return Simulate(sim_args);
  if (*validate) return Validate(validate_file);
  if (*oversub) return PlanOversubscribe(plan_args);
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

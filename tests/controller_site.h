#pragma once
// A hand-built site for unit tests of the site controllers (headroom_controller_test.cc,
// headroom_outlook_test.cc): a fleet from a YAML template, one JobView per job (job i on rack i
// at full power) and the telemetry the engine would give the controller.
//
// The site: racks of 8 GPUs of a made-up model "G" (1,000 W TDP, caps 200-1,000 W, 100 W idle,
// no host power, throughput linear in the cap), PUE 1.25, ten identical training jobs of 8 GPUs
// (one per rack) that draw exactly their cap (compute and communication both at 100% of TDP) and
// tolerate a 25% slowdown. At full power the IT load is 80 kW and the facility 100 kW.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "config/loader.h"
#include "control/controller.h"
#include "model/fleet.h"

namespace headroom::controller_site {

using control::Action;
using control::Decision;
using control::JobState;

inline constexpr double kPue = 1.25;
inline constexpr double kFullFacilityW = 10 * 8 * 1000 * kPue;  // 100 kW

inline std::string FleetYaml(const std::string& site_extra, const std::string& control,
                             const std::string& jobs_extra = "", int racks = 10) {
  return R"(
horizon: 1 d
control: {)" +
         control +
         R"(}
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W,
     training: {zero: 0%, saturation: 100%, exponent: 1},
     inference: {zero: 0%, saturation: 100%, exponent: 1}}
sites:
  - name: s
    kind: owned
)" + site_extra +
         R"(
    cooling: {pue: [{temperature: 0 C, pue: 1.25}]}
    power_tree:
      - feed: F
        rating: 10 MW
        children:
          - {rack: K, count: )" +
         std::to_string(racks) + R"(, rating: 100 kW, gpus: 8, gpu: G}
workloads:
  jobs:
    - {name: j, kind: training, site: s, gpu: G, gpus: 8, duration: 1000 d, count: 10,
       slowdown_tolerance: 25%, power: {compute: 100%, communication: 100%, compute_duty: 50%}}
)" + jobs_extra;
}

// The fleet, one JobView per job (job i on rack i at full power), and the telemetry the engine
// would give the controller. Job i has the id JobIdOf(i), which is not i: controllers must not
// treat ids as indices.
class Site {
 public:
  explicit Site(const std::string& yaml) {
    auto f = config::LoadFleetFromString(yaml, "controller_test.yaml");
    EXPECT_TRUE(f.ok()) << f.status();
    if (!f.ok()) return;
    fleet_ = std::move(*f);
    const model::Site& s = fleet_.sites[0];
    for (size_t i = 0; i < s.tree.size(); ++i) {
      if (s.tree[i].kind == model::NodeKind::kRack) racks_.push_back(static_cast<int>(i));
    }
    placements_.resize(fleet_.jobs.size());
    views_.resize(fleet_.jobs.size());
    for (size_t i = 0; i < fleet_.jobs.size(); ++i) {
      const model::JobSpec& spec = fleet_.jobs[i];
      EXPECT_GE(spec.gpu_model, 0) << spec.name << ": give the job its GPU model";
      if (spec.gpu_model < 0) return;
      control::JobView& v = views_[i];
      v.id = JobIdOf(i);
      v.kind = spec.kind;
      v.priority = spec.priority;
      v.gpus = spec.gpus;
      v.gpu_model = spec.gpu_model;
      v.slowdown_tolerance = spec.slowdown_tolerance;
      v.power_shape = model::PowerShapeOf(spec);
      v.state = JobState::kRunning;
      v.demand = 1;
      placements_[i] = {{racks_[i], spec.gpus}};
      SetCap(i, Gpu(i).cap_max_w);
      v.full_power_w = v.power_w;
    }
  }

  const model::Fleet& fleet() const { return fleet_; }
  control::SiteConfig config() const { return {fleet_.sites[0], fleet_.gpus}; }
  const model::GpuModel& Gpu(size_t i) const {
    return fleet_.gpus[static_cast<size_t>(fleet_.jobs[i].gpu_model)];
  }
  static control::JobId JobIdOf(size_t i) { return control::JobId{100 + 3 * static_cast<int>(i)}; }
  static size_t IndexOf(control::JobId id) { return static_cast<size_t>((id.value - 100) / 3); }
  control::JobView& view(size_t i) { return views_[i]; }
  size_t jobs() const { return views_.size(); }
  // Whether Telemetry reports rack power (and the idle draw of racks with no job).
  bool report_racks = false;

  void SetCap(size_t i, double cap_w) {
    control::JobView& v = views_[i];
    v.cap_w = v.pending_cap_w = cap_w;
    v.power_w = v.state == JobState::kPaused
                    ? Gpu(i).idle_w
                    : model::RunningPowerW(fleet_.jobs[i], Gpu(i), cap_w, 1);
    v.speed = model::RunningSpeed(fleet_.jobs[i], Gpu(i), cap_w);
  }

  // What the engine does with a decision's job actions, at once (no actuation delay).
  void Apply(const Decision& d) {
    for (const Action& a : d.actions) {
      if (!a.job.valid()) continue;
      const size_t i = IndexOf(a.job);
      switch (a.kind) {
        case Action::Kind::kSetCap:
          SetCap(i, a.value);
          break;
        case Action::Kind::kPause:
          views_[i].state = JobState::kPaused;
          SetCap(i, views_[i].pending_cap_w);
          break;
        case Action::Kind::kResume:
          views_[i].state = JobState::kRunning;
          SetCap(i, views_[i].pending_cap_w);
          break;
        case Action::Kind::kBrake:
          views_[i].braked = a.value > 0;
          break;
        default:
          break;
      }
    }
  }

  double ItW() const {
    double it = 0;
    for (const auto& v : views_) it += v.power_w * v.gpus;
    return it;
  }

  control::SiteTelemetry Telemetry(Time now) {
    const model::Site& s = fleet_.sites[0];
    control::SiteTelemetry t;
    t.now = now;
    t.grid_sampled_at = t.battery_sampled_at = t.load_sampled_at = now;
    t.node_load_w.assign(s.tree.size(), 0.0);
    if (report_racks) {
      // Rack power as the twin reports it: every rack on, drawing its idle power where no job is.
      t.rack_power.assign(s.tree.size(), control::RackPower::kNotRack);
      for (size_t r = 0; r < racks_.size(); ++r) {
        const auto rack = static_cast<size_t>(racks_[r]);
        t.rack_power[rack] = control::RackPower::kOn;
        if (r < views_.size()) continue;
        const model::GpuModel& g = fleet_.gpus[static_cast<size_t>(s.tree[rack].gpu_model)];
        for (int a = racks_[r]; a >= 0; a = s.tree[static_cast<size_t>(a)].parent)
          t.node_load_w[static_cast<size_t>(a)] += s.tree[rack].gpus * (g.idle_w + g.host_w);
      }
    }
    for (size_t i = 0; i < views_.size(); ++i) {
      control::JobView v = views_[i];
      v.sampled_at = now;
      v.racks_begin = static_cast<int>(t.rack_shares.size());
      v.racks_count = static_cast<int>(placements_[i].size());
      for (const auto& [rack, n] : placements_[i]) {
        t.rack_shares.push_back({rack, n});
        for (int a = rack; a >= 0; a = s.tree[static_cast<size_t>(a)].parent)
          t.node_load_w[static_cast<size_t>(a)] += v.power_w * n;
      }
      t.jobs.push_back(v);
    }
    t.grid_connected = s.grid.present;
    t.import_limit_w = s.grid.present ? s.grid.import_limit_w : 0;
    t.frequency_hz = s.grid.nominal_hz;
    t.pue = kPue;
    t.it_w = report_racks ? t.node_load_w[0] : ItW();
    t.facility_w = t.it_w * kPue;
    t.grid_w = t.facility_w;
    for (size_t p = 0; p < s.plants.size(); ++p) {
      for (size_t u = 0; u < s.plants[p].units.size(); ++u) {
        control::UnitView uv;
        uv.plant = static_cast<int>(p);
        uv.unit = static_cast<int>(u);
        t.units.push_back(uv);
      }
    }
    return t;
  }

 private:
  model::Fleet fleet_;
  std::vector<int> racks_;
  std::vector<std::vector<std::pair<int, int>>> placements_;
  std::vector<control::JobView> views_;
};

inline int Count(const Decision& d, Action::Kind kind) {
  int n = 0;
  for (const Action& a : d.actions) n += a.kind == kind;
  return n;
}

// The cap each job was last set to, -1 where no kSetCap names it.
inline std::vector<double> CapsSet(const Decision& d, size_t jobs) {
  std::vector<double> caps(jobs, -1);
  for (const Action& a : d.actions) {
    if (a.kind == Action::Kind::kSetCap) caps[Site::IndexOf(a.job)] = a.value;
  }
  return caps;
}

inline const std::string kGrid = "    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz}";
inline const std::string kNoMargin = "rating_margin: 0%";

}  // namespace headroom::controller_site

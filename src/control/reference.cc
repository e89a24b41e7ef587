#include "control/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/units.h"

namespace headroom::control {
namespace {

constexpr Duration kDispatchPeriod = std::chrono::minutes(5);
constexpr double kDispatchMargin = 1.05;

class UnmanagedController : public SiteController {
 public:
  UnmanagedController(const SiteConfig& config, bool keep_all_online)
      : dispatch_(config, keep_all_online) {}
  void Decide(const SiteTelemetry& t, Decision* out) override { dispatch_.Decide(t, out); }

 private:
  BaselineDispatch dispatch_;
};

class StaticCapController : public SiteController {
 public:
  explicit StaticCapController(const SiteConfig& config)
      : gpus_(config.gpus),
        dispatch_(config, /*keep_all_online=*/true),
        cap_(ComputeStaticCap(config)) {}

  void Decide(const SiteTelemetry& t, Decision* out) override {
    if (!reported_ && !cap_.feasible) {
      out->actions.push_back(
          Action::Note(cap_.firm_supply_w / 1e6,  // MW, like every note's value
                       "static cap cannot fit the firm supply even at the minimum cap"));
      reported_ = true;
    }
    for (const JobView& j : t.jobs) {
      if (j.state == JobState::kDone || j.state == JobState::kQueued) continue;
      // Scale the site cap to each GPU model's range by TDP share.
      const model::GpuModel& gpu = gpus_[static_cast<size_t>(j.gpu_model)];
      const double cap = std::clamp(cap_.cap_w, gpu.cap_min_w, gpu.cap_max_w);
      if (std::fabs(j.pending_cap_w - cap) > 0.5) {
        out->actions.push_back(
            Action::ForJob(Action::Kind::kSetCap, j.id, cap, "static cap for firm supply"));
      }
    }
    dispatch_.Decide(t, out);
  }

 private:
  std::span<const model::GpuModel> gpus_;
  BaselineDispatch dispatch_;
  StaticCap cap_;
  bool reported_ = false;
};

std::unique_ptr<SiteController> MakeUnmanaged(const SiteConfig& config, const ControllerOptions&) {
  return std::make_unique<UnmanagedController>(config, /*keep_all_online=*/false);
}
std::unique_ptr<SiteController> MakeStaticCap(const SiteConfig& config, const ControllerOptions&) {
  return std::make_unique<StaticCapController>(config);
}

}  // namespace

std::vector<Strategy> ReferenceStrategies() {
  return {
      {"unmanaged", "no capping; baseline dispatch; supply shortfalls trip load", false,
       &MakeUnmanaged},
      {"static-cap",
       "every GPU capped so that the site fits its firm supply; all turbines spinning", false,
       &MakeStaticCap},
      {"diesel-backed", "unmanaged load with unlimited instant diesel backup", true,
       &MakeUnmanaged},
  };
}

StaticCap ComputeStaticCap(const model::Fleet& fleet, int site_index) {
  return ComputeStaticCap(SiteConfig{fleet.sites[static_cast<size_t>(site_index)], fleet.gpus});
}

StaticCap ComputeStaticCap(const SiteConfig& config) {
  const model::Site& site = config.site;
  double supply = site.baseload_w;
  if (site.grid.present) supply += site.grid.import_limit_w;
  for (const auto& p : site.plants) supply += p.capacity_w();
  // The largest declared loss of supply (losses of load do not reduce it).
  double largest = 0;
  for (const model::Contingency& c : site.contingencies) {
    if (c.kind == model::Contingency::Kind::kGrid && site.grid.present)
      largest = std::max(largest, site.grid.import_limit_w);
    if (c.kind == model::Contingency::Kind::kUnit) {
      for (const auto& p : site.plants) {
        for (const auto& u : p.units) largest = std::max(largest, u.rating_w);
      }
    }
    if (c.kind != model::Contingency::Kind::kPlant) continue;
    for (size_t p = 0; p < site.plants.size(); ++p) {
      if (c.index < 0 || c.index == static_cast<int>(p))
        largest = std::max(largest, site.plants[p].capacity_w());
    }
  }
  StaticCap out;
  out.firm_supply_w = supply - largest;
  double pue_max = 1.0;
  for (const auto& [temp, pue] : site.cooling.pue_by_temp_c) pue_max = std::max(pue_max, pue);
  const int gpus = site.total_gpus();
  const model::GpuModel* gpu = nullptr;
  for (const auto& n : site.tree) {
    if (n.gpus > 0 && n.gpu_model >= 0) {
      gpu = &config.gpus[static_cast<size_t>(n.gpu_model)];
      break;
    }
  }
  if (gpu == nullptr || gpus == 0) {
    out.cap_w = 0;
    return out;
  }
  // Every GPU busy at the cap, plus its host share, at the worst PUE.
  const double per_gpu = out.firm_supply_w / pue_max / gpus - gpu->host_w;
  out.cap_w = std::clamp(per_gpu, gpu->cap_min_w, gpu->cap_max_w);
  out.feasible = per_gpu >= gpu->cap_min_w;
  return out;
}

const model::TurbineUnit& UnitSpec(const model::Site& site, const UnitView& u) {
  return site.plants[static_cast<size_t>(u.plant)].units[static_cast<size_t>(u.unit)];
}

double UnitMaxW(const model::Site& site, const UnitView& u) {
  return u.max_w >= 0 ? u.max_w : UnitSpec(site, u).rating_w;
}

double DecommitAfterSurplus(const model::Site& site, const SiteTelemetry& t, bool surplus,
                            Time* low_since, Decision* out, Duration hold) {
  if (!surplus) {
    *low_since = kTimeNever;
    return 0;
  }
  if (*low_since == kTimeNever) *low_since = t.now;
  if (t.now - *low_since < hold) return 0;
  *low_since = kTimeNever;
  for (auto it = t.units.rbegin(); it != t.units.rend(); ++it) {
    if (it->state == UnitState::kOnline) {
      out->actions.push_back(
          Action::ForUnit(Action::Kind::kDecommitUnit, it->plant, it->unit, 0,
                          absl::StrCat("surplus turbine capacity for ", FormatDuration(hold))));
      return UnitMaxW(site, *it);
    }
  }
  return 0;
}

void ShareTurbineTargets(const model::Site& site, const SiteTelemetry& t, double want,
                         const std::string& reason, Decision* out) {
  double online = 0;
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kOnline) online += UnitMaxW(site, u);
  }
  if (online <= 0) return;
  const double share = std::min(1.0, want / online);
  for (const UnitView& u : t.units) {
    if (u.state != UnitState::kOnline) continue;
    const double target = std::max(UnitSpec(site, u).min_load_w, share * UnitMaxW(site, u));
    if (std::fabs(target - u.target_w) > 0.01 * UnitSpec(site, u).rating_w) {
      out->actions.push_back(
          Action::ForUnit(Action::Kind::kSetUnitTarget, u.plant, u.unit, target, reason));
    }
  }
}

double BaselineDispatch::DeenergizedIdleW(const SiteTelemetry& t) {
  const std::vector<model::TreeNode>& tree = site_.tree;
  if (subtree_idle_w_.size() != tree.size()) {
    subtree_idle_w_.assign(tree.size(), 0.0);
    // Children come after their parents: accumulate from the leaves up.
    for (size_t i = tree.size(); i-- > 0;) {
      const model::TreeNode& n = tree[i];
      if (n.gpus > 0 && n.gpu_model >= 0) {
        const model::GpuModel& g = gpus_[static_cast<size_t>(n.gpu_model)];
        subtree_idle_w_[i] += n.gpus * (g.idle_w + g.host_w);
      }
      if (n.parent >= 0) subtree_idle_w_[static_cast<size_t>(n.parent)] += subtree_idle_w_[i];
    }
    // The topmost node of a dark subtree either opened itself or has every child dark: it is an
    // inner node, or a rack that can overload its own breaker (the only way a rack opens: feeds
    // are shed and faulted, inner nodes trip). Racks that cannot (most of them) are not scanned.
    scan_nodes_.clear();
    for (size_t i = 0; i < tree.size(); ++i) {
      const model::TreeNode& n = tree[i];
      if (n.kind != model::NodeKind::kRack) {
        scan_nodes_.push_back(static_cast<int>(i));
        continue;
      }
      if (n.rating_w <= 0 || n.gpus <= 0 || n.gpu_model < 0) continue;
      const model::GpuModel& g = gpus_[static_cast<size_t>(n.gpu_model)];
      // At most the maximum cap (running) or twice idle (loading or writing a checkpoint).
      const double max_w =
          n.gpus * (std::max(g.cap_max_w, model::CheckpointIoPowerW(g)) + g.host_w);
      const auto& curve = n.breaker.empty() ? site_.default_breaker : n.breaker;
      double lowest_trip_w = std::numeric_limits<double>::infinity();
      for (const model::BreakerStep& step : curve) {
        lowest_trip_w = std::min(lowest_trip_w, step.above_fraction * n.rating_w);
      }
      if (max_w > lowest_trip_w) scan_nodes_.push_back(static_cast<int>(i));
    }
  }
  const std::vector<double>& load_w = t.node_load_w;
  const auto dark = [&](size_t i) { return load_w[i] <= 0 && subtree_idle_w_[i] > 0; };
  double idle_w = 0;
  for (int node : scan_nodes_) {
    const size_t i = static_cast<size_t>(node);
    if (!dark(i)) continue;
    const int parent = tree[i].parent;
    if (parent < 0 || !dark(static_cast<size_t>(parent))) idle_w += subtree_idle_w_[i];
  }
  return idle_w;
}

void BaselineDispatch::Decide(const SiteTelemetry& t, Decision* out) {
  const double grid = t.grid_connected ? t.import_limit_w : 0.0;
  // The energized load, and the dark racks at idle that re-closing their breakers will add.
  const double restore_w =
      !t.node_load_w.empty() && t.open_breakers > 0 ? DeenergizedIdleW(t) * t.pue : 0.0;
  const double residual = t.facility_w + restore_w - t.solar_w - t.baseload_w - grid;
  const double want = std::max(0.0, residual * kDispatchMargin);

  // Online (or starting) capacity, in unit order.
  double committed = 0;
  double largest_online = 0;
  for (const UnitView& u : t.units) {
    if (u.state == UnitState::kOnline || u.state == UnitState::kStarting) {
      committed += UnitMaxW(site_, u);
      largest_online = std::max(largest_online, UnitMaxW(site_, u));
    }
  }
  // Commit more units, in order, until the committed capacity covers what we want.
  for (const UnitView& u : t.units) {
    if (u.state != UnitState::kOff) continue;
    if (!keep_all_online_ && committed >= want) break;
    out->actions.push_back(Action::ForUnit(Action::Kind::kCommitUnit, u.plant, u.unit, 0,
                                           keep_all_online_
                                               ? "keep all units spinning"
                                               : "turbines needed to cover load beyond the grid"));
    committed += UnitMaxW(site_, u);
  }
  // Decommit one unit when the rest would still cover the need for kDecommitAfter.
  DecommitAfterSurplus(site_, t,
                       !keep_all_online_ && committed - largest_online >= want && committed > 0,
                       &low_since_, out);
  ShareTurbineTargets(site_, t, want, "follow load beyond the grid", out);
  // Battery: recharge from spare grid import.
  if (t.has_battery) {
    const model::Battery& b = *site_.battery;
    const double charge = (t.grid_connected && t.battery_soc < b.soc_max - 1e-6) ? b.power_w : 0.0;
    out->actions.push_back(Action::ForSite(Action::Kind::kSetBatteryCharge, charge, ""));
  }
  out->next_wake = t.now + kDispatchPeriod;
}

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued:
      return "queued";
    case JobState::kStarting:
      return "starting";
    case JobState::kRunning:
      return "running";
    case JobState::kSaving:
      return "saving";
    case JobState::kPaused:
      return "paused";
    case JobState::kDown:
      return "down";
    case JobState::kDone:
      return "done";
  }
  return "?";
}

const char* UnitStateName(UnitState s) {
  switch (s) {
    case UnitState::kOff:
      return "off";
    case UnitState::kStarting:
      return "starting";
    case UnitState::kOnline:
      return "online";
    case UnitState::kTripped:
      return "tripped";
  }
  return "?";
}

bool IsJobAction(Action::Kind k) {
  return k == Action::Kind::kSetCap || k == Action::Kind::kPause || k == Action::Kind::kResume ||
         k == Action::Kind::kStop || k == Action::Kind::kBrake;
}

bool IsRackAction(Action::Kind k) {
  return k == Action::Kind::kPowerOffRack || k == Action::Kind::kPowerOnRack;
}

const char* RackPowerName(RackPower p) {
  switch (p) {
    case RackPower::kNotRack:
      return "not a rack";
    case RackPower::kOn:
      return "on";
    case RackPower::kOff:
      return "off";
    case RackPower::kBooting:
      return "booting";
  }
  return "?";
}

bool IsUnitAction(Action::Kind k) {
  return k == Action::Kind::kCommitUnit || k == Action::Kind::kDecommitUnit ||
         k == Action::Kind::kSetUnitTarget;
}

const char* ActionKindName(Action::Kind k) {
  switch (k) {
    case Action::Kind::kSetCap:
      return "set_cap";
    case Action::Kind::kPause:
      return "pause";
    case Action::Kind::kResume:
      return "resume";
    case Action::Kind::kStop:
      return "stop";
    case Action::Kind::kCommitUnit:
      return "commit_unit";
    case Action::Kind::kDecommitUnit:
      return "decommit_unit";
    case Action::Kind::kSetUnitTarget:
      return "set_unit_target";
    case Action::Kind::kSetBatteryCharge:
      return "set_battery_charge";
    case Action::Kind::kNote:
      return "note";
    case Action::Kind::kBrake:
      return "brake";
    case Action::Kind::kSetBatteryDischarge:
      return "set_battery_discharge";
    case Action::Kind::kSetImportCeiling:
      return "set_import_ceiling";
    case Action::Kind::kSetImportFloor:
      return "set_import_floor";
    case Action::Kind::kPowerOffRack:
      return "power_off_rack";
    case Action::Kind::kPowerOnRack:
      return "power_on_rack";
  }
  return "?";
}

}  // namespace headroom::control

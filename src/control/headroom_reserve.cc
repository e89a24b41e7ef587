// The Headroom controller's contingency-reserve assessment: at every call, each contingency the
// site declares against the fast reserve in its direction (CheckReserve: up for a loss of supply,
// down for a loss of load), with a note when one becomes short and when it is covered again; and
// the same check at design time, at full load in the hottest hour (AssessDesignReserve).

#include <algorithm>
#include <string>
#include <vector>

#include "control/headroom.h"
#include "control/headroom_internal.h"
#include "control/reference.h"

namespace headroom::control {

namespace internal {

std::vector<double> MaxDrawW(const model::Site& site, std::span<const model::GpuModel> gpus) {
  const auto& tree = site.tree;
  std::vector<double> max_draw(tree.size(), 0.0);
  for (size_t i = tree.size(); i-- > 0;) {
    const model::TreeNode& n = tree[i];
    if (n.gpus > 0 && n.gpu_model >= 0) {
      const model::GpuModel& g = gpus[static_cast<size_t>(n.gpu_model)];
      max_draw[i] += n.gpus * (g.cap_max_w + g.host_w);
    }
    if (n.parent >= 0) max_draw[static_cast<size_t>(n.parent)] += max_draw[i];
  }
  return max_draw;
}

}  // namespace internal

namespace {

using internal::kSocEdge;
using internal::kWattsPerMw;
using internal::Mw;
using Kind = model::Contingency::Kind;

// A feed without a rating can carry whatever its GPUs draw (W).
constexpr double kUnratedW = 1e30;

// The output of plant `p` now.
double PlantOutput(const SiteTelemetry& t, int p) {
  double output = 0;
  for (const UnitView& u : t.units) {
    if (u.plant == p) output += u.output_w;
  }
  return output;
}

// The fast down reserve now: what absorbs a sudden loss of load.
struct DownReserve {
  double w = 0;
  std::string from;           // what it is made of
  bool grid_absorbs = false;  // the grid, without a ramp limit, absorbs any loss of load
};

DownReserve DownReserveNow(const model::Site& site, const SiteTelemetry& t) {
  // The battery stops discharging and charges at full power; the grid takes what its ramp limit
  // allows (all of it without a limit); while islanded, the turbines back off toward their
  // minimum load.
  const model::Grid& grid = site.grid;
  DownReserve d;
  if (t.has_battery && t.battery_soc < site.battery->soc_max - kSocEdge) {
    d.w += BatteryPowerNowW(*site.battery, t) + std::max(0.0, t.battery_w);
    d.from = "battery charging";
  }
  d.grid_absorbs = t.grid_connected && grid.max_ramp_w_per_s <= 0;
  if (t.grid_connected && !d.grid_absorbs) {
    d.w += grid.max_ramp_w_per_s * ToSeconds(grid.ramp_window);
    d.from += d.from.empty() ? "grid ramp allowance" : " + grid ramp allowance";
  }
  if (!t.grid_connected) {
    for (const UnitView& u : t.units) {
      if (u.state == UnitState::kOnline)
        d.w += std::max(0.0, u.output_w - UnitSpec(site, u).min_load_w);
    }
    d.from += d.from.empty() ? "turbine back-off" : " + turbine back-off";
  }
  return d;
}

// Contingency `c` now against the fast reserve in its direction; *applies is false when it cannot
// happen now (the grid while islanded, a feed while the grid absorbs any loss of load).
ReserveCheck SizeNow(const model::Site& site, const std::vector<int>& feeds, const SiteTelemetry& t,
                     const model::Contingency& c, double fast_up, const DownReserve& down,
                     bool* applies) {
  ReserveCheck r;
  r.reserve_w = fast_up;
  r.reserve_from = "battery + power brakes";
  *applies = true;
  switch (c.kind) {
    case Kind::kGrid:
      r.what = "the grid";
      // The import less what charges the battery: a charge stops with the grid.
      r.size_w = std::max(0.0, t.grid_w - std::max(0.0, -t.battery_w));
      *applies = t.grid_connected;
      break;
    case Kind::kPlant: {
      int p = c.index;
      r.size_w = p >= 0 ? PlantOutput(t, p) : -1;
      for (int q = 0; c.index < 0 && q < static_cast<int>(site.plants.size());
           ++q) {  // the largest by output now
        const double output = PlantOutput(t, q);
        if (output > r.size_w) {
          p = q;
          r.size_w = output;
        }
      }
      r.what = "plant " + site.plants[static_cast<size_t>(p)].name;
      break;
    }
    case Kind::kUnit: {
      // The online unit giving the most now (the first of equals, in unit order).
      const UnitView* largest = nullptr;
      for (const UnitView& u : t.units) {
        if (u.state == UnitState::kOnline && (largest == nullptr || u.output_w > largest->output_w))
          largest = &u;
      }
      r.size_w = largest != nullptr ? largest->output_w : 0.0;
      r.what = largest != nullptr
                   ? "unit " + site.plants[static_cast<size_t>(largest->plant)].name + "/" +
                         UnitSpec(site, *largest).name
                   : "a turbine unit";
      *applies = largest != nullptr;
      break;
    }
    case Kind::kFeed: {
      int f = c.index;
      if (f < 0) {  // the largest by load now
        for (int q : feeds) {
          if (f < 0 ||
              t.node_load_w[static_cast<size_t>(q)] > t.node_load_w[static_cast<size_t>(f)])
            f = q;
        }
      }
      r.what = "feed " + site.tree[static_cast<size_t>(f)].name;
      r.load_loss = true;
      r.size_w = t.node_load_w[static_cast<size_t>(f)] * t.pue;
      r.reserve_w = down.w;
      r.reserve_from = down.from;
      *applies = !down.grid_absorbs;
      break;
    }
  }
  return r;
}

std::string ShortReason(const ReserveCheck& r) {
  return "contingency reserve short: the loss of " + r.what + " (" + Mw(r.size_w) +
         (r.load_loss ? " of load" : "") + ") exceeds the fast " + (r.load_loss ? "down" : "up") +
         " reserve " + Mw(r.reserve_w) + " (" + (r.reserve_from.empty() ? "none" : r.reserve_from) +
         "); short by " + Mw(r.short_w());
}

}  // namespace

void HeadroomController::CheckReserve(const SiteTelemetry& t, double fast_up, Decision* out) {
  const DownReserve down = DownReserveNow(site_, t);
  reserve_short_.resize(site_.contingencies.size(), 0);
  out->reserve_short_w = 0;
  for (size_t i = 0; i < site_.contingencies.size(); ++i) {
    bool applies = true;
    ReserveCheck r = SizeNow(site_, feeds_, t, site_.contingencies[i], fast_up, down, &applies);
    if (stops_counted_ && !r.load_loss) r.reserve_from = "battery + power brakes + stops";
    const bool short_now = applies && r.short_w() > 0;
    if (short_now) out->reserve_short_w = std::max(out->reserve_short_w, r.short_w());
    if (short_now && !reserve_short_[i]) {
      out->actions.push_back(Action::Note(r.short_w() / kWattsPerMw, ShortReason(r)));
    } else if (!short_now && reserve_short_[i]) {
      out->actions.push_back(
          Action::Note(0, "contingency reserve restored: the loss of " + r.what + " is covered"));
    }
    reserve_short_[i] = short_now;
  }
}

namespace {

// The lowest and highest PUE of the site's cooling curve (the highest at least 1; both 1 without
// a curve).
void PueRange(const model::Site& site, double* pue_min, double* pue_max) {
  constexpr double kNoPueYet = 1e9;  // above any PUE: the first point replaces it
  *pue_min = kNoPueYet;
  *pue_max = 1.0;
  for (const auto& [temp, pue] : site.cooling.pue_by_temp_c) {
    *pue_min = std::min(*pue_min, pue);
    *pue_max = std::max(*pue_max, pue);
  }
  if (*pue_min > *pue_max) *pue_min = *pue_max;
}

// The facility W the brakes shed with every GPU at full power (before the PUE).
double FullPowerBrakesW(const model::Site& site, std::span<const model::GpuModel> gpus) {
  double brakes = 0;
  for (size_t i = site.tree.size(); i-- > 0;) {
    const model::TreeNode& n = site.tree[i];
    if (n.gpus > 0 && n.gpu_model >= 0) {
      const model::GpuModel& g = gpus[static_cast<size_t>(n.gpu_model)];
      brakes += n.gpus * (g.cap_max_w - g.cap_min_w);
    }
  }
  return brakes;
}

// The largest plant by capacity, or plant `index` if the contingency names one.
int LargestPlant(const model::Site& site, int index) {
  int p = index;
  for (int q = 0; index < 0 && q < static_cast<int>(site.plants.size()); ++q) {
    if (p < 0 || site.plants[static_cast<size_t>(q)].capacity_w() >
                     site.plants[static_cast<size_t>(p)].capacity_w())
      p = q;
  }
  return p;
}

// The design-time down reserve against the loss of feed `c.index` (or the feed that can carry
// most) with the hottest PUE.
void SizeFeedLoss(const model::Site& site, const model::Contingency& c,
                  const std::vector<double>& max_draw, double pue_max, double battery,
                  ReserveCheck* r) {
  // The most a feed can carry: its rating, or all its GPUs at full power if that is less.
  auto most = [&](int q) {
    const model::TreeNode& n = site.tree[static_cast<size_t>(q)];
    return std::min(n.rating_w > 0 ? n.rating_w : kUnratedW, max_draw[static_cast<size_t>(q)]);
  };
  int f = c.index;
  for (int q = 0; c.index < 0 && q < static_cast<int>(site.tree.size()); ++q) {
    if (site.tree[static_cast<size_t>(q)].kind == model::NodeKind::kFeed &&
        (f < 0 || most(q) > most(f)))
      f = q;
  }
  r->what = "feed " + site.tree[static_cast<size_t>(f)].name;
  r->load_loss = true;
  r->size_w = most(f) * pue_max;
  const bool grid_absorbs = site.grid.present && site.grid.max_ramp_w_per_s <= 0;
  if (grid_absorbs) {
    r->reserve_w = r->size_w;
    r->reserve_from = "the grid (no ramp limit)";
    return;
  }
  const double ramp_allowance = site.grid.max_ramp_w_per_s * ToSeconds(site.grid.ramp_window);
  r->reserve_w = battery + (site.grid.present ? ramp_allowance : 0.0);
  r->reserve_from = battery > 0 ? "battery charging" : "";
  if (site.grid.present)
    r->reserve_from += r->reserve_from.empty() ? "grid ramp allowance" : " + grid ramp allowance";
}

}  // namespace

std::vector<ReserveCheck> AssessDesignReserve(const model::Fleet& fleet, int site_index) {
  const model::Site& site = fleet.sites[static_cast<size_t>(site_index)];
  double pue_min = 0, pue_max = 0;
  PueRange(site, &pue_min, &pue_max);
  // Most draw below each node, and what the brakes shed when every GPU runs at full power.
  const std::vector<double> max_draw = internal::MaxDrawW(site, fleet.gpus);
  const double brakes = FullPowerBrakesW(site, fleet.gpus);
  const double battery = site.battery ? site.battery->power_w : 0.0;
  const double up = battery + brakes * pue_min;
  const std::string up_from = battery > 0 ? "battery + power brakes" : "power brakes";
  std::vector<ReserveCheck> out;
  for (const model::Contingency& c : site.contingencies) {
    ReserveCheck r;
    r.reserve_w = up;
    r.reserve_from = up_from;
    switch (c.kind) {
      case Kind::kGrid: {
        // The controller imports no more than its reserve covers and runs turbines for the rest
        // (Dispatch), so the exposure is the import the turbines cannot replace.
        double turbines = 0;
        for (const auto& p : site.plants) turbines += p.capacity_w();
        r.what = "the grid";
        r.size_w = std::clamp(max_draw[0] * pue_max - site.baseload_w - turbines, 0.0,
                              site.grid.import_limit_w);
        break;
      }
      case Kind::kPlant: {
        const int p = LargestPlant(site, c.index);
        r.what = "plant " + site.plants[static_cast<size_t>(p)].name;
        r.size_w = site.plants[static_cast<size_t>(p)].capacity_w();
        break;
      }
      case Kind::kUnit: {
        // The largest unit at its rating (the most it can carry when lost).
        r.what = "the largest turbine unit";
        for (const auto& p : site.plants) {
          for (const auto& u : p.units) r.size_w = std::max(r.size_w, u.rating_w);
        }
        break;
      }
      case Kind::kFeed:
        SizeFeedLoss(site, c, max_draw, pue_max, battery, &r);
        break;
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace headroom::control

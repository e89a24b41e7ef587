// `headroom validate`'s summary of a valid fleet: per site its size, supply and reserve checks;
// the nodes its racks can overload; the WAN, teams, data sets and cross-site jobs; the counts.

#include "validate.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/units.h"
#include "config/fleet_checks.h"
#include "control/headroom.h"
#include "model/wan.h"

namespace headroom {
namespace {

// At most this many lines of one kind (nodes, links, teams, ...); then a count of the rest.
constexpr size_t kMaxListed = 20;

std::string Bandwidth(double bps) {
  if (std::isinf(bps)) return "unlimited";
  return absl::StrFormat("%.4g Gbps", bps / 1e9);
}

std::string Bytes(double bytes) {
  if (bytes >= 1e18) return absl::StrFormat("%.4g EB", bytes / 1e18);
  if (bytes >= 1e15) return absl::StrFormat("%.4g PB", bytes / 1e15);
  if (bytes >= 1e12) return absl::StrFormat("%.4g TB", bytes / 1e12);
  if (bytes >= 1e9) return absl::StrFormat("%.4g GB", bytes / 1e9);
  if (bytes >= 1e6) return absl::StrFormat("%.4g MB", bytes / 1e6);
  return absl::StrFormat("%.4g B", bytes);
}

std::string Hours(Duration d) {
  const double h = ToHours(d);
  return h >= 48 ? absl::StrFormat("%.3g d", h / 24) : absl::StrFormat("%.3g h", h);
}

std::string Millis(Duration d) { return absl::StrFormat("%.4g ms", ToSeconds(d) * 1e3); }

std::string More(size_t shown, size_t all, const std::string& what) {
  return all > shown ? absl::StrFormat("    ... and %d more %s\n", all - shown, what) : "";
}

// The WAN, the teams, the data sets and the cross-site jobs: what global scheduling reads.
void PrintGlobal(const model::Fleet& fleet, std::ostream& out) {
  const model::Wan& wan = fleet.wan;
  const auto site_name = [&](int s) {
    return s >= 0 && s < static_cast<int>(fleet.sites.size())
               ? fleet.sites[static_cast<size_t>(s)].name
               : std::string("?");
  };
  if (!wan.links.empty()) {
    out << "  WAN: " << wan.regions.size() << " regions (" << absl::StrJoin(wan.regions, ", ")
        << "), " << wan.links.size() << " links (capacity each way, one-way latency):\n";
    for (size_t i = 0; i < wan.links.size() && i < kMaxListed; ++i) {
      const model::WanLink& l = wan.links[i];
      out << "    " << l.name << ": " << Bandwidth(l.capacity_bps) << ", " << Millis(l.latency)
          << (l.capacity_bps <= 0 ? " (down)" : "") << "\n";
    }
    out << More(kMaxListed, wan.links.size(), "links");
    out << "    site uplinks:";
    for (size_t s = 0; s < fleet.sites.size() && s < wan.site_region.size(); ++s) {
      const int r = wan.site_region[s];
      out << (s == 0 ? " " : "; ") << fleet.sites[s].name << " in "
          << (r >= 0 && r < static_cast<int>(wan.regions.size())
                  ? wan.regions[static_cast<size_t>(r)]
                  : std::string("?"))
          << ", " << Bandwidth(s < wan.site_uplink_bps.size() ? wan.site_uplink_bps[s] : 0);
    }
    out << "\n";
  }
  if (!fleet.teams.empty()) {
    out << "  teams (quotas):";
    for (size_t i = 0; i < fleet.teams.size() && i < kMaxListed; ++i) {
      const model::Team& t = fleet.teams[i];
      std::vector<std::string> q;
      if (t.max_gpus > 0) q.push_back(absl::StrFormat("%d GPUs at once", t.max_gpus));
      if (t.gpu_hours_per_month > 0)
        q.push_back(absl::StrFormat("%.4g M GPU-h a month", t.gpu_hours_per_month / 1e6));
      out << (i == 0 ? " " : "; ") << t.name << " ("
          << (q.empty() ? std::string("no limit") : absl::StrJoin(q, ", ")) << ")";
    }
    out << "\n" << More(kMaxListed, fleet.teams.size(), "teams");
  }
  if (!fleet.datasets.empty()) {
    // How long one copy takes to reach each other site alone on the WAN (a job placed where no
    // copy is waits that long; docs/scheduler.md, "Data sets in the twin").
    std::vector<std::string> names;
    for (const model::Site& site : fleet.sites) names.push_back(site.name);
    const model::WanRoutes routes(model::WanOf(fleet), names);
    // copy_time[d][s]: data set d's copy time to site s (nullopt: no route), once per pair.
    std::vector<std::vector<std::optional<Duration>>> copy_time(fleet.datasets.size());
    for (size_t d = 0; d < fleet.datasets.size(); ++d) {
      const model::Dataset& ds = fleet.datasets[d];
      for (int s = 0; s < static_cast<int>(fleet.sites.size()); ++s) {
        std::optional<Duration> t = Duration{0};
        if (ds.home_site >= 0 && s != ds.home_site) {
          const std::optional<model::WanRoute> r = routes.Route(ds.home_site, s);
          t = r ? std::optional<Duration>(
                      model::TransferTime(ds.size_bytes, routes.BottleneckBps(*r), r->latency))
                : std::nullopt;
        }
        copy_time[d].push_back(t);
      }
    }
    out << "  data sets (a copy's time to each site, alone on the WAN):\n";
    for (size_t i = 0; i < fleet.datasets.size() && i < kMaxListed; ++i) {
      const model::Dataset& d = fleet.datasets[i];
      std::vector<std::string> to;
      for (int s = 0; s < static_cast<int>(fleet.sites.size()) && to.size() < kMaxListed; ++s) {
        if (s == d.home_site) continue;
        const std::optional<Duration>& t = copy_time[i][static_cast<size_t>(s)];
        to.push_back(site_name(s) + " " + (t ? Hours(*t) : std::string("no route")));
      }
      out << "    " << d.name << ": " << Bytes(d.size_bytes) << " at " << site_name(d.home_site)
          << (to.empty() ? std::string() : "; " + absl::StrJoin(to, ", ")) << "\n";
    }
    out << More(kMaxListed, fleet.datasets.size(), "data sets");
    // Readers that could start nowhere within the run: every site they may use is further than
    // the horizon from their data.
    size_t late = 0;
    for (const model::JobSpec& j : fleet.jobs) {
      if (j.dataset < 0 || j.cross_site || j.dataset >= static_cast<int>(fleet.datasets.size()))
        continue;
      const model::Dataset& d = fleet.datasets[static_cast<size_t>(j.dataset)];
      std::optional<Duration> best;
      for (int s = 0; s < static_cast<int>(fleet.sites.size()); ++s) {
        if (j.site >= 0 && s != j.site) continue;
        if (!j.sites.empty() && std::find(j.sites.begin(), j.sites.end(), s) == j.sites.end())
          continue;
        const std::optional<Duration>& t =
            copy_time[static_cast<size_t>(j.dataset)][static_cast<size_t>(s)];
        if (t && (!best || *t < *best)) best = t;
      }
      if (best && j.arrival + *best < Time{fleet.horizon}) continue;
      if (++late <= kMaxListed) {
        out << "  warning: job " << j.name << " reads " << d.name << ", which "
            << (best ? "takes at least " + Hours(*best) + " to reach"
                     : std::string("has no route to"))
            << " any site it may run at: arriving at " << Hours(j.arrival - kTimeZero)
            << ", it cannot start within the run (" << Hours(fleet.horizon) << ")\n";
      }
    }
    out << More(kMaxListed, late, "jobs that cannot start within the run");
  }
  size_t cross = 0;
  for (const model::JobSpec& j : fleet.jobs) {
    if (!j.cross_site) continue;
    if (++cross > kMaxListed) continue;
    std::vector<std::string> sites;
    for (int s : j.sites) sites.push_back(site_name(s));
    out << "  cross-site job " << j.name << ": " << j.gpus << " GPUs in " << j.cross_site->learners
        << " learners (at least " << j.cross_site->min_learners << ") at "
        << (sites.empty() ? std::string("any sites") : absl::StrJoin(sites, ", ")) << "\n";
  }
  out << More(kMaxListed, cross, "cross-site jobs");
}

}  // namespace

void PrintFleetSummary(const model::Fleet& fleet, std::ostream& out) {
  for (const model::Site& s : fleet.sites) {
    double turbines = 0;
    for (const auto& p : s.plants) turbines += p.capacity_w();
    int racks = 0;
    for (const auto& n : s.tree) racks += n.kind == model::NodeKind::kRack;
    out << "  site " << s.name << " (" << model::SiteKindName(s.kind) << "): " << s.total_gpus()
        << " GPUs in " << racks << " racks, " << s.tree.size() << " tree nodes; grid "
        << (s.grid.present ? FormatPower(s.grid.import_limit_w) : std::string("none"))
        << ", turbines " << FormatPower(turbines) << " in " << s.plants.size()
        << " plants, battery "
        << (s.battery ? FormatPower(s.battery->power_w) + " / " +
                            std::to_string(static_cast<long>(s.battery->energy_j / 3.6e9)) + " MWh"
                      : std::string("none"))
        << "\n";
    if (s.grid.present && s.grid.max_ramp_w_per_s > 0) {
      out << "    grid ramp limit "
          << FormatPower(s.grid.max_ramp_w_per_s * ToSeconds(s.grid.ramp_window)) << " per "
          << FormatDuration(s.grid.ramp_window) << "\n";
    }
    const std::vector<control::ReserveCheck> checks =
        control::AssessDesignReserve(fleet, static_cast<int>(&s - fleet.sites.data()));
    if (checks.empty()) out << "    no contingencies declared\n";
    if (!checks.empty())
      out << "    fast reserve against the declared contingencies, at full load in the "
             "hottest hour:\n";
    for (const control::ReserveCheck& r : checks) {
      out << "      loss of " << r.what << " (" << FormatPower(r.size_w)
          << (r.load_loss ? " of load" : "") << ") against " << (r.load_loss ? "down" : "up")
          << " reserve " << FormatPower(r.reserve_w) << " ("
          << (r.reserve_from.empty() ? "none" : r.reserve_from) << "): "
          << (r.short_w() > 0 ? "SHORT by " + FormatPower(r.short_w()) : std::string("covered"))
          << "\n";
    }
  }
  // Nodes that their own racks can overload at full load: legitimate under a controller that
  // caps (oversubscription), fatal without one; listed so that the choice is a conscious one.
  const std::vector<std::string> overrated = config::NodesOverratedAtFullLoad(fleet);
  for (size_t i = 0; i < overrated.size() && i < kMaxListed; ++i) {
    out << "  warning: " << overrated[i] << "\n";
  }
  if (overrated.size() > kMaxListed) {
    out << "  warning: ... and " << overrated.size() - kMaxListed
        << " more nodes whose racks can draw more than their rating at full load\n";
  }
  PrintGlobal(fleet, out);
  out << "  " << fleet.jobs.size() << " jobs listed, " << fleet.generators.size() << " generators, "
      << fleet.events.size() << " events; horizon " << FormatDuration(fleet.horizon) << ", seed "
      << fleet.seed << "\n";
}

}  // namespace headroom

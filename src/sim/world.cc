#include "sim/world.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/check.h"
#include "sim/plant.h"
#include "sim/power_tree.h"

namespace headroom::sim {

namespace {

using model::EventKind;
using model::EventSpec;
using model::NodeKind;

void BuildSite(World& w, int s) {
  SiteRt& site = w.Site(s);
  const model::Site& spec = w.fleet.sites[static_cast<size_t>(s)];
  site.spec = &spec;
  site.controller = w.strategy.make(control::SiteConfig{spec, w.fleet.gpus}, w.fleet.control);
  site.result.name = spec.name;
  site.result.kind = spec.kind;
  site.result.gpus = spec.total_gpus();
  site.result.capacity_w = model::FacilityCapacityW(spec);
  site.grid_connected = spec.grid.present;
  site.frequency_hz = spec.grid.nominal_hz;
  site.ramp_from_hz = site.ramp_to_hz = spec.grid.nominal_hz;
  site.rocof_since.assign(spec.plants.size(), kTimeNever);
  site.grid_window.Configure(spec.grid.ramp_window,
                             spec.grid.max_ramp_w_per_s * ToSeconds(spec.grid.ramp_window));
  if (spec.battery) {
    site.stored_j = spec.battery->energy_j * spec.battery->soc_initial;
    site.result.battery_stored_start_j = site.stored_j;
    site.result.battery_min_stored_j = site.stored_j;
  }
  site.fuel_curtailments.assign(spec.plants.size(), {});
  site.plant_fuel_fraction.assign(spec.plants.size(), 1.0);
  for (size_t p = 0; p < spec.plants.size(); ++p) {
    for (size_t u = 0; u < spec.plants[p].units.size(); ++u) {
      UnitRt unit;
      unit.spec = &spec.plants[p].units[u];
      unit.plant = static_cast<int>(p);
      unit.unit = static_cast<int>(u);
      site.units.push_back(unit);
    }
  }
  const size_t n = spec.tree.size();
  site.nodes.resize(n);
  site.node_detail.resize(n);
  site.parent.resize(n);
  for (size_t i = 0; i < n; ++i) site.parent[i] = spec.tree[i].parent;
  InitBreakers(site);
  site.node_load_w.assign(n, 0.0);
  IndexSubtrees(site);
  site.min_ride_through_s = 1e30;
  site.rack_pos.assign(n, -1);
  site.rack_power.assign(n, control::RackPower::kNotRack);
  for (size_t i = 0; i < n; ++i) {
    const model::TreeNode& node = spec.tree[i];
    if (node.kind == NodeKind::kTent) site.tents.push_back(static_cast<int>(i));
    if (node.gpus <= 0) continue;
    site.rack_pos[i] = static_cast<int>(site.racks.size());
    site.rack_power[i] = control::RackPower::kOn;
    site.racks.push_back(static_cast<int>(i));
    site.free_gpus += node.gpus;
    const model::GpuModel& gpu = w.fleet.gpus[static_cast<size_t>(node.gpu_model)];
    NodeDetail& detail = site.node_detail[i];
    detail.ride_through_s = node.ride_through_j_per_gpu / gpu.tdp_w;
    if (site.host_w == 0) site.host_w = gpu.host_w;
    site.min_ride_through_s = std::min(site.min_ride_through_s, detail.ride_through_s);
    AddRackDemand(site, static_cast<int>(i), node.gpus * (gpu.idle_w + gpu.host_w));
  }
  if (site.racks.empty()) site.min_ride_through_s = 0;
  {
    std::vector<int> models, capacity;
    for (int rack : site.racks) {
      models.push_back(spec.tree[static_cast<size_t>(rack)].gpu_model);
      capacity.push_back(spec.tree[static_cast<size_t>(rack)].gpus);
    }
    site.free_racks.Build(std::move(models), capacity, static_cast<int>(w.fleet.gpus.size()));
  }
  if (!spec.shed_order.empty()) {
    site.feeds_shed_order = spec.shed_order;
  } else {
    for (size_t i = n; i-- > 0;) {
      if (spec.tree[i].kind == NodeKind::kFeed)
        site.feeds_shed_order.push_back(static_cast<int>(i));
    }
    if (site.feeds_shed_order.empty()) site.feeds_shed_order.push_back(0);
  }
  site.result.series.assign(
      static_cast<size_t>((w.horizon.time_since_epoch() + w.options.resolution - Duration{1}) /
                          w.options.resolution),
      {});
  UpdateAmbient(site, w.now);
}

// The WAN of the fleet, with one region per site where it gives none (model/wan.h).
void BuildWan(World& w) {
  std::vector<std::string> names;
  for (const model::Site& site : w.fleet.sites) names.push_back(site.name);
  w.wan_routes = std::make_unique<model::WanRoutes>(model::WanOf(w.fleet), names);
  w.wan = std::make_unique<model::FlowSet>(w.wan_routes->capacities_bps());
  w.wan_bytes.assign(w.wan_routes->capacities_bps().size(), {0.0, 0.0, 0.0});
}

}  // namespace

void World::ScheduleWan() {
  queue.Cancel(wan_timer);
  const Time next = wan->NextEvent();
  if (next != kTimeNever && next <= horizon)
    wan_timer = Push(std::max(next, now), Ev::kWanEvent, -1, 0);
}

std::uint64_t World::WanAdd(model::WanRoute route, double bytes, double demand_bps,
                            WanPurpose purpose) {
  wan->AdvanceTo(now);
  std::vector<model::WanResourceId> resources = route.resources;
  const std::uint64_t id = wan->Add(now, std::move(route), bytes, demand_bps);
  wan_uses[id] = {purpose, std::move(resources), bytes};
  return id;
}

namespace {
void Credit(World& w, const World::WanUse& use, double bytes) {
  for (model::WanResourceId r : use.resources)
    w.wan_bytes[static_cast<size_t>(r)][static_cast<size_t>(use.purpose)] += bytes;
}
}  // namespace

void World::WanRemove(std::uint64_t id) {
  wan->AdvanceTo(now);
  const auto it = wan_uses.find(id);
  if (it != wan_uses.end()) {
    Credit(*this, it->second, wan->bytes_moved(id));
    wan_uses.erase(it);
  }
  wan->Remove(now, id);
}

std::vector<model::FlowSet::Delivered> World::WanTakeDelivered() {
  std::vector<model::FlowSet::Delivered> done = wan->TakeCompleted(now);
  for (const auto& d : done) {
    const auto it = wan_uses.find(d.id);
    if (it == wan_uses.end()) continue;
    Credit(*this, it->second, it->second.bytes);
    wan_uses.erase(it);
  }
  return done;
}

void World::WanCreditLive() {
  wan->AdvanceTo(now);
  std::vector<std::uint64_t> ids;
  for (const auto& [id, use] : wan_uses) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // the sums do not depend on the map's order
  for (std::uint64_t id : ids) Credit(*this, wan_uses[id], wan->bytes_moved(id));
  wan_uses.clear();
}

World::World(const model::Fleet& run_fleet, const control::Strategy& run_strategy,
             const Options& run_options)
    : fleet(run_fleet), strategy(run_strategy), options(run_options), rng(run_options.seed) {
  ledger.resolution = options.resolution;
  ledger.diesel = fleet.diesel;
  horizon = Time{options.horizon};
  result.strategy = strategy.name;
  result.horizon = options.horizon;
  result.resolution = options.resolution;
  result.seed = options.seed;
  sites.resize(fleet.sites.size());
  for (int s = 0; s < static_cast<int>(sites.size()); ++s) {
    BuildSite(*this, s);
    MarkCapacityStale(s);  // no summary yet
  }
  jobs.resize(fleet.jobs.size());
  for (size_t i = 0; i < fleet.jobs.size(); ++i) {
    JobRt& job = jobs[i];
    job.spec = &fleet.jobs[i];
    job.id = static_cast<int>(i);
    job.rng = rng.Fork(JobStream(i));
    job.failure_budget = job.rng.Exponential(1.0);
    job.gpu = &fleet.gpus[static_cast<size_t>(std::max(0, job.spec->gpu_model))];
    if (job.spec->arrival < horizon) arrivals.push_back(job.id);
  }
  // Each cross-site job's learners: jobs of their own after the fleet's, never arriving (the
  // scheduler places the parent; the host starts its learners).
  for (size_t i = 0; i < fleet.jobs.size(); ++i) {
    const model::JobSpec& spec = fleet.jobs[i];
    jobs[i].work_gpu_s = spec.work_gpu_s;
    if (!spec.cross_site) continue;
    CrossSiteRt c;
    c.job = static_cast<int>(i);
    jobs[i].cross = static_cast<int>(cross_site.size());
    const int n = spec.cross_site->learners;
    for (int k = 0; k < n; ++k) {
      model::JobSpec& ls = learner_specs.emplace_back(spec);
      ls.name = spec.name + "#" + std::to_string(k + 1);
      ls.gpus = spec.gpus / n;
      ls.cross_site.reset();
      ls.site = -1;
      JobRt& l = jobs.emplace_back();
      l.spec = &ls;
      l.id = static_cast<int>(jobs.size() - 1);
      l.rng = rng.Fork(LearnerStream(i, k));
      l.failure_budget = l.rng.Exponential(1.0);
      l.gpu = &fleet.gpus[static_cast<size_t>(std::max(0, ls.gpu_model))];
      l.cross = jobs[i].cross;
      l.learner = true;
      c.learners.push_back(l.id);
    }
    c.streams.assign(static_cast<size_t>(n), 0);
    cross_site.push_back(std::move(c));
  }
  BuildWan(*this);
  std::stable_sort(arrivals.begin(), arrivals.end(), [&](int a, int b) {
    return fleet.jobs[static_cast<size_t>(a)].arrival < fleet.jobs[static_cast<size_t>(b)].arrival;
  });
  for (size_t i = 0; i < fleet.events.size(); ++i) {
    const EventSpec& ev = fleet.events[i];
    if (ev.start >= horizon || ev.site < 0 || ev.site >= static_cast<int>(sites.size())) continue;
    Push(ev.start, Ev::kExternalStart, ev.site, static_cast<int>(i));
    if (ev.notice > Duration{0} && !options.ignore_notice) {
      const Time at = ev.start - std::min(ev.notice, ev.start.time_since_epoch());
      Push(at, Ev::kAnnounce, ev.site, static_cast<int>(i));
    }
    if (ev.kind != EventKind::kVoltageSag && ev.kind != EventKind::kTurbineTrip &&
        ev.kind != EventKind::kOvervoltage && ev.start + ev.duration <= horizon) {
      Push(ev.start + ev.duration, Ev::kExternalEnd, ev.site, static_cast<int>(i));
    }
  }
}

}  // namespace headroom::sim

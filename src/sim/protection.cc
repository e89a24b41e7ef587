#include "sim/protection.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/plant.h"
#include "sim/power_tree.h"
#include "sim/tolerances.h"

namespace headroom::sim {

using model::NodeKind;

void Protection::Trip(int s, int node_index, const std::string& kind, const std::string& why,
                      bool fault, Duration repair) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  NodeRt& node = site.nodes[static_cast<size_t>(node_index)];
  if (node.tripped) return;
  const model::TreeNode& spec = site.spec->tree[static_cast<size_t>(node_index)];
  world_.Log(s, kind, spec.name, site.node_load_w[static_cast<size_t>(node_index)] / 1e6, why);
  if (fault) {
    ++site.result.fault_trips;
  } else if (kind == "breaker_trip") {
    ++site.result.breaker_trips;
  } else {
    ++site.result.shed_trips;
  }
  NodeDetail& detail = site.node_detail[static_cast<size_t>(node_index)];
  detail.lost_w = site.node_load_w[static_cast<size_t>(node_index)] * site.pue;
  site.lost_load_w += detail.lost_w;
  node.tripped = true;
  ++site.open_breakers;
  node.overloaded = false;
  world_.queue.Cancel(detail.trip_timer);
  RecomputeSubtree(site, node_index);
  world_.MarkCapacityStale(s);
  // Every job with GPUs on a de-energized rack crashes: those under this node (the others on
  // de-energized racks are down already), in id order. Not a paused job: its checkpoint is
  // written and its GPUs idle, so it loses nothing; it stays paused (a resume waits for power).
  for (int id : JobsUnder(site, node_index)) {
    JobRt& job = world_.Job(id);
    if (job.state == JobState::kDone || job.state == JobState::kQueued ||
        job.state == JobState::kPaused) {
      continue;
    }
    bool hit = false;
    for (const auto& [rack, n] : job.placement) {
      if (!site.nodes[static_cast<size_t>(rack)].energized) hit = true;
    }
    if (hit && job.state != JobState::kDown) {
      workload_.Crash(job, fault ? CrashCause::kFault : CrashCause::kPower,
                      absl::StrCat(kind, " ", spec.name));
    }
  }
  world_.Push(world_.now + (fault ? repair : site.spec->reclose_delay), Ev::kReclose, s,
              node_index);
  site.notify = true;
}

std::vector<int> Protection::JobsUnder(const SiteRt& site, int node, bool only_down) const {
  // The site's placed jobs (those with a view), each tested rack by rack: O(their racks x tree
  // depth), on trips and recloses only, so that placing and releasing a job touch no per-rack
  // job list.
  // With the tree's depth-first ranges (IndexSubtrees), a rack is under `node` iff it is in its
  // range; otherwise by walking up.
  const int end = static_cast<size_t>(node) < site.subtree_end.size()
                      ? site.subtree_end[static_cast<size_t>(node)]
                      : -1;
  const auto under = [&](int rack) {
    if (end >= 0) return rack >= node && rack < end;
    for (int a = rack; a >= 0; a = site.parent[static_cast<size_t>(a)]) {
      if (a == node) return true;
    }
    return false;
  };
  std::vector<int> ids;
  for (int id : site.view_job) {
    if (only_down && world_.jobs[static_cast<size_t>(id)].state != JobState::kDown) continue;
    for (const auto& [rack, n] : world_.jobs[static_cast<size_t>(id)].placement) {
      if (under(rack)) {
        ids.push_back(id);
        break;
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void Protection::Reclose(int s, int node_index) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  NodeRt& node = site.nodes[static_cast<size_t>(node_index)];
  if (!node.tripped) return;
  // Close only if the supply can carry the subtree at idle on top of the load now: at once (the
  // battery and the turbines' present output count) and for good (the turbines at what they can
  // ramp to; not the battery). The load now is the root's, with whatever else changed at this
  // instant (another re-close): site.facility_w is as of the last balance.
  double idle_w = 0;
  for (int rack : site.subtree_racks[static_cast<size_t>(node_index)]) {
    const NodeRt& r = site.nodes[static_cast<size_t>(rack)];
    if (!r.off) idle_w += r.demand_w;  // a rack the controller powered off stays off
  }
  const double after_w = (site.node_load_w[0] + idle_w) * site.pue;  // node 0: the site
  const bool unlimited = world_.strategy.unlimited_diesel;
  if (after_w > SupplyCapacity(site, unlimited) + kEpsW ||
      after_w > SustainedCapacity(site, unlimited) + kEpsW) {
    world_.Log(s, "reclose_deferred", site.spec->tree[static_cast<size_t>(node_index)].name,
               idle_w / 1e6, "not enough supply to re-energize");
    world_.Push(world_.now + site.spec->reclose_delay, Ev::kReclose, s, node_index);
    return;
  }
  node.tripped = false;
  --site.open_breakers;
  NodeDetail& detail = site.node_detail[static_cast<size_t>(node_index)];
  site.lost_load_w = std::max(0.0, site.lost_load_w - detail.lost_w);
  detail.lost_w = 0;
  RecomputeSubtree(site, node_index);
  world_.MarkCapacityStale(s);
  world_.Log(s, "reclose", site.spec->tree[static_cast<size_t>(node_index)].name, idle_w / 1e6);
  // Jobs down for want of power restart once all their racks have it again: only jobs under this
  // node can have regained it.
  RestartDownJobs(site, node_index);
  site.notify = true;
  scheduler_host_.CallScheduler(nullptr, s);  // racks with free GPUs may be back
}

void Protection::RestartDownJobs(SiteRt& site, int node) {
  for (int id : JobsUnder(site, node, /*only_down=*/true)) {
    JobRt& job = world_.Job(id);
    if (job.state != JobState::kDown) continue;
    bool all = true;
    for (const auto& [rack, n] : job.placement) {
      all = all && RackReady(site.nodes[static_cast<size_t>(rack)]);
    }
    if (all) workload_.SetJobState(job, JobState::kStarting);
  }
}

void Protection::OnRackBooted(const QueuedEvent& e) {
  SiteRt& site = world_.Site(e.site);
  const auto r = static_cast<size_t>(e.a);
  if (!site.nodes[r].booting) return;
  RackBooted(site, e.a);
  world_.MarkCapacityStale(e.site);
  world_.Log(e.site, "rack_booted", site.spec->tree[r].name, site.node_load_w[r] * site.pue / 1e6,
             "");
  RestartDownJobs(site, e.a);
  site.notify = true;
  scheduler_host_.CallScheduler(nullptr, e.site);  // its free GPUs may take queued work
}

void Protection::OnBreakerTrip(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = &world_.Site(s);
  NodeRt& node = site->nodes[static_cast<size_t>(e.a)];
  if (!node.overloaded) return;
  // Loads may have changed earlier at this same instant (a sibling's trip): judge on now.
  MarkDirty(*site, e.a);
  CheckBreakers(s);
  const NodeDetail& detail = site->node_detail[static_cast<size_t>(e.a)];
  if (!node.overloaded || detail.trip_at > world_.now) return;
  const model::TreeNode& t = site->spec->tree[static_cast<size_t>(e.a)];
  const double rating =
      t.rating_w *
      (t.kind == NodeKind::kTent ? site->spec->cooling.TentDerateAt(site->ambient_c) : 1.0);
  Trip(s, e.a, "breaker_trip",
       absl::StrFormat("load %.1f MW = %.0f%% of its %.1f MW rating%s since t=%.3f s",
                       site->node_load_w[static_cast<size_t>(e.a)] / 1e6,
                       100 * site->node_load_w[static_cast<size_t>(e.a)] / rating, rating / 1e6,
                       rating < t.rating_w ? " (derated for heat)" : "",
                       ToSeconds(detail.overload_since)));
}

void Protection::OnShortfallTrip(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = &world_.Site(s);
  Balance(*site, world_.strategy.unlimited_diesel);
  // Under-frequency relays shed feeds until the load fits what the sources can give.
  for (int feed : site->feeds_shed_order) {
    if (site->shortfall_w <= 0) break;
    if (site->nodes[static_cast<size_t>(feed)].tripped) continue;
    Trip(s, feed, "load_shed_trip",
         absl::StrFormat("under-frequency load shedding, %.1f MW short", site->shortfall_w / 1e6));
    Balance(*site, world_.strategy.unlimited_diesel);
  }
}

void Protection::CheckBreakers(int s) {
  SiteRt& site = world_.Site(s);
  trip_scratch_.clear();
  sim::CheckBreakers(site, world_.now, &trip_scratch_);
  for (int i : trip_scratch_) {
    NodeDetail& detail = site.node_detail[static_cast<size_t>(i)];
    world_.queue.Cancel(detail.trip_timer);
    if (detail.trip_at != kTimeNever) {
      detail.trip_timer = world_.Push(detail.trip_at, Ev::kBreakerTrip, s, i);
    }
  }
}

void Protection::WatchShortfall(int s) {
  SiteRt& site = world_.Site(s);
  // A shortfall the sources cannot meet is carried by rack ride-through, then shed.
  if (site.shortfall_w > 0 && !world_.queue.Pending(site.shortfall_timer)) {
    world_.Log(s, "supply_shortfall", site.spec->name, site.shortfall_w / 1e6,
               "MW short; under-frequency relays open feeds if it lasts");
    site.shortfall_timer =
        world_.Push(world_.now + site.spec->ufls_delay + FromSeconds(site.min_ride_through_s),
                    Ev::kShortfallTrip, s, 0);
    site.notify = true;
  } else if (site.shortfall_w <= 0) {
    world_.queue.Cancel(site.shortfall_timer);
  }
}

}  // namespace headroom::sim

// Property tests of global scheduling in the twin over 1,000 random fleets: 2 to 4 sites (copies of
// SmallFleet's kind of site with random racks) joined by a WAN chain of random links and uplinks,
// random training jobs (some preemptible, some cross-site), random feed faults and demand-response
// requests, run under each of the three schedulers (sched::MakeScheduler) and under a random
// scheduler that issues random, valid and invalid, placements, preemptions, migrations and
// learner changes. Each run is checked for:
//   - no job at two sites at once (the running view, at every call of the scheduler);
//   - no job done twice, and no more jobs done than arrived;
//   - useful work at most GPUs x horizon, and at most the work of the jobs that arrived;
//   - every migration at least as long as its checkpoint's uncontended transfer, its latency and
//     its restore (the WAN never carries a transfer faster than its bottleneck);
//   - no breaker trips (every rack, feed and grid has room for all its GPUs at full draw);
//   - cross-site utilisation and goodput at most the time computing;
//   - data sets: one transfer per data set and site (never to its home), delivered once, bytes
//     staged as counted, and no job that reads one started away from its home before a copy
//     arrived there;
//   - determinism: the same seed gives identical results and event logs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/rng.h"
#include "global_fleet.h"
#include "model/wan.h"
#include "sched/factory.h"
#include "sim/engine.h"
#include "sim/test_fleet.h"

namespace headroom {
namespace {

constexpr int kSeeds = 1000;

// A random fleet: 2-4 sites of 1-2 feeds of 1-3 racks of 8 GPUs, every node rated for its GPUs
// at full draw (10 kW a rack), a 1 MW grid; a chain of regions joined by 1-20 Gbps links of
// 5-80 ms; uplinks unlimited or 0.5-10 Gbps; 3-12 jobs arriving over the first day.
model::Fleet RandomGlobalFleet(std::uint64_t seed) {
  Rng rng(seed);
  const int sites = 2 + static_cast<int>(rng.Below(3));
  model::Fleet fleet = ChainFleet(sites, 1e10, std::chrono::milliseconds(10));
  fleet.horizon = std::chrono::hours(36);
  if (rng.Bernoulli(0.3)) fleet.failures.interruptions_per_gpu_s = rng.Uniform(0, 2e-6);
  for (int s = 0; s < sites; ++s) {
    model::Site& site = fleet.sites[static_cast<size_t>(s)];
    site.tree.resize(1);
    const int feeds = 1 + static_cast<int>(rng.Below(2));
    for (int f = 0; f < feeds; ++f) {
      const int racks = 1 + static_cast<int>(rng.Below(3));
      const int feed = static_cast<int>(site.tree.size());
      site.tree.push_back({.name = absl::StrCat("F", f),
                           .kind = model::NodeKind::kFeed,
                           .parent = 0,
                           .rating_w = 10e3 * racks});
      for (int r = 0; r < racks; ++r) {
        site.tree.push_back({.name = absl::StrCat("R", f, "-", r),
                             .kind = model::NodeKind::kRack,
                             .parent = feed,
                             .rating_w = 10e3,
                             .gpus = 8,
                             .gpu_model = 0});
      }
      if (rng.Bernoulli(0.3)) {
        model::EventSpec e;
        e.kind = model::EventKind::kFeedTrip;
        e.site = s;
        e.node = feed;
        e.start = kTimeZero + FromSeconds(rng.Uniform(0, 30 * 3600));
        e.duration = FromSeconds(rng.Uniform(600, 7200));
        fleet.events.push_back(e);
      }
    }
    if (rng.Bernoulli(0.3)) {
      model::EventSpec e;
      e.kind = model::EventKind::kImportLimit;
      e.site = s;
      e.magnitude = rng.Uniform(0, 50e3);
      e.start = kTimeZero + FromSeconds(rng.Uniform(0, 30 * 3600));
      e.duration = FromSeconds(rng.Uniform(600, 7200));
      fleet.events.push_back(e);
    }
    if (s > 0) {
      model::WanLink& l = fleet.wan.links[static_cast<size_t>(s - 1)];
      l.capacity_bps = rng.Uniform(1e9, 20e9);
      l.latency = FromSeconds(rng.Uniform(0.005, 0.08));
    }
    if (rng.Bernoulli(0.5))
      fleet.wan.site_uplink_bps[static_cast<size_t>(s)] = rng.Uniform(5e8, 1e10);
  }
  std::sort(fleet.events.begin(), fleet.events.end(),
            [](const model::EventSpec& a, const model::EventSpec& b) { return a.start < b.start; });
  const int jobs = 3 + static_cast<int>(rng.Below(10));
  for (int j = 0; j < jobs; ++j) {
    const bool cross = rng.Bernoulli(0.25);
    model::JobSpec job = sim::TrainingJob(
        absl::StrCat("j", j), cross ? 16 : 8 * (1 + static_cast<int>(rng.Below(2))),
        rng.Uniform(0.5, 8), kTimeZero + FromSeconds(rng.Uniform(0, 24 * 3600)));
    job.site = -1;
    job.preemptible = rng.Bernoulli(0.5);
    if (job.preemptible) job.priority = model::Priority::kPreemptible;
    job.checkpoint_bytes = rng.Uniform(1e9, 1e11);
    if (cross) {
      model::CrossSiteSpec c;
      c.learners = 2;
      c.min_learners = 1 + static_cast<int>(rng.Below(2));
      c.params = rng.Uniform(1e9, 70e9);
      c.inner_steps = 30 + static_cast<int>(rng.Below(200));
      c.fragments = rng.Bernoulli(0.5) ? 1 : 4;
      job.cross_site = c;
    }
    fleet.jobs.push_back(job);
  }
  // Data sets, from a stream of their own (the fleets above are as they were without them): up to
  // two, at random homes, of 1 GB to 20 TB (staged in about a second to days), each job reading
  // one with probability 1/2.
  Rng data(seed * 0x9e3779b97f4a7c15ULL + 1);
  const int datasets = static_cast<int>(data.Below(3));
  for (int d = 0; d < datasets; ++d) {
    fleet.datasets.push_back({absl::StrCat("d", d), static_cast<int>(data.Below(sites)),
                              1e9 * std::pow(2e4, data.Uniform(0, 1))});
  }
  for (model::JobSpec& job : fleet.jobs) {
    if (datasets > 0 && data.Bernoulli(0.5)) job.dataset = static_cast<int>(data.Below(datasets));
  }
  std::stable_sort(
      fleet.jobs.begin(), fleet.jobs.end(),
      [](const model::JobSpec& a, const model::JobSpec& b) { return a.arrival < b.arrival; });
  return fleet;
}

// Wraps a scheduler and checks at each call that no job is at two sites at once.
class InspectingScheduler : public sched::Scheduler {
 public:
  explicit InspectingScheduler(std::unique_ptr<sched::Scheduler> inner)
      : inner_(std::move(inner)) {}
  void Decide(const sched::FleetTelemetry& t, sched::PlacementDecision* out) override {
    ExpectOnePlace(t);
    inner_->Decide(t, out);
  }
  std::size_t queued() const override { return inner_->queued(); }

 private:
  std::unique_ptr<sched::Scheduler> inner_;
};

// Issues random decisions, valid and invalid: places queued jobs at random sites (sometimes
// out of range, sometimes a job already placed), preempts and migrates random running jobs
// (sometimes from the wrong site, to an unreachable or out-of-range one), detaches and attaches
// learners, asks for copies of data sets ahead of need (some out of range). Acts only when the
// clock has moved since it last acted, so that a refusal at one instant does not loop; wakes every
// 10-120 min.
class RandomScheduler : public sched::Scheduler {
 public:
  RandomScheduler(int sites, std::uint64_t seed) : sites_(sites), rng_(seed) {}
  void Decide(const sched::FleetTelemetry& t, sched::PlacementDecision* out) override {
    for (const auto* v : {&t.arrivals, &t.refused, &t.preempted}) {
      for (const sched::JobRequest& r : *v) queue_.push_back(r);
    }
    out->next_wake = t.now + FromSeconds(rng_.Uniform(600, 7200));
    if (t.now <= last_) return;
    last_ = t.now;
    std::vector<sched::JobRequest> keep;
    for (const sched::JobRequest& r : queue_) {
      if (!rng_.Bernoulli(0.6)) {
        keep.push_back(r);
        continue;
      }
      sched::Placement p{r.id, RandomSite(), {}};
      if (r.learners > 0) {
        for (int k = 0; k < r.learners; ++k) p.learner_sites.push_back(RandomSite());
        std::sort(p.learner_sites.begin(), p.learner_sites.end());
        p.site = p.learner_sites[0];
      }
      out->placements.push_back(p);
    }
    // Copies ahead of need, valid and not (an out-of-range data set or site).
    if (rng_.Bernoulli(0.2)) {
      out->stagings.push_back({static_cast<int>(rng_.Below(4)) - 1, RandomSite(), "random"});
    }
    queue_ = std::move(keep);
    for (int s = 0; s < sites_; ++s) {
      for (const sched::RunningJob& j : t.running->At(s)) {
        const double u = rng_.Uniform(0, 1);
        if (u < 0.05) {
          out->preemptions.push_back({j.id, rng_.Bernoulli(0.8) ? s : RandomSite(), "random"});
        } else if (u < 0.12) {
          out->migrations.push_back(
              {j.id, rng_.Bernoulli(0.8) ? s : RandomSite(), RandomSite(), 0, "random"});
        } else if (u < 0.2 && j.learner) {
          out->learners.push_back({j.id, s, false, "random"});
        } else if (u < 0.25) {
          out->learners.push_back({j.id, RandomSite(), true, "random"});
        } else if (u < 0.27) {
          out->placements.push_back({j.id, RandomSite(), {}});  // already placed: refused
        }
      }
    }
  }
  std::size_t queued() const override { return queue_.size(); }

 private:
  // Mostly a valid site, sometimes none or one out of range.
  int RandomSite() {
    return rng_.Bernoulli(0.9) ? static_cast<int>(rng_.Below(static_cast<std::uint64_t>(sites_)))
                               : (rng_.Bernoulli(0.5) ? -1 : sites_ + 3);
  }

  int sites_;
  Rng rng_;
  std::vector<sched::JobRequest> queue_;
  Time last_ = kTimeZero - Duration{1};
};

sim::Result RunWith(const model::Fleet& fleet, const std::string& scheduler, std::uint64_t seed) {
  sim::Options o = sim::SmallOptions(fleet.horizon);
  o.seed = seed;
  o.scheduler = [&](const model::Fleet& f) -> std::unique_ptr<sched::Scheduler> {
    std::unique_ptr<sched::Scheduler> inner =
        scheduler == "random"
            ? std::make_unique<RandomScheduler>(static_cast<int>(f.sites.size()), seed * 7919)
            : sched::MakeScheduler(scheduler, f);
    EXPECT_NE(inner, nullptr) << scheduler;
    return std::make_unique<InspectingScheduler>(std::move(inner));
  };
  return sim::Simulate(fleet, sim::QuietStrategy(), o);
}

void CheckInvariants(const model::Fleet& fleet, const sim::Result& r) {
  int arrived = 0, gpus = 0;
  double work = 0;
  std::map<std::string, const model::JobSpec*> by_name;
  for (const model::JobSpec& j : fleet.jobs) {
    by_name[j.name] = &j;
    if (j.arrival < Time{fleet.horizon}) {
      ++arrived;
      work += j.work_gpu_s;
    }
  }
  for (const model::Site& s : fleet.sites) {
    for (const model::TreeNode& n : s.tree) gpus += n.gpus;
  }
  const sim::SiteResult total = Totals(r);
  // Done at most once each, and no more than arrived.
  std::map<std::string, int> done;
  for (const sim::EventRecord& e : EventsOfKind(r.events, "job_done")) ++done[e.subject];
  for (const auto& [name, n] : done) EXPECT_EQ(n, 1) << name << " done " << n << " times";
  EXPECT_EQ(total.jobs_completed, static_cast<int>(done.size()));
  EXPECT_LE(total.jobs_completed, arrived);
  // Useful work: at most what the GPUs could do, and at most the work that arrived.
  double useful = 0;
  for (double u : total.useful_gpu_s) useful += u;
  EXPECT_LE(useful, gpus * ToSeconds(fleet.horizon) * (1 + 1e-9));
  EXPECT_LE(useful, work * (1 + 1e-9));
  EXPECT_GE(total.lost_to_preemption_gpu_s, 0);
  EXPECT_EQ(total.preemptions, static_cast<int>(EventsOfKind(r.events, "job_preempted").size()));
  // Migrations: each arrival one of a departure, and never faster than an uncontended WAN.
  EXPECT_LE(total.migrations_in, total.migrations_out);
  const model::WanRoutes routes(fleet.wan);
  std::map<std::string, int> from;  // job -> the source of its move under way
  std::vector<std::tuple<std::string, int, Time>> arrivals;  // migrations done: job, site, time
  for (const sim::EventRecord& e : r.events) {
    if (e.kind == "migration_start") {
      EXPECT_EQ(from.count(e.subject), 0u) << e.subject << " moving twice at once";
      from[e.subject] = e.site;
    } else if (e.kind == "migration_refused") {
      EXPECT_EQ(from.erase(e.subject), 1u) << e.subject;
    } else if (e.kind == "migration_done") {
      ASSERT_EQ(from.count(e.subject), 1u) << e.subject;
      const model::JobSpec& spec = *by_name.at(e.subject);
      arrivals.emplace_back(e.subject, e.site, e.time);
      const auto route = routes.Route(from[e.subject], e.site);
      from.erase(e.subject);
      ASSERT_TRUE(route.has_value());
      const double floor_s =
          ToSeconds(model::TransferTime(spec.checkpoint_bytes, routes.BottleneckBps(*route),
                                        route->latency)) +
          ToSeconds(spec.restore_time);
      EXPECT_GE(e.value, floor_s - 1e-6) << e.subject;
    }
  }
  // Data sets: one transfer per data set and site, never to its home, each delivered once after
  // it began; no job that reads one started away from its home before a copy arrived there.
  std::map<std::pair<std::string, int>, Time> staging, staged;
  for (const sim::EventRecord& e : r.events) {
    if (e.kind != "data_staging" && e.kind != "data_staged") continue;
    const auto key = std::make_pair(e.subject, e.site);
    auto& seen = e.kind == "data_staging" ? staging : staged;
    EXPECT_TRUE(seen.emplace(key, e.time).second) << e.kind << " twice: " << e.subject;
    if (e.kind == "data_staged") {
      ASSERT_EQ(staging.count(key), 1u) << e.subject;
      EXPECT_GE(e.time, staging.at(key));
    }
  }
  double staged_bytes = 0;
  for (const auto& entry : staged) {
    const std::string& name = entry.first.first;
    const auto ds = std::find_if(fleet.datasets.begin(), fleet.datasets.end(),
                                 [&](const model::Dataset& d) { return d.name == name; });
    ASSERT_NE(ds, fleet.datasets.end());
    EXPECT_NE(ds->home_site, entry.first.second) << "staged at its home";
    staged_bytes += ds->size_bytes;
  }
  EXPECT_NEAR(total.dataset_bytes_in, staged_bytes, 1e-6 * staged_bytes);
  for (const sim::JobResult& j : r.jobs) {
    const model::JobSpec& spec = *by_name.at(j.name);
    if (spec.dataset < 0 || spec.cross_site || j.first_start_s < 0) continue;
    const model::Dataset& ds = fleet.datasets[static_cast<size_t>(spec.dataset)];
    const std::string first = j.sites.substr(0, j.sites.find(';'));
    int s = 0;
    while (fleet.sites[static_cast<size_t>(s)].name != first) ++s;
    if (s == ds.home_site) continue;
    const auto it = staged.find({ds.name, s});
    ASSERT_NE(it, staged.end()) << j.name << " started at " << first << " without " << ds.name;
    EXPECT_LE(ToSeconds(it->second), j.first_start_s + 1e-9) << j.name;
  }
  // Nor a migration's arrival away from the data set's home.
  for (const auto& [name, site, at] : arrivals) {
    const model::JobSpec& spec = *by_name.at(name);
    if (spec.dataset < 0 || spec.cross_site) continue;
    const model::Dataset& ds = fleet.datasets[static_cast<size_t>(spec.dataset)];
    if (site == ds.home_site) continue;
    const auto it = staged.find({ds.name, site});
    ASSERT_NE(it, staged.end()) << name << " moved to site " << site << " without " << ds.name;
    EXPECT_LE(it->second, at) << name;
  }
  for (const sim::SiteResult& s : r.sites) EXPECT_EQ(s.breaker_trips, 0) << s.name;
  EXPECT_LE(r.cross_site_utilization_s, r.cross_site_active_s * (1 + 1e-12) + 1e-9);
  EXPECT_LE(r.cross_site_goodput_s, r.cross_site_utilization_s * (1 + 1e-12) + 1e-9);
}

void ExpectIdentical(const sim::Result& a, const sim::Result& b) {
  ASSERT_EQ(a.sites.size(), b.sites.size());
  for (size_t s = 0; s < a.sites.size(); ++s) {
    const sim::SiteResult &x = a.sites[s], &y = b.sites[s];
    EXPECT_EQ(x.useful_gpu_s, y.useful_gpu_s);
    EXPECT_EQ(x.lost_gpu_s, y.lost_gpu_s);
    EXPECT_EQ(x.jobs_completed, y.jobs_completed);
    EXPECT_EQ(x.jobs_placed, y.jobs_placed);
    EXPECT_EQ(x.migrations_out, y.migrations_out);
    EXPECT_EQ(x.checkpoint_bytes_out, y.checkpoint_bytes_out);
    EXPECT_EQ(x.energy.grid_import_j, y.energy.grid_import_j);
    EXPECT_EQ(x.slowdowns, y.slowdowns);
  }
  EXPECT_EQ(a.cross_site_goodput_s, b.cross_site_goodput_s);
  EXPECT_EQ(a.events_processed, b.events_processed);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].time, b.events[i].time);
    EXPECT_EQ(a.events[i].kind, b.events[i].kind);
    EXPECT_EQ(a.events[i].subject, b.events[i].subject);
    EXPECT_EQ(a.events[i].value, b.events[i].value);
  }
}

TEST(GlobalProperty, InvariantsHoldUnderEverySchedulerOverRandomFleets) {
  std::map<std::string, int> moves, preemptions, completed, cross_done, staged;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const model::Fleet fleet = RandomGlobalFleet(seed);
    for (const std::string name : {"static", "earliest-start", "headroom", "random"}) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << " scheduler " << name);
      const sim::Result r = RunWith(fleet, name, seed);
      CheckInvariants(fleet, r);
      const sim::SiteResult total = Totals(r);
      moves[name] += total.migrations_in;
      preemptions[name] += total.preemptions;
      completed[name] += total.jobs_completed;
      if (r.cross_site_active_s > 0) ++cross_done[name];
      staged[name] += static_cast<int>(EventsOfKind(r.events, "data_staged").size());
      if (seed % 4 == 0) ExpectIdentical(r, RunWith(fleet, name, seed));
      if (HasFailure()) return;
    }
  }
  // The random scheduler exercised what it is for.
  EXPECT_GT(moves["random"], 50);
  EXPECT_GT(preemptions["random"], 50);
  EXPECT_GT(cross_done["random"], 10);
  EXPECT_GT(staged["random"], 50);
  EXPECT_GT(staged["earliest-start"], 50);
  for (const auto& [name, n] : completed) EXPECT_GT(n, 100) << name;
  for (const auto& [name, n] : completed) {
    std::printf(
        "%-15s completed %5d, migrations %4d, preemptions %4d, cross-site runs %3d, data sets "
        "staged %4d\n",
        name.c_str(), n, moves[name], preemptions[name], cross_done[name], staged[name]);
  }
}

}  // namespace
}  // namespace headroom

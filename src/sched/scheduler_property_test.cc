// Property tests of the three schedulers (static, earliest-start, headroom) against a small fake
// host that keeps the truth: which job runs where with how many GPUs of which model, the free GPUs
// per site and model. The host applies each decision in the contract's order (preemptions,
// learner changes, migrations, placements), refuses what does not fit or is not where the
// scheduler thinks, ends jobs at random (never later than their expected run), returns preempted
// and refused jobs in the next call, and raises random shed requests and forecasts. Over 500 seeds
// per scheduler it checks the invariants of scheduler.h's contract.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "base/rng.h"
#include "sched/fleet_info.h"
#include "sched/global.h"
#include "sched/greedy.h"
#include "sched/static.h"

namespace headroom::sched {
namespace {

constexpr int kSeeds = 500;
constexpr int kModels = 3;
constexpr std::int64_t kStartUnixS = 1735689600;  // 2025-01-01T00:00:00Z

enum class Kind { kStatic, kGreedy, kGlobal };
enum class State { kFuture, kWithScheduler, kRunning, kReturning, kEnded };

struct Alloc {
  int site = -1;
  int model = -1;
  int gpus = 0;
};

struct HostJob {
  JobRequest request;
  State state = State::kFuture;
  std::vector<Alloc> allocs;  // by site, ascending
  Time started = kTimeZero;
  Time end_at = kTimeNever;
  Duration run{0};  // how long it runs once started: at most its expected run when one is given
};

struct Fleet {
  FleetInfo info;
  bool one_model = false;  // every site has one GPU model: the capacity summary is exact
  std::vector<std::vector<int>> total;  // per site, per model
  // Per site: the order of its models' racks in the file; the host gives a job that asks for no
  // model the first of them with free GPUs (the summary's guess after booking may differ).
  std::vector<std::vector<int>> rack_order;
};

Fleet MakeFleet(Rng& rng) {
  Fleet f;
  const int n = 2 + static_cast<int>(rng.Below(5));
  const bool one_model = rng.Bernoulli(0.5);
  f.one_model = one_model;
  for (int s = 0; s < n; ++s) {
    SiteInfo site;
    site.name = absl::StrFormat("s%d", s);
    site.kind = static_cast<model::SiteKind>(rng.Below(3));
    site.availability = DefaultAvailability(site.kind);
    std::vector<int> per(kModels, 0);
    per[0] = 16 * (1 + static_cast<int>(rng.Below(16)));
    for (int m = 1; m < kModels; ++m) {
      if (!one_model && rng.Bernoulli(0.5))
        per[static_cast<size_t>(m)] = 16 * static_cast<int>(rng.Below(16));
    }
    site.gpus = 0;
    for (int g : per) site.gpus += g;
    f.info.sites.push_back(site);
    f.total.push_back(per);
    std::vector<int> order = {0, 1, 2};
    for (int k = kModels - 1; k > 0; --k) {
      std::swap(order[static_cast<size_t>(k)], order[rng.Below(static_cast<std::uint64_t>(k) + 1)]);
    }
    f.rack_order.push_back(order);
  }
  f.info.route_bps.assign(static_cast<size_t>(n * n), 0);
  f.info.route_latency.assign(static_cast<size_t>(n * n), Duration::zero());
  for (int a = 0; a < n; ++a) {
    for (int b = a; b < n; ++b) {
      const double bps = a == b               ? std::numeric_limits<double>::infinity()
                         : rng.Bernoulli(0.2) ? 0
                                              : rng.Uniform(1e9, 1e11);
      f.info.route_bps[static_cast<size_t>(a * n + b)] = bps;
      f.info.route_bps[static_cast<size_t>(b * n + a)] = bps;
      f.info.route_latency[static_cast<size_t>(a * n + b)] =
          std::chrono::milliseconds(a == b ? 0 : 40);
      f.info.route_latency[static_cast<size_t>(b * n + a)] =
          std::chrono::milliseconds(a == b ? 0 : 40);
    }
  }
  for (int d = 0; d < 2; ++d) {
    f.info.datasets.push_back(
        {absl::StrFormat("d%d", d), static_cast<int>(rng.Below(n)), rng.Uniform(1e10, 1e13)});
  }
  for (int k = 0; k < 3; ++k) {
    model::Team team;
    team.name = absl::StrFormat("t%d", k);
    if (rng.Bernoulli(0.6)) team.max_gpus = 32 + 16 * static_cast<int>(rng.Below(16));
    if (rng.Bernoulli(0.6)) team.gpu_hours_per_month = rng.Uniform(5e3, 5e4);
    f.info.teams.push_back(team);
  }
  f.info.start_unix_s = kStartUnixS + 86400 * static_cast<std::int64_t>(rng.Below(365));
  return f;
}

std::vector<HostJob> MakeJobs(Rng& rng, const Fleet& f, Duration horizon) {
  const int n = f.info.size();
  const int count = 30 + static_cast<int>(rng.Below(90));
  std::vector<HostJob> jobs(static_cast<size_t>(count));
  std::vector<Time> arrivals;
  arrivals.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    arrivals.push_back(kTimeZero + FromSeconds(rng.Uniform(0, ToSeconds(horizon))));
  }
  std::sort(arrivals.begin(), arrivals.end());
  for (int i = 0; i < count; ++i) {
    JobRequest& j = jobs[static_cast<size_t>(i)].request;
    j.id = 100 + i;
    j.arrival = arrivals[static_cast<size_t>(i)];
    j.gpus = 8 << rng.Below(5);
    // On one-model fleets only that model is asked for (asking for a model the fleet lacks is an
    // input error the loader rejects).
    j.gpu_model = rng.Bernoulli(0.7) ? -1 : f.one_model ? 0 : static_cast<int>(rng.Below(kModels));
    j.priority = static_cast<int>(rng.Below(4));
    j.preemptible = j.priority == 3 || rng.Bernoulli(0.2);
    j.team = static_cast<int>(rng.Below(4)) - 1;
    j.dataset = static_cast<int>(rng.Below(3)) - 1;
    j.checkpoint_bytes = rng.Uniform(1e9, 1e12);
    j.restore_time = FromSeconds(rng.Uniform(10, 600));
    const double run_h = rng.Uniform(1, 240);
    j.expected_run = rng.Bernoulli(0.1) ? Duration::zero() : FromSeconds(run_h * 3600);
    const double draw = rng.Uniform();
    if (draw < 0.1) {
      j.site = static_cast<int>(rng.Below(n));
    } else if (draw < 0.4) {
      for (int s = 0; s < n; ++s) {
        if (rng.Bernoulli(0.6)) j.sites.push_back(s);
      }
      if (j.sites.empty()) j.sites.push_back(static_cast<int>(rng.Below(n)));
    }
    if (j.site < 0 && rng.Bernoulli(0.15)) {
      j.learners = 2 + static_cast<int>(rng.Below(2));
      j.gpus = j.learners * (8 << rng.Below(3));
      const int draw_min = static_cast<int>(rng.Below(3));
      j.min_learners = draw_min == 2 ? j.learners : draw_min;
    }
    HostJob& h = jobs[static_cast<size_t>(i)];
    h.run = FromSeconds(run_h * 3600 * rng.Uniform(0.2, 1.0));
  }
  return jobs;
}

// What happened over all seeds, to show that the scenarios reach every path.
struct Tally {
  int placed = 0, refused = 0, preempted = 0, migrated = 0, detached = 0, attached = 0;
};

// The fake host: the truth of what runs where, and the scheduler it drives.
class Host : public RunningView {
 public:
  Host(Kind kind, std::uint64_t seed) : rng_(seed) {
    fleet_ = MakeFleet(rng_);
    jobs_ = MakeJobs(rng_, fleet_, kHorizon);
    for (size_t i = 0; i < jobs_.size(); ++i) index_[jobs_[i].request.id] = i;
    const int n = fleet_.info.size();
    caps_.resize(static_cast<size_t>(n));
    for (SiteCapacity& c : caps_) c.cost_usd_per_gpu_h = 1;
    view_.resize(static_cast<size_t>(n));
    used_.assign(static_cast<size_t>(n), std::vector<int>(kModels, 0));
    team_gpus_.assign(fleet_.info.teams.size(), 0);
    kind_ = kind;
    if (kind == Kind::kStatic) scheduler_ = std::make_unique<StaticScheduler>(n);
    if (kind == Kind::kGreedy) scheduler_ = std::make_unique<GreedyScheduler>(n);
    if (kind == Kind::kGlobal) {
      auto g = std::make_unique<GlobalScheduler>(fleet_.info);
      global_ = g.get();
      scheduler_ = std::move(g);
    }
  }

  std::span<const RunningJob> At(int s) const override { return view_[static_cast<size_t>(s)]; }

  // Runs the whole scenario; returns the log of every decision.
  std::string Run();
  const Tally& tally() const { return tally_; }

 private:
  static constexpr Duration kHorizon = std::chrono::hours(24 * 100);

  HostJob& Job(int id) { return jobs_[index_.at(id)]; }
  void Advance(Time to);
  void Free(HostJob& j, int site, std::set<int>* grown);
  bool Allocate(HostJob& j, int site);
  void RandomSignals(FleetTelemetry* t);
  void BuildCapacityAndView();
  void Apply(const PlacementDecision& d, std::string* log);
  void Check(const PlacementDecision& d);

  Rng rng_;
  Kind kind_;
  Fleet fleet_;
  std::vector<HostJob> jobs_;
  std::map<int, size_t> index_;
  std::unique_ptr<Scheduler> scheduler_;
  GlobalScheduler* global_ = nullptr;
  Time now_ = kTimeZero;
  std::vector<SiteCapacity> caps_;
  std::vector<std::vector<RunningJob>> view_;
  std::vector<std::vector<int>> used_;  // per site, per model
  std::vector<std::int64_t> team_gpus_;
  std::map<std::pair<int, Time>, double> team_usage_gpu_h_;  // (team, month end) -> GPU-hours
  std::set<int> grown_;                                      // for the next call
  std::vector<JobRequest> refused_, preempted_;
  Tally tally_;
};

void Host::Advance(Time to) {
  while (now_ < to) {
    const Time month_end = NextMonthStart(now_, fleet_.info.start_unix_s);
    const Time b = std::min(to, month_end);
    for (size_t k = 0; k < team_gpus_.size(); ++k) {
      team_usage_gpu_h_[{static_cast<int>(k), month_end}] +=
          static_cast<double>(team_gpus_[k]) * ToHours(b - now_);
    }
    now_ = b;
  }
}

void Host::Free(HostJob& j, int site, std::set<int>* grown) {
  for (auto it = j.allocs.begin(); it != j.allocs.end(); ++it) {
    if (site >= 0 && it->site != site) continue;
    used_[static_cast<size_t>(it->site)][static_cast<size_t>(it->model)] -= it->gpus;
    if (j.request.team >= 0) team_gpus_[static_cast<size_t>(j.request.team)] -= it->gpus;
    grown->insert(it->site);
    if (site >= 0) {
      j.allocs.erase(it);
      return;
    }
  }
  if (site < 0) j.allocs.clear();
}

bool Host::Allocate(HostJob& j, int s) {
  const SiteCapacity& c = caps_[static_cast<size_t>(s)];
  const int g = j.request.gpus_per_site();
  if (!j.request.AllowedAt(s) || !Fits(c, j.request)) return false;
  const int m = j.request.gpu_model >= 0 ? j.request.gpu_model : c.first_free_model;
  used_[static_cast<size_t>(s)][static_cast<size_t>(m)] += g;
  if (j.request.team >= 0) team_gpus_[static_cast<size_t>(j.request.team)] += g;
  j.allocs.push_back({s, m, g});
  std::sort(j.allocs.begin(), j.allocs.end(),
            [](const Alloc& a, const Alloc& b) { return a.site < b.site; });
  BuildCapacityAndView();
  return true;
}

void Host::BuildCapacityAndView() {
  for (size_t s = 0; s < caps_.size(); ++s) {
    SiteCapacity& c = caps_[s];
    c.free_by_model.assign(kModels, 0);
    c.free_gpus = 0;
    c.first_free_model = -1;
    for (int m : fleet_.rack_order[s]) {
      const int free = fleet_.total[s][static_cast<size_t>(m)] - used_[s][static_cast<size_t>(m)];
      EXPECT_GE(free, 0) << "site " << s << " model " << m << " over capacity";
      c.free_by_model[static_cast<size_t>(m)] = free;
      c.free_gpus += free;
      if (free > 0 && c.first_free_model < 0) c.first_free_model = m;
    }
    view_[s].clear();
  }
  for (const HostJob& j : jobs_) {  // ascending id: the view's order
    if (j.state != State::kRunning) continue;
    for (const Alloc& a : j.allocs) {
      RunningJob r;
      r.id = j.request.id;
      r.gpus = a.gpus;
      r.priority = j.request.priority;
      r.preemptible = j.request.preemptible;
      r.team = j.request.team;
      r.last_checkpoint =
          j.started + (now_ - j.started) / std::chrono::hours(1) * std::chrono::hours(1);
      r.checkpoint_bytes = j.request.checkpoint_bytes;
      r.restore_time = j.request.restore_time;
      r.expected_run = j.end_at > now_ ? j.end_at - now_ : Duration::zero();
      r.learner = j.request.learners > 0;
      view_[static_cast<size_t>(a.site)].push_back(r);
    }
  }
}

void Host::RandomSignals(FleetTelemetry* t) {
  for (size_t s = 0; s < caps_.size(); ++s) {
    SiteCapacity& c = caps_[s];
    c.cost_usd_per_gpu_h = 0.5 + 2 * rng_.Uniform();
    if (!rng_.Bernoulli(0.15)) continue;
    t->forecast_changed.push_back(static_cast<int>(s));
    int used = 0;
    for (int u : used_[s]) used += u;
    c.shed_request_gpus =
        rng_.Bernoulli(0.4) && used > 0 ? static_cast<int>(rng_.Below(used + 1)) : 0;
    if (rng_.Bernoulli(0.4)) {
      c.forecast_spare_gpus = INT64_MAX;
      c.short_until = kTimeZero;
    } else {
      c.forecast_spare_gpus = static_cast<std::int64_t>(rng_.Below(400)) - 200;
      c.short_until = now_ + FromSeconds(rng_.Uniform(0, 48 * 3600.0));
    }
  }
}

void Host::Apply(const PlacementDecision& d, std::string* log) {
  std::set<int>& grown = grown_;
  for (const Preemption& p : d.preemptions) {
    *log += absl::StrFormat("P%d@%d ", p.job, p.site);
    HostJob& j = Job(p.job);
    EXPECT_EQ(kind_, Kind::kGlobal) << "a baseline preempted";
    const bool there =
        j.state == State::kRunning && std::any_of(j.allocs.begin(), j.allocs.end(),
                                                  [&](const Alloc& a) { return a.site == p.site; });
    if (!there) continue;  // refused: dropped
    EXPECT_TRUE(j.request.preemptible) << "preempted non-preemptible job " << p.job;
    Free(j, -1, &grown);
    j.state = State::kReturning;
    preempted_.push_back(j.request);
    ++tally_.preempted;
  }
  BuildCapacityAndView();
  for (const LearnerChange& l : d.learners) {
    *log += absl::StrFormat("L%d@%d%c ", l.job, l.site, l.attach ? '+' : '-');
    EXPECT_EQ(kind_, Kind::kGlobal) << "a baseline changed learners";
    HostJob& j = Job(l.job);
    if (j.state != State::kRunning || j.request.learners == 0) continue;
    const bool there = std::any_of(j.allocs.begin(), j.allocs.end(),
                                   [&](const Alloc& a) { return a.site == l.site; });
    if (l.attach) {
      if (!there && static_cast<int>(j.allocs.size()) < j.request.learners) {
        tally_.attached += Allocate(j, l.site) ? 1 : 0;
      }
    } else if (there) {
      const int keep = std::max(1, j.request.min_learners);
      EXPECT_GE(static_cast<int>(j.allocs.size()) - 1, keep)
          << "job " << j.request.id << " detached below its minimum of learners ("
          << j.request.min_learners << " of " << j.request.learners << ")";
      if (static_cast<int>(j.allocs.size()) - 1 >= keep) {
        Free(j, l.site, &grown);
        ++tally_.detached;
      }
    }
  }
  BuildCapacityAndView();
  for (const Migration& m : d.migrations) {
    *log += absl::StrFormat("M%d:%d>%d ", m.job, m.from, m.to);
    EXPECT_EQ(kind_, Kind::kGlobal) << "a baseline migrated";
    HostJob& j = Job(m.job);
    if (j.state != State::kRunning || j.request.learners > 0 || j.allocs.size() != 1 ||
        j.allocs[0].site != m.from || m.to == m.from) {
      continue;
    }
    const Alloc before = j.allocs[0];
    Free(j, -1, &grown);
    if (Allocate(j, m.to)) {
      ++tally_.migrated;
    } else {  // no room: it stays
      j.allocs.push_back(before);
      used_[static_cast<size_t>(before.site)][static_cast<size_t>(before.model)] += before.gpus;
      if (j.request.team >= 0) team_gpus_[static_cast<size_t>(j.request.team)] += before.gpus;
    }
    BuildCapacityAndView();
  }
  for (const Placement& p : d.placements) {
    *log += absl::StrFormat("J%d@%d", p.job, p.site);
    for (int s : p.learner_sites) *log += absl::StrFormat(",%d", s);
    *log += " ";
    ASSERT_TRUE(index_.contains(p.job)) << "placed unknown job " << p.job;
    HostJob& j = Job(p.job);
    ASSERT_EQ(j.state, State::kWithScheduler)
        << "job " << p.job << " placed twice or while not queued";
    const JobRequest& r = j.request;
    if (r.learners == 0) {
      EXPECT_TRUE(p.learner_sites.empty()) << "a one-site job split over sites";
      EXPECT_TRUE(r.AllowedAt(p.site));
    } else {
      ASSERT_EQ(static_cast<int>(p.learner_sites.size()), r.learners) << "job " << p.job;
      EXPECT_TRUE(std::is_sorted(p.learner_sites.begin(), p.learner_sites.end()));
      EXPECT_EQ(std::adjacent_find(p.learner_sites.begin(), p.learner_sites.end()),
                p.learner_sites.end())
          << "two learners of job " << p.job << " at one site";
      EXPECT_EQ(p.site, p.learner_sites.front());
      for (int a : p.learner_sites) {
        EXPECT_TRUE(r.AllowedAt(a));
        for (int b : p.learner_sites) {
          if (kind_ == Kind::kGlobal && a != b) {
            EXPECT_GT(fleet_.info.RouteBps(a, b), 0) << "learners cannot reach each other";
          }
        }
      }
    }
    const std::vector<int> at = r.learners > 0 ? p.learner_sites : std::vector<int>{p.site};
    bool fits = true;
    for (int s : at) fits = fits && Fits(caps_[static_cast<size_t>(s)], r);
    if (!fits) {
      EXPECT_FALSE(fleet_.one_model)
          << "job " << p.job
          << " placed where it does not fit: " << log->substr(log->rfind('\n') + 1);
      ++tally_.refused;
      refused_.push_back(r);
      j.state = State::kReturning;
      continue;
    }
    for (int s : at) Allocate(j, s);
    ++tally_.placed;
    j.state = State::kRunning;
    j.started = now_;
    j.end_at = now_ + j.run;
    if (global_ != nullptr && r.team >= 0) {
      const model::Team& team = fleet_.info.teams[static_cast<size_t>(r.team)];
      if (team.max_gpus > 0) {
        EXPECT_LE(team_gpus_[static_cast<size_t>(r.team)], team.max_gpus);
      }
      if (team.gpu_hours_per_month > 0) {
        EXPECT_LE(global_->team_charged_gpu_h(r.team), team.gpu_hours_per_month + 1e-6)
            << "team " << r.team << " admitted over its monthly quota";
      }
    }
  }
  *log += "\n";
}

void Host::Check(const PlacementDecision& d) {
  if (d.next_wake != kTimeNever) {
    EXPECT_GT(d.next_wake, now_);
  }
  std::size_t waiting = 0;
  for (const HostJob& j : jobs_) {
    waiting += j.state == State::kWithScheduler ? 1 : 0;
    if (j.state == State::kRunning) {
      if (j.request.learners == 0) {
        EXPECT_EQ(j.allocs.size(), 1u) << "job " << j.request.id << " in two places";
        EXPECT_EQ(j.allocs[0].gpus, j.request.gpus);
      } else {
        EXPECT_GE(j.allocs.size(), 1u);
        for (size_t k = 1; k < j.allocs.size(); ++k) {
          EXPECT_LT(j.allocs[k - 1].site, j.allocs[k].site);
        }
        for (const Alloc& a : j.allocs) EXPECT_EQ(a.gpus, j.request.gpus / j.request.learners);
      }
    }
  }
  // No job is lost or queued twice: what the host left with the scheduler is its queue.
  EXPECT_EQ(scheduler_->queued(), waiting);
  if (global_ != nullptr) {
    // The monthly charge covers what the team has used this month so far.
    const Time month_end = NextMonthStart(now_, fleet_.info.start_unix_s);
    for (int k = 0; k < static_cast<int>(fleet_.info.teams.size()); ++k) {
      const auto it = team_usage_gpu_h_.find({k, month_end});
      const double used = it == team_usage_gpu_h_.end() ? 0 : it->second;
      EXPECT_GE(global_->team_charged_gpu_h(k) + 1e-6, used)
          << "team " << k << " used more this month than it was charged, at "
          << ToHours(now_ - kTimeZero) << " h, month end " << ToHours(month_end - kTimeZero);
    }
  }
}

std::string Host::Run() {
  std::string log;
  Time wake = kTimeNever;
  size_t next_arrival = 0;
  BuildCapacityAndView();
  const Time stop = kTimeZero + kHorizon + std::chrono::hours(24 * 30);
  while (now_ < stop && !testing::Test::HasFailure()) {
    FleetTelemetry t;
    t.now = now_;
    for (HostJob& j : jobs_) {
      if (j.state == State::kRunning && j.end_at <= now_) {
        Free(j, -1, &grown_);
        j.state = State::kEnded;
        t.ended.push_back(j.request.id);
      }
    }
    while (next_arrival < jobs_.size() && jobs_[next_arrival].request.arrival <= now_) {
      jobs_[next_arrival].state = State::kWithScheduler;
      t.arrivals.push_back(jobs_[next_arrival++].request);
    }
    for (const JobRequest& r : refused_) Job(r.id).state = State::kWithScheduler;
    for (const JobRequest& r : preempted_) Job(r.id).state = State::kWithScheduler;
    t.refused = std::move(refused_);
    t.preempted = std::move(preempted_);
    refused_.clear();
    preempted_.clear();
    BuildCapacityAndView();
    RandomSignals(&t);
    t.grown.assign(grown_.begin(), grown_.end());
    grown_.clear();
    t.sites = &caps_;
    t.running = this;
    PlacementDecision d;
    scheduler_->Decide(t, &d);
    log +=
        absl::StrFormat("%.0f wake %d: ", ToSeconds(now_), d.next_wake.time_since_epoch().count());
    Apply(d, &log);
    BuildCapacityAndView();
    Check(d);
    wake = d.next_wake;
    // The next call: an arrival, an end, the scheduler's wake-up or a change of signals.
    Time next = now_ + FromSeconds(rng_.Exponential(6 * 3600.0));
    if (next_arrival < jobs_.size()) next = std::min(next, jobs_[next_arrival].request.arrival);
    for (const HostJob& j : jobs_) {
      if (j.state == State::kRunning) next = std::min(next, j.end_at);
    }
    next = std::min(next, wake);
    if (!refused_.empty() || !preempted_.empty())
      next = std::min(next, now_ + std::chrono::seconds(1));
    next = std::max(next, now_ + std::chrono::seconds(1));
    Advance(next);
  }
  return log;
}

class SchedulerProperty : public testing::TestWithParam<Kind> {};

TEST_P(SchedulerProperty, ContractHoldsOverManySeeds) {
  Tally all;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE(absl::StrFormat("seed %d", seed));
    Host a(GetParam(), static_cast<std::uint64_t>(seed));
    const std::string log = a.Run();
    if (HasFailure()) return;  // one seed's failures are enough to read
    all.placed += a.tally().placed;
    all.refused += a.tally().refused;
    all.preempted += a.tally().preempted;
    all.migrated += a.tally().migrated;
    all.detached += a.tally().detached;
    all.attached += a.tally().attached;
    Host b(GetParam(), static_cast<std::uint64_t>(seed));
    const std::string again = b.Run();
    if (log != again) {
      size_t at = 0;
      while (at < log.size() && at < again.size() && log[at] == again[at]) ++at;
      const size_t line = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
      ADD_FAILURE() << "the same seed gave other decisions:\n  "
                    << log.substr(line, log.find('\n', at) - line) << "\n  "
                    << again.substr(line, again.find('\n', at) - line);
      return;
    }
  }
  std::printf(
      "%d placed, %d refused, %d preempted, %d migrated, %d learners detached, %d attached\n",
      all.placed, all.refused, all.preempted, all.migrated, all.detached, all.attached);
  // The scenarios reach every path of the contract (multi-model sites make the host refuse).
  EXPECT_GT(all.placed, 10000);
  EXPECT_GT(all.refused, 0);
  if (GetParam() == Kind::kGlobal) {
    EXPECT_GT(all.preempted, 100);
    EXPECT_GT(all.migrated, 100);
    EXPECT_GT(all.detached, 100);
    EXPECT_GT(all.attached, 100);
  }
}

INSTANTIATE_TEST_SUITE_P(AllSchedulers, SchedulerProperty,
                         testing::Values(Kind::kStatic, Kind::kGreedy, Kind::kGlobal),
                         [](const testing::TestParamInfo<Kind>& p) {
                           switch (p.param) {
                             case Kind::kStatic:
                               return std::string("Static");
                             case Kind::kGreedy:
                               return std::string("Greedy");
                             case Kind::kGlobal:
                               return std::string("Global");
                           }
                           return std::string();
                         });

}  // namespace
}  // namespace headroom::sched

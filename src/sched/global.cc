#include "sched/global.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"

namespace headroom::sched {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Risk weight by priority class: critical, high, normal, preemptible.
constexpr double kRiskWeight[] = {10, 3, 1, 0.3};
// A job whose run time is not known is scored as if it ran this long.
constexpr Duration kUnknownRun = std::chrono::hours(24);
// A shed request with no forecast end is taken to last this long.
constexpr Duration kUnknownShortage = std::chrono::hours(1);

double RiskWeight(int priority) { return kRiskWeight[std::clamp(priority, 0, 3)]; }

double RunHours(const JobRequest& job) {
  return ToHours(job.expected_run > Duration::zero() ? job.expected_run : kUnknownRun);
}

}  // namespace

GlobalScheduler::GlobalScheduler(FleetInfo info)
    : info_(std::move(info)), quotas_(info_.teams, info_.start_unix_s) {
  // Until a host says otherwise, each data set is at its home only.
  const size_t n = static_cast<size_t>(info_.size());
  data_left_.assign(info_.datasets.size() * n, 0.0);
  for (size_t d = 0; d < info_.datasets.size(); ++d) {
    const model::Dataset& ds = info_.datasets[d];
    for (size_t s = 0; s < n; ++s) {
      if (ds.home_site >= 0 && static_cast<size_t>(ds.home_site) != s)
        data_left_[d * n + s] = ds.size_bytes;
    }
  }
}

bool GlobalScheduler::Before(const JobRequest& a, const JobRequest& b) const {
  return std::tie(a.priority, a.arrival, a.id) < std::tie(b.priority, b.arrival, b.id);
}

void GlobalScheduler::Enqueue(JobRequest job) {
  const auto at =
      std::upper_bound(queue_.begin(), queue_.end(), job,
                       [&](const JobRequest& x, const JobRequest& y) { return Before(x, y); });
  queue_.insert(at, std::move(job));
}

void GlobalScheduler::Release(int id, Time now) {
  quotas_.Release(id, now);
  queued_since_.erase(id);
  placed_.erase(id);
  cross_site_.erase(id);
  moving_.erase(id);
}

// ------------------------------------------------------------------------------------------------
// Scores and placement

double GlobalScheduler::Score(const JobRequest& job, int s, const SiteCapacity& c, Time now) const {
  if (!job.AllowedAt(s)) return kInf;
  const double g = job.gpus_per_site();
  const double v = info_.work_value_usd_per_gpu_h;
  const double run_h = RunHours(job);
  const SiteInfo& site = info_.sites[static_cast<size_t>(s)];
  double score = c.cost_usd_per_gpu_h * g;
  score += (1 - site.availability) * RiskWeight(job.priority) * v * g;
  // Its GPUs held idle while its data set is staged there, spread over its run.
  const double data_s = DataSeconds(job, s);
  if (!std::isfinite(data_s)) return kInf;
  score += data_s / 3600 / run_h * v * g;
  if (c.forecast_spare_gpus != INT64_MAX && c.forecast_spare_gpus < g) {
    const double spare = std::max<double>(0.0, static_cast<double>(c.forecast_spare_gpus));
    const double share = std::min(1.0, (g - spare) / g);
    const double left_h = c.short_until > now ? ToHours(c.short_until - now) : run_h;
    score += v * g * share * std::min(1.0, left_h / run_h);
  }
  return score;
}

double GlobalScheduler::DataSeconds(const JobRequest& job, int s) const {
  if (job.learners > 0 || job.dataset < 0 || job.dataset >= static_cast<int>(info_.datasets.size()))
    return 0;
  const model::Dataset& d = info_.datasets[static_cast<size_t>(job.dataset)];
  const double left =
      data_left_[static_cast<size_t>(job.dataset) * static_cast<size_t>(info_.size()) +
                 static_cast<size_t>(s)];
  if (d.home_site < 0 || left <= 0) return 0;
  return info_.MoveSeconds(d.home_site, s, left);
}

GlobalScheduler::DataOutlook GlobalScheduler::Outlook(const JobRequest& job, Time now) const {
  DataOutlook o;
  if (job.learners > 0 || job.dataset < 0 ||
      job.dataset >= static_cast<int>(info_.datasets.size())) {
    o.copy_has_room = true;  // (reads nothing to stage)
    return o;
  }
  const size_t n = static_cast<size_t>(info_.size());
  const size_t d = static_cast<size_t>(job.dataset);
  const double size = info_.datasets[d].size_bytes;
  for (int s = 0; s < info_.size(); ++s) {
    if (!job.AllowedAt(s)) continue;
    const size_t key = d * n + static_cast<size_t>(s);
    if (DataSeconds(job, s) == 0 && Fits(sites_[static_cast<size_t>(s)], job))
      o.copy_has_room = true;
    const auto asked = prefetching_.find(static_cast<int>(key));
    if ((asked != prefetching_.end() && now < asked->second) ||
        (data_left_[key] > 0 && data_left_[key] < size))
      o.copy_coming = true;
  }
  return o;
}

bool GlobalScheduler::WaitsForData(const JobRequest& job, int s, Time now,
                                   const DataOutlook& outlook) {
  const double stage_s = DataSeconds(job, s);
  if (!(stage_s > 0)) return false;
  // Where a site with a copy has room now, the scores choose.
  if (outlook.copy_has_room) return false;
  // A copy on its way to a site it may use: placing it anywhere now would not start it sooner
  // than that copy (the host calls when it lands), only hold GPUs.
  if (outlook.copy_coming) return true;
  // At most as long as staging the whole data set there takes, from when it was queued.
  const model::Dataset& d = info_.datasets[static_cast<size_t>(job.dataset)];
  const double full_s = std::max(stage_s, info_.MoveSeconds(d.home_site, s, d.size_bytes));
  const auto since = queued_since_.find(job.id);
  const Time queued = since == queued_since_.end() ? now : since->second;
  if (!std::isfinite(full_s) || full_s >= ToSeconds(kTimeNever - queued)) return true;
  const Time ready = queued + FromSeconds(full_s);
  if (now >= ready) return false;
  stage_wake_ = std::min(stage_wake_, ready);
  return true;
}

void GlobalScheduler::Prefetch(const JobRequest& job, int s, Time now, PlacementDecision* out) {
  if (s < 0) return;
  const size_t n = static_cast<size_t>(info_.size());
  const size_t d = static_cast<size_t>(job.dataset);
  for (size_t o = 0; o < n; ++o) {
    // One copy on its way at a time to the sites this job may use.
    if (prefetching_.contains(static_cast<int>(d * n + o)) && job.AllowedAt(static_cast<int>(o)))
      return;
  }
  // Given up (the job then placed by the ski-rental bound) if it has not landed in twice the time
  // it takes alone: a host that does not stage copies ahead is not waited for forever.
  const model::Dataset& ds = info_.datasets[d];
  const double alone_s = info_.MoveSeconds(ds.home_site, s, ds.size_bytes);
  const Time give_up = std::isfinite(alone_s) && 2 * alone_s < ToSeconds(kTimeNever - now)
                           ? now + FromSeconds(2 * alone_s)
                           : kTimeNever;
  prefetching_[static_cast<int>(d * n + static_cast<size_t>(s))] = give_up;
  stage_wake_ = std::min(stage_wake_, give_up);
  out->stagings.push_back(
      {job.dataset, s,
       absl::StrFormat("job %d (%d GPUs) waits for %s; no site holding it has room", job.id,
                       job.gpus, info_.datasets[d].name)});
}

bool GlobalScheduler::TryPlace(const JobRequest& job, Time now, PlacementDecision* out,
                               int* prefetch_site) {
  if (prefetch_site != nullptr) *prefetch_site = -1;
  if (!quotas_.Allows(job, now)) return false;
  order_.clear();
  // The best site held back for want of the job's data set: where a copy may be staged ahead if
  // the job is not placed.
  int prefetch = -1;
  double prefetch_score = kInf;
  const DataOutlook outlook = Outlook(job, now);
  for (int s = 0; s < info_.size(); ++s) {
    const SiteCapacity& c = sites_[static_cast<size_t>(s)];
    if (!job.AllowedAt(s) || !Fits(c, job)) continue;
    const double score = Score(job, s, c, now);
    if (!std::isfinite(score)) continue;
    if (WaitsForData(job, s, now, outlook)) {
      if (score < prefetch_score) {
        prefetch_score = score;
        prefetch = s;
      }
      continue;
    }
    order_.emplace_back(score, s);
  }
  const size_t want = job.learners > 0 ? static_cast<size_t>(job.learners) : 1;
  if (order_.size() < want) {
    if (prefetch_site != nullptr) *prefetch_site = prefetch;
    return false;
  }
  std::sort(order_.begin(), order_.end());
  // The best-scored site that starts a mutually reachable set, then the best sites that reach all
  // those chosen; when a seed cannot be completed (an isolated cheap site), the next one is tried.
  // O(candidates^2 x learners) for a cross-site job; one pass for a one-site job.
  std::vector<int> chosen;
  for (size_t seed = 0; seed + want <= order_.size() && chosen.size() < want; ++seed) {
    chosen.assign(1, order_[seed].second);
    for (size_t k = seed + 1; k < order_.size() && chosen.size() < want; ++k) {
      const int s = order_[k].second;
      bool reaches = true;
      for (int c : chosen) {
        reaches = reaches && info_.RouteBps(c, s) > 0 && info_.RouteBps(s, c) > 0;
      }
      if (reaches) chosen.push_back(s);
    }
  }
  if (chosen.size() < want) return false;
  Placement p;
  p.job = job.id;
  p.site = chosen.front();
  for (int s : chosen) Book(&sites_[static_cast<size_t>(s)], job);
  if (job.learners > 0) {
    std::sort(chosen.begin(), chosen.end());
    p.site = chosen.front();
    p.learner_sites = chosen;
  }
  Placed& placed = placed_[job.id];
  placed.request = job;
  placed.sites = chosen;
  placed.detached.clear();
  if (job.learners > 0) cross_site_.insert(job.id);
  quotas_.Admit(job, now);
  queued_since_.erase(job.id);
  out->placements.push_back(std::move(p));
  return true;
}

bool GlobalScheduler::TryPreempt(const JobRequest& job, const FleetTelemetry& t,
                                 PlacementDecision* out) {
  if (t.running == nullptr || job.learners > 0 || !quotas_.Allows(job, t.now)) return false;
  const int g = job.gpus;
  int best_site = -1;
  double best_lost = kInf;
  // Copies: RunningView::At's answer is valid only until its next call.
  std::vector<RunningJob> victims, best;
  const auto lost = [&](const RunningJob& r) {
    return r.gpus * std::max(0.0, ToSeconds(t.now - r.last_checkpoint));
  };
  const DataOutlook outlook = Outlook(job, t.now);
  for (int s = 0; s < info_.size(); ++s) {
    const SiteCapacity& c = sites_[static_cast<size_t>(s)];
    if (!job.AllowedAt(s) || !std::isfinite(Score(job, s, c, t.now)) ||
        WaitsForData(job, s, t.now, outlook))
      continue;
    victims.clear();
    for (const RunningJob& r : t.running->At(s)) {
      if (r.preemptible && !r.learner && r.priority > job.priority && !preempting_.contains(r.id))
        victims.push_back(r);
    }
    std::sort(victims.begin(), victims.end(), [&](const RunningJob& a, const RunningJob& b) {
      return std::make_tuple(lost(a), -a.priority, a.id) <
             std::make_tuple(lost(b), -b.priority, b.id);
    });
    const int model = job.gpu_model >= 0 ? job.gpu_model : c.first_free_model;
    std::int64_t free =
        model >= 0 && model < static_cast<int>(c.free_by_model.size())
            ? std::min<std::int64_t>(c.free_by_model[static_cast<size_t>(model)], c.free_gpus)
            : c.free_gpus;
    double total = 0;
    size_t n = 0;
    while (free < g && n < victims.size()) {
      free += victims[n].gpus;
      total += lost(victims[n]);
      ++n;
    }
    if (free < g || total >= best_lost) continue;
    best_lost = total;
    best_site = s;
    best.assign(victims.begin(), victims.begin() + static_cast<std::ptrdiff_t>(n));
  }
  if (best_site < 0) return false;
  // The summary after the stops, on a copy: nothing is stopped unless the job then fits (the
  // victims' GPUs may be of another model).
  SiteCapacity after = sites_[static_cast<size_t>(best_site)];
  const int model = job.gpu_model >= 0 ? job.gpu_model : std::max(0, after.first_free_model);
  for (const RunningJob& r : best) {
    after.free_gpus += r.gpus;
    if (model < static_cast<int>(after.free_by_model.size())) {
      after.free_by_model[static_cast<size_t>(model)] += r.gpus;
      if (after.first_free_model < 0) after.first_free_model = model;
    }
  }
  if (!Fits(after, job)) return false;
  for (const RunningJob& r : best) {
    out->preemptions.push_back(
        {r.id, best_site,
         absl::StrFormat("makes room for job %d (priority %d, %d GPUs): %d GPUs freed, %.2f "
                         "GPU-h since its last checkpoint lost",
                         job.id, job.priority, g, r.gpus,
                         r.gpus * std::max(0.0, ToHours(t.now - r.last_checkpoint)))});
    preempting_.insert(r.id);
  }
  SiteCapacity& c = sites_[static_cast<size_t>(best_site)];
  c = std::move(after);
  Book(&c, job);
  Placed& placed = placed_[job.id];
  placed.request = job;
  placed.sites = {best_site};
  placed.detached.clear();
  quotas_.Admit(job, t.now);
  queued_since_.erase(job.id);
  out->placements.push_back({job.id, best_site, {}});
  return true;
}

// ------------------------------------------------------------------------------------------------
// Moving work away from short sites

std::int64_t GlobalScheduler::Relieve(int s, std::int64_t gpus, const FleetTelemetry& t,
                                      PlacementDecision* out) {
  if (t.running == nullptr || gpus <= 0) return 0;
  const SiteCapacity& here = sites_[static_cast<size_t>(s)];
  const Duration shortage = here.short_until > t.now ? here.short_until - t.now : kUnknownShortage;
  std::vector<const RunningJob*> jobs;
  for (const RunningJob& r : t.running->At(s)) {
    if (!preempting_.contains(r.id)) jobs.push_back(&r);
  }
  // Learners first (the cheapest rung), then the most important work.
  std::sort(jobs.begin(), jobs.end(), [](const RunningJob* a, const RunningJob* b) {
    return std::make_tuple(!a->learner, a->priority, a->id) <
           std::make_tuple(!b->learner, b->priority, b->id);
  });
  std::int64_t moved = 0;
  for (const RunningJob* r : jobs) {
    if (moved >= gpus) break;
    const auto it = placed_.find(r->id);
    if (r->learner) {
      if (it == placed_.end()) continue;
      Placed& p = it->second;
      // A job keeps min_learners, and always one learner (min_learners 0 means "no minimum").
      if (static_cast<int>(p.sites.size()) - 1 < std::max(1, p.request.min_learners)) continue;
      p.sites.erase(std::remove(p.sites.begin(), p.sites.end(), s), p.sites.end());
      p.detached.push_back(s);
      out->learners.push_back(
          {r->id, s, false,
           absl::StrFormat("site %s is short by %d GPUs for %.1f h: learner detached (%d of %d "
                           "learners stay)",
                           info_.sites[static_cast<size_t>(s)].name, gpus, ToHours(shortage),
                           p.sites.size(), p.request.learners)});
      moved += r->gpus;
      continue;
    }
    if (it == placed_.end()) continue;
    const JobRequest& job = it->second.request;
    int best = -1;
    double best_score = kInf;
    for (int d = 0; d < info_.size(); ++d) {
      const SiteCapacity& c = sites_[static_cast<size_t>(d)];
      if (d == s || !job.AllowedAt(d) || !Fits(c, job)) continue;
      if (c.forecast_spare_gpus != INT64_MAX && c.forecast_spare_gpus < r->gpus) continue;
      const double score = Score(job, d, c, t.now);
      if (score < best_score) {
        best_score = score;
        best = d;
      }
    }
    if (best < 0) continue;
    // Its data set is staged at the destination beside the checkpoint's transfer (the estimate
    // does not count the two sharing the destination's access link).
    const double data_s = DataSeconds(job, best);
    const double move_s = std::max(TransferSeconds(s, best, r->checkpoint_bytes, nullptr), data_s) +
                          ToSeconds(r->restore_time);
    if (!std::isfinite(move_s) || ToSeconds(shortage) < kMoveMargin * move_s) continue;
    // Not into GPUs that waiting work of the same or a higher class could use now: a move only
    // helps where it uses capacity nothing else would.
    if (std::any_of(queue_.begin(), queue_.end(), [&](const JobRequest& q) {
          return q.priority <= job.priority && q.AllowedAt(best) &&
                 Fits(sites_[static_cast<size_t>(best)], q);
        }))
      continue;
    // What the estimate counted, in words, for the move's reason (only for a move decided).
    std::string counted;
    TransferSeconds(s, best, r->checkpoint_bytes, &counted);
    Book(&sites_[static_cast<size_t>(best)], job);
    moving_[r->id] = {s, best, r->checkpoint_bytes};
    it->second.sites = {best};
    out->migrations.push_back(
        {r->id, s, best, move_s,
         absl::StrFormat("site %s is short by %d GPUs for %.1f h; to %s: %s%s + %.0f s restore = "
                         "%.0f s",
                         info_.sites[static_cast<size_t>(s)].name, gpus, ToHours(shortage),
                         info_.sites[static_cast<size_t>(best)].name, counted,
                         data_s > 0 ? absl::StrFormat(" (its data set staged there beside it: "
                                                      "%.0f s)",
                                                      data_s)
                                    : std::string(),
                         ToSeconds(r->restore_time), move_s)});
    moved += r->gpus;
  }
  return moved;
}

double GlobalScheduler::TransferSeconds(int from, int to, double bytes,
                                        std::string* counted) const {
  const double route_bps = info_.RouteBps(from, to);
  if (!(route_bps > 0)) return kInf;
  // Per end: the bytes of the checkpoints in flight that share its access link, each counted up to
  // this checkpoint's size (max-min fair shares: a flow of R bytes takes at most min(R, bytes) of
  // the link before this one has crossed), and how many they are.
  // Those on the same route share all of it, its bottleneck too (with unlimited access links the
  // only sharing the estimate sees).
  double out_bytes = 0, in_bytes = 0, route_bytes = 0;
  int out_n = 0, in_n = 0;
  for (const auto& [id, m] : moving_) {
    if (m.from == from && m.to == to) route_bytes += std::min(m.bytes, bytes);
    if (m.from == from) {
      out_bytes += std::min(m.bytes, bytes);
      ++out_n;
    }
    if (m.to == to) {
      in_bytes += std::min(m.bytes, bytes);
      ++in_n;
    }
  }
  const double up_bps = info_.sites[static_cast<size_t>(from)].uplink_bps;
  const double down_bps = info_.sites[static_cast<size_t>(to)].uplink_bps;
  // Each access term is +0 for an unlimited link; the route's bottleneck bounds the transfer with
  // those on its route.
  const double alone_s = (bytes + route_bytes) * 8 / route_bps;
  const double up_s = (bytes + out_bytes) * 8 / up_bps;
  const double down_s = (bytes + in_bytes) * 8 / down_bps;
  const double transfer_s = std::max({alone_s, up_s, down_s});
  if (counted != nullptr) {
    *counted = absl::StrFormat(
        "%.0f GB over %.2f Gbps, sharing %s's uplink with %d checkpoint(s) in flight (%.0f GB) and "
        "%s's with %d (%.0f GB) = %.0f s",
        bytes / 1e9, route_bps / 1e9, info_.sites[static_cast<size_t>(from)].name, out_n,
        out_bytes / 1e9, info_.sites[static_cast<size_t>(to)].name, in_n, in_bytes / 1e9,
        transfer_s + ToSeconds(info_.RouteLatency(from, to)));
  }
  return transfer_s + ToSeconds(info_.RouteLatency(from, to));
}

void GlobalScheduler::ForgetArrivedMoves(const FleetTelemetry& t) {
  if (moving_.empty() || t.running == nullptr) return;
  std::vector<int> sites;
  for (const auto& [id, m] : moving_) {
    sites.push_back(m.from);
    sites.push_back(m.to);
  }
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  for (int s : sites) {
    for (const RunningJob& r : t.running->At(s)) {
      const auto it = moving_.find(r.id);
      if (it != moving_.end() && (it->second.from == s || it->second.to == s)) moving_.erase(it);
    }
  }
}

void GlobalScheduler::ResyncLearners(const FleetTelemetry& t) {
  if (t.learners_dropped.empty() || t.running == nullptr) return;
  for (int id : t.learners_dropped) {
    const auto it = placed_.find(id);
    if (it == placed_.end() || it->second.request.learners <= 0) continue;
    Placed& p = it->second;
    // Where its learners run now, from the host; the sites it was at or detached from and no
    // longer runs at are detached (attached again when calm).
    std::vector<int> known = p.sites;
    known.insert(known.end(), p.detached.begin(), p.detached.end());
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    p.sites.clear();
    p.detached.clear();
    for (int s : known) {
      const auto running = t.running->At(s);
      const bool here = std::any_of(running.begin(), running.end(),
                                    [&](const RunningJob& r) { return r.id == id && r.learner; });
      (here ? p.sites : p.detached).push_back(s);
    }
  }
}

void GlobalScheduler::Reattach(const FleetTelemetry& t, PlacementDecision* out) {
  // In queue order, not the hash map's: which job gets a site's room back must not depend on it.
  std::vector<const JobRequest*> jobs;
  for (int id : cross_site_) {
    const Placed& p = placed_.at(id);
    if (!p.detached.empty()) jobs.push_back(&p.request);
  }
  std::sort(jobs.begin(), jobs.end(),
            [&](const JobRequest* a, const JobRequest* b) { return Before(*a, *b); });
  for (const JobRequest* job : jobs) {
    const int id = job->id;
    Placed& p = placed_.at(id);
    std::sort(p.detached.begin(), p.detached.end());
    std::vector<int> still;
    for (int s : p.detached) {
      const SiteCapacity& c = sites_[static_cast<size_t>(s)];
      const bool calm = c.shed_request_gpus == 0 &&
                        (c.forecast_spare_gpus == INT64_MAX ||
                         c.forecast_spare_gpus >= p.request.gpus_per_site()) &&
                        c.short_until <= t.now;
      if (calm && Fits(c, p.request)) {
        Book(&sites_[static_cast<size_t>(s)], p.request);
        p.sites.push_back(s);
        out->learners.push_back(
            {id, s, true,
             absl::StrFormat("site %s has room again: learner attached (%d of %d learners)",
                             info_.sites[static_cast<size_t>(s)].name, p.sites.size(),
                             p.request.learners)});
      } else {
        still.push_back(s);
      }
    }
    std::sort(p.sites.begin(), p.sites.end());
    p.detached = std::move(still);
  }
}

void GlobalScheduler::PassQueue(const FleetTelemetry& t, PlacementDecision* out) {
  if (queue_.empty()) return;
  const auto max_free = [&] {
    int m = 0;
    for (const SiteCapacity& c : sites_) m = std::max(m, c.free_gpus);
    return m;
  };
  int biggest = max_free();
  size_t w = 0;
  for (size_t r = 0; r < queue_.size(); ++r) {
    JobRequest& job = queue_[r];
    int prefetch = -1;
    if (job.gpus_per_site() <= biggest && TryPlace(job, t.now, out, &prefetch)) {
      biggest = max_free();
      continue;
    }
    Prefetch(job, prefetch, t.now, out);
    if (w != r) queue_[w] = std::move(job);
    ++w;
  }
  queue_.resize(w);
}

// ------------------------------------------------------------------------------------------------

void GlobalScheduler::Decide(const FleetTelemetry& t, PlacementDecision* out) {
  quotas_.Advance(t.now);
  if (t.data_bytes_left != nullptr && t.data_bytes_left->size() == data_left_.size())
    data_left_ = *t.data_bytes_left;
  // Copies staged ahead that have landed, or been given up (the map's order does not matter).
  absl::erase_if(prefetching_, [&](const auto& entry) {
    return data_left_[static_cast<size_t>(entry.first)] <= 0 || t.now >= entry.second;
  });
  relieved_.resize(static_cast<size_t>(info_.size()), 0);
  for (int s : t.forecast_changed) {
    if (s >= 0 && s < info_.size()) relieved_[static_cast<size_t>(s)] = 0;
  }
  sites_ = *t.sites;  // reuses the buffers of the last call
  for (int id : t.ended) Release(id, t.now);
  for (const JobRequest& job : t.preempted) {
    Release(job.id, t.now);
    preempting_.erase(job.id);
    queued_since_[job.id] = t.now;
    Enqueue(job);
  }
  for (const JobRequest& job : t.refused) {
    Release(job.id, t.now);
    queued_since_[job.id] = t.now;
    Enqueue(job);
  }
  ForgetArrivedMoves(t);
  ResyncLearners(t);
  // Sites asking for work to go, or forecasting a shortage beyond what they run.
  for (int s = 0; s < info_.size(); ++s) {
    const SiteCapacity& c = sites_[static_cast<size_t>(s)];
    std::int64_t want = c.shed_request_gpus;
    // A forecast shortage moves work once it is within kRelieveLead (a move of a large
    // checkpoint takes tens of minutes; earlier would give up hours of work where it is); the
    // scheduler wakes for it.
    if (c.forecast_spare_gpus != INT64_MAX && c.forecast_spare_gpus < 0 && c.short_until > t.now) {
      if (c.short_from <= t.now + kRelieveLead) {
        want = std::max(want, -c.forecast_spare_gpus);
      } else {
        out->next_wake = std::min(out->next_wake, c.short_from - kRelieveLead);
      }
    }
    // What was moved for this request already (the controller's next request, after the moves,
    // starts over: forecast_changed).
    if (want <= 0) {
      relieved_[static_cast<size_t>(s)] = 0;
    } else if (want > relieved_[static_cast<size_t>(s)]) {
      relieved_[static_cast<size_t>(s)] +=
          Relieve(s, want - relieved_[static_cast<size_t>(s)], t, out);
    }
  }
  Reattach(t, out);
  bool pass = !t.grown.empty() || !t.forecast_changed.empty() || !t.preempted.empty() ||
              !t.refused.empty() || !t.ended.empty() || t.arrivals.empty();
  if (stage_wake_ <= t.now) {  // a job has waited for its data's sites as long as staging takes
    stage_wake_ = kTimeNever;
    pass = true;
  }
  for (const auto& [key, give_up] : prefetching_)  // (a minimum: the map's order does not matter)
    stage_wake_ = std::min(stage_wake_, give_up);
  for (const JobRequest& job : t.arrivals) {
    int prefetch = -1;
    if (TryPlace(job, t.now, out, &prefetch)) continue;
    if (job.priority < 3 && TryPreempt(job, t, out)) continue;
    Prefetch(job, prefetch, t.now, out);  // (not for a job placed by preempting)
    queued_since_[job.id] = t.now;
    Enqueue(job);
  }
  if (pass) PassQueue(t, out);
  if (stage_wake_ != kTimeNever) out->next_wake = std::min(out->next_wake, stage_wake_);
  if (quotas_.monthly() && !queue_.empty())
    out->next_wake = std::min(out->next_wake, quotas_.month_end());
}

}  // namespace headroom::sched

#include "sched/static.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace headroom::sched {

std::vector<int> StaticScheduler::Assign(const JobRequest& job) {
  if (job.site >= 0) return {job.site};
  const int n =
      job.sites.empty() ? static_cast<int>(waiting_.size()) : static_cast<int>(job.sites.size());
  if (n == 0) return {};
  const auto allowed = [&](std::int64_t i) {
    const int k = static_cast<int>(i % n);
    return job.sites.empty() ? k : job.sites[static_cast<size_t>(k)];
  };
  const int want = std::min(std::max(job.learners, 1), n);
  std::vector<int> sites;
  sites.reserve(static_cast<size_t>(want));
  for (int k = 0; k < want; ++k) sites.push_back(allowed(round_robin_ + k));
  round_robin_ += std::max(job.learners, 1);
  std::sort(sites.begin(), sites.end());
  return sites;
}

bool StaticScheduler::Before(int x, int y) const {
  const JobRequest& a = jobs_.at(x).request;
  const JobRequest& b = jobs_.at(y).request;
  return std::tie(a.priority, a.arrival, x) < std::tie(b.priority, b.arrival, y);
}

bool StaticScheduler::TryPlace(Assigned& a, std::vector<SiteCapacity>* sites,
                               PlacementDecision* out) {
  const JobRequest& job = a.request;
  const size_t want = job.learners > 0 ? static_cast<size_t>(job.learners) : 1;
  if (a.sites.size() != want) return false;  // too few allowed sites: never runs
  if (!quotas_.Allows(job, now_)) return false;
  for (int s : a.sites) {
    if (s < 0 || s >= static_cast<int>(sites->size()) || !job.AllowedAt(s) ||
        !Fits((*sites)[static_cast<size_t>(s)], job)) {
      return false;
    }
  }
  for (int s : a.sites) Book(&(*sites)[static_cast<size_t>(s)], job);
  quotas_.Admit(job, now_);
  Placement p;
  p.job = job.id;
  p.site = a.sites.front();
  if (job.learners > 0) p.learner_sites = a.sites;
  out->placements.push_back(std::move(p));
  return true;
}

void StaticScheduler::PlaceOrWait(int id, std::vector<SiteCapacity>* sites,
                                  PlacementDecision* out) {
  Assigned& a = jobs_.at(id);
  if (TryPlace(a, sites, out)) return;
  a.waiting = true;
  ++queued_;
  for (int s : a.sites) {
    if (s < 0 || s >= static_cast<int>(waiting_.size())) continue;
    std::vector<int>& queue = waiting_[static_cast<size_t>(s)];
    queue.insert(std::upper_bound(queue.begin(), queue.end(), id,
                                  [&](int x, int y) { return Before(x, y); }),
                 id);
  }
}

void StaticScheduler::OnGrown(int s, std::vector<SiteCapacity>* sites, PlacementDecision* out) {
  std::vector<int>& queue = waiting_[static_cast<size_t>(s)];
  std::vector<int> placed;
  size_t w = 0;
  for (size_t r = 0; r < queue.size(); ++r) {
    const int id = queue[r];
    Assigned& a = jobs_.at(id);
    if (TryPlace(a, sites, out)) {
      a.waiting = false;
      --queued_;
      if (a.sites.size() > 1) placed.push_back(id);
      continue;
    }
    queue[w++] = id;
  }
  queue.resize(w);
  // A placed cross-site job leaves the queues of its other sites too.
  for (int id : placed) {
    for (int other : jobs_.at(id).sites) {
      if (other == s) continue;
      std::vector<int>& q = waiting_[static_cast<size_t>(other)];
      q.erase(std::remove(q.begin(), q.end(), id), q.end());
    }
  }
}

void StaticScheduler::Decide(const FleetTelemetry& t, PlacementDecision* out) {
  std::vector<SiteCapacity>& sites = scratch_;
  sites = *t.sites;  // reuses the buffers of the last call
  now_ = t.now;
  const bool new_month = quotas_.month_end() != kTimeZero && t.now >= quotas_.month_end();
  quotas_.Advance(t.now);
  for (int id : t.ended) {
    quotas_.Release(id, t.now);
    jobs_.erase(id);
  }
  for (const JobRequest& job : t.refused) quotas_.Release(job.id, t.now);
  for (const JobRequest& job : t.preempted) quotas_.Release(job.id, t.now);
  // Refused and preempted jobs keep their assignment; one never seen before gets one now.
  const auto again = [&](const JobRequest& job) {
    auto [it, fresh] = jobs_.try_emplace(job.id);
    if (fresh || it->second.sites.empty()) it->second.sites = Assign(job);
    it->second.request = job;
    if (!it->second.waiting) PlaceOrWait(job.id, &sites, out);
  };
  for (const JobRequest& job : t.refused) again(job);
  for (const JobRequest& job : t.preempted) again(job);
  for (const JobRequest& job : t.arrivals) {
    Assigned& a = jobs_[job.id];
    a.request = job;
    a.sites = Assign(job);
    PlaceOrWait(job.id, &sites, out);
  }
  // Quota given back (a job ended) or a new month may let waiting work start at any site.
  if (new_month || !t.ended.empty()) {
    for (int s = 0; s < static_cast<int>(waiting_.size()); ++s) OnGrown(s, &sites, out);
  } else {
    for (int s : t.grown) {
      if (s >= 0 && s < static_cast<int>(waiting_.size())) OnGrown(s, &sites, out);
    }
  }
  if (quotas_.monthly() && queued_ > 0) out->next_wake = quotas_.month_end();
}

}  // namespace headroom::sched

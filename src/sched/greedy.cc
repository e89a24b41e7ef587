#include "sched/greedy.h"

#include <algorithm>
#include <tuple>

namespace headroom::sched {

bool GreedyScheduler::Before(int x, int y) const {
  const JobRequest& a = requests_.at(x);
  const JobRequest& b = requests_.at(y);
  return std::make_tuple(a.priority, a.arrival, x) < std::make_tuple(b.priority, b.arrival, y);
}

void GreedyScheduler::Enqueue(const JobRequest& job) {
  requests_[job.id] = job;
  std::vector<int>& queue =
      job.site >= 0 && job.learners == 0 ? pinned_[static_cast<size_t>(job.site)] : any_;
  queue.insert(std::upper_bound(queue.begin(), queue.end(), job.id,
                                [&](int x, int y) { return Before(x, y); }),
               job.id);
}

bool GreedyScheduler::TryPlace(const JobRequest& job, std::vector<SiteCapacity>* sites,
                               PlacementDecision* out) {
  if (!quotas_.Allows(job, now_)) return false;
  order_.clear();
  for (size_t s = 0; s < sites->size(); ++s) {
    const SiteCapacity& c = (*sites)[s];
    if (job.AllowedAt(static_cast<int>(s)) && Fits(c, job)) {
      order_.emplace_back(-c.free_gpus, static_cast<int>(s));
    }
  }
  const size_t want = job.learners > 0 ? static_cast<size_t>(job.learners) : 1;
  if (order_.size() < want) return false;
  std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(want),
                    order_.end());
  Placement p;
  p.job = job.id;
  for (size_t i = 0; i < want; ++i) {
    const int s = order_[i].second;
    Book(&(*sites)[static_cast<size_t>(s)], job);
    if (job.learners > 0) p.learner_sites.push_back(s);
  }
  std::sort(p.learner_sites.begin(), p.learner_sites.end());
  p.site = job.learners > 0 ? p.learner_sites.front() : order_.front().second;
  quotas_.Admit(job, now_);
  out->placements.push_back(std::move(p));
  return true;
}

void GreedyScheduler::OnGrown(int s, std::vector<SiteCapacity>* sites, PlacementDecision* out) {
  std::vector<int>& pinned = pinned_[static_cast<size_t>(s)];
  if (pinned.empty() && any_.empty()) return;
  SiteCapacity& site = (*sites)[static_cast<size_t>(s)];
  std::vector<int> still_pinned, still_any;
  size_t i = 0, j = 0;
  while (i < pinned.size() || j < any_.size()) {
    const bool take_pinned = j == any_.size() || (i < pinned.size() && Before(pinned[i], any_[j]));
    const int id = take_pinned ? pinned[i++] : any_[j++];
    const JobRequest& job = requests_.at(id);
    bool placed = false;
    if (job.AllowedAt(s) && Fits(site, job) && quotas_.Allows(job, now_)) {
      if (job.learners > 0) {
        placed = TryPlace(job, sites, out);  // needs room at other sites too
      } else {
        Book(&site, job);
        quotas_.Admit(job, now_);
        out->placements.push_back({id, s, {}});
        placed = true;
      }
    }
    if (placed) {
      requests_.erase(id);
    } else {
      (take_pinned ? still_pinned : still_any).push_back(id);
    }
  }
  pinned = std::move(still_pinned);
  any_ = std::move(still_any);
}

void GreedyScheduler::Decide(const FleetTelemetry& t, PlacementDecision* out) {
  // A local copy of the capacity, booked as placements are made in this call.
  std::vector<SiteCapacity>& sites = scratch_;
  sites = *t.sites;  // reuses the buffers of the last call
  now_ = t.now;
  const bool new_month = quotas_.month_end() != kTimeZero && t.now >= quotas_.month_end();
  quotas_.Advance(t.now);
  for (int id : t.ended) quotas_.Release(id, t.now);
  for (const JobRequest& job : t.refused) {
    quotas_.Release(job.id, t.now);
    Enqueue(job);
  }
  for (const JobRequest& job : t.preempted) {
    quotas_.Release(job.id, t.now);
    Enqueue(job);
  }
  for (const JobRequest& job : t.arrivals) {
    if (!TryPlace(job, &sites, out)) Enqueue(job);
  }
  // Quota given back (a job ended) or a new month may let waiting work start at any site.
  if (new_month || !t.ended.empty()) {
    for (int s = 0; s < static_cast<int>(sites.size()); ++s) OnGrown(s, &sites, out);
  } else {
    for (int s : t.grown) OnGrown(s, &sites, out);
  }
  if (quotas_.monthly() && !requests_.empty()) out->next_wake = quotas_.month_end();
}

}  // namespace headroom::sched

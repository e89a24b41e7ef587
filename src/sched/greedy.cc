#include "sched/greedy.h"

#include <algorithm>
#include <tuple>

namespace headroom::sched {

bool Fits(const SiteCapacity& site, const JobRequest& job) {
  if (site.free_gpus < job.gpus) return false;
  const int model = job.gpu_model >= 0 ? job.gpu_model : site.first_free_model;
  if (model < 0 || model >= static_cast<int>(site.free_by_model.size())) return false;
  return site.free_by_model[static_cast<size_t>(model)] >= job.gpus;
}

void Book(SiteCapacity* site, const JobRequest& job) {
  const int model = job.gpu_model >= 0 ? job.gpu_model : site->first_free_model;
  site->free_gpus -= job.gpus;
  auto& free = site->free_by_model[static_cast<size_t>(model)];
  free -= job.gpus;
  if (free == 0 && site->first_free_model == model) {
    // Which rack is first now is the site's business; any model with free GPUs is a guess the
    // host corrects by refusing (exact for single-model sites).
    site->first_free_model = -1;
    for (size_t m = 0; m < site->free_by_model.size(); ++m) {
      if (site->free_by_model[m] > 0) {
        site->first_free_model = static_cast<int>(m);
        break;
      }
    }
  }
}

bool GreedyScheduler::Before(int x, int y) const {
  const JobRequest& a = requests_.at(x);
  const JobRequest& b = requests_.at(y);
  return std::make_tuple(a.priority, a.arrival, x) < std::make_tuple(b.priority, b.arrival, y);
}

void GreedyScheduler::Enqueue(const JobRequest& job) {
  requests_[job.id] = job;
  std::vector<int>& queue = job.site >= 0 ? pinned_[static_cast<size_t>(job.site)] : any_;
  queue.insert(std::upper_bound(queue.begin(), queue.end(), job.id,
                                [&](int x, int y) { return Before(x, y); }),
               job.id);
}

bool GreedyScheduler::TryArrival(const JobRequest& job, std::vector<SiteCapacity>* sites,
                                 PlacementDecision* out) {
  int chosen = -1;
  if (job.site >= 0) {
    if (Fits((*sites)[static_cast<size_t>(job.site)], job)) chosen = job.site;
  } else {
    order_.clear();
    for (size_t s = 0; s < sites->size(); ++s) {
      if ((*sites)[s].free_gpus >= job.gpus) {
        order_.emplace_back(-(*sites)[s].free_gpus, static_cast<int>(s));
      }
    }
    std::sort(order_.begin(), order_.end());
    for (const auto& [neg, s] : order_) {
      if (Fits((*sites)[static_cast<size_t>(s)], job)) {
        chosen = s;
        break;
      }
    }
  }
  if (chosen < 0) return false;
  Book(&(*sites)[static_cast<size_t>(chosen)], job);
  out->placements.push_back({job.id, chosen});
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
    if (Fits(site, job)) {
      Book(&site, job);
      out->placements.push_back({id, s});
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
  for (const JobRequest& job : t.refused) Enqueue(job);
  for (const JobRequest& job : t.arrivals) {
    if (!TryArrival(job, &sites, out)) Enqueue(job);
  }
  for (int s : t.grown) OnGrown(s, &sites, out);
}

}  // namespace headroom::sched

#include "sched/scheduler.h"

#include <algorithm>

namespace headroom::sched {

bool JobRequest::AllowedAt(int s) const {
  if (site >= 0 && s != site) return false;
  return sites.empty() || std::binary_search(sites.begin(), sites.end(), s);
}

bool FitsGpus(const SiteCapacity& site, int gpus, int gpu_model) {
  if (site.free_gpus < gpus) return false;
  const int model = gpu_model >= 0 ? gpu_model : site.first_free_model;
  if (model < 0 || model >= static_cast<int>(site.free_by_model.size())) return false;
  return site.free_by_model[static_cast<size_t>(model)] >= gpus;
}

void BookGpus(SiteCapacity* site, int gpus, int gpu_model) {
  const int model = gpu_model >= 0 ? gpu_model : site->first_free_model;
  site->free_gpus -= gpus;
  auto& free = site->free_by_model[static_cast<size_t>(model)];
  free -= gpus;
  if (site->forecast_spare_gpus != INT64_MAX) site->forecast_spare_gpus -= gpus;
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

}  // namespace headroom::sched

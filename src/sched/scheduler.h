#pragma once
// The placement seam: which site runs each waiting job. The twin (sim::Engine) and, later, the
// global scheduler daemon host a sched::Scheduler the way they host site controllers: telemetry
// in (the fleet's free capacity, new jobs, where capacity grew), placements out, next wake back.
// A scheduler never reads a clock, never sleeps and holds only its own state (its queue).
//
// Contract:
//   - The host calls Decide when jobs arrive, when GPUs are freed or re-energized at a site, and
//     at the scheduler's requested wake-up. Pointers and spans in the telemetry stay valid only
//     during the call.
//   - The host applies the placements in order. A placement the site cannot take (its racks are
//     fragmented in a way the capacity summary does not show) is refused; the job comes back in
//     the next call's `refused` and waits in the scheduler's queue again.
//   - A job is either placed once or kept queued by the scheduler; the scheduler never places a
//     job twice and never places a job it was not given.
//   - The site allocates racks (first fit in file order over one GPU model); the scheduler only
//     chooses the site.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"

namespace headroom::sched {

// A job waiting for GPUs, as the scheduler sees it. `id` is opaque to the scheduler except as
// the last key of the queue order.
struct JobRequest {
  int id = -1;
  int gpus = 0;
  int gpu_model = -1;  // -1: any model (the site chooses)
  int site = -1;       // pinned to this site; -1: any site
  int priority = 0;    // 0 = most urgent
  Time arrival = kTimeZero;
};

// What a site can take now.
struct SiteCapacity {
  int free_gpus = 0;  // on every rack, energized or not
  // The GPU model of the first energized rack with free GPUs (the model the site gives a job that
  // does not ask for one), -1 when none.
  int first_free_model = -1;
  // Free GPUs on energized racks, per fleet GPU model index.
  std::vector<std::int64_t> free_by_model;
};

struct FleetTelemetry {
  Time now = kTimeZero;
  const std::vector<SiteCapacity>* sites = nullptr;  // per site index
  std::vector<JobRequest> arrivals;                  // new jobs since the last call, in order
  std::vector<int> grown;           // sites whose capacity grew since the last call, ascending
  std::vector<JobRequest> refused;  // jobs the host could not place as decided last time
};

struct Placement {
  int job = -1;
  int site = -1;
};

struct PlacementDecision {
  std::vector<Placement> placements;  // applied in this order
  Time next_wake = kTimeNever;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Fills `out` (cleared by the caller). REQUIRES: out->next_wake > t.now when set.
  virtual void Decide(const FleetTelemetry& t, PlacementDecision* out) = 0;
  // Jobs waiting, for reports.
  virtual std::size_t queued() const = 0;
};

// Whether `site` can take `job` now, by its capacity summary: enough free GPUs on energized racks
// of the job's model (or of the model the site would give it).
bool Fits(const SiteCapacity& site, const JobRequest& job);

// Books `job` on the summary after a placement: what the host will do to the site.
void Book(SiteCapacity* site, const JobRequest& job);

}  // namespace headroom::sched

#pragma once
// Seeded expansion of the fleet's generators into concrete jobs and events. Pure functions of
// (fleet, seed, horizon): the same inputs give the same lists.

#include <cstdint>
#include <vector>

#include "model/fleet.h"

namespace headroom::model {

// Jobs drawn from `fleet.generators`, to be appended to fleet.jobs. Each generator first fills
// its site with inference services and training/batch jobs up to its fill fraction at t=0, then
// keeps it near that fill with Poisson arrivals whose rate matches the mean duration.
std::vector<JobSpec> GenerateJobs(const Fleet& fleet, std::uint64_t seed, Duration horizon);

// Events drawn from `fleet.stochastic` over [0, horizon).
std::vector<EventSpec> GenerateEvents(const Fleet& fleet, std::uint64_t seed, Duration horizon);

// Appends the generated jobs and events to the fleet's own, and orders the events by start (stable:
// at one instant, listed events before drawn ones, each in its order). What a run does once so
// that every strategy sees the same inputs.
void AppendGenerated(Fleet* fleet, std::uint64_t seed, Duration horizon);

}  // namespace headroom::model

#pragma once
// Limits on what a fleet's inputs may ask for, in one place: each bounds something the model or
// the clock cannot represent, or memory and time a mistaken file could exhaust. Messages quote
// them; docs/fleet-format.md lists them.

#include <cstddef>

namespace headroom::config {

// The most nodes of a site's power tree, jobs of a fleet and events of a fleet.
inline constexpr long kMaxTreeNodes = 2'000'000;
inline constexpr long kMaxJobs = 2'000'000;
inline constexpr long kMaxEvents = 1'000'000;
// A turbine's ramp, when not 0 (no limit), must move the unit's rating within this long: a tiny
// ramp would make the engine's wait overflow the clock and the step happen at once.
inline constexpr double kSlowestRampSeconds = 30 * 86400.0;
// The latest instant an input may put anything at (an event's end, a job's end, a series'
// period, a trace's last arrival), in seconds from the start: 100 years. The clock is int64
// nanoseconds (about ±292 years, base/time.h); the margin lets the engine add delays (repairs,
// restarts, slow-downs) without overflowing.
inline constexpr double kLatestInputSeconds = 100 * 365 * 86400.0;
// The longest run, for the fleet file's `horizon` and the command line's --horizon alike: the same
// 100 y, for the same reason (the engine schedules delays past the horizon).
inline constexpr double kLongestHorizonSeconds = kLatestInputSeconds;
// The longest delay a job's fields may add while it runs (checkpoint interval, save, restore) and
// the longest mean of generated job durations: one year.
inline constexpr double kLongestJobDelaySeconds = 365 * 86400.0;
// The most GPUs one job may ask for (a job's count is an int in the model).
inline constexpr long kMaxJobGpus = 10'000'000;
// The most GPUs a site may have: 100 million (fits an int with room for fleet-wide sums).
inline constexpr long kMaxSiteGpus = 100'000'000;
// The most GPUs in the whole fleet (totals are ints in the model).
inline constexpr long kMaxFleetGpus = 1'000'000'000;
// The most times one series (a grid's price or carbon, a site's weather) may change over the
// horizon: the simulation steps at each change (10-15 us on the 1 GW Ohio site, measured), so 5
// million cost a minute or so a strategy. A year at 10-s steps is 3.2 million; at 1-ms steps,
// 31.5 billion (days of run time).
inline constexpr double kMaxSeriesChanges = 5'000'000;
// The most rows of a CSV series: two years at one-minute steps.
inline constexpr std::size_t kMaxSeriesRows = std::size_t{2} * 525'600;

// The global scheduler's inputs (#9). A WAN link or uplink carries at most 1 Pbps each way (a
// hundred times today's largest submarine cables) and delays a bit at most 10 s one way (a
// geostationary hop is 0.25 s): beyond, a value is a mistake of unit.
inline constexpr double kMaxWanBps = 1e15;
inline constexpr double kLongestWanLatencySeconds = 10;
// A data set or a checkpoint holds at most 1 ZB (a thousand EB, beyond any storage built).
inline constexpr double kMaxDataBytes = 1e21;
// A cross-site job has at most 1e15 parameters and 1 million inner steps between outer updates.
inline constexpr double kMaxCrossSiteParams = 1e15;
inline constexpr long kMaxInnerSteps = 1'000'000;
// A team's monthly quota: at most what the largest fleet holds over the longest month.
inline constexpr double kMaxGpuHoursPerMonth = static_cast<double>(kMaxFleetGpus) * 31 * 24;

}  // namespace headroom::config

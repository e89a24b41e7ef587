#pragma once
// Internals of the Headroom site controller shared by its files (headroom*.cc): the named
// constants of its policy that more than one file uses, and a few small helpers. Not part of the
// module's interface; include it only from the controller's own files.
//
// Constants marked "tunable" are policy choices a site might want to change; they are not options
// yet (model/control_options.h HeadroomOptions holds those).

#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "control/controller.h"

namespace headroom::control::internal {

// Watts in a megawatt: reasons and the values of notes are in MW.
inline constexpr double kWattsPerMw = 1e6;

// Caps (W per GPU) closer than this count as the same cap: below any cap step that matters, and
// wide enough that a cap read back from the host with rounding is not replanned.
inline constexpr double kCapToleranceW = 0.5;

// A battery within this fraction of its energy of a bound (soc_min, soc_max) counts as at it:
// it gives no fast reserve in that direction.
inline constexpr double kSocEdge = 0.01;

// Battery energy kept for the next contingency (fraction of capacity above soc_min): the budget
// counts no energy below it, and ramp smoothing recharges toward at least it. Tunable.
inline constexpr double kContingencySocFloor = 0.1;

// "12.3 MW".
inline std::string Mw(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MW", w / kWattsPerMw);
  return buf;
}

// A job the allocation may cap or pause: placed, and running, starting or paused.
inline bool Controllable(const JobView& v) {
  return v.racks_count > 0 && (v.state == JobState::kRunning || v.state == JobState::kStarting ||
                               v.state == JobState::kPaused);
}

// The most each node of the site's tree can draw (W), by tree index: every GPU below it at its
// maximum cap plus its host share. Defined in headroom_reserve.cc.
std::vector<double> MaxDrawW(const model::Site& site, std::span<const model::GpuModel> gpus);

}  // namespace headroom::control::internal

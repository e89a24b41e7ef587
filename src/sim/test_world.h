#pragma once
// Test-only helpers for the unit tests that drive the engine's parts on a World (see
// test_fleet.h for the fleet they build it from).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/world.h"

namespace headroom::sim {

// `s` seconds after the start.
inline Time At(double s) { return kTimeZero + FromSeconds(s); }

// The world's next event, with its clock moved to it.
inline QueuedEvent NextEvent(World& world) {
  EXPECT_TRUE(world.HasEvent());
  const QueuedEvent e = world.PopEvent();
  world.now = e.t;
  return e;
}

// The kinds of the rows the world's event log holds (it is finished by this).
inline std::vector<std::string> LoggedKinds(World& world) {
  std::vector<std::string> kinds;
  for (const EventRecord& e : world.event_log.Finish()) kinds.push_back(e.kind);
  return kinds;
}

}  // namespace headroom::sim

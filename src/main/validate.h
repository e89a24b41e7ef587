#pragma once
// `headroom validate`'s summary of a fleet that loaded.

#include <ostream>

#include "model/fleet.h"

namespace headroom {

// Writes what `fleet` holds, for a reader checking that the file says what they meant: per site
// its GPUs, supply and fast-reserve checks; nodes its racks can overload at full load; the WAN,
// team quotas, data sets and cross-site jobs; the number of jobs, generators and events.
void PrintFleetSummary(const model::Fleet& fleet, std::ostream& out);

}  // namespace headroom

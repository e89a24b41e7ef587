// The fast reserve chosen by cost, in the twin (issue #8, item 5): the same site and the same
// loss of the grid at two carbon prices.
//
// Ten racks of 8 GPUs (1,000 W TDP, 200 W minimum cap, 100 W idle, no host power), PUE 1.25, ten
// training jobs at 1,000 W per GPU: 100 kW of facility load. No battery. The brakes shed 10 x 8 x
// 800 W x 1.25 = 80 kW; stopping the braked jobs another 10 kW. Grid: 1 MW limit at 60 $/MWh and
// no carbon. Turbines: five 10 kW units at 30.45 $/MWh of fuel and 0.46 t/MWh.
//
// At 0 USD/t the turbines are cheaper than the grid: they hold the loss of the grid beyond the
// brakes (import within 0.9 x 80 = 72 kW, turbines 29.4 kW). At 190 USD/t they cost 117.85 $/MWh,
// the stops count (import within 0.9 x 90 = 81 kW, turbines 19.95 kW): less fuel and CO2. A 1-hour
// outage at 6 h: no trip and no job crashed by power at either price; at 190 USD/t the fast shed
// stops jobs to cover it.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "config/loader.h"
#include "control/headroom.h"
#include "sim/engine.h"

namespace headroom {
namespace {

std::string Fleet(int carbon_price) {
  return R"(
horizon: 12 h
control: {rating_margin: 0%, headroom: {carbon_price_usd_per_t: )" +
         std::to_string(carbon_price) + R"(}}
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W,
     training: {zero: 0%, saturation: 100%, exponent: 1}}
sites:
  - name: s
    kind: owned
    grid: {import_limit: 1 MW, nominal_frequency: 60 Hz, price: 60 $/MWh, reconnect_delay: 1 min}
    plants:
      - name: p
        units: {count: 5, rating: 10 kW, min_load: 0 W, start_time: 10 min, heat_rate: 8700 Btu/kWh,
                fuel_price: 3.5 $/MMBtu, co2: 0.46 t/MWh}
    cooling: {pue: [{temperature: 0 C, pue: 1.25}]}
    contingencies: [grid]
    power_tree:
      - feed: F
        rating: 10 MW
        children:
          - {rack: K, count: 10, rating: 100 kW, gpus: 8, gpu: G}
workloads:
  jobs:
    - {name: j, kind: training, site: s, gpu: G, gpus: 8, duration: 1000 d, count: 10,
       checkpoint: {interval: 1 h, save: 6 s, restore: 2 min},
       power: {compute: 100%, communication: 100%, compute_duty: 50%}}
events:
  - {kind: grid_outage, site: s, at: 6 h, duration: 1 h}
)";
}

sim::Result RunAt(int carbon_price) {
  auto fleet = config::LoadFleetFromString(Fleet(carbon_price), "reserve_cost.yaml");
  EXPECT_TRUE(fleet.ok()) << fleet.status();
  if (!fleet.ok()) return {};
  sim::Options o;
  o.horizon = fleet->horizon;
  for (const auto& s : control::AllStrategies()) {
    if (s.name == "headroom") return sim::Simulate(*fleet, s, o);
  }
  ADD_FAILURE() << "no headroom strategy";
  return {};
}

int Count(const sim::Result& r, const std::string& kind) {
  std::uint64_t n = 0;
  for (const auto& e : r.events) n += e.kind == kind ? e.count : 0;
  return static_cast<int>(n);
}

TEST(ReserveCost, StopsHoldTheReserveWhereTurbinesCostMore) {
  const sim::Result cheap_turbines = RunAt(0);
  const sim::Result dear_turbines = RunAt(190);
  ASSERT_EQ(cheap_turbines.sites.size(), 1u);
  ASSERT_EQ(dear_turbines.sites.size(), 1u);
  const sim::SiteResult& a = cheap_turbines.sites[0];
  const sim::SiteResult& b = dear_turbines.sites[0];
  for (const sim::SiteResult* s : {&a, &b}) {
    EXPECT_EQ(s->breaker_trips + s->shed_trips, 0);
    EXPECT_EQ(s->power_crashes, 0);
  }
  // Before the outage the turbines carry 29.4 kW at 0 USD/t and 19.95 kW at 190 USD/t: less fuel
  // and CO2 over the 11 hours connected (the bill is higher: the grid's 60 $/MWh against the
  // turbines' 30.45; the CO2 is what the carbon price buys down).
  EXPECT_LT(b.energy.turbine_j, a.energy.turbine_j);
  EXPECT_LT(b.co2_kg, a.co2_kg);
  EXPECT_GT(Count(dear_turbines, "action:stop"), 0);
}

}  // namespace
}  // namespace headroom

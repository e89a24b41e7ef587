// The headroom controller across the seam: its options from the fleet file, and what it does
// with readings too old to trust.
//
// The site: ten racks of 8 GPUs of model "G" (1,000 W TDP, caps 200-1,000 W, no host power), PUE
// 1.25, ten training jobs of 8 GPUs (one per rack) at full power, each drawing its cap: a brake
// sheds 8 × (1,000 - 200) W × 1.25 = 8 kW.

#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"
#include "control/headroom.h"

namespace headroom::control {
namespace {

std::string Yaml(const std::string& control) {
  return R"(horizon: 1 d
control: {)" +
         control +
         R"(}
gpus:
  - {name: G, tdp: 1000 W, cap_min: 200 W, cap_max: 1000 W, idle: 100 W, host: 0 W,
     training: {zero: 0%, saturation: 100%, exponent: 1},
     inference: {zero: 0%, saturation: 100%, exponent: 1}}
sites:
  - name: s
    kind: owned
    grid: {import_limit: 1 MW}
    cooling: {pue: [{temperature: 0 C, pue: 1.25}]}
    power_tree:
      - feed: F
        rating: 10 MW
        children:
          - {rack: K, count: 10, rating: 100 kW, gpus: 8, gpu: G}
workloads:
  jobs:
    - {name: j, kind: training, site: s, gpu: G, gpus: 8, duration: 1000 d, count: 10,
       power: {compute: 100%, communication: 100%, compute_duty: 50%}}
)";
}

TEST(HeadroomOptions, DefaultsWithoutTheSection) {
  auto f = config::LoadFleetFromString(Yaml(""), "seam.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const HeadroomOptions defaults;
  EXPECT_EQ(f->control.headroom.restore_hold, defaults.restore_hold);
  EXPECT_EQ(f->control.headroom.max_reading_age, std::chrono::seconds(2));
}

TEST(HeadroomOptions, SetFromTheFleetFile) {
  auto f = config::LoadFleetFromString(
      Yaml("headroom: {restore_hold: 90 s, restore_band: 5%, deadband: 20 mHz, droop: 4%,\n"
           "           max_reading_age: 500 ms, price_pause_ratio: 2, idle_period: 10 min,\n"
           "           price_resume_ratio: 1.5, price_min_pause: 2 h,\n"
           "           carbon_price_usd_per_t: 50, work_value_usd_per_gpu_h: 3.5,\n"
           "           grid_loss_per_year: 0.5}"),
      "seam.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const HeadroomOptions& o = f->control.headroom;
  EXPECT_EQ(o.restore_hold, std::chrono::seconds(90));
  EXPECT_DOUBLE_EQ(o.restore_band, 0.05);
  EXPECT_DOUBLE_EQ(o.deadband_hz, 0.02);
  EXPECT_DOUBLE_EQ(o.droop, 0.04);
  EXPECT_EQ(o.max_reading_age, std::chrono::milliseconds(500));
  EXPECT_DOUBLE_EQ(o.price_pause_ratio, 2);
  EXPECT_DOUBLE_EQ(o.price_resume_ratio, 1.5);
  EXPECT_EQ(o.price_min_pause, std::chrono::hours(2));
  EXPECT_EQ(o.idle_period, std::chrono::minutes(10));
  EXPECT_DOUBLE_EQ(o.carbon_price_usd_per_t, 50);
  EXPECT_DOUBLE_EQ(o.work_value_usd_per_gpu_h, 3.5);
  EXPECT_DOUBLE_EQ(o.grid_loss_per_year, 0.5);
  EXPECT_EQ(o.holding_period, HeadroomOptions{}.holding_period);  // untouched
}

TEST(HeadroomOptions, UnknownKeysAndBadValuesSayWhereAndWhat) {
  auto f = config::LoadFleetFromString(Yaml("headroom: {restore_hodl: 90 s}"), "seam.yaml");
  ASSERT_FALSE(f.ok());
  const std::string m(f.status().message());
  EXPECT_NE(m.find("seam.yaml:2:"), std::string::npos) << m;
  EXPECT_NE(m.find("fleet.control.headroom.restore_hodl"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean \"restore_hold\""), std::string::npos) << m;
  f = config::LoadFleetFromString(Yaml("headroom: {restore_band: 80%}"), "seam.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(std::string(f.status().message()).find("out of range"), std::string::npos);
  // The reserve's prices: negative or absurd values are refused, naming the field and range.
  for (const char* bad : {"carbon_price_usd_per_t: -5", "carbon_price_usd_per_t: 20000",
                          "work_value_usd_per_gpu_h: -1", "grid_loss_per_year: 1e6"}) {
    f = config::LoadFleetFromString(Yaml(std::string("headroom: {") + bad + "}"), "seam.yaml");
    ASSERT_FALSE(f.ok()) << bad;
    const std::string msg(f.status().message());
    EXPECT_NE(msg.find("out of range"), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::string(bad).substr(0, std::string(bad).find(':'))), std::string::npos)
        << msg;
  }
  // Resuming above the pause ratio would pause and resume on one price.
  f = config::LoadFleetFromString(
      Yaml("headroom: {price_pause_ratio: 1.4, price_resume_ratio: 1.6}"), "seam.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(std::string(f.status().message()).find("price_resume_ratio"), std::string::npos)
      << f.status();
}

// The snapshot the twin would give, with every job at full power; job i has the id 1000 - i.
SiteTelemetry Snapshot(const model::Fleet& fleet, Time now) {
  const model::Site& site = fleet.sites[0];
  SiteTelemetry t;
  t.now = now;
  t.grid_sampled_at = t.battery_sampled_at = t.load_sampled_at = now;
  t.grid_connected = true;
  t.import_limit_w = site.grid.import_limit_w;
  t.frequency_hz = site.grid.nominal_hz;
  t.pue = 1.25;
  t.node_load_w.assign(site.tree.size(), 0.0);
  int job = 0;
  for (size_t r = 0; r < site.tree.size(); ++r) {
    if (site.tree[r].kind != model::NodeKind::kRack) continue;
    const model::JobSpec& spec = fleet.jobs[static_cast<size_t>(job)];
    JobView v;
    v.id = JobId{1000 - job};
    v.kind = spec.kind;
    v.priority = spec.priority;
    v.gpus = spec.gpus;
    v.gpu_model = spec.gpu_model;
    v.slowdown_tolerance = spec.slowdown_tolerance;
    v.power_shape = model::PowerShapeOf(spec);
    v.state = JobState::kRunning;
    v.cap_w = v.pending_cap_w = 1000;
    v.sampled_at = now;
    v.power_w = v.full_power_w = 1000;
    v.speed = v.demand = 1;
    v.racks_begin = static_cast<int>(t.rack_shares.size());
    v.racks_count = 1;
    t.rack_shares.push_back({static_cast<int>(r), spec.gpus});
    for (int a = static_cast<int>(r); a >= 0; a = site.tree[static_cast<size_t>(a)].parent)
      t.node_load_w[static_cast<size_t>(a)] += v.power_w * spec.gpus;
    t.jobs.push_back(v);
    ++job;
  }
  t.it_w = t.node_load_w[0];
  t.facility_w = t.it_w * t.pue;
  return t;
}

int Brakes(const Decision& d) {
  int n = 0;
  for (const Action& a : d.actions) n += a.kind == Action::Kind::kBrake && a.value > 0;
  return n;
}

// A deficit of 16 kW takes two fresh brakes (8 kW each). With the readings of the first two jobs
// in shedding order (ids 991 and 992: equal priority and tolerance, lowest id first) 3 s old,
// past the 2 s bound, those two are braked but count for nothing: two more are needed. At
// exactly the bound the readings still count.
TEST(HeadroomStaleness, FastShedBrakesMoreWhenReadingsAreStale) {
  auto f = config::LoadFleetFromString(Yaml(""), "seam.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const Time now = kTimeZero + std::chrono::seconds(100);
  HeadroomController c(SiteConfig{f->sites[0], f->gpus}, f->control);
  SiteTelemetry t = Snapshot(*f, now);
  Decision fresh;
  EXPECT_DOUBLE_EQ(c.FastShed(t, 16000, &fresh), 16000);
  EXPECT_EQ(Brakes(fresh), 2);

  for (JobView& v : t.jobs) {
    if (v.id.value <= 992) v.sampled_at = now - std::chrono::seconds(3);
  }
  Decision stale;
  EXPECT_DOUBLE_EQ(c.FastShed(t, 16000, &stale), 16000);
  EXPECT_EQ(Brakes(stale), 4);
  EXPECT_NE(stale.actions[0].reason.find("2 on power readings too old"), std::string::npos)
      << stale.actions[0].reason;

  for (JobView& v : t.jobs) {
    if (v.id.value <= 992) v.sampled_at = now - std::chrono::seconds(2);
  }
  Decision edge;
  c.FastShed(t, 16000, &edge);
  EXPECT_EQ(Brakes(edge), 2);
}

}  // namespace
}  // namespace headroom::control

#include "model/fleet.h"

#include <gtest/gtest.h>

#include "model/generate.h"
#include "model/series.h"

namespace headroom::model {
namespace {

TEST(ThroughputCurve, ConcaveAndInvertible) {
  ThroughputCurve c{0.1, 0.9, 0.5};
  EXPECT_DOUBLE_EQ(c.SpeedAt(1.0), 1.0);
  EXPECT_DOUBLE_EQ(c.SpeedAt(0.05), 0.0);
  EXPECT_GT(c.SpeedAt(0.5), (0.5 - 0.1) / 0.8);  // concave: above the straight line
  for (double s : {0.2, 0.5, 0.9}) EXPECT_NEAR(c.SpeedAt(c.CapFor(s)), s, 1e-12);
}

TEST(Cooling, PueInterpolatesAndTentsDerate) {
  Cooling c;
  EXPECT_DOUBLE_EQ(c.PueAt(-40), 1.08);
  EXPECT_NEAR(c.PueAt(27.5), 1.21, 1e-12);
  EXPECT_DOUBLE_EQ(c.PueAt(50), 1.3);
  EXPECT_DOUBLE_EQ(c.TentDerateAt(20), 1.0);
  EXPECT_NEAR(c.TentDerateAt(37.5), 0.8, 1e-12);
}

// Closed forms: speed = ((cap - zero) / (saturation - zero))^exponent between the two points.
// A turbine plant's ambient curve: flat below its first point and above its last, linear
// between; no curve, no effect.
TEST(TurbinePlant, AmbientCurveInterpolatesOutputAndHeatRate) {
  TurbinePlant p;
  EXPECT_DOUBLE_EQ(p.AmbientAt(40).output, 1.0);
  EXPECT_DOUBLE_EQ(p.AmbientAt(40).heat_rate, 1.0);
  p.ambient = {{15, 1.0, 1.0}, {35, 0.88, 1.04}};
  EXPECT_DOUBLE_EQ(p.AmbientAt(-10).output, 1.0);
  EXPECT_DOUBLE_EQ(p.AmbientAt(25).output, 0.94);
  EXPECT_DOUBLE_EQ(p.AmbientAt(25).heat_rate, 1.02);
  EXPECT_DOUBLE_EQ(p.AmbientAt(45).output, 0.88);
}

// A battery's cold curve: the default is full power at -20 C and above, none at -30 C and
// below, linear between; a curve of its own replaces it; none, no effect.
TEST(Battery, ColdCurveDeratesItsPower) {
  Battery b;
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(20), 1.0);
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(-20), 1.0);
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(-22.5), 0.75);
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(-40), 0.0);
  b.cold = {{-10, 0.4}, {0, 0.8}, {10, 1.0}};
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(-15), 0.4);
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(-5), 0.6);
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(5), 0.9);
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(30), 1.0);
  b.cold.clear();
  EXPECT_DOUBLE_EQ(b.PowerFractionAt(-60), 1.0);
}

// PRC-024-2's overvoltage curve: 1.15 pu rides through for 0.5 s, not for 0.6 s; 1.10 pu for
// 1 s; 1.2 pu not at all; below 1.10 pu for ever. With no curve, anything rides.
TEST(Grid, OvervoltageCurveFollowsPrc024) {
  Grid g;
  using std::chrono::milliseconds;
  EXPECT_TRUE(g.RidesOvervoltage(1.15, milliseconds(500)));
  EXPECT_FALSE(g.RidesOvervoltage(1.15, milliseconds(600)));
  EXPECT_TRUE(g.RidesOvervoltage(1.10, milliseconds(1000)));
  EXPECT_FALSE(g.RidesOvervoltage(1.10, milliseconds(1001)));
  EXPECT_FALSE(g.RidesOvervoltage(1.20, milliseconds(1)));
  EXPECT_TRUE(g.RidesOvervoltage(1.09, std::chrono::hours(1)));
  g.overvoltage.clear();
  EXPECT_TRUE(g.RidesOvervoltage(1.5, std::chrono::hours(1)));
}

TEST(ThroughputCurve, ClosedFormBetweenZeroAndSaturation) {
  const ThroughputCurve c{0.2, 0.9, 2.0};
  EXPECT_NEAR(c.SpeedAt(0.55), 0.25, 1e-12);  // (0.35 / 0.7)^2
  EXPECT_NEAR(c.SpeedAt(0.76), 0.64, 1e-12);  // (0.56 / 0.7)^2
  EXPECT_EQ(c.SpeedAt(0.2), 0.0);
  EXPECT_EQ(c.SpeedAt(0.9), 1.0);
  EXPECT_NEAR(c.CapFor(0.25), 0.55, 1e-12);  // 0.2 + 0.7 × 0.25^(1/2)
  EXPECT_NEAR(c.CapFor(0.64), 0.76, 1e-12);
}

TEST(Cooling, PueAndDerateClosedForms) {
  Cooling c;
  c.pue_by_temp_c = {{10, 1.1}, {30, 1.3}, {40, 1.5}};
  EXPECT_NEAR(c.PueAt(20), 1.2, 1e-12);
  EXPECT_NEAR(c.PueAt(35), 1.4, 1e-12);
  EXPECT_NEAR(c.PueAt(12.5), 1.125, 1e-12);
  EXPECT_EQ(c.PueAt(0), 1.1);
  EXPECT_EQ(c.PueAt(45), 1.5);
  c.tent_derate_start_c = 30;
  c.tent_derate_end_c = 40;
  c.tent_min_fraction = 0.6;
  EXPECT_NEAR(c.TentDerateAt(35), 0.8, 1e-12);  // half way from 1 to 0.6
  EXPECT_NEAR(c.TentDerateAt(32.5), 0.9, 1e-12);
  EXPECT_EQ(c.TentDerateAt(45), 0.6);
}

// Training alternates compute (duty) and communication phases; a cap limits each phase's draw.
TEST(RunningPower, TrainingCapLimitsEachPhase) {
  GpuModel g;
  g.tdp_w = 1000;
  g.idle_w = 100;
  JobSpec j;
  j.kind = WorkloadKind::kTraining;
  j.compute_power_fraction = 1.0;  // 1,000 W
  j.comm_power_fraction = 0.4;     // 400 W
  j.compute_duty = 0.75;
  EXPECT_NEAR(RunningPowerW(j, g, 1000, 1), 0.75 * 1000 + 0.25 * 400, 1e-9);
  EXPECT_NEAR(RunningPowerW(j, g, 600, 1), 0.75 * 600 + 0.25 * 400, 1e-9);
  EXPECT_NEAR(RunningPowerW(j, g, 300, 1), 300, 1e-9);  // both phases at the cap
}

// Inference draws idle power plus a share of the rest in proportion to demand, up to the cap.
TEST(RunningPower, InferenceScalesFromIdleWithDemand) {
  GpuModel g;
  g.tdp_w = 1000;
  g.idle_w = 100;
  JobSpec j;
  j.kind = WorkloadKind::kInference;
  j.compute_power_fraction = 0.9;
  EXPECT_NEAR(RunningPowerW(j, g, 1000, 0.5), 100 + 800 * 0.5, 1e-9);
  EXPECT_NEAR(RunningPowerW(j, g, 1000, 0.0), 100, 1e-9);
  EXPECT_NEAR(RunningPowerW(j, g, 300, 0.5), 300, 1e-9);
}

TEST(StepSeries, PeriodicLookupAndNextChange) {
  StepSeries s{{AtSeconds(0), AtSeconds(10)}, {1, 2}, std::chrono::seconds(20)};
  EXPECT_EQ(s.At(AtSeconds(5)), 1);
  EXPECT_EQ(s.At(AtSeconds(15)), 2);
  EXPECT_EQ(s.At(AtSeconds(25)), 1);
  EXPECT_EQ(s.NextChange(AtSeconds(5)), AtSeconds(10));
  EXPECT_EQ(s.NextChange(AtSeconds(15)), AtSeconds(20));
  EXPECT_EQ(StepSeries::Constant(3).NextChange(AtSeconds(1)), kTimeNever);
}

// The changes a series brings over a horizon: closed forms, and the count of NextChange's walk.
TEST(StepSeries, ChangesWithinAHorizon) {
  using std::chrono::hours;
  using std::chrono::minutes;
  // Breakpoints at 0, 1 h, 2 h, repeating every 3 h: a change every hour after the start.
  const StepSeries hourly{{Time{hours(0)}, Time{hours(1)}, Time{hours(2)}}, {1, 2, 3}, hours(3)};
  EXPECT_EQ(hourly.ChangesWithin(hours(10)), 10);
  EXPECT_EQ(hourly.ChangesWithin(hours(9)), 9);
  // Breakpoints at 0:30 and 1:30 every 2 h: 0:30, 1:30, 2:30, 3:30, 4:30 within 5 h.
  const StepSeries offset{{Time{minutes(30)}, Time{minutes(90)}}, {1, 2}, hours(2)};
  EXPECT_EQ(offset.ChangesWithin(hours(5)), 5);
  // Not periodic: the breakpoints after 0 and up to the horizon.
  const StepSeries once{{Time{hours(0)}, Time{hours(5)}}, {1, 2}, Duration{0}};
  EXPECT_EQ(once.ChangesWithin(hours(10)), 1);
  EXPECT_EQ(once.ChangesWithin(hours(4)), 0);
  EXPECT_EQ(StepSeries::Constant(3).ChangesWithin(hours(1000)), 0);
  // A year of 1 ms steps: 31.5 G changes, counted without walking them.
  const StepSeries fine{{Time{Duration{0}}, Time{std::chrono::milliseconds(1)}},
                        {1, 2},
                        std::chrono::milliseconds(2)};
  EXPECT_EQ(fine.ChangesWithin(hours(24 * 365)), 31'536'000'000.0);
  for (const StepSeries* s : {&hourly, &offset, &once}) {
    const Duration horizon = hours(17) + minutes(45);
    int walked = 0;
    for (Time t = s->NextChange(kTimeZero); t <= Time{horizon}; t = s->NextChange(t)) ++walked;
    EXPECT_EQ(s->ChangesWithin(horizon), walked);
  }
}

TEST(Generate, DeterministicBySeed) {
  Fleet f;
  Site s;
  s.tree.push_back({"site", NodeKind::kSite, -1, 1e9});
  s.tree.push_back({"r", NodeKind::kRack, 0, 1e6, {}, 4096, 0});
  f.sites.push_back(s);
  f.generators.push_back(JobGenerator{});
  const auto a = GenerateJobs(f, 5, std::chrono::hours(24 * 30));
  const auto b = GenerateJobs(f, 5, std::chrono::hours(24 * 30));
  const auto c = GenerateJobs(f, 6, std::chrono::hours(24 * 30));
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].gpus, b[i].gpus);
    EXPECT_EQ(a[i].work_gpu_s, b[i].work_gpu_s);
  }
  EXPECT_TRUE(a.size() != c.size() || a[0].work_gpu_s != c[0].work_gpu_s);
  long initial = 0;
  for (const auto& j : a) {
    if (j.arrival == kTimeZero) initial += j.gpus;
  }
  EXPECT_GT(initial, 4096 * 0.85);
  EXPECT_LT(initial, 4096 * 1.0);
}

}  // namespace
}  // namespace headroom::model

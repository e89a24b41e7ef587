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

TEST(StepSeries, PeriodicLookupAndNextChange) {
  StepSeries s{{AtSeconds(0), AtSeconds(10)}, {1, 2}, std::chrono::seconds(20)};
  EXPECT_EQ(s.At(AtSeconds(5)), 1);
  EXPECT_EQ(s.At(AtSeconds(15)), 2);
  EXPECT_EQ(s.At(AtSeconds(25)), 1);
  EXPECT_EQ(s.NextChange(AtSeconds(5)), AtSeconds(10));
  EXPECT_EQ(s.NextChange(AtSeconds(15)), AtSeconds(20));
  EXPECT_EQ(StepSeries::Constant(3).NextChange(AtSeconds(1)), kTimeNever);
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

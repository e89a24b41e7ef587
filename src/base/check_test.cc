#include "base/check.h"

#include <gtest/gtest.h>

#include "base/rng.h"

namespace headroom {
namespace {

TEST(Dcheck, TrueConditionPasses) {
  int evaluations = 0;
  DCHECK(++evaluations == 1);
#ifndef NDEBUG
  EXPECT_EQ(evaluations, 1);
#else
  EXPECT_EQ(evaluations, 0) << "a release DCHECK must not evaluate its condition";
#endif
}

#ifndef NDEBUG
TEST(DcheckDeathTest, FalseConditionAbortsWithFileLineAndCondition) {
  const int jobs = 3;
  EXPECT_DEATH(DCHECK(jobs < 2), "check_test.cc:[0-9]+: DCHECK failed: jobs < 2");
}

TEST(DcheckDeathTest, RngBelowRequiresAPositiveBound) {
  Rng rng(1);
  EXPECT_DEATH(rng.Below(0), "DCHECK failed: n > 0");
}
#else
TEST(Dcheck, FalseConditionIsCompiledOut) {
  const int jobs = 3;
  DCHECK(jobs < 2);  // would abort in a debug build
  SUCCEED();
}
#endif

}  // namespace
}  // namespace headroom

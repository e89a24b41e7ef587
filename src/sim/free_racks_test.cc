#include "sim/free_racks.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace headroom::sim {
namespace {

// Every rack Next() visits from the start, in order.
std::vector<int> Walk(const FreeRacks& index) {
  std::vector<int> seen;
  for (int p = index.Next(); p >= 0; p = index.Next(p)) seen.push_back(p);
  return seen;
}

TEST(FreeRacks, NextVisitsEveryRackWithFreeGpusInOrder) {
  FreeRacks index;
  index.Build({0, 0, 1, 0}, {8, 8, 4, 8}, 2);
  EXPECT_EQ(Walk(index), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(index.Next(0), 1);  // the very next rack is not skipped
  EXPECT_EQ(index.Next(2), 3);
  EXPECT_EQ(index.Next(3), -1);
  index.Take(1, 8);  // full
  EXPECT_EQ(Walk(index), (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(index.Next(0), 2);
  index.Release(1, 3);
  EXPECT_EQ(index.Next(0), 1);
}

// 200 racks span four 64-bit words: a walk must cross each boundary, including one that starts
// after the last rack of a word and one behind whole words of full racks.
TEST(FreeRacks, NextCrossesWordBoundaries) {
  FreeRacks index;
  index.Build(std::vector<int>(200, 0), std::vector<int>(200, 1), 1);
  for (int p = 0; p < 130; ++p) index.Take(p, 1);
  for (int p = 131; p < 199; ++p) index.Take(p, 1);
  EXPECT_EQ(Walk(index), (std::vector<int>{130, 199}));
  EXPECT_EQ(index.Next(63), 130);
  EXPECT_EQ(index.Next(129), 130);
  EXPECT_EQ(index.Next(130), 199);
  EXPECT_EQ(index.Next(198), 199);
  EXPECT_EQ(index.Next(199), -1);
  index.Release(64, 1);
  EXPECT_EQ(index.Next(63), 64);
  EXPECT_EQ(index.Next(-1), 64);
}

TEST(FreeRacks, DeEnergizedRacksAreSkippedAndLeaveTheTotals) {
  FreeRacks index;
  index.Build({0, 1, 0, 1}, {8, 8, 8, 8}, 2);
  EXPECT_EQ(index.energized_free(0), 16);
  EXPECT_EQ(index.energized_free(1), 16);
  index.Take(0, 3);
  EXPECT_EQ(index.energized_free(0), 13);
  index.SetEnergized(0, false);  // 5 free GPUs go dark
  EXPECT_EQ(index.energized_free(0), 8);
  EXPECT_EQ(Walk(index), (std::vector<int>{1, 2, 3}));
  // Changes on a dark rack keep its count but not the energized total.
  index.Release(0, 2);
  EXPECT_EQ(index.free(0), 7);
  EXPECT_EQ(index.energized_free(0), 8);
  EXPECT_EQ(index.Next(), 1);
  index.SetEnergized(0, false);  // already off: no change
  EXPECT_EQ(index.energized_free(0), 8);
  index.SetEnergized(0, true);
  EXPECT_EQ(index.energized_free(0), 15);
  EXPECT_EQ(index.Next(), 0);
  EXPECT_EQ(index.energized_free(1), 16);
}

// Against an independent model (plain arrays, linear scans) over random takes, releases and
// switchings of 150 racks of three models.
TEST(FreeRacks, MatchesLinearScansOverRandomOperations) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    const int n = 150;
    std::vector<int> models(n), capacity(n);
    for (int p = 0; p < n; ++p) {
      models[p] = static_cast<int>(rng() % 3);
      capacity[p] = 1 + static_cast<int>(rng() % 8);
    }
    FreeRacks index;
    index.Build(models, capacity, 3);
    std::vector<int> free = capacity;
    std::vector<bool> on(n, true);
    for (int step = 0; step < 3000; ++step) {
      const int p = static_cast<int>(rng() % n);
      const int op = static_cast<int>(rng() % 3);
      if (op == 0 && free[p] > 0) {
        const int k = 1 + static_cast<int>(rng() % static_cast<unsigned>(free[p]));
        index.Take(p, k);
        free[p] -= k;
      } else if (op == 1 && free[p] < capacity[p]) {
        const int k = 1 + static_cast<int>(rng() % static_cast<unsigned>(capacity[p] - free[p]));
        index.Release(p, k);
        free[p] += k;
      } else if (op == 2) {
        on[p] = !on[p];
        index.SetEnergized(p, on[p]);
      }
      const int after = static_cast<int>(rng() % (n + 1)) - 1;
      int expected = -1;
      for (int q = after + 1; q < n && expected < 0; ++q) {
        if (on[q] && free[q] > 0) expected = q;
      }
      ASSERT_EQ(index.Next(after), expected) << "seed " << seed << " step " << step;
      for (int m = 0; m < 3; ++m) {
        std::int64_t total = 0;
        for (int q = 0; q < n; ++q) total += on[q] && models[q] == m ? free[q] : 0;
        ASSERT_EQ(index.energized_free(m), total) << "seed " << seed << " step " << step;
      }
    }
  }
}

}  // namespace
}  // namespace headroom::sim

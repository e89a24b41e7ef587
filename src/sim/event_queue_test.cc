#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>
#include <vector>

namespace headroom::sim {
namespace {

Time At(int s) { return AtSeconds(s); }

TEST(EventQueue, PopsInTimeThenInsertionOrder) {
  EventQueue<int> q;
  q.Push(At(5), 1);
  q.Push(At(3), 2);
  q.Push(At(5), 3);
  q.Push(At(3), 4);
  q.Push(At(4), 5);
  std::vector<int> got;
  while (!q.empty()) got.push_back(q.Pop().payload);
  EXPECT_EQ(got, (std::vector<int>{2, 4, 5, 1, 3}));
}

TEST(EventQueue, CancelRemovesAtOnceAndOnlyOnce) {
  EventQueue<int> q;
  const TimerId a = q.Push(At(1), 1);
  const TimerId b = q.Push(At(2), 2);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_TRUE(q.Pending(a));
  EXPECT_TRUE(q.Cancel(a));
  EXPECT_FALSE(q.Pending(a));
  EXPECT_FALSE(q.Cancel(a));  // a second cancel is a no-op
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.Pop().payload, 2);
  EXPECT_FALSE(q.Pending(b));  // popped
  EXPECT_FALSE(q.Cancel(b));
  EXPECT_FALSE(q.Cancel(TimerId{}));
}

TEST(EventQueue, StaleIdDoesNotCancelTheSlotsNextUser) {
  EventQueue<int> q;
  const TimerId old = q.Push(At(1), 1);
  ASSERT_TRUE(q.Cancel(old));
  const TimerId fresh = q.Push(At(2), 2);  // reuses the slot
  EXPECT_FALSE(q.Cancel(old));
  EXPECT_TRUE(q.Pending(fresh));
  EXPECT_EQ(q.Pop().payload, 2);
}

// Against an independent model (an ordered map keyed by (time, sequence)) over random pushes,
// cancels and pops.
TEST(EventQueue, MatchesAnOrderedMapOverRandomOperations) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    EventQueue<int> q;
    std::map<std::tuple<Time, int>, int> model;  // (time, push index) -> payload
    std::vector<std::pair<TimerId, std::tuple<Time, int>>> ids;
    int pushes = 0;
    for (int step = 0; step < 5000; ++step) {
      const int op = static_cast<int>(rng() % 10);
      if (op < 5 || model.empty()) {
        const Time t = At(static_cast<int>(rng() % 50));
        const int payload = pushes;
        ids.push_back({q.Push(t, payload), {t, pushes}});
        model[{t, pushes}] = payload;
        ++pushes;
      } else if (op < 8) {
        auto& [id, key] = ids[rng() % ids.size()];
        EXPECT_EQ(q.Cancel(id), model.erase(key) == 1);
      } else {
        ASSERT_FALSE(q.empty());
        const auto fired = q.Pop();
        const auto first = model.begin();
        EXPECT_EQ(fired.time, std::get<0>(first->first));
        EXPECT_EQ(fired.payload, first->second);
        model.erase(first);
      }
      ASSERT_EQ(q.size(), model.size());
    }
  }
}

}  // namespace
}  // namespace headroom::sim

#pragma once
// sim::EventQueue: the simulator's future-event list, with cancellable timers.
//
// Invariants:
//   - Entries pop in (time, insertion sequence) order: two entries due at the same time pop in the
//     order they were pushed, whatever the heap's internal layout. This is what makes a run
//     deterministic.
//   - A cancelled entry is removed at once (O(log n)); it never pops and holds no memory beyond
//     its slot, which is reused. The queue's size is the number of live timers, so a model that
//     re-schedules a timer on every change (a job's finish time after each cap change) does not
//     grow the heap.
//   - A TimerId names one push. Once that entry has popped or been cancelled, the id is stale:
//     Cancel() and Pending() on it are harmless no-ops, even after its slot is reused (each slot
//     carries a generation).
//
// A 4-ary heap (half the levels of a binary one, and a node's children share cache lines): the
// queue of a fleet holds hundreds of thousands of timers. Not thread-safe. Payload must be
// movable.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/time.h"

namespace headroom::sim {

// Names one pushed entry. Default-constructed: names nothing.
class TimerId {
 public:
  constexpr TimerId() = default;
  bool valid() const { return value_ != 0; }
  friend bool operator==(TimerId a, TimerId b) { return a.value_ == b.value_; }

 private:
  template <typename>
  friend class EventQueue;
  explicit constexpr TimerId(std::uint64_t v) : value_(v) {}
  std::uint64_t value_ = 0;  // generation << 32 | (slot + 1)
};

template <typename Payload>
class EventQueue {
 public:
  struct Fired {
    Time time;
    Payload payload;
  };

  // Schedules `payload` at `t`. Returns the id that cancels it.
  TimerId Push(Time t, Payload payload) {
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
      slots_[slot].payload = std::move(payload);
    } else {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back({std::move(payload), 0, 1});
    }
    heap_.push_back({t, seq_++, slot});
    slots_[slot].heap_index = static_cast<std::uint32_t>(heap_.size() - 1);
    SiftUp(heap_.size() - 1);
    return TimerId((static_cast<std::uint64_t>(slots_[slot].generation) << 32) | (slot + 1));
  }

  // Removes the entry `id` names if it is still pending. Returns whether it was.
  bool Cancel(TimerId id) {
    const std::uint32_t slot = Live(id);
    if (slot == kNone) return false;
    RemoveAt(slots_[slot].heap_index);
    Release(slot);
    return true;
  }

  // Whether the entry `id` names is still due.
  bool Pending(TimerId id) const { return Live(id) != kNone; }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // REQUIRES: !empty().
  Time next_time() const { return heap_.front().time; }

  // The earliest entry's payload. REQUIRES: !empty().
  const Payload& Peek() const { return slots_[heap_.front().slot].payload; }

  // Removes and returns the earliest entry. REQUIRES: !empty().
  Fired Pop() {
    const std::uint32_t slot = heap_.front().slot;
    Fired fired{heap_.front().time, std::move(slots_[slot].payload)};
    RemoveAt(0);
    Release(slot);
    return fired;
  }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::size_t kArity = 4;
  struct Entry {
    Time time;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Slot {
    Payload payload;
    std::uint32_t heap_index;
    std::uint32_t generation;  // bumped when the slot is released
  };

  static bool Before(const Entry& a, const Entry& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  }

  std::uint32_t Live(TimerId id) const {
    if (!id.valid()) return kNone;
    const auto slot = static_cast<std::uint32_t>((id.value_ & 0xffffffffu) - 1);
    const auto generation = static_cast<std::uint32_t>(id.value_ >> 32);
    if (slot >= slots_.size() || slots_[slot].generation != generation) return kNone;
    return slots_[slot].heap_index == kNone ? kNone : slot;
  }

  void Release(std::uint32_t slot) {
    slots_[slot].heap_index = kNone;
    ++slots_[slot].generation;
    slots_[slot].payload = Payload{};
    free_.push_back(slot);
  }

  void RemoveAt(std::size_t i) {
    const std::size_t last = heap_.size() - 1;
    if (i != last) {
      heap_[i] = heap_[last];
      slots_[heap_[i].slot].heap_index = static_cast<std::uint32_t>(i);
      heap_.pop_back();
      if (i > 0 && Before(heap_[i], heap_[(i - 1) / kArity])) {
        SiftUp(i);
      } else {
        SiftDown(i);
      }
    } else {
      heap_.pop_back();
    }
  }

  void Place(std::size_t i, const Entry& e) {
    heap_[i] = e;
    slots_[e.slot].heap_index = static_cast<std::uint32_t>(i);
  }

  void SiftUp(std::size_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!Before(e, heap_[parent])) break;
      Place(i, heap_[parent]);
      i = parent;
    }
    Place(i, e);
  }

  void SiftDown(std::size_t i) {
    const Entry e = heap_[i];
    const std::size_t n = heap_.size();
    while (true) {
      const std::size_t first = kArity * i + 1;
      if (first >= n) break;
      std::size_t child = first;
      const std::size_t end = std::min(first + kArity, n);
      for (std::size_t c = first + 1; c < end; ++c) {
        if (Before(heap_[c], heap_[child])) child = c;
      }
      if (!Before(heap_[child], e)) break;
      Place(i, heap_[child]);
      i = child;
    }
    Place(i, e);
  }

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::uint64_t seq_ = 0;
};

}  // namespace headroom::sim

#pragma once
// sim::FreeRacks: a site's free-capacity index for placement.
//
// Racks are numbered by position 0..n-1 in the file's order. The index answers, in time that
// does not grow with the number of full or de-energized racks: the first (and next) energized rack
// with free GPUs in file order, and the free GPUs on energized racks of one GPU model.
//
// Invariants:
//   - free(p) is in [0, capacity(p)].
//   - Bit p of the search set is on iff rack p is energized and free(p) > 0.
//   - energized_free(m) == sum of free(p) over energized racks p of model m.
//
// Not thread-safe.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace headroom::sim {

class FreeRacks {
 public:
  // `models[p]` and `capacity[p]`: rack p's GPU model (0..model_count-1) and GPU count. Every
  // rack starts energized and empty.
  void Build(std::vector<int> models, const std::vector<int>& capacity, int model_count) {
    models_ = std::move(models);
    free_ = capacity;
    energized_.assign(free_.size(), 1);
    energized_free_.assign(static_cast<size_t>(model_count), 0);
    bits_.assign((free_.size() + 63) / 64, 0);
    for (size_t p = 0; p < free_.size(); ++p) {
      energized_free_[static_cast<size_t>(models_[p])] += free_[p];
      Update(static_cast<int>(p));
    }
  }

  int size() const { return static_cast<int>(free_.size()); }
  int free(int p) const { return free_[static_cast<size_t>(p)]; }
  int model(int p) const { return models_[static_cast<size_t>(p)]; }
  bool energized(int p) const { return energized_[static_cast<size_t>(p)] != 0; }
  std::int64_t energized_free(int model) const {
    return energized_free_[static_cast<size_t>(model)];
  }

  // The first energized rack with free GPUs at position > `after` (-1: from the start), or -1.
  int Next(int after = -1) const {
    const int start = after + 1;
    if (start >= size()) return -1;
    size_t w = static_cast<size_t>(start) / 64;
    std::uint64_t word = bits_[w] & (~std::uint64_t{0} << (static_cast<unsigned>(start) % 64));
    while (word == 0) {
      if (++w == bits_.size()) return -1;
      word = bits_[w];
    }
    return static_cast<int>(w * 64 + static_cast<size_t>(std::countr_zero(word)));
  }

  // REQUIRES: 0 < n <= free(p).
  void Take(int p, int n) { Add(p, -n); }
  // REQUIRES: free(p) + n <= the rack's capacity.
  void Release(int p, int n) { Add(p, n); }

  void SetEnergized(int p, bool on) {
    auto& e = energized_[static_cast<size_t>(p)];
    if ((e != 0) == on) return;
    e = on ? 1 : 0;
    energized_free_[static_cast<size_t>(models_[static_cast<size_t>(p)])] +=
        on ? free_[static_cast<size_t>(p)] : -free_[static_cast<size_t>(p)];
    Update(p);
  }

 private:
  void Add(int p, int n) {
    free_[static_cast<size_t>(p)] += n;
    if (energized(p)) energized_free_[static_cast<size_t>(models_[static_cast<size_t>(p)])] += n;
    Update(p);
  }
  void Update(int p) {
    const std::uint64_t bit = std::uint64_t{1} << (static_cast<unsigned>(p) % 64);
    auto& word = bits_[static_cast<size_t>(p) / 64];
    if (energized(p) && free(p) > 0) {
      word |= bit;
    } else {
      word &= ~bit;
    }
  }

  std::vector<int> models_;
  std::vector<int> free_;
  std::vector<std::uint8_t> energized_;
  std::vector<std::int64_t> energized_free_;
  std::vector<std::uint64_t> bits_;
};

}  // namespace headroom::sim

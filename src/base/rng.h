#pragma once
// A seeded, portable pseudo-random generator (xoshiro256**, seeded through SplitMix64). Every
// distribution here is computed by this file's own code, so a seed gives the same sequence on any
// standard library: std:: distributions are implementation-defined and would break determinism.

#include <cmath>
#include <cstdint>

#include "base/check.h"

namespace headroom {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = SplitMix64(x);
  }

  // An independent stream for entity `id` (a job, a turbine unit) under the same seed, so that
  // adding an entity does not shift the draws of the others.
  Rng Fork(std::uint64_t id) const {
    std::uint64_t x = s_[0] ^ (id * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
    return Rng(SplitMix64(x));
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n). REQUIRES: n > 0.
  std::uint64_t Below(std::uint64_t n) {
    DCHECK(n > 0);
    return static_cast<std::uint64_t>(Uniform() * n) % n;
  }
  // Exponential with the given mean. REQUIRES: mean > 0.
  double Exponential(double mean) {
    DCHECK(mean > 0);
    return -mean * std::log1p(-Uniform());
  }
  // Standard normal (Box-Muller; one value per call).
  double Normal() {
    const double u1 = 1.0 - Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  bool Bernoulli(double p) { return Uniform() < p; }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t SplitMix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

}  // namespace headroom

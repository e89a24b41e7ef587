#pragma once
// A piecewise-constant time series: values[i] holds on [times[i], times[i+1]). Before times[0] the
// first value holds, after the last time the last value holds. With a period, time is taken
// modulo the period (an hourly price year repeats every year).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/check.h"
#include "base/time.h"

namespace headroom::model {

struct StepSeries {
  std::vector<Time> times;     // strictly increasing, times[0] >= 0
  std::vector<double> values;  // same length as times
  Duration period{0};          // 0: not periodic

  bool empty() const { return times.empty(); }

  // The value at `t`. REQUIRES: !empty().
  double At(Time t) const {
    DCHECK(!times.empty() && values.size() == times.size());
    const Time tt = Fold(t);
    auto it = std::upper_bound(times.begin(), times.end(), tt);
    if (it == times.begin()) return values.front();
    return values[static_cast<size_t>(it - times.begin()) - 1];
  }

  // The first time strictly after `t` at which the value may change; kTimeNever if none.
  Time NextChange(Time t) const {
    if (times.empty()) return kTimeNever;
    const Time tt = Fold(t);
    auto it = std::upper_bound(times.begin(), times.end(), tt);
    if (it != times.end()) return t + (*it - tt);
    if (period.count() <= 0) return kTimeNever;
    // Wrap to the first breakpoint of the next period (or the period boundary itself).
    const Duration to_end = period - tt.time_since_epoch();
    return t + to_end + times.front().time_since_epoch();
  }

  // How many times in (0, horizon] the value may change: the instants NextChange steps through
  // (each one a step of the simulation). In double: a fine periodic series over a long horizon
  // counts far beyond what it stores.
  double ChangesWithin(Duration horizon) const {
    if (times.empty() || horizon.count() <= 0) return 0;
    auto up_to = [&](Duration end) {  // breakpoints of one period in [0, end]
      return static_cast<double>(std::upper_bound(times.begin(), times.end(), Time{end}) -
                                 times.begin());
    };
    const double at_zero = times.front() == kTimeZero ? 1 : 0;
    if (period.count() <= 0) return up_to(horizon) - at_zero;
    const std::int64_t full = horizon / period;
    return static_cast<double>(full) * static_cast<double>(times.size()) +
           up_to(horizon - period * full) - at_zero;
  }

  // A constant series.
  static StepSeries Constant(double v) { return StepSeries{{kTimeZero}, {v}, Duration{0}}; }

 private:
  Time Fold(Time t) const {
    if (period.count() <= 0) return t;
    Duration d = t.time_since_epoch() % period;
    if (d.count() < 0) d += period;
    return Time{d};
  }
};

}  // namespace headroom::model

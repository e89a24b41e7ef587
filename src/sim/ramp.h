#pragma once
// Ramp measurements of piecewise-constant signals (the grid import, the turbines' output).
//
// RampTracker: the largest rate of change over any 1-s window (W/s), for the KPI tables.
// RampWindow: compliance with a ramp-rate limit: the largest swing (max - min) within any window
// and the episodes above the limit. Both are O(1) amortized per change.

#include <algorithm>
#include <cmath>
#include <deque>
#include <utility>

#include "base/time.h"
#include "sim/tolerances.h"

namespace headroom::sim {

// The window of RampTracker.
inline constexpr Duration kRampWindow = std::chrono::seconds(1);

// Tracks the largest change of a piecewise-constant signal over any window of kRampWindow.
class RampTracker {
 public:
  void Update(Time t, double v) {
    if (!history_.empty() && std::fabs(history_.back().second - v) < kEpsW) return;
    while (history_.size() > 1 && history_[1].first <= t - kRampWindow) history_.pop_front();
    if (!history_.empty()) {
      // Values seen within the window ending at t (the first entry held at t - window).
      for (const auto& [ht, hv] : history_) {
        max_ = std::max(max_, std::fabs(v - hv) / ToSeconds(kRampWindow));
      }
    }
    history_.emplace_back(t, v);
  }
  double max() const { return max_; }

 private:
  std::deque<std::pair<Time, double>> history_;
  double max_ = 0;
};

// Compliance with a ramp-rate limit: the largest swing (max - min) of a piecewise-constant signal
// within any window of `window`, and the episodes in which it exceeded the limit. Sliding
// maximum and minimum over monotonic deques: O(1) amortized per change. A value counts once it
// has held for some time: several changes at one instant (an event, then the controller's
// answer) count as their last.
class RampWindow {
 public:
  void Configure(Duration window, double limit_w) {
    window_ = window;
    limit_w_ = limit_w;
  }
  // Forget the history: changes across a reset are not measured.
  void Reset() {
    max_.clear();
    min_.clear();
    pending_ = false;
    over_ = false;
  }
  // Starts the history at `v`, held from `t` (the import at reconnection).
  void Baseline(Time t, double v) {
    Reset();
    Commit(t, v);
  }
  // Changes before `until` are exempt (a change the grid operator asked for).
  void ExemptUntil(Time until) { exempt_until_ = std::max(exempt_until_, until); }
  // The signal is `v` from `t` on. Returns the swing when the change before it starts an episode
  // above the limit (that change's time in *at), else a negative value.
  double Update(Time t, double v, Time* at) {
    if (t < exempt_until_) Reset();
    if (pending_ && t == pending_t_) {
      pending_v_ = v;
      return -1;
    }
    const double swing = pending_ ? Commit(pending_t_, pending_v_) : -1;
    *at = pending_t_;
    pending_ = true;
    pending_t_ = t;
    pending_v_ = v;
    return swing;
  }
  // Counts the value still pending (call once, at the end of the run).
  double Finish() {
    const double swing = pending_ ? Commit(pending_t_, pending_v_) : -1;
    pending_ = false;
    return swing;
  }
  double worst_w() const { return worst_w_; }
  int violations() const { return violations_; }
  double limit_w() const { return limit_w_; }
  Duration window() const { return window_; }

 private:
  struct Entry {
    double v;
    Time end;  // when the value stopped holding (kTimeNever: still holds)
  };
  double Commit(Time t, double v) {
    if (!max_.empty() && max_.back().end == kTimeNever && std::fabs(max_.back().v - v) < kEpsW &&
        std::fabs(min_.back().v - v) < kEpsW) {
      return -1;
    }
    if (!max_.empty()) max_.back().end = t;
    if (!min_.empty()) min_.back().end = t;
    while (!max_.empty() && max_.front().end <= t - window_) max_.pop_front();
    while (!min_.empty() && min_.front().end <= t - window_) min_.pop_front();
    while (!max_.empty() && max_.back().v <= v) max_.pop_back();
    while (!min_.empty() && min_.back().v >= v) min_.pop_back();
    max_.push_back({v, kTimeNever});
    min_.push_back({v, kTimeNever});
    const double swing = max_.front().v - min_.front().v;
    worst_w_ = std::max(worst_w_, swing);
    const bool over = limit_w_ > 0 && swing > limit_w_ * (1 + 1e-9) + 1.0;
    const bool starts = over && !over_;
    violations_ += starts;
    over_ = over;
    return starts ? swing : -1;
  }

  Duration window_ = std::chrono::minutes(1);
  double limit_w_ = 0;
  Time exempt_until_ = kTimeZero;
  std::deque<Entry> max_, min_;
  bool pending_ = false;
  Time pending_t_ = kTimeZero;
  double pending_v_ = 0;
  double worst_w_ = 0;
  int violations_ = 0;
  bool over_ = false;
};

}  // namespace headroom::sim

#pragma once
// sched::TeamQuotas: the teams' quotas, kept the same way by every scheduler (so that a comparison
// of schedulers compares placement, not whether quotas are kept).
//
//   - GPUs at once: a team's jobs hold at most Team::max_gpus GPUs (0: no limit).
//   - GPU-hours per calendar month (UTC, of the fleet's start): a job is charged at admission for
//     its expected run at full speed within the month (JobRequest::expected_run; unknown: to the
//     month's end) and refunded what it did not use when it ends or is handed back; at a month's
//     start running work is charged again from that start for what it is expected to run in the
//     new month. Admission keeps the charge within Team::gpu_hours_per_month (0: no limit). A job
//     slowed by power caps runs longer than charged: that time is not charged (the power, not the
//     team, slowed it).
// Jobs without a team (or of a team not in the list) are not limited.

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/time.h"
#include "model/fleet.h"
#include "sched/scheduler.h"

namespace headroom::sched {

class TeamQuotas {
 public:
  TeamQuotas() = default;
  TeamQuotas(std::vector<model::Team> teams, std::int64_t start_unix_s);

  // Moves to the month holding `now` (charging running work for it). Call first in each Decide.
  void Advance(Time now);
  // Whether `job` may start now within its team's quotas.
  bool Allows(const JobRequest& job, Time now) const;
  // `job` holds its GPUs from now: charged. REQUIRES: Allows(job, now).
  void Admit(const JobRequest& job, Time now);
  // Job `id` no longer holds GPUs (ended, preempted, refused): refunded what it did not use.
  // Harmless for a job not admitted.
  void Release(int id, Time now);

  // Whether some team has a monthly quota (a scheduler with jobs waiting wakes at month_end()).
  bool monthly() const;
  Time month_end() const { return month_end_; }
  std::int64_t gpus(int team) const { return state_[static_cast<size_t>(team)].gpus; }
  double charged_gpu_h(int team) const { return state_[static_cast<size_t>(team)].charged_gpu_h; }

 private:
  struct State {
    std::int64_t gpus = 0;
    double charged_gpu_h = 0;
  };
  struct Held {
    int team = -1;
    int gpus = 0;
    Time charged_until = kTimeZero;  // its expected end (kTimeNever: unknown)
  };
  bool Limited(int team) const { return team >= 0 && team < static_cast<int>(limits_.size()); }

  std::vector<model::Team> limits_;
  std::int64_t start_unix_s_ = 0;
  std::vector<State> state_;
  absl::flat_hash_map<int, Held> held_;  // admitted jobs of limited teams, by id
  Time month_end_ = kTimeZero;           // kTimeZero: before the first Advance
};

}  // namespace headroom::sched

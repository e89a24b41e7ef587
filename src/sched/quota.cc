#include "sched/quota.h"

#include <algorithm>
#include <utility>

#include "sched/fleet_info.h"

namespace headroom::sched {

namespace {
// The end of a charge from `now` for `expected` within the month ending at `month_end`.
Time ChargeEnd(Time now, Duration expected, Time month_end) {
  if (expected <= Duration::zero() || expected >= month_end - now) return month_end;
  return now + expected;
}
}  // namespace

TeamQuotas::TeamQuotas(std::vector<model::Team> teams, std::int64_t start_unix_s)
    : limits_(std::move(teams)), start_unix_s_(start_unix_s), state_(limits_.size()) {}

bool TeamQuotas::monthly() const {
  for (const model::Team& t : limits_) {
    if (t.gpu_hours_per_month > 0) return true;
  }
  return false;
}

void TeamQuotas::Advance(Time now) {
  if (month_end_ == kTimeZero) {
    month_end_ = NextMonthStart(now, start_unix_s_);
    return;
  }
  if (month_end_ > now) return;
  // The start of the month holding `now` (months without a call in them are skipped).
  Time month_start = month_end_;
  month_end_ = NextMonthStart(month_start, start_unix_s_);
  while (month_end_ <= now) {
    month_start = month_end_;
    month_end_ = NextMonthStart(month_start, start_unix_s_);
  }
  for (State& s : state_) s.charged_gpu_h = 0;
  // Running work is charged again from the month's start (it ran since then, even if this is the
  // first call of the month). Summed in id order: the total must not depend on the map's order.
  std::vector<int> ids;
  for (const auto& [id, h] : held_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (int id : ids) {
    const Held& h = held_.at(id);
    const Time until = std::min(h.charged_until, month_end_);
    if (until > month_start)
      state_[static_cast<size_t>(h.team)].charged_gpu_h += h.gpus * ToHours(until - month_start);
  }
}

bool TeamQuotas::Allows(const JobRequest& job, Time now) const {
  if (!Limited(job.team)) return true;
  const model::Team& limits = limits_[static_cast<size_t>(job.team)];
  const State& used = state_[static_cast<size_t>(job.team)];
  if (limits.max_gpus > 0 && used.gpus + job.gpus > limits.max_gpus) return false;
  if (limits.gpu_hours_per_month > 0) {
    const double charge = job.gpus * ToHours(ChargeEnd(now, job.expected_run, month_end_) - now);
    if (used.charged_gpu_h + charge > limits.gpu_hours_per_month) return false;
  }
  return true;
}

void TeamQuotas::Admit(const JobRequest& job, Time now) {
  if (!Limited(job.team)) return;
  Held h;
  h.team = job.team;
  h.gpus = job.gpus;
  h.charged_until = job.expected_run > Duration::zero() && job.expected_run < kTimeNever - now
                        ? now + job.expected_run
                        : kTimeNever;
  State& s = state_[static_cast<size_t>(job.team)];
  s.gpus += job.gpus;
  s.charged_gpu_h += job.gpus * ToHours(std::min(h.charged_until, month_end_) - now);
  held_[job.id] = h;
}

void TeamQuotas::Release(int id, Time now) {
  const auto it = held_.find(id);
  if (it == held_.end()) return;
  const Held& h = it->second;
  State& s = state_[static_cast<size_t>(h.team)];
  s.gpus -= h.gpus;
  const Time until = std::min(h.charged_until, month_end_);
  if (until > now) s.charged_gpu_h -= h.gpus * ToHours(until - now);  // not used
  held_.erase(it);
}

}  // namespace headroom::sched

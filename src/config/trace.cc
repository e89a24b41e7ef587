#include "config/trace.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/csv.h"
#include "config/limits.h"

namespace headroom::config {
namespace {

// Seconds since 1970 for "YYYY-MM-DD HH:MM:SS" read as UTC, or -1.
std::int64_t ParseTimestamp(const std::string& s) {
  int y, mo, d, h, mi, sec;
  char tail;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) != 6)
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970 || y > 2200)
    return -1;
  // Days from civil (Howard Hinnant's algorithm), no time zone involved.
  y -= mo <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + sec;
}

}  // namespace

absl::StatusOr<std::vector<model::JobSpec>> ReadPhillyTrace(const std::string& path,
                                                            const TraceOptions& options) {
  absl::StatusOr<CsvTable> t = CsvTable::Read(path);
  if (!t.ok()) return t.status();
  return ParsePhillyTrace(*t, options);
}

absl::StatusOr<std::vector<model::JobSpec>> ParsePhillyTrace(const CsvTable& table,
                                                             const TraceOptions& options) {
  const std::string& path = table.path();
  absl::StatusOr<size_t> c_ts = table.Column("timestamp");
  absl::StatusOr<size_t> c_dur = table.Column("duration");
  absl::StatusOr<size_t> c_gpus = table.Column("num_gpus");
  for (const auto* c : {&c_ts, &c_dur, &c_gpus}) {
    if (!c->ok())
      return absl::InvalidArgumentError(
          absl::StrCat(c->status().message(), " (not a Philly trace?)"));
  }
  struct Row {
    std::int64_t submit;
    double duration;
    int gpus;
    int line;
  };
  std::vector<Row> rows;
  rows.reserve(table.rows());
  for (size_t r = 0; r < table.rows(); ++r) {
    const std::int64_t ts = ParseTimestamp(table.at(r, *c_ts));
    if (ts < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", table.line(r), ": column \"timestamp\": expected YYYY-MM-DD HH:MM:SS, got \"",
          table.at(r, *c_ts), "\""));
    }
    absl::StatusOr<double> dur = table.Number(r, *c_dur);
    absl::StatusOr<double> gpus = table.Number(r, *c_gpus);
    if (!dur.ok()) return dur.status();
    if (!gpus.ok()) return gpus.status();
    if (*dur < 0 || *gpus < 1 || *gpus > 1e6 || *gpus != std::floor(*gpus)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", table.line(r), ": need duration >= 0 s and a whole num_gpus >= 1"));
    }
    if (*dur < ToSeconds(options.min_duration)) continue;
    rows.push_back({ts, *dur, static_cast<int>(*gpus), table.line(r)});
  }
  // The file is not sorted by time; order by (submission, line) for a stable result.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.submit != b.submit ? a.submit < b.submit : a.line < b.line;
  });
  if (options.limit > 0 && static_cast<long>(rows.size()) > options.limit)
    rows.resize(static_cast<size_t>(options.limit));
  std::vector<model::JobSpec> jobs;
  if (rows.empty()) return jobs;
  const std::int64_t t0 = rows.front().submit;
  for (const Row& r : rows) {
    const double arrival_s = static_cast<double>(r.submit - t0) * options.time_scale;
    if (arrival_s + std::max(1.0, r.duration) > kLatestInputSeconds) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", r.line, ": this job arrives ", arrival_s / (365 * 86400.0),
          " y after the first (time_scale ", options.time_scale, ") and must end within ",
          kLatestInputSeconds / (365 * 86400.0), " y (the int64-nanosecond clock's safe range)"));
    }
    const double gpus = std::round(r.gpus * options.gpu_scale);
    if (gpus > static_cast<double>(kMaxJobGpus)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", r.line, ": ", r.gpus, " GPUs × gpu_scale ", options.gpu_scale,
                       " = ", gpus, " GPUs; a job may have at most ", kMaxJobGpus));
    }
    model::JobSpec j;
    j.name = absl::StrCat("philly-", r.line);
    j.kind = model::WorkloadKind::kTraining;
    j.priority = options.priority;
    j.site = options.site;
    j.gpus = std::max(1, static_cast<int>(std::lround(r.gpus * options.gpu_scale)));
    j.arrival = Time{FromSeconds(static_cast<double>(r.submit - t0) * options.time_scale)};
    j.work_gpu_s = std::max(1.0, r.duration) * j.gpus;
    // Short Philly jobs checkpoint rarely; use the defaults of a small research job.
    j.checkpoint_interval = std::chrono::minutes(30);
    j.checkpoint_save = std::chrono::seconds(6);
    j.restore_time = std::chrono::minutes(2);
    j.slowdown_tolerance = 0.15;
    // Global scheduling (#9): any site, no team or data set; the defaults of a job in YAML.
    j.preemptible = model::DefaultPreemptible(j);
    j.checkpoint_bytes = model::DefaultCheckpointBytes(j);
    jobs.push_back(std::move(j));
  }
  return jobs;
}

}  // namespace headroom::config

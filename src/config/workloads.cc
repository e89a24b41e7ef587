// Workloads: jobs written in YAML, generators, and traces (Philly, job tables).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/csv.h"
#include "base/units.h"
#include "config/limits.h"
#include "config/sections.h"
#include "config/trace.h"
#include "config/yaml_document.h"

namespace headroom::config::internal {

void ReadJob(Context& ctx, const YamlNode& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  model::JobSpec j;
  const YamlMark mark = item.Mark();
  // A row of a job table has no mark of its own: its context's file is "jobs.csv:LINE".
  j.origin =
      mark.line >= 0 ? absl::StrCat(ctx.file, ":", mark.line + 1, ":", mark.column + 1) : ctx.file;
  j.origin_path = path;
  j.name = o.Str("name", true).value_or("");
  if (auto k = o.Enum("kind", {"training", "inference", "batch"}, true))
    j.kind = static_cast<model::WorkloadKind>(*k);
  if (j.kind == model::WorkloadKind::kBatch) j.priority = model::Priority::kPreemptible;
  if (auto p = o.Enum("priority", kPriorities, false))
    j.priority = static_cast<model::Priority>(*p);
  j.site = FindSite(ctx, *fleet, o, "site", false);
  if (auto g = o.Str("gpu", false)) {
    j.gpu_model = FindGpu(fleet->gpus, *g);
    if (j.gpu_model < 0)
      ctx.Error(o.Get("gpu"), o.Sub("gpu"),
                absl::StrCat("unknown GPU model \"", *g, "\"; known: ", GpuNames(fleet->gpus)));
  }
  j.gpus = static_cast<int>(o.Int("gpus", true, 1, kMaxJobGpus).value_or(8));
  if (auto v = o.Dur("arrival", false, 0, kLatestInputSeconds)) j.arrival = Time{*v};
  const long count = o.Int("count", false, 1, 100000).value_or(1);
  if (j.kind != model::WorkloadKind::kInference) {
    if (auto d = o.Dur("duration", true, 1)) {
      j.work_gpu_s = ToSeconds(*d) * j.gpus;
      CheckEnd(ctx, o.Get("duration"), o.Sub("duration"), "arrival + duration",
               ToSeconds(j.arrival) + ToSeconds(*d));
    }
  } else if (auto d = o.Dur("lifetime", false, 1)) {
    j.lifetime = *d;
    CheckEnd(ctx, o.Get("lifetime"), o.Sub("lifetime"), "arrival + lifetime",
             ToSeconds(j.arrival) + ToSeconds(*d));
  }
  if (auto v = o.Qty("slowdown_tolerance", Dimension::kFraction, false, 0, 10))
    j.slowdown_tolerance = *v;
  std::optional<double> checkpoint_bytes;
  if (o.Has("checkpoint")) {
    Obj c(ctx, o.Get("checkpoint"), o.Sub("checkpoint"));
    checkpoint_bytes = c.Qty("size", Dimension::kDataSize, false, 0, kMaxDataBytes);
    // At most a year each: the engine adds them to the clock while a job runs.
    if (auto v = c.Dur("interval", false, 1, kLongestJobDelaySeconds)) j.checkpoint_interval = *v;
    if (auto v = c.Dur("save", false, 0, kLongestJobDelaySeconds)) j.checkpoint_save = *v;
    if (auto v = c.Dur("restore", false, 0, kLongestJobDelaySeconds)) j.restore_time = *v;
    c.Finish();
    if (j.checkpoint_save >= j.checkpoint_interval) {
      ctx.Error(o.Get("checkpoint"), o.Sub("checkpoint.save"),
                "a checkpoint must take less time than the interval between two");
    }
  }
  if (o.Has("power")) {
    Obj p(ctx, o.Get("power"), o.Sub("power"));
    if (auto v = p.Qty("compute", Dimension::kFraction, false, 0.05, 1.2))
      j.compute_power_fraction = *v;
    if (auto v = p.Qty("communication", Dimension::kFraction, false, 0.05, 1.2))
      j.comm_power_fraction = *v;
    if (auto v = p.Qty("compute_duty", Dimension::kFraction, false, 0, 1)) j.compute_duty = *v;
    if (auto v = p.Dur("iteration", false, 1e-3, 3600)) j.iteration_period = *v;
    p.Finish();
  }
  if (o.Has("demand")) {
    Obj d(ctx, o.Get("demand"), o.Sub("demand"));
    if (auto v = d.Qty("peak", Dimension::kFraction, false, 0, 1)) j.demand_peak = *v;
    if (auto v = d.Qty("trough", Dimension::kFraction, false, 0, 1)) j.demand_trough = *v;
    if (auto v = d.Qty("peak_hour", Dimension::kPlain, false, 0, 24)) j.peak_hour = *v;
    d.Finish();
    if (j.demand_trough > j.demand_peak)
      ctx.Error(o.Get("demand"), o.Sub("demand"), "trough must not exceed peak");
  }
  ReadJobGlobal(ctx, o, *fleet, &j);
  j.checkpoint_bytes = checkpoint_bytes.value_or(model::DefaultCheckpointBytes(j));
  o.Finish();
  if (static_cast<long>(fleet->jobs.size()) + count > kMaxJobs) {
    ctx.Error(item, path, absl::StrCat("more than ", kMaxJobs, " jobs"));
    return;
  }
  for (long i = 0; i < count; ++i) {
    model::JobSpec c = j;
    if (count > 1) c.name = absl::StrCat(j.name, "-", i + 1);
    fleet->jobs.push_back(std::move(c));
  }
}

void ReadGenerator(Context& ctx, const YamlNode& item, const std::string& path,
                   model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  model::JobGenerator g;
  g.site = FindSite(ctx, *fleet, o, "site", false);
  if (auto v = o.Qty("fill", Dimension::kFraction, false, 0, 1)) g.fill_fraction = *v;
  if (auto v = o.Int("min_gpus", false, 1, 10'000'000)) g.min_gpus = static_cast<int>(*v);
  if (auto v = o.Int("max_gpus", false, 1, 10'000'000)) g.max_gpus = static_cast<int>(*v);
  // Generated durations are drawn around the mean; a year keeps their tail inside the clock.
  if (auto v = o.Dur("mean_duration", false, 60, kLongestJobDelaySeconds)) g.mean_duration = *v;
  if (auto v = o.Qty("inference", Dimension::kFraction, false, 0, 1)) g.inference_fraction = *v;
  if (auto v = o.Qty("batch", Dimension::kFraction, false, 0, 1)) g.batch_fraction = *v;
  if (o.Has("priority_mix")) {
    Obj m(ctx, o.Get("priority_mix"), o.Sub("priority_mix"));
    for (size_t i = 0; i < kPriorities.size(); ++i) {
      g.priority_mix[i] = m.Qty(kPriorities[i], Dimension::kFraction, false, 0, 1).value_or(0);
    }
    m.Finish();
  }
  o.Finish();
  if (g.min_gpus > g.max_gpus) ctx.Error(item, path, "min_gpus must not exceed max_gpus");
  if (g.fill_fraction + g.inference_fraction > 1.0 + 1e-9) {
    ctx.Error(item, path, "fill + inference must not exceed 100% of the GPUs");
  }
  fleet->generators.push_back(g);
}

namespace {

// The columns of a job table (format: jobs): the fields of a job in YAML, nested ones dotted.
const std::vector<std::string> kJobColumns = {"name",
                                              "kind",
                                              "priority",
                                              "site",
                                              "gpu",
                                              "gpus",
                                              "arrival",
                                              "count",
                                              "duration",
                                              "lifetime",
                                              "slowdown_tolerance",
                                              "checkpoint.interval",
                                              "checkpoint.save",
                                              "checkpoint.restore",
                                              "power.compute",
                                              "power.communication",
                                              "power.compute_duty",
                                              "power.iteration",
                                              "demand.peak",
                                              "demand.trough",
                                              "demand.peak_hour",
                                              "sites",
                                              "team",
                                              "dataset",
                                              "preemptible",
                                              "checkpoint.size",
                                              "cross_site.learners",
                                              "cross_site.min_learners",
                                              "cross_site.params",
                                              "cross_site.bits",
                                              "cross_site.inner_steps",
                                              "cross_site.fragments",
                                              "cross_site.inner_step_time"};

// A job table: one job per row, read by ReadJob with the same limits and messages as a job
// written in YAML; an empty cell is a field not given. `site`: for rows without one.
void ReadJobTable(Context& ctx, Obj& o, const std::string& file,
                  const std::optional<std::string>& site, model::Fleet* fleet) {
  const std::optional<CsvTable> t = ctx.ReadCsv(o.Get("file"), o.Sub("file"), file);
  if (!t) return;
  bool bad = false;
  const std::vector<std::string>& header = t->header();
  for (auto h = header.begin(); h != header.end(); ++h) {
    if (std::find(header.begin(), h, *h) != h) {
      ctx.Error(o.Get("file"), o.Sub("file"),
                absl::StrCat(t->path(), ":1: column \"", *h, "\" appears twice"));
      bad = true;
    }
    if (std::find(kJobColumns.begin(), kJobColumns.end(), *h) != kJobColumns.end()) continue;
    std::string hint;
    size_t best = 3;
    for (const std::string& k : kJobColumns) {
      if (const size_t d = Distance(*h, k); d < best) {
        best = d;
        hint = absl::StrCat(" (did you mean \"", k, "\"?)");
      }
    }
    ctx.Error(o.Get("file"), o.Sub("file"),
              absl::StrCat(t->path(), ":1: column \"", *h, "\" is not a field of a job", hint,
                           "; the columns may be: ", Join(kJobColumns)));
    bad = true;
  }
  if (bad) return;
  const auto site_col = std::find(header.begin(), header.end(), "site");
  std::vector<std::pair<std::string, std::string>> fields;
  // Every row is read, also once max_errors are listed, so that the count of the others is exact.
  for (size_t r = 0; r < t->rows(); ++r) {
    fields.clear();
    for (size_t c = 0; c < header.size(); ++c) {
      if (!t->at(r, c).empty()) fields.emplace_back(header[c], t->at(r, c));
    }
    if (site && (site_col == header.end() ||
                 t->at(r, static_cast<size_t>(site_col - header.begin())).empty())) {
      fields.emplace_back("site", *site);
    }
    const YamlDocument row = YamlDocument::FlatMap(fields, YamlMark{});
    Context row_ctx{absl::StrCat(t->path(), ":", t->line(r)), ctx.base_dir, ctx.max_errors,
                    ctx.allow_outside, /*columns=*/true};
    ReadJob(row_ctx, row.root(), "", fleet);
    for (std::string& err : row_ctx.Report()) ctx.Add(std::move(err));
  }
}

}  // namespace

void ReadTrace(Context& ctx, const YamlNode& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  TraceOptions t;
  std::optional<std::string> file = o.Str("file", true);
  const std::optional<int> format = o.Enum("format", {"philly", "jobs"}, true);
  const std::optional<std::string> site_name = o.Str("site", false);
  t.site = FindSite(ctx, *fleet, o, "site", false);
  if (format == 1) {
    // A job table carries every field itself; the Philly options would be ambiguous.
    for (const char* key : {"gpu_scale", "time_scale", "limit", "min_duration", "priority"}) {
      if (o.Has(key)) {
        ctx.Error(o.Get(key), o.Sub(key),
                  "only for format: philly; a job table (format: jobs) gives each job's fields in "
                  "its columns");
      }
    }
    o.Finish();
    if (!file || t.site == -2) return;
    ReadJobTable(ctx, o, *file, site_name, fleet);
    return;
  }
  if (auto v = o.Qty("gpu_scale", Dimension::kPlain, false, 1e-3, 1e6)) t.gpu_scale = *v;
  if (auto v = o.Qty("time_scale", Dimension::kPlain, false, 1e-3, 1e3)) t.time_scale = *v;
  if (auto v = o.Int("limit", false, 1, kMaxJobs)) t.limit = *v;
  if (auto v = o.Dur("min_duration", false, 0)) t.min_duration = *v;
  if (auto p = o.Enum("priority", kPriorities, false))
    t.priority = static_cast<model::Priority>(*p);
  o.Finish();
  if (!file) return;
  const std::optional<CsvTable> table = ctx.ReadCsv(o.Get("file"), o.Sub("file"), *file);
  if (!table) return;
  absl::StatusOr<std::vector<model::JobSpec>> jobs = ParsePhillyTrace(*table, t);
  if (!jobs.ok()) {
    ctx.ErrorLines(o.Get("file"), o.Sub("file"), jobs.status());
    return;
  }
  const YamlMark mark = item.Mark();
  for (auto& j : *jobs) {
    j.origin = absl::StrCat(ctx.file, ":", mark.line + 1, ":", mark.column + 1);
    j.origin_path = path;
    fleet->jobs.push_back(std::move(j));
  }
}

}  // namespace headroom::config::internal

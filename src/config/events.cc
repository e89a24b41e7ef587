// Events: scripted in YAML, from CSV files (each row read as the mapping a person would write), and
// stochastic rates.
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
#include "config/yaml_document.h"

namespace headroom::config::internal {
namespace {

int FindPlant(Context& ctx, const model::Site& site, Obj& o) {
  std::optional<std::string> p = o.Str("plant", true);
  if (!p) return -1;
  for (size_t i = 0; i < site.plants.size(); ++i) {
    if (site.plants[i].name == *p) return static_cast<int>(i);
  }
  std::vector<std::string> names;
  for (const auto& pl : site.plants) names.push_back(pl.name);
  ctx.Error(o.Get("plant"), o.Sub("plant"),
            absl::StrCat("no plant named \"", *p, "\" at site ", site.name,
                         "; plants: ", names.empty() ? "none" : Join(names)));
  return -1;
}

const std::vector<std::string> kEventKinds = {
    "grid_outage",      "voltage_sag",    "sag_sequence", "frequency_excursion",
    "import_limit",     "turbine_trip",   "heat",         "feed_trip",
    "fuel_curtailment", "frequency_ramp", "overvoltage"};
// The kinds whose start may carry a voltage phase jump (`phase_jump`, for vector-shift relays):
// grid_outage, voltage_sag, sag_sequence, frequency_excursion, frequency_ramp, overvoltage.
bool MayJump(int kind) { return kind <= 3 || kind == 9 || kind == 10; }

}  // namespace

void ReadEvent(Context& ctx, const YamlNode& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  const std::optional<int> kind = o.Enum("kind", kEventKinds, true);
  const int site = FindSite(ctx, *fleet, o, "site", true);
  const std::optional<Duration> at = o.Dur("at", true, 0);
  const long repeat = o.Int("repeat", false, 1, 100000).value_or(1);
  const Duration every = o.Dur("every", repeat > 1, 1).value_or(Duration{0});
  if (!kind || site < 0 || !at) return;  // the error is reported; other keys depend on it
  const model::Site& s = fleet->sites[static_cast<size_t>(site)];
  model::EventSpec e;
  e.site = site;
  // A row of an event file has no mark of its own: its context's file is already "events.csv:LINE".
  const std::string file = std::filesystem::path(ctx.file).filename().string();
  e.origin = item.Mark().line >= 0 ? absl::StrCat(file, ":", item.Mark().line + 1) : file;
  if (MayJump(*kind)) {
    e.phase_jump_deg = o.Qty("phase_jump", Dimension::kAngle, false, 0, 180).value_or(0);
  }
  // Advance notice: what an operator, a utility or a supplier can announce (not a fault, a sag
  // or a frequency excursion, which come unannounced).
  if (o.Has("notice")) {
    static const std::vector<int> kNoticeKinds = {0, 4, 5, 6, 8};
    if (std::find(kNoticeKinds.begin(), kNoticeKinds.end(), *kind) == kNoticeKinds.end()) {
      ctx.Error(o.Get("notice"), o.Sub("notice"),
                absl::StrCat("a ", kEventKinds[static_cast<size_t>(*kind)],
                             " comes unannounced; notice applies to grid_outage, import_limit, "
                             "turbine_trip (planned maintenance), heat and fuel_curtailment"));
    } else if (auto n = o.Dur("notice", false, 0, 366 * 86400.0)) {
      e.notice = *n;
    }
  }
  std::vector<model::EventSpec> out;
  switch (*kind) {
    case 0:  // grid_outage
      e.kind = model::EventKind::kGridOutage;
      e.duration = o.Dur("duration", true, 1e-3).value_or(Duration{0});
      out.push_back(e);
      break;
    case 1:    // voltage_sag
    case 2: {  // sag_sequence
      e.kind = model::EventKind::kVoltageSag;
      e.magnitude = o.Qty("voltage", Dimension::kFraction, true, 0, 1).value_or(0.5);
      e.duration = o.Dur("duration", true, 1e-4, 3600).value_or(Duration{0});
      if (*kind == 1) {
        out.push_back(e);
        break;
      }
      const long count = o.Int("count", true, 1, 1000).value_or(1);
      // At most a day: a sequence of sags spans seconds to minutes, and over × count must not
      // overflow the nanosecond count below.
      const Duration over = o.Dur("over", true, 0, 86400).value_or(Duration{0});
      for (long i = 0; i < count; ++i) {
        model::EventSpec x = e;
        x.start = Time{count > 1 ? over * i / (count - 1) : Duration{0}};
        out.push_back(x);
      }
      break;
    }
    case 3:  // frequency_excursion
      e.kind = model::EventKind::kFrequencyExcursion;
      e.magnitude =
          o.Qty("frequency", Dimension::kFrequency, true, 40, 70).value_or(s.grid.nominal_hz);
      e.duration = o.Dur("duration", true, 1e-3).value_or(Duration{0});
      out.push_back(e);
      break;
    case 4: {  // import_limit
      e.kind = model::EventKind::kImportLimit;
      e.duration = o.Dur("duration", true, 1e-3).value_or(Duration{0});
      const bool has_limit = o.Has("limit");
      const bool has_cut = o.Has("reduction");
      if (has_limit == has_cut) {
        ctx.Error(item, path,
                  "give exactly one of limit (e.g. \"450 MW\") or reduction (e.g. \"25%\" of the "
                  "import limit)");
      } else if (has_limit) {
        e.magnitude = o.Qty("limit", Dimension::kPower, true, 0, 1e11).value_or(0);
      } else {
        e.magnitude = s.grid.import_limit_w *
                      (1 - o.Qty("reduction", Dimension::kFraction, true, 0, 1).value_or(0));
      }
      e.hard = o.Bool("hard").value_or(false);
      if (!s.grid.present) ctx.Error(item, path, absl::StrCat("site ", s.name, " has no grid"));
      out.push_back(e);
      break;
    }
    case 5: {  // turbine_trip
      e.kind = model::EventKind::kTurbineTrip;
      e.plant = FindPlant(ctx, s, o);
      if (auto u = o.Int("unit", false, 1, 1000)) {
        e.unit = static_cast<int>(*u) - 1;
        if (e.plant >= 0 &&
            e.unit >= static_cast<int>(s.plants[static_cast<size_t>(e.plant)].units.size())) {
          ctx.Error(o.Get("unit"), o.Sub("unit"),
                    absl::StrCat("plant ", s.plants[static_cast<size_t>(e.plant)].name, " has ",
                                 s.plants[static_cast<size_t>(e.plant)].units.size(), " units"));
        }
      }
      e.duration = o.Dur("repair_time", false, 0).value_or(std::chrono::hours(8));
      if (e.plant >= 0) out.push_back(e);
      break;
    }
    case 6:  // heat
      e.kind = model::EventKind::kHeat;
      e.magnitude = o.Qty("offset", Dimension::kTemperatureDelta, true, -50, 50).value_or(0);
      e.duration = o.Dur("duration", true, 1).value_or(Duration{0});
      out.push_back(e);
      break;
    case 7: {  // feed_trip
      e.kind = model::EventKind::kFeedTrip;
      e.duration = o.Dur("repair_time", false, 0).value_or(std::chrono::hours(1));
      if (std::optional<std::string> f = o.Str("feed", true)) {
        for (size_t i = 0; i < s.tree.size(); ++i) {
          if (s.tree[i].kind == model::NodeKind::kFeed && s.tree[i].name == *f)
            e.node = static_cast<int>(i);
        }
        if (e.node < 0) {
          const std::vector<std::string> names = FeedNames(s);
          ctx.Error(o.Get("feed"), o.Sub("feed"),
                    absl::StrCat("no feed named \"", *f, "\" in site ", s.name,
                                 "; feeds: ", names.empty() ? "none" : Join(names)));
        }
      }
      if (e.node >= 0) out.push_back(e);
      break;
    }
    case 8:  // fuel_curtailment
      // The gas supply cuts a plant's fuel to `available` of full burn (0%: total) for `duration`.
      e.kind = model::EventKind::kFuelCurtailment;
      e.plant = FindPlant(ctx, s, o);
      e.magnitude = o.Qty("available", Dimension::kFraction, true, 0, 1).value_or(1);
      e.duration = o.Dur("duration", true, 1).value_or(Duration{0});
      if (e.plant >= 0) out.push_back(e);
      break;
    case 9:  // frequency_ramp
      // The frequency moves linearly to `frequency` over `duration` from where the ramps left it,
      // then holds there.
      e.kind = model::EventKind::kFrequencyRamp;
      e.magnitude =
          o.Qty("frequency", Dimension::kFrequency, true, 40, 70).value_or(s.grid.nominal_hz);
      e.duration = o.Dur("duration", true, 1e-3, 86400).value_or(Duration{0});
      if (!s.grid.present) ctx.Error(item, path, absl::StrCat("site ", s.name, " has no grid"));
      out.push_back(e);
      break;
    case 10:  // overvoltage
      e.kind = model::EventKind::kOvervoltage;
      e.magnitude = o.Qty("voltage", Dimension::kFraction, true, 0, 2).value_or(2);
      e.duration = o.Dur("duration", true, 1e-4, 3600).value_or(Duration{0});
      if (e.magnitude <= 1) {
        ctx.Error(o.Get("voltage"), o.Sub("voltage"),
                  "an overvoltage lies above 100% of nominal (e.g. \"115%\"); a dip below is a "
                  "voltage_sag");
      }
      out.push_back(e);
      break;
  }
  o.Finish();
  Duration longest{0};
  Time latest = kTimeZero;
  for (const model::EventSpec& x : out) {
    longest = std::max(longest, x.duration);
    latest = std::max(latest, x.start);
  }
  if (!CheckEnd(ctx, item, path,
                repeat > 1 ? "at + every × (repeat - 1) + duration" : "at + duration",
                ToSeconds(*at) + ToSeconds(every) * static_cast<double>(repeat - 1) +
                    ToSeconds(latest) + ToSeconds(longest))) {
    return;
  }
  if (static_cast<long>(fleet->events.size() + out.size()) * repeat > kMaxEvents) {
    ctx.Error(item, path, absl::StrCat("more than ", kMaxEvents, " events"));
    return;
  }
  for (long r = 0; r < repeat; ++r) {
    for (model::EventSpec x : out) {
      x.start = Time{x.start.time_since_epoch() + *at + every * r};
      fleet->events.push_back(x);
    }
  }
}

void ReadStochastic(Context& ctx, const YamlNode& item, const std::string& path,
                    model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  const int site = FindSite(ctx, *fleet, o, "site", true);
  model::StochasticEvents st;
  if (o.Has("grid_outage")) {
    Obj g(ctx, o.Get("grid_outage"), o.Sub("grid_outage"));
    st.grid_outage_rate_per_s = g.Qty("rate", Dimension::kRate, true, 0, 1e-2).value_or(0);
    // Drawn exponentially: a mean of at most 30 d keeps every draw far inside the clock.
    if (auto d = g.Dur("mean_duration", false, 1, 30 * 86400.0)) st.grid_outage_mean = *d;
    g.Finish();
  }
  if (o.Has("voltage_sag")) {
    Obj g(ctx, o.Get("voltage_sag"), o.Sub("voltage_sag"));
    st.voltage_sag_rate_per_s = g.Qty("rate", Dimension::kRate, true, 0, 1e-2).value_or(0);
    if (auto v = g.Qty("voltage_min", Dimension::kFraction, false, 0, 1)) st.sag_depth_min = *v;
    if (auto v = g.Qty("voltage_max", Dimension::kFraction, false, 0, 1)) st.sag_depth_max = *v;
    if (auto d = g.Dur("mean_duration", false, 1e-4, 3600)) st.sag_duration_mean = *d;
    g.Finish();
    if (st.sag_depth_min > st.sag_depth_max)
      ctx.Error(o.Get("voltage_sag"), o.Sub("voltage_sag"),
                "voltage_min must not exceed voltage_max");
  }
  o.Finish();
  if (site < 0) return;
  if (fleet->stochastic.size() < fleet->sites.size()) fleet->stochastic.resize(fleet->sites.size());
  fleet->stochastic[static_cast<size_t>(site)] = st;
}

// Events from a CSV file: columns at, kind, site, duration, value, plant, unit, and optionally
// phase_jump, notice and hard (`true` on an import_limit row: a limit the utility enforces, not a
// request). `at`, `duration` and `notice` carry units ("12 d", "4 h"); `value` carries the unit its
// kind needs.
void ReadEventCsv(Context& ctx, const YamlNode& node, const std::string& path,
                  model::Fleet* fleet) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, "expected a CSV file name");
    return;
  }
  const std::optional<CsvTable> t = ctx.ReadCsv(node, path, std::string(node.Scalar()));
  if (!t) return;
  // Every column is one the reader knows, once: a misspelt optional column (`Notice`, `hardd`)
  // would otherwise be ignored and its rows read without it.
  static const std::vector<std::string> kColumns = {
      "at", "kind", "site", "duration", "value", "plant", "unit", "notice", "hard", "phase_jump"};
  for (size_t c = 0; c < t->header().size(); ++c) {
    const std::string& name = t->header()[c];
    if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end()) {
      ctx.Error(node, path,
                absl::StrCat(t->path(), ": column \"", name,
                             "\" is not a column of an event file; the columns are: ",
                             absl::StrJoin(kColumns, ", "), " (the last three optional)"));
      return;
    }
    for (size_t d = 0; d < c; ++d) {
      if (t->header()[d] == name) {
        ctx.Error(node, path, absl::StrCat(t->path(), ": column \"", name, "\" appears twice"));
        return;
      }
    }
  }
  std::vector<size_t> cols;
  for (const char* c : {"at", "kind", "site", "duration", "value", "plant", "unit"}) {
    absl::StatusOr<size_t> col = t->Column(c);
    if (!col.ok()) {
      ctx.Error(node, path, std::string(col.status().message()));
      return;
    }
    cols.push_back(*col);
  }
  std::optional<size_t> phase_col;
  if (absl::StatusOr<size_t> col = t->Column("phase_jump"); col.ok()) phase_col = *col;
  // An optional column: each row's advance notice ("24 h"; empty: none).
  std::optional<size_t> notice_col;
  if (absl::StatusOr<size_t> c = t->Column("notice"); c.ok()) notice_col = *c;
  const absl::StatusOr<size_t> hard_col = t->Column("hard");
  // Every row is read, also once max_errors are listed, so that the count of the others is exact.
  for (size_t r = 0; r < t->rows(); ++r) {
    // Re-use the YAML reader: build the mapping a user would have written.
    std::vector<std::pair<std::string, std::string>> e;
    e.emplace_back("kind", t->at(r, cols[1]));
    e.emplace_back("site", t->at(r, cols[2]));
    e.emplace_back("at", t->at(r, cols[0]));
    const std::string kind = t->at(r, cols[1]);
    const std::string value = t->at(r, cols[4]);
    if (kind == "turbine_trip") {
      e.emplace_back("plant", t->at(r, cols[5]));
      if (!t->at(r, cols[6]).empty()) e.emplace_back("unit", t->at(r, cols[6]));
      if (!t->at(r, cols[3]).empty()) e.emplace_back("repair_time", t->at(r, cols[3]));
    } else if (kind == "feed_trip") {
      e.emplace_back("feed", value);
      if (!t->at(r, cols[3]).empty()) e.emplace_back("repair_time", t->at(r, cols[3]));
    } else {
      e.emplace_back("duration", t->at(r, cols[3]));
    }
    if (kind == "fuel_curtailment") {
      e.emplace_back("plant", t->at(r, cols[5]));
      e.emplace_back("available", value);
      // A curtailment is of a plant's fuel, not of one unit: the YAML reader refuses the key.
      if (!t->at(r, cols[6]).empty()) e.emplace_back("unit", t->at(r, cols[6]));
    }
    if (kind == "voltage_sag") e.emplace_back("voltage", value);
    if (kind == "frequency_excursion" || kind == "frequency_ramp")
      e.emplace_back("frequency", value);
    if (kind == "overvoltage") e.emplace_back("voltage", value);
    // An optional column: the voltage phase jump at the event's start (vector-shift relays).
    if (phase_col && !t->at(r, *phase_col).empty())
      e.emplace_back("phase_jump", t->at(r, *phase_col));
    if (kind == "import_limit") e.emplace_back("limit", value);
    if (kind == "heat") e.emplace_back("offset", value);
    if (notice_col && !t->at(r, *notice_col).empty())
      e.emplace_back("notice", t->at(r, *notice_col));
    // Passed on for any kind, so that the event reader refuses it where it means nothing.
    if (hard_col.ok() && !t->at(r, *hard_col).empty()) e.emplace_back("hard", t->at(r, *hard_col));
    const YamlDocument row = YamlDocument::FlatMap(e, YamlMark{});
    Context row_ctx{absl::StrCat(t->path(), ":", t->line(r)), ctx.base_dir, ctx.max_errors,
                    ctx.allow_outside};
    ReadEvent(row_ctx, row.root(), "event", fleet);
    for (std::string& err : row_ctx.Report()) ctx.Add(std::move(err));
  }
}

}  // namespace headroom::config::internal

#include "config/loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/calendar.h"
#include "base/csv.h"
#include "base/sha256.h"
#include "base/units.h"
#include "config/control_options.h"
#include "config/fleet_checks.h"
#include "config/limits.h"
#include "config/sections.h"
#include "config/yaml_document.h"
#include "model/weather.h"

namespace headroom::config {
namespace internal {
namespace {

// ------------------------------------------------------------------------------------------------
// Series

// A value that is either a scalar with a unit (constant) or {csv, column, unit} of hourly rows
// that repeat every year (row i holds hour i).
std::optional<model::StepSeries> ReadSeries(Context& ctx, Obj& parent, std::string_view key,
                                            Dimension d, double lo, double hi) {
  YamlNode n = parent.Get(key);
  if (!n || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    std::optional<double> v =
        parent.ParseQty(n, parent.Sub(key), std::string(n.Scalar()), d, lo, hi);
    if (!v) return std::nullopt;
    return model::StepSeries::Constant(*v);
  }
  Obj o(ctx, n, parent.Sub(key));
  if (!o.ok()) return std::nullopt;
  std::optional<std::string> file = o.Str("csv", true);
  std::optional<std::string> column = o.Str("column", true);
  std::optional<std::string> unit = o.Str("unit", true);
  std::optional<Duration> step = o.Dur("step", false, 1e-3);
  o.Finish();
  if (!file || !column || !unit) return std::nullopt;
  // The unit as a linear map to SI, v = scale × x + offset (an offset only for K and F).
  absl::StatusOr<double> one = ParseQuantity(absl::StrCat("1 ", *unit), d);
  absl::StatusOr<double> zero = ParseQuantity(absl::StrCat("0 ", *unit), d);
  if (!one.ok() || !zero.ok()) {
    ctx.Error(o.Get("unit"), o.Sub("unit"),
              std::string((one.ok() ? zero : one).status().message()));
    return std::nullopt;
  }
  const double offset = *zero;
  const double scale = *one - *zero;
  const std::optional<CsvTable> table = ctx.ReadCsv(o.Get("csv"), o.Sub("csv"), *file);
  if (!table) return std::nullopt;
  absl::StatusOr<size_t> col = table->Column(*column);
  if (!col.ok()) {
    ctx.Error(o.Get("column"), o.Sub("column"), std::string(col.status().message()));
    return std::nullopt;
  }
  const Duration dt = step.value_or(std::chrono::hours(1));
  if (table->rows() > kMaxSeriesRows) {
    ctx.Error(o.Get("csv"), o.Sub("csv"),
              absl::StrCat(table->path(), ": ", table->rows(), " rows; a series has at most ",
                           kMaxSeriesRows, " (two years at 1-minute steps)"));
    return std::nullopt;
  }
  if (!CheckEnd(ctx, o.Get("step"), o.Sub("step"), absl::StrCat(table->rows(), " rows × step"),
                ToSeconds(dt) * static_cast<double>(table->rows()))) {
    return std::nullopt;
  }
  model::StepSeries s;
  double last = 0;
  for (size_t r = 0; r < table->rows(); ++r) {
    // Empty cells (gaps in the source) hold the previous value.
    double v = last;
    if (!table->at(r, *col).empty()) {
      absl::StatusOr<double> x = table->Number(r, *col);
      if (!x.ok()) {
        ctx.Error(o.Get("csv"), o.Sub("csv"), std::string(x.status().message()));
        return std::nullopt;
      }
      v = offset == 0 ? *x * scale : *x * scale + offset;
      if (!(v >= lo && v <= hi)) {
        ctx.Error(
            o.Get("csv"), o.Sub("csv"),
            absl::StrCat(table->path(), ":", table->line(r), ": column \"", *column, "\": \"",
                         table->at(r, *col), "\" (", *unit, ") is out of range: must be between ",
                         (lo - offset) / scale, " and ", (hi - offset) / scale, " ", *unit,
                         " (the same range as in the YAML file)"));
        return std::nullopt;
      }
    }
    s.times.push_back(Time{dt * static_cast<std::int64_t>(r)});
    s.values.push_back(v);
    last = v;
  }
  if (s.times.empty()) {
    ctx.Error(o.Get("csv"), o.Sub("csv"), absl::StrCat(table->path(), ": no data rows"));
    return std::nullopt;
  }
  s.period = dt * static_cast<std::int64_t>(s.times.size());
  // Each change is a step of the simulation: a fine step over the horizon would run for days.
  if (const std::optional<std::string> why = SeriesTooFine(s, ctx.horizon, "fleet.horizon")) {
    ctx.Error(step ? o.Get("step") : n, step ? o.Sub("step") : o.path(),
              absl::StrCat("this series of ", s.times.size(), " rows at ", FormatDuration(dt),
                           " steps ", *why));
    return std::nullopt;
  }
  return s;
}

// ------------------------------------------------------------------------------------------------
// GPUs

void ReadCurve(Context& ctx, Obj& parent, std::string_view key, model::ThroughputCurve* c) {
  YamlNode n = parent.Get(key);
  if (!n || n.IsNull()) return;
  Obj o(ctx, n, parent.Sub(key));
  if (!o.ok()) return;
  if (auto v = o.Qty("zero", Dimension::kFraction, false, 0, 0.9)) c->zero_fraction = *v;
  if (auto v = o.Qty("saturation", Dimension::kFraction, false, 0.05, 1.0))
    c->saturation_fraction = *v;
  if (auto v = o.Qty("exponent", Dimension::kPlain, false, 0.01, 5)) c->exponent = *v;
  o.Finish();
  if (c->saturation_fraction <= c->zero_fraction) {
    ctx.Error(n, o.path(),
              "saturation must be above zero (the cap fraction where throughput reaches 0)");
  }
}

void ReadGpus(Context& ctx, Obj& root, std::vector<model::GpuModel>* gpus) {
  ForEach(ctx, root, "gpus", [&](const YamlNode& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    std::optional<std::string> name = o.Str("name", true);
    if (!name) return;
    auto it =
        std::find_if(gpus->begin(), gpus->end(), [&](const auto& g) { return g.name == *name; });
    model::GpuModel* g = nullptr;
    if (it != gpus->end()) {
      g = &*it;
    } else {
      gpus->push_back(model::GpuModel{});
      g = &gpus->back();
      g->name = *name;
    }
    if (auto v = o.Qty("tdp", Dimension::kPower, false, 1, 1e5)) g->tdp_w = *v;
    if (auto v = o.Qty("cap_min", Dimension::kPower, false, 1, 1e5)) g->cap_min_w = *v;
    if (auto v = o.Qty("cap_max", Dimension::kPower, false, 1, 1e5)) g->cap_max_w = *v;
    if (auto v = o.Qty("idle", Dimension::kPower, false, 0, 1e5)) g->idle_w = *v;
    if (auto v = o.Qty("host", Dimension::kPower, false, 0, 1e5)) g->host_w = *v;
    ReadCurve(ctx, o, "training", &g->training);
    ReadCurve(ctx, o, "inference", &g->inference);
    o.Finish();
    if (g->cap_min_w > g->cap_max_w || g->cap_max_w > g->tdp_w * 1.0001 ||
        g->idle_w >= g->cap_min_w) {
      ctx.Error(
          item, path,
          absl::StrCat("GPU \"", g->name, "\": need idle < cap_min <= cap_max <= tdp; got idle ",
                       g->idle_w, " W, cap ", g->cap_min_w, "-", g->cap_max_w, " W, tdp ", g->tdp_w,
                       " W"));
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Sites

void ReadGrid(Context& ctx, Obj& so, model::Site* site) {
  YamlNode n = so.Get("grid");
  if (!n || n.IsNull()) {
    site->grid.present = false;
    return;
  }
  Obj o(ctx, n, so.Sub("grid"));
  if (!o.ok()) return;
  model::Grid& g = site->grid;
  if (auto v = o.Qty("import_limit", Dimension::kPower, true, 0, 1e11)) g.import_limit_w = *v;
  if (auto v = o.Qty("export_limit", Dimension::kPower, false, 0, 1e11)) g.export_limit_w = *v;
  if (auto s = ReadSeries(ctx, o, "price", Dimension::kPricePerEnergy, -1e-5, 1e-5))
    g.price_usd_per_j = *s;
  if (auto s = ReadSeries(ctx, o, "carbon", Dimension::kEmissionPerEnergy, 0, 1e-5))
    g.carbon_kg_per_j = *s;
  if (auto v = o.Qty("nominal_frequency", Dimension::kFrequency, false, 40, 70)) g.nominal_hz = *v;
  // The default protection band follows the grid code: on a 50 Hz grid the EU Demand
  // Connection Code's (eu-dcc), elsewhere 0.7 Hz below and 0.5 Hz above nominal (legacy).
  const auto code = o.Enum("grid_code", {"legacy", "eu-dcc"}, false);
  const bool dcc = code ? *code == 1 : g.nominal_hz == 50;
  g.trip_below_hz = dcc ? model::kEuDccMinHz : g.nominal_hz - 0.7;
  g.trip_above_hz = dcc ? model::kEuDccMaxHz : g.nominal_hz + 0.5;
  if (code && *code == 1 && g.nominal_hz != 50) {
    ctx.Error(
        o.Get("grid_code"), o.Sub("grid_code"),
        "eu-dcc is a code for 50 Hz grids; set nominal_frequency: 50 Hz or grid_code: legacy");
  }
  if (o.Has("frequency_trip")) {
    Obj f(ctx, o.Get("frequency_trip"), o.Sub("frequency_trip"));
    if (auto v = f.Qty("below", Dimension::kFrequency, false, 40, 70)) g.trip_below_hz = *v;
    if (auto v = f.Qty("above", Dimension::kFrequency, false, 40, 70)) g.trip_above_hz = *v;
    f.Finish();
    if (g.trip_below_hz >= g.nominal_hz || g.trip_above_hz <= g.nominal_hz) {
      ctx.Error(o.Get("frequency_trip"), o.Sub("frequency_trip"),
                "need below < nominal_frequency < above");
    }
  }
  if (o.Has("sag_ride_through")) {
    Obj f(ctx, o.Get("sag_ride_through"), o.Sub("sag_ride_through"));
    if (auto v = f.Qty("min_voltage", Dimension::kFraction, false, 0, 1)) g.sag_min_voltage = *v;
    if (auto v = f.Dur("max_duration", false, 0, 3600)) g.sag_max_duration = *v;
    f.Finish();
  }
  if (auto v = o.Dur("reconnect_delay", false, 0, 30 * 86400.0)) g.reconnect_delay = *v;
  if (auto v = o.Qty("max_ramp", Dimension::kRamp, false, 0, 1e10)) g.max_ramp_w_per_s = *v;
  if (auto v = o.Dur("ramp_window", false, 1, 3600)) g.ramp_window = *v;
  ReadGridRelays(ctx, o, &g);
  o.Finish();
}

void ReadPlants(Context& ctx, Obj& so, model::Site* site) {
  ForEach(ctx, so, "plants", [&](const YamlNode& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    model::TurbinePlant plant;
    plant.name = o.Str("name", true).value_or("");
    for (const auto& p : site->plants) {
      if (p.name == plant.name)
        ctx.Error(item, path + ".name", absl::StrCat("duplicate plant name \"", plant.name, "\""));
    }
    if (auto v = o.Int("online_at_start", false, 0, 10000))
      plant.online_at_start = static_cast<int>(*v);
    plant.fuel_price_usd_per_j =
        ReadSeries(ctx, o, "fuel_price", Dimension::kPricePerFuelEnergy, 0, 1e-6);
    ReadLossOfMains(ctx, o, &plant);
    // A named curve from the catalogue, or points.
    if (YamlNode named = o.Get("ambient"); named && named.IsScalar()) {
      const std::string name(named.Scalar());
      if (name == model::kIsoDerateCurveName) {
        plant.ambient = model::IsoDerateCurve();
      } else if (name != "none") {
        ctx.Error(named, o.Sub("ambient"),
                  absl::StrCat("unknown ambient curve \"", name, "\"; expected ",
                               model::kIsoDerateCurveName,
                               ", none, or a list of {temperature, output, heat_rate} points"));
      }
    } else {
      ForEach(ctx, o, "ambient", [&](const YamlNode& point, const std::string& at) {
        Obj a(ctx, point, at);
        auto t = a.Qty("temperature", Dimension::kTemperature, true, -80, 80);
        auto out = a.Qty("output", Dimension::kFraction, true, 0.1, 1.5);
        auto hr = a.Qty("heat_rate", Dimension::kFraction, false, 0.5, 2.0);
        a.Finish();
        if (!t || !out) return;
        if (!plant.ambient.empty() && *t <= plant.ambient.back().temperature_c) {
          ctx.Error(point, at + ".temperature", "ambient points must be in increasing temperature");
        }
        plant.ambient.push_back({*t, *out, hr.value_or(1.0)});
      });
    }
    YamlNode un = o.Get("units");
    o.Finish();
    if (!un || un.IsNull()) {
      ctx.Error(item, path + ".units", "missing; a plant needs units: {count, rating, ...}");
      return;
    }
    Obj u(ctx, un, path + ".units");
    if (!u.ok()) return;
    const long count = u.Int("count", true, 1, 1000).value_or(0);
    model::TurbineUnit t;
    if (auto v = u.Qty("rating", Dimension::kPower, true, 1e3, 2e9)) t.rating_w = *v;
    if (auto v = u.Qty("min_load", Dimension::kPower, false, 0, 2e9)) t.min_load_w = *v;
    if (auto v = u.Dur("start_time", false, 0, 7 * 86400.0)) t.start_time = *v;
    if (auto v = u.Qty("ramp", Dimension::kRamp, false, 0, 1e10)) {
      t.ramp_w_per_s = *v;
      // A tiny non-zero ramp would make the engine's wait overflow and the step instant.
      if (*v > 0 && t.rating_w / *v > kSlowestRampSeconds) {
        ctx.Error(u.Get("ramp"), path + ".units.ramp",
                  absl::StrCat("\"", std::string(u.Get("ramp").Scalar()),
                               "\" would take longer than 30 d to move the unit's rating of ",
                               FormatPower(t.rating_w), "; give at least ",
                               t.rating_w / kSlowestRampSeconds, " W/s, or 0 MW/s for no limit"));
      }
    }
    if (auto v = u.Qty("max_step", Dimension::kPower, false, 0, 2e9)) t.max_step_w = *v;
    if (auto v = u.Qty("heat_rate", Dimension::kHeatRate, false, 1.0, 10)) t.heat_rate = *v;
    if (auto v = u.Qty("fuel_price", Dimension::kPricePerFuelEnergy, false, 0, 1e-6))
      t.fuel_price_usd_per_j = *v;
    if (auto v = u.Qty("co2", Dimension::kEmissionPerEnergy, false, 0, 1e-5)) t.co2_kg_per_j = *v;
    if (auto v = u.Qty("trip_rate", Dimension::kRate, false, 0, 1)) t.trip_rate_per_s = *v;
    if (auto v = u.Dur("repair_time", false, 0, 365 * 86400.0)) t.repair_time = *v;
    u.Finish();
    if (t.min_load_w > t.rating_w) {
      ctx.Error(un, path + ".units.min_load",
                absl::StrCat("minimum stable load ", FormatPower(t.min_load_w),
                             " is above the rating ", FormatPower(t.rating_w)));
    }
    for (long i = 0; i < count; ++i) {
      t.name = absl::StrCat("u", i + 1);
      plant.units.push_back(t);
    }
    if (plant.online_at_start > static_cast<int>(plant.units.size())) {
      ctx.Error(item, path + ".online_at_start",
                absl::StrCat(plant.online_at_start, " units online but the plant has ",
                             plant.units.size()));
    }
    site->plants.push_back(std::move(plant));
  });
}

void ReadBattery(Context& ctx, Obj& so, model::Site* site) {
  if (!so.Has("battery")) return;
  Obj o(ctx, so.Get("battery"), so.Sub("battery"));
  if (!o.ok()) return;
  model::Battery b;
  if (auto v = o.Qty("energy", Dimension::kEnergy, true, 1, 1e15)) b.energy_j = *v;
  if (auto v = o.Qty("power", Dimension::kPower, true, 1, 1e11)) b.power_w = *v;
  if (auto v = o.Qty("round_trip_efficiency", Dimension::kFraction, false, 0.3, 1))
    b.round_trip_efficiency = *v;
  if (auto v = o.Qty("soc_min", Dimension::kFraction, false, 0, 1)) b.soc_min = *v;
  if (auto v = o.Qty("soc_max", Dimension::kFraction, false, 0, 1)) b.soc_max = *v;
  if (auto v = o.Qty("soc_initial", Dimension::kFraction, false, 0, 1)) b.soc_initial = *v;
  ReadBatteryCold(ctx, o, &b);
  o.Finish();
  if (!(b.soc_min < b.soc_max) || b.soc_initial < b.soc_min || b.soc_initial > b.soc_max) {
    ctx.Error(
        so.Get("battery"), so.Sub("battery"),
        absl::StrCat("need soc_min < soc_max and soc_min <= soc_initial <= soc_max; got ",
                     b.soc_min * 100, "%, ", b.soc_max * 100, "%, ", b.soc_initial * 100, "%"));
  }
  site->battery = b;
}

void ReadCooling(Context& ctx, Obj& so, model::Site* site) {
  if (!so.Has("cooling")) return;
  Obj o(ctx, so.Get("cooling"), so.Sub("cooling"));
  if (!o.ok()) return;
  model::Cooling& c = site->cooling;
  if (o.Has("pue")) {
    c.pue_by_temp_c.clear();
    ForEach(ctx, o, "pue", [&](const YamlNode& item, const std::string& path) {
      Obj p(ctx, item, path);
      auto t = p.Qty("temperature", Dimension::kTemperature, true, -80, 80);
      auto v = p.Qty("pue", Dimension::kPlain, true, 1.0, 5.0);
      p.Finish();
      if (!t || !v) return;
      if (!c.pue_by_temp_c.empty() && *t <= c.pue_by_temp_c.back().first) {
        ctx.Error(item, path + ".temperature", "PUE points must be in increasing temperature");
      }
      c.pue_by_temp_c.emplace_back(*t, *v);
    });
  }
  if (o.Has("tent_derate")) {
    Obj d(ctx, o.Get("tent_derate"), o.Sub("tent_derate"));
    if (auto v = d.Qty("start", Dimension::kTemperature, false, -80, 80))
      c.tent_derate_start_c = *v;
    if (auto v = d.Qty("end", Dimension::kTemperature, false, -80, 80)) c.tent_derate_end_c = *v;
    if (auto v = d.Qty("min", Dimension::kFraction, false, 0, 1)) c.tent_min_fraction = *v;
    d.Finish();
    if (c.tent_derate_end_c <= c.tent_derate_start_c) {
      ctx.Error(o.Get("tent_derate"), o.Sub("tent_derate"), "end must be above start");
    }
  }
  o.Finish();
}

// Weather: a constant, a synthetic seasonal + diurnal model, or an hourly typical-year CSV.
void ReadWeather(Context& ctx, Obj& so, std::int64_t start_unix_s, model::Site* site) {
  if (!so.Has("weather")) return;
  YamlNode n = so.Get("weather");
  Obj o(ctx, n, so.Sub("weather"));
  if (!o.ok()) return;
  if (o.Has("csv")) {
    if (auto s = ReadSeries(ctx, so, "weather", Dimension::kTemperature, -80, 80))
      site->ambient_c = *s;
    return;  // ReadSeries checked the keys
  }
  model::SyntheticWeather w;
  w.mean_c = o.Qty("mean", Dimension::kTemperature, true, -60, 50).value_or(15);
  w.seasonal_amplitude_c =
      o.Qty("seasonal_amplitude", Dimension::kTemperatureDelta, false, 0, 40).value_or(0);
  w.diurnal_amplitude_c =
      o.Qty("diurnal_amplitude", Dimension::kTemperatureDelta, false, 0, 30).value_or(0);
  w.warmest_day = o.Qty("warmest_day", Dimension::kPlain, false, 1, 365).value_or(200);
  o.Finish();
  // Standard time (the sun keeps no daylight saving), from local midnight 1 January of the
  // start's year: `warmest_day` is a day of the calendar.
  site->ambient_c = model::SyntheticAmbientSeries(
      w, site->clock.standard_offset + SinceUtcYearStart(start_unix_s));
}

void ReadSite(Context& ctx, const YamlNode& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  model::Site site;
  site.name = o.Str("name", true).value_or("");
  for (const auto& s : fleet->sites) {
    if (s.name == site.name)
      ctx.Error(o.Get("name"), o.Sub("name"),
                absl::StrCat("duplicate site name \"", site.name, "\""));
  }
  if (auto k = o.Enum("kind", {"owned", "leased", "tent"}, true))
    site.kind = static_cast<model::SiteKind>(*k);
  ReadLocation(ctx, o, fleet->start_unix_s, &site);
  ReadGrid(ctx, o, &site);
  ReadPlants(ctx, o, &site);
  ReadBattery(ctx, o, &site);
  if (o.Has("solar")) {
    Obj s(ctx, o.Get("solar"), o.Sub("solar"));
    if (auto v = s.Qty("peak", Dimension::kPower, true, 0, 1e11)) site.solar.peak_w = *v;
    s.Finish();
  }
  if (auto v = o.Qty("baseload", Dimension::kPower, false, 0, 1e11)) site.baseload_w = *v;
  ReadCooling(ctx, o, &site);
  ReadWeather(ctx, o, fleet->start_unix_s, &site);
  if (o.Has("breaker")) site.default_breaker = ReadBreaker(ctx, o, "breaker");
  if (auto v = o.Dur("reclose_delay", false, 0, 30 * 86400.0)) site.reclose_delay = *v;
  if (auto v = o.Dur("ufls_delay", false, 0, 60)) site.ufls_delay = *v;
  if (auto v = o.Dur("rack_boot_time", false, 0, 86400.0)) site.rack_boot_time = *v;
  std::vector<PendingNode> pending;
  YamlNode tree = o.Get("power_tree");
  if (!tree || tree.IsNull()) {
    ctx.Error(item, o.Sub("power_tree"),
              "missing; a site needs a power tree (feed > hall or tent > row > rack)");
  } else if (!tree.IsSequence()) {
    ctx.Error(tree, o.Sub("power_tree"),
              absl::StrCat("expected a list of nodes, found ", TypeName(tree)));
  } else {
    for (size_t i = 0; i < tree.size() && !ctx.full(); ++i) {
      ReadTreeNode(ctx, tree[i], absl::StrCat(o.Sub("power_tree"), "[", i, "]"), -1, "", *fleet,
                   &pending);
    }
    if (!ctx.full()) BuildTree(ctx, tree, o.Sub("power_tree"), site.name, pending, &site);
  }
  std::vector<std::string> shed;
  ForEach(ctx, o, "shed_order", [&](const YamlNode& n, const std::string& p) {
    if (!n.IsScalar()) {
      ctx.Error(n, p, "expected a feed name");
      return;
    }
    for (size_t i = 0; i < site.tree.size(); ++i) {
      if (site.tree[i].name == n.Scalar() && site.tree[i].kind == model::NodeKind::kFeed) {
        site.shed_order.push_back(static_cast<int>(i));
        return;
      }
    }
    ctx.Error(n, p,
              absl::StrCat("no feed named \"", std::string(n.Scalar()), "\" in site ", site.name));
  });
  ReadContingencies(ctx, o, &site);
  ReadSiteGlobal(ctx, o, &site, fleet);
  o.Finish();
  fleet->sites.push_back(std::move(site));
}

void ReadFleet(Context& ctx, const YamlNode& root, model::Fleet* fleet) {
  Obj o(ctx, root, "fleet");
  if (!o.ok()) return;
  if (auto v = o.Int("seed", false, 0, std::numeric_limits<long>::max()))
    fleet->seed = static_cast<std::uint64_t>(*v);
  if (auto v = o.Dur("horizon", false, 1, kLongestHorizonSeconds)) fleet->horizon = *v;
  ctx.horizon = fleet->horizon;
  if (auto v = o.Str("start", false)) {
    absl::StatusOr<std::int64_t> start = ParseUtcTime(*v);
    if (start.ok()) fleet->start_unix_s = *start;
    if (!start.ok())
      ctx.Error(o.Get("start"), o.Sub("start"), std::string(start.status().message()));
  }
  o.Str("name", false);
  o.Str("description", false);
  ReadGpus(ctx, o, &fleet->gpus);
  if (o.Has("control")) {
    Obj c(ctx, o.Get("control"), "fleet.control");
    if (auto v = c.Dur("actuation_delay", false, 0, 60)) fleet->control.actuation_delay = *v;
    if (auto v = c.Dur("fast_shed_delay", false, 0, 60)) fleet->control.fast_shed_delay = *v;
    if (auto v = c.Qty("rating_margin", Dimension::kFraction, false, 0, 0.5))
      fleet->control.rating_margin = *v;
    if (c.Has("headroom")) {
      Obj h(ctx, c.Get("headroom"), c.Sub("headroom"));
      if (h.ok()) ReadHeadroomOptions(h, &fleet->control.headroom);
    }
    c.Finish();
  }
  if (o.Has("failures")) {
    Obj f(ctx, o.Get("failures"), "fleet.failures");
    if (auto v = f.Qty("interruption_rate_per_gpu", Dimension::kRate, false, 0, 1e-3))
      fleet->failures.interruptions_per_gpu_s = *v;
    f.Finish();
  }
  if (o.Has("diesel")) {
    Obj d(ctx, o.Get("diesel"), "fleet.diesel");
    if (auto v = d.Qty("heat_rate", Dimension::kHeatRate, false, 1, 10))
      fleet->diesel.heat_rate = *v;
    if (auto v = d.Qty("fuel_price", Dimension::kPricePerFuelEnergy, false, 0, 1e-6))
      fleet->diesel.fuel_price_usd_per_j = *v;
    if (auto v = d.Qty("co2", Dimension::kEmissionPerEnergy, false, 0, 1e-5))
      fleet->diesel.co2_kg_per_j = *v;
    d.Finish();
  }
  YamlNode sites = o.Get("sites");
  if (!sites || !sites.IsSequence() || sites.size() == 0) {
    ctx.Error(sites ? sites : root, "fleet.sites",
              "missing or empty; a fleet needs a list of one or more sites");
  } else {
    for (size_t i = 0; i < sites.size() && !ctx.full(); ++i)
      ReadSite(ctx, sites[i], absl::StrCat("sites[", i, "]"), fleet);
  }
  ReadGlobalSections(ctx, o, fleet);
  if (o.Has("workloads")) {
    Obj w(ctx, o.Get("workloads"), "workloads");
    ForEach(ctx, w, "jobs",
            [&](const YamlNode& n, const std::string& p) { ReadJob(ctx, n, p, fleet); });
    ForEach(ctx, w, "generators",
            [&](const YamlNode& n, const std::string& p) { ReadGenerator(ctx, n, p, fleet); });
    ForEach(ctx, w, "traces",
            [&](const YamlNode& n, const std::string& p) { ReadTrace(ctx, n, p, fleet); });
    w.Finish();
  }
  ForEach(ctx, o, "events",
          [&](const YamlNode& n, const std::string& p) { ReadEvent(ctx, n, p, fleet); });
  ForEach(ctx, o, "event_files",
          [&](const YamlNode& n, const std::string& p) { ReadEventCsv(ctx, n, p, fleet); });
  ForEach(ctx, o, "stochastic_events",
          [&](const YamlNode& n, const std::string& p) { ReadStochastic(ctx, n, p, fleet); });
  o.Finish();
  fleet->stochastic.resize(fleet->sites.size());
  long fleet_gpus = 0;
  for (const model::Site& site : fleet->sites) fleet_gpus += site.total_gpus();
  if (fleet_gpus > kMaxFleetGpus) {
    ctx.Error(root, "fleet.sites",
              absl::StrCat("the sites hold ", fleet_gpus,
                           " GPUs together; a fleet may have at most ", kMaxFleetGpus));
  }
  std::stable_sort(fleet->events.begin(), fleet->events.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
  // Listed jobs that no site could place (config/fleet_checks.h).
  if (ctx.errors.empty()) {
    for (std::string& e : JobsThatFitNoSite(*fleet)) ctx.Add(std::move(e));
  }
}

absl::StatusOr<model::Fleet> Load(std::string_view text, const std::string& name,
                                  const std::string& base_dir, const LoadOptions& options) {
  Context ctx{name, base_dir, std::max(1, options.max_errors), options.allow_files_outside_folder};
  model::Fleet fleet;
  fleet.source = name;
  // The built-in catalogue first; the file may override it.
  {
    Context cat{"<built-in gpus.yaml>", "", 20};
    absl::StatusOr<YamlDocument> doc = YamlDocument::Parse(BuiltinGpuCatalogue(), cat.file);
    if (!doc.ok()) return absl::InternalError(doc.status().message());
    Obj co(cat, doc->root(), "catalogue");
    ReadGpus(cat, co, &fleet.gpus);
    co.Finish();
    if (!cat.errors.empty()) return absl::InternalError(Join(cat.errors));
  }
  absl::StatusOr<YamlDocument> doc = YamlDocument::Parse(text, name);
  if (!doc.ok()) return doc.status();
  const YamlNode root = doc->root();
  if (!root || root.IsNull())
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": empty file; expected a fleet (sites: ...)"));
  for (const YamlProblem& p : doc->problems()) ctx.Error(p.mark, "", p.message);
  ReadFleet(ctx, root, &fleet);
  if (!ctx.errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(ctx.Report(), "\n"));
  Sha256 sha;
  sha.Update(text);
  fleet.source_sha256 = sha.HexDigest();
  for (const auto& [file, digest] : ctx.files_read)
    fleet.referenced_files.push_back({file, digest});
  return fleet;
}

}  // namespace
}  // namespace internal

absl::StatusOr<model::Fleet> LoadFleetFromString(std::string_view yaml, const std::string& name,
                                                 const LoadOptions& options) {
  return internal::Load(yaml, name, options.base_dir.empty() ? "." : options.base_dir, options);
}

absl::StatusOr<model::Fleet> LoadFleet(const std::string& path, const LoadOptions& options) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  const std::string dir = options.base_dir.empty()
                              ? std::filesystem::path(path).parent_path().string()
                              : options.base_dir;
  return internal::Load(*text, path, dir.empty() ? "." : dir, options);
}

}  // namespace headroom::config

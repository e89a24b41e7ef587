// Protection settings and derating curves a site's sources carry beside their ratings: the
// grid's frequency relay delay and overvoltage ride-through, a plant's loss-of-mains relays, and
// a battery's power in the cold. Each accepts `none` where the feature can be absent.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/units.h"
#include "config/sections.h"

namespace headroom::config::internal {
namespace {

bool IsNone(const YamlNode& n) { return n && n.IsScalar() && n.Scalar() == "none"; }

}  // namespace

void ReadGridRelays(Context& ctx, Obj& o, model::Grid* g) {
  if (auto v = o.Dur("frequency_trip_delay", false, 0, 60)) g->frequency_trip_delay = *v;
  const YamlNode ov = o.Get("overvoltage_trip");
  if (!ov || ov.IsNull()) return;
  g->overvoltage.clear();
  if (IsNone(ov)) return;
  ForEach(ctx, o, "overvoltage_trip", [&](const YamlNode& item, const std::string& at) {
    Obj s(ctx, item, at);
    auto v = s.Qty("above", Dimension::kFraction, true, 0, 2.0);
    auto hold = s.Dur("hold", true, 0, 3600);
    s.Finish();
    if (!v || !hold) return;
    if (*v <= 1.0) {
      ctx.Error(s.Get("above"), s.Sub("above"),
                "an overvoltage step must lie above 100% of nominal (e.g. \"115%\")");
      return;
    }
    if (!g->overvoltage.empty() &&
        (*v <= g->overvoltage.back().voltage || *hold > g->overvoltage.back().hold)) {
      ctx.Error(item, at,
                "overvoltage steps must be in increasing voltage with holds that do not grow");
    }
    g->overvoltage.push_back({*v, *hold});
  });
}

void ReadLossOfMains(Context& ctx, Obj& o, model::TurbinePlant* plant) {
  const YamlNode n = o.Get("loss_of_mains");
  if (!n || n.IsNull()) return;
  model::LossOfMains& lom = plant->loss_of_mains;
  if (IsNone(n)) {
    lom.rocof_hz_per_s = 0;
    lom.vector_shift_deg = 0;
    return;
  }
  Obj l(ctx, n, o.Sub("loss_of_mains"));
  if (!l.ok()) return;
  if (IsNone(l.Get("rocof"))) {
    lom.rocof_hz_per_s = 0;
  } else if (auto v = l.Qty("rocof", Dimension::kFrequencyRate, false, 0.01, 10)) {
    lom.rocof_hz_per_s = *v;
  }
  if (auto d = l.Dur("rocof_delay", false, 0, 10)) lom.rocof_delay = *d;
  if (IsNone(l.Get("vector_shift"))) {
    lom.vector_shift_deg = 0;
  } else if (auto v = l.Qty("vector_shift", Dimension::kAngle, false, 1, 90)) {
    lom.vector_shift_deg = *v;
  }
  if (auto d = l.Dur("reset", false, 0, 7 * 86400.0)) lom.reset = *d;
  l.Finish();
}

void ReadBatteryCold(Context& ctx, Obj& o, model::Battery* b) {
  const YamlNode n = o.Get("cold");
  if (!n || n.IsNull()) return;
  b->cold.clear();
  if (IsNone(n)) return;
  ForEach(ctx, o, "cold", [&](const YamlNode& point, const std::string& at) {
    Obj a(ctx, point, at);
    auto t = a.Qty("temperature", Dimension::kTemperature, true, -80, 80);
    auto p = a.Qty("power", Dimension::kFraction, true, 0, 1);
    a.Finish();
    if (!t || !p) return;
    if (!b->cold.empty() && *t <= b->cold.back().temperature_c) {
      ctx.Error(point, at + ".temperature", "cold points must be in increasing temperature");
    }
    b->cold.push_back({*t, *p});
  });
}

}  // namespace headroom::config::internal

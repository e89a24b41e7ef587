#pragma once
// Reading the site controllers' options from the fleet file: `control: {headroom: {...}}`.
// Internal to config/: loader.cc calls it with its own mapping reader, so that these options get
// the loader's errors (file:line:column, the field's path, "did you mean", the valid range) and
// unknown keys are rejected like everywhere else in the file.

#include <algorithm>

#include "base/units.h"
#include "model/control_options.h"

namespace headroom::config::internal {

// Reads the keys of HeadroomOptions (model/control_options.h) from `in`, a mapping reader with
// loader.cc's interface (Dur, Qty, Finish), into `out`; keys absent keep their defaults.
template <typename MappingReader>
void ReadHeadroomOptions(MappingReader& in, model::HeadroomOptions* out) {
  using headroom::Dimension;
  if (auto v = in.Dur("constrained_period", false, 0.001, 3600)) out->constrained_period = *v;
  if (auto v = in.Dur("holding_period", false, 0.001, 86400)) out->holding_period = *v;
  if (auto v = in.Dur("idle_period", false, 0.001, 86400)) out->idle_period = *v;
  if (auto v = in.Dur("restore_hold", false, 0, 86400)) out->restore_hold = *v;
  if (auto v = in.Qty("restore_band", Dimension::kFraction, false, 0, 0.5)) out->restore_band = *v;
  if (auto v = in.Qty("reserve_soc", Dimension::kFraction, false, 0, 1)) out->reserve_soc = *v;
  if (auto v = in.Qty("droop", Dimension::kFraction, false, 0.001, 1)) out->droop = *v;
  if (auto v = in.Qty("deadband", Dimension::kFrequency, false, 0, 5)) out->deadband_hz = *v;
  if (auto v = in.Qty("price_pause_ratio", Dimension::kPlain, false, 1, 1000))
    out->price_pause_ratio = *v;
  // At most the pause ratio (checked against whichever of the two the file sets).
  // Above 0: at 0 a paused job would be held for ever.
  if (auto v = in.Qty("price_resume_ratio", Dimension::kPlain, false, 0.01, out->price_pause_ratio))
    out->price_resume_ratio = *v;
  out->price_resume_ratio = std::min(out->price_resume_ratio, out->price_pause_ratio);
  if (auto v = in.Dur("price_min_pause", false, 0, 7 * 86400)) out->price_min_pause = *v;
  if (auto v = in.Dur("max_reading_age", false, 0, 3600)) out->max_reading_age = *v;
  // Bare numbers in the units their keys name (USD per tonne of CO2, USD per GPU-hour, per year).
  if (auto v = in.Qty("carbon_price_usd_per_t", Dimension::kPlain, false, 0, 10000))
    out->carbon_price_usd_per_t = *v;
  if (auto v = in.Qty("work_value_usd_per_gpu_h", Dimension::kPlain, false, 0, 1000))
    out->work_value_usd_per_gpu_h = *v;
  if (auto v = in.Qty("grid_loss_per_year", Dimension::kPlain, false, 0, 10000))
    out->grid_loss_per_year = *v;
  if (auto v = in.Qty("start_cost_usd_per_mw", Dimension::kPlain, false, 0, 100000))
    out->start_cost_usd_per_mw = *v;
  if (auto v = in.Bool("rack_power_off")) out->rack_power_off = *v;
  in.Finish();
}

}  // namespace headroom::config::internal

#pragma once
// Synthetic ambient temperature: a seasonal and a diurnal cosine around a mean, stepping hourly in
// the site's local time, as a UTC step series the simulator can read at any instant.

#include <cstdint>

#include "base/time.h"
#include "model/series.h"

namespace headroom::model {

struct SyntheticWeather {
  double mean_c = 15;
  double seasonal_amplitude_c = 0;
  double diurnal_amplitude_c = 0;
  double warmest_day = 200;  // day of the year (from 0 at local midnight, 1 January)

  // The temperature (C) over local hour `local_hour` of the year (0..8759; any integer, taken
  // modulo the 8,760-hour year): with day = h / 24,
  //   mean + seasonal × cos(2π (day − warmest_day) / 365) + diurnal × cos(2π (h mod 24 − 15) / 24),
  // warmest at 15:00 local on `warmest_day`.
  double AtLocalHour(std::int64_t local_hour) const;
};

// The hourly series of `w` over one 8,760-hour year, periodic, in UTC time since the fleet's
// time zero for a site at `utc_offset` (local = UTC + offset): at every instant t it holds
// w.AtLocalHour(floor((t + utc_offset) / 1 h)). Offsets need not be whole hours (+5:30).
StepSeries SyntheticAmbientSeries(const SyntheticWeather& w, Duration utc_offset);

}  // namespace headroom::model

#include "model/weather.h"

#include <algorithm>
#include <cmath>

namespace headroom::model {
namespace {
constexpr std::int64_t kHoursPerYear = 8760;
constexpr double kPi = 3.14159265358979323846;
}  // namespace

double SyntheticWeather::AtLocalHour(std::int64_t local_hour) const {
  const std::int64_t h = ((local_hour % kHoursPerYear) + kHoursPerYear) % kHoursPerYear;
  const double day = static_cast<double>(h) / 24.0;
  const double hour = static_cast<double>(h % 24);
  return mean_c + seasonal_amplitude_c * std::cos(2 * kPi * (day - warmest_day) / 365.0) +
         diurnal_amplitude_c * std::cos(2 * kPi * (hour - 15) / 24.0);
}

StepSeries SyntheticAmbientSeries(const SyntheticWeather& w, Duration utc_offset) {
  const Duration year = std::chrono::hours(kHoursPerYear);
  // Where local hour h starts in UTC, folded into [0, year): local hour boundaries fall at
  // h − offset, so the year's series is the local one rotated by the offset. Folding both ways
  // matters: west of Greenwich the last local hours of the year fall past `year` and belong at
  // its start (they used to be dropped there, and the first local value held instead).
  Duration shift = (-utc_offset) % year;
  if (shift < Duration{0}) shift += year;
  StepSeries s;
  s.period = year;
  s.times.reserve(kHoursPerYear + 1);
  s.values.reserve(kHoursPerYear + 1);
  // The local hour in force at UTC 0 starts at or before it: begin with it, at time zero.
  Duration first = shift % std::chrono::hours(1);  // the first boundary at or after UTC 0
  const std::int64_t first_hour =
      static_cast<std::int64_t>((first - shift) / std::chrono::hours(1));
  if (first > Duration{0}) {
    s.times.push_back(kTimeZero);
    s.values.push_back(w.AtLocalHour(first_hour - 1));
  }
  for (std::int64_t k = 0; k < kHoursPerYear && first + std::chrono::hours(k) < year; ++k) {
    s.times.push_back(Time{first + std::chrono::hours(k)});
    s.values.push_back(w.AtLocalHour(first_hour + k));
  }
  return s;
}

}  // namespace headroom::model

#include "base/units.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <span>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace headroom {
namespace {

struct Unit {
  std::string_view name;
  double to_si;
};

constexpr double kBtuJ = kJoulesPerBtu;
constexpr double kSecondsPerYear = 365.0 * 86400.0;

// Every accepted unit per dimension, with its factor to SI. The first one is the canonical name.
std::span<const Unit> UnitsOf(Dimension d) {
  static constexpr std::array<Unit, 4> kPowerUnits{
      {{"W", 1}, {"kW", 1e3}, {"MW", 1e6}, {"GW", 1e9}}};
  static constexpr std::array<Unit, 8> kEnergyUnits{{{"J", 1},
                                                     {"kJ", 1e3},
                                                     {"MJ", 1e6},
                                                     {"GJ", 1e9},
                                                     {"Wh", 3600},
                                                     {"kWh", 3.6e6},
                                                     {"MWh", 3.6e9},
                                                     {"GWh", 3.6e12}}};
  static constexpr std::array<Unit, 10> kDurationUnits{{{"s", 1},
                                                        {"ns", 1e-9},
                                                        {"us", 1e-6},
                                                        {"ms", 1e-3},
                                                        {"min", 60},
                                                        {"h", 3600},
                                                        {"d", 86400},
                                                        {"w", 7 * 86400},
                                                        {"y", kSecondsPerYear},
                                                        {"sec", 1}}};
  static constexpr std::array<Unit, 1> kTemperatureUnits{{{"C", 1}}};
  // A difference has no offset: 1 C = 1 K, 1 F = 5/9 K.
  static constexpr std::array<Unit, 3> kTemperatureDeltaUnits{
      {{"C", 1}, {"K", 1}, {"F", 5.0 / 9.0}}};
  static constexpr std::array<Unit, 1> kFractionUnits{{{"%", 0.01}}};
  static constexpr std::array<Unit, 2> kFrequencyUnits{{{"Hz", 1}, {"mHz", 1e-3}}};
  static constexpr std::array<Unit, 2> kPriceUnits{{{"$/MWh", 1 / 3.6e9}, {"$/kWh", 1 / 3.6e6}}};
  static constexpr std::array<Unit, 3> kFuelPriceUnits{
      {{"$/MMBtu", 1 / (1e6 * kBtuJ)}, {"$/GJ", 1e-9}, {"$/MWh", 1 / 3.6e9}}};
  static constexpr std::array<Unit, 2> kHeatRateUnits{
      {{"Btu/kWh", kBtuJ / 3.6e6}, {"MJ/MWh", 1e6 / 3.6e9}}};
  static constexpr std::array<Unit, 4> kEmissionUnits{{{"t/MWh", 1e3 / 3.6e9},
                                                       {"kg/MWh", 1 / 3.6e9},
                                                       {"g/kWh", 1e-3 / 3.6e6},
                                                       {"kg/kWh", 1 / 3.6e6}}};
  static constexpr std::array<Unit, 4> kRateUnits{
      {{"/y", 1 / kSecondsPerYear}, {"/d", 1 / 86400.0}, {"/h", 1 / 3600.0}, {"/s", 1}}};
  static constexpr std::array<Unit, 7> kRampUnits{{{"MW/s", 1e6},
                                                   {"MW/min", 1e6 / 60},
                                                   {"kW/s", 1e3},
                                                   {"kW/min", 1e3 / 60},
                                                   {"W/s", 1},
                                                   {"GW/s", 1e9},
                                                   {"GW/min", 1e9 / 60}}};
  static constexpr std::array<Unit, 3> kMoneyUnits{{{"$", 1}, {"k$", 1e3}, {"M$", 1e6}}};
  static constexpr std::array<Unit, 2> kEnergyPerGpuUnits{{{"J", 1}, {"kJ", 1e3}}};
  static constexpr std::array<Unit, 1> kAngleUnits{{{"deg", 1}}};
  static constexpr std::array<Unit, 2> kFrequencyRateUnits{{{"Hz/s", 1}, {"mHz/s", 1e-3}}};
  static constexpr std::array<Unit, 6> kDataRateUnits{
      {{"bps", 1}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}, {"Tbps", 1e12}, {"Pbps", 1e15}}};
  // Decimal, as storage and networks are sold (1 GB = 1e9 B).
  static constexpr std::array<Unit, 7> kDataSizeUnits{
      {{"B", 1}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"PB", 1e15}, {"EB", 1e18}}};
  static constexpr std::array<Unit, 4> kCountUnits{
      {{"k", 1e3}, {"M", 1e6}, {"B", 1e9}, {"T", 1e12}}};
  // Capacity costs: per W (SI) is the same number as per MW in millions.
  static constexpr std::array<Unit, 5> kPricePerPowerUnits{
      {{"M$/MW", 1}, {"$/W", 1}, {"$/kW", 1e-3}, {"k$/MW", 1e-3}, {"$/MW", 1e-6}}};
  // Leases are quoted per kW (or MW) of contracted power per month.
  static constexpr std::array<Unit, 3> kPricePerPowerMonthUnits{
      {{"$/kW-month", 1e-3}, {"k$/MW-month", 1e-3}, {"$/MW-month", 1e-6}}};
  static constexpr std::array<Unit, 1> kPricePerGpuHourUnits{{{"$/GPU-h", 1}}};
  static constexpr std::array<Unit, 3> kGpuHourUnits{
      {{"GPU-h", 1}, {"k GPU-h", 1e3}, {"M GPU-h", 1e6}}};
  switch (d) {
    case Dimension::kPower:
      return kPowerUnits;
    case Dimension::kEnergy:
      return kEnergyUnits;
    case Dimension::kDuration:
      return kDurationUnits;
    case Dimension::kTemperature:
      return kTemperatureUnits;
    case Dimension::kTemperatureDelta:
      return kTemperatureDeltaUnits;
    case Dimension::kFraction:
      return kFractionUnits;
    case Dimension::kFrequency:
      return kFrequencyUnits;
    case Dimension::kPricePerEnergy:
      return kPriceUnits;
    case Dimension::kPricePerFuelEnergy:
      return kFuelPriceUnits;
    case Dimension::kHeatRate:
      return kHeatRateUnits;
    case Dimension::kEmissionPerEnergy:
      return kEmissionUnits;
    case Dimension::kRate:
      return kRateUnits;
    case Dimension::kRamp:
      return kRampUnits;
    case Dimension::kMoney:
      return kMoneyUnits;
    case Dimension::kEnergyPerGpu:
      return kEnergyPerGpuUnits;
    case Dimension::kAngle:
      return kAngleUnits;
    case Dimension::kFrequencyRate:
      return kFrequencyRateUnits;
    case Dimension::kPlain:
      return {};
    case Dimension::kDataRate:
      return kDataRateUnits;
    case Dimension::kDataSize:
      return kDataSizeUnits;
    case Dimension::kCount:
      return kCountUnits;
    case Dimension::kPricePerPower:
      return kPricePerPowerUnits;
    case Dimension::kPricePerPowerMonth:
      return kPricePerPowerMonthUnits;
    case Dimension::kPricePerGpuHour:
      return kPricePerGpuHourUnits;
    case Dimension::kGpuHours:
      return kGpuHourUnits;
  }
  return {};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kPower:
      return "power";
    case Dimension::kEnergy:
      return "energy";
    case Dimension::kDuration:
      return "duration";
    case Dimension::kTemperature:
      return "temperature";
    case Dimension::kTemperatureDelta:
      return "temperature difference";
    case Dimension::kFraction:
      return "fraction";
    case Dimension::kFrequency:
      return "frequency";
    case Dimension::kPricePerEnergy:
      return "electricity price";
    case Dimension::kPricePerFuelEnergy:
      return "fuel price";
    case Dimension::kHeatRate:
      return "heat rate";
    case Dimension::kEmissionPerEnergy:
      return "emission factor";
    case Dimension::kRate:
      return "rate";
    case Dimension::kRamp:
      return "ramp rate";
    case Dimension::kMoney:
      return "amount of money";
    case Dimension::kEnergyPerGpu:
      return "energy per GPU";
    case Dimension::kAngle:
      return "angle";
    case Dimension::kFrequencyRate:
      return "rate of change of frequency";
    case Dimension::kPlain:
      return "number";
    case Dimension::kDataRate:
      return "data rate";
    case Dimension::kDataSize:
      return "data size";
    case Dimension::kCount:
      return "count";
    case Dimension::kPricePerPower:
      return "cost per unit of power";
    case Dimension::kPricePerPowerMonth:
      return "lease per unit of power";
    case Dimension::kPricePerGpuHour:
      return "price per GPU-hour";
    case Dimension::kGpuHours:
      return "number of GPU-hours";
  }
  return "quantity";
}

std::string_view ExampleValue(Dimension d) {
  switch (d) {
    case Dimension::kPower:
      return "23.2 MW";
    case Dimension::kEnergy:
      return "400 MWh";
    case Dimension::kDuration:
      return "10 min";
    case Dimension::kTemperature:
      return "35 C";
    case Dimension::kTemperatureDelta:
      return "8 C";
    case Dimension::kFraction:
      return "85%";
    case Dimension::kFrequency:
      return "59.5 Hz";
    case Dimension::kPricePerEnergy:
      return "45 $/MWh";
    case Dimension::kPricePerFuelEnergy:
      return "3.5 $/MMBtu";
    case Dimension::kHeatRate:
      return "8700 Btu/kWh";
    case Dimension::kEmissionPerEnergy:
      return "0.37 t/MWh";
    case Dimension::kRate:
      return "2 /y";
    case Dimension::kRamp:
      return "10 MW/min";
    case Dimension::kMoney:
      return "1000 $";
    case Dimension::kEnergyPerGpu:
      return "65 J";
    case Dimension::kAngle:
      return "39.9 deg";
    case Dimension::kFrequencyRate:
      return "1 Hz/s";
    case Dimension::kPlain:
      return "4";
    case Dimension::kDataRate:
      return "10 Gbps";
    case Dimension::kDataSize:
      return "900 GB";
    case Dimension::kCount:
      return "70 B";
    case Dimension::kPricePerPower:
      return "11 M$/MW";
    case Dimension::kPricePerPowerMonth:
      return "150 $/kW-month";
    case Dimension::kPricePerGpuHour:
      return "2 $/GPU-h";
    case Dimension::kGpuHours:
      return "20 M GPU-h";
  }
  return "";
}

std::string AcceptedUnits(Dimension d) {
  std::string out;
  for (const Unit& u : UnitsOf(d)) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  if (d == Dimension::kFraction) out += " or a bare number between 0 and 1";
  if (d == Dimension::kCount) out += " or none";
  if (d == Dimension::kPlain) out = "no unit";
  return out;
}

absl::StatusOr<double> ParseQuantity(std::string_view text, Dimension d) {
  const std::string_view s = Trim(text);
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(why), ": expected a ", std::string(DimensionName(d)),
                     " such as \"", std::string(ExampleValue(d)), "\" (units: ", AcceptedUnits(d),
                     "), got \"", std::string(text), "\""));
  };
  if (s.empty()) return bad("empty value");
  double value = 0;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin) return bad("not a number");
  if (!std::isfinite(value)) return bad("not a finite number");
  const std::string_view unit = Trim(std::string_view(ptr, static_cast<size_t>(end - ptr)));
  if (unit.empty()) {
    if (d == Dimension::kFraction || d == Dimension::kPlain || d == Dimension::kCount) return value;
    return bad("missing unit");
  }
  for (const Unit& u : UnitsOf(d)) {
    if (u.name != unit) continue;
    if (!std::isfinite(value * u.to_si)) return bad("too large a number");
    return value * u.to_si;
  }
  if (d == Dimension::kTemperature && (unit == "K" || unit == "F")) {
    return unit == "K" ? value - 273.15 : (value - 32.0) * 5.0 / 9.0;
  }
  return bad(absl::StrCat("unknown unit \"", std::string(unit), "\""));
}

absl::StatusOr<Duration> ParseDuration(std::string_view text) {
  absl::StatusOr<double> s = ParseQuantity(text, Dimension::kDuration);
  if (!s.ok()) {
    // A compound duration such as "200 d 15 h" or "1h30min": the sum of its parts.
    std::string_view rest = Trim(text);
    double total = 0;
    int parts = 0;
    while (!rest.empty()) {
      size_t i = 0;
      while (i < rest.size() &&
             (std::isdigit(static_cast<unsigned char>(rest[i])) || rest[i] == '.'))
        ++i;
      while (i < rest.size() && rest[i] == ' ') ++i;
      while (i < rest.size() && std::isalpha(static_cast<unsigned char>(rest[i]))) ++i;
      absl::StatusOr<double> part = ParseQuantity(rest.substr(0, i), Dimension::kDuration);
      if (i == 0 || !part.ok()) return s.status();
      total += *part;
      ++parts;
      rest = Trim(rest.substr(i));
    }
    if (parts < 2) return s.status();
    s = total;
  }
  if (!std::isfinite(*s) || std::fabs(*s) > 9.0e9) {
    return absl::InvalidArgumentError(
        absl::StrCat("duration \"", std::string(text), "\" is too long: at most 285 y"));
  }
  return FromSeconds(*s);
}

std::string FormatQuantity(double value_si, Dimension d) {
  if (d == Dimension::kFraction) return absl::StrCat(value_si * 100, "%");
  const std::span<const Unit> units = UnitsOf(d);
  if (units.empty()) return absl::StrCat(value_si);
  // The largest unit not larger than the value; ties (aliases, equal factors) go to the first.
  const Unit* best = nullptr;
  const double magnitude = std::fabs(value_si);
  for (const Unit& u : units) {
    if (u.to_si <= magnitude && (best == nullptr || u.to_si > best->to_si)) best = &u;
  }
  // A count below its smallest multiplier (1e3) is written bare.
  if (best == nullptr && d == Dimension::kCount) return absl::StrCat(value_si);
  if (best == nullptr) {
    best = &units.front();
    for (const Unit& u : units) {
      if (u.to_si < best->to_si) best = &u;
    }
    if (magnitude == 0) best = &units.front();
  }
  return absl::StrCat(value_si / best->to_si, " ", std::string(best->name));
}

std::string FormatPower(double power_w) {
  char buf[64];
  const double a = std::fabs(power_w);
  if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.3g GW", power_w / 1e9);
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.4g MW", power_w / 1e6);
  } else if (a >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.4g kW", power_w / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g W", power_w);
  }
  return buf;
}

std::string FormatDuration(Duration d) {
  const double s = ToSeconds(d);
  char buf[64];
  if (s < 1) {
    std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
  } else if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.3g s", s);
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%.3g min", s / 60);
  } else if (s < 3 * 86400) {
    std::snprintf(buf, sizeof buf, "%.3g h", s / 3600);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g d", s / 86400);
  }
  return buf;
}

}  // namespace headroom

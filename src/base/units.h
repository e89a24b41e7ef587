#pragma once
// Physical quantities at the input/output boundary. Internally every value is SI, held in a double
// whose name carries the unit (`power_w`, `energy_j`, `price_usd_per_j`). Text such as "23.2 MW",
// "10 min", "8700 Btu/kWh" is parsed strictly: a number, optional spaces, and one of the units
// listed for the expected dimension. A bare number is accepted only for dimensionless values.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/time.h"

namespace headroom {

// The International Table British thermal unit, in J: the factor behind "Btu/kWh" and "$/MMBtu",
// and behind the model's defaults quoted in those units.
inline constexpr double kJoulesPerBtu = 1055.05585262;

enum class Dimension {
  kPower,               // W
  kEnergy,              // J
  kDuration,            // s
  kTemperature,         // degrees Celsius (K and F converted with their offsets)
  kTemperatureDelta,    // a temperature difference, kelvin (C and K alike, F scaled by 5/9)
  kFraction,            // 1 (accepts "%" or a bare number)
  kFrequency,           // Hz
  kPricePerEnergy,      // USD per J of electricity
  kPricePerFuelEnergy,  // USD per J of fuel (thermal)
  kHeatRate,            // J of fuel per J of electricity
  kEmissionPerEnergy,   // kg CO2 per J
  kRate,                // events per s
  kRamp,                // W per s
  kMoney,               // USD
  kEnergyPerGpu,        // J (ride-through storage per GPU)
  kAngle,               // degrees
  kFrequencyRate,       // Hz per s (rate of change of frequency)
  kPlain,               // a bare number, no unit
  // The global scheduler's inputs (#9): the WAN, data, costs and quotas.
  kDataRate,            // bits per s (decimal: 1 Gbps = 1e9 bit/s)
  kDataSize,            // bytes (decimal: 1 GB = 1e9 B)
  kCount,               // a count: a bare number, or with k, M, B (1e9), T (1e12): "70 B"
  kPricePerPower,       // USD per W of capacity ("11 M$/MW" = 11 $/W)
  kPricePerPowerMonth,  // USD per W per month (a lease: "150 $/kW-month")
  kPricePerGpuHour,     // USD per GPU-hour
  kGpuHours,            // GPU-hours
};

// The name of the dimension, e.g. "power".
std::string_view DimensionName(Dimension d);
// The units accepted for `d`, e.g. "W, kW, MW, GW".
std::string AcceptedUnits(Dimension d);
// An example value for `d`, e.g. "23.2 MW".
std::string_view ExampleValue(Dimension d);

// Parses `text` as a quantity of dimension `d` and returns it in SI (see the enum). Errors say what
// was wrong and what would be valid; they do not name a file (the caller adds where).
absl::StatusOr<double> ParseQuantity(std::string_view text, Dimension d);

// Parses a duration such as "10 min", "365d", "250 ms" to integer nanoseconds.
absl::StatusOr<Duration> ParseDuration(std::string_view text);

// `value_si` (in the SI unit of `d`, see the enum) written so that a person can type it back:
// in the largest unit `d` accepts that is not larger than the value ("100 GW", "1 W", "36 $/kWh",
// "3412.14 Btu/kWh"; the first unit listed for `d` when none is), as a percentage for a fraction
// ("85%"), bare for kPlain. Six significant digits.
std::string FormatQuantity(double value_si, Dimension d);
// Formats a power for people: "1.23 GW", "812 MW", "700 W".
std::string FormatPower(double power_w);
// Formats a duration for people: "3 h 20 min", "250 ms".
std::string FormatDuration(Duration d);

}  // namespace headroom

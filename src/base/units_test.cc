#include "base/units.h"

#include <gtest/gtest.h>

#include <cmath>

namespace headroom {
namespace {

TEST(ParseQuantity, AcceptsEachDimension) {
  EXPECT_DOUBLE_EQ(*ParseQuantity("23.2 MW", Dimension::kPower), 23.2e6);
  EXPECT_DOUBLE_EQ(*ParseQuantity("700W", Dimension::kPower), 700);
  EXPECT_DOUBLE_EQ(*ParseQuantity("400 MWh", Dimension::kEnergy), 400 * 3.6e9);
  EXPECT_DOUBLE_EQ(*ParseQuantity("10 min", Dimension::kDuration), 600);
  EXPECT_DOUBLE_EQ(*ParseQuantity("85%", Dimension::kFraction), 0.85);
  EXPECT_DOUBLE_EQ(*ParseQuantity("0.85", Dimension::kFraction), 0.85);
  EXPECT_DOUBLE_EQ(*ParseQuantity("50 $/MWh", Dimension::kPricePerEnergy), 50 / 3.6e9);
  EXPECT_NEAR(*ParseQuantity("8700 Btu/kWh", Dimension::kHeatRate), 2.5497, 1e-4);
  EXPECT_DOUBLE_EQ(*ParseQuantity("10 MW/min", Dimension::kRamp), 1e7 / 60);
  EXPECT_DOUBLE_EQ(*ParseQuantity("-5 C", Dimension::kTemperature), -5);
  EXPECT_DOUBLE_EQ(*ParseQuantity("212 F", Dimension::kTemperature), 100);
  // A difference has no offset: 18 F of heat is 10 K, not -7.8 C.
  EXPECT_DOUBLE_EQ(*ParseQuantity("18 F", Dimension::kTemperatureDelta), 10);
  EXPECT_DOUBLE_EQ(*ParseQuantity("10 K", Dimension::kTemperatureDelta), 10);
  EXPECT_DOUBLE_EQ(*ParseQuantity("8 C", Dimension::kTemperatureDelta), 8);
}

// The global scheduler's units (#9), each converted by hand: 150 $/kW-month is 0.15 $ per W a
// month; 11 M$/MW is 11 $/W.
TEST(ParseQuantity, AcceptsTheGlobalSchedulersUnits) {
  EXPECT_DOUBLE_EQ(*ParseQuantity("10 Gbps", Dimension::kDataRate), 1e10);
  EXPECT_DOUBLE_EQ(*ParseQuantity("400 Mbps", Dimension::kDataRate), 4e8);
  EXPECT_DOUBLE_EQ(*ParseQuantity("2 PB", Dimension::kDataSize), 2e15);
  EXPECT_DOUBLE_EQ(*ParseQuantity("900 GB", Dimension::kDataSize), 9e11);
  EXPECT_DOUBLE_EQ(*ParseQuantity("70 B", Dimension::kCount), 7e10);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1.5 T", Dimension::kCount), 1.5e12);
  EXPECT_DOUBLE_EQ(*ParseQuantity("405000000000", Dimension::kCount), 4.05e11);
  EXPECT_DOUBLE_EQ(*ParseQuantity("11 M$/MW", Dimension::kPricePerPower), 11);
  EXPECT_DOUBLE_EQ(*ParseQuantity("11000 $/kW", Dimension::kPricePerPower), 11);
  EXPECT_DOUBLE_EQ(*ParseQuantity("150 k$/MW-month", Dimension::kPricePerPowerMonth), 0.15);
  EXPECT_DOUBLE_EQ(*ParseQuantity("150 $/kW-month", Dimension::kPricePerPowerMonth), 0.15);
  EXPECT_DOUBLE_EQ(*ParseQuantity("2.5 $/GPU-h", Dimension::kPricePerGpuHour), 2.5);
  EXPECT_DOUBLE_EQ(*ParseQuantity("20 M GPU-h", Dimension::kGpuHours), 2e7);
  EXPECT_DOUBLE_EQ(*ParseQuantity("750 GPU-h", Dimension::kGpuHours), 750);
  // A data size needs its unit (a bare 900 could be bytes or GB); a count does not.
  auto r = ParseQuantity("900", Dimension::kDataSize);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "missing unit: expected a data size such as \"900 GB\" (units: B, kB, MB, GB, TB, PB, "
            "EB), got \"900\"");
  r = ParseQuantity("70 G", Dimension::kCount);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "unknown unit \"G\": expected a count such as \"70 B\" (units: k, M, B, T or none), "
            "got \"70 G\"");
  EXPECT_EQ(FormatQuantity(0.15, Dimension::kPricePerPowerMonth), "150 $/kW-month");
  EXPECT_EQ(FormatQuantity(11, Dimension::kPricePerPower), "11 M$/MW");
  EXPECT_EQ(FormatQuantity(7e10, Dimension::kCount), "70 B");
  EXPECT_EQ(FormatQuantity(1, Dimension::kCount), "1");
}

TEST(ParseQuantity, RejectsWithAClearMessage) {
  auto r = ParseQuantity("23.2", Dimension::kPower);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing unit"), std::string_view::npos);
  EXPECT_NE(r.status().message().find("W, kW, MW, GW"), std::string_view::npos);
  r = ParseQuantity("23.2 MWh", Dimension::kPower);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown unit \"MWh\""), std::string_view::npos);
  EXPECT_FALSE(ParseQuantity("abc", Dimension::kPower).ok());
  EXPECT_FALSE(ParseQuantity("", Dimension::kPower).ok());
  EXPECT_FALSE(ParseQuantity("inf W", Dimension::kPower).ok());
  EXPECT_FALSE(ParseQuantity("nan W", Dimension::kPower).ok());
  EXPECT_FALSE(ParseQuantity("1e400 W", Dimension::kPower).ok());
}

TEST(ParseDuration, IntegerNanoseconds) {
  EXPECT_EQ(*ParseDuration("365d"), std::chrono::hours(365 * 24));
  EXPECT_EQ(*ParseDuration("250 ms"), std::chrono::milliseconds(250));
  EXPECT_FALSE(ParseDuration("1000 y").ok());
  EXPECT_EQ(*ParseDuration("200 d 15 h"), std::chrono::hours(200 * 24 + 15));
  EXPECT_EQ(*ParseDuration("1h30min"), std::chrono::minutes(90));
  EXPECT_FALSE(ParseDuration("1 h 30").ok());
  EXPECT_FALSE(ParseDuration("1 h 30 MW").ok());
}

TEST(Format, PeopleReadable) {
  EXPECT_EQ(FormatPower(1.5e9), "1.5 GW");
  EXPECT_EQ(FormatPower(812e6), "812 MW");
  EXPECT_EQ(FormatDuration(std::chrono::minutes(30)), "30 min");
}

// Bounds in messages are written in a unit people type, never "(in SI: power)".
TEST(FormatQuantity, InAUnitTheParserAccepts) {
  EXPECT_EQ(FormatQuantity(1e11, Dimension::kPower), "100 GW");
  EXPECT_EQ(FormatQuantity(1, Dimension::kPower), "1 W");
  EXPECT_EQ(FormatQuantity(0, Dimension::kPower), "0 W");
  EXPECT_EQ(FormatQuantity(0.5, Dimension::kPower), "0.5 W");
  EXPECT_EQ(FormatQuantity(0.85, Dimension::kFraction), "85%");
  EXPECT_EQ(FormatQuantity(-80, Dimension::kTemperature), "-80 C");
  EXPECT_EQ(FormatQuantity(5, Dimension::kPlain), "5");
  // 10 $/MWh is 1e-5 $/kWh; 1e-5 $/J is 36 $/kWh.
  EXPECT_EQ(FormatQuantity(-1e-5, Dimension::kPricePerEnergy), "-36 $/kWh");
  EXPECT_EQ(FormatQuantity(1e10, Dimension::kRamp), "10 GW/s");
  // Every dimension: what is written parses back to the value (to the six digits written).
  for (Dimension d : {Dimension::kPower,
                      Dimension::kEnergy,
                      Dimension::kDuration,
                      Dimension::kTemperature,
                      Dimension::kTemperatureDelta,
                      Dimension::kFraction,
                      Dimension::kFrequency,
                      Dimension::kPricePerEnergy,
                      Dimension::kPricePerFuelEnergy,
                      Dimension::kHeatRate,
                      Dimension::kEmissionPerEnergy,
                      Dimension::kRate,
                      Dimension::kRamp,
                      Dimension::kMoney,
                      Dimension::kEnergyPerGpu,
                      Dimension::kAngle,
                      Dimension::kFrequencyRate,
                      Dimension::kPlain,
                      Dimension::kDataRate,
                      Dimension::kDataSize,
                      Dimension::kCount,
                      Dimension::kPricePerPower,
                      Dimension::kPricePerPowerMonth,
                      Dimension::kPricePerGpuHour,
                      Dimension::kGpuHours}) {
    for (double v : {0.0, 1e-9, 1e-5, 0.3, 1.0, 7.5, 1e3, 2e9, 1e15, -1e-5, -40.0}) {
      const std::string text = FormatQuantity(v, d);
      absl::StatusOr<double> back = ParseQuantity(text, d);
      ASSERT_TRUE(back.ok()) << text << ": " << back.status().message();
      EXPECT_NEAR(*back, v, std::fabs(v) * 1e-5) << text;
    }
  }
}

}  // namespace
}  // namespace headroom

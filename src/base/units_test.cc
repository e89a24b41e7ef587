#include "base/units.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace headroom

// Tests for pipeline/core/duration.h: the one duration and byte-size syntax of the config.
#include "pipeline/core/duration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

namespace earshot::pipeline::core {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(Duration, ParsesEveryUnitAndCompounds) {
  EXPECT_EQ(*core::parse_duration("500ms"), 500ms);
  EXPECT_EQ(*core::parse_duration("30s"), 30s);
  EXPECT_EQ(*core::parse_duration("1m"), 1min);
  EXPECT_EQ(*core::parse_duration("10m"), 10min);
  EXPECT_EQ(*core::parse_duration("24h"), 24h);
  EXPECT_EQ(*core::parse_duration("7d"), 7 * 24h);
  EXPECT_EQ(*core::parse_duration("1h30m"), 90min);
  EXPECT_EQ(*core::parse_duration("0"), 0ms);
}

// A plain number on its own is seconds, to the millisecond (the connectors' old syntax).
TEST(Duration, PlainNumbersAreSeconds) {
  EXPECT_EQ(*core::parse_duration("60"), 60s);
  EXPECT_EQ(*core::parse_duration("1.5"), 1500ms);
  EXPECT_EQ(*core::parse_duration("0.25"), 250ms);
  EXPECT_EQ(*core::parse_duration("0.001"), 1ms);
  EXPECT_THAT(core::parse_duration("0.0005").error().message,
              HasSubstr("finer than a millisecond"));
  EXPECT_FALSE(core::parse_duration("1.").has_value());
  EXPECT_FALSE(core::parse_duration(".5").has_value());
  EXPECT_FALSE(core::parse_duration("1.2.3").has_value());
  EXPECT_FALSE(core::parse_duration("99999999999999999999").has_value());
}

TEST(Duration, RefusesUnknownUnitsFractionsWithUnitsAndSpaces) {
  EXPECT_THAT(core::parse_duration("1h30").error().message, HasSubstr("missing unit at the end"));
  EXPECT_THAT(core::parse_duration("1.5s").error().message, HasSubstr("write 1s500ms"));
  EXPECT_THAT(core::parse_duration("2w").error().message, HasSubstr("unknown unit 'w'"));
  EXPECT_THAT(core::parse_duration("5min").error().message, HasSubstr("unknown unit 'min'"));
  EXPECT_FALSE(core::parse_duration("5 s").has_value());
  EXPECT_FALSE(core::parse_duration("").has_value());
  EXPECT_FALSE(core::parse_duration("m").has_value());
  EXPECT_FALSE(core::parse_duration("-5s").has_value());
  EXPECT_FALSE(core::parse_duration("99999999999999999999d").has_value());
}

TEST(Duration, FormatsTheShortestExactSpelling) {
  EXPECT_EQ(core::format_duration(1min), "1m");
  EXPECT_EQ(core::format_duration(1h), "1h");
  EXPECT_EQ(core::format_duration(90s), "1m30s");
  EXPECT_EQ(core::format_duration(1500ms), "1s500ms");
  EXPECT_EQ(core::format_duration(0ms), "0s");
  EXPECT_EQ(*core::parse_duration(core::format_duration(26h + 5ms)), 26h + 5ms);
}

TEST(ByteSize, ParsesDecimalAndBinaryUnits) {
  EXPECT_EQ(*core::parse_byte_size("65536"), 65536u);
  EXPECT_EQ(*core::parse_byte_size("64MiB"), 64u << 20);
  EXPECT_EQ(*core::parse_byte_size("10MB"), 10'000'000u);
  EXPECT_EQ(*core::parse_byte_size("1GiB"), 1u << 30);
  EXPECT_THAT(core::parse_byte_size("5 parsecs").error().message, HasSubstr("unknown size unit"));
  EXPECT_FALSE(core::parse_byte_size("MiB").has_value());
}

}  // namespace
}  // namespace earshot::pipeline::core

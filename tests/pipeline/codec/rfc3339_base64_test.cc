// The wire's time stamps and bytes (pipeline/core/rfc3339.h, base64.h): RFC 3339 parsing and
// formatting, civil_to_ms field checks, base64 round trips.
#include "pipeline/core/rfc3339.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "pipeline/core/base64.h"

namespace earshot::pipeline::codec {
namespace {

// format_rfc3339_ms writes digits itself for years 0-9999 and uses snprintf beyond: both give
// what this printf reference gives, over the whole range and both sub-second modes.
TEST(Rfc3339, FormatEqualsThePrintfReference) {
  const auto reference = [](std::int64_t ms, bool millis_always) {
    std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const int millis = static_cast<int>(ms - secs * 1000);
    std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const int rem = static_cast<int>(secs - days * 86400);
    // civil_from_days (H. Hinnant), as the library does it
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const int y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
    char buf[64];
    if (millis == 0 && !millis_always) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, rem / 3600,
                    (rem / 60) % 60, rem % 60);
    } else {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, rem / 3600,
                    (rem / 60) % 60, rem % 60, millis);
    }
    return std::string(buf);
  };
  std::mt19937_64 rng(18);
  std::vector<std::int64_t> values = {0, -1, 1, 999, 1000, 86'399'999, 253'402'300'799'999,
                                      253'402'300'800'000, -62'167'219'200'000,
                                      -62'167'219'200'001, 1795424400000, 1795424400500};
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t span = i % 4 == 0 ? 800'000'000'000'000 : 4'000'000'000'000;
    values.push_back(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * span)) - span /
                     2 - (i % 3 == 0 ? 0 : static_cast<std::int64_t>(rng() % 1000)));
  }
  int wrong = 0;
  for (const std::int64_t ms : values) {
    for (const bool always : {true, false}) {
      const std::string got = core::format_rfc3339_ms(
          ms, always ? core::SubSecond::always : core::SubSecond::when_nonzero);
      if (got != reference(ms, always) && ++wrong <= 5) {
        ADD_FAILURE() << ms << ": " << got << " != " << reference(ms, always);
      }
    }
  }
  EXPECT_EQ(wrong, 0);
}

TEST(Rfc3339, ParsesAndFormats) {
  EXPECT_EQ(*core::parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*core::parse_rfc3339_ms("2026-11-23T10:00:00.5+01:00"), 1795424400500);
  EXPECT_EQ(core::format_rfc3339_ms(1795424400500), "2026-11-23T09:00:00.500Z");
  EXPECT_EQ(core::format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_TRUE(core::is_rfc3339("2024-02-29T23:59:60Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01 00:00:00Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T00:00:00"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T24:00:00Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T00:00:00+25:00"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T00:00:00Zjunk"));
  EXPECT_EQ(core::format_rfc3339_ms(1795424400000, core::SubSecond::when_nonzero),
            "2026-11-23T09:00:00Z");
  EXPECT_EQ(core::format_rfc3339_ms(1795424400007, core::SubSecond::when_nonzero),
            "2026-11-23T09:00:00.007Z");
}

TEST(Rfc3339, CivilToMsValidatesEachField) {
  EXPECT_EQ(core::civil_to_ms(2026, 11, 23, 10, 0, 0, 500, 60), 1795424400500);
  EXPECT_EQ(core::civil_to_ms(2024, 2, 29, 23, 59, 60, 0, 0),
            core::civil_to_ms(2024, 2, 29, 23, 59, 59, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 2, 29, 0, 0, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 13, 1, 0, 0, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 24, 0, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 0, 60, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 0, 0, 61, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 0, 0, 0, 1000, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, -1, 0, 0, 0, 0));
}

TEST(Base64, RoundTripsAndRejects) {
  EXPECT_EQ(core::base64_encode(std::string("\xff\x00", 2)), "/wA=");
  EXPECT_EQ(*core::base64_decode("/wA="), std::string("\xff\x00", 2));
  EXPECT_EQ(*core::base64_decode("aGVsbG8="), "hello");
  EXPECT_FALSE(core::base64_decode("abc"));
  EXPECT_FALSE(core::base64_decode("ab!="));
}

}  // namespace
}  // namespace earshot::pipeline::codec

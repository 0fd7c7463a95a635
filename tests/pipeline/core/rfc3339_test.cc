// pipeline/core/rfc3339.h at the ends of its range (the everyday cases and the printf
// reference over the years live with the codec tests, tests/pipeline/codec/json_codec_test.cc).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "pipeline/core/rfc3339.h"

namespace earshot::pipeline::core {
namespace {

// Found by tests/fuzz/reddit_fuzz (UBSan): (ms - 999) / 1000 overflowed for INT64_MIN, which a
// parser's out-of-range time had rounded to. Every int64 has a defined, floor-divided result
// (the proleptic Gregorian date, as std::chrono gives it).
TEST(Rfc3339, FormatIsDefinedForEveryInt64) {
  EXPECT_EQ(format_rfc3339_ms(std::numeric_limits<std::int64_t>::min()),
            "-292275055-05-16T16:47:04.192Z");
  EXPECT_EQ(format_rfc3339_ms(std::numeric_limits<std::int64_t>::min() + 808),
            "-292275055-05-16T16:47:05.000Z");
  EXPECT_EQ(format_rfc3339_ms(std::numeric_limits<std::int64_t>::max()),
            "292278994-08-17T07:12:55.807Z");
  EXPECT_EQ(format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339_ms(-86'400'000), "1969-12-31T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(-86'400'001), "1969-12-30T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339_ms(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace earshot::pipeline::core

// core::TimeZone (pipeline/core/time_zone.h): local times from the OS zoneinfo, summer time
// switches included.
#include "pipeline/core/time_zone.h"

#include <gtest/gtest.h>

#include "pipeline/core/rfc3339.h"

namespace earshot::pipeline::core {
namespace {

std::int64_t at(const char* rfc3339) { return *parse_rfc3339_ms(rfc3339); }

TEST(TimeZone, UtcNeedsNoZoneinfo) {
  TimeZone utc;
  EXPECT_TRUE(utc.is_utc());
  EXPECT_EQ(utc.clock(at("2026-11-23T10:30:00Z")), "10:30 UTC");
  EXPECT_TRUE(TimeZone::find("UTC")->is_utc());
  EXPECT_TRUE(TimeZone::find("Etc/UTC")->is_utc());
}

TEST(TimeZone, UnknownNamesAreErrorsThatSayWhatIsExpected) {
  for (const char* bad : {"Mars/Olympus", "", "Europe/Berlin/x", "../../etc/passwd"}) {
    auto z = TimeZone::find(bad);
    ASSERT_FALSE(z.has_value()) << bad;
    EXPECT_EQ(z.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(z.error().message.find("Europe/Berlin"), std::string::npos) << z.error().message;
  }
}

// Europe/Berlin springs forward on 2026-03-29 at 01:00 UTC (02:00 CET -> 03:00 CEST) and
// falls back on 2026-10-25 at 01:00 UTC (03:00 CEST -> 02:00 CET).
TEST(TimeZone, SummerTimeStartsAndEndsAtTheRightInstant) {
  auto berlin = TimeZone::find("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value()) << berlin.error().message;
  EXPECT_EQ(berlin->clock(at("2026-03-29T00:59:00Z")), "01:59 CET");
  EXPECT_EQ(berlin->clock(at("2026-03-29T01:00:00Z")), "03:00 CEST");
  EXPECT_EQ(berlin->at(at("2026-03-29T01:00:00Z")).offset_min, 120);
  EXPECT_EQ(berlin->clock(at("2026-10-25T00:30:00Z")), "02:30 CEST");
  EXPECT_EQ(berlin->clock(at("2026-10-25T01:30:00Z")), "02:30 CET");  // the hour repeats
  EXPECT_EQ(berlin->date_clock(at("2026-12-31T23:30:00Z")), "2027-01-01 00:30 CET");

  auto new_york = TimeZone::find("America/New_York");
  ASSERT_TRUE(new_york.has_value());
  EXPECT_EQ(new_york->clock(at("2026-03-08T06:59:00Z")), "01:59 EST");
  EXPECT_EQ(new_york->clock(at("2026-03-08T07:00:00Z")), "03:00 EDT");
  EXPECT_EQ(new_york->date_clock(at("2026-11-23T03:00:00Z")), "2026-11-22 22:00 EST");

  auto kolkata = TimeZone::find("Asia/Kolkata");  // a half-hour offset, no summer time
  ASSERT_TRUE(kolkata.has_value());
  EXPECT_EQ(kolkata->clock(at("2026-07-01T10:00:00Z")), "15:30 IST");
  EXPECT_EQ(kolkata->at(at("2026-07-01T10:00:00Z")).offset_min, 330);
}

}  // namespace
}  // namespace earshot::pipeline::core

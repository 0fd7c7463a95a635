// Alert wording (pipeline/react/alert_text.h, issue 17): the configured time zone, summer time
// included, and the dashboard link of the alert's window — through the alert engine, as the
// react stage makes them.
#include "pipeline/react/alert_text.h"

#include <gtest/gtest.h>

#include "pipeline/core/rfc3339.h"
#include "pipeline/react/alert_rules.h"

namespace earshot::pipeline::react {
namespace {

using namespace std::chrono_literals;

std::int64_t at(const char* rfc3339) { return *core::parse_rfc3339_ms(rfc3339); }

config::AlertRuleDef keyword_rule() {
  config::AlertRuleDef r;
  r.name = "outage-words";
  r.kind = config::AlertKind::keyword;
  r.pattern = "(?i)outage";
  r.min_count = 1;
  r.window = 1min;
  r.description = "posts reporting an outage";
  return r;
}

TEST(AlertText, TimesReadInTheConfiguredZoneAcrossTheSummerTimeSwitch) {
  auto berlin = core::TimeZone::find("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value()) << berlin.error().message;
  const AlertNumbers n{.observed = 7};
  // 2026-03-29: 00:30 UTC is 01:30 CET; an hour later clocks have jumped to 03:30 CEST.
  EXPECT_EQ(describe_alert(keyword_rule(), "Acme Air", "trigger", at("2026-03-29T00:30:00Z"), n,
                           *berlin),
            "Acme Air: 7 posts reporting an outage in the minute from 01:30 CET");
  EXPECT_EQ(describe_alert(keyword_rule(), "Acme Air", "trigger", at("2026-03-29T01:30:00Z"), n,
                           *berlin),
            "Acme Air: 7 posts reporting an outage in the minute from 03:30 CEST");
  // 2026-10-25: 02:30 happens twice; the abbreviation tells which.
  EXPECT_NE(describe_alert(keyword_rule(), "Acme Air", "resolve", at("2026-10-25T00:30:00Z"), n,
                           *berlin)
                .find("from 02:30 CEST"),
            std::string::npos);
  EXPECT_NE(describe_alert(keyword_rule(), "Acme Air", "resolve", at("2026-10-25T01:30:00Z"), n,
                           *berlin)
                .find("from 02:30 CET"),
            std::string::npos);
  // No zone configured: UTC, as before.
  EXPECT_EQ(describe_alert(keyword_rule(), "Acme Air", "trigger", at("2026-03-29T01:30:00Z"), n),
            "Acme Air: 7 posts reporting an outage in the minute from 01:30 UTC");
}

TEST(AlertText, TheDashboardLinkOpensTheEntityAndWindow) {
  EXPECT_EQ(dashboard_link("https://earshot.example.com", "acme-air", "2026-11-23T10:30:00.000Z",
                           "2026-11-23T10:31:00.000Z"),
            "https://earshot.example.com/#entity=acme-air&from=2026-11-23T10:30:00.000Z"
            "&until=2026-11-23T10:31:00.000Z");
  EXPECT_EQ(dashboard_link("http://h", "a b&c=d#", "s", "e"),
            "http://h/#entity=a%20b%26c%3Dd%23&from=s&until=e");
  EXPECT_EQ(dashboard_link("", "acme-air", "s", "e"), "");
}

TEST(AlertText, TheEngineWritesLocalTimesAndTheLinkIntoEveryAlert) {
  auto berlin = core::TimeZone::find("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value());
  const std::int64_t t0 = at("2026-03-29T01:30:00Z");
  auto engine = AlertEngine::create({keyword_rule()},
                                    {.now_ms = [t0] { return t0 + 90'000; },
                                     .entity_names = {{"acme-air", "Acme Air"}},
                                     .time_zone = *berlin,
                                     .link_base = "https://earshot.example.com"});
  ASSERT_TRUE(engine) << engine.error().message;
  std::vector<core::Alert> out;
  core::Mention m;
  m.entity = "acme-air";
  m.post_uid = "p1";
  m.url = "https://example.test/p1";
  m.created_at = core::format_rfc3339_ms(t0 + 5000);
  m.author_id = "a1";
  m.text = "Acme Air outage again";
  m.sentiment.label = sentiment::Label::negative;
  m.sentiment.score = -0.6f;
  ASSERT_TRUE((*engine)->add(m, out));
  ASSERT_FALSE(out.empty());
  const core::Alert& a = out.front();
  EXPECT_NE(a.summary.find("Acme Air: 1 posts reporting an outage in the minute from 03:30 CEST"),
            std::string::npos)
      << a.summary;
  EXPECT_EQ(a.link,
            "https://earshot.example.com/#entity=acme-air&from=2026-03-29T01:30:00.000Z"
            "&until=2026-03-29T01:31:00.000Z");
}

}  // namespace
}  // namespace earshot::pipeline::react

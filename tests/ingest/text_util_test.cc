// Tests of the ingest helpers: HTML → text, timestamps, URLs.
#include <gtest/gtest.h>

#include "ingest/html_text.h"
#include "ingest/time_util.h"
#include "ingest/url_util.h"

namespace earshot::ingest {
namespace {

TEST(HtmlToText, StripsTagsKeepsLinkTextAndBreaksParagraphs) {
  EXPECT_EQ(html_to_text("<p>Hi <a href=\"https://x\">@acme</a> &amp; co</p><p>bye</p>"),
            "Hi @acme & co\nbye");
  EXPECT_EQ(html_to_text("one<br>two<br/>three"), "one\ntwo\nthree");
  EXPECT_EQ(html_to_text("  lots \n\t of   space  "), "lots of space");
}

TEST(HtmlToText, DecodesNamedAndNumericEntities) {
  EXPECT_EQ(html_to_text("caf&eacute; &#8212; &#x1F600; &lt;b&gt; &quot;q&quot; &apos;"),
            "caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80 <b> \"q\" '");
  EXPECT_EQ(decode_html_entities("&bogus; &#xD800; &#0;"), "&bogus; \xEF\xBF\xBD \xEF\xBF\xBD");
  EXPECT_EQ(html_to_text("a&nbsp;b"), "a b");
}

TEST(HtmlToText, DropsScriptsCommentsAndKeepsLoneAngles) {
  EXPECT_EQ(html_to_text("<script>alert(1)</script>x<!-- hidden -->y<style>p{}</style>"), "xy");
  EXPECT_EQ(html_to_text("1 < 2"), "1 < 2");
}

TEST(TimeUtil, NormalisesRfc3339ToUtc) {
  EXPECT_EQ(normalize_rfc3339("2019-12-08T03:48:33.901Z"), "2019-12-08T03:48:33.901Z");
  EXPECT_EQ(normalize_rfc3339("2019-12-08T04:48:33.9+01:00"), "2019-12-08T03:48:33.900Z");
  EXPECT_EQ(normalize_rfc3339("2026-11-23T18:30:02-05:30"), "2026-11-24T00:00:02Z");
  EXPECT_EQ(normalize_rfc3339("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00Z");
  EXPECT_FALSE(normalize_rfc3339("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(normalize_rfc3339("2023-01-01T00:00:00"));  // no offset
  EXPECT_FALSE(normalize_rfc3339("yesterday"));
  // The liberties ingest adds over pipeline's strict reader: a space separator, long fractions.
  EXPECT_EQ(normalize_rfc3339("2019-12-08 03:48:33Z"), "2019-12-08T03:48:33Z");
  EXPECT_EQ(normalize_rfc3339("2019-12-08T03:48:33.123456789012+00:00"),
            "2019-12-08T03:48:33.123Z");
  EXPECT_FALSE(normalize_rfc3339("2019-12-08T03:48:33.Z"));
}

TEST(TimeUtil, ParsesRfc822Dates) {
  auto ms = parse_rfc822_ms("Sat, 07 Sep 2002 09:42:31 +0200");
  ASSERT_TRUE(ms);
  EXPECT_EQ(format_rfc3339_ms(*ms), "2002-09-07T07:42:31Z");
  EXPECT_EQ(format_rfc3339_ms(*parse_rfc822_ms("Sun, 22 Nov 2026 18:00:00 GMT")),
            "2026-11-22T18:00:00Z");
  EXPECT_EQ(format_rfc3339_ms(*parse_rfc822_ms("1 Jan 99 00:00 EST")), "1999-01-01T05:00:00Z");
  EXPECT_FALSE(parse_rfc822_ms("Mon, 32 Nov 2026 10:00:00 GMT"));
  EXPECT_FALSE(parse_rfc822_ms("2026-11-23T10:00:00Z"));
  EXPECT_FALSE(parse_rfc822_ms("Mon, 23 Nov 2026 24:00:00 GMT"));
  EXPECT_FALSE(parse_rfc822_ms("Mon, 23 Nov 2026 10:-1:00 GMT"));
  EXPECT_FALSE(parse_rfc822_ms("Mon, 23 Nov 2026 10:00:61 GMT"));
  EXPECT_FALSE(parse_rfc822_ms("Mon, +3 Nov 2026 10:00:00 GMT"));
}

TEST(TimeUtil, FormatsEpochMilliseconds) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339_ms(1175714200000), "2007-04-04T19:16:40Z");
  EXPECT_EQ(format_rfc3339_ms(1725911162329), "2024-09-09T19:46:02.329Z");
}

TEST(UrlUtil, HostQueryAndLinkHeaders) {
  EXPECT_EQ(url_host("https://Mastodon.Example:443/api/v1"), "mastodon.example");
  EXPECT_EQ(url_host("http://user@127.0.0.1:8080"), "127.0.0.1");
  EXPECT_EQ(url_host("no-scheme"), "");
  EXPECT_EQ(query_param("https://x/y?min_id=12&limit=40", "min_id"), "12");
  EXPECT_EQ(query_param("https://x/y?q=a%20b+c", "q"), "a b c");
  EXPECT_FALSE(query_param("https://x/y?limit=40", "min_id"));
  EXPECT_EQ(add_query("https://x/y", "tag", "a b&c"), "https://x/y?tag=a%20b%26c");
  auto links = parse_link_header(
      "<https://m.example/api/v1/timelines/public?max_id=1001>; rel=\"next\", "
      "<https://m.example/api/v1/timelines/public?min_id=1010>; rel=\"prev\"");
  EXPECT_EQ(links["next"], "https://m.example/api/v1/timelines/public?max_id=1001");
  EXPECT_EQ(links["prev"], "https://m.example/api/v1/timelines/public?min_id=1010");
  EXPECT_EQ(join_url("https://h/v0/", "/item/1.json"), "https://h/v0/item/1.json");
}

}  // namespace
}  // namespace earshot::ingest

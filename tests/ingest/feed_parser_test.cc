// RSS 2.0 and Atom 1.0 parsing.
#include <gtest/gtest.h>

#include "ingest/feed_parser.h"
#include "pipeline/codec/json_codec.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

using testing::read_fixture;

TEST(FeedParser, Rss2ItemsWithGuidsHashesAndDeadLetters) {
  auto feed = parse_feed(read_fixture("rss2.xml"), "https://status.acmeair.example/feed.xml");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->format, "rss");
  EXPECT_EQ(feed->title, "Acme Air Status");
  ASSERT_EQ(feed->items.size(), 2u);
  const FeedItem& a = feed->items[0];
  EXPECT_EQ(a.key, "incident-42");
  EXPECT_EQ(a.post.uid, "rss:status.acmeair.example:incident-42");
  EXPECT_EQ(a.post.source, "rss");
  EXPECT_EQ(a.post.url, "https://status.acmeair.example/incidents/42");
  EXPECT_EQ(a.post.created_at, "2026-11-23T09:15:00Z");
  EXPECT_EQ(a.post.author.name, "Ops Team");
  EXPECT_EQ(
      a.post.text,
      "Check-in app outage\n\nThe check-in app is down & we are on it.\nNext update in 30 min.");
  const FeedItem& b = feed->items[1];
  EXPECT_EQ(b.key.size(), 32u);  // no guid: content hash
  EXPECT_EQ(b.post.uid, "rss:status.acmeair.example:" + b.key);
  EXPECT_EQ(b.post.text, "Baggage delays at LHR\n\nBags are delayed by up to 2 hours.");
  EXPECT_EQ(b.post.created_at, "2026-11-22T18:00:00Z");
  ASSERT_EQ(feed->dead.size(), 2u);
  EXPECT_NE(feed->dead[0].reason.find("yesterday-ish"), std::string::npos);
  EXPECT_NE(feed->dead[0].original.find("<guid>incident-40</guid>"), std::string::npos);
  EXPECT_EQ(feed->dead[1].reason, "item: no title, content or link");
  // The content hash is stable across parses.
  auto again = parse_feed(read_fixture("rss2.xml"), "https://status.acmeair.example/feed.xml");
  EXPECT_EQ(again->items[1].key, b.key);
}

TEST(FeedParser, AtomEntries) {
  auto feed = parse_feed(read_fixture("atom.xml"), "https://blog.acmeair.example/atom.xml");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->format, "atom");
  EXPECT_EQ(feed->title, "Acme Air Blog");
  ASSERT_EQ(feed->items.size(), 2u);
  const pipeline::core::Post& p = feed->items[0].post;
  EXPECT_EQ(p.uid, "rss:blog.acmeair.example:urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a");
  EXPECT_EQ(p.url, "https://blog.acmeair.example/2026/11/new-routes");
  EXPECT_EQ(p.created_at, "2026-11-23T17:30:02Z");  // published, in UTC
  EXPECT_EQ(p.author.name, "Jane Doe");
  EXPECT_EQ(p.text, "New routes & fares\n\nWe fly to Lisbon now.");
  const pipeline::core::Post& q = feed->items[1].post;
  EXPECT_EQ(q.created_at, "2026-11-20T08:00:00Z");  // updated when not published
  EXPECT_EQ(q.text, "Only updated\n\ntext");
  EXPECT_EQ(q.url, "https://blog.acmeair.example/2026/11/only-updated");
}

// Found by tests/fuzz/feed_fuzz: an item naming no author gave a post without author id or
// handle, which the strict decoder refuses downstream. The publication is its author now.
TEST(FeedParser, AnItemWithoutAuthorIsByThePublication) {
  auto feed = parse_feed(
      "<rss version=\"2.0\"><channel><title>Acme News</title><item><title>Hello</title>"
      "<link>https://news.acmeair.example/1</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT"
      "</pubDate></item></channel></rss>",
      "https://news.acmeair.example/feed.xml");
  ASSERT_TRUE(feed) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 1u);
  const pipeline::core::Post& p = feed->items[0].post;
  EXPECT_EQ(p.author.id, "news.acmeair.example");
  EXPECT_EQ(p.author.name, "Acme News");
}

TEST(FeedParser, MalformedAndForeignDocumentsAreErrors) {
  auto bad = parse_feed(read_fixture("rss_malformed.xml"), "https://x.example/f");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line 3"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("mismatched tag"), std::string::npos);
  auto html = parse_feed("<html><body>hi</body></html>", "https://x.example/f");
  ASSERT_FALSE(html);
  EXPECT_NE(html.error().message.find("neither RSS nor Atom"), std::string::npos);
  EXPECT_FALSE(parse_feed("", "https://x.example/f"));
}

// Issue #16: most feeds give no <author>; such an item is by the feed's host and decodes as a
// valid Post (before, every one was dead-lettered by process: "author: needs an id or a handle").
TEST(FeedParser, AnItemWithoutAnAuthorIsByTheFeedsHostAndIsAValidPost) {
  auto feed = parse_feed(R"(<?xml version="1.0"?>
<rss version="2.0"><channel><title>Status</title>
<item><guid>g1</guid><title>All systems go</title><link>https://status.example/1</link>
<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>)",
                         "https://status.example/feed.xml");
  ASSERT_TRUE(feed) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 1u);
  const pipeline::core::Post& p = feed->items[0].post;
  EXPECT_EQ(p.author.id, "status.example");
  EXPECT_EQ(p.author.handle, "status.example");
  auto back = pipeline::codec::decode_post(pipeline::codec::encode(p));
  EXPECT_TRUE(back) << back.error().message;
}

}  // namespace
}  // namespace earshot::ingest

// Reddit Listing and Hacker News item normalisation.
#include <gtest/gtest.h>

#include "ingest/hackernews_item.h"
#include "ingest/reddit_listing.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

using testing::read_fixture;

TEST(RedditListing, LinksBecomePostsAndMalformedChildrenDeadLetters) {
  auto page = parse_reddit_listing(read_fixture("reddit_new_page1.json"));
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->after, "t3_1h2c9d1");
  ASSERT_EQ(page->items.size(), 2u);
  const pipeline::core::Post& p = page->items[0].post;
  EXPECT_EQ(page->items[0].fullname, "t3_1h2c9d3");
  EXPECT_EQ(p.uid, "reddit:acmeair:t3_1h2c9d3");
  EXPECT_EQ(p.url, "https://www.reddit.com/r/acmeair/comments/1h2c9d3/lost_luggage_3_days/");
  EXPECT_EQ(p.created_at, "2024-11-23T10:00:00Z");
  EXPECT_EQ(p.text,
            "Lost luggage > 3 days\n\nThird day without my bag. Support line just hangs "
            "up & the app says \"delivered\".");
  EXPECT_EQ(p.author.handle, "frequentflyer");
  EXPECT_EQ(p.author.id, "t2_8xk3n");
  EXPECT_EQ(page->items[1].post.text, "Great crew on AA123 today");
  ASSERT_EQ(page->dead.size(), 1u);
  EXPECT_EQ(page->dead[0].reason, "created_utc: missing or not a number");
}

// Found by tests/fuzz/reddit_fuzz: a child without author gave an authorless post (refused
// by the strict decoder downstream); it is a dead letter now.
TEST(RedditListing, AChildWithoutAuthorIsADeadLetter) {
  auto page = parse_reddit_listing(
      R"({"kind":"Listing","data":{"after":null,"children":[{"kind":"t3","data":)"
      R"({"name":"t3_x1","subreddit":"acmeair","created_utc":1732356000,"title":"t"}}]}})");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_TRUE(page->items.empty());
  ASSERT_EQ(page->dead.size(), 1u);
  EXPECT_NE(page->dead[0].reason.find("author"), std::string::npos) << page->dead[0].reason;
}

// Found by tests/fuzz/reddit_fuzz (UBSan): created_utc 1e20 rounded to INT64_MIN milliseconds,
// and format_rfc3339_ms overflowed on it; a time after year 9999 has no RFC 3339 form the
// strict decoder accepts either. Such children are dead letters with the reason.
TEST(RedditListing, ACreatedUtcAfterYear9999IsADeadLetter) {
  const auto child = [](const char* created) {
    return std::string(R"({"kind":"t3","data":{"name":"t3_x1","subreddit":"acmeair","author":"a",)") +
           R"("title":"t","created_utc":)" + created + "}}";
  };
  auto page = parse_reddit_listing(R"({"kind":"Listing","data":{"after":null,"children":[)" +
                                   child("100000000000732356000.0") + "," +
                                   child("253402300800") + "," + child("1e300") + "," +
                                   child("253402300799.999") + "]}}");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->dead.size(), 3u);
  for (const auto& d : page->dead) EXPECT_EQ(d.reason, "created_utc: out of range (after year 9999)");
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].post.created_at, "9999-12-31T23:59:59.999Z");
}

TEST(RedditListing, CommentsReplyToTheirParentAndMoreIsSkipped) {
  auto page = parse_reddit_listing(read_fixture("reddit_comments.json"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->after, "");
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].post.uid, "reddit:acmeair:t1_lzq7x1c");
  EXPECT_EQ(page->items[0].post.reply_to, "reddit:acmeair:t3_1h2c9d3");
  EXPECT_EQ(page->items[0].post.text, "DM us your booking ref & we'll chase it.");
  EXPECT_TRUE(page->dead.empty());
}

TEST(RedditListing, ErrorBodiesAreErrors) {
  auto r = parse_reddit_listing(read_fixture("reddit_429.json"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("Too Many Requests"), std::string::npos);
}

TEST(HackerNewsItem, StoriesCommentsTombstonesAndSkips) {
  HnItem story = parse_hackernews_item(read_fixture("hn_story.json"));
  ASSERT_EQ(story.kind, HnItem::Kind::post);
  EXPECT_EQ(story.post->uid, "hackernews:news.ycombinator.com:8863");
  EXPECT_EQ(story.post->url, "https://news.ycombinator.com/item?id=8863");
  EXPECT_EQ(story.post->created_at, "2007-04-04T19:16:40Z");
  EXPECT_EQ(story.post->text, "My YC app: Dropbox - Throw away your USB drive");
  EXPECT_EQ(story.post->author.handle, "dhouston");

  HnItem comment = parse_hackernews_item(read_fixture("hn_comment.json"));
  ASSERT_EQ(comment.kind, HnItem::Kind::post);
  EXPECT_EQ(comment.post->reply_to, "hackernews:news.ycombinator.com:2921506");
  EXPECT_EQ(comment.post->text,
            "Aw shucks, guys ... you make me blush with your compliments.\nTell you what, Ill "
            "make a deal: I'll keep writing if you keep reading. K?");

  HnItem gone = parse_hackernews_item(read_fixture("hn_deleted.json"));
  ASSERT_EQ(gone.kind, HnItem::Kind::post);
  EXPECT_TRUE(gone.post->deleted);
  EXPECT_EQ(gone.post->uid, "hackernews:news.ycombinator.com:8878");

  EXPECT_EQ(parse_hackernews_item(read_fixture("hn_job.json")).kind, HnItem::Kind::skipped);
  EXPECT_EQ(parse_hackernews_item("null").kind, HnItem::Kind::missing);
  HnItem bad = parse_hackernews_item(R"({"id":5,"type":"comment","by":"x","text":"hi"})");
  ASSERT_EQ(bad.kind, HnItem::Kind::malformed);
  EXPECT_EQ(bad.dead->reason, "time: missing");
}

// Found by tests/fuzz/hackernews_fuzz: milliseconds given as seconds made a year-43615 post
// that the strict decoder refuses. Such an item is a dead letter with the reason.
TEST(HackerNewsItem, ATimeBeyondYear9999IsADeadLetter) {
  HnItem r = parse_hackernews_item(
      R"({"by":"norvig","id":5843966,"parent":2921506,"text":"hi","time":1314211127127,"type":"comment"})");
  ASSERT_EQ(r.kind, HnItem::Kind::malformed);
  EXPECT_EQ(r.dead->reason, "time: out of range");
}

TEST(HackerNewsItem, MaxitemAndUpdates) {
  EXPECT_EQ(parse_hackernews_maxitem("8863"), 8863);
  EXPECT_FALSE(parse_hackernews_maxitem("\"x\""));
  auto u = parse_hackernews_updates(R"({"items":[8423305,8420805],"profiles":["thefox"]})");
  ASSERT_TRUE(u);
  EXPECT_EQ(*u, (std::vector<std::int64_t>{8423305, 8420805}));
}

}  // namespace
}  // namespace earshot::ingest

// Mastodon Status entity and timeline normalisation (fixtures follow docs.joinmastodon.org).
#include <gtest/gtest.h>

#include "ingest/mastodon_status.h"
#include "pipeline/codec/json_codec.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

using testing::read_fixture;

TEST(MastodonStatus, NormalisesTheDocumentedStatus) {
  auto s = parse_mastodon_status(read_fixture("mastodon_status.json"), "mastodon.social");
  ASSERT_TRUE(s) << s.error().message;
  const pipeline::core::Post& p = s->post;
  EXPECT_EQ(p.uid, "mastodon:mastodon.social:103270115826048975");
  EXPECT_EQ(p.source, "mastodon");
  EXPECT_EQ(p.url, "https://mastodon.social/@Gargron/103270115826048975");
  EXPECT_EQ(p.created_at, "2019-12-08T03:48:33.901Z");
  EXPECT_EQ(p.author.id, "1");
  EXPECT_EQ(p.author.handle, "@Gargron@mastodon.social");
  EXPECT_EQ(p.author.name, "Eugen");
  EXPECT_EQ(p.author.followers, 318699);
  EXPECT_EQ(p.lang, "en");
  EXPECT_EQ(p.reply_to, "mastodon:mastodon.social:103270115826048970");
  EXPECT_EQ(p.tags, std::vector<std::string>{"banking"});
  EXPECT_EQ(p.mentions, std::vector<std::string>{"@acmeair@mastodon.example"});
  EXPECT_EQ(p.text,
            "\"I lost my inheritance with one wrong digit on my sort code\"\n"
            "https://www.theguardian.com/money/2019/dec/07/"
            "i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code cc @acmeair "
            "#banking\ncaf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80");
  EXPECT_FALSE(p.deleted);
  EXPECT_EQ(s->uri, "https://mastodon.social/users/Gargron/statuses/103270115826048975");
}

// Found by mastodon_fuzz: a negative followers_count made a post the strict decoder refuses.
TEST(MastodonStatus, ANegativeFollowerCountIsUnknownAndThePostStaysValid) {
  const std::string json =
      R"({"id":"7","uri":"https://m.example/users/a/statuses/7","url":"https://m.example/@a/7",)"
      R"("created_at":"2026-11-23T10:05:00Z","content":"<p>hello</p>",)"
      R"("account":{"id":"104","acct":"a","followers_count":-2}})";
  auto s = parse_mastodon_status(json, "m.example");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->post.author.followers.has_value());
  auto back = pipeline::codec::decode_post(pipeline::codec::encode(s->post));
  EXPECT_TRUE(back) << back.error().message;  // the strict decoder takes it
}

TEST(MastodonStatus, TimelineResolvesReblogsAndDeadLettersMalformedEntries) {
  auto page = parse_mastodon_timeline(read_fixture("mastodon_timeline.json"), "mastodon.example");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->statuses.size(), 9u);
  ASSERT_EQ(page->dead.size(), 1u);
  EXPECT_EQ(page->dead[0].reason, "created_at: not an RFC 3339 instant");
  EXPECT_EQ(page->dead[0].stage, "ingest:mastodon");
  EXPECT_NE(page->dead[0].original.find("\"1007\""), std::string::npos);
  EXPECT_EQ(page->max_id, "1010");
  const MastodonStatus& reblog = page->statuses[3];
  EXPECT_EQ(reblog.id, "1004");
  EXPECT_EQ(reblog.post.uid, "mastodon:mastodon.example:2001");
  EXPECT_EQ(reblog.post.text, "original from far away");
  EXPECT_EQ(reblog.post.author.handle, "@bob@far.example");
  EXPECT_EQ(reblog.uri, "https://far.example/users/bob/statuses/2001");
  EXPECT_EQ(page->statuses[0].post.tags, std::vector<std::string>{"acme"});
  EXPECT_EQ(page->statuses[0].post.text, "post number 1001 about #acme");
}

// Found by tests/fuzz/mastodon_fuzz: an account without id and acct gave a post with no
// author, which the strict decoder refuses downstream. It is a malformed status instead.
TEST(MastodonStatus, AnAccountWithoutIdOrAcctIsMalformed) {
  auto s = parse_mastodon_status(
      R"({"id":"1","created_at":"2026-11-23T10:01:00.000Z","content":"<p>hi</p>",)"
      R"("account":{"display_name":"Alice","username":"alice"}})",
      "mastodon.example");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("account"), std::string::npos) << s.error().message;
}

TEST(MastodonStatus, ApiErrorBodiesAreErrors) {
  auto r = parse_mastodon_timeline(R"({"error":"This method requires an authenticated user"})",
                                   "m.example");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("requires an authenticated user"), std::string::npos);
  EXPECT_FALSE(parse_mastodon_timeline("<html>502</html>", "m.example"));
  EXPECT_FALSE(parse_mastodon_status(R"({"id":"1","created_at":"2019-12-08T03:48:33Z"})", "m"));
}

}  // namespace
}  // namespace earshot::ingest

// Bluesky Jetstream event normalisation and the DID → handle cache.
#include <gtest/gtest.h>

#include "ingest/jetstream_event.h"
#include "pipeline/http/cpprest_client.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/loopback_http.h"

namespace earshot::ingest {
namespace {

using testing::read_fixture;

std::shared_ptr<CachingHandleResolver> fake_resolver(int* calls) {
  return std::make_shared<CachingHandleResolver>(
      [calls](std::string_view did) -> std::optional<std::string> {
        ++*calls;
        if (did == "did:plc:eygmaihciaxprqvxpfvl6flk") return "alice.bsky.social";
        if (did == "did:plc:acmeair000000000000000000") return "acmeair.bsky.social";
        return std::nullopt;
      });
}

TEST(JetstreamEvent, CreateBecomesAPostWithHandlesTagsAndReply) {
  int calls = 0;
  auto resolver = fake_resolver(&calls);
  JetstreamEvent e = parse_jetstream_event(read_fixture("jetstream_create.json"), resolver.get());
  ASSERT_TRUE(e.post);
  EXPECT_FALSE(e.dead);
  EXPECT_EQ(e.time_us, 1725911162329308);
  const pipeline::core::Post& p = *e.post;
  EXPECT_EQ(p.uid, "bluesky:did:plc:eygmaihciaxprqvxpfvl6flk:3l3qo2vuowo2b");
  EXPECT_EQ(p.source, "bluesky");
  EXPECT_EQ(p.url, "https://bsky.app/profile/did:plc:eygmaihciaxprqvxpfvl6flk/post/3l3qo2vuowo2b");
  EXPECT_EQ(p.created_at, "2024-09-09T19:46:02.102Z");
  EXPECT_EQ(p.text, "@acmeair.bsky.social flight delayed again #acme");
  EXPECT_EQ(p.author.id, "did:plc:eygmaihciaxprqvxpfvl6flk");
  EXPECT_EQ(p.author.handle, "alice.bsky.social");
  EXPECT_EQ(p.lang, "en");
  EXPECT_EQ(p.reply_to, "bluesky:did:plc:wa7b35aakoll7hugkrjtf3xf:3l3pte3p2e325");
  EXPECT_EQ(p.tags, std::vector<std::string>{"acme"});
  EXPECT_EQ(p.mentions, std::vector<std::string>{"acmeair.bsky.social"});
  // Second event of the same author: answered from the cache.
  parse_jetstream_event(read_fixture("jetstream_create.json"), resolver.get());
  EXPECT_EQ(calls, 2);  // author + mentioned account, once each
  EXPECT_EQ(resolver->lookups(), 2u);
}

TEST(JetstreamEvent, DeleteBecomesATombstone) {
  JetstreamEvent e = parse_jetstream_event(read_fixture("jetstream_delete.json"), nullptr);
  ASSERT_TRUE(e.post);
  EXPECT_TRUE(e.post->deleted);
  EXPECT_EQ(e.post->uid, "bluesky:did:plc:rfov6bpyztcnedeyyzgfq42k:3l3f6nzl3cv2s");
  EXPECT_EQ(e.post->created_at, "2024-09-05T06:11:06.833Z");
}

TEST(JetstreamEvent, IdentityUpdatesTheCacheAndOtherCollectionsYieldNothing) {
  int calls = 0;
  auto resolver = fake_resolver(&calls);
  JetstreamEvent id =
      parse_jetstream_event(read_fixture("jetstream_identity.json"), resolver.get());
  EXPECT_FALSE(id.post);
  EXPECT_FALSE(id.dead);
  EXPECT_EQ(id.identity_handle, "yohenrique.bsky.social");
  EXPECT_EQ(resolver->handle_for("did:plc:ufbl4k27gp6kzas5glhz7fim"), "yohenrique.bsky.social");
  EXPECT_EQ(calls, 0);
  JetstreamEvent like = parse_jetstream_event(read_fixture("jetstream_like.json"), resolver.get());
  EXPECT_FALSE(like.post);
  EXPECT_FALSE(like.dead);
  EXPECT_EQ(like.time_us, 1725911162329310);
}

// Found by tests/fuzz/jetstream_fuzz (UBSan): a time_us beyond int64 was converted with
// undefined behaviour. Such a number is no cursor: the event has none (0).
TEST(JetstreamEvent, ATimeBeyondInt64IsNoTimeNotUndefinedBehaviour) {
  for (const char* t :
       {"172666666666665516666833633", "1.7e26", "-1e300", "18446744073709551615"}) {
    JetstreamEvent e = parse_jetstream_event(
        std::string(R"({"did":"did:plc:x","time_us":)") + t +
            R"(,"kind":"commit","commit":{"rev":"r","operation":"delete","collection":"app.bsky.feed.post","rkey":"k"}})",
        nullptr);
    EXPECT_EQ(e.time_us, 0) << t;
  }
}

TEST(JetstreamEvent, MalformedEventsAreDeadLetters) {
  JetstreamEvent a = parse_jetstream_event("{not json", nullptr);
  ASSERT_TRUE(a.dead);
  EXPECT_EQ(a.dead->original, "{not json");
  JetstreamEvent b = parse_jetstream_event(
      R"({"did":"did:plc:x","time_us":5,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r","record":{"text":"hi","createdAt":"soon"}}})",
      nullptr);
  ASSERT_TRUE(b.dead);
  EXPECT_EQ(b.dead->reason, "record.createdAt: not an RFC 3339 instant");
  EXPECT_EQ(b.time_us, 5);
}

TEST(HandleResolver, CacheIsBoundedAndRemembersMisses) {
  int calls = 0;
  CachingHandleResolver r(
      [&](std::string_view did) -> std::optional<std::string> {
        ++calls;
        return did == "did:plc:a" ? std::optional<std::string>("a.test") : std::nullopt;
      },
      2);
  EXPECT_EQ(r.handle_for("did:plc:a"), "a.test");
  EXPECT_EQ(r.handle_for("did:plc:zzz"), std::nullopt);
  EXPECT_EQ(r.handle_for("did:plc:zzz"), std::nullopt);
  EXPECT_EQ(calls, 2);
  r.handle_for("did:plc:b");  // evicts did:plc:a (least recently used)
  r.handle_for("did:plc:a");
  EXPECT_EQ(calls, 4);
}

TEST(HandleResolver, PlcDirectoryLookupReadsAlsoKnownAs) {
  testing::HttpFixtureServer plc([](const testing::FixtureRequest& req) {
    if (req.path() == "/did:plc:ewvi7nxzyoun6zhxrhs64oiz")
      return testing::FixtureResponse{
          200,
          {},
          R"({"id":"did:plc:ewvi7nxzyoun6zhxrhs64oiz","alsoKnownAs":["at://atproto.com"],"verificationMethod":[]})"};
    return testing::FixtureResponse{404, {}, R"({"message":"DID not registered"})"};
  });
  auto lookup = plc_directory_lookup(
      pipeline::http::make_cpprest_client(earshot::testing::loopback_client()), plc.base_url());
  EXPECT_EQ(lookup("did:plc:ewvi7nxzyoun6zhxrhs64oiz"), "atproto.com");
  EXPECT_EQ(lookup("did:plc:unknown"), std::nullopt);
  EXPECT_EQ(lookup("did:web:example.com"), std::nullopt);
  EXPECT_EQ(plc.request_count(), 2u);
}

}  // namespace
}  // namespace earshot::ingest

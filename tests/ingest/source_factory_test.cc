// make_source: one raw `sources:` item → a working Source, or an error naming the key.
#include <gtest/gtest.h>

#include <filesystem>

#include "ingest/mastodon_stream.h"
#include "ingest/source_factory.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/source_dir.h"

namespace earshot::ingest {
namespace {

using Fields = std::map<std::string, std::string>;

TEST(SourceFactory, BuildsEveryTypeWithItsName) {
  struct Case { Fields fields; std::string name; };
  std::vector<Case> cases = {
      {{{"type", "mastodon"}, {"instance", "https://mastodon.example"}, {"timeline", "hashtag:acme"}},
       "mastodon:mastodon.example:hashtag:acme"},
      {{{"type", "jetstream"}, {"url", "wss://jetstream.example/subscribe"}}, "jetstream:jetstream.example"},
      {{{"type", "reddit"}, {"subreddit", "r/acmeair"}, {"poll_interval", "2m"}}, "reddit:acmeair"},
      {{{"type", "reddit"}, {"query", "acme air"}, {"client_id", "i"}, {"client_secret", "s"},
        {"user_agent", "test/1.0"}}, "reddit:search:acme air"},
      {{{"type", "mastodon"}, {"instance", "mastodon.example:8443"}, {"streaming", "true"}, {"token", "t"}},
       "mastodon:mastodon.example:8443:public"},
      {{{"type", "jetstream"}, {"collections", "app.bsky.feed.post, app.bsky.feed.like"}}, "jetstream:jetstream2.us-east.bsky.network"},
      {{{"type", "rss"}, {"url", "https://example.com/a.xml"}, {"name", "acme-status"}}, "acme-status"},
      {{{"type", "hackernews"}, {"url", "https://hn.example/v0"}}, "hackernews:hn.example"},
      {{{"type", "rss"}, {"url", "https://example.com/feed.xml"}}, "rss:https://example.com/feed.xml"},
      {{{"type", "file"}, {"path", "posts.jsonl"}, {"rate", "5"}, {"follow", "false"}}, "file:posts.jsonl"},
  };
  auto streaming = make_source({{"type", "mastodon"}, {"instance", "https://m.example"}, {"streaming", "yes"}}, "");
  ASSERT_TRUE(streaming);
  EXPECT_NE(dynamic_cast<MastodonStreamSource*>(streaming->get()), nullptr);
  for (const Case& c : cases) {
    auto src = make_source(c.fields, "/etc/earshot");
    ASSERT_TRUE(src) << c.name << ": " << src.error().message;
    EXPECT_EQ((*src)->name(), c.name);
    EXPECT_EQ((*src)->health().state, "ok");
    EXPECT_EQ((*src)->health().name, c.name);
  }
}

TEST(SourceFactory, WebhookListensAndFilePathsResolveAgainstTheConfigFolder) {
  int port = testing::free_port();
  auto hook = make_source({{"type", "webhook"}, {"listen", "127.0.0.1:" + std::to_string(port)},
                           {"secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, {"max_body", "1MiB"}}, "");
  ASSERT_TRUE(hook) << hook.error().message;
  EXPECT_EQ((*hook)->name(), "webhook:127.0.0.1:" + std::to_string(port));
  std::string data = earshot::testing::source_path("tests/ingest/data").string();
  auto file = make_source({{"type", "file"}, {"path", "posts.jsonl"}}, data);
  ASSERT_TRUE(file);
  auto batch = (*file)->poll(std::chrono::milliseconds(100));
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_EQ(batch->posts.size(), 4u);
  EXPECT_TRUE(batch->end_of_stream);
}

TEST(ConfigValues, DurationsSizesAndBooleans) {
  EXPECT_EQ(parse_bytes("1MiB"), 1048576u);
  EXPECT_EQ(parse_bytes("512KiB"), 524288u);
  EXPECT_EQ(parse_bytes("2MB"), 2000000u);
  EXPECT_EQ(parse_bytes("4096"), 4096u);
  EXPECT_FALSE(parse_bytes("big"));
  EXPECT_EQ(parse_bool("Yes"), true);
  EXPECT_EQ(parse_bool("off"), false);
  EXPECT_FALSE(parse_bool("maybe"));
  EXPECT_EQ(parse_duration("1h"), std::chrono::milliseconds(3600000));
}

TEST(SourceFactory, ErrorsNameTheKey) {
  auto expect_error = [](const Fields& f, const std::string& needle) {
    auto src = make_source(f, "");
    ASSERT_FALSE(src) << needle;
    EXPECT_EQ(src.error().code, pipeline::core::ErrorCode::kInvalidArgument);
    EXPECT_NE(src.error().message.find(needle), std::string::npos) << src.error().message;
  };
  expect_error({}, "type: required");
  expect_error({{"type", "myspace"}}, "unknown type 'myspace'");
  expect_error({{"type", "mastodon"}}, "sources[mastodon].instance: required");
  expect_error({{"type", "mastodon"}, {"instance", "https://m.example"}, {"timeline", "home"}}, "timeline");
  expect_error({{"type", "rss"}, {"url", "https://x/f"}, {"colour", "blue"}}, "sources[rss].colour: unknown key");
  expect_error({{"type", "rss"}, {"url", "https://x/f"}, {"poll_interval", "often"}}, "poll_interval");
  expect_error({{"type", "file"}, {"path", "p"}, {"rate", "-1"}}, "rate");
  expect_error({{"type", "webhook"}, {"listen", "127.0.0.1:1"}}, "secret: required");
  expect_error({{"type", "reddit"}, {"subreddit", "x"}, {"listing", "hot"}}, "listing");
  expect_error({{"type", "reddit"}}, "sources[reddit].subreddit: required (or query)");
  expect_error({{"type", "webhook"}, {"secret", "s"}, {"max_body", "lots"}}, "max_body");
  expect_error({{"type", "file"}, {"path", "p"}, {"follow", "maybe"}}, "follow");
}

}  // namespace
}  // namespace earshot::ingest

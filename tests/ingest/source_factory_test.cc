// make_source: one `sources:` item, as the config loader typed it (SourceDef), → a working
// Source under the loader's name, with the configured values reaching the connector.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "ingest/mastodon_stream.h"
#include "ingest/source_factory.h"
#include "pipeline/config/config.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/loopback_http.h"
#include "tests/support/source_dir.h"

namespace earshot::ingest {
namespace {

using pipeline::config::SourceDef;
using std::chrono::milliseconds;
using testing::FixtureRequest;
using testing::FixtureResponse;
using testing::HttpFixtureServer;

// The sources of `yaml` as load_config reads them (relative paths against `base_dir`).
std::vector<SourceDef> sources(const std::string& yaml,
                               const std::string& base_dir = "/etc/earshot") {
  auto cfg = pipeline::config::parse_config(yaml, "test.yaml", base_dir);
  EXPECT_TRUE(cfg) << (cfg ? "" : cfg.error().message);
  return cfg ? cfg->sources : std::vector<SourceDef>{};
}

TEST(SourceFactory, BuildsEveryTypeUnderTheLoadersName) {
  int port = testing::free_port();
  auto defs = sources(R"(
sources:
  - {type: mastodon, instance: "https://mastodon.example", timeline: "hashtag:acme"}
  - {type: mastodon, instance: "m.example", streaming: true, token: t}
  - {type: mastodon, instance: "mastodon.example:8443", timeline: "hashtag:#acme"}
  - {type: jetstream, url: "wss://jetstream.example/subscribe"}
  - {type: jetstream, collections: "app.bsky.feed.post, app.bsky.feed.like"}
  - {type: reddit, subreddit: r/acmeair, poll_interval: 2m}
  - {type: reddit, subreddit: acmeair, listing: comments}
  - {type: reddit, query: acme air, client_id: i, client_secret: s, user_agent: test/1.0}
  - {type: hackernews, url: "https://hn.example/v0"}
  - {type: rss, url: "https://example.com/a.xml", name: acme-status}
  - {type: rss, url: "https://example.com/feed.xml"}
  - {type: atom, url: "https://example.com/feed.atom"}
  - {type: webhook, listen: "127.0.0.1:)" +
                      std::to_string(port) + R"(", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
  - {type: file, path: posts.jsonl, rate: 5, follow: false}
)");
  std::vector<std::string> names = {"mastodon:mastodon.example:hashtag:acme",
                                    "mastodon:m.example:public",
                                    "mastodon:mastodon.example:8443:hashtag:#acme",
                                    "jetstream:jetstream.example",
                                    "jetstream:jetstream2.us-east.bsky.network",
                                    "reddit:acmeair",
                                    "reddit:acmeair:comments",
                                    "reddit:search:acme air",
                                    "hackernews:hn.example",
                                    "acme-status",
                                    "rss:https://example.com/feed.xml",
                                    "atom:https://example.com/feed.atom",
                                    "webhook:127.0.0.1:" + std::to_string(port),
                                    "file:posts.jsonl"};
  ASSERT_EQ(defs.size(), names.size());
  for (std::size_t i = 0; i < defs.size(); ++i) {
    auto src = make_source(defs[i]);
    ASSERT_TRUE(src) << names[i] << ": " << src.error().message;
    EXPECT_EQ((*src)->name(), names[i]);
    EXPECT_EQ((*src)->health().state, "ok");
    EXPECT_EQ((*src)->health().name, names[i]);
    if (i == 1) {
      EXPECT_NE(dynamic_cast<MastodonStreamSource*>(src->get()), nullptr);
    }
  }
}

// limit, listing, user_agent and the URLs go from the config to the requests; atom is the
// feed reader.
TEST(SourceFactory, ConfiguredValuesReachTheConnectors) {
  std::ifstream in(earshot::testing::source_path("tests/ingest/data/atom.xml"));
  const std::string atom((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(atom.empty());
  HttpFixtureServer server([&](const FixtureRequest& r) {
    if (r.path().starts_with("/api/v1/")) return FixtureResponse{200, {}, "[]"};
    if (r.path().starts_with("/r/")) {
      return FixtureResponse{200, {}, R"({"kind":"Listing","data":{"after":null,"children":[]}})"};
    }
    return FixtureResponse{200, {{"Content-Type", "application/atom+xml"}}, atom};
  });
  const std::string base = server.base_url();
  auto defs = sources(R"(
outbound: {allow_private: [127.0.0.1]}
sources:
  - {type: mastodon, instance: ")" +
                      base + R"(", timeline: local, limit: 7}
  - {type: reddit, subreddit: acme, listing: comments, limit: 9, url: ")" +
                      base + R"(",
     user_agent: earshot-test/2.0}
  - {type: atom, url: ")" +
                      base + R"(/feed.atom", max_keys: 5}
)");
  ASSERT_EQ(defs.size(), 3u);
  std::size_t polled_posts = 0;
  for (const SourceDef& def : defs) {
    auto src = make_source(def, {.address_policy = earshot::testing::loopback_policy()});
    ASSERT_TRUE(src) << def.name << ": " << src.error().message;
    auto batch = (*src)->poll(milliseconds(2000));
    ASSERT_TRUE(batch) << def.name << ": " << batch.error().message;
    polled_posts += batch->posts.size();
  }
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].path(), "/api/v1/timelines/public");
  EXPECT_NE(requests[0].target.find("local=true"), std::string::npos) << requests[0].target;
  EXPECT_NE(requests[0].target.find("limit=7"), std::string::npos) << requests[0].target;
  EXPECT_EQ(requests[1].path(), "/r/acme/comments.json");
  EXPECT_NE(requests[1].target.find("limit=9"), std::string::npos) << requests[1].target;
  EXPECT_EQ(requests[1].header("user-agent"), "earshot-test/2.0");
  EXPECT_EQ(requests[2].path(), "/feed.atom");
  EXPECT_GT(polled_posts, 0u);  // the Atom entries
}

TEST(SourceFactory, WebhookListensAndFilePathsResolveAgainstTheConfigFolder) {
  int port = testing::free_port();
  std::string data = earshot::testing::source_path("tests/ingest/data").string();
  auto defs = sources(
      R"(
sources:
  - {type: webhook, listen: "127.0.0.1:)" +
          std::to_string(port) +
          R"(", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, max_body: 1MiB, max_queue: 10}
  - {type: file, path: posts.jsonl}
)",
      data);
  ASSERT_EQ(defs.size(), 2u);
  auto hook = make_source(defs[0]);
  ASSERT_TRUE(hook) << hook.error().message;
  EXPECT_EQ((*hook)->name(), "webhook:127.0.0.1:" + std::to_string(port));
  auto file = make_source(defs[1]);
  ASSERT_TRUE(file) << file.error().message;
  auto batch = (*file)->poll(milliseconds(100));
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_EQ(batch->posts.size(), 4u);
  EXPECT_TRUE(batch->end_of_stream);
}

TEST(SourceFactory, ErrorsAreTheConnectorsOwn) {
  SourceDef unknown;
  unknown.type = "myspace";
  auto src = make_source(unknown);
  ASSERT_FALSE(src);
  EXPECT_EQ(src.error().code, pipeline::core::ErrorCode::kInvalidArgument);
  EXPECT_NE(src.error().message.find("unknown type 'myspace'"), std::string::npos)
      << src.error().message;
  // A webhook whose port is taken fails when it starts listening.
  int port = testing::free_port();
  auto defs =
      sources("sources: [{type: webhook, name: a, listen: \"127.0.0.1:" + std::to_string(port) +
              "\", secret: s-0123456789abcdef}, {type: webhook, name: b, listen: \"127.0.0.1:" +
              std::to_string(port) + "\", secret: s-0123456789abcdef}]\n");
  ASSERT_EQ(defs.size(), 2u);
  auto first = make_source(defs[0]);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(make_source(defs[1]));
}

}  // namespace
}  // namespace earshot::ingest

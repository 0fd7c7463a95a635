// The `sources:` schema (config.h SourceDef): every documented key of every type loads
// through load_config into its typed field, the documented keys (pipeline/config/README.md,
// ingest/source_factory.h) are exactly the keys the loader reads, and bad values name
// FILE:LINE:COL and the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/config/config.h"
#include "tests/pipeline/config/support/parse_helpers.h"
#include "tests/support/source_dir.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using config_testing::errors_of;
using config_testing::fixture;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "test.yaml:LINE:COL" of the first occurrence of `needle` in `yaml` (both from 1).
std::string at(std::string_view yaml, std::string_view needle) {
  std::size_t i = yaml.find(needle);
  EXPECT_NE(i, std::string_view::npos) << needle;
  if (i == std::string_view::npos) return "";
  std::size_t line_start = yaml.rfind('\n', i);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::size_t line = 1 + static_cast<std::size_t>(std::count(yaml.begin(), yaml.begin() + i, '\n'));
  return "test.yaml:" + std::to_string(line) + ":" + std::to_string(i - line_start + 1);
}

// The documented keys of each type with a valid value for each (besides `type`).
const std::map<std::string, std::map<std::string, std::string>>& documented_keys() {
  static const std::map<std::string, std::map<std::string, std::string>> keys{
      {"mastodon",
       {{"name", "n"},
        {"instance", "m.example"},
        {"timeline", "local"},
        {"token", "t"},
        {"streaming", "true"},
        {"poll_interval", "20s"},
        {"limit", "10"},
        {"rate", "2"}}},
      {"jetstream",
       {{"name", "n"},
        {"url", "wss://j.example/subscribe"},
        {"collections", "[a.b.c]"},
        {"expected_interval", "2s"},
        {"stall_factor", "10"}}},
      {"reddit",
       {{"name", "n"},
        {"subreddit", "x"},
        {"query", "q"},
        {"client_id", "i"},
        {"client_secret", "s"},
        {"user_agent", "ua/1"},
        {"listing", "comments"},
        {"url", "https://r.example"},
        {"oauth_url", "https://o.example"},
        {"token_url", "https://r.example/token"},
        {"poll_interval", "2m"},
        {"limit", "10"},
        {"rate", "2"}}},
      {"hackernews",
       {{"name", "n"},
        {"url", "https://hn.example/v0"},
        {"poll_interval", "1m"},
        {"backfill", "10"},
        {"max_items", "10"}}},
      {"rss",
       {{"name", "n"},
        {"url", "https://f.example/rss"},
        {"poll_interval", "1m"},
        {"max_keys", "10"}}},
      {"atom",
       {{"name", "n"},
        {"url", "https://f.example/atom"},
        {"poll_interval", "1m"},
        {"max_keys", "10"}}},
      {"webhook",
       {{"name", "n"},
        {"listen", "127.0.0.1:9000"},
        {"secret", "s-0123456789abcdef"},
        {"max_body", "64KiB"},
        {"max_queue", "10"}}},
      {"file",
       {{"name", "n"},
        {"path", "p.jsonl"},
        {"rate", "5"},
        {"follow", "true"},
        {"poll_interval", "1s"}}},
  };
  return keys;
}

// The smallest valid item of each type.
const std::map<std::string, std::string>& minimal_items() {
  static const std::map<std::string, std::string> items{
      {"mastodon", "type: mastodon, instance: m.example"},
      {"jetstream", "type: jetstream"},
      {"reddit", "type: reddit, subreddit: x"},
      {"hackernews", "type: hackernews"},
      {"rss", "type: rss, url: https://f.example/rss"},
      {"atom", "type: atom, url: https://f.example/atom"},
      {"webhook", "type: webhook, secret: s-0123456789abcdef"},
      {"file", "type: file, path: p.jsonl"},
  };
  return items;
}

std::set<std::string> key_set(const std::map<std::string, std::string>& keys) {
  std::set<std::string> out;
  for (const auto& [k, v] : keys) out.insert(k);
  return out;
}

TEST(ConfigSources, EveryDocumentedKeyLoadsIntoItsTypedField) {
  ::unsetenv("EARSHOT_TEST_UNSET_TOKEN");
  core::Result<Config> r = load_config(fixture("every_source_key.yaml"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const std::vector<SourceDef>& s = r->sources;
  ASSERT_EQ(s.size(), 8u);

  EXPECT_EQ(s[0].type, "mastodon");
  EXPECT_EQ(s[0].name, "masto");
  EXPECT_EQ(s[0].instance, "https://mastodon.example:8443");
  EXPECT_EQ(s[0].timeline, "hashtag:#acme");
  EXPECT_EQ(s[0].token, "masto-token");
  EXPECT_TRUE(s[0].streaming);
  EXPECT_EQ(s[0].poll_interval, 20s);
  EXPECT_EQ(s[0].limit, 25);
  EXPECT_EQ(s[0].rate, 0.5);

  EXPECT_EQ(s[1].type, "jetstream");
  EXPECT_EQ(s[1].name, "jet");
  EXPECT_EQ(s[1].url, "ws://jetstream.example/subscribe");
  EXPECT_EQ(s[1].collections,
            (std::vector<std::string>{"app.bsky.feed.post", "app.bsky.feed.like"}));
  EXPECT_EQ(s[1].expected_interval, 2s);
  EXPECT_EQ(s[1].stall_factor, 12.5);

  EXPECT_EQ(s[2].type, "reddit");
  EXPECT_EQ(s[2].name, "red");
  EXPECT_EQ(s[2].subreddit, "acmeair");
  EXPECT_EQ(s[2].query, "acme outage");
  EXPECT_EQ(s[2].client_id, "cid");
  EXPECT_EQ(s[2].client_secret, "csecret");
  EXPECT_EQ(s[2].user_agent, "earshot-test/2.0");
  EXPECT_EQ(s[2].listing, "comments");
  EXPECT_EQ(s[2].url, "http://reddit.example");
  EXPECT_EQ(s[2].oauth_url, "http://oauth.reddit.example");
  EXPECT_EQ(s[2].token_url, "http://reddit.example/api/v1/access_token");
  EXPECT_EQ(s[2].poll_interval, 90s);  // a plain number is seconds
  EXPECT_EQ(s[2].limit, 50);
  EXPECT_EQ(s[2].rate, 0.0);  // no client-side limit

  EXPECT_EQ(s[3].type, "hackernews");
  EXPECT_EQ(s[3].name, "hn");
  EXPECT_EQ(s[3].url, "http://hn.example/v0");
  EXPECT_EQ(s[3].poll_interval, 90s);
  EXPECT_EQ(s[3].backfill, 500);
  EXPECT_EQ(s[3].max_items, 20);

  EXPECT_EQ(s[4].type, "rss");
  EXPECT_EQ(s[4].name, "feed");
  EXPECT_EQ(s[4].url, "https://status.example/history.rss");
  EXPECT_EQ(s[4].poll_interval, 10min);
  EXPECT_EQ(s[4].max_keys, 300);

  EXPECT_EQ(s[5].type, "atom");
  EXPECT_EQ(s[5].name, "atom-feed");
  EXPECT_EQ(s[5].url, "https://status.example/history.atom");
  EXPECT_EQ(s[5].poll_interval, 2500ms);
  EXPECT_EQ(s[5].max_keys, 200);

  EXPECT_EQ(s[6].type, "webhook");
  EXPECT_EQ(s[6].name, "hook");
  EXPECT_EQ(s[6].listen, "0.0.0.0:9443");
  EXPECT_EQ(s[6].secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  EXPECT_EQ(s[6].max_body, 2u << 20);
  EXPECT_EQ(s[6].max_queue, 64);

  EXPECT_EQ(s[7].type, "file");
  EXPECT_EQ(s[7].name, "replay");
  EXPECT_EQ(s[7].path,
            (fs::path(fixture("x")).parent_path() / "../posts.jsonl").lexically_normal().string());
  EXPECT_EQ(s[7].rate, 250.0);
  EXPECT_TRUE(s[7].follow);
  EXPECT_EQ(s[7].poll_interval, 500ms);
}

TEST(ConfigSources, DefaultsPerType) {
  core::Result<Config> r = parse_config(R"(
sources:
  - {type: mastodon, instance: m.example}
  - {type: jetstream}
  - {type: reddit, subreddit: acme}
  - {type: reddit, subreddit: acme, listing: comments}
  - {type: hackernews}
  - {type: rss, url: "https://f.example/rss"}
  - {type: atom, url: "https://f.example/atom"}
  - {type: webhook, secret: s-0123456789abcdef}
  - {type: file, path: p.jsonl}
)",
                                        "test.yaml", "/etc/earshot");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const std::vector<SourceDef>& s = r->sources;
  ASSERT_EQ(s.size(), 9u);
  EXPECT_EQ(s[0].limit, 40);
  EXPECT_EQ(s[0].rate, 1.0);
  EXPECT_EQ(s[0].poll_interval, 15s);
  EXPECT_FALSE(s[0].streaming);
  EXPECT_FALSE(s[0].token.has_value());
  EXPECT_EQ(s[1].collections, std::vector<std::string>{"app.bsky.feed.post"});
  EXPECT_EQ(s[1].expected_interval, 1s);
  EXPECT_EQ(s[1].stall_factor, 30.0);
  EXPECT_EQ(s[2].url, "https://www.reddit.com");
  EXPECT_EQ(s[2].oauth_url, "https://oauth.reddit.com");
  EXPECT_EQ(s[2].token_url, "https://www.reddit.com/api/v1/access_token");
  EXPECT_EQ(s[2].listing, "new");
  EXPECT_EQ(s[2].limit, 100);
  EXPECT_EQ(s[2].rate, 1.0);
  EXPECT_EQ(s[2].user_agent, "earshot/0.1 (+https://github.com/earshot)");
  EXPECT_EQ(s[2].name, "reddit:acme");
  EXPECT_EQ(s[3].name, "reddit:acme:comments");  // another cursor than the new listing's
  EXPECT_EQ(s[4].url, "https://hacker-news.firebaseio.com/v0");
  EXPECT_EQ(s[4].poll_interval, 30s);
  EXPECT_EQ(s[4].backfill, 0);
  EXPECT_EQ(s[4].max_items, 100);
  EXPECT_EQ(s[5].poll_interval, 5min);
  EXPECT_EQ(s[5].max_keys, 1000);
  EXPECT_EQ(s[5].name, "rss:https://f.example/rss");
  EXPECT_EQ(s[6].poll_interval, 5min);
  EXPECT_EQ(s[6].name, "atom:https://f.example/atom");
  EXPECT_EQ(s[7].listen, "127.0.0.1:8081");
  EXPECT_EQ(s[7].max_body, 1u << 20);
  EXPECT_EQ(s[7].max_queue, 10000);
  EXPECT_EQ(s[8].rate, std::nullopt);  // as fast as possible
  EXPECT_FALSE(s[8].follow);
  EXPECT_EQ(s[8].poll_interval, 1s);
}

TEST(ConfigSources, CollectionsTakeAListOrOneCommaSeparatedString) {
  core::Result<Config> r = parse_config(R"(
sources:
  - {type: jetstream, name: a, collections: "app.bsky.feed.post, app.bsky.feed.like"}
  - {type: jetstream, name: b, collections: app.bsky.feed.repost}
)",
                                        "test.yaml", "");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->sources[0].collections,
            (std::vector<std::string>{"app.bsky.feed.post", "app.bsky.feed.like"}));
  EXPECT_EQ(r->sources[1].collections, std::vector<std::string>{"app.bsky.feed.repost"});
  EXPECT_THAT(errors_of("sources: [{type: jetstream, collections: ' , '}]\n"),
              HasSubstr("sources[0].collections: give at least one"));
}

// Accepted keys = documented keys: every documented key of a type loads, and a key
// documented for another type only is an unknown key here.
TEST(ConfigSources, TheLoaderReadsExactlyTheDocumentedKeys) {
  std::set<std::string> all;
  for (const auto& [type, keys] : documented_keys()) {
    for (const auto& [k, v] : keys) all.insert(k);
  }
  for (const auto& [type, keys] : documented_keys()) {
    std::string item = "type: " + type;
    for (const auto& [k, v] : keys) item += ", " + k + ": " + v;
    core::Result<Config> r = parse_config("sources: [{" + item + "}]\n", "test.yaml", "/tmp");
    EXPECT_TRUE(r.has_value()) << type << ": " << (r ? "" : r.error().message);
    for (const std::string& other : all) {
      if (keys.count(other)) continue;
      std::string yaml = "sources: [{" + minimal_items().at(type) + ", " + other + ": x}]\n";
      EXPECT_THAT(errors_of(yaml), HasSubstr(at(yaml, other + ":") + ": unknown key '" + other +
                                             "' in sources[0] (" + type + ")"));
    }
  }
}

// pipeline/config/README.md's table lists, per type, exactly the keys above.
TEST(ConfigSources, TheReadmeTableListsTheLoadedKeys) {
  std::string readme =
      read_text(earshot::testing::source_path("pipeline/config/README.md").string());
  ASSERT_FALSE(readme.empty());
  for (const auto& [type, keys] : documented_keys()) {
    std::size_t row = readme.find("| `" + type + "` |");
    ASSERT_NE(row, std::string::npos) << type;
    std::string line = readme.substr(row, readme.find('\n', row) - row);
    std::set<std::string> listed{"name"};  // every type takes `name`
    std::regex key("`([a-z_]+)`");
    for (auto it = std::sregex_iterator(line.begin(), line.end(), key);
         it != std::sregex_iterator(); ++it) {
      listed.insert((*it)[1]);
    }
    listed.erase(type);
    EXPECT_EQ(listed, key_set(keys)) << type;
  }
}

// ingest/source_factory.h's comment ("mastodon:   instance*, timeline, ...") lists the same.
TEST(ConfigSources, TheSourceFactoryCommentListsTheLoadedKeys) {
  std::istringstream in(
      read_text(earshot::testing::source_path("ingest/source_factory.h").string()));
  std::map<std::string, std::string> listed;  // type -> its keys' text
  std::vector<std::string> current;
  std::regex head(R"(^//   ([a-z]+(, [a-z]+)*):\s+(.*)$)");
  std::regex more(R"(^//\s{6,}(.*)$)");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("// Every type takes")) break;
    std::smatch m;
    if (std::regex_match(line, m, head)) {
      current.clear();
      std::string types = m[1];
      for (std::size_t i = 0; i <= types.size();) {
        std::size_t comma = std::min(types.find(", ", i), types.size());
        current.push_back(types.substr(i, comma - i));
        i = comma + 2;
      }
      for (const std::string& t : current) listed[t] += m[3].str() + ",";
    } else if (!current.empty() && std::regex_match(line, m, more)) {
      for (const std::string& t : current) listed[t] += m[1].str() + ",";
    } else {
      current.clear();
    }
  }
  for (const auto& [type, keys] : documented_keys()) {
    ASSERT_TRUE(listed.count(type)) << type;
    std::string text = std::regex_replace(listed[type], std::regex(R"(\([^)]*\))"), "");
    std::set<std::string> found{"name"};
    std::regex word(R"(([a-z_]+)\*?\s*(,| or ))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), word);
         it != std::sregex_iterator(); ++it) {
      found.insert((*it)[1]);
    }
    EXPECT_EQ(found, key_set(keys)) << type << ": " << listed[type];
  }
}

TEST(ConfigSources, BadValuesNameFileLineColumnAndKey) {
  const std::string yaml = R"(sources:
  - {type: mastodon, instance: m.example, limit: lots, rate: fast, streaming: maybe}
  - {type: mastodon, name: m2, instance: m.example, limit: 41, poll_interval: 1.5s}
  - {type: jetstream, collections: {a: b}, expected_interval: soon, stall_factor: 0.5}
  - {type: reddit, subreddit: x, listing: hot, oauth_url: "ftp://o.example", limit: 0}
  - {type: hackernews, backfill: -1, max_items: [1]}
  - {type: atom, url: "https://f.example/a", max_keys: 0}
  - {type: webhook, secret: s-0123456789abcdef, max_queue: 0, max_body: lots}
  - {type: file, path: p.jsonl, follow: maybe, poll_interval: 5min}
)";
  std::string err = errors_of(yaml);
  EXPECT_THAT(err,
              HasSubstr(at(yaml, "lots,") + ": sources[0].limit: expected an integer, got 'lots'"));
  EXPECT_THAT(err,
              HasSubstr(at(yaml, "fast") + ": sources[0].rate: expected a number, got 'fast'"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "maybe}") +
                             ": sources[0].streaming: expected true or false, got 'maybe'"));
  EXPECT_THAT(err,
              HasSubstr(at(yaml, "41") + ": sources[1].limit: must be between 1 and 40, got 41"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "1.5s") +
                             ": sources[1].poll_interval: a fraction with a unit in '1.5s'"));
  EXPECT_THAT(err,
              HasSubstr(at(yaml, "{a: b}") +
                        ": sources[2].collections: expected a list such as [a, b], got a mapping"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "soon") +
                             ": sources[2].expected_interval: expected a number in 'soon'"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "0.5}") + ": sources[2].stall_factor: must be between"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "hot") +
                             ": sources[3].listing: expected one of new|comments, got 'hot'"));
  EXPECT_THAT(
      err, HasSubstr(at(yaml, "\"ftp://o.example\"") +
                     ": sources[3].oauth_url: expected a URL starting with https:// or http://"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "0}\n  - {type: hackernews") +
                             ": sources[3].limit: must be between 1 and 100, got 0"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "-1") + ": sources[4].backfill: must be between 0 and"));
  EXPECT_THAT(
      err, HasSubstr(at(yaml, "[1]") + ": sources[4].max_items: expected an integer, got a list"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "0}\n  - {type: webhook") +
                             ": sources[5].max_keys: must be between 1 and"));
  EXPECT_THAT(err,
              HasSubstr(at(yaml, "0, max_body") + ": sources[6].max_queue: must be between 1 and"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "lots}") + ": sources[6].max_body: expected a byte size"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "maybe, poll") +
                             ": sources[7].follow: expected true or false, got 'maybe'"));
  EXPECT_THAT(err, HasSubstr(at(yaml, "5min") + ": sources[7].poll_interval: unknown unit 'min'"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n') + 1, 18) << err;
}

TEST(ConfigSources, KeysOfAnotherTypeAreUnknownWithASuggestion) {
  const std::string yaml = R"(sources:
  - {type: rss, url: "https://f.example/rss", limit: 5}
  - {type: file, path: p.jsonl, max_key: 5}
  - {type: webhook, secret: s, max_queu: 5}
)";
  std::string err = errors_of(yaml);
  EXPECT_THAT(err, HasSubstr(at(yaml, "limit") + ": unknown key 'limit' in sources[0] (rss)"));
  EXPECT_THAT(err,
              HasSubstr(at(yaml, "max_key:") + ": unknown key 'max_key' in sources[1] (file)"));
  EXPECT_THAT(err,
              HasSubstr(at(yaml, "max_queu") + ": unknown key 'max_queu' in sources[2] (webhook); "
                                               "did you mean 'max_queue'?"));
}

}  // namespace
}  // namespace earshot::pipeline::config

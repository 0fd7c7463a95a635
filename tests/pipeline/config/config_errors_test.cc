// Every error rule of pipeline/config.h: unknown keys with a suggestion, wrong types, YAML
// syntax, cross-checked entities, required and duplicate keys, bad values — each reported
// as file:line:col: key: what, all of them, sorted by position.
#include "pipeline/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/pipeline/config/support/parse_helpers.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;
using config_testing::errors_of;
using config_testing::fixture;

TEST(Config, UnknownKeysAreErrorsWithASuggestion) {
  std::string path = fixture("bad_unknown_key.yaml");
  core::Result<Config> r = load_config(path);
  ASSERT_FALSE(r.has_value());
  const std::string& err = r.error().message;
  EXPECT_THAT(err, HasSubstr(path + ":3:5: unknown key 'intance' in sources[0] (mastodon); "
                                    "did you mean 'instance'?"));
  EXPECT_THAT(err, HasSubstr(path + ":5:54: unknown key 'poll_intervall' in sources[1] (rss); "
                                    "did you mean 'poll_interval'?"));
  EXPECT_THAT(err, HasSubstr(path + ":6:1: unknown top-level key 'logs'; did you mean 'log'?"));
  // The missing instance is reported too: every error, not only the first.
  EXPECT_THAT(err, HasSubstr(path + ":2:5: sources[0] (mastodon): missing required key "
                                    "'instance'"));
}

TEST(Config, KeysAKindDoesNotUseAreUnknown) {
  std::string err = errors_of("alerts:\n  - {name: a, kind: spike, pattern: down}\n");
  EXPECT_THAT(err, HasSubstr("test.yaml:2:28: unknown key 'pattern' in alerts[0] (a)"));
}

TEST(Config, WrongTypesNameTheKeyAndTheValue) {
  std::string path = fixture("bad_types.yaml");
  core::Result<Config> r = load_config(path);
  ASSERT_FALSE(r.has_value());
  const std::string& err = r.error().message;
  EXPECT_THAT(err, HasSubstr(path + ":3:15: log.partitions: expected an integer, got 'abc'"));
  EXPECT_THAT(err, HasSubstr(path + ":5:12: process.threads: expected an integer, got a list"));
  EXPECT_THAT(err, HasSubstr(path + ":6:15: process.batch_size: must be between 1 and"));
  EXPECT_THAT(err, HasSubstr(path + ":8:15: windows.sizes[1]: a fraction with a unit in '1.5m'"));
  EXPECT_THAT(err, HasSubstr(path + ":9:21: windows.allowed_lateness:"));
  EXPECT_THAT(err, HasSubstr(path + ":11:9: replies.mode: expected one of "
                                    "off|shadow|approval|auto, got 'automatic'"));
  EXPECT_THAT(err, HasSubstr(path + ":12:14: replies.daily_cap: expected an integer, got 'lots'"));
  // One line per error, sorted by position.
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n') + 1, 7);
  EXPECT_LT(err.find(":3:15:"), err.find(":12:14:"));
}

TEST(Config, YamlSyntaxErrorsGiveTheLine) {
  std::string path = fixture("bad_syntax.yaml");
  core::Result<Config> r = load_config(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr(path + ":5:"));
  EXPECT_THAT(r.error().message, HasSubstr("YAML syntax error"));
}

TEST(Config, EntitiesAreCrossChecked) {
  std::string path = fixture("bad_entities.yaml");
  core::Result<Config> r = load_config(path);
  ASSERT_FALSE(r.has_value());
  const std::string& err = r.error().message;
  EXPECT_THAT(err, HasSubstr(path + ":5:5: entities[1]: duplicate entity id 'acme-air' "
                                    "(first at line 2)"));
  EXPECT_THAT(err, HasSubstr(path + ":9:13: entities[2].parent: no entity with id 'acme-cloud'"));
  EXPECT_THAT(err, HasSubstr(path + ":12:13: entities[3].parent: 'skyapp' is a product"));
  EXPECT_THAT(err, HasSubstr(path + ":14:11: entities[4].kind: expected one of company|product, "
                                    "got 'corporation'"));
  EXPECT_THAT(err, HasSubstr(path + ":16:13: entities[5].parent: only a product has a parent"));
  EXPECT_THAT(err, HasSubstr(path + ":19:16: entities[6].patterns[0]: bad regular expression"));
  EXPECT_THAT(err, HasSubstr(path + ":21:41: alerts[0].entity: no entity with id "
                                    "'acme-airline'"));
  EXPECT_THAT(err, HasSubstr(path + ":22:12: alerts[1].name: duplicate name 'spikes'"));
  EXPECT_THAT(err, HasSubstr(path + ":23:5: alerts[2] (words): missing required key 'pattern'"));
  EXPECT_THAT(err, HasSubstr(path + ":24:32: unknown key 'pattern' in alerts[3] (mixed)"));
}

TEST(Config, RequiredFieldsAreReported) {
  std::string err = errors_of(R"(
log: {kind: kafka}
sources:
  - {type: mastodon}
  - {type: rss}
  - {type: file}
  - {type: reddit}
  - {type: webhook}
  - {type: twitter}
  - {url: https://x.example}
sinks:
  - {type: pagerduty}
  - {type: slack, url: "ftp://hooks.example"}
alerts:
  - {kind: threshold}
replies:
  accounts: [{entity: nobody, platform: mastodon}]
  rules: [{name: r}]
)");
  EXPECT_THAT(err, HasSubstr("test.yaml:2:6: log: kind kafka needs 'brokers'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:4:5: sources[0] (mastodon): missing required key "
                             "'instance'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:5:5: sources[1] (rss): missing required key 'url'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:6:5: sources[2] (file): missing required key 'path'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:7:5: sources[3] (reddit): needs 'subreddit' or 'query'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:8:5: sources[4] (webhook): missing required key "
                             "'secret'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:9:12: sources[5].type: expected one of mastodon|"));
  EXPECT_THAT(err, HasSubstr("test.yaml:10:5: sources[6]: missing required key 'type'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:12:5: sinks[0] (pagerduty): missing required key "
                             "'routing_key'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:13:24: sinks[1].url: expected a URL starting with "
                             "https:// or http://"));
  EXPECT_THAT(err, HasSubstr("alerts[0]: missing required key 'name'"));
  EXPECT_THAT(err, HasSubstr("alerts[0]: missing required key 'metric'"));
  EXPECT_THAT(err, HasSubstr("alerts[0]: missing required key 'threshold'"));
  EXPECT_THAT(err, HasSubstr("replies.accounts[0].entity: no entity with id 'nobody'"));
  EXPECT_THAT(err, HasSubstr("replies.accounts[0] (nobody): missing required key 'instance'"));
  EXPECT_THAT(err, HasSubstr("replies.accounts[0] (nobody): missing required key 'token'"));
  EXPECT_THAT(err, HasSubstr("replies.rules[0] (r): missing required key 'template'"));
}

TEST(Config, DuplicateKeysAndDuplicateSourcesAreErrors) {
  std::string err = errors_of(R"(log:
  partitions: 3
  partitions: 4
sources:
  - {type: rss, url: "https://a.example/feed"}
  - {type: rss, url: "https://a.example/feed"}
)");
  EXPECT_THAT(err, HasSubstr("test.yaml:3:3: duplicate key 'partitions' in log (first at line 2)"));
  EXPECT_THAT(err, HasSubstr("test.yaml:6:5: sources[1]: another source (line 5) has the same "
                             "name 'rss:https://a.example/feed'"));
}

TEST(Config, ValuesAreValidated) {
  std::string err = errors_of(R"(
sources:
  - {type: mastodon, instance: https://m.example, timeline: hashtags}
  - {type: jetstream, url: "https://jetstream.example/subscribe"}
  - {type: webhook, listen: localhost, secret: s}
  - {type: file, path: p.jsonl, rate: -3}
log: {topics: {posts: earshot.scored, bogus: x}}
api: {tokens: [3]}
)");
  EXPECT_THAT(err, HasSubstr("test.yaml:3:61: sources[0].timeline: expected public, local or "
                             "hashtag:NAME, got 'hashtags'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:4:28: sources[1].url: expected a URL starting with "
                             "wss:// or ws://"));
  EXPECT_THAT(err, HasSubstr("test.yaml:5:29: sources[2].listen: expected host:port"));
  EXPECT_THAT(err, HasSubstr("test.yaml:6:39: sources[3].rate: must be between"));
  EXPECT_THAT(err, HasSubstr("log.topics: 'scored' and 'posts' both use topic 'earshot.scored'"));
  EXPECT_THAT(err, HasSubstr("unknown key 'bogus' in log.topics"));
  EXPECT_THAT(err, HasSubstr("api.tokens[0]: a token needs at least 16 characters (got 1)"));
}

TEST(Config, TopLevelMustBeAMapping) {
  EXPECT_THAT(errors_of("- just\n- a list\n"), HasSubstr("test.yaml:1:1: the file: expected a "
                                                         "mapping"));
  EXPECT_THAT(errors_of("sources: {type: rss}\n"), HasSubstr("test.yaml:1:10: sources: expected "
                                                             "a list"));
}

}  // namespace
}  // namespace earshot::pipeline::config

// Tests for pipeline/config.h: the §5 contract example, defaults, ${ENV}, every error rule.
#include "pipeline/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/source_dir.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string fixture(const std::string& name) {
  return earshot::testing::source_path("tests/pipeline/data/configs/").string() + name;
}

// The error text of a config that must not load.
std::string errors_of(std::string_view yaml, const std::string& file = "test.yaml") {
  core::Result<Config> cfg = parse_config(yaml, file, "/etc/earshot");
  EXPECT_FALSE(cfg.has_value()) << "config unexpectedly valid:\n" << yaml;
  if (cfg) return "";
  EXPECT_EQ(cfg.error().code, core::ErrorCode::kInvalidArgument);
  return cfg.error().message;
}

Config valid(std::string_view yaml) {
  core::Result<Config> cfg = parse_config(yaml, "test.yaml", "/etc/earshot");
  EXPECT_TRUE(cfg.has_value()) << (cfg ? "" : cfg.error().message);
  return cfg ? *cfg : Config{};
}

TEST(Config, EmptyFileGivesEveryDefault) {
  Config c = valid("");
  EXPECT_EQ(c.log.kind, LogKind::embedded);
  EXPECT_EQ(c.log.path, "");
  EXPECT_EQ(c.log.partitions, 3);
  EXPECT_EQ(c.log.group, "earshot");
  ASSERT_EQ(c.log.topics.size(), 7u);
  for (std::string_view name : kLogicalTopics) {
    EXPECT_EQ(c.log.topic(name), "earshot." + std::string(name));
  }
  EXPECT_EQ(c.log.topic("my.custom.topic"), "my.custom.topic");
  EXPECT_TRUE(c.sources.empty());
  EXPECT_EQ(c.sentiment.model, "default");
  EXPECT_EQ(c.replies.mode, ReplyMode::off);
  EXPECT_EQ(c.replies.author_cooldown, 24h);
  EXPECT_EQ(c.api.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.metrics.listen, "");  // single roles serve no /metrics unless asked
  EXPECT_EQ(c.process.threads, 0);
  EXPECT_EQ(c.windows.sizes, (std::vector<Millis>{1min, 1h}));
  EXPECT_EQ(c.windows.allowed_lateness, 6h);
  EXPECT_EQ(c.windows.idle_close, 30s);
  EXPECT_EQ(c.file, "test.yaml");
  EXPECT_EQ(c.base_dir, "/etc/earshot");
}

TEST(Config, SectionDefaultsApplyPerItem) {
  Config c = valid(R"(
sources:
  - {type: mastodon, instance: mastodon.example}
  - {type: jetstream}
  - {type: hackernews}
  - {type: reddit, subreddit: r/technology}
  - {type: webhook, secret: s3cret-0123456789abcdef}
alerts:
  - {name: spikes, kind: spike}
  - {name: words, kind: keyword, pattern: outage}
sinks:
  - {type: kafka}
  - {type: pagerduty, routing_key: abc}
)");
  ASSERT_EQ(c.sources.size(), 5u);
  EXPECT_EQ(c.sources[0].instance, "https://mastodon.example");
  EXPECT_EQ(c.sources[0].timeline, "public");
  EXPECT_EQ(c.sources[0].poll_interval, 15s);
  EXPECT_EQ(c.sources[0].name, "mastodon:mastodon.example:public");
  EXPECT_EQ(c.sources[1].url, "wss://jetstream2.us-east.bsky.network/subscribe");
  EXPECT_EQ(c.sources[1].collections, std::vector<std::string>{"app.bsky.feed.post"});
  EXPECT_EQ(c.sources[2].url, "https://hacker-news.firebaseio.com/v0");
  EXPECT_EQ(c.sources[3].subreddit, "technology");
  EXPECT_EQ(c.sources[3].poll_interval, 60s);
  EXPECT_EQ(c.sources[4].listen, "127.0.0.1:8081");
  EXPECT_EQ(c.sources[4].max_body, 1u << 20);
  EXPECT_EQ(c.sources[4].secret, "s3cret-0123456789abcdef");
  ASSERT_EQ(c.alerts.size(), 2u);
  EXPECT_EQ(c.alerts[0].entity, "*");
  EXPECT_EQ(c.alerts[0].label, sentiment::Label::negative);
  EXPECT_EQ(c.alerts[0].window, 1min);
  EXPECT_EQ(c.alerts[0].min_volume, 20);
  EXPECT_EQ(c.alerts[0].cooldown, 10min);
  EXPECT_EQ(c.alerts[0].severity, Severity::warning);
  EXPECT_EQ(c.alerts[1].label, std::nullopt);
  EXPECT_EQ(c.alerts[1].min_count, 1);
  ASSERT_EQ(c.sinks.size(), 2u);
  EXPECT_EQ(c.sinks[0].topic, "earshot.alerts");
  EXPECT_EQ(c.sinks[1].url, "https://events.pagerduty.com/v2/enqueue");
  EXPECT_EQ(c.sinks[1].max_attempts, 8);
}

TEST(Config, AlertDescriptionAndSinkRoutingKeys) {
  Config c = valid(R"(
alerts:
  - {name: words, kind: keyword, pattern: outage, description: posts reporting an outage}
sinks:
  - {type: slack, url: "https://hooks.slack.example/T/B", channel: "#oncall",
     severities: [critical], entities: [acme-air, globex]}
  - {type: webhook, url: "https://hooks.example/x", entities: acme-air}
)");
  ASSERT_EQ(c.alerts.size(), 1u);
  EXPECT_EQ(c.alerts[0].description, "posts reporting an outage");
  ASSERT_EQ(c.sinks.size(), 2u);
  EXPECT_EQ(c.sinks[0].channel, "#oncall");
  EXPECT_EQ(c.sinks[0].severities, std::vector<std::string>{"critical"});
  EXPECT_EQ(c.sinks[0].entities, (std::vector<std::string>{"acme-air", "globex"}));
  EXPECT_EQ(c.sinks[1].entities, std::vector<std::string>{"acme-air"});
  EXPECT_THAT(errors_of("sinks:\n  - {type: kafka, severities: [urgent]}\n"),
              HasSubstr("'urgent' is not info, warning or critical"));
  EXPECT_THAT(errors_of("sinks:\n  - {type: kafka, channel: x}\n"), HasSubstr("channel"));
}

TEST(Config, DesignExampleLoads) {
  ::setenv("WEBHOOK_SECRET", "wh-secret-0123456789", 1);
  ::setenv("CRM_TOKEN", "crm-token", 1);
  ::setenv("ALERT_WEBHOOK_SECRET", "alert-secret", 1);
  ::setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.example/T0/B0/x", 1);
  ::setenv("PAGERDUTY_ROUTING_KEY", "pd-key", 1);
  ::setenv("ACME_MASTODON_TOKEN", "masto-token", 1);
  ::setenv("EARSHOT_API_TOKEN", "api-token-0123456789", 1);
  core::Result<Config> r = load_config(fixture("design_example.yaml"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const Config& c = *r;
  EXPECT_EQ(c.log.kind, LogKind::kafka);
  EXPECT_EQ(c.log.brokers, "127.0.0.1:9092");
  EXPECT_EQ(c.log.topic("deadletter"), "earshot.deadletter");
  ASSERT_EQ(c.sources.size(), 7u);
  EXPECT_EQ(c.sources[0].type, "mastodon");
  EXPECT_EQ(c.sources[2].subreddit, "NAME");
  EXPECT_EQ(c.sources[5].type, "webhook");
  EXPECT_EQ(c.sources[5].secret, "wh-secret-0123456789");  // unquoted ${...} inside a flow map
  EXPECT_EQ(c.sources[5].listen, "127.0.0.1:8081");
  EXPECT_EQ(c.sources[6].path, fs::path(fixture("posts.jsonl")).lexically_normal().string());
  ASSERT_EQ(c.entities.size(), 1u);
  EXPECT_EQ(c.entities[0].id, "acme-air");
  EXPECT_EQ(c.entities[0].parent, std::nullopt);
  EXPECT_EQ(c.entities[0].handles.size(), 3u);
  ASSERT_EQ(c.customers.size(), 2u);
  EXPECT_EQ(c.customers[0].path, fs::path(fixture("customers.csv")).lexically_normal().string());
  EXPECT_EQ(c.customers[1].headers.at("Authorization"), "Bearer crm-token");
  EXPECT_EQ(c.customers[1].url, "https://crm.example/lookup?handle={handle}");
  ASSERT_EQ(c.alerts.size(), 3u);
  EXPECT_EQ(c.alerts[0].kind, AlertKind::spike);
  EXPECT_DOUBLE_EQ(c.alerts[0].sensitivity, 3.0);
  EXPECT_EQ(c.alerts[1].tiers, std::vector<std::string>{"vip"});
  EXPECT_EQ(c.alerts[1].severity, Severity::critical);
  EXPECT_EQ(c.alerts[2].pattern, R"((?i)\b(outage|down|not working)\b)");
  EXPECT_EQ(c.alerts[2].min_count, 5);
  ASSERT_EQ(c.sinks.size(), 4u);
  EXPECT_EQ(c.sinks[0].secret, "alert-secret");
  EXPECT_EQ(c.sinks[1].url, "https://hooks.slack.example/T0/B0/x");
  EXPECT_EQ(c.sinks[2].routing_key, "pd-key");
  EXPECT_EQ(c.sinks[3].topic, "earshot.alerts");
  EXPECT_EQ(c.replies.mode, ReplyMode::approval);
  ASSERT_EQ(c.replies.accounts.size(), 1u);
  EXPECT_EQ(c.replies.accounts[0].token, "masto-token");
  ASSERT_EQ(c.replies.rules.size(), 1u);
  EXPECT_EQ(c.replies.rules[0].intent, core::Intent::complaint);
  EXPECT_EQ(c.replies.rules[0].label, sentiment::Label::negative);
  EXPECT_THAT(c.replies.rules[0].template_text, HasSubstr("{author.name}"));
  EXPECT_EQ(c.replies.daily_cap, 200);
  ASSERT_EQ(c.api.tokens.size(), 1u);
  EXPECT_EQ(c.api.tokens[0].token, "api-token-0123456789");
  EXPECT_EQ(c.api.tokens[0].owner, "token-1");
  EXPECT_EQ(c.api.tokens[0].scope, core::Scope::kAdmin);
}

TEST(Config, UnsetEnvironmentVariableNamesFileLineAndKey) {
  ::unsetenv("EARSHOT_TEST_UNSET_SECRET");
  std::string err = errors_of(
      "sinks:\n"
      "  - {type: webhook, url: \"https://h.example\", secret: ${EARSHOT_TEST_UNSET_SECRET}}\n");
  EXPECT_THAT(err, HasSubstr("test.yaml:2:55: sinks[0].secret: environment variable "
                             "EARSHOT_TEST_UNSET_SECRET is not set"));
}

TEST(Config, EnvironmentSubstitutionWithDefaultsAndEscapes) {
  ::setenv("EARSHOT_TEST_HOST", "mastodon.example", 1);
  ::setenv("EARSHOT_TEST_EMPTY", "", 1);
  ::unsetenv("EARSHOT_TEST_UNSET");
  Config c = valid(R"(
log: {kind: kafka, brokers: "${EARSHOT_TEST_UNSET:-10.0.0.1:9092}", partitions: ${EARSHOT_TEST_UNSET:-6}}
sources:
  - {type: mastodon, instance: https://${EARSHOT_TEST_HOST}/, token: ${EARSHOT_TEST_EMPTY:-anon}}
  - {type: webhook, secret: "$${NOT_A_VAR}-0123456789", listen: "127.0.0.1:${EARSHOT_TEST_UNSET:-9000}"}
api: {tokens: ["${EARSHOT_TEST_HOST}-token", "${EARSHOT_TEST_UNSET:-fallback-token-0123}"]}
)");
  EXPECT_EQ(c.log.brokers, "10.0.0.1:9092");
  EXPECT_EQ(c.log.partitions, 6);
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].instance, "https://mastodon.example");
  EXPECT_EQ(c.sources[0].token, "anon");
  EXPECT_EQ(c.sources[1].secret, "${NOT_A_VAR}-0123456789");
  EXPECT_EQ(c.sources[1].listen, "127.0.0.1:9000");
  ASSERT_EQ(c.api.tokens.size(), 2u);
  EXPECT_EQ(c.api.tokens[0].token, "mastodon.example-token");
  EXPECT_EQ(c.api.tokens[1].token, "fallback-token-0123");
}

TEST(Config, MalformedEnvironmentReferencesAreErrors) {
  std::string err = errors_of(
      "api: {listen: \"127.0.0.1:${BAD-NAME}\"}\n"
      "sentiment: {model: \"x${UNCLOSED\"}\n");
  EXPECT_THAT(err, HasSubstr("test.yaml:1:15: api.listen: bad environment variable name "
                             "'BAD-NAME'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:2:20: sentiment.model: unterminated ${ in 'x${UNCLOSED'"));
}

TEST(Config, ErrorsNeverEchoASubstitutedSecret) {
  ::setenv("EARSHOT_TEST_SECRET_NUMBER", "hunter2", 1);
  std::string err = errors_of("log: {partitions: ${EARSHOT_TEST_SECRET_NUMBER}}\n");
  EXPECT_THAT(err, HasSubstr("log.partitions: expected an integer, got "
                             "'${EARSHOT_TEST_SECRET_NUMBER}'"));
  EXPECT_THAT(err, Not(HasSubstr("hunter2")));
}

TEST(Config, ProcessDedupCapacityHasADefaultAndBounds) {
  EXPECT_EQ(valid("").process.dedup_capacity, 500'000);
  EXPECT_EQ(valid("process: {dedup_capacity: 2000000}\n").process.dedup_capacity, 2'000'000);
  EXPECT_THAT(errors_of("process: {dedup_capacity: 10}\n"),
              HasSubstr("process.dedup_capacity: must be between 1000 and"));
}

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

TEST(Config, RelativePathsResolveAgainstTheConfigFolder) {
  // parse_config reads no files, so the paths need not exist (load_config checks that).
  fs::path dir = fs::path(fixture("x")).parent_path();
  std::ifstream in(fixture("good_relative_paths.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  core::Result<Config> r =
      parse_config(text, fixture("good_relative_paths.yaml"), dir.lexically_normal().string());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->log.path, (dir / "state/earshot.db").lexically_normal().string());
  ASSERT_EQ(r->sources.size(), 2u);
  EXPECT_EQ(r->sources[0].path, (dir / "../posts.jsonl").lexically_normal().string());
  EXPECT_EQ(r->sources[0].rate, 50.0);
  EXPECT_EQ(r->sources[1].path, "/var/lib/earshot/posts.jsonl");
  EXPECT_EQ(r->sources[1].name, "absolute");
  EXPECT_EQ(r->customers[0].path, (dir / "customers.csv").lexically_normal().string());
  EXPECT_EQ(r->sentiment.model, (dir / "models/custom.model").lexically_normal().string());
  Config c = valid("sources: [{type: file, path: in.jsonl}]\nsentiment: {model: vader}\n");
  EXPECT_EQ(c.sources[0].path, "/etc/earshot/in.jsonl");
  EXPECT_EQ(c.sentiment.model, "vader");
}

TEST(Config, MissingFileIsNotFound) {
  core::Result<Config> r = load_config(fixture("no_such_config.yaml"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
  EXPECT_THAT(r.error().message, HasSubstr("no_such_config.yaml"));
}

TEST(Config, TopLevelMustBeAMapping) {
  EXPECT_THAT(errors_of("- just\n- a list\n"), HasSubstr("test.yaml:1:1: the file: expected a "
                                                         "mapping"));
  EXPECT_THAT(errors_of("sources: {type: rss}\n"), HasSubstr("test.yaml:1:10: sources: expected "
                                                             "a list"));
}

TEST(Config, WindowsIdleCloseIsADuration) {
  EXPECT_EQ(valid("windows: {idle_close: 5s}\n").windows.idle_close, 5s);
  EXPECT_EQ(valid("windows: {idle_close: 0s}\n").windows.idle_close, 0s);
  EXPECT_THAT(errors_of("windows: {idle_close: soon}\n"), HasSubstr("windows.idle_close"));
}

TEST(Config, MetricsListenIsAnOptionalAddress) {
  EXPECT_EQ(valid("metrics: {listen: 127.0.0.1:9464}\n").metrics.listen, "127.0.0.1:9464");
  EXPECT_EQ(valid("metrics: {listen: \"\"}\n").metrics.listen, "");
  EXPECT_THAT(errors_of("metrics: {listen: nohost}\n"),
              HasSubstr("test.yaml:1:19: metrics.listen: expected host:port"));
  EXPECT_THAT(errors_of("metrics: {listen: 127.0.0.1:9464, port: 1}\n"), HasSubstr("port"));
}

TEST(Config, ApiTokensCarryOwnerAndScope) {
  ::setenv("EARSHOT_TEST_READ_TOKEN", "read-only-token-0123456789", 1);
  Config c = valid(R"(
api:
  tokens:
    - "admin-token-0123456789"
    - {token: "${EARSHOT_TEST_READ_TOKEN}", owner: wallboard, scope: read}
    - {token: "alice-token-0123456789", owner: alice}
)");
  ASSERT_EQ(c.api.tokens.size(), 3u);
  EXPECT_EQ(c.api.tokens[0],
            (core::BearerToken{"admin-token-0123456789", "token-1", core::Scope::kAdmin}));
  EXPECT_EQ(c.api.tokens[1],
            (core::BearerToken{"read-only-token-0123456789", "wallboard", core::Scope::kRead}));
  EXPECT_EQ(c.api.tokens[2],
            (core::BearerToken{"alice-token-0123456789", "alice", core::Scope::kAdmin}));
}

TEST(Config, EmptyOrShortApiTokensAreErrorsNotAnOpenApi) {
  ::setenv("EARSHOT_TEST_EMPTY_TOKEN", "", 1);
  std::string err = errors_of(R"(
api:
  tokens:
    - "${EARSHOT_TEST_EMPTY_TOKEN}"
    - "${EARSHOT_TEST_UNSET_TOKEN:-}"
    - short
    - {token: "", owner: bob}
    - {token: "long-enough-token-0123", scope: root}
)");
  EXPECT_THAT(err, HasSubstr("test.yaml:4:7: api.tokens[0]: the token is empty"));
  EXPECT_THAT(err, HasSubstr("test.yaml:5:7: api.tokens[1]: the token is empty"));
  EXPECT_THAT(
      err, HasSubstr("test.yaml:6:7: api.tokens[2]: a token needs at least 16 characters (got 5)"));
  EXPECT_THAT(err, HasSubstr("api.tokens[3].token"));
  EXPECT_THAT(err, HasSubstr("api.tokens[4].scope"));
}

// Issue 16: the HTTP server's bounds are configurable under api:.
TEST(Config, ApiServerLimitsLoadAndAreChecked) {
  Config d = valid("{}\n");
  EXPECT_EQ(d.api.max_connections, 256);
  EXPECT_EQ(d.api.max_body, 64u * 1024);
  Config c =
      valid("api: {max_connections: 10, max_body: 1MiB, header_timeout: 5s, idle_timeout: 2m}\n");
  EXPECT_EQ(c.api.max_connections, 10);
  EXPECT_EQ(c.api.max_body, 1u << 20);
  EXPECT_EQ(c.api.header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.api.idle_timeout, std::chrono::minutes(2));
  std::string err = errors_of("api: {max_connections: 0, max_body: 0}\n");
  EXPECT_THAT(err, HasSubstr("api.max_connections"));
  EXPECT_THAT(err, HasSubstr("api.max_body"));
}

// Issue 16 item 5: an empty or short webhook secret would let anyone sign pushes.
TEST(Config, EmptyOrShortWebhookSecretsAreErrors) {
  ::setenv("EARSHOT_TEST_EMPTY_SECRET", "", 1);
  std::string err = errors_of(R"(
sources:
  - {type: webhook, name: a, listen: "127.0.0.1:9001", secret: "${EARSHOT_TEST_EMPTY_SECRET}"}
  - {type: webhook, name: b, listen: "127.0.0.1:9002", secret: short-secret}
  - {type: webhook, name: c, listen: "127.0.0.1:9003", secret: whsec_aGVsbG8=}
  - {type: webhook, name: d, listen: "127.0.0.1:9004", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
)");
  EXPECT_THAT(err, HasSubstr("sources[0].secret"));
  EXPECT_THAT(err, HasSubstr("sources[1].secret: 12 bytes"));
  EXPECT_THAT(err, HasSubstr("sources[2].secret: 5 bytes"));
  EXPECT_THAT(err, Not(HasSubstr("sources[3]")));
}

}  // namespace
}  // namespace earshot::pipeline::config

namespace earshot::pipeline::config {
namespace {

TEST(Config, SentimentLanguageFallbackKeys) {
  Config d = valid("");
  EXPECT_EQ(d.sentiment.default_language, "en");
  EXPECT_EQ(d.sentiment.language_min_margin, 8.0);
  Config c = valid("sentiment: {model: vader, default_language: de, language_min_margin: 4.5}\n");
  EXPECT_EQ(c.sentiment.default_language, "de");
  EXPECT_EQ(c.sentiment.language_min_margin, 4.5);
  EXPECT_THAT(errors_of("sentiment: {default_language: English}\n"),
              HasSubstr("sentiment.default_language"));
  EXPECT_THAT(errors_of("sentiment: {language_min_margin: -1}\n"),
              HasSubstr("language_min_margin"));
}

TEST(Config, AlertMessagesTimeZoneAndDashboardUrl) {
  Config d = valid("");
  EXPECT_EQ(d.alert_messages.time_zone, "UTC");
  EXPECT_EQ(d.alert_messages.link_base(d.api), "http://127.0.0.1:8080");
  EXPECT_EQ(d.api.max_event_clients, 32);
  EXPECT_EQ(d.api.session_ttl, 12h);
  Config c = valid(
      "api: {listen: 127.0.0.1:9000, max_event_clients: 5, event_heartbeat: 5s, "
      "event_throttle: 0s, session_ttl: 1h}\n"
      "alert_messages: {time_zone: Europe/Berlin,\n"
      "                 dashboard_url: \"https://earshot.example.com/\"}\n");
  EXPECT_EQ(c.alert_messages.time_zone, "Europe/Berlin");
  EXPECT_EQ(c.alert_messages.link_base(c.api), "https://earshot.example.com");
  EXPECT_EQ(c.api.max_event_clients, 5);
  EXPECT_EQ(c.api.event_heartbeat, 5s);
  EXPECT_EQ(c.api.event_throttle, 0ms);
  EXPECT_EQ(c.api.session_ttl, 1h);
  EXPECT_THAT(errors_of("windows: {sizes: [1m]}\nalert_messages:\n  time_zone: Europe/Berln\n"),
              HasSubstr("test.yaml:3:14: alert_messages.time_zone: unknown time zone "
                        "'Europe/Berln'"));
  EXPECT_THAT(errors_of("alert_messages: {dashboard_url: earshot.example.com}\n"),
              HasSubstr("alert_messages.dashboard_url: expected an http:// or https:// URL"));
  EXPECT_THAT(errors_of("api: {max_event_clients: 0}\n"), HasSubstr("api.max_event_clients"));
}

}  // namespace
}  // namespace earshot::pipeline::config

// Tests for pipeline/config.h: the §5 contract example, the defaults of every section, paths
// and the smaller sections' keys. Errors: config_errors_test.cc; ${ENV} and secrets:
// config_secrets_test.cc.
#include "pipeline/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/pipeline/config/support/parse_helpers.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using config_testing::errors_of;
using config_testing::fixture;
using config_testing::valid;

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

TEST(Config, ProcessDedupCapacityHasADefaultAndBounds) {
  EXPECT_EQ(valid("").process.dedup_capacity, 500'000);
  EXPECT_EQ(valid("process: {dedup_capacity: 2000000}\n").process.dedup_capacity, 2'000'000);
  EXPECT_THAT(errors_of("process: {dedup_capacity: 10}\n"),
              HasSubstr("process.dedup_capacity: must be between 1000 and"));
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

#include "sinks/sink_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "tests/sinks/support/alert_scenario.h"

namespace earshot::sinks {
namespace {

using namespace std::chrono_literals;
using testing::ReceivedRequest;
using testing::ReceiverResponse;
using testing::RecordingReceiver;
using testing::wait_until;
using testing::within;

pipeline::config::SinkDef sink(const std::string& type, const std::string& url,
                               int max_attempts = 5) {
  pipeline::config::SinkDef s;
  s.type = type;
  s.name = type;
  s.url = url;
  s.max_attempts = max_attempts;
  s.timeout = 2s;
  if (type == "webhook") s.secret = "s3cret";
  if (type == "pagerduty") s.routing_key = "R0UT1NG";
  return s;
}

SinkRunnerOptions fast() {
  SinkRunnerOptions o;
  o.retry.base = 20ms;
  o.retry.max = 100ms;
  o.poll_timeout = 50ms;
  return o;
}

void produce_alerts(pipeline::log::Log& log, const pipeline::config::Config& cfg,
                    const std::vector<pipeline::core::Alert>& alerts) {
  auto p = log.producer({});
  ASSERT_TRUE(p);
  for (const auto& a : alerts)
    ASSERT_TRUE((*p)->produce(cfg.log.topic("alerts"), a.dedup_key, pipeline::codec::encode(a)));
  ASSERT_TRUE((*p)->flush(5s));
}

std::set<std::string> webhook_ids(const RecordingReceiver& rx) {
  std::set<std::string> ids;
  for (const auto& r : rx.requests()) ids.insert(r.header("webhook-id"));
  return ids;
}

// Every sink of `runner` has polled its way to the end of the alerts topic, with all it
// read handled and committed, at least `polls` times since it started.
bool all_caught_up(const SinkRunner& runner, std::uint64_t polls = 1) {
  auto stats = runner.stats();
  return !stats.empty() &&
         std::ranges::all_of(stats, [&](const SinkStats& s) { return s.caught_up >= polls; });
}

// Lines the runner reports from its threads (on_warning, on_notice), in the order they came.
class Reported {
 public:
  std::function<void(const std::string&)> recorder() {
    return [this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    };
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

struct Fixture {
  pipeline::config::Config cfg = pipeline::config::default_config();
  std::unique_ptr<pipeline::log::Log> log;
  Fixture() {
    cfg.outbound.allow_private = {"127.0.0.1"};  // the receivers listen on loopback
    auto l = pipeline::log::open_log({.kind = "embedded"});
    EXPECT_TRUE(l);
    log = std::move(*l);
    EXPECT_TRUE(log->create_topics(
        {{cfg.log.topic("alerts"), 3, false}, {cfg.log.topic("deadletter"), 3, false}}));
  }
};

// The dead letters on `f`'s log, read until at least `want` are in and the topic is at its end.
std::vector<pipeline::log::Record> dead_letters(Fixture& f, std::size_t want) {
  auto c = f.log->consumer({.group = "", .topics = {f.cfg.log.topic("deadletter")}});
  EXPECT_TRUE(c);
  std::vector<pipeline::log::Record> dead;
  if (!c) return dead;
  EXPECT_TRUE(wait_until(
      within(5s),
      [&] {
        auto b = (*c)->poll(100, 100ms);
        if (b) dead.insert(dead.end(), b->begin(), b->end());
        return dead.size() >= want && (*c)->at_end();
      },
      std::to_string(want) + " dead letter(s)"));
  return dead;
}

TEST(SinkRunner, EveryAlertReachesEverySinkOnceAndIsCommitted) {
  Fixture f;
  RecordingReceiver hook([](const ReceivedRequest&) { return ReceiverResponse{200, {}, ""}; });
  RecordingReceiver slack([](const ReceivedRequest&) { return ReceiverResponse{200, {}, "ok"}; });
  RecordingReceiver pd([](const ReceivedRequest&) {
    return ReceiverResponse{202, {}, R"({"status":"success"})"};
  });
  f.cfg.sinks = {sink("webhook", hook.url("/hook")), sink("slack", slack.url("/services/T/B/x")),
                 sink("pagerduty", pd.url("/v2/enqueue"))};
  produce_alerts(*f.log, f.cfg, {testing::sample_alert("a1"), testing::sample_alert("a2")});
  {
    auto runner = SinkRunner::start(f.cfg, *f.log, fast());
    ASSERT_TRUE(runner) << runner.error().message;
    ASSERT_TRUE(wait_until(
        within(10s), [&] { return all_caught_up(**runner); },
        "every sink delivered and committed both alerts"));  // both were there before start
    for (const auto& s : (*runner)->stats()) EXPECT_EQ(s.delivered, 2u) << s.name;
  }
  EXPECT_EQ(hook.request_count(), 2u);
  EXPECT_EQ(slack.request_count(), 2u);
  EXPECT_EQ(pd.request_count(), 2u);
  EXPECT_EQ(webhook_ids(hook), (std::set<std::string>{"alrt_a1", "alrt_a2"}));
  for (const auto& r : hook.requests()) EXPECT_TRUE(testing::signature_valid(r, "s3cret"));
  for (const auto& r : pd.requests()) {
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["routing_key"], "R0UT1NG");
    EXPECT_EQ(j["event_action"], "trigger");
  }
  EXPECT_NE(slack.requests()[0].body.find("\"blocks\""), std::string::npos);
  // A restart delivers nothing again: the offsets were committed after the acknowledgements.
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(10s), [&] { return all_caught_up(**runner); },
      "every restarted sink at the end of the alerts topic"));
  (*runner)->stop();
  for (const auto& s : (*runner)->stats()) EXPECT_EQ(s.delivered, 0u) << s.name;
  EXPECT_EQ(hook.request_count(), 2u);
  EXPECT_EQ(slack.request_count(), 2u);
  EXPECT_EQ(pd.request_count(), 2u);
}

TEST(SinkRunner, AFailingSinkDoesNotHoldBackTheOthers) {
  Fixture f;
  RecordingReceiver slow([](const ReceivedRequest&) {
    std::this_thread::sleep_for(300ms);
    return ReceiverResponse{503, {}, ""};
  });
  RecordingReceiver slack([](const ReceivedRequest&) { return ReceiverResponse{200, {}, "ok"}; });
  f.cfg.sinks = {sink("webhook", slow.url("/hook"), 1000), sink("slack", slack.url("/s"))};
  produce_alerts(
      *f.log, f.cfg,
      {testing::sample_alert("b1"), testing::sample_alert("b2"), testing::sample_alert("b3")});
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  EXPECT_TRUE(wait_until(
      within(5s), [&] { return slack.request_count() == 3 && slow.request_count() >= 1; },
      "slack to get all three alerts while the webhook is being tried"));
  EXPECT_EQ(webhook_ids(slow).size(), 1u);  // still retrying its first alert
  (*runner)->stop();
}

TEST(SinkRunner, StoppedMidDeliveryResendsTheSameAlertIdNeverANewOne) {
  Fixture f;
  std::atomic<bool> healthy{false};
  RecordingReceiver hook([&](const ReceivedRequest&) {
    return ReceiverResponse{healthy ? 200 : 503, {}, ""};
  });
  f.cfg.sinks = {sink("webhook", hook.url("/hook"), 1000)};
  produce_alerts(*f.log, f.cfg, {testing::sample_alert("c1")});
  {
    auto runner = SinkRunner::start(f.cfg, *f.log, fast());
    ASSERT_TRUE(runner);
    ASSERT_TRUE(wait_until(
        within(5s), [&] { return hook.request_count() >= 2; }, "a retry at the receiver"));
  }  // stopped while retrying: the offset was not committed
  const std::size_t before = hook.request_count();
  healthy = true;
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(5s), [&] { return (*runner)->stats()[0].delivered == 1; }, "the alert delivered"));
  EXPECT_GT(hook.request_count(), before);
  EXPECT_EQ(webhook_ids(hook), std::set<std::string>{"alrt_c1"});
  for (const auto& r : hook.requests()) EXPECT_TRUE(testing::signature_valid(r, "s3cret"));
}

TEST(SinkRunner, GivesUpToTheDeadletterTopicAndMovesOn) {
  Fixture f;
  RecordingReceiver hook([](const ReceivedRequest& r) {
    bool poison = r.header("webhook-id") == "alrt_d1";
    return ReceiverResponse{poison ? 500 : 200, {}, ""};
  });
  f.cfg.sinks = {sink("webhook", hook.url("/hook"), 3)};
  produce_alerts(*f.log, f.cfg, {testing::sample_alert("d1")});
  produce_alerts(*f.log, f.cfg, {testing::sample_alert("d2")});
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(10s),
      [&] { return (*runner)->stats()[0].delivered == 1 && (*runner)->stats()[0].dead == 1; },
      "one alert delivered and one dead"));
  (*runner)->stop();
  const std::vector<pipeline::log::Record> dead = dead_letters(f, 1);
  ASSERT_EQ(dead.size(), 1u);
  auto d = pipeline::codec::decode_deadletter(dead[0].value);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->stage, "sink:webhook");
  EXPECT_NE(d->reason.find("3 attempts"), std::string::npos) << d->reason;
  EXPECT_EQ(pipeline::codec::decode_alert(d->original)->id, "alrt_d1");
}

// 410 Gone disables the sink: the alert that got it and every later one are dead-lettered
// without another request, the stats say so, and the warning callback names the sink once.
// Another sink keeps delivering.
TEST(SinkRunner, GoneDisablesTheSinkAndDeadLettersItsAlerts) {
  Fixture f;
  RecordingReceiver gone([](const ReceivedRequest&) {
    return ReceiverResponse{410, {}, "hook deleted"};
  });
  RecordingReceiver ok([](const ReceivedRequest&) { return ReceiverResponse{200, {}, ""}; });
  f.cfg.sinks = {sink("webhook", gone.url("/hook")), sink("slack", ok.url("/slack"))};
  produce_alerts(
      *f.log, f.cfg,
      {testing::sample_alert("g1"), testing::sample_alert("g2"), testing::sample_alert("g3")});
  Reported reported;
  SinkRunnerOptions o = fast();
  o.on_warning = reported.recorder();
  auto runner = SinkRunner::start(f.cfg, *f.log, o);
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(10s),
      [&] {
        auto st = (*runner)->stats();
        return st[0].dead == 3 && st[1].delivered == 3;
      },
      "both sinks through the three alerts"));
  (*runner)->stop();
  auto stats = (*runner)->stats();
  EXPECT_TRUE(stats[0].disabled);
  EXPECT_NE(stats[0].disabled_reason.find("410"), std::string::npos) << stats[0].disabled_reason;
  EXPECT_EQ(stats[0].dead, 3u);
  EXPECT_EQ(stats[0].delivered, 0u);
  EXPECT_EQ(gone.request_count(), 1u) << "no request after the 410";
  EXPECT_FALSE(stats[1].disabled);
  EXPECT_EQ(stats[1].delivered, 3u);
  const std::vector<std::string> warnings = reported.lines();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("sink webhook disabled"), std::string::npos) << warnings[0];
  const std::vector<pipeline::log::Record> dead = dead_letters(f, 3);
  ASSERT_EQ(dead.size(), 3u);
  std::set<std::string> ids;
  for (const auto& r : dead) {
    auto d = pipeline::codec::decode_deadletter(r.value);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->stage, "sink:webhook");
    EXPECT_NE(d->reason.find("sink disabled"), std::string::npos) << d->reason;
    ids.insert(pipeline::codec::decode_alert(d->original)->id);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"alrt_g1", "alrt_g2", "alrt_g3"}));
}

TEST(SinkRunner, MinSeveritySkipsQuieterAlerts) {
  Fixture f;
  RecordingReceiver pd([](const ReceivedRequest&) { return ReceiverResponse{202, {}, ""}; });
  auto def = sink("pagerduty", pd.url("/v2/enqueue"));
  def.min_severity = pipeline::config::Severity::critical;
  f.cfg.sinks = {def};
  produce_alerts(*f.log, f.cfg,
                 {testing::sample_alert("e1", "warning"), testing::sample_alert("e2", "critical")});
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(5s),
      [&] { return (*runner)->stats()[0].delivered == 1 && (*runner)->stats()[0].skipped == 1; },
      "one alert delivered and one skipped"));
  (*runner)->stop();
  ASSERT_EQ(pd.request_count(), 1u);
  EXPECT_EQ(nlohmann::json::parse(pd.requests()[0].body)["dedup_key"], "negative-spike|acme|e2");
}

TEST(SinkRunner, KafkaSinkOnTheAlertsTopicNeedsNoThread) {
  Fixture f;
  pipeline::config::SinkDef k;
  k.type = "kafka";
  k.name = "kafka";
  k.topic = f.cfg.log.topic("alerts");
  f.cfg.sinks = {k};
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  EXPECT_TRUE((*runner)->stats().empty());
}

TEST(SinkRunner, KafkaSinkOnAnotherTopicCopiesTheAlerts) {
  Fixture f;
  pipeline::config::SinkDef k;
  k.type = "kafka";
  k.name = "kafka";
  k.topic = "earshot.alerts-copy";
  f.cfg.sinks = {k};
  produce_alerts(*f.log, f.cfg, {testing::sample_alert("f1"), testing::sample_alert("f2")});
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(5s), [&] { return (*runner)->stats()[0].delivered == 2; }, "both alerts copied"));
  (*runner)->stop();
  auto c = f.log->consumer({.group = "", .topics = {"earshot.alerts-copy"}});
  ASSERT_TRUE(c);
  std::set<std::string> keys;
  ASSERT_TRUE(wait_until(
      within(5s),
      [&] {
        auto b = (*c)->poll(100, 100ms);
        if (b) {
          for (const auto& r : *b) keys.insert(r.key);
        }
        return keys.size() == 2;
      },
      "both copies on earshot.alerts-copy"));
  EXPECT_EQ(keys, (std::set<std::string>{"negative-spike|acme|f1", "negative-spike|acme|f2"}));
}

TEST(SinkRunner, EachFailedDeliveryIsLoggedOnceWithStatusAndWhatHappensNext) {
  Fixture f;
  std::atomic<int> calls{0};
  RecordingReceiver hook([&](const ReceivedRequest& r) {
    if (r.header("webhook-id") == "alrt_f1") return ReceiverResponse{503, {}, "down for repairs"};
    return ReceiverResponse{++calls < 3 ? 502 : 200, {}, ""};  // f2: two failures, then ok
  });
  f.cfg.sinks = {sink("webhook", hook.url("/hook"), 3)};
  produce_alerts(*f.log, f.cfg, {testing::sample_alert("f1"), testing::sample_alert("f2")});
  Reported reported;
  SinkRunnerOptions o = fast();
  o.on_notice = reported.recorder();
  auto runner = SinkRunner::start(f.cfg, *f.log, o);
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(10s),
      [&] { return (*runner)->stats()[0].delivered == 1 && (*runner)->stats()[0].dead == 1; },
      "one alert dead, one delivered after retries"));
  (*runner)->stop();
  const SinkStats st = (*runner)->stats()[0];
  EXPECT_EQ(st.attempts, 6u);
  EXPECT_EQ(st.retries, 4u);  // 2 for f1 (the 3rd attempt gave up), 2 for f2
  const std::vector<std::string> lines = reported.lines();
  ASSERT_EQ(lines.size(), 4u) << ::testing::PrintToString(lines);
  // The two alerts may sit on different partitions: their lines interleave, each alert's in
  // order — its first failure (with the status and the plan), then its outcome.
  std::vector<std::string> f1, f2;
  for (const auto& l : lines) {
    EXPECT_EQ(l.rfind("sink webhook: alert alrt_f", 0), 0u) << l;
    (l.find("alrt_f1") != std::string::npos ? f1 : f2).push_back(l);
  }
  ASSERT_EQ(f1.size(), 2u) << ::testing::PrintToString(lines);
  ASSERT_EQ(f2.size(), 2u) << ::testing::PrintToString(lines);
  EXPECT_NE(f1[0].find("failed: HTTP 503: down for repairs; retrying, up to 3 attempts"),
            std::string::npos)
      << f1[0];
  EXPECT_NE(f1[1].find("not delivered: gave up after 3 attempts: HTTP 503"), std::string::npos)
      << f1[1];
  EXPECT_NE(f1[1].find("(stage sink:webhook)"), std::string::npos) << f1[1];
  EXPECT_NE(f2[0].find("failed: HTTP 502"), std::string::npos) << f2[0];
  EXPECT_NE(f2[1].find("delivered on attempt 3"), std::string::npos) << f2[1];
}

TEST(SinkRunner, RoutesByEntityAndSeverityAndPostsToTheSlackChannel) {
  Fixture f;
  RecordingReceiver team([](const ReceivedRequest&) { return ReceiverResponse{200, {}, ""}; });
  RecordingReceiver pager([](const ReceivedRequest&) { return ReceiverResponse{200, {}, ""}; });
  auto for_team = sink("webhook", team.url("/hook"));
  for_team.entities = {"globex"};
  auto slack = sink("slack", pager.url("/slack"));
  slack.severities = {"critical"};
  slack.channel = "#oncall";
  f.cfg.sinks = {for_team, slack};
  auto acme_critical = testing::sample_alert("r1", "critical");
  auto globex_warning = testing::sample_alert("r2", "warning");
  globex_warning.entity = "globex";
  auto globex_critical = testing::sample_alert("r3", "critical");
  globex_critical.entity = "globex";
  produce_alerts(*f.log, f.cfg, {acme_critical, globex_warning, globex_critical});
  auto runner = SinkRunner::start(f.cfg, *f.log, fast());
  ASSERT_TRUE(runner);
  ASSERT_TRUE(wait_until(
      within(10s), [&] { return all_caught_up(**runner); }, "both caught up"));
  (*runner)->stop();
  EXPECT_EQ(webhook_ids(team), (std::set<std::string>{"alrt_r2", "alrt_r3"}));
  ASSERT_EQ(pager.request_count(), 2u);  // the two critical ones
  for (const auto& r : pager.requests())
    EXPECT_EQ(nlohmann::json::parse(r.body).value("channel", ""), "#oncall") << r.body;
  const auto stats = (*runner)->stats();
  EXPECT_EQ(stats[0].skipped, 1u);
  EXPECT_EQ(stats[1].skipped, 1u);
}

}  // namespace
}  // namespace earshot::sinks

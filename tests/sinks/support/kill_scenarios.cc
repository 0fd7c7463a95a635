// The kill -9 and late-data scenarios of end_to_end.h.
#include <gtest/gtest.h>

#include <set>

#include "pipeline/codec/json_codec.h"
#include "pipeline/react/react_stage.h"
#include "sinks/sink_runner.h"
#include "tests/sinks/support/alert_scenario.h"
#include "tests/sinks/support/end_to_end.h"

namespace earshot::sinks::testing {

using namespace std::chrono_literals;
using sentiment::Label;

namespace {

std::string log_kind(const std::string& kind) {
  return kind == "kafka" ? "kafka" : "embedded-file";
}

// Steps the loop until it has been caught up and idle three times in a row (or 120 s).
void drain(pipeline::log::TransactionalLoop& loop, pipeline::react::ReactHandler& h) {
  const auto until = std::chrono::steady_clock::now() + 120s;
  for (int idle = 0; idle < 3 && std::chrono::steady_clock::now() < until;) {
    auto n = loop.step(h);
    ASSERT_TRUE(n) << n.error().message;
    idle = *n == 0 && loop.caught_up() ? idle + 1 : 0;
  }
  ASSERT_TRUE(loop.caught_up()) << "react did not catch up in time";
}

}  // namespace

void run_sink_kill_scenario(const std::string& kind) {
  pipeline::config::Config cfg = scenario_config(log_kind(kind), "sinkkill");
  auto log = open_scenario_log(cfg);
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->create_topics(
      {{cfg.log.topic("alerts"), 3, false}, {cfg.log.topic("deadletter"), 3, false}}));
  std::atomic<bool> healthy{false};
  std::atomic<int> acked{0};
  RecordingReceiver hook([&](const ReceivedRequest&) {
    if (!healthy) return ReceiverResponse{503, {}, ""};
    ++acked;
    return ReceiverResponse{200, {}, ""};
  });
  {
    auto p = log->producer({});
    ASSERT_TRUE(p);
    auto a = sample_alert("k1");
    ASSERT_TRUE((*p)->produce(cfg.log.topic("alerts"), a.dedup_key, pipeline::codec::encode(a)));
    ASSERT_TRUE((*p)->flush(10s));
  }
  auto env = scenario_env(cfg);
  env["EARSHOT_SCN_HOOK_URL"] = hook.url("/hook");
  pid_t child = spawn_child("sinks", env);
  const bool tried = wait_until(
      within(90s), [&] { return hook.request_count() >= 2; }, "the sink process retrying");
  kill_child(child);  // kill -9 in the middle of the retries
  ASSERT_TRUE(tried) << "the sink process never reached the receiver";
  const std::size_t before = hook.request_count();
  healthy = true;
  cfg.sinks = {
      {.type = "webhook", .name = "webhook", .url = hook.url("/hook"), .secret = "s3cret"}};
  SinkRunnerOptions fast;
  fast.retry.base = 50ms;
  auto runner = SinkRunner::start(cfg, *log, fast);
  ASSERT_TRUE(runner);
  // The one alert was on the topic before the runner started: once the sink has caught up
  // with it (handled and committed), nothing more can be sent.
  EXPECT_TRUE(wait_until(
      within(90s),
      [&] {
        const SinkStats s = (*runner)->stats()[0];
        return s.delivered == 1 && s.caught_up > 0;
      },
      "the alert delivered and committed"))
      << "delivered " << (*runner)->stats()[0].delivered;
  (*runner)->stop();
  EXPECT_GT(hook.request_count(), before);
  EXPECT_EQ(acked.load(), 1);
  std::set<std::string> ids;
  for (const auto& r : hook.requests()) {
    ids.insert(r.header("webhook-id"));
    EXPECT_TRUE(signature_valid(r, "s3cret"));
  }
  EXPECT_EQ(ids, std::set<std::string>{"alrt_k1"});
  runner->reset();
  log.reset();
  remove_scenario_files(cfg);
}

void run_react_kill_scenario(const std::string& kind) {
  pipeline::config::Config cfg = scenario_config(log_kind(kind), "reactkill");
  auto log = open_scenario_log(cfg);
  ASSERT_TRUE(log);
  const auto ms = spike_scenario("acme", "globex");
  produce_mentions(*log, cfg, ms);
  auto env = scenario_env(cfg);
  env["EARSHOT_SCN_BATCH"] = "10";
  pid_t child = spawn_child("react", env);
  const bool started = wait_until(
      within(90s), [&] { return read_topic(*log, cfg.log.topic("aggregates")).size() >= 20; },
      "20 aggregates from the react process");  // poll often: the kill must land mid-stream
  kill_child(child);
  ASSERT_TRUE(started) << "the react process produced nothing";

  auto handler = pipeline::react::make_react_handler(cfg, *log);
  ASSERT_TRUE(handler) << handler.error().message;
  const std::uint64_t replayed = (*handler)->stats().replayed;
  EXPECT_GT(replayed, 0u);
  EXPECT_LT(replayed, ms.size()) << "the kill should land mid-stream";
  auto loop =
      pipeline::log::TransactionalLoop::create(*log, pipeline::react::react_loop_options(cfg));
  ASSERT_TRUE(loop);
  drain(**loop, **handler);
  EXPECT_EQ(replayed + (*handler)->stats().mentions, ms.size());
  EXPECT_EQ(latest_aggregates(*log, cfg), batch_aggregates(cfg, ms));
  // Exactly once into the alerts topic: one trigger and one resolve, whoever produced them.
  std::vector<std::string> statuses;
  for (const auto& r : read_topic(*log, cfg.log.topic("alerts"))) {
    auto a = pipeline::codec::decode_alert(r.value);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->entity, "acme");
    statuses.push_back(a->status);
  }
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<std::string>{"resolve", "trigger"}));
  loop->reset();
  handler->reset();
  log.reset();
  remove_scenario_files(cfg);
}

void run_late_data_scenario(const std::string& kind) {
  pipeline::config::Config cfg = scenario_config(kind == "kafka" ? "kafka" : "embedded", "late");
  cfg.windows.sizes = {std::chrono::minutes(1)};
  cfg.windows.allowed_lateness = 30s;
  auto log = open_scenario_log(cfg);
  ASSERT_TRUE(log);
  const std::int64_t t0 = t0_ms();
  std::vector<pipeline::core::Mention> ms{
      make_mention("acme", t0 + 10'000, Label::negative, -0.5f, "on-time"),
      make_mention("acme", t0 + 65'000, Label::neutral, 0.0f, "next-minute"),  // closes 10:00 (v1)
      make_mention("acme", t0 + 50'000, Label::negative, -0.7f,
                   "late-inside"),                                        // watermark 10:00:35
      make_mention("acme", t0 + 100'000, Label::neutral, 0.0f, "later"),  // watermark 10:01:10
      make_mention("acme", t0 + 59'000, Label::negative, -0.9f, "late-outside"),  // dropped
      make_mention("acme", t0 + 130'000, Label::neutral, 0.0f, "closes-10:01")};
  produce_mentions(*log, cfg, ms);
  auto handler = pipeline::react::make_react_handler(cfg, *log);
  ASSERT_TRUE(handler);
  auto loop =
      pipeline::log::TransactionalLoop::create(*log, pipeline::react::react_loop_options(cfg));
  ASSERT_TRUE(loop);
  drain(**loop, **handler);
  std::vector<std::pair<std::int64_t, std::int64_t>> versions;  // (version, volume) of 10:00
  for (const auto& r : read_topic(*log, cfg.log.topic("aggregates"))) {
    auto a = pipeline::codec::decode_aggregate(r.value);
    ASSERT_TRUE(a);
    if (a->window_start == "2026-11-23T10:00:00.000Z") {
      versions.emplace_back(a->version, a->volume);
      EXPECT_EQ(r.key, "acme|1m|2026-11-23T10:00:00.000Z");
      for (const auto& p : a->top_negative) EXPECT_NE(p.uid, "late-outside");
    }
  }
  std::sort(versions.begin(), versions.end());
  EXPECT_EQ(versions, (std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 1}, {2, 2}}));
  EXPECT_EQ((*handler)->windows().stats().late_updates, 1u);
  EXPECT_EQ((*handler)->windows().stats().dropped_late, 1u);
}

}  // namespace earshot::sinks::testing

#include "pipeline/react/react_stage.h"

#include <gtest/gtest.h>

#include <map>

#include "pipeline/codec/json_codec.h"
#include "tests/pipeline/react/support/react_rig.h"

namespace earshot::pipeline::react {
namespace {

using namespace std::chrono_literals;
using namespace react_testing;
using sentiment::Label;

TEST(ReactStage, UninterruptedRunEqualsBatchRecomputation) {
  config::Config cfg = test_config();
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  auto handler = make_react_handler(cfg, **log);
  ASSERT_TRUE(handler) << handler.error().message;
  produce(**log, cfg, ms, 0, ms.size());
  drain_as(**log, cfg, **handler);
  auto [want_aggs, want_ids] = batch(cfg, ms);
  expect_same(latest_from_topic(**log, cfg), want_aggs);
  EXPECT_EQ(want_ids.size(), 2u);  // the spike's trigger and its resolve
  EXPECT_EQ(alert_ids(**log, cfg), want_ids);
  EXPECT_EQ((*handler)->stats().mentions, ms.size());
}

// Issue 17: ReactOptions::model_version is stamped on every aggregate emitted (the outputs
// of `earshot reprocess`); the live handler (empty) leaves the member out.
TEST(ReactStage, ModelVersionIsStampedOnEveryAggregate) {
  config::Config cfg = test_config();
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  ReactOptions o = react_options(cfg);
  o.model_version = "vader-test";
  ASSERT_TRUE((*log)->create_topics({{o.mentions_topic, 3, false},
                                     {o.aggregates_topic, 3, true},
                                     {o.alerts_topic, 3, false},
                                     {o.deadletter_topic, 3, false},
                                     {o.checkpoint_topic, 3, true}}));
  auto handler = ReactHandler::create(**log, cfg.alerts, o);
  ASSERT_TRUE(handler) << handler.error().message;
  ASSERT_TRUE((*handler)->restore());
  produce(**log, cfg, ms, 0, ms.size());
  drain_as(**log, cfg, **handler);
  auto aggs = read_all(**log, o.aggregates_topic);
  ASSERT_FALSE(aggs.empty());
  for (const auto& r : aggs) {
    auto a = codec::decode_aggregate(r.value);
    ASSERT_TRUE(a) << r.value;
    EXPECT_EQ(a->model_version, "vader-test") << r.value;
  }
}

TEST(ReactStage, RestartReplaysToTheCommittedCheckpointAndMatchesBatch) {
  config::Config cfg = test_config();
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  const std::size_t half = ms.size() * 2 / 3;
  {
    auto handler = make_react_handler(cfg, **log);
    ASSERT_TRUE(handler);
    produce(**log, cfg, ms, 0, half);
    auto loop = log::TransactionalLoop::create(**log, react_loop_options(cfg));
    ASSERT_TRUE(loop);
    drain(**loop, **handler);
    // A crash in the middle of the next transaction: outputs produced, never committed.
    produce(**log, cfg, ms, half, half + 50);
    auto batch_in = (*loop)->consumer().poll(50, 1s);
    ASSERT_TRUE(batch_in);
    log::Output out;
    ASSERT_TRUE((*handler)->handle(*batch_in, out));
    auto doomed = (*log)->producer({.transactional_id = react_loop_options(cfg).transactional_id});
    ASSERT_TRUE(doomed);
    ASSERT_TRUE((*doomed)->begin());
    for (const auto& r : out.records) ASSERT_TRUE((*doomed)->produce(r.topic, r.key, r.value));
  }  // dropped without commit
  produce(**log, cfg, ms, half + 50, ms.size());
  auto handler = make_react_handler(cfg, **log);
  ASSERT_TRUE(handler) << handler.error().message;
  EXPECT_GT((*handler)->stats().replayed, 0u);
  EXPECT_LE((*handler)->stats().replayed, half);
  drain_as(**log, cfg, **handler);
  auto [want_aggs, want_ids] = batch(cfg, ms);
  expect_same(latest_from_topic(**log, cfg), want_aggs);
  EXPECT_EQ(alert_ids(**log, cfg), want_ids);
}

TEST(ReactStage, AHandlerThatFindsItsPartitionsMovedOnRebuildsFirst) {
  config::Config cfg = test_config();
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  const std::size_t half = ms.size() / 2;
  // Two instances restore at start; the first processes half the stream (as if it owned the
  // partitions), then the second takes over with its stale, empty state.
  auto first = make_react_handler(cfg, **log);
  auto second = make_react_handler(cfg, **log);
  ASSERT_TRUE(first && second);
  produce(**log, cfg, ms, 0, half);
  drain_as(**log, cfg, **first, "0");
  produce(**log, cfg, ms, half, ms.size());
  drain_as(**log, cfg, **second, "1");
  EXPECT_EQ((*second)->stats().restores, 1u);          // at start
  EXPECT_GE((*second)->stats().partial_restores, 1u);  // the moved partitions, one by one
  EXPECT_EQ((*second)->stats().replayed, half);
  auto [want_aggs, want_ids] = batch(cfg, ms);
  expect_same(latest_from_topic(**log, cfg), want_aggs);
  EXPECT_EQ(alert_ids(**log, cfg), want_ids);
}

TEST(ReactStage, ARevokedPartitionThatComesBackMovedOnIsRebuilt) {
  config::Config cfg = test_config();
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  const std::size_t third = ms.size() / 3;
  auto mine = make_react_handler(cfg, **log);
  auto other = make_react_handler(cfg, **log);
  ASSERT_TRUE(mine && other);
  produce(**log, cfg, ms, 0, third);
  drain_as(**log, cfg, **mine, "0");
  // The partitions go to the other instance, which moves them on, then come back.
  std::vector<log::TopicPartition> all;
  for (int p = 0; p < cfg.log.partitions; ++p) all.push_back({cfg.log.topic("mentions"), p});
  (*mine)->forget_partitions(all);
  produce(**log, cfg, ms, third, 2 * third);
  drain_as(**log, cfg, **other, "1");
  produce(**log, cfg, ms, 2 * third, ms.size());
  drain_as(**log, cfg, **mine, "0");
  EXPECT_EQ((*mine)->stats().restores, 1u);
  EXPECT_GE((*mine)->stats().partial_restores, 1u);
  EXPECT_EQ((*mine)->stats().revoked, static_cast<std::uint64_t>(cfg.log.partitions));
  auto [want_aggs, want_ids] = batch(cfg, ms);
  expect_same(latest_from_topic(**log, cfg), want_aggs);
  EXPECT_EQ(alert_ids(**log, cfg), want_ids);
}

TEST(ReactStage, AbortedBatchIsHandledAgainIdentically) {
  config::Config cfg = test_config();
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  const std::size_t half = ms.size() / 2;
  auto handler = make_react_handler(cfg, **log);
  ASSERT_TRUE(handler);
  produce(**log, cfg, ms, 0, half);
  drain_as(**log, cfg, **handler);
  std::vector<log::Record> in;
  for (std::size_t i = half; i < ms.size(); ++i) {
    in.push_back({cfg.log.topic("mentions"), 0, static_cast<std::int64_t>(1'000'000 + i),
                  ms[i].entity, codec::encode(ms[i]), 0});
  }
  log::Output first, second;
  ASSERT_TRUE((*handler)->handle(in, first));
  (*handler)->on_abort();
  ASSERT_TRUE((*handler)->handle(in, second));
  EXPECT_EQ((*handler)->stats().restores, 2u);  // at creation, and after the abort
  EXPECT_GT(first.records.size(), 10u);
  ASSERT_EQ(first.records.size(), second.records.size());
  for (std::size_t i = 0; i < first.records.size(); ++i) {
    EXPECT_EQ(first.records[i].key, second.records[i].key);
    if (first.records[i].topic != cfg.log.topic("alerts")) {
      EXPECT_EQ(first.records[i].value, second.records[i].value);
    }
  }
}

TEST(ReactStage, BadMentionGoesToDeadletterAndTheRestFlows) {
  config::Config cfg = test_config();
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto handler = make_react_handler(cfg, **log);
  ASSERT_TRUE(handler);
  std::vector<log::Record> in{
      {cfg.log.topic("mentions"), 1, 7, "acme", "{not json", 0},
      {cfg.log.topic("mentions"), 1, 8, "acme",
       codec::encode(mention("acme", kT0, Label::negative, -0.5f, "p1")), 0}};
  log::Output out;
  ASSERT_TRUE((*handler)->handle(in, out));
  (*handler)->on_commit();
  int dead = 0, ckpt = 0;
  for (const auto& r : out.records) {
    if (r.topic == cfg.log.topic("deadletter")) {
      ++dead;
      auto d = codec::decode_deadletter(r.value);
      ASSERT_TRUE(d);
      EXPECT_EQ(d->stage, "react");
      EXPECT_EQ(d->offset, 7);
      EXPECT_EQ(d->original, "{not json");
    }
    if (r.topic == react_options(cfg).checkpoint_topic) {
      ++ckpt;
      EXPECT_EQ(r.key, cfg.log.topic("mentions") + "|1");
      EXPECT_NE(r.value.find("\"next\":9"), std::string::npos) << r.value;
    }
  }
  EXPECT_EQ(dead, 1);
  EXPECT_EQ(ckpt, 1);
  EXPECT_EQ((*handler)->stats().bad, 1u);
  EXPECT_EQ((*handler)->stats().mentions, 1u);
}

// ---- windows.idle_close: a quiet stream's last windows close on the (injected) clock ----

TEST(ReactStage, MentionsBeyondTheLatenessBoundAreCountedAndLoggedWithEntityAndDelay) {
  config::Config cfg = test_config();
  cfg.windows.allowed_lateness = 1h;
  auto log = log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto handler = make_react_handler(cfg, **log);
  ASSERT_TRUE(handler) << handler.error().message;
  std::vector<std::string> notices;
  (*handler)->set_on_notice([&](const std::string& line) { notices.push_back(line); });
  std::vector<core::Mention> ms{
      mention("acme", kT0 + 3 * 3'600'000LL, Label::neutral, 0, "new"),
      mention("acme", kT0 + 150 * 60'000LL, Label::negative, -0.5f, "late-within"),  // 30 min
      mention("acme", kT0, Label::negative, -0.5f, "late-beyond-1"),
      mention("acme", kT0 + 1000, Label::negative, -0.5f, "late-beyond-2")};
  produce(**log, cfg, ms, 0, ms.size());
  drain_as(**log, cfg, **handler);
  EXPECT_EQ((*handler)->stats().mentions, 4u);
  EXPECT_EQ((*handler)->stats().late_beyond, 2u);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("2 mention(s) of acme"), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find("more than 1h"), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find("up to 3h behind"), std::string::npos) << notices[0];
  // The mention within the bound was aggregated (its minute re-emitted or emitted).
  auto aggs = latest_from_topic(**log, cfg);
  const std::string key = "acme|1m|" + core::format_rfc3339_ms(kT0 + 150 * 60'000LL);
  ASSERT_TRUE(aggs.contains(key));
  EXPECT_NE(aggs[key].find("\"negative\":1"), std::string::npos) << aggs[key];
}

}  // namespace
}  // namespace earshot::pipeline::react

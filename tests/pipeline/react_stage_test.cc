#include "pipeline/react_stage.h"

#include <gtest/gtest.h>

#include <map>

#include "pipeline/json_codec.h"

namespace earshot::pipeline {
namespace {

using namespace std::chrono_literals;
using sentiment::Label;

const std::int64_t kT0 = *parse_rfc3339_ms("2026-11-23T10:00:00Z");

Mention mention(const std::string& entity, std::int64_t t, Label label, float score, const std::string& uid) {
  Mention m;
  m.entity = entity;
  m.post_uid = uid;
  m.url = "https://example.test/" + uid;
  m.created_at = format_rfc3339_ms(t);
  m.author_id = "a" + std::to_string(uid.size() % 7) + uid.substr(uid.size() - 1);
  m.text = label == Label::negative ? "flight delayed again outage" : "nice crew today";
  m.sentiment.label = label;
  m.sentiment.score = score;
  return m;
}

// An hour of steady traffic for two entities, then a negative spike for "acme".
std::vector<Mention> scenario() {
  std::vector<Mention> out;
  for (int minute = 0; minute < 64; ++minute) {
    const std::int64_t base = kT0 + minute * 60'000LL;
    int neg = minute == 60 ? 40 : 3 + minute % 3;
    for (int i = 0; i < neg; ++i) {
      out.push_back(mention("acme", base + 500 + i * 200, Label::negative, -0.5f - 0.001f * i,
                            "acme-" + std::to_string(minute) + "-n" + std::to_string(i)));
    }
    for (int i = 0; i < 6; ++i) {
      out.push_back(mention("acme", base + 20'000 + i * 500, Label::positive, 0.4f,
                            "acme-" + std::to_string(minute) + "-p" + std::to_string(i)));
      out.push_back(mention("globex", base + 21'000 + i * 500, i % 2 ? Label::negative : Label::neutral, -0.2f,
                            "globex-" + std::to_string(minute) + "-" + std::to_string(i)));
    }
  }
  return out;
}

Config test_config() {
  Config cfg = default_config();
  AlertRuleDef r;
  r.name = "negative-spike";
  r.kind = AlertKind::spike;
  r.label = Label::negative;
  cfg.alerts = {r};
  cfg.windows.sizes = {1min, 1h};
  cfg.log.partitions = 3;
  return cfg;
}

void produce(Log& log, const Config& cfg, const std::vector<Mention>& ms, std::size_t from, std::size_t to) {
  auto p = log.producer({});
  ASSERT_TRUE(p);
  for (std::size_t i = from; i < to; ++i) ASSERT_TRUE((*p)->produce(cfg.log.topic("mentions"), ms[i].entity, encode(ms[i])));
  ASSERT_TRUE((*p)->flush(5s));
}

void drain(TransactionalLoop& loop, ReactHandler& h) {
  for (int idle = 0; idle < 3;) {
    auto n = loop.step(h);
    ASSERT_TRUE(n) << n.error().message;
    idle = *n == 0 && loop.caught_up() ? idle + 1 : 0;
  }
}

// Runs `h` in a react loop of instance `instance` on `log` until the input is drained; the loop
// (its consumer and producer) is closed on return.
void drain_as(Log& log, const Config& cfg, ReactHandler& h, const std::string& instance = "0") {
  auto loop = TransactionalLoop::create(log, react_loop_options(cfg, instance));
  ASSERT_TRUE(loop) << loop.error().message;
  drain(**loop, h);
}

std::vector<Record> read_all(Log& log, const std::string& topic) {
  auto c = log.consumer({.group = "", .topics = {topic}});
  EXPECT_TRUE(c);
  std::vector<Record> out;
  for (int i = 0; i < 50; ++i) {
    auto b = (*c)->poll(10'000, 100ms);
    if (b) out.insert(out.end(), b->begin(), b->end());
    if ((*c)->at_end()) break;
  }
  return out;
}

// key -> the JSON of the aggregate's highest version (JSON so that failures print readably).
std::map<std::string, std::string> latest(const std::vector<Aggregate>& aggs) {
  std::map<std::string, Aggregate> best;
  for (const auto& a : aggs) {
    auto& slot = best[aggregate_key(a)];
    if (a.version >= slot.version) slot = a;
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, a] : best) out[k] = encode(a);
  return out;
}

std::map<std::string, std::string> latest_from_topic(Log& log, const Config& cfg) {
  std::vector<Aggregate> aggs;
  for (const auto& r : read_all(log, cfg.log.topic("aggregates"))) {
    auto a = decode_aggregate(r.value);
    EXPECT_TRUE(a) << r.value;
    if (a) {
      EXPECT_EQ(r.key, aggregate_key(*a));
      aggs.push_back(*a);
    }
  }
  return latest(aggs);
}

// The batch recomputation: every mention through fresh Windows and AlertEngine.
std::pair<std::map<std::string, std::string>, std::vector<std::string>> batch(const Config& cfg,
                                                                            const std::vector<Mention>& ms) {
  Windows w(react_options(cfg).windows);
  auto e = AlertEngine::create(cfg.alerts);
  std::vector<Aggregate> aggs;
  std::vector<Alert> alerts;
  for (const auto& original : ms) {
    auto m = decode_mention(encode(original));  // the same input as on the topic
    EXPECT_TRUE(m);
    EXPECT_TRUE(w.add(*m, aggs));
    EXPECT_TRUE((*e)->add(*m, alerts));
  }
  std::vector<std::string> ids;
  for (const auto& a : alerts) ids.push_back(a.id);
  std::sort(ids.begin(), ids.end());
  return {latest(aggs), ids};
}

void expect_same(const std::map<std::string, std::string>& got, const std::map<std::string, std::string>& want) {
  EXPECT_EQ(got.size(), want.size());
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      ADD_FAILURE() << "missing " << k;
    } else if (it->second != v) {
      ADD_FAILURE() << k << "\n got  " << it->second << "\n want " << v;
    }
  }
}

std::vector<std::string> alert_ids(Log& log, const Config& cfg) {
  std::vector<std::string> ids;
  for (const auto& r : read_all(log, cfg.log.topic("alerts"))) {
    auto a = decode_alert(r.value);
    EXPECT_TRUE(a);
    if (a) ids.push_back(a->id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(ReactStage, UninterruptedRunEqualsBatchRecomputation) {
  Config cfg = test_config();
  auto log = open_log({.kind = "embedded"});
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

TEST(ReactStage, RestartReplaysToTheCommittedCheckpointAndMatchesBatch) {
  Config cfg = test_config();
  auto log = open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  const std::size_t half = ms.size() * 2 / 3;
  {
    auto handler = make_react_handler(cfg, **log);
    ASSERT_TRUE(handler);
    produce(**log, cfg, ms, 0, half);
    auto loop = TransactionalLoop::create(**log, react_loop_options(cfg));
    ASSERT_TRUE(loop);
    drain(**loop, **handler);
    // A crash in the middle of the next transaction: outputs produced, never committed.
    produce(**log, cfg, ms, half, half + 50);
    auto batch_in = (*loop)->consumer().poll(50, 1s);
    ASSERT_TRUE(batch_in);
    Output out;
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
  Config cfg = test_config();
  auto log = open_log({.kind = "embedded"});
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
  EXPECT_EQ((*second)->stats().restores, 1u);  // at start
  EXPECT_GE((*second)->stats().partial_restores, 1u);  // the moved partitions, one by one
  EXPECT_EQ((*second)->stats().replayed, half);
  auto [want_aggs, want_ids] = batch(cfg, ms);
  expect_same(latest_from_topic(**log, cfg), want_aggs);
  EXPECT_EQ(alert_ids(**log, cfg), want_ids);
}

TEST(ReactStage, ARevokedPartitionThatComesBackMovedOnIsRebuilt) {
  Config cfg = test_config();
  auto log = open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  const std::size_t third = ms.size() / 3;
  auto mine = make_react_handler(cfg, **log);
  auto other = make_react_handler(cfg, **log);
  ASSERT_TRUE(mine && other);
  produce(**log, cfg, ms, 0, third);
  drain_as(**log, cfg, **mine, "0");
  // The partitions go to the other instance, which moves them on, then come back.
  std::vector<TopicPartition> all;
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
  Config cfg = test_config();
  auto log = open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto ms = scenario();
  const std::size_t half = ms.size() / 2;
  auto handler = make_react_handler(cfg, **log);
  ASSERT_TRUE(handler);
  produce(**log, cfg, ms, 0, half);
  drain_as(**log, cfg, **handler);
  std::vector<Record> in;
  for (std::size_t i = half; i < ms.size(); ++i) {
    in.push_back({cfg.log.topic("mentions"), 0, static_cast<std::int64_t>(1'000'000 + i), ms[i].entity, encode(ms[i]), 0});
  }
  Output first, second;
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
  Config cfg = test_config();
  auto log = open_log({.kind = "embedded"});
  ASSERT_TRUE(log);
  auto handler = make_react_handler(cfg, **log);
  ASSERT_TRUE(handler);
  std::vector<Record> in{{cfg.log.topic("mentions"), 1, 7, "acme", "{not json", 0},
                         {cfg.log.topic("mentions"), 1, 8, "acme", encode(mention("acme", kT0, Label::negative, -0.5f, "p1")), 0}};
  Output out;
  ASSERT_TRUE((*handler)->handle(in, out));
  (*handler)->on_commit();
  int dead = 0, ckpt = 0;
  for (const auto& r : out.records) {
    if (r.topic == cfg.log.topic("deadletter")) {
      ++dead;
      auto d = decode_deadletter(r.value);
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

struct IdleRig {
  Config cfg = test_config();
  std::unique_ptr<Log> log;
  std::int64_t clock = 1'000'000;  // ms, advanced by the test
  std::vector<Mention> ms;

  Result<std::unique_ptr<ReactHandler>> handler(std::chrono::milliseconds idle_close = 30s) {
    ReactOptions o = react_options(cfg);
    o.idle_close = idle_close;
    o.now_ms = [this] { return clock; };
    auto h = ReactHandler::create(*log, cfg.alerts, o);
    if (!h) return h;
    if (auto st = (*h)->restore(); !st) return std::unexpected(st.error());
    return h;
  }
};

std::vector<Mention> until_spike_minute() {
  std::vector<Mention> out;
  for (const auto& m : scenario()) {
    if (*parse_rfc3339_ms(m.created_at) < kT0 + 61 * 60'000LL) out.push_back(m);
  }
  return out;
}

std::vector<std::string> alert_statuses(Log& log, const Config& cfg) {
  std::vector<std::string> out;
  for (const auto& r : read_all(log, cfg.log.topic("alerts"))) {
    auto a = decode_alert(r.value);
    EXPECT_TRUE(a);
    if (a) out.push_back(a->entity + ":" + a->status);
  }
  return out;
}

// Steps the loop until a step commits something (an idle close) or `tries` steps passed.
bool step_until_output(TransactionalLoop& loop, ReactHandler& h, int tries = 10) {
  const auto before = loop.stats().records_out.load();
  for (int i = 0; i < tries; ++i) {
    auto n = loop.step(h);
    EXPECT_TRUE(n) << n.error().message;
    if (loop.stats().records_out.load() > before) return true;
  }
  return false;
}

TEST(ReactStage, QuietStreamClosesItsLastWindowsAndResolvesOnTheClock) {
  IdleRig rig;
  rig.log = std::move(*open_log({.kind = "embedded"}));
  const std::string spike_minute = "2026-11-23T11:00:00.000Z";
  auto h = rig.handler();
  ASSERT_TRUE(h) << h.error().message;
  rig.ms = until_spike_minute();  // ends inside the spike minute: nothing newer comes
  produce(*rig.log, rig.cfg, rig.ms, 0, rig.ms.size());
  auto loop = TransactionalLoop::create(*rig.log, react_loop_options(rig.cfg));
  ASSERT_TRUE(loop);
  drain(**loop, **h);
  EXPECT_EQ(alert_statuses(*rig.log, rig.cfg), (std::vector<std::string>{"acme:trigger"}));
  EXPECT_FALSE(latest_from_topic(*rig.log, rig.cfg).contains("acme|1m|" + spike_minute));

  // Quiet for less than idle_close: nothing. Both entities' last mentions are ~23 s into the
  // minute, so 31 s of quiet is idle but does not yet reach the minute's end.
  rig.clock += 29'000;
  EXPECT_FALSE(step_until_output(**loop, **h, 3));
  rig.clock += 2'000;
  EXPECT_FALSE(step_until_output(**loop, **h, 3));
  EXPECT_EQ((*h)->stats().idle_advances, 0u);

  // 40 s of quiet: the event-time clock passes 11:01, the spike minute closes (it still
  // holds: no resolve yet).
  rig.clock += 9'000;
  ASSERT_TRUE(step_until_output(**loop, **h));
  auto aggs = latest_from_topic(*rig.log, rig.cfg);
  ASSERT_TRUE(aggs.contains("acme|1m|" + spike_minute));
  ASSERT_TRUE(aggs.contains("globex|1m|" + spike_minute));
  auto spike = decode_aggregate(aggs["acme|1m|" + spike_minute]);
  ASSERT_TRUE(spike);
  EXPECT_EQ(spike->negative, 40);
  EXPECT_EQ(alert_statuses(*rig.log, rig.cfg), (std::vector<std::string>{"acme:trigger"}));

  // A minute later the next (empty) minute closes: the alert resolves.
  rig.clock += 60'000;
  ASSERT_TRUE(step_until_output(**loop, **h));
  EXPECT_EQ(alert_statuses(*rig.log, rig.cfg), (std::vector<std::string>{"acme:trigger", "acme:resolve"}));
  EXPECT_TRUE((*h)->alerts().open_alerts().empty());
  const auto advances = (*h)->stats().idle_advances;
  EXPECT_GE(advances, 2u);

  // Nothing else is pending until the hour windows end: further quiet steps emit nothing.
  rig.clock += 60'000;
  EXPECT_FALSE(step_until_output(**loop, **h, 3));

  // A restart replays the recorded advances at the same point: same state, same snapshot.
  auto again = rig.handler();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ((*again)->stats().replayed, rig.ms.size());
  EXPECT_TRUE((*again)->alerts().open_alerts().empty());
  EXPECT_EQ((*again)->windows().held(), (*h)->windows().held());
  std::vector<Aggregate> a, b;
  (*h)->windows().snapshot(a);
  (*again)->windows().snapshot(b);
  EXPECT_EQ(latest(a), latest(b));
  EXPECT_EQ((*again)->windows().stats(), (*h)->windows().stats());
}

TEST(ReactStage, IdleCloseZeroNeverClosesOnTheClock) {
  IdleRig rig;
  rig.log = std::move(*open_log({.kind = "embedded"}));
  auto h = rig.handler(0ms);
  ASSERT_TRUE(h);
  rig.ms = until_spike_minute();
  produce(*rig.log, rig.cfg, rig.ms, 0, rig.ms.size());
  auto loop = TransactionalLoop::create(*rig.log, react_loop_options(rig.cfg));
  ASSERT_TRUE(loop);
  drain(**loop, **h);
  rig.clock += 3'600'000;
  EXPECT_FALSE(step_until_output(**loop, **h, 3));
  EXPECT_EQ((*h)->stats().idle_advances, 0u);
}

TEST(ReactStage, BusyPartitionIsNeverAdvancedOnTheClock) {
  // Records keep coming (each step brings one): the clock moving on does not close anything.
  IdleRig rig;
  rig.log = std::move(*open_log({.kind = "embedded"}));
  auto h = rig.handler();
  ASSERT_TRUE(h);
  auto ms = until_spike_minute();
  std::vector<Mention> acme;
  for (const auto& m : ms) {
    if (m.entity == "acme") acme.push_back(m);
  }
  Output out;
  std::vector<Record> in;
  for (std::size_t i = 0; i < acme.size(); ++i) {
    rig.clock += 60'000;  // a minute of wall clock between records: still never quiet for 30 s
                          // at a check, since each handle() sees a record of the partition
    std::vector<Record> one{{rig.cfg.log.topic("mentions"), 0, static_cast<std::int64_t>(i), "acme", encode(acme[i]), 0}};
    ASSERT_TRUE((*h)->handle(one, out));
    (*h)->on_commit();
  }
  EXPECT_EQ((*h)->stats().idle_advances, 0u);
}

}  // namespace
}  // namespace earshot::pipeline

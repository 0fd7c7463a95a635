// Rebalance of the react stage on a real Apache Kafka broker (EARSHOT_TEST_BROKERS): two
// react instances in one consumer group over a 3-partition mentions topic; the second joins
// mid-stream (the group splits the partitions), then the first leaves mid-stream (the second
// takes everything over). Each instance forgets revoked partitions and rebuilds a partition
// it takes over from the log. The final aggregates (latest per key) must equal a batch
// recomputation over the same input, and the alerts topic must hold exactly the alerts of
// that recomputation — no alert lost, none twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/react/alert_rules.h"
#include "pipeline/react/react_stage.h"
#include "tests/sinks/support/alert_scenario.h"
#include "tests/sinks/support/end_to_end.h"

namespace earshot::sinks::testing {
namespace {

using namespace std::chrono_literals;

// One react instance on its own thread: handler + loop, until stopped.
struct Instance {
  std::unique_ptr<pipeline::react::ReactHandler> handler;
  std::unique_ptr<pipeline::log::TransactionalLoop> loop;
  std::atomic<bool> stop{false};
  pipeline::core::Status result;
  std::thread thread;

  void start(const pipeline::config::Config& cfg, pipeline::log::Log& log,
             const std::string& name) {
    auto h = pipeline::react::make_react_handler(cfg, log);
    ASSERT_TRUE(h) << h.error().message;
    handler = std::move(*h);
    auto l = pipeline::log::TransactionalLoop::create(
        log, pipeline::react::react_loop_options(cfg, name));
    ASSERT_TRUE(l) << l.error().message;
    loop = std::move(*l);
    pipeline::log::Consumer* consumer = &loop->consumer();
    // The handler asks on the loop thread (when idle); the count is kept for the test thread.
    handler->set_assignment([this, consumer] {
      auto parts = consumer->assignment();
      assigned = static_cast<int>(parts.size());
      return parts;
    });
    thread = std::thread([this] {
      result = loop->run(*handler, stop);
      done = true;
    });
  }
  // Stops the loop and closes its consumer, so the group hands its partitions on.
  void leave() {
    stop = true;
    if (thread.joinable()) thread.join();
    loop.reset();
  }
  std::uint64_t records_in() const { return loop ? loop->stats().records_in.load() : 0; }
  bool running() const { return thread.joinable() && !done; }
  ~Instance() { leave(); }
  std::atomic<bool> done{false};
  std::atomic<int> assigned{-1};  // partitions held, as of the last idle poll
};

std::vector<std::string> alert_ids_in_topic(pipeline::log::Log& log,
                                            const pipeline::config::Config& cfg) {
  std::vector<std::string> ids;
  for (const auto& r : read_topic(log, cfg.log.topic("alerts"))) {
    auto a = pipeline::codec::decode_alert(r.value);
    EXPECT_TRUE(a) << r.value;
    if (a) ids.push_back(a->id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> batch_alert_ids(const pipeline::config::Config& cfg,
                                         const std::vector<pipeline::core::Mention>& ms) {
  auto engine = pipeline::react::AlertEngine::create(cfg.alerts);
  EXPECT_TRUE(engine);
  std::vector<pipeline::core::Alert> alerts;
  for (const auto& original : ms) {
    auto m = pipeline::codec::decode_mention(pipeline::codec::encode(original));
    EXPECT_TRUE(m && (*engine)->add(*m, alerts));
  }
  std::vector<std::string> ids;
  for (const auto& a : alerts) ids.push_back(a.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(ReactRebalanceKafka, SecondInstanceJoinsThenFirstLeavesAndTheResultIsExact) {
  pipeline::config::Config cfg = scenario_config("kafka", "rebalance");
  cfg.windows.idle_close = 0ms;  // the comparison is with a batch run: no wall-clock closes
  auto log = open_scenario_log(cfg);
  ASSERT_TRUE(log);

  // Twelve entities over three partitions, six of them with a spike (trigger + resolve each).
  std::vector<pipeline::core::Mention> ms;
  for (const auto& [spiky, steady] : {std::pair{"acme", "globex"},
                                      {"initech", "umbrella"},
                                      {"hooli", "vandelay"},
                                      {"wonka", "stark"},
                                      {"tyrell", "cyberdyne"},
                                      {"soylent", "wayne"}}) {
    auto part = spike_scenario(spiky, steady);
    ms.insert(ms.end(), part.begin(), part.end());
  }
  std::stable_sort(ms.begin(), ms.end(),
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  const auto want_aggs = batch_aggregates(cfg, ms);
  const auto want_alerts = batch_alert_ids(cfg, ms);
  ASSERT_EQ(want_alerts.size(), 12u);
  const std::size_t a_end = ms.size() * 2 / 5, b_end = ms.size() * 7 / 10;
  auto slice = [&](std::size_t from, std::size_t to) {
    return std::vector<pipeline::core::Mention>(ms.begin() + static_cast<std::ptrdiff_t>(from),
                                                ms.begin() + static_cast<std::ptrdiff_t>(to));
  };

  Instance a, b;
  produce_mentions(*log, cfg, slice(0, a_end));
  a.start(cfg, *log, "a");
  ASSERT_TRUE(wait_until(
      within(60s), [&] { return a.records_in() > 0; }, "instance a processing"))
      << "instance a processed nothing";

  b.start(cfg, *log, "b");
  // The group splits the partitions once b has joined (both idle and holding some).
  ASSERT_TRUE(wait_until(
      within(60s), [&] { return a.assigned > 0 && b.assigned > 0 && a.assigned + b.assigned == 3; },
      "the partitions split between a and b"))
      << "assigned: a " << a.assigned << ", b " << b.assigned;
  produce_mentions(*log, cfg, slice(a_end, b_end));
  const bool b_started = wait_until(
      within(60s), [&] { return b.records_in() > 0 || b.done; }, "instance b processing");
  if (!b_started) {
    std::map<int, int> parts;
    for (const auto& r : read_topic(*log, cfg.log.topic("mentions"))) ++parts[r.partition];
    std::string where;
    for (auto [p, n] : parts) where += " p" + std::to_string(p) + "=" + std::to_string(n);
    std::string assigned;
    for (const auto& tp : b.loop->consumer().assignment())
      assigned += " " + std::to_string(tp.partition);
    FAIL() << "instance b was never given a partition; a: " << a.records_in() << " in, "
           << a.loop->stats().revocations.load() << " revocations; mentions per partition:" << where
           << "; b assigned:" << assigned << "; b restores " << b.handler->stats().partial_restores;
  }
  ASSERT_FALSE(b.done) << "instance b stopped: " << (b.result ? "ok" : b.result.error().message);
  std::map<int, int> per_partition;
  for (const auto& r : read_topic(*log, cfg.log.topic("mentions"))) ++per_partition[r.partition];
  EXPECT_EQ(per_partition.size(), 3u) << "every partition should carry mentions";

  a.leave();  // mid-stream: b takes every partition over
  ASSERT_TRUE(a.result) << a.result.error().message;
  produce_mentions(*log, cfg, slice(b_end, ms.size()));
  const bool done = wait_until(
      within(90s), [&] { return latest_aggregates(*log, cfg) == want_aggs; },
      "the aggregates to equal the batch recomputation", 200ms);
  b.leave();
  ASSERT_TRUE(b.result) << b.result.error().message;

  EXPECT_TRUE(done) << "the aggregates never matched the batch recomputation";
  EXPECT_EQ(latest_aggregates(*log, cfg), want_aggs);
  EXPECT_EQ(alert_ids_in_topic(*log, cfg), want_alerts);  // exact: none lost, none twice
  EXPECT_GE(a.handler->stats().revoked, 1u);              // a lost partitions when b joined
  EXPECT_GE(b.handler->stats().partial_restores, 1u);     // b rebuilt what it took over
  EXPECT_EQ(b.handler->alerts().open_alerts().size(), 0u);
}

}  // namespace
}  // namespace earshot::sinks::testing

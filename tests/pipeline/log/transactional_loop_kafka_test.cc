// TransactionalLoop on a real Kafka broker (EARSHOT_TEST_BROKERS): a second member joins the
// group while the first is pipelining (a handled batch waiting for its commit while it polls
// ahead). The revocation must settle that batch before the partitions move, so the two
// members together write every input record exactly once.
#include "pipeline/log/transactional_loop.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "pipeline/log/kafka/kafka_log.h"
#include "tests/support/kafka_env.h"

namespace earshot::pipeline::log {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::unique_ptr<Log> open_kafka() {
  const std::string brokers = earshot::testing::test_brokers();
  log::kafka::set_kafka_log_handler([](int, std::string_view, std::string_view) {});
  auto log = log::kafka::KafkaLog::open(
      {.kind = "kafka", .brokers = brokers, .path = "", .properties = {}, .partitions = 3});
  EXPECT_TRUE(log) << log.error().message;
  return std::move(*log);
}

// Echoes records to `out`; prepares (a no-op besides keeping the batch) so the loop pipelines.
class Echo final : public BatchHandler {
 public:
  explicit Echo(std::string out) : out_(std::move(out)) {}
  core::Status handle(const std::vector<Record>& batch, Output& out) override {
    for (const auto& r : batch) out.emit(out_, r.key, r.value);
    prepared_.reset();
    return core::ok();
  }
  void on_abort() override { prepared_.reset(); }
  bool prepares() const override { return true; }
  void prepare(std::shared_ptr<const Batch> batch) override { prepared_ = std::move(batch); }

 private:
  std::string out_;
  std::shared_ptr<const Batch> prepared_;
};

TEST(TransactionalLoopKafka, RevocationWhileACommitIsPendingKeepsExactlyOnce) {
  auto log = open_kafka();
  std::random_device rd;
  const std::string stem = "tl-" + std::to_string(rd()) + std::to_string(rd());
  const std::string in = stem + ".in", out = stem + ".out";
  ASSERT_TRUE(log->create_topics({{in, 3, false}, {out, 3, false}}));
  constexpr int kRecords = 30000;
  {
    auto p = std::move(*log->producer({}));
    for (int i = 0; i < kRecords; ++i)
      ASSERT_TRUE(p->produce(in, "k" + std::to_string(i), "v" + std::to_string(i)));
    ASSERT_TRUE(p->flush(60s));
  }
  auto make = [&](const std::string& id) {
    auto l = TransactionalLoop::create(*log, {.group = stem,
                                              .inputs = {in},
                                              .transactional_id = stem + "-" + id,
                                              .batch_size = 100,
                                              .poll_timeout = 100ms});
    EXPECT_TRUE(l) << l.error().message;
    return std::move(*l);
  };
  std::atomic<bool> stop{false};
  auto a = make("a");
  Echo ha(out), hb(out);
  core::Status ra = core::ok(), rb = core::ok();
  std::thread ta([&] { ra = a->run(ha, stop); });
  // Let `a` get going, then add `b`: the group rebalances while `a` is mid-stream.
  auto deadline = Clock::now() + 60s;
  while (a->stats().batches < 5 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_GE(a->stats().batches, 5u) << "the first member made no progress";
  ASSERT_LT(a->stats().records_in, static_cast<std::uint64_t>(kRecords))
      << "input too small to rebalance mid-stream";
  auto b = make("b");
  std::thread tb([&] { rb = b->run(hb, stop); });
  deadline = Clock::now() + 90s;
  while (a->stats().records_in + b->stats().records_in < static_cast<std::uint64_t>(kRecords) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  ta.join();
  tb.join();
  EXPECT_TRUE(ra) << ra.error().message;
  EXPECT_TRUE(rb) << rb.error().message;
  EXPECT_GE(a->stats().revocations, 1u);
  EXPECT_GE(a->stats().revoke_commits, 1u)
      << "the revocation found no pending commit (test did not exercise it)";
  // Committed records counted by both members: each input record exactly once.
  EXPECT_EQ(a->stats().records_in + b->stats().records_in, static_cast<std::uint64_t>(kRecords));

  auto reader = std::move(*log->consumer({.group = "", .topics = {out}, .on_revoke = {}}));
  std::multiset<std::string> keys;
  deadline = Clock::now() + 60s;
  while (Clock::now() < deadline) {
    auto batch = reader->poll(10000, 300ms);
    ASSERT_TRUE(batch);
    for (const auto& r : *batch) keys.insert(r.key);
    if (keys.size() >= static_cast<std::size_t>(kRecords) && batch->empty() && reader->at_end())
      break;
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kRecords));
  std::set<std::string> distinct(keys.begin(), keys.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kRecords)) << "duplicates in the output";
}

}  // namespace
}  // namespace earshot::pipeline::log

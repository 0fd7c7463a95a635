// The Kafka producer's error branches (pipeline/log/kafka/kafka_producer.cc) that a real
// broker cannot be made to produce on demand, reached through librdkafka's mock cluster by
// injecting error codes into the broker's answers. Only the producer's reaction to each error
// class is asserted here — never exactly-once, which only real-broker tests prove
// (tests/cli/*_chaos_test.cc, *_kafka_test.cc).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include "pipeline/log/kafka/kafka_log.h"

namespace earshot::pipeline::log::kafka {
namespace {

// Kafka protocol ApiKeys (librdkafka keeps its RD_KAFKAP_* names private).
constexpr int16_t kProduce = 0;
constexpr int16_t kEndTxn = 26;

// A one-broker mock cluster, owned by a throwaway client handle.
class MockCluster {
 public:
  MockCluster() {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    mc_ = rd_kafka_mock_cluster_new(rk_, 1);
    rd_kafka_mock_topic_create(mc_, "mock.out", 1, 1);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(mc_);
    rd_kafka_destroy(rk_);
  }
  rd_kafka_mock_cluster_t* get() { return mc_; }
  std::unique_ptr<Log> log() {
    auto l = KafkaLog::open({.kind = "kafka",
                             .brokers = rd_kafka_mock_cluster_bootstraps(mc_),
                             .path = "",
                             .properties = {{"log_level", "0"}},
                             .partitions = 1});
    EXPECT_TRUE(l) << l.error().message;
    return std::move(*l);
  }

 private:
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_mock_cluster_t* mc_ = nullptr;
};

std::unique_ptr<Producer> transactional(Log& log, const std::string& id) {
  auto p = log.producer({.transactional_id = id});
  EXPECT_TRUE(p) << p.error().message;
  return std::move(*p);
}

TEST(KafkaProducerMock, RetriableEndTxnErrorsAreRetriedToACommit) {
  MockCluster mc;
  auto log = mc.log();
  auto p = transactional(*log, "mock-retriable");
  ASSERT_TRUE(p->begin());
  ASSERT_TRUE(p->produce("mock.out", "k", "v"));
  rd_kafka_mock_push_request_errors(mc.get(), kEndTxn, 2, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
                                    RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
  auto st = p->commit();
  EXPECT_TRUE(st) << st.error().message;
  // The producer is still usable for the next transaction.
  ASSERT_TRUE(p->begin());
  ASSERT_TRUE(p->produce("mock.out", "k", "v2"));
  EXPECT_TRUE(p->commit());
}

TEST(KafkaProducerMock, AProduceRefusedForGoodMakesTheCommitAbortableAndTheNextOneWorks) {
  MockCluster mc;
  auto log = mc.log();
  auto p = transactional(*log, "mock-abortable");
  ASSERT_TRUE(p->begin());
  rd_kafka_mock_push_request_errors(mc.get(), kProduce, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  ASSERT_TRUE(p->produce("mock.out", "k", "lost"));
  auto st = p->commit();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::kAbortable) << st.error().message;
  // commit() aborted the transaction itself. librdkafka 2.0 may refuse the next transaction
  // too ("skipped sequence numbers": the failed record left a gap) — also abortable, and the
  // abort bumps the epoch — so the loop's answer, abort and try again, gets through within a
  // few rounds; it must never turn into a fatal error or a stuck producer.
  core::Status again = core::fail(core::ErrorCode::kAbortable, "not tried");
  int rounds = 0;
  for (; rounds < 3 && !again; ++rounds) {
    ASSERT_TRUE(p->begin());
    auto produced = p->produce("mock.out", "k", "again");
    ASSERT_TRUE(produced) << produced.error().message;
    again = p->commit();
    if (!again) {
      EXPECT_EQ(again.error().code, core::ErrorCode::kAbortable) << again.error().message;
    }
  }
  EXPECT_TRUE(again) << "still refused after " << rounds << " rounds: " << again.error().message;
}

TEST(KafkaProducerMock, FencedAtEndTxnIsReportedAsFenced) {
  MockCluster mc;
  auto log = mc.log();
  auto p = transactional(*log, "mock-fenced");
  ASSERT_TRUE(p->begin());
  ASSERT_TRUE(p->produce("mock.out", "k", "v"));
  rd_kafka_mock_push_request_errors(mc.get(), kEndTxn, 1, RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
  auto st = p->commit();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::kFenced) << st.error().message;
}

}  // namespace
}  // namespace earshot::pipeline::log::kafka

// The Log contract on a real Apache Kafka broker: EARSHOT_TEST_BROKERS (deploy/test.sh
// starts one). A missing broker is a failure, never a skip.
#include <cstdlib>

#include "pipeline/kafka_log.h"
#include "tests/pipeline/support/log_contract.h"

namespace earshot::pipeline::testing {
namespace {

std::unique_ptr<Log> open_kafka() {
  const char* brokers = std::getenv("EARSHOT_TEST_BROKERS");
  if (!brokers || !*brokers) {
    ADD_FAILURE() << "EARSHOT_TEST_BROKERS is not set: run the kafka tests through deploy/test.sh "
                     "or start deploy/kafka/start.sh and export EARSHOT_TEST_BROKERS=127.0.0.1:9092";
    std::abort();
  }
  auto log = KafkaLog::open({.kind = "kafka", .brokers = brokers, .path = "", .properties = {}, .partitions = 3});
  EXPECT_TRUE(log) << log.error().message;
  return std::move(*log);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Kafka, LogContract,
                         ::testing::Values(LogTarget{"kafka", open_kafka, true}),
                         [](const ::testing::TestParamInfo<LogTarget>& info) { return info.param.name; });

}  // namespace earshot::pipeline::testing

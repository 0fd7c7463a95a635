// The Log contract on a real Apache Kafka broker: EARSHOT_TEST_BROKERS (deploy/test.sh
// starts one). A missing broker is a failure, never a skip.
#include <cstdlib>

#include "pipeline/log/kafka/kafka_log.h"
#include "tests/pipeline/log/support/log_contract.h"
#include "tests/support/kafka_env.h"

namespace earshot::pipeline::testing {
namespace {

std::unique_ptr<log::Log> open_kafka() {
  const std::string brokers = earshot::testing::test_brokers();
  auto log = log::kafka::KafkaLog::open(
      {.kind = "kafka", .brokers = brokers, .path = "", .properties = {}, .partitions = 3});
  EXPECT_TRUE(log) << log.error().message;
  return std::move(*log);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Kafka, LogContract,
                         ::testing::Values(LogTarget{"kafka", open_kafka, true}),
                         [](const ::testing::TestParamInfo<LogTarget>& info) {
                           return info.param.name;
                         });

}  // namespace earshot::pipeline::testing

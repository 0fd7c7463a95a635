// The broker the `kafka`-label tests use: $EARSHOT_TEST_BROKERS, which deploy/test.sh sets
// after it started a local Apache Kafka. A kafka test run without it fails loudly (it is not
// skipped: CI must run it).
//
//   auto log = KafkaLog::open({.kind = "kafka", .brokers = earshot::testing::test_brokers()});
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace earshot::testing {

inline std::string test_brokers() {
  const char* brokers = std::getenv("EARSHOT_TEST_BROKERS");
  if (brokers == nullptr || *brokers == '\0') {
    ADD_FAILURE()
        << "EARSHOT_TEST_BROKERS is not set: run the kafka tests through deploy/test.sh "
           "or start deploy/kafka/start.sh and export EARSHOT_TEST_BROKERS=127.0.0.1:9092";
    std::abort();
  }
  return brokers;
}

}  // namespace earshot::testing

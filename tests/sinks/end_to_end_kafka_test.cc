// The "done when" scenarios on a real Apache Kafka broker (EARSHOT_TEST_BROKERS;
// deploy/test.sh or deploy/kafka/start.sh start one). A missing broker is a failure.
#include <gtest/gtest.h>

#include "tests/sinks/support/end_to_end.h"

namespace earshot::sinks::testing {
namespace {

TEST(EndToEndKafka, SpikeGivesOneAlertAtEachReceiverAndSteadyEntityNone) {
  pipeline::config::Config cfg = scenario_config("kafka", "spike");
  auto log = open_scenario_log(cfg);
  ASSERT_TRUE(log);
  run_spike_scenario(cfg, *log);
}

TEST(EndToEndKafka, SinkKilledMidDeliveryResendsTheSameAlertOnly) {
  run_sink_kill_scenario("kafka");
}

TEST(EndToEndKafka, ReactKilledAndRestartedEqualsBatchRecomputation) {
  run_react_kill_scenario("kafka");
}

TEST(EndToEndKafka, LateDataInsideLatenessUpdatesLaterIsDropped) {
  run_late_data_scenario("kafka");
}

}  // namespace
}  // namespace earshot::sinks::testing

// The "done when" scenarios on the embedded log (the same code runs on real Kafka in
// end_to_end_kafka_test.cc); kill -9 scenarios share a SQLite file between processes.
#include <gtest/gtest.h>

#include "tests/sinks/support/end_to_end.h"

namespace earshot::sinks::testing {
namespace {

TEST(EndToEndEmbedded, SpikeGivesOneAlertAtEachReceiverAndSteadyEntityNone) {
  pipeline::config::Config cfg = scenario_config("embedded", "spike");
  auto log = open_scenario_log(cfg);
  ASSERT_TRUE(log);
  run_spike_scenario(cfg, *log);
}

TEST(EndToEndEmbedded, SinkKilledMidDeliveryResendsTheSameAlertOnly) {
  run_sink_kill_scenario("embedded");
}

TEST(EndToEndEmbedded, ReactKilledAndRestartedEqualsBatchRecomputation) {
  run_react_kill_scenario("embedded");
}

TEST(EndToEndEmbedded, LateDataInsideLatenessUpdatesLaterIsDropped) {
  run_late_data_scenario("embedded");
}

}  // namespace
}  // namespace earshot::sinks::testing

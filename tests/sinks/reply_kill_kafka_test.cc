// Issue 14, "done when": kill -9 of the sender 20 times at random points over a run of 500
// approved replies on real Kafka; the fixture server saw exactly 500 replies, each to the
// right post.
#include <gtest/gtest.h>

#include "tests/sinks/support/reply_scenarios.h"

namespace earshot::sinks::testing {
namespace {

TEST(ReplyKillKafka, FiveHundredRepliesExactlyOnceThroughTwentyKills) {
  run_reply_kill_scenario("kafka", 500, 20);
}

}  // namespace
}  // namespace earshot::sinks::testing

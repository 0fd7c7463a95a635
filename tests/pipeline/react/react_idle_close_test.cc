// windows.idle_close: a quiet stream's last windows close on the (injected) clock.
#include "pipeline/react/react_stage.h"

#include <gtest/gtest.h>

#include <map>

#include "pipeline/codec/json_codec.h"
#include "tests/pipeline/react/support/react_rig.h"

namespace earshot::pipeline::react {
namespace {

using namespace std::chrono_literals;
using namespace react_testing;
using sentiment::Label;

struct IdleRig {
  config::Config cfg = test_config();
  std::unique_ptr<log::Log> log;
  std::int64_t clock = 1'000'000;  // ms, advanced by the test
  std::vector<core::Mention> ms;

  core::Result<std::unique_ptr<ReactHandler>> handler(std::chrono::milliseconds idle_close = 30s) {
    ReactOptions o = react_options(cfg);
    o.idle_close = idle_close;
    o.now_ms = [this] { return clock; };
    auto h = ReactHandler::create(*log, cfg.alerts, o);
    if (!h) return h;
    if (auto st = (*h)->restore(); !st) return std::unexpected(st.error());
    return h;
  }
};

std::vector<core::Mention> until_spike_minute() {
  std::vector<core::Mention> out;
  for (const auto& m : scenario()) {
    if (*core::parse_rfc3339_ms(m.created_at) < kT0 + 61 * 60'000LL) out.push_back(m);
  }
  return out;
}

// Steps the loop until a step commits something (an idle close) or `tries` steps passed.
bool step_until_output(log::TransactionalLoop& loop, ReactHandler& h, int tries = 10) {
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
  rig.log = std::move(*log::open_log({.kind = "embedded"}));
  const std::string spike_minute = "2026-11-23T11:00:00.000Z";
  auto h = rig.handler();
  ASSERT_TRUE(h) << h.error().message;
  rig.ms = until_spike_minute();  // ends inside the spike minute: nothing newer comes
  produce(*rig.log, rig.cfg, rig.ms, 0, rig.ms.size());
  auto loop = log::TransactionalLoop::create(*rig.log, react_loop_options(rig.cfg));
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
  auto spike = codec::decode_aggregate(aggs["acme|1m|" + spike_minute]);
  ASSERT_TRUE(spike);
  EXPECT_EQ(spike->negative, 40);
  EXPECT_EQ(alert_statuses(*rig.log, rig.cfg), (std::vector<std::string>{"acme:trigger"}));

  // A minute later the next (empty) minute closes: the alert resolves.
  rig.clock += 60'000;
  ASSERT_TRUE(step_until_output(**loop, **h));
  EXPECT_EQ(alert_statuses(*rig.log, rig.cfg),
            (std::vector<std::string>{"acme:trigger", "acme:resolve"}));
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
  std::vector<core::Aggregate> a, b;
  (*h)->windows().snapshot(a);
  (*again)->windows().snapshot(b);
  EXPECT_EQ(latest(a), latest(b));
  EXPECT_EQ((*again)->windows().stats(), (*h)->windows().stats());
}

TEST(ReactStage, IdleCloseZeroNeverClosesOnTheClock) {
  IdleRig rig;
  rig.log = std::move(*log::open_log({.kind = "embedded"}));
  auto h = rig.handler(0ms);
  ASSERT_TRUE(h);
  rig.ms = until_spike_minute();
  produce(*rig.log, rig.cfg, rig.ms, 0, rig.ms.size());
  auto loop = log::TransactionalLoop::create(*rig.log, react_loop_options(rig.cfg));
  ASSERT_TRUE(loop);
  drain(**loop, **h);
  rig.clock += 3'600'000;
  EXPECT_FALSE(step_until_output(**loop, **h, 3));
  EXPECT_EQ((*h)->stats().idle_advances, 0u);
}

TEST(ReactStage, BusyPartitionIsNeverAdvancedOnTheClock) {
  // Records keep coming (each step brings one): the clock moving on does not close anything.
  IdleRig rig;
  rig.log = std::move(*log::open_log({.kind = "embedded"}));
  auto h = rig.handler();
  ASSERT_TRUE(h);
  auto ms = until_spike_minute();
  std::vector<core::Mention> acme;
  for (const auto& m : ms) {
    if (m.entity == "acme") acme.push_back(m);
  }
  log::Output out;
  std::vector<log::Record> in;
  for (std::size_t i = 0; i < acme.size(); ++i) {
    rig.clock += 60'000;  // a minute of wall clock between records: still never quiet for 30 s
                          // at a check, since each handle() sees a record of the partition
    std::vector<log::Record> one{{rig.cfg.log.topic("mentions"), 0, static_cast<std::int64_t>(i),
                                  "acme", codec::encode(acme[i]), 0}};
    ASSERT_TRUE((*h)->handle(one, out));
    (*h)->on_commit();
  }
  EXPECT_EQ((*h)->stats().idle_advances, 0u);
}

}  // namespace
}  // namespace earshot::pipeline::react

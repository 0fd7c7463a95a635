// Issue 14, late guards: an edit or a delete that arrives AFTER a reply was planned blocks the
// reply while it still waits (planned / pending_approval / approved), and leaves a reply that
// is already sending or sent alone (reported, not recorded).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/react/reply_planner.h"
#include "pipeline/react/reply_stage.h"
#include "tests/pipeline/react/support/reply_shapes.h"

namespace earshot::pipeline::react {
namespace {

using core::ReplyStatus;
using namespace std::chrono_literals;

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");

config::Config test_config(config::ReplyMode mode = config::ReplyMode::approval) {
  return react_testing::complaint_reply_config(
      mode, {"acme", "mastodon", "https://m.example", "@acme@m.example", "tok"},
      "Hi {author.name}, sorry. We are on it.");
}

core::ScoredPost complaint(const std::string& id) {
  core::ScoredPost sp;
  sp.post.uid = "mastodon:m.example:" + id;
  sp.post.source = "mastodon";
  sp.post.url = "https://m.example/@u/" + id;
  sp.post.created_at = core::format_rfc3339_ms(kNow - 60'000);
  sp.post.author = {"id-" + id, "u" + id + "@m.example", "U", {}};
  sp.post.text = "acme broke my order";
  sp.intent = core::Intent::complaint;
  sp.entities.push_back(react_testing::negative_mention("acme", {0.9f, 0.1f, 0.0f}));
  return sp;
}

core::ScoredPost edited(core::ScoredPost sp) {
  sp.post.text = "acme broke my order. EDIT: they fixed it, thanks!";
  sp.post.edited_at = "2026-11-23T12:10:00Z";
  sp.flags.push_back("edited");
  return sp;
}

core::ScoredPost tombstone(const core::ScoredPost& sp) {
  core::ScoredPost t;
  t.post.uid = sp.post.uid;
  t.post.source = sp.post.source;
  t.post.created_at = sp.post.created_at;
  t.post.deleted = true;
  return t;
}

core::ReplyIntent moved(core::ReplyIntent r, ReplyStatus s, const std::string& by) {
  r.status = s;
  r.history.push_back({s, by, "2026-11-23T12:05:00Z", ""});
  return r;
}

TEST(ReplyLateGuards, AnEditOrDeleteAfterPlanningBlocksAWaitingReply) {
  for (auto mode : {config::ReplyMode::shadow, config::ReplyMode::approval,
                    config::ReplyMode::auto_send}) {
    ReplyPlanner p(test_config(mode).replies);
    auto first = p.plan(complaint("1"), kNow);
    ASSERT_TRUE(first);
    ASSERT_NE(first->status, ReplyStatus::blocked);
    EXPECT_FALSE(p.plan(complaint("1"), kNow + 1));  // a plain repeat: planned once
    auto block = p.plan(edited(complaint("1")), kNow + 2);
    ASSERT_TRUE(block);
    EXPECT_EQ(block->status, ReplyStatus::blocked);
    EXPECT_EQ(block->reason, "edited");
    EXPECT_EQ(block->id, first->id);
    EXPECT_EQ(block->text, first->text);
    ASSERT_EQ(block->history.size(), 2u);
    EXPECT_EQ(block->history[0], first->history[0]);
    EXPECT_EQ(block->history[1].status, ReplyStatus::blocked);
    EXPECT_EQ(block->history[1].by, "planner");
    EXPECT_EQ(block->history[1].at, core::format_rfc3339_ms(kNow + 2));
    EXPECT_EQ(block->history[1].reason, "edited");
    EXPECT_FALSE(p.plan(tombstone(complaint("1")), kNow + 3));  // blocked already
    EXPECT_TRUE(p.note().empty());
  }
  ReplyPlanner p(test_config().replies);
  auto first = p.plan(complaint("2"), kNow);
  ASSERT_TRUE(first);
  p.observe(moved(*first, ReplyStatus::approved, "alice"));  // approved through the API
  auto block = p.plan(tombstone(complaint("2")), kNow + 5);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->status, ReplyStatus::blocked);
  EXPECT_EQ(block->reason, "deleted");
  ASSERT_EQ(block->history.size(), 3u);  // pending_approval, approved, blocked
  EXPECT_EQ(block->history[1].by, "alice");
  EXPECT_EQ(block->history[2].by, "planner");
}

TEST(ReplyLateGuards, ASendingOrSentReplyIsLeftAloneButReported) {
  ReplyPlanner p(test_config().replies);
  auto a = p.plan(complaint("3"), kNow);
  auto b = p.plan(complaint("4"), kNow);
  ASSERT_TRUE(a && b);
  p.observe(moved(moved(*a, ReplyStatus::approved, "alice"), ReplyStatus::sending, "sender"));
  p.observe(moved(moved(*b, ReplyStatus::sending, "sender"), ReplyStatus::sent, "sender"));
  EXPECT_FALSE(p.plan(edited(complaint("3")), kNow + 1));
  EXPECT_NE(p.note().find("already sending"), std::string::npos) << p.note();
  EXPECT_FALSE(p.plan(tombstone(complaint("4")), kNow + 1));
  EXPECT_NE(p.note().find("already sent"), std::string::npos) << p.note();
  EXPECT_NE(p.note().find("deleted"), std::string::npos) << p.note();
  EXPECT_FALSE(p.plan(complaint("4"), kNow + 2));
  EXPECT_TRUE(p.note().empty());
}

TEST(ReplyLateGuards, ARestartedPlannerKnowsTheLatestStateFromTheTopic) {
  ReplyPlanner p(test_config().replies);
  auto a = p.plan(complaint("5"), kNow);
  ASSERT_TRUE(a);
  ReplyPlanner restarted(test_config().replies);
  restarted.observe(*a);
  auto block = restarted.plan(edited(complaint("5")), kNow + 1);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->reason, "edited");
  ReplyPlanner rejected(test_config().replies);
  rejected.observe(*a);
  rejected.observe(moved(*a, ReplyStatus::rejected, "bob"));
  EXPECT_FALSE(rejected.plan(edited(complaint("5")), kNow + 1));  // nothing left to stop
}

// The stage on the embedded log: it reads the replies topic between batches, so an approval
// made through the API and a `sent` by the sender are known when the edit or delete comes.
TEST(ReplyLateGuards, TheStageBlocksWhatStillWaitsAndRecordsNothingForASentReply) {
  config::Config cfg = test_config();
  cfg.replies.helpdesk.url = "https://helpdesk.example/cases";
  cfg.replies.helpdesk.when = "all";  // a case with every planned reply, none with a late block
  auto log = std::move(*log::open_log({.kind = "embedded"}));
  ASSERT_TRUE(log->create_topics({{cfg.log.topic("scored"), 3, false}}));
  auto producer = std::move(*log->producer({}));
  auto write = [&](const std::vector<core::ScoredPost>& posts) {
    for (const auto& sp : posts) {
      ASSERT_TRUE(producer->produce(cfg.log.topic("scored"), sp.post.uid, codec::encode(sp)));
    }
    ASSERT_TRUE(producer->flush(10s));
  };
  auto stage = ReplyStage::create(cfg, *log, [] { return kNow; });
  ASSERT_TRUE(stage) << stage.error().message;
  std::vector<std::string> warnings;
  (*stage)->set_on_warning([&](std::string_view w) { warnings.emplace_back(w); });
  auto loop = log::TransactionalLoop::create(*log, reply_stage_loop_options(cfg, "0"));
  ASSERT_TRUE(loop);
  auto drain = [&] {
    for (int idle = 0; idle < 3;) {
      auto n = (*loop)->step(**stage);
      ASSERT_TRUE(n) << n.error().message;
      idle = *n == 0 ? idle + 1 : 0;
    }
  };
  std::map<std::string, int> cases;  // case records per post uid, as read last
  auto replies = [&] {
    cases.clear();
    auto c = std::move(*log->consumer({.group = "", .topics = {cfg.log.topic("replies")}}));
    std::map<std::string, core::ReplyIntent> latest;
    EXPECT_TRUE(log::read_to_end(
        *c,
        [&](log::Record& r) {
          auto d = codec::decode_reply(r.value);
          ASSERT_TRUE(d);
          if (d->platform == "helpdesk") {
            ++cases[d->post_uid];
          } else {
            latest[d->post_uid] = *d;
          }
        },
        30s, "replies"));
    return latest;
  };
  write({complaint("6"), complaint("7"), complaint("8")});
  drain();
  auto planned = replies();
  ASSERT_EQ(planned.size(), 3u);
  // The API approves 7; the sender sends 8.
  const std::string u6 = complaint("6").post.uid, u7 = complaint("7").post.uid,
                    u8 = complaint("8").post.uid;
  auto approved = moved(planned[u7], ReplyStatus::approved, "alice");
  auto sent = moved(moved(planned[u8], ReplyStatus::approved, "alice"), ReplyStatus::sent,
                    "sender");
  ASSERT_TRUE(producer->produce(cfg.log.topic("replies"), u7, codec::encode(approved)));
  ASSERT_TRUE(producer->produce(cfg.log.topic("replies"), u8, codec::encode(sent)));
  ASSERT_TRUE(producer->flush(10s));
  write({edited(complaint("6")), tombstone(complaint("7")), edited(complaint("8"))});
  drain();
  auto after = replies();
  EXPECT_EQ(after[u6].status, ReplyStatus::blocked);
  EXPECT_EQ(after[u6].reason, "edited");
  EXPECT_EQ(after[u6].history.back().by, "planner");
  EXPECT_EQ(after[u7].status, ReplyStatus::blocked);
  EXPECT_EQ(after[u7].reason, "deleted");
  ASSERT_EQ(after[u7].history.size(), 3u);
  EXPECT_EQ(after[u7].history[1].by, "alice");
  EXPECT_EQ(after[u8], sent);  // untouched
  EXPECT_EQ(cases, (std::map<std::string, int>{{u6, 1}, {u7, 1}, {u8, 1}}));  // no new case
  EXPECT_EQ((*stage)->cases(), 3u);
  EXPECT_EQ((*stage)->late_unblocked(), 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(u8), std::string::npos) << warnings[0];
  EXPECT_EQ((*stage)->blocked_by_guard().at("edited"), 1u);
  EXPECT_EQ((*stage)->blocked_by_guard().at("deleted"), 1u);
}

}  // namespace
}  // namespace earshot::pipeline::react

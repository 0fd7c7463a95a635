// The whole reply loop on the embedded log (issue 14): scored posts → reply stage (planner,
// transactional) → replies topic → API (approve, edit) → sender → fixture Mastodon.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "sinks/http_server.h"
#include "sinks/reply_api.h"
#include "sinks/reply_runner.h"
#include "tests/pipeline/react/support/reply_shapes.h"
#include "tests/sinks/support/fixture_mastodon.h"
#include "tests/sinks/support/reply_loop_rig.h"
#include "tests/sinks/support/reply_scenarios.h"
#include "tests/support/wait.h"

namespace earshot::sinks {
namespace {

namespace core = pipeline::core;
namespace config = pipeline::config;
using namespace std::chrono_literals;
using earshot::testing::wait_until;
using earshot::testing::within;
using testing_support::FixtureMastodon;
using testing_support::now_ms;
using testing_support::ReplyLoopRig;

config::Config loop_config(config::ReplyMode mode) {
  return pipeline::react_testing::complaint_reply_config(
      mode, {"acme", "mastodon", "https://m.example", "@acme@m.example", "secret-token"},
      "Hi {author.name}, sorry. We are on it.");
}

core::ScoredPost scored(int n, bool eligible) {
  core::ScoredPost sp;
  sp.post.uid = "mastodon:m.example:" + std::to_string(100 + n);
  sp.post.source = "mastodon";
  sp.post.url = "https://m.example/@u" + std::to_string(n) + "/" + std::to_string(100 + n);
  sp.post.created_at = core::format_rfc3339_ms(now_ms() - 60'000);
  sp.post.author = {"id-" + std::to_string(n), "u" + std::to_string(n) + "@m.example", "U", {}};
  sp.post.text = "acme broke my order";
  sp.intent = eligible ? core::Intent::complaint : core::Intent::praise;
  sp.entities.push_back(pipeline::react_testing::negative_mention("acme", {0.9f, 0.1f, 0.0f}));
  return sp;
}

// The rig for `mode`; write_scored writes posts 0..count-1, every `eligible_every`-th a complaint.
struct Loop : ReplyLoopRig {
  explicit Loop(config::ReplyMode mode) : ReplyLoopRig(loop_config(mode)) {}
  void write_scored(int count, int eligible_every) {
    std::vector<core::ScoredPost> posts;
    for (int i = 0; i < count; ++i) posts.push_back(scored(i, i % eligible_every == 0));
    write(posts);
  }
};

TEST(ReplyLoop, ApprovalModeWaitsForTheApiThenSendsExactlyOneReplyPerPostWithEditedText) {
  Loop loop(config::ReplyMode::approval);
  auto server = std::make_shared<FixtureMastodon>();
  server->acct = "acme";
  loop.write_scored(12, 2);  // 6 eligible complaints, 6 praise posts
  loop.start_planner();
  loop.start_sender(server);
  ReplyBook book;
  auto follower = ReplyBookFollower::start(*loop.log, book, loop.cfg.log.topic("replies"));
  ASSERT_TRUE(follower);
  ASSERT_TRUE(wait_until(
      within(30s), [&] { return book.list("pending_approval", "", 100).size() == 6; },
      "6 pending replies"));
  // Nothing is sent while the replies wait for approval: the sender has read them all.
  EXPECT_EQ(server->posts(), 0u);

  auto producer = std::move(*loop.log->producer({}));
  ReplyApi api(book, reply_publisher(*producer, loop.cfg.log.topic("replies")));
  auto pending = book.list("pending_approval", "", 100);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    std::string body =
        pending[i].in_reply_to == "100" ? R"({"text":"@u0@m.example edited by a person"})" : "";
    auto res = api.approve(pending[i].id, "alice", body);
    ASSERT_EQ(res.status, 200) << res.body;
  }
  ASSERT_TRUE(wait_until(
      within(30s), [&] { return book.list("sent", "", 100).size() == 6; }, "6 sent replies"))
      << "server posts " << server->posts() << ", replies: " << [&] {
           std::string out;
           for (const auto& r : book.list("", "", 100))
             out += r.id + "=" + std::string(core::to_string(r.status)) + ":" + r.reason + " ";
           return out;
         }();
  auto statuses = server->snapshot();
  ASSERT_EQ(statuses.size(), 6u);
  std::set<std::string> answered;
  for (const auto& s : statuses) answered.insert(s.in_reply_to_id);
  EXPECT_EQ(answered, (std::set<std::string>{"100", "102", "104", "106", "108", "110"}));
  auto edited = std::find_if(statuses.begin(), statuses.end(),
                             [](const auto& s) { return s.in_reply_to_id == "100"; });
  EXPECT_EQ(edited->text, "@u0@m.example edited by a person");
  // The audit trail of one reply: planner, alice, sender, sender.
  auto r = book.list("sent", "", 100).front();
  ASSERT_EQ(r.history.size(), 4u);
  EXPECT_EQ(r.history[1].by, "alice");
  EXPECT_EQ(r.history[2].status, core::ReplyStatus::sending);
  EXPECT_EQ(r.history[3].status, core::ReplyStatus::sent);
}

TEST(ReplyLoop, ShadowModeRecordsEverythingAndSendsNothing) {
  Loop loop(config::ReplyMode::shadow);
  auto server = std::make_shared<FixtureMastodon>();
  loop.write_scored(8, 2);
  loop.start_planner();
  loop.start_sender(server);
  ReplyBook book;
  auto follower = ReplyBookFollower::start(*loop.log, book, loop.cfg.log.topic("replies"));
  ASSERT_TRUE(wait_until(
      within(30s), [&] { return book.list("planned", "", 100).size() == 4; }, "4 shadow replies"));
  for (const auto& r : book.list("planned", "", 100)) EXPECT_FALSE(r.text.empty());
  // Approving a shadow reply is refused: shadow records are never sent.
  auto producer = std::move(*loop.log->producer({}));
  ReplyApi api(book, reply_publisher(*producer, loop.cfg.log.topic("replies")));
  EXPECT_EQ(api.approve(book.list("planned", "", 1).front().id, "alice", "").status, 409);
  EXPECT_EQ(server->posts(), 0u);
}

TEST(ReplyLoop, AutoModeSendsWithoutApproval) {
  Loop loop(config::ReplyMode::auto_send);
  auto server = std::make_shared<FixtureMastodon>();
  loop.write_scored(6, 3);  // posts 0 and 3
  loop.start_planner();
  loop.start_sender(server);
  ASSERT_TRUE(wait_until(
      within(30s), [&] { return server->snapshot().size() == 2; }, "2 replies at the server"));
  ReplyBook book;
  auto follower = ReplyBookFollower::start(*loop.log, book, loop.cfg.log.topic("replies"));
  ASSERT_TRUE(wait_until(
      within(30s), [&] { return book.list("sent", "", 100).size() == 2; }, "2 sent records"));
  EXPECT_EQ(server->snapshot().size(), 2u);
}

}  // namespace
}  // namespace earshot::sinks

namespace earshot::sinks::testing {
namespace {

// The same scenario as reply_kill_kafka_test.cc, smaller, on the embedded log (a SQLite file
// the child process shares).
TEST(ReplyKill, RepliesExactlyOnceThroughKillsOnTheEmbeddedLog) {
  run_reply_kill_scenario("embedded", 60, 5);
}

}  // namespace
}  // namespace earshot::sinks::testing

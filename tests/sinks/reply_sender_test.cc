#include "sinks/reply_sender.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>

#include "pipeline/core/rfc3339.h"
#include "tests/sinks/support/fixture_mastodon.h"

namespace earshot::sinks {
namespace {

namespace core = pipeline::core;
using nlohmann::json;
using std::chrono::milliseconds;
using testing_support::FixtureMastodon;

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");

pipeline::config::ReplyAccountDef account() {
  return {"acme", "mastodon", "https://m.example/", "@acme@m.example", "secret-token"};
}

core::ReplyIntent approved(const std::string& n) {
  core::ReplyIntent r;
  r.id = "reply-" + n;
  r.post_uid = "mastodon:m.example:" + n;
  r.platform = "mastodon";
  r.entity = "acme";
  r.in_reply_to = n;
  r.text = "@ann sorry about " + n;
  r.idempotency_key = "key-" + n;
  r.status = core::ReplyStatus::approved;
  r.history = {{core::ReplyStatus::pending_approval, "planner", "2026-11-23T11:00:00Z", ""},
               {core::ReplyStatus::approved, "alice", "2026-11-23T11:30:00Z", ""}};
  return r;
}

struct Rig {
  std::shared_ptr<FixtureMastodon> server = std::make_shared<FixtureMastodon>();
  std::vector<core::ReplyIntent> log;  // what was published, in order
  int fail_on_publish = -1;            // the index of a publish that "crashes"
  ReplySender sender{{account()}, server, [this](const core::ReplyIntent& r) -> core::Status {
                       if (static_cast<int>(log.size()) == fail_on_publish) {
                         fail_on_publish = -1;
                         return std::unexpected(core::Error(core::ErrorCode::kUnavailable, "x"));
                       }
                       log.push_back(r);
                       return core::ok();
                     }};
};

TEST(ReplySender, ApprovedReplyIsSentOnceWithTheOutboxRecordFirst) {
  Rig rig;
  auto step = rig.sender.handle(approved("7"), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  ASSERT_EQ(rig.log.size(), 2u);
  EXPECT_EQ(rig.log[0].status, core::ReplyStatus::sending);
  EXPECT_EQ(rig.log[1].status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.log[1].remote_id, "1000");
  EXPECT_EQ(rig.log[1].history.back().by, "sender");
  ASSERT_EQ(rig.server->statuses.size(), 1u);
  EXPECT_EQ(rig.server->statuses[0].in_reply_to_id, "7");
  EXPECT_EQ(rig.server->statuses[0].text, "@ann sorry about 7");
  const auto& req = rig.server->requests[0];
  EXPECT_NE(std::find(req.headers.begin(), req.headers.end(),
                      std::pair<std::string, std::string>{"Idempotency-Key", "key-7"}),
            req.headers.end());
  EXPECT_EQ(json::parse(req.body)["visibility"], "public");
  // A sent reply is never sent again.
  EXPECT_EQ(rig.sender.handle(rig.log[1], kNow)->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.server->posts(), 1u);
}

TEST(ReplySender, NothingIsCalledWhenTheOutboxRecordCannotBeWritten) {
  Rig rig;
  rig.fail_on_publish = 0;
  EXPECT_FALSE(rig.sender.handle(approved("7"), kNow));
  EXPECT_TRUE(rig.server->requests.empty());
}

TEST(ReplySender, ACrashAfterTheCallIsSettledWithTheSameKey) {
  Rig rig;
  rig.fail_on_publish = 1;  // `sent` is lost: the process died after the platform call
  EXPECT_FALSE(rig.sender.handle(approved("7"), kNow));
  ASSERT_EQ(rig.log.size(), 1u);
  ASSERT_EQ(rig.log[0].status, core::ReplyStatus::sending);
  // A new sender (restart) finds the `sending` record and calls with the same key.
  std::vector<core::ReplyIntent> second_log;
  ReplySender restarted({account()}, rig.server, [&](const core::ReplyIntent& r) {
    second_log.push_back(r);
    return core::ok();
  });
  auto step = restarted.handle(rig.log[0], kNow + 60'000);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  EXPECT_EQ(second_log.back().remote_id, "1000");
  EXPECT_EQ(rig.server->statuses.size(), 1u);  // exactly one reply
  EXPECT_EQ(rig.server->posts(), 2u);
}

TEST(ReplySender, AnOldSendingRecordIsSettledByReadingTheThread) {
  Rig rig;
  rig.fail_on_publish = 1;
  EXPECT_FALSE(rig.sender.handle(approved("7"), kNow));
  rig.server->forget_keys();  // more than an hour later
  auto step = rig.sender.handle(rig.log[0], kNow + 2 * 3'600'000LL);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.log.back().remote_id, "1000");
  EXPECT_EQ(rig.server->statuses.size(), 1u);
  EXPECT_EQ(rig.server->posts(), 1u);  // no second POST
  EXPECT_TRUE(rig.server->requests.back().url.ends_with("/statuses/7/context"));
}

TEST(ReplySender, AnOldSendingRecordWithoutAReplyInTheThreadIsSent) {
  Rig rig;
  auto r = approved("8");
  r.status = core::ReplyStatus::sending;
  r.history.push_back({core::ReplyStatus::sending, "sender", "2026-11-23T09:00:00Z", ""});
  auto step = rig.sender.handle(r, kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.server->statuses.size(), 1u);
}

TEST(ReplySender, ClientErrorsFailWithTheReason) {
  for (int status : {422, 403, 404}) {
    Rig rig;
    rig.server->scripted.push_back(
        FixtureMastodon::answer(status, status == 404 ? "" : R"({"error":"Validation failed"})"));
    auto step = rig.sender.handle(approved("7"), kNow);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->status, core::ReplyStatus::failed);
    EXPECT_FALSE(step->retry);
    EXPECT_TRUE(rig.log.back().reason.starts_with("mastodon " + std::to_string(status)))
        << rig.log.back().reason;
    EXPECT_EQ(rig.log.back().reason.find("secret-token"), std::string::npos);
  }
}

TEST(ReplySender, RateLimitsAndServerErrorsRetryHonouringRetryAfter) {
  Rig rig;
  rig.server->scripted.push_back(FixtureMastodon::answer(429, "", {{"retry-after", "30"}}));
  rig.server->scripted.push_back(FixtureMastodon::answer(503, ""));
  auto first = rig.sender.handle(approved("7"), kNow);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->retry);
  EXPECT_EQ(first->retry_after, milliseconds(30'000));
  EXPECT_EQ(first->status, core::ReplyStatus::sending);
  auto second = rig.sender.handle(rig.log.back(), kNow + 30'000);
  EXPECT_TRUE(second->retry);
  EXPECT_GT(second->retry_after, milliseconds(0));
  auto third = rig.sender.handle(rig.log.back(), kNow + 40'000);
  EXPECT_EQ(third->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.server->statuses.size(), 1u);
  // One outbox record, then sent: retries add no records.
  EXPECT_EQ(rig.log.size(), 2u);
}

TEST(ReplySender, GivesUpAfterMaxAttempts) {
  auto server = std::make_shared<FixtureMastodon>();
  std::vector<core::ReplyIntent> log;
  ReplySender sender({account()}, server,
                     [&](const core::ReplyIntent& r) {
                       log.push_back(r);
                       return core::ok();
                     },
                     {.max_attempts = 2});
  server->scripted = {FixtureMastodon::answer(500, ""), FixtureMastodon::answer(500, "")};
  EXPECT_TRUE(sender.handle(approved("7"), kNow)->retry);
  auto last = sender.handle(log.back(), kNow + 1000);
  EXPECT_EQ(last->status, core::ReplyStatus::failed);
  EXPECT_TRUE(log.back().reason.starts_with("gave up after 2 attempts")) << log.back().reason;
}

TEST(ReplySender, OnlyApprovedOrSendingRepliesAreActedOn) {
  Rig rig;
  for (auto s :
       {core::ReplyStatus::pending_approval, core::ReplyStatus::planned,
        core::ReplyStatus::rejected, core::ReplyStatus::blocked, core::ReplyStatus::failed}) {
    auto r = approved("7");
    r.status = s;
    EXPECT_EQ(rig.sender.handle(r, kNow)->status, s);
  }
  EXPECT_TRUE(rig.server->requests.empty());
  EXPECT_TRUE(rig.log.empty());
}

TEST(ReplySender, NoAccountOrUnsupportedPlatformFailsVisibly) {
  Rig rig;
  auto other = approved("7");
  other.entity = "globex";
  EXPECT_EQ(rig.sender.handle(other, kNow)->status, core::ReplyStatus::failed);
  EXPECT_EQ(rig.log.back().reason, "no account for globex on mastodon");
  EXPECT_TRUE(rig.server->requests.empty());
}

}  // namespace
}  // namespace earshot::sinks

// Replies on Bluesky (issue 14): ReplySender + BlueskyReplier against the fixture PDS.
#include "sinks/bluesky_reply.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "sinks/reply_sender.h"
#include "tests/sinks/support/fixture_pds.h"

namespace earshot::sinks {
namespace {

namespace core = pipeline::core;
using nlohmann::json;
using std::chrono::milliseconds;
using testing_support::FixturePds;

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");
const std::string kParent = "at://did:plc:ann/app.bsky.feed.post/3kparent";
const std::string kRoot = "at://did:plc:root/app.bsky.feed.post/3kroot";

pipeline::config::ReplyAccountDef account() {
  pipeline::config::ReplyAccountDef a;
  a.entity = "acme";
  a.platform = "bluesky";
  a.handle = "acme.bsky.example";
  a.service = FixturePds::kBase;
  a.app_password = "app-pass-1234-5678";
  return a;
}

core::ReplyIntent approved(const std::string& n, std::string text = "") {
  core::ReplyIntent r;
  r.id = "reply-" + n;
  r.post_uid = "bluesky:did:plc:ann:3k" + n;
  r.platform = "bluesky";
  r.entity = "acme";
  r.in_reply_to = "3k" + n;
  r.text = text.empty() ? "@ann.bsky.social sorry about " + n : text;
  r.lang = "en";
  r.idempotency_key = "key-" + n;
  r.post_author = "ann.bsky.social";
  r.post_author_id = "did:plc:ann";
  r.reply_ref = core::ReplyRef{kParent + n, "bafyparent" + n, kRoot, "bafyroot"};
  r.status = core::ReplyStatus::approved;
  r.history = {{core::ReplyStatus::pending_approval, "planner", "2026-11-23T11:00:00Z", ""},
               {core::ReplyStatus::approved, "alice", "2026-11-23T11:30:00Z", ""}};
  return r;
}

struct Rig {
  std::shared_ptr<FixturePds> pds = std::make_shared<FixturePds>();
  std::vector<core::ReplyIntent> log;  // what was published, in order
  int fail_on_publish = -1;            // the index of a publish that "crashes"
  std::unique_ptr<ReplySender> sender = make();
  std::unique_ptr<ReplySender> make(pipeline::config::ReplyAccountDef acc = account()) {
    return std::make_unique<ReplySender>(
        std::vector{acc}, pds, [this](const core::ReplyIntent& r) -> core::Status {
          if (static_cast<int>(log.size()) == fail_on_publish) {
            fail_on_publish = -1;
            return std::unexpected(core::Error(core::ErrorCode::kUnavailable, "crash"));
          }
          log.push_back(r);
          return core::ok();
        });
  }
  // Every byte earshot wrote to its topic.
  std::string published() const {
    std::string all;
    for (const auto& r : log) all += pipeline::codec::encode(r);
    return all;
  }
};

TEST(BlueskyRkey, IsADeterministicTidThatSortsByTime) {
  std::string a = bluesky_rkey("key-1", kNow);
  EXPECT_EQ(a, bluesky_rkey("key-1", kNow));
  EXPECT_TRUE(valid_tid(a)) << a;
  EXPECT_TRUE(valid_record_key(a));
  EXPECT_NE(a, bluesky_rkey("key-2", kNow));
  EXPECT_LT(a, bluesky_rkey("key-1", kNow + 1000));  // TIDs sort by their time
  EXPECT_TRUE(valid_tid(bluesky_rkey("k", 0)));
  EXPECT_TRUE(valid_tid(bluesky_rkey("k", 253402300799000)));  // 9999-12-31
  EXPECT_FALSE(valid_tid("3kparent"));
  EXPECT_FALSE(valid_tid("kzzzzzzzzzzzz"));  // top bit set
  EXPECT_FALSE(valid_record_key(".."));
  EXPECT_FALSE(valid_record_key("a/b"));
  EXPECT_TRUE(valid_record_key("self"));
}

TEST(BlueskyMention, ByteOffsetsOverUtf8AndOnlyWholeHandles) {
  // "Désolé 😡 " is 14 bytes: D, é(2), s, o, l, é(2), space, 😡(4), space.
  auto m = find_mention("D\xC3\xA9sol\xC3\xA9 \xF0\x9F\x98\xA1 @Ann.bsky.social, on it",
                        "ann.bsky.social");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->byte_start, 14u);
  EXPECT_EQ(m->byte_end, 30u);
  EXPECT_FALSE(find_mention("@ann.bsky.socialite hi", "ann.bsky.social"));
  EXPECT_FALSE(find_mention("mail x@ann.bsky.social", "ann.bsky.social"));
  auto end = find_mention("thanks @ann.bsky.social.", "@ann.bsky.social");
  ASSERT_TRUE(end);
  EXPECT_EQ(end->byte_end, 23u);
  EXPECT_FALSE(find_mention("no mention", "ann.bsky.social"));
}

TEST(BlueskyReply, OneRecordWithRefsFacetAndTheDeterministicKey) {
  Rig rig;
  // An edited text: the author is named after non-ASCII text.
  auto r = approved("1", "D\xC3\xA9sol\xC3\xA9 \xF0\x9F\x98\xA1 @ann.bsky.social we are on it");
  auto step = rig.sender->handle(r, kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  ASSERT_EQ(rig.log.size(), 2u);
  EXPECT_EQ(rig.log[0].status, core::ReplyStatus::sending);  // the outbox record first
  auto records = rig.pds->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].rkey, bluesky_rkey("key-1", kNow));
  EXPECT_EQ(rig.log[1].remote_id, records[0].uri);
  const json& rec = records[0].value;
  EXPECT_EQ(rec["text"], r.text);
  EXPECT_EQ(rec["langs"], json::array({"en"}));
  EXPECT_EQ(rec["createdAt"], core::format_rfc3339_ms(kNow));
  EXPECT_EQ(rec["reply"]["parent"]["uri"], kParent + "1");
  EXPECT_EQ(rec["reply"]["parent"]["cid"], "bafyparent1");
  EXPECT_EQ(rec["reply"]["root"]["uri"], kRoot);
  EXPECT_EQ(rec["reply"]["root"]["cid"], "bafyroot");
  ASSERT_EQ(rec["facets"].size(), 1u);
  EXPECT_EQ(rec["facets"][0]["index"]["byteStart"], 14);
  EXPECT_EQ(rec["facets"][0]["index"]["byteEnd"], 30);
  EXPECT_EQ(rec["facets"][0]["features"][0]["$type"], "app.bsky.richtext.facet#mention");
  EXPECT_EQ(rec["facets"][0]["features"][0]["did"], "did:plc:ann");
  EXPECT_EQ(rig.pds->sessions_created(), 1);
  // A second reply reuses the session; a sent reply is never sent again.
  ASSERT_TRUE(rig.sender->handle(approved("2"), kNow));
  EXPECT_EQ(rig.sender->handle(rig.log[1], kNow)->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.pds->records().size(), 2u);
  EXPECT_EQ(rig.pds->sessions_created(), 1);
  EXPECT_EQ(rig.pds->count("POST /xrpc/com.atproto.repo.createRecord"), 2u);
}

TEST(BlueskyReply, ACrashAfterTheCallIsSettledByReadingTheRecordBack) {
  Rig rig;
  rig.fail_on_publish = 1;  // `sent` is lost: the process died after the create
  EXPECT_FALSE(rig.sender->handle(approved("1"), kNow));
  ASSERT_EQ(rig.log.size(), 1u);
  Rig restarted;
  restarted.pds = rig.pds;
  restarted.sender = restarted.make();
  auto step = restarted.sender->handle(rig.log[0], kNow + 3 * 3'600'000LL);  // hours later
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  EXPECT_EQ(restarted.log.back().remote_id, rig.pds->records().at(0).uri);
  EXPECT_EQ(rig.pds->records().size(), 1u);
  EXPECT_EQ(rig.pds->count("POST /xrpc/com.atproto.repo.createRecord"), 1u);  // no second
}

TEST(BlueskyReply, ALostAnswerIsRetriedAndFoundWithoutASecondRecord) {
  Rig rig;
  rig.pds->lose_next_answer = true;  // the record is written, the answer never arrives
  auto step = rig.sender->handle(approved("1"), kNow);
  ASSERT_TRUE(step);
  EXPECT_TRUE(step->retry);
  EXPECT_EQ(step->status, core::ReplyStatus::sending);
  auto again = rig.sender->handle(rig.log.back(), kNow + step->retry_after.count());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.pds->records().size(), 1u);
  EXPECT_EQ(rig.pds->count("POST /xrpc/com.atproto.repo.createRecord"), 1u);
}

TEST(BlueskyReply, ARefusedSecondCreateOfTheSameKeyIsSentWithoutASecondRecord) {
  for (int status : {400, 500}) {  // today's PDS answers 400, older ones 500
    Rig rig;
    rig.pds->duplicate_status = status;
    rig.fail_on_publish = 1;
    EXPECT_FALSE(rig.sender->handle(approved("1"), kNow));
    // The same outbox time (a re-approval after a failure keeps the first `sending`): the
    // create goes to the same key and is refused; the read-back finds our reply.
    core::ReplyIntent again = rig.log[0];
    again.status = core::ReplyStatus::approved;
    auto step = rig.make()->handle(again, kNow + 60'000);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->status, core::ReplyStatus::sent) << status;
    EXPECT_EQ(rig.log.back().remote_id, rig.pds->records().at(0).uri);
    EXPECT_EQ(rig.pds->records().size(), 1u);
    EXPECT_EQ(rig.pds->count("POST /xrpc/com.atproto.repo.createRecord"), 2u);
  }
}

TEST(BlueskyReply, RateLimitsAndServerErrorsRetryHonouringRetryAfter) {
  Rig rig;
  rig.pds->scripted.push_back(FixturePds::error(429, "RateLimitExceeded", "slow down",
                                                {{"retry-after", "7"}}));
  const std::int64_t reset_s = kNow / 1000 + 42;
  rig.pds->scripted.push_back(FixturePds::error(
      429, "RateLimitExceeded", "slow down", {{"ratelimit-reset", std::to_string(reset_s)}}));
  rig.pds->scripted.push_back(FixturePds::error(503, "Unavailable", "busy"));
  auto s1 = rig.sender->handle(approved("1"), kNow);
  ASSERT_TRUE(s1 && s1->retry);
  EXPECT_EQ(s1->retry_after, milliseconds(7000));
  auto s2 = rig.sender->handle(rig.log.back(), kNow);
  ASSERT_TRUE(s2 && s2->retry);
  EXPECT_EQ(s2->retry_after, milliseconds(42'000));
  auto s3 = rig.sender->handle(rig.log.back(), kNow);
  ASSERT_TRUE(s3 && s3->retry);
  EXPECT_GT(s3->retry_after.count(), 0);
  auto s4 = rig.sender->handle(rig.log.back(), kNow);
  ASSERT_TRUE(s4);
  EXPECT_EQ(s4->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.pds->records().size(), 1u);
  ASSERT_EQ(rig.log.size(), 2u);  // sending, sent: retries publish nothing
}

TEST(BlueskyReply, ClientErrorsFailWithTheReasonAndNothingIsRetried) {
  Rig rig;
  rig.pds->scripted.push_back(
      FixturePds::error(400, "InvalidRequest", "Invalid app.bsky.feed.post record"));
  auto step = rig.sender->handle(approved("1"), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_FALSE(step->retry);
  EXPECT_EQ(rig.log.back().reason,
            "bluesky createRecord 400: InvalidRequest: Invalid app.bsky.feed.post record");
  EXPECT_TRUE(rig.pds->records().empty());
}

TEST(BlueskyReply, AnExpiredTokenIsRefreshedOnceAndTheCallMade) {
  Rig rig;
  ASSERT_TRUE(rig.sender->handle(approved("1"), kNow));
  rig.pds->expire_access_tokens();
  auto step = rig.sender->handle(approved("2"), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent) << rig.log.back().reason;
  EXPECT_EQ(rig.pds->count("POST /xrpc/com.atproto.server.refreshSession"), 1u);
  EXPECT_EQ(rig.pds->sessions_created(), 1);
  EXPECT_EQ(rig.pds->records().size(), 2u);
}

TEST(BlueskyReply, SecretsAreNeverInARecordOrAReason) {
  Rig rig;
  auto bad = account();
  bad.app_password = "wrong-password-9999";
  rig.sender = rig.make(bad);
  auto step = rig.sender->handle(approved("1"), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_EQ(rig.log.back().reason,
            "bluesky createSession 401: AuthenticationRequired: Invalid identifier or password");
  // A server that echoes the token in its error: the reason has it scrubbed.
  Rig echo;
  ASSERT_TRUE(echo.sender->handle(approved("1"), kNow));  // logs in: access-1-jwt-secret
  echo.pds->scripted.push_back(
      FixturePds::error(400, "InvalidRequest", "bad token access-1-jwt-secret for app-pass-1234-5678"));
  ASSERT_TRUE(echo.sender->handle(approved("2"), kNow));
  EXPECT_EQ(echo.log.back().status, core::ReplyStatus::failed);
  EXPECT_NE(echo.log.back().reason.find("bad token *** for ***"), std::string::npos)
      << echo.log.back().reason;
  for (const auto& all : {rig.published(), echo.published()}) {
    EXPECT_EQ(all.find("jwt-secret"), std::string::npos);
    EXPECT_EQ(all.find("app-pass"), std::string::npos);
    EXPECT_EQ(all.find("wrong-password"), std::string::npos);
  }
  // The password went only to createSession, the token only in Authorization headers.
  for (const auto& req : echo.pds->requests()) {
    if (req.target != "/xrpc/com.atproto.server.createSession") {
      EXPECT_EQ(req.body.find("app-pass"), std::string::npos) << req.target;
    }
    EXPECT_EQ(req.body.find("jwt-secret"), std::string::npos) << req.target;
  }
}

TEST(BlueskyReply, TooLongOrUnreferencedRepliesFailBeforeAnyCall) {
  std::string thumbs = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";  // one grapheme, two code points
  std::string fits, over;
  for (int i = 0; i < 300; ++i) fits += thumbs;
  over = fits + "!";
  Rig rig;
  auto step = rig.sender->handle(approved("1", over), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_EQ(rig.log.back().reason, "bluesky: the text is 301 graphemes, over the limit of 300");
  auto no_ref = approved("2");
  no_ref.reply_ref.reset();
  EXPECT_EQ(rig.sender->handle(no_ref, kNow)->status, core::ReplyStatus::failed);
  EXPECT_TRUE(rig.pds->requests().empty());
  // 300 graphemes (600 code points) is within the limit.
  EXPECT_EQ(rig.sender->handle(approved("3", fits), kNow)->status, core::ReplyStatus::sent);
}

TEST(BlueskyReply, AKeyHoldingAReplyToAnotherPostIsNeverOverwritten) {
  Rig rig;
  rig.fail_on_publish = 1;
  EXPECT_FALSE(rig.sender->handle(approved("1"), kNow));
  // Another reply whose key collides (same idempotency key and outbox time, other post).
  core::ReplyIntent other = rig.log[0];
  other.id = "reply-x";
  other.reply_ref->uri = kParent + "x";
  auto step = rig.make()->handle(other, kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_NE(rig.log.back().reason.find("record key collision"), std::string::npos);
  ASSERT_EQ(rig.pds->records().size(), 1u);
  EXPECT_EQ(rig.pds->records()[0].value["reply"]["parent"]["uri"], kParent + "1");
}

}  // namespace
}  // namespace earshot::sinks

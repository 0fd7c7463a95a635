// Standard Webhooks verification and NDJSON Post decoding.
#include <gtest/gtest.h>

#include "ingest/post_jsonl.h"
#include "ingest/webhook_signature.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::string_view kTs = "1614265330";
constexpr std::string_view kBody = R"({"test": 2432232314})";

TEST(WebhookSignature, MatchesTheStandardWebhooksReferenceVector) {
  auto key = decode_webhook_secret(kSecret);
  ASSERT_TRUE(key);
  EXPECT_EQ(webhook_signature(*key, kId, kTs, kBody),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  EXPECT_EQ(verify_webhook(*key, kId, kTs, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                           kBody, 1614265330),
            WebhookVerdict::ok);
}

TEST(WebhookSignature, AcceptsAnyOfSeveralSignatures) {
  auto key = *decode_webhook_secret(kSecret);
  std::string good = webhook_signature(key, kId, kTs, kBody);
  std::string header = "v1,bm90IHRoaXMgb25l v2,whatever " + good;
  EXPECT_EQ(verify_webhook(key, kId, kTs, header, kBody, 1614265330), WebhookVerdict::ok);
}

TEST(WebhookSignature, RefusesTamperingStaleTimestampsAndMissingHeaders) {
  auto key = *decode_webhook_secret(kSecret);
  std::string good = webhook_signature(key, kId, kTs, kBody);
  EXPECT_EQ(verify_webhook(key, kId, kTs, good, R"({"test": 2432232315})", 1614265330),
            WebhookVerdict::bad_signature);
  EXPECT_EQ(verify_webhook(key, "msg_other", kTs, good, kBody, 1614265330),
            WebhookVerdict::bad_signature);
  EXPECT_EQ(verify_webhook(key, kId, kTs, good, kBody, 1614265330 + 301), WebhookVerdict::stale);
  EXPECT_EQ(verify_webhook(key, kId, kTs, good, kBody, 1614265330 - 301), WebhookVerdict::stale);
  EXPECT_EQ(verify_webhook(key, kId, kTs, good, kBody, 1614265330 + 299), WebhookVerdict::ok);
  EXPECT_EQ(verify_webhook(key, kId, "16142653x0", good, kBody, 1614265330),
            WebhookVerdict::bad_timestamp);
  EXPECT_EQ(verify_webhook(key, "", kTs, good, kBody, 1614265330), WebhookVerdict::missing_headers);
  // A plain (non-whsec_) secret is used as raw bytes.
  EXPECT_EQ(*decode_webhook_secret("plain-secret"), "plain-secret");
  EXPECT_FALSE(decode_webhook_secret("whsec_!!!"));
  EXPECT_EQ(*decode_webhook_secret("whsec_aGVsbG8="), "hello");
  EXPECT_EQ(*decode_webhook_secret("whsec_aGVsbG8"), "hello") << "unpadded base64 is accepted";
  EXPECT_FALSE(decode_webhook_secret("whsec_aGVsb"));  // 5 characters: not base64 at all
  EXPECT_FALSE(decode_webhook_secret(""));
}

TEST(ReplayGuard, TakesAnIdOnceInsideTheWindow) {
  ReplayGuard guard(std::chrono::seconds(300));
  EXPECT_TRUE(guard.first_time("msg_1", 1000));
  EXPECT_FALSE(guard.first_time("msg_1", 1100));
  EXPECT_TRUE(guard.first_time("msg_2", 1100));
  guard.forget("msg_2");
  EXPECT_TRUE(guard.first_time("msg_2", 1101));
  // Far beyond the window the id is forgotten (its timestamp could not verify any more).
  EXPECT_TRUE(guard.first_time("msg_1", 1000 + 601 + 1));
}

TEST(PostJsonl, DecodesGoodLinesAndDeadLettersBadOnes) {
  Normalized out = decode_post_lines(testing::read_fixture("posts.jsonl"), "file");
  ASSERT_EQ(out.posts.size(), 4u);
  ASSERT_EQ(out.dead.size(), 2u);
  const pipeline::core::Post& p = out.posts[0];
  EXPECT_EQ(p.uid, "file:replay:1");
  EXPECT_EQ(p.author.followers, 3);
  EXPECT_EQ(p.tags, std::vector<std::string>{"acme"});
  EXPECT_EQ(p.ingested_at, "2026-11-23T10:00:01Z");
  EXPECT_EQ(out.posts[1].created_at, "2026-11-23T10:00:00Z");
  EXPECT_EQ(out.posts[2].reply_to, "file:replay:1");
  EXPECT_FALSE(out.dead[0].reason.empty());
  EXPECT_EQ(out.dead[0].original, "this is not json");
  EXPECT_NE(out.dead[1].reason.find("created_at"), std::string::npos) << out.dead[1].reason;
  EXPECT_EQ(out.dead[1].stage, "ingest:file");
  EXPECT_FALSE(decode_post_line(R"({"v":2,"uid":"a","source":"s","created_at":"2026-11-23T10:00:00Z","author":{"id":"a"},"text":"t"})"));
  EXPECT_FALSE(decode_post_line(R"({"uid":"a","source":"s","created_at":"2026-11-23T10:00:00Z"})"));
}

}  // namespace
}  // namespace earshot::ingest

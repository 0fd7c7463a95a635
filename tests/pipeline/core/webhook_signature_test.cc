// Standard Webhooks signatures: the one signer/verifier the sinks and the webhook source share.
#include "pipeline/core/webhook_signature.h"

#include <gtest/gtest.h>

namespace earshot::pipeline::core {
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
  EXPECT_EQ(verify_webhook(*key, kId, kTs, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", kBody,
                           1614265330),
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
  EXPECT_EQ(verify_webhook(key, kId, kTs, "", kBody, 1614265330), WebhookVerdict::missing_headers);
  EXPECT_EQ(verify_webhook(key, kId, kTs, good.substr(3), kBody, 1614265330),
            WebhookVerdict::bad_signature)
      << "a signature without its v1, prefix does not count";
  EXPECT_EQ(verify_webhook(key, kId, kTs, good, kBody, 1614265330 + 20, std::chrono::seconds(10)),
            WebhookVerdict::stale);
}

// Issue 16 item 4: -2^63 once passed the window check (now - ts overflowed). Every signed
// timestamp outside 0..9999-12-31 or not plain digits is refused before any arithmetic.
TEST(WebhookSignature, RefusesTimestampsThatWouldOverflowTheWindowCheck) {
  auto key = *decode_webhook_secret(kSecret);
  const std::int64_t now = 1614265330;
  for (std::string_view ts :
       {"-9223372036854775808", "9223372036854775807", "-1614265330", "+1614265330",
        "18446744073709551616", "253402300800", " 1614265330", "1614265330 ", "0x5f"}) {
    std::string sig = webhook_signature(key, kId, ts, kBody);  // correctly signed
    EXPECT_NE(verify_webhook(key, kId, ts, sig, kBody, now), WebhookVerdict::ok) << ts;
    EXPECT_FALSE(parse_webhook_timestamp(ts)) << ts;
  }
  EXPECT_EQ(parse_webhook_timestamp("253402300799"), kMaxWebhookTimestamp);
  EXPECT_EQ(parse_webhook_timestamp("0"), 0);
  EXPECT_TRUE(within_tolerance(now, now, std::chrono::seconds(0)));
  EXPECT_FALSE(within_tolerance(INT64_MIN, now, std::chrono::seconds(300)));
  EXPECT_FALSE(within_tolerance(now, INT64_MIN, std::chrono::seconds(300)));
  EXPECT_FALSE(within_tolerance(0, kMaxWebhookTimestamp, std::chrono::seconds(300)));
}

// The one rule for the key of a configured secret, used by the sinks (signing) and the webhook
// source (verifying): whsec_ + base64, padded or not, is decoded; anything else is raw bytes.
TEST(WebhookSignature, SecretKeyRuleIsTheSameForSignerAndVerifier) {
  EXPECT_EQ(*decode_webhook_secret("plain-secret"), "plain-secret");
  EXPECT_EQ(*decode_webhook_secret("whsec_aGVsbG8="), "hello");
  EXPECT_EQ(*decode_webhook_secret("whsec_aGVsbG8"), "hello") << "unpadded base64 is accepted";
  EXPECT_EQ(*decode_webhook_secret("whsec_aGk"), "hi");
  EXPECT_FALSE(decode_webhook_secret("whsec_!!!"));
  EXPECT_FALSE(decode_webhook_secret("whsec_aGVsb"));  // 5 characters: not base64 at all
  EXPECT_FALSE(decode_webhook_secret("whsec_"));
  EXPECT_FALSE(decode_webhook_secret(""));
  // A secret that only looks like base64 but has no prefix is NOT decoded.
  EXPECT_EQ(*decode_webhook_secret("aGVsbG8="), "aGVsbG8=");
}

}  // namespace
}  // namespace earshot::pipeline::core

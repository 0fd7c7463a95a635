// Helpdesk cases (sinks/helpdesk_case.h): a signed POST to a recording fixture helpdesk that
// verifies the Standard Webhooks signature; the outbox order; 4xx/429/5xx/3xx; the outbound
// policy of the client.
#include "sinks/helpdesk_case.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "pipeline/core/rfc3339.h"
#include "pipeline/core/webhook_signature.h"
#include "pipeline/http/cpprest_client.h"
#include "pipeline/react/reply_planner.h"
#include "tests/sinks/support/recording_receiver.h"
#include "tests/support/loopback_http.h"

namespace earshot::sinks {
namespace {

namespace core = pipeline::core;
using nlohmann::json;
using testing::ReceivedRequest;
using testing::ReceiverResponse;
using testing::RecordingReceiver;

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

core::ReplyIntent case_record() {
  core::ReplyIntent c;
  c.post_uid = "mastodon:m.example:42";
  c.id = pipeline::react::case_id_for(c.post_uid);
  c.platform = "helpdesk";
  c.entity = "acme";
  c.reason = "reply blocked: not_public";
  c.intent = core::Intent::complaint;
  c.sentiment.label = sentiment::Label::negative;
  c.sentiment.score = -0.7f;
  c.customer = core::CustomerRef{"C-1", "vip", "csv:customers.csv", "Ann", "https://crm.example/c/1"};
  c.post_text = "acme lost my bag";
  c.post_author = "@ann@m.example";
  c.post_url = "https://m.example/@ann/42";
  c.post_created_at = "2026-11-23T11:59:00Z";
  c.status = core::ReplyStatus::approved;
  c.history = {{core::ReplyStatus::approved, "planner", "2026-11-23T11:59:30Z", c.reason}};
  return c;
}

// The fixture helpdesk: refuses a request whose signature does not verify (401), else
// answers with `answer` (or a case id and link).
struct Helpdesk {
  std::function<ReceiverResponse(const ReceivedRequest&)> answer;
  std::atomic<int> verified{0};
  RecordingReceiver server{[this](const ReceivedRequest& r) {
    auto key = core::decode_webhook_secret(kSecret);
    auto v = core::verify_webhook(*key, r.header("webhook-id"), r.header("webhook-timestamp"),
                                  r.header("webhook-signature"), r.body, kNow / 1000);
    if (v != core::WebhookVerdict::ok)
      return ReceiverResponse{401, {}, R"({"error":"bad signature"})"};
    ++verified;
    if (answer) return answer(r);
    return ReceiverResponse{
        201, {{"Content-Type", "application/json"}},
        R"({"id": 981, "url": "https://help.example/cases/981"})"};
  }};
};

struct Rig {
  Helpdesk desk;
  std::vector<core::ReplyIntent> log;
  pipeline::config::HelpdeskDef def() {
    pipeline::config::HelpdeskDef d;
    d.url = desk.server.url("/cases");
    d.secret = kSecret;
    d.max_attempts = 3;
    return d;
  }
  HelpdeskCaseSender sender{def(),
                            pipeline::http::make_cpprest_client(earshot::testing::loopback_client()),
                            [this](const core::ReplyIntent& r) -> core::Status {
                              log.push_back(r);
                              return core::ok();
                            }};
};

TEST(HelpdeskCase, OpensOneSignedCaseWithPostCustomerAndSentimentAndKeepsItsLink) {
  Rig rig;
  auto step = rig.sender.handle(case_record(), kNow);
  ASSERT_TRUE(step) << step.error().message;
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.desk.verified.load(), 1);
  ASSERT_EQ(rig.log.size(), 2u);
  EXPECT_EQ(rig.log[0].status, core::ReplyStatus::sending);  // the outbox record first
  EXPECT_EQ(rig.log[1].status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.log[1].remote_id, "981");
  EXPECT_EQ(rig.log[1].case_url, "https://help.example/cases/981");
  auto req = rig.desk.server.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path(), "/cases");
  EXPECT_EQ(req.header("webhook-id"), pipeline::react::case_id_for("mastodon:m.example:42"));
  json body = json::parse(req.body);
  EXPECT_EQ(body["type"], "earshot.case");
  EXPECT_EQ(body["reason"], "reply blocked: not_public");
  EXPECT_EQ(body["post"]["text"], "acme lost my bag");
  EXPECT_EQ(body["post"]["platform"], "mastodon");
  EXPECT_EQ(body["post"]["author"], "@ann@m.example");
  EXPECT_EQ(body["customer"]["tier"], "vip");
  EXPECT_EQ(body["customer"]["url"], "https://crm.example/c/1");
  EXPECT_EQ(body["sentiment"]["label"], "negative");
  // A sent case is not opened again.
  EXPECT_EQ(rig.sender.handle(rig.log[1], kNow)->status, core::ReplyStatus::sent);
  EXPECT_EQ(rig.desk.server.request_count(), 1u);
}

TEST(HelpdeskCase, ASendingLeftByACrashIsSentAgainWithTheSameWebhookId) {
  Rig rig;
  core::ReplyIntent c = case_record();
  c.status = core::ReplyStatus::sending;
  c.history.push_back({core::ReplyStatus::sending, "sender", "2026-11-23T11:59:40Z", ""});
  auto step = rig.sender.handle(c, kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::sent);
  ASSERT_EQ(rig.log.size(), 1u);  // no second outbox record, just the outcome
  EXPECT_EQ(rig.desk.server.requests().at(0).header("webhook-id"), c.id);
}

TEST(HelpdeskCase, ClientErrorFailsWithTheReasonAndRedirectIsNotFollowed) {
  Rig rig;
  rig.desk.answer = [](const ReceivedRequest&) {
    return ReceiverResponse{422, {}, R"({"error":"customer unknown"})"};
  };
  auto step = rig.sender.handle(case_record(), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_EQ(rig.log.back().reason, "helpdesk 422: customer unknown");

  Rig moved;
  moved.desk.answer = [](const ReceivedRequest&) {
    return ReceiverResponse{302, {{"Location", "http://169.254.169.254/latest"}}, ""};
  };
  step = moved.sender.handle(case_record(), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_EQ(moved.log.back().reason, "helpdesk 302: redirect not followed");
  EXPECT_EQ(moved.desk.server.request_count(), 1u);
}

TEST(HelpdeskCase, RateLimitAndServerErrorsRetryHonouringRetryAfterThenGiveUp) {
  Rig rig;
  rig.desk.answer = [](const ReceivedRequest&) {
    return ReceiverResponse{429, {{"Retry-After", "17"}}, ""};
  };
  auto step = rig.sender.handle(case_record(), kNow);
  ASSERT_TRUE(step);
  EXPECT_TRUE(step->retry);
  EXPECT_EQ(step->status, core::ReplyStatus::sending);
  EXPECT_EQ(step->retry_after, std::chrono::milliseconds(17'000));
  rig.desk.answer = [](const ReceivedRequest&) { return ReceiverResponse{503, {}, ""}; };
  step = rig.sender.handle(rig.log.back(), kNow);
  ASSERT_TRUE(step);
  EXPECT_TRUE(step->retry);
  step = rig.sender.handle(rig.log.back(), kNow);  // the third attempt of max_attempts 3
  ASSERT_TRUE(step);
  EXPECT_FALSE(step->retry);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_EQ(rig.log.back().reason, "gave up after 3 attempts: helpdesk 503");
  EXPECT_EQ(rig.desk.server.request_count(), 3u);
}

TEST(HelpdeskCase, TheOutboundPolicyRefusesLoopbackUnlessAllowed) {
  Helpdesk desk;
  std::vector<core::ReplyIntent> log;
  pipeline::config::HelpdeskDef d;
  d.url = desk.server.url("/cases");
  d.max_attempts = 1;
  HelpdeskCaseSender sender(d, pipeline::http::make_cpprest_client({}),  // default policy
                            [&](const core::ReplyIntent& r) -> core::Status {
                              log.push_back(r);
                              return core::ok();
                            });
  auto step = sender.handle(case_record(), kNow);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, core::ReplyStatus::failed);
  EXPECT_EQ(desk.server.request_count(), 0u);
}

}  // namespace
}  // namespace earshot::sinks

#include "sinks/alert_payloads.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/webhook_signature.h"

namespace earshot::sinks {
namespace {

using nlohmann::json;

pipeline::core::Alert sample_alert() {
  pipeline::core::Alert a;
  a.rule = "negative-spike";
  a.entity = "acme-air";
  a.severity = "warning";
  a.window_start = "2026-11-23T11:00:00.000Z";
  a.window_end = "2026-11-23T11:01:00.000Z";
  a.observed = 42;
  a.baseline = 4.5;
  a.summary = "negative-spike for acme-air: negative posts: 42 in 1m (baseline 4.5)";
  a.dedup_key = "negative-spike|acme-air|2026-11-23T11:00:00.000Z";
  a.id = "alrt_0123456789abcdef0123456789abcdef";
  a.created_at = "2026-11-23T11:00:31.000Z";
  a.evidence = {
      {"mastodon:m.example:1", "https://m.example/@ann/1", "app down <again> & again", -0.9f},
      {"mastodon:m.example:2", "https://m.example/@bob/2", "still broken", -0.7f}};
  return a;
}

TEST(BuildRequest, WebhookIsTheSignedAlertJsonWithTheAlertIdAsWebhookId) {
  pipeline::config::SinkDef def;
  def.type = "webhook";
  def.name = "webhook";
  def.url = "http://127.0.0.1:9/hook";
  def.secret = "s3cret";
  def.headers = {{"X-Team", "care"}};
  auto r = build_request(def, sample_alert(), 1'700'000'000);
  ASSERT_TRUE(r);
  std::map<std::string, std::string> h(r->headers.begin(), r->headers.end());
  EXPECT_EQ(h["webhook-id"], sample_alert().id);
  EXPECT_EQ(h["webhook-timestamp"], "1700000000");
  EXPECT_EQ(h["webhook-signature"],
            pipeline::core::webhook_signature("s3cret", sample_alert().id, "1700000000", r->body));
  EXPECT_EQ(h["X-Team"], "care");
  auto back = pipeline::codec::decode_alert(r->body);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, sample_alert().id);
  EXPECT_EQ(back->dedup_key, sample_alert().dedup_key);
  ASSERT_EQ(back->evidence.size(), 2u);
  EXPECT_EQ(back->evidence[0].url, "https://m.example/@ann/1");
  EXPECT_EQ(back->evidence[0].text, "app down <again> & again");
}

// The sink signs with the secret rule the webhook source verifies with
// (pipeline/core/webhook_signature.h): whsec_ + base64 (padded or not) is decoded, so a
// receiver configured with the same secret accepts the alert.
TEST(BuildRequest, WebhookSignatureVerifiesWithTheSameSecretPaddedOrNot) {
  pipeline::config::SinkDef def;
  def.type = "webhook";
  def.name = "hook";
  def.url = "http://127.0.0.1:9/hook";
  const std::int64_t now = 1'700'000'000;
  for (const char* secret : {"whsec_aGVsbG8=", "whsec_aGVsbG8", "s3cret"}) {
    def.secret = secret;
    auto r = build_request(def, sample_alert(), now);
    ASSERT_TRUE(r) << secret << ": " << r.error().message;
    EXPECT_EQ(r->method, "POST");
    std::map<std::string, std::string> h(r->headers.begin(), r->headers.end());
    auto key = pipeline::core::decode_webhook_secret(secret);
    ASSERT_TRUE(key);
    EXPECT_EQ(pipeline::core::verify_webhook(*key, h["webhook-id"], h["webhook-timestamp"],
                                             h["webhook-signature"], r->body, now),
              pipeline::core::WebhookVerdict::ok)
        << secret;
  }
  // Both spellings of the whsec_ secret are the key "hello".
  def.secret = "whsec_aGVsbG8";
  auto unpadded = build_request(def, sample_alert(), now);
  def.secret = "whsec_aGVsbG8=";
  auto padded = build_request(def, sample_alert(), now);
  ASSERT_TRUE(unpadded && padded);
  EXPECT_EQ(unpadded->headers, padded->headers);
  def.secret = "whsec_!!!";
  auto bad = build_request(def, sample_alert(), now);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("hook"), std::string::npos) << bad.error().message;
}

TEST(BuildRequest, UnsignedWebhookHasNoSignatureAndKafkaIsNotHttp) {
  pipeline::config::SinkDef def;
  def.type = "webhook";
  def.url = "http://127.0.0.1:9/hook";
  auto r = build_request(def, sample_alert(), 1);
  ASSERT_TRUE(r);
  for (const auto& [k, v] : r->headers) EXPECT_NE(k, "webhook-signature");
  def.type = "kafka";
  EXPECT_FALSE(build_request(def, sample_alert(), 1));
}

TEST(SlackBody, BlockKitWithEvidenceLinksAndEscapedText) {
  json j = json::parse(slack_body(sample_alert()));
  ASSERT_TRUE(j["text"].is_string());
  ASSERT_TRUE(j["blocks"].is_array());
  EXPECT_EQ(j["blocks"][0]["type"], "header");
  std::string all = j.dump();
  EXPECT_NE(all.find("<https://m.example/@ann/1|mastodon:m.example:1>"), std::string::npos);
  EXPECT_NE(all.find("app down &lt;again&gt; &amp; again"), std::string::npos);
  EXPECT_NE(all.find(sample_alert().id), std::string::npos);
  int sections_with_links = 0;
  for (const auto& b : j["blocks"]) {
    if (b["type"] == "section" &&
        b["text"]["text"].get<std::string>().find("https://m.example/") != std::string::npos)
      ++sections_with_links;
  }
  EXPECT_EQ(sections_with_links, 2);
}

TEST(PagerDutyBody, TriggerCarriesDedupKeyPayloadAndLinks) {
  json j = json::parse(pagerduty_body(sample_alert(), "R0UT1NG"));
  EXPECT_EQ(j["routing_key"], "R0UT1NG");
  EXPECT_EQ(j["event_action"], "trigger");
  EXPECT_EQ(j["dedup_key"], sample_alert().dedup_key);
  EXPECT_EQ(j["payload"]["severity"], "warning");
  EXPECT_EQ(j["payload"]["source"], "earshot:acme-air");
  EXPECT_EQ(j["payload"]["custom_details"]["alert_id"], sample_alert().id);
  EXPECT_EQ(j["payload"]["custom_details"]["evidence"].size(), 2u);
  EXPECT_EQ(j["links"][0]["href"], "https://m.example/@ann/1");
}

// alert_messages.dashboard_url: every receiver gets the link to the spike's dashboard view.
TEST(AlertLink, SlackPagerDutyAndWebhookCarryTheDashboardLink) {
  pipeline::core::Alert a = sample_alert();
  a.link = "https://earshot.example.com/#entity=acme-air&from=2026-11-23T11:00:00.000Z"
           "&until=2026-11-23T11:01:00.000Z";
  json slack = json::parse(slack_body(a));
  bool button = false;
  for (const auto& b : slack["blocks"]) {
    if (b["type"] == "actions" && b["elements"][0]["url"] == a.link) button = true;
  }
  EXPECT_TRUE(button) << slack.dump();
  EXPECT_NE(slack["text"].get<std::string>().find(a.link), std::string::npos);

  json pd = json::parse(pagerduty_body(a, "R0UT1NG"));
  EXPECT_EQ(pd["links"][0]["href"], a.link);
  EXPECT_EQ(pd["links"][1]["href"], "https://m.example/@ann/1");
  EXPECT_EQ(pd["payload"]["custom_details"]["dashboard"], a.link);

  pipeline::config::SinkDef hook;
  hook.type = "webhook";
  hook.url = "https://hooks.example/earshot";
  auto req = build_request(hook, a, 1'700'000'000);
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(json::parse(req->body)["link"], a.link);
  auto back = pipeline::codec::decode_alert(req->body);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->link, a.link);

  // Without a link (alerts made before), nothing changes.
  json plain = json::parse(slack_body(sample_alert()));
  for (const auto& b : plain["blocks"]) EXPECT_NE(b["type"], "actions");
  EXPECT_FALSE(json::parse(build_request(hook, sample_alert(), 1)->body).contains("link"));
}

TEST(PagerDutyBody, ResolveSendsTheSameDedupKey) {
  pipeline::core::Alert a = sample_alert();
  a.status = "resolve";
  json j = json::parse(pagerduty_body(a, "R0UT1NG"));
  EXPECT_EQ(j["event_action"], "resolve");
  EXPECT_EQ(j["dedup_key"], a.dedup_key);
  EXPECT_FALSE(j.contains("payload"));
}

TEST(SeverityRank, OrdersInfoWarningCritical) {
  EXPECT_LT(severity_rank("info"), severity_rank("warning"));
  EXPECT_LT(severity_rank("warning"), severity_rank("critical"));
  EXPECT_EQ(severity_rank("critical"), static_cast<int>(pipeline::config::Severity::critical));
  EXPECT_EQ(severity_rank("warning"), static_cast<int>(pipeline::config::Severity::warning));
}

}  // namespace
}  // namespace earshot::sinks

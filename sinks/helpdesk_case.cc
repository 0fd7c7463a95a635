// Opening helpdesk cases exactly once (helpdesk_case.h).
#include "sinks/helpdesk_case.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "pipeline/codec/json_writer.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/core/webhook_signature.h"
#include "sinks/platform_retry.h"

namespace earshot::sinks {

namespace core = pipeline::core;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::string clean(std::string_view s) { return pipeline::codec::utf8_repair(s); }

std::string reason_of(const core::HttpResponse& res) {
  std::string reason = "helpdesk " + std::to_string(res.status);
  if (res.status >= 300 && res.status < 400) return reason + ": redirect not followed";
  json j = json::parse(res.body, nullptr, false);
  for (const char* k : {"error", "message"}) {
    if (j.is_object() && j.contains(k) && j[k].is_string())
      return reason + ": " + clean(j[k].get<std::string>().substr(0, 300));
  }
  return reason;
}

// An http(s) link without whitespace, else "" (it is shown in the API and the dashboard).
std::string link(const json& v) {
  if (!v.is_string()) return {};
  std::string s = v.get<std::string>();
  if (!s.starts_with("https://") && !s.starts_with("http://")) return {};
  if (s.size() > 2048 || std::any_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      }))
    return {};
  return s;
}

// The platform of the post (the uid's first part: the case record's own platform is
// "helpdesk").
std::string native_platform(const core::ReplyIntent& c) {
  return c.post_uid.substr(0, c.post_uid.find(':'));
}

}  // namespace

std::string helpdesk_case_body(const core::ReplyIntent& c) {
  json body = {{"type", "earshot.case"},
               {"case_id", clean(c.id)},
               {"reason", clean(c.reason)},
               {"entity", clean(c.entity)},
               {"intent", std::string(sentiment::to_string(c.intent))}};
  body["post"] = {{"uid", clean(c.post_uid)},
                  {"platform", clean(native_platform(c))},
                  {"url", clean(c.post_url)},
                  {"text", clean(c.post_text)},
                  {"author", clean(c.post_author)},
                  {"author_id", clean(c.post_author_id)},
                  {"created_at", clean(c.post_created_at)}};
  body["customer"] = c.customer ? json{{"id", clean(c.customer->id)},
                                       {"tier", clean(c.customer->tier)},
                                       {"name", clean(c.customer->name)},
                                       {"url", clean(c.customer->url)},
                                       {"source", clean(c.customer->source)}}
                                : json(nullptr);
  body["sentiment"] = {{"label", std::string(sentiment::to_string(c.sentiment.label))},
                       {"score", c.sentiment.score}};
  body["reply"] = {{"text", clean(c.text)}, {"template", clean(c.template_name)},
                   {"lang", clean(c.lang)}};
  return body.dump();
}

HelpdeskCaseSender::HelpdeskCaseSender(pipeline::config::HelpdeskDef def,
                                       std::shared_ptr<core::HttpClient> http, Publisher publish,
                                       std::string by)
    : def_(std::move(def)), http_(std::move(http)), publish_(std::move(publish)), by_(std::move(by)) {}

core::Result<HelpdeskCaseSender::Step> HelpdeskCaseSender::finish(core::ReplyIntent c,
                                                                  std::int64_t now_ms,
                                                                  core::ReplyStatus status,
                                                                  std::string reason) {
  c.status = status;
  c.reason = status == core::ReplyStatus::sent ? std::string() : reason;
  c.history.push_back({status, by_, core::format_rfc3339_ms(now_ms), reason});
  EARSHOT_TRY(publish_(c));
  {
    std::lock_guard lock(mu_);
    attempts_.erase(c.id);
  }
  return Step{status, false, milliseconds(0)};
}

core::Result<HelpdeskCaseSender::Step> HelpdeskCaseSender::handle(const core::ReplyIntent& latest,
                                                                  std::int64_t now_ms) {
  core::ReplyIntent c = latest;
  if (c.status == core::ReplyStatus::approved) {
    // The outbox record: durable before the call.
    c.status = core::ReplyStatus::sending;
    c.history.push_back({c.status, by_, core::format_rfc3339_ms(now_ms), ""});
    EARSHOT_TRY(publish_(c));
  } else if (c.status != core::ReplyStatus::sending) {
    return Step{c.status, false, milliseconds(0)};
  }
  if (def_.url.empty())
    return finish(c, now_ms, core::ReplyStatus::failed, "helpdesk: replies.helpdesk.url not set");

  core::HttpRequest req{.method = "POST",
                        .url = def_.url,
                        .headers = {{"Content-Type", "application/json"}},
                        .body = helpdesk_case_body(c),
                        .timeout = def_.timeout};
  const std::string ts = std::to_string(now_ms / 1000);
  req.headers.emplace_back("webhook-id", c.id);
  req.headers.emplace_back("webhook-timestamp", ts);
  if (!def_.secret.empty()) {
    auto key = core::decode_webhook_secret(def_.secret);
    if (!key) return finish(c, now_ms, core::ReplyStatus::failed, "helpdesk secret: " + key.error().message);
    req.headers.emplace_back("webhook-signature", core::webhook_signature(*key, c.id, ts, req.body));
  }
  for (const auto& [k, v] : def_.headers) req.headers.emplace_back(k, v);

  int attempt;
  {
    std::lock_guard lock(mu_);
    attempt = attempts_[c.id]++;
  }
  auto res = http_->send(req);
  std::string reason;
  milliseconds wait{0};
  if (!res) {
    reason = "helpdesk: " + res.error().message;
    wait = platform_backoff(attempt);
  } else if (res->status >= 200 && res->status < 300) {
    json j = json::parse(res->body, nullptr, false);
    if (j.is_object()) {
      for (const char* k : {"case_id", "id"}) {
        if (!j.contains(k)) continue;
        if (j[k].is_string()) c.remote_id = clean(j[k].get<std::string>().substr(0, 200));
        if (j[k].is_number_integer()) c.remote_id = j[k].dump();
        if (!c.remote_id.empty()) break;
      }
      for (const char* k : {"case_url", "url"}) {
        if (j.contains(k) && c.case_url.empty()) c.case_url = link(j[k]);
      }
    }
    return finish(c, now_ms, core::ReplyStatus::sent, "");
  } else if (res->status == 429 || res->status >= 500) {
    reason = reason_of(*res);
    wait = platform_retry_wait(*res, attempt, now_ms);
  } else {
    return finish(c, now_ms, core::ReplyStatus::failed, reason_of(*res));
  }
  if (attempt + 1 >= def_.max_attempts) {
    return finish(c, now_ms, core::ReplyStatus::failed,
                  "gave up after " + std::to_string(attempt + 1) + " attempts: " + reason);
  }
  return Step{core::ReplyStatus::sending, true, wait};
}

}  // namespace earshot::sinks

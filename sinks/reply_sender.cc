// Sending approved replies exactly once (reply_sender.h).
#include "sinks/reply_sender.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "pipeline/core/rfc3339.h"
#include "sinks/platform_retry.h"

namespace earshot::sinks {

namespace core = pipeline::core;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string bare(std::string_view h) {
  if (!h.empty() && h.front() == '@') h.remove_prefix(1);
  std::string out(h);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "<platform> <status>: <the server's error message>" without echoing anything else.
std::string http_reason(std::string_view platform, const core::HttpResponse& res) {
  std::string reason = std::string(platform) + " " + std::to_string(res.status);
  json j = json::parse(res.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    reason += ": " + j["error"].get<std::string>().substr(0, 300);
  } else if (res.status == 404) {
    reason += ": the post is gone";
  }
  return reason;
}

std::int64_t last_sending_at(const core::ReplyIntent& r) {
  for (auto it = r.history.rbegin(); it != r.history.rend(); ++it) {
    if (it->status == core::ReplyStatus::sending) {
      auto at = core::parse_rfc3339_ms(it->at);
      return at ? *at : 0;
    }
  }
  return 0;
}

}  // namespace

ReplySender::ReplySender(std::vector<pipeline::config::ReplyAccountDef> accounts,
                         std::shared_ptr<core::HttpClient> http, Publisher publish,
                         ReplySenderOptions options)
    : accounts_(std::move(accounts)),
      http_(std::move(http)),
      publish_(std::move(publish)),
      options_(std::move(options)),
      bluesky_(std::make_unique<BlueskyReplier>(http_, options_.request_timeout)) {}

int ReplySender::next_attempt(const std::string& reply_id) {
  std::lock_guard lock(mu_);
  return attempts_[reply_id]++;
}

core::Result<ReplySender::Step> ReplySender::conclude(const core::ReplyIntent& r,
                                                      std::int64_t now_ms, int attempt,
                                                      Outcome o) {
  if (o.kind == Outcome::retry) {
    if (attempt + 1 >= options_.max_attempts) {
      o.kind = Outcome::failed;
      o.reason = "gave up after " + std::to_string(attempt + 1) + " attempts: " + o.reason;
      return finish(r, now_ms, o);
    }
    return Step{core::ReplyStatus::sending, true, o.retry_after};
  }
  return finish(r, now_ms, o);
}

const pipeline::config::ReplyAccountDef* ReplySender::account_for(
    const core::ReplyIntent& r) const {
  for (const auto& a : accounts_) {
    if (a.entity == r.entity && a.platform == r.platform) return &a;
  }
  return nullptr;
}

ReplySender::Outcome ReplySender::call_mastodon(const pipeline::config::ReplyAccountDef& acc,
                                                const core::ReplyIntent& r, int attempt) {
  json body = {{"status", r.text}, {"visibility", options_.visibility}};
  if (!r.in_reply_to.empty()) body["in_reply_to_id"] = r.in_reply_to;
  core::HttpRequest req{.method = "POST",
                        .url = trim_slash(acc.instance) + "/api/v1/statuses",
                        .headers = {{"Content-Type", "application/json"},
                                    {"Authorization", "Bearer " + acc.token},
                                    {"Idempotency-Key", r.idempotency_key}},
                        .body = body.dump(-1, ' ', false, json::error_handler_t::replace),
                        .timeout = options_.request_timeout};
  auto res = http_->send(req);
  Outcome o;
  if (!res) {
    o.kind = Outcome::retry;
    o.reason = "mastodon: " + res.error().message;
    o.retry_after = platform_backoff(attempt);
    return o;
  }
  if (res->status >= 200 && res->status < 300) {
    json j = json::parse(res->body, nullptr, false);
    o.kind = Outcome::sent;
    if (j.is_object() && j.contains("id") && j["id"].is_string())
      o.remote_id = j["id"].get<std::string>();
    return o;
  }
  o.reason = http_reason("mastodon", *res);
  if (res->status == 429 || res->status >= 500) {
    o.kind = Outcome::retry;
    o.retry_after = platform_retry_wait(*res, attempt, wall_ms());
  } else {
    o.kind = Outcome::failed;
  }
  return o;
}

core::Result<std::optional<std::string>> ReplySender::find_in_thread(
    const pipeline::config::ReplyAccountDef& acc, const core::ReplyIntent& r) {
  core::HttpRequest req{.method = "GET",
                        .url = trim_slash(acc.instance) + "/api/v1/statuses/" +
                               core::url_encode(r.in_reply_to) + "/context",
                        .headers = {{"Authorization", "Bearer " + acc.token}},
                        .timeout = options_.request_timeout};
  auto res = http_->send(req);
  if (!res) return std::unexpected(res.error());
  if (res->status != 200) {
    return std::unexpected(
        core::Error(core::ErrorCode::kUnavailable, http_reason("mastodon context", *res)));
  }
  json j = json::parse(res->body, nullptr, false);
  if (!j.is_object() || !j.contains("descendants") || !j["descendants"].is_array())
    return std::optional<std::string>();
  std::string ours = bare(acc.handle);
  std::string local = ours.substr(0, ours.find('@'));
  for (const auto& d : j["descendants"]) {
    if (!d.is_object() || d.value("in_reply_to_id", json()).is_null()) continue;
    if (d.value("in_reply_to_id", json()) != r.in_reply_to) continue;
    if (!d.contains("account") || !d["account"].is_object()) continue;
    std::string acct = bare(d["account"].value("acct", std::string()));
    if (!acct.empty() && (acct == ours || acct == local) && d.value("id", json()).is_string())
      return std::optional<std::string>(d["id"].get<std::string>());
  }
  return std::optional<std::string>();
}

core::Result<ReplySender::Step> ReplySender::finish(core::ReplyIntent r, std::int64_t now_ms,
                                                    const Outcome& o) {
  r.status = o.kind == Outcome::sent ? core::ReplyStatus::sent : core::ReplyStatus::failed;
  r.reason = o.kind == Outcome::sent ? std::string() : o.reason;
  if (!o.remote_id.empty()) r.remote_id = o.remote_id;
  r.history.push_back({r.status, options_.by, core::format_rfc3339_ms(now_ms), o.reason});
  EARSHOT_TRY(publish_(r));
  {
    std::lock_guard lock(mu_);
    attempts_.erase(r.id);
  }
  return Step{r.status, false, milliseconds(0)};
}

core::Result<ReplySender::Step> ReplySender::handle(const core::ReplyIntent& latest,
                                                    std::int64_t now_ms) {
  core::ReplyIntent r = latest;
  const bool resume = r.status == core::ReplyStatus::sending;  // a crash or a retry came first
  if (r.status == core::ReplyStatus::approved) {
    // The outbox record: durable before any call.
    r.status = core::ReplyStatus::sending;
    r.reason.clear();
    r.history.push_back({r.status, options_.by, core::format_rfc3339_ms(now_ms), ""});
    EARSHOT_TRY(publish_(r));
  } else if (r.status != core::ReplyStatus::sending) {
    return Step{r.status, false, milliseconds(0)};
  }
  const auto* acc = account_for(r);
  if (!acc) {
    return finish(r, now_ms,
                  {Outcome::failed, "", "no account for " + r.entity + " on " + r.platform, {}});
  }
  if (r.platform == "bluesky") {
    const int attempt = next_attempt(r.id);
    ReplyAttempt a = bluesky_->reply(*acc, r, attempt, resume, now_ms);
    const auto kind = a.kind == ReplyAttempt::sent     ? Outcome::sent
                      : a.kind == ReplyAttempt::failed ? Outcome::failed
                                                       : Outcome::retry;
    return conclude(r, now_ms, attempt, {kind, a.remote_id, a.reason, a.retry_after});
  }
  if (r.platform != "mastodon") {
    return finish(r, now_ms, {Outcome::failed, "", r.platform + ": sender not implemented", {}});
  }
  if (now_ms - last_sending_at(r) > options_.idempotency_window.count()) {
    // The server may have forgotten the key: look for our reply before calling again.
    // When the thread cannot be read, wait: calling blind could answer twice.
    auto found = find_in_thread(*acc, r);
    if (!found) return Step{core::ReplyStatus::sending, true, platform_backoff(next_attempt(r.id))};
    if (*found) return finish(r, now_ms, {Outcome::sent, **found, "", {}});
  }
  const int attempt = next_attempt(r.id);
  return conclude(r, now_ms, attempt, call_mastodon(*acc, r, attempt));
}

}  // namespace earshot::sinks

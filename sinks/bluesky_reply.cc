// One reply on Bluesky: session, createRecord with a deterministic key, read-back
// (bluesky_reply.h).
#include "sinks/bluesky_reply.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "pipeline/core/crypto.h"
#include "pipeline/core/graphemes.h"
#include "pipeline/core/rfc3339.h"
#include "sinks/platform_retry.h"

namespace earshot::sinks {

namespace core = pipeline::core;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kCollection = "app.bsky.feed.post";
constexpr std::string_view kTidChars = "234567abcdefghijklmnopqrstuvwxyz";

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool handle_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::int64_t first_sending_ms(const core::ReplyIntent& r, std::int64_t now_ms) {
  for (const auto& e : r.history) {
    if (e.status != core::ReplyStatus::sending) continue;
    if (auto at = core::parse_rfc3339_ms(e.at)) return *at;
  }
  return now_ms;
}

json strong_ref(const std::string& uri, const std::string& cid) {
  json j = json::object();
  j["uri"] = uri;
  j["cid"] = cid;
  return j;
}

// The app.bsky.feed.post record of a reply.
json post_record(const core::ReplyIntent& r, std::int64_t at_ms) {
  json rec = json::object();
  rec["$type"] = std::string(kCollection);
  rec["text"] = r.text;
  rec["createdAt"] = core::format_rfc3339_ms(at_ms);
  if (!r.lang.empty()) rec["langs"] = json::array({r.lang});
  json reply = json::object();
  reply["root"] = strong_ref(r.reply_ref->root_uri, r.reply_ref->root_cid);
  reply["parent"] = strong_ref(r.reply_ref->uri, r.reply_ref->cid);
  rec["reply"] = std::move(reply);
  if (r.post_author_id.starts_with("did:")) {
    if (auto m = find_mention(r.text, r.post_author)) {
      json index = json::object();
      index["byteStart"] = m->byte_start;
      index["byteEnd"] = m->byte_end;
      json feature = json::object();
      feature["$type"] = "app.bsky.richtext.facet#mention";
      feature["did"] = r.post_author_id;
      json facet = json::object();
      facet["index"] = std::move(index);
      facet["features"] = json::array({std::move(feature)});
      rec["facets"] = json::array({std::move(facet)});
    }
  }
  return rec;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string json_string(const json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string bluesky_rkey(std::string_view idempotency_key, std::int64_t at_ms) {
  const std::string h = core::sha256_hex("earshot-bluesky-rkey:" + std::string(idempotency_key));
  const std::uint64_t bits = std::stoull(h.substr(0, 16), nullptr, 16);
  std::uint64_t us = static_cast<std::uint64_t>(std::max<std::int64_t>(at_ms, 0)) * 1000 +
                     bits % 1000;
  us &= (1ULL << 53) - 1;
  std::uint64_t v = (us << 10) | ((bits >> 20) & 1023);  // top bit 0: 53 bits time, 10 clock
  std::string out(13, '2');
  for (int i = 12; i >= 0; --i) {
    out[i] = kTidChars[v & 31];
    v >>= 5;
  }
  return out;
}

bool valid_tid(std::string_view s) {
  if (s.size() != 13 || std::string_view("234567abcdefghij").find(s[0]) == std::string_view::npos)
    return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return kTidChars.find(c) != std::string_view::npos; });
}

bool valid_record_key(std::string_view s) {
  if (s.empty() || s.size() > 512 || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return handle_char(c) || c == '.' || c == ':' || c == '~';
  });
}

std::optional<MentionFacet> find_mention(std::string_view text, std::string_view handle) {
  if (!handle.empty() && handle.front() == '@') handle.remove_prefix(1);
  if (handle.empty()) return std::nullopt;
  std::string lower_text(text.size(), ' ');
  std::transform(text.begin(), text.end(), lower_text.begin(), ascii_lower);
  std::string needle = "@";
  for (char c : handle) needle += ascii_lower(c);
  for (std::size_t at = lower_text.find(needle); at != std::string::npos;
       at = lower_text.find(needle, at + 1)) {
    const std::size_t end = at + needle.size();
    const bool starts = at == 0 || !(handle_char(text[at - 1]) || text[at - 1] == '.');
    // After the handle: the end, or a character no handle goes on with ("." only as
    // punctuation: not followed by a handle character).
    const bool ends = end == text.size() || !(handle_char(text[end]) || text[end] == '.') ||
                      (text[end] == '.' && (end + 1 == text.size() || !handle_char(text[end + 1])));
    if (starts && ends) return MentionFacet{at, end};
  }
  return std::nullopt;
}

BlueskyReplier::BlueskyReplier(std::shared_ptr<core::HttpClient> http,
                               std::chrono::milliseconds request_timeout)
    : http_(std::move(http)), timeout_(request_timeout) {}

core::Result<core::HttpResponse> BlueskyReplier::send(core::HttpRequest req) {
  req.timeout = timeout_;
  return http_->send(req);
}

// What a request came to, with the secrets it must never repeat.
struct BlueskyReplier::Call {
  std::vector<std::string> secrets;
  std::string scrub(std::string s) const {
    for (const auto& secret : secrets) {
      if (secret.size() < 4) continue;
      for (auto at = s.find(secret); at != std::string::npos; at = s.find(secret, at + 3))
        s.replace(at, secret.size(), "***");
    }
    return s;
  }
  // "bluesky <what> <status>: <error>: <message>" (the XRPC error body), secrets scrubbed.
  std::string reason(std::string_view what, const core::HttpResponse& res) const {
    std::string out = "bluesky " + std::string(what) + " " + std::to_string(res.status);
    json j = json::parse(res.body, nullptr, false);
    std::string error = json_string(j, "error"), message = json_string(j, "message");
    if (!error.empty()) out += ": " + error.substr(0, 100);
    if (!message.empty()) out += ": " + message.substr(0, 300);
    return scrub(out);
  }
};

std::optional<ReplyAttempt> BlueskyReplier::session(const pipeline::config::ReplyAccountDef& acc,
                                                    bool renew, int attempt, std::int64_t now_ms,
                                                    Session* out) {
  if (acc.app_password.empty()) {  // a bearer token from the config, used as is
    *out = {acc.token, "", acc.did};
    return std::nullopt;
  }
  const std::string service = trim_slash(acc.service);
  const std::string identifier = acc.handle.empty() ? acc.did : acc.handle;
  const std::string key = service + "|" + identifier;
  Call call{{acc.app_password}};
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it != sessions_.end() && !renew) {
    *out = it->second;
    return std::nullopt;
  }
  if (it != sessions_.end() && !it->second.refresh.empty()) {
    auto res = send({.method = "POST",
                     .url = service + "/xrpc/com.atproto.server.refreshSession",
                     .headers = {{"Authorization", "Bearer " + it->second.refresh}}});
    if (res && res->status == 200) {
      json j = json::parse(res->body, nullptr, false);
      if (!json_string(j, "accessJwt").empty()) {
        it->second.access = json_string(j, "accessJwt");
        if (!json_string(j, "refreshJwt").empty()) it->second.refresh = json_string(j, "refreshJwt");
        *out = it->second;
        return std::nullopt;
      }
    }
    sessions_.erase(it);  // log in again below
  }
  json body = json::object();
  body["identifier"] = identifier;
  body["password"] = acc.app_password;
  auto res = send({.method = "POST",
                   .url = service + "/xrpc/com.atproto.server.createSession",
                   .headers = {{"Content-Type", "application/json"}},
                   .body = dump(body)});
  if (!res) {
    return ReplyAttempt{ReplyAttempt::retry, "", "bluesky createSession: " + res.error().message,
                        platform_backoff(attempt)};
  }
  if (res->status == 429 || res->status >= 500) {
    return ReplyAttempt{ReplyAttempt::retry, "", call.reason("createSession", *res),
                        res->status == 429 ? platform_retry_wait(*res, attempt, now_ms) : platform_backoff(attempt)};
  }
  json j = json::parse(res->body, nullptr, false);
  Session s{json_string(j, "accessJwt"), json_string(j, "refreshJwt"),
            acc.did.empty() ? json_string(j, "did") : acc.did};
  if (res->status != 200 || s.access.empty() || s.did.empty()) {
    return ReplyAttempt{ReplyAttempt::failed, "",
                        res->status != 200 ? call.reason("createSession", *res)
                                           : "bluesky createSession: no accessJwt/did in the answer",
                        {}};
  }
  sessions_[key] = s;
  *out = std::move(s);
  return std::nullopt;
}

ReplyAttempt BlueskyReplier::reply(const pipeline::config::ReplyAccountDef& acc,
                                   const core::ReplyIntent& r, int attempt, bool resume,
                                   std::int64_t now_ms) {
  auto failed = [](std::string why) {
    return ReplyAttempt{ReplyAttempt::failed, "", std::move(why), {}};
  };
  auto retry = [](std::string why, milliseconds after) {
    return ReplyAttempt{ReplyAttempt::retry, "", std::move(why), after};
  };
  if (!r.reply_ref) {
    return failed("bluesky: the post has no reply reference (its at-uri and cid were not "
                  "ingested), so a reply cannot name it");
  }
  if (r.text.empty()) return failed("bluesky: empty text");
  if (std::size_t n = core::grapheme_count(r.text); n > core::text_limit("bluesky")) {
    return failed("bluesky: the text is " + std::to_string(n) + " graphemes, over the limit of " +
                  std::to_string(core::text_limit("bluesky")));
  }
  Session s;
  if (auto stop = session(acc, false, attempt, now_ms, &s)) return *stop;
  const std::string service = trim_slash(acc.service);
  const std::int64_t at_ms = first_sending_ms(r, now_ms);
  const std::string rkey = bluesky_rkey(r.idempotency_key.empty() ? r.id : r.idempotency_key, at_ms);
  Call call{{acc.app_password, acc.token, s.access, s.refresh}};

  // Is our record there already? It is ours when it answers our parent.
  enum class Found { yes, no, unknown };
  std::string found_uri, found_parent, lookup_error;
  auto read_back = [&]() -> Found {
    auto res = send({.method = "GET",
                     .url = service + "/xrpc/com.atproto.repo.getRecord?repo=" +
                            core::url_encode(s.did) + "&collection=" +
                            std::string(kCollection) + "&rkey=" + rkey,
                     .headers = {{"Authorization", "Bearer " + s.access}}});
    if (!res) {
      lookup_error = "bluesky getRecord: " + res.error().message;
      return Found::unknown;
    }
    json j = json::parse(res->body, nullptr, false);
    if (res->status == 200 && j.is_object()) {
      found_uri = json_string(j, "uri");
      const json& value = j.contains("value") ? j["value"] : json();
      if (value.is_object() && value.contains("reply") && value["reply"].is_object())
        found_parent = json_string(value["reply"].value("parent", json()), "uri");
      return Found::yes;
    }
    if (res->status == 404 || json_string(j, "error") == "RecordNotFound") return Found::no;
    lookup_error = call.reason("getRecord", *res);
    return Found::unknown;
  };
  auto settle = [&]() {
    if (found_parent == r.reply_ref->uri) {
      return ReplyAttempt{ReplyAttempt::sent,
                          found_uri.empty() ? "at://" + s.did + "/" + std::string(kCollection) +
                                                  "/" + rkey
                                            : found_uri,
                          "", {}};
    }
    return failed("bluesky: record key collision: " + rkey + " holds a reply to " +
                  (found_parent.empty() ? std::string("another post") : found_parent) +
                  "; not sent again");
  };

  if (resume) {
    Found f = read_back();
    if (f == Found::yes) return settle();
    if (f == Found::unknown) return retry(lookup_error, platform_backoff(attempt));
  }
  json body = json::object();
  body["repo"] = s.did;
  body["collection"] = std::string(kCollection);
  body["rkey"] = rkey;
  body["record"] = post_record(r, at_ms);
  for (int pass = 0; pass < 2; ++pass) {
    auto res = send({.method = "POST",
                     .url = service + "/xrpc/com.atproto.repo.createRecord",
                     .headers = {{"Content-Type", "application/json"},
                                 {"Authorization", "Bearer " + s.access}},
                     .body = dump(body)});
    if (!res) return retry("bluesky createRecord: " + res.error().message, platform_backoff(attempt));
    if (res->status >= 200 && res->status < 300) {
      found_uri = json_string(json::parse(res->body, nullptr, false), "uri");
      found_parent = r.reply_ref->uri;
      return settle();
    }
    const std::string error = json_string(json::parse(res->body, nullptr, false), "error");
    if (pass == 0 && (res->status == 401 || error == "ExpiredToken" || error == "InvalidToken")) {
      if (auto stop = session(acc, true, attempt, now_ms, &s)) return *stop;
      call.secrets.push_back(s.access);
      call.secrets.push_back(s.refresh);
      continue;
    }
    const std::string reason = call.reason("createRecord", *res);
    if (res->status == 429) return retry(reason, platform_retry_wait(*res, attempt, now_ms));
    // A refused or failed create may be a second create of a record that is there (a PDS
    // answers 400 or, older ones, 500): read it back before concluding.
    Found f = read_back();
    if (f == Found::yes) return settle();
    if (res->status >= 500 || f == Found::unknown) return retry(reason, platform_backoff(attempt));
    return failed(reason);
  }
  return retry("bluesky createRecord: session renewed twice", platform_backoff(attempt));
}

}  // namespace earshot::sinks

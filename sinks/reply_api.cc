// The reply queue API (reply_api.h).
#include "sinks/reply_api.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "pipeline/codec/json_codec.h"
#include "pipeline/codec/json_writer.h"
#include "pipeline/core/graphemes.h"
#include "pipeline/core/rfc3339.h"
#include "sinks/http_server.h"

namespace earshot::sinks {

namespace core = pipeline::core;
using nlohmann::json;

namespace {

std::string planned_at(const core::ReplyIntent& r) {
  return r.history.empty() ? std::string() : r.history.front().at;
}

// nlohmann refuses invalid UTF-8 at dump(); records are valid I-JSON, but repair anyway.
std::string clean(std::string_view s) { return pipeline::codec::utf8_repair(s); }

}  // namespace

void ReplyBook::apply(core::ReplyIntent r) {
  std::lock_guard lock(mu_);
  // Every change appends to the history: a shorter one is an older state (the API applies
  // its own record after publishing it, when the sender's later records may be in already).
  auto it = by_id_.find(r.id);
  if (it != by_id_.end() && it->second.history.size() > r.history.size()) return;
  std::string id = r.id;
  by_id_[id] = std::move(r);
}

std::optional<core::ReplyIntent> ReplyBook::get(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::vector<core::ReplyIntent> ReplyBook::list(const std::string& status, const std::string& entity,
                                               std::size_t limit) const {
  std::vector<core::ReplyIntent> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, r] : by_id_) {
      if (!status.empty() && core::to_string(r.status) != status) continue;
      if (!entity.empty() && r.entity != entity) continue;
      out.push_back(r);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    std::string ta = planned_at(a), tb = planned_at(b);
    return ta != tb ? ta > tb : a.id > b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

core::Result<std::unique_ptr<ReplyBookFollower>> ReplyBookFollower::start(
    pipeline::log::Log& log, ReplyBook& book, const std::string& topic,
    std::function<void(const std::string& id)> on_change) {
  EARSHOT_TRY(log.create_topics({{topic, 3, /*compacted=*/true}}));
  auto consumer = log.consumer({.group = "", .topics = {topic}});
  if (!consumer) return std::unexpected(consumer.error());
  std::unique_ptr<ReplyBookFollower> f(new ReplyBookFollower());
  f->consumer_ = std::move(*consumer);
  f->thread_ = std::thread([p = f.get(), &book, on_change = std::move(on_change)] {
    while (!p->stop_.load()) {
      auto batch = p->consumer_->poll(500, std::chrono::milliseconds(200));
      if (!batch) continue;  // transient; the consumer reconnects
      for (const auto& rec : *batch) {
        if (auto r = pipeline::codec::decode_reply(rec.value)) {
          const std::string id = r->id;
          book.apply(std::move(*r));
          ++p->applied_;
          if (on_change) on_change(id);
        } else {
          ++p->undecodable_;
        }
      }
    }
  });
  return f;
}

void ReplyBookFollower::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

std::function<core::Status(const core::ReplyIntent&)> reply_publisher(
    pipeline::log::Producer& producer, std::string topic) {
  return [&producer, topic = std::move(topic)](const core::ReplyIntent& r) -> core::Status {
    EARSHOT_TRY(producer.produce(topic, core::reply_topic_key(r), pipeline::codec::encode(r)));
    return producer.flush(std::chrono::milliseconds(30'000));
  };
}

std::string reply_json(const core::ReplyIntent& r) {
  json j = {{"id", clean(r.id)},
            {"post_uid", clean(r.post_uid)},
            {"platform", clean(r.platform)},
            {"entity", clean(r.entity)},
            {"in_reply_to", clean(r.in_reply_to)},
            {"text", clean(r.text)},
            {"template", clean(r.template_name)},
            {"status", std::string(core::to_string(r.status))},
            {"reason", clean(r.reason)},
            {"intent", std::string(sentiment::to_string(r.intent))},
            {"remote_id", clean(r.remote_id)},
            {"case_url", clean(r.case_url)}};
  j["customer"] = r.customer ? json{{"id", clean(r.customer->id)},
                                    {"tier", clean(r.customer->tier)},
                                    {"name", clean(r.customer->name)},
                                    {"url", clean(r.customer->url)}}
                             : json(nullptr);
  j["post"] = {{"text", clean(r.post_text)},
               {"author", clean(r.post_author)},
               {"url", clean(r.post_url)},
               {"created_at", clean(r.post_created_at)}};
  j["sentiment"] = {{"label", std::string(sentiment::to_string(r.sentiment.label))},
                    {"score", r.sentiment.score}};
  json history = json::array();
  for (const auto& e : r.history) {
    history.push_back({{"status", std::string(core::to_string(e.status))},
                       {"by", clean(e.by)},
                       {"at", clean(e.at)},
                       {"reason", clean(e.reason)}});
  }
  j["history"] = std::move(history);
  return j.dump();
}

ReplyApi::ReplyApi(ReplyBook& book, Publisher publish, std::function<std::int64_t()> now_ms)
    : book_(book), publish_(std::move(publish)), now_ms_(std::move(now_ms)) {
  if (!now_ms_) {
    now_ms_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

void ReplyApi::install(HttpServer& server) {
  server.route("GET", "/api/v1/replies", Access::kRead,
               [this](const ServerRequest& r) { return list(r.query); });
  server.route("GET", "/api/v1/replies/{id}", Access::kRead,
               [this](const ServerRequest& r) { return get(r.param("id")); });
  server.route(
      "POST", "/api/v1/replies/{id}/approve", Access::kAdmin,
      [this](const ServerRequest& r) { return approve(r.param("id"), r.principal, r.body); });
  server.route(
      "POST", "/api/v1/replies/{id}/reject", Access::kAdmin,
      [this](const ServerRequest& r) { return reject(r.param("id"), r.principal, r.body); });
  server.route("POST", "/api/v1/replies/{id}/edit", Access::kAdmin,
               [this](const ServerRequest& r) { return edit(r.param("id"), r.principal, r.body); });
}

ServerResponse ReplyApi::list(const std::map<std::string, std::string>& query) const {
  auto value = [&](const char* k) {
    auto it = query.find(k);
    return it == query.end() ? std::string() : it->second;
  };
  std::size_t limit = 100;
  if (std::string l = value("limit"); !l.empty()) {
    try {
      std::size_t used = 0;
      long n = std::stol(l, &used);
      if (used != l.size() || n < 1 || n > 1000) throw std::out_of_range(l);
      limit = static_cast<std::size_t>(n);
    } catch (const std::exception&) {
      return ServerResponse::error(400, "limit: expected 1..1000");
    }
  }
  std::string status = value("status");
  core::ReplyStatus parsed;
  if (!status.empty() && !core::parse_reply_status(status, &parsed)) {
    return ServerResponse::error(400, "status: unknown value '" + status + "'");
  }
  std::string out = "{\"replies\":[";
  bool first = true;
  for (const auto& r : book_.list(status, value("entity"), limit)) {
    if (!first) out += ',';
    first = false;
    out += reply_json(r);
  }
  out += "]}";
  return ServerResponse::json(200, std::move(out));
}

ServerResponse ReplyApi::get(const std::string& id) const {
  auto r = book_.get(id);
  if (!r) return ServerResponse::error(404, "no reply with id '" + id + "'");
  return ServerResponse::json(200, reply_json(*r));
}

ServerResponse ReplyApi::approve(const std::string& id, const std::string& by,
                                 const std::string& body) {
  return act(id, by, body, "approve");
}
ServerResponse ReplyApi::reject(const std::string& id, const std::string& by,
                                const std::string& body) {
  return act(id, by, body, "reject");
}
ServerResponse ReplyApi::edit(const std::string& id, const std::string& by,
                              const std::string& body) {
  return act(id, by, body, "edit");
}

ServerResponse ReplyApi::act(const std::string& id, const std::string& by, const std::string& body,
                             std::string_view action) {
  json j = json::object();
  if (!body.empty()) {
    j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return ServerResponse::error(400, "body: expected a JSON object");
  }
  std::optional<std::string> text, reason;
  if (j.contains("text")) {
    if (!j["text"].is_string()) return ServerResponse::error(400, "text: expected a string");
    text = j["text"].get<std::string>();
  }
  if (j.contains("reason")) {
    if (!j["reason"].is_string()) return ServerResponse::error(400, "reason: expected a string");
    reason = j["reason"].get<std::string>();
  }
  if (action == "edit" && !text) return ServerResponse::error(400, "text: required");

  std::lock_guard lock(act_mu_);
  auto current = book_.get(id);
  if (!current) return ServerResponse::error(404, "no reply with id '" + id + "'");
  core::ReplyIntent r = std::move(*current);
  bool pending = r.status == core::ReplyStatus::pending_approval;
  bool allowed = action == "reject" ? pending || r.status == core::ReplyStatus::approved : pending;
  if (!allowed) {
    return ServerResponse::error(409, "cannot " + std::string(action) + " a reply that is " +
                                          std::string(core::to_string(r.status)));
  }
  if (text) {
    if (text->empty() || !pipeline::codec::utf8_valid(*text))
      return ServerResponse::error(400, "text: expected a non-empty UTF-8 string");
    if (core::text_length(r.platform, *text) > core::text_limit(r.platform))
      return ServerResponse::error(400, "text: over the " + r.platform + " limit of " +
                                            std::to_string(core::text_limit(r.platform)) +
                                            (r.platform == "bluesky" ? " graphemes" : " characters"));
  }
  core::ReplyEvent ev;
  ev.by = by;
  ev.at = core::format_rfc3339_ms(now_ms_());
  if (action == "approve") {
    r.status = core::ReplyStatus::approved;
    r.reason.clear();
    if (text && *text != r.text) ev.reason = "edited";
  } else if (action == "reject") {
    r.status = core::ReplyStatus::rejected;
    r.reason = reason.value_or("rejected");
    ev.reason = r.reason;
  } else {
    ev.reason = "edited";
  }
  if (text) r.text = *text;
  ev.status = r.status;
  r.history.push_back(ev);
  if (auto st = publish_(r); !st) {
    return ServerResponse::error(503, "could not record the change: " + st.error().message);
  }
  book_.apply(r);
  return ServerResponse::json(200, reply_json(r));
}

}  // namespace earshot::sinks

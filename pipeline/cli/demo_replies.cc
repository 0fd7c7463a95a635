// The proactive-replies part of `earshot demo` (issue 14): the sample complaints are planned
// in approval mode, one pending reply is approved through the reply API (POST
// /api/v1/replies/{id}/approve, as a person on the dashboard would), and the sender delivers
// it to a small fixture Mastodon the demo starts on 127.0.0.1 (reached because the demo
// config lists 127.0.0.1 in outbound.allow_private). The report shows the queue (pending
// replies) and what the fixture server received.
#include "pipeline/cli/demo_replies.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "pipeline/cli/cli_common.h"
#include "pipeline/codec/json_codec.h"
#include "pipeline/http/cpprest_client.h"
#include "sinks/http_server.h"
#include "sinks/reply_api.h"
#include "sinks/reply_runner.h"

namespace earshot::pipeline::cli {

namespace core = pipeline::core;
using nlohmann::json;

struct DemoReplies::Fixture {
  sinks::HttpServer server{{.listen = "127.0.0.1:0"}};
  std::mutex mu;
  std::vector<json> received;  // the bodies of POST /api/v1/statuses, with the key
};

DemoReplies::DemoReplies() = default;
DemoReplies::~DemoReplies() = default;

bool DemoReplies::prepare(config::Config& config) {
  if (config.replies.mode == config::ReplyMode::off) return false;
  fixture_ = std::make_unique<Fixture>();
  Fixture* f = fixture_.get();
  f->server.route("POST", "/api/v1/statuses", sinks::Access::kPublic,
                  [f](const sinks::ServerRequest& r) {
                    json body = json::parse(r.body, nullptr, false);
                    if (!body.is_object()) return sinks::ServerResponse::error(422, "not JSON");
                    auto key = r.headers.find("idempotency-key");
                    body["idempotency_key"] = key == r.headers.end() ? "" : key->second;
                    std::lock_guard lock(f->mu);
                    f->received.push_back(body);
                    std::string id = "demo-" + std::to_string(f->received.size());
                    return sinks::ServerResponse::json(
                        200, json{{"id", id}, {"content", body.value("status", "")}}.dump());
                  });
  f->server.route("GET", "/api/v1/statuses/{id}/context", sinks::Access::kPublic,
                  [](const sinks::ServerRequest&) {
                    return sinks::ServerResponse::json(200, R"({"ancestors":[],"descendants":[]})");
                  });
  if (auto st = f->server.start(); !st) {
    log_warn("demo: no fixture Mastodon for the replies (" + st.error().message + ")");
    fixture_.reset();
    return false;
  }
  for (auto& acc : config.replies.accounts) {
    if (acc.platform == "mastodon") acc.instance = f->server.url();
  }
  // The bundled stream is dated 2026-11-23: answer it whatever its age (production keeps 24h).
  config.replies.max_post_age = std::chrono::milliseconds(std::int64_t{100} * 365 * 86'400'000);
  log_info("demo: replies go to a fixture Mastodon at " + f->server.url());
  return true;
}

namespace {

std::vector<core::ReplyIntent> read_replies(const config::Config& config, log::Log& log) {
  sinks::ReplyBook book;
  auto reader = log.consumer({.group = "", .topics = {config.log.topic("replies")}, .on_revoke = {}});
  if (!reader) throw Exit{kExitRuntime, reader.error().message};
  auto st = log::read_to_end(
      **reader,
      [&](log::Record& r) {
        if (auto x = codec::decode_reply(r.value)) book.apply(std::move(*x));
      },
      std::chrono::seconds(60), "the replies topic");
  if (!st) throw Exit{kExitRuntime, st.error().message};
  return book.list("", "", 100'000);
}

std::string one_line(std::string s, std::size_t n) {
  if (s.size() > n) s = s.substr(0, n) + "...";
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

}  // namespace

void DemoReplies::run(const config::Config& config, log::Log& log, const std::string& api_url) {
  if (!fixture_) return;
  auto replies = read_replies(config, log);
  const core::ReplyIntent* pick = nullptr;
  for (const auto& r : replies) {  // newest first: approve the oldest pending one
    if (r.status == core::ReplyStatus::pending_approval && r.platform == "mastodon") pick = &r;
  }
  std::string approved_id;
  if (pick) {
    // Through the reply API: the demo's own server, or one started just for this.
    std::unique_ptr<sinks::HttpServer> own;
    std::unique_ptr<sinks::ReplyBook> book;
    std::unique_ptr<sinks::ReplyApi> api;
    std::unique_ptr<log::Producer> producer;
    std::string base = api_url;
    if (base.empty()) {
      auto p = log.producer({});
      if (!p) throw Exit{kExitRuntime, p.error().message};
      producer = std::move(*p);
      book = std::make_unique<sinks::ReplyBook>();
      for (const auto& r : replies) book->apply(r);
      api = std::make_unique<sinks::ReplyApi>(
          *book, sinks::reply_publisher(*producer, config.log.topic("replies")));
      own = std::make_unique<sinks::HttpServer>(sinks::HttpServerOptions{.listen = "127.0.0.1:0"});
      api->install(*own);
      if (auto st = own->start(); !st) throw Exit{kExitRuntime, st.error().message};
      base = own->url();
    }
    core::HttpRequest req{.method = "POST",
                          .url = base + "/api/v1/replies/" + pick->id + "/approve",
                          .headers = {{"Content-Type", "application/json"}},
                          .body = "{}",
                          .timeout = std::chrono::seconds(10)};
    for (const auto& t : config.api.tokens) {
      if (t.scope == core::Scope::kAdmin) {
        req.headers.emplace_back("Authorization", "Bearer " + t.token);
        break;
      }
    }
    auto http = http::make_cpprest_client(
        {.address_policy = *core::AddressPolicy::create({"127.0.0.1"})});
    auto res = http->send(req);
    // The served book follows the topic on its own thread: it may not hold the reply yet.
    for (int i = 0; i < 100 && res && res->status == 404; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      res = http->send(req);
    }
    if (!res || res->status != 200) {
      log_warn("demo: approving " + pick->id + " failed: " +
               (res ? std::to_string(res->status) + " " + res->body : res.error().message));
    } else {
      approved_id = pick->id;
    }
  }
  if (!approved_id.empty()) {
    // The sender (as `earshot replies` runs it) until the approved reply is settled.
    sinks::ReplyRunner runner(
        config, log,
        http::make_cpprest_client({.address_policy = config::address_policy(config.outbound)}),
        {.by = "sender-demo"});
    std::atomic<bool> stop{false};
    core::Status result = core::ok();
    std::thread t([&] { result = runner.run(stop); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (runner.counters().sent.load() + runner.counters().failed.load() == 0 &&
           std::chrono::steady_clock::now() < deadline && !g_stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop = true;
    t.join();
    if (!result) log_warn("demo: replies sender: " + result.error().message);
  }

  replies = read_replies(config, log);
  std::size_t pending = 0, blocked = 0;
  for (const auto& r : replies) {
    pending += r.status == core::ReplyStatus::pending_approval;
    blocked += r.status == core::ReplyStatus::blocked;
  }
  std::printf("  replies: %zu pending approval, %zu blocked by a guard\n", pending, blocked);
  std::printf("  reply queue (pending approval):\n");
  for (const auto& r : replies) {
    if (r.status != core::ReplyStatus::pending_approval) continue;
    std::printf("  - %s to %s about %s: %s\n", r.id.c_str(), r.post_author.c_str(),
                r.entity.c_str(), one_line(r.text, 100).c_str());
  }
  for (const auto& r : replies) {
    if (r.id != approved_id) continue;
    std::printf("  approved %s through the reply API; now %s%s\n", r.id.c_str(),
                std::string(core::to_string(r.status)).c_str(),
                r.reason.empty() ? "" : (" (" + r.reason + ")").c_str());
  }
  std::lock_guard lock(fixture_->mu);
  for (const auto& b : fixture_->received) {
    std::printf("  delivered to the fixture Mastodon: in_reply_to_id %s, Idempotency-Key %s\n"
                "      \"%s\"\n",
                b.value("in_reply_to_id", "").c_str(),
                b.value("idempotency_key", "").substr(0, 16).c_str(),
                one_line(b.value("status", ""), 200).c_str());
  }
  std::printf("\n");
}

}  // namespace earshot::pipeline::cli

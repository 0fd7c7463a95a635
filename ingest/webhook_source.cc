#include "ingest/webhook_source.h"

#include <cpprest/http_listener.h>

#include "ingest/json_access.h"
#include "ingest/post_jsonl.h"
#include "ingest/time_util.h"

namespace earshot::ingest {

using pipeline::ErrorCode;
using pipeline::fail;
namespace http = web::http;

struct WebhookSource::Listener {
  explicit Listener(const std::string& uri) : listener(uri) {}
  http::experimental::listener::http_listener listener;
};

namespace {

void reply(const http::http_request& req, http::status_code code, const Json& body,
           std::int64_t retry_after_s = -1) {
  http::http_response resp(code);
  if (retry_after_s >= 0) resp.headers().add("Retry-After", std::to_string(retry_after_s));
  resp.set_body(dump_json(body), "application/json");
  try {
    req.reply(resp).wait();
  } catch (const std::exception&) {
    // the client went away; nothing to tell it
  }
}

}  // namespace

WebhookSource::WebhookSource(WebhookOptions options, std::string key)
    : options_(std::move(options)), key_(std::move(key)), replay_(options_.tolerance) {
  health_.name = name();
  health_.state = "ok";
}

pipeline::Result<std::unique_ptr<WebhookSource>> WebhookSource::start(WebhookOptions options) {
  auto key = decode_webhook_secret(options.secret);
  if (!key) return std::unexpected(key.error());
  if (options.listen.find(':') == std::string::npos)
    return fail(ErrorCode::kInvalidArgument, "listen: expected host:port, got '" + options.listen + "'");
  std::unique_ptr<WebhookSource> src(new WebhookSource(std::move(options), std::move(*key)));
  try {
    src->listener_ = std::make_unique<Listener>("http://" + src->options_.listen + "/");
    WebhookSource* self = src.get();
    src->listener_->listener.support([self](http::http_request req) { self->handle(&req); });
    src->listener_->listener.open().wait();
  } catch (const std::exception& e) {
    src->listener_.reset();
    return fail(ErrorCode::kUnavailable, "webhook listen " + src->options_.listen + ": " + e.what());
  }
  return src;
}

WebhookSource::~WebhookSource() {
  if (!listener_) return;
  try {
    listener_->listener.close().wait();
  } catch (const std::exception&) {
    // closing a listener that failed: nothing left to release
  }
}

void WebhookSource::handle(void* raw) {
  http::http_request& req = *static_cast<http::http_request*>(raw);
  if (req.method() != http::methods::POST) {
    reply(req, http::status_codes::MethodNotAllowed, {{"error", "POST only"}});
    return;
  }
  auto too_large = [&] {
    std::lock_guard lock(mu_);
    ++counters_.too_large;
  };
  if (req.headers().content_length() > options_.max_body_bytes) {
    too_large();
    reply(req, http::status_codes::RequestEntityTooLarge, {{"error", "body over the limit"}});
    return;
  }
  std::string body;
  try {
    std::vector<unsigned char> bytes = req.extract_vector().get();
    body.assign(bytes.begin(), bytes.end());
  } catch (const std::exception& e) {
    reply(req, http::status_codes::BadRequest, {{"error", std::string("body: ") + e.what()}});
    return;
  }
  if (body.size() > options_.max_body_bytes) {
    too_large();
    reply(req, http::status_codes::RequestEntityTooLarge, {{"error", "body over the limit"}});
    return;
  }
  auto header = [&](const char* name) {
    auto it = req.headers().find(name);
    return it == req.headers().end() ? std::string() : it->second;
  };
  std::string id = header("webhook-id");
  std::int64_t now_s = now_ms() / 1000;
  WebhookVerdict verdict = verify_webhook(key_, id, header("webhook-timestamp"),
                                          header("webhook-signature"), body, now_s,
                                          options_.tolerance);
  if (verdict != WebhookVerdict::ok) {
    {
      std::lock_guard lock(mu_);
      ++counters_.unauthorized;
      health_.last_error = "webhook: " + std::string(to_string(verdict));
    }
    reply(req, http::status_codes::Unauthorized, {{"error", std::string(to_string(verdict))}});
    return;
  }
  Normalized batch = decode_post_lines(body, "webhook");
  std::size_t n = batch.posts.size() + batch.dead.size();
  {
    std::unique_lock lock(mu_);
    if (!replay_.first_time(id, now_s)) {
      ++counters_.duplicates;
      lock.unlock();
      reply(req, http::status_codes::OK, {{"duplicate", true}});
      return;
    }
    if (posts_.size() + dead_.size() + n > options_.max_queue) {
      replay_.forget(id);  // not taken: the sender's retry must get through
      ++counters_.throttled;
      lock.unlock();
      reply(req, http::status_codes::TooManyRequests, {{"error", "queue full"}},
            options_.retry_after.count());
      return;
    }
    ++counters_.accepted;
    for (auto& p : batch.posts) posts_.push_back(std::move(p));
    for (auto& d : batch.dead) dead_.push_back(std::move(d));
    cv_.notify_one();
  }
  reply(req, http::status_codes::OK,
        {{"accepted", batch.posts.size()}, {"dead", batch.dead.size()}});
}

pipeline::Status WebhookSource::restore(std::string_view) { return pipeline::ok(); }

pipeline::Result<pipeline::SourceBatch> WebhookSource::poll(milliseconds timeout) {
  pipeline::SourceBatch batch;
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !posts_.empty() || !dead_.empty(); });
  while (!posts_.empty() && batch.posts.size() < options_.max_batch) {
    batch.posts.push_back(std::move(posts_.front()));
    posts_.pop_front();
  }
  while (!dead_.empty()) {
    batch.dead.push_back(std::move(dead_.front()));
    dead_.pop_front();
  }
  health_.posts += static_cast<std::int64_t>(batch.posts.size());
  health_.dead += static_cast<std::int64_t>(batch.dead.size());
  batch.cursor = dump_json(Json{{"received", counters_.accepted}});
  return batch;
}

pipeline::SourceHealth WebhookSource::health() const {
  std::lock_guard lock(mu_);
  pipeline::SourceHealth h = health_;
  h.errors = counters_.unauthorized + counters_.too_large + counters_.throttled;
  return h;
}

WebhookCounters WebhookSource::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

}  // namespace earshot::ingest

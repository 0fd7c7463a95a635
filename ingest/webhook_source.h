// earshot::ingest — Posts pushed to us: signed NDJSON over HTTP (cpprestsdk http_listener).
//
// Listens on `listen` (host:port) for POST requests whose body is NDJSON Posts
// (post_jsonl.h), signed per Standard Webhooks (webhook_signature.h, DESIGN.md §5).
// Answers: 413 when the body is over max_body_bytes; 401 on missing/bad signature or a
// timestamp outside the tolerance (counted); 429 with Retry-After when the bounded queue
// cannot take the batch (the runner is not keeping up); 200 {"accepted":N,"dead":M} when
// the batch was queued; 200 {"duplicate":true} for a replayed webhook-id already taken
// inside the window (taken once, never twice); 405 for other methods. poll() drains the
// queue. A push source cannot be rewound: its cursor is {"received": <requests taken>},
// informational only, and posts queued but not yet committed are lost if the process dies
// (senders retry on non-2xx only), so keep max_queue small for tight delivery.
//
//   auto src = WebhookSource::start({.listen = "127.0.0.1:8081", .secret = "whsec_..."});
//   if (!src) return src.error();          // bad listen address, secret or port in use
//   auto batch = (*src)->poll(500ms);
//
// Thread safety: the listener's threads and the one polling thread share a locked queue.
// Lifetime: the destructor closes the listener and waits for running handlers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "ingest/rate_limit.h"
#include "ingest/webhook_signature.h"
#include "pipeline/source.h"

namespace earshot::ingest {

struct WebhookOptions {
  std::string listen = "127.0.0.1:8081";
  std::string secret;              // raw or whsec_<base64>
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_queue = 10000;   // posts + dead letters waiting for poll()
  std::size_t max_batch = 1000;
  std::chrono::seconds tolerance{300};
  std::chrono::seconds retry_after{1};
};

struct WebhookCounters {
  std::int64_t accepted = 0;      // requests queued
  std::int64_t unauthorized = 0;  // 401
  std::int64_t too_large = 0;     // 413
  std::int64_t throttled = 0;     // 429
  std::int64_t duplicates = 0;    // replayed webhook-id
};

class WebhookSource final : public pipeline::Source {
 public:
  static pipeline::Result<std::unique_ptr<WebhookSource>> start(WebhookOptions options);
  ~WebhookSource() override;
  WebhookSource(const WebhookSource&) = delete;
  WebhookSource& operator=(const WebhookSource&) = delete;

  std::string name() const override { return "webhook:" + options_.listen; }
  pipeline::Status restore(std::string_view cursor) override;
  pipeline::Result<pipeline::SourceBatch> poll(milliseconds timeout) override;
  pipeline::SourceHealth health() const override;
  WebhookCounters counters() const;

 private:
  struct Listener;
  WebhookSource(WebhookOptions options, std::string key);
  void handle(void* request);  // web::http::http_request*

  WebhookOptions options_;
  std::string key_;
  ReplayGuard replay_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<pipeline::Post> posts_;
  std::deque<pipeline::DeadLetter> dead_;
  WebhookCounters counters_;
  pipeline::SourceHealth health_;
  std::unique_ptr<Listener> listener_;
};

}  // namespace earshot::ingest

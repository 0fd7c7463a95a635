// earshot::ingest — Posts pushed to us: signed NDJSON over HTTP (cpprestsdk http_listener).
//
// Listens on `listen` (host:port; the bounded transport pipeline/http/server.h: header,
// body, timeout and connection limits) for POST requests whose body is NDJSON Posts
// (post_jsonl.h), signed per Standard Webhooks (pipeline/core/webhook_signature.h, DESIGN.md §5).
//
// Acknowledged only once durable: a valid request is queued and its HTTP answer is held until
// the ingest transaction holding its posts has committed (the runner calls on_committed()),
// then 200 {"accepted":N,"dead":M}. If that transaction aborts the sender gets 503 with
// Retry-After (on_aborted()), and so does every held request when the source is destroyed
// (the process is stopping). A kill -9 drops the connection: the sender saw no 2xx and
// retries. Other answers: 413 as soon as a body is known to be over max_body_bytes (announced
// or while reading a chunked one; never read further); 431 for a header over max_header_bytes;
// 408 for a request not sent within header_timeout / idle_timeout; 503 to connections over
// max_connections; 401 on a missing/bad signature or a timestamp outside the tolerance (or not
// plain Unix seconds). Every refusal is counted by reason in health().rejected (exported on
// /metrics as earshot_source_rejected_total); 429 with Retry-After when the
// bounded queue (max_queue items, held requests included) cannot take the batch; 405 for
// other methods; 503 with Retry-After to every request before the first restore() or poll()
// (the seen ids of the last run are not loaded yet).
//
// Taken once per webhook-id: an id counts as seen only when its posts committed. A retry of a
// committed id gets 200 {"duplicate":true} and adds nothing; a retry while the first copy is
// still held waits for the same outcome. The seen ids (with their webhook-timestamp) live in
// the committed cursor, {"received":N,"seen":{"<id>":<ts>,...}}, so this holds across a
// restart; an id is kept until its timestamp is past tolerance + id_margin (after which
// verify_webhook refuses it anyway), at most max_remembered_ids of them (the newest).
//
//   auto src = WebhookSource::start({.listen = "127.0.0.1:8081", .secret = "whsec_..."});
//   if (!src) return src.error();          // bad listen address, secret or port in use
//   auto batch = (*src)->poll(500ms);       // then commit batch, and:
//   (*src)->on_committed();                  // or on_aborted() + restore(last committed)
//
// A caller that polls again without calling either hook has the previous batch counted as
// committed (it was handed out).
//
// Thread safety: the listener's threads and the one polling thread share a locked queue;
// health() and counters() may be called from any thread. Held answers are sent from the
// thread that calls on_committed()/on_aborted() (asynchronously: it does not wait for the
// network). Lifetime: the destructor answers held requests 503, then closes the listener and
// waits for running handlers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/rate_limit.h"
#include "ingest/source.h"
#include "pipeline/core/webhook_signature.h"
#include "pipeline/http/server.h"

namespace earshot::ingest {

struct WebhookOptions {
  std::string listen = "127.0.0.1:8081";
  std::string secret;  // raw or whsec_<base64>
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_queue = 10000;  // posts + dead letters (≥1 per request) queued or held
  std::size_t max_batch = 1000;   // posts per poll (whole requests; at least one)
  std::chrono::seconds tolerance{300};
  std::chrono::seconds retry_after{1};
  std::chrono::seconds id_margin{60};      // seen ids outlive tolerance by this much
  std::size_t max_remembered_ids = 10000;  // bounds the cursor (~40 bytes per id)
  // Transport limits (pipeline/http/server.h).
  std::size_t max_connections = 64;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
};

struct WebhookCounters {
  std::int64_t accepted = 0;      // requests committed and answered 2xx
  std::int64_t unauthorized = 0;  // 401
  std::int64_t too_large = 0;     // 413
  std::int64_t throttled = 0;     // 429
  std::int64_t duplicates = 0;    // replayed webhook-id (answered once its first copy committed)
  std::int64_t unavailable = 0;   // 503: transaction aborted, starting or stopping
};

class WebhookSource final : public ingest::Source {
 public:
  static pipeline::core::Result<std::unique_ptr<WebhookSource>> start(WebhookOptions options);
  ~WebhookSource() override;
  WebhookSource(const WebhookSource&) = delete;
  WebhookSource& operator=(const WebhookSource&) = delete;

  std::string name() const override { return "webhook:" + options_.listen; }
  pipeline::core::Status restore(std::string_view cursor) override;
  pipeline::core::Result<ingest::SourceBatch> poll(milliseconds timeout) override;
  ingest::SourceHealth health() const override;
  void on_committed() override;
  void on_aborted() override;
  WebhookCounters counters() const;
  // HTTP requests waiting for their answer right now (queued or in flight, retries of a held
  // id included).
  std::size_t held() const;

 private:
  struct Listener;
  struct Pending;  // one request (and its retries) waiting for its transaction
  using PendingPtr = std::shared_ptr<Pending>;
  WebhookSource(WebhookOptions options, std::string key);
  void handle(pipeline::http::Request request, const pipeline::http::Reply& reply);
  void settle_locked(bool committed, std::vector<PendingPtr>& done);  // in-flight → done
  static void answer(std::vector<PendingPtr>& done, bool committed, std::int64_t retry_after_s,
                     bool wait);
  WebhookCounters counters_locked() const;
  std::string cursor_locked(const std::vector<PendingPtr>& adding, std::int64_t now_s);

  WebhookOptions options_;
  std::string key_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;  // restore() or poll() was called: the seen ids are known
  bool stopping_ = false;
  std::deque<PendingPtr> queue_;                        // not polled yet
  std::vector<PendingPtr> inflight_;                    // polled, outcome not known yet
  std::unordered_map<std::string, PendingPtr> open_;    // webhook-id → queued or in flight
  std::unordered_map<std::string, std::int64_t> seen_;  // committed webhook-id → its timestamp
  std::size_t items_ = 0;                               // queued + in-flight items (max_queue)
  std::int64_t received_ = 0;                           // committed requests, ever
  std::string cursor_;                                  // the cursor of the last batch/restore
  WebhookCounters counters_;
  ingest::SourceHealth health_;
  std::unique_ptr<Listener> listener_;
};

}  // namespace earshot::ingest

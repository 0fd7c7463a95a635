#include "ingest/webhook_source.h"

#include <algorithm>

#include "ingest/json_access.h"
#include "ingest/post_jsonl.h"
#include "ingest/time_util.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

using pipeline::core::decode_webhook_secret;
using pipeline::core::ErrorCode;
using pipeline::core::fail;
using pipeline::core::verify_webhook;
using pipeline::core::WebhookVerdict;
namespace http = pipeline::http;

struct WebhookSource::Listener {
  std::unique_ptr<http::Server> server;
};

struct WebhookSource::Pending {
  std::string id;
  std::int64_t timestamp = 0;  // webhook-timestamp, Unix seconds
  std::vector<pipeline::core::Post> posts;
  std::vector<pipeline::core::DeadLetter> dead;
  std::size_t n_posts = 0, n_dead = 0;  // sizes before the batch took them
  std::size_t items = 1;                // its share of max_queue
  std::vector<http::Reply> waiting;     // [0] the first copy, then retries of the same id
};

namespace {

http::Response response(int code, const Json& body, std::int64_t retry_after_s) {
  http::Response resp{code, "application/json", dump_json(body), {}};
  if (retry_after_s >= 0) resp.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return resp;
}

// Queues the answer on the connection (it never waits for the network).
void send(const http::Reply& req, http::Response resp, bool /*wait*/) { req.send(std::move(resp)); }

void reply(const http::Reply& req, int code, const Json& body, std::int64_t retry_after_s = -1) {
  send(req, response(code, body, retry_after_s), true);
}

}  // namespace

static std::string_view rejection_reason(WebhookVerdict v) {
  switch (v) {
    case WebhookVerdict::missing_headers:
      return "missing_headers";
    case WebhookVerdict::bad_timestamp:
      return "bad_timestamp";
    case WebhookVerdict::stale:
      return "stale";
    case WebhookVerdict::bad_signature:
      return "bad_signature";
    case WebhookVerdict::ok:
      break;
  }
  return "other";
}

WebhookSource::WebhookSource(WebhookOptions options, std::string key)
    : options_(std::move(options)), key_(std::move(key)) {
  health_.name = name();
  health_.state = "ok";
}

pipeline::core::Result<std::unique_ptr<WebhookSource>> WebhookSource::start(
    WebhookOptions options) {
  auto key = decode_webhook_secret(options.secret);
  EARSHOT_TRY(key);
  if (key->size() < pipeline::core::kMinWebhookKeyBytes)
    return fail(ErrorCode::kInvalidArgument,
                "secret: shorter than " + std::to_string(pipeline::core::kMinWebhookKeyBytes) +
                    " bytes (guessable)");
  if (options.listen.find(':') == std::string::npos)
    return fail(ErrorCode::kInvalidArgument,
                "listen: expected host:port, got '" + options.listen + "'");
  std::unique_ptr<WebhookSource> src(new WebhookSource(std::move(options), std::move(*key)));
  http::ServerLimits limits;
  limits.max_body_bytes = src->options_.max_body_bytes;
  limits.max_connections = src->options_.max_connections;
  limits.max_header_bytes = src->options_.max_header_bytes;
  limits.header_timeout = src->options_.header_timeout;
  limits.idle_timeout = src->options_.idle_timeout;
  limits.max_streams = 0;
  WebhookSource* self = src.get();
  src->listener_ = std::make_unique<Listener>();
  src->listener_->server = std::make_unique<http::Server>(
      limits, [self](http::Request req, http::Reply r) { self->handle(std::move(req), r); });
  if (auto st = src->listener_->server->start(src->options_.listen); !st) {
    src->listener_.reset();
    return fail(st.error().code,
                "webhook listen " + src->options_.listen + ": " + st.error().message);
  }
  return src;
}

WebhookSource::~WebhookSource() {
  std::vector<PendingPtr> done;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    settle_locked(false, done);
    for (auto& p : queue_) {
      counters_.unavailable += static_cast<std::int64_t>(p->waiting.size());
      done.push_back(std::move(p));
    }
    queue_.clear();
    open_.clear();
  }
  answer(done, false, options_.retry_after.count(), true);
  if (listener_) listener_->server->stop();  // writes the answers just queued, then closes
}

void WebhookSource::handle(pipeline::http::Request request, const pipeline::http::Reply& req) {
  {
    std::unique_lock lock(mu_);
    if (!ready_ || stopping_) {  // the seen ids are not restored yet, or we are going away
      ++counters_.unavailable;
      // Read under the lock: poll() sets ready_ on the ingest thread (a race TSan reported).
      const char* why = ready_ ? "stopping" : "starting";
      lock.unlock();
      reply(req, 503, {{"error", why}}, options_.retry_after.count());
      return;
    }
  }
  if (request.method != "POST") {
    auto r = response(405, {{"error", "POST only"}}, -1);
    r.headers.emplace_back("Allow", "POST");
    send(req, std::move(r), false);
    return;
  }
  // The transport answered 413 to a body over max_body_bytes (announced or chunked).
  std::string body = std::move(request.body);
  auto header = [&](const char* name) {
    auto it = request.headers.find(name);
    return it == request.headers.end() ? std::string() : it->second;
  };
  std::string id = header("webhook-id");
  std::string ts_text = header("webhook-timestamp");
  std::int64_t now_s = now_ms() / 1000;
  WebhookVerdict verdict = verify_webhook(key_, id, ts_text, header("webhook-signature"), body,
                                          now_s, options_.tolerance);
  if (verdict != WebhookVerdict::ok) {
    {
      std::lock_guard lock(mu_);
      ++counters_.unauthorized;
      ++health_.rejected[std::string(rejection_reason(verdict))];
      health_.last_error = "webhook: " + std::string(to_string(verdict));
    }
    reply(req, 401, {{"error", std::string(to_string(verdict))}});
    return;
  }
  auto pending = std::make_shared<Pending>();
  pending->id = id;
  pending->timestamp = *pipeline::core::parse_webhook_timestamp(ts_text);  // verified above
  Normalized batch = decode_post_lines(body, "webhook");
  pending->n_posts = batch.posts.size();
  pending->n_dead = batch.dead.size();
  pending->items = std::max<std::size_t>(1, pending->n_posts + pending->n_dead);
  pending->posts = std::move(batch.posts);
  pending->dead = std::move(batch.dead);
  pending->waiting.push_back(req);
  std::unique_lock lock(mu_);
  if (stopping_) {
    ++counters_.unavailable;
    lock.unlock();
    reply(req, 503, {{"error", "stopping"}}, options_.retry_after.count());
    return;
  }
  if (seen_.contains(id)) {  // committed before: taken once, never twice
    ++counters_.duplicates;
    lock.unlock();
    reply(req, 200, {{"duplicate", true}});
    return;
  }
  if (auto it = open_.find(id); it != open_.end()) {  // the first copy is still held: same outcome
    it->second->waiting.push_back(req);
    return;
  }
  if (items_ + pending->items > options_.max_queue) {
    ++counters_.throttled;
    lock.unlock();
    reply(req, 429, {{"error", "queue full"}}, options_.retry_after.count());
    return;
  }
  items_ += pending->items;
  open_[id] = pending;
  queue_.push_back(std::move(pending));
  cv_.notify_one();
  // The answer is sent by on_committed() / on_aborted() / the destructor.
}

pipeline::core::Status WebhookSource::restore(std::string_view cursor) {
  if (cursor.empty()) {  // nothing committed yet (also after an abort of the first batch)
    std::lock_guard lock(mu_);
    cursor_.clear();
    ready_ = true;
    return pipeline::core::ok();
  }
  auto doc = parse_json(cursor);
  if (!doc || !doc->is_object())
    return fail(ErrorCode::kInvalidArgument, "webhook cursor: not a JSON object");
  std::lock_guard lock(mu_);
  if (auto n = get_int(*doc, "received")) received_ = std::max(received_, *n);
  if (const Json* seen = member(*doc, "seen"); seen && seen->is_object()) {
    for (const auto& [id, ts] : seen->items()) {
      if (ts.is_number_integer()) seen_[id] = ts.get<std::int64_t>();
    }
  }
  cursor_ = std::string(cursor);
  ready_ = true;
  return pipeline::core::ok();
}

std::string WebhookSource::cursor_locked(const std::vector<PendingPtr>& adding,
                                         std::int64_t now_s) {
  // Ids whose timestamp can no longer pass verify_webhook are forgotten.
  std::int64_t keep_after = now_s - options_.tolerance.count() - options_.id_margin.count();
  std::erase_if(seen_, [&](const auto& kv) { return kv.second < keep_after; });
  std::vector<std::pair<std::int64_t, std::string>> ids;
  ids.reserve(seen_.size() + adding.size());
  for (const auto& [id, ts] : seen_) ids.emplace_back(ts, id);
  for (const auto& p : adding) ids.emplace_back(p->timestamp, p->id);
  if (ids.size() > options_.max_remembered_ids) {  // keep the newest
    std::size_t drop = ids.size() - options_.max_remembered_ids;
    std::nth_element(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(drop), ids.end());
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  Json seen = Json::object();
  for (auto& [ts, id] : ids) seen[id] = ts;
  return dump_json(Json{{"received", received_ + static_cast<std::int64_t>(adding.size())},
                        {"seen", std::move(seen)}});
}

pipeline::core::Result<ingest::SourceBatch> WebhookSource::poll(milliseconds timeout) {
  std::vector<PendingPtr> done;
  ingest::SourceBatch batch;
  {
    std::unique_lock lock(mu_);
    ready_ = true;  // restore() comes before the first poll, if at all
    if (!inflight_.empty()) settle_locked(true, done);  // no hook came: it was handed out
    cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || stopping_; });
    while (!queue_.empty() && !stopping_) {
      PendingPtr& next = queue_.front();
      if (!inflight_.empty() && batch.posts.size() + next->posts.size() > options_.max_batch) break;
      for (auto& p : next->posts) batch.posts.push_back(std::move(p));
      for (auto& d : next->dead) batch.dead.push_back(std::move(d));
      next->posts.clear();
      next->dead.clear();
      inflight_.push_back(std::move(next));
      queue_.pop_front();
    }
    if (!inflight_.empty()) cursor_ = cursor_locked(inflight_, now_ms() / 1000);
    batch.cursor = cursor_;
    health_.posts += static_cast<std::int64_t>(batch.posts.size());
    health_.dead += static_cast<std::int64_t>(batch.dead.size());
  }
  answer(done, true, -1, false);
  return batch;
}

void WebhookSource::settle_locked(bool committed, std::vector<PendingPtr>& done) {
  for (auto& p : inflight_) {
    open_.erase(p->id);
    items_ -= p->items;
    if (committed) {
      seen_[p->id] = p->timestamp;
      ++received_;
      ++counters_.accepted;
      counters_.duplicates += static_cast<std::int64_t>(p->waiting.size()) - 1;
    } else {
      counters_.unavailable += static_cast<std::int64_t>(p->waiting.size());
    }
    done.push_back(std::move(p));
  }
  inflight_.clear();
}

void WebhookSource::answer(std::vector<PendingPtr>& done, bool committed,
                           std::int64_t retry_after_s, bool wait) {
  for (auto& p : done) {
    for (std::size_t i = 0; i < p->waiting.size(); ++i) {
      if (!committed) {
        send(p->waiting[i], response(503, {{"error", "not stored, retry"}}, retry_after_s), wait);
      } else if (i == 0) {
        send(p->waiting[i], response(200, {{"accepted", p->n_posts}, {"dead", p->n_dead}}, -1),
             wait);
      } else {
        send(p->waiting[i], response(200, {{"duplicate", true}}, -1), wait);
      }
    }
  }
  done.clear();
}

void WebhookSource::on_committed() {
  std::vector<PendingPtr> done;
  {
    std::lock_guard lock(mu_);
    settle_locked(true, done);
  }
  answer(done, true, -1, false);
}

void WebhookSource::on_aborted() {
  std::vector<PendingPtr> done;
  {
    std::lock_guard lock(mu_);
    settle_locked(false, done);
  }
  answer(done, false, options_.retry_after.count(), false);
}

ingest::SourceHealth WebhookSource::health() const {
  std::lock_guard lock(mu_);
  ingest::SourceHealth h = health_;
  const WebhookCounters c = counters_locked();
  if (listener_) {
    const http::ServerStats st = listener_->server->stats();
    const std::pair<const char*, std::uint64_t> kinds[] = {
        {"body_too_large", st.body_too_large},
        {"header_too_large", st.header_too_large},
        {"timeout", st.timeouts},
        {"bad_request", st.bad_requests},
        {"bad_method", st.bad_methods},
        {"uri_too_long", st.uri_too_long},
        {"refused_connection", st.refused_connections}};
    for (const auto& [kind, n] : kinds)
      if (n > 0) h.rejected[kind] = static_cast<std::int64_t>(n);
  }
  h.errors = c.unauthorized + c.too_large + c.throttled;
  h.rate_limit_waits = counters_.throttled;
  return h;
}

WebhookCounters WebhookSource::counters() const {
  std::lock_guard lock(mu_);
  return counters_locked();
}

WebhookCounters WebhookSource::counters_locked() const {
  WebhookCounters c = counters_;
  if (listener_) c.too_large = static_cast<std::int64_t>(listener_->server->stats().body_too_large);
  return c;
}

std::size_t WebhookSource::held() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& p : queue_) n += p->waiting.size();
  for (const auto& p : inflight_) n += p->waiting.size();
  return n;
}

}  // namespace earshot::ingest

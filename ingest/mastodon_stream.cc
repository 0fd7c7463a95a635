#include "ingest/mastodon_stream.h"

#include <algorithm>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <cpprest/containerstream.h>
#include <cpprest/http_client.h>

#include "ingest/json_access.h"
#include "ingest/mastodon_status.h"
#include "ingest/normalize.h"
#include "ingest/time_util.h"
#include "ingest/url_util.h"
#include "pipeline/core/status.h"
#include "pipeline/http/outbound_guard.h"

namespace earshot::ingest {
namespace {

namespace http = web::http;

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<std::string, std::string>> events;  // (event, data)
  bool up = false;
  bool done = false;
  Clock::time_point last_event = Clock::now();
  std::string error;
};

void read_stream(std::shared_ptr<Shared> sh, std::string url, std::string token,
                 pplx::cancellation_token cancel, pipeline::core::AddressPolicy policy) {
  std::string error;
  try {
    web::uri uri(url);
    http::client::http_client_config cfg;
    cfg.set_timeout(std::chrono::seconds(120));
    cfg.set_max_redirects(0);  // cpprestsdk would carry the token to any host
    if (auto st = pipeline::http::check_before_connect(policy, url); !st)
      throw std::runtime_error(st.error().message);
    http::client::http_client client(uri.authority(), cfg);
    http::http_request req(http::methods::GET);
    req.set_request_uri(uri.resource());
    req.headers().add("Accept", "text/event-stream");
    if (!token.empty()) req.headers().add("Authorization", "Bearer " + token);
    http::http_response resp = client.request(req, cancel).get();
    if (resp.status_code() != 200) {
      error = url + ": HTTP " + std::to_string(resp.status_code());
    } else {
      {
        std::lock_guard lock(sh->mu);
        sh->up = true;
        sh->last_event = Clock::now();
      }
      auto body = resp.body();
      std::string event, data;
      while (!cancel.is_canceled()) {
        // A buffer of unsigned char, the body's own type: a container_buffer<std::string>
        // would be cast to streambuf<unsigned char>, a call through the wrong type (UBSan).
        concurrency::streams::container_buffer<std::vector<unsigned char>> buf;
        body.read_line(buf).get();
        std::string line(buf.collection().begin(), buf.collection().end());
        if (line.empty() && (body.is_eof() || !body.is_open() || body.streambuf().exception()))
          break;  // the connection ended or failed
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::lock_guard lock(sh->mu);
        sh->last_event = Clock::now();
        if (line.empty()) {  // end of one event
          if (!data.empty()) sh->events.emplace_back(event, data);
          event.clear();
          data.clear();
          sh->cv.notify_one();
        } else if (line.starts_with("event:")) {
          event = line.substr(line.find_first_not_of(' ', 6) == std::string::npos
                                  ? 6
                                  : line.find_first_not_of(' ', 6));
        } else if (line.starts_with("data:")) {
          std::string d = line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
          data += (data.empty() ? "" : "\n") + d;
        }  // ":" lines are heartbeats: last_event is enough
      }
      error = url + ": stream ended";
    }
  } catch (const std::exception& e) {
    error = url + ": " + e.what();
  }
  std::lock_guard lock(sh->mu);
  sh->done = true;
  sh->up = false;
  sh->error = error;
  sh->cv.notify_one();
}

}  // namespace

struct MastodonStreamSource::Stream {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  Clock::time_point started = Clock::now();
  pplx::cancellation_token_source cancel;
  std::thread reader;
};

MastodonStreamSource::MastodonStreamSource(MastodonOptions options,
                                           std::shared_ptr<pipeline::core::HttpClient> http,
                                           MastodonStreamOptions stream)
    : options_([&] {
        if (!options.dedup) options.dedup = std::make_shared<UriDedup>();
        return options;
      }()),
      rest_(options_, std::move(http)),
      stream_options_(stream),
      host_(url_host(options_.instance)),
      backoff_(stream.reconnect_base, stream.reconnect_max) {
  const std::string& t = options_.timeline;
  if (t.starts_with("hashtag:"))
    url_ = add_query(join_url(options_.instance, "/api/v1/streaming/hashtag"), "tag", t.substr(8));
  else
    url_ = join_url(options_.instance,
                    t == "local" ? "/api/v1/streaming/public/local" : "/api/v1/streaming/public");
}

MastodonStreamSource::~MastodonStreamSource() { stop_stream(); }

void MastodonStreamSource::start_stream() {
  stream_ = std::make_unique<Stream>();
  stream_->reader = std::thread(read_stream, stream_->shared, url_, options_.access_token,
                                stream_->cancel.get_token(), stream_options_.address_policy);
  backfilled_ = false;
  counted_ = false;
}

void MastodonStreamSource::stop_stream() {
  if (!stream_) return;
  stream_->cancel.cancel();
  if (stream_->reader.joinable()) stream_->reader.join();
  stream_.reset();
}

pipeline::core::Post MastodonStreamSource::tombstone(const std::string& id) const {
  pipeline::core::Post p;
  p.uid = "mastodon:" + host_ + ":" + id;
  p.source = "mastodon";
  p.created_at = p.ingested_at = now_rfc3339();
  p.deleted = true;
  return p;
}

pipeline::core::Result<pipeline::core::Post> MastodonStreamSource::edited_post(
    const std::string& data) const {
  auto s = parse_mastodon_status(data, host_);
  if (!s) return std::unexpected(s.error());
  // status.update means edited; a status without edited_at gets the time it was seen.
  if (!s->post.edited_at) s->post.edited_at = now_rfc3339();
  return std::move(s->post);
}

bool MastodonStreamSource::streaming() const {
  if (!stream_) return false;
  std::lock_guard lock(stream_->shared->mu);
  return stream_->shared->up && !stream_->shared->done;
}

std::int64_t MastodonStreamSource::connects() const { return connects_; }

pipeline::core::Status MastodonStreamSource::restore(std::string_view cursor) {
  auto st = rest_.restore(cursor);
  if (!st) return st;
  auto doc = cursor.empty() ? std::nullopt : parse_json(cursor);
  min_id_ = doc ? get_string(*doc, "min_id") : "";
  backfilled_ = false;
  return pipeline::core::ok();
}

pipeline::core::Result<ingest::SourceBatch> MastodonStreamSource::poll(milliseconds timeout) {
  auto now = Clock::now();
  auto limit = std::chrono::duration_cast<milliseconds>(stream_options_.expected_interval *
                                                        stream_options_.stall_factor);
  if (stream_) {
    bool done, stalled;
    {
      std::lock_guard lock(stream_->shared->mu);
      done = stream_->shared->done;
      // Up but silent, or still not up: either way the connection is no use.
      stalled = stream_->shared->up ? now - stream_->shared->last_event > limit
                                    : !stream_->shared->done && now - stream_->started > limit;
    }
    if (done || stalled) {
      {
        std::lock_guard lock(stream_->shared->mu);
        if (stalled)
          ++stalls_;
        else
          ++stream_errors_;
        last_stream_error_ = stalled
                                 ? url_ + ": no event for " + std::to_string(limit.count()) + " ms"
                                 : stream_->shared->error;
        // Updates left in the queue come back through REST (they are after the cursor);
        // deletes do not, so they are kept for the next batch.
        for (auto& [event, data] : stream_->shared->events) {
          if (event == "delete") pending_deletes_.push_back(data);
          if (event == "status.update") pending_updates_.push_back(data);
        }
      }
      stop_stream();
      next_connect_ = now + backoff_.next();
    }
  }
  if (!stream_ && now >= next_connect_) start_stream();
  bool live = streaming();
  if (live && !counted_) {
    counted_ = true;
    ++connects_;
    backoff_.reset();
    rest_.wake();  // close the gap between the cursor and the stream now
  }
  if (!live || !backfilled_) {
    auto b = rest_.poll(timeout);
    if (b) {
      for (const std::string& data : pending_updates_) {
        if (auto p = edited_post(data)) {
          b->posts.push_back(std::move(*p));
        } else {
          b->dead.push_back(make_dead_letter("mastodon", p.error().message, data));
        }
      }
      pending_updates_.clear();
      for (const std::string& id : pending_deletes_) b->posts.push_back(tombstone(id));
      pending_deletes_.clear();
      if (auto doc = parse_json(b->cursor)) min_id_ = get_string(*doc, "min_id");
      if (live) backfilled_ = true;
    }
    return b;
  }
  std::deque<std::pair<std::string, std::string>> events;
  {
    std::unique_lock lock(stream_->shared->mu);
    stream_->shared->cv.wait_for(
        lock, timeout, [&] { return !stream_->shared->events.empty() || stream_->shared->done; });
    events.swap(stream_->shared->events);
  }
  ingest::SourceBatch batch;
  for (auto& [event, data] : events) {
    if (event == "update") {
      auto s = parse_mastodon_status(data, host_);
      if (!s) {
        batch.dead.push_back(make_dead_letter("mastodon", s.error().message, data));
        continue;
      }
      if (!min_id_.empty() && !id_less(min_id_, s->id)) continue;  // already backfilled
      min_id_ = s->id;
      if (options_.dedup->first_seen(s->uri)) batch.posts.push_back(std::move(s->post));
    } else if (event == "status.update") {
      // An edit of a status seen before: same uid, edited_at set, past the cursor and the
      // federated-copy dedup on purpose (process tells a new version from a repeat).
      if (auto p = edited_post(data)) {
        batch.posts.push_back(std::move(*p));
      } else {
        batch.dead.push_back(make_dead_letter("mastodon", p.error().message, data));
      }
    } else if (event == "delete") {
      batch.posts.push_back(tombstone(data));
    }
  }
  stream_posts_ += static_cast<std::int64_t>(batch.posts.size());
  batch.cursor = dump_json(Json{{"min_id", min_id_}});
  EARSHOT_TRY(rest_.restore(batch.cursor));
  return batch;
}

ingest::SourceHealth MastodonStreamSource::health() const {
  ingest::SourceHealth h = rest_.health();
  h.posts += stream_posts_;
  h.stalls += stalls_;
  h.network_errors += stream_errors_;
  h.errors += stream_errors_;
  h.reconnects += std::max<std::int64_t>(0, connects_ - 1);
  if (streaming())
    h.state = "ok";
  else if (!last_stream_error_.empty())
    h.last_error = last_stream_error_;
  return h;
}

}  // namespace earshot::ingest

#include "ingest/polling_source.h"

#include <algorithm>
#include <thread>

#include "ingest/time_util.h"

namespace earshot::ingest {

PollingSource::PollingSource(std::string name, PollingOptions options)
    : name_(std::move(name)),
      options_(std::move(options)),
      backoff_(options_.backoff_base, options_.backoff_max) {
  health_.name = name_;
  health_.state = "ok";
}

pipeline::core::Result<ingest::SourceBatch> PollingSource::poll(milliseconds timeout) {
  auto now = Clock::now();
  auto deadline = now + timeout;
  auto idle = [&] {
    ingest::SourceBatch b;
    b.cursor = cursor();
    return b;
  };
  auto stall_limit =
      std::chrono::duration_cast<milliseconds>(options_.poll_interval * options_.stall_factor);
  if (!stalled_ && health_.state != "rate_limited" && now - last_success_ > stall_limit) {
    stalled_ = true;
    ++health_.stalls;
  }
  if (now < next_at_) {
    std::this_thread::sleep_until(std::min(next_at_, deadline));
    now = Clock::now();
    if (now < next_at_) return idle();
  }
  if (options_.bucket) {
    milliseconds wait = options_.bucket->take(now);
    if (wait.count() > 0) {
      next_at_ = now + wait;
      health_.state = "rate_limited";
      ++health_.rate_limit_waits;
      return idle();
    }
  }
  server_wait_.reset();
  http_status_ = 0;
  auto r = fetch_once();
  now = Clock::now();
  if (!r) {
    ++health_.errors;
    health_.last_error = r.error().message;
    auto code = r.error().code;
    if (http_status_ >= 500)
      ++health_.http_5xx;
    else if (http_status_ >= 400)
      ++health_.http_4xx;
    else if (code == pipeline::core::ErrorCode::kTimeout ||
             code == pipeline::core::ErrorCode::kUnavailable ||
             code == pipeline::core::ErrorCode::kIo)
      ++health_.network_errors;
    else
      ++health_.parse_errors;
    if (server_wait_) {
      ++health_.rate_limit_waits;
      next_at_ = now + *server_wait_;
      health_.state = "rate_limited";
      if (options_.bucket) options_.bucket->pause_for(*server_wait_, now);
    } else {
      next_at_ = now + backoff_.next();
      health_.state = "backoff";
    }
    return std::unexpected(r.error());
  }
  backoff_.reset();
  last_success_ = now;
  stalled_ = false;
  health_.posts += static_cast<std::int64_t>(r->batch.posts.size());
  health_.dead += static_cast<std::int64_t>(r->batch.dead.size());
  health_.state = "ok";
  if (server_wait_) {
    ++health_.rate_limit_waits;
    next_at_ = now + *server_wait_;
    health_.state = "rate_limited";
    if (options_.bucket) options_.bucket->pause_for(*server_wait_, now);
  } else {
    next_at_ = r->more ? now : now + options_.poll_interval;
  }
  return std::move(r->batch);
}

ingest::SourceHealth PollingSource::health() const {
  ingest::SourceHealth h = health_;
  auto limit =
      std::chrono::duration_cast<milliseconds>(options_.poll_interval * options_.stall_factor);
  if (h.state != "rate_limited" && Clock::now() - last_success_ > limit) h.state = "stalled";
  return h;
}

pipeline::core::Error PollingSource::http_error(const pipeline::core::HttpResponse& r,
                                                std::string_view what) {
  server_wait_ = server_wait(r, now_ms());
  http_status_ = r.status;
  std::string msg = std::string(what) + ": HTTP " + std::to_string(r.status);
  std::string body = r.body.substr(0, 200);
  if (!body.empty()) msg += ": " + body;
  pipeline::core::ErrorCode code = pipeline::core::ErrorCode::kRetriable;
  if (r.status == 401 || r.status == 403 || r.status == 404)
    code = pipeline::core::ErrorCode::kUnavailable;
  return pipeline::core::Error(code, std::move(msg));
}

void PollingSource::note_rate_headers(const pipeline::core::HttpResponse& r) {
  if (auto w = server_wait(r, now_ms())) server_wait_ = w;
}

}  // namespace earshot::ingest

namespace earshot::ingest {

void PollingSource::wake() {
  if (health_.state != "rate_limited") next_at_ = Clock::time_point{};
}

void PollingSource::note_error(std::string message) {
  ++health_.errors;
  ++health_.parse_errors;
  health_.last_error = std::move(message);
}

}  // namespace earshot::ingest

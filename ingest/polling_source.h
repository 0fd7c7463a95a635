// earshot::ingest — the part every HTTP-polling connector shares.
//
// PollingSource implements Source::poll() around one virtual fetch_once(): it waits for the
// poll interval, the credential's token bucket and any server-given wait (Retry-After,
// X-RateLimit-Reset), backs off exponentially with jitter after 5xx and network errors,
// calls fetch_once() again at once while it reports more pages, keeps the SourceHealth
// counters (errors by kind: HTTP 4xx/5xx from http_error(), network = timeout/unavailable/IO,
// parse = any other failure and note_error(); rate-limit waits; stalls) and reports
// "stalled" when no fetch succeeded for stall_factor × poll_interval.
// poll() never blocks longer than its timeout; a wait in progress returns an empty batch
// carrying the current cursor.
//
//   class MySource : public PollingSource {
//     Result<Fetched> fetch_once() override;   // GET since cursor_, return posts + cursor
//     std::string cursor() const override;
//     Status restore(std::string_view) override;
//   };
//
// Thread safety: one thread at a time (the Source contract).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "ingest/rate_limit.h"
#include "ingest/source.h"
#include "pipeline/core/http_client.h"

namespace earshot::ingest {

struct PollingOptions {
  milliseconds poll_interval{30000};
  milliseconds backoff_base{1000};
  milliseconds backoff_max{300000};
  double stall_factor = 5.0;
  std::shared_ptr<TokenBucket> bucket;  // null = no client-side limit
};

class PollingSource : public ingest::Source {
 public:
  pipeline::core::Result<ingest::SourceBatch> poll(milliseconds timeout) final;
  ingest::SourceHealth health() const override;
  std::string name() const override { return name_; }
  // The next poll() fetches at once (unless a server-given wait is still running).
  void wake();

 protected:
  PollingSource(std::string name, PollingOptions options);

  struct Fetched {
    ingest::SourceBatch batch;  // posts, dead letters and the cursor after them
    bool more = false;          // more pages are waiting: fetch again without delay
  };
  virtual pipeline::core::Result<Fetched> fetch_once() = 0;
  virtual std::string cursor() const = 0;

  // For fetch_once(): turns a non-2xx response into the error to return, recording any
  // server-given wait (429/Retry-After → rate_limited) for the next poll.
  pipeline::core::Error http_error(const pipeline::core::HttpResponse& r, std::string_view what);
  // For fetch_once(): a 2xx response that says the budget is spent still pauses later polls.
  void note_rate_headers(const pipeline::core::HttpResponse& r);
  // For fetch_once(): a problem that still yields a batch (a malformed feed) is counted.
  void note_error(std::string message);

  const PollingOptions& options() const { return options_; }

 private:
  std::string name_;
  PollingOptions options_;
  Backoff backoff_;
  Clock::time_point next_at_{};
  Clock::time_point last_success_ = Clock::now();
  std::optional<milliseconds> server_wait_;
  int http_status_ = 0;   // set by http_error() during the current fetch_once()
  bool stalled_ = false;  // the stall was counted
  ingest::SourceHealth health_;
};

}  // namespace earshot::ingest

// earshot::ingest — the Source interface: where posts come from.
//
// A Source (ingest/ has one per platform) is polled for batches of normalised Posts. Each
// batch carries the cursor that stands *after* its posts (Mastodon max id, Jetstream
// time_us, Reddit fullname, RSS GUID set/ETag, file offset...). The ingest runner writes
// the posts and the cursor to the log in one transaction, so after a crash the source is
// restored from the last committed cursor and neither loses nor repeats posts.
//
//   std::unique_ptr<Source> src = ...;
//   src->restore(last_committed_cursor);            // "" = start fresh
//   while (running) {
//     Result<SourceBatch> b = src->poll(std::chrono::milliseconds(500));
//     if (!b) { /* counted; the runner backs off and polls again */ continue; }
//     // begin txn; produce b->posts and b->dead; produce cursor; commit
//     committed ? src->on_committed() : (src->on_aborted(), src->restore(last_committed_cursor));
//   }
//
// Outcome hooks: after a batch that went into a transaction, the runner calls exactly one
// of on_committed() / on_aborted() before the next poll(). Pull sources ignore them (they
// re-fetch from the restored cursor); a push source (webhook) uses them to answer its
// senders only once their posts are durable. A batch the runner skipped (nothing new: no
// posts, no dead letters, cursor unchanged) gets no hook.
//
// Thread safety: a Source is used by one thread at a time (poll, restore, the hooks and
// health() included). Lifetime: owned by the runner.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

struct SourceBatch {
  std::vector<pipeline::core::Post> posts;
  std::vector<pipeline::core::DeadLetter> dead;  // malformed items; the stream goes on without them
  // Opaque; restore() takes it back after a restart. A batch with posts or dead letters
  // should carry a cursor different from the last committed one: the runner settles a
  // commit with an unknown outcome by finding this cursor in the cursor topic.
  std::string cursor;
  bool end_of_stream = false;  // a finite source (file) has nothing more, ever
};

// Per-source health, for logs and /metrics. The source fills the first block (what it
// saw); IngestRunner::health() adds the second (what reached the log). Counters only grow.
struct SourceHealth {
  std::string name;
  std::string state;                // ok | backoff | rate_limited | stalled | error
  std::int64_t posts = 0;           // posts handed out by poll() (committed or not)
  std::int64_t errors = 0;          // every failure; the kinds below break most of it down
  std::int64_t dead = 0;            // dead letters handed out by poll()
  std::int64_t http_4xx = 0;        // answers 400-499 from the platform (429 included)
  std::int64_t http_5xx = 0;        // answers 500-599
  std::int64_t network_errors = 0;  // connect/read failures, timeouts, disconnects
  std::int64_t parse_errors = 0;    // a page or feed that could not be read as a whole
  std::int64_t rate_limit_waits =
      0;                        // pauses for our token bucket or Retry-After/X-RateLimit-Reset
  std::int64_t reconnects = 0;  // streaming connections (re)opened after the first
  std::int64_t stalls = 0;      // times the stall detector fired
  std::string last_error;
  // Requests a push source (the webhook source) refused, by reason: "bad_signature", "stale",
  // "bad_timestamp", "missing_headers", "body_too_large", "header_too_large", "timeout",
  // "bad_request", "bad_method", "uri_too_long", "refused_connection". Empty for pull sources.
  std::map<std::string, std::int64_t> rejected;

  // Set by IngestRunner::health() (zero/empty from Source::health()).
  std::int64_t committed_posts = 0;  // posts in committed transactions
  std::int64_t committed_dead = 0;
  std::int64_t commits = 0;
  std::int64_t aborts = 0;
  std::int64_t poll_errors = 0;     // poll() returned an error
  std::int64_t last_commit_ms = 0;  // wall clock of the last commit, ms since the epoch; 0 = none
  std::int64_t last_event_ms = 0;   // newest created_at among committed posts; 0 = none
  double lag_seconds = 0;           // ingested_at - created_at of that newest post at its commit
  std::string cursor;               // the last committed cursor
};

class Source {
 public:
  virtual ~Source() = default;
  // Stable name, used as the cursor's key: "mastodon:mastodon.example:public".
  virtual std::string name() const = 0;
  // Resumes after `cursor` (as returned in a committed SourceBatch); "" starts fresh.
  virtual pipeline::core::Status restore(std::string_view cursor) = 0;
  // Waits up to `timeout` for new posts. An empty batch is not an error.
  virtual pipeline::core::Result<SourceBatch> poll(std::chrono::milliseconds timeout) = 0;
  virtual SourceHealth health() const = 0;
  // The transaction holding the last polled batch committed: its posts are in the log.
  virtual void on_committed() {}
  // It aborted: nothing of it is in the log. restore(last committed cursor) follows.
  virtual void on_aborted() {}
};

}  // namespace earshot::ingest

// earshot::pipeline — the Source interface: where posts come from.
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
//   }
//
// Thread safety: a Source is used by one thread at a time. Lifetime: owned by the runner.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/records.h"
#include "pipeline/status.h"

namespace earshot::pipeline {

struct SourceBatch {
  std::vector<Post> posts;
  std::vector<DeadLetter> dead;  // malformed items; the stream goes on without them
  std::string cursor;            // opaque; restore() takes it back after a restart
  bool end_of_stream = false;    // a finite source (file) has nothing more, ever
};

struct SourceHealth {
  std::string name;
  std::string state;             // ok | backoff | rate_limited | stalled | error
  std::int64_t posts = 0;
  std::int64_t errors = 0;
  std::int64_t dead = 0;
  std::string last_error;
};

class Source {
 public:
  virtual ~Source() = default;
  // Stable name, used as the cursor's key: "mastodon:mastodon.example:public".
  virtual std::string name() const = 0;
  // Resumes after `cursor` (as returned in a committed SourceBatch); "" starts fresh.
  virtual Status restore(std::string_view cursor) = 0;
  // Waits up to `timeout` for new posts. An empty batch is not an error.
  virtual Result<SourceBatch> poll(std::chrono::milliseconds timeout) = 0;
  virtual SourceHealth health() const = 0;
};

}  // namespace earshot::pipeline

// earshot::ingest — Bluesky posts from a Jetstream WebSocket (cpprestsdk client).
//
// Connects to <url>?wantedCollections=app.bsky.feed.post[&cursor=<time_us>] and turns each
// message into a Post or tombstone (jetstream_event.h). The cursor is {"time_us": N}, the
// newest event handled. Jetstream's time_us is not monotonic on real traffic (events arrive
// up to tens of milliseconds out of order), so nothing is ever dropped for its time: on
// reconnect (after a disconnect, a stall or a restart) the stream resumes `rewind` (5 s)
// before the cursor, as Jetstream's documentation advises. The repeats this brings are
// skipped while the source remembers them (events seen within `rewind` of the newest, in
// this process); after a restart they go out again and process's uid dedup drops them. A
// connection with no message for stall_factor × expected_interval counts as stalled and is
// replaced. Failed connects back off exponentially with jitter. The URL is checked against
// `address_policy` (after DNS) before every connection.
//
//   JetstreamOptions o{.url = "wss://jetstream2.us-east.bsky.network/subscribe"};
//   o.resolver =
//   std::make_shared<CachingHandleResolver>(plc_directory_lookup(pipeline::http::make_cpprest_client()));
//   JetstreamSource src(o);
//   src.restore(committed_cursor);
//   auto batch = src.poll(std::chrono::milliseconds(500));
//
// Thread safety: one thread at a time (the client's callbacks only fill a locked queue).
// Lifetime: owned by the runner; the destructor closes the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ingest/handle_resolver.h"
#include "ingest/rate_limit.h"
#include "ingest/source.h"
#include "pipeline/core/address_policy.h"

namespace earshot::ingest {

struct JetstreamOptions {
  std::string url = "wss://jetstream2.us-east.bsky.network/subscribe";
  std::vector<std::string> collections{"app.bsky.feed.post"};  // wantedCollections
  milliseconds expected_interval{1000};
  double stall_factor = 30;
  milliseconds backoff_base{500};
  milliseconds backoff_max{60000};
  std::size_t max_batch = 1000;
  std::size_t max_queue = 100000;  // messages buffered between polls; beyond: reconnect later
  std::shared_ptr<HandleResolver> resolver;  // null: handles are DIDs
  // How far before the cursor a new connection resumes (Jetstream's time_us, microseconds).
  std::int64_t rewind_us = 5'000'000;
  pipeline::core::AddressPolicy address_policy;  // who may be connected to (SSRF guard)
};

class JetstreamSource final : public ingest::Source {
 public:
  explicit JetstreamSource(JetstreamOptions options);
  ~JetstreamSource() override;
  JetstreamSource(const JetstreamSource&) = delete;
  JetstreamSource& operator=(const JetstreamSource&) = delete;

  std::string name() const override;
  pipeline::core::Status restore(std::string_view cursor) override;
  pipeline::core::Result<ingest::SourceBatch> poll(milliseconds timeout) override;
  ingest::SourceHealth health() const override;

  std::int64_t connects() const { return connects_; }  // successful connections so far

 private:
  struct Connection;
  pipeline::core::Status connect();
  void disconnect();
  std::string cursor() const;

  JetstreamOptions options_;
  std::unique_ptr<Connection> conn_;
  std::int64_t time_us_ = 0;
  // Events handled within rewind_us of time_us_: time_us -> event keys, so a replay after a
  // reconnect is not emitted twice while out-of-order events still are emitted once.
  std::map<std::int64_t, std::set<std::string>> recent_;
  Backoff backoff_;
  StallDetector stall_;
  Clock::time_point next_connect_{};
  std::int64_t connects_ = 0;
  ingest::SourceHealth health_;
};

}  // namespace earshot::ingest

// earshot::ingest — Mastodon's streaming API (Server-Sent Events) with fallback to polling.
//
// Reads GET <instance>/api/v1/streaming/public (timeline "public"), .../public/local
// ("local") or .../hashtag?tag=NAME ("hashtag:NAME") as text/event-stream: `event: update`
// carries a Status (→ Post), `event: status.update` an edited Status (→ a Post with the same
// uid and edited_at set, the time seen when the status lacks it; never dropped by the cursor
// or the federated-copy dedup: process passes it on flagged `edited`, the reply planner
// blocks a reply still waiting), `event: delete` a status id (→ tombstone), `:` lines are
// heartbeats. Whenever the stream is not up — before the first connect, after a disconnect
// or an HTTP error, or when it is stalled (no event or heartbeat for stall_factor ×
// expected_interval, or not connected within that time) — poll() falls back to REST polling through
// an inner MastodonSource, and right after each (re)connect it runs one REST poll first to backfill
// the gap from the cursor. Cursor and name are the inner MastodonSource's ({"min_id": ...}), so a
// config can switch between streaming and polling without losing its place.
//
//   MastodonStreamSource src(MastodonOptions{.instance = "https://m.example",
//                                            .access_token = token},
//                                            pipeline::http::make_cpprest_client());
//   src.restore(cursor);
//   auto batch = src.poll(500ms);
//
// Thread safety: one thread at a time; a reader thread per connection fills a locked queue.
// Lifetime: the destructor cancels the stream and joins the reader.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ingest/mastodon_source.h"
#include "pipeline/core/address_policy.h"

namespace earshot::ingest {

struct MastodonStreamOptions {
  milliseconds expected_interval{15000};  // Mastodon sends a heartbeat comment every ~10 s
  double stall_factor = 3;
  milliseconds reconnect_base{1000};
  milliseconds reconnect_max{300000};
  // Who the stream may connect to (the SSRF guard, pipeline/core/address_policy.h); the
  // stream's URL is checked after DNS before every connection, and redirects are not followed.
  pipeline::core::AddressPolicy address_policy;
};

class MastodonStreamSource final : public ingest::Source {
 public:
  MastodonStreamSource(MastodonOptions options, std::shared_ptr<pipeline::core::HttpClient> http,
                       MastodonStreamOptions stream = {});
  ~MastodonStreamSource() override;
  MastodonStreamSource(const MastodonStreamSource&) = delete;
  MastodonStreamSource& operator=(const MastodonStreamSource&) = delete;

  std::string name() const override { return rest_.name(); }
  pipeline::core::Status restore(std::string_view cursor) override;
  pipeline::core::Result<ingest::SourceBatch> poll(milliseconds timeout) override;
  ingest::SourceHealth health() const override;

  bool streaming() const;         // the stream is up and not stalled
  std::int64_t connects() const;  // successful stream connections so far

 private:
  struct Stream;
  void start_stream();
  void stop_stream();
  pipeline::core::Post tombstone(const std::string& id) const;
  pipeline::core::Result<pipeline::core::Post> edited_post(const std::string& data) const;

  MastodonOptions options_;
  MastodonSource rest_;
  MastodonStreamOptions stream_options_;
  std::string url_;
  std::string host_;
  std::string min_id_;
  std::unique_ptr<Stream> stream_;
  Backoff backoff_;
  Clock::time_point next_connect_{};
  bool backfilled_ = false;
  bool counted_ = false;
  std::string last_stream_error_;
  std::vector<std::string> pending_deletes_;  // status ids deleted, not yet emitted
  std::vector<std::string> pending_updates_;  // status.update data, not yet emitted
  std::int64_t connects_ = 0;
  std::int64_t stream_posts_ = 0;
  std::int64_t stalls_ = 0;         // stream connections given up as stalled
  std::int64_t stream_errors_ = 0;  // stream connections that ended (disconnect, HTTP error)
};

}  // namespace earshot::ingest

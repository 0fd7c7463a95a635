// earshot::ingest — Mastodon timelines by REST polling.
//
// Polls GET <instance>/api/v1/timelines/public (timeline "public"), ...public?local=true
// ("local") or /api/v1/timelines/tag/NAME ("hashtag:NAME") with limit=40 and
// min_id=<cursor>: the server answers the page of statuses right after the cursor, newest
// first, with a Link header whose rel="prev" target carries the next min_id. Full pages are
// followed at once; statuses are emitted oldest first. The first poll without a cursor takes
// the newest page. Federated copies of one status (same ActivityPub `uri`, seen through
// several instances or timelines) are emitted once per process through a shared UriDedup.
// The cursor is {"min_id":"<id>"}.
//
//   MastodonOptions o{.instance = "https://mastodon.example", .timeline = "hashtag:acme"};
//   auto src = std::make_unique<MastodonSource>(o, pipeline::http::make_cpprest_client());
//   src->name() == "mastodon:mastodon.example:hashtag:acme";
//
// Thread safety: one thread at a time; UriDedup is shared safely. Lifetime: owned by the
// runner; the fetcher and dedup are shared.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "ingest/polling_source.h"

namespace earshot::ingest {

// A bounded set of recently seen status URIs (oldest forgotten first).
class UriDedup {
 public:
  explicit UriDedup(std::size_t capacity = 100000) : capacity_(capacity) {}
  // True when `uri` was not seen before (and remembers it). Empty URIs are always new.
  bool first_seen(const std::string& uri);

 private:
  std::mutex mu_;
  std::size_t capacity_;
  std::unordered_set<std::string> set_;
  std::deque<std::string> order_;
};

struct MastodonOptions {
  std::string instance;             // https://mastodon.example
  std::string timeline = "public";  // public | local | hashtag:NAME
  std::string access_token;         // optional bearer token
  int limit = 40;
  PollingOptions polling;
  std::shared_ptr<UriDedup> dedup;  // null = one of its own
};

class MastodonSource final : public PollingSource {
 public:
  MastodonSource(MastodonOptions options, std::shared_ptr<pipeline::core::HttpClient> http);
  pipeline::core::Status restore(std::string_view cursor) override;

 protected:
  pipeline::core::Result<Fetched> fetch_once() override;
  std::string cursor() const override;

 private:
  MastodonOptions options_;
  std::shared_ptr<pipeline::core::HttpClient> http_;
  std::string host_;
  std::string endpoint_;
  std::string min_id_;
};

}  // namespace earshot::ingest

// earshot::ingest — RSS 2.0 / Atom 1.0 feeds by conditional GET.
//
// Each poll sends GET <url> with If-None-Match (last ETag) and If-Modified-Since (last
// Last-Modified); 304 yields nothing. A 200 body is parsed by feed_parser.h; items whose
// key (guid/id/content hash) is not in the remembered key set are emitted, oldest first
// (reverse document order). The key set is bounded (max_keys, never fewer than the keys of
// the current document, so nothing still in the feed is forgotten). A malformed document is
// reported as a dead letter and in health(); its validators are not stored, so it is
// fetched in full again. The cursor is {"etag", "last_modified", "keys": [...]}.
//
//   auto src = std::make_unique<FeedSource>(FeedOptions{.url = "https://example.com/feed.xml"},
//                                           pipeline::http::make_cpprest_client());
//   src->name() == "rss:https://example.com/feed.xml";
//
// Thread safety: one thread at a time. Lifetime: owned by the runner; fetcher shared.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_set>

#include "ingest/polling_source.h"

namespace earshot::ingest {

struct FeedOptions {
  std::string url;
  std::size_t max_keys = 1000;
  PollingOptions polling;
};

class FeedSource final : public PollingSource {
 public:
  FeedSource(FeedOptions options, std::shared_ptr<pipeline::core::HttpClient> http);
  pipeline::core::Status restore(std::string_view cursor) override;

 protected:
  pipeline::core::Result<Fetched> fetch_once() override;
  std::string cursor() const override;

 private:
  FeedOptions options_;
  std::shared_ptr<pipeline::core::HttpClient> http_;
  std::string etag_;
  std::string last_modified_;
  std::deque<std::string> keys_;  // oldest first
  std::unordered_set<std::string> key_set_;
};

}  // namespace earshot::ingest

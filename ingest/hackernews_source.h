// earshot::ingest — Hacker News by walking item ids (github.com/HackerNews/API).
//
// Each poll reads GET <base>/maxitem.json and then GET <base>/item/<id>.json for the ids
// after the cursor, in order, at most max_items_per_poll per call (the rest follow at once).
// An item the API still answers `null` for stops the walk (it is retried next poll); jobs
// and polls are skipped; deleted/dead items become tombstones. Without a cursor the walk
// starts `backfill` items below maxitem. With watch_updates, each poll also reads
// GET <base>/updates.json and re-reads the changed items it already handled: those now
// deleted or dead become tombstones (once; the ids are remembered, bounded, in the cursor).
// The cursor is {"last": <last id handled>, "gone": [ids tombstoned]}.
//
//   HackerNewsOptions o{.base_url = "https://hacker-news.firebaseio.com/v0"};
//   auto src = std::make_unique<HackerNewsSource>(o, pipeline::http::make_cpprest_client());
//   src->name() == "hackernews:hacker-news.firebaseio.com";
//
// Thread safety: one thread at a time. Lifetime: owned by the runner; fetcher shared.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "ingest/polling_source.h"

namespace earshot::ingest {

struct HackerNewsOptions {
  std::string base_url = "https://hacker-news.firebaseio.com/v0";
  int max_items_per_poll = 100;
  std::int64_t backfill = 0;
  bool watch_updates = true;
  std::size_t max_gone = 1000;
  PollingOptions polling;
};

class HackerNewsSource final : public PollingSource {
 public:
  HackerNewsSource(HackerNewsOptions options, std::shared_ptr<pipeline::core::HttpClient> http);
  pipeline::core::Status restore(std::string_view cursor) override;

 protected:
  pipeline::core::Result<Fetched> fetch_once() override;
  std::string cursor() const override;

 private:
  HackerNewsOptions options_;
  std::shared_ptr<pipeline::core::HttpClient> http_;
  void check_updates(ingest::SourceBatch& batch);

  std::int64_t last_ = -1;  // -1: no cursor yet
  std::deque<std::int64_t> gone_;
};

}  // namespace earshot::ingest

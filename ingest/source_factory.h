// earshot::ingest — builds a Source from one raw `sources:` item of the config (DESIGN.md §5).
//
// `fields` are the item's scalar keys as written (pipeline/config.h SourceDef::fields);
// `base_dir` is the config file's folder, against which a relative `path` resolves. Keys by
// type — the loader's keys first, then extras this factory also understands (durations
// "500ms", "30s", "5m", "1h" or plain seconds):
//   mastodon:   instance* (https:// added when no scheme), timeline (public|local|
//               hashtag:NAME), token, streaming (true: SSE with REST fallback,
//               mastodon_stream.h), poll_interval | limit, rate (requests/s per
//               instance+token)
//   jetstream:  url, collections (comma-separated) | expected_interval, stall_factor
//   reddit:     subreddit or query*, client_id, client_secret, user_agent, poll_interval |
//               listing (new|comments), url, oauth_url, token_url, limit, rate
//   hackernews: url, poll_interval | backfill, max_items
//   rss:        url*, poll_interval | max_keys           (atom: same as rss)
//   webhook:    listen*, secret*, max_body (bytes, "1MiB") | max_queue
//   file:       path*, rate (posts/s), follow, poll_interval
// (* required). Every type takes `name`: Source::name() (the cursor key) is `name` when
// given, else the loader's default (SourceDef::name: "mastodon:<host[:port]>:<timeline>",
// "reddit:<sub>", "reddit:search:<query>", "rss:<url>", "hackernews:<host>",
// "jetstream:<host>", "webhook:<listen>", "file:<path as written>"). An unknown type or key,
// a missing required key or an unreadable value is a kInvalidArgument error naming the key.
//
//   auto src = make_source({{"type", "rss"}, {"url", "https://example.com/feed.xml"}}, "/etc/earshot");
//   if (!src) return exit_config_error(src.error().message);   // "sources[rss].url: ..."
//
// Thread safety: make_source may be called from any thread. Lifetime: the Source is the
// caller's; shared helpers (HTTP client, Mastodon URI dedup, DID cache) live as long as
// the last Source using them.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "ingest/config_values.h"
#include "ingest/handle_resolver.h"
#include "pipeline/core/http_client.h"
#include "ingest/mastodon_source.h"
#include "ingest/source.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

// Shared helpers; make_source without them uses process-wide defaults.
struct SourceDeps {
  std::shared_ptr<pipeline::core::HttpClient> http;
  std::shared_ptr<UriDedup> mastodon_dedup;
  std::shared_ptr<HandleResolver> handles;
};

pipeline::core::Result<std::unique_ptr<ingest::Source>> make_source(
    const std::map<std::string, std::string>& fields, const std::string& base_dir);
pipeline::core::Result<std::unique_ptr<ingest::Source>> make_source(
    const std::map<std::string, std::string>& fields, const std::string& base_dir,
    const SourceDeps& deps);


}  // namespace earshot::ingest

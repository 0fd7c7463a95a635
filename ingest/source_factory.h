// earshot::ingest — builds a Source from one `sources:` item of the config (DESIGN.md §5).
//
// The config loader (pipeline/config) reads and checks every key of the item into the typed
// fields of a pipeline::config::SourceDef — types, ranges, URLs, required keys, defaults,
// durations (core::parse_duration), relative paths — and reports problems as FILE:LINE:COL
// errors. make_source() only turns those fields into a connector; it parses nothing. The
// keys, by type (* required; pipeline/config/README.md gives types and defaults):
//   mastodon:   instance*, timeline, token, streaming, poll_interval, limit, rate
//               (streaming: SSE with REST fallback, mastodon_stream.h)
//   jetstream:  url, collections, expected_interval, stall_factor
//   reddit:     subreddit or query*, client_id, client_secret, user_agent, listing, url,
//               oauth_url, token_url, poll_interval, limit, rate
//   hackernews: url, poll_interval, backfill, max_items
//   rss, atom:  url*, poll_interval, max_keys   (one feed reader: RSS 2.0, RSS 1.0, Atom 1.0)
//   webhook:    listen, secret*, max_body, max_queue
//   file:       path*, rate, follow, poll_interval
// Every type takes `name`. Source::name() (the cursor key) is SourceDef::name: the `name`
// given, else the loader's default ("mastodon:<host[:port]>:<timeline>", "reddit:<sub>",
// "reddit:search:<query>", "rss:<url>", "atom:<url>", "hackernews:<host>",
// "jetstream:<host>", "webhook:<listen>", "file:<path as written>").
//
//   auto cfg = pipeline::config::load_config("/etc/earshot/earshot.yaml");
//   for (const auto& def : cfg->sources) {
//     auto src = make_source(def);
//     if (!src) return exit_runtime(src.error().message);   // e.g. webhook: port in use
//   }
//
// Errors: kInvalidArgument for a type this factory does not know (a SourceDef not made by
// the loader); the webhook source's start-up errors (it binds its port here).
//
// Thread safety: make_source may be called from any thread. Lifetime: the Source is the
// caller's; shared helpers (HTTP client, Mastodon URI dedup, DID cache) live as long as
// the last Source using them.
#pragma once

#include <memory>

#include "ingest/handle_resolver.h"
#include "ingest/mastodon_source.h"
#include "ingest/source.h"
#include "pipeline/config/config.h"
#include "pipeline/core/address_policy.h"
#include "pipeline/core/http_client.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

// Shared helpers; members left null use process-wide defaults.
struct SourceDeps {
  std::shared_ptr<pipeline::core::HttpClient> http;
  std::shared_ptr<UriDedup> mastodon_dedup;
  std::shared_ptr<HandleResolver> handles;
  // Who the sources may connect to (config outbound.allow_private; the SSRF guard). Used by
  // the default HTTP client (when `http` is null), the Jetstream WebSocket and the Mastodon
  // stream. Default: public addresses only.
  pipeline::core::AddressPolicy address_policy;
};

pipeline::core::Result<std::unique_ptr<ingest::Source>> make_source(
    const pipeline::config::SourceDef& def, const SourceDeps& deps = {});

}  // namespace earshot::ingest

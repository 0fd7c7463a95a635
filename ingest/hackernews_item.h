// earshot::ingest — Hacker News API items (github.com/HackerNews/API) → Posts.
//
// GET /v0/item/<id>.json answers {"id", "type": "story"|"comment"|"job"|"poll"|"pollopt",
// "by", "time" (Unix seconds), "text" (HTML), "title", "url", "parent", "deleted", "dead"}
// or `null` for an id not visible yet. Stories become "title\n\ntext", comments their text;
// uid "hackernews:news.ycombinator.com:<id>", url https://news.ycombinator.com/item?id=<id>.
// Deleted and dead items become tombstones. /v0/maxitem.json is a bare number;
// /v0/updates.json is {"items": [...], "profiles": [...]}.
//
//   HnItem r = parse_hackernews_item(body);
//   switch (r.kind) { case HnItem::Kind::post: emit(*r.post); ... }
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

struct HnItem {
  enum class Kind { post, skipped, missing, malformed };
  Kind kind = Kind::missing;  // missing: the API answered null (not visible yet)
  std::int64_t id = 0;
  std::optional<pipeline::core::Post> post;        // Kind::post (tombstone when deleted/dead)
  std::optional<pipeline::core::DeadLetter> dead;  // Kind::malformed
};

HnItem parse_hackernews_item(std::string_view json);
pipeline::core::Result<std::int64_t> parse_hackernews_maxitem(std::string_view json);
// The item ids of /v0/updates.json.
pipeline::core::Result<std::vector<std::int64_t>> parse_hackernews_updates(std::string_view json);

}  // namespace earshot::ingest

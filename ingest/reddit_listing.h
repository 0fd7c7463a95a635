// earshot::ingest — Reddit Listing JSON → Posts.
//
// GET /r/NAME/new.json (and /comments.json, /search.json) answer
// {"kind": "Listing", "data": {"after": "t3_x"|null, "children": [{"kind": "t3"|"t1",
// "data": {"name", "id", "subreddit", "title", "selftext", "body", "author",
// "created_utc", "permalink", "parent_id"}}]}}. A link (t3) becomes text "title\n\nselftext",
// a comment (t1) its body; uid "reddit:<subreddit>:<fullname>", url
// https://www.reddit.com<permalink>, reply_to from a comment's parent_id. Other kinds are
// skipped; malformed children become dead letters (also a created_utc after year 9999, which
// has no RFC 3339 form).
//
//   auto page = parse_reddit_listing(body);
//   if (!page) return page.error();          // not a Listing (e.g. {"message":..,"error":429})
//   for (auto& item : page->items) emit(item.post);
//   next = page->after;                       // "" at the end
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

struct RedditItem {
  pipeline::core::Post post;
  std::string fullname;      // "t3_abc"
  double created_utc = 0.0;  // seconds
};

struct RedditPage {
  std::vector<RedditItem> items;  // listing order (newest first for /new)
  std::vector<pipeline::core::DeadLetter> dead;
  std::string after;  // "" when there is no next page
};

pipeline::core::Result<RedditPage> parse_reddit_listing(std::string_view json);

}  // namespace earshot::ingest

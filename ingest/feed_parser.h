// earshot::ingest — RSS 2.0 / RSS 1.0 (RDF) / Atom 1.0 documents → Posts (expat, SAX).
//
// RSS <item>: guid, link, title, description, content:encoded, pubDate (RFC 822), dc:date,
// author, dc:creator. Atom <entry>: id, link[rel=alternate]@href, title, content, summary,
// published, updated (RFC 3339), author/name. Each item becomes Post{uid "rss:<feed
// host>:<key>", text "title\n\nbody as plain text"}, where key is the guid/id or, for items
// without one, the first 32 hex digits of SHA-256 over link, title and body (stable across
// re-fetches). The author is the item's author (dc:creator, author, Atom author/name); an
// item without one (common) is by the feed's host (id and handle "example.com"), so a valid
// Post comes out either way. An item without a date takes the fetch time; an item with an
// unreadable date or with neither title, body nor link is a dead letter carrying its XML. A
// document that is not well-formed XML, or neither RSS nor Atom, is an error naming line and
// column.
//
//   auto feed = parse_feed(body, "https://example.com/feed.xml");
//   if (!feed) report(feed.error());            // "feed: line 3, column 8: mismatched tag"
//   for (auto& item : feed->items) if (seen.insert(item.key)) emit(item.post);
//
// Thread safety: pure function (one expat parser per call).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

struct FeedItem {
  pipeline::core::Post post;
  std::string key;  // guid / id / content hash: the dedup key kept in the cursor
};

struct Feed {
  std::string format;  // "rss" | "atom"
  std::string title;
  std::vector<FeedItem> items;  // document order (usually newest first)
  std::vector<pipeline::core::DeadLetter> dead;
};

pipeline::core::Result<Feed> parse_feed(std::string_view xml, std::string_view feed_url);

}  // namespace earshot::ingest

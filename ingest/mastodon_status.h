// earshot::ingest — Mastodon API v1 Status entities → Posts.
//
// A status becomes Post{uid "mastodon:<instance host>:<id>", text = content HTML as plain
// text (spoiler_text first when set), author from `account` (handle "@user@host", also for
// local accounts), tags from `tags[].name`, mentions "@acct@host", reply_to from
// `in_reply_to_id`, visibility from `visibility`, edited_at from `edited_at`}. A reblog is resolved to the original status it wraps. The `uri` (the
// ActivityPub id, equal on every instance that holds a copy) is returned for
// deduplicating federated copies (mastodon_source.h).
//
//   auto page = parse_mastodon_timeline(body, "mastodon.example");
//   if (!page) return page.error();           // not an array, or an API error body
//   for (auto& s : page->statuses) emit(s.post);
//   for (auto& d : page->dead) dead_letter(d);  // malformed entries; the rest go on
//
// Thread safety: pure functions. Lifetime: results own their data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

struct MastodonStatus {
  pipeline::core::Post post;
  std::string id;   // the timeline entry id (the reblog's own id for reblogs): the cursor
  std::string uri;  // ActivityPub id of the original status
};

struct MastodonPage {
  std::vector<MastodonStatus> statuses;  // page order (newest first, as served)
  std::vector<pipeline::core::DeadLetter> dead;
  std::string max_id;  // greatest entry id seen, malformed ones too
};

// One Status object (JSON text).
pipeline::core::Result<MastodonStatus> parse_mastodon_status(std::string_view json,
                                                             std::string_view instance_host);

// A timeline response: a JSON array of Status. An object with "error" (the API's error
// body) or anything else is an error naming what came back.
pipeline::core::Result<MastodonPage> parse_mastodon_timeline(std::string_view json,
                                                             std::string_view instance_host);

}  // namespace earshot::ingest

// earshot::ingest — Bluesky Jetstream events → Posts.
//
// Jetstream (github.com/bluesky-social/jetstream) sends one JSON object per WebSocket
// message: {"did", "time_us", "kind": "commit"|"identity"|"account", "commit": {"operation":
// "create"|"update"|"delete", "collection", "rkey", "cid", "record": {"text", "createdAt",
// "langs", "reply": {"root": {"uri", "cid"}, "parent": {"uri", "cid"}}, "facets"}}}. A post
// create becomes Post{uid "bluesky:<did>:<rkey>", url https://bsky.app/profile/<did>/post/
// <rkey>, tags and mentions from the facets, reply_ref {uri at://<did>/app.bsky.feed.post/
// <rkey>, cid, root_uri/root_cid = record.reply.root, or the post itself when it is not a
// reply} — what a Bluesky reply to it must name; none without a commit cid}; a delete becomes a tombstone (deleted = true, created_at =
// the event time). Identity events carry the DID's new handle. Other collections and kinds
// produce nothing but still carry their time_us (the resume cursor).
//
//   JetstreamEvent e = parse_jetstream_event(message, resolver.get());
//   cursor = std::max(cursor, e.time_us);
//   if (e.post) emit(*e.post); else if (e.dead) dead_letter(*e.dead);
//
// Thread safety: pure apart from the resolver (see handle_resolver.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/handle_resolver.h"
#include "pipeline/core/records.h"

namespace earshot::ingest {

struct JetstreamEvent {
  std::int64_t time_us = 0;  // 0 when the message had none
  std::string kind;
  std::string did;
  std::optional<pipeline::core::Post> post;
  std::optional<pipeline::core::DeadLetter> dead;
  std::optional<std::string> identity_handle;  // kind "identity"
};

// `resolver` may be null (handles are then the DIDs).
JetstreamEvent parse_jetstream_event(std::string_view json, HandleResolver* resolver);

// "at://did:plc:x/app.bsky.feed.post/3k" → "bluesky:did:plc:x:3k"; nullopt when not a post.
std::optional<std::string> bluesky_uid_from_at_uri(std::string_view at_uri);

}  // namespace earshot::ingest

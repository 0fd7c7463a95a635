// earshot::pipeline::core — the records that flow between stages (DESIGN.md §2).
//
// Plain value types that own their data: no view into a Kafka message or a simdjson buffer
// outlives the call that decoded it. On the wire every record is one JSON object with a
// schema version field `v` (kSchemaVersion); json_codec.h encodes and decodes them.
//
//   Post p;
//   p.uid = "mastodon:mastodon.example:1100";
//   p.source = "mastodon";
//   p.created_at = "2026-11-23T10:00:00Z";
//   p.text = "the app is down again";
//   std::string wire = encode(p);          // json_codec.h
//   Result<Post> back = decode_post(wire); // == p
//
// Thread safety: values; copy or move freely between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sentiment/intent.h"
#include "sentiment/sentiment.h"

namespace earshot::pipeline::core {

inline constexpr int kSchemaVersion = 1;

struct Author {
  std::string id;
  std::string handle;
  std::string name;
  std::optional<std::int64_t> followers;
  bool operator==(const Author&) const = default;
};

// What a Bluesky reply names (issue 14): the strong refs (at-uri + CID) of the post answered
// and of its thread's root — the post's own reply.root when it is itself a reply, else the
// post itself. Wire: "reply_ref": {"uri", "cid", "root_uri", "root_cid"}, every member a
// non-empty string, the uris "at://..."; absent on other platforms.
struct ReplyRef {
  std::string uri;  // at://<did>/app.bsky.feed.post/<rkey>
  std::string cid;
  std::string root_uri;
  std::string root_cid;
  bool operator==(const ReplyRef&) const = default;
};

// A normalised public post (topic `posts`, key = uid).
struct Post {
  std::string uid;     // "<source>:<origin>:<native id>", stable across re-ingest
  std::string source;  // mastodon | bluesky | reddit | hackernews | rss | webhook | file
  std::string url;
  std::string created_at;   // RFC 3339, UTC
  std::string ingested_at;  // RFC 3339, UTC
  Author author;
  std::string text;  // plain text: HTML stripped, entities decoded
  std::optional<std::string> lang;
  std::optional<std::string> reply_to;  // uid of the post this answers
  std::vector<std::string> tags;
  std::vector<std::string> mentions;
  bool deleted = false;  // tombstone for a platform delete
  // Issue 14 (reply guards; the enricher turns them into flags): the platform's audience
  // ("public", "unlisted", "private", "direct"; unset = public) and when the author last
  // edited the post (RFC 3339; unset = never edited).
  std::optional<std::string> visibility;
  std::optional<std::string> edited_at;
  std::optional<ReplyRef> reply_ref{};  // bluesky: what a reply to this post needs
  bool operator==(const Post&) const = default;
};

enum class MatchType { alias, handle, hashtag, domain, regex, derived };
std::string_view to_string(MatchType t);
bool parse_match_type(std::string_view s, MatchType* out);

enum class EntityKind { company, product };
std::string_view to_string(EntityKind k);
bool parse_entity_kind(std::string_view s, EntityKind* out);

struct EntityMention {
  std::string id;
  EntityKind kind = EntityKind::company;
  std::uint32_t begin = 0;  // byte span [begin, end) in Post::text
  std::uint32_t end = 0;
  MatchType match = MatchType::alias;
  sentiment::Sentiment sentiment;  // toward this entity
  bool operator==(const EntityMention&) const = default;
};

struct CustomerRef {
  std::string id;
  std::string tier;
  std::string source;  // which directory answered (e.g. "csv:customers.csv")
  std::string name;
  std::string url{};  // the account or case link in the CRM ("" = none); reply {case_url}
  bool operator==(const CustomerRef&) const = default;
};

// The one intent enum is the classifier's (sentiment/intent.h: to_string, parse_intent).
using Intent = sentiment::Intent;

// A post with its sentiment, entities, customer, intent and flags (topic `scored`, key = uid).
struct ScoredPost {
  Post post;
  sentiment::Sentiment sentiment;
  std::vector<EntityMention> entities;
  std::optional<CustomerRef> customer;
  Intent intent = Intent::other;
  std::vector<std::string> flags;  // spam, bot, near_duplicate, customer_lookup_failed, ...
  bool operator==(const ScoredPost&) const = default;
};

// One per (post, entity): the unit of aggregation (topic `mentions`, key = entity id).
struct Mention {
  std::string entity;
  EntityKind kind = EntityKind::company;
  std::string post_uid;
  std::string source;
  std::string url;
  std::string created_at;  // event time
  std::string author_id;
  std::string text;                // the post text, for evidence and top terms
  sentiment::Sentiment sentiment;  // entity-targeted
  Intent intent = Intent::other;
  std::optional<CustomerRef> customer;
  bool derived = false;  // a product mention counted for its parent company
  bool retract = false;  // a platform delete: subtract this mention from aggregates
  // The model version of a re-scored output (`earshot reprocess`, wire "model_version",
  // omitted when empty); empty = the live pipeline's.
  std::string model_version;
  bool operator==(const Mention&) const = default;
};

struct PostRef {
  std::string uid;
  std::string url;
  std::string text;
  float score = 0.0f;
  bool operator==(const PostRef&) const = default;
};

// Windowed statistics per entity (topic `aggregates`, compacted, key entity|size|start).
struct Aggregate {
  std::string entity;
  std::string window_size;   // "1m", "1h"
  std::string window_start;  // RFC 3339
  std::string window_end;
  std::int64_t negative = 0;
  std::int64_t neutral = 0;
  std::int64_t positive = 0;
  std::int64_t volume = 0;
  double mean_score = 0.0;
  std::int64_t unique_authors = 0;
  std::vector<std::string> top_terms;
  std::vector<PostRef> top_negative;
  std::int64_t version = 1;  // grows when late data updates the window
  // As Mention::model_version: set on the aggregates of `earshot reprocess`, empty = live.
  std::string model_version;
  bool operator==(const Aggregate&) const = default;
};

struct Alert {
  std::string id;
  std::string rule;
  std::string entity;
  std::string severity;            // info | warning | critical
  std::string status = "trigger";  // trigger | resolve
  std::string window_start;
  std::string window_end;
  double observed = 0.0;
  double baseline = 0.0;
  std::string summary;
  std::vector<PostRef> evidence;
  std::string dedup_key;
  std::string created_at;
  std::string link;  // the dashboard view of its window (alert_messages); "" = none (omitted)
  bool operator==(const Alert&) const = default;
};

// The life of a reply (issue 14): planned (shadow mode: recorded, never sent) |
// pending_approval -> approved -> sending -> sent | failed; rejected (by a person) and blocked
// (by a planner guard, `reason` says which) end it early. New values are appended.
enum class ReplyStatus {
  pending_approval,
  approved,
  sent,
  rejected,
  failed,
  planned,
  sending,
  blocked
};
std::string_view to_string(ReplyStatus s);
bool parse_reply_status(std::string_view s, ReplyStatus* out);

// One status change of a reply: who (a token owner, "planner", "sender") and when.
struct ReplyEvent {
  ReplyStatus status = ReplyStatus::planned;
  std::string by;
  std::string at;  // RFC 3339
  std::string reason;
  bool operator==(const ReplyEvent&) const = default;
};

struct ReplyIntent {
  std::string id;
  std::string post_uid;
  std::string platform;
  std::string in_reply_to;  // the platform's native id of the post answered
  std::string text;
  std::string template_name;  // wire name: "template"
  std::optional<CustomerRef> customer;
  ReplyStatus status = ReplyStatus::pending_approval;
  std::string idempotency_key;
  // Issue 14 additions: what the approver sees and the audit trail.
  std::string entity;
  std::string reason;  // why blocked / failed / rejected; empty otherwise
  std::string lang;    // the template language used
  Intent intent = Intent::other;
  sentiment::Sentiment sentiment;  // toward `entity`
  std::string post_text;           // wire: post {text, author, url, created_at}
  std::string post_author;         // the author's handle
  std::string post_author_id;
  std::string post_url;
  std::string post_created_at;
  std::string remote_id;  // the platform's id of the sent reply
  std::vector<ReplyEvent> history;  // every status change, oldest first
  // A helpdesk case (platform "helpdesk", sinks/helpdesk_case.h): the case link the helpdesk
  // answered (remote_id holds its case id).
  std::string case_url;
  std::optional<ReplyRef> reply_ref{};  // bluesky: the post's refs, copied from the Post
  bool operator==(const ReplyIntent&) const = default;
};

// The key of a reply record on the replies topic: the post uid for a public reply,
// "helpdesk:<post uid>" for a helpdesk case, so the two records of one post do not compact
// each other away.
std::string reply_topic_key(const ReplyIntent& r);

// A record that could not be decoded or validated (topic `deadletter`).
struct DeadLetter {
  std::string reason;  // e.g. "created_at: not an RFC 3339 instant"
  std::string stage;   // which stage refused it: decode, validate, ingest:<source>, ...
  std::string topic;   // where it came from (when from a topic)
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string key;
  std::string original;  // the original bytes (base64 on the wire when not UTF-8)
  std::string at;        // RFC 3339 time of the refusal
  bool operator==(const DeadLetter&) const = default;
};

}  // namespace earshot::pipeline::core

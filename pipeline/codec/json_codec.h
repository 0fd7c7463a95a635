// earshot::pipeline::codec — JSON encode and decode of the records (DESIGN.md §2).
//
// Encoding writes compact, strict I-JSON (RFC 7493): every string is valid UTF-8 (invalid
// input bytes become U+FFFD), control characters and quotes are escaped, numbers are
// finite. Decoding uses simdjson's On-Demand API with one parser per thread and checks the
// record strictly: valid UTF-8, no lone surrogates, no duplicate member names, bounded
// nesting, required fields with the right types, `created_at` a real RFC 3339 instant, a
// known `v`. A failure is a value naming the field and what was expected.
//
//   std::string wire = encode(post);
//   Result<Post> p = decode_post(wire);
//   if (!p) dead_letter(p.error().message);   // e.g. "created_at: expected RFC 3339 instant"
//
// Thread safety: all functions may be called from many threads at once (each thread gets
// its own simdjson parser). Lifetime: decoded records own their data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/core/records.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::codec {

inline constexpr std::size_t kMaxTextBytes = 64 * 1024;  // a Post's `text` limit
inline constexpr std::size_t kMaxNesting = 32;

std::string encode(const core::Post& r);
std::string encode(const core::ScoredPost& r);
std::string encode(const core::Mention& r);
std::string encode(const core::Aggregate& r);
std::string encode(const core::Alert& r);
std::string encode(const core::ReplyIntent& r);
std::string encode(const core::DeadLetter& r);
// Appends instead of returning (lets a batch reuse one buffer).
void encode_to(const core::ScoredPost& r, std::string& out);
void encode_to(const core::Mention& r, std::string& out);

// A Mention's fields as views into what it is made from (the ScoredPost of `earshot process`):
// encode_to(view) writes the very bytes encode(Mention) writes for the same values (it is
// what encode(Mention) calls), without first copying text, url and ids into a Mention.
// The views must outlive the call.
struct MentionView {
  std::string_view entity;
  core::EntityKind kind = core::EntityKind::company;
  std::string_view post_uid, source, url, created_at, author_id, text;
  const sentiment::Sentiment* sentiment = nullptr;  // required
  core::Intent intent = core::Intent::other;
  const std::optional<core::CustomerRef>* customer = nullptr;  // null: none
  bool derived = false;
  bool retract = false;
  std::string_view model_version;
};
void encode_to(const MentionView& r, std::string& out);
// A Sentiment alone, as it appears inside a ScoredPost:
// {"label":…,"score":…,"probs":{…},"model":…}.
void encode_to(const sentiment::Sentiment& r, std::string& out);

core::Result<core::Post> decode_post(std::string_view json);
// Like decode_post, but only `text` is required: `earshot score` scores partial posts such
// as {"text": "..."}. JSON, UTF-8 and type errors are still errors.
core::Result<core::Post> decode_post_for_scoring(std::string_view json);
core::Result<core::ScoredPost> decode_scored(std::string_view json);
core::Result<core::Mention> decode_mention(std::string_view json);
core::Result<core::Aggregate> decode_aggregate(std::string_view json);
core::Result<core::Alert> decode_alert(std::string_view json);
core::Result<core::ReplyIntent> decode_reply(std::string_view json);
core::Result<core::DeadLetter> decode_deadletter(std::string_view json);

}  // namespace earshot::pipeline::codec

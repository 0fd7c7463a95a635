// earshot::pipeline — JSON encode and decode of the records (DESIGN.md §2).
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

#include "pipeline/records.h"
#include "pipeline/status.h"

namespace earshot::pipeline {

inline constexpr std::size_t kMaxTextBytes = 64 * 1024;  // a Post's `text` limit
inline constexpr std::size_t kMaxNesting = 32;

std::string encode(const Post& r);
std::string encode(const ScoredPost& r);
std::string encode(const Mention& r);
std::string encode(const Aggregate& r);
std::string encode(const Alert& r);
std::string encode(const ReplyIntent& r);
std::string encode(const DeadLetter& r);
// Appends instead of returning (lets a batch reuse one buffer).
void encode_to(const ScoredPost& r, std::string& out);
void encode_to(const Mention& r, std::string& out);

Result<Post> decode_post(std::string_view json);
// Like decode_post, but only `text` is required: `earshot score` scores partial posts such
// as {"text": "..."}. JSON, UTF-8 and type errors are still errors.
Result<Post> decode_post_for_scoring(std::string_view json);
Result<ScoredPost> decode_scored(std::string_view json);
Result<Mention> decode_mention(std::string_view json);
Result<Aggregate> decode_aggregate(std::string_view json);
Result<Alert> decode_alert(std::string_view json);
Result<ReplyIntent> decode_reply(std::string_view json);
Result<DeadLetter> decode_deadletter(std::string_view json);

// True when `s` is a real RFC 3339 date-time (with offset), e.g. 2026-11-23T10:00:00Z.
bool is_rfc3339(std::string_view s);
// Milliseconds since the Unix epoch of an RFC 3339 date-time; error when not one.
Result<std::int64_t> parse_rfc3339_ms(std::string_view s);
// Milliseconds since the Unix epoch of a civil UTC date-time minus `offset_min` minutes
// (the offset east of UTC, as in "+02:00" → 120); nullopt when a field is out of range
// (month 1–12, the month's days in the proleptic Gregorian calendar, hour 0–23, minute 0–59,
// second 0–60 — a leap second counts as :59 —, millis 0–999). The one date arithmetic that
// parse_rfc3339_ms and the ingest parsers of other formats (RFC 822) share.
std::optional<std::int64_t> civil_to_ms(int year, int mon, int day, int hour, int min, int sec,
                                        int millis, int offset_min);

// How format_rfc3339_ms writes the sub-second part.
enum class SubSecond {
  always,        // "2026-11-23T10:00:00.000Z": the records' fixed width (the default)
  when_nonzero,  // "2026-11-23T10:00:00Z" for whole seconds: keeps a platform's precision
};
// "2026-11-23T10:00:00.123Z" for `ms` since the epoch (always UTC, millisecond precision).
std::string format_rfc3339_ms(std::int64_t ms, SubSecond millis_shown = SubSecond::always);

}  // namespace earshot::pipeline

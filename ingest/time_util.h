// earshot::ingest — timestamps from the platforms' formats to RFC 3339 UTC.
//
// Post::created_at is always RFC 3339 in UTC ("2026-11-23T10:00:00Z", with ".mmm" when the
// source has sub-second precision). Platforms send RFC 3339 with offsets (Mastodon, Atom,
// Bluesky), RFC 822 (RSS pubDate, HTTP dates) or Unix seconds (Reddit, Hacker News).
//
//   auto ms = parse_rfc822_ms("Sat, 07 Sep 2002 09:42:31 +0200");   // optional<int64_t>
//   format_rfc3339_ms(*ms) == "2002-09-07T07:42:31Z";
//   normalize_rfc3339("2019-12-08T04:48:33.9+01:00") == "2019-12-08T03:48:33.900Z";
//
// Thread safety: pure functions (now_ms() reads the system clock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace earshot::ingest {

// Milliseconds since the Unix epoch of an RFC 3339 date-time (offset required; 'T', 't' or
// ' ' as separator; any fraction digits, truncated to ms). nullopt when not one. A thin
// wrapper over pipeline::parse_rfc3339_ms (json_codec.h), the one RFC 3339 reader.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s);

// RFC 822 / RFC 1123 / RFC 2822 date (day name and seconds optional; 2- or 4-digit year;
// zones GMT, UT, UTC, Z, US zones, military "Z" and ±HHMM). nullopt when not one.
std::optional<std::int64_t> parse_rfc822_ms(std::string_view s);

// "YYYY-MM-DDTHH:MM:SSZ", or "...SS.mmmZ" when `ms` has a sub-second part:
// pipeline::format_rfc3339_ms with SubSecond::when_nonzero (Post::created_at keeps the
// platform's precision).
std::string format_rfc3339_ms(std::int64_t ms);

// An RFC 3339 date-time rewritten in UTC via format_rfc3339_ms; nullopt when invalid.
std::optional<std::string> normalize_rfc3339(std::string_view s);

std::int64_t now_ms();
std::string now_rfc3339();

}  // namespace earshot::ingest

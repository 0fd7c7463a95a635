// earshot::pipeline::core — how long a text is the way a platform counts (issue 14).
//
// Bluesky limits a post to 300 graphemes: user-perceived characters, as Unicode's extended
// grapheme clusters (UAX #29) count them — "👍🏽" (thumb + skin tone), "👨‍👩‍👧" (a ZWJ
// family), "🇫🇷" (two regional indicators), "é" written e + U+0301, a Hangul syllable
// written as jamo: each one grapheme. Mastodon counts code points (500).
//
// grapheme_count() implements the boundary rules that matter for such texts: CR LF; no
// break before Extend (combining marks of the common scripts, variation selectors, emoji
// skin-tone modifiers, tag characters, ZWJ/ZWNJ) or SpacingMark; Hangul L/V/T/LV/LVT
// sequences; emoji ZWJ sequences (Extended_Pictographic Extend* ZWJ × Extended_Pictographic);
// regional-indicator pairs. Its tables are ranges, not the full Unicode database: a mark it
// does not know (and Prepend, which it ignores) is counted as a grapheme of its own: it errs
// on counting more than the platform, so a text it accepts is not refused for its length.
//
//   grapheme_count("👍🏽 ok") == 4;
//   text_length("bluesky", text) <= text_limit("bluesky")   // 300
//
// Invalid UTF-8: each bad byte counts as one grapheme. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace earshot::pipeline::core {

std::size_t grapheme_count(std::string_view utf8);
std::size_t code_point_count(std::string_view utf8);

// The length of a reply text as `platform` counts it: bluesky graphemes, others code points.
std::size_t text_length(std::string_view platform, std::string_view utf8);
// The most a reply on `platform` may have: mastodon 500, bluesky 300, others 10,000.
std::size_t text_limit(std::string_view platform);

}  // namespace earshot::pipeline::core

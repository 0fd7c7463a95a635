// earshot::sentiment::utf8 — forgiving UTF-8 for social text.
//
// Posts arrive as bytes that are usually, but not always, valid UTF-8. Everything here
// decodes with replacement instead of failing: an invalid byte sequence (stray continuation
// bytes, truncated sequences, overlong forms, UTF-16 surrogates such as CESU-8 `ED A0 80`,
// code points above U+10FFFF) decodes as U+FFFD covering its "maximal subpart", the way the
// Unicode standard (§3.9) and WHATWG recommend. Nothing here throws, allocates per code
// point, or reads past the input.
//
//   using namespace earshot::sentiment;
//   std::string_view text = "ok \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!";   // "ok 👍🏽!"
//   for (std::size_t pos = 0; pos < text.size();) {
//     std::size_t end = utf8::next_cluster(text, pos);   // 👍🏽 is one cluster (8 bytes)
//     pos = end;
//   }
//   utf8::Decoded d = utf8::decode("\xED\xA0\x80", 0);     // {U+FFFD, length 1, valid false}
//
// Clusters are "grapheme-ish": enough for emoji and accents (combining marks, ZWJ
// sequences, skin-tone modifiers, variation selectors, keycaps, regional-indicator flag
// pairs, tag sequences, CR LF), not the full UAX #29 rules (no Hangul syllable or Indic
// conjunct logic).
//
// Thread safety: pure functions. Lifetime: results are values or views of the caller's input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace earshot::sentiment::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

struct Decoded {
  char32_t code_point = kReplacement;  // U+FFFD when !valid
  std::uint32_t length = 1;            // bytes consumed, >= 1 (when pos < size)
  bool valid = false;
};

// Decodes the code point starting at byte `pos` (pos < text.size()). The one UTF-8 decoder of
// earshot: the tokenizers here, the linker, the JSON writer and the HTML decoder all use it
// (inline, below).

inline Decoded decode(std::string_view text, std::size_t pos);
// Appends the UTF-8 encoding of `cp` (surrogates and > U+10FFFF become U+FFFD).
void append(char32_t cp, std::string* out);
bool is_valid(std::string_view text);
// Appends `text` with every invalid sequence replaced by U+FFFD.
void append_sanitized(std::string_view text, std::string* out);
// Number of code points, counting each invalid sequence as one.
std::size_t code_point_count(std::string_view text);

// Byte offset just past the cluster that starts at `pos` (pos < text.size()).
std::size_t next_cluster(std::string_view text, std::size_t pos);

// Code point classes the tokenizer needs.
bool is_emoji(char32_t cp);  // pictographs, dingbats, symbols commonly used as emoji
bool is_regional_indicator(char32_t cp);
bool is_combining(char32_t cp);        // combining marks, variation selectors, skin tones, ZWJ
bool is_letter_or_digit(char32_t cp);  // ASCII alnum, Latin, Greek, Cyrillic, CJK, etc. (approx.)

// Simple lower case: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals; other
// code points are returned unchanged.
char32_t to_lower(char32_t cp);
// Appends the lower case of `text` (invalid sequences become U+FFFD).
void append_lower(std::string_view text, std::string* out);

// Both are inline: the tokenizers' loops keep their registers across the non-ASCII path.
inline Decoded decode_multibyte(std::string_view text, std::size_t pos) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned char b0 = s[pos];
  if (b0 < 0x80) return {b0, 1, true};
  std::uint32_t need = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {kReplacement, 1, false};  // stray continuation, C0/C1, F5..FF
  }
  std::uint32_t len = 1;
  for (std::uint32_t k = 0; k < need; ++k) {
    if (pos + len >= n) return {kReplacement, len, false};
    const unsigned char b = s[pos + len];
    if (k == 0 ? (b < lo || b > hi) : !((b & 0xC0) == 0x80)) return {kReplacement, len, false};
    cp = (cp << 6) | (b & 0x3F);
    ++len;
  }
  return {cp, len, true};
}

inline Decoded decode(std::string_view text, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) return {b0, 1, true};
  return decode_multibyte(text, pos);
}

}  // namespace earshot::sentiment::utf8

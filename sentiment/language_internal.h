// earshot::sentiment — what language.cc (Latin-script detection), language_guess.cc (the
// decision by script) and language_load.cc (the profiles) share. Not part of the library's
// interface: include only from those files.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sentiment/utf8.h"

namespace earshot::sentiment::language_detail {

// The code point at text[i] (utf8::decode), advancing i past it.
inline char32_t next_code_point(std::string_view text, std::size_t& i) {
  const utf8::Decoded d = utf8::decode(text, i);
  i += d.length;
  return d.code_point;
}

enum class Script : std::uint8_t {
  none,
  latin,
  kana,
  han,
  hangul,
  cyrillic,
  arabic,
  greek,
  hebrew,
  thai,
  devanagari,
  bengali,
  tamil,
  georgian,
  armenian,
  count
};

inline Script script_of(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Script::latin;
  if (c < 0xC0) return Script::none;
  if (c <= 0x24F) return (c == 0xD7 || c == 0xF7) ? Script::none : Script::latin;
  if (c >= 0x1E00 && c <= 0x1EFF) return Script::latin;
  if (c >= 0x370 && c <= 0x3FF) return Script::greek;
  if (c >= 0x400 && c <= 0x52F) return Script::cyrillic;
  if (c >= 0x531 && c <= 0x58F) return Script::armenian;
  if (c >= 0x5D0 && c <= 0x5EA) return Script::hebrew;
  if ((c >= 0x620 && c <= 0x64A) || (c >= 0x671 && c <= 0x6D3)) return Script::arabic;
  if (c >= 0x900 && c <= 0x97F) return Script::devanagari;
  if (c >= 0x980 && c <= 0x9FF) return Script::bengali;
  if (c >= 0xB80 && c <= 0xBFF) return Script::tamil;
  if (c >= 0xE01 && c <= 0xE5B) return Script::thai;
  if (c >= 0x10A0 && c <= 0x10FF) return Script::georgian;
  if (c >= 0x3041 && c <= 0x30FF) return Script::kana;
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)) return Script::han;
  if ((c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF)) return Script::hangul;
  return Script::none;
}

// The whitespace-separated tokens of a post (language.cc, language_guess.cc).
// Tokens that carry no language: links, handles, hashtags.
inline bool skip_token(std::string_view token) {
  if (token.empty()) return true;
  if (token[0] == '@' || token[0] == '#') return true;
  return token.starts_with("http://") || token.starts_with("https://") ||
         token.starts_with("www.") || token.find("://") != std::string_view::npos;
}

// The bytes that separate tokens (one table look-up; the ASCII path of detect_latin reads
// words with the same test).
inline constexpr std::array<bool, 256> kTokenSpace = [] {
  std::array<bool, 256> t{};
  for (const char c : {' ', '\t', '\n', '\r'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();
inline bool token_space(char c) { return kTokenSpace[static_cast<unsigned char>(c)]; }

template <typename Fn>
inline void for_each_token(std::string_view text, Fn&& fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && token_space(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !token_space(text[j])) ++j;
    if (j > i && !skip_token(text.substr(i, j - i))) fn(text.substr(i, j - i));
    i = j;
  }
}

// Lower case for the Latin letters we see in European languages.
inline char32_t to_lower_latin(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0x130) return 'i';
  if (c >= 0x100 && c <= 0x17F && c != 0x131 && c != 0x138 && c != 0x149) {
    const bool odd_is_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_is_upper ? (c & 1) : !(c & 1)) return c + 1;
  }
  return c;
}

// FNV-1a over the code points of an n-gram; never 0 (0 marks an empty slot).
constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;
inline std::uint64_t ngram_key(const char32_t* begin, std::size_t n) {
  std::uint64_t h = kFnvBasis;
  for (std::size_t k = 0; k < n; ++k) h = (h ^ static_cast<std::uint64_t>(begin[k])) * kFnvPrime;
  return h == 0 ? 1 : h;
}

constexpr float kFunctionWordWeight = 10.0f;
constexpr float kNameWeight = 0.25f;

constexpr std::size_t kMaxGram = 5;
// A row is read kLanes floats at a time (the vector loads of language.cc); the lanes past
// the last language read whatever follows the row and are never used. scores_ ends with
// kLanes zeros so the last row can be read that far.
constexpr std::size_t kLanes = 16;
using Lanes8 = float __attribute__((vector_size(32)));  // GCC vector: 8 floats
using Lanes4 = float __attribute__((vector_size(16)));  // GCC vector: 4 floats
// With at most this many languages (the default 12), detection adds whole words' rows from a
// per-thread cache (language.cc, LanguageDetector::word_row); with more, it sums them anew.
constexpr std::size_t kCachedLanes = 12;
constexpr unsigned kFilterBits = 17;                    // 16 KiB of filter_
constexpr std::size_t kMaxWord = 48;  // longer "words" are cut: they are not words

// LanguageDetector::ascii_grams_: the profile row (or kNoGram) of every 1-, 2- and 3-gram
// over '_' (0) and a-z (1-26): entry c for a 1-gram, 27 + c0·27 + c1 for a 2-gram, and
// 27 + 729 + (c0·27 + c1)·27 + c2 for a 3-gram.
constexpr std::size_t kGramAlphabet = 27;
constexpr std::size_t kAsciiGrams = kGramAlphabet * (1 + kGramAlphabet * (1 + kGramAlphabet));
constexpr std::uint16_t kNoGram = 0xFFFF;

// Every proper prefix of a profile n-gram (its key, ngram_key of the prefix) sets a bit of
// LanguageDetector::prefixes_ (same layout as filter_): when the n-gram of length n at a
// position is no such prefix, no longer n-gram there is in any profile, and the loop stops.
inline std::uint64_t filter_bit(std::uint64_t key) { return key >> (64 - kFilterBits); }

}  // namespace earshot::sentiment::language_detail

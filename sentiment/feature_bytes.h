// earshot::sentiment — byte-level helpers of the feature tokenizer (internal to
// feature_tokens.cc): byte classes, the next whitespace, and an ASCII word written sixteen
// bytes at a time. Split off for speed work (issue 18) with the byte loop they shortcut
// kept in feature_tokens.cc; each gives exactly what that loop gives
// (FeatureTokens.WordsAreTheSameMidTextAndAtItsEnd, FeatureFingerprint.*).
//
//   std::size_t end = feature_bytes::next_space(text, 0);  // first ' ', \t..\r, or size
//
// Thread safety: pure functions and constant tables.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace earshot::sentiment::feature_bytes {

inline bool is_space(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }
inline bool is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline char lower(unsigned char c) {
  return static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
}

enum : std::uint8_t {
  kWordByte = 1,  // a-z A-Z 0-9 _ '
  kUpperByte = 2,
  kLetterByte = 4,
  kDigitByte = 8,
  kHighByte = 16,       // >= 0x80
  kEmoticonStart = 32,  // the first byte of an emoticon: : ; = < ^ - x X
};
// One table load instead of a chain of range tests.
inline constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t k = 0;
    if (c >= 0x80) k |= kHighByte;
    if (c >= 'A' && c <= 'Z') k |= kWordByte | kUpperByte | kLetterByte;
    if (c >= 'a' && c <= 'z') k |= kWordByte | kLetterByte;
    if (c >= '0' && c <= '9') k |= kWordByte | kDigitByte;
    if (c == '_' || c == '\'') k |= kWordByte;
    for (char e : std::string_view(":;=<^-xX")) {
      if (c == static_cast<unsigned char>(e)) k |= kEmoticonStart;
    }
    t[static_cast<std::size_t>(c)] = k;
  }
  return t;
}();

// The first whitespace byte (is_space) of s at or after i, or s.size(); sixteen at a time.
inline std::size_t next_space(std::string_view s, std::size_t i) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i four = _mm_set1_epi8(4);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // 9..13: b - 9 <= 4 unsigned, i.e. min(b - 9, 4) == b - 9.
    const __m128i d = _mm_sub_epi8(b, nine);
    const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(d, four), d);
    const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(b, space), ctl));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
  }
#endif
  while (i < s.size() && !is_space(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Most words are ASCII, shorter than 16 bytes and without three equal letters in a row.
// Such a word at p (16 bytes readable there; at most `size` bytes belong to the chunk) is
// classified, lower-cased and written to out (16 bytes of room) at once, exactly as the
// byte loop of FeatureTokenizer::word would (it squashes nothing there): returns its length
// and sets the counts. Returns 0, touching nothing, for any other word.
inline std::size_t ascii_word_block(const char* p, std::size_t size, char* out,
                                    std::size_t* upper, std::size_t* letters, bool* digits_only) {
#if defined(__SSE2__)
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const auto in = [&b](char lo, char hi) {  // signed compares: bytes >= 0x80 are outside
    return _mm_and_si128(_mm_cmpgt_epi8(b, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(b, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  const __m128i up = in('A', 'Z');
  const __m128i alpha = _mm_or_si128(up, in('a', 'z'));
  const __m128i digit = in('0', '9');
  const __m128i word = _mm_or_si128(
      _mm_or_si128(alpha, digit),
      _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('_')), _mm_cmpeq_epi8(b, _mm_set1_epi8('\''))));
  const unsigned run =
      static_cast<unsigned>(std::countr_zero(~static_cast<unsigned>(_mm_movemask_epi8(word))));
  if (run == 0 || run >= 16 || run > size) return 0;
  const __m128i lowered = _mm_or_si128(b, _mm_and_si128(up, _mm_set1_epi8(0x20)));
  const __m128i triple = _mm_and_si128(_mm_cmpeq_epi8(lowered, _mm_slli_si128(lowered, 1)),
                                       _mm_cmpeq_epi8(lowered, _mm_slli_si128(lowered, 2)));
  const unsigned in_run = (1u << run) - 1;
  if ((static_cast<unsigned>(_mm_movemask_epi8(triple)) & in_run) != 0) return 0;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lowered);
  *upper = static_cast<std::size_t>(
      std::popcount(static_cast<unsigned>(_mm_movemask_epi8(up)) & in_run));
  *letters = static_cast<std::size_t>(
      std::popcount(static_cast<unsigned>(_mm_movemask_epi8(alpha)) & in_run));
  *digits_only = (static_cast<unsigned>(_mm_movemask_epi8(digit)) & in_run) == in_run;
  return run;
#else
  (void)p, (void)size, (void)out, (void)upper, (void)letters, (void)digits_only;
  return 0;
#endif
}

}  // namespace earshot::sentiment::feature_bytes

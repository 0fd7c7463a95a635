// earshot::sentiment::vader_ascii — word-at-a-time helpers for VADER's plain-ASCII fast path
// (internal to vader.cc).
//
// Most posts are plain ASCII. For them vader.cc finds word boundaries in a whitespace bitmap
// (16 bytes per step with SSE2) instead of a byte loop whose exit is a branch mispredicted
// once per word, and classifies / lower-cases a word 8 bytes at a time in a register (SWAR).
//
//   std::vector<std::uint64_t> bits;
//   vader_ascii::scan_ascii("ab  c!", &bits);  // .exclaims == 1, bits[0] == (~0ull << 6) | 0b01100
//   std::uint64_t x = vader_ascii::load8(p, rest, end);  // bytes past `rest` are zero
//
// Every function requires ASCII input (bytes < 0x80). Thread safety: pure functions.
// Lifetime: nothing is retained.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace earshot::sentiment::vader_ascii {

static_assert(std::endian::native == std::endian::little, "byte i of a chunk is bits 8i..8i+7");

inline constexpr std::uint64_t kOnes = 0x0101010101010101ull;
inline constexpr std::uint64_t kHighs = 0x8080808080808080ull;

// High bit of each byte of `x` that lies in [lo, hi] (bytes < 0x80, so no carries).
constexpr std::uint64_t in_range(std::uint64_t x, unsigned lo, unsigned hi) {
  return (x + (0x80 - lo) * kOnes) & ~(x + (0x7F - hi) * kOnes) & kHighs;
}

// Up to 8 bytes at `p` (the first min(rest, 8)); the others are zero. `end` ends the buffer:
// a full 8-byte load is used when it stays inside it.
inline std::uint64_t load8(const char* p, std::size_t rest, const char* end) {
  std::uint64_t x = 0;
  if (p + 8 <= end) {
    std::memcpy(&x, p, 8);
    if (rest < 8) x &= (std::uint64_t{1} << (8 * rest)) - 1;
  } else {
    for (std::size_t k = rest < 8 ? rest : 8; k-- > 0;)
      x = (x << 8) | static_cast<unsigned char>(p[k]);
  }
  return x;
}

// Lower case of a chunk: 'A'..'Z' += 0x20.
constexpr std::uint64_t lower8(std::uint64_t x) { return x | (in_range(x, 'A', 'Z') >> 2); }

// string.punctuation bytes of a chunk (high bit per byte).
constexpr std::uint64_t punct8(std::uint64_t x) {
  return in_range(x, 0x21, 0x2F) | in_range(x, 0x3A, 0x40) | in_range(x, 0x5B, 0x60) |
         in_range(x, 0x7B, 0x7E);
}

// What one pass over a plain-ASCII text tells VADER: where the whitespace is, and how many
// '!' and '?' it holds (punctuation emphasis).
struct AsciiScan {
  bool ascii = true;  // false: a byte >= 0x80 was seen; nothing else is meaningful
  std::size_t exclaims = 0;
  std::size_t questions = 0;
};

// Sets bit i of (*bits)[i / 64] when text[i] is Python whitespace (\t..\r, \x1c..' '), and
// every bit past the text, plus one all-ones word: a scan for the next 1 always stops.
// Counts '!' and '?' on the way, and stops early (ascii == false) at a byte >= 0x80.
inline AsciiScan scan_ascii(std::string_view text, std::vector<std::uint64_t>* bits) {
  AsciiScan scan;
  const std::size_t n = text.size();
  bits->resize(n / 64 + 2);
  std::uint64_t* out = bits->data();
  for (std::size_t base = 0; base < n; base += 64) {
    alignas(16) char block[64];
    const char* src = text.data() + base;
    const std::size_t len = n - base < 64 ? n - base : 64;
    if (len < 64) {
      std::memset(block, 0, sizeof block);
      std::memcpy(block, src, len);
      src = block;
    }
    std::uint64_t m = 0;
    std::uint64_t high = 0;
#if defined(__SSE2__)
    for (int k = 0; k < 4; ++k) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * k));
      const __m128i a = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x08)),
                                      _mm_cmplt_epi8(x, _mm_set1_epi8(0x0E)));
      const __m128i b = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1B)),
                                      _mm_cmplt_epi8(x, _mm_set1_epi8(0x21)));
      m |= static_cast<std::uint64_t>(_mm_movemask_epi8(_mm_or_si128(a, b))) << (16 * k);
      high |= static_cast<std::uint64_t>(_mm_movemask_epi8(x));
      scan.exclaims += static_cast<std::size_t>(std::popcount(
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('!'))))));
      scan.questions += static_cast<std::size_t>(std::popcount(
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('?'))))));
    }
#else
    for (std::size_t i = 0; i < 64; ++i) {
      const auto c = static_cast<unsigned char>(src[i]);
      m |= static_cast<std::uint64_t>((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20)) << i;
      high |= c >> 7;
      scan.exclaims += c == '!';
      scan.questions += c == '?';
    }
#endif
    if (high != 0) {
      scan.ascii = false;
      return scan;
    }
    if (len < 64) m |= ~std::uint64_t{0} << len;
    out[base / 64] = m;
  }
  for (std::size_t w = (n + 63) / 64; w < bits->size(); ++w) out[w] = ~std::uint64_t{0};
  return scan;
}

// First position >= pos whose bit equals `want` (the bitmap must end in an all-ones word;
// looking for a 0 may then return a position past the text).
inline std::size_t next_bit(const std::vector<std::uint64_t>& bits, std::size_t pos, bool want) {
  std::size_t w = pos / 64;
  std::uint64_t m = (want ? bits[w] : ~bits[w]) & (~std::uint64_t{0} << (pos % 64));
  while (m == 0) {
    if (++w == bits.size()) return w * 64;
    m = want ? bits[w] : ~bits[w];
  }
  return w * 64 + static_cast<std::size_t>(std::countr_zero(m));
}

}  // namespace earshot::sentiment::vader_ascii

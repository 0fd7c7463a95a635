#include "pipeline/process/simhash.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <vector>

namespace earshot::pipeline::process {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Adds the 64 bits of each shingle fingerprint to 64 counters of ones. Counters are bytes
// packed eight to a word: lane j of word k counts bit 8 * j + k, so one shingle costs eight
// shift-mask-adds instead of 64 scalar updates. The bytes are emptied into `ones` before
// they can overflow (every 255 shingles).
class BitCounter {
 public:
  void add(std::uint64_t f) {
    constexpr std::uint64_t kLanes = 0x0101010101010101ULL;
    for (int k = 0; k < 8; ++k) packed_[k] += (f >> k) & kLanes;
    if (++pending_ == 255) flush();
  }
  // Bit b of the result: more shingles had bit b set than clear (of `total` shingles).
  std::uint64_t majority(std::size_t total) {
    flush();
    std::uint64_t out = 0;
    for (int b = 0; b < 64; ++b) {
      if (2 * ones_[b] > total) out |= 1ULL << b;
    }
    return out;
  }

 private:
  void flush() {
    for (int k = 0; k < 8; ++k) {
      for (int j = 0; j < 8; ++j) ones_[8 * j + k] += (packed_[k] >> (8 * j)) & 0xFF;
      packed_[k] = 0;
    }
    pending_ = 0;
  }
  std::uint64_t packed_[8] = {};
  std::size_t ones_[64] = {};
  int pending_ = 0;
};

}  // namespace

// kFold[c]: the byte a word hashes for c (ASCII letters lowercased; digits and every byte of
// a multi-byte UTF-8 sequence as they are), or 0 when c separates words.
constexpr auto kFold = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
      t[c] = static_cast<unsigned char>(c);
    else if (c >= 'A' && c <= 'Z')
      t[c] = static_cast<unsigned char>(c - 'A' + 'a');
  }
  return t;
}();

std::uint64_t simhash(std::string_view text) {
  // Word hashes are FNV-1a of the lowercased word, built byte by byte (no word strings);
  // the buffer is per thread, so a call allocates nothing once warm. A text of n bytes has
  // fewer than n + 1 words, so the buffer is sized once and filled without bounds checks.
  thread_local std::vector<std::uint64_t> words;
  const std::size_t n = text.size();
  if (words.size() < n + 1) words.resize(n + 1);
  std::uint64_t* const w = words.data();
  std::size_t count = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  constexpr std::uint64_t kBasis = 1469598103934665603ULL;
  std::uint64_t h = kBasis;
  bool in_word = false;
  const auto flush = [&] {
    w[count] = h;
    count += in_word ? 1 : 0;
    h = kBasis;
    in_word = false;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    if (c == '@' ||
        (c == 'h' && i + 3 < n && p[i + 1] == 't' && p[i + 2] == 't' && p[i + 3] == 'p')) {
      flush();  // links and handles vary across a wave
      while (i < n && p[i] != ' ' && p[i] != '\n') ++i;
      continue;
    }
    const unsigned char f = kFold[c];
    if (f != 0) {
      h = (h ^ f) * 1099511628211ULL;
      in_word = true;
    } else {
      flush();
    }
  }
  flush();
  const std::size_t m = count;
  if (m < 4) return 0;
  // Shingle i is mix(w[i] * 31 + mix(w[i+1]) * 17 + mix(w[i+2])); each word's mix is
  // computed once and carried along.
  BitCounter counter;
  std::uint64_t mid = mix(w[1]), last = mix(w[2]);
  for (std::size_t i = 0; i + 2 < m; ++i) {
    counter.add(mix(w[i] * 31 + mid * 17 + last));
    mid = last;
    if (i + 3 < m) last = mix(w[i + 3]);
  }
  const std::uint64_t out = counter.majority(m - 2);
  return out == 0 ? 1 : out;
}

}  // namespace earshot::pipeline::process

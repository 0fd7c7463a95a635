// earshot::sentiment::VaderLexicon — VADER's word valences and emoji descriptions.
//
// Parsed once from the lexicon files embedded in the binary (embedded_data.h), exactly as
// vaderSentiment 3.3.2 reads them: lines are stripped, split on TAB, the first two columns
// kept; for a word listed twice the last line wins. Lookups take the lower-cased word and
// do not allocate (open addressing over views into the embedded bytes).
//
//   const auto& lex = earshot::sentiment::VaderLexicon::embedded();
//   if (const double* v = lex.valence("good")) { /* *v == 1.9 */ }
//   std::string_view d = lex.emoji_description(U'\U0001F600');  // "grinning face"
//
// Thread safety: immutable after construction; embedded() is initialised once (thread-safe
// static) and may be used from any thread. Lifetime: the embedded() instance lives for the
// whole program; returned views point into static storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace earshot::sentiment {

class VaderLexicon {
 public:
  // Parses the two files' bytes. `words` and `emoji` must outlive the lexicon.
  VaderLexicon(std::string_view words, std::string_view emoji);

  // The lexicon built from the embedded data files.
  static const VaderLexicon& embedded();

  // Mean valence of `lowered`, or nullptr when the word is not in the lexicon.
  const double* valence(std::string_view lowered) const { return valence(lowered, hash(lowered)); }
  // Same, with `h` == hash(lowered) computed by the caller (to share it across tables).
  const double* valence(std::string_view lowered, std::uint64_t h) const;
  // Hints the cache to load the slot valence(…, h) will read first (for batched look-ups).
  void prefetch(std::uint64_t h) const { __builtin_prefetch(&slots_[h & (slots_.size() - 1)]); }
  // The hash used for look-ups: 8 bytes per multiply, so short words cost one or two steps.
  static std::uint64_t hash(std::string_view bytes) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ bytes.size();
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, bytes.data() + i, 8);
      h = (h ^ chunk) * 0xFF51AFD7ED558CCDull;
      h ^= h >> 32;
    }
    std::uint64_t tail = 0;  // < 8 bytes; a loop, not a variable-length memcpy call
    for (std::size_t k = i; k < bytes.size(); ++k) {
      tail = (tail << 8) | static_cast<unsigned char>(bytes[k]);
    }
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 29);
  }
  // Description replacing the single code point `cp`, or "" when `cp` is not an emoji entry.
  std::string_view emoji_description(char32_t cp) const;

  std::size_t word_count() const { return entries_.size(); }
  // Calls fn(word, valence) for every word, in no particular order.
  template <typename Fn>
  void for_each_word(Fn fn) const {
    for (const Entry& e : entries_) fn(key(e), e.value);
  }
  // True when the ASCII character `c` is an emoji entry (none are, in the shipped file).
  bool ascii_emoji(unsigned char c) const { return c < 128 && ascii_emoji_[c]; }
  std::size_t emoji_count() const { return emoji_.size(); }

 private:
  // Compact layout so a look-up touches little memory: 4-byte slots (16-bit hash tag,
  // 16-bit entry index + 1), keys copied back to back into one arena.
  struct Entry {
    std::uint32_t key_offset = 0;
    std::uint32_t key_length = 0;
    double value = 0.0;
  };
  void insert(std::string_view key, double value);
  std::string_view key(const Entry& e) const {
    return {arena_.data() + e.key_offset, e.key_length};
  }

  std::vector<std::uint32_t> slots_;  // power-of-two size, linear probing
  std::vector<Entry> entries_;
  std::string arena_;
  std::vector<std::pair<char32_t, std::string_view>> emoji_;  // sorted by code point
  bool ascii_emoji_[128] = {};
};

}  // namespace earshot::sentiment

// earshot::sentiment::VaderWordTable — everything VADER knows about a lower-cased word, in
// one hash probe (internal to vader.cc).
//
// vaderSentiment looks a word up in several tables: the lexicon (valence), BOOSTER_DICT,
// NEGATE and the literal comparisons of its rules ("no", "but", "least", idiom words...).
// This table merges them: one open-addressing table of 32-byte entries keyed by the
// lower-cased word, each carrying the valence (if any) and the rule traits. The first 16 key
// bytes sit in the entry, so a probe usually touches one cache line (prefetch() it early),
// compares whole 64-bit words and never calls memcmp.
//
//   const VaderWordTable& t = VaderWordTable::embedded();
//   alignas(8) char buf[16] = "good";            // zero-padded to a multiple of 8 (>= 8)
//   const VaderWordTable::Entry* e = t.find(buf, 4, VaderWordTable::hash(buf, 4));
//   // e->has_valence() && e->valence == 1.9
//
// Thread safety: immutable after construction; embedded() is a thread-safe static.
// Lifetime: embedded() lives for the whole program; returned pointers stay valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "sentiment/vader_rules.h"

namespace earshot::sentiment {

class VaderLexicon;

class VaderWordTable {
 public:
  struct alignas(32) Entry {
    std::uint64_t key[2] = {0, 0};  // key bytes 0..15, zero-padded
    double valence = 0.0;           // lexicon valence; meaningful when has_valence()
    std::uint32_t rest = 0;         // arena offset of key bytes 16.. (longer keys)
    std::uint8_t length = 0;        // key bytes (keys longer than 255 bytes are not stored)
    std::uint8_t id = 0;            // VaderTraits::id
    std::uint8_t flags = 0;         // k* bits below
    std::uint8_t booster = 0;       // index into the distinct BOOSTER_DICT values
    bool has_valence() const { return flags & kValence; }
    bool negate() const { return flags & kNegate; }
    bool is_booster() const { return flags & kBooster; }
  };
  static constexpr std::uint8_t kUsed = 1, kValence = 2, kNegate = 4, kBooster = 8;

  // Merges `lexicon` and vader_rules::trait_words(). Keys are copied: `lexicon` need not
  // outlive the table.
  explicit VaderWordTable(const VaderLexicon& lexicon);
  static const VaderWordTable& embedded();

  // Hash of the `len` bytes at `padded`, which must be readable and zero up to the next
  // multiple of 8 bytes.
  static std::uint64_t hash(const char* padded, std::size_t len) {
    std::uint64_t h = hash_seed(len);
    for (std::size_t i = 0; i < len; i += 8) h = hash_step(h, load(padded + i));
    return h;
  }
  // hash() in pieces, for callers that produce the 8-byte chunks themselves.
  static std::uint64_t hash_seed(std::size_t len) { return 0x9E3779B97F4A7C15ull ^ len; }
  static std::uint64_t hash_step(std::uint64_t h, std::uint64_t chunk) {
    h = (h ^ chunk) * 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
  }

  // Hints the cache to load the entry find(…, h) reads first.
  void prefetch(std::uint64_t h) const { __builtin_prefetch(&slots_[h & mask_]); }
  // The entry for the word at `padded` (see hash(); at least 8 bytes readable), or nullptr.
  const Entry* find(const char* padded, std::size_t len, std::uint64_t h) const {
    const std::uint64_t k0 = load(padded);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (!(e.flags & kUsed)) return nullptr;
      if (e.length != len || e.key[0] != k0) continue;
      if (len <= 8) return &e;
      if (e.key[1] != load(padded + 8)) continue;
      if (len <= 16 || same_padded(arena_.data() + e.rest, padded + 16, len - 16)) return &e;
    }
  }
  // BOOSTER_DICT value of `e` (0 when it is not a booster).
  double booster(const Entry& e) const { return boosters_[e.booster]; }

 private:
  static std::uint64_t load(const char* p) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    return x;
  }
  static bool same_padded(const char* a, const char* b, std::size_t len) {
    for (std::size_t i = 0; i < len; i += 8) {
      if (load(a + i) != load(b + i)) return false;
    }
    return true;
  }
  Entry* at(std::string_view word);

  std::size_t mask_ = 0;
  std::vector<Entry> slots_;      // power-of-two size, linear probing, load <= 1/8 (2 MB)
  std::string arena_;             // key bytes 16.. of long keys, each zero-padded to 8 bytes
  std::vector<double> boosters_;  // [0] == 0.0
};

}  // namespace earshot::sentiment

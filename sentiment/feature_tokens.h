// earshot::sentiment — the tokenisation behind features.h (internal to the learned scorer).
//
// tokenize_for_features() normalises a post into tokens for hashing (rules in features.h):
// lower-cased, elongations squashed, URLs/handles/numbers replaced by <url>/<user>/<num>,
// emoticons and emoji kept (an emoji is followed by the words of its description from the
// VADER emoji lexicon, so emoji share weights with words the training data does have),
// negation scopes marked. lexicon_valence() looks a token up in the VADER lexicon.
//
//   FeatureTokenBuffer buffer;                 // reuse: no allocation once grown
//   tokenize_for_features("not bad :)", true, buffer);
//   // buffer.tokens: "not", "bad" (negated), ":)"
//
// Thread safety: both functions are safe from any number of threads (the lexicon tables
// are built once, on first use, and never change). Lifetime: tokens index buffer.text.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace earshot::sentiment {

enum class FeatureTokenKind : std::uint8_t { word, special, punct, emoji };

struct FeatureToken {
  std::uint32_t begin = 0;  // into FeatureTokenBuffer::text
  std::uint32_t size = 0;
  FeatureTokenKind kind = FeatureTokenKind::word;
  bool negated = false;
  bool elongated = false;
  bool all_caps = false;
  bool name = false;  // a hashtag, or a capitalised word not at the start of a sentence
};

struct FeatureTokenBuffer {
  std::string text;  // normalised token bytes, back to back
  std::vector<FeatureToken> tokens;
};

// Fills `out` (cleared first) with the tokens of `text`.
void tokenize_for_features(std::string_view text, bool negation, FeatureTokenBuffer& out);

// The n <= 8 bytes at p as a little-endian integer, zero-padded (what a byte loop
// `v |= p[i] << 8 * i` gives), in two overlapping loads: the overlap holds equal bytes at
// equal places, so OR joins them.
inline std::uint64_t load_le_upto8(const char* p, std::size_t n) {
  static_assert(std::endian::native == std::endian::little, "little-endian loads");
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return a | (static_cast<std::uint64_t>(b) << (8 * (n - 4)));
  }
  if (n >= 2) {
    std::uint16_t a, b;
    std::memcpy(&a, p, 2);
    std::memcpy(&b, p + n - 2, 2);
    return a | (static_cast<std::uint64_t>(b) << (8 * (n - 2)));
  }
  return n == 1 ? static_cast<unsigned char>(p[0]) : 0;
}

// Seed of hash_bytes() for token hashes, shared by the n-gram features and the lexicon.
inline constexpr std::uint64_t kTokenHashSeed = 0x5851F42D4C957F2Dull;

// VADER lexicon valence (-4..4) of a normalised token, 0 when it is not in the lexicon.
float lexicon_valence(std::string_view token);
// The same by hash_bytes(token, kTokenHashSeed), for callers that hashed the token anyway.
float lexicon_valence_of_hash(std::uint64_t token_hash);

}  // namespace earshot::sentiment

#include "sentiment/features.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "sentiment/feature_tokens.h"
#include "sentiment/vader.h"

namespace earshot::sentiment {
namespace {

// ---- Hashing -------------------------------------------------------------------------------

constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ull;
constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kWordSeed = kTokenHashSeed;
constexpr std::uint64_t kCharSeed = 0x14057B7EF767814Full;
constexpr std::uint64_t kLexBinSeed = 0x2545F4914F6CDD1Dull;
constexpr std::uint64_t kNegSalt = 0xD6E8FEB86659FD93ull;

inline std::uint64_t fmix64(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xFF51AFD7ED558CCDull;
  k ^= k >> 33;
  k *= 0xC4CEB9FE1A85EC53ull;
  k ^= k >> 33;
  return k;
}

inline std::uint64_t load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

struct Scratch {
  FeatureTokenBuffer tokens;
  std::vector<std::uint64_t> hashes;
  std::vector<float> weights;  // per token: name_weight for names, else 1
  std::vector<std::int64_t> lex_bins;
  std::vector<FeatureExtractor::CharWord> words;  // extract_parts()'s plain words
  std::vector<Feature> expanded;                  // extract_unscaled()'s output
  // The features, written in place (a vector's resize would zero them first).
  std::unique_ptr<Feature[]> features;
  std::size_t capacity = 0;
  Feature* reserve(std::size_t n) {
    if (n > capacity) {
      capacity = std::max(n, 2 * capacity);
      features = std::make_unique_for_overwrite<Feature[]>(capacity);
    }
    return features.get();
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = seed ^ (bytes.size() * kP1);
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  while (n >= 8) {
    h = std::rotl(h ^ (load64(p) * kP2), 31) * kP1;
    p += 8;
    n -= 8;
  }
  const std::uint64_t tail = load_le_upto8(p, n);
  h = std::rotl(h ^ (tail * kP2), 27) * kP1;
  return fmix64(h);
}

namespace {

// How many character n-grams (lo..hi bytes) "<word>" has for a word of `size` bytes.
std::size_t count_char_ngrams(std::size_t lo, std::size_t hi, std::size_t size) {
  if (lo == 0 || lo > hi) return 0;
  // Starting at each of the T bytes of "<word>", the n-grams of lo..min(hi, bytes left).
  const std::size_t t = std::min<std::size_t>(size, 64) + 2;
  const std::size_t a = std::min(t, hi);
  std::size_t count = a >= lo ? (a - lo + 1) * (a - lo + 2) / 2 : 0;
  if (t > hi) count += (t - hi) * (hi - lo + 1);
  return count;
}

}  // namespace

FeatureExtractor::FeatureExtractor(const FeatureConfig& config)
    : config_(config), shift_(64u - config.hash_bits) {
  for (std::size_t size = 0; size <= 64; ++size) {
    char_counts_[size] = static_cast<std::uint16_t>(
        count_char_ngrams(config.char_ngram_min, config.char_ngram_max, size));
  }
}

void FeatureExtractor::extract(std::string_view text, std::vector<Feature>& out) const {
  const Unscaled u = extract_unscaled(text);
  out.assign(u.features, u.features + u.size);
  for (std::size_t i = 0; i < u.scaled; ++i) out[i].value *= u.scale;
}

namespace {

// `sq` plus `k` additions of `c`, one at a time (each rounds), as extract() sums the squares
// of a word's character n-grams. When c is a power of two and sq a multiple of it below
// 2^24 * c, every partial sum is exact, so one addition of k * c (also exact) gives the
// same float: the shipped char_weight 0.5 makes c 0.25.
float add_repeated(float sq, float c, std::size_t k) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(c);
  const std::uint32_t exponent = bits >> 23;  // sign bit 0: c > 0
  if ((bits & 0x7FFFFFu) == 0 && exponent > 24 && exponent < 200 && k <= (1u << 23)) {
    const float q = sq / c;  // exact: a power-of-two divisor in range
    if (q >= 0.0f && q == std::floor(q) && q + static_cast<float>(k) <= 16777216.0f) {
      return sq + static_cast<float>(k) * c;
    }
  }
  for (std::size_t i = 0; i < k; ++i) sq += c;
  return sq;
}

}  // namespace

std::size_t FeatureExtractor::char_ngram_count(std::size_t size) const {
  return char_counts_[std::min<std::size_t>(size, 64)];
}

std::size_t FeatureExtractor::char_ngrams(std::string_view word, std::uint32_t* out) const {
  const std::size_t lo = config_.char_ngram_min;
  const std::size_t hi = config_.char_ngram_max;
  if (lo == 0) return 0;
  std::array<unsigned char, 66> w;
  const std::size_t len = std::min<std::size_t>(word.size(), 64);
  w[0] = '<';
  std::memcpy(w.data() + 1, word.data(), len);
  w[len + 1] = '>';
  const std::size_t total = len + 2;
  const std::uint32_t shift = shift_;
  std::uint32_t* o = out;
  // One multiply-xorshift is enough here: h is already a full-width product.
  const auto put = [&o, shift](std::uint64_t h, std::uint64_t n) {
    *o++ = static_cast<std::uint32_t>(((h ^ (h >> 29) ^ n) * kP2) >> shift);
  };
  if (lo == 2 && hi == 5) {  // the shipped configuration, unrolled
    for (std::size_t b = 0; b + 1 < total; ++b) {
      const unsigned char* c = w.data() + b;
      const std::size_t top = total - b;  // >= 2
      std::uint64_t h = (kCharSeed ^ c[0]) * kP1;
      h = (h ^ c[1]) * kP1;
      put(h, 2);
      if (top < 3) continue;
      h = (h ^ c[2]) * kP1;
      put(h, 3);
      if (top < 4) continue;
      h = (h ^ c[3]) * kP1;
      put(h, 4);
      if (top < 5) continue;
      h = (h ^ c[4]) * kP1;
      put(h, 5);
    }
    return static_cast<std::size_t>(o - out);
  }
  for (std::size_t b = 0; b < total; ++b) {
    const unsigned char* c = w.data() + b;
    const std::size_t top = std::min(hi, total - b);
    std::uint64_t h = kCharSeed;
    std::size_t n = 1;
    for (; n < lo && n <= top; ++n) h = (h ^ c[n - 1]) * kP1;
    for (; n <= top; ++n) {
      h = (h ^ c[n - 1]) * kP1;
      put(h, n);
    }
  }
  return static_cast<std::size_t>(o - out);
}

FeatureExtractor::Unscaled FeatureExtractor::extract_unscaled(std::string_view text) const {
  const Parts p = extract_parts(text);
  Scratch& s = scratch();
  std::size_t n = p.head_size + p.tail_size;
  for (std::size_t i = 0; i < p.word_count; ++i) n += char_ngram_count(p.words[i].size);
  if (n > s.expanded.size()) s.expanded.resize(std::max(n, 2 * s.expanded.size()));
  Feature* const first = s.expanded.data();
  Feature* o = std::copy(p.head, p.head + p.head_size, first);
  std::array<std::uint32_t, 66 * 8> buckets;  // char_ngram_max <= 8
  for (std::size_t i = 0; i < p.word_count; ++i) {
    const CharWord& w = p.words[i];
    const std::size_t k = char_ngrams(std::string_view(p.text + w.begin, w.size), buckets.data());
    for (std::size_t j = 0; j < k; ++j) *o++ = Feature{buckets[j], w.weight};
  }
  o = std::copy(p.tail, p.tail + p.tail_size, o);
  return Unscaled{first, n, p.scaled ? n - (p.tail_size - p.tail_scaled) : 0, p.scale};
}

FeatureExtractor::Parts FeatureExtractor::extract_parts(std::string_view text) const {
  Scratch& s = scratch();
  tokenize_for_features(text, config_.negation, s.tokens);
  const auto& toks = s.tokens.tokens;
  const std::string& norm = s.tokens.text;

  s.hashes.clear();
  s.weights.clear();
  s.words.clear();
  const bool names = config_.name_weight < 1.0f;
  float lex_pos = 0.0f, lex_neg = 0.0f;
  // lexicon_extra: strongest valences, sums after the last "but", negated/emphasised hits.
  float lex_max = 0.0f, lex_min = 0.0f, but_pos = 0.0f, but_neg = 0.0f;
  bool after_but = false, negated_hit = false;
  int emphasised = 0;
  static const std::uint64_t kBut = hash_bytes("but", kWordSeed);
  static const std::uint64_t kElongated = hash_bytes("<elongated>", kWordSeed);
  static const std::uint64_t kAllCaps = hash_bytes("<allcaps>", kWordSeed);
  auto& lex_bins = s.lex_bins;
  lex_bins.clear();
  const bool chars = config_.char_ngram_min > 0;
  const float base_char_weight = config_.char_weight;
  // An upper bound of the features below, so they are written with no capacity checks.
  const std::size_t bound = (config_.word_ngram_max + 3) * toks.size() + 16;
  for (const FeatureToken& t : toks) {
    std::uint64_t h = hash_bytes(std::string_view(norm).substr(t.begin, t.size), kWordSeed);
    if (h == kBut) {
      after_but = true;
      but_pos = but_neg = 0.0f;
    }
    bool in_lexicon = false;
    if (config_.lexicon && t.kind != FeatureTokenKind::special) {
      float v = lexicon_valence_of_hash(h);
      in_lexicon = v != 0.0f;
      if (v != 0.0f) {
        if (t.negated) v *= -0.74f;  // VADER's negation scalar
        (v > 0 ? lex_pos : lex_neg) += v;
        lex_bins.push_back(static_cast<std::int64_t>(std::lround(v * 2.0f)));
        lex_max = std::max(lex_max, v);
        lex_min = std::min(lex_min, v);
        if (after_but) (v > 0 ? but_pos : but_neg) += v;
        negated_hit = negated_hit || t.negated;
        if (t.all_caps || t.elongated) emphasised += v > 0 ? 1 : -1;
      }
    }
    float weight = 1.0f;
    if (names) {
      const bool name = t.name && t.kind == FeatureTokenKind::word && !in_lexicon;
      weight = name ? config_.name_weight : 1.0f;
      s.weights.push_back(weight);
    }
    if (chars && t.kind == FeatureTokenKind::word) {
      const float char_weight = names ? base_char_weight * weight : base_char_weight;
      s.words.push_back(CharWord{t.begin, std::min<std::uint32_t>(t.size, 64), char_weight, h});
    }
    if (t.negated) h = fmix64(h ^ kNegSalt);
    s.hashes.push_back(h);
  }
  Feature* const first = s.reserve(bound);
  Feature* o = first;
  const std::uint32_t shift = shift_;
  // The sum of squares for the L2 scale, added as the features are written (the same
  // additions in the same order as a pass over them afterwards).
  float sq = 0.0f;
  const auto emit = [&o, &sq, shift](std::uint64_t h, float value) {
    *o++ = Feature{static_cast<std::uint32_t>(fmix64(h) >> shift), value};
    sq += value * value;
  };

  // Word 1..N-grams over the token sequence.
  const std::size_t n_tok = s.hashes.size();
  const std::uint64_t* hashes = s.hashes.data();
  const std::size_t word_max = config_.word_ngram_max;
  if (word_max == 3 && !names) {  // the shipped configuration, unrolled (same order)
    for (std::size_t i = 0; i < n_tok; ++i) {
      std::uint64_t g = hashes[i];
      emit(g + 1, 1.0f);
      if (i + 2 > n_tok) continue;
      g = std::rotl(g * kP1, 23) ^ hashes[i + 1];
      emit(g + 2, 1.0f);
      if (i + 3 > n_tok) continue;
      g = std::rotl(g * kP1, 23) ^ hashes[i + 2];
      emit(g + 3, 1.0f);
    }
  } else {
    for (std::size_t i = 0; i < n_tok; ++i) {
      std::uint64_t g = hashes[i];
      float v = names ? s.weights[i] : 1.0f;
      emit(g + 1, v);
      for (std::size_t n = 2; n <= word_max && i + n <= n_tok; ++n) {
        g = std::rotl(g * kP1, 23) ^ hashes[i + n - 1];
        if (names) v = std::min(v, s.weights[i + n - 1]);
        emit(g + n, v);
      }
    }
  }
  const std::size_t head_size = static_cast<std::size_t>(o - first);

  // Character n-grams of "<word>" for plain words: only their squares here (without
  // names every word's n-grams weigh the same, so they are one run of equal additions).
  std::size_t char_count = 0;
  if (!names) {
    for (const CharWord& w : s.words) char_count += char_counts_[w.size];
    const float char_sq = base_char_weight * base_char_weight;
    sq = add_repeated(sq, char_sq, char_count);
  } else {
    for (const CharWord& w : s.words) {
      const std::size_t k = char_counts_[w.size];
      const float char_sq = w.weight * w.weight;
      sq = add_repeated(sq, char_sq, k);
      char_count += k;
    }
  }

  // Flags, hashed like tokens of their own.
  for (const FeatureToken& t : toks) {
    if (t.elongated) emit(kElongated, 1.0f);
    if (t.all_caps) emit(kAllCaps, 1.0f);
  }
  for (std::int64_t bin : lex_bins) emit(kLexBinSeed + static_cast<std::uint64_t>(bin), 1.0f);
  Parts result{first,   head_size,        s.words.data(), s.words.size(), first + head_size, 0, 0,
               norm.data(), 1.0f, false};
  result.tail_scaled = static_cast<std::size_t>(o - first) - head_size;
  if (config_.normalize && (o != first || char_count > 0)) {
    result.scale = 1.0f / std::sqrt(sq);
    result.scaled = true;
  }
  if (config_.lexicon && (lex_pos != 0.0f || lex_neg != 0.0f)) {
    // VADER's normalisation x / sqrt(x^2 + 15) keeps the sums in (-1, 1).
    const auto squash = [](float x) { return x / std::sqrt(x * x + 15.0f); };
    const float k = config_.dense_weight;
    emit(kLexBinSeed + 101, k * squash(lex_pos));
    emit(kLexBinSeed + 102, k * squash(lex_neg));
    emit(kLexBinSeed + 103, k * squash(lex_pos + lex_neg));
    if (config_.lexicon_extra) {
      emit(kLexBinSeed + 104, k * lex_max / 4.0f);
      emit(kLexBinSeed + 105, k * lex_min / 4.0f);
      if (after_but) {
        emit(kLexBinSeed + 106, k * squash(but_pos));
        emit(kLexBinSeed + 107, k * squash(but_neg));
      }
      if (negated_hit) emit(kLexBinSeed + 108, k);
      if (emphasised != 0) emit(kLexBinSeed + (emphasised > 0 ? 109 : 110), k);
    }
  }
  if (config_.vader) {
    const VaderScores v = vader_polarity_scores(text);
    const auto bin = static_cast<std::uint64_t>(std::clamp((v.compound + 1.0) * 5.0, 0.0, 9.0));
    const float k = config_.dense_weight;
    emit(hash_bytes("<vader-bin>", kWordSeed) + bin, k);
    emit(hash_bytes("<vader-compound>", kWordSeed), k * static_cast<float>(v.compound));
    emit(hash_bytes("<vader-pos>", kWordSeed), k * static_cast<float>(v.pos));
    emit(hash_bytes("<vader-neg>", kWordSeed), k * static_cast<float>(v.neg));
  }
  result.tail_size = static_cast<std::size_t>(o - first) - head_size;
  return result;
}

std::vector<std::string> feature_tokens(std::string_view text, bool negation) {
  FeatureTokenBuffer buffer;
  tokenize_for_features(text, negation, buffer);
  std::vector<std::string> result;
  for (const FeatureToken& t : buffer.tokens) {
    std::string s(buffer.text.substr(t.begin, t.size));
    if (t.negated) s += "_NEG";
    result.push_back(std::move(s));
  }
  return result;
}

}  // namespace earshot::sentiment

// earshot::sentiment — hashed n-gram features for the learned scorer.
//
// FeatureExtractor turns a post into a short list of (bucket, value) pairs: hashed word
// 1..N-grams and character n-grams of each word (scaled together to unit length), a few
// flags (elongation, all caps), VADER-lexicon valence features (a bin per lexicon word hit,
// negation flips it; squashed sums of positive and negative valence) and, optionally, the
// full VADER scores (off by default: +0.00-0.01 macro recall for half the throughput).
// Buckets index a table of 2^hash_bits rows; the learned model keeps one row of class
// weights per bucket, so no vocabulary is stored.
//
// Normalisation (so "Sooo #HAPPY @bob http://x" and "so happy @amy" share features):
//   ASCII lower-casing; runs of 3+ equal letters squashed to 2 ("sooo" -> "soo");
//   URLs -> <url>; @handles -> <user>; digit runs -> <num>; a leading '#' dropped;
//   emoticons (":)", ":-(", "<3", ...) and each emoji codepoint kept as tokens, an emoji
//   followed by the words of its description ("face with tears of joy") so that emoji,
//   absent from the training data, share weights with words; after a negation word
//   ("not", "never", "*n't", ...) word tokens are marked negated until the next
//   . , ; : ! ? token. Details: feature_tokens.h.
//
//   earshot::sentiment::FeatureConfig config;          // defaults are the shipped ones
//   earshot::sentiment::FeatureExtractor extractor(config);
//   std::vector<earshot::sentiment::Feature> features;  // reuse across calls
//   extractor.extract("not good :(", features);         // features.size() > 0
//
// Thread safety: a FeatureExtractor is immutable; extract() is const and uses only the
// caller's vector plus thread_local scratch, so one extractor serves any number of threads.
// Hot path: once `out` and the scratch have grown, extract() does not allocate.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace earshot::sentiment {

// How features are made. Stored in every model file, so a model always scores with the
// configuration it was trained with.
struct FeatureConfig {
  std::uint8_t hash_bits = 19;      // table rows = 2^hash_bits, 12..26
  std::uint8_t word_ngram_max = 3;  // word 1..N-grams, 1..4
  std::uint8_t char_ngram_min = 2;  // character n-grams of "<word>", 0 = none
  std::uint8_t char_ngram_max = 5;
  bool negation = true;       // mark word tokens in a negation scope
  bool lexicon = true;        // VADER-lexicon valence features per token and summed
  // With `lexicon`: strongest positive and negative valence, the sums after the last "but"
  // (VADER weighs that clause up), a negated-hit flag and lexicon hits in caps/elongated.
  bool lexicon_extra = false;
  // Value of the word and character n-grams of names (hashtags, capitalised words not at a
  // sentence start, not in the lexicon): below 1 the model leans less on topics it saw.
  // Stored in the model file as a percentage, 0.01..1.
  float name_weight = 1.0f;
  bool vader = false;         // add VADER {neg, pos, compound, binned compound}
  float char_weight = 0.5f;   // value of one character n-gram (words are 1.0)
  bool normalize = true;      // scale n-gram features to unit L2 norm
  float dense_weight = 1.0f;  // value of lexicon sums and VADER scores (not normalised)
  bool operator==(const FeatureConfig&) const = default;
};

struct Feature {
  std::uint32_t bucket = 0;  // < 2^hash_bits
  float value = 0.0f;
};

// 64-bit hash of bytes (murmur/xxhash-style multiply-mix), stable across platforms.
std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed);

class FeatureExtractor {
 public:
  explicit FeatureExtractor(const FeatureConfig& config);
  // Clears `out` and fills it with the features of `text` (any bytes; invalid UTF-8 is
  // treated as opaque symbols). A feature that occurs twice appears twice.
  void extract(std::string_view text, std::vector<Feature>& out) const;
  const FeatureConfig& config() const { return config_; }

  // The features of `text` before the L2 scaling, in a thread_local buffer (valid until the
  // next call in this thread): extract() gives features[i].value * scale for i < scaled and
  // features[i].value after (the lexicon sums are not scaled). For LinearModel::logits,
  // which multiplies as it sums: no copy and no second pass over the features.
  struct Unscaled {
    const Feature* features;
    std::size_t size;
    std::size_t scaled;
    float scale;
  };
  Unscaled extract_unscaled(std::string_view text) const;

  // extract_unscaled() with each plain word's character n-grams left as the word, for a
  // caller that keeps per-word results (LinearModel::logits caches each word's weight rows).
  // Expanding every `words[i]` with char_ngrams() (value `weight`) between `head` and `tail`
  // gives extract_unscaled()'s features in its order; `scale` is computed as there (from the
  // n-gram counts: no word is hashed for it). Thread_local buffers, valid until the next
  // extract call in this thread.
  struct CharWord {
    std::uint32_t begin;  // into Parts::text
    std::uint32_t size;   // at most 64 (longer words are cut, as extract() cuts them)
    float weight;         // the value of each of its character n-grams
    std::uint64_t hash;   // hash_bytes(word, token seed) of the whole word
  };
  struct Parts {
    const Feature* head;  // word n-grams, all scaled
    std::size_t head_size;
    const CharWord* words;  // in token order; their n-grams are scaled
    std::size_t word_count;
    const Feature* tail;      // flags and lexicon bins (scaled), then the dense sums (not)
    std::size_t tail_scaled;  // how many of tail are scaled
    std::size_t tail_size;
    const char* text;  // the normalised token bytes
    float scale;       // 1.0f when nothing is scaled (normalize off, or no features)
    bool scaled;       // Unscaled::scaled != 0
  };
  Parts extract_parts(std::string_view text) const;
  // How many character n-grams a word of `size` bytes has (size cut to 64), and their
  // buckets in extract()'s order (`out` holds at least char_ngram_count(word.size())).
  std::size_t char_ngram_count(std::size_t size) const;
  std::size_t char_ngrams(std::string_view word, std::uint32_t* out) const;

 private:
  FeatureConfig config_;
  std::uint32_t shift_;  // 64 - hash_bits
  std::array<std::uint16_t, 65> char_counts_;  // char_ngram_count() by word size 0..64
};

// The tokens extract() hashes, as text, for tests and debugging: "not", "good_NEG",
// "<user>", ":(", ... (negated word tokens carry the suffix "_NEG").
std::vector<std::string> feature_tokens(std::string_view text, bool negation);

}  // namespace earshot::sentiment

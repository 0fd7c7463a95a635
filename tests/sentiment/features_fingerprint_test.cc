// The learned scorer's features and logits, to the last bit, over the 47,872 texts of
// tests/sentiment/data/vader_parity.tsv plus hand-made edge cases (invalid UTF-8, words
// longer than 64 bytes, emoji runs, empty and blank texts). Each fingerprint is an FNV-1a
// over every (bucket, value bits) and every logit's bits, in order, so any change to the
// tokens, hashes, feature order (the float sums depend on it) or values fails here.
//
// The constants were printed by the code before the speed work of issue 18 (commit 515f5d9):
// a speed change must leave them alone. A deliberate change of the features (a new model
// format) updates them, and says so in its commit. The model here has fixed pseudo-random
// weights, so retraining default.model does not touch these figures.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sentiment/features.h"
#include "sentiment/linear_model.h"
#include "tests/sentiment/vader_reference.h"

namespace earshot::sentiment {
namespace {

struct Fnv {
  std::uint64_t h = 0xCBF29CE484222325ull;
  void add(std::uint32_t x) {
    for (int i = 0; i < 4; ++i) {
      h ^= (x >> (8 * i)) & 0xFF;
      h *= 0x100000001B3ull;
    }
  }
};

std::vector<std::string> texts() {
  std::vector<std::string> out;
  for (auto& row : read_vader_reference(vader_reference_path(EARSHOT_SENTIMENT_DATA_DIR "/../.."))) {
    out.push_back(std::move(row.text));
  }
  out.push_back("");
  out.push_back("   \t ");
  out.push_back("ok \xFF\xC3 \xE2\x80 end \xF0\x9F\x98");
  out.push_back(std::string(200, 'a') + " " + std::string(70, 'Z') + "!!!! wow");
  out.push_back("\xF0\x9F\x98\x82\xF0\x9F\x98\x82\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD #Great @x_y :-( <3");
  out.push_back("I don't NOT like it... but it's Sooooo BAD!!! xD :d :data www.x.com 12,5 #1");
  out.push_back("caf\xC3\xA9 na\xC3\xAFve \xE2\x80\x94 \xC2\xA1Hola! don\xE2\x80\x99t \xE2\x80\xA6 ok");
  return out;
}

std::vector<std::int8_t> weights(std::uint8_t bits) {
  std::vector<std::int8_t> w(std::size_t{4} << bits);
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto& v : w) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = static_cast<std::int8_t>(x >> 56);
  }
  return w;
}

// The constants are the release build's (-O2, -march=haswell): there GCC contracts a*b+c into
// fused multiply-adds (C++'s default -ffp-contract=fast; its widening_mul pass runs from -O2),
// in the L2 scaling of the features and the logits' dot products. deploy/sanitize.sh builds at
// -O1, where GCC does not contract (no vfmadd in features.o or linear_model.o, 6 and 5 at
// -O2), so those sums round differently in the last bit; the tokens, buckets, order and counts
// are the same (without normalising, the feature bits too). The sanitizer builds pin their own
// figures (printed by the ASan and the TSan build alike, 2026-12-07).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kNoFma = true;
#else
constexpr bool kNoFma = false;
#endif

struct Prints {
  std::uint64_t features;
  std::uint64_t logits;
  std::uint64_t count;
};

Prints fingerprint(const FeatureConfig& config, const std::vector<std::string>& all) {
  const FeatureExtractor extractor(config);
  LinearModelData data;
  data.features = config;
  data.bias = {0.25f, -0.5f, 0.125f};
  data.scale = 0.01f;
  data.weights = weights(config.hash_bits);
  const LinearModel model(std::move(data));
  Fnv f, l;
  std::uint64_t count = 0;
  std::vector<Feature> features;
  for (const std::string& t : all) {
    extractor.extract(t, features);
    f.add(static_cast<std::uint32_t>(features.size()));
    for (const Feature& x : features) {
      f.add(x.bucket);
      f.add(std::bit_cast<std::uint32_t>(x.value));
    }
    count += features.size();
    for (float v : model.logits(t)) l.add(std::bit_cast<std::uint32_t>(v));
  }
  std::printf("[ prints ] features 0x%016llxull logits 0x%016llxull count %llu\n",
              static_cast<unsigned long long>(f.h), static_cast<unsigned long long>(l.h),
              static_cast<unsigned long long>(count));
  return {f.h, l.h, count};
}

TEST(FeatureFingerprint, ShippedConfigurationIsUnchangedOverTheParityTexts) {
  const std::vector<std::string> all = texts();
  ASSERT_GT(all.size(), 47000u);
  const Prints p = fingerprint(FeatureConfig{}, all);
  EXPECT_EQ(p.count, 17108078ull);
  EXPECT_EQ(p.features, kNoFma ? 0xedfe1273a9bfd09dull : 0x407f225452980967ull);
  EXPECT_EQ(p.logits, kNoFma ? 0xa71d9f0ac514b6dbull : 0x1a11d3cafb3ae28aull);
}

TEST(FeatureFingerprint, EveryOptionOnIsUnchangedOverTheParityTexts) {
  const std::vector<std::string> all = texts();
  FeatureConfig c;
  c.hash_bits = 16;
  c.word_ngram_max = 4;
  c.char_ngram_min = 1;
  c.char_ngram_max = 6;
  c.lexicon_extra = true;
  c.name_weight = 0.3f;
  c.vader = true;
  c.char_weight = 0.7f;
  c.dense_weight = 0.8f;
  const Prints p = fingerprint(c, all);
  EXPECT_EQ(p.count, 25424624ull);
  EXPECT_EQ(p.features, kNoFma ? 0x060b5352b9b28a31ull : 0x64eafe7938920167ull);
  EXPECT_EQ(p.logits, kNoFma ? 0xb99e80321b424153ull : 0x846272fbc3987853ull);
}

TEST(FeatureFingerprint, NoNegationNoLexiconNoNormalisingIsUnchanged) {
  const std::vector<std::string> all = texts();
  FeatureConfig c;
  c.negation = false;
  c.lexicon = false;
  c.normalize = false;
  c.char_ngram_min = 0;
  c.word_ngram_max = 1;
  const Prints p = fingerprint(c, all);
  EXPECT_EQ(p.count, 1092788ull);
  EXPECT_EQ(p.features, 0xea8e9c7f2c3440d3ull);
  EXPECT_EQ(p.logits, kNoFma ? 0xd20e4ae687284c1full : 0x527c2502758153afull);
}

}  // namespace
}  // namespace earshot::sentiment

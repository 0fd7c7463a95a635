// LinearModel::logits keeps each word's character n-gram weight rows in a per-thread cache
// (issue 18). These tests pin that the logits never depend on what the cache holds: a cold
// thread, a warm one, two models sharing a thread, and words too long to be cached all give
// the same bits. And FeatureExtractor::extract_parts(), which the cache is built on, expands
// to exactly extract_unscaled()'s features.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "sentiment/features.h"
#include "sentiment/linear_model.h"

namespace earshot::sentiment {
namespace {

std::vector<std::string> posts() {
  std::vector<std::string> out = {
      "love love love this, LOVE it!!! :)",
      "I don't like the new update at all... but support was great",
      "Acme Airlines lost my bag again #fail @acme",
      "internationalization supercalifragilistic antidisestablishmentarianism ok",
      "sooooo goooood #Winning http://t.co/x 2024",
      "caf\xC3\xA9 na\xC3\xAFve \xF0\x9F\x98\x82 don\xE2\x80\x99t stop",
      std::string(70, 'a') + " " + std::string(12, 'b') + " " + std::string(16, 'c') + " " +
          std::string(17, 'd'),
      "",
      "a b c d e f g h i j k l m n o p",
  };
  // The same words again in other orders and mixes, so a warm cache hits.
  const std::size_t n = out.size();
  for (std::size_t i = 0; i < n; ++i) out.push_back(out[(i * 5 + 3) % n] + " " + out[i]);
  return out;
}

LinearModelData model_data(const FeatureConfig& config, std::uint64_t seed) {
  LinearModelData d;
  d.features = config;
  d.bias = {0.25f, -0.5f, 0.125f};
  d.scale = 0.01f;
  d.weights.resize(std::size_t{4} << config.hash_bits);
  std::uint64_t x = seed;
  for (auto& v : d.weights) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = static_cast<std::int8_t>(x >> 56);
  }
  return d;
}

using Bits = std::vector<std::array<std::uint32_t, 3>>;

Bits logit_bits(const LinearModel& model, const std::vector<std::string>& texts) {
  Bits out;
  for (const std::string& t : texts) {
    const std::array<float, 3> l = model.logits(t);
    out.push_back({std::bit_cast<std::uint32_t>(l[0]), std::bit_cast<std::uint32_t>(l[1]),
                   std::bit_cast<std::uint32_t>(l[2])});
  }
  return out;
}

// In a fresh thread, so that its word cache starts empty.
Bits cold_bits(const LinearModel& model, const std::vector<std::string>& texts) {
  Bits out;
  std::thread([&] { out = logit_bits(model, texts); }).join();
  return out;
}

TEST(LinearModelWordCache, LogitsDoNotDependOnWhatTheCacheHolds) {
  const std::vector<std::string> texts = posts();
  const LinearModel model(model_data(FeatureConfig{}, 0x9E3779B97F4A7C15ull));
  const Bits cold = cold_bits(model, texts);
  Bits warm;
  std::thread([&] {
    logit_bits(model, texts);  // fill the cache
    warm = logit_bits(model, texts);
  }).join();
  EXPECT_EQ(cold, warm);
  // Each text alone in a cold thread: the same bits as amid the others.
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(cold_bits(model, {texts[i]}).front(), cold[i]) << texts[i];
  }
}

TEST(LinearModelWordCache, TwoModelsInOneThreadKeepTheirOwnRows) {
  const std::vector<std::string> texts = posts();
  FeatureConfig names;
  names.name_weight = 0.3f;  // names' n-grams weigh less: a word's value varies, not its rows
  const LinearModel a(model_data(FeatureConfig{}, 1));
  const LinearModel b(model_data(FeatureConfig{}, 2));  // same buckets, other weights
  const LinearModel c(model_data(names, 3));
  const Bits ref_a = cold_bits(a, texts), ref_b = cold_bits(b, texts), ref_c = cold_bits(c, texts);
  ASSERT_NE(ref_a, ref_b);
  Bits got_a, got_b, got_c;
  std::thread([&] {
    for (const std::string& t : texts) {
      got_a.push_back(logit_bits(a, {t}).front());
      got_b.push_back(logit_bits(b, {t}).front());
      got_c.push_back(logit_bits(c, {t}).front());
    }
  }).join();
  EXPECT_EQ(got_a, ref_a);
  EXPECT_EQ(got_b, ref_b);
  EXPECT_EQ(got_c, ref_c);
  // A copy has the same weights, so it may share rows; its logits are the original's.
  const LinearModel copy = a;
  EXPECT_EQ(logit_bits(copy, texts), ref_a);
}

TEST(FeatureExtractorParts, ExpandToTheUnscaledFeatures) {
  std::vector<FeatureConfig> configs(4);
  configs[1].char_ngram_min = 1;
  configs[1].char_ngram_max = 8;
  configs[1].name_weight = 0.3f;
  configs[1].lexicon_extra = true;
  configs[2].char_ngram_min = 3;
  configs[2].char_ngram_max = 3;
  configs[2].normalize = false;
  configs[3].char_ngram_min = 0;
  for (const FeatureConfig& config : configs) {
    const FeatureExtractor fx(config);
    std::vector<std::uint32_t> buckets(66 * 8);
    for (std::size_t size = 1; size <= 70; ++size) {
      const std::string word(size, 'q');
      EXPECT_EQ(fx.char_ngrams(word, buckets.data()), fx.char_ngram_count(size)) << size;
    }
    for (const std::string& t : posts()) {
      const FeatureExtractor::Parts p = fx.extract_parts(t);
      std::vector<Feature> expanded(p.head, p.head + p.head_size);
      for (std::size_t i = 0; i < p.word_count; ++i) {
        const auto& w = p.words[i];
        const std::size_t n = fx.char_ngrams(std::string_view(p.text + w.begin, w.size),
                                             buckets.data());
        for (std::size_t j = 0; j < n; ++j) expanded.push_back(Feature{buckets[j], w.weight});
      }
      expanded.insert(expanded.end(), p.tail, p.tail + p.tail_size);
      const float scale = p.scale;
      const bool scaled = p.scaled;
      const std::size_t tail_unscaled = p.tail_size - p.tail_scaled;
      const FeatureExtractor::Unscaled u = fx.extract_unscaled(t);
      ASSERT_EQ(u.size, expanded.size()) << t;
      EXPECT_EQ(u.scaled, scaled ? u.size - tail_unscaled : 0u) << t;
      EXPECT_EQ(std::bit_cast<std::uint32_t>(u.scale), std::bit_cast<std::uint32_t>(scale)) << t;
      for (std::size_t i = 0; i < u.size; ++i) {
        EXPECT_EQ(u.features[i].bucket, expanded[i].bucket) << t << " #" << i;
        EXPECT_EQ(std::bit_cast<std::uint32_t>(u.features[i].value),
                  std::bit_cast<std::uint32_t>(expanded[i].value))
            << t << " #" << i;
      }
    }
  }
}

}  // namespace
}  // namespace earshot::sentiment

#include "sentiment/features.h"

#include "sentiment/feature_tokens.h"
#include "sentiment/linear_model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace earshot::sentiment {
namespace {

TEST(FeatureTokens, NormalisesSocialText) {
  const std::vector<std::string> tokens =
      feature_tokens("Sooooo HAPPY @bob_1 #Winning http://t.co/x 2024", true);
  const std::vector<std::string> expected = {"soo", "happy", "<user>", "winning", "<url>", "<num>"};
  EXPECT_EQ(tokens, expected);
}

TEST(FeatureTokens, MarksNegationUntilPunctuation) {
  const std::vector<std::string> tokens = feature_tokens("I don't like it. Good day", true);
  const std::vector<std::string> expected = {"i", "don't", "like_NEG", "it_NEG",
                                             ".", "good",  "day"};
  EXPECT_EQ(tokens, expected);
  const std::vector<std::string> plain = feature_tokens("not good", false);
  EXPECT_EQ(plain, (std::vector<std::string>{"not", "good"}));
}

TEST(FeatureTokens, KeepsEmoticonsAndEmoji) {
  const std::vector<std::string> tokens =
      feature_tokens("great:) sad :-( \xF0\x9F\x98\x82!!!", true);
  // An emoji is followed by the words of its description.
  const std::vector<std::string> expected = {
      "great", ":)", "sad", ":-(", "\xF0\x9F\x98\x82", "face", "with", "tears", "of", "joy", "!!"};
  EXPECT_EQ(tokens, expected);
}

TEST(FeatureTokens, TreatsTypographicApostropheAsApostrophe) {
  const std::vector<std::string> tokens = feature_tokens("don\xE2\x80\x99t go", true);
  EXPECT_EQ(tokens, (std::vector<std::string>{"don't", "go_NEG"}));
}

TEST(FeatureTokens, SplitsUnicodePunctuationWhole) {
  const std::vector<std::string> tokens = feature_tokens("wait\xE2\x80\x94what \xC2\xA1no!", true);
  EXPECT_EQ(tokens,
            (std::vector<std::string>{"wait", "\xE2\x80\x94", "what", "\xC2\xA1", "no", "!"}));
}

TEST(FeatureTokens, ToleratesInvalidUtf8) {
  const std::string text = "ok \xFF\xC3 \xE2\x80 end";
  const std::vector<std::string> tokens = feature_tokens(text, true);
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.front(), "ok");
  EXPECT_EQ(tokens.back(), "end");
}

TEST(FeatureExtractor, BucketsStayInTableAndRepeat) {
  FeatureConfig config;
  config.hash_bits = 14;
  const FeatureExtractor extractor(config);
  std::vector<Feature> a, b;
  extractor.extract("Loving the new seats on @acme flights!! :)", a);
  extractor.extract("Loving the new seats on @acme flights!! :)", b);
  ASSERT_FALSE(a.empty());
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(a[i].bucket, 1u << 14);
    EXPECT_EQ(a[i].bucket, b[i].bucket);
    EXPECT_EQ(a[i].value, b[i].value);
  }
}

TEST(FeatureExtractor, NormalisesNgramFeaturesToUnitLength) {
  FeatureConfig config;
  config.lexicon = false;
  const FeatureExtractor extractor(config);
  std::vector<Feature> features;
  extractor.extract("a reasonably long sentence with several words in it", features);
  double sq = 0.0;
  for (const Feature& f : features) sq += static_cast<double>(f.value) * f.value;
  EXPECT_NEAR(sq, 1.0, 1e-4);
}

TEST(FeatureTokens, MarksNamesButNotSentenceStartsOrLowerCase) {
  FeatureTokenBuffer b;
  tokenize_for_features("Flew Acme and #globex today. Great crew", true, b);
  std::vector<std::string> names;
  for (const FeatureToken& t : b.tokens) {
    if (t.name) names.emplace_back(b.text.substr(t.begin, t.size));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"acme", "globex"}));
}

TEST(FeatureExtractor, NameWeightScalesOnlyNames) {
  const auto total = [](const FeatureConfig& c, std::string_view text) {
    FeatureConfig plain = c;
    plain.normalize = false;
    plain.lexicon = false;
    std::vector<Feature> f;
    FeatureExtractor(plain).extract(text, f);
    float sum = 0.0f;
    for (const Feature& x : f) sum += x.value;
    return sum;
  };
  FeatureConfig off, on;
  on.name_weight = 0.25f;
  // No names: the same features.
  EXPECT_FLOAT_EQ(total(off, "flew acme today"), total(on, "flew acme today"));
  // "Acme" (a name) and the n-grams holding it count less.
  EXPECT_LT(total(on, "flew Acme today"), total(off, "flew Acme today"));
  // The setting survives the model file (a percent byte; files without it mean 1.0).
  LinearModelData d;
  d.features = on;
  d.features.hash_bits = 12;
  d.weights.assign(std::size_t{4} << 12, 0);
  auto parsed = parse_model(serialize_model(d));
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_FLOAT_EQ(parsed->features.name_weight, 0.25f);
  d.features.name_weight = 1.0f;
  parsed = parse_model(serialize_model(d));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FLOAT_EQ(parsed->features.name_weight, 1.0f);
}

TEST(FeatureExtractor, EmptyTextGivesNoFeatures) {
  const FeatureExtractor extractor{FeatureConfig{}};
  std::vector<Feature> features = {Feature{1, 1.0f}};
  extractor.extract("   ", features);
  EXPECT_TRUE(features.empty());
}

TEST(LexiconValence, ReadsTheVaderLexicon) {
  EXPECT_GT(lexicon_valence("love"), 2.0f);
  EXPECT_LT(lexicon_valence("hate"), -2.0f);
  EXPECT_GT(lexicon_valence(":)"), 0.0f);
  EXPECT_EQ(lexicon_valence("table"), 0.0f);
}

TEST(FeatureExtractor, LexiconWordsAddFeatures) {
  FeatureConfig with;
  FeatureConfig without;
  without.lexicon = false;
  std::vector<Feature> a, b;
  FeatureExtractor(with).extract("wonderful", a);
  FeatureExtractor(without).extract("wonderful", b);
  EXPECT_GT(a.size(), b.size());
  FeatureExtractor(with).extract("table", a);
  FeatureExtractor(without).extract("table", b);
  EXPECT_EQ(a.size(), b.size());
}

TEST(HashBytes, IsStableAndSeeded) {
  EXPECT_EQ(hash_bytes("earshot", 1), hash_bytes("earshot", 1));
  EXPECT_NE(hash_bytes("earshot", 1), hash_bytes("earshot", 2));
  EXPECT_NE(hash_bytes("earshot", 1), hash_bytes("earshou", 1));
  EXPECT_NE(hash_bytes("", 1), hash_bytes(std::string_view("\0", 1), 1));
}

}  // namespace
}  // namespace earshot::sentiment

namespace earshot::sentiment {
namespace {

// Words with 16 readable bytes after them take a sixteen-byte path (issue 18); at the end
// of a post they do not. Both must give the same tokens and flags, for every kind of word.
TEST(FeatureTokens, WordsAreTheSameMidTextAndAtItsEnd) {
  const std::vector<std::string> words = {
      "a",         "Ab",        "SOOOO",       "sooo",         "aabbaa",      "AaA",
      "Don't",     "'quoted'",  "x_y",         "2024",         "12ab",        "abcdefghijklmno",
      "abcdefghijklmnop",       "ABCDEFGHIJKLMNOPQ",           "caf\xC3\xA9s", "na\xC3\xAFvE",
      "don\xE2\x80\x99t",       "hi\xF0\x9F\x98\x82",          "Zz9_'",       "MiXeD"};
  const std::string pad(20, ' ');
  for (const std::string& w : words) {
    for (const std::string& before : {std::string(), std::string("x. "), std::string("#")}) {
      const std::string text = before + w;
      FeatureTokenBuffer at_end, mid;
      tokenize_for_features(text, true, at_end);
      tokenize_for_features(text + pad + "end", true, mid);
      ASSERT_EQ(mid.tokens.size(), at_end.tokens.size() + 1) << text;
      for (std::size_t i = 0; i < at_end.tokens.size(); ++i) {
        const FeatureToken& a = at_end.tokens[i];
        const FeatureToken& b = mid.tokens[i];
        EXPECT_EQ(at_end.text.substr(a.begin, a.size), mid.text.substr(b.begin, b.size)) << text;
        EXPECT_EQ(a.kind, b.kind) << text;
        EXPECT_EQ(a.elongated, b.elongated) << text;
        EXPECT_EQ(a.all_caps, b.all_caps) << text;
        EXPECT_EQ(a.name, b.name) << text;
        EXPECT_EQ(a.negated, b.negated) << text;
      }
    }
  }
  EXPECT_EQ(feature_tokens("SOOOO Good" + pad, true), (std::vector<std::string>{"soo", "good"}));
}

}  // namespace
}  // namespace earshot::sentiment

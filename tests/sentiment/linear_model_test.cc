#include "sentiment/linear_model.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace earshot::sentiment {
namespace {

// A small hand-set model: "love" pushes positive, "hate" negative.
LinearModelData tiny_model() {
  LinearModelData d;
  d.features.hash_bits = 12;
  d.features.char_ngram_min = 0;
  d.features.char_ngram_max = 0;
  d.features.vader = false;
  d.features.normalize = false;
  d.bias = {0.0f, 0.5f, 0.0f};
  d.scale = 0.1f;
  d.weights.assign(std::size_t{4} << 12, 0);
  const FeatureExtractor extractor(d.features);
  std::vector<Feature> f;
  extractor.extract("love", f);
  d.weights[f[0].bucket * 4 + 2] = 100;
  extractor.extract("hate", f);
  d.weights[f[0].bucket * 4 + 0] = 100;
  return d;
}

TEST(LinearModel, ScoresWithItsWeights) {
  const LinearModel model(tiny_model());
  const Sentiment pos = model.score("love");
  EXPECT_EQ(pos.label, Label::positive);
  EXPECT_GT(pos.score, 0.5f);
  const Sentiment neg = model.score("hate");
  EXPECT_EQ(neg.label, Label::negative);
  EXPECT_LT(neg.score, -0.5f);
  const Sentiment neu = model.score("table");
  EXPECT_EQ(neu.label, Label::neutral);
  EXPECT_NEAR(neu.probs.neg + neu.probs.neu + neu.probs.pos, 1.0f, 1e-5f);
  EXPECT_EQ(pos.model, model.id());
  EXPECT_EQ(model.id().rfind("earshot-lr-1-", 0), 0u);
  EXPECT_EQ(model.id().size(), 21u);
}

TEST(LinearModel, FileRoundTripKeepsBytesAndScores) {
  const LinearModelData data = tiny_model();
  const std::string bytes = serialize_model(data);
  const auto path = std::filesystem::temp_directory_path() / "earshot_linear_model_test.model";
  std::ofstream(path, std::ios::binary) << bytes;
  auto loaded = LinearModel::from_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(serialize_model((*loaded)->data()), bytes);
  EXPECT_EQ((*loaded)->data().features, data.features);
  const LinearModel original(data);
  EXPECT_EQ((*loaded)->id(), original.id());
  EXPECT_EQ((*loaded)->score("i love it"), original.score("i love it"));
}

TEST(ParseModel, RejectsTruncatedFilesAtEveryLength) {
  const std::string bytes = serialize_model(tiny_model());
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{8}, std::size_t{20},
                        std::size_t{50}, bytes.size() / 2, bytes.size() - 1}) {
    auto parsed = parse_model(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(parsed.has_value()) << n;
    EXPECT_FALSE(parsed.error().empty());
  }
  auto half = parse_model(std::string_view(bytes).substr(0, bytes.size() / 2));
  EXPECT_NE(half.error().find("truncated"), std::string::npos) << half.error();
}

TEST(ParseModel, RejectsCorruptBytes) {
  std::string bytes = serialize_model(tiny_model());
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  auto parsed = parse_model(flipped);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().find("checksum"), std::string::npos) << parsed.error();

  std::string magic = bytes;
  magic[0] = 'X';
  EXPECT_NE(parse_model(magic).error().find("magic"), std::string::npos);

  std::string version = bytes;
  version[8] = 9;
  EXPECT_NE(parse_model(version).error().find("version"), std::string::npos);

  std::string bits = bytes;
  bits[12] = 40;  // hash_bits
  EXPECT_FALSE(parse_model(bits).has_value());

  EXPECT_FALSE(parse_model(bytes + "x").has_value());
}

TEST(LinearModel, MissingFileErrorNamesThePath) {
  auto loaded = LinearModel::from_file("/nonexistent/earshot.model");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().find("/nonexistent/earshot.model"), std::string::npos);
}

TEST(LinearModel, ScoresArbitraryBytesSafely) {
  const LinearModel model(tiny_model());
  std::uint64_t state = 42;
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const int len = static_cast<int>(state % 200);
    for (int i = 0; i < len; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      text.push_back(static_cast<char>(state >> 56));
    }
    const Sentiment s = model.score(text);
    EXPECT_NEAR(s.probs.neg + s.probs.neu + s.probs.pos, 1.0f, 1e-4f);
    EXPECT_GE(s.score, -1.0f);
    EXPECT_LE(s.score, 1.0f);
  }
}

TEST(SentimentFromLogits, AppliesTemperatureAndPicksArgmax) {
  const Sentiment sharp = sentiment_from_logits({0.0f, 0.0f, 2.0f}, 1.0f, "m");
  const Sentiment soft = sentiment_from_logits({0.0f, 0.0f, 2.0f}, 4.0f, "m");
  EXPECT_EQ(sharp.label, Label::positive);
  EXPECT_EQ(soft.label, Label::positive);
  EXPECT_GT(sharp.probs.pos, soft.probs.pos);
  EXPECT_NEAR(sharp.score, sharp.probs.pos - sharp.probs.neg, 1e-6f);
  EXPECT_EQ(sentiment_from_logits({1.0f, 1.0f, 1.0f}, 1.0f, "m").label, Label::neutral);
  EXPECT_EQ(sharp.model, "m");
}

}  // namespace
}  // namespace earshot::sentiment

// Cross-validation, calibration helpers and the training options they feed (issue #15).
#include "sentiment/cross_validate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "tests/support/source_dir.h"

#include "tests/sentiment/support/small_train.h"

namespace earshot::sentiment {
namespace {

using Logits = std::array<float, 3>;

using testing::small_options;
using testing::small_train;

TEST(Calibration, EceIsZeroWhenConfidenceMatchesAccuracyAndLargeWhenOverconfident) {
  // Ten posts all at p(top) = 0.8 (logit gap ln 8 against two equal others: 8/(8+1+1)):
  // 8 right, 2 wrong is perfectly calibrated; 5 right, 5 wrong is 0.3 overconfident.
  const float gap = std::log(8.0f);
  std::vector<Logits> logits(10, Logits{gap, 0.0f, 0.0f});
  std::vector<Label> gold(10, Label::negative);
  gold[8] = gold[9] = Label::neutral;
  EXPECT_NEAR(expected_calibration_error(logits, gold, 1.0f), 0.0, 1e-5);
  for (int i = 5; i < 8; ++i) gold[i] = Label::positive;
  EXPECT_NEAR(expected_calibration_error(logits, gold, 1.0f), 0.3, 1e-5);
  // A higher temperature lowers the confidence towards the 0.5 accuracy.
  EXPECT_LT(expected_calibration_error(logits, gold, 2.0f), 0.3);
  EXPECT_NEAR(mean_log_loss(logits, std::vector<Label>(10, Label::negative), 1.0f),
              -std::log(0.8), 1e-5);
}

TEST(Calibration, LabelBiasesRecoverAShiftedClass) {
  // The model under-calls negatives by 0.5 logits: negatives sit just below neutral.
  std::vector<Logits> logits;
  std::vector<Label> gold;
  for (int i = 0; i < 30; ++i) {
    logits.push_back({0.8f, 1.0f, 0.0f});
    gold.push_back(Label::negative);
    logits.push_back({0.0f, 1.0f, 0.0f});
    gold.push_back(Label::neutral);
    logits.push_back({0.0f, 0.0f, 1.0f});
    gold.push_back(Label::positive);
  }
  const std::array<float, 2> d = tune_label_biases(logits, gold);
  EXPECT_GT(d[0], 0.2f);
  EXPECT_LT(d[0], 1.0f);
}

TEST(CrossValidate, ReportsFoldsDeterministicallyAndLearns) {
  const Dataset data = small_train();
  auto a = cross_validate(data, small_options(), 3);
  ASSERT_TRUE(a.has_value()) << a.error();
  EXPECT_EQ(a->folds, 3);
  ASSERT_EQ(a->fold_macro_recall.size(), 3u);
  ASSERT_EQ(a->fold_macro_recall_untuned.size(), 3u);
  // Better than chance (1/3) on posts no fold model saw.
  EXPECT_GT(a->mean_untuned, 0.5);
  EXPECT_EQ(a->pooled.count, data.labels.size());
  EXPECT_GT(a->temperature, 0.0f);
  EXPECT_GE(a->ece_before, 0.0);
  auto b = cross_validate(data, small_options(), 3);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(format_cv_report(*a), format_cv_report(*b));
  EXPECT_NE(format_cv_report(*a).find("cv_macro_recall: "), std::string::npos);
}

TEST(CrossValidate, RejectsBadFoldCounts) {
  EXPECT_FALSE(cross_validate(small_train(), small_options(), 1).has_value());
  EXPECT_FALSE(cross_validate(small_train(), small_options(), 21).has_value());
  Dataset tiny;
  tiny.labels = {Label::negative, Label::positive};
  tiny.texts = {"bad", "good"};
  EXPECT_FALSE(cross_validate(tiny, small_options(), 5).has_value());
}

TEST(Train, FixedBiasesAndTemperatureAreStored) {
  TrainOptions options = small_options();
  auto plain = fit(small_train(), nullptr, options);
  options.label_biases = std::array<float, 2>{0.5f, -0.25f};
  options.temperature = 1.6f;
  auto fixed = fit(small_train(), nullptr, options);
  ASSERT_TRUE(plain.has_value() && fixed.has_value());
  EXPECT_FLOAT_EQ(fixed->bias[0], plain->bias[0] + 0.5f);
  EXPECT_FLOAT_EQ(fixed->bias[1], plain->bias[1]);
  EXPECT_FLOAT_EQ(fixed->bias[2], plain->bias[2] - 0.25f);
  EXPECT_FLOAT_EQ(fixed->temperature, 1.6f);
  EXPECT_EQ(fixed->weights, plain->weights);
}

TEST(Train, WeightDecayShrinksTheWeights) {
  const auto magnitude = [](const LinearModelData& d) {
    double sum = 0.0;
    for (std::int8_t w : d.weights) sum += std::abs(static_cast<int>(w)) * d.scale;
    return sum;
  };
  TrainOptions options = small_options();
  auto plain = fit(small_train(), nullptr, options);
  options.weight_decay = 0.3f;
  auto decayed = fit(small_train(), nullptr, options);
  ASSERT_TRUE(plain.has_value() && decayed.has_value());
  EXPECT_LT(magnitude(*decayed), 0.8 * magnitude(*plain));
  options.weight_decay = 1.0f;
  EXPECT_FALSE(fit(small_train(), nullptr, options).has_value());
}

TEST(Train, LexiconExtraFeaturesRoundTripInTheModelFile) {
  TrainOptions options = small_options();
  options.features.lexicon_extra = true;
  auto data = fit(small_train(), nullptr, options);
  ASSERT_TRUE(data.has_value());
  auto parsed = parse_model(serialize_model(*data));
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_TRUE(parsed->features.lexicon_extra);
  const LinearModel model(std::move(*parsed));
  EXPECT_EQ(model.score("great at first, but awful and broken now").label, Label::negative);
}

}  // namespace
}  // namespace earshot::sentiment

// earshot::sentiment — trains the learned linear scorer (`earshot train`).
//
// fit() learns a LinearModel (linear_model.h) from a labelled Dataset: multinomial logistic
// regression over hashed features (features.h), trained by averaged SGD with class-balanced
// example weights (macro recall rewards the rare negative class), then quantised to int8.
// When a dev set is given, two label biases (negative and positive, relative to neutral)
// are tuned on it for macro recall, and the softmax temperature for log-loss; the weights
// never see the dev set.
//
//   auto train = earshot::sentiment::read_tsv("train.tsv");
//   auto dev = earshot::sentiment::read_tsv("dev.tsv");
//   earshot::sentiment::TrainOptions options;  // defaults make the shipped model
//   auto done = earshot::sentiment::train(*train, &*dev, options, "my.model");
//   if (!done) return done.error();
//
// Determinism: single-threaded, seeded shuffling (options.seed), fixed summation order —
// the same data and options give byte-identical model files run after run with one build
// (another compiler, -march or libm may round floats differently and change the bytes).
// Cost: TweetEval's 45 615 posts, 10 epochs: ~5 s on one core, ~240 MB peak (all feature
// lists are kept in memory, 8 bytes per occurrence, plus float training tables).
// Thread safety: the functions share no state; run several at once if you like.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sentiment/evaluate.h"
#include "sentiment/features.h"
#include "sentiment/linear_model.h"

namespace earshot::sentiment {

struct TrainOptions {
  std::uint64_t seed = 1;                            // shuffling order
  FeatureConfig features;                            // stored in the model
  int epochs = 10;                                   // passes over the training set, >= 1
  float learning_rate = 1.0f;                        // SGD step, > 0
  bool balance_classes = true;                       // weight examples by 1 / class frequency
  bool tune_on_dev = true;                           // tune label biases and temperature on `dev`
  float weight_decay = 0.0f;  // L2: weights shrink by this fraction after each epoch, [0, 1)
  // When set, these replace the trained/tuned values (e.g. from cross_validate()).
  std::optional<std::array<float, 2>> label_biases;  // added to the neg and pos logits
  std::optional<float> temperature;
  std::function<void(double progress)> on_progress;  // fractions in (0, 1]
};

// Trains and returns the model data (bias and temperature tuned on `dev` when given).
std::expected<LinearModelData, std::string> fit(const Dataset& train, const Dataset* dev,
                                                const TrainOptions& options);

// Calibration helpers (also used by cross_validate.h). tune_label_biases(): corrections
// (negative, positive; relative to neutral) on a grid -1..1 step 0.05 maximising a
// box-smoothed macro recall, smallest on ties. tune_temperature(): softmax temperature
// 0.5..3 step 0.05 minimising log-loss. `logits` include any bias already applied.
std::array<float, 2> tune_label_biases(const std::vector<std::array<float, 3>>& logits,
                                       const std::vector<Label>& gold);
float tune_temperature(const std::vector<std::array<float, 3>>& logits,
                       const std::vector<Label>& gold);

// fit() and write the model file to `out_path`; errors name what failed.
std::expected<void, std::string> train(const Dataset& train, const Dataset* dev,
                                       const TrainOptions& options, const std::string& out_path);

}  // namespace earshot::sentiment

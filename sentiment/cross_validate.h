// earshot::sentiment — k-fold cross-validation and calibration for the learned scorer
// (`earshot train --cv K`).
//
// cross_validate() splits a training set into K stratified folds (seeded, deterministic),
// trains K models with fit() on K-1 folds each and scores the held-out fold with it, so every
// post gets out-of-fold logits from a model that never saw it. From those it reports:
//   - per-fold macro recall with the label biases tuned on the *other* folds' out-of-fold
//     logits (the held-out fold's labels never tune what it is scored with), mean and sd;
//     the same without any bias correction;
//   - label biases and a softmax temperature tuned on all out-of-fold logits (what
//     `earshot train --cv` stores in the final model, trained on the whole set), so no
//     development set is needed and none is overfitted;
//   - expected calibration error (ECE, 15 equal-width bins over the top-class probability)
//     and log-loss before (T = 1, no correction) and after calibration.
//
//   earshot::sentiment::TrainOptions options;
//   auto cv = earshot::sentiment::cross_validate(train, options, 5);
//   if (!cv) return cv.error();
//   std::puts(earshot::sentiment::format_cv_report(*cv).c_str());
//   options.label_biases = cv->label_biases;
//   options.temperature = cv->temperature;
//   auto model = earshot::sentiment::fit(train, nullptr, options);
//
// Cost: K trainings on (K-1)/K of the data, single-threaded (~K x fit()).
// Thread safety: no shared state; determinism as fit() (same data, options, K: same report).
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "sentiment/evaluate.h"
#include "sentiment/trainer.h"

namespace earshot::sentiment {

struct CvReport {
  int folds = 0;
  std::vector<double> fold_macro_recall;          // biases tuned on the other folds
  std::vector<double> fold_macro_recall_untuned;  // the models' own biases
  double mean = 0.0, sd = 0.0;                    // of fold_macro_recall (sample sd)
  double mean_untuned = 0.0, sd_untuned = 0.0;
  std::array<float, 2> label_biases{};  // tuned on all out-of-fold logits
  float temperature = 1.0f;             // tuned on all out-of-fold logits after the biases
  double ece_before = 0.0, ece_after = 0.0;
  double log_loss_before = 0.0, log_loss_after = 0.0;
  EvalReport pooled;  // all out-of-fold predictions with label_biases
};

// Expected calibration error of softmax(logits / temperature): 15 equal-width bins of the
// top-class probability, sum over bins of |accuracy - mean confidence| * share of posts.
double expected_calibration_error(const std::vector<std::array<float, 3>>& logits,
                                  const std::vector<Label>& gold, float temperature);
// Mean negative log-likelihood of the gold class under softmax(logits / temperature).
double mean_log_loss(const std::vector<std::array<float, 3>>& logits,
                     const std::vector<Label>& gold, float temperature);

// K in 2..20; `options.label_biases` and `options.temperature` are ignored (CV tunes them),
// and so is on_progress for the inner trainings. on_progress gets fold fractions.
std::expected<CvReport, std::string> cross_validate(
    const Dataset& train, const TrainOptions& options, int folds,
    const std::function<void(double)>& on_progress = {});

// "cv_folds: 5\ncv_macro_recall: 0.xxxx +- 0.xxxx\n..." one figure per line.
std::string format_cv_report(const CvReport& report);

}  // namespace earshot::sentiment

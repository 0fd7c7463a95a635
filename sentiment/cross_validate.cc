#include "sentiment/cross_validate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace earshot::sentiment {
namespace {

using Logits = std::array<float, 3>;

void softmax3(const Logits& logits, float temperature, float* p) {
  float l[3];
  for (int c = 0; c < 3; ++c) l[c] = logits[c] / temperature;
  const float top = std::max({l[0], l[1], l[2]});
  float sum = 0.0f;
  for (int c = 0; c < 3; ++c) sum += (p[c] = std::exp(l[c] - top));
  for (int c = 0; c < 3; ++c) p[c] /= sum;
}

Label argmax(const Logits& l) {
  int best = 1;  // neutral wins ties, as in sentiment_from_logits()
  if (l[0] > l[best]) best = 0;
  if (l[2] > l[best]) best = 2;
  return static_cast<Label>(best);
}

std::vector<Logits> with_biases(std::vector<Logits> logits, const std::array<float, 2>& d) {
  for (Logits& l : logits) {
    l[0] += d[0];
    l[2] += d[1];
  }
  return logits;
}

double macro_recall_of(const std::vector<Logits>& logits, const std::vector<Label>& gold) {
  std::vector<Label> predicted;
  predicted.reserve(logits.size());
  for (const Logits& l : logits) predicted.push_back(argmax(l));
  return compute_report(gold, predicted).macro_recall;
}

void mean_sd(const std::vector<double>& xs, double& mean, double& sd) {
  mean = 0.0;
  for (double x : xs) mean += x;
  mean /= static_cast<double>(xs.size());
  double ss = 0.0;
  for (double x : xs) ss += (x - mean) * (x - mean);
  sd = xs.size() > 1 ? std::sqrt(ss / static_cast<double>(xs.size() - 1)) : 0.0;
}

// Stratified fold of every example: each class's examples in seeded random order, dealt
// round-robin, so every fold has the class mix of the whole set.
std::vector<int> assign_folds(const std::vector<Label>& labels, int folds, std::uint64_t seed) {
  std::uint64_t state = seed ^ 0xF01DF01DF01DF01Dull;
  const auto next = [&state] {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  std::vector<int> fold(labels.size(), 0);
  for (int c = 0; c < 3; ++c) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (static_cast<int>(labels[i]) == c) idx.push_back(i);
    }
    for (std::size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[next() % i]);
    for (std::size_t k = 0; k < idx.size(); ++k) fold[idx[k]] = static_cast<int>(k % folds);
  }
  return fold;
}

}  // namespace

double expected_calibration_error(const std::vector<Logits>& logits,
                                  const std::vector<Label>& gold, float temperature) {
  constexpr int kBins = 15;
  std::array<double, kBins> conf{}, hits{}, count{};
  for (std::size_t i = 0; i < gold.size(); ++i) {
    float p[3];
    softmax3(logits[i], temperature, p);
    int top = 1;
    if (p[0] > p[top]) top = 0;
    if (p[2] > p[top]) top = 2;
    const int b = std::min(kBins - 1, static_cast<int>(p[top] * kBins));
    conf[b] += p[top];
    hits[b] += top == static_cast<int>(gold[i]) ? 1.0 : 0.0;
    count[b] += 1.0;
  }
  double ece = 0.0;
  for (int b = 0; b < kBins; ++b) ece += std::abs(hits[b] - conf[b]);
  return gold.empty() ? 0.0 : ece / static_cast<double>(gold.size());
}

double mean_log_loss(const std::vector<Logits>& logits, const std::vector<Label>& gold,
                     float temperature) {
  double nll = 0.0;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    float p[3];
    softmax3(logits[i], temperature, p);
    nll -= std::log(std::max(p[static_cast<int>(gold[i])], 1e-12f));
  }
  return gold.empty() ? 0.0 : nll / static_cast<double>(gold.size());
}

std::expected<CvReport, std::string> cross_validate(
    const Dataset& train, const TrainOptions& options, int folds,
    const std::function<void(double)>& on_progress) {
  if (folds < 2 || folds > 20) return std::unexpected("cv folds must be in 2..20");
  const std::size_t n = train.labels.size();
  if (n < static_cast<std::size_t>(folds) * 3 || train.texts.size() != n) {
    return std::unexpected("too few examples for " + std::to_string(folds) + " folds");
  }
  const std::vector<int> fold = assign_folds(train.labels, folds, options.seed);
  TrainOptions inner = options;
  inner.label_biases.reset();
  inner.temperature.reset();
  inner.on_progress = nullptr;

  std::vector<Logits> oof(n);
  for (int k = 0; k < folds; ++k) {
    Dataset part;
    for (std::size_t i = 0; i < n; ++i) {
      if (fold[i] == k) continue;
      part.labels.push_back(train.labels[i]);
      part.texts.push_back(train.texts[i]);
    }
    auto data = fit(part, nullptr, inner);
    if (!data) return std::unexpected("fold " + std::to_string(k + 1) + ": " + data.error());
    const LinearModel model(std::move(*data));
    for (std::size_t i = 0; i < n; ++i) {
      if (fold[i] == k) oof[i] = model.logits(train.texts[i]);
    }
    if (on_progress) on_progress(static_cast<double>(k + 1) / (folds + 1));
  }

  CvReport r;
  r.folds = folds;
  for (int k = 0; k < folds; ++k) {
    std::vector<Logits> in_fold, others;
    std::vector<Label> in_gold, other_gold;
    for (std::size_t i = 0; i < n; ++i) {
      (fold[i] == k ? in_fold : others).push_back(oof[i]);
      (fold[i] == k ? in_gold : other_gold).push_back(train.labels[i]);
    }
    const auto d = tune_label_biases(others, other_gold);
    r.fold_macro_recall.push_back(macro_recall_of(with_biases(in_fold, d), in_gold));
    r.fold_macro_recall_untuned.push_back(macro_recall_of(in_fold, in_gold));
  }
  mean_sd(r.fold_macro_recall, r.mean, r.sd);
  mean_sd(r.fold_macro_recall_untuned, r.mean_untuned, r.sd_untuned);

  r.ece_before = expected_calibration_error(oof, train.labels, 1.0f);
  r.log_loss_before = mean_log_loss(oof, train.labels, 1.0f);
  r.label_biases = tune_label_biases(oof, train.labels);
  const std::vector<Logits> tuned = with_biases(oof, r.label_biases);
  r.temperature = tune_temperature(tuned, train.labels);
  r.ece_after = expected_calibration_error(tuned, train.labels, r.temperature);
  r.log_loss_after = mean_log_loss(tuned, train.labels, r.temperature);
  std::vector<Label> predicted;
  for (const Logits& l : tuned) predicted.push_back(argmax(l));
  r.pooled = compute_report(train.labels, predicted);
  if (on_progress) on_progress(1.0);
  return r;
}

std::string format_cv_report(const CvReport& r) {
  std::string out;
  char line[160];
  const auto add = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof line, fmt, args...);
    out += line;
  };
  add("cv_folds: %d\n", r.folds);
  add("cv_macro_recall: %.4f +- %.4f\n", r.mean, r.sd);
  add("cv_macro_recall_untuned: %.4f +- %.4f\n", r.mean_untuned, r.sd_untuned);
  out += "cv_fold_macro_recall:";
  for (double x : r.fold_macro_recall) add(" %.4f", x);
  out += "\n";
  add("cv_label_biases: %.2f %.2f\n", r.label_biases[0], r.label_biases[1]);
  add("cv_temperature: %.2f\n", r.temperature);
  add("cv_ece: %.4f -> %.4f\n", r.ece_before, r.ece_after);
  add("cv_log_loss: %.4f -> %.4f\n", r.log_loss_before, r.log_loss_after);
  add("cv_pooled_accuracy: %.4f\ncv_pooled_macro_recall: %.4f\ncv_pooled_macro_f1: %.4f\n",
      r.pooled.accuracy, r.pooled.macro_recall, r.pooled.macro_f1);
  return out;
}

}  // namespace earshot::sentiment

// earshot::sentiment — labelled datasets and evaluation metrics (`earshot eval`).
//
// A dataset file is TSV, one post per line: "label<TAB>text", label one of negative,
// neutral, positive (also 0, 1, 2 as in TweetEval). Empty lines are skipped; leading and
// trailing whitespace of the text is stripped. evaluate() scores every text and reports
// accuracy, per-class precision/recall/F1, their macro averages (macro recall is the
// TweetEval/SemEval-2017 metric) and the confusion matrix.
//
//   auto data = earshot::sentiment::read_tsv("val.tsv");
//   if (!data) return data.error();  // "val.tsv:17: unknown label 'happy'"
//   auto scorer = earshot::sentiment::load_scorer("default");
//   earshot::sentiment::EvalReport report = earshot::sentiment::evaluate(**scorer, *data);
//   std::string text = earshot::sentiment::format_report(report);
//   // "accuracy: 0.7150\nmacro_recall: 0.7012\nmacro_f1: 0.6990\n" + confusion matrix
//
// Thread safety: free functions over caller-owned values; evaluate() calls the scorer from
// the calling thread only. on_progress receives fractions in (0, 1], at most ~100 times.
#pragma once

#include <array>
#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sentiment/sentiment.h"

namespace earshot::sentiment {

struct Dataset {
  std::vector<Label> labels;
  std::vector<std::string> texts;  // aligned with labels
};

// Reads "label<TAB>text" lines. Errors name the file and the 1-based line.
std::expected<Dataset, std::string> read_tsv(const std::string& path);
// The same from memory; `name` is used in error messages.
std::expected<Dataset, std::string> parse_tsv(std::string_view content, std::string_view name);

struct ClassMetrics {
  double precision = 0.0;  // 0 when the class was never predicted
  double recall = 0.0;     // 0 when the class has no gold examples
  double f1 = 0.0;
  std::size_t support = 0;  // gold examples of the class
};

struct EvalReport {
  double accuracy = 0.0;
  double macro_recall = 0.0;
  double macro_f1 = 0.0;
  std::array<ClassMetrics, 3> per_class{};  // indexed by Label (neg, neu, pos)
  // confusion[gold][predicted], indexed by Label.
  std::array<std::array<std::size_t, 3>, 3> confusion{};
  std::size_t count = 0;
};

// Metrics from gold and predicted labels (same length).
EvalReport compute_report(const std::vector<Label>& gold, const std::vector<Label>& predicted);

EvalReport evaluate(const Scorer& scorer, const Dataset& data,
                    std::function<void(double)> on_progress = {});

// "accuracy: 0.xxxx\nmacro_recall: 0.xxxx\nmacro_f1: 0.xxxx\n", then the confusion matrix
// (rows gold, columns predicted) and per-class precision/recall/F1.
std::string format_report(const EvalReport& report);

}  // namespace earshot::sentiment

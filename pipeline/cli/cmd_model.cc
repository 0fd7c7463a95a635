// earshot eval --data FILE [--model NAME|PATH]
//   FILE: TSV "label<TAB>text" (negative|neutral|positive); prints accuracy:, macro_recall:,
//   macro_f1: lines and a confusion matrix. Progress bar on a TTY.
// earshot eval --care FILE [--split tune|final] [--model NAME|PATH]
//   FILE: the customer-care format of sentiment/evaluate_care.h; prints entity-targeted
//   sentiment accuracy (all and multi-entity posts) and intent accuracy/macro-F1.
// earshot train --data FILE [--dev FILE] [--cv K] --out MODEL [--seed N] [hyper-parameters]
//   Trains the learned model (deterministic for a seed); --dev tunes label biases and the
//   temperature. --cv K: K-fold cross-validation on --data first (figures on stdout), label
//   biases and temperature tuned on the out-of-fold predictions; --dev is then only reported.
//   --out is optional with --cv (cross-validation only).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "pipeline/cli/cli_common.h"
#include "sentiment/cross_validate.h"
#include "sentiment/evaluate.h"
#include "sentiment/evaluate_care.h"
#include "sentiment/trainer.h"

namespace earshot::pipeline::cli {
namespace {

struct EvalArgs {
  std::string data;
  std::string care, split;
  std::string model = "default";
};

struct TrainArgs {
  std::string data, dev, out;
  std::uint64_t seed = 1;
  int cv = 0;
  sentiment::TrainOptions options;
  int word_ngrams = 0, char_min = -1, char_max = -1, hash_bits = 0;
};

sentiment::Dataset read_or_exit(const std::string& path, const char* option) {
  auto d = sentiment::read_tsv(path);
  if (!d) throw Exit{kExitUsage, std::string(option) + ": " + d.error()};
  if (d->texts.empty())
    throw Exit{kExitUsage, std::string(option) + ": '" + path + "' has no examples"};
  return std::move(*d);
}

int run_eval_care(const EvalArgs& args) {
  auto posts = sentiment::read_care_tsv(args.care);
  if (!posts) throw Exit{kExitUsage, "--care: " + posts.error()};
  auto scorer = sentiment::load_scorer(args.model);
  if (!scorer) throw Exit{kExitUsage, "--model: " + scorer.error()};
  const auto report = sentiment::evaluate_care(**scorer, *posts, args.split);
  if (report.posts == 0) throw Exit{kExitUsage, "--split: no posts of split '" + args.split + "'"};
  std::printf("model: %.*s\nsplit: %s\n%s", static_cast<int>((*scorer)->id().size()),
              (*scorer)->id().data(), args.split.empty() ? "all" : args.split.c_str(),
              sentiment::format_care_report(report).c_str());
  return kExitOk;
}

int run_eval(const EvalArgs& args) {
  if (!args.care.empty()) return run_eval_care(args);
  if (args.data.empty()) throw Exit{kExitUsage, "eval: give --data or --care"};
  sentiment::Dataset data = read_or_exit(args.data, "--data");
  auto scorer = sentiment::load_scorer(args.model);
  if (!scorer) throw Exit{kExitUsage, "--model: " + scorer.error()};
  Progress progress("posts", data.texts.size());
  auto report = sentiment::evaluate(**scorer, data, [&](double f) {
    progress.update(static_cast<std::size_t>(f * static_cast<double>(data.texts.size())));
  });
  progress.finish();
  std::printf("model: %.*s\nexamples: %zu\n%s", static_cast<int>((*scorer)->id().size()),
              (*scorer)->id().data(), data.texts.size(), sentiment::format_report(report).c_str());
  // Calibration of the learned model's probabilities (top class; cross_validate.h).
  if (const auto* linear = dynamic_cast<const sentiment::LinearModel*>(scorer->get())) {
    std::vector<std::array<float, 3>> logits;
    for (const std::string& text : data.texts) logits.push_back(linear->logits(text));
    std::printf("ece: %.4f\n", sentiment::expected_calibration_error(
                                   logits, data.labels, linear->data().temperature));
  }
  return kExitOk;
}

int run_train(const TrainArgs& args) {
  sentiment::Dataset train = read_or_exit(args.data, "--data");
  std::optional<sentiment::Dataset> dev;
  if (!args.dev.empty()) dev = read_or_exit(args.dev, "--dev");
  sentiment::TrainOptions options = args.options;
  options.seed = args.seed;
  sentiment::FeatureConfig& fc = options.features;
  const auto u8 = [](int v) { return static_cast<std::uint8_t>(v); };
  if (args.word_ngrams > 0) fc.word_ngram_max = u8(args.word_ngrams);
  if (args.char_min >= 0) fc.char_ngram_min = u8(args.char_min);
  if (args.char_max >= 0) fc.char_ngram_max = u8(args.char_max);
  if (args.hash_bits > 0) fc.hash_bits = u8(args.hash_bits);
  if (args.cv > 0) {
    Progress cv_progress("cv %", 100);
    auto cv = sentiment::cross_validate(train, options, args.cv, [&](double f) {
      cv_progress.update(static_cast<std::size_t>(f * 100));
    });
    cv_progress.finish();
    if (!cv) throw Exit{kExitUsage, "train --cv: " + cv.error()};
    std::printf("%s", sentiment::format_cv_report(*cv).c_str());
    std::fflush(stdout);
    options.label_biases = cv->label_biases;
    options.temperature = cv->temperature;
    options.tune_on_dev = false;
    if (args.out.empty()) return kExitOk;
  }
  if (args.out.empty()) {
    throw Exit{kExitUsage, "train: --out is required (optional only with --cv)"};
  }
  Progress progress("%", 100);
  options.on_progress = [&](double f) { progress.update(static_cast<std::size_t>(f * 100)); };
  auto st = sentiment::train(train, dev ? &*dev : nullptr, options, args.out);
  progress.finish();
  if (!st) throw Exit{kExitRuntime, "train: " + st.error()};
  auto scorer = sentiment::load_scorer(args.out);
  if (!scorer)
    throw Exit{kExitRuntime, "train: the written model does not load: " + scorer.error()};
  log_info("trained " + std::string((*scorer)->id()) + " on " + std::to_string(train.texts.size()) +
           " examples -> " + args.out);
  if (dev) {
    auto report = sentiment::evaluate(**scorer, *dev);
    std::printf("dev:\n%s", sentiment::format_report(report).c_str());
    if (const auto* linear = dynamic_cast<const sentiment::LinearModel*>(scorer->get())) {
      std::vector<std::array<float, 3>> logits;
      for (const std::string& text : dev->texts) logits.push_back(linear->logits(text));
      std::printf("dev_ece: %.4f\n", sentiment::expected_calibration_error(
                                          logits, dev->labels, linear->data().temperature));
    }
  }
  return kExitOk;
}

}  // namespace

void add_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand("eval", "Evaluate a sentiment model on a labelled TSV file");
  auto* data =
      cmd->add_option("--data", args->data, "TSV: label<TAB>text, label negative|neutral|positive");
  auto* care = cmd->add_option("--care", args->care,
                               "Customer-care TSV (sentiment/evaluate_care.h): targeted "
                               "sentiment and intent");
  data->excludes(care);
  cmd->add_option("--split", args->split, "With --care: tune | final (default: all posts)")
      ->needs(care);
  cmd->add_option("--model", args->model, "default | vader | path to a model file");
  cmd->callback([args] { set_runner([args] { return run_eval(*args); }); });
}

void add_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "Train the learned sentiment model");
  cmd->add_option("--data", args->data, "Training TSV: label<TAB>text")->required();
  cmd->add_option("--dev", args->dev,
                  "Development TSV: tunes label biases and temperature (with --cv: only reported)");
  cmd->add_option("--out", args->out, "Where to write the model file (optional with --cv)");
  cmd->add_option("--seed", args->seed, "Random seed (training is deterministic per seed)");
  cmd->add_option("--cv", args->cv,
                  "K-fold cross-validation on --data (2..20): figures, then biases and "
                  "temperature tuned on out-of-fold predictions")
      ->check(CLI::Range(2, 20));
  auto& o = args->options;
  cmd->add_option("--epochs", o.epochs, "Passes over the training set")->check(CLI::Range(1, 100));
  cmd->add_option("--learning-rate", o.learning_rate, "SGD step")->check(CLI::PositiveNumber);
  cmd->add_option("--weight-decay", o.weight_decay, "L2 shrink per epoch, 0..1")
      ->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--char-weight", o.features.char_weight, "Value of one character n-gram")
      ->check(CLI::Range(0.0, 4.0));
  cmd->add_option("--dense-weight", o.features.dense_weight, "Value of the lexicon sums")
      ->check(CLI::Range(0.0, 8.0));
  cmd->add_option("--word-ngrams", args->word_ngrams, "Word 1..N-grams")->check(CLI::Range(1, 4));
  cmd->add_option("--char-min", args->char_min, "Shortest character n-gram, 0 = none")
      ->check(CLI::Range(0, 8));
  cmd->add_option("--char-max", args->char_max, "Longest character n-gram")
      ->check(CLI::Range(0, 8));
  cmd->add_option("--hash-bits", args->hash_bits, "Feature table rows = 2^N")
      ->check(CLI::Range(12, 26));
  cmd->add_option("--name-weight", o.features.name_weight,
                  "Value of the n-grams of hashtags and capitalised names, 0.01..1")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_flag("--lexicon-extra", o.features.lexicon_extra,
               "Strongest valences, clause after 'but', negated and emphasised lexicon hits");
  cmd->add_flag("--vader", o.features.vader, "Add full VADER scores as features (slower)");
  cmd->callback([args] { set_runner([args] { return run_train(*args); }); });
}

}  // namespace earshot::pipeline::cli

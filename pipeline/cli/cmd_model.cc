// earshot eval --data FILE [--model NAME|PATH]
//   FILE: TSV "label<TAB>text" (negative|neutral|positive); prints accuracy:, macro_recall:,
//   macro_f1: lines and a confusion matrix. Progress bar on a TTY.
// earshot eval --care FILE [--split tune|final] [--model NAME|PATH]
//   FILE: the customer-care format of sentiment/evaluate_care.h; prints entity-targeted
//   sentiment accuracy (all and multi-entity posts) and intent accuracy/macro-F1.
// earshot train --data FILE [--dev FILE] --out MODEL [--seed N]
//   Trains the learned model (deterministic for a seed); --dev tunes label biases only.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "pipeline/cli/cli_common.h"
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
  return kExitOk;
}

int run_train(const TrainArgs& args) {
  sentiment::Dataset train = read_or_exit(args.data, "--data");
  std::optional<sentiment::Dataset> dev;
  if (!args.dev.empty()) dev = read_or_exit(args.dev, "--dev");
  sentiment::TrainOptions options;
  options.seed = args.seed;
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
  cmd->add_option("--dev", args->dev, "Development TSV, used to tune label biases");
  cmd->add_option("--out", args->out, "Where to write the model file")->required();
  cmd->add_option("--seed", args->seed, "Random seed (training is deterministic per seed)");
  cmd->callback([args] { set_runner([args] { return run_train(*args); }); });
}

}  // namespace earshot::pipeline::cli

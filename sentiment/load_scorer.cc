// load_scorer(): the one place that maps model names to scorers.
//   "vader"   -> the VADER port (vader.h)
//   "default" -> the learned model embedded in the binary (model_data.cc)
//   "lexicon-<lang>" -> the lexicon scorer of de, fr, es, pt, it, nl or ja (lexicon_scorer.h)
//   otherwise -> a model file written by `earshot train`
#include <filesystem>
#include <memory>
#include <string>

#include "sentiment/lexicon_scorer.h"
#include "sentiment/linear_model.h"
#include "sentiment/sentiment.h"
#include "sentiment/vader.h"

namespace earshot::sentiment {
namespace {

// The default model is parsed once and shared: every scorer for "default" is a thin
// handle on the same immutable weights.
class SharedScorer final : public Scorer {
 public:
  explicit SharedScorer(std::shared_ptr<const LinearModel> model) : model_(std::move(model)) {}
  Sentiment score(std::string_view text) const override { return model_->score(text); }
  Sentiment score_span(std::string_view text, Span span) const override {
    return model_->score_span(text, span);
  }
  std::string_view id() const override { return model_->id(); }

 private:
  std::shared_ptr<const LinearModel> model_;
};

std::expected<std::shared_ptr<const LinearModel>, std::string> default_model() {
  static const auto model = []() -> std::expected<std::shared_ptr<const LinearModel>, std::string> {
    auto parsed = LinearModel::from_bytes(default_model_bytes());
    if (!parsed) return std::unexpected("embedded default model: " + parsed.error());
    return std::shared_ptr<const LinearModel>(std::move(*parsed));
  }();
  return model;
}

}  // namespace

std::expected<std::unique_ptr<Scorer>, std::string> load_scorer(std::string_view name_or_path) {
  if (name_or_path == "vader") return make_vader_scorer();
  if (name_or_path == "default") {
    auto model = default_model();
    if (!model) return std::unexpected(model.error());
    return std::make_unique<SharedScorer>(*model);
  }
  if (name_or_path.starts_with("lexicon-")) return make_lexicon_scorer(name_or_path.substr(8));
  if (name_or_path.empty()) {
    return std::unexpected("empty model name (expected vader, default or a model file path)");
  }
  const std::string path(name_or_path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return std::unexpected("unknown model '" + path +
                           "': not vader or default, and no model file at that path");
  }
  auto model = LinearModel::from_file(path);
  if (!model) return std::unexpected(model.error());
  return std::unique_ptr<Scorer>(std::move(*model));
}

}  // namespace earshot::sentiment

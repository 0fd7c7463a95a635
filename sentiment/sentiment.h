// earshot::sentiment — the public types every scorer shares.
//
// A Scorer turns a post's plain text into a Sentiment: a label, a score in [-1, 1], the
// three class probabilities and the id of the model that produced it. Scorers are loaded
// by name ("vader", "default") or from a model file path with load_scorer().
//
//   auto scorer = earshot::sentiment::load_scorer("default");
//   if (!scorer) { /* scorer.error() says why */ }
//   earshot::sentiment::Sentiment s = (*scorer)->score("love the new seats :)");
//   // s.label == Label::positive, s.model == (*scorer)->id()
//
// Targeted sentiment (toward the entity at a byte span of the text) is score_span(); the
// default implementation scores the clause around the span.
//
// Thread safety: a Scorer is immutable after loading; score() and score_span() are const
// and may be called from any number of threads at once (per-thread scratch space is the
// scorer's own business). Lifetime: the returned Sentiment owns its data.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

namespace earshot::sentiment {

enum class Label { negative, neutral, positive };

std::string_view to_string(Label label);
// "negative" | "neutral" | "positive"; anything else is nullopt-like: returns false.
bool parse_label(std::string_view text, Label* out);

struct Probs {
  float neg = 0.0f;
  float neu = 1.0f;
  float pos = 0.0f;
  bool operator==(const Probs&) const = default;
};

struct Sentiment {
  Label label = Label::neutral;
  float score = 0.0f;  // in [-1, 1]; negative is bad
  Probs probs;         // sums to 1 (within float rounding)
  std::string model;   // id of the producing model; "none" when the language is unsupported
  bool operator==(const Sentiment&) const = default;
};

// A byte range [begin, end) into the text given to score_span().
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  // Post-level sentiment of `text` (UTF-8; invalid bytes are tolerated, never a crash).
  virtual Sentiment score(std::string_view text) const = 0;
  // Sentiment toward the thing mentioned at `span` of `text`.
  virtual Sentiment score_span(std::string_view text, Span span) const;
  // Stable id of this model, e.g. "vader-3.3.2" or "earshot-lr-1-<hash>".
  virtual std::string_view id() const = 0;
};

// Loads "vader", "default", or a model file at `name_or_path`. The error says why not.
std::expected<std::unique_ptr<Scorer>, std::string> load_scorer(std::string_view name_or_path);

}  // namespace earshot::sentiment

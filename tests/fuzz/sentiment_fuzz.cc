// libFuzzer target: arbitrary bytes through the tokenizer, the `vader` model and the
// learned `default` model, checking the invariants their headers promise:
//   - tokens lie inside the input, in order, without overlap, none empty; hashtag parts lie
//     inside their hashtag;
//   - vader_polarity_scores(): neg, neu, pos in [0, 1], compound in [-1, 1];
//   - every Scorer: label is one of the three, score finite and in [-1, 1], probs finite,
//     in [0, 1] and summing to 1 (VADER rounds to 3 decimals: within 0.01).
// A broken invariant is a crash (__builtin_trap), so libFuzzer saves the input.
//
//   deploy/fuzz.sh                       # builds with clang, runs ${FUZZ_SECONDS:-60} s
//   build-fuzz/tests/fuzz/sentiment_fuzz crash-<sha1>   # replays one input
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>
#include <vector>

#include "sentiment/sentiment.h"
#include "sentiment/tokenizer.h"
#include "sentiment/vader.h"

namespace {

using namespace earshot::sentiment;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "sentiment_fuzz: invariant broken: %s\n", what);
    __builtin_trap();
  }
}

bool in_unit(double x) { return std::isfinite(x) && x >= 0.0 && x <= 1.0; }

void check_sentiment(const Sentiment& s) {
  check(s.label == Label::negative || s.label == Label::neutral || s.label == Label::positive,
        "label is one of three");
  check(std::isfinite(s.score) && s.score >= -1.0f && s.score <= 1.0f, "score in [-1, 1]");
  check(in_unit(s.probs.neg) && in_unit(s.probs.neu) && in_unit(s.probs.pos), "probs in [0, 1]");
  const double sum = double{s.probs.neg} + s.probs.neu + s.probs.pos;
  check(std::fabs(sum - 1.0) <= 0.01, "probs sum to 1");
  check(!s.model.empty(), "model id set");
}

void check_tokens(std::string_view text) {
  static std::vector<Token> tokens;
  static std::vector<Token> parts;
  tokenize(text, tokens);
  std::size_t prev_end = 0;
  for (const Token& t : tokens) {
    check(t.length > 0, "token not empty");
    check(t.offset >= prev_end, "tokens in order, not overlapping");
    check(std::size_t{t.offset} + t.length <= text.size(), "token inside the input");
    prev_end = std::size_t{t.offset} + t.length;
    if (t.kind == TokenKind::hashtag) {
      parts.clear();
      split_hashtag(text, t, parts);
      for (const Token& p : parts) {
        check(p.offset >= t.offset && p.offset + p.length <= t.offset + t.length,
              "hashtag part inside its hashtag");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<Scorer> default_model = [] {
    auto loaded = load_scorer("default");
    check(loaded.has_value(), "load_scorer(\"default\") succeeds");
    return std::move(*loaded);
  }();
  static const std::unique_ptr<Scorer> vader = make_vader_scorer();
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  check_tokens(text);

  const VaderScores v = vader_polarity_scores(text);
  check(in_unit(v.neg) && in_unit(v.neu) && in_unit(v.pos), "vader proportions in [0, 1]");
  check(std::isfinite(v.compound) && v.compound >= -1.0 && v.compound <= 1.0,
        "vader compound in [-1, 1]");
  const Sentiment vs = vader->score(text);
  check_sentiment(vs);
  check(vs == vader_to_sentiment(v), "vader scorer agrees with vader_polarity_scores");

  check_sentiment(default_model->score(text));
  return 0;
}

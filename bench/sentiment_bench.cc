// Benchmarks of the social tokenizer and the vader model on the TweetEval validation texts
// (2,000 tweets, read from the VADER reference TSV so the corpus is fixed and in the repo).
// Before timing, every text's compound score is checked against the Python reference.
//
//   build-vader/bench/sentiment_bench --benchmark_filter=Vader
//   .venv-tools/bin/python bench/peers/vader_peer.py      # the Python peer, same texts
#include <benchmark/benchmark.h>

#include <cstdlib>

#include <cmath>
#include <string>
#include <vector>

#include "sentiment/tokenizer.h"
#include "sentiment/vader.h"
#include "tests/sentiment/vader_reference.h"

namespace earshot::sentiment {
namespace {

struct Corpus {
  std::vector<std::string> texts;
  std::vector<double> compound;  // vaderSentiment 3.3.2 reference
  std::size_t bytes = 0;
  std::string error;
};

// The "val" block of tests/sentiment/data/vader_parity.tsv.
const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus out;
    const std::string path = vader_reference_path(EARSHOT_SOURCE_DIR);
    for (VaderReferenceRow& row : read_vader_reference(path)) {
      if (row.block != "val") continue;
      out.compound.push_back(row.want.compound);
      out.bytes += row.text.size();
      out.texts.push_back(std::move(row.text));
    }
    if (out.texts.size() != 2000) out.error = "expected 2000 validation texts in " + path;
    return out;
  }();
  return c;
}

// Verify before timing: every compound must match the Python reference.
bool check(benchmark::State& state) {
  const Corpus& c = corpus();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return false;
  }
  for (std::size_t i = 0; i < c.texts.size(); ++i) {
    if (std::fabs(vader_polarity_scores(c.texts[i]).compound - c.compound[i]) > 1e-4) {
      state.SkipWithError(("compound differs from vaderSentiment 3.3.2 on: " + c.texts[i]).c_str());
      return false;
    }
  }
  std::vector<Token> tokens;
  tokenize("so GOOD :) #acme", tokens);
  if (tokens.size() != 4 || tokens[2].kind != TokenKind::emoticon) {
    state.SkipWithError("tokenizer self-check failed");
    return false;
  }
  return true;
}

void BM_Tokenize(benchmark::State& state) {
  if (!check(state)) return;
  const Corpus& c = corpus();
  std::vector<Token> tokens;
  for (auto _ : state) {
    for (const std::string& t : c.texts) {
      tokenize(t, tokens);
      benchmark::DoNotOptimize(tokens.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.texts.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

void BM_Vader_Score(benchmark::State& state) {
  if (!check(state)) return;
  const Corpus& c = corpus();
  for (auto _ : state) {
    for (const std::string& t : c.texts) {
      VaderScores s = vader_polarity_scores(t);
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.texts.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_Vader_Score)->Unit(benchmark::kMillisecond);

void BM_Vader_Scorer(benchmark::State& state) {
  if (!check(state)) return;
  const Corpus& c = corpus();
  const std::unique_ptr<Scorer> scorer = make_vader_scorer();
  for (auto _ : state) {
    for (const std::string& t : c.texts) {
      Sentiment s = scorer->score(t);
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.texts.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_Vader_Scorer)->Unit(benchmark::kMillisecond);

// The learned `default` model over the same texts. Checked before timing: it loads, and it
// gets two unambiguous posts right (its accuracy is measured by `earshot eval`, see
// bench/RESULTS.md).
void BM_Default_Score(benchmark::State& state) {
  if (!check(state)) return;
  auto scorer = load_scorer("default");
  if (!scorer) {
    state.SkipWithError(("default model: " + scorer.error()).c_str());
    return;
  }
  if ((*scorer)->score("I love this so much, best day ever :)").label != Label::positive ||
      (*scorer)->score("this is awful, worst service I have ever had").label != Label::negative) {
    state.SkipWithError("default model self-check failed");
    return;
  }
  const Corpus& c = corpus();
  for (auto _ : state) {
    for (const std::string& t : c.texts) {
      Sentiment s = (*scorer)->score(t);
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.texts.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_Default_Score)->Unit(benchmark::kMillisecond);

// A/B against another model file in the same run (e.g. the previous default.model):
// EARSHOT_BENCH_MODEL=path/to/old.model sentiment_bench --benchmark_filter=Score
void BM_ModelFile_Score(benchmark::State& state) {
  if (!check(state)) return;
  const char* path = std::getenv("EARSHOT_BENCH_MODEL");
  if (path == nullptr || *path == '\0') {
    state.SkipWithError("set EARSHOT_BENCH_MODEL to a model file");
    return;
  }
  auto scorer = load_scorer(path);
  if (!scorer) {
    state.SkipWithError(("model: " + scorer.error()).c_str());
    return;
  }
  const Corpus& c = corpus();
  for (auto _ : state) {
    for (const std::string& t : c.texts) {
      Sentiment s = (*scorer)->score(t);
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.texts.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_ModelFile_Score)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace earshot::sentiment

BENCHMARK_MAIN();

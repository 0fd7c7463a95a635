// earshot::sentiment — the `vader` model: a C++ port of vaderSentiment 3.3.2.
//
// VADER (Hutto & Gilbert, ICWSM-14) is a rule-based scorer for social-media text: a
// lexicon of ~7,500 words, emoticons and slang with human-rated valences, plus rules for
// negation, boosters ("very", "kinda"), ALL-CAPS emphasis, "but", "least", idioms and
// !!!/??? emphasis. This port reproduces `SentimentIntensityAnalyzer().polarity_scores()`
// of the PyPI package 3.3.2 number for number (tests/sentiment/vader_parity_test.cc checks
// ~47,000 texts against the Python output), including its quirks: its own tokenisation
// (split on whitespace, strip punctuation), emoji replaced by their descriptions one code
// point at a time, and Python's rounding of the four scores.
//
//   using namespace earshot::sentiment;
//   VaderScores s = vader_polarity_scores("The book was good.");
//   // s.compound == 0.4404, s.neg == 0.0, s.neu == 0.508, s.pos == 0.492
//   std::unique_ptr<Scorer> scorer = make_vader_scorer();
//   Sentiment t = scorer->score("VADER is VERY SMART!!!");  // label positive, model "vader-3.3.2"
//
// As a Scorer: score = compound; label positive if compound >= 0.05, negative if <= -0.05,
// else neutral; probs = {neg, neu, pos} (VADER's proportions; text without words gives
// {0, 1, 0} where VADER reports all zeros).
//
// Invalid UTF-8 is decoded with U+FFFD replacement first; any input gives a defined result.
// Cost is linear in the text (the reference is quadratic on long texts; a 1 MB post takes
// well under a second here). Speed: about 1 M tweets/s on one core, ~50x the Python
// package (bench/sentiment_bench.cc, bench/peers/vader_peer.py; figures in bench/RESULTS.md):
// one pass splits, strips, lower-cases and hashes each word (plain-ASCII posts 8 bytes at a
// time), then one probe per word into a merged table (vader_words.h) gives its valence and
// its booster / negation / idiom traits.
// Thread safety: everything here is safe to call from many threads at once (per-thread
// scratch buffers are reused, so scoring texts under 257 words does not allocate once they
// have grown).
// Lifetime: the lexicon is embedded and parsed on first use; results own their data.
#pragma once

#include <memory>
#include <string_view>

#include "sentiment/sentiment.h"

namespace earshot::sentiment {

// polarity_scores() of vaderSentiment 3.3.2: neg/neu/pos rounded to 3 decimals, compound to 4.
struct VaderScores {
  double neg = 0.0;
  double neu = 0.0;
  double pos = 0.0;
  double compound = 0.0;
  bool operator==(const VaderScores&) const = default;
};

VaderScores vader_polarity_scores(std::string_view text);

// Maps VADER scores to the shared Sentiment (see the class comment above for the rules).
Sentiment vader_to_sentiment(const VaderScores& scores);

inline constexpr std::string_view kVaderModelId = "vader-3.3.2";

// The "vader" model for load_scorer().
std::unique_ptr<Scorer> make_vader_scorer();

}  // namespace earshot::sentiment

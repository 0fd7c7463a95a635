// earshot::sentiment::vader_rules — VADER's per-word valence rules (internal to vader.cc).
//
// Input is the text already split the way vaderSentiment 3.3.2 splits it, one VaderWord per
// word with its look-ups done once (VaderWordTable); output is the list `sentiments`
// the reference builds (one valence per word, after the "but" re-weighting). Each function
// follows the Python method of the same name line by line, quirks included (for example
// `_but_check` re-weights the first equal value, because Python's list.index() does).
//
//   std::vector<double> sentiments;
//   vader_rules::word_sentiments(words, cap_differential(words), &sentiments);
//
// Thread safety: pure functions. Lifetime: nothing is retained past the call.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace earshot::sentiment {

class VaderLexicon;

// What the rules need to know about a lower-cased word besides its valence.
struct VaderTraits {
  double booster = 0.0;     // BOOSTER_DICT value (0 if absent)
  std::uint8_t id = 0;      // which word the rules compare literally ("no", "but", ...)
  bool negate = false;      // a NEGATE word
  bool is_booster = false;  // a BOOSTER_DICT key
};

// One word as split and punctuation-stripped, with its look-ups done (w = its lower case).
struct VaderWord {
  const double* valence = nullptr;  // lexicon valence of w, nullptr if absent
  double booster = 0.0;             // BOOSTER_DICT value of w (0 if absent)
  bool is_booster = false;          // w is a BOOSTER_DICT key
  bool is_upper = false;            // word.isupper()
  bool negated = false;             // negated([w]): a NEGATE word or contains "n't"
  std::uint8_t id = 0;              // which word the rules compare literally ("no", "but", ...)
};

namespace vader_rules {

// Every word with a trait (literal rule words, BOOSTER_DICT and NEGATE keys), for building
// the look-up table (VaderWordTable).
std::vector<std::pair<std::string_view, VaderTraits>> trait_words();
// allcap_differential(): some but not all words are ALL CAPS.
bool cap_differential(std::span<const VaderWord> words);
// polarity_scores()' loop plus _but_check: one valence per word, appended to `out`.
void word_sentiments(std::span<const VaderWord> words, bool cap_diff, std::vector<double>* out);

}  // namespace vader_rules
}  // namespace earshot::sentiment

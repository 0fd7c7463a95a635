// earshot::sentiment::vader_rules — VADER's per-word valence rules (internal to vader.cc).
//
// Input is the text already split the way vaderSentiment 3.3.2 splits it, one VaderWord per
// word with its lexicon and booster look-ups done once; output is the list `sentiments`
// the reference builds (one valence per word, after the "but" re-weighting). Each function
// follows the Python method of the same name line by line, quirks included (for example
// `_but_check` re-weights the first equal value, because Python's list.index() does).
//
//   std::vector<double> sentiments;
//   vader_rules::word_sentiments(words, cap_differential(words), lexicon, &sentiments);
//
// Thread safety: pure functions. Lifetime: nothing is retained past the call.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace earshot::sentiment {

class VaderLexicon;

struct VaderWord {
  std::string_view text;           // the word as split and punctuation-stripped
  std::string_view lower;          // its lower case (see vader_text::append_lower)
  const double* valence = nullptr; // lexicon valence of `lower`, nullptr if absent
  double booster = 0.0;            // BOOSTER_DICT value of `lower` (0 if absent)
  bool is_booster = false;         // `lower` is a BOOSTER_DICT key
  bool is_upper = false;           // text.isupper()
  bool negated = false;            // negated([lower]): a NEGATE word or contains "n't"
  std::uint8_t id = 0;             // which word the rules compare literally ("no", "but", ...)
};

namespace vader_rules {

// Sets w->id, w->booster, w->is_booster and w->negated for the lower-cased word `lower`
// whose VaderLexicon::hash() is `hash`. One hash look-up; no allocation.
void classify(std::string_view lower, std::uint64_t hash, VaderWord* w);
// allcap_differential(): some but not all words are ALL CAPS.
bool cap_differential(std::span<const VaderWord> words);
// polarity_scores()' loop plus _but_check: one valence per word, appended to `out`.
void word_sentiments(std::span<const VaderWord> words, bool cap_diff, std::vector<double>* out);

}  // namespace vader_rules
}  // namespace earshot::sentiment

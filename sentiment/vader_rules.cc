// Port of vaderSentiment 3.3.2 SentimentIntensityAnalyzer.sentiment_valence and helpers.
// Compiled with -ffp-contract=off: the arithmetic must round exactly like CPython's.
#include "sentiment/vader_rules.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace earshot::sentiment::vader_rules {
namespace {

// Ids of the words the rules compare literally (VaderWord::id); 0 is any other word.
enum WordId : std::uint8_t {
  kOther = 0,
  kNo,
  kBut,
  kKind,
  kOf,
  kLeast,
  kAt,
  kVery,
  kNever,
  kSo,
  kThis,
  kWithout,
  kDoubt,
  kOr,
  kNor,
  kThe,
  kShit,
  kBomb,
  kBad,
  kAss,
  kBus,
  kStop,
  kYeah,
  kRight,
  kKiss,
  kDeath,
  kTo,
  kDie,
  kFor,
  kBeating,
  kHeart,
  kJust,
  kEnough,
  kSort,
};
constexpr std::array<std::string_view, 34> kWordIds = {
    "",    "no",   "but",     "kind",  "of",   "least",  "at",   "very",  "never",
    "so",  "this", "without", "doubt", "or",   "nor",    "the",  "shit",  "bomb",
    "bad", "ass",  "bus",     "stop",  "yeah", "right",  "kiss", "death", "to",
    "die", "for",  "beating", "heart", "just", "enough", "sort",
};

constexpr double kBIncr = 0.293;
constexpr double kBDecr = -0.293;
constexpr double kCIncr = 0.733;
constexpr double kNScalar = -0.74;

// Sorted; only the single-word keys of BOOSTER_DICT (the others contain a space).
constexpr std::array<std::pair<std::string_view, double>, 81> kBoosters = {{
    {"absolutely", kBIncr},
    {"almost", kBDecr},
    {"amazingly", kBIncr},
    {"awfully", kBIncr},
    {"barely", kBDecr},
    {"completely", kBIncr},
    {"considerable", kBIncr},
    {"considerably", kBIncr},
    {"decidedly", kBIncr},
    {"deeply", kBIncr},
    {"effing", kBIncr},
    {"enormous", kBIncr},
    {"enormously", kBIncr},
    {"entirely", kBIncr},
    {"especially", kBIncr},
    {"exceptional", kBIncr},
    {"exceptionally", kBIncr},
    {"extreme", kBIncr},
    {"extremely", kBIncr},
    {"fabulously", kBIncr},
    {"flippin", kBIncr},
    {"flipping", kBIncr},
    {"frackin", kBIncr},
    {"fracking", kBIncr},
    {"frickin", kBIncr},
    {"fricking", kBIncr},
    {"friggin", kBIncr},
    {"frigging", kBIncr},
    {"fuckin", kBIncr},
    {"fucking", kBIncr},
    {"fuggin", kBIncr},
    {"fugging", kBIncr},
    {"fully", kBIncr},
    {"greatly", kBIncr},
    {"hardly", kBDecr},
    {"hella", kBIncr},
    {"highly", kBIncr},
    {"hugely", kBIncr},
    {"incredible", kBIncr},
    {"incredibly", kBIncr},
    {"intensely", kBIncr},
    {"kind-of", kBDecr},
    {"kinda", kBDecr},
    {"kindof", kBDecr},
    {"less", kBDecr},
    {"little", kBDecr},
    {"major", kBIncr},
    {"majorly", kBIncr},
    {"marginal", kBDecr},
    {"marginally", kBDecr},
    {"more", kBIncr},
    {"most", kBIncr},
    {"occasional", kBDecr},
    {"occasionally", kBDecr},
    {"particularly", kBIncr},
    {"partly", kBDecr},
    {"purely", kBIncr},
    {"quite", kBIncr},
    {"really", kBIncr},
    {"remarkably", kBIncr},
    {"scarce", kBDecr},
    {"scarcely", kBDecr},
    {"slight", kBDecr},
    {"slightly", kBDecr},
    {"so", kBIncr},
    {"somewhat", kBDecr},
    {"sort-of", kBDecr},
    {"sorta", kBDecr},
    {"sortof", kBDecr},
    {"substantially", kBIncr},
    {"thoroughly", kBIncr},
    {"total", kBIncr},
    {"totally", kBIncr},
    {"tremendous", kBIncr},
    {"tremendously", kBIncr},
    {"uber", kBIncr},
    {"unbelievably", kBIncr},
    {"unusually", kBIncr},
    {"utter", kBIncr},
    {"utterly", kBIncr},
    {"very", kBIncr},
}};

constexpr std::array<std::string_view, 59> kNegate = {
    "ain't",    "aint",     "aren't",   "arent",   "can't",   "cannot", "cant",      "couldn't",
    "couldnt",  "daren't",  "darent",   "despite", "didn't",  "didnt",  "doesn't",   "doesnt",
    "don't",    "dont",     "hadn't",   "hadnt",   "hasn't",  "hasnt",  "haven't",   "havent",
    "isn't",    "isnt",     "mightn't", "mightnt", "mustn't", "mustnt", "needn't",   "neednt",
    "neither",  "never",    "none",     "nope",    "nor",     "not",    "nothing",   "nowhere",
    "oughtn't", "oughtnt",  "rarely",   "seldom",  "shan't",  "shant",  "shouldn't", "shouldnt",
    "uh-uh",    "uhuh",     "wasn't",   "wasnt",   "weren't", "werent", "without",   "won't",
    "wont",     "wouldn't", "wouldnt"};

struct SpecialCase {
  std::array<std::uint8_t, 3> words;  // word ids; 2 or 3 words, unused ones 0
  double value;
};
// SPECIAL_CASES with more than one word ("badass" can never equal a joined n-gram).
constexpr std::array<SpecialCase, 8> kSpecialCases = {{
    {{kThe, kShit, 0}, 3.0},
    {{kThe, kBomb, 0}, 3.0},
    {{kBad, kAss, 0}, 1.5},
    {{kBus, kStop, 0}, 0.0},
    {{kYeah, kRight, 0}, -2.0},
    {{kKiss, kOf, kDeath}, -1.5},
    {{kTo, kDie, kFor}, 3.0},
    {{kBeating, kHeart, 0}, 3.5},
}};

// SPECIAL_CASES lookup of the n-gram words[first .. first+n).
bool special_case(std::span<const VaderWord> w, std::size_t first, std::size_t n, double* value) {
  if (w[first].id == kOther) return false;  // every special-case word has an id
  for (const SpecialCase& c : kSpecialCases) {
    const std::size_t len = c.words[2] == 0 ? 2 : 3;
    if (len != n) continue;
    bool match = true;
    for (std::size_t k = 0; k < n && match; ++k) match = w[first + k].id == c.words[k];
    if (match) {
      *value = c.value;
      return true;
    }
  }
  return false;
}

// Two-word BOOSTER_DICT keys: "just enough", "kind of", "sort of" (all B_DECR).
bool booster_bigram(std::uint8_t a, std::uint8_t b) {
  return (a == kJust && b == kEnough) || ((a == kKind || a == kSort) && b == kOf);
}

double scalar_inc_dec(const VaderWord& word, double valence, bool cap_diff) {
  double scalar = 0.0;
  if (word.is_booster) {
    scalar = word.booster;
    if (valence < 0) scalar *= -1;
    if (word.is_upper && cap_diff) {
      if (valence > 0) {
        scalar += kCIncr;
      } else {
        scalar -= kCIncr;
      }
    }
  }
  return scalar;
}

bool so_or_this(std::uint8_t id) { return id == kSo || id == kThis; }

double negation_check(double valence, std::span<const VaderWord> w, int start_i, std::size_t i) {
  if (start_i == 0) {
    if (w[i - 1].negated) valence = valence * kNScalar;
  } else if (start_i == 1) {
    if (w[i - 2].id == kNever && so_or_this(w[i - 1].id)) {
      valence = valence * 1.25;
    } else if (w[i - 2].id == kWithout && w[i - 1].id == kDoubt) {
      // unchanged
    } else if (w[i - 2].negated) {
      valence = valence * kNScalar;
    }
  } else {
    // Python precedence: (never and (so or this)) or (so or this at i-1).
    if ((w[i - 3].id == kNever && so_or_this(w[i - 2].id)) || so_or_this(w[i - 1].id)) {
      valence = valence * 1.25;
    } else if (w[i - 3].id == kWithout && (w[i - 2].id == kDoubt || w[i - 1].id == kDoubt)) {
      // unchanged
    } else if (w[i - 3].negated) {
      valence = valence * kNScalar;
    }
  }
  return valence;
}

double special_idioms_check(double valence, std::span<const VaderWord> w, std::size_t i) {
  // Order of the reference: onezero, twoonezero, twoone, threetwoone, threetwo; first wins.
  double v = 0.0;
  if (special_case(w, i - 1, 2, &v) || special_case(w, i - 2, 3, &v) ||
      special_case(w, i - 2, 2, &v) || special_case(w, i - 3, 3, &v) ||
      special_case(w, i - 3, 2, &v)) {
    valence = v;
  }
  if (w.size() - 1 > i && special_case(w, i, 2, &v)) valence = v;
  if (w.size() - 1 > i + 1 && special_case(w, i, 3, &v)) valence = v;
  // n_grams threetwoone, threetwo, twoone in BOOSTER_DICT (a 3-gram never is).
  if (booster_bigram(w[i - 3].id, w[i - 2].id)) valence = valence + kBDecr;
  if (booster_bigram(w[i - 2].id, w[i - 1].id)) valence = valence + kBDecr;
  return valence;
}

double least_check(double valence, std::span<const VaderWord> w, std::size_t i) {
  if (i > 1 && !w[i - 1].valence && w[i - 1].id == kLeast) {
    if (w[i - 2].id != kAt && w[i - 2].id != kVery) valence = valence * kNScalar;
  } else if (i > 0 && !w[i - 1].valence && w[i - 1].id == kLeast) {
    valence = valence * kNScalar;
  }
  return valence;
}

double sentiment_valence(std::span<const VaderWord> w, bool cap_diff, std::size_t i) {
  const VaderWord& item = w[i];
  if (!item.valence) return 0.0;
  const std::size_t n = w.size();
  double valence = *item.valence;
  if (item.id == kNo && i != n - 1 && w[i + 1].valence) valence = 0.0;
  if ((i > 0 && w[i - 1].id == kNo) || (i > 1 && w[i - 2].id == kNo) ||
      (i > 2 && w[i - 3].id == kNo && (w[i - 1].id == kOr || w[i - 1].id == kNor))) {
    valence = *item.valence * kNScalar;
  }
  if (item.is_upper && cap_diff) {
    if (valence > 0) {
      valence += kCIncr;
    } else {
      valence -= kCIncr;
    }
  }
  for (int start_i = 0; start_i < 3; ++start_i) {
    const auto back = static_cast<std::size_t>(start_i) + 1;
    if (i > static_cast<std::size_t>(start_i) && !w[i - back].valence) {
      double s = scalar_inc_dec(w[i - back], valence, cap_diff);
      if (start_i == 1 && s != 0) s = s * 0.95;
      if (start_i == 2 && s != 0) s = s * 0.9;
      valence = valence + s;
      valence = negation_check(valence, w, start_i, i);
      if (start_i == 2) valence = special_idioms_check(valence, w, i);
    }
  }
  return least_check(valence, w, i);
}

// _but_check's loop: `for sentiment in sentiments: si = sentiments.index(sentiment); ...`.
// list.index() finds the FIRST equal value, so with repeated values the reference re-weights
// the same position several times and leaves others alone. Short lists use the literal
// quadratic loop; long ones (a 1 MB post) track the first position of every value instead.
void but_check(std::size_t bi, std::vector<double>& s) {
  auto reweight = [bi](std::size_t si, double sentiment) {
    return si < bi ? sentiment * 0.5 : si > bi ? sentiment * 1.5 : sentiment;
  };
  if (s.size() <= 256) {
    for (std::size_t k = 0; k < s.size(); ++k) {
      const double sentiment = s[k];
      const auto si =
          static_cast<std::size_t>(std::find(s.begin(), s.end(), sentiment) - s.begin());
      s[si] = reweight(si, sentiment);
    }
    return;
  }
  std::map<double, std::set<std::size_t>> where;  // 0.0 and -0.0 share a key, like ==
  for (std::size_t k = 0; k < s.size(); ++k) where[s[k]].insert(k);
  for (std::size_t k = 0; k < s.size(); ++k) {
    const double sentiment = s[k];
    auto& positions = where[sentiment];
    const std::size_t si = *positions.begin();
    const double updated = reweight(si, sentiment);
    if (updated == sentiment) continue;
    positions.erase(positions.begin());
    where[updated].insert(si);
    s[si] = updated;
  }
}

}  // namespace

std::vector<std::pair<std::string_view, VaderTraits>> trait_words() {
  std::vector<std::pair<std::string_view, VaderTraits>> out;
  auto at = [&out](std::string_view word) -> VaderTraits& {
    for (auto& [w, t] : out) {
      if (w == word) return t;
    }
    return out.emplace_back(word, VaderTraits{}).second;
  };
  for (std::size_t i = 1; i < kWordIds.size(); ++i)
    at(kWordIds[i]).id = static_cast<std::uint8_t>(i);
  for (const auto& [word, value] : kBoosters) {
    VaderTraits& t = at(word);
    t.is_booster = true;
    t.booster = value;
  }
  for (const std::string_view word : kNegate) at(word).negate = true;
  return out;
}

bool cap_differential(std::span<const VaderWord> words) {
  std::size_t allcap = 0;
  for (const VaderWord& w : words) allcap += w.is_upper ? 1 : 0;
  const std::size_t differential = words.size() - allcap;
  return differential > 0 && differential < words.size();
}

void word_sentiments(std::span<const VaderWord> w, bool cap_diff, std::vector<double>* out) {
  out->clear();
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i].is_booster) {
      out->push_back(0.0);
    } else if (i < w.size() - 1 && w[i].id == kKind && w[i + 1].id == kOf) {
      out->push_back(0.0);
    } else {
      out->push_back(sentiment_valence(w, cap_diff, i));
    }
  }
  // _but_check, with list.index()'s first-equal-value semantics.
  std::size_t bi = w.size();
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i].id == kBut) {
      bi = i;
      break;
    }
  }
  if (bi == w.size()) return;
  but_check(bi, *out);
}

}  // namespace earshot::sentiment::vader_rules

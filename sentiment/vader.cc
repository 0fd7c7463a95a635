// vaderSentiment 3.3.2 polarity_scores(): text preparation and the final score arithmetic.
// The per-word rules are in vader_rules.cc. Compiled with -ffp-contract=off (parity).
#include "sentiment/vader.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sentiment/utf8.h"
#include "sentiment/vader_lexicon.h"
#include "sentiment/vader_rules.h"
#include "sentiment/vader_text.h"

namespace earshot::sentiment {
namespace {

struct Scratch {
  std::string text;   // input with emoji replaced by their descriptions
  std::string lower;  // lower case of every word, back to back
  std::vector<VaderWord> words;
  std::vector<std::size_t> lower_offsets;
  std::vector<std::uint64_t> hashes;
  std::vector<double> sentiments;
};

// The emoji loop of polarity_scores(): each code point found in the emoji lexicon becomes
// its description, preceded by a space unless the previous character was one.
void replace_emoji(std::string_view in, const VaderLexicon& lex, std::string* out) {
  out->clear();
  bool prev_space = true;
  for (std::size_t pos = 0; pos < in.size();) {
    auto b = static_cast<unsigned char>(in[pos]);
    if (b < 0x80 && !lex.ascii_emoji(b)) {
      std::size_t end = pos + 1;  // copy the whole run of plain ASCII at once
      while (end < in.size() && static_cast<unsigned char>(in[end]) < 0x80 &&
             !lex.ascii_emoji(static_cast<unsigned char>(in[end]))) {
        ++end;
      }
      out->append(in.substr(pos, end - pos));
      prev_space = in[end - 1] == ' ';
      pos = end;
      continue;
    }
    const utf8::Decoded d = utf8::decode(in, pos);
    const std::string_view description = d.valid ? lex.emoji_description(d.code_point)
                                                 : std::string_view{};
    if (!description.empty()) {
      if (!prev_space) out->push_back(' ');
      out->append(description);
      prev_space = false;
    } else {
      if (d.valid) {
        out->append(in.substr(pos, d.length));
      } else {
        utf8::append(utf8::kReplacement, out);
      }
      prev_space = false;
    }
    pos += d.length;
  }
}

// Byte length of the Python whitespace code point at `pos`, or 0.
inline std::size_t space_length(std::string_view text, std::size_t pos) {
  const auto b = static_cast<unsigned char>(text[pos]);
  if (b < 0x80) return ((b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20)) ? 1 : 0;
  if (b < 0xC0) return 0;
  std::size_t p = pos;
  return vader_text::is_space(vader_text::next_code_point(text, &p)) ? p - pos : 0;
}

// str.split() then _strip_punc_if_word, plus the per-word look-ups the rules need.
void split_words(const VaderLexicon& lex, Scratch* s) {
  s->words.clear();
  s->lower.clear();
  s->lower_offsets.clear();
  const std::string_view text = s->text;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = pos;
    while (start < text.size()) {  // skip whitespace
      const std::size_t len = space_length(text, start);
      if (len == 0) break;
      start += len;
    }
    if (start >= text.size()) break;
    std::size_t end = start;
    while (end < text.size()) {
      const auto b = static_cast<unsigned char>(text[end]);
      if (b < 0x80) {
        if ((b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20)) break;
        ++end;
        continue;
      }
      std::size_t p = end;
      if (vader_text::is_space(vader_text::next_code_point(text, &p))) break;
      end = p;
    }
    VaderWord w;
    w.text = vader_text::strip_punctuation_if_word(text.substr(start, end - start));
    s->lower_offsets.push_back(s->lower.size());
    vader_text::append_lower(w.text, &s->lower);
    s->words.push_back(w);
    pos = end;
  }
  s->lower_offsets.push_back(s->lower.size());
  const std::string_view lower = s->lower;  // complete now: views stay valid
  s->hashes.clear();
  for (std::size_t i = 0; i < s->words.size(); ++i) {  // hash all words, start their loads
    VaderWord& w = s->words[i];
    w.lower = lower.substr(s->lower_offsets[i], s->lower_offsets[i + 1] - s->lower_offsets[i]);
    s->hashes.push_back(VaderLexicon::hash(w.lower));
    lex.prefetch(s->hashes.back());
  }
  for (std::size_t i = 0; i < s->words.size(); ++i) {
    VaderWord& w = s->words[i];
    const std::uint64_t hash = s->hashes[i];
    w.valence = lex.valence(w.lower, hash);
    vader_rules::classify(w.lower, hash, &w);
    w.is_upper = vader_text::is_upper(w.text);
  }
}

// Python's round(x, ndigits) for ndigits 3 or 4: correctly rounded, ties to even.
double py_round(double x, int ndigits) {
  const double scale = ndigits == 3 ? 1e3 : 1e4;
  const double y = x * scale;
  const double frac = std::fabs(y - std::trunc(y));
  if (std::isfinite(y) && std::fabs(frac - 0.5) > 1e-6) return std::nearbyint(y) / scale;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);  // exact decimal rounding (glibc)
  return std::strtod(buf, nullptr);
}

double normalize(double score) {
  const double norm = score / std::sqrt((score * score) + 15);
  if (norm < -1.0) return -1.0;
  if (norm > 1.0) return 1.0;
  return norm;
}

double punctuation_emphasis(std::string_view text) {
  std::size_t ep = 0;
  std::size_t qm = 0;
  for (const char c : text) {
    ep += c == '!' ? 1 : 0;
    qm += c == '?' ? 1 : 0;
  }
  if (ep > 4) ep = 4;
  const double ep_amplifier = static_cast<double>(ep) * 0.292;
  double qm_amplifier = 0;
  if (qm > 1) qm_amplifier = qm <= 3 ? static_cast<double>(qm) * 0.18 : 0.96;
  return ep_amplifier + qm_amplifier;
}

VaderScores score_valence(const std::vector<double>& sentiments, std::string_view text) {
  if (sentiments.empty()) return {};
  double sum_s = 0.0;
  for (const double v : sentiments) sum_s += v;
  const double amp = punctuation_emphasis(text);
  if (sum_s > 0) {
    sum_s += amp;
  } else if (sum_s < 0) {
    sum_s -= amp;
  }
  const double compound = normalize(sum_s);
  double pos_sum = 0.0;
  double neg_sum = 0.0;
  int neu_count = 0;
  for (const double v : sentiments) {
    if (v > 0) pos_sum += (v + 1);
    if (v < 0) neg_sum += (v - 1);
    if (v == 0) neu_count += 1;
  }
  if (pos_sum > std::fabs(neg_sum)) {
    pos_sum += amp;
  } else if (pos_sum < std::fabs(neg_sum)) {
    neg_sum -= amp;
  }
  const double total = pos_sum + std::fabs(neg_sum) + neu_count;
  return VaderScores{py_round(std::fabs(neg_sum / total), 3),
                     py_round(std::fabs(neu_count / total), 3),
                     py_round(std::fabs(pos_sum / total), 3), py_round(compound, 4)};
}

class VaderScorer final : public Scorer {
 public:
  Sentiment score(std::string_view text) const override {
    return vader_to_sentiment(vader_polarity_scores(text));
  }
  std::string_view id() const override { return kVaderModelId; }
};

}  // namespace

VaderScores vader_polarity_scores(std::string_view text) {
  thread_local Scratch scratch;
  const VaderLexicon& lex = VaderLexicon::embedded();
  replace_emoji(text, lex, &scratch.text);
  split_words(lex, &scratch);
  const bool cap_diff = vader_rules::cap_differential(scratch.words);
  vader_rules::word_sentiments(scratch.words, cap_diff, &scratch.sentiments);
  return score_valence(scratch.sentiments, scratch.text);
}

Sentiment vader_to_sentiment(const VaderScores& scores) {
  Sentiment s;
  s.score = static_cast<float>(scores.compound);
  s.label = scores.compound >= 0.05    ? Label::positive
            : scores.compound <= -0.05 ? Label::negative
                                       : Label::neutral;
  if (scores.neg == 0.0 && scores.neu == 0.0 && scores.pos == 0.0) {
    s.probs = Probs{0.0f, 1.0f, 0.0f};
  } else {
    s.probs = Probs{static_cast<float>(scores.neg), static_cast<float>(scores.neu),
                    static_cast<float>(scores.pos)};
  }
  s.model = std::string(kVaderModelId);
  return s;
}

std::unique_ptr<Scorer> make_vader_scorer() { return std::make_unique<VaderScorer>(); }

}  // namespace earshot::sentiment

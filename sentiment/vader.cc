// vaderSentiment 3.3.2 polarity_scores(): text preparation and the final score arithmetic.
// The per-word rules are in vader_rules.cc. Compiled with -ffp-contract=off (parity).
#include "sentiment/vader.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sentiment/utf8.h"
#include "sentiment/vader_ascii.h"
#include "sentiment/vader_lexicon.h"
#include "sentiment/vader_rules.h"
#include "sentiment/vader_text.h"
#include "sentiment/vader_words.h"

namespace earshot::sentiment {
namespace {

struct Pending {
  std::uint64_t hash;
  std::uint32_t offset;
  std::uint32_t length;
  bool apostrophe;
};

struct Scratch {
  std::string text;   // input with emoji replaced by their descriptions (non-ASCII input only)
  std::string lower;  // lower case of every word, each zero-padded to a multiple of 8 bytes
  std::size_t lower_used = 0;
  std::vector<Pending> pending;
  std::vector<std::uint64_t> spaces;  // whitespace bitmap (plain ASCII text)  // per word: where
                                      // its lower case is, its hash
  std::vector<VaderWord> words;
  std::vector<double> sentiments;
};

// Classes of the bytes the word scan cares about.
enum : std::uint8_t {
  kSpace = 1,
  kPunct = 2,
  kUpper = 4,
  kLower = 8,
  kHigh = 16,
  kApostrophe = 32
};
constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    std::uint8_t c = 0;
    if ((b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20)) c |= kSpace;
    // string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
    if ((b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) ||
        (b >= 0x7B && b <= 0x7E)) {
      c |= kPunct;
    }
    if (b >= 'A' && b <= 'Z') c |= kUpper;
    if (b >= 'a' && b <= 'z') c |= kLower;
    if (b >= 0x80) c |= kHigh;
    if (b == '\'') c |= kApostrophe;
    t[static_cast<std::size_t>(b)] = c;
  }
  return t;
}();

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
    const std::string_view description =
        d.valid ? lex.emoji_description(d.code_point) : std::string_view{};
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

// One word of str.split(): _strip_punc_if_word, lower() into the arena (zero-padded to a
// multiple of 8 bytes), isupper() and the hash; the table probe comes later (look_up()).
// `seen` is the OR of the byte classes of `token`; `text_end` ends the buffer `token` lies
// in (8-byte loads must stay inside it).
void add_word(std::string_view token, std::uint8_t seen, const char* text_end,
              const VaderWordTable& table, Scratch* s) {
  std::string_view word = token;
  if ((seen & (kPunct | kHigh)) == kPunct) {  // ASCII: one byte per code point
    std::size_t b = 0;
    std::size_t e = token.size();
    while (b < e && (kByteClass[static_cast<unsigned char>(token[b])] & kPunct)) ++b;
    while (e > b && (kByteClass[static_cast<unsigned char>(token[e - 1])] & kPunct)) --e;
    if (e - b > 2) word = token.substr(b, e - b);
  } else if (seen & kPunct) {
    word = vader_text::strip_punctuation_if_word(token);
  }
  std::string& arena = s->lower;
  const std::size_t off = s->lower_used;
  if (arena.size() < off + word.size() + 16) arena.resize(2 * (off + word.size() + 16));
  char* out = arena.data() + off;
  std::size_t len = word.size();
  bool upper = false;
  std::uint64_t h = VaderWordTable::hash_seed(len);
  if (!(seen & kHigh)) {
    // ASCII: lower-case 8 bytes at a time in a register (SWAR), hashing as we go.
    for (std::size_t i = 0; i < len; i += 8) {
      const std::uint64_t x =
          vader_ascii::lower8(vader_ascii::load8(word.data() + i, len - i, text_end));
      std::memcpy(out + i, &x, 8);
      h = VaderWordTable::hash_step(h, x);
    }
    upper = (seen & kUpper) && !(seen & kLower);  // stripped punctuation is uncased
  } else {
    len = vader_text::lower_into(word, out);
    std::memset(out + len, 0, 8);
    h = VaderWordTable::hash(out, len);
    upper = vader_text::is_upper(word);
  }
  s->lower_used = off + ((len + 7) & ~std::size_t{7});
  table.prefetch(h);
  s->pending.push_back(Pending{h, static_cast<std::uint32_t>(off), static_cast<std::uint32_t>(len),
                               (seen & kApostrophe) != 0});
  s->words.emplace_back().is_upper = upper;
}

// The table probe of every word added (prefetched by add_word()).
void look_up(const VaderWordTable& table, Scratch* s) {
  for (std::size_t i = 0; i < s->words.size(); ++i) {
    const Pending& p = s->pending[i];
    const char* lower = s->lower.data() + p.offset;
    VaderWord& w = s->words[i];
    if (const VaderWordTable::Entry* e = table.find(lower, p.length, p.hash)) {
      w.valence = e->has_valence() ? &e->valence : nullptr;
      w.booster = table.booster(*e);
      w.is_booster = e->is_booster();
      w.id = e->id;
      w.negated = e->negate();
    }
    if (!w.negated && p.apostrophe) {  // negated([word]): any word containing "n't"
      for (std::size_t k = 2; k < p.length && !w.negated; ++k) {
        w.negated = lower[k] == 't' && lower[k - 1] == '\'' && lower[k - 2] == 'n';
      }
    }
  }
}

// str.split() of the prepared text, one add_word() per word.
void split_words(std::string_view text, const VaderWordTable& table, Scratch* s) {
  s->words.clear();
  s->pending.clear();
  s->lower_used = 0;
  const std::size_t n = text.size();
  std::size_t pos = 0;
  while (true) {
    while (pos < n) {  // skip whitespace
      const auto b = static_cast<unsigned char>(text[pos]);
      if (b < 0x80) {
        if (!(kByteClass[b] & kSpace)) break;
        ++pos;
        continue;
      }
      const std::size_t len = space_length(text, pos);
      if (len == 0) break;
      pos += len;
    }
    if (pos >= n) break;
    const std::size_t start = pos;
    std::uint8_t seen = 0;
    while (pos < n) {
      const auto b = static_cast<unsigned char>(text[pos]);
      const std::uint8_t cls = kByteClass[b];
      if (cls & kSpace) break;
      seen |= cls;
      if (b < 0x80) {
        ++pos;
        continue;
      }
      std::size_t p = pos;
      if (vader_text::is_space(vader_text::next_code_point(text, &p))) break;
      pos = p;
    }
    add_word(text.substr(start, pos - start), seen, text.data() + n, table, s);
  }
  look_up(table, s);
}

// add_word() for an ASCII `token` in one pass: its byte classes, lower case and hash are
// found together, 8 bytes at a time; only a word that loses punctuation at its ends is
// lower-cased and hashed again.
void add_ascii_word(std::string_view token, const char* text_end, const VaderWordTable& table,
                    Scratch* s) {
  using namespace vader_ascii;
  std::string& arena = s->lower;
  const std::size_t off = s->lower_used;
  if (arena.size() < off + token.size() + 16) arena.resize(2 * (off + token.size() + 16));
  char* out = arena.data() + off;
  std::size_t len = token.size();
  std::uint64_t upper = 0, lower = 0, punct = 0, apostrophe = 0;
  std::uint64_t h = VaderWordTable::hash_seed(len);
  for (std::size_t i = 0; i < len; i += 8) {
    const std::uint64_t x = load8(token.data() + i, len - i, text_end);
    upper |= in_range(x, 'A', 'Z');
    lower |= in_range(x, 'a', 'z');
    punct |= punct8(x);
    apostrophe |= in_range(x, '\'', '\'');
    const std::uint64_t l = lower8(x);
    std::memcpy(out + i, &l, 8);
    h = VaderWordTable::hash_step(h, l);
  }
  if (punct) {  // _strip_punc_if_word: strip only when more than 2 characters remain
    std::size_t b = 0;
    std::size_t e = len;
    while (b < e && (kByteClass[static_cast<unsigned char>(token[b])] & kPunct)) ++b;
    while (e > b && (kByteClass[static_cast<unsigned char>(token[e - 1])] & kPunct)) --e;
    if (e - b > 2 && e - b < len) {
      const std::string_view word = token.substr(b, e - b);
      len = word.size();
      h = VaderWordTable::hash_seed(len);
      for (std::size_t i = 0; i < len; i += 8) {
        const std::uint64_t l = lower8(load8(word.data() + i, len - i, text_end));
        std::memcpy(out + i, &l, 8);
        h = VaderWordTable::hash_step(h, l);
      }
    }
  }
  s->lower_used = off + ((len + 7) & ~std::size_t{7});
  table.prefetch(h);
  s->pending.push_back(Pending{h, static_cast<std::uint32_t>(off), static_cast<std::uint32_t>(len),
                               apostrophe != 0});
  s->words.emplace_back().is_upper = upper != 0 && lower == 0;  // stripped punctuation is uncased
}

// s->spaces holds the whitespace bitmap of `text` (vader_ascii::scan_ascii()).
void split_ascii_words(std::string_view text, const VaderWordTable& table, Scratch* s) {
  s->words.clear();
  s->pending.clear();
  s->lower_used = 0;
  const char* end = text.data() + text.size();
  for (std::size_t pos = vader_ascii::next_bit(s->spaces, 0, false); pos < text.size();) {
    const std::size_t stop = vader_ascii::next_bit(s->spaces, pos, true);
    const std::string_view token = text.substr(pos, stop - pos);
    add_ascii_word(token, end, table, s);
    pos = vader_ascii::next_bit(s->spaces, stop, false);
  }
  look_up(table, s);
}

// True when some ASCII byte is an emoji lexicon entry (then no text is "plain").
bool lexicon_has_ascii_emoji(const VaderLexicon& lex) {
  static const bool ascii_emoji = [&lex] {
    for (unsigned c = 0; c < 128; ++c) {
      if (lex.ascii_emoji(static_cast<unsigned char>(c))) return true;
    }
    return false;
  }();
  return ascii_emoji;
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

// '!' and '?' in `text`.
vader_ascii::AsciiScan count_emphasis(std::string_view text) {
  vader_ascii::AsciiScan scan;
  for (const char c : text) {
    scan.exclaims += c == '!' ? 1 : 0;
    scan.questions += c == '?' ? 1 : 0;
  }
  return scan;
}

double punctuation_emphasis(const vader_ascii::AsciiScan& marks) {
  std::size_t ep = marks.exclaims;
  const std::size_t qm = marks.questions;
  if (ep > 4) ep = 4;
  const double ep_amplifier = static_cast<double>(ep) * 0.292;
  double qm_amplifier = 0;
  if (qm > 1) qm_amplifier = qm <= 3 ? static_cast<double>(qm) * 0.18 : 0.96;
  return ep_amplifier + qm_amplifier;
}

VaderScores score_valence(const std::vector<double>& sentiments,
                          const vader_ascii::AsciiScan& marks) {
  if (sentiments.empty()) return {};
  double sum_s = 0.0;
  for (const double v : sentiments) sum_s += v;
  const double amp = punctuation_emphasis(marks);
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

VaderScores vader_polarity_scores(std::string_view in) {
  thread_local Scratch scratch;
  const VaderLexicon& lex = VaderLexicon::embedded();
  // Plain ASCII without emoji entries (most posts) is used as is, uncopied; one pass finds
  // its whitespace and counts its '!' and '?'.
  vader_ascii::AsciiScan marks;
  if (!lexicon_has_ascii_emoji(lex)) marks = vader_ascii::scan_ascii(in, &scratch.spaces);
  if (marks.ascii && !lexicon_has_ascii_emoji(lex)) {
    split_ascii_words(in, VaderWordTable::embedded(), &scratch);
  } else {
    replace_emoji(in, lex, &scratch.text);
    split_words(scratch.text, VaderWordTable::embedded(), &scratch);
    marks = count_emphasis(scratch.text);
  }
  const bool cap_diff = vader_rules::cap_differential(scratch.words);
  vader_rules::word_sentiments(scratch.words, cap_diff, &scratch.sentiments);
  return score_valence(scratch.sentiments, marks);
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

#include "sentiment/feature_tokens.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <cstddef>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "sentiment/embedded_data.h"
#include "sentiment/feature_bytes.h"
#include "sentiment/features.h"
#include "sentiment/utf8.h"

namespace earshot::sentiment {
namespace {

std::size_t decode_utf8(std::string_view s, std::size_t p, std::uint32_t* cp);

// The VADER lexicon (token hash -> valence) and emoji descriptions (codepoint -> words),
// parsed once from the embedded data files.
struct Tables {
  // Open addressing, linear probing, power-of-two size; key 0 marks an empty slot.
  static constexpr int kBits = 14;
  std::vector<std::uint64_t> keys = std::vector<std::uint64_t>(std::size_t{1} << kBits, 0);
  std::vector<float> valence = std::vector<float>(std::size_t{1} << kBits, 0.0f);
  // One bit per value of bits 1-16 of a key, set for every lexicon key: most tokens are not
  // in the lexicon, and this 8 KiB bitset says so without a probe into the table.
  static constexpr int kFilterBits = 16;
  std::vector<std::uint64_t> filter =
      std::vector<std::uint64_t>((std::size_t{1} << kFilterBits) / 64, 0);
  static std::uint64_t filter_bit(std::uint64_t key) {
    return (key >> 1) & ((std::uint64_t{1} << kFilterBits) - 1);
  }
  std::unordered_map<std::uint32_t, std::string_view> emoji;
};

// Calls fn(first column, second column) for each "a<TAB>b..." line of `data`.
template <typename Fn>
void for_each_row(std::string_view data, Fn fn) {
  while (!data.empty()) {
    const std::size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    std::string_view rest = line.substr(tab + 1);
    fn(line.substr(0, tab), rest.substr(0, rest.find('\t')));
  }
}

// Out of line, so that tables() below stays small enough to inline at every lookup.
[[gnu::noinline]] Tables build_tables() {
  {
    Tables out;
    for_each_row(embedded::vader_lexicon(), [&](std::string_view token, std::string_view v) {
      const std::string value(v);
      const std::uint64_t key = hash_bytes(token, kTokenHashSeed) | 1;
      const std::size_t mask = out.keys.size() - 1;
      std::size_t slot = key >> (64 - Tables::kBits);
      while (out.keys[slot] != 0 && out.keys[slot] != key) slot = (slot + 1) & mask;
      out.keys[slot] = key;
      out.valence[slot] = std::strtof(value.c_str(), nullptr);
      const std::uint64_t bit = Tables::filter_bit(key);
      out.filter[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    });
    for_each_row(embedded::emoji_lexicon(), [&](std::string_view e, std::string_view words) {
      std::uint32_t cp = 0;
      if (!e.empty() && decode_utf8(e, 0, &cp) == e.size()) out.emoji.emplace(cp, words);
    });
    return out;
  }
}

inline const Tables& tables() {
  static const Tables t = build_tables();
  return t;
}

constexpr std::array<std::string_view, 30> kEmoticons = {
    ":-)", ":)",   ":-(", ":(",  ":-d", ":d",  ";-)", ";)",  ":-p", ":p",
    ":'(", ":'-(", "</3", "<3",  ":-/", ":/",  ":\\", ":-|", ":|",  ":o",
    "=)",  "=(",   "=d",  "^_^", "^^",  "-_-", "xd",  ":*",  ";p",  ":@"};

constexpr std::array<std::string_view, 30> kNegators = {
    "not",      "no",      "never",   "none",   "nobody", "nothing", "neither", "nor",
    "nowhere",  "cannot",  "without", "dont",   "cant",   "wont",    "isnt",    "arent",
    "wasnt",    "werent",  "didnt",   "doesnt", "hasnt",  "havent",  "hadnt",   "couldnt",
    "shouldnt", "wouldnt", "aint",    "mustnt", "nope",   "nah"};

// Up to 8 bytes of `w` packed into an integer, zero-padded. Words never hold a zero byte,
// so two words of at most 8 bytes are equal exactly when their packed forms are.
constexpr std::uint64_t pack8(std::string_view w) {
  std::uint64_t k = 0;
  for (std::size_t i = 0; i < w.size() && i < 8; ++i) {
    k |= static_cast<std::uint64_t>(static_cast<unsigned char>(w[i])) << (8 * i);
  }
  return k;
}

// The negators' packed forms in an open-addressing set of 64 slots (0 = empty), so a word
// is tested with one multiply and a probe or two instead of 30 compares.
constexpr std::size_t negator_slot(std::uint64_t key) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 58);
}
constexpr std::array<std::uint64_t, 64> kNegatorSet = [] {
  std::array<std::uint64_t, 64> set{};
  for (std::string_view n : kNegators) {
    std::size_t slot = negator_slot(pack8(n));
    while (set[slot] != 0) slot = (slot + 1) & 63;
    set[slot] = pack8(n);
  }
  return set;
}();
static_assert(std::all_of(kNegators.begin(), kNegators.end(),
                          [](std::string_view n) { return n.size() >= 2 && n.size() <= 8; }));

using namespace feature_bytes;  // is_space, is_alnum, lower, byte classes, blocks
static_assert(std::all_of(kEmoticons.begin(), kEmoticons.end(), [](std::string_view e) {
  return (kByteClass[static_cast<unsigned char>(e[0])] & kEmoticonStart) != 0;
}));

// Length of the UTF-8 sequence at p and its code point (utf8::decode: U+FFFD for an
// invalid sequence).
std::size_t decode_utf8(std::string_view s, std::size_t p, std::uint32_t* cp) {
  const utf8::Decoded d = utf8::decode(s, p);
  *cp = d.code_point;
  return d.length;
}

// Codepoints that are symbols (emoji, dingbats, arrows) rather than letters.
inline bool is_symbol(std::uint32_t cp) { return cp >= 0x2190 && !(cp >= 0x3040 && cp < 0xFE00); }
inline bool is_ignorable(std::uint32_t cp) {
  return cp == 0xFE0F || cp == 0xFE0E || cp == 0x200D || cp == 0x20E3 ||
         (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

class FeatureTokenizer {
 public:
  FeatureTokenizer(std::string_view text, bool negation, FeatureTokenBuffer& out)
      : in_(text), negation_(negation), out_(out) {
    out_.text.clear();
    out_.tokens.clear();
  }

  void run() {
    std::size_t i = 0;
    while (i < in_.size()) {
      if (is_space(static_cast<unsigned char>(in_[i]))) {
        ++i;
        continue;
      }
      const std::size_t j = next_space(in_, i + 1);
      chunk(in_.substr(i, j - i));
      i = j;
    }
  }

 private:
  void chunk(std::string_view c) {
    const char first = lower(static_cast<unsigned char>(c[0]));  // chunks are never empty
    if ((first == 'h' && (starts_with_ci(c, "http://") || starts_with_ci(c, "https://"))) ||
        (first == 'w' && starts_with_ci(c, "www."))) {
      push("<url>", FeatureTokenKind::special);
      return;
    }
    std::size_t p = 0;
    if (c.size() > 1 && c[0] == '@' && is_alnum(static_cast<unsigned char>(c[1]))) {
      p = 1;
      while (p < c.size() && (is_alnum(static_cast<unsigned char>(c[p])) || c[p] == '_')) ++p;
      push("<user>", FeatureTokenKind::special);
    }
    while (p < c.size()) p = piece(c, p);
  }

  // Consumes one token starting at c[p]; returns the position after it.
  std::size_t piece(std::string_view c, std::size_t p) {
    const auto b = static_cast<unsigned char>(c[p]);
    const bool maybe_emoticon = (kByteClass[b] & kEmoticonStart) != 0;
    for (std::string_view e : kEmoticons) {
      if (!maybe_emoticon) break;
      if (c.size() - p < e.size() || lower(b) != e[0]) continue;
      bool same = true;
      for (std::size_t k = 0; k < e.size() && same; ++k) same = lower(c[p + k]) == e[k];
      if (!same) continue;
      const std::size_t q = p + e.size();
      if (is_alnum(b) && (p > 0 || (q < c.size() && is_alnum(c[q])))) continue;  // "xdx"
      if (q < c.size() && is_alnum(static_cast<unsigned char>(c[q])) && e.back() != ')' &&
          e.back() != '(')
        continue;  // ":d" inside ":data"
      push(e, FeatureTokenKind::punct);
      return q;
    }
    if (b == '#' && p + 1 < c.size() && is_alnum(static_cast<unsigned char>(c[p + 1]))) {
      hashtag_ = true;
      return p + 1;
    }
    if (is_alnum(b) || b == '_' || b >= 0x80) {
      if (b >= 0x80) {
        std::uint32_t cp = 0;
        const std::size_t n = decode_utf8(c, p, &cp);
        if (is_ignorable(cp)) return p + n;
        // Symbols and emoji, general punctuation (dashes, quotes, "..."), Latin-1 marks
        // (NBSP, inverted ! and ?) and invalid bytes are tokens of their own.
        if (n == 1 || is_symbol(cp) || (cp >= 0x2000 && cp < 0x2190) || cp < 0xC0) {
          push(c.substr(p, n), is_symbol(cp) ? FeatureTokenKind::emoji : FeatureTokenKind::punct);
          if (cp == 0x2026) end_scope();
          if (is_symbol(cp)) describe(cp);
          return p + n;
        }
      }
      return word(c, p);
    }
    // A run of ASCII punctuation, repeats squashed to two, at most three bytes kept.
    std::size_t q = p;
    bool ends_scope = false;
    const std::size_t start = out_.text.size();
    while (q < c.size()) {
      const auto d = static_cast<unsigned char>(c[q]);
      if (is_alnum(d) || d >= 0x80 || d == '_' || d == '#' || d == '@') break;
      ends_scope |= d == '.' || d == ',' || d == ';' || d == ':' || d == '!' || d == '?';
      const std::size_t len = out_.text.size() - start;
      const bool repeat2 = len >= 2 && out_.text[start + len - 1] == static_cast<char>(d) &&
                           out_.text[start + len - 2] == static_cast<char>(d);
      if (!repeat2 && len < 3) out_.text.push_back(static_cast<char>(d));
      ++q;
    }
    if (q == p) return p + 1;  // a lone '#' or '@'
    add(start, FeatureTokenKind::punct, false, false);
    if (ends_scope) end_scope();
    const char last = out_.text.back();
    if (last == '.' || last == '!' || last == '?' || last == ';' || last == ':') {
      sentence_start_ = true;
    }
    return q;
  }

  std::size_t word(std::string_view c, std::size_t p) {
    const std::size_t start = out_.text.size();
    // The normalised word is never longer than its input: write it in place, then trim
    // (16 bytes of slack for the block store below; no zero fill: every byte read is written).
    out_.text.resize_and_overwrite(start + (c.size() - p) + 16,
                                   [](char*, std::size_t n) { return n; });
    char* const out = out_.text.data() + start;
    std::size_t len = 0;
    std::size_t q = p;
    bool elongated = false, digits_only = true;
    std::size_t upper = 0, letters = 0;
    // Most words take one 16-byte block (feature_bytes.h); the loop goes on from its end.
    if (c.data() >= in_.data() && c.data() + p + 16 <= in_.data() + in_.size()) {
      len = ascii_word_block(c.data() + p, c.size() - p, out, &upper, &letters, &digits_only);
      q = p + len;
    }
    while (q < c.size()) {
      auto d = static_cast<unsigned char>(c[q]);
      std::size_t n = 1;
      unsigned cls = kByteClass[d];
      if (cls & kHighByte) {
        std::uint32_t cp = 0;
        n = decode_utf8(c, q, &cp);
        if (cp == 0x2019) {
          d = '\'';
          cls = kByteClass[d];
        } else if (n == 1 || is_symbol(cp) || is_ignorable(cp) || (cp >= 0x2000 && cp < 0x2190) ||
                   cp < 0xC0) {
          break;
        } else {
          std::memcpy(out + len, c.data() + q, n);
          len += n;
          digits_only = false;
          q += n;
          continue;
        }
      } else if (!(cls & kWordByte)) {
        break;
      }
      upper += (cls & kUpperByte) != 0;
      letters += (cls & kLetterByte) != 0;
      digits_only = digits_only && (cls & kDigitByte) != 0;
      const char l = static_cast<char>(d | ((cls & kUpperByte) << 4));  // 'A'..'Z' + 32
      if (len >= 2 && out[len - 1] == l && out[len - 2] == l) {
        elongated = true;
      } else {
        out[len++] = l;
      }
      q += n;
    }
    while (len > 0 && out[len - 1] == '\'') --len;
    std::size_t lead = 0;
    while (lead < len && out[lead] == '\'') ++lead;
    if (lead > 0) std::memmove(out, out + lead, len - lead);
    out_.text.resize(start + len - lead);
    if (out_.text.size() == start) return q == p ? p + 1 : q;
    if (digits_only) {
      out_.text.resize(start);
      push("<num>", FeatureTokenKind::special);
      return q;
    }
    const std::string_view w = std::string_view(out_.text).substr(start);
    const bool negator = negation_ && is_negator(w);
    const bool title = c[p] >= 'A' && c[p] <= 'Z' && upper < letters;
    const bool name = hashtag_ || (title && !sentence_start_);
    add(start, FeatureTokenKind::word, elongated, letters >= 3 && upper == letters);
    out_.tokens.back().name = name;
    sentence_start_ = false;
    if (negator) {
      out_.tokens.back().negated = false;
      in_scope_ = true;
    }
    return q;
  }

  // The words of an emoji's description ("face with tears of joy") as ordinary tokens.
  void describe(std::uint32_t cp) {
    const auto& emoji = tables().emoji;
    const auto it = emoji.find(cp);
    if (it == emoji.end()) return;
    std::string_view words = it->second;
    while (!words.empty()) {
      const std::size_t sp = words.find(' ');
      const std::string_view w = words.substr(0, sp);
      if (!w.empty()) chunk(w);
      words = sp == std::string_view::npos ? std::string_view() : words.substr(sp + 1);
    }
  }

  static bool is_negator(std::string_view w) {
    if (w.size() > 3 && w.substr(w.size() - 3) == "n't") return true;
    if (w.size() > 8 || w.size() < 2) return false;
    const std::uint64_t key = load_le_upto8(w.data(), w.size());  // pack8(w)
    for (std::size_t slot = negator_slot(key);; slot = (slot + 1) & 63) {
      if (kNegatorSet[slot] == key) return true;
      if (kNegatorSet[slot] == 0) return false;
    }
  }
  static bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      if (lower(s[i]) != prefix[i]) return false;
    }
    return true;
  }
  void end_scope() { in_scope_ = false; }
  void push(std::string_view text, FeatureTokenKind kind) {
    const std::size_t start = out_.text.size();
    out_.text.append(text);
    add(start, kind, false, false);
  }
  void add(std::size_t start, FeatureTokenKind kind, bool elongated, bool all_caps) {
    FeatureToken t;
    t.begin = static_cast<std::uint32_t>(start);
    t.size = static_cast<std::uint32_t>(out_.text.size() - start);
    t.kind = kind;
    t.negated = negation_ && in_scope_ && kind == FeatureTokenKind::word;
    t.elongated = elongated;
    t.all_caps = all_caps;
    out_.tokens.push_back(t);
    hashtag_ = false;
  }

  std::string_view in_;
  bool negation_;
  FeatureTokenBuffer& out_;
  bool in_scope_ = false;
  bool hashtag_ = false;         // the next word follows a '#'
  bool sentence_start_ = true;   // no word yet since the start or . ! ? ; :
};

}  // namespace

void tokenize_for_features(std::string_view text, bool negation, FeatureTokenBuffer& out) {
  FeatureTokenizer(text, negation, out).run();
}

float lexicon_valence_of_hash(std::uint64_t token_hash) {
  const Tables& t = tables();
  const std::uint64_t key = token_hash | 1;
  const std::uint64_t bit = Tables::filter_bit(key);
  if ((t.filter[bit >> 6] >> (bit & 63) & 1) == 0) return 0.0f;
  const std::size_t mask = t.keys.size() - 1;
  for (std::size_t slot = key >> (64 - Tables::kBits);; slot = (slot + 1) & mask) {
    if (t.keys[slot] == key) return t.valence[slot];
    if (t.keys[slot] == 0) return 0.0f;
  }
}

float lexicon_valence(std::string_view token) {
  return lexicon_valence_of_hash(hash_bytes(token, kTokenHashSeed));
}

}  // namespace earshot::sentiment

#include "sentiment/japanese_scorer.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "sentiment/japanese_lexicon.h"
#include "sentiment/lexicon_scorer.h"
#include "sentiment/utf8.h"

namespace earshot::sentiment {
namespace {

using japanese_lexicon::Entry;
using japanese_lexicon::Kind;

constexpr float kNegation = -0.74f;
constexpr float kIntensify = 1.3f;
constexpr std::size_t kNegationReach = 3;  // kana between a word and its negation, at most

bool hiragana(char32_t c) { return c >= 0x3041 && c <= 0x309F; }

struct Index {
  std::unordered_map<std::string_view, const Entry*> entries;
  std::size_t longest = 1;  // in code points
};

const Index& index() {
  static const Index idx = [] {
    Index out;
    for (const Entry& e : japanese_lexicon::kEntries) {
      out.entries.emplace(e.text, &e);
      std::size_t n = 0;
      for (std::size_t i = 0; i < e.text.size(); i += utf8::decode(e.text, i).length) ++n;
      out.longest = std::max(out.longest, n);
    }
    return out;
  }();
  return idx;
}

// The text's code points, full-width ASCII (U+FF01–FF5E) read as ASCII, re-encoded as UTF-8,
// with the byte offset of every code point (and one past the end).
struct Text {
  std::string bytes;
  std::vector<std::size_t> at;
  std::vector<char32_t> cps;
};

void normalize(std::string_view in, Text* out) {
  for (std::size_t i = 0; i < in.size();) {
    const utf8::Decoded d = utf8::decode(in, i);
    i += d.length;
    char32_t c = d.code_point;
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    out->at.push_back(out->bytes.size());
    out->cps.push_back(c);
    utf8::append(c, &out->bytes);
  }
  out->at.push_back(out->bytes.size());
}

struct Match {
  const Entry* entry;
  std::size_t begin, end;  // code points
};

class JapaneseScorer final : public Scorer {
 public:
  Sentiment score(std::string_view raw) const override {
    Text text;
    normalize(raw, &text);
    const std::size_t n = text.cps.size();
    const Index& idx = index();
    std::vector<Match> matches;
    for (std::size_t i = 0; i < n;) {
      const Entry* found = nullptr;
      std::size_t len = std::min(idx.longest, n - i);
      for (; len > 0; --len) {
        const std::string_view s(text.bytes.data() + text.at[i], text.at[i + len] - text.at[i]);
        if (const auto it = idx.entries.find(s); it != idx.entries.end()) {
          found = it->second;
          break;
        }
      }
      if (!found) {
        ++i;
        continue;
      }
      matches.push_back({found, i, i + len});
      i += len;
    }
    std::size_t contrast_at = matches.size();
    for (std::size_t m = 0; m < matches.size(); ++m) {
      if (matches[m].entry->kind == Kind::contrast) contrast_at = m;  // the last one counts
    }
    float sum = 0.0f;
    for (std::size_t m = 0; m < matches.size(); ++m) {
      const Match& w = matches[m];
      if (w.entry->kind != Kind::word || w.entry->valence == 0.0f) continue;
      float v = w.entry->valence;
      if (negated(text, w.end)) v *= kNegation;
      if (m > 0 && matches[m - 1].entry->kind == Kind::intensifier &&
          w.begin - matches[m - 1].end <= 1) {
        v *= kIntensify;
      }
      if (contrast_at < matches.size()) v *= m < contrast_at ? 0.5f : 1.5f;
      sum += v;
    }
    std::size_t bangs = 0;
    for (const char32_t c : text.cps) bangs += c == '!';
    return lexicon_sentiment(sum, bangs, id());
  }

  std::string_view id() const override { return "lexicon-ja-1"; }

 private:
  // Does a negation start at `end` or after at most kNegationReach - 1 hiragana after it?
  static bool negated(const Text& text, std::size_t end) {
    for (std::size_t k = end; k < end + kNegationReach && k < text.cps.size(); ++k) {
      if (!hiragana(text.cps[k])) return false;
      const std::string_view rest(text.bytes.data() + text.at[k], text.bytes.size() - text.at[k]);
      for (std::string_view neg : japanese_lexicon::kNegations) {
        if (rest.starts_with(neg)) return true;
      }
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<Scorer> make_japanese_scorer() { return std::make_unique<JapaneseScorer>(); }

}  // namespace earshot::sentiment

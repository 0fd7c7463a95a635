#include "sentiment/targeted_text.h"

#include <algorithm>
#include <utility>

namespace earshot::sentiment::targeted_detail {

namespace {
// ASCII only, whatever the C locale says: bytes >= 0x80 are word bytes anyway.
inline bool ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool word_byte(unsigned char c) {
  return ascii_alnum(c) || c == '\'' || c == '@' || c == '#' || c == '_' || c == '-' || c >= 0x80;
}

// The words of `text`. `lower` becomes the ASCII-lower-cased copy of the text that the
// words' `lower` views point into: it must not change while `words` is in use.
void words_of(std::string_view text, std::string& lower, std::vector<Word>& words) {
  lower.resize(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    lower[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  const std::string_view low(lower);
  words.clear();
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ',' || c == '&' || c == '/') {
      words.push_back({i, i + 1, low.substr(i, 1)});
      ++i;
    } else if (word_byte(c)) {
      std::size_t j = i;
      while (j < text.size() && word_byte(static_cast<unsigned char>(text[j]))) ++j;
      words.push_back({i, j, low.substr(i, j - i)});
      i = j;
    } else {
      ++i;
    }
  }
}

bool is_one_of(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Is words[k] (a contrast word) used as a conjunction here?
bool contrast_cut(const std::vector<Word>& words, std::size_t k) {
  const std::string_view w = words[k].lower;
  if (!is_one_of(w, {"but", "however", "although", "though", "whereas", "while", "yet"})) {
    return false;
  }
  const std::string_view prev = k > 0 ? words[k - 1].lower : "";
  const std::string_view next = k + 1 < words.size() ? words[k + 1].lower : "";
  if (w == "while") {
    // Temporal "while" ("froze my card while I'm abroad", "while on hold", "while waiting")
    // joins one complaint; the contrast "while" follows a comma or leads to another subject.
    const bool temporal =
        prev != "," && (is_one_of(next, {"i", "i'm", "im", "we", "we're", "on", "at", "in",
                                         "abroad", "away", "still"}) ||
                        (next.size() > 4 && next.ends_with("ing")));
    return !temporal &&
           !is_one_of(prev,
                      {"a", "the", "little", "short", "long", "whole", "worth", "good", "great"});
  }
  if (w == "yet")
    return !is_one_of(prev, {"not", "nothing", "none", "as", "never"}) &&
           !is_one_of(next, {"another", "again", "more", "?"});
  return true;
}

Sentiment opposite(Sentiment s) {
  if (s.label != Label::neutral) {
    s.label = s.label == Label::positive ? Label::negative : Label::positive;
  }
  s.score = -s.score;
  std::swap(s.probs.neg, s.probs.pos);
  return s;
}

Sentiment from_score(float score, std::string_view model) {
  Sentiment s;
  s.score = std::clamp(score, -1.0f, 1.0f);
  s.label = s.score >= 0.05f    ? Label::positive
            : s.score <= -0.05f ? Label::negative
                                : Label::neutral;
  s.probs = {std::max(0.0f, -s.score), 1.0f - std::abs(s.score), std::max(0.0f, s.score)};
  s.model = std::string(model);
  return s;
}

Span clamp_span(std::string_view text, Span s) {
  s.end = std::min(s.end, text.size());
  s.begin = std::min(s.begin, s.end);
  return s;
}


// The clause of `text` holding `span` (TargetedScorer::clause_of), given the text's words.
Span clause_in(std::string_view text, const std::vector<Word>& words, Span span) {
  span = clamp_span(text, span);
  Span clause{0, text.size()};
  const auto cut = [&](std::size_t begin, std::size_t end) {
    if (end <= span.begin) clause.begin = std::max(clause.begin, end);
    if (begin >= span.end) clause.end = std::min(clause.end, begin);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool sentence_end = c == '!' || c == '?' || c == ';' || c == '\n' ||
                              (c == '.' && (i + 1 == text.size() || text[i + 1] == ' ' ||
                                            text[i + 1] == '.' || text[i + 1] == '\n'));
    if (sentence_end) cut(i, i + 1);
  }
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (contrast_cut(words, k)) cut(words[k].begin, words[k].end);
  }
  return clause;
}

}  // namespace earshot::sentiment::targeted_detail

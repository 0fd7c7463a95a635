// Shared pieces of sentiment.h: label names and the default clause-based score_span().
#include "sentiment/sentiment.h"

#include <algorithm>
#include <array>

namespace earshot::sentiment {
namespace {

constexpr std::array<std::string_view, 6> kContrastWords = {"but",    "however", "although",
                                                            "though", "yet",     "whereas"};

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '\'' ||
         u >= 0x80;
}

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool equals_ascii_ci(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    char c = word[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower[k]) return false;
  }
  return true;
}

// A place where clauses are cut: [begin, end) is the cut itself; `keep` says the cut
// (sentence punctuation) belongs to the clause before it, a contrast word belongs to none.
struct Cut {
  std::size_t begin;
  std::size_t end;
  bool keep;
};

// Calls fn(cut) for every cut of `text`, left to right.
template <typename Fn>
void for_each_cut(std::string_view text, Fn fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '.' || c == '!' || c == '?' || c == ';') {
      std::size_t j = i;
      bool only_dots = true;
      while (j < text.size() &&
             (text[j] == '.' || text[j] == '!' || text[j] == '?' || text[j] == ';')) {
        only_dots = only_dots && text[j] == '.';
        ++j;
      }
      // "acme.example" and "3.5" are not sentence ends; "end." and "end. Next" are.
      if (!only_dots || j == text.size() || is_space(text[j])) fn(Cut{i, j, true});
      i = j;
    } else if (is_word_byte(c)) {
      std::size_t j = i;
      while (j < text.size() && is_word_byte(text[j])) ++j;
      const std::string_view word = text.substr(i, j - i);
      for (const std::string_view w : kContrastWords) {
        if (equals_ascii_ci(word, w)) {
          fn(Cut{i, j, false});
          break;
        }
      }
      i = j;
    } else {
      ++i;
    }
  }
}

}  // namespace

std::string_view to_string(Label label) {
  switch (label) {
    case Label::negative:
      return "negative";
    case Label::neutral:
      return "neutral";
    case Label::positive:
      return "positive";
  }
  return "neutral";
}

bool parse_label(std::string_view text, Label* out) {
  if (text == "negative") {
    *out = Label::negative;
  } else if (text == "neutral") {
    *out = Label::neutral;
  } else if (text == "positive") {
    *out = Label::positive;
  } else {
    return false;
  }
  return true;
}

Sentiment Scorer::score_span(std::string_view text, Span span) const {
  const std::size_t span_end = std::min(span.end, text.size());
  const std::size_t span_begin = std::min(span.begin, span_end);
  std::size_t clause_begin = 0;
  std::size_t clause_end = text.size();
  bool end_found = false;
  for_each_cut(text, [&](const Cut& cut) {
    if (cut.end <= span_begin) {
      clause_begin = cut.end;
    } else if (!end_found && cut.begin >= span_end) {
      clause_end = cut.keep ? cut.end : cut.begin;
      end_found = true;
    }
  });
  const std::string_view clause = text.substr(clause_begin, clause_end - clause_begin);
  const bool blank = std::all_of(clause.begin(), clause.end(), is_space);
  return score(blank ? text : clause);
}

}  // namespace earshot::sentiment

// earshot::sentiment — the text helpers of TargetedScorer (internal to targeted.cc): words
// of a post, contrast words, clause bounds, and Sentiment helpers. Not a public interface.
//
// Thread safety: free functions over caller-owned values. Lifetime: a Word's `lower` views
// the string words_of() filled; keep that string unchanged while the words are in use.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "sentiment/sentiment.h"

namespace earshot::sentiment::targeted_detail {

struct Word {
  std::size_t begin;
  std::size_t end;
  std::string_view lower;  // ASCII-lower-cased; ',', '&', '/' are words of their own
};

// A byte that belongs to a word (ASCII letters, digits, ' @ # _ - and every byte >= 0x80).
bool word_byte(unsigned char c);
// The words of `text`; `lower` becomes the ASCII-lower-cased copy the words view.
void words_of(std::string_view text, std::string& lower, std::vector<Word>& words);
bool is_one_of(std::string_view w, std::initializer_list<std::string_view> list);
// Is words[k] a contrast word used as a conjunction here (targeted.h, step 1)?
bool contrast_cut(const std::vector<Word>& words, std::size_t k);
Sentiment opposite(Sentiment s);
// A Sentiment from a score in [-1, 1] (label at +-0.05, probabilities from the score).
Sentiment from_score(float score, std::string_view model);
Span clamp_span(std::string_view text, Span s);
inline bool inside(Span inner, Span outer) {
  return inner.begin >= outer.begin && inner.end <= outer.end;
}
inline bool overlaps(Span a, Span b) { return a.begin < b.end && b.begin < a.end; }
// The clause of `text` holding `span` (TargetedScorer::clause_of), given the text's words.
Span clause_in(std::string_view text, const std::vector<Word>& words, Span span);

}  // namespace earshot::sentiment::targeted_detail

// earshot::sentiment — lexicon-based sentiment for Japanese.
//
// Japanese has no spaces between words, so the word splitters of the other scorers find
// nothing to look up. This scorer matches a small hand-written word list
// (japanese_lexicon.h, ~280 entries) longest-first at every character, with no dictionary or
// morphological analyser (no new dependency; a real tokenizer such as MeCab would do better
// on open text). Rules, VADER-style like lexicon_scorer.h:
//   - negation follows the predicate in Japanese: ない / なかった / なく / なし / ません
//     starting within three kana after a word flips it (×-0.74): 嬉しくない, 好きじゃない,
//     良くありません, 問題ない. Complaints that are negations themselves (届かない,
//     繋がらない) are entries of their own, so their ない is not read twice;
//   - an intensifier just before a word (とても, すごく, 本当に, 超, ...) weighs it 1.3×;
//   - after the last contrast (けど, でも, しかし, のに) words count 1.5×, before it 0.5×;
//   - "!" / "！" add weight; full-width ASCII is read as ASCII.
// The sum s maps to s / sqrt(s² + 15), as in VADER. Figures: bench/RESULTS.md ("Other
// languages"), on tests/sentiment/data/lang/ja.tsv (100 hand-written posts).
//
//   auto ja = earshot::sentiment::make_japanese_scorer();
//   ja->score("荷物がまだ届かない、最悪").label        // Label::negative
//   ja->score("サポートの対応が丁寧で助かりました").label  // Label::positive
//   ja->score("思ったほど悪くない").label              // Label::positive (negated 悪く)
//   // id() == "lexicon-ja-1"; load_scorer("lexicon-ja") and make_lexicon_scorer("ja") give it.
//
// Thread safety: immutable; score() may run on many threads. Lifetime: the word list is
// indexed once per process (shared, static).
#pragma once

#include <memory>

#include "sentiment/sentiment.h"

namespace earshot::sentiment {

std::unique_ptr<Scorer> make_japanese_scorer();

}  // namespace earshot::sentiment

// earshot::sentiment — sentiment toward one entity of a post, not the post as a whole.
//
// "love @acmeair but @globex lost my bag" is a mixed post, but it is good news for Acme
// and bad news for Globex. TargetedScorer wraps any post-level Scorer and decides, for the
// entity at a byte span, which part of the text speaks about it:
//
//   1. The clause holding the span: the text is cut at . ! ? ; and newlines, and at the
//      contrast words but, however, although, though, whereas, while and yet ("while" and
//      "yet" only as conjunctions: "for a while", "not yet", "yet another" and the temporal
//      "froze my card while I'm abroad" / "while on hold" / "while waiting" do not cut).
//   2. Several entities in that clause:
//      - comparatives: "X is way better than Y" → X positive, Y negative ("worse than",
//        "slower than", "more expensive than" the other way round; a negated comparative
//        flips);
//      - "unlike Y, X ..." → Y gets the opposite of what X gets;
//      - switching: "switched from Y to X", "moved to X from Y", "ditched Y for X",
//        "prefer X over Y" → Y negative, X positive;
//      - otherwise the clause is cut at "and", ",", "&", "/", "vs" between the two entities,
//        and "X was great, Y not so much" gives Y the opposite of X.
//   3. Where the chosen text carries no sentiment, the same name mentioned in another clause
//      ("Flew Acme and Globex today. Acme was great"), then the clause, then the whole post
//      decide. A small customer-service lexicon (service_cue() of intent.h: "delayed",
//      "on time", ...) speaks where the base scorer has no opinion.
//
// The Sentiment returned carries the base scorer's model id; its score is the base scorer's
// score of the chosen text (negated where the rules say "opposite").
//
//   auto base = earshot::sentiment::load_scorer("vader");
//   earshot::sentiment::TargetedScorer targeted(**base);
//   std::string_view text = "love @acmeair but @globex lost my bag";
//   Sentiment acme = targeted.score(text, {5, 13});     // positive
//   Sentiment globex = targeted.score(text, {18, 25});  // negative
//   // With every linked entity known (the pipeline's case), pass them all:
//   std::vector<Sentiment> each = targeted.score_all(text, spans);
//   // ... and when the post's own score is at hand, hand it in (it is not computed again):
//   std::vector<Sentiment> same = targeted.score_all(text, spans, base->score(text));
//
// Spans are byte offsets [begin, end) into `text`; out-of-range spans are clamped, an empty
// or invalid span gets the post-level sentiment. score(text, span) without the other spans
// treats @handles and #hashtags in the text as the other entities.
//
// Cost: the base scorer runs at most once per distinct piece of text a call looks at (a
// one-clause post with its score handed in costs no base-scorer run at all).
//
// Thread safety: const methods only; safe from many threads as far as the base Scorer is
// (every Scorer is, see sentiment.h). Lifetime: the base Scorer must outlive this object.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "sentiment/sentiment.h"

namespace earshot::sentiment {

class TargetedScorer {
 public:
  explicit TargetedScorer(const Scorer& base) : base_(base) {}

  // Sentiment toward the entity at `span`; other entities: @handles and #hashtags.
  Sentiment score(std::string_view text, Span span) const;
  // Sentiment toward the entity at `span`, given the spans of every entity in the post
  // (`entities` may include `span` itself; order does not matter).
  Sentiment score(std::string_view text, Span span, std::span<const Span> entities) const;
  // One Sentiment per entry of `entities`, in order.
  std::vector<Sentiment> score_all(std::string_view text, std::span<const Span> entities) const;
  // The same, for a caller that already has the base scorer's score(text) (`whole`): the
  // whole post is one of the texts the rules may fall back to, and it is not scored again.
  // `whole` must be what the base Scorer returns for `text`, or the results differ.
  std::vector<Sentiment> score_all(std::string_view text, std::span<const Span> entities,
                                   const Sentiment& whole) const;

  // The clause holding `span` (step 1 above), as a byte range of `text`.
  static Span clause_of(std::string_view text, Span span);

 private:
  const Scorer& base_;
};

}  // namespace earshot::sentiment

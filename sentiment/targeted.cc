#include "sentiment/targeted.h"
#include "sentiment/sarcasm.h"

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "sentiment/intent.h"
#include "sentiment/targeted_text.h"

namespace earshot::sentiment {

using namespace targeted_detail;  // NOLINT: this file's own helpers, split out for size

namespace {

// Decides for the entities of one text. Every base-scorer verdict on a span is kept, so a
// span asked about again (the clause of a one-clause post is the whole post, a clause may
// hold several entities) costs nothing; `whole`, when given, is the base scorer's verdict on
// the whole text, which the caller already has. One Decider serves one thread.
class Decider {
 public:
  Decider(const Scorer& base, std::string_view text, std::span<const Span> entities,
          bool guess_handles, const Sentiment* whole = nullptr)
      : base_(base), text_(text), whole_(whole), scratch_(acquire(own_)) {
    words_of(text, lower_, words_);
    entities_.clear();
    scored_.clear();
    for (const Span& e : entities) entities_.push_back(clamp_span(text, e));
    if (guess_handles) {
      for (const Word& w : words_) {
        if (w.lower.size() > 1 && (w.lower[0] == '@' || w.lower[0] == '#')) {
          entities_.push_back({w.begin, w.end});
        }
      }
    }
  }

  Decider(const Decider&) = delete;
  Decider& operator=(const Decider&) = delete;
  ~Decider() {
    if (!own_) scratch_.busy = false;  // the thread's scratch, kept (with its capacity) for the next
  }

  // The base scorer's verdict on the whole text (what score_all gives an empty span).
  Sentiment whole() const { return whole_ ? *whole_ : base_.score(text_); }

  // The clause rules below, then two post-level corrections: a neutral question about the
  // entity ("can I add a bag with Acme?") is neutral whatever the words, and sarcastic praise
  // (sarcasm.h) is no praise.
  Sentiment decide(Span target) const {
    if (neutral_question(target)) return from_score(0.0f, base_.id());
    Sentiment s = decide(target, true);
    if (s.label == Label::positive && sarcastic(text_)) s = from_score(-0.5f, s.model);
    // The company's words quoted back ("24/7 support" is a form): irony, not praise.
    if (s.label != Label::negative && scare_quoted(sentence_of(target))) {
      s = from_score(-0.5f, s.model);
    }
    return s;
  }

  Sentiment decide(Span target, bool allow_repeat) const {
    const Span clause = clause_in(text_, words_, target);
    if (const Sentiment s = in_clause(target, clause); s.label != Label::neutral) return s;
    if (allow_repeat) {  // the same name in another clause may say more
      const std::string_view name = text_.substr(target.begin, target.end - target.begin);
      for (std::size_t at = text_.find(name); !name.empty() && at != std::string_view::npos;
           at = text_.find(name, at + 1)) {
        const Span again{at, at + name.size()};
        const bool whole_word =
            again.end == text_.size() || !word_byte(static_cast<unsigned char>(text_[again.end]));
        if (inside(again, clause) || !whole_word) continue;
        const Sentiment s = decide(again, false);
        if (s.label != Label::neutral) return s;
      }
    }
    if (const Sentiment& s = scored(clause); s.label != Label::neutral) return s;
    // Two entities in separate clauses, one judged, ours only described: a contrast
    // ("Acme doubled my bill. Globex sorted my claim, great people").
    if (has_predicate(clause) && !says_same({0, text_.size()})) {
      for (const Span& e : entities_) {
        if (overlaps(e, target) || inside(e, clause)) continue;
        const Span theirs = clause_in(text_, words_, e);
        if (overlaps(theirs, clause)) continue;
        const Sentiment& s = scored(theirs);
        if (s.label != Label::neutral) return opposite(s);
      }
    }
    return scored({0, text_.size()});
  }

 private:
  // The sentence holding `target`: cut at . ! ? ; and newlines.
  std::string_view sentence_of(Span target) const {
    const std::size_t end = std::min(text_.find_first_of(".!?;\n", target.end), text_.size());
    const std::size_t cut = target.begin == 0 ? std::string_view::npos
                                              : text_.find_last_of(".!?;\n", target.begin - 1);
    const std::size_t begin = cut == std::string_view::npos ? 0 : cut + 1;
    return text_.substr(begin, end - begin);
  }

  // The sentence holding `target` ends in '?', names no service problem and does not accuse
  // ("why ...").
  bool neutral_question(Span target) const {
    const std::size_t end = text_.find_first_of(".!?;\n", target.end);
    if (end == std::string_view::npos || text_[end] != '?') return false;
    std::size_t begin = text_.find_last_of(".!?;\n", target.begin == 0 ? 0 : target.begin - 1);
    begin = begin == std::string_view::npos || target.begin == 0 ? 0 : begin + 1;
    const std::string_view q = text_.substr(begin, end - begin);
    std::size_t first = 0;
    while (first < q.size() && q[first] == ' ') ++first;
    const std::string_view opener = q.substr(first, 4);
    if (opener == "why " || opener == "Why " || opener == "WHY ") return false;
    return service_cue(q) > -0.8f;
  }

  // The base scorer on [span), or the service lexicon where the base has no opinion.
  // Remembered per span: the reference stays valid while the Decider lives.
  const Sentiment& scored(Span span) const {
    for (const auto& [at, s] : scored_) {
      if (at.begin == span.begin && at.end == span.end) return s;
    }
    const std::string_view piece = text_.substr(span.begin, span.end - span.begin);
    Sentiment s =
        whole_ && span.begin == 0 && span.end == text_.size() ? *whole_ : base_.score(piece);
    const float cue = service_cue(piece);
    // The service lexicon speaks where the base has no opinion, and overrides it where it
    // is sure and the base says the opposite ("stopped it. Thank you" is not a complaint,
    // "keeps restarting itself overnight" is one).
    if ((s.label == Label::neutral && cue != 0.0f) || (cue >= 0.6f && s.label == Label::negative) ||
        (cue <= -0.6f && s.label == Label::positive)) {
      s = from_score(cue * 0.5f, s.model);
    }
    return scored_.emplace_back(span, std::move(s)).second;
  }

  std::string_view word_at(std::size_t k) const {
    return k < words_.size() ? words_[k].lower : std::string_view();
  }
  // Index of the first word starting at or after `pos`.
  std::size_t word_index(std::size_t pos) const {
    return static_cast<std::size_t>(
        std::lower_bound(words_.begin(), words_.end(), pos,
                         [](const Word& w, std::size_t p) { return w.begin < p; }) -
        words_.begin());
  }
  std::string_view before(Span e, std::size_t back = 1) const {
    const std::size_t k = word_index(e.begin);
    return k >= back ? word_at(k - back) : std::string_view();
  }

  Sentiment in_clause(Span target, Span clause) const {
    std::vector<Span> others;
    for (const Span& e : entities_) {
      if (inside(e, clause) && !overlaps(e, target) && e.end > e.begin) others.push_back(e);
    }
    if (others.empty()) return scored(clause);
    // "both X and Y ...", "X and Y both ...": one verdict for all of them.
    for (std::size_t k = word_index(clause.begin); k < words_.size() && words_[k].end <= clause.end;
         ++k) {
      if (words_[k].lower == "both") return scored(clause);
    }
    if (auto s = comparative(target, clause, others)) return *s;
    if (auto s = switching(target, others)) return *s;
    if (auto s = unlike(target, clause, others)) return *s;
    return segment(target, clause, others);
  }

  // "X is better than Y": +1 when the words before "than" praise the left entity.
  std::optional<Sentiment> comparative(Span target, Span clause,
                                       const std::vector<Span>& others) const {
    for (std::size_t k = word_index(clause.begin); k < words_.size() && words_[k].end <= clause.end;
         ++k) {
      if (words_[k].lower != "than") continue;
      const std::size_t than = words_[k].begin;
      const Span* left = nullptr;
      const Span* right = nullptr;
      for (const Span& e : others) {
        if (e.end <= than && (!left || e.end > left->end)) left = &e;
        if (e.begin >= words_[k].end && (!right || e.begin < right->begin)) right = &e;
      }
      const bool target_left = target.end <= than;
      if (target_left ? !right : !left) continue;
      const Span l = target_left ? target : *left;
      const float p = comparative_polarity(word_index(l.end), k, {l.end, than});
      if (p == 0.0f) continue;
      return from_score(target_left ? p : -p, base_.id());
    }
    return std::nullopt;
  }

  float comparative_polarity(std::size_t from, std::size_t to, Span phrase) const {
    float sign = 0.0f;
    bool negated = false;
    for (std::size_t k = from; k < to; ++k) {
      const std::string_view w = word_at(k);
      if (is_one_of(w, {"not", "no", "never", "isn't", "wasn't", "aren't", "hardly"})) {
        negated = true;
      } else if (is_one_of(w, {"better", "faster", "cheaper", "nicer", "friendlier", "easier",
                               "smoother", "quicker", "cleaner", "comfier", "superior", "kinder",
                               "safer", "quieter", "tastier", "stronger"})) {
        sign = 1.0f;
      } else if (is_one_of(w, {"worse", "slower", "pricier", "dearer", "inferior", "harder",
                               "dirtier", "ruder", "louder", "weaker", "buggier", "flakier"})) {
        sign = -1.0f;
      } else if (is_one_of(w, {"more", "less"}) && k + 1 < to) {
        const float adj = base_.score(word_at(k + 1)).score +
                          (word_at(k + 1) == "expensive" ? -0.5f : 0.0f) +
                          service_cue(word_at(k + 1));
        if (adj != 0.0f) sign = (adj > 0) == (w == "more") ? 1.0f : -1.0f;
      }
    }
    if (sign == 0.0f) {
      const Sentiment& s = scored(phrase);
      sign = s.label == Label::positive ? 1.0f : s.label == Label::negative ? -1.0f : 0.0f;
    }
    return (negated ? -sign : sign) * 0.6f;
  }

  // "switched from Y to X", "moved to X from Y", "ditched Y for X", "prefer X over Y".
  std::optional<Sentiment> switching(Span target, const std::vector<Span>& others) const {
    const auto role = [&](Span e) -> int {  // +1 new or preferred, -1 old, 0 neither
      const std::string_view b = before(e);
      const std::string_view b2 = before(e, 2);
      const std::string_view b3 = before(e, 3);
      const auto switch_verb = [](std::string_view w) {
        return w.starts_with("switch") || w.starts_with("mov") || w.starts_with("migrat") ||
               w.starts_with("chang") || w.starts_with("jump") || w == "went" || w == "ported";
      };
      if (b == "from" && (switch_verb(b2) || switch_verb(b3) || b2 == "finally")) return -1;
      if (b == "to" && (switch_verb(b2) || switch_verb(b3))) return 1;
      if (is_one_of(b, {"ditched", "dumped", "left", "dropped", "quit", "ditching", "dumping",
                        "leaving", "abandoned", "cancelled"}))
        return -1;
      if (is_one_of(b, {"prefer", "preferred", "choose", "chose", "pick", "picked"})) return 1;
      return 0;
    };
    const int mine = role(target);
    for (const Span& o : others) {
      const int theirs = role(o);
      const std::string_view ob = before(o);
      if (mine == 1 && (theirs == -1 || ob == "over" || ob == "from"))
        return from_score(0.6f, base_.id());
      if (mine == -1 && (theirs == 1 || ob == "for" || ob == "to")) {
        return from_score(-0.6f, base_.id());
      }
      if (mine == 0 &&
          (before(target) == "over" || before(target) == "for" || before(target) == "to" ||
           before(target) == "from") &&
          theirs != 0) {
        return from_score(theirs == 1 ? -0.6f : 0.6f, base_.id());
      }
    }
    return std::nullopt;
  }

  // "unlike Y, X ...": X gets the rest of the clause, Y the opposite.
  std::optional<Sentiment> unlike(Span target, Span clause, const std::vector<Span>& others) const {
    const auto after = [&](Span u) { return Span{u.end, clause.end}; };
    // "Unlike Y, X <does something>" praises X even when the something is plain.
    const auto praise_default = [&](Span rest) {
      const Sentiment& s = scored(rest);
      return s.label == Label::neutral ? from_score(0.5f, s.model) : s;
    };
    if (before(target) == "unlike") {
      for (const Span& o : others) {
        if (o.begin > target.end) return opposite(praise_default(after(target)));
      }
    }
    for (const Span& o : others) {
      if (before(o) == "unlike" && o.end <= target.begin) return praise_default(after(o));
    }
    return std::nullopt;
  }

  // The clause cut at and , & / vs between neighbouring entities.
  Sentiment segment(Span target, Span clause, std::vector<Span> others) const {
    others.push_back(target);
    std::sort(others.begin(), others.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    std::vector<std::size_t> cuts;  // word indices; the last splitter before each entity
    for (std::size_t i = 1; i < others.size(); ++i) {
      for (std::size_t k = word_index(others[i].begin); k-- > word_index(others[i - 1].end);) {
        if (is_one_of(word_at(k), {"and", ",", "&", "/", "vs", "plus"})) {
          cuts.push_back(k);
          break;
        }
      }
    }
    Span piece = clause;
    Span previous{clause.begin, clause.begin};
    Span next{clause.end, clause.end};
    bool and_before = false, and_after = false;  // "and" joins, a comma contrasts
    for (std::size_t k : cuts) {
      const bool joins = is_one_of(words_[k].lower, {"and", "&", "plus"});
      if (words_[k].end <= target.begin) {
        and_before = joins;
        previous = {piece.begin, words_[k].begin};
        piece.begin = words_[k].end;
      } else if (words_[k].begin >= target.end && words_[k].begin < piece.end) {
        and_after = joins;
        next = {words_[k].end, clause.end};
        for (std::size_t n : cuts) {
          if (words_[n].begin > words_[k].end) next.end = std::min(next.end, words_[n].begin);
        }
        piece.end = words_[k].begin;
      }
    }
    const std::string_view text = text_.substr(piece.begin, piece.end - piece.begin);
    for (std::string_view elliptic : {"not so much", "not really", "less so", "not as much"}) {
      if (text.find(elliptic) != std::string_view::npos && previous.end > previous.begin) {
        return opposite(scored(previous));
      }
    }
    const Sentiment& mine = scored(piece);
    if (mine.label != Label::neutral || !has_predicate(piece)) return mine;
    // "X was great, Y kept us waiting": two entities side by side with a plain statement
    // about one of them are a contrast, unless the post says so ("both", "too", "also").
    for (const auto& [sibling, joined] :
         {std::pair{previous, and_before}, std::pair{next, and_after}}) {
      if (sibling.end <= sibling.begin) continue;
      const Sentiment& s = scored(sibling);
      if (s.label == Label::neutral) continue;
      return joined || says_same(clause) ? s : opposite(s);
    }
    return mine;
  }

  // Does [span) say something beyond entity names and function words?
  bool has_predicate(Span span) const {
    int content = 0;
    for (std::size_t k = word_index(span.begin); k < words_.size() && words_[k].end <= span.end;
         ++k) {
      const Word& w = words_[k];
      const bool in_entity = std::any_of(entities_.begin(), entities_.end(), [&](Span e) {
        return overlaps(e, Span{w.begin, w.end});
      });
      if (!in_entity && !is_one_of(w.lower, {"the", "a",    "an",    "and", ",",    "&",    "/",
                                             "'s",  "s",    "is",    "was", "are",  "were", "it",
                                             "its", "my",   "to",    "of",  "on",   "at",   "in",
                                             "for", "with", "today", "too", "also", "both"})) {
        ++content;
      }
    }
    return content >= 2;
  }

  bool says_same(Span span) const {
    for (std::size_t k = word_index(span.begin); k < words_.size() && words_[k].end <= span.end;
         ++k) {
      if (is_one_of(words_[k].lower,
                    {"both", "too", "also", "either", "neither", "equally", "same"})) {
        return true;
      }
    }
    return false;
  }

  // The words, entities and verdicts of one text: per-thread buffers reused from post to post
  // (a Decider lives for one call), so a post costs no allocation once they have grown. A
  // Decider made while another lives on the same thread gets buffers of its own.
  struct Scratch {
    std::string lower;  // ASCII-lower-cased text_; words view it
    std::vector<Word> words;
    std::vector<Span> entities;
    std::deque<std::pair<Span, Sentiment>> scored;  // deque: references stay valid
    bool busy = false;
  };
  static Scratch& acquire(std::unique_ptr<Scratch>& own) {
    thread_local Scratch mine;
    if (!mine.busy) {
      mine.busy = true;
      return mine;
    }
    own = std::make_unique<Scratch>();
    return *own;
  }

  const Scorer& base_;
  std::string_view text_;
  const Sentiment* whole_;
  std::unique_ptr<Scratch> own_;  // set only when the thread's scratch was in use
  Scratch& scratch_;
  std::string& lower_ = scratch_.lower;
  std::vector<Word>& words_ = scratch_.words;
  std::vector<Span>& entities_ = scratch_.entities;
  std::deque<std::pair<Span, Sentiment>>& scored_ = scratch_.scored;
};

}  // namespace

Span TargetedScorer::clause_of(std::string_view text, Span span) {
  std::string lower;
  std::vector<Word> words;
  words_of(text, lower, words);
  return clause_in(text, words, span);
}

Sentiment TargetedScorer::score(std::string_view text, Span span) const {
  span = clamp_span(text, span);
  if (span.end == span.begin) return base_.score(text);
  return Decider(base_, text, {}, true).decide(span);
}

Sentiment TargetedScorer::score(std::string_view text, Span span,
                                std::span<const Span> entities) const {
  span = clamp_span(text, span);
  if (span.end == span.begin) return base_.score(text);
  return Decider(base_, text, entities, false).decide(span);
}

namespace {
std::vector<Sentiment> decide_all(const Decider& decider, std::string_view text,
                                  std::span<const Span> entities) {
  std::vector<Sentiment> out;
  out.reserve(entities.size());
  for (const Span& e : entities) {
    const Span span = clamp_span(text, e);
    out.push_back(span.end == span.begin ? decider.whole() : decider.decide(span));
  }
  return out;
}
}  // namespace

std::vector<Sentiment> TargetedScorer::score_all(std::string_view text,
                                                 std::span<const Span> entities) const {
  const Decider decider(base_, text, entities, false);
  return decide_all(decider, text, entities);
}

std::vector<Sentiment> TargetedScorer::score_all(std::string_view text,
                                                 std::span<const Span> entities,
                                                 const Sentiment& whole) const {
  const Decider decider(base_, text, entities, false, &whole);
  return decide_all(decider, text, entities);
}

}  // namespace earshot::sentiment

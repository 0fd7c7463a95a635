#include "sentiment/intent.h"
#include "sentiment/sarcasm.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sentiment/intent_index.h"
#include "sentiment/intent_lexicon.h"
#include "sentiment/intent_words.h"

namespace earshot::sentiment {
namespace {

using namespace intent_lexicon;  // the cue and phrase tables (intent_lexicon.h)

inline bool ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }

using Words = std::span<const std::string_view>;
using intent_words::WordList;
using intent_words::words_of;
using namespace intent_index;  // CompiledCue, WordInfo, CueIndex, cue_index()

const std::array<std::string_view, 15> kNegators = {
    "not",     "never", "no",    "don't",  "didn't", "isn't",   "wasn't", "aren't",
    "weren't", "won't", "can't", "cannot", "hardly", "without", "zero"};

bool word_matches(std::string_view pattern, std::string_view word) {
  if (pattern.ends_with('*')) return word.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == word;
}

// Does words[at...] start with `parts` (patterns, see word_matches)?
bool matches_at(Words words, std::size_t at, std::span<const std::string_view> parts) {
  if (at + parts.size() > words.size()) return false;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (!word_matches(parts[k], words[at + k])) return false;
  }
  return true;
}

struct CueSums {
  float problem = 0.0f;  // <= 0
  float praise = 0.0f;   // >= 0
};

// kPraisePrefixes by their first byte (no two share one: else this does not compile).
constexpr std::array<std::string_view, 256> kPraisePrefixByFirst = [] {
  std::array<std::string_view, 256> t{};
  for (std::string_view prefix : kPraisePrefixes) {
    std::string_view& slot = t[static_cast<unsigned char>(prefix[0])];
    if (!slot.empty()) throw "two kPraisePrefixes start with one byte";
    slot = prefix;
  }
  return t;
}();

// The WordInfo of each word (nullptr: none).
void look_up(const CueIndex& index, const WordList& list, std::vector<const WordInfo*>& out) {
  out.resize(list.words.size());
  for (std::size_t i = 0; i < list.words.size(); ++i) {
    out[i] = index.find(list.words[i], list.hashes[i]);
  }
}

// `first_matched`: words[at] is known to match cue.parts[0].
std::size_t match_parts(Words words, std::size_t at, const CompiledCue& cue,
                        bool first_matched = false) {
  if (at + cue.parts.size() > words.size()) return 0;
  for (std::size_t k = first_matched ? 1 : 0; k < cue.parts.size(); ++k) {
    if (!word_matches(cue.parts[k], words[at + k])) return 0;
  }
  return cue.parts.size();
}

// `hashes[i]`: word_hash(words[i]).
CueSums cue_sums(const CueIndex& index, Words words, std::span<const std::uint64_t> hashes,
                 std::span<const WordInfo* const> infos) {
  CueSums sums;
  for (std::size_t i = 0; i < words.size();) {
    std::size_t best_len = 0, best_order = 0;
    float weight = 0.0f;
    // `first_matched`: the cue's first word is known to match words[i].
    auto consider = [&](std::size_t c, bool first_matched) {
      const CompiledCue& cue = index.cues[c];
      const std::size_t len = match_parts(words, i, cue, first_matched);
      if (len > best_len || (len == best_len && len > 0 && cue.order < best_order)) {
        best_len = len;
        best_order = cue.order;
        weight = cue.weight;
      }
    };
    if (const WordInfo* info = infos[i]) {  // found by the word itself: its first part matches
      // A cue that cannot match here (too long, another second word) or cannot win (shorter
      // than the best so far, or as long and later) is passed over unread: consider() would
      // keep the best either way.
      const std::size_t left = words.size() - i;
      for (const WordInfo::CueRef& ref : info->cues) {
        if (ref.parts > left || ref.parts < best_len ||
            (ref.parts == best_len && ref.order > best_order)) {
          continue;
        }
        if (ref.second_exact && hashes[i + 1] != ref.second) continue;
        consider(ref.cue, true);
      }
    }
    // Words are never empty; a prefix pattern's first byte must equal the word's, and the
    // rest of its stem must start the word (else the cue matches nothing here).
    const auto b = static_cast<unsigned char>(words[i][0]);
    for (std::size_t k = index.prefix_begin[b]; k < index.prefix_begin[b + 1]; ++k) {
      if (words[i].starts_with(index.prefix_cues[k].stem)) consider(index.prefix_cues[k].cue, true);
    }
    if (best_len == 0) {
      ++i;
      continue;
    }
    const bool negated =
        (i > 0 && std::find(kNegators.begin(), kNegators.end(), words[i - 1]) != kNegators.end());
    if (negated) weight = -weight;
    (weight < 0 ? sums.problem : sums.praise) += weight;
    i += best_len;
  }
  return sums;
}

// "90 minutes", "2 hours", "3 weeks": time lost, the sarcastic complaint's favourite unit.
bool waited(Words words) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (!ascii_digit(static_cast<unsigned char>(words[i][0]))) continue;
    for (std::string_view unit : {"min*", "hour*", "hr*", "day*", "week*", "month*"}) {
      if (word_matches(unit, words[i + 1])) return true;
    }
  }
  return false;
}

// Per-thread scratch of service_cue() and classify() (kept apart: classify() calls
// sarcastic(), which may call service_cue()).
struct Scratch {
  WordList list;
  std::vector<const WordInfo*> infos;
};

// service_cue()'s last text with its words and cue sums, per thread. The targeted scorer asks
// service_cue() about a post (or one of its sentences) just before the classifier reads the
// same post: classify() then takes the words and sums instead of computing them again (a swap
// of buffers; matched by the text's bytes, never by address). Words and sums are a function
// of the bytes alone, so a post gets the same answer either way.
struct LastCue {
  std::string text;
  Scratch scratch;
  CueSums sums;
  bool valid = false;
};
LastCue& last_cue() {
  thread_local LastCue last;
  return last;
}
constexpr std::size_t kMaxKeptText = 4096;  // at most 4 KiB of text kept per thread

}  // namespace

float service_cue(std::string_view text) {
  LastCue& last = last_cue();
  if (!(last.valid && std::string_view(last.text) == text)) {
    const CueIndex& index = cue_index();
    words_of(text, last.scratch.list);
    look_up(index, last.scratch.list, last.scratch.infos);
    last.sums = cue_sums(index, last.scratch.list.words, last.scratch.list.hashes,
                         last.scratch.infos);
    last.valid = text.size() <= kMaxKeptText;
    if (last.valid) last.text.assign(text);
  }
  return std::clamp(last.sums.problem + last.sums.praise, -1.0f, 1.0f);
}

Intent IntentClassifier::classify(std::string_view text, const Sentiment& post) const {
  thread_local Scratch scratch;
  const CueIndex& index = cue_index();
  CueSums cues;
  if (LastCue& last = last_cue(); last.valid && std::string_view(last.text) == text) {
    std::swap(scratch, last.scratch);  // service_cue() just read this text
    cues = last.sums;
    last.valid = false;
  } else {
    words_of(text, scratch.list);
    look_up(index, scratch.list, scratch.infos);
    cues = cue_sums(index, scratch.list.words, scratch.list.hashes, scratch.infos);
  }
  const Words words = scratch.list.words;
  // One pass for every word and phrase asked about below.
  std::uint32_t found = 0;  // bit p: kPhrases[p] occurs
  std::uint8_t flags = 0;   // WordFlags of the words present
  bool praise_prefix = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (const WordInfo* info = scratch.infos[i]) {
      flags |= info->flags;
      for (std::uint32_t left = info->phrases & ~found; left != 0; left &= left - 1) {
        const int p = __builtin_ctz(left);
        if (matches_at(words, i, index.phrases[p])) found |= std::uint32_t{1} << p;
      }
    }
    // The kPraisePrefixes entry a word's first byte could start (each starts with another).
    if (!praise_prefix) {
      const std::string_view& prefix = kPraisePrefixByFirst[static_cast<unsigned char>(words[i][0])];
      praise_prefix = !prefix.empty() && words[i].starts_with(prefix);
    }
  }
  const auto contains = [&](Phrase p) { return (found >> p & 1) != 0; };
  // Where the service lexicon is sure and the post-level model says otherwise, the lexicon
  // wins: "refunded the scam payment within a week" is praise whatever "scam" does to the
  // model, "keeps restarting itself overnight" a problem.
  const float net = cues.praise + cues.problem;
  const bool positive = net >= 0.6f || (post.label == Label::positive && net > -1.0f);
  const bool negative = net <= -0.6f || (post.label == Label::negative && net < 1.0f);
  const bool problem = cues.problem <= -0.5f;
  const bool praise_words = (flags & kPraiseWord) != 0 || praise_prefix || cues.praise >= 1.0f;
  // Sarcasm: praise words wrapped around a problem ("thanks for nothing", "love paying
  // premium for a broken lift", "great job, my box arrived crushed", "just love waiting 90
  // minutes").
  const bool sarcastic_opener = contains(kLoveHow) || contains(kJustLove) ||
                                contains(kLoveWaiting) || contains(kLovePaying) ||
                                contains(kNothingSays) || contains(kGreatJob) || contains(kWow);
  const bool sarcasm = contains(kThanksForNothing) || contains(kSoMuchFor) ||
                       contains(kWhatAmIPaying) ||
                       (sarcastic_opener && (problem || waited(words))) ||
                       (praise_words && cues.problem <= -0.8f && cues.praise < 1.0f);
  const bool question_mark = text.find('?') != std::string_view::npos;
  std::uint64_t opens = 0;  // bits of the openers the post starts with
  if (!words.empty() && scratch.infos[0]) {
    for (std::uint64_t left = scratch.infos[0]->openers; left != 0; left &= left - 1) {
      const int p = __builtin_ctzll(left);
      if (matches_at(words, 0, index.openers[p])) opens |= std::uint64_t{1} << p;
    }
  }
  const bool info_opener = (opens & 0xFFFFFFFFu) != 0 || contains(kAnyoneKnow) ||
                           contains(kDoesAnyone) || contains(kAnyoneTried) ||
                           contains(kAnyoneUsed) || contains(kAnyoneHere) || contains(kDoYou) ||
                           contains(kCanI) || contains(kIsThere);
  const bool question = question_mark || info_opener || (opens >> 32) != 0;
  // Questions that are really complaints: "why does it keep...", "is X ever going to...",
  // "when will you fix...", "how hard is it to...".
  const bool accusing = (flags & kAccusingWord) != 0 || contains(kHowHard) || contains(kWhenWill) ||
                        contains(kWhenAreYou) || contains(kAnyUpdate) || contains(kIsAnyone);
  const bool personal = (flags & kPersonalWord) != 0;

  if (sarcasm || sarcastic(text)) return Intent::complaint;
  // The company's words quoted back ("free delivery" that charged delivery), unless the
  // post is plainly praise (a note saying "have a great day").
  if (scare_quoted(text) && cues.praise < 1.0f && post.score < 0.6f) return Intent::complaint;
  if (problem && !(positive && cues.praise + cues.problem >= 0.0f)) {
    // An information question that mentions a problem ("how do I get a refund for a
    // cancelled flight?") stays a question unless it is clearly upset or accusing.
    if (question && info_opener && !accusing && post.score > -0.4f) return Intent::question;
    return Intent::complaint;
  }
  if (question && accusing && !positive) return Intent::complaint;
  if (negative && !question && post.score <= -0.3f && (personal || post.score <= -0.6f)) {
    return Intent::complaint;
  }
  if (negative && question && post.score <= -0.4f) return Intent::complaint;
  if (question) {
    if (positive && praise_words && !info_opener) return Intent::praise;
    return Intent::question;
  }
  if (positive && (praise_words || post.score >= 0.5f)) return Intent::praise;
  if (cues.praise >= 0.6f && !negative) return Intent::praise;
  return Intent::other;
}

}  // namespace earshot::sentiment

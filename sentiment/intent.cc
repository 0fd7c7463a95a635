#include "sentiment/intent.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string>
#include <utility>
#include <unordered_map>
#include <vector>

namespace earshot::sentiment {
namespace {

// Lower-cased words of a post (ASCII letters, digits, apostrophes; curly ’ folded to ').
// @handles, #hashtags and links are dropped: a handle like @fastfix is not praise.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    const std::string_view token = text.substr(i, j - i);
    const bool skip = token.starts_with('@') || token.starts_with('#') ||
                      token.starts_with("http") || token.starts_with("www.");
    std::string word;
    for (std::size_t k = 0; !skip && k < token.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(token[k]);
      bool apostrophe = c == '\'';
      if (token.substr(k, 3) == "\xE2\x80\x99") {
        apostrophe = true;
        k += 2;
      }
      if (c < 0x80 && std::isalnum(c)) {
        word.push_back(static_cast<char>(std::tolower(c)));
      } else if (apostrophe && !word.empty()) {
        word.push_back('\'');
      } else if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    }
    if (!word.empty()) words.push_back(std::move(word));
    i = j + 1;
  }
  return words;
}

struct Cue {
  std::string_view phrase;  // space-separated lower-case words; '*' suffix = prefix match
  float weight;
};

// Problems (negative) and service praise (positive) that general sentiment lexicons miss.
constexpr Cue kCues[] = {
    {"lost", -1}, {"lose*", -1}, {"losing", -1}, {"delay*", -1}, {"late", -0.6f},
    {"cancel*", -0.8f}, {"refund", -0.8f}, {"broken", -1}, {"broke", -1}, {"crash*", -1},
    {"outage*", -1}, {"is down", -1}, {"are down", -1}, {"been down", -1}, {"went down", -1},
    {"down again", -1}, {"down all", -1}, {"down since", -1}, {"site down", -1},
    {"stuck", -0.8f}, {"missing", -0.8f}, {"damaged", -1}, {"crushed", -1}, {"smashed", -1},
    {"overcharged", -1}, {"charged twice", -1.5f}, {"charged me twice", -1.5f},
    {"double charged", -1.5f}, {"charged for", -0.8f}, {"charged me", -0.6f}, {"charges me", -0.6f}, {"still getting", -1}, {"fee", -0.6f},
    {"fees", -0.6f}, {"still waiting", -1.5f}, {"still no", -1.2f}, {"not working", -1.5f},
    {"stopped working", -1.5f}, {"doesn't work", -1.5f}, {"isn't working", -1.5f},
    {"won't let", -1}, {"won't load", -1.2f}, {"can't log", -1.2f}, {"can't even", -1},
    {"no signal", -1.2f}, {"signal", -0.3f}, {"on hold", -1}, {"hung up", -1.2f},
    {"where is my", -1}, {"where's my", -1}, {"never arrived", -1.5f}, {"never came", -1.5f},
    {"never agreed", -1}, {"never touched", -1}, {"never ordered", -1}, {"wrong", -0.8f},
    {"rip off", -1}, {"ripoff", -1}, {"scam", -1}, {"useless", -1}, {"glitch*", -1},
    {"error", -0.8f}, {"failed", -0.8f}, {"freez*", -1}, {"frozen", -0.8f}, {"froze", -1},
    {"declined", -1}, {"denied", -1}, {"rejected", -1}, {"ghosted", -1}, {"leak", -0.8f},
    {"leaks", -0.8f}, {"defect*", -1}, {"faulty", -1}, {"overheat*", -1}, {"disconnect*", -1},
    {"buffering", -1}, {"logs me out", -1.2f}, {"logged me out", -1.2f}, {"locked out", -1},
    {"slow", -0.6f}, {"slower", -0.6f}, {"cold", -0.5f}, {"overpriced", -1}, {"filthy", -1},
    {"disgusting", -1}, {"mold", -1}, {"rude", -1}, {"unacceptable", -1.2f}, {"shambles", -1},
    {"garbage", -1}, {"joke", -0.8f}, {"nobody replies", -1.2f}, {"nobody came", -1.2f},
    {"no reply", -1}, {"no response", -1}, {"no answer", -1}, {"zero notice", -1},
    {"no notice", -1}, {"no apology", -1}, {"not resolved", -1.2f}, {"not delivered", -1.5f},
    {"didn't show", -1.2f}, {"didn't even", -1}, {"ruined", -1}, {"dead by", -1},
    {"died", -0.8f}, {"fix it", -0.8f}, {"fix the", -0.6f}, {"sort this", -0.8f},
    {"estimated bill*", -0.8f}, {"for nothing", -1}, {"took money", -1.2f},
    {"wrong account", -1.2f}, {"wrong city", -1.2f}, {"gave away", -1}, {"stone cold", -1},
    {"sour", -0.8f}, {"off", -0.2f}, {"queue", -0.4f}, {"cramped", -1}, {"bruised", -1},
    {"deleted", -0.8f}, {"removed", -0.5f}, {"raised the price", -1}, {"price hike", -1},
    {"fraudster", -1}, {"embarrassing", -0.8f}, {"closed my account", -1},
    {"without explanation", -1}, {"without me asking", 1}, {"was down", -1},
    {"were down", -1}, {"both down", -1}, {"down this", -1}, {"yelled", -1}, {"shrugged", -0.8f},
    {"ignored", -1}, {"refused", -1}, {"scratched", -1}, {"bricked", -1.2f}, {"brick", -0.6f},
    {"overbooked", -1}, {"burnt", -1}, {"stale", -1}, {"predatory", -1.2f}, {"junk", -1},
    {"clunky", -1}, {"loud", -0.5f}, {"wilted", -1}, {"soggy", -1}, {"moldy", -1},
    {"disputes", -0.8f}, {"dropped my", -1}, {"kicked me", -1}, {"fell apart", -1.2f},
    {"ran out", -0.8f}, {"timing out", -1}, {"times out", -1}, {"upsell", -0.8f},
    {"doubled my", -1}, {"raised my", -1}, {"raised prices", -1},
    {"made me wait", -1.2f}, {"barely", -0.6f}, {"insulting", -1}, {"sent us away", -1.2f},
    {"couldn't even", -1}, {"impossible", -0.8f}, {"maze", -0.6f}, {"nothing for", -0.8f},
    {"told us nothing", -1.2f}, {"ghost*", -1}, {"hold", -0.4f},
    // service praise
    {"on time", 1}, {"helped", 0.8f}, {"kept us informed", 1.2f}, {"crisp", 0.8f},
    {"stable", 0.6f}, {"spot on", 1}, {"heavenly", 1}, {"generous", 1}, {"convenient", 1},
    {"made up for", 1}, {"rescued", 1}, {"replaced", 0.5f}, {"just works", 1.2f},
    {"same day", 0.8f}, {"in seconds", 1}, {"instantly", 0.8f}, {"fully stocked", 1},
    {"gripping", 1}, {"outstanding", 1}, {"stayed on the line", 1}, {"blocked it", 0.8f},
    {"professional", 0.8f}, {"tidy", 0.6f}, {"safe place", 0.6f}, {"clear and fair", 1},
    {"works fine", 1}, {"carefully", 0.8f}, {"cleans", 0.6f},
    {"picks up", 0.6f}, {"answered", 0.5f}, {"actually has", 0.8f}, {"smooth", 1}, {"seamless*", 1}, {"painless", 1}, {"quick", 0.6f},
    {"quickly", 0.6f}, {"fast", 0.5f}, {"speedy", 0.8f}, {"efficient", 0.8f},
    {"reliable", 0.8f}, {"rock solid", 1.2f}, {"sorted", 0.8f}, {"fixed", 0.6f},
    {"resolved", 0.6f}, {"refunded", 0.6f}, {"upgrade*", 0.6f}, {"early", 0.6f},
    {"delicious", 1}, {"spotless", 1}, {"polite", 1}, {"patient", 1}, {"legend*", 1},
    {"hero*", 1}, {"kudos", 1}, {"shoutout", 1}, {"shout out", 1}, {"props", 1},
    {"above and beyond", 1.5f}, {"class act", 1.2f}, {"pulled through", 1.2f},
    {"respect", 0.8f}, {"well done", 1}, {"blazing fast", 1.2f}, {"no drama", 1},
    {"cheers", 0.6f}, {"never disappoints", 1.5f}, {"flawless*", 1}, {"masterpiece", 1},
};

const std::array<std::string_view, 15> kNegators = {
    "not", "never", "no", "don't", "didn't", "isn't", "wasn't", "aren't", "weren't",
    "won't", "can't", "cannot", "hardly", "without", "zero"};

bool word_matches(std::string_view pattern, std::string_view word) {
  if (pattern.ends_with('*')) return word.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == word;
}

// Length in words of `phrase` matched at words[at], or 0.
std::size_t match_at(const std::vector<std::string>& words, std::size_t at,
                     std::string_view phrase) {
  std::size_t k = at;
  while (!phrase.empty()) {
    const std::size_t space = std::min(phrase.find(' '), phrase.size());
    if (k >= words.size() || !word_matches(phrase.substr(0, space), words[k])) return 0;
    ++k;
    phrase.remove_prefix(std::min(space + 1, phrase.size()));
  }
  return k - at;
}

bool contains(const std::vector<std::string>& words, std::string_view phrase) {
  // The phrase's first word is split off once; match_at runs only where it matches.
  const std::string_view first = phrase.substr(0, std::min(phrase.find(' '), phrase.size()));
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (word_matches(first, words[i]) && match_at(words, i, phrase) > 0) return true;
  }
  return false;
}

bool starts_with_any(const std::vector<std::string>& words,
                     std::initializer_list<std::string_view> phrases) {
  return std::any_of(phrases.begin(), phrases.end(),
                     [&](std::string_view p) { return match_at(words, 0, p) > 0; });
}

struct CueSums {
  float problem = 0.0f;  // <= 0
  float praise = 0.0f;   // >= 0
};

// kCues compiled once: phrases split into words and indexed by their first word, so a
// post costs one hash probe per word instead of a pass over every cue.
struct CompiledCue {
  std::vector<std::string_view> parts;
  float weight = 0.0f;
  std::size_t order = 0;  // position in kCues: the earlier cue wins a tie
};

struct CueIndex {
  std::vector<CompiledCue> cues;
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_first_word;
  std::vector<std::size_t> prefix_first;  // cues whose first word is a prefix pattern ("refund*")
};

const CueIndex& cue_index() {
  static const CueIndex index = [] {
    CueIndex idx;
    for (std::size_t c = 0; c < std::size(kCues); ++c) {
      CompiledCue cue;
      cue.weight = kCues[c].weight;
      cue.order = c;
      std::string_view phrase = kCues[c].phrase;
      while (!phrase.empty()) {
        const std::size_t space = std::min(phrase.find(' '), phrase.size());
        cue.parts.push_back(phrase.substr(0, space));
        phrase.remove_prefix(std::min(space + 1, phrase.size()));
      }
      if (cue.parts.empty()) continue;
      const std::size_t at = idx.cues.size();
      if (cue.parts[0].ends_with('*')) idx.prefix_first.push_back(at);
      else idx.by_first_word[cue.parts[0]].push_back(at);
      idx.cues.push_back(std::move(cue));
    }
    return idx;
  }();
  return index;
}

std::size_t match_parts(const std::vector<std::string>& words, std::size_t at, const CompiledCue& cue) {
  if (at + cue.parts.size() > words.size()) return 0;
  for (std::size_t k = 0; k < cue.parts.size(); ++k) {
    if (!word_matches(cue.parts[k], words[at + k])) return 0;
  }
  return cue.parts.size();
}

CueSums cue_sums(const std::vector<std::string>& words) {
  const CueIndex& index = cue_index();
  CueSums sums;
  for (std::size_t i = 0; i < words.size();) {
    std::size_t best_len = 0, best_order = 0;
    float weight = 0.0f;
    auto consider = [&](std::size_t c) {
      const CompiledCue& cue = index.cues[c];
      const std::size_t len = match_parts(words, i, cue);
      if (len > best_len || (len == best_len && len > 0 && cue.order < best_order)) {
        best_len = len;
        best_order = cue.order;
        weight = cue.weight;
      }
    };
    if (auto it = index.by_first_word.find(words[i]); it != index.by_first_word.end()) {
      for (std::size_t c : it->second) consider(c);
    }
    for (std::size_t c : index.prefix_first) {
      // Cheap pre-check: a prefix pattern's first byte must equal the word's.
      const std::string_view p = index.cues[c].parts[0];
      if (p.size() > 1 && (words[i].empty() || words[i][0] != p[0])) continue;
      consider(c);
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

bool has_any(const std::vector<std::string>& words,
             std::initializer_list<std::string_view> list) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return std::any_of(list.begin(), list.end(),
                       [&](std::string_view p) { return word_matches(p, w); });
  });
}

// "90 minutes", "2 hours", "3 weeks": time lost, the sarcastic complaint's favourite unit.
bool waited(const std::vector<std::string>& words) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(words[i][0]))) continue;
    if (has_any({words[i + 1]}, {"min*", "hour*", "hr*", "day*", "week*", "month*"})) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view to_string(Intent intent) {
  switch (intent) {
    case Intent::complaint: return "complaint";
    case Intent::question: return "question";
    case Intent::praise: return "praise";
    case Intent::other: return "other";
  }
  return "other";
}

bool parse_intent(std::string_view text, Intent* out) {
  for (Intent i : {Intent::complaint, Intent::question, Intent::praise, Intent::other}) {
    if (text == to_string(i)) {
      *out = i;
      return true;
    }
  }
  return false;
}

float service_cue(std::string_view text) {
  const CueSums sums = cue_sums(words_of(text));
  return std::clamp(sums.problem + sums.praise, -1.0f, 1.0f);
}

Intent IntentClassifier::classify(std::string_view text, const Sentiment& post) const {
  const std::vector<std::string> words = words_of(text);
  const CueSums cues = cue_sums(words);
  const bool positive = post.label == Label::positive;
  const bool negative = post.label == Label::negative;
  const bool problem = cues.problem <= -0.5f;
  const bool praise_words =
      has_any(words, {"thank*", "thx", "ty", "love*", "great", "amazing", "awesome", "best",
                      "fantastic", "brilliant", "excellent", "impressed", "perfect*",
                      "wonderful", "lovely", "appreciate*", "grateful", "recommend*", "happy",
                      "incredible", "gorgeous", "beautiful", "bliss", "kind", "friendliest",
                      "unreal", "star", "treat", "good", "better", "proud", "nice"}) ||
      cues.praise >= 1.0f;
  // Sarcasm: praise words wrapped around a problem ("thanks for nothing", "love paying
  // premium for a broken lift", "great job, my box arrived crushed", "just love waiting 90
  // minutes").
  const bool sarcastic_opener =
      contains(words, "love how") || contains(words, "just love") ||
      contains(words, "love waiting") || contains(words, "love paying") ||
      contains(words, "nothing says") || contains(words, "great job") || contains(words, "wow");
  const bool sarcasm = contains(words, "thanks for nothing") ||
                       contains(words, "so much for") || contains(words, "what am i paying") ||
                       (sarcastic_opener && (problem || waited(words))) ||
                       (praise_words && cues.problem <= -0.8f && cues.praise < 1.0f);
  const bool question_mark = text.find('?') != std::string_view::npos;
  const bool info_opener = starts_with_any(
      words, {"how do", "how can", "how to", "how long", "how many", "how early", "how does",
              "how's", "what's the", "what is", "what are", "what time", "what speeds",
              "which", "where can", "where's the", "is there", "are there", "does", "do",
              "can i", "can you", "can we", "any idea", "has anyone", "is the", "is it",
              "am i", "thinking of"}) ||
      contains(words, "anyone know") || contains(words, "does anyone") ||
      contains(words, "anyone tried") || contains(words, "anyone used") ||
      contains(words, "anyone here") || contains(words, "do you") || contains(words, "can i") ||
      contains(words, "is there");
  const bool question = question_mark || info_opener ||
                        starts_with_any(words, {"why", "how hard", "is anyone", "when will"});
  // Questions that are really complaints: "why does it keep...", "is X ever going to...",
  // "when will you fix...", "how hard is it to...".
  const bool accusing = has_any(words, {"why", "ever"}) || contains(words, "how hard") ||
                        contains(words, "when will") || contains(words, "when are you") ||
                        contains(words, "any update") || contains(words, "is anyone");
  const bool personal = has_any(words, {"i", "i'm", "i've", "my", "me", "we", "our", "us",
                                        "you", "your", "you're"});

  if (sarcasm) return Intent::complaint;
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
  if (cues.praise >= 1.0f && !negative) return Intent::praise;
  return Intent::other;
}

}  // namespace earshot::sentiment

// earshot::sentiment::intent_lexicon — the data behind IntentClassifier (intent.h): the
// customer-service cue lexicon (problems and service praise that general sentiment lexicons
// miss, with weights), the phrases and question openers classify() looks for, and the word
// lists it asks about. Internal to intent.cc; kept apart so the classifier's logic reads on
// its own and the lexicon can be reviewed and extended as data.
//
// Thread safety: constants.
#pragma once

#include <cstdint>
#include <iterator>
#include <string_view>

namespace earshot::sentiment::intent_lexicon {

struct Cue {
  std::string_view phrase;  // space-separated lower-case words; '*' suffix = prefix match
  float weight;
};

// Problems (negative) and service praise (positive) that general sentiment lexicons miss.
inline constexpr Cue kCues[] = {
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

// Phrases classify() looks for anywhere in a post (all exact words, no '*').
enum Phrase : std::uint8_t {
  kLoveHow, kJustLove, kLoveWaiting, kLovePaying, kNothingSays, kGreatJob, kWow,
  kThanksForNothing, kSoMuchFor, kWhatAmIPaying, kAnyoneKnow, kDoesAnyone, kAnyoneTried,
  kAnyoneUsed, kAnyoneHere, kDoYou, kCanI, kIsThere, kHowHard, kWhenWill, kWhenAreYou,
  kAnyUpdate, kIsAnyone, kPhraseCount
};
inline constexpr std::string_view kPhrases[kPhraseCount] = {
    "love how", "just love", "love waiting", "love paying", "nothing says", "great job", "wow",
    "thanks for nothing", "so much for", "what am i paying", "anyone know", "does anyone",
    "anyone tried", "anyone used", "anyone here", "do you", "can i", "is there", "how hard",
    "when will", "when are you", "any update", "is anyone"};
static_assert(kPhraseCount <= 32);

// Phrases classify() looks for at the start of a post: information questions...
inline constexpr std::string_view kInfoOpeners[] = {
    "how do", "how can", "how to", "how long", "how many", "how early", "how does", "how's",
    "what's the", "what is", "what are", "what time", "what speeds", "which", "where can",
    "where's the", "is there", "are there", "does", "do", "can i", "can you", "can we",
    "any idea", "has anyone", "is the", "is it", "am i", "thinking of"};
// ... and other questions. Bits 0-31 of WordInfo::openers are kInfoOpeners, 32-63 these.
inline constexpr std::string_view kQuestionOpeners[] = {"why", "how hard", "is anyone", "when will"};
static_assert(std::size(kInfoOpeners) <= 32 && std::size(kQuestionOpeners) <= 32);

// Words whose presence classify() asks about (exact words; the prefix patterns of the
// praise list are kPraisePrefixes).
enum WordFlag : std::uint8_t { kPraiseWord = 1, kAccusingWord = 2, kPersonalWord = 4 };
inline constexpr std::string_view kPraiseWords[] = {
    "thx", "ty", "great", "amazing", "awesome", "best", "fantastic", "brilliant", "excellent",
    "impressed", "wonderful", "lovely", "grateful", "happy", "incredible", "gorgeous",
    "beautiful", "bliss", "kind", "friendliest", "unreal", "star", "treat", "good", "better",
    "proud", "nice"};
inline constexpr std::string_view kPraisePrefixes[] = {"thank", "love", "perfect", "appreciate",
                                                "recommend"};
inline constexpr std::string_view kAccusingWords[] = {"why", "ever"};
inline constexpr std::string_view kPersonalWords[] = {"i", "i'm", "i've", "my", "me", "we", "our",
                                               "us", "you", "your", "you're"};

}  // namespace earshot::sentiment::intent_lexicon

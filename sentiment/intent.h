// earshot::sentiment — what a post wants: a complaint, a question, praise, or other.
//
// Replies and alerts care less about how negative a post is than about what it is: "my bag
// never arrived" needs a service agent, "how do I change my seat?" needs an answer, "thank
// you for the upgrade!" may get a thank-you back. IntentClassifier decides from rules and a
// small customer-service lexicon over the text, plus the post-level Sentiment a Scorer gave:
//
//   complaint  a problem word or phrase ("lost", "delayed", "refund", "still waiting",
//              "charged twice", "not working", ...) with a not-positive post, or a negative
//              post with a problem or an accusation; also sarcasm ("thanks for nothing",
//              "love waiting 2 hours") and questions that complain ("why is my flight
//              delayed AGAIN?", "where is my refund?").
//   question   a "?" or a question opener ("how do I", "anyone know", "does anyone", "is
//              there") without a problem behind it.
//   praise     a positive post with thanks / love / great / shout-out words, also when it
//              ends with a question mark ("how are you this good?").
//   other      the rest: news, neutral mentions, links.
//
//   earshot::sentiment::IntentClassifier intents;
//   Intent i = intents.classify("@acmeair still waiting on my refund", scorer->score(text));
//   // i == Intent::complaint; to_string(i) == "complaint"
//
// service_cue() exposes the lexicon's polarity for other stages (the targeted scorer uses it
// where a general-purpose scorer such as VADER has no opinion on "delayed" or "smooth").
//
// Thread safety: stateless after construction; classify() is const and may be called from
// any number of threads. Lifetime: nothing refers to the arguments after a call returns.
#pragma once

#include <string_view>

#include "sentiment/sentiment.h"

namespace earshot::sentiment {

enum class Intent { complaint, question, praise, other };

// "complaint" | "question" | "praise" | "other".
std::string_view to_string(Intent intent);
// The inverse of to_string(); false (and *out untouched) for anything else.
bool parse_intent(std::string_view text, Intent* out);

// Customer-service polarity of `text` from the problem and praise lexicon alone: the sum
// of cue weights, clamped to [-1, 1]; negative for problems ("delayed", "charged twice",
// "not working"), positive for service praise ("on time", "smooth", "sorted it"). A cue
// directly after a negator ("never late", "not smooth") counts the other way. 0 = no cue.
float service_cue(std::string_view text);

class IntentClassifier {
 public:
  // The intent of `text`, given its post-level sentiment `post` (from any Scorer).
  Intent classify(std::string_view text, const Sentiment& post) const;
};

}  // namespace earshot::sentiment

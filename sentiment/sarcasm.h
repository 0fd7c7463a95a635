// earshot::sentiment — sarcastic praise in customer-care posts.
//
// "Lumen Fiber going up another £4 a month. Brilliant." is a complaint: general sentiment
// models read "Brilliant" and say positive. sarcastic() recognises the common shapes, each
// only around a service problem (service_cue() of intent.h below -0.5):
//   - a short closing remark of praise: "... Brilliant.", "... Genius.", "... Love it.",
//     "... Cheers", "... Perfect timing.", "... Fantastic planning.";
//   - an opener of praise: "Oh great, ...", "Great, ...", "Oh lovely, ...";
//   - thanks for the damage: "thanks X for the extra 4 hours".
// TargetedScorer turns a positive verdict on such a post negative; IntentClassifier calls it a
// complaint.
//
// scare_quoted() finds the other shape of customer-care irony: the company's own words
// quoted back at it, a short phrase (1–4 words) in "straight" or “curly” quotes: Velvet
// Bank's "24/7 support" is a form, a "free delivery" order charged delivery, the "upgrade"
// broke the signal. On the customer-care set's tune split all 19 posts with such a quote are
// complaints. TargetedScorer makes a non-negative verdict negative when the entity's sentence
// has one; IntentClassifier calls the post a complaint unless it is plainly praise.
//
//   bool s = earshot::sentiment::sarcastic("going up another £4 a month. Brilliant.");  // true
//   bool q = earshot::sentiment::scare_quoted("charged delivery on a \"free delivery\" order");
//   // q == true
//
// Thread safety: pure function (the last verdict is kept per thread, matched by the text's
// bytes, since intent, the sarcasm flag and targeted sentiment ask about one post in turn).
// Cost: one pass over the words plus service_cue() calls; a repeat is one compare.
#pragma once

#include <string_view>

namespace earshot::sentiment {

bool sarcastic(std::string_view text);

// Does `text` hold a quoted phrase of one to four words (at most 40 bytes)?
bool scare_quoted(std::string_view text);

}  // namespace earshot::sentiment

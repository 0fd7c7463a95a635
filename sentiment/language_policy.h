// earshot::sentiment — which language a post is scored as: the detector's guess, the
// platform's own tag, and a configured default for the uncertain rest.
//
// A short English post can look Danish to the n-gram detector ("Fear for myself, fear for my
// family." is Danish by a margin of 4); scored as Danish it got no sentiment at all, and a real
// complaint never reached an alert. choose_language() decides, in order:
//   1. A decision by script (kana, Cyrillic, ...) stands.
//   2. A platform tag (Mastodon `language`, Bluesky `langs[0]`; "en-GB" counts as "en") wins
//      over an uncertain guess (margin below `min_margin`) and over "und".
//   3. A confident Latin-script guess stands, even against the platform's tag (accounts often
//      keep the tag of their UI language whatever they write).
//   4. "und" with no tag stays "und" (emoji, a URL: scored as they are).
//   5. An uncertain guess with no tag becomes `default_language`, and `fallback` is set: the
//      scored post says so (its sentiment's `model` ends in "+lang-fallback").
//
//   LanguagePolicy policy;  // default_language "en", min_margin 8
//   auto g = detector.guess("Fear for myself, fear for my family.");
//   LanguageChoice c = choose_language(g, /*platform tag*/ "", policy);
//   // c.lang == "en", c.fallback == true
//
// Thread safety: pure functions. Lifetime: the result owns its string.
#pragma once

#include <string>
#include <string_view>

#include "sentiment/language.h"

namespace earshot::sentiment {

struct LanguagePolicy {
  // ISO 639-1 code used when the detector is unsure and the platform gives no tag.
  std::string default_language = "en";
  // Log-odds of the best language over the runner-up below which a Latin-script guess
  // counts as uncertain. 8 keeps 99.93 % of TweetEval's English tweets English, 99.8 % of our
  // short English customer-care posts, and 94 % of the short non-English posts of
  // tests/sentiment/data/language.tsv their language
  // (bench/RESULTS.md, "Language").
  float min_margin = 8.0f;
};

struct LanguageChoice {
  std::string lang;
  bool fallback = false;  // lang is the policy's default, not something the post told us
};

// The platform's tag as an ISO 639-1 code: lower case, region dropped ("pt-BR" → "pt");
// "" when empty or not a language tag.
std::string normalize_language_tag(std::string_view tag);

LanguageChoice choose_language(const LanguageDetector::Guess& guess, std::string_view platform_tag,
                               const LanguagePolicy& policy);

// The model name a post scored under the fallback language carries: "default" →
// "default+lang-fallback".
std::string fallback_model_name(std::string_view model);

}  // namespace earshot::sentiment

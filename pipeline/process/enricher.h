// earshot::pipeline::process — turns a Post into a ScoredPost and its Mentions.
//
// The CPU work of `earshot process` and `earshot score`, in one place: language (the
// detector, the platform's tag and config `sentiment.default_language`, see
// sentiment/language_policy.h; German, French, Spanish, Portuguese, Italian and Dutch posts
// are scored by sentiment/lexicon_scorer.h (`model: "lexicon-<lang>-1"`, entities get the
// post's sentiment); posts in a language no model supports get `model: "none"`,
// never a fake English score; posts scored under the default language because the detector
// was unsure get a `model` ending in "+lang-fallback" and the flag `lang_fallback`), post-level
// sentiment, entity linking with entity-targeted sentiment, the author's customer record
// from the federated directories (flag `customer_lookup_failed` when a directory could not
// answer), and intent. Flags for the reply guards (issue 14): `not_public` (Post::visibility
// set and not "public"), `edited` (Post::edited_at set), `sarcasm` (sentiment/sarcasm.h
// fires on an English-scored text that names an entity: only those can get a reply).
//
//   auto enricher = Enricher::build(config, /*model override*/ "");
//   if (!enricher) return enricher.error();
//   ScoredPost s = (*enricher)->enrich(std::move(post));
//   std::string json;  // the Mention of each linked entity, encoded
//   for (std::size_t i = 0; i < s.entities.size(); ++i)
//     codec::encode_to(Enricher::mention_view(s, i), json);
//
// Thread safety: immutable after build(); enrich() is const and may run on many threads at
// once. Lifetime: owns its scorer, detector, linker and directories.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/core/records.h"
#include "pipeline/link/customer_directory.h"
#include "pipeline/link/linker.h"
#include "pipeline/log/log.h"
#include "sentiment/intent.h"
#include "sentiment/language.h"
#include "sentiment/language_policy.h"
#include "sentiment/sentiment.h"
#include "sentiment/targeted.h"

namespace earshot::pipeline::process {

class Enricher {
 public:
  // Entities and customers come from `config` when given (nullptr: score only). `model`
  // overrides config.sentiment.model when non-empty. `io` serves the customer directories
  // that do IO: its Log `type: kafka`, its HTTP client `type: http` (without them those are
  // a config error). Errors name what failed to load. `known_lang` non-empty: every text
  // this enricher sees is in that language (`earshot score --lang`), so the language
  // detector is not loaded and, of the other languages' lexicons, only that one (start-up
  // is then about half: the detector's tables and six lexicons are most of it); enrich()
  // and sentiment_of() then treat an empty `lang` as `known_lang`.
  static core::Result<std::unique_ptr<Enricher>> build(const config::Config* config,
                                                       std::string_view model,
                                                       const link::DirectoryIo& io = {},
                                                       std::string_view known_lang = {});

  // `lang` non-empty: the text's language is known (`earshot score --lang`), detection is
  // skipped and post.lang becomes `lang`.
  core::ScoredPost enrich(core::Post post, std::string_view lang = {}) const;
  // Only what enrich() puts in ScoredPost::sentiment (language gate and post-level score):
  // for callers that print nothing else (`earshot score --output sentiment`), so that
  // linking, customers and intent are not computed. Same `lang` as enrich().
  sentiment::Sentiment sentiment_of(const core::Post& post, std::string_view lang = {}) const;
  // The Mention of scored.entities[i] (retract = the post is a platform delete), as views
  // into `scored`: `earshot process` encodes it straight away (codec::encode_to), with no
  // Mention copy of the text, url and ids.
  static codec::MentionView mention_view(const core::ScoredPost& scored, std::size_t i);

  const sentiment::Scorer& scorer() const { return *scorer_; }
  // The sentiment given to posts in a language no model supports.
  static sentiment::Sentiment unsupported();

 private:
  Enricher() = default;
  // The post-level score in the chosen language (model, lexicon or none), marked when the
  // language was a fallback.
  sentiment::Sentiment score_in(const sentiment::LanguageChoice& choice,
                                std::string_view text) const;
  // The language enrich() and sentiment_of() work in: `lang` or the build's known_lang, or
  // the detector's choice (with the post's tag and the policy) when both are empty.
  sentiment::LanguageChoice choose(std::string_view text, const std::optional<std::string>& tag,
                                   std::string_view lang) const;
  std::unique_ptr<sentiment::Scorer> scorer_;
  std::unique_ptr<sentiment::TargetedScorer> targeted_;
  std::optional<sentiment::LanguageDetector> language_;  // empty when known_lang_ is set
  std::string known_lang_;
  sentiment::LanguagePolicy language_policy_;
  // Lexicon scorers for de, fr, es, pt, it, nl, ja (sentiment/lexicon_scorer.h), by language.
  std::map<std::string, std::unique_ptr<sentiment::Scorer>, std::less<>> lexicons_;
  std::unique_ptr<link::Linker> linker_;
  std::unique_ptr<link::CustomerDirectory> customers_;
  sentiment::IntentClassifier intents_;
};

}  // namespace earshot::pipeline::process

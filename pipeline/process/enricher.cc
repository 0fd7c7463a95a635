#include "pipeline/process/enricher.h"

#include "pipeline/core/status.h"
#include "sentiment/lexicon_scorer.h"
#include "sentiment/sarcasm.h"

namespace earshot::pipeline::process {

core::Result<std::unique_ptr<Enricher>> Enricher::build(const config::Config* config,
                                                        std::string_view model,
                                                        const link::DirectoryIo& io,
                                                        std::string_view known_lang) {
  std::unique_ptr<Enricher> e(new Enricher());
  std::string name(model.empty() ? (config ? config->sentiment.model : "default") : model);
  auto scorer = sentiment::load_scorer(name);
  if (!scorer)
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "sentiment model '" + name + "': " + scorer.error());
  e->scorer_ = std::move(*scorer);
  e->targeted_ = std::make_unique<sentiment::TargetedScorer>(*e->scorer_);
  e->known_lang_ = std::string(known_lang);
  if (known_lang.empty()) {
    auto lang = sentiment::LanguageDetector::load();
    if (!lang)
      return core::fail(core::ErrorCode::kUnavailable, "language detector: " + lang.error());
    e->language_.emplace(std::move(*lang));
  }
  for (const char* lang : {"de", "fr", "es", "pt", "it", "nl", "ja"}) {
    if (!known_lang.empty() && known_lang != lang) continue;
    auto lexicon = sentiment::make_lexicon_scorer(lang);
    if (!lexicon) return core::fail(core::ErrorCode::kUnavailable, lexicon.error());
    e->lexicons_.emplace(lang, std::move(*lexicon));
  }
  if (config) {
    e->language_policy_.default_language = config->sentiment.default_language;
    e->language_policy_.min_margin = static_cast<float>(config->sentiment.language_min_margin);
  }
  if (config && !config->entities.empty()) {
    auto linker = link::Linker::build(config->entities);
    EARSHOT_TRY(linker);
    e->linker_ = std::make_unique<link::Linker>(std::move(*linker));
  }
  if (config && !config->customers.empty()) {
    auto dir = link::CustomerDirectory::build(config->customers, io);
    EARSHOT_TRY(dir);
    e->customers_ = std::move(*dir);
  }
  return e;
}

sentiment::Sentiment Enricher::unsupported() {
  return {sentiment::Label::neutral, 0.0f, {0.0f, 1.0f, 0.0f}, "none"};
}

core::ScoredPost Enricher::enrich(core::Post post, std::string_view lang) const {
  core::ScoredPost s;
  s.post = std::move(post);
  const std::string& text = s.post.text;
  sentiment::LanguageChoice choice = choose(text, s.post.lang, lang);
  s.sentiment = score_in(choice, text);
  // The targeted rules are English; other languages give each entity the post's score.
  const bool supported = sentiment::sentiment_supported(choice.lang);
  if (choice.fallback) s.flags.push_back("lang_fallback");
  s.post.lang = std::move(choice.lang);

  if (linker_) {
    s.entities = linker_->link(s.post).entities;
    if (!s.entities.empty()) {
      std::vector<sentiment::Span> spans;
      spans.reserve(s.entities.size());
      for (const auto& m : s.entities) spans.push_back({m.begin, m.end});
      if (supported) {
        // The post's own score is one the targeted rules fall back to: hand it in.
        std::vector<sentiment::Sentiment> each = targeted_->score_all(text, spans, s.sentiment);
        for (std::size_t i = 0; i < s.entities.size(); ++i) {
          // An entity found outside the text (a mention list entry) gets the post's sentiment.
          s.entities[i].sentiment =
              s.entities[i].end > s.entities[i].begin ? std::move(each[i]) : s.sentiment;
        }
      } else {
        for (auto& m : s.entities) m.sentiment = s.sentiment;
      }
    }
  }
  if (customers_) {
    link::CustomerLookup who = customers_->lookup(s.post);
    if (who.customer) s.customer = std::move(who.customer);
    if (who.failed) s.flags.push_back("customer_lookup_failed");
  }
  s.intent = intents_.classify(text, s.sentiment);
  // Issue 14: what the reply planner's guards read. A post not everyone can see, one edited
  // since it was written (the text scored may not be what the author now says) and
  // sarcastic praise (a template thanking for "Brilliant." would read as mockery).
  if (s.post.visibility && *s.post.visibility != "public") s.flags.push_back("not_public");
  if (s.post.edited_at) s.flags.push_back("edited");
  if (supported && !s.entities.empty() && sentiment::sarcastic(text)) s.flags.push_back("sarcasm");
  return s;
}

sentiment::Sentiment Enricher::sentiment_of(const core::Post& post, std::string_view lang) const {
  return score_in(choose(post.text, post.lang, lang), post.text);  // as enrich() decides it
}

sentiment::LanguageChoice Enricher::choose(std::string_view text,
                                           const std::optional<std::string>& tag,
                                           std::string_view lang) const {
  // A language given (`earshot score --lang`): known, not detected, never a fallback.
  if (lang.empty()) lang = known_lang_;
  if (!lang.empty()) return {std::string(lang), false};
  return sentiment::choose_language(language_->guess(text), tag.value_or(""), language_policy_);
}

sentiment::Sentiment Enricher::score_in(const sentiment::LanguageChoice& choice,
                                        std::string_view text) const {
  const bool supported = sentiment::sentiment_supported(choice.lang);
  const auto lexicon = supported ? lexicons_.end() : lexicons_.find(choice.lang);
  sentiment::Sentiment out = supported                    ? scorer_->score(text)
                             : lexicon != lexicons_.end() ? lexicon->second->score(text)
                                                          : unsupported();
  // Never silent: a score made under the default language says so.
  if (choice.fallback && out.model != "none") out.model = sentiment::fallback_model_name(out.model);
  return out;
}

codec::MentionView Enricher::mention_view(const core::ScoredPost& s, std::size_t i) {
  const core::EntityMention& e = s.entities[i];
  codec::MentionView m;
  m.entity = e.id;
  m.kind = e.kind;
  m.post_uid = s.post.uid;
  m.source = s.post.source;
  m.url = s.post.url;
  m.created_at = s.post.created_at;
  m.author_id = s.post.author.id.empty() ? s.post.author.handle : s.post.author.id;
  m.text = s.post.text;
  m.sentiment = &e.sentiment;
  m.intent = s.intent;
  m.customer = &s.customer;
  m.derived = e.match == core::MatchType::derived;
  m.retract = s.post.deleted;
  return m;
}

}  // namespace earshot::pipeline::process

#include "pipeline/process/enricher.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::process {

core::Result<std::unique_ptr<Enricher>> Enricher::build(const config::Config* config,
                                                        std::string_view model,
                                                        const link::DirectoryIo& io) {
  std::unique_ptr<Enricher> e(new Enricher());
  std::string name(model.empty() ? (config ? config->sentiment.model : "default") : model);
  auto scorer = sentiment::load_scorer(name);
  if (!scorer)
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "sentiment model '" + name + "': " + scorer.error());
  e->scorer_ = std::move(*scorer);
  e->targeted_ = std::make_unique<sentiment::TargetedScorer>(*e->scorer_);
  auto lang = sentiment::LanguageDetector::load();
  if (!lang) return core::fail(core::ErrorCode::kUnavailable, "language detector: " + lang.error());
  e->language_.emplace(std::move(*lang));
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
  std::string_view detected = lang.empty() ? language_->detect(text) : lang;
  // The platform's own tag wins when the text is too short to tell.
  if (detected == "und" && s.post.lang && !s.post.lang->empty()) detected = *s.post.lang;
  s.post.lang = std::string(detected);
  const bool supported = sentiment::sentiment_supported(detected);
  s.sentiment = supported ? scorer_->score(text) : unsupported();

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
  return s;
}

sentiment::Sentiment Enricher::sentiment_of(const core::Post& post, std::string_view lang) const {
  // As enrich() decides it.
  std::string_view detected = lang.empty() ? language_->detect(post.text) : lang;
  if (detected == "und" && post.lang && !post.lang->empty()) detected = *post.lang;
  return sentiment::sentiment_supported(detected) ? scorer_->score(post.text) : unsupported();
}

void Enricher::mentions(const core::ScoredPost& s, std::vector<core::Mention>& out) const {
  for (const auto& e : s.entities) {
    core::Mention m;
    m.entity = e.id;
    m.kind = e.kind;
    m.post_uid = s.post.uid;
    m.source = s.post.source;
    m.url = s.post.url;
    m.created_at = s.post.created_at;
    m.author_id = s.post.author.id.empty() ? s.post.author.handle : s.post.author.id;
    m.text = s.post.text;
    m.sentiment = e.sentiment;
    m.intent = s.intent;
    m.customer = s.customer;
    m.derived = e.match == core::MatchType::derived;
    m.retract = s.post.deleted;
    out.push_back(std::move(m));
  }
}

}  // namespace earshot::pipeline::process

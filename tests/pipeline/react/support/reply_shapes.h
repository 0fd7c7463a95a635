// Test support (pipeline/react, also used by the sinks reply-loop tests): the shapes every reply
// test builds — the one rule "complaints", replies around one account and that rule, and an
// entity read as negative. Each test still spells out its own data (template, account, probs).
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "pipeline/config/config.h"
#include "pipeline/core/records.h"

namespace earshot::pipeline::react_testing {

// The rule "complaints": a post of intent complaint is answered with `template_text`.
inline config::ReplyRuleDef complaints_rule(std::string template_text) {
  config::ReplyRuleDef rule;
  rule.name = "complaints";
  rule.intent = core::Intent::complaint;
  rule.template_text = std::move(template_text);
  return rule;
}

// Replies in `mode` from `account` under complaints_rule(template_text), the rest default.
inline config::RepliesConfig complaint_replies(config::ReplyMode mode,
                                               config::ReplyAccountDef account,
                                               std::string template_text) {
  config::RepliesConfig replies;
  replies.mode = mode;
  replies.accounts.push_back(std::move(account));
  replies.rules.push_back(complaints_rule(std::move(template_text)));
  return replies;
}

// The default config with those replies and no per-author cooldown, so that a test may answer
// the same author more than once.
inline config::Config complaint_reply_config(config::ReplyMode mode,
                                             config::ReplyAccountDef account,
                                             std::string template_text) {
  config::Config cfg = config::default_config();
  cfg.replies.mode = mode;
  cfg.replies.author_cooldown = std::chrono::milliseconds(0);
  cfg.replies.accounts.push_back(std::move(account));
  cfg.replies.rules.push_back(complaints_rule(std::move(template_text)));
  return cfg;
}

// `entity` as a post names it, read as negative with the class probabilities `probs`.
inline core::EntityMention negative_mention(std::string entity, sentiment::Probs probs) {
  core::EntityMention m;
  m.id = std::move(entity);
  m.sentiment.label = sentiment::Label::negative;
  m.sentiment.probs = probs;
  return m;
}

}  // namespace earshot::pipeline::react_testing

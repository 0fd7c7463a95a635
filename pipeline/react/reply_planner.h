// earshot::pipeline::react — reply planning (issue 14): which scored posts deserve an answer,
// with which text, and which guard stops it.
//
// ReplyPlanner::plan() looks at one ScoredPost and returns:
//   - nothing when `replies.mode` is off, the post matches no rule (not a candidate: nothing
//     to record), or the post was planned before (one reply per post uid, ever) — except:
//   - late guards: when a later record of a planned post arrives as a tombstone (deleted)
//     or flagged `edited` (process passes an edited version on with that flag) and its
//     reply's latest known record (plan() or observe()) is planned, pending_approval or
//     approved, a copy of that record with status `blocked`, reason `deleted` / `edited`
//     and the history event {blocked, by: "planner", at: now} appended. The sender only acts
//     on approved, so it is never sent. Already sending or sent: nothing is recorded and
//     note() says so (the stage logs it). A `blocked` written while the sender is between
//     its `sending` and the platform call loses the race: the sender's `sent` follows it;
//   - otherwise a ReplyIntent, keyed by post uid on the replies topic, whose status is
//       blocked           a guard stopped it; `reason` names the guard (below);
//       planned           shadow mode: recorded to try rules on live traffic, never sent;
//       pending_approval  approval mode (the default): waits for POST .../approve;
//       approved          auto mode: the sender may send it.
//     Its history holds the first event {status, by: "planner", at: now, reason}.
//
// Rules (replies.rules, first match wins, per entity mention of the post): entity, intent,
// the entity-targeted sentiment label, customer tier, source, language, keywords. The
// template is the rule's `templates[lang]`, or `template` when the language is the fallback
// language or unknown. Placeholders: {author.name} {author.handle} {customer.name}
// {customer.tier} {customer.id} {entity} {post.url} {customer.url} {case_url} (the last two:
// the account or case link of the CRM look-up, CustomerRef::url). The author is addressed the platform's
// way ("@handle " first unless the text already names them).
//
// Guards and their reasons, checked in this order:
//   deleted | not_public (flag) | edited (flag) | own_account | other_company_account |
//   flag:bot | flag:spam | flag:near_duplicate | flag:sarcasm | too_old (replies.max_post_age)
//   | low_confidence (targeted label probability < replies.min_confidence) |
//   no_template:<lang> | placeholder:<name> (no value) | no_account (entity × platform) |
//   too_long (mastodon 500 code points, bluesky 300 graphemes: core/graphemes.h) | quiet_hours (the account's local time) |
//   author_cooldown (an author answered within replies.author_cooldown) | daily_cap (per
//   account and UTC day).
// Helpdesk cases (replies.helpdesk, config.h HelpdeskDef): plan_case() turns a planned reply
// into a second record, platform "helpdesk", id case_id_for(post uid), key
// "helpdesk:<post uid>" (core::reply_topic_key), status approved (planned in shadow mode; a
// case is internal, it needs no approval), `reason` = why a person should look ("reply
// blocked: not_public", or "complaint" with `when: all`). The sender opens it
// (sinks/helpdesk_case.h). Cases never count toward cooldowns or caps.
//
// Blocked intents count for nothing; shadow, pending and approved ones count toward the
// cooldown and the cap, and a later rejection does not give the slot back.
//
//   ReplyPlanner planner(cfg.replies);
//   for (const auto& r : replies_topic_records) planner.observe(r);   // after a restart
//   if (auto intent = planner.plan(scored, now_ms)) produce(replies_topic, intent->post_uid,
//                                                           codec::encode(*intent));
//
// Thread safety: one thread. Lifetime: a value; copies the config.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "pipeline/config/config.h"
#include "pipeline/core/records.h"

namespace earshot::pipeline::react {

// The stable reply id and idempotency key of a post (the same on every instance and run).
std::string reply_id_for(std::string_view post_uid);
std::string reply_idempotency_key(std::string_view post_uid);
// The platform's native id of a post from its uid "<source>:<origin>:<native id>".
std::string native_post_id(std::string_view post_uid);
// The stable id of the helpdesk case of a post (also its webhook-id: the helpdesk dedupes).
std::string case_id_for(std::string_view post_uid);
// Whether a guard's reason calls for a person (a case) rather than silence: not for posts
// that are not ours to answer (deleted, own/other company account, bot, spam, duplicates,
// too old).
bool case_worthy(std::string_view blocked_reason);

class ReplyPlanner {
 public:
  explicit ReplyPlanner(config::RepliesConfig cfg);

  std::optional<core::ReplyIntent> plan(const core::ScoredPost& sp, std::int64_t now_ms);
  // The helpdesk case for what plan() returned, when replies.helpdesk asks for one.
  std::optional<core::ReplyIntent> plan_case(const core::ReplyIntent& reply,
                                             std::int64_t now_ms) const;

  // Learns a reply record already on the replies topic (restarts, and the approvals and
  // sender states the stage reads while it runs): the post is not planned again, a
  // non-blocked one counts for its author's cooldown and its account's cap (at its first
  // history event's time), and its latest status is kept for late guards.
  void observe(const core::ReplyIntent& r);

  // What the last plan() call declined to record about a late edit or delete (the reply was
  // already sending or sent), one line for the log; empty otherwise.
  const std::string& note() const { return note_; }

 private:
  struct Candidate {
    const config::ReplyRuleDef* rule = nullptr;
    const core::EntityMention* mention = nullptr;
  };
  std::optional<Candidate> match(const core::ScoredPost& sp) const;
  std::string guard(const core::ScoredPost& sp, const Candidate& c, std::int64_t now_ms,
                    core::ReplyIntent& out) const;
  void count(const std::string& author, const std::string& account, std::int64_t at_ms);
  std::optional<core::ReplyIntent> late_guard(const core::ScoredPost& sp, std::int64_t now_ms);
  void track(const core::ReplyIntent& r);

  config::RepliesConfig cfg_;
  std::set<std::string> planned_;                 // post uids
  std::map<std::string, std::int64_t> answered_;  // author id -> latest planned at (ms)
  std::map<std::string, std::pair<std::int64_t, int>> daily_;  // account -> (UTC day, n)
  // post uid -> latest record of its public reply while planned..sent (not blocked,
  // rejected or failed): what a late edit or delete blocks.
  std::map<std::string, core::ReplyIntent> open_;
  std::string note_;
};

}  // namespace earshot::pipeline::react

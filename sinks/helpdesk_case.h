// earshot::sinks — opening a helpdesk case for a complaint, exactly once (issue 14).
//
// What: a case record on the replies topic (platform "helpdesk", planned by
// pipeline/react/reply_planner.h plan_case(): a complaint whose public reply a guard blocked
// for a reason a person should follow up — not public, edited, sarcasm, no template, cap...,
// or with `replies.helpdesk.when: all` every matched complaint) becomes one POST to the
// generic helpdesk webhook `replies.helpdesk.url`, signed per Standard Webhooks
// (pipeline/core/webhook_signature.h) with `replies.helpdesk.secret`:
//
//   webhook-id: <case id>   case_id_for(post uid): the same on every retry and restart, so
//                           the helpdesk dedupes a repeated delivery
//   webhook-timestamp / webhook-signature (when a secret is set)
//   {"type": "earshot.case", "case_id", "reason", "entity", "intent",
//    "post": {uid, platform, url, text, author, author_id, created_at},
//    "customer": {id, tier, name, url, source} | null,
//    "sentiment": {label, score}, "reply": {text, template, lang}}
//
// Why a sender of its own: a case is not a public reply (no approval, no thread read-back),
// but it needs the same outbox guarantee. The state machine is ReplySender's:
//   approved → `sending` published (durable) BEFORE the call → POST → `sent` with remote_id =
//   the case id the helpdesk answered ({"id"|"case_id": string|number}) and case_url
//   ({"url"|"case_url"}, http(s) only) | `failed` with the reason;
//   sending  → a crash between call and commit: POST again with the same webhook-id.
// Answers: 2xx → sent; 3xx (the client follows no cross-host redirect; a POST is not
// redirected) → failed "helpdesk 3xx: redirect not followed"; other 4xx → failed
// "helpdesk <status>: <error>"; 429, 5xx, transport errors → retry after Retry-After or an
// exponential backoff (1 s … 5 min); after max_attempts → failed. The outbound policy
// (outbound.allow_private, DNS re-check) is the injected client's.
//
//   HelpdeskCaseSender cases(cfg.replies.helpdesk, http, publish);
//   auto step = cases.handle(latest_case_record, now_ms);
//   if (step && step->retry) schedule(step->retry_after);
//
// Thread safety: as ReplySender (one thread per case at a time). Lifetime: the client is
// shared; the publisher must outlive the sender.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "pipeline/config/config.h"
#include "pipeline/core/http_client.h"
#include "pipeline/core/records.h"
#include "pipeline/core/status.h"
#include "sinks/reply_sender.h"

namespace earshot::sinks {

// The JSON body of a case (above).
std::string helpdesk_case_body(const pipeline::core::ReplyIntent& c);

class HelpdeskCaseSender {
 public:
  using Publisher = ReplySender::Publisher;
  using Step = ReplySender::Step;

  HelpdeskCaseSender(pipeline::config::HelpdeskDef def,
                     std::shared_ptr<pipeline::core::HttpClient> http, Publisher publish,
                     std::string by = "sender");

  // A publisher error is returned as is (nothing was called after it).
  pipeline::core::Result<Step> handle(const pipeline::core::ReplyIntent& latest,
                                      std::int64_t now_ms);

 private:
  pipeline::core::Result<Step> finish(pipeline::core::ReplyIntent c, std::int64_t now_ms,
                                      pipeline::core::ReplyStatus status, std::string reason);

  pipeline::config::HelpdeskDef def_;
  std::shared_ptr<pipeline::core::HttpClient> http_;
  Publisher publish_;
  std::string by_;
  std::mutex mu_;
  std::map<std::string, int> attempts_;  // case id -> calls so far (this process)
};

}  // namespace earshot::sinks

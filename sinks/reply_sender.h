// earshot::sinks — sending approved replies to the platform, exactly once (issue 14).
//
// ReplySender is the outbox state machine of one reply. Given the latest record of a reply
// (from the replies topic) it:
//   approved  → publishes `sending` (with the idempotency key; the publisher returns once
//               the record is durable) BEFORE the platform call, then calls the platform,
//               then publishes `sent` (with the platform's id) or `failed` (with the reason);
//   sending   → a crash came between the call and the commit (or a retry is due): when the
//               `sending` record is younger than idempotency_window (Mastodon keeps an
//               Idempotency-Key about an hour), it calls again with the same key, so the
//               server answers with the reply it already made; when older, it first reads
//               the thread (GET /api/v1/statuses/:id/context) for a reply from our account
//               to that post and, when there is one, publishes `sent` without calling;
//   anything else → nothing.
// Platform answers: 2xx → sent; 4xx other than 429 (422, 403, 404 deleted, ...) → failed,
// reason "mastodon <status>: <error>"; 429, 5xx and transport errors → Step::retry with
// the delay (Retry-After when given, else exponential backoff from 1s to 5 min) — the
// record stays `sending`; after max_attempts tries → failed. Tokens go in the Authorization
// header only and never into a reason or a record.
//
// Platforms: mastodon (POST {instance}/api/v1/statuses with in_reply_to_id, visibility and
// Idempotency-Key); bluesky (com.atproto.repo.createRecord under a record key derived from
// the reply, read back with getRecord when a create is refused or a `sending` is resumed:
// bluesky_reply.h). Other platforms end `failed` with reason "<platform>: sender not
// implemented" (visible in the API) rather than silently waiting.
//
//   ReplySender sender(cfg.replies.accounts, http, [&](const core::ReplyIntent& r) {
//     return produce_and_flush(replies_topic, r.post_uid, codec::encode(r)); });
//   auto step = sender.handle(latest_state_of_reply, now_ms);
//   if (step && step->retry) schedule(step->retry_after);
//
// Thread safety: handle() of different replies may run on different threads; the same
// reply must be handled by one thread at a time (the replies topic partition's owner).
// Lifetime: the http client is shared; the publisher must outlive the sender.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/core/http_client.h"
#include "pipeline/core/records.h"
#include "pipeline/core/status.h"
#include "sinks/bluesky_reply.h"

namespace earshot::sinks {

struct ReplySenderOptions {
  std::chrono::milliseconds idempotency_window{55 * 60'000};  // under Mastodon's ~1h
  std::chrono::milliseconds request_timeout{10'000};
  int max_attempts = 8;
  std::string visibility = "public";
  std::string by = "sender";  // the audit name of this process
};

class ReplySender {
 public:
  using Publisher = std::function<pipeline::core::Status(const pipeline::core::ReplyIntent&)>;
  struct Step {
    pipeline::core::ReplyStatus status;  // the reply's state after this step
    bool retry = false;                  // call handle() again after retry_after
    std::chrono::milliseconds retry_after{0};
  };

  ReplySender(std::vector<pipeline::config::ReplyAccountDef> accounts,
              std::shared_ptr<pipeline::core::HttpClient> http, Publisher publish,
              ReplySenderOptions options = {});

  // A publisher error is returned as is (nothing was called after it).
  pipeline::core::Result<Step> handle(const pipeline::core::ReplyIntent& latest,
                                      std::int64_t now_ms);

 private:
  struct Outcome {
    enum Kind { sent, failed, retry } kind = retry;
    std::string remote_id;
    std::string reason;
    std::chrono::milliseconds retry_after{0};
  };
  const pipeline::config::ReplyAccountDef* account_for(const pipeline::core::ReplyIntent& r) const;
  Outcome call_mastodon(const pipeline::config::ReplyAccountDef& acc,
                        const pipeline::core::ReplyIntent& r, int attempt);
  pipeline::core::Result<std::optional<std::string>> find_in_thread(
      const pipeline::config::ReplyAccountDef& acc, const pipeline::core::ReplyIntent& r);
  pipeline::core::Result<Step> finish(pipeline::core::ReplyIntent r, std::int64_t now_ms,
                                      const Outcome& o);
  // A retry outcome of call `attempt`: retry later, or failed after max_attempts.
  pipeline::core::Result<Step> conclude(const pipeline::core::ReplyIntent& r, std::int64_t now_ms,
                                        int attempt, Outcome o);
  int next_attempt(const std::string& reply_id);

  std::vector<pipeline::config::ReplyAccountDef> accounts_;
  std::shared_ptr<pipeline::core::HttpClient> http_;
  Publisher publish_;
  ReplySenderOptions options_;
  std::mutex mu_;
  std::map<std::string, int> attempts_;  // reply id -> calls so far (this process)
  std::unique_ptr<BlueskyReplier> bluesky_;
};

}  // namespace earshot::sinks

// earshot::sinks — one reply on Bluesky (issue 14), the platform half of ReplySender.
//
// A reply is a record the account writes into its own repository on its PDS:
//   POST {service}/xrpc/com.atproto.repo.createRecord
//     {repo: <did>, collection: app.bsky.feed.post, rkey: <deterministic>, record: {$type,
//      text, createdAt, langs, reply: {root, parent}, facets: [mention of the author]}}
// with `Authorization: Bearer <accessJwt>`. Why it is sent exactly once:
//   - the record key is derived from the reply (bluesky_rkey(): a TID whose time is the
//     reply's first `sending` record and whose low bits come from the idempotency key), so
//     every attempt, on every restart and instance, writes the same key — and a PDS refuses
//     a second create of an existing key (400 InvalidRequest, or a 500 on older servers);
//   - any answer but 2xx, 401/ExpiredToken and 429 is followed by a read-back
//     (com.atproto.repo.getRecord on that key): a record that is there and answers our
//     parent means "already sent" (sent, its at-uri the remote id) without a second create;
//   - a `sending` left by a crash or a retry is settled the same way first: getRecord, then
//     create only when the record is not there (no time window, unlike Mastodon's keys).
// A record under our key that answers another post is never overwritten: failed, reason
// "record key collision". Answers: 2xx → sent; 429 → retry after Retry-After (seconds) or
// RateLimit-Reset (epoch seconds), else backoff; 5xx and transport errors → retry; other
// 4xx → failed, reason "bluesky <status>: <error>: <message>". 401 or ExpiredToken/
// InvalidToken renew the session once (com.atproto.server.refreshSession, else a new
// createSession) and call again.
//
// Sessions: an account with `app_password` logs in with com.atproto.server.createSession
// {identifier: handle or did, password} → accessJwt, refreshJwt, did; one session per account,
// kept in memory. An account with `token` (and `did`) uses it as the bearer. Secrets go in
// request bodies and Authorization headers only; a reason that would contain one has it
// replaced by "***".
//
// The text: at most 300 graphemes (core/graphemes.h), else failed before any call. The author
// is addressed the Bluesky way: the first "@<handle>" of the text (the planner starts the
// reply with it) gets a mention facet {index: {byteStart, byteEnd} over the UTF-8 bytes,
// features: [{$type: app.bsky.richtext.facet#mention, did: <author's DID>}]}.
//
//   BlueskyReplier bsky(http, 10s);
//   ReplyAttempt a = bsky.reply(account, intent, attempt, /*resume=*/was_sending, now_ms);
//
// Thread safety: reply() may run on many threads at once (sessions are behind a mutex).
// Lifetime: the http client is shared.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/config/config.h"
#include "pipeline/core/http_client.h"
#include "pipeline/core/records.h"

namespace earshot::sinks {

// What one attempt came to.
struct ReplyAttempt {
  enum Kind { sent, failed, retry } kind = retry;
  std::string remote_id;  // sent: the platform's id (Bluesky: the reply's at-uri)
  std::string reason;     // failed / retry: why
  std::chrono::milliseconds retry_after{0};
};

// The record key of a reply: a TID (13 characters of base32-sortable, atproto's record-key
// syntax) of (at_ms, microseconds and clock id from the idempotency key's SHA-256).
std::string bluesky_rkey(std::string_view idempotency_key, std::int64_t at_ms);
// atproto syntax checks: TID, and record key (1-512 of A-Za-z0-9 . - _ : ~, not "." or "..").
bool valid_tid(std::string_view s);
bool valid_record_key(std::string_view s);

// The mention facet for "@<handle>" in `text` (first match, ASCII case-insensitive, ending at
// a non-handle character): byte offsets over UTF-8. nullopt when the text does not name them.
struct MentionFacet {
  std::size_t byte_start = 0;
  std::size_t byte_end = 0;
};
std::optional<MentionFacet> find_mention(std::string_view text, std::string_view handle);

class BlueskyReplier {
 public:
  BlueskyReplier(std::shared_ptr<pipeline::core::HttpClient> http,
                 std::chrono::milliseconds request_timeout);

  // One attempt (attempt = calls so far, for the backoff). `resume`: the reply was already
  // `sending` before this call (a crash or a retry): read the record back first.
  ReplyAttempt reply(const pipeline::config::ReplyAccountDef& acc,
                     const pipeline::core::ReplyIntent& r, int attempt, bool resume,
                     std::int64_t now_ms);

 private:
  struct Session {
    std::string access;
    std::string refresh;
    std::string did;
  };
  struct Call;
  std::optional<ReplyAttempt> session(const pipeline::config::ReplyAccountDef& acc, bool renew,
                                      int attempt, std::int64_t now_ms, Session* out);
  pipeline::core::Result<pipeline::core::HttpResponse> send(pipeline::core::HttpRequest req);

  std::shared_ptr<pipeline::core::HttpClient> http_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_;  // by service|identifier
};

}  // namespace earshot::sinks

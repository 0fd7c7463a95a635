// earshot::ingest — Standard Webhooks (standardwebhooks.com) signatures, as DESIGN.md §5.
//
// A request carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>`,
// possibly several space-separated signatures (key rotation); any v1 match passes. The key
// is the secret's bytes, or the base64-decoded part after `whsec_`. Signatures are compared
// in constant time; a timestamp more than `tolerance` away from now is refused. ReplayGuard
// remembers accepted ids for the tolerance window so a replayed request is taken once.
//
//   auto key = decode_webhook_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
//   WebhookVerdict v = verify_webhook(*key, id, ts, sig, body, now_s);
//   if (v == WebhookVerdict::ok && guard.first_time(id, now_s)) take(body);
//   webhook_signature(*key, id, ts, body);   // "v1,..." (for senders and tests)
//
// Thread safety: functions are pure; ReplayGuard is internally locked.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pipeline/core/status.h"

namespace earshot::ingest {

enum class WebhookVerdict { ok, missing_headers, bad_timestamp, stale, bad_signature };
std::string_view to_string(WebhookVerdict v);

// The HMAC key of a configured secret; error when a whsec_ secret is not base64 or empty.
pipeline::core::Result<std::string> decode_webhook_secret(std::string_view secret);

std::string webhook_signature(std::string_view key, std::string_view id,
                              std::string_view timestamp, std::string_view body);

WebhookVerdict verify_webhook(std::string_view key, std::string_view id,
                              std::string_view timestamp, std::string_view signature_header,
                              std::string_view body, std::int64_t now_s,
                              std::chrono::seconds tolerance = std::chrono::seconds(300));

class ReplayGuard {
 public:
  explicit ReplayGuard(std::chrono::seconds window = std::chrono::seconds(300),
                       std::size_t max_ids = 1'000'000);
  // True the first time `id` is seen inside the window (and records it).
  bool first_time(std::string_view id, std::int64_t now_s);
  // Undoes first_time() for a request that was not taken after all.
  void forget(std::string_view id);

 private:
  std::int64_t window_;
  std::size_t max_ids_;
  std::mutex mu_;
  std::unordered_map<std::string, std::int64_t> seen_;
  std::deque<std::pair<std::int64_t, std::string>> order_;
};

}  // namespace earshot::ingest

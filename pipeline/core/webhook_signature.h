// earshot::pipeline::core — Standard Webhooks (standardwebhooks.com) signatures, both ways
// (DESIGN.md §5): the sinks sign the alerts they send, the webhook source verifies the
// posts it receives, with these same functions.
//
// A request carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>`,
// possibly several space-separated signatures (key rotation); any v1 match passes.
// Signatures are compared in constant time (CRYPTO_memcmp); a timestamp more than
// `tolerance` away from now is refused. (Taking a replayed id once is the webhook source's
// job: it keeps the ids it committed in its cursor, ingest/webhook_source.h.)
//
// The key of a configured secret (one rule for senders and receivers):
//   "whsec_<base64>"  the base64-decoded bytes (standard alphabet; padding optional, as
//                     Standard Webhooks secrets are often written without it)
//   anything else     the secret's bytes as written
// An empty secret, or a whsec_ secret whose rest is not base64 or decodes to nothing, is an
// error (kInvalidArgument).
//
//   auto key = decode_webhook_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
//   std::string sig = webhook_signature(*key, id, ts, body);        // sender: "v1,..."
//   WebhookVerdict v = verify_webhook(*key, id, ts, sig_header, body, now_s);   // receiver
//   if (v == WebhookVerdict::ok && guard.first_time(id, now_s)) take(body);
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

enum class WebhookVerdict { ok, missing_headers, bad_timestamp, stale, bad_signature };
std::string_view to_string(WebhookVerdict v);

// The HMAC key of a configured secret (the rule above).
Result<std::string> decode_webhook_secret(std::string_view secret);

// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
std::string webhook_signature(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view body);

WebhookVerdict verify_webhook(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view signature_header, std::string_view body,
                              std::int64_t now_s,
                              std::chrono::seconds tolerance = std::chrono::seconds(300));

}  // namespace earshot::pipeline::core

// earshot::pipeline::core — Standard Webhooks (standardwebhooks.com) signatures, both ways
// (DESIGN.md §5): the sinks sign the alerts they send, the webhook source verifies the
// posts it receives, with these same functions.
//
// A request carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>`,
// possibly several space-separated signatures (key rotation); any v1 match passes.
// Signatures are compared in constant time (CRYPTO_memcmp); a timestamp more than
// `tolerance` away from now is refused. A timestamp is 1 to 12 decimal digits, at most
// kMaxWebhookTimestamp (year 9999): no sign, no overflow — anything else is bad_timestamp, so
// the window check never wraps (a timestamp of -2^63 once passed it). (Taking a replayed id once is
// the webhook source's job: it keeps the ids it committed in its cursor, ingest/webhook_source.h.)
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
#include <optional>
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

// The shortest key (after decoding) the webhook source accepts: a short secret is guessable,
// so the config loader and WebhookSource::start refuse it (issue 16 item 5).
inline constexpr std::size_t kMinWebhookKeyBytes = 16;

// 9999-12-31T23:59:59Z, the latest webhook-timestamp taken.
inline constexpr std::int64_t kMaxWebhookTimestamp = 253402300799;

// Unix seconds of a webhook-timestamp header; nullopt unless 1-12 digits and ≤ the maximum.
std::optional<std::int64_t> parse_webhook_timestamp(std::string_view text);

// |now_s - ts| <= tolerance, without overflow; false for values outside [0, the maximum].
bool within_tolerance(std::int64_t ts, std::int64_t now_s, std::chrono::seconds tolerance);

WebhookVerdict verify_webhook(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view signature_header, std::string_view body,
                              std::int64_t now_s,
                              std::chrono::seconds tolerance = std::chrono::seconds(300));

}  // namespace earshot::pipeline::core

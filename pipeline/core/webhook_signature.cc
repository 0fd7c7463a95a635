#include "pipeline/core/webhook_signature.h"

#include <charconv>

#include "pipeline/core/base64.h"
#include "pipeline/core/crypto.h"

namespace earshot::pipeline::core {

std::string_view to_string(WebhookVerdict v) {
  switch (v) {
    case WebhookVerdict::ok:
      return "ok";
    case WebhookVerdict::missing_headers:
      return "missing webhook-id, webhook-timestamp or webhook-signature";
    case WebhookVerdict::bad_timestamp:
      return "webhook-timestamp: not Unix seconds";
    case WebhookVerdict::stale:
      return "webhook-timestamp: outside the tolerance window";
    case WebhookVerdict::bad_signature:
      return "webhook-signature: no matching v1 signature";
  }
  return "unknown";
}

Result<std::string> decode_webhook_secret(std::string_view secret) {
  if (secret.empty()) return fail(ErrorCode::kInvalidArgument, "secret: empty");
  if (!secret.starts_with("whsec_")) return std::string(secret);
  // Standard Webhooks secrets are padded base64; accept them unpadded too.
  std::string text(secret.substr(6));
  if (text.size() % 4 == 2 || text.size() % 4 == 3) text.append(4 - text.size() % 4, '=');
  auto key = base64_decode(text);
  if (!key || key->empty())
    return fail(ErrorCode::kInvalidArgument, "secret: the part after whsec_ is not base64");
  return *key;
}

std::string webhook_signature(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view body) {
  std::string payload;
  payload.reserve(id.size() + timestamp.size() + body.size() + 2);
  payload.append(id).append(".").append(timestamp).append(".").append(body);
  return "v1," + base64_encode(hmac_sha256(key, payload));
}

WebhookVerdict verify_webhook(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view signature_header, std::string_view body,
                              std::int64_t now_s, std::chrono::seconds tolerance) {
  if (id.empty() || timestamp.empty() || signature_header.empty())
    return WebhookVerdict::missing_headers;
  std::int64_t ts = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size())
    return WebhookVerdict::bad_timestamp;
  std::int64_t skew = now_s > ts ? now_s - ts : ts - now_s;
  if (skew > tolerance.count()) return WebhookVerdict::stale;
  std::string expected = webhook_signature(key, id, timestamp, body);
  bool match = false;
  std::string_view rest = signature_header;
  while (!rest.empty()) {
    std::size_t sp = rest.find(' ');
    std::string_view one = rest.substr(0, sp);
    if (one.starts_with("v1,")) match |= constant_time_equal(one, expected);
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
  }
  return match ? WebhookVerdict::ok : WebhookVerdict::bad_signature;
}

}  // namespace earshot::pipeline::core

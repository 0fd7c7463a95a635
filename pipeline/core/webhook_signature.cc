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

std::optional<std::int64_t> parse_webhook_timestamp(std::string_view text) {
  // Digits only (no sign, no spaces), at most 12 of them: no overflow while parsing.
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  std::int64_t ts = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ts);
  if (ec != std::errc() || end != text.data() + text.size() || ts > kMaxWebhookTimestamp)
    return std::nullopt;
  return ts;
}

bool within_tolerance(std::int64_t ts, std::int64_t now_s, std::chrono::seconds tolerance) {
  if (ts < 0 || ts > kMaxWebhookTimestamp || tolerance.count() < 0) return false;
  // Both sides in [0, kMaxWebhookTimestamp]: the difference cannot overflow. A clock outside
  // that range accepts nothing.
  if (now_s < 0 || now_s > kMaxWebhookTimestamp) return false;
  const std::int64_t skew = now_s > ts ? now_s - ts : ts - now_s;
  return skew <= tolerance.count();
}

WebhookVerdict verify_webhook(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view signature_header, std::string_view body,
                              std::int64_t now_s, std::chrono::seconds tolerance) {
  if (id.empty() || timestamp.empty() || signature_header.empty())
    return WebhookVerdict::missing_headers;
  auto ts = parse_webhook_timestamp(timestamp);
  if (!ts) return WebhookVerdict::bad_timestamp;
  if (!within_tolerance(*ts, now_s, tolerance)) return WebhookVerdict::stale;
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

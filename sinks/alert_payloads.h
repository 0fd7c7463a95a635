// earshot::sinks — what each receiver is sent for an Alert: Slack, PagerDuty, signed webhook.
//
// - Slack incoming webhook: a Block Kit message (header, observed/baseline/window fields,
//   one section per evidence post with its link, a context line with id and dedup key, an
//   "Open in earshot" button to Alert::link when set) and a plain `text` fallback (with the link).
// - PagerDuty Events API v2: {routing_key, event_action: trigger|resolve, dedup_key,
//   payload {summary, source, severity, timestamp, component, group, class, custom_details
//   (observed, baseline, window, alert id, evidence, dashboard)}, links (the dashboard link
//   first, then the evidence URLs)}.
// - Generic webhook: the Alert JSON (json_codec.h; "link" = the dashboard view), signed per
//   Standard Webhooks (DESIGN.md §5): webhook-id = alert id (stable across retries and
//   re-deliveries, the receiver's idempotency key), webhook-timestamp = Unix seconds of the
//   attempt, webhook-signature =
//   "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)), by
//   pipeline/core/webhook_signature.h — the same code and secret rule ("whsec_<base64>",
//   padded or not, decoded; any other secret as raw bytes) the webhook source verifies with.
//
//   pipeline::core::HttpRequest r = build_request(sink_def, alert, now_unix_s);   // POST: url,
//   headers, body
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/config/config.h"
#include "pipeline/core/http_client.h"
#include "pipeline/core/records.h"

namespace earshot::sinks {

// `channel` (SinkDef::channel): posted there instead of the webhook's own channel when set.
std::string slack_body(const pipeline::core::Alert& alert, const std::string& channel = "");
std::string pagerduty_body(const pipeline::core::Alert& alert, const std::string& routing_key);

// The request a sink of type webhook, slack or pagerduty sends for `alert` at `now_s`.
// Errors: kInvalidArgument for a sink type that does not speak HTTP or a bad whsec_ secret.
pipeline::core::Result<pipeline::core::HttpRequest> build_request(
    const pipeline::config::SinkDef& sink, const pipeline::core::Alert& alert, std::int64_t now_s);

// Severity order for SinkDef::min_severity: info < warning < critical (unknown = info).
int severity_rank(std::string_view severity);

}  // namespace earshot::sinks

#include "sinks/alert_payloads.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "pipeline/codec/json_writer.h"
#include "pipeline/core/webhook_signature.h"

namespace earshot::sinks {

using nlohmann::json;
using pipeline::core::ErrorCode;
using pipeline::core::fail;

namespace {

// nlohmann refuses invalid UTF-8 at dump(); repair every string first.
std::string u8(std::string_view s) { return pipeline::codec::utf8_repair(s); }

std::string mrkdwn_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out.push_back(c);
  }
  return out;
}

std::string clip(std::string_view s, std::size_t n) {
  if (s.size() <= n) return std::string(s);
  std::size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(s.substr(0, cut)) + "…";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

json evidence_json(const pipeline::core::Alert& a) {
  json ev = json::array();
  for (const auto& p : a.evidence) {
    ev.push_back({{"uid", u8(p.uid)},
                  {"url", u8(p.url)},
                  {"text", u8(clip(p.text, 500))},
                  {"score", p.score}});
  }
  return ev;
}

}  // namespace

int severity_rank(std::string_view s) {
  if (s == "critical") return 2;
  if (s == "warning") return 1;
  return 0;
}

std::string slack_body(const pipeline::core::Alert& a, const std::string& channel) {
  const bool resolved = a.status == "resolve";
  std::string icon = resolved                   ? ":white_check_mark:"
                     : a.severity == "critical" ? ":rotating_light:"
                                                : ":warning:";
  json blocks = json::array();
  blocks.push_back(
      {{"type", "header"},
       {"text",
        {{"type", "plain_text"},
         {"emoji", true},
         {"text", u8(clip((resolved ? "Resolved: " : "") + a.rule + " · " + a.entity, 140))}}}});
  blocks.push_back(
      {{"type", "section"},
       {"text",
        {{"type", "mrkdwn"}, {"text", u8(icon + " " + mrkdwn_escape(clip(a.summary, 2500)))}}},
       {"fields", json::array({
                      {{"type", "mrkdwn"}, {"text", "*Observed*\n" + number(a.observed)}},
                      {{"type", "mrkdwn"}, {"text", "*Baseline*\n" + number(a.baseline)}},
                      {{"type", "mrkdwn"}, {"text", "*Severity*\n" + u8(a.severity)}},
                      {{"type", "mrkdwn"},
                       {"text", u8("*Window*\n" + a.window_start + " – " + a.window_end)}},
                  })}});
  if (!a.link.empty()) {  // the dashboard view of the window (alert_messages.dashboard_url)
    blocks.push_back(
        {{"type", "actions"},
         {"elements", json::array({{{"type", "button"},
                                    {"text", {{"type", "plain_text"}, {"text", "Open in earshot"}}},
                                    {"url", u8(a.link)}}})}});
  }
  if (!a.evidence.empty()) blocks.push_back({{"type", "divider"}});
  for (const auto& p : a.evidence) {
    std::string link = mrkdwn_escape(p.uid);
    if (!p.url.empty())
      link = std::string("<").append(mrkdwn_escape(p.url)).append("|").append(link).append(">");
    blocks.push_back({{"type", "section"},
                      {"text",
                       {{"type", "mrkdwn"},
                        {"text", u8(link + " (score " + number(p.score) + ")\n>" +
                                    mrkdwn_escape(clip(p.text, 400)))}}}});
  }
  blocks.push_back(
      {{"type", "context"},
       {"elements", json::array({{{"type", "mrkdwn"},
                                  {"text", u8("earshot alert `" + a.id + "` · dedup `" +
                                              a.dedup_key + "`")}}})}});
  json body{{"text", u8(icon + " " + clip(a.summary, 2500) +
                        (a.link.empty() ? "" : " " + a.link))},
            {"blocks", blocks}};
  if (!channel.empty()) body["channel"] = u8(channel);
  return body.dump();
}

std::string pagerduty_body(const pipeline::core::Alert& a, const std::string& routing_key) {
  json body{{"routing_key", routing_key},
            {"event_action", a.status == "resolve" ? "resolve" : "trigger"},
            {"dedup_key", u8(a.dedup_key)}};
  if (a.status != "resolve") {
    std::string sev = a.severity == "critical" || a.severity == "warning" || a.severity == "info"
                          ? a.severity
                          : "error";
    body["payload"] = {{"summary", u8(clip(a.summary, 1000))},
                       {"source", u8("earshot:" + a.entity)},
                       {"severity", sev},
                       {"timestamp", u8(a.created_at)},
                       {"component", u8(a.entity)},
                       {"group", u8(a.rule)},
                       {"class", "sentiment"},
                       {"custom_details",
                        {{"alert_id", u8(a.id)},
                         {"observed", a.observed},
                         {"baseline", a.baseline},
                         {"window_start", u8(a.window_start)},
                         {"window_end", u8(a.window_end)},
                         {"evidence", evidence_json(a)}}}};
    json links = json::array();
    if (!a.link.empty()) {
      links.push_back({{"href", u8(a.link)}, {"text", "Open the spike in the earshot dashboard"}});
      body["payload"]["custom_details"]["dashboard"] = u8(a.link);
    }
    for (const auto& p : a.evidence) {
      if (!p.url.empty()) links.push_back({{"href", u8(p.url)}, {"text", u8(clip(p.text, 100))}});
    }
    body["links"] = links;
  }
  return body.dump();
}

pipeline::core::Result<pipeline::core::HttpRequest> build_request(
    const pipeline::config::SinkDef& sink, const pipeline::core::Alert& a, std::int64_t now_s) {
  pipeline::core::HttpRequest r;
  r.method = "POST";
  r.url = sink.url;
  r.timeout = sink.timeout;
  r.headers.emplace_back("Content-Type", "application/json");
  if (sink.type == "slack") {
    r.body = slack_body(a, sink.channel);
  } else if (sink.type == "pagerduty") {
    r.body = pagerduty_body(a, sink.routing_key);
  } else if (sink.type == "webhook") {
    r.body = pipeline::codec::encode(a);
    const std::string ts = std::to_string(now_s);
    r.headers.emplace_back("webhook-id", a.id);
    r.headers.emplace_back("webhook-timestamp", ts);
    if (!sink.secret.empty()) {
      auto key = pipeline::core::decode_webhook_secret(sink.secret);
      if (!key) return fail(key.error().code, "sink " + sink.name + ": " + key.error().message);
      r.headers.emplace_back("webhook-signature",
                             pipeline::core::webhook_signature(*key, a.id, ts, r.body));
    }
    for (const auto& [k, v] : sink.headers) r.headers.emplace_back(k, v);
  } else {
    return fail(ErrorCode::kInvalidArgument,
                "sink " + sink.name + ": type " + sink.type + " does not send HTTP");
  }
  return r;
}

}  // namespace earshot::sinks

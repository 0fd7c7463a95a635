#include "pipeline/config/config_schema.h"

#include <algorithm>
#include <regex>
#include <set>

#include "pipeline/config/config.h"

namespace earshot::pipeline::config {
namespace {

// Every section, and one item of every source type, customer directory type, alert kind
// and sink type, so that the loader asks for every key it knows. Its values are the
// reference's examples.
constexpr std::string_view kReferenceConfig = R"(
log:
  kind: kafka
  brokers: 127.0.0.1:9092
  path: ./earshot.db
  properties: {security.protocol: SASL_SSL}
  partitions: 6
  replication_factor: 3
  group: earshot
  topics: {posts: earshot.posts, scored: earshot.scored, mentions: earshot.mentions,
           deadletter: earshot.deadletter, aggregates: earshot.aggregates,
           alerts: earshot.alerts, replies: earshot.replies}
sources:
  - {type: mastodon, instance: https://mastodon.example, timeline: public, name: masto}
  - {type: jetstream, url: wss://jetstream.example/subscribe}
  - {type: reddit, subreddit: travel}
  - {type: hackernews, url: https://hn.example/v0}
  - {type: rss, url: https://example.com/feed.xml}
  - {type: atom, url: https://example.com/atom.xml}
  - {type: webhook, listen: 127.0.0.1:8081, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
  - {type: file, path: posts.jsonl}
entities:
  - id: acme-air
    name: Acme Air
    kind: company
    aliases: ["Acme Air", "AcmeAir"]
    handles: ["@acmeair", "acmeair.bsky.social"]
    hashtags: ["#acmeair"]
    domains: ["acmeair.example"]
    require_any: []
    exclude: []
  - {id: acme-air-app, name: Acme Air app, kind: product, parent: acme-air}
customers:
  - {type: csv, path: customers.csv}
  - {type: jsonl, path: customers.jsonl}
  - {type: http, url: "https://crm.example/lookup?handle={handle}", headers: {Authorization: "Bearer x"}}
  - {type: kafka, topic: earshot.customers}
sentiment: {model: default}
alerts:
  - {name: negative-spike, kind: spike, entity: "*", label: negative, window: 1m,
     min_volume: 20, sensitivity: 3.0, cooldown: 10m, severity: warning}
  - {name: negative-share, kind: threshold, entity: acme-air, label: negative, window: 5m,
     threshold: 0.5, min_volume: 20, severity: warning}
  - {name: vip-negative, kind: customer, tiers: [vip], label: negative, severity: critical}
  - {name: outage-words, kind: keyword, pattern: '(?i)\b(outage|down)\b', entity: "*",
     min_count: 5, window: 1m, severity: warning}
  - {name: complaint-wave, kind: intent, intent: complaint, entity: acme-air, min_count: 15,
     window: 5m, severity: info}
sinks:
  - {type: webhook, url: "https://hooks.example/earshot", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
  - {type: slack, url: "https://hooks.slack.example/services/T0/B0/X"}
  - {type: pagerduty, routing_key: R0123456789abcdef0123456789abcdef}
  - {type: kafka}
replies:
  mode: approval
  accounts:
    - {entity: acme-air, platform: mastodon, instance: "https://mastodon.example", token: t0123456789abcdef}
    - {entity: acme-air, platform: bluesky, service: "https://bsky.example", handle: acme.bsky.example,
       app_password: abcd-efgh-ijkl-mnop}
  rules:
    - {name: complaints, when: {intent: complaint, label: negative},
       template: "Hi {author.name}, sorry about this: {case_url}"}
  author_cooldown: 24h
  daily_cap: 200
  helpdesk: {url: "https://helpdesk.example/earshot/cases", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,
             when: blocked}
api: {listen: 127.0.0.1:8080,
      tokens: ["0123456789abcdef0123", {token: "fedcba9876543210fedc", owner: wallboard, scope: read}]}
metrics: {listen: 127.0.0.1:9464}
process: {threads: 0, batch_size: 500}
windows: {sizes: [1m, 1h], allowed_lateness: 30s}
alert_messages: {time_zone: Europe/Berlin, dashboard_url: "https://earshot.example.com"}
)";

// Table-safe text: no newlines, no column breaks.
std::string flat(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else if (c == '`')
      out += "'";
    else
      out += c;
  }
  return out;
}

std::string cell(std::string_view s) { return s.empty() ? "" : "`" + flat(s) + "`"; }

bool has_children(const std::vector<SchemaKey>& keys, const std::string& path) {
  return std::any_of(keys.begin(), keys.end(), [&](const SchemaKey& k) {
    return k.path.size() > path.size() && k.path.compare(0, path.size(), path) == 0 &&
           (k.path[path.size()] == '.' || k.path[path.size()] == '[');
  });
}

}  // namespace

void SchemaRecorder::note(std::string_view path, std::string_view variant, std::string_view type,
                          std::string_view default_value, std::string_view example) {
  static const std::regex kIndex("\\[[0-9]+\\]");
  std::string key = std::regex_replace(std::string(path), kIndex, "[]");
  auto it =
      std::find_if(keys_.begin(), keys_.end(), [&](const SchemaKey& k) { return k.path == key; });
  if (it == keys_.end()) {
    keys_.push_back({key, std::string(type), {}, {}, std::string(example)});
    it = keys_.end() - 1;
  }
  if (it->example.empty()) it->example = std::string(example);
  if (!variant.empty() &&
      std::find(it->variants.begin(), it->variants.end(), variant) == it->variants.end()) {
    it->variants.emplace_back(variant);
  }
  it->defaults.emplace(std::string(variant), std::string(default_value));
}

std::string config_reference_markdown() {
  SchemaRecorder schema;
  // The result does not matter here (a reference config naming files that do not exist is
  // still walked key by key); only what the loader asked for.
  (void)parse_config(kReferenceConfig, "reference.yaml", "", &schema);

  std::string out =
      "# Configuration reference\n\n"
      "Every key `earshot` reads from its YAML config, with its type, its default and an "
      "example.\nGenerated from the loader itself by `earshot config-reference` "
      "(`pipeline/config/config_schema.h`);\ndo not edit by hand — `tests/pipeline/config` fails "
      "when this file and the loader disagree.\nValue syntax (durations, byte sizes, `${ENV}`) "
      "and what each key does: `pipeline/config/README.md`.\n";
  std::string section;
  for (const SchemaKey& k : schema.keys()) {
    std::string top = k.path.substr(0, k.path.find_first_of(".["));
    if (k.path == top) continue;  // a section; its keys follow
    std::string type = k.type;
    if (type == "value" && has_children(schema.keys(), k.path)) {
      if (k.example.empty() || (k.example[0] != '[' && k.example[0] != '-')) continue;
      type = "list (of the items below)";
    }
    if (top != section) {
      section = top;
      out +=
          "\n## `" + top + "`\n\n| key | type | default | for | example |\n|---|---|---|---|---|\n";
    }
    // Defaults: one value, or one per variant where they differ.
    std::string dflt;
    std::set<std::string> distinct;
    for (const auto& [v, d] : k.defaults) distinct.insert(d);
    if (distinct.size() == 1) {
      dflt = cell(*distinct.begin());
    } else {
      for (const auto& [v, d] : k.defaults) {
        if (d.empty()) continue;
        dflt += (dflt.empty() ? "" : ", ") + cell(d) + (v.empty() ? "" : " (" + v + ")");
      }
    }
    std::string variants;
    for (const auto& v : k.variants) variants += (variants.empty() ? "" : ", ") + v;
    out += "| `" + k.path + "` | " + flat(type) + " | " + dflt + " | " + variants + " | " +
           cell(k.example) + " |\n";
  }
  return out;
}

}  // namespace earshot::pipeline::config

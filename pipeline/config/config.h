// earshot::pipeline::config — the configuration file (DESIGN.md §5), loaded and checked as a whole.
//
// One YAML file describes where the topics live (log), where posts come from (sources), what
// to look for (entities, customers), how to score (sentiment), what to alert on and where to
// send it (alerts, sinks), how to answer (replies), and the HTTP API. load_config() reads it
// into a Config of plain values and checks every section, used or not, before any command
// does anything: a typo in `sinks` stops `earshot tail` too, at start-up, not at 3 a.m.
//
//   Result<Config> cfg = load_config("deploy/examples/embedded.yaml");
//   if (!cfg) { std::cerr << cfg.error().message << "\n"; return 2; }   // main decides
//   for (const SourceDef& s : cfg->sources) { ... s.type, s.url, s.poll_interval ... }
//   std::string topic = cfg->log.topic("posts");                       // "earshot.posts"
//
// Rules (each one is tested in tests/pipeline/config/config_test.cc; sources key by key in
// config_sources_test.cc, the reference in pipeline/config/README.md):
// - Errors name the place: "FILE:LINE:COL: log.partitions: expected an integer, got 'abc'",
//   "FILE:LINE:COL: unknown key 'intance' in sources[0] (mastodon); did you mean
//   'instance'?". Lines and columns count from 1, list indexes from 0. All errors found are
//   reported, one per line, in one Error with code kInvalidArgument. A YAML syntax error is
//   reported with the line and column yaml-cpp gives.
// - `${VAR}` in any string value is replaced by the environment variable VAR; `${VAR:-text}`
//   uses `text` when VAR is unset or empty; `$${` writes a literal `${`. An unset VAR with no
//   default is an error naming file, line and key, in every section (strict, as the whole
//   file is checked): give optional secrets a default, `${SLACK_URL:-}`. Substitution happens
//   before YAML sees the value, so `secret: ${X}` works unquoted even inside `{...}` flow maps.
//   Error messages quote the value as written (`${X}`), never a substituted secret.
// - Optional values (std::optional fields such as a Mastodon token) that come out empty
//   after substitution ("${MASTODON_TOKEN:-}") are left unset.
// - Unknown keys are errors, with a close-match suggestion. Duplicate keys are errors.
// - Relative paths (log.path, file sources, csv/jsonl customers, a sentiment model file)
//   resolve against the folder of the config file (parse_config's `base_dir`).
// - Every field has a default where one makes sense (below, after `=`); required ones
//   (mastodon.instance, rss.url, file.path, webhook.secret, ...) are errors when missing.
// - Cross checks: entity ids unique, kind company|product, a parent names an existing
//   company; alert and reply-rule names unique; alert/reply entities name a known entity
//   (or "*"); regexes (entity patterns, keyword alerts) compile with RE2.
//
// Thread safety: a Config is a plain value; load_config() may run on any thread (it reads
// the environment with getenv). Lifetime: the Config owns all its strings.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/config/entity.h"
#include "pipeline/core/access.h"
#include "pipeline/core/address_policy.h"
#include "pipeline/core/http_client.h"
#include "pipeline/core/records.h"
#include "pipeline/core/status.h"
#include "sentiment/sentiment.h"

namespace earshot::pipeline::config {

using Millis = std::chrono::milliseconds;

// The 7 logical topic names, in DESIGN.md order; each defaults to "earshot.<name>".
inline constexpr std::string_view kLogicalTopics[] = {
    "posts", "scored", "mentions", "deadletter", "aggregates", "alerts", "replies"};

enum class LogKind { embedded, kafka };

struct LogConfig {
  LogKind kind = LogKind::embedded;               // `log:` absent -> embedded, in memory
  std::string brokers;                            // kafka: required, "host:port[,host:port]"
  std::string path;                               // embedded: resolved SQLite file; "" = in memory
  std::map<std::string, std::string> properties;  // librdkafka properties, as-is
  std::map<std::string, std::string> topics;      // logical name -> real name, all 7 filled
  int partitions = 3;                             // when earshot creates topics
  int replication_factor = 1;                     // when earshot creates topics
  std::string group = "earshot";  // consumer group prefix (per role: group + ".process")
  // kafka: how long one transaction commit waits for the broker's answer; a commit is tried
  // 3 times, then its producer is recreated (log.h, kafka_log.h).
  Millis commit_timeout{60000};
  // The real topic for a logical name ("posts"), or `name` itself when it is not logical.
  std::string topic(std::string_view name) const;
};

// One item of `sources:`: every key a connector reads, typed (ingest/source_factory.h builds
// the connector from these fields and parses nothing itself). Only the fields of its `type`
// are meaningful; a key another type uses is an unknown key here. Defaults that differ by
// type are set by the loader and noted "(type default)". pipeline/config/README.md lists
// the keys per type.
struct SourceDef {
  std::string type;  // mastodon | jetstream | reddit | hackernews | rss | atom | webhook | file
  std::string name;  // the cursor key; = "<type>:<main field>", e.g.
                     // "mastodon:mastodon.social:public", "rss:https://x/feed.xml"
  std::string url;   // jetstream = wss://jetstream2.us-east.bsky.network/subscribe;
                     // hackernews = https://hacker-news.firebaseio.com/v0;
                     // reddit = https://www.reddit.com; rss, atom: required
  // How often to poll (type default): mastodon 15s, reddit 60s, hackernews 30s,
  // rss/atom 5m, file 1s (with follow: how often to look for growth).
  Millis poll_interval{0};
  // mastodon and reddit: requests per second per credential (type default 1; 0 = no
  // client-side limit). file: posts per second; unset = as fast as possible.
  std::optional<double> rate;
  // Items per request (type default): mastodon 40 (1..40), reddit 100 (1..100).
  int limit = 0;
  // mastodon
  std::string instance;             // required; "https://" is added when no scheme is given
  std::string timeline = "public";  // public | local | hashtag:NAME (or hashtag:#NAME)
  std::optional<std::string> token;
  bool streaming = false;  // use the streaming API (SSE, REST fallback) instead of polling
  // jetstream
  std::vector<std::string> collections{"app.bsky.feed.post"};  // a list, or "a, b" in one string
  Millis expected_interval{1'000};  // = 1s; no message for stall_factor times this = a stall
  double stall_factor = 30;         // = 30 (1..1e6)
  // reddit (subreddit or query required)
  std::string subreddit;  // "r/" or "/r/" in front is dropped
  std::optional<std::string> query, client_id, client_secret;
  std::string user_agent{core::kDefaultUserAgent};
  std::string listing = "new";  // new | comments (ignored with a query)
  std::string oauth_url = "https://oauth.reddit.com";
  std::string token_url = "https://www.reddit.com/api/v1/access_token";
  // hackernews
  std::int64_t backfill = 0;  // items before the newest to read on a first start
  int max_items = 100;        // items fetched per poll (1..100000)
  // rss, atom
  std::int64_t max_keys = 1000;  // item ids remembered for dedup (1..10000000)
  // webhook (inbound, Standard Webhooks signed)
  std::string listen = "127.0.0.1:8081";
  std::string secret;                // required; raw or whsec_<base64>
  std::uint64_t max_body = 1 << 20;  // bytes; accepts "1MiB"
  std::int64_t max_queue = 10000;    // posts and dead letters held before 429 (1..10000000)
  // file (JSONL posts)
  std::string path;     // required; resolved against the config's folder
  bool follow = false;  // keep reading as the file grows
};

struct SentimentConfig {
  std::string model = "default";  // default | vader | a model file (resolved path)
  // Language of posts the detector is unsure of and the platform did not tag (ISO 639-1),
  // and the detector's margin (log-odds over the runner-up) below which it is unsure. See
  // sentiment/language_policy.h.
  std::string default_language = "en";
  double language_min_margin = 8.0;
};

enum class AlertKind { spike, threshold, customer, keyword, intent };
enum class Severity { info, warning, critical };
std::string_view to_string(AlertKind k);
std::string_view to_string(Severity s);

// One item of `alerts:`. Keys a kind does not use are errors (a `pattern` on a spike rule).
struct AlertRuleDef {
  std::string name;                       // required, unique
  AlertKind kind = AlertKind::spike;      // required
  std::string entity = "*";               // an entity id or "*"
  std::optional<sentiment::Label> label;  // spike/customer/intent: = negative
  Millis window{60'000};                  // = 1m
  std::int64_t min_volume = 20;           // spike: no alert below this many mentions
  double sensitivity = 3.0;               // spike: robust z-score over the baseline
  Millis baseline{3'600'000};             // spike: baseline span = 1h
  Millis cooldown{600'000};               // = 10m between alerts of one rule and entity
  Severity severity = Severity::warning;
  std::vector<std::string> tiers;      // customer: tiers that count; empty = any
  std::string pattern;                 // keyword: RE2 regex, required
  std::int64_t min_count = 1;          // keyword/intent: matches in the window
  std::optional<core::Intent> intent;  // intent: required
  std::string metric;                  // threshold: volume | negative | positive |
                                       // neutral | negative_share | mean_score;
                                       // spike: "" = volume, "share" (`measure: share`)
  double threshold = 0.0;              // threshold: required
  bool below = false;                  // threshold: `direction: below` fires under it
  std::string description;             // what the rule watches, in alert messages
                                       // ("" = words from the kind; never the regex)
};

// One item of `sinks:` (where alerts go).
struct SinkDef {
  std::string type;         // webhook | slack | pagerduty | kafka
  std::string name;         // = type, or type[index] when several
  std::string url;          // webhook, slack: required;
                            // pagerduty = https://events.pagerduty.com/v2/enqueue
  std::string secret;       // webhook: Standard Webhooks HMAC key ("" = unsigned)
  std::string routing_key;  // pagerduty: required
  std::string topic;        // kafka = log.topics["alerts"]
  std::map<std::string, std::string> headers;  // webhook: extra request headers
  Severity min_severity = Severity::info;
  int max_attempts = 8;
  Millis timeout{5'000};
  // Routing: only alerts of these entities / severities (empty = all); slack: the channel
  // to post in ("" = the webhook's own), e.g. one sink per team or per severity.
  std::vector<std::string> entities;
  std::vector<std::string> severities;  // info | warning | critical
  std::string channel;
};

struct ReplyAccountDef {
  std::string entity;    // a known entity id
  std::string platform;  // mastodon | bluesky | reddit
  std::string instance;  // mastodon: the account's instance
  std::string handle;    // bluesky: the login identifier (or `did`)
  std::string token;  // mastodon: required; bluesky: an access JWT used as is (with `did`)
  // Issue 14: no reply is planned between quiet_from and quiet_to ("HH:MM", local time at
  // utc_offset "+HH:MM"/"-HH:MM"; a fixed offset, as g++ 12 has no IANA zone database).
  // Both empty = no quiet hours. Minutes of the day after parsing; -1 = unset.
  int quiet_from = -1;
  int quiet_to = -1;
  int utc_offset_minutes = 0;
  // Issue 14, Bluesky: the PDS (default https://bsky.social), the account's DID (else the
  // session's), and an app password ("${ENV}") exchanged for a session by
  // com.atproto.server.createSession; one of app_password and token is required.
  std::string service{};
  std::string did{};
  std::string app_password{};
};

struct ReplyRuleDef {
  std::string name;                       // required, unique
  std::optional<core::Intent> intent;     // when.intent
  std::optional<sentiment::Label> label;  // when.label
  std::vector<std::string> tiers;         // when.tier (string or list); empty = anyone
  std::string entity = "*";               // when.entity
  std::vector<std::string> sources;       // when.source (string or list); empty = any
  std::string template_text;              // config key `template`, required
  // Issue 14 additions (all optional).
  std::vector<std::string> langs;     // when.lang; empty = any language
  std::vector<std::string> keywords;  // when.keywords: any one, case-insensitive; empty = any
  std::map<std::string, std::string> templates;  // per language; `template` is the fallback
};

// Issue 14: a helpdesk case per complaint a public reply cannot answer (sinks/helpdesk_case.h).
// `when: blocked` (the default): the planner blocked the public reply for a reason a person
// should follow up (not_public, edited, flag:sarcasm, low_confidence, no_template,
// placeholder, no_account, too_long, quiet_hours, author_cooldown, daily_cap) — never for
// posts that are not ours to answer (deleted, own or another company's account, bot, spam,
// near duplicate, too old). `when: all`: every matched post, replied to or not.
struct HelpdeskDef {
  std::string url;     // "" = no helpdesk; the webhook receiving the cases (POST JSON)
  std::string secret;  // Standard Webhooks key (whsec_<base64> or raw bytes); "" = unsigned
  std::string when = "blocked";  // blocked | all
  std::map<std::string, std::string> headers;
  Millis timeout{10'000};
  int max_attempts = 8;
};

enum class ReplyMode { off, shadow, approval, auto_send };  // auto_send is `auto`
std::string_view to_string(ReplyMode m);

struct RepliesConfig {
  ReplyMode mode = ReplyMode::off;
  std::vector<ReplyAccountDef> accounts;
  std::vector<ReplyRuleDef> rules;
  Millis author_cooldown{86'400'000};  // = 24h
  int daily_cap = 200;
  // Issue 14 additions.
  std::string fallback_lang = "en";  // the language whose template answers an unknown one
  Millis max_post_age{86'400'000};   // older posts are not answered (= 24h)
  double min_confidence = 0.6;       // probability of the targeted label below this: no reply
  std::vector<std::string> other_accounts;  // handles never answered (other companies)
  HelpdeskDef helpdesk;                      // `helpdesk: {url, secret, when}`
};

struct ApiConfig {
  std::string listen = "127.0.0.1:8080";
  // Bearer tokens; none = no auth (keep it on loopback). Each entry is a string (owner
  // "token-N", scope admin) or {token, owner, scope: read|admin}. An entry that is empty
  // after ${ENV} substitution, or shorter than core::kMinTokenLength, is a config error.
  std::vector<core::BearerToken> tokens;
  // Bounds of the HTTP server (pipeline/http/server.h).
  std::int64_t max_connections = 256;  // more get 503 (1..100000)
  std::uint64_t max_body = 64 * 1024;  // request bodies; over it 413 ("64KiB")
  Millis header_timeout{10'000};       // a request header not complete by then: 408
  Millis idle_timeout{60'000};         // idle keep-alive, slow body or slow reader
  // Live updates (GET /api/v1/events, sinks/live_events.h).
  std::int64_t max_event_clients = 32;  // open event streams; more get 503 (1..10000)
  Millis event_heartbeat{15'000};       // comment line on an idle stream
  Millis event_throttle{1'000};         // new windows and post summaries at most this often
  Millis session_ttl{43'200'000};       // POST /api/v1/session cookies expire (= 12h)
};

// How alert messages read (pipeline/react/alert_text.h): the local time zone of the times
// in them and the dashboard base URL of the link to the spike's posts.
struct AlertMessagesConfig {
  std::string time_zone = "UTC";  // IANA name (checked against the OS zoneinfo at load)
  std::string dashboard_url;      // e.g. https://earshot.example.com; "" = http://<api.listen>
  // The link base actually used: dashboard_url without a trailing '/', else from api.listen.
  std::string link_base(const ApiConfig& api) const;
};

// Where the single roles (ingest, process, react) serve /metrics and /healthz. Empty = not
// at all; `serve`, `run` and `demo` serve them on api.listen instead.
struct MetricsConfig {
  std::string listen;  // host:port, e.g. 127.0.0.1:9464
};

struct ProcessConfig {
  int threads = 0;  // 0 = hardware cores
  // Most records per transaction. A batch takes what the consumer has buffered, up to this
  // many: it is small when the input is slow (no waiting for it to fill) and reaches this size
  // only under a backlog, where each transaction's fixed cost (4+ round trips, a marker per
  // partition) is what limits the rate. Was 500 until issue 18 (bench/RESULTS.md).
  int batch_size = 5000;
  std::uint64_t max_inflight_bytes = 64ull << 20;  // accepts "64MiB"
  // Committed post uids the dedup store remembers (oldest forgotten first; 1000..100000000).
  // ~40 bytes plus the post's dedup value (~100 bytes) each: the default keeps `process` with
  // 10,000 entities and 1,000,000 customer handles within 256 MB (bench/RESULTS.md).
  std::int64_t dedup_capacity = 500'000;
};

struct WindowsConfig {
  std::vector<Millis> sizes{Millis(60'000), Millis(3'600'000)};  // = [1m, 1h]
  // How far behind an entity's newest mention a late one still updates its windows (and
  // re-emits them) and counts in its rule windows; beyond it, counted and logged.
  Millis allowed_lateness{21'600'000};                           // = 6h
  // When an input partition has had no new records for this long (wall clock), react
  // advances its watermark by the wall-clock time since the last record, so the last
  // windows of a quiet stream still close (and their alerts fire or resolve). 0 = never.
  Millis idle_close{30'000};  // = 30s
};

// Where outbound connections may go (DESIGN.md §5): every URL a user configures — sinks,
// the CRM look-up, reply accounts, ingest sources — is refused when its host is loopback,
// private, link-local, CGNAT, reserved or multicast (any spelling: "2130706433", "[::1]",
// "0x7f.1"), at load time and again after DNS at connect time, unless allowed here.
struct OutboundConfig {
  std::vector<std::string> allow_private;  // host names, addresses, CIDRs; none by default
};

// The policy `outbound` describes (entries were checked by the loader; should one still be
// invalid, nothing extra is allowed).
core::AddressPolicy address_policy(const OutboundConfig& outbound);

struct Config {
  std::string file;      // as given to load_config / parse_config
  std::string base_dir;  // relative paths were resolved against this
  LogConfig log;
  std::vector<SourceDef> sources;
  std::vector<EntityDef> entities;
  std::vector<CustomerDirectoryDef> customers;
  SentimentConfig sentiment;
  std::vector<AlertRuleDef> alerts;
  std::vector<SinkDef> sinks;
  RepliesConfig replies;
  ApiConfig api;
  MetricsConfig metrics;
  ProcessConfig process;
  WindowsConfig windows;
  OutboundConfig outbound;
  AlertMessagesConfig alert_messages;
};

// Config with every default and all 7 topics filled: what an empty file gives.
Config default_config();

// The largest config file accepted (bytes); a bigger one is refused before parsing.
inline constexpr std::size_t kMaxConfigBytes = 16u << 20;  // 16 MiB
// yaml-cpp's memory grows with the number of nodes (~450 B each, measured: a 1 MiB flow list of
// 524k one-character items peaks at 246 MB), not with bytes. So the text is also refused before
// parsing when it holds more than this many node starts, estimated as the count of ',', ':',
// '-', '[', '{' and line ends (an over-estimate: a 10,000-entity config with five aliases,
// a handle and a hashtag each counts ~190k).
inline constexpr std::size_t kMaxConfigNodes = 500'000;

// Reads and checks `path`. kNotFound / kIo when unreadable, kInvalidArgument with every
// problem (one per line; past 100, the first 100 by position and a count) when not valid.
// Also checks that the files the config names exist: file sources (with follow: true, their
// folder), csv/jsonl customers and a model file.
[[nodiscard]] core::Result<Config> load_config(const std::string& path);

// Checks `yaml` as if read from `file_name_for_errors`; relative paths resolve against
// `base_dir` ("" = the current directory). Reads no files (the paths are not checked).
// With `schema`, every key the loader asks for is noted there (config_schema.h).
class SchemaRecorder;
[[nodiscard]] core::Result<Config> parse_config(std::string_view yaml,
                                                const std::string& file_name_for_errors,
                                                const std::string& base_dir,
                                                SchemaRecorder* schema = nullptr);

}  // namespace earshot::pipeline::config

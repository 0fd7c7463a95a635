// earshot reprocess --config FILE --from T [--to T] --model M [--version NAME] (issue 17)
//
// Re-scores the posts of an event-time range with another model, into versioned topics, so
// a team can compare the new model with the live one (dashboard, /api/v1/compare) before
// switching. T: RFC 3339 (2026-12-01T00:00:00Z), a duration back from now (24h, 7d) or
// `now` (the default --to). M: a model name (`default`, `vader`) or a model file, as
// `score --model`. NAME: [A-Za-z0-9._-]{1,64}; default <model>-<8 hex of the model's id>.
//
// What it does, on the configured Log (Kafka or embedded):
//  1. process: reads the posts topic with its own consumer group
//     (`<log.group>.reprocess.<version>`), keeps the posts whose created_at lies in
//     [from, to) — event time, not the time a post was appended: backfills and slow
//     instances append old posts late, and the point is what people said in that period —
//     and runs the same enrichment as `process` with model M (the same ProcessStage, its own
//     dedup changelog), writing `<scored>.v.<version>`, `<mentions>.v.<version>` and
//     `<deadletter>.v.<version>`. The Log has no seek by time, so the topic is scanned;
//     posts outside the range cost a JSON decode each and are counted, never written.
//  2. react: the react stage's windows and alert rules over `<mentions>.v.<version>`
//     (its own group and checkpoint topic) write `<aggregates>.v.<version>` and
//     `<alerts>.v.<version>`. Alert delivery is muted: no sink runs and nothing is written to
//     the alerts topic; reply planning is muted: the replies role reads only the live scored
//     topic. Once caught up, the remaining windows are closed (an idle advance a month
//     ahead, recorded in the checkpoint topic like any other).
//  3. the manifest (sinks/model_versions.h) on `<log.group>.versions`: state running, then
//     complete with the counts; `serve` finds the version there.
// Both stages commit their outputs with their consumed offsets in one transaction each batch
// (the transactional loop), so a killed run resumes where it stopped and a second run of
// the same version adds nothing that is already there. A version is bound to its model and
// range: a rerun with another explicit range or model is refused (exit 2); relative times
// (`24h`) take the recorded range. Posts appended later in the range are picked up by a
// rerun; their windows, closed by the final advance, count them only within
// windows.allowed_lateness (beyond, they are counted as late, as in react).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include "pipeline/cli/cli_common.h"
#include "pipeline/core/duration.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/http/cpprest_client.h"
#include "pipeline/process/process_stage.h"
#include "pipeline/react/react_stage.h"
#include "sinks/model_versions.h"

namespace earshot::pipeline::cli {
namespace {

namespace core = pipeline::core;
namespace plog = pipeline::log;

struct ReprocessArgs {
  std::string config, from, to = "now", model, version;
};

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// RFC 3339, a duration back from `now`, or "now"; `relative` tells which (the rerun rule).
std::int64_t parse_instant(const std::string& option, const std::string& text, std::int64_t now,
                           bool& relative) {
  relative = true;
  if (text == "now") return now;
  if (auto ms = core::parse_rfc3339_ms(text)) {
    relative = false;
    return *ms;
  }
  if (auto d = core::parse_duration(text)) return now - d->count();
  throw Exit{kExitUsage, option + ": '" + text +
                             "' is neither an RFC 3339 instant (2026-12-01T00:00:00Z), a "
                             "duration back from now (24h, 7d) nor 'now'"};
}

std::string default_version(const std::string& model, std::string_view model_id) {
  std::string base = std::filesystem::path(model).stem().string();
  std::string name;
  for (char c : base) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    name += ok ? c : '_';
  }
  if (name.size() > 48) name.resize(48);
  if (name.empty()) name = "model";
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64 of the scorer's id
  for (unsigned char c : model_id) h = (h ^ c) * 1099511628211ull;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(h >> 32));
  return name + "-" + hex;
}

std::optional<sinks::VersionManifest> recorded(plog::Log& log, const std::string& topic,
                                               const std::string& version) {
  auto consumer = log.consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  if (!consumer) throw Exit{kExitRuntime, "reprocess: " + consumer.error().message};
  std::optional<sinks::VersionManifest> found;
  auto st = plog::read_to_end(
      **consumer,
      [&](plog::Record& r) {
        if (r.key != version) return;
        if (auto m = sinks::decode_manifest(r.value)) found = std::move(*m);
      },
      std::chrono::seconds(60), topic);
  if (!st) throw Exit{kExitRuntime, "reprocess: " + st.error().message};
  return found;
}

void publish(plog::Producer& producer, const std::string& topic, const sinks::VersionManifest& m) {
  if (auto st = producer.produce(topic, m.version, sinks::encode_manifest(m)); !st)
    throw Exit{kExitRuntime, "reprocess: manifest: " + st.error().message};
  if (auto st = producer.flush(std::chrono::seconds(60)); !st)
    throw Exit{kExitRuntime, "reprocess: manifest: " + st.error().message};
}

// Steps `loop` until an empty poll finds every partition at its end; false when stopped.
bool drain(plog::TransactionalLoop& loop, plog::BatchHandler& handler, const char* what) {
  while (!g_stop) {
    auto n = loop.step(handler);
    if (!n) throw Exit{kExitRuntime, std::string("reprocess: ") + what + ": " + n.error().message};
    if (*n == 0 && loop.caught_up()) return true;
  }
  return false;
}

int run_reprocess(const ReprocessArgs& args) {
  pipeline::config::Config config = load_config_or_exit(args.config);
  const std::int64_t now = wall_ms();
  bool from_relative = false, to_relative = false;
  std::int64_t from = parse_instant("--from", args.from, now, from_relative);
  std::int64_t to = parse_instant("--to", args.to, now, to_relative);
  if (from >= to) throw Exit{kExitUsage, "--from must be before --to"};

  auto log = open_log_or_exit(config);
  auto enricher = pipeline::process::Enricher::build(
      &config, args.model,
      {.http = pipeline::http::make_cpprest_client(
           {.address_policy = pipeline::config::address_policy(config.outbound)}),
       .log = log.get()});
  if (!enricher) throw Exit{kExitUsage, "--model: " + enricher.error().message};
  const std::string model_id((*enricher)->scorer().id());
  const std::string version =
      args.version.empty() ? default_version(args.model, model_id) : args.version;
  if (!sinks::valid_version_name(version))
    throw Exit{kExitUsage, "--version: '" + version +
                               "' is not 1-64 characters of A-Z a-z 0-9 . _ - (nor 'live')"};

  sinks::VersionManifest m;
  m.version = version;
  m.model = args.model;
  m.model_id = model_id;
  m.from = core::format_rfc3339_ms(from);
  m.to = core::format_rfc3339_ms(to);
  m.scored_topic = sinks::versioned_topic(config.log.topic("scored"), version);
  m.mentions_topic = sinks::versioned_topic(config.log.topic("mentions"), version);
  m.aggregates_topic = sinks::versioned_topic(config.log.topic("aggregates"), version);
  m.alerts_topic = sinks::versioned_topic(config.log.topic("alerts"), version);
  m.deadletter_topic = sinks::versioned_topic(config.log.topic("deadletter"), version);
  const std::string vtopic = versions_topic(config);
  const std::string group = config.log.group + ".reprocess." + version;
  const std::string dedup = sinks::versioned_topic(dedup_topic(config), version);
  const std::string checkpoints = group + ".react-checkpoint";
  const int parts = config.log.partitions;
  if (auto st = log->create_topics({{m.scored_topic, parts, false},
                                    {m.mentions_topic, parts, false},
                                    {m.aggregates_topic, parts, true},
                                    {m.alerts_topic, parts, false},
                                    {m.deadletter_topic, parts, false},
                                    {dedup, parts, true},
                                    {checkpoints, parts, true}});
      !st)
    throw Exit{kExitRuntime, "reprocess: " + st.error().message};

  if (auto before = recorded(*log, vtopic, version)) {
    if (before->model_id != model_id)
      throw Exit{kExitUsage, "--version " + version + " was scored by " + before->model_id +
                                 ", not " + model_id + ": choose another --version"};
    const bool same = before->from == m.from && before->to == m.to;
    if (!same && !from_relative && !to_relative)
      throw Exit{kExitUsage, "--version " + version + " holds [" + before->from + ", " +
                                 before->to + "): rerun it with that range or choose another "
                                 "--version"};
    m.from = before->from;  // relative times: the recorded range
    m.to = before->to;
    from = *core::parse_rfc3339_ms(m.from);
    to = *core::parse_rfc3339_ms(m.to);
    m.started_at = before->started_at;
    // Counts add up over the runs that completed (a killed run's work is in the topics,
    // its counts are not: they were never published).
    m.posts_read = before->posts_read;
    m.selected = before->selected;
    m.scored = before->scored;
    m.mentions = before->mentions;
    m.dead_letters = before->dead_letters;
    m.duplicates = before->duplicates;
    m.aggregates = before->aggregates;
    m.alerts_muted = before->alerts_muted;
    log_info("reprocess: version " + version + " exists (" + before->state +
             "); resuming from its committed offsets");
  } else {
    m.started_at = core::format_rfc3339_ms(now);
  }
  auto writer = log->producer({});
  if (!writer) throw Exit{kExitRuntime, "reprocess: " + writer.error().message};
  m.state = "running";
  publish(**writer, vtopic, m);
  install_stop_signals();
  log_info("reprocess: version " + version + ", model " + model_id + ", created_at in [" + m.from +
           ", " + m.to + ") from " + config.log.topic("posts") + " on " + log->describe() +
           "; alerts and replies muted");

  // 1. posts -> versioned scored, mentions, dead letters.
  pipeline::process::ProcessCounters counters;
  pipeline::process::ProcessStage stage(
      **enricher,
      {config.log.topic("posts"), m.scored_topic, m.mentions_topic, m.deadletter_topic, dedup},
      {.threads = std::max(1, config.process.threads > 0
                                  ? config.process.threads
                                  : static_cast<int>(std::thread::hardware_concurrency())),
       .dedup_capacity = static_cast<std::size_t>(config.process.dedup_capacity),
       .on_warning = [](std::string_view w) { log_info("reprocess: warning: " + std::string(w)); },
       .select =
           [from, to](const core::Post& p) {
             auto t = core::parse_rfc3339_ms(p.created_at);
             return t && *t >= from && *t < to;
           },
       .model_version = version},
      &counters);
  if (auto st = stage.restore(*log); !st) throw Exit{kExitRuntime, st.error().message};
  auto ploop = plog::TransactionalLoop::create(
      *log, {.group = group,
             .inputs = {config.log.topic("posts")},
             .transactional_id = group + "-0",
             .batch_size = static_cast<std::size_t>(config.process.batch_size),
             .max_batch_bytes = static_cast<std::size_t>(config.process.max_inflight_bytes / 4)});
  if (!ploop) throw Exit{kExitRuntime, "reprocess: " + ploop.error().message};
  if (!drain(**ploop, stage, "process")) return kExitRuntime;

  // 2. versioned mentions -> versioned aggregates and (muted) alerts.
  bool flush = false;
  pipeline::react::ReactOptions ro = pipeline::react::react_options(config);
  ro.mentions_topic = m.mentions_topic;
  ro.aggregates_topic = m.aggregates_topic;
  ro.alerts_topic = m.alerts_topic;
  ro.deadletter_topic = m.deadletter_topic;
  ro.checkpoint_topic = checkpoints;
  ro.model_version = version;
  ro.idle_close = std::chrono::hours(24 * 365);  // never on the wall clock: only the flush
  ro.now_ms = [&flush] {
    auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
                 .count();
    return flush ? t + 2 * 24LL * 365 * 3600 * 1000 : t;
  };
  auto handler = pipeline::react::ReactHandler::create(*log, config.alerts, std::move(ro));
  if (!handler) throw Exit{kExitUsage, "reprocess: " + handler.error().message};
  if (auto st = (*handler)->restore(); !st) throw Exit{kExitRuntime, st.error().message};
  auto rloop = plog::TransactionalLoop::create(
      *log, {.group = group + ".react", .inputs = {m.mentions_topic},
             .transactional_id = group + ".react-0"});
  if (!rloop) throw Exit{kExitRuntime, "reprocess: " + rloop.error().message};
  plog::Consumer* consumer = &(*rloop)->consumer();
  (*handler)->set_assignment([consumer] { return consumer->assignment(); });
  if (!drain(**rloop, **handler, "react")) return kExitRuntime;
  flush = true;  // close what is still open: the next empty poll advances every partition
  if (!drain(**rloop, **handler, "react")) return kExitRuntime;

  const auto& ps = (*ploop)->stats();
  const auto& rs = (*handler)->stats();
  m.state = "complete";
  m.finished_at = core::format_rfc3339_ms(wall_ms());
  const auto read = static_cast<std::int64_t>(counters.records_in.load());
  m.posts_read += read;
  m.selected += read - static_cast<std::int64_t>(counters.not_selected.load());
  m.scored += static_cast<std::int64_t>(counters.scored.load());
  m.mentions += static_cast<std::int64_t>(counters.mentions.load());
  m.dead_letters += static_cast<std::int64_t>(counters.dead_letters.load());
  m.duplicates += static_cast<std::int64_t>(counters.duplicates.load());
  m.aggregates += static_cast<std::int64_t>(rs.aggregates);
  m.alerts_muted += static_cast<std::int64_t>(rs.alerts);
  publish(**writer, vtopic, m);
  log_info("reprocess: version " + version + " complete: " + std::to_string(m.posts_read) +
           " post(s) read (" + std::to_string(ps.batches.load()) + " batch(es)), " +
           std::to_string(m.selected) + " in range, " + std::to_string(m.scored) + " scored, " +
           std::to_string(m.mentions) + " mention(s), " + std::to_string(m.dead_letters) +
           " dead letter(s), " + std::to_string(m.aggregates) + " aggregate(s), " +
           std::to_string(m.alerts_muted) + " alert(s) muted (in " + m.alerts_topic +
           " only); compare: /api/v1/compare?entity=ID&a=live&b=" + version);
  return kExitOk;
}

}  // namespace

void add_reprocess(CLI::App& app) {
  auto args = std::make_shared<ReprocessArgs>();
  auto* cmd = app.add_subcommand(
      "reprocess", "Re-score a time range of posts with another model into versioned topics");
  cmd->add_option("--config", args->config, "Config file (YAML)")->required();
  cmd->add_option("--from", args->from, "Start of the event-time range: RFC 3339, 24h (ago), now")
      ->required();
  cmd->add_option("--to", args->to, "End (exclusive) of the range; default now");
  cmd->add_option("--model", args->model, "Model name (default, vader) or model file")
      ->required();
  cmd->add_option("--version", args->version,
                  "Version name (default: <model>-<hash of the model id>)");
  cmd->callback([args] { set_runner([args] { return run_reprocess(*args); }); });
}

}  // namespace earshot::pipeline::cli

#include "tests/sinks/support/end_to_end.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/react/react_stage.h"
#include "sinks/sink_runner.h"
#include "tests/sinks/support/alert_scenario.h"
#include "tests/support/kafka_env.h"

extern char** environ;

namespace earshot::sinks::testing {

using namespace std::chrono_literals;
using pipeline::config::Config;

namespace {

const char* env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

Config config_for(const std::string& kind, const std::string& suffix, const std::string& path) {
  Config cfg = pipeline::config::default_config();
  cfg.outbound.allow_private = {"127.0.0.1"};  // the receivers listen on loopback
  for (std::string_view name : pipeline::config::kLogicalTopics) {
    cfg.log.topics[std::string(name)] = "earshot-test." + suffix + "." + std::string(name);
  }
  cfg.log.group = "earshot-test." + suffix;
  cfg.log.partitions = 3;
  cfg.log.path = path;
  if (kind == "kafka") {
    cfg.log.kind = pipeline::config::LogKind::kafka;
    const std::string brokers = earshot::testing::test_brokers();
    cfg.log.brokers = brokers;
  }
  pipeline::config::AlertRuleDef spike;
  spike.name = "negative-spike";
  spike.kind = pipeline::config::AlertKind::spike;
  spike.label = sentiment::Label::negative;
  cfg.alerts = {spike};
  return cfg;
}

std::string suffix_of(const Config& cfg) {
  return cfg.log.group.substr(std::string("earshot-test.").size());
}

}  // namespace

Config scenario_config(const std::string& kind, const std::string& tag) {
  static int counter = 0;
  std::string suffix =
      tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1'000'000'007);
  std::string path;
  if (kind == "embedded-file") {
    path = (std::filesystem::temp_directory_path() / ("earshot-" + suffix + ".db")).string();
  }
  return config_for(kind == "kafka" ? "kafka" : "embedded", suffix, path);
}

std::unique_ptr<pipeline::log::Log> open_scenario_log(const Config& cfg) {
  pipeline::log::LogOptions o;
  o.kind = cfg.log.kind == pipeline::config::LogKind::kafka ? "kafka" : "embedded";
  o.brokers = cfg.log.brokers;
  o.path = cfg.log.path;
  o.partitions = cfg.log.partitions;
  o.properties = cfg.log.properties;
  auto log = pipeline::log::open_log(o);
  EXPECT_TRUE(log) << log.error().message;
  return log ? std::move(*log) : nullptr;
}

std::map<std::string, std::string> scenario_env(const Config& cfg) {
  return {
      {"EARSHOT_SCN_KIND", cfg.log.kind == pipeline::config::LogKind::kafka ? "kafka" : "embedded"},
      {"EARSHOT_SCN_SUFFIX", suffix_of(cfg)},
      {"EARSHOT_SCN_PATH", cfg.log.path}};
}

Config scenario_config_from_env() {
  return config_for(env_or("EARSHOT_SCN_KIND", "embedded"), env_or("EARSHOT_SCN_SUFFIX", "child"),
                    env_or("EARSHOT_SCN_PATH", ""));
}

pid_t spawn_child(const std::string& role, const std::map<std::string, std::string>& env) {
  std::vector<std::string> vars;
  for (char** e = environ; *e; ++e) vars.emplace_back(*e);
  vars.push_back("EARSHOT_TEST_CHILD=" + role);
  for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<char*> argv{exe.data(), nullptr};
  pid_t pid = -1;
  posix_spawn_file_actions_t quiet;  // the child's GoogleTest banner is noise
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  int rc = posix_spawn(&pid, exe.c_str(), &quiet, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&quiet);
  EXPECT_EQ(rc, 0) << "posix_spawn " << exe;
  return pid;
}

void remove_scenario_files(const Config& cfg) {
  if (cfg.log.path.empty()) return;
  std::error_code ec;
  for (const char* ext : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(cfg.log.path + ext, ec);
}

void kill_child(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

void produce_mentions(pipeline::log::Log& log, const Config& cfg,
                      const std::vector<pipeline::core::Mention>& ms) {
  ASSERT_TRUE(log.create_topics({{cfg.log.topic("mentions"), cfg.log.partitions, false}}));
  auto p = log.producer({});
  ASSERT_TRUE(p) << p.error().message;
  for (const auto& m : ms)
    ASSERT_TRUE((*p)->produce(cfg.log.topic("mentions"), m.entity, pipeline::codec::encode(m)));
  ASSERT_TRUE((*p)->flush(30s));
}

std::vector<pipeline::log::Record> read_topic(pipeline::log::Log& log, const std::string& topic) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  pipeline::core::Result<std::unique_ptr<pipeline::log::Consumer>> c =
      log.consumer({.group = "", .topics = {topic}});
  std::vector<pipeline::log::Record> out;
  // A topic may not exist yet, or be just created.
  if (!c &&
      !wait_until(
          within(5s), [&] { return bool(c = log.consumer({.group = "", .topics = {topic}})); },
          "a consumer of " + topic)) {
    return out;
  }
  while (std::chrono::steady_clock::now() < until) {
    auto b = (*c)->poll(10'000, 200ms);
    if (b) out.insert(out.end(), b->begin(), b->end());
    if ((*c)->at_end()) break;
  }
  return out;
}

namespace {

std::map<std::string, std::string> latest_json(const std::vector<pipeline::core::Aggregate>& aggs) {
  std::map<std::string, pipeline::core::Aggregate> best;
  for (const auto& a : aggs) {
    auto& slot = best[pipeline::react::aggregate_key(a)];
    if (a.version >= slot.version) slot = a;
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, a] : best) out[k] = pipeline::codec::encode(a);
  return out;
}

}  // namespace

std::map<std::string, std::string> latest_aggregates(pipeline::log::Log& log, const Config& cfg) {
  std::vector<pipeline::core::Aggregate> aggs;
  for (const auto& r : read_topic(log, cfg.log.topic("aggregates"))) {
    auto a = pipeline::codec::decode_aggregate(r.value);
    EXPECT_TRUE(a) << r.value;
    if (a) aggs.push_back(*a);
  }
  return latest_json(aggs);
}

std::map<std::string, std::string> batch_aggregates(
    const Config& cfg, const std::vector<pipeline::core::Mention>& ms) {
  pipeline::react::Windows w(pipeline::react::react_options(cfg).windows);
  std::vector<pipeline::core::Aggregate> aggs;
  for (const auto& original : ms) {
    auto m = pipeline::codec::decode_mention(pipeline::codec::encode(original));
    EXPECT_TRUE(m);
    if (m) {
      EXPECT_TRUE(w.add(*m, aggs));
    }
  }
  return latest_json(aggs);
}

void run_spike_scenario(Config cfg, pipeline::log::Log& log) {
  auto ok200 = [](const ReceivedRequest&) { return ReceiverResponse{200, {}, "ok"}; };
  RecordingReceiver hook(ok200), slack(ok200);
  RecordingReceiver pd([](const ReceivedRequest&) {
    return ReceiverResponse{202, {}, R"({"status":"success"})"};
  });
  pipeline::config::SinkDef w{
      .type = "webhook", .name = "webhook", .url = hook.url("/earshot"), .secret = "s3cret"};
  pipeline::config::SinkDef s{
      .type = "slack", .name = "slack", .url = slack.url("/services/T0/B0/x")};
  pipeline::config::SinkDef p{.type = "pagerduty",
                              .name = "pagerduty",
                              .url = pd.url("/v2/enqueue"),
                              .routing_key = "R0UT1NG"};
  cfg.sinks = {w, s, p};
  const auto ms = spike_scenario("acme", "globex");
  produce_mentions(log, cfg, ms);

  // React runs as run_react() does, stepping its loop on a thread of its own, and says when it
  // has been caught up and idle: from then on the alerts topic holds all it will ever hold.
  std::atomic<bool> stop{false}, react_idle{false};
  pipeline::core::Status react_status;
  std::thread react([&] {
    react_status = [&]() -> pipeline::core::Status {
      auto handler = pipeline::react::make_react_handler(cfg, log);
      if (!handler) return std::unexpected(handler.error());
      auto loop =
          pipeline::log::TransactionalLoop::create(log, pipeline::react::react_loop_options(cfg));
      if (!loop) return std::unexpected(loop.error());
      pipeline::log::Consumer* consumer = &(*loop)->consumer();
      (*handler)->set_assignment([consumer] { return consumer->assignment(); });
      for (int idle = 0; !stop.load();) {
        auto n = (*loop)->step(**handler);
        if (!n) return std::unexpected(n.error());
        idle = *n == 0 && (*loop)->caught_up() ? idle + 1 : 0;
        if (idle >= 3) react_idle = true;
      }
      return pipeline::core::ok();
    }();
    react_idle = true;  // also on an error: nothing more will come
  });
  SinkRunnerOptions fast;
  fast.retry.base = 50ms;
  auto runner = SinkRunner::start(cfg, log, fast);
  ASSERT_TRUE(runner) << runner.error().message;
  const ::testing::AssertionResult react_done = wait_until(
      within(120s), [&] { return react_idle.load(); }, "react caught up and idle");
  // Then every sink handles every alert there is; anything more at a receiver is a duplicate.
  std::size_t alerts = 0;
  ::testing::AssertionResult delivered = ::testing::AssertionFailure() << "react never went idle";
  if (react_done) {
    alerts = read_topic(log, cfg.log.topic("alerts")).size();
    delivered = wait_until(
        within(120s),
        [&] {
          auto stats = (*runner)->stats();
          return std::ranges::all_of(stats, [&](const SinkStats& s) {
            return s.delivered + s.skipped + s.dead >= alerts;
          });
        },
        "every sink through all " + std::to_string(alerts) + " alerts");
  }
  stop = true;
  react.join();
  (*runner)->stop();
  ASSERT_TRUE(react_status) << react_status.error().message;
  ASSERT_TRUE(react_done);
  ASSERT_TRUE(delivered) << "webhook " << hook.request_count() << ", slack "
                         << slack.request_count() << ", pagerduty " << pd.request_count();
  EXPECT_EQ(alerts, 2u) << "one trigger and its resolve";

  // Webhook: one trigger and its resolve, both for acme, signed, evidence from the spike minute.
  std::set<std::string> ids, keys;
  int triggers = 0;
  for (const auto& r : hook.requests()) {
    EXPECT_TRUE(signature_valid(r, "s3cret")) << r.body;
    auto a = pipeline::codec::decode_alert(r.body);
    ASSERT_TRUE(a) << r.body;
    EXPECT_EQ(r.header("webhook-id"), a->id);
    ids.insert(a->id);
    keys.insert(a->dedup_key);
    EXPECT_EQ(a->entity, "acme");
    if (a->status == "trigger") {
      ++triggers;
      EXPECT_EQ(a->window_start, "2026-11-23T11:00:00.000Z");
      ASSERT_FALSE(a->evidence.empty());
      for (const auto& e : a->evidence) {
        EXPECT_NE(e.uid.find("acme-spike-"), std::string::npos) << e.uid;
        EXPECT_FALSE(e.url.empty());
      }
    }
  }
  EXPECT_EQ(triggers, 1);
  EXPECT_EQ(hook.request_count(), 2u);
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(keys, std::set<std::string>{"negative-spike|acme|2026-11-23T11:00:00.000Z"});
  // PagerDuty: trigger then resolve with the same dedup_key.
  std::vector<std::string> actions;
  for (const auto& r : pd.requests()) {
    auto j = nlohmann::json::parse(r.body);
    actions.push_back(j["event_action"]);
    EXPECT_EQ(j["dedup_key"], *keys.begin());
  }
  std::sort(actions.begin(), actions.end());
  EXPECT_EQ(actions, (std::vector<std::string>{"resolve", "trigger"}));
  EXPECT_EQ(pd.request_count(), 2u);
  // Slack: the trigger carries the evidence links; nothing mentions globex.
  EXPECT_EQ(slack.request_count(), 2u);
  bool linked = false;
  for (const auto& r : slack.requests()) {
    linked =
        linked || r.body.find("https://mastodon.example/@user/acme-spike-") != std::string::npos;
    EXPECT_EQ(r.body.find("globex"), std::string::npos);
  }
  EXPECT_TRUE(linked);
  // The aggregates equal a batch recomputation of the same mentions.
  EXPECT_EQ(latest_aggregates(log, cfg), batch_aggregates(cfg, ms));
}

}  // namespace earshot::sinks::testing

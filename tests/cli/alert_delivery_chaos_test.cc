// Alert side effects under SIGKILL against bad receivers (label `chaos`, issue #16). The real
// `earshot react` (on EARSHOT_TEST_BROKERS) delivers alerts to recording Slack, PagerDuty and
// webhook receivers that answer every alert's attempts, in turn: 429 with Retry-After: 1, 500,
// a stall longer than the sink timeout (3 s against 1 s), then 200. A fourth receiver answers
// 410 Gone. react is killed with SIGKILL each time a receiver gets a request (around each
// delivery), restarted, and finally left to finish. Then:
//   - every attempt of an alert carried that alert's idempotency key (webhook-id, the id in
//     Slack's text, PagerDuty's event_action + dedup_key): no attempt under any other key;
//   - every alert was accepted (200) by each of the three receivers — nothing lost;
//   - the 410 sink was disabled, said so in the log and in /metrics (earshot_sink_disabled 1),
//     and its alerts went to the deadletter topic with the reason.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/http_server.h"
#include "tests/support/kafka_env.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

// A receiver whose answers to each alert (by its key) go 429, 500, stall, 200, 200, ...
class BadReceiver {
 public:
  using KeyOf = std::function<std::string(const FixtureRequest&)>;
  explicit BadReceiver(KeyOf key_of)
      : key_of_(std::move(key_of)),
        server_([this](const FixtureRequest& r) { return answer(r); }) {}
  std::string url(const std::string& path) const { return server_.url(path); }
  std::size_t requests() const { return server_.request_count(); }
  std::set<std::string> keys() const {
    std::lock_guard lock(mu_);
    std::set<std::string> out;
    for (const auto& [k, n] : attempts_) out.insert(k);
    return out;
  }
  std::set<std::string> accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }

 private:
  FixtureResponse answer(const FixtureRequest& r) {
    const std::string key = key_of_(r);
    int attempt;
    {
      std::lock_guard lock(mu_);
      attempt = ++attempts_[key];
    }
    if (attempt == 1) return {429, {{"Retry-After", "1"}}, "slow down"};
    if (attempt == 2) return {500, {}, "oops"};
    if (attempt == 3) {
      std::this_thread::sleep_for(3s);  // the receiver stalls past the sink's 1 s timeout
      return {503, {}, "too late"};
    }
    std::lock_guard lock(mu_);
    accepted_.insert(key);
    return {200, {}, "ok"};
  }

  KeyOf key_of_;
  mutable std::mutex mu_;
  std::map<std::string, int> attempts_;
  std::set<std::string> accepted_;
  HttpFixtureServer server_;  // last: its threads stop before the rest goes
};

std::string match_or_empty(const std::string& text, const std::regex& re) {
  std::smatch m;
  return std::regex_search(text, m, re) ? m[1].str() : std::string();
}

TEST(AlertDeliveryChaos, SameKeyOnEveryAttemptThroughKillsAndBadReceivers) {
  BadReceiver hook([](const FixtureRequest& r) { return r.header("webhook-id"); });
  // PagerDuty's idempotency key is its dedup_key, shared by an alert's trigger and resolve.
  BadReceiver pagerduty([](const FixtureRequest& r) {
    static const std::regex action(R"re("event_action"\s*:\s*"([^"]+)")re");
    static const std::regex dedup(R"re("dedup_key"\s*:\s*"([^"]+)")re");
    return match_or_empty(r.body, action) + ":" + match_or_empty(r.body, dedup);
  });
  BadReceiver slack([](const FixtureRequest& r) {
    static const std::regex re("earshot alert `([^`]+)`");
    return match_or_empty(r.body, re);
  });
  HttpFixtureServer gone([](const FixtureRequest&) { return FixtureResponse{410, {}, "gone"}; });
  const std::string sinks =
      "sinks:\n"
      "  - {type: webhook, name: hook, url: \"" + hook.url("/hook") +
      "\", secret: s3cret, timeout: 1s}\n"
      "  - {type: pagerduty, name: pd, url: \"" + pagerduty.url("/pd") +
      "\", routing_key: R0123456789abcdef0123456789abcdef, timeout: 1s}\n"
      "  - {type: slack, name: slack, url: \"" + slack.url("/slack") + "\", timeout: 1s}\n"
      "  - {type: webhook, name: gone, url: \"" + gone.url("/gone") + "\", timeout: 1s}\n"
      "outbound: {allow_private: [\"127.0.0.1\"]}\n"
      "windows: {sizes: [1m], allowed_lateness: 0s, idle_close: 2s}\n"
      "alerts:\n"
      "  - {name: globex-volume, kind: threshold, entity: globex, metric: volume, threshold: 10,"
      " window: 1m, cooldown: 1m, severity: warning}\n"
      "  - {name: outage, kind: keyword, pattern: '(?i)outage', entity: '*', min_count: 5,"
      " window: 1m, cooldown: 1m, severity: warning}\n";
  ChaosScenario s = prepare_chaos("alertkill", 300, test_brokers(), sinks);
  RunResult p = run({"process", "--config", s.config, "--instance", "a", "--exit-when-idle", "3"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto total = [&] { return hook.requests() + pagerduty.requests() + slack.requests(); };
  const int kills = 8;
  for (int i = 0; i < kills; ++i) {
    const std::size_t before = total();
    pid_t react = spawn({"react", "--config", s.config, "--instance", "a"},
                        s.dir + "/react-" + std::to_string(i) + ".log");
    ChildGuard guard{react};
    ASSERT_TRUE(wait_until(
        within(90s), [&] { return total() > before; }, "a delivery attempt", 5ms))
        << slurp(s.dir + "/react-" + std::to_string(i) + ".log");
    ASSERT_EQ(kill(react, SIGKILL), 0);
    ASSERT_EQ(wait_for(react), -SIGKILL);
  }
  const int metrics_port = free_port();
  const std::string last_log = s.dir + "/react-final.log";
  // What the 410 receiver saw before the last life: when an earlier life already met its 410
  // and committed the dead letters, the last life may never call it (a restart forgets the
  // disabled state, as it should: the config may have been fixed).
  const std::size_t gone_before_last = gone.requests().size();
  pid_t react = spawn({"react", "--config", s.config, "--instance", "a", "--metrics-listen",
                       "127.0.0.1:" + std::to_string(metrics_port)},
                      last_log);
  ChildGuard guard{react};
  // The alerts committed so far (react goes on raising them): ids, and PagerDuty's keys.
  std::set<std::string> ids, pd_keys;
  auto read_alerts = [&] {
    ids.clear();
    pd_keys.clear();
    for (const auto& r : read_topic(*s.log, s.prefix + ".alerts", 0, 3s)) {
      auto a = pipeline::codec::decode_alert(r.value);
      if (!a) continue;  // shows as a missing key below
      ids.insert(a->id);
      pd_keys.insert(a->status + ":" + a->dedup_key);
    }
  };
  EXPECT_TRUE(wait_until(
      within(180s),
      [&] {
        read_alerts();
        return !ids.empty() && hook.accepted() == ids && slack.accepted() == ids &&
               pagerduty.accepted() == pd_keys;
      },
      "every alert accepted by every receiver", 1s))
      << "alerts " << ids.size() << ", accepted: hook " << hook.accepted().size() << ", pd "
      << pagerduty.accepted().size() << " of " << pd_keys.size() << ", slack "
      << slack.accepted().size() << "\n"
      << slurp(last_log);
  // One key per alert on every attempt, through every kill: no attempt under a key that is
  // not a committed alert's (react may have raised more since: read them again).
  read_alerts();
  auto within_set = [](const std::set<std::string>& keys, const std::set<std::string>& of) {
    return std::includes(of.begin(), of.end(), keys.begin(), keys.end());
  };
  EXPECT_TRUE(within_set(hook.keys(), ids)) << ::testing::PrintToString(hook.keys());
  EXPECT_TRUE(within_set(pagerduty.keys(), pd_keys)) << ::testing::PrintToString(pagerduty.keys());
  EXPECT_TRUE(within_set(slack.keys(), ids)) << ::testing::PrintToString(slack.keys());
  for (const auto& r : gone.requests()) EXPECT_EQ(r.path(), "/gone");
  // The 410: disabled, said so in the log (and in /metrics when it was this life that met it),
  // its alerts dead-lettered with the reason.
  ASSERT_FALSE(gone.requests().empty()) << "the 410 receiver was never called";
  if (gone.requests().size() > gone_before_last) {
    ASSERT_TRUE(wait_until(
        within(30s),
        [&] {
          return http_get("http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics")
                     .find("earshot_sink_disabled{sink=\"gone\"} 1") != std::string::npos;
        },
        "earshot_sink_disabled{sink=\"gone\"} 1 on /metrics", 200ms))
        << http_get("http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics");
    EXPECT_NE(slurp(last_log).find("sink gone disabled: the receiver answered"), std::string::npos)
        << slurp(last_log);
  } else {
    std::string logs;
    for (int i = 0; i < kills; ++i) logs += slurp(s.dir + "/react-" + std::to_string(i) + ".log");
    EXPECT_NE(logs.find("sink gone disabled: the receiver answered"), std::string::npos) << logs;
  }
  bool dead_lettered = false;
  for (const auto& r : read_topic(*s.log, s.prefix + ".deadletter", 1, 30s)) {
    dead_lettered |= r.value.find("sink disabled") != std::string::npos;
  }
  EXPECT_TRUE(dead_lettered) << "no dead letter names the disabled sink";
  ASSERT_EQ(kill(react, SIGTERM), 0);
  EXPECT_EQ(wait_for(react), 0) << slurp(last_log);
}

}  // namespace
}  // namespace earshot::testing

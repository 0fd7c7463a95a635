// What the chaos tests of `earshot` share (tests/cli/*_chaos_test.cc): a scenario on a real
// Kafka broker (config, topics with a fresh prefix, posts replayed), the exactness check read
// with read_committed, and $EARSHOT_TEST_FAULT for the processes a test starts.
#pragma once

#include <sys/types.h>
#include <chrono>

#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/log/log.h"

namespace earshot::testing {

// Records per transaction of `process` in the chaos scenarios.
inline constexpr int kChaosBatch = 100;

// EARSHOT_CHAOS_REPEAT (default 3): how many times a chaos test repeats its fault.
int chaos_repeat();

struct ChaosScenario {
  std::string dir, config, prefix, brokers;
  int posts = 0;  // a multiple of 5 (make_posts() links four posts of five)
  std::unique_ptr<pipeline::log::Log> log;
};

// A config on `brokers` (3 partitions, entities Acme Air and Globex, process batches of
// kChaosBatch, then `extra_yaml`), and `posts` posts replayed into its posts topic.
// `log_yaml`: more keys of its `log:` section, indented two spaces (e.g. properties).
ChaosScenario prepare_chaos(const std::string& name, int posts, const std::string& brokers,
                            const std::string& extra_yaml = "", const std::string& log_yaml = "");

// Every post scored exactly once and every linked (post, entity) mention exactly once, read
// with read_committed (the Kafka log's consumers always are). Adds gtest failures.
void expect_exact(ChaosScenario& s);

// What names a window in expect_aggregates_recount(): the length of the RFC 3339 prefix
// shared by the times inside it ("2026-11-23T10:05" for 1m windows, "2026-11-23T10" for 1h).
inline constexpr std::size_t kMinuteWindows = 16;
inline constexpr std::size_t kHourWindows = 13;

// The aggregates react made (one window size, named by `key_length`) against a batch recount
// of the committed mentions: the last version of each (entity, window) must count exactly that
// window's mentions. The window of the newest event may still be open, so it is left out.
// Waits up to `timeout` for react to catch up; adds a gtest failure (both maps) otherwise.
// Returns how many windows were compared.
std::size_t expect_aggregates_recount(ChaosScenario& s, std::size_t key_length,
                                      std::chrono::seconds timeout);

std::string slurp(const std::string& path);

// The body of a GET of `url` (curl, 5 s at most); "" when nothing answered.
std::string http_get(const std::string& url);

// $EARSHOT_TEST_FAULT for the earshot processes started while it lives.
struct FaultEnv {
  explicit FaultEnv(const std::string& spec) { setenv("EARSHOT_TEST_FAULT", spec.c_str(), 1); }
  ~FaultEnv() { unsetenv("EARSHOT_TEST_FAULT"); }
  FaultEnv(const FaultEnv&) = delete;
  FaultEnv& operator=(const FaultEnv&) = delete;
};

// Kills (SIGKILL) and reaps, on scope exit, the earshot processes a test spawned and has not
// waited for yet, so a failed ASSERT leaves no instance running against the broker.
class ChildGuard {
 public:
  ChildGuard() = default;
  explicit ChildGuard(std::initializer_list<pid_t> pids) : pids_(pids) {}
  ~ChildGuard();
  void add(pid_t pid) { pids_.push_back(pid); }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;

 private:
  std::vector<pid_t> pids_;
};

// A broker of a test's own, started with deploy/kafka/start.sh on the port named by
// `port_env` (deploy/test.sh sets it; the controller takes the port after it) in a fresh
// state directory, and stopped with its data on destruction. `sasl` ("user:password"):
// a SASL_PLAINTEXT/SCRAM-SHA-256 listener with that one account (EARSHOT_KAFKA_SASL).
// `advertise` ("host:port"): the address the broker's metadata gives clients
// (EARSHOT_KAFKA_ADVERTISED; a proxy in front of it). A missing port variable fails the test
// loudly (CI must run it, never skip it).
class OwnBroker {
 public:
  explicit OwnBroker(const char* port_env, std::string sasl = "", std::string advertise = "");
  ~OwnBroker();
  OwnBroker(const OwnBroker&) = delete;
  OwnBroker& operator=(const OwnBroker&) = delete;
  bool started() const { return started_; }
  const std::string& brokers() const { return brokers_; }
  // The start and stop scripts' output, for failure messages.
  std::string script_log() const;
  // Stops the broker, keeping its data (EARSHOT_KAFKA_KEEP_DATA=1), and starts it again
  // after `down`.
  bool restart(std::chrono::seconds down);
  // SIGKILL of the broker's JVM (a crash: no controlled shutdown), data kept.
  bool kill_hard();
  // Starts the broker again on its kept data (after kill_hard()).
  bool start_again();
  int port() const { return std::atoi(port_.c_str()); }

 private:
  bool script(const char* name, const std::string& env);
  std::string port_, state_, brokers_, sasl_, advertise_;
  bool started_ = false;
};

}  // namespace earshot::testing

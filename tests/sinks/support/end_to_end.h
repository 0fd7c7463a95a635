// Test support (alert sinks): the "done when" scenarios, written once and run on
// both logs — the embedded one (unit tests) and a real Apache Kafka broker (*_kafka_test.cc).
//
//   pipeline::Config cfg = scenario_config(log_kind, "spike");    // unique topics and groups
//   auto log = open_scenario_log(cfg);
//   run_spike_scenario(cfg, *log);                                // gtest assertions inside
//
// A child role lets a scenario kill -9 a real process: the test binary re-executes itself
// with EARSHOT_TEST_CHILD=sinks|react (see child_roles.cc) and the parent SIGKILLs it.
//
// Thread safety: one scenario at a time per process.
#pragma once

#include <sys/types.h>
#include <map>
#include <memory>
#include <string>

#include "pipeline/config/config.h"
#include "pipeline/log/log.h"

namespace earshot::sinks::testing {

// A config on `kind` ("embedded" or "kafka": brokers from EARSHOT_TEST_BROKERS, a missing
// variable is a failure) with topics and group prefix unique to this run and `tag`, a spike
// rule on every entity, 1m and 1h windows, 30 s lateness.
pipeline::config::Config scenario_config(const std::string& kind, const std::string& tag);
std::unique_ptr<pipeline::log::Log> open_scenario_log(const pipeline::config::Config& cfg);

// The environment a child process needs to rebuild `cfg` (scenario_config_from_env()).
std::map<std::string, std::string> scenario_env(const pipeline::config::Config& cfg);
pipeline::config::Config scenario_config_from_env();

// Re-executes this test binary as child `role` with `env` added; returns its pid.
pid_t spawn_child(const std::string& role, const std::map<std::string, std::string>& env);
// Deletes the SQLite files of an "embedded-file" scenario config (nothing for others).
void remove_scenario_files(const pipeline::config::Config& cfg);
// SIGKILL and reap.
void kill_child(pid_t pid);

// Mentions of spike_scenario("acme", "globex") → mentions topic → react → alerts topic →
// webhook, Slack and PagerDuty receivers: exactly one trigger (and its resolve) for acme at
// each, a valid signature, evidence from the spike minute, nothing for globex.
void run_spike_scenario(pipeline::config::Config cfg, pipeline::log::Log& log);

// A sink process killed with SIGKILL while its receiver answers 503, then a new one with the
// receiver healthy: the receiver sees only the same alert id again, never a second alert.
void run_sink_kill_scenario(const std::string& kind);
// A react process killed with SIGKILL mid-stream, then a restarted react: the aggregates on
// the topic equal a batch recomputation, and alerts are the same as an uninterrupted run.
void run_react_kill_scenario(const std::string& kind);
// Late mentions within the allowed lateness update their window (version 2); later ones are
// dropped and counted.
void run_late_data_scenario(const std::string& kind);

// The latest version of every aggregate on the aggregates topic, as JSON by key.
std::map<std::string, std::string> latest_aggregates(pipeline::log::Log& log,
                                                     const pipeline::config::Config& cfg);
// The same computed in memory from `mentions` in order (each through the wire codec).
std::map<std::string, std::string> batch_aggregates(
    const pipeline::config::Config& cfg, const std::vector<pipeline::core::Mention>& mentions);
void produce_mentions(pipeline::log::Log& log, const pipeline::config::Config& cfg,
                      const std::vector<pipeline::core::Mention>& ms);
// Every record of `topic` from the beginning to its end.
std::vector<pipeline::log::Record> read_topic(pipeline::log::Log& log, const std::string& topic);

}  // namespace earshot::sinks::testing

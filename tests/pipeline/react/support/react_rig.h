// Test support (pipeline): the react-stage rig shared by react_stage_test.cc and
// react_idle_close_test.cc — a scripted hour of mentions for two entities with a negative
// spike for "acme" at minute 60, the config that alerts on it, and helpers that produce,
// drain a react loop, read topics back and recompute the expected aggregates and alerts in
// one pass ("batch"). Functions that check things report through GoogleTest (EXPECT/ASSERT).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/react/react_stage.h"

namespace earshot::pipeline::react_testing {

// 2026-11-23T10:00:00Z, the scenario's first minute.
extern const std::int64_t kT0;

// A mention of `entity` at event time `t` (ms) with the given label and score: url
// https://example.test/<uid>, author "a-<uid>" and `text` unless given otherwise.
core::Mention make_mention(const std::string& entity, std::int64_t t, sentiment::Label label,
                           float score, const std::string& uid, const std::string& text = "x",
                           const std::string& author_id = "");
// The scenario's mention: make_mention with an author shared by a few uids and a text that
// reads as the label (the keyword rules look at texts).
core::Mention mention(const std::string& entity, std::int64_t t, sentiment::Label label,
                      float score, const std::string& uid);
// An AlertEngine for `rules` whose clock stands still at kT0 (the other options as given); a
// rule set the engine refuses fails the test and gives nullptr.
std::unique_ptr<react::AlertEngine> alert_engine(std::vector<config::AlertRuleDef> rules,
                                                 react::AlertEngineOptions options = {});
// An hour of steady traffic for two entities, then a negative spike for "acme".
std::vector<core::Mention> scenario();
// Three partitions, 1 min and 1 h windows, one negative-spike rule.
config::Config test_config();
// Produces ms[from, to) to the mentions topic.
void produce(log::Log& log, const config::Config& cfg, const std::vector<core::Mention>& ms,
             std::size_t from, std::size_t to);
// Steps `loop` until it is caught up and three steps in a row handled nothing.
void drain(log::TransactionalLoop& loop, react::ReactHandler& h);
// Runs `h` in a react loop of instance `instance` on `log` until the input is drained; the loop
// (its consumer and producer) is closed on return.
void drain_as(log::Log& log, const config::Config& cfg, react::ReactHandler& h,
              const std::string& instance = "0");
// Every committed record of `topic`.
std::vector<log::Record> read_all(log::Log& log, const std::string& topic);
// key -> the JSON of the aggregate's highest version (JSON so that failures print readably).
std::map<std::string, std::string> latest(const std::vector<core::Aggregate>& aggs);
std::map<std::string, std::string> latest_from_topic(log::Log& log, const config::Config& cfg);
// The batch recomputation: every mention through fresh Windows and AlertEngine; the latest
// aggregates and the sorted alert ids.
std::pair<std::map<std::string, std::string>, std::vector<std::string>> batch(
    const config::Config& cfg, const std::vector<core::Mention>& ms);
void expect_same(const std::map<std::string, std::string>& got,
                 const std::map<std::string, std::string>& want);
// The alerts topic's alert ids, sorted; and "entity:status" in topic order.
std::vector<std::string> alert_ids(log::Log& log, const config::Config& cfg);
std::vector<std::string> alert_statuses(log::Log& log, const config::Config& cfg);

}  // namespace earshot::pipeline::react_testing

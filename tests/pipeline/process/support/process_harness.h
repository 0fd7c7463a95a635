// Test support (process): the stage on an embedded log, and helpers for its outputs and its
// dedup changelog, shared by process_stage_test.cc and process_changelog_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/log/embedded/embedded_log.h"
#include "pipeline/process/dedup_changelog.h"
#include "pipeline/process/process_stage.h"
#include "tests/pipeline/process/support/changelog_records.h"

namespace earshot::pipeline::process {

inline const ProcessTopics kTopics{"posts", "scored", "mentions", "deadletter", "posts.dedup"};

inline std::string post_json(const std::string& uid, const std::string& text,
                             bool deleted = false) {
  core::Post p;
  p.uid = uid;
  p.source = "mastodon";
  p.url = "https://mastodon.example/@a/" + uid;
  p.created_at = "2026-11-23T10:00:00Z";
  p.author = {"a1", "@a@mastodon.example", "A", std::nullopt};
  p.text = text;
  p.deleted = deleted;
  return codec::encode(p);
}

struct Harness {
  std::unique_ptr<log::Log> log = std::move(*log::embedded::EmbeddedLog::open("", 1));
  std::unique_ptr<Enricher> enricher;
  Harness() {
    auto config = config::parse_config(
        "entities:\n"
        "  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n"
        "  - {id: globex, name: Globex, kind: company, aliases: [\"Globex\"]}\n",
        "test.yaml", "");
    EXPECT_TRUE(config) << config.error().message;
    auto e = Enricher::build(&*config, "default");
    EXPECT_TRUE(e) << e.error().message;
    enricher = std::move(*e);
  }
  void write(const std::vector<std::string>& values) {
    auto p = std::move(*log->producer({}));
    for (const auto& v : values) ASSERT_TRUE(p->produce("posts", "", v));
    ASSERT_TRUE(p->flush(std::chrono::seconds(5)));
  }
  void write_changelog(const std::vector<std::pair<std::string, std::string>>& records) {
    auto p = std::move(*log->producer({}));
    for (const auto& [k, v] : records) ASSERT_TRUE(p->produce(kTopics.dedup, k, v));
    ASSERT_TRUE(p->flush(std::chrono::seconds(5)));
  }
  // Runs a fresh stage (as a restarted process would) until the input is consumed.
  void run(ProcessCounters& counters) {
    ProcessStage stage(*enricher, kTopics, 2, &counters);
    EXPECT_TRUE(stage.restore(*log));
    run_with(stage);
  }
  // Runs `stage` (restored by the caller) until the input is consumed.
  void run_with(ProcessStage& stage) {
    auto loop = log::TransactionalLoop::create(*log, {.group = "process",
                                                      .inputs = {"posts"},
                                                      .transactional_id = "p-0",
                                                      .batch_size = 100,
                                                      .poll_timeout = std::chrono::milliseconds(20),
                                                      .on_committed = {}});
    EXPECT_TRUE(loop);
    for (int idle = 0; idle < 3;) {
      auto n = (*loop)->step(stage);
      EXPECT_TRUE(n);
      idle = (n && *n == 0) ? idle + 1 : 0;
    }
  }
  std::vector<log::Record> read(const std::string& topic) {
    auto c = std::move(*log->consumer({.group = "", .topics = {topic}, .on_revoke = {}}));
    std::vector<log::Record> out;
    for (;;) {
      auto b = c->poll(1000, std::chrono::milliseconds(10));
      for (auto& r : *b) out.push_back(std::move(r));
      if (b->empty() && c->at_end()) return out;
    }
  }
};

namespace dc = dedup_changelog;

inline std::vector<core::Mention> retractions(const std::vector<log::Record>& mentions) {
  std::vector<core::Mention> out;
  for (const auto& r : mentions) {
    auto m = codec::decode_mention(r.value);
    EXPECT_TRUE(m) << m.error().message;
    if (m && m->retract) out.push_back(*m);
  }
  return out;
}

// How many retracting mentions `out` holds.
inline std::size_t retracted(const log::Output& out) {
  std::size_t n = 0;
  for (const auto& r : out.records) {
    if (r.topic == "mentions") n += codec::decode_mention(r.value)->retract ? 1 : 0;
  }
  return n;
}

inline log::Record post_record(const std::string& json, std::int64_t offset) {
  return {"posts", 0, offset, "", json, 0};
}

}  // namespace earshot::pipeline::process

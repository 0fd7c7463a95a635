// The process stage on the embedded log: outputs, dedup across restarts, platform deletes,
// near-duplicates and dead letters.
#include "pipeline/process/process_stage.h"

#include <gtest/gtest.h>

#include <atomic>
#include <utility>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/log/embedded/embedded_log.h"
#include "pipeline/process/dedup_changelog.h"
#include "tests/pipeline/log/support/lagging_log.h"

namespace earshot::pipeline::process {
namespace {

const ProcessTopics kTopics{"posts", "scored", "mentions", "deadletter", "posts.dedup"};

std::string post_json(const std::string& uid, const std::string& text, bool deleted = false) {
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

TEST(ProcessStage, ScoresLinksAndDeadLettersInInputOrder) {
  Harness h;
  h.write({post_json("u1", "Acme Air lost my bag and nobody answers"),
           "{\"v\":1,\"uid\":", post_json("u2", "Globex support was fantastic today, thank you")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.scored, 2u);
  EXPECT_EQ(c.dead_letters, 1u);
  auto scored = h.read("scored");
  ASSERT_EQ(scored.size(), 2u);
  auto first = codec::decode_scored(scored[0].value);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->post.uid, "u1");
  EXPECT_EQ(scored[0].key, "u1");
  EXPECT_EQ(first->sentiment.label, sentiment::Label::negative);
  ASSERT_EQ(first->entities.size(), 1u);
  EXPECT_EQ(first->entities[0].id, "acme-air");
  auto mentions = h.read("mentions");
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].key, "acme-air");
  auto dead = codec::decode_deadletter(h.read("deadletter").at(0).value);
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->original, "{\"v\":1,\"uid\":");
  EXPECT_EQ(dead->topic, "posts");
  EXPECT_EQ(dead->offset, 1);
}

TEST(ProcessStage, DropsExactDuplicatesAcrossRestarts) {
  Harness h;
  h.write({post_json("u1", "Acme Air was on time"), post_json("u1", "Acme Air was on time")});
  ProcessCounters first;
  h.run(first);
  EXPECT_EQ(first.duplicates, 1u);
  h.write({post_json("u1", "Acme Air was on time"), post_json("u2", "Globex is fine")});
  ProcessCounters second;
  h.run(second);  // a new stage restores the dedup set from the changelog
  EXPECT_EQ(second.duplicates, 1u);
  EXPECT_EQ(second.scored, 1u);
  EXPECT_EQ(h.read("scored").size(), 2u);
}

TEST(ProcessStage, PlatformDeleteRetractsEveryMention) {
  Harness h;
  h.write({post_json("u1", "Acme Air and Globex both lost my luggage, awful")});
  ProcessCounters before;
  h.run(before);
  h.write({post_json("u1", "", /*deleted=*/true)});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.deletes, 1u);
  auto mentions = h.read("mentions");
  ASSERT_EQ(mentions.size(), 4u);  // two mentions, then two retractions
  for (std::size_t i = 2; i < 4; ++i) {
    auto m = codec::decode_mention(mentions[i].value);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_TRUE(m->retract);
    EXPECT_EQ(m->created_at, "2026-11-23T10:00:00Z");
    EXPECT_EQ(m->sentiment.label, sentiment::Label::negative);
  }
  auto scored = h.read("scored");
  ASSERT_EQ(scored.size(), 2u);
  EXPECT_TRUE(codec::decode_scored(scored[1].value)->post.deleted);
}

TEST(ProcessStage, FlagsNearDuplicates) {
  Harness h;
  h.write(
      {post_json("u1", "Acme Air cancelled my flight to Oslo again and the refund never came"),
       post_json("u2",
                 "Acme Air cancelled my flight to Oslo again and the refund never came @acmeair"),
       post_json("u3", "Globex fixed the router quickly, friendly staff on the phone")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.near_duplicates, 1u);
  auto scored = h.read("scored");
  ASSERT_EQ(scored.size(), 3u);
  auto second = codec::decode_scored(scored[1].value);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->flags, std::vector<std::string>{"near_duplicate"});
  EXPECT_TRUE(codec::decode_scored(scored[2].value)->flags.empty());
}

// ---- The dedup changelog ----------------------------------------------------------------

namespace dc = dedup_changelog;

std::string batch_record(std::uint64_t writer, std::uint64_t seq,
                         const std::vector<std::pair<std::string, std::string>>& entries) {
  dc::BatchWriter w;
  w.start(writer, seq);
  for (const auto& [uid, value] : entries) w.add(uid, value);
  return w.finish();
}

std::vector<core::Mention> retractions(const std::vector<log::Record>& mentions) {
  std::vector<core::Mention> out;
  for (const auto& r : mentions) {
    auto m = codec::decode_mention(r.value);
    EXPECT_TRUE(m) << m.error().message;
    if (m && m->retract) out.push_back(*m);
  }
  return out;
}

TEST(ProcessStage, WritesOneChangelogRecordPerPartitionPerBatch) {
  Harness h;
  h.write({post_json("u1", "Acme Air was on time"), post_json("u2", "Globex is fine"),
           post_json("u3", "Acme Air lost my bag")});
  ProcessCounters c;
  h.run(c);
  auto log = h.read(kTopics.dedup);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].key, "posts:0:0");
  dc::Batch b;
  ASSERT_TRUE(dc::decode(log[0].value, b));
  ASSERT_EQ(b.entries.size(), 3u);
  EXPECT_EQ(b.entries[0].uid, "u1");
  EXPECT_EQ(b.entries[2].uid, "u3");
  EXPECT_TRUE(b.entries[2].value.starts_with("2026-11-23T10:00:00Z"));
}

TEST(ProcessStage, RestoresFromAnOldPerUidChangelog) {
  Harness h;
  h.write_changelog({{"u1",
                      "2026-11-23T10:00:00Z\x1f"
                      "a1\x1f"
                      "acme-air\x1e"
                      "company\x1e"
                      "negative\x1e"
                      "-0.750000\x1e"
                      "0"},
                     {"u9",
                      "2026-11-23T10:00:00Z\x1f"
                      "a1"},
                     {"u9", "!"},
                     {"u5",
                      "2026-11-23T10:00:00Z\x1f"
                      "a1\x1f"
                      "globex\x1e"
                      "company\x1e"
                      "negative\x1e"
                      "not-a-number\x1e"
                      "0"}});
  h.write({post_json("u1", "Acme Air was on time"), post_json("u9", "Globex is fine"),
           post_json("u1", "", true), post_json("u5", "", true),
           post_json("u2", "Globex is fine")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.duplicates, 2u);  // u1, and u9 (deleted before)
  EXPECT_EQ(c.deletes, 2u);
  EXPECT_EQ(c.scored, 1u);
  auto r = retractions(h.read("mentions"));
  ASSERT_EQ(r.size(), 1u);  // u5's value does not parse: no retraction, no crash
  EXPECT_EQ(r[0].post_uid, "u1");
  EXPECT_EQ(r[0].entity, "acme-air");
  EXPECT_EQ(r[0].sentiment.label, sentiment::Label::negative);
  EXPECT_FLOAT_EQ(r[0].sentiment.score, -0.75f);
}

TEST(ProcessStage, RestoresFromBatchChangelogAfterRestart) {
  Harness h;
  h.write({post_json("u1", "Acme Air and Globex both lost my luggage, awful"),
           post_json("u2", "Globex is fine")});
  ProcessCounters first;
  h.run(first);
  ASSERT_EQ(first.scored, 2u);
  ASSERT_TRUE(dc::is_batch(h.read(kTopics.dedup).at(0).value));
  h.write({post_json("u1", "Acme Air and Globex both lost my luggage, awful"),
           post_json("u1", "", true)});
  ProcessCounters second;
  h.run(second);  // restored from batch records
  EXPECT_EQ(second.duplicates, 1u);
  EXPECT_EQ(second.deletes, 1u);
  auto r = retractions(h.read("mentions"));
  ASSERT_EQ(r.size(), 2u);
  for (const auto& m : r) {
    EXPECT_EQ(m.post_uid, "u1");
    EXPECT_EQ(m.created_at, "2026-11-23T10:00:00Z");
    EXPECT_EQ(m.sentiment.label, sentiment::Label::negative);
  }
  h.write({post_json("u1", "", true), post_json("u1", "Acme Air again")});
  ProcessCounters third;
  h.run(third);  // the delete came back from the changelog: nothing to do
  EXPECT_EQ(third.deletes, 0u);
  EXPECT_EQ(third.duplicates, 1u);
  EXPECT_EQ(retractions(h.read("mentions")).size(), 2u);
}

TEST(ProcessStage, DeleteWinsWhateverOrderTheChangelogIsReadIn) {
  Harness h;
  // The delete of u1 comes before its post (they were in different changelog partitions).
  h.write_changelog({{"posts:0:7", batch_record(5, 2, {{"u1", "!"}})},
                     {"posts:0:0", batch_record(5, 1,
                                                {{"u1",
                                                  "2026-11-23T10:00:00Z\x1f"
                                                  "a1\x1f"
                                                  "acme-air\x1e"
                                                  "company\x1e"
                                                  "negative\x1e"
                                                  "-0.5\x1e"
                                                  "0"}})}});
  h.write({post_json("u1", "", true)});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.deletes, 0u);
  EXPECT_TRUE(h.read("mentions").empty());
}

TEST(ProcessStage, SkipsCorruptChangelogRecords) {
  Harness h;
  std::string good = batch_record(77, 1,
                                  {{"u5",
                                    "2026-11-23T10:00:00Z\x1f"
                                    "a1"}});
  std::string truncated = batch_record(77, 2,
                                       {{"u6",
                                         "2026-11-23T10:00:00Z\x1f"
                                         "a1"}});
  truncated.resize(truncated.size() - 3);
  h.write_changelog({{"posts:0:0", std::string(1, dc::kBatchFormat)},  // header cut off
                     {"posts:0:1", truncated},
                     {"posts:0:2", good + "trailing"},
                     {"posts:0:3", good}});
  h.write({post_json("u5", "Acme Air was on time"), post_json("u6", "Globex is fine")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.changelog_skipped, 3u);
  EXPECT_EQ(c.duplicates, 1u);  // u5, from the good record
  EXPECT_EQ(c.scored, 1u);      // u6's record was skipped
}

// The library never prints: what it recovered from goes to ProcessOptions::on_warning.
TEST(ProcessStage, ReportsCorruptChangelogRecordsThroughOnWarning) {
  Harness h;
  h.write_changelog({{"posts:0:0", std::string(1, dc::kBatchFormat)},
                     {"posts:0:1", batch_record(77, 1,
                                                {{"u5",
                                                  "2026-11-23T10:00:00Z\x1f"
                                                  "a1"}})}});
  std::vector<std::string> warnings;
  ProcessCounters c;
  ProcessStage stage(
      *h.enricher, kTopics,
      {.threads = 1, .on_warning = [&](std::string_view w) { warnings.emplace_back(w); }}, &c);
  ASSERT_TRUE(stage.restore(*h.log));
  EXPECT_EQ(c.changelog_skipped, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("offset 0 (key \"posts:0:0\")"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("record skipped (1 so far)"), std::string::npos) << warnings[0];
}

// How many retracting mentions `out` holds.
std::size_t retracted(const log::Output& out) {
  std::size_t n = 0;
  for (const auto& r : out.records) {
    if (r.topic == "mentions") n += codec::decode_mention(r.value)->retract ? 1 : 0;
  }
  return n;
}

log::Record post_record(const std::string& json, std::int64_t offset) {
  return {"posts", 0, offset, "", json, 0};
}

// The previous owner's last committed batch is read before the first batch of a partition
// this instance did not own, even when a non-blocking poll has not fetched it yet.
TEST(ProcessStage, ANewlyOwnedPartitionWaitsForThePreviousOwnersChangelog) {
  Harness h;
  ProcessCounters ca, cb;
  ProcessStage a(*h.enricher, kTopics, 1, &ca);
  ProcessStage b(*h.enricher, kTopics, 1, &cb);
  testing::LaggingLog lagging(*h.log);
  ASSERT_TRUE(a.restore(*h.log));
  ASSERT_TRUE(b.restore(lagging));  // both start from an empty changelog
  h.write({post_json("u1", "Acme Air lost my bag and nobody answers")});
  h.run_with(a);
  ASSERT_EQ(ca.scored, 1u);
  log::Output out;  // the partition moves to B and u1 comes again
  ASSERT_TRUE(
      b.handle({post_record(post_json("u1", "Acme Air lost my bag and nobody answers"), 1)}, out));
  b.on_commit();
  EXPECT_EQ(cb.duplicates, 1u);
  EXPECT_EQ(cb.scored, 0u);
}

TEST(ProcessStage, CatchUpAppliesAnotherInstancesRecords) {
  Harness h;
  ProcessCounters ca, cb;
  ProcessStage a(*h.enricher, kTopics, 1, &ca);
  ProcessStage b(*h.enricher, kTopics, 1, &cb);
  ASSERT_TRUE(a.restore(*h.log));
  ASSERT_TRUE(b.restore(*h.log));  // both start from an empty changelog
  h.write({post_json("u1", "Acme Air lost my bag and nobody answers")});
  h.run_with(a);
  ASSERT_EQ(ca.scored, 1u);
  // B now gets u1 (a rebalance handed it the partition, and the post came again): the
  // changelog record A committed tells it u1 is known, and what its mentions were.
  log::Output out;
  ASSERT_TRUE(
      b.handle({post_record(post_json("u1", "Acme Air lost my bag and nobody answers"), 1)}, out));
  b.on_commit();
  EXPECT_EQ(cb.duplicates, 1u);
  EXPECT_EQ(cb.scored, 0u);
  EXPECT_TRUE(out.records.empty());
  log::Output del;
  ASSERT_TRUE(b.handle({post_record(post_json("u1", "", true), 2)}, del));
  b.on_commit();
  EXPECT_EQ(cb.deletes, 1u);
  EXPECT_EQ(retracted(del), 1u);
}

TEST(ProcessStage, AbortUndoesTheBatchsDedupChanges) {
  Harness h;
  ProcessCounters c;
  ProcessStage s(*h.enricher, kTopics, 1, &c);
  log::Output first;
  ASSERT_TRUE(s.handle({post_record(post_json("u1", "Acme Air lost my bag"), 0)}, first));
  s.on_commit();
  log::Output aborted;
  ASSERT_TRUE(s.handle({post_record(post_json("u2", "Globex is fine"), 1),
                        post_record(post_json("u2", "Globex is fine"), 2),
                        post_record(post_json("u1", "", true), 3)},
                       aborted));
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.deletes, 1u);
  s.on_abort();
  log::Output again;  // the same batch, read again after the rewind
  ASSERT_TRUE(s.handle({post_record(post_json("u2", "Globex is fine"), 1),
                        post_record(post_json("u2", "Globex is fine"), 2),
                        post_record(post_json("u1", "", true), 3)},
                       again));
  s.on_commit();
  EXPECT_EQ(c.duplicates, 2u);
  EXPECT_EQ(c.deletes, 2u);  // u1's value was restored: the delete retracts again
  EXPECT_EQ(again.records.size(), aborted.records.size());
  EXPECT_EQ(retracted(again), 1u);
}

// A batch read again after an abort must come out as it would have the first time: the
// near-duplicate index forgets what the aborted batch added (else every post of the replayed
// batch matches itself and is flagged near_duplicate).
TEST(ProcessStage, AnAbortedBatchIsHandledAgainWithTheSameOutputs) {
  Harness h;
  ProcessCounters c;
  ProcessStage s(*h.enricher, kTopics, 1, &c);
  const std::string refund = "Acme Air cancelled my flight to Oslo again and the refund never came";
  log::Output first;
  ASSERT_TRUE(s.handle({post_record(post_json("u1", refund), 0)}, first));
  s.on_commit();
  const std::vector<log::Record> batch{
      post_record(post_json("u2", "Globex fixed the router quickly, friendly staff"), 1),
      post_record(post_json("u3", refund + " @acmeair"), 2),
      post_record(post_json("u4", "Lovely evening at the harbour with the kids"), 3)};
  log::Output aborted;
  ASSERT_TRUE(s.handle(batch, aborted));
  EXPECT_EQ(c.near_duplicates, 1u);  // u3 repeats u1
  s.on_abort();
  log::Output again;
  ASSERT_TRUE(s.handle(batch, again));
  s.on_commit();
  EXPECT_EQ(c.near_duplicates, 2u);  // u3 again, and nothing else
  ASSERT_EQ(again.records.size(), aborted.records.size());
  for (std::size_t i = 0; i < again.records.size(); ++i) {
    if (again.records[i].topic == kTopics.dedup) continue;  // carries the batch sequence
    EXPECT_EQ(again.records[i].topic, aborted.records[i].topic);
    EXPECT_EQ(again.records[i].key, aborted.records[i].key);
    EXPECT_EQ(again.records[i].value, aborted.records[i].value) << "record " << i;
  }
}

}  // namespace
}  // namespace earshot::pipeline::process

// The process stage on the embedded log: outputs, dedup across restarts, platform deletes,
#include "pipeline/process/process_stage.h"

#include <gtest/gtest.h>

#include <atomic>
#include <utility>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/log/embedded/embedded_log.h"
#include "pipeline/process/dedup_changelog.h"
#include "tests/pipeline/log/support/lagging_log.h"
#include "tests/pipeline/process/support/process_harness.h"

namespace earshot::pipeline::process {
namespace {

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

// Issue 17 (`earshot reprocess`): a post `select` refuses produces nothing at all — no
// scored record, no mention, no dedup record — and is counted; every mention (retractions
// included) carries `model_version`.
TEST(ProcessStage, SelectSkipsPostsAndModelVersionIsStampedOnMentions) {
  Harness h;
  core::Post late;
  late.uid = "u3";
  late.source = "mastodon";
  late.url = "https://mastodon.example/@a/u3";
  late.created_at = "2026-11-24T10:00:00Z";
  late.author = {"a1", "@a@mastodon.example", "A", std::nullopt};
  late.text = "Acme Air again";
  h.write({post_json("u1", "Acme Air lost my luggage"), codec::encode(late),
           post_json("u2", "Globex is fine")});
  ProcessCounters c;
  ProcessStage stage(*h.enricher, kTopics,
                     {.threads = 2,
                      .select = [](const core::Post& p) { return p.created_at < "2026-11-24"; },
                      .model_version = "v-test"},
                     &c);
  ASSERT_TRUE(stage.restore(*h.log));
  h.run_with(stage);
  EXPECT_EQ(c.not_selected, 1u);
  auto scored = h.read("scored");
  ASSERT_EQ(scored.size(), 2u);
  for (const auto& r : scored) EXPECT_NE(r.key, "u3");
  auto mentions = h.read("mentions");
  ASSERT_EQ(mentions.size(), 2u);
  for (const auto& r : mentions) EXPECT_EQ(codec::decode_mention(r.value)->model_version, "v-test");

  h.write({post_json("u1", "", /*deleted=*/true)});
  h.run_with(stage);
  auto after = h.read("mentions");
  ASSERT_EQ(after.size(), 3u);
  auto retraction = codec::decode_mention(after[2].value);
  ASSERT_TRUE(retraction);
  EXPECT_TRUE(retraction->retract);
  EXPECT_EQ(retraction->model_version, "v-test");

  // u3 left no dedup record: a stage without `select` (restored from the changelog) takes it.
  h.write({codec::encode(late)});
  ProcessCounters plain;
  h.run(plain);
  EXPECT_EQ(plain.duplicates, 0u);
  EXPECT_EQ(plain.scored, 1u);
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

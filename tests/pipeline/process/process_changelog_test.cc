// The process stage and its dedup changelog: one record per input partition per batch, restore
// from either format, a delete wins, corrupt records are counted and reported.
#include "pipeline/process/process_stage.h"

#include <gtest/gtest.h>

#include <utility>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/log/embedded/embedded_log.h"
#include "pipeline/process/dedup_changelog.h"
#include "tests/pipeline/process/support/process_harness.h"

namespace earshot::pipeline::process {
namespace {

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

}  // namespace
}  // namespace earshot::pipeline::process

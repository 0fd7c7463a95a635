// DedupStore: the uid set with its undo log, the changelog records it writes, and the
// changelog read back (restore, catch-up, own records, fresh partitions, corrupt records).
#include "pipeline/process/dedup_store.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/log/embedded/embedded_log.h"
#include "tests/pipeline/process/support/changelog_records.h"
#include "tests/pipeline/log/support/lagging_log.h"

namespace earshot::pipeline::process {
namespace {

namespace dc = dedup_changelog;

const std::string kTopic = "posts.dedup";
const std::string kValue =
    "2026-11-23T10:00:00Z\x1f"
    "a1\x1f"
    "acme-air\x1e"
    "company\x1e"
    "negative\x1e"
    "-0.5\x1e"
    "0";

log::Record in(std::int64_t offset, std::int32_t partition = 0) {
  return {"posts", partition, offset, "", "", 0};
}

// An in-memory embedded log holding the changelog.
struct Changelog {
  std::unique_ptr<log::Log> log = std::move(*log::embedded::EmbeddedLog::open("", 1));
  void write(const std::vector<std::pair<std::string, std::string>>& records) {
    auto p = std::move(*log->producer({}));
    for (const auto& [k, v] : records) ASSERT_TRUE(p->produce(kTopic, k, v));
    ASSERT_TRUE(p->flush(std::chrono::seconds(5)));
  }
  void write(const log::Output& out) {
    std::vector<std::pair<std::string, std::string>> records;
    for (const auto& r : out.records) records.emplace_back(r.key, r.value);
    write(records);
  }
};

std::string value_of(const DedupStore& s, std::string_view uid) {
  const std::string* v = s.find(uid);
  return v ? *v : "<unknown>";
}

TEST(DedupStore, ARepeatedUidIsRefusedAndChangesNothing) {
  DedupStore s({.topic = kTopic});
  log::Output out;
  s.begin();
  EXPECT_TRUE(s.add(in(0), "u1", std::string(kValue), out));
  std::string again = "another value";
  EXPECT_FALSE(s.add(in(1), "u1", std::move(again), out));
  EXPECT_EQ(again, "another value");  // not moved from
  EXPECT_EQ(value_of(s, "u1"), kValue);
  s.flush(out);
  s.commit();
  ASSERT_EQ(out.records.size(), 1u);
  dc::Batch b;
  ASSERT_TRUE(dc::decode(out.records[0].value, b));
  ASSERT_EQ(b.entries.size(), 1u);  // the repeat staged nothing
  EXPECT_EQ(b.entries[0].uid, "u1");
  EXPECT_EQ(b.entries[0].value, kValue);
}

TEST(DedupStore, RollbackRestoresTheSetTheBatchMet) {
  DedupStore s({.topic = kTopic});
  log::Output first;
  s.begin();
  ASSERT_TRUE(s.add(in(0), "u1", std::string(kValue), first));
  s.flush(first);
  s.commit();
  log::Output aborted;
  s.begin();
  EXPECT_TRUE(s.add(in(1), "u2", "v2", aborted));
  s.mark_deleted(in(2), "u1", aborted);  // a known uid
  s.mark_deleted(in(3), "u3", aborted);  // an unknown one
  EXPECT_EQ(value_of(s, "u1"), "!");
  EXPECT_EQ(s.size(), 3u);
  s.rollback();
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(value_of(s, "u1"), kValue);
  EXPECT_EQ(s.find("u2"), nullptr);
  EXPECT_EQ(s.find("u3"), nullptr);
  log::Output again;  // the batch comes again and is taken as new
  s.begin();
  EXPECT_TRUE(s.add(in(1), "u2", "v2", again));
  s.mark_deleted(in(2), "u1", again);
  s.flush(again);
  s.commit();
  EXPECT_EQ(value_of(s, "u1"), "!");
  EXPECT_EQ(value_of(s, "u2"), "v2");
  ASSERT_EQ(again.records.size(), 1u);  // nothing of the rolled-back batch is left to flush
  dc::Batch b;
  ASSERT_TRUE(dc::decode(again.records[0].value, b));
  EXPECT_EQ(b.entries.size(), 2u);
}

TEST(DedupStore, WritesOneRecordPerPartitionPerBatch) {
  DedupStore s({.topic = kTopic});
  log::Output out;
  s.begin();
  ASSERT_TRUE(s.add(in(5, 0), "u1", std::string(kValue), out));
  ASSERT_TRUE(s.add(in(6, 1), "u2", "v2", out));
  s.mark_deleted(in(7, 0), "u3", out);
  EXPECT_TRUE(out.records.empty());  // staged until flush()
  s.flush(out);
  s.commit();
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[0].topic, kTopic);
  EXPECT_EQ(out.records[0].key, "posts:0:5");  // partition and first offset: unique keys
  EXPECT_EQ(out.records[1].key, "posts:1:6");
  dc::Batch b;
  ASSERT_TRUE(dc::decode(out.records[0].value, b));
  EXPECT_EQ(b.writer, s.writer_id());
  EXPECT_EQ(b.sequence, 1u);
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].uid, "u1");
  EXPECT_EQ(b.entries[1].uid, "u3");
  EXPECT_EQ(b.entries[1].value, "!");
  log::Output next;
  s.begin();
  ASSERT_TRUE(s.add(in(8, 0), "u4", "v4", next));
  s.flush(next);
  ASSERT_TRUE(dc::decode(next.records.at(0).value, b));
  EXPECT_EQ(b.sequence, 2u);
}

TEST(DedupStore, SplitsARecordPastItsSizeLimit) {
  DedupStore s({.topic = kTopic});
  log::Output out;
  s.begin();
  const std::string big(300, 'v');
  for (int i = 0; i < 2000; ++i)
    ASSERT_TRUE(s.add(in(i), "u" + std::to_string(i), std::string(big), out));
  EXPECT_FALSE(out.records.empty());  // a full record goes out as soon as it is full
  s.flush(out);
  ASSERT_GE(out.records.size(), 2u);
  std::set<std::string> keys, uids;
  for (const auto& r : out.records) {
    keys.insert(r.key);
    EXPECT_LT(r.value.size(), 300u * 1024);
    dc::Batch b;
    ASSERT_TRUE(dc::decode(r.value, b));
    ASSERT_FALSE(b.entries.empty());
    EXPECT_EQ(r.key,
              "posts:0:" + std::string(b.entries[0].uid.substr(1)));  // keyed by its first post
    for (const auto& e : b.entries) uids.insert(std::string(e.uid));
  }
  EXPECT_EQ(keys.size(), out.records.size());
  EXPECT_EQ(uids.size(), 2000u);
}

TEST(DedupStore, EvictsTheOldestCommittedUidsPastItsCapacity) {
  DedupStore s({.topic = kTopic, .capacity = 2});
  log::Output out;
  s.begin();
  for (std::string uid : {"u1", "u2", "u3"}) ASSERT_TRUE(s.add(in(0), uid, "v", out));
  EXPECT_EQ(s.size(), 3u);  // nothing is evicted while the batch is open
  s.commit();
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.find("u1"), nullptr);
  EXPECT_NE(s.find("u2"), nullptr);
  EXPECT_NE(s.find("u3"), nullptr);
}

// The bound over many batches: never more than `capacity` committed uids, the newest kept in
// arrival order, and no new uid of 200,000 ever refused as a duplicate (a false drop).
TEST(DedupStore, KeepsTheNewestCapacityUidsOverALongRunWithNoFalseDrops) {
  constexpr std::size_t kCapacity = 1000, kTotal = 200'000, kBatch = 250;
  DedupStore s({.topic = kTopic, .capacity = kCapacity});
  log::Output out;
  for (std::size_t i = 0; i < kTotal;) {
    s.begin();
    for (std::size_t n = 0; n < kBatch; ++n, ++i) {
      ASSERT_TRUE(s.add(in(static_cast<std::int64_t>(i)), "bluesky:u" + std::to_string(i),
                        "v" + std::to_string(i), out))
          << "a new uid was taken for a duplicate: " << i;
    }
    s.flush(out);
    s.commit();
    out.records.clear();
    ASSERT_EQ(s.size(), std::min(i, kCapacity));
  }
  for (std::size_t i = kTotal - kCapacity; i < kTotal; i += 7) {
    EXPECT_EQ(value_of(s, "bluesky:u" + std::to_string(i)), "v" + std::to_string(i));
  }
  EXPECT_EQ(s.find("bluesky:u" + std::to_string(kTotal - kCapacity - 1)), nullptr);
  EXPECT_EQ(s.find("bluesky:u0"), nullptr);
  // A forgotten uid is new again.
  s.begin();
  EXPECT_TRUE(s.add(in(0), "bluesky:u0", "again", out));
  s.commit();
  EXPECT_EQ(s.size(), kCapacity);
}

TEST(DedupStore, RestorePastItsCapacityKeepsTheLastUidsRead) {
  Changelog c;
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 30; ++i) entries.emplace_back("u" + std::to_string(i), "v");
  c.write({{"posts:0:0", batch_record(5, 1, entries)}});
  DedupStore s({.topic = kTopic, .capacity = 10});
  ASSERT_TRUE(s.restore(*c.log));
  EXPECT_EQ(s.size(), 10u);
  EXPECT_EQ(s.find("u19"), nullptr);
  for (int i = 20; i < 30; ++i) EXPECT_NE(s.find("u" + std::to_string(i)), nullptr) << i;
}

TEST(DedupStore, RestoreReadsBothFormatsAndADeleteWinsInAnyOrder) {
  Changelog c;
  c.write({{"u1", kValue},  // the per-uid format
           {"u9", kValue},
           {"u9", "!"},
           {"posts:0:7", batch_record(5, 2, {{"u2", "!"}})},  // read before the post it deletes
           {"posts:0:0", batch_record(5, 1, {{"u2", kValue}, {"u4", "v4"}})}});
  DedupStore s({.topic = kTopic});
  ASSERT_TRUE(s.restore(*c.log));
  EXPECT_EQ(value_of(s, "u1"), kValue);
  EXPECT_EQ(value_of(s, "u9"), "!");
  EXPECT_EQ(value_of(s, "u2"), "!");
  EXPECT_EQ(value_of(s, "u4"), "v4");
  EXPECT_EQ(s.skipped(), 0u);
}

TEST(DedupStore, CatchUpAppliesOtherWritersAndSkipsItsOwnRecords) {
  Changelog c;
  DedupStore s({.topic = kTopic});
  ASSERT_TRUE(s.restore(*c.log));
  ASSERT_TRUE(s.catch_up({in(0)}));  // posts:0 is owned from now on
  c.write({{"posts:0:1", batch_record(s.writer_id() + 1, 1, {{"theirs", "v1"}})},
           // Ours, of a batch that committed: its changes are in the set since commit().
           {"posts:0:2", batch_record(s.writer_id(), 1, {{"ours", "v2"}})}});
  ASSERT_TRUE(s.catch_up({in(3)}));
  EXPECT_EQ(value_of(s, "theirs"), "v1");
  EXPECT_EQ(s.find("ours"), nullptr);
}

// A batch rolled back because its commit timed out may have committed after all: its record
// is then applied, not skipped as our own.
TEST(DedupStore, ARolledBackBatchThatCommittedAfterAllIsApplied) {
  Changelog c;
  DedupStore s({.topic = kTopic});
  ASSERT_TRUE(s.restore(*c.log));
  ASSERT_TRUE(s.catch_up({in(0)}));
  log::Output out;
  s.begin();
  ASSERT_TRUE(s.add(in(0), "u1", std::string(kValue), out));
  s.flush(out);
  s.rollback();
  ASSERT_EQ(s.find("u1"), nullptr);
  c.write(out);  // the transaction went through
  ASSERT_TRUE(s.catch_up({in(1)}));
  EXPECT_EQ(value_of(s, "u1"), kValue);
}

TEST(DedupStore, CorruptRecordsAreCountedAndReportedNotFatal) {
  Changelog c;
  const std::string good = batch_record(77, 1, {{"u5", "v5"}});
  std::string truncated = batch_record(77, 2, {{"u6", "v6"}});
  truncated.resize(truncated.size() - 3);
  c.write({{"posts:0:0", std::string(1, dc::kBatchFormat)},  // header cut off
           {"posts:0:1", truncated},
           {"posts:0:2", good + "trailing"},
           {"posts:0:3", good}});
  std::vector<std::string> warnings;
  DedupStore s(
      {.topic = kTopic, .on_warning = [&](std::string_view w) { warnings.emplace_back(w); }});
  ASSERT_TRUE(s.restore(*c.log));
  EXPECT_EQ(s.skipped(), 3u);
  EXPECT_EQ(value_of(s, "u5"), "v5");
  EXPECT_EQ(s.find("u6"), nullptr);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_TRUE(warnings[0].starts_with(
      "dedup changelog posts.dedup partition 0 offset 0 (key \"posts:0:0\"): "))
      << warnings[0];
  EXPECT_TRUE(warnings[2].ends_with("; record skipped (3 so far)")) << warnings[2];
  DedupStore quiet({.topic = kTopic});  // no callback: counted only
  ASSERT_TRUE(quiet.restore(*c.log));
  EXPECT_EQ(quiet.skipped(), 3u);
}

TEST(DedupStore, WarnsForTheFirstTenCorruptRecordsOnly) {
  Changelog c;
  std::vector<std::pair<std::string, std::string>> corrupt;
  for (int i = 0; i < 25; ++i)
    corrupt.emplace_back("posts:0:" + std::to_string(i), std::string(1, dc::kBatchFormat));
  c.write(corrupt);
  int warnings = 0;
  DedupStore s({.topic = kTopic, .on_warning = [&](std::string_view) { ++warnings; }});
  ASSERT_TRUE(s.restore(*c.log));
  EXPECT_EQ(s.skipped(), 25u);
  EXPECT_EQ(warnings, 10);
}

// A non-blocking poll may not have fetched the previous owner's last record yet (LaggingLog:
// it never has); the first batch from a partition not owned before reads to the end.
TEST(DedupStore, AFreshPartitionReadsTheChangelogToItsEndFirst) {
  Changelog c;
  testing::LaggingLog lagging(*c.log);
  DedupStore s({.topic = kTopic});
  ASSERT_TRUE(s.restore(lagging));
  ASSERT_TRUE(s.catch_up({in(0, 0)}));
  c.write({{"posts:1:0", batch_record(s.writer_id() + 1, 1, {{"u1", kValue}})}});
  ASSERT_TRUE(s.catch_up({in(1, 0)}));  // posts:0 is owned: a non-blocking poll, which lags
  EXPECT_EQ(s.find("u1"), nullptr);
  ASSERT_TRUE(s.catch_up({in(2, 0), in(0, 1)}));  // posts:1 is new
  EXPECT_EQ(value_of(s, "u1"), kValue);
}

TEST(DedupStore, ARevokedPartitionIsFreshAgain) {
  Changelog c;
  testing::LaggingLog lagging(*c.log);
  DedupStore s({.topic = kTopic});
  ASSERT_TRUE(s.restore(lagging));
  ASSERT_TRUE(s.catch_up({in(0, 0)}));
  c.write({{"posts:0:9", batch_record(s.writer_id() + 1, 1, {{"u1", kValue}})}});
  s.on_revoked({{"posts", 0}});
  ASSERT_TRUE(s.catch_up({in(1, 0)}));
  EXPECT_EQ(value_of(s, "u1"), kValue);
}

}  // namespace
}  // namespace earshot::pipeline::process

// UidTable: the compact uid → value table behind DedupStore — insertion order, eviction from
// the front, rollback from the back, the index after many erasures, and its memory bound.
#include "pipeline/process/uid_table.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

namespace earshot::pipeline::process {
namespace {

std::string uid_of(std::uint64_t i) { return "bluesky:at://did:plc:u" + std::to_string(i); }
std::string value_of(std::uint64_t i) { return "2026-12-07T05:00:00Z\x1f" + std::to_string(i * 7); }

TEST(UidTable, FindsWhatWasPushedWithItsValueAndFlag) {
  UidTable t(1);
  auto a = t.push_back(t.key("a"), "va", false);
  auto b = t.push_back(t.key("b"), {}, true);
  EXPECT_EQ(b, a + 1);
  ASSERT_EQ(t.find(t.key("a")), a);
  ASSERT_EQ(t.find(t.key("b")), b);
  EXPECT_FALSE(t.find(t.key("c")));
  EXPECT_EQ(t.value(a), "va");
  EXPECT_FALSE(t.deleted(a));
  EXPECT_TRUE(t.deleted(b));
  t.set_deleted(a, true);
  EXPECT_TRUE(t.deleted(a));
  EXPECT_EQ(t.value(a), "va");
}

TEST(UidTable, DifferentSeedsGiveDifferentKeys) {
  EXPECT_NE(UidTable(1).key("x"), UidTable(2).key("x"));
  EXPECT_NE(UidTable(1).key("x"), UidTable(1).key("y"));
}

// A sliding window of `window` uids over 300,000: every uid in the window is found with its
// value, every uid evicted is not (the index stays consistent through wraps and erasures),
// and a post never seen is never taken for a known one.
TEST(UidTable, SlidingWindowKeepsExactlyTheNewestUids) {
  constexpr std::uint64_t kWindow = 5000, kTotal = 300'000;
  UidTable t(7);
  for (std::uint64_t i = 0; i < kTotal; ++i) {
    ASSERT_FALSE(t.find(t.key(uid_of(i)))) << "a new uid matched a kept one: " << i;
    t.push_back(t.key(uid_of(i)), value_of(i), false);
    if (t.size() > kWindow) t.pop_front();
    ASSERT_LE(t.size(), kWindow);
    if (i % 997 == 0) {
      for (std::uint64_t j = (i >= kWindow ? i - kWindow + 1 : 0); j <= i; j += 13) {
        auto seq = t.find(t.key(uid_of(j)));
        ASSERT_TRUE(seq) << j;
        EXPECT_EQ(t.value(*seq), value_of(j));
      }
      if (i >= kWindow) {
        ASSERT_FALSE(t.find(t.key(uid_of(i - kWindow)))) << i;
      }
    }
  }
  EXPECT_EQ(t.front_seq(), kTotal - kWindow);
  // Bounded: the ring and index are sized for the window, the arena frees old chunks.
  EXPECT_LT(t.memory_bytes(), kWindow * (64 + 30) + 2 * 64 * 1024);
}

TEST(UidTable, PopBackUndoesTheNewestEntriesAndReusesTheirBytes) {
  UidTable t(3);
  for (int i = 0; i < 10; ++i) t.push_back(t.key(uid_of(i)), value_of(i), false);
  std::size_t bytes = 0;
  for (int round = 0; round < 1000; ++round) {
    if (round == 1) bytes = t.memory_bytes();  // after the ring grew for the first batch
    for (int i = 10; i < 20; ++i) t.push_back(t.key(uid_of(i)), value_of(i), false);
    for (int i = 10; i < 20; ++i) t.pop_back();
  }
  EXPECT_EQ(t.size(), 10u);
  EXPECT_EQ(t.memory_bytes(), bytes);  // rolled-back bytes are reused, the ring kept its size
  for (int i = 0; i < 10; ++i) {
    auto seq = t.find(t.key(uid_of(i)));
    ASSERT_TRUE(seq);
    EXPECT_EQ(t.value(*seq), value_of(i));
  }
  for (int i = 10; i < 20; ++i) EXPECT_FALSE(t.find(t.key(uid_of(i))));
}

TEST(UidTable, GrowsPastAnyBatchAndKeepsSequenceNumbers) {
  UidTable t(5);
  std::unordered_map<std::string, std::uint64_t> seqs;
  for (int i = 0; i < 100; ++i) seqs[uid_of(i)] = t.push_back(t.key(uid_of(i)), value_of(i), false);
  for (int i = 0; i < 40; ++i) t.pop_front();  // head_ moves off 0 before the ring grows
  for (int i = 100; i < 5000; ++i) {
    seqs[uid_of(i)] = t.push_back(t.key(uid_of(i)), value_of(i), false);
  }
  for (int i = 40; i < 5000; ++i) {
    auto seq = t.find(t.key(uid_of(i)));
    ASSERT_TRUE(seq) << i;
    EXPECT_EQ(*seq, seqs[uid_of(i)]);
    EXPECT_EQ(t.value(*seq), value_of(i));
  }
}

TEST(UidTable, ALargeValueGetsItsOwnChunk) {
  UidTable t(9);
  const std::string big(200 * 1024, 'x');
  auto a = t.push_back(t.key("small"), "s", false);
  auto b = t.push_back(t.key("big"), big, false);
  auto c = t.push_back(t.key("after"), "c", false);
  EXPECT_EQ(t.value(a), "s");
  EXPECT_EQ(t.value(b), big);
  EXPECT_EQ(t.value(c), "c");
}

}  // namespace
}  // namespace earshot::pipeline::process

// NearDuplicates: the window of fingerprints, held to the decisions of a plain reference
// version, and its staged rollback.
#include "pipeline/process/near_duplicates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

namespace earshot::pipeline::process {
namespace {

TEST(NearDuplicates, NearTextsAreFoundAndDistinctTextsAreNot) {
  NearDuplicates nd(100);
  EXPECT_FALSE(
      nd.check_and_add("Acme Air cancelled my flight to Oslo again and the refund never came"));
  EXPECT_TRUE(nd.check_and_add(
      "Acme Air cancelled my flight to Oslo again and the refund never came @acmeair"));
  EXPECT_FALSE(nd.check_and_add("Globex fixed the router quickly, friendly staff on the phone"));
}

TEST(NearDuplicates, RepeatsLeaveTheWindowOneCopyAtATime) {
  NearDuplicates nd(2);
  const std::uint64_t a = 0x0123456789ABCDEFull;
  const std::uint64_t far = ~a;  // 64 bits away from a, and from the others below
  EXPECT_FALSE(nd.check_and_add_hash(a));
  EXPECT_TRUE(nd.check_and_add_hash(a));                       // window: a a
  EXPECT_FALSE(nd.check_and_add_hash(far));                    // window: a far (one a left)
  EXPECT_TRUE(nd.check_and_add_hash(a ^ 0b101));               // 2 bits from the a still there
  EXPECT_FALSE(nd.check_and_add_hash(0x00FF00FF00FF00FFull));  // window: a^5, 0x00FF...
  EXPECT_FALSE(nd.check_and_add_hash(0xF0F0F0F0F0F0F0F0ull));  // every a-like copy is gone
  EXPECT_FALSE(nd.check_and_add_hash(a));
}

TEST(NearDuplicates, ABotWaveOfIdenticalPostsIsOneFingerprint) {
  // 60,000 copies through a 50,000-post window: each is a near-duplicate of the ones before,
  // and the window keeps one entry per band for them (the old multimap scanned every copy).
  NearDuplicates nd(50000);
  const std::uint64_t wave = 0x5DEECE66DCAFEF00ull;
  EXPECT_FALSE(nd.check_and_add_hash(wave));
  std::size_t dups = 0;
  for (int i = 1; i < 60000; ++i) dups += nd.check_and_add_hash(wave) ? 1 : 0;
  EXPECT_EQ(dups, 59999u);
  EXPECT_TRUE(nd.check_and_add_hash(wave ^ (1ull << 40)));     // a variant of the wave
  EXPECT_FALSE(nd.check_and_add_hash(0x1111222233334444ull));  // something else
}

// The window as first written (maps of band → fingerprints), to hold the flat tables to the
// same decisions.
class ReferenceWindow {
 public:
  ReferenceWindow(std::size_t capacity, int max_distance)
      : capacity_(capacity ? capacity : 1), d_(max_distance) {}
  bool check_and_add_hash(std::uint64_t h) {
    if (h == 0) return false;
    auto [copy, first] = copies_.try_emplace(h, 0);
    bool found = !first;
    for (int band = 0; band < 4 && !found; ++band) {
      for (std::uint64_t other : bands_[key(band, h)])
        found = found || std::popcount(other ^ h) <= d_;
    }
    ++copy->second;
    if (first) {
      for (int band = 0; band < 4; ++band) bands_[key(band, h)].push_back(h);
    }
    ring_.push_back(h);
    if (ring_.size() > capacity_) {
      const std::uint64_t old = ring_.front();
      ring_.erase(ring_.begin());
      if (--copies_[old] == 0) {
        copies_.erase(old);
        for (int band = 0; band < 4; ++band) std::erase(bands_[key(band, old)], old);
      }
    }
    return found;
  }

 private:
  static std::uint32_t key(int band, std::uint64_t h) {
    return (static_cast<std::uint32_t>(band) << 16) |
           static_cast<std::uint32_t>((h >> (16 * band)) & 0xFFFF);
  }
  std::size_t capacity_;
  int d_;
  std::vector<std::uint64_t> ring_;
  std::unordered_map<std::uint64_t, std::uint32_t> copies_;
  std::unordered_map<std::uint32_t, std::vector<std::uint64_t>> bands_;
};

TEST(NearDuplicates, SameDecisionsAsTheReferenceWindow) {
  // Streams built to collide: shared bands, repeats, one- and few-bit variants, fingerprints
  // that differ only in bits a small window's band keys ignore, and zeros (never remembered).
  for (std::size_t capacity : {0u, 1u, 2u, 7u, 64u, 300u, 5000u}) {
    for (int d : {0, 3, 6}) {
      NearDuplicates nd(capacity, d);
      ReferenceWindow ref(capacity, d);
      std::mt19937_64 rng(capacity * 10 + static_cast<std::size_t>(d));
      std::vector<std::uint64_t> seen;
      for (int i = 0; i < 20000; ++i) {
        std::uint64_t h = rng();
        switch (rng() % 8) {
          case 0:
            h &= 0xFFFF00000000FFFFull;
            break;
          case 1:
            h = (rng() % 40) * 0x0001000100010001ull;
            break;
          case 2:
            if (!seen.empty()) h = seen[rng() % seen.size()];
            break;
          case 3:
            if (!seen.empty())
              h = seen[rng() % seen.size()] ^ (1ull << (rng() % 64)) ^ (1ull << (rng() % 64));
            break;
          case 4:
            if (!seen.empty())
              h = seen[seen.size() - 1 - rng() % std::min<std::size_t>(seen.size(), 10)];
            break;
          case 5:
            h = (h & 0xFF00FF00FF00FF00ull) | 0x0011002200330044ull;
            break;
          case 6:
            if (rng() % 50 == 0) h = 0;
            break;
          default:
            break;
        }
        seen.push_back(h);
        ASSERT_EQ(nd.check_and_add_hash(h), ref.check_and_add_hash(h))
            << capacity << " " << d << " " << i;
      }
    }
  }
}

// Staged: a rolled-back batch leaves the window exactly as it was, including what its adds
// evicted from a full ring, so the same batch gets the same decisions when it comes again.
TEST(NearDuplicates, RollbackRestoresTheWindowTheBatchMet) {
  for (std::size_t capacity : {1u, 3u, 8u, 50u}) {
    NearDuplicates staged(capacity, 3, true);
    NearDuplicates reference(capacity, 3);
    std::mt19937_64 rng(capacity);
    std::vector<std::uint64_t> pool;  // some repeats and near neighbours, some fresh
    for (int i = 0; i < 40; ++i) pool.push_back(rng() | 1);
    const auto pick = [&] {
      const std::uint64_t h = pool[rng() % pool.size()];
      return rng() % 3 == 0 ? h ^ (std::uint64_t{1} << (rng() % 64)) : h;
    };
    for (int round = 0; round < 60; ++round) {
      std::vector<std::uint64_t> batch;
      for (int i = 0, n = 1 + static_cast<int>(rng() % 12); i < n; ++i) batch.push_back(pick() | 1);
      std::vector<bool> first, again, want;
      for (auto h : batch) first.push_back(staged.check_and_add_hash(h));
      staged.rollback();
      for (auto h : batch) again.push_back(staged.check_and_add_hash(h));
      staged.commit();
      for (auto h : batch) want.push_back(reference.check_and_add_hash(h));
      ASSERT_EQ(first, want) << "capacity " << capacity << " round " << round;
      ASSERT_EQ(again, want) << "capacity " << capacity << " round " << round;
    }
  }
}

}  // namespace
}  // namespace earshot::pipeline::process

// earshot::pipeline::process — the compact table behind DedupStore (dedup_store.h): post uids
// remembered by a 128-bit hash, each with its dedup value, in insertion order.
//
// Why: an unordered_map<string, string> plus a deque of key pointers cost ~262 bytes per uid
// (bench/RESULTS.md, issue 18); the dedup store keeps up to process.dedup_capacity of them. This
// table keeps per uid 32 bytes of entry (the hash, where the value lies, a deleted flag), 8 bytes
// of index at load ≤ 1/2 and the value's bytes in an append-only arena of 64 KiB chunks — about
// 40 bytes plus the value, with no allocation per uid.
//
//   - Entries sit in a ring in insertion order, numbered by a sequence number that never
//     changes; the oldest is dropped with pop_front() (eviction), the newest with pop_back()
//     (a rolled-back batch). Values are appended to the arena in the same order, so dropping
//     the oldest entries frees whole chunks.
//   - The index is open addressing with linear probing over ring slots (backward-shift
//     deletion, no tombstones), rebuilt when the ring grows.
//   - The uid itself is not kept: two uids whose 128-bit hashes are equal are the same uid
//     here. XXH3-128 with a random per-process seed (the table is rebuilt from the changelog's
//     uids at every start, so the seed need not persist). With n uids kept, one lookup of a new
//     uid matches a kept one with probability about n / 2^128: 2e6 / 3.4e38 ≈ 6e-33; at
//     10,000 posts/s for 100 years (3.2e13 lookups) the chance of ever dropping a genuine post
//     as a duplicate is ≈ 2e-19. (A 64-bit hash would give 2e6 / 1.8e19 ≈ 1e-13 per lookup,
//     ≈ 1 expected false drop per 10^13 posts — too close for a sink of record.)
//
//   UidTable t;
//   auto k = t.key("bluesky:at://did:plc:x/app.bsky.feed.post/3k");
//   if (!t.find(k)) t.push_back(k, value, /*deleted=*/false);
//   while (t.size() > capacity) t.pop_front();
//
// Thread safety: not thread-safe. Lifetime: a value() view is valid until the entry is popped.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace earshot::pipeline::process {

class UidTable {
 public:
  struct Key {
    std::uint64_t lo = 0, hi = 0;
    bool operator==(const Key&) const = default;
  };

  UidTable();                             // random seed
  explicit UidTable(std::uint64_t seed);  // fixed seed (tests)

  Key key(std::string_view uid) const;

  // The sequence number of the entry with `key`, or nullopt.
  std::optional<std::uint64_t> find(const Key& key) const;
  // Appends an entry (the caller knows `key` is not in the table) and returns its sequence
  // number: one more than the last one pushed.
  std::uint64_t push_back(const Key& key, std::string_view value, bool deleted);
  void pop_front();  // drops the oldest entry (no-op when empty)
  void pop_back();   // drops the newest entry (no-op when empty)

  // Of a live entry `seq` (front_seq() ≤ seq < front_seq() + size()).
  std::string_view value(std::uint64_t seq) const;
  bool deleted(std::uint64_t seq) const;
  void set_deleted(std::uint64_t seq, bool deleted);

  std::size_t size() const { return count_; }
  std::uint64_t front_seq() const { return front_seq_; }
  // Bytes held: ring, index and arena chunks (allocated capacity, not just what is used).
  std::size_t memory_bytes() const;

 private:
  struct Entry {
    Key key;
    std::uint64_t chunk = 0;   // arena chunk number (monotone)
    std::uint32_t offset = 0;  // in that chunk
    std::uint32_t size = 0;    // value bytes; top bit = deleted
  };
  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0, used = 0;
  };
  static constexpr std::uint32_t kDeletedBit = 0x8000'0000u;

  Entry& at(std::uint64_t seq);
  const Entry& at(std::uint64_t seq) const;
  std::size_t slot_of(std::uint64_t seq) const;  // index_ position holding entry `seq`
  void erase_slot(std::size_t pos);
  void grow();
  void rebuild_index();
  void release_chunks();

  std::uint64_t seed_;
  std::vector<Entry> ring_;  // entries, oldest at ring_[head_]
  std::size_t head_ = 0, count_ = 0;
  std::uint64_t front_seq_ = 0;       // sequence number of ring_[head_]
  std::vector<std::uint32_t> index_;  // ring slot + 1; 0 = empty
  std::deque<Chunk> chunks_;          // the arena; chunks_.front() is number first_chunk_
  std::uint64_t first_chunk_ = 0;
  std::uint64_t next_chunk_ = 0;  // number of the next chunk appended
};

}  // namespace earshot::pipeline::process

#include "pipeline/process/uid_table.h"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

namespace earshot::pipeline::process {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kMinRing = 16;

std::uint64_t random_seed() {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd() ^
         static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace

UidTable::UidTable() : UidTable(random_seed()) {}
UidTable::UidTable(std::uint64_t seed) : seed_(seed) {}

UidTable::Key UidTable::key(std::string_view uid) const {
  const XXH128_hash_t h = XXH3_128bits_withSeed(uid.data(), uid.size(), seed_);
  return {h.low64, h.high64};
}

UidTable::Entry& UidTable::at(std::uint64_t seq) {
  return ring_[(head_ + (seq - front_seq_)) % ring_.size()];
}
const UidTable::Entry& UidTable::at(std::uint64_t seq) const {
  return ring_[(head_ + (seq - front_seq_)) % ring_.size()];
}

std::optional<std::uint64_t> UidTable::find(const Key& key) const {
  if (count_ == 0) return std::nullopt;
  const std::size_t mask = index_.size() - 1;
  for (std::size_t p = key.lo & mask;; p = (p + 1) & mask) {
    const std::uint32_t s = index_[p];
    if (s == 0) return std::nullopt;
    if (ring_[s - 1].key == key) {
      const std::size_t from_head = (s - 1 + ring_.size() - head_) % ring_.size();
      return front_seq_ + from_head;
    }
  }
}

std::uint64_t UidTable::push_back(const Key& key, std::string_view value, bool deleted) {
  if (count_ == ring_.size()) grow();
  // The arena: a value goes at the end of the last chunk, or starts a new one.
  if (chunks_.empty() || chunks_.back().used + value.size() > chunks_.back().capacity) {
    const std::size_t cap = std::max(kChunkBytes, value.size());
    if (chunks_.empty()) first_chunk_ = next_chunk_;
    chunks_.push_back({std::make_unique_for_overwrite<char[]>(cap), cap, 0});
    ++next_chunk_;
  }
  Chunk& c = chunks_.back();
  const std::size_t slot = (head_ + count_) % ring_.size();
  Entry& e = ring_[slot];
  e.key = key;
  e.chunk = next_chunk_ - 1;
  e.offset = static_cast<std::uint32_t>(c.used);
  e.size = static_cast<std::uint32_t>(value.size()) | (deleted ? kDeletedBit : 0u);
  if (!value.empty()) std::memcpy(c.data.get() + c.used, value.data(), value.size());
  c.used += value.size();

  const std::size_t mask = index_.size() - 1;
  std::size_t p = key.lo & mask;
  while (index_[p] != 0) p = (p + 1) & mask;
  index_[p] = static_cast<std::uint32_t>(slot + 1);
  return front_seq_ + count_++;
}

std::size_t UidTable::slot_of(std::uint64_t seq) const {
  const std::size_t slot = (head_ + (seq - front_seq_)) % ring_.size();
  const std::size_t mask = index_.size() - 1;
  std::size_t p = ring_[slot].key.lo & mask;
  while (index_[p] != slot + 1) p = (p + 1) & mask;
  return p;
}

// Backward-shift deletion: entries after the hole that may move into it (their home slot is
// not cyclically within (hole, their position]) do, so probing never meets a false gap.
void UidTable::erase_slot(std::size_t pos) {
  const std::size_t mask = index_.size() - 1;
  std::size_t hole = pos;
  index_[hole] = 0;
  for (std::size_t j = (hole + 1) & mask; index_[j] != 0; j = (j + 1) & mask) {
    const std::size_t home = ring_[index_[j] - 1].key.lo & mask;
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    index_[hole] = index_[j];
    index_[j] = 0;
    hole = j;
  }
}

void UidTable::pop_front() {
  if (count_ == 0) return;
  erase_slot(slot_of(front_seq_));
  head_ = (head_ + 1) % ring_.size();
  --count_;
  ++front_seq_;
  release_chunks();
}

void UidTable::pop_back() {
  if (count_ == 0) return;
  const std::uint64_t seq = front_seq_ + count_ - 1;
  const Entry e = at(seq);
  erase_slot(slot_of(seq));
  --count_;
  // Its bytes were the last appended: give them back to the arena.
  if (e.chunk + 1 == next_chunk_ && !chunks_.empty()) chunks_.back().used = e.offset;
  release_chunks();
}

// Frees the oldest chunks no live entry points into (entries point into chunks in order).
void UidTable::release_chunks() {
  if (count_ == 0) {
    chunks_.clear();
    return;
  }
  const std::uint64_t oldest = at(front_seq_).chunk;
  while (!chunks_.empty() && first_chunk_ < oldest) {
    chunks_.pop_front();
    ++first_chunk_;
  }
}

std::string_view UidTable::value(std::uint64_t seq) const {
  const Entry& e = at(seq);
  const Chunk& c = chunks_[e.chunk - first_chunk_];
  return {c.data.get() + e.offset, e.size & ~kDeletedBit};
}

bool UidTable::deleted(std::uint64_t seq) const { return (at(seq).size & kDeletedBit) != 0; }

void UidTable::set_deleted(std::uint64_t seq, bool deleted) {
  Entry& e = at(seq);
  e.size = deleted ? (e.size | kDeletedBit) : (e.size & ~kDeletedBit);
}

// Doubles the ring (keeping sequence numbers) and rebuilds the index at load ≤ 1/2.
void UidTable::grow() {
  std::vector<Entry> bigger(std::max(kMinRing, ring_.size() * 2));
  for (std::size_t i = 0; i < count_; ++i) bigger[i] = ring_[(head_ + i) % ring_.size()];
  ring_ = std::move(bigger);
  head_ = 0;
  rebuild_index();
}

void UidTable::rebuild_index() {
  std::size_t n = 1;
  while (n < ring_.size() * 2) n <<= 1;
  index_.assign(n, 0);
  const std::size_t mask = n - 1;
  for (std::size_t i = 0; i < count_; ++i) {
    std::size_t p = ring_[i].key.lo & mask;  // head_ is 0 here
    while (index_[p] != 0) p = (p + 1) & mask;
    index_[p] = static_cast<std::uint32_t>(i + 1);
  }
}

std::size_t UidTable::memory_bytes() const {
  std::size_t n = ring_.capacity() * sizeof(Entry) + index_.capacity() * sizeof(std::uint32_t);
  for (const auto& c : chunks_) n += c.capacity;
  return n;
}

}  // namespace earshot::pipeline::process

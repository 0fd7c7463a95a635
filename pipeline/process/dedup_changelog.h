// earshot::pipeline::process — the dedup changelog's record formats (dedup_store.h writes
// and reads them) and the dedup value they carry per post uid.
//
// The changelog (a compacted topic) tells a restarted or newly assigned `process` which post
// uids it has already handled, and for each one what its mentions were (so that a platform
// delete can retract them). Two record formats share the topic:
//
//   per-uid (the first format, still read):  key = uid, value = the dedup value, or "!" once
//     the post was deleted. The value never starts with a byte below 0x20 (it starts with
//     the post's RFC 3339 created_at, or is "!").
//   batch (written now): one record per input partition per batch, so a batch of 1 000 posts
//     costs ~3 changelog records instead of 1 000:
//       key   = "<posts topic>:<partition>:<offset of the first post it covers>"  (unique, so
//               compaction never drops one batch record in favour of another)
//       value = 0x01                       format byte
//               writer   8 bytes LE        the writing ProcessStage instance (random)
//               sequence 8 bytes LE        that instance's batch number
//               count    4 bytes LE        number of entries
//               count × { varint uid length, uid, varint value length, value }
//     A value is a dedup value as above, or "!" for a delete; deletes travel in the same
//     record as the posts of their batch. Nothing may follow the last entry.
//
// Because batch keys are unique, the entries of one uid may sit in different changelog
// partitions and be read in any order; readers make "!" win over a value (a uid once deleted
// stays deleted), which is what the writer does too, so the order does not matter.
//
//   dedup_changelog::BatchWriter w;
//   w.start(writer_id, seq);
//   w.add("mastodon:1", value);
//   w.add("mastodon:2", "!");
//   producer.produce(topic, key, w.finish());
//   ...
//   dedup_changelog::Batch b;
//   if (auto st = dedup_changelog::decode(record.value, b); !st) { /* skip, warn */ }
//   for (auto& e : b.entries) remember(e.uid, e.value);
//
// The dedup value of a post: created_at, 0x1F, the author (id, else handle), then per entity
// 0x1F id 0x1E kind 0x1E label 0x1E score 0x1E derived ("1"/"0"); separator bytes inside a
// field become spaces. It holds what a platform delete needs to retract the post's mentions:
//
//   std::string v = dedup_changelog::post_value(scored);      // when the post is handled
//   dedup_changelog::retractions(uid, v, deleted_post, ms);   // when its delete comes
//
// Thread safety: plain values; a BatchWriter is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::process::dedup_changelog {

inline constexpr char kBatchFormat = '\x01';
inline constexpr std::size_t kHeaderSize = 1 + 8 + 8 + 4;

// True when `value` is a batch record (it starts with the format byte); anything else is a
// per-uid record.
inline bool is_batch(std::string_view value) { return !value.empty() && value[0] == kBatchFormat; }

// Builds one batch record value, entry by entry. The buffer keeps its capacity across
// batches only when the caller does not take it (finish() hands it over).
class BatchWriter {
 public:
  // Starts a new record (drops anything added since the last finish()).
  void start(std::uint64_t writer, std::uint64_t sequence, std::size_t reserve = 0);
  void add(std::string_view uid, std::string_view value);
  std::uint32_t count() const { return count_; }
  std::size_t bytes() const { return buf_.size(); }
  // The finished value; the writer is empty afterwards until start().
  std::string finish();

 private:
  std::string buf_;
  std::uint32_t count_ = 0;
};

struct Entry {
  std::string_view uid, value;  // views into the decoded record's value
};

struct Batch {
  std::uint64_t writer = 0;
  std::uint64_t sequence = 0;
  std::vector<Entry> entries;
};

// Reads the header only (writer, sequence); `out.entries` is left empty. kInvalidArgument
// when `value` is not a batch record or is shorter than its header.
core::Status decode_header(std::string_view value, Batch& out);

// Decodes a whole batch record into `out` (whose entries view `value`, which must outlive
// them; `out.entries` is reused). kInvalidArgument, naming what is wrong, for a record that
// is not a batch, is truncated, has lengths past its end, a count that does not match, or
// bytes after the last entry. Nothing is half-decoded: on error `out.entries` is empty.
core::Status decode(std::string_view value, Batch& out);

// The value remembered for a deleted uid.
inline constexpr std::string_view kDeleted = "!";
// True for the value of a deleted uid (it starts with '!'; a post's value never does).
inline bool is_deleted(std::string_view value) { return !value.empty() && value[0] == '!'; }

// The dedup value of a scored post (format above).
std::string post_value(const core::ScoredPost& scored);

// Appends to `out` one retracting Mention per entity of `value`, the dedup value of `uid`,
// for its platform delete `deleted` (which gives the source): the original event time,
// author, label, score and derived flag, model "retract", retract = true. An entity whose
// fields do not parse (a corrupt value) is skipped.
void retractions(const std::string& uid, std::string_view value, const core::Post& deleted,
                 std::vector<core::Mention>& out);

// Edits (issue 14). A post's dedup value ends with its version: a field 'v' <revision> 0x1E
// <edited_at> 0x1E <text hash>. A value written before (no such field) is revision 0, never
// edited, text unknown. retractions() skips the field (it has 3 parts, an entity 5).
struct Version {
  std::uint32_t rev = 0;
  std::string edited_at;  // "" = never edited
  std::string text_hash;  // text_hash() of the text; "" = unknown
};
// FNV-1a 64 of `text` as 16 hex digits: the same on every machine and build.
std::string text_hash(std::string_view text);
Version version_of(std::string_view value);
// `value` (a dedup value) with its version field replaced by (or set to) `v`.
std::string with_version(std::string_view value, const Version& v);
// Whether `post`, of a uid whose dedup value is `known`, is a newer version of it: not when
// the uid is deleted; yes when its edited_at is later than the known one (unset counts as
// earliest); no when earlier; when equal, yes only if the known text hash is set and differs
// from `hash` (platforms without edited_at). An identical repeat is never an edit.
bool is_edit(std::string_view known, const core::Post& post, std::string_view hash);

}  // namespace earshot::pipeline::process::dedup_changelog

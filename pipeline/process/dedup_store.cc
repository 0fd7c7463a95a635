#include "pipeline/process/dedup_store.h"
#include "pipeline/core/status.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <utility>

namespace earshot::pipeline::process {
namespace {

// Changelog records of one input partition are split past this size, well under the broker's
// default max.message.bytes (1 MiB) even before compression.
constexpr std::size_t kMaxChangelogRecord = 256 * 1024;
constexpr std::size_t kMaxAborted = 1024;

std::uint64_t random_writer_id() {
  std::random_device rd;
  std::uint64_t id = 0;
  while (id == 0) {
    id = (std::uint64_t{rd()} << 32) ^ rd() ^
         static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return id;
}

bool holds(const std::vector<log::TopicPartition>& tps, const log::Record& r) {
  return std::any_of(tps.begin(), tps.end(), [&](const log::TopicPartition& tp) {
    return tp.partition == r.partition && tp.topic == r.topic;
  });
}

std::string record_key(const std::string& topic, std::int32_t partition, std::int64_t first) {
  return topic + ':' + std::to_string(partition) + ':' + std::to_string(first);
}

}  // namespace

DedupStore::DedupStore(Options options)
    : options_(std::move(options)), writer_id_(random_writer_id()) {}

// ---- Reading the changelog back -----------------------------------------------------------

core::Status DedupStore::restore(log::Log& log) {
  auto c = log.consumer({.group = "", .topics = {options_.topic}, .on_revoke = {}});
  EARSHOT_TRY(c);
  changelog_ = std::move(*c);
  return log::read_to_end(
      *changelog_, [&](log::Record& r) { apply(r, /*skip_own=*/false); }, std::chrono::seconds(120),
      "dedup changelog " + options_.topic);
}

core::Status DedupStore::catch_up(const std::vector<log::Record>& batch) {
  // A partition new to this store: its previous owner's last batch may not be fetched yet,
  // so read the changelog to its end before deciding duplicates.
  std::vector<log::TopicPartition> fresh;
  for (const log::Record& r : batch) {
    if (!holds(owned_, r) && !holds(fresh, r)) fresh.push_back({r.topic, r.partition});
  }
  if (!fresh.empty() && changelog_) {
    auto st = log::read_to_end(
        *changelog_, [&](log::Record& r) { apply(r, /*skip_own=*/true); }, std::chrono::seconds(30),
        "dedup changelog " + options_.topic, std::chrono::milliseconds(20));
    if (!st) return st;  // the batch aborts and comes again, still fresh
  } else if (changelog_) {
    auto polled = changelog_->poll(10000, std::chrono::milliseconds(0));
    EARSHOT_TRY(polled);
    for (auto& r : *polled) apply(r, /*skip_own=*/true);
  }
  owned_.insert(owned_.end(), std::make_move_iterator(fresh.begin()),
                std::make_move_iterator(fresh.end()));
  return core::ok();
}

void DedupStore::on_revoked(const std::vector<log::TopicPartition>& partitions) {
  std::erase_if(owned_, [&](const log::TopicPartition& tp) {
    return std::find(partitions.begin(), partitions.end(), tp) != partitions.end();
  });
}

void DedupStore::apply(log::Record& r, bool skip_own) {
  if (!dedup_changelog::is_batch(r.value)) {  // the per-uid format
    remember(r.key, r.value);
    return;
  }
  if (skip_own && dedup_changelog::decode_header(r.value, scratch_) &&
      scratch_.writer == writer_id_) {
    // Our own committed batch: already in seen_ since commit(). A batch we rolled back but
    // that committed after all (a commit timeout) is applied.
    auto it = std::find(aborted_.begin(), aborted_.end(), scratch_.sequence);
    if (it == aborted_.end()) return;
    aborted_.erase(it);
  }
  if (auto st = dedup_changelog::decode(r.value, scratch_); !st) {
    const auto n = ++skipped_;
    if (options_.on_warning && (n <= 10 || n % 1000 == 0)) {
      options_.on_warning("dedup changelog " + r.topic + " partition " +
                          std::to_string(r.partition) + " offset " + std::to_string(r.offset) +
                          " (key \"" + r.key + "\"): " + st.error().message + "; record skipped (" +
                          std::to_string(n) + " so far)");
    }
    return;
  }
  for (const auto& e : scratch_.entries) remember(e.uid, e.value);
  scratch_.entries.clear();
}

void DedupStore::remember(std::string_view uid, std::string_view value) {
  const UidTable::Key key = seen_.key(uid);
  if (auto seq = seen_.find(key)) {
    // A deleted uid stays deleted: batch records of one uid may be read in any order. A
    // known post keeps the value first remembered (one post has one dedup value).
    if (dedup_changelog::is_deleted(value)) {
      seen_.set_deleted(*seq, true);
    } else if (dedup_changelog::version_of(value).rev > 0) {  // an edit: the highest wins
      auto e = edits_.find({key.lo, key.hi});
      const auto have =
          dedup_changelog::version_of(e == edits_.end() ? seen_.value(*seq) : e->second).rev;
      if (dedup_changelog::version_of(value).rev > have) edits_[{key.lo, key.hi}].assign(value);
    }
    return;
  }
  const bool deleted = dedup_changelog::is_deleted(value);
  seen_.push_back(key, deleted ? std::string_view() : value, deleted);
  evict();
}

void DedupStore::evict() {
  // Never the open batch's uids: they are the newest entries and a batch is not evicted into.
  while (seen_.size() > options_.capacity && seen_.size() > undo_.size()) seen_.pop_front();
}

// ---- The open batch --------------------------------------------------------------------------

void DedupStore::begin() {
  ++sequence_;
  open_ = true;
}

const std::string* DedupStore::find(std::string_view uid) const {
  const UidTable::Key key = seen_.key(uid);
  auto seq = seen_.find(key);
  if (!seq) return nullptr;
  if (seen_.deleted(*seq)) {
    found_.assign(dedup_changelog::kDeleted);
  } else {
    auto e = edits_.empty() ? edits_.end() : edits_.find({key.lo, key.hi});
    found_.assign(e != edits_.end() ? std::string_view(e->second) : seen_.value(*seq));
  }
  return &found_;
}

bool DedupStore::add(const log::Record& in, const std::string& uid, std::string&& value,
                     log::Output& out) {
  const UidTable::Key key = seen_.key(uid);
  if (seen_.find(key)) return false;
  if (auto e = edits_.find({key.lo, key.hi}); e != edits_.end()) {  // of an evicted uid
    undo_.push_back({0, false, false, true, key, std::move(e->second)});
    edits_.erase(e);
  }
  stage(in, uid, value, out);
  undo_.push_back({seen_.push_back(key, value, false), true, false});
  return true;
}

void DedupStore::update(const log::Record& in, const std::string& uid, std::string&& value,
                        log::Output& out) {
  stage(in, uid, value, out);
  const UidTable::Key key = seen_.key(uid);
  auto& e = edits_[{key.lo, key.hi}];
  undo_.push_back({0, false, false, true, key, std::exchange(e, std::move(value))});
}

void DedupStore::mark_deleted(const log::Record& in, const std::string& uid, log::Output& out) {
  stage(in, uid, dedup_changelog::kDeleted, out);
  const UidTable::Key key = seen_.key(uid);
  if (auto seq = seen_.find(key)) {
    undo_.push_back({*seq, false, seen_.deleted(*seq)});
    seen_.set_deleted(*seq, true);
  } else {
    undo_.push_back({seen_.push_back(key, {}, true), true, false});
  }
}

void DedupStore::stage(const log::Record& in, std::string_view uid, std::string_view value,
                       log::Output& out) {
  Pending* p = nullptr;
  for (auto& q : pending_) {
    if (q.partition == in.partition && q.topic == in.topic) {
      p = &q;
      break;
    }
  }
  if (p && p->writer.bytes() >= kMaxChangelogRecord) {
    out.emit(options_.topic, record_key(p->topic, p->partition, p->first), p->writer.finish());
    p->first = in.offset;
    p->writer.start(writer_id_, sequence_, kMaxChangelogRecord + 1024);
  }
  if (!p) {
    p = &pending_.emplace_back();
    p->topic = in.topic;
    p->partition = in.partition;
    p->first = in.offset;
    p->writer.start(writer_id_, sequence_,
                    std::min(last_record_bytes_, kMaxChangelogRecord + 1024));
  }
  p->writer.add(uid, value);
}

void DedupStore::flush(log::Output& out) {
  for (auto& p : pending_) {
    last_record_bytes_ = std::max(last_record_bytes_ / 2, p.writer.bytes() + p.writer.bytes() / 8);
    out.emit(options_.topic, record_key(p.topic, p.partition, p.first), p.writer.finish());
  }
  pending_.clear();
}

void DedupStore::commit() {
  undo_.clear();
  pending_.clear();
  open_ = false;
  evict();
}

void DedupStore::rollback() {
  // Newest first: the batch's inserted uids are then always the table's newest entry.
  for (auto u = undo_.rbegin(); u != undo_.rend(); ++u) {
    if (u->edit) {
      if (u->old_edit.empty()) {
        edits_.erase({u->key.lo, u->key.hi});
      } else {
        edits_[{u->key.lo, u->key.hi}] = std::move(u->old_edit);
      }
    } else if (u->inserted) {
      seen_.pop_back();
    } else {
      seen_.set_deleted(u->seq, u->was_deleted);
    }
  }
  undo_.clear();
  pending_.clear();
  if (open_) {
    // Its changelog records stay invisible unless the commit went through after all (a
    // commit timeout); catch_up() then applies them instead of skipping them as our own.
    aborted_.push_back(sequence_);
    if (aborted_.size() > kMaxAborted) aborted_.pop_front();
    open_ = false;
  }
}

}  // namespace earshot::pipeline::process

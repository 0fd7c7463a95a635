#include "pipeline/log/embedded/embedded_log.h"

#include <algorithm>
#include <chrono>

#include "pipeline/core/status.h"
#include "pipeline/log/embedded/embedded_db.h"

namespace earshot::pipeline::log::embedded {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class EmbeddedConsumer final : public log::Consumer {
 public:
  EmbeddedConsumer(std::shared_ptr<Db> db, log::ConsumerOptions options)
      : db_(std::move(db)), options_(std::move(options)) {}

  core::Status join() {
    std::lock_guard lock(db_->mu);
    for (const auto& topic : options_.topics) {
      auto n = db_->partitions_locked(topic);
      EARSHOT_TRY(n);
      for (int p = 0; p < *n; ++p) assignment_.push_back({topic, p});
    }
    if (!options_.group.empty()) {
      Stmt bump = db_->stmt(
          "INSERT INTO groups(grp, generation) VALUES(?1, 1) "
          "ON CONFLICT(grp) DO UPDATE SET generation = generation + 1 RETURNING generation");
      bump.bind(1, options_.group);
      if (bump.step() != SQLITE_ROW)
        return core::fail(core::ErrorCode::kIo, "embedded log: join group: " + bump.error());
      generation_ = bump.int64(0);
    }
    load_committed_locked();
    return core::ok();
  }

  std::int64_t generation() const { return generation_; }
  const std::string& group() const { return options_.group; }

  core::Result<std::vector<log::Record>> poll(std::size_t max_records,
                                              std::chrono::milliseconds timeout) override {
    std::vector<log::Record> out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(db_->mu);
    for (;;) {
      read_locked(max_records, out);
      if (!out.empty() || std::chrono::steady_clock::now() >= deadline) break;
      // Wake on a commit in this process, and re-check now and then for other processes.
      auto wake =
          std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
      db_->committed.wait_until(lock, wake);
    }
    return out;
  }

  bool at_end() const override { return at_end_; }

  core::Status commit(const log::Offsets& offsets) override {
    std::lock_guard lock(db_->mu);
    EARSHOT_TRY(db_->exec("BEGIN IMMEDIATE"));
    core::Status st = commit_offsets_locked(*db_, options_.group, generation_, offsets);
    if (!st) {
      (void)db_->exec("ROLLBACK");
      return st;
    }
    return db_->exec("COMMIT");
  }

  core::Status rewind() override {
    std::lock_guard lock(db_->mu);
    load_committed_locked();
    return core::ok();
  }

  std::vector<log::TopicPartition> assignment() const override { return assignment_; }

  // Every assigned partition: its end offset in SQLite minus this consumer's position.
  core::Result<log::Lag> lag() const override {
    std::lock_guard lock(db_->mu);
    log::Lag out;
    for (const auto& tp : assignment_) {
      auto pos = positions_.find(tp);
      const std::int64_t at = pos == positions_.end() ? 0 : pos->second;
      out[tp] = std::max<std::int64_t>(0, db_->end_offset_locked(tp.topic, tp.partition) - at);
    }
    return out;
  }

  // Writes group offsets inside an open SQLite transaction, checking the generation.
  static core::Status commit_offsets_locked(Db& db, const std::string& group,
                                            std::int64_t generation, const log::Offsets& offsets) {
    if (group.empty())
      return core::fail(core::ErrorCode::kInvalidArgument, "commit needs a consumer group");
    Stmt gen = db.stmt("SELECT generation FROM groups WHERE grp = ?1");
    gen.bind(1, group);
    if (gen.step() != SQLITE_ROW || gen.int64(0) != generation) {
      return core::fail(core::ErrorCode::kFenced,
                        "embedded log: group '" + group + "' has a newer member");
    }
    for (const auto& [tp, offset] : offsets) {
      Stmt up = db.stmt(
          "INSERT INTO group_offsets(grp, topic, partition, offset) VALUES(?1, ?2, ?3, ?4) "
          "ON CONFLICT(grp, topic, partition) DO UPDATE SET offset = excluded.offset");
      up.bind(1, group)
          .bind(2, tp.topic)
          .bind(3, static_cast<std::int64_t>(tp.partition))
          .bind(4, offset);
      if (up.step() != SQLITE_DONE)
        return core::fail(core::ErrorCode::kIo, "embedded log: commit offsets: " + up.error());
    }
    return core::ok();
  }

 private:
  void load_committed_locked() {
    positions_.clear();
    for (const auto& tp : assignment_) {
      std::int64_t pos = 0;
      if (!options_.group.empty()) {
        Stmt q = db_->stmt(
            "SELECT offset FROM group_offsets WHERE grp = ?1 AND topic = ?2 AND partition = ?3");
        q.bind(1, options_.group)
            .bind(2, tp.topic)
            .bind(3, static_cast<std::int64_t>(tp.partition));
        if (q.step() == SQLITE_ROW) pos = q.int64(0);
      }
      positions_[tp] = pos;
    }
    at_end_ = false;
  }

  void read_locked(std::size_t max_records, std::vector<log::Record>& out) {
    bool all_at_end = true;
    for (std::size_t i = 0; i < assignment_.size(); ++i) {
      // Start at a rotating partition so that no partition starves the others.
      const log::TopicPartition& tp = assignment_[(next_ + i) % assignment_.size()];
      std::int64_t& pos = positions_[tp];
      if (out.size() < max_records) {
        Stmt q = db_->stmt(
            "SELECT offset, key, value, ts FROM records WHERE topic = ?1 AND partition = ?2 "
            "AND offset >= ?3 ORDER BY offset LIMIT ?4");
        q.bind(1, tp.topic)
            .bind(2, static_cast<std::int64_t>(tp.partition))
            .bind(3, pos)
            .bind(4, static_cast<std::int64_t>(max_records - out.size()));
        while (q.step() == SQLITE_ROW) {
          log::Record r{tp.topic, tp.partition, q.int64(0), q.blob(1), q.blob(2), q.int64(3)};
          pos = r.offset + 1;
          out.push_back(std::move(r));
        }
      }
      if (pos < db_->end_offset_locked(tp.topic, tp.partition)) all_at_end = false;
    }
    if (!assignment_.empty()) next_ = (next_ + 1) % assignment_.size();
    at_end_ = all_at_end;
  }

  std::shared_ptr<Db> db_;
  log::ConsumerOptions options_;
  std::vector<log::TopicPartition> assignment_;
  std::map<log::TopicPartition, std::int64_t> positions_;
  std::int64_t generation_ = 0;
  std::size_t next_ = 0;
  bool at_end_ = false;
};

class EmbeddedProducer final : public log::Producer {
 public:
  EmbeddedProducer(std::shared_ptr<Db> db, log::ProducerOptions options)
      : db_(std::move(db)), options_(std::move(options)) {}

  core::Status init() {
    if (options_.transactional_id.empty()) return core::ok();
    std::lock_guard lock(db_->mu);
    Stmt bump = db_->stmt(
        "INSERT INTO producers(id, epoch) VALUES(?1, 1) "
        "ON CONFLICT(id) DO UPDATE SET epoch = epoch + 1 RETURNING epoch");
    bump.bind(1, options_.transactional_id);
    if (bump.step() != SQLITE_ROW)
      return core::fail(core::ErrorCode::kIo, "embedded log: init producer: " + bump.error());
    epoch_ = bump.int64(0);
    return core::ok();
  }

  ~EmbeddedProducer() override {
    if (!transactional()) (void)write(/*offsets=*/nullptr);
  }

  core::Status produce(std::string_view topic, std::string_view key,
                       std::string_view value) override {
    if (transactional() && !in_txn_)
      return core::fail(core::ErrorCode::kInvalidArgument, "produce outside a transaction");
    pending_.push_back(
        {std::string(topic), -1, -1, std::string(key), std::string(value), now_ms()});
    if (!transactional() && pending_.size() >= 4096) return write(nullptr);
    return core::ok();
  }

  core::Status flush(std::chrono::milliseconds) override {
    if (transactional()) return core::ok();
    return write(nullptr);
  }

  core::Status begin() override {
    if (!transactional())
      return core::fail(core::ErrorCode::kInvalidArgument, "not a transactional producer");
    if (in_txn_)
      return core::fail(core::ErrorCode::kInvalidArgument, "a transaction is already open");
    in_txn_ = true;
    pending_.clear();
    offsets_.clear();
    return core::ok();
  }

  core::Status send_offsets(const log::Consumer& consumer, const log::Offsets& offsets) override {
    if (!in_txn_)
      return core::fail(core::ErrorCode::kInvalidArgument, "send_offsets outside a transaction");
    const auto* c = dynamic_cast<const EmbeddedConsumer*>(&consumer);
    if (!c)
      return core::fail(core::ErrorCode::kInvalidArgument, "consumer is not from the embedded log");
    group_ = c->group();
    generation_ = c->generation();
    for (const auto& [tp, off] : offsets) offsets_[tp] = off;
    return core::ok();
  }

  core::Status commit() override {
    if (!in_txn_)
      return core::fail(core::ErrorCode::kInvalidArgument, "commit outside a transaction");
    core::Status st = write(offsets_.empty() ? nullptr : &offsets_);
    in_txn_ = false;
    pending_.clear();
    offsets_.clear();
    return st;
  }

  core::Status abort() override {
    in_txn_ = false;
    pending_.clear();
    offsets_.clear();
    return core::ok();
  }

 private:
  bool transactional() const { return !options_.transactional_id.empty(); }

  // Writes pending records (and offsets) in one SQLite transaction.
  core::Status write(const log::Offsets* offsets) {
    if (pending_.empty() && !offsets) return core::ok();
    std::unique_lock lock(db_->mu);
    EARSHOT_TRY(db_->exec("BEGIN IMMEDIATE"));
    core::Status st = write_locked(offsets);
    if (!st) {
      (void)db_->exec("ROLLBACK");
      if (transactional()) pending_.clear();
      return st;
    }
    EARSHOT_TRY(db_->exec("COMMIT"));
    pending_.clear();
    lock.unlock();
    db_->committed.notify_all();
    return core::ok();
  }

  core::Status write_locked(const log::Offsets* offsets) {
    if (transactional()) {
      Stmt q = db_->stmt("SELECT epoch FROM producers WHERE id = ?1");
      q.bind(1, options_.transactional_id);
      if (q.step() != SQLITE_ROW || q.int64(0) != epoch_) {
        return core::fail(core::ErrorCode::kFenced, "embedded log: producer '" +
                                                        options_.transactional_id +
                                                        "' was fenced by a newer instance");
      }
    }
    std::map<log::TopicPartition, std::int64_t> next;
    for (auto& r : pending_) {
      auto n = db_->partitions_locked(r.topic);
      EARSHOT_TRY(n);
      log::TopicPartition tp{r.topic, partition_for(r.key, *n)};
      auto it = next.find(tp);
      if (it == next.end())
        it = next.emplace(tp, db_->end_offset_locked(tp.topic, tp.partition)).first;
      Stmt ins = db_->stmt(
          "INSERT INTO records(topic, partition, offset, key, value, ts) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
      ins.bind(1, r.topic)
          .bind(2, static_cast<std::int64_t>(tp.partition))
          .bind(3, it->second++)
          .bind(4, r.key)
          .bind(5, r.value)
          .bind(6, r.timestamp_ms);
      if (ins.step() != SQLITE_DONE)
        return core::fail(core::ErrorCode::kIo, "embedded log: write: " + ins.error());
    }
    if (offsets)
      return EmbeddedConsumer::commit_offsets_locked(*db_, group_, generation_, *offsets);
    return core::ok();
  }

  std::shared_ptr<Db> db_;
  log::ProducerOptions options_;
  std::int64_t epoch_ = 0;
  bool in_txn_ = false;
  std::vector<log::Record> pending_;
  log::Offsets offsets_;
  std::string group_;
  std::int64_t generation_ = 0;
};

}  // namespace

core::Result<std::unique_ptr<EmbeddedLog>> EmbeddedLog::open(const std::string& path,
                                                             int default_partitions) {
  auto db = Db::open(path, default_partitions);
  EARSHOT_TRY(db);
  return std::unique_ptr<EmbeddedLog>(new EmbeddedLog(std::move(*db)));
}

EmbeddedLog::~EmbeddedLog() = default;

core::Status EmbeddedLog::create_topics(const std::vector<log::TopicSpec>& topics) {
  std::lock_guard lock(db_->mu);
  for (const auto& t : topics) {
    EARSHOT_TRY(db_->partitions_locked(t.name, t.partitions, t.compacted));
  }
  return core::ok();
}

core::Result<std::unique_ptr<log::Producer>> EmbeddedLog::producer(
    const log::ProducerOptions& options) {
  auto p = std::make_unique<EmbeddedProducer>(db_, options);
  EARSHOT_TRY(p->init());
  return std::unique_ptr<log::Producer>(std::move(p));
}

core::Result<std::unique_ptr<log::Consumer>> EmbeddedLog::consumer(
    const log::ConsumerOptions& options) {
  auto c = std::make_unique<EmbeddedConsumer>(db_, options);
  EARSHOT_TRY(c->join());
  return std::unique_ptr<log::Consumer>(std::move(c));
}

std::string EmbeddedLog::describe() const {
  return db_->path.empty() ? "embedded (in memory)" : "embedded " + db_->path;
}

}  // namespace earshot::pipeline::log::embedded

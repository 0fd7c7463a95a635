// earshot::pipeline::log::embedded — the embedded Log: SQLite, in one process or one machine.
//
// For demos, tests and single-machine deployments. Topics, records, consumer-group offsets
// and producer epochs live in SQLite tables: in memory when `path` is empty, otherwise in
// that file (WAL mode), so several earshot processes on one machine can share it.
// A transaction buffers its records and offsets in memory and writes them in one SQLite
// transaction at commit(): readers never see uncommitted data, and a crash before commit
// leaves nothing behind.
//
// Consumer groups: a group has one active member. A new member bumps the group's
// generation; commits from an older member fail with kFenced. Likewise a new producer
// with the same transactional id fences the older one.
//
//   auto log = EmbeddedLog::open("/var/lib/earshot/earshot.db", 3);
//   if (!log) die(log.error().message);
//
// Thread safety: the Log and its producers and consumers share one SQLite connection behind
// a mutex; each Producer/Consumer object is used by one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "pipeline/log/log.h"

namespace earshot::pipeline::log::embedded {

class EmbeddedLog;

struct Db;  // the shared connection and its prepared statements (embedded_log.cc)

class EmbeddedLog final : public log::Log {
 public:
  static core::Result<std::unique_ptr<EmbeddedLog>> open(const std::string& path,
                                                         int default_partitions);
  ~EmbeddedLog() override;

  core::Status create_topics(const std::vector<log::TopicSpec>& topics) override;
  core::Result<std::unique_ptr<log::Producer>> producer(
      const log::ProducerOptions& options) override;
  core::Result<std::unique_ptr<log::Consumer>> consumer(
      const log::ConsumerOptions& options) override;
  std::string describe() const override;

 private:
  explicit EmbeddedLog(std::shared_ptr<Db> db) : db_(std::move(db)) {}
  std::shared_ptr<Db> db_;
};

}  // namespace earshot::pipeline::log::embedded

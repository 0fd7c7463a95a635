// earshot::pipeline::log::embedded — the SQLite connection behind EmbeddedLog (internal).
//
// One connection per EmbeddedLog, shared by its producers and consumers behind `mu`.
// Schema: topics(name, partitions, compacted), records(topic, partition, offset, key, value,
// ts), group_offsets(grp, topic, partition, offset), groups(grp, generation),
// producers(id, epoch). Statements are prepared once and reset after each use.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/log/log.h"

namespace earshot::pipeline::log::embedded {

// A prepared statement, reset when the Stmt is destroyed or rebound.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(s_); }
  std::int64_t int64(int col) { return sqlite3_column_int64(s_, col); }
  std::string blob(int col) {
    const void* p = sqlite3_column_blob(s_, col);
    int n = sqlite3_column_bytes(s_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
  }
  std::string error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
};

struct Db {
  ~Db();
  static core::Result<std::shared_ptr<Db>> open(const std::string& path, int default_partitions);

  core::Status exec(const char* sql);
  Stmt stmt(const char* sql);  // prepared once per distinct sql text
  // Partitions of `topic`, creating it with `default_partitions` when absent. Locks held.
  core::Result<int> partitions_locked(const std::string& topic, int partitions = 0,
                                      bool compacted = false);
  // Next offset to write in a partition (max + 1). Locks held.
  std::int64_t end_offset_locked(const std::string& topic, std::int32_t partition);

  sqlite3* conn = nullptr;
  std::string path;
  int default_partitions = 3;
  std::mutex mu;
  std::condition_variable committed;  // signalled after every commit in this process
  std::map<std::string, sqlite3_stmt*> statements;
  std::map<std::string, int> partition_cache;
};

// Which partition a key goes to (FNV-1a; stable across processes and versions).
std::int32_t partition_for(std::string_view key, int partitions);

}  // namespace earshot::pipeline::log::embedded

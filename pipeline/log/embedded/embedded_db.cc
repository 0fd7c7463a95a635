#include "pipeline/log/embedded/embedded_db.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::log::embedded {

namespace {
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS topics(name TEXT PRIMARY KEY, partitions INTEGER NOT NULL,
                                  compacted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS records(topic TEXT NOT NULL, partition INTEGER NOT NULL,
                                   offset INTEGER NOT NULL, key BLOB, value BLOB, ts INTEGER,
                                   PRIMARY KEY(topic, partition, offset)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_offsets(grp TEXT NOT NULL, topic TEXT NOT NULL,
                                         partition INTEGER NOT NULL, offset INTEGER NOT NULL,
                                         PRIMARY KEY(grp, topic, partition)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS groups(grp TEXT PRIMARY KEY, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS producers(id TEXT PRIMARY KEY, epoch INTEGER NOT NULL);
)sql";
}  // namespace

Db::~Db() {
  for (auto& [sql, s] : statements) sqlite3_finalize(s);
  if (conn) sqlite3_close(conn);
}

core::Result<std::shared_ptr<Db>> Db::open(const std::string& path, int default_partitions) {
  auto db = std::make_shared<Db>();
  db->path = path;
  db->default_partitions = default_partitions > 0 ? default_partitions : 1;
  const std::string target = path.empty() ? ":memory:" : path;
  if (sqlite3_open_v2(target.c_str(), &db->conn,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db->conn ? sqlite3_errmsg(db->conn) : "out of memory";
    return core::fail(core::ErrorCode::kIo, "embedded log: cannot open '" + target + "': " + msg);
  }
  sqlite3_busy_timeout(db->conn, 30000);
  if (!path.empty()) {
    EARSHOT_TRY(db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  }
  EARSHOT_TRY(db->exec(kSchema));
  return db;
}

core::Status Db::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(conn, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return core::fail(core::ErrorCode::kIo, "embedded log: " + msg);
  }
  return core::ok();
}

Stmt Db::stmt(const char* sql) {
  auto it = statements.find(sql);
  if (it == statements.end()) {
    sqlite3_stmt* s = nullptr;
    // Statements are fixed strings of this library: a failure is a programming error that
    // the first test run shows, so it is surfaced by the step() that follows.
    sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    it = statements.emplace(sql, s).first;
  }
  return Stmt(conn, it->second);
}

core::Result<int> Db::partitions_locked(const std::string& topic, int partitions, bool compacted) {
  if (auto it = partition_cache.find(topic); it != partition_cache.end()) return it->second;
  {
    Stmt q = stmt("SELECT partitions FROM topics WHERE name = ?1");
    q.bind(1, topic);
    if (q.step() == SQLITE_ROW) {
      int n = static_cast<int>(q.int64(0));
      partition_cache[topic] = n;
      return n;
    }
  }
  int n = partitions > 0 ? partitions : default_partitions;
  Stmt ins = stmt("INSERT OR IGNORE INTO topics(name, partitions, compacted) VALUES(?1, ?2, ?3)");
  ins.bind(1, topic)
      .bind(2, static_cast<std::int64_t>(n))
      .bind(3, static_cast<std::int64_t>(compacted));
  if (ins.step() != SQLITE_DONE)
    return core::fail(core::ErrorCode::kIo, "embedded log: create topic: " + ins.error());
  Stmt q = stmt("SELECT partitions FROM topics WHERE name = ?1");
  q.bind(1, topic);
  if (q.step() == SQLITE_ROW) n = static_cast<int>(q.int64(0));
  partition_cache[topic] = n;
  return n;
}

std::int64_t Db::end_offset_locked(const std::string& topic, std::int32_t partition) {
  Stmt q =
      stmt("SELECT COALESCE(MAX(offset) + 1, 0) FROM records WHERE topic = ?1 AND partition = ?2");
  q.bind(1, topic).bind(2, static_cast<std::int64_t>(partition));
  return q.step() == SQLITE_ROW ? q.int64(0) : 0;
}

std::int32_t partition_for(std::string_view key, int partitions) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : key) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<std::int32_t>(h % static_cast<std::uint32_t>(partitions));
}

}  // namespace earshot::pipeline::log::embedded

// `earshot ingest` on the embedded log (a SQLite file): posts and source cursors commit
// together, so kill -9 and a restart neither lose nor repeat posts.
#include <gtest/gtest.h>

#include <signal.h>

#include <set>
#include <thread>

#include "pipeline/embedded_log.h"
#include "pipeline/json_codec.h"
#include "tests/cli/support/cli_harness.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

// Committed records in `topic` right now (reads until a poll comes back empty).
std::size_t count(const std::string& db, const std::string& topic) {
  auto log = pipeline::EmbeddedLog::open(db, 3);
  EXPECT_TRUE(log);
  auto reader = (*log)->consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  EXPECT_TRUE(reader);
  std::size_t n = 0;
  for (;;) {
    auto b = (*reader)->poll(100000, 0ms);
    if (!b || b->empty()) return n;
    n += b->size();
  }
}

TEST(CliIngest, KillNineAndRestartNeitherLosesNorRepeats) {
  std::string dir = temp_dir("ingest");
  write_file(dir + "/posts.jsonl", make_posts("i", 400) + "{\"v\":1,\"oops\n");
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg, "log: {kind: embedded, path: ./earshot.db}\n"
                  "sources:\n  - {type: file, path: posts.jsonl, rate: 50}\n");
  pid_t pid = spawn({"ingest", "--config", cfg}, dir + "/ingest.log");
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (count(dir + "/earshot.db", "earshot.posts") < 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(wait_for(pid), -SIGKILL);
  std::size_t before = count(dir + "/earshot.db", "earshot.posts");
  EXPECT_GE(before, 100u);
  EXPECT_LT(before, 400u) << "the kill came too late to test a restart mid-stream";

  RunResult again = run({"ingest", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto log = pipeline::EmbeddedLog::open(dir + "/earshot.db", 3);
  ASSERT_TRUE(log);
  auto posts = read_topic(**log, "earshot.posts", 400, 10s);
  std::set<std::string> uids;
  for (const auto& r : posts) {
    auto p = pipeline::decode_post(r.value);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_FALSE(p->ingested_at.empty());
    uids.insert(p->uid);
  }
  EXPECT_EQ(posts.size(), 400u) << "posts lost or repeated across the restart";
  EXPECT_EQ(uids.size(), 400u);
  auto dead = read_topic(**log, "earshot.deadletter", 1, 10s);
  ASSERT_EQ(dead.size(), 1u) << "the malformed line is dead-lettered once";
  // A third run finds every cursor at the end: nothing new.
  ASSERT_EQ(run({"ingest", "--config", cfg, "--exit-when-idle", "1"}).exit_code, 0);
  EXPECT_EQ(count(dir + "/earshot.db", "earshot.posts"), 400u);
}

}  // namespace
}  // namespace earshot::testing

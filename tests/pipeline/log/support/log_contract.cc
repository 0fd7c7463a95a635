#include "tests/pipeline/log/support/log_contract.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

namespace earshot::pipeline::testing {

using namespace std::chrono_literals;

std::string unique_suffix() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  return std::to_string(rng() % 1000000000ULL);
}

void LogContract::SetUp() {
  suffix_ = unique_suffix();
  log_ = open();
  ASSERT_TRUE(log_);
}

std::string LogContract::topic(const std::string& stem, int partitions) {
  std::string name = "contract." + stem + "." + suffix_;
  auto st = log_->create_topics({{name, partitions, false}});
  EXPECT_TRUE(st) << st.error().message;
  return name;
}

std::vector<log::Record> LogContract::read_all(const std::string& topic, std::size_t expected) {
  auto reader = log_->consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  EXPECT_TRUE(reader) << reader.error().message;
  std::vector<log::Record> out;
  if (!reader) return out;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto batch = (*reader)->poll(1000, 200ms);
    EXPECT_TRUE(batch) << batch.error().message;
    if (!batch) break;
    for (auto& r : *batch) out.push_back(std::move(r));
    if (out.size() >= expected && (*reader)->at_end()) break;
  }
  return out;
}

namespace {

std::unique_ptr<log::Consumer> group_consumer(log::Log& log, const std::string& group,
                                              const std::string& topic) {
  auto c = log.consumer({.group = group, .topics = {topic}, .on_revoke = {}});
  EXPECT_TRUE(c) << c.error().message;
  return c ? std::move(*c) : nullptr;
}

std::unique_ptr<log::Producer> producer(log::Log& log, const std::string& txn_id = "") {
  auto p = log.producer({.transactional_id = txn_id});
  EXPECT_TRUE(p) << p.error().message;
  return p ? std::move(*p) : nullptr;
}

// Polls a group consumer until it returns at least `n` records (or 30 s pass).
std::vector<log::Record> poll_n(log::Consumer& c, std::size_t n) {
  std::vector<log::Record> out;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto b = c.poll(n - out.size(), 200ms);
    EXPECT_TRUE(b) << b.error().message;
    if (!b) break;
    for (auto& r : *b) out.push_back(std::move(r));
  }
  return out;
}

void fill(log::Log& log, const std::string& topic, int n) {
  auto p = producer(log);
  ASSERT_TRUE(p);
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(p->produce(topic, "k" + std::to_string(i % 7), "v" + std::to_string(i)));
  }
  ASSERT_TRUE(p->flush(30s));
}

}  // namespace

TEST_P(LogContract, KeepsOrderPerKey) {
  std::string t = topic("order");
  auto p = producer(*log_);
  ASSERT_TRUE(p);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(p->produce(t, "key" + std::to_string(i % 10), std::to_string(i)));
  }
  ASSERT_TRUE(p->flush(30s));
  auto all = read_all(t, 300);
  ASSERT_EQ(all.size(), 300u);
  std::map<std::string, int> last;
  std::map<std::string, std::int32_t> partition_of;
  for (const auto& r : all) {
    int v = std::stoi(r.value);
    EXPECT_EQ(r.key, "key" + std::to_string(v % 10));
    if (last.count(r.key)) {
      EXPECT_LT(last[r.key], v) << "key " << r.key << " out of order";
    }
    last[r.key] = v;
    if (partition_of.count(r.key)) {
      EXPECT_EQ(partition_of[r.key], r.partition);
    }
    partition_of[r.key] = r.partition;
  }
  EXPECT_EQ(last.size(), 10u);
}

TEST_P(LogContract, CommitExposesOutputsAndOffsetsTogether) {
  std::string in = topic("in", 1), out = topic("out");
  fill(*log_, in, 10);
  std::string group = "g-commit-" + suffix_;
  {
    auto c = group_consumer(*log_, group, in);
    auto p = producer(*log_, "txn-commit-" + suffix_);
    ASSERT_TRUE(c && p);
    auto batch = poll_n(*c, 6);
    ASSERT_GE(batch.size(), 6u);
    batch.resize(6);
    ASSERT_TRUE(p->begin());
    for (const auto& r : batch) ASSERT_TRUE(p->produce(out, r.key, "out-" + r.value));
    ASSERT_TRUE(p->send_offsets(*c, log::next_offsets(batch)));
    auto st = p->commit();
    ASSERT_TRUE(st) << st.error().message;
  }
  auto outs = read_all(out, 6);
  EXPECT_EQ(outs.size(), 6u);
  // The group resumes right after the six committed inputs.
  auto c2 = group_consumer(*log_, group, in);
  ASSERT_TRUE(c2);
  auto rest = poll_n(*c2, 4);
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.front().value, "v6");
}

TEST_P(LogContract, AbortHidesOutputsAndKeepsOffsets) {
  std::string in = topic("ain", 1), out = topic("aout");
  fill(*log_, in, 5);
  std::string group = "g-abort-" + suffix_;
  auto c = group_consumer(*log_, group, in);
  auto p = producer(*log_, "txn-abort-" + suffix_);
  ASSERT_TRUE(c && p);
  auto batch = poll_n(*c, 5);
  ASSERT_EQ(batch.size(), 5u);
  ASSERT_TRUE(p->begin());
  for (const auto& r : batch) ASSERT_TRUE(p->produce(out, r.key, "aborted-" + r.value));
  ASSERT_TRUE(p->send_offsets(*c, log::next_offsets(batch)));
  ASSERT_TRUE(p->abort());
  // Rewinding gives the same records again.
  ASSERT_TRUE(c->rewind());
  auto again = poll_n(*c, 5);
  ASSERT_EQ(again.size(), 5u);
  EXPECT_EQ(again.front().value, "v0");
  // Commit a marker so a reader has something to reach; the aborted records never show.
  ASSERT_TRUE(p->begin());
  ASSERT_TRUE(p->produce(out, "m", "marker"));
  ASSERT_TRUE(p->commit());
  auto outs = read_all(out, 1);
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(outs[0].value, "marker");
}

// Consumer::lag(): per partition, the records a consumer has not handed out yet. Kafka
// learns a partition's end from a fetch, so the first figure comes after the first poll.
TEST_P(LogContract, LagCountsTheRecordsLeftToRead) {
  std::string in = topic("lag", 1);
  fill(*log_, in, 10);
  auto c = group_consumer(*log_, "g-lag-" + suffix_, in);
  ASSERT_TRUE(c);
  auto read_to_end = [&](std::size_t n) {
    auto got = poll_n(*c, n);
    EXPECT_EQ(got.size(), n);
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!c->at_end() && std::chrono::steady_clock::now() < deadline) {
      auto more = c->poll(100, 100ms);
      ASSERT_TRUE(more) << more.error().message;
      EXPECT_TRUE(more->empty());
    }
    EXPECT_TRUE(c->at_end());
  };
  ASSERT_EQ(poll_n(*c, 1).size(), 1u);
  auto lag = c->lag();
  ASSERT_TRUE(lag) << lag.error().message;
  EXPECT_EQ(*lag, (log::Lag{{{in, 0}, 9}}));
  read_to_end(9);
  lag = c->lag();
  ASSERT_TRUE(lag) << lag.error().message;
  EXPECT_EQ(*lag, (log::Lag{{{in, 0}, 0}}));
  // A committed transaction (on Kafka: its records and a commit marker) read to the end
  // leaves no lag either.
  auto p = producer(*log_, "txn-lag-" + suffix_);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->begin());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(p->produce(in, "t" + std::to_string(i), "t"));
  ASSERT_TRUE(p->commit());
  read_to_end(5);
  lag = c->lag();
  ASSERT_TRUE(lag) << lag.error().message;
  EXPECT_EQ(log::total_lag(*lag), 0);
}

TEST_P(LogContract, GroupResumesAfterRestart) {
  std::string in = topic("resume", 1);
  fill(*log_, in, 20);
  std::string group = "g-resume-" + suffix_;
  {
    auto c = group_consumer(*log_, group, in);
    ASSERT_TRUE(c);
    auto first = poll_n(*c, 12);
    ASSERT_GE(first.size(), 12u);
    first.resize(12);
    ASSERT_TRUE(c->commit(log::next_offsets(first)));
  }
  auto c = group_consumer(*log_, group, in);
  ASSERT_TRUE(c);
  auto rest = poll_n(*c, 8);
  ASSERT_EQ(rest.size(), 8u);
  EXPECT_EQ(rest.front().value, "v12");
  EXPECT_EQ(rest.back().value, "v19");
}

TEST_P(LogContract, CrashBetweenProduceAndCommitExposesNothing) {
  std::string out = topic("crash", 1);
  std::string txn = "txn-crash-" + suffix_;
  if (GetParam().shared_between_processes) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {  // the child: produce inside a transaction, then die without committing
      auto log = GetParam().open();
      auto p = log->producer({.transactional_id = txn});
      if (!p || !(*p)->begin()) _exit(3);
      for (int i = 0; i < 50; ++i) (void)(*p)->produce(out, "k", "uncommitted");
      (void)(*p)->flush(10s);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed";
  } else {
    auto p = producer(*log_, txn);
    ASSERT_TRUE(p && p->begin());
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(p->produce(out, "k", "uncommitted"));
    p.reset();  // destroyed with the transaction open
  }
  // The successor with the same transactional id fences the dead one and commits its own.
  auto p = producer(*log_, txn);
  ASSERT_TRUE(p && p->begin());
  ASSERT_TRUE(p->produce(out, "k", "committed"));
  auto st = p->commit();
  ASSERT_TRUE(st) << st.error().message;
  auto outs = read_all(out, 1);
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(outs[0].value, "committed");
}

TEST_P(LogContract, NewerProducerFencesOlder) {
  std::string out = topic("fence", 1);
  std::string txn = "txn-fence-" + suffix_;
  auto old_p = producer(*log_, txn);
  ASSERT_TRUE(old_p);
  auto new_p = producer(*log_, txn);
  ASSERT_TRUE(new_p);
  core::Status st = old_p->begin();
  if (st) st = old_p->produce(out, "k", "zombie");
  if (st) st = old_p->commit();
  ASSERT_FALSE(st) << "a fenced producer committed";
  EXPECT_EQ(st.error().code, core::ErrorCode::kFenced) << st.error().message;
  ASSERT_TRUE(new_p->begin());
  ASSERT_TRUE(new_p->produce(out, "k", "live"));
  ASSERT_TRUE(new_p->commit());
  auto outs = read_all(out, 1);
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(outs[0].value, "live");
}

}  // namespace earshot::pipeline::testing

// IngestRunner on the embedded log: the source hears each transaction's outcome, an aborted
// commit is re-polled and lands once, and health() can be read while another thread runs it.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "ingest/ingest_runner.h"
#include "pipeline/codec/json_codec.h"
#include "pipeline/log/embedded/embedded_log.h"

namespace earshot::ingest {
namespace {

using namespace std::chrono_literals;

// A finite source of `total` posts, `per_batch` at a time; cursor = index of the next post.
class CountingSource final : public Source {
 public:
  CountingSource(int total, int per_batch) : total_(total), per_batch_(per_batch) {}
  std::string name() const override { return "counting:test"; }
  pipeline::core::Status restore(std::string_view cursor) override {
    next_ = cursor.empty() ? 0 : std::stoi(std::string(cursor));
    return pipeline::core::ok();
  }
  pipeline::core::Result<SourceBatch> poll(std::chrono::milliseconds) override {
    EXPECT_FALSE(outcome_pending_) << "polled again before the previous batch's outcome";
    SourceBatch b;
    for (int i = 0; i < per_batch_ && next_ < total_; ++i, ++next_) {
      pipeline::core::Post p;
      p.uid = "counting:test:" + std::to_string(next_);
      p.source = "file";
      p.created_at = "2026-11-23T10:00:00Z";
      p.author.id = "a";
      p.text = "post " + std::to_string(next_);
      b.posts.push_back(std::move(p));
    }
    b.cursor = std::to_string(next_);
    b.end_of_stream = next_ >= total_;
    outcome_pending_ = !b.posts.empty();
    ++polled_;
    return b;
  }
  SourceHealth health() const override {
    SourceHealth h;
    h.name = name();
    h.state = "ok";
    h.posts = polled_;  // stands in for a source counter
    return h;
  }
  void on_committed() override {
    ++committed;
    outcome_pending_ = false;
  }
  void on_aborted() override {
    ++aborted;
    outcome_pending_ = false;
  }

  std::atomic<int> committed{0}, aborted{0};

 private:
  int total_, per_batch_, next_ = 0;
  std::int64_t polled_ = 0;
  bool outcome_pending_ = false;
};

// Wraps a real log; the producer's commit fails (abortable) on chosen calls, or reports a
// timeout (outcome unknown) after really committing or really aborting.
struct Faults {
  std::set<int> fail_on, commit_then_timeout, abort_then_timeout;
};

class FlakyProducer final : public pipeline::log::Producer {
 public:
  FlakyProducer(std::unique_ptr<pipeline::log::Producer> inner, Faults f)
      : inner_(std::move(inner)), f_(std::move(f)) {}
  pipeline::core::Status produce(std::string_view t, std::string_view k,
                                 std::string_view v) override {
    return inner_->produce(t, k, v);
  }
  pipeline::core::Status flush(std::chrono::milliseconds timeout) override {
    return inner_->flush(timeout);
  }
  pipeline::core::Status begin() override { return inner_->begin(); }
  pipeline::core::Status send_offsets(const pipeline::log::Consumer& c,
                                      const pipeline::log::Offsets& o) override {
    return inner_->send_offsets(c, o);
  }
  pipeline::core::Status commit() override {
    ++calls_;
    if (f_.fail_on.contains(calls_))
      return pipeline::core::fail(pipeline::core::ErrorCode::kAbortable, "injected commit failure");
    if (f_.commit_then_timeout.contains(calls_)) {
      EXPECT_TRUE(inner_->commit());
      return pipeline::core::fail(pipeline::core::ErrorCode::kTimeout,
                                  "injected: committed, but the answer was lost");
    }
    if (f_.abort_then_timeout.contains(calls_)) {
      EXPECT_TRUE(inner_->abort());  // the runner's own abort() then finds nothing open
      return pipeline::core::fail(pipeline::core::ErrorCode::kTimeout,
                                  "injected: aborted, and the answer was lost");
    }
    return inner_->commit();
  }
  pipeline::core::Status abort() override { return inner_->abort(); }

 private:
  std::unique_ptr<pipeline::log::Producer> inner_;
  Faults f_;
  int calls_ = 0;
};

class FlakyLog final : public pipeline::log::Log {
 public:
  FlakyLog(pipeline::log::Log& inner, Faults f) : inner_(inner), f_(std::move(f)) {}
  pipeline::core::Status create_topics(const std::vector<pipeline::log::TopicSpec>& t) override {
    return inner_.create_topics(t);
  }
  pipeline::core::Result<std::unique_ptr<pipeline::log::Producer>> producer(
      const pipeline::log::ProducerOptions& o) override {
    auto p = inner_.producer(o);
    if (!p) return std::unexpected(p.error());
    return std::unique_ptr<pipeline::log::Producer>(new FlakyProducer(std::move(*p), f_));
  }
  pipeline::core::Result<std::unique_ptr<pipeline::log::Consumer>> consumer(
      const pipeline::log::ConsumerOptions& o) override {
    return inner_.consumer(o);
  }
  std::string describe() const override { return "flaky " + inner_.describe(); }

 private:
  pipeline::log::Log& inner_;
  Faults f_;
};

std::vector<pipeline::log::Record> read_all(pipeline::log::Log& log, const std::string& topic) {
  std::vector<pipeline::log::Record> out;
  auto reader = log.consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  EXPECT_TRUE(reader);
  for (;;) {
    auto b = (*reader)->poll(10000, 0ms);
    if (!b || b->empty()) return out;
    for (auto& r : *b) out.push_back(std::move(r));
  }
}

IngestOptions options() {
  return {.posts = "t.posts",
          .deadletter = "t.deadletter",
          .cursors = "t.posts.cursors",
          .transactional_id = "t.ingest",
          .poll_timeout = 10ms};
}

TEST(IngestRunner, TellsTheSourceEachOutcomeAndRepollsAnAbortedBatchOnce) {
  auto base = pipeline::log::embedded::EmbeddedLog::open("", 3);
  ASSERT_TRUE(base) << base.error().message;
  FlakyLog log(**base, {.fail_on = {2, 5}});  // the 2nd and 5th commits fail
  auto src = std::make_unique<CountingSource>(50, 10);
  CountingSource* s = src.get();
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::move(src));
  auto runner = IngestRunner::create(log, std::move(sources), options());
  ASSERT_TRUE(runner) << runner.error().message;
  ASSERT_TRUE((*runner)->restore());
  std::atomic<bool> stop{false};
  ASSERT_TRUE((*runner)->run(stop, true));

  EXPECT_EQ(s->aborted.load(), 2);
  EXPECT_EQ(s->committed.load(), 5);  // 50 posts in batches of 10
  auto posts = read_all(**base, "t.posts");
  std::set<std::string> uids;
  for (const auto& r : posts) uids.insert(r.key);
  EXPECT_EQ(posts.size(), 50u) << "an aborted batch is re-polled and lands exactly once";
  EXPECT_EQ(uids.size(), 50u);

  auto health = (*runner)->health();
  ASSERT_EQ(health.size(), 1u);
  const SourceHealth& h = health[0];
  EXPECT_EQ(h.name, "counting:test");
  EXPECT_EQ(h.committed_posts, 50);
  EXPECT_EQ(h.commits, 5);
  EXPECT_EQ(h.aborts, 2);
  EXPECT_EQ(h.cursor, "50");
  EXPECT_GE(h.posts, 7) << "the source's own counters come through";
  EXPECT_GT(h.last_commit_ms, 0);
  EXPECT_EQ(h.last_event_ms, *pipeline::core::parse_rfc3339_ms("2026-11-23T10:00:00Z"));
  EXPECT_GT(h.lag_seconds, 0.0);
  EXPECT_EQ((*runner)->counters().aborts.load(), 2u);
}

TEST(IngestRunner, SettlesACommitWithAnUnknownOutcomeFromTheCursorTopic) {
  auto base = pipeline::log::embedded::EmbeddedLog::open("", 3);
  ASSERT_TRUE(base);
  // 2nd commit: really committed, reported as a timeout; 4th: really aborted, same report.
  FlakyLog log(**base, {.commit_then_timeout = {2}, .abort_then_timeout = {4}});
  auto src = std::make_unique<CountingSource>(40, 10);
  CountingSource* s = src.get();
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::move(src));
  auto runner = IngestRunner::create(log, std::move(sources), options());
  ASSERT_TRUE(runner);
  ASSERT_TRUE((*runner)->restore());
  std::atomic<bool> stop{false};
  ASSERT_TRUE((*runner)->run(stop, true));
  auto posts = read_all(**base, "t.posts");
  std::set<std::string> uids;
  for (const auto& r : posts) uids.insert(r.key);
  EXPECT_EQ(posts.size(), 40u) << "neither repeated (the committed one) nor lost (the aborted one)";
  EXPECT_EQ(uids.size(), 40u);
  EXPECT_EQ(s->committed.load(), 4);
  EXPECT_EQ(s->aborted.load(), 1);
}

TEST(IngestRunner, HealthCanBeReadFromAnotherThreadWhileItRuns) {
  auto log = pipeline::log::embedded::EmbeddedLog::open("", 3);
  ASSERT_TRUE(log);
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::make_unique<CountingSource>(3000, 7));
  auto runner = IngestRunner::create(**log, std::move(sources), options());
  ASSERT_TRUE(runner);
  ASSERT_TRUE((*runner)->restore());
  std::atomic<bool> stop{false}, done{false};
  std::thread driver([&] {
    EXPECT_TRUE((*runner)->run(stop, true));
    done = true;
  });
  std::int64_t last = 0;
  int reads = 0;
  bool saw_partial = false;
  while (!done.load()) {
    auto h = (*runner)->health();
    ASSERT_EQ(h.size(), 1u);
    EXPECT_GE(h[0].committed_posts, last) << "counters only grow";
    EXPECT_EQ(h[0].cursor.empty() ? 0 : std::stoll(h[0].cursor), h[0].committed_posts)
        << "one consistent snapshot: the cursor matches the committed count";
    saw_partial |= h[0].committed_posts > 0 && h[0].committed_posts < 3000;
    last = h[0].committed_posts;
    ++reads;
  }
  driver.join();
  EXPECT_GT(reads, 1);
  EXPECT_TRUE(saw_partial) << "health() was never read mid-run";
  EXPECT_EQ((*runner)->health()[0].committed_posts, 3000);
}

// One batch of the given posts, then the end.
class OneBatchSource final : public Source {
 public:
  explicit OneBatchSource(std::vector<pipeline::core::Post> posts) : posts_(std::move(posts)) {}
  std::string name() const override { return "one:test"; }
  pipeline::core::Status restore(std::string_view c) override {
    done_ = !c.empty();
    return pipeline::core::ok();
  }
  pipeline::core::Result<SourceBatch> poll(std::chrono::milliseconds) override {
    SourceBatch b;
    if (!done_) b.posts = posts_;
    done_ = true;
    b.cursor = "done";
    b.end_of_stream = true;
    return b;
  }
  SourceHealth health() const override { return {.name = name(), .state = "ok"}; }

 private:
  std::vector<pipeline::core::Post> posts_;
  bool done_ = false;
};

// Issue #16: a post process would dead-letter (no author id or handle, a date that is not
// RFC 3339) is dead-lettered and counted at ingest, so "N posts (M dead)" is true.
TEST(IngestRunner, APostProcessWouldRefuseIsDeadLetteredAndCountedAtIngest) {
  auto log = pipeline::log::embedded::EmbeddedLog::open("", 3);
  ASSERT_TRUE(log);
  auto post = [](std::string id, std::string author, std::string created) {
    pipeline::core::Post p;
    p.uid = "one:test:" + id;
    p.source = "rss";
    p.created_at = std::move(created);
    p.author.id = author;
    p.author.handle = author;
    p.text = "post " + id;
    return p;
  };
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::make_unique<OneBatchSource>(
      std::vector{post("1", "ann", "2026-11-23T10:00:00Z"), post("2", "", "2026-11-23T10:00:00Z"),
                  post("3", "bob", "yesterday")}));
  auto runner = IngestRunner::create(**log, std::move(sources), options());
  ASSERT_TRUE(runner) << runner.error().message;
  ASSERT_TRUE((*runner)->restore());
  std::atomic<bool> stop{false};
  ASSERT_TRUE((*runner)->run(stop, true));
  auto posts = read_all(**log, "t.posts");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].key, "one:test:1");
  auto dead = read_all(**log, "t.deadletter");
  ASSERT_EQ(dead.size(), 2u);
  std::set<std::string> keys{dead[0].key, dead[1].key};
  EXPECT_EQ(keys, (std::set<std::string>{"one:test:2", "one:test:3"}));
  EXPECT_EQ((*runner)->counters().posts, 1u);
  EXPECT_EQ((*runner)->counters().dead_letters, 2u);
  EXPECT_EQ((*runner)->health()[0].committed_posts, 1);
  EXPECT_EQ((*runner)->health()[0].committed_dead, 2);
}

}  // namespace
}  // namespace earshot::ingest

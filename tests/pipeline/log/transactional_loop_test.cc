// TransactionalLoop on the embedded log: pipelining (prepare of batch N+1 while N commits),
// an abort of N discarding the prepared N+1, and the byte bound on a batch.
#include "pipeline/log/transactional_loop.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/log/embedded/embedded_log.h"
#include "pipeline/process/dedup_changelog.h"
#include "pipeline/process/process_stage.h"

namespace earshot::pipeline::log {
namespace {

using namespace std::chrono_literals;

// A producer whose commit fails (kAbortable, after aborting the real transaction, as the
// Kafka producer does) on the commit numbers in `fail_on` (1-based).
class FaultyProducer final : public Producer {
 public:
  FaultyProducer(std::unique_ptr<Producer> inner, std::set<int> fail_on)
      : inner_(std::move(inner)), fail_on_(std::move(fail_on)) {}
  core::Status produce(std::string_view t, std::string_view k, std::string_view v) override {
    return inner_->produce(t, k, v);
  }
  core::Status flush(std::chrono::milliseconds timeout) override { return inner_->flush(timeout); }
  core::Status begin() override { return inner_->begin(); }
  core::Status send_offsets(const Consumer& c, const Offsets& o) override;
  core::Status commit() override {
    if (fail_on_.count(++commits_) > 0) {
      (void)inner_->abort();
      return core::fail(core::ErrorCode::kAbortable, "injected commit failure");
    }
    return inner_->commit();
  }
  core::Status abort() override { return inner_->abort(); }

 private:
  std::unique_ptr<Producer> inner_;
  std::set<int> fail_on_;
  int commits_ = 0;
};

// A consumer whose first `failing_rewinds` rewinds time out (the broker away).
class FlakyRewindConsumer final : public Consumer {
 public:
  FlakyRewindConsumer(std::unique_ptr<Consumer> inner, int failing_rewinds)
      : inner_(std::move(inner)), failing_(failing_rewinds) {}
  core::Result<std::vector<Record>> poll(std::size_t n, std::chrono::milliseconds t) override {
    return inner_->poll(n, t);
  }
  bool at_end() const override { return inner_->at_end(); }
  core::Status commit(const Offsets& o) override { return inner_->commit(o); }
  core::Status rewind() override {
    if (failing_ > 0) {
      --failing_;
      return core::fail(core::ErrorCode::kTimeout, "committed: Local: Timed out (injected)");
    }
    return inner_->rewind();
  }
  std::vector<TopicPartition> assignment() const override { return inner_->assignment(); }
  core::Result<Lag> lag() const override { return inner_->lag(); }
  const Consumer& inner() const { return *inner_; }

 private:
  std::unique_ptr<Consumer> inner_;
  int failing_;
};

core::Status FaultyProducer::send_offsets(const Consumer& c, const Offsets& o) {
  const auto* flaky = dynamic_cast<const FlakyRewindConsumer*>(&c);
  return inner_->send_offsets(flaky ? flaky->inner() : c, o);
}

class FaultyLog final : public Log {
 public:
  FaultyLog(Log& inner, std::set<int> fail_on, int failing_rewinds = 0)
      : inner_(inner), fail_on_(std::move(fail_on)), failing_rewinds_(failing_rewinds) {}
  core::Status create_topics(const std::vector<TopicSpec>& t) override {
    return inner_.create_topics(t);
  }
  core::Result<std::unique_ptr<Producer>> producer(const ProducerOptions& o) override {
    auto p = inner_.producer(o);
    if (!p || o.transactional_id.empty()) return p;
    return std::unique_ptr<Producer>(std::make_unique<FaultyProducer>(std::move(*p), fail_on_));
  }
  core::Result<std::unique_ptr<Consumer>> consumer(const ConsumerOptions& o) override {
    auto c = inner_.consumer(o);
    if (!c || failing_rewinds_ == 0) return c;
    return std::unique_ptr<Consumer>(
        std::make_unique<FlakyRewindConsumer>(std::move(*c), failing_rewinds_));
  }
  std::string describe() const override { return "faulty " + inner_.describe(); }

 private:
  Log& inner_;
  std::set<int> fail_on_;
  int failing_rewinds_;
};

std::unique_ptr<Log> embedded() { return std::move(*log::embedded::EmbeddedLog::open("", 1)); }

// A loop of group "g" over topic "in", ten records a batch.
std::unique_ptr<TransactionalLoop> loop_over_in(Log& log) {
  return std::move(*TransactionalLoop::create(log, {.group = "g",
                                                    .inputs = {"in"},
                                                    .transactional_id = "t",
                                                    .batch_size = 10,
                                                    .poll_timeout = 20ms}));
}

void write(Log& log, const std::string& topic, int n, std::size_t value_bytes = 0) {
  auto p = std::move(*log.producer({}));
  for (int i = 0; i < n; ++i) {
    std::string v = "v" + std::to_string(i);
    if (v.size() < value_bytes) v.resize(value_bytes, '.');
    ASSERT_TRUE(p->produce(topic, "k" + std::to_string(i), v));
  }
  ASSERT_TRUE(p->flush(5s));
}

std::vector<Record> read_all(Log& log, const std::string& topic) {
  auto c = std::move(*log.consumer({.group = "", .topics = {topic}, .on_revoke = {}}));
  std::vector<Record> out;
  for (;;) {
    auto b = c->poll(1000, 10ms);
    EXPECT_TRUE(b);
    if (!b) return out;
    for (auto& r : *b) out.push_back(std::move(r));
    if (b->empty() && c->at_end()) return out;
  }
}

// Echoes every record to "out" and records what the loop asked of it.
class Recorder final : public BatchHandler {
 public:
  explicit Recorder(bool pipelined) : pipelined_(pipelined) {}
  core::Status handle(const std::vector<Record>& batch, Output& out) override {
    events.push_back("handle");
    handled_prepared.push_back(prepared_ && prepared_.get() == &batch);
    first_offsets.push_back(batch.empty() ? -1 : batch.front().offset);
    std::size_t bytes = 0;
    for (const auto& r : batch) {
      out.emit("out", r.key, r.value);
      bytes += r.key.size() + r.value.size();
    }
    batch_bytes.push_back(bytes);
    prepared_.reset();
    return core::ok();
  }
  void on_commit() override { events.push_back("commit"); }
  void on_abort() override {
    events.push_back("abort");
    prepared_.reset();
  }
  bool prepares() const override { return pipelined_; }
  void prepare(std::shared_ptr<const Batch> batch) override {
    events.push_back("prepare");
    prepared_ = std::move(batch);
  }

  std::vector<std::string> events;
  std::vector<bool> handled_prepared;
  std::vector<std::int64_t> first_offsets;
  std::vector<std::size_t> batch_bytes;

 private:
  bool pipelined_;
  std::shared_ptr<const Batch> prepared_;
};

void drain(TransactionalLoop& loop, BatchHandler& h, std::uint64_t expected) {
  for (int i = 0; i < 10000 && loop.stats().records_in < expected; ++i) ASSERT_TRUE(loop.step(h));
  ASSERT_EQ(loop.stats().records_in, expected);
}

void expect_exactly_once(Log& log, int n) {
  auto out = read_all(log, "out");
  std::map<std::string, int> seen;
  for (const auto& r : out) ++seen[r.key];
  EXPECT_EQ(out.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(n));
  for (std::size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1].offset, out[i].offset);
}

TEST(TransactionalLoop, PreparesTheNextBatchBeforeCommittingAndHandlesItAfter) {
  auto log = embedded();
  write(*log, "in", 50);
  Recorder h(/*pipelined=*/true);
  auto loop = loop_over_in(*log);
  drain(*loop, h, 50);
  // handle(1) prepare(2) commit(1) handle(2) prepare(3) commit(2) ... handle(5) commit(5)
  std::vector<std::string> want;
  for (int b = 1; b <= 5; ++b) {
    want.push_back("handle");
    if (b < 5) want.push_back("prepare");
    want.push_back("commit");
  }
  EXPECT_EQ(h.events, want);
  EXPECT_EQ(h.handled_prepared, (std::vector<bool>{false, true, true, true, true}));
  EXPECT_EQ(loop->stats().batches, 5u);
  expect_exactly_once(*log, 50);
}

TEST(TransactionalLoop, HandlersThatDoNotPrepareAreNotPipelined) {
  auto log = embedded();
  write(*log, "in", 30);
  Recorder h(/*pipelined=*/false);
  auto loop = loop_over_in(*log);
  drain(*loop, h, 30);
  EXPECT_EQ(h.events,
            (std::vector<std::string>{"handle", "commit", "handle", "commit", "handle", "commit"}));
  expect_exactly_once(*log, 30);
}

TEST(TransactionalLoop, ReportsTheConsumersLagAfterEachBatch) {
  auto log = embedded();
  write(*log, "in", 30);
  Recorder h(/*pipelined=*/false);
  auto loop = loop_over_in(*log);
  std::vector<std::uint64_t> lags;
  while (loop->stats().records_in < 30) {
    auto n = loop->step(h);
    ASSERT_TRUE(n) << n.error().message;
    if (*n > 0) lags.push_back(loop->stats().lag);
  }
  EXPECT_EQ(lags, (std::vector<std::uint64_t>{20, 10, 0}));
}

TEST(TransactionalLoop, AnAbortDiscardsThePreparedBatchAndRewinds) {
  auto base = embedded();
  write(*base, "in", 40);
  FaultyLog log(*base, {2});  // the commit of the second batch fails
  Recorder h(/*pipelined=*/true);
  auto loop = loop_over_in(log);
  drain(*loop, h, 40);
  EXPECT_EQ(loop->stats().aborts, 1u);
  // Batch 2 (offsets 10..19) aborted while batch 3 (20..29) was prepared: batch 3 must not
  // be handled; the loop reads from offset 10 again, with a fresh poll.
  const std::vector<std::string> want{"handle", "prepare", "commit",  // batch 1
                                      "handle", "prepare", "abort",   // batch 2 fails
                                      "handle", "prepare", "commit",  // batch 2 again
                                      "handle", "prepare", "commit",  // batch 3
                                      "handle", "commit"};            // batch 4
  EXPECT_EQ(h.events, want);
  EXPECT_EQ(h.first_offsets, (std::vector<std::int64_t>{0, 10, 10, 20, 30}));
  EXPECT_EQ(h.handled_prepared, (std::vector<bool>{false, true, false, true, true}));
  expect_exactly_once(*base, 40);
}

TEST(TransactionalLoop, BatchesStopAtTheByteBudget) {
  auto log = embedded();
  write(*log, "in", 200, /*value_bytes=*/1000);
  Recorder h(/*pipelined=*/true);
  const std::size_t budget = 10 * 1004;  // ten records (values 1000 bytes, keys 2-4)
  auto loop = std::move(*TransactionalLoop::create(*log, {.group = "g",
                                                          .inputs = {"in"},
                                                          .transactional_id = "t",
                                                          .batch_size = 1000,
                                                          .poll_timeout = 20ms,
                                                          .on_committed = {},
                                                          .max_batch_bytes = budget}));
  std::uint64_t max_inflight = 0;
  for (int i = 0; i < 1000 && loop->stats().records_in < 200; ++i) {
    ASSERT_TRUE(loop->step(h));
    max_inflight = std::max<std::uint64_t>(max_inflight, loop->stats().inflight_bytes);
  }
  ASSERT_EQ(loop->stats().records_in, 200u);
  ASSERT_FALSE(h.batch_bytes.empty());
  for (std::size_t b : h.batch_bytes) {
    EXPECT_LE(b, budget);
    EXPECT_GT(b, budget / 2);  // and the batches are not needlessly small
  }
  EXPECT_LE(max_inflight, 2 * budget);
  expect_exactly_once(*log, 200);
}

// The process stage through injected aborts: every valid post exactly once in `scored`,
// even though each abort happens while the next batch is being enriched.
TEST(TransactionalLoop, ProcessStageStaysExactWhenCommitsAbort) {
  auto base = embedded();
  const process::ProcessTopics topics{"posts", "scored", "mentions", "deadletter", "posts.dedup"};
  {
    auto p = std::move(*base->producer({}));
    for (int i = 0; i < 600; ++i) {
      core::Post post;
      post.uid = "u" + std::to_string(i);
      post.source = "mastodon";
      post.created_at = "2026-11-23T10:00:00Z";
      post.author = {"a" + std::to_string(i % 7), "@a", "A", std::nullopt};
      post.text = "Acme Air flight " + std::to_string(i) + " was late and the crew " +
                  (i % 2 ? "was rude" : "was lovely");
      ASSERT_TRUE(p->produce("posts", post.uid, codec::encode(post)));
    }
    ASSERT_TRUE(p->flush(5s));
  }
  auto config = config::parse_config(
      "entities:\n  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n",
      "test.yaml", "");
  ASSERT_TRUE(config) << config.error().message;
  auto enricher = std::move(*process::Enricher::build(&*config, "default"));
  FaultyLog log(*base, {2, 3, 5, 8});
  process::ProcessCounters counters;
  process::ProcessStage stage(*enricher, topics, 2, &counters);
  ASSERT_TRUE(stage.restore(log));
  auto loop = std::move(*TransactionalLoop::create(log, {.group = "g",
                                                         .inputs = {"posts"},
                                                         .transactional_id = "t",
                                                         .batch_size = 50,
                                                         .poll_timeout = 20ms}));
  for (int i = 0; i < 1000 && loop->stats().records_in < 600; ++i) ASSERT_TRUE(loop->step(stage));
  ASSERT_EQ(loop->stats().records_in, 600u);
  EXPECT_EQ(loop->stats().aborts, 4u);
  EXPECT_GT(counters.prepared, 0u);
  auto scored = read_all(*base, "scored");
  std::set<std::string> uids;
  for (const auto& r : scored) uids.insert(r.key);
  EXPECT_EQ(scored.size(), 600u);
  EXPECT_EQ(uids.size(), 600u);
  EXPECT_EQ(read_all(*base, "mentions").size(), 600u);
  std::set<std::string> remembered;  // every post once in the committed changelog batches
  std::size_t entries = 0;
  for (const auto& r : read_all(*base, "posts.dedup")) {
    process::dedup_changelog::Batch b;
    ASSERT_TRUE(process::dedup_changelog::decode(r.value, b))
        << "a changelog record that does not decode";
    entries += b.entries.size();
    for (const auto& e : b.entries) remembered.insert(std::string(e.uid));
  }
  EXPECT_EQ(entries, 600u);
  EXPECT_EQ(remembered, uids);
  EXPECT_EQ(counters.duplicates, 0u) << "an aborted batch's dedup entries leaked";
}

// The broker fences a producer whose transaction stayed open past transaction.timeout.ms
// (a broker outage, a paused process): the loop opens a new producer and goes on, exactly.
TEST(TransactionalLoop, AFencedProducerIsReplacedAndTheOutputStaysExact) {
  auto log = embedded();
  write(*log, "in", 40);
  Recorder h(/*pipelined=*/true);
  auto loop = loop_over_in(*log);
  ASSERT_TRUE(loop->step(h));
  ASSERT_EQ(loop->stats().records_in, 10u);
  auto newer = std::move(*log->producer({.transactional_id = "t"}));  // fences the loop's
  drain(*loop, h, 40);
  EXPECT_EQ(loop->stats().producer_reopens, 1u);
  EXPECT_GE(loop->stats().aborts, 1u);
  expect_exactly_once(*log, 40);
}

// Fenced again and again: another process holds the same transactional id. The loop gives
// up after kMaxReopens replacements and says why.
TEST(TransactionalLoop, RepeatedFencingStopsTheLoopWithTheReason) {
  auto log = embedded();
  write(*log, "in", 200);
  Recorder h(/*pipelined=*/false);
  auto loop = loop_over_in(*log);
  std::vector<std::unique_ptr<Producer>> others;
  core::Status last = core::ok();
  for (int round = 0; round < 10 && last; ++round) {
    others.push_back(std::move(*log->producer({.transactional_id = "t"})));
    core::Result<std::size_t> n = loop->step(h);
    if (!n) last = std::unexpected(n.error());
  }
  ASSERT_FALSE(last) << "the loop never gave up";
  EXPECT_EQ(last.error().code, core::ErrorCode::kFenced);
  EXPECT_NE(last.error().message.find("another instance running with the same transactional id"),
            std::string::npos)
      << last.error().message;
  EXPECT_EQ(loop->stats().producer_reopens,
            static_cast<std::uint64_t>(TransactionalLoop::kMaxReopens));
}

// After an abort the committed offsets cannot be read for a while (the broker away): the
// loop polls nothing until the rewind succeeds, then goes on, exactly.
TEST(TransactionalLoop, ARewindThatTimesOutIsRetriedBeforeAnythingIsPolled) {
  auto base = embedded();
  write(*base, "in", 40);
  FaultyLog log(*base, {2}, /*failing_rewinds=*/3);  // commit 2 fails, then 3 rewinds time out
  Recorder h(/*pipelined=*/true);
  auto loop = loop_over_in(log);
  drain(*loop, h, 40);
  EXPECT_EQ(loop->stats().aborts, 1u);
  EXPECT_EQ(loop->stats().rewind_retries, 3u);
  EXPECT_EQ(h.first_offsets, (std::vector<std::int64_t>{0, 10, 10, 20, 30}));
  expect_exactly_once(*base, 40);
}

}  // namespace
}  // namespace earshot::pipeline::log

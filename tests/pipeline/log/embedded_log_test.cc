// The embedded log beyond the shared contract (support/log_contract.cc): consumer lag from
// the positions and the end offsets in SQLite, known before the first poll.
#include "pipeline/log/embedded/embedded_log.h"

#include <gtest/gtest.h>

#include <map>

namespace earshot::pipeline::log {
namespace {

using namespace std::chrono_literals;

std::vector<Record> poll_to_end(Consumer& c) {
  std::vector<Record> out;
  for (int i = 0; i < 1000; ++i) {
    auto b = c.poll(1000, 10ms);
    EXPECT_TRUE(b);
    if (!b) break;
    for (auto& r : *b) out.push_back(std::move(r));
    if (b->empty() && c.at_end()) break;
  }
  return out;
}

void produce(Log& log, int n, int first = 0) {
  auto p = std::move(*log.producer({}));
  for (int i = first; i < first + n; ++i)
    ASSERT_TRUE(p->produce("in", "k" + std::to_string(i), "v"));
  ASSERT_TRUE(p->flush(5s));
}

TEST(EmbeddedLog, LagIsNAfterProducingNAndZeroAfterConsumingThem) {
  auto log = std::move(*embedded::EmbeddedLog::open("", 3));
  ASSERT_TRUE(log->create_topics({{"in", 3, false}}));
  produce(*log, 12);
  auto c = std::move(*log->consumer({.group = "g", .topics = {"in"}, .on_revoke = {}}));
  auto lag = c->lag();
  ASSERT_TRUE(lag) << lag.error().message;
  EXPECT_EQ(lag->size(), 3u);  // every assigned partition, before any poll
  EXPECT_EQ(total_lag(*lag), 12);
  const Lag before = *lag;

  auto all = poll_to_end(*c);
  ASSERT_EQ(all.size(), 12u);
  std::map<TopicPartition, std::int64_t> per_partition;
  for (const auto& r : all) ++per_partition[{r.topic, r.partition}];
  for (const auto& [tp, n] : before) EXPECT_EQ(n, per_partition[tp]) << tp.partition;
  lag = c->lag();
  ASSERT_TRUE(lag);
  EXPECT_EQ(*lag, (Lag{{{"in", 0}, 0}, {{"in", 1}, 0}, {{"in", 2}, 0}}));

  // Nothing committed: a rewind hands everything out again.
  ASSERT_TRUE(c->rewind());
  EXPECT_EQ(total_lag(*c->lag()), 12);

  // A new member starts at the committed offsets; new records add to its lag.
  ASSERT_TRUE(c->commit(next_offsets(all)));
  c.reset();
  auto c2 = std::move(*log->consumer({.group = "g", .topics = {"in"}, .on_revoke = {}}));
  EXPECT_EQ(total_lag(*c2->lag()), 0);
  produce(*log, 4, 100);
  EXPECT_EQ(total_lag(*c2->lag()), 4);
  EXPECT_EQ(poll_to_end(*c2).size(), 4u);
  EXPECT_EQ(total_lag(*c2->lag()), 0);
}

}  // namespace
}  // namespace earshot::pipeline::log

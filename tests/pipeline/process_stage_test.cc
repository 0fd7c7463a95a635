// The process stage on the embedded log: outputs, dedup across restarts, platform deletes,
// near-duplicates and dead letters.
#include "pipeline/process_stage.h"

#include <gtest/gtest.h>

#include <atomic>

#include "pipeline/config.h"
#include "pipeline/embedded_log.h"
#include "pipeline/json_codec.h"

namespace earshot::pipeline {
namespace {

const ProcessTopics kTopics{"posts", "scored", "mentions", "deadletter", "posts.dedup"};

std::string post_json(const std::string& uid, const std::string& text, bool deleted = false) {
  Post p;
  p.uid = uid;
  p.source = "mastodon";
  p.url = "https://mastodon.example/@a/" + uid;
  p.created_at = "2026-11-23T10:00:00Z";
  p.author = {"a1", "@a@mastodon.example", "A", std::nullopt};
  p.text = text;
  p.deleted = deleted;
  return encode(p);
}

struct Harness {
  std::unique_ptr<Log> log = std::move(*EmbeddedLog::open("", 1));
  std::unique_ptr<Enricher> enricher;
  Harness() {
    auto config = parse_config(
        "entities:\n"
        "  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n"
        "  - {id: globex, name: Globex, kind: company, aliases: [\"Globex\"]}\n",
        "test.yaml", "");
    EXPECT_TRUE(config) << config.error().message;
    auto e = Enricher::build(&*config, "default");
    EXPECT_TRUE(e) << e.error().message;
    enricher = std::move(*e);
  }
  void write(const std::vector<std::string>& values) {
    auto p = std::move(*log->producer({}));
    for (const auto& v : values) ASSERT_TRUE(p->produce("posts", "", v));
    ASSERT_TRUE(p->flush(std::chrono::seconds(5)));
  }
  // Runs a fresh stage (as a restarted process would) until the input is consumed.
  void run(ProcessCounters& counters) {
    ProcessStage stage(*enricher, kTopics, 2, &counters);
    EXPECT_TRUE(stage.restore(*log));
    auto loop = TransactionalLoop::create(*log, {.group = "process", .inputs = {"posts"}, .transactional_id = "p-0",
                                                 .batch_size = 100, .poll_timeout = std::chrono::milliseconds(20),
                                                 .on_committed = {}});
    EXPECT_TRUE(loop);
    for (int idle = 0; idle < 3;) {
      auto n = (*loop)->step(stage);
      EXPECT_TRUE(n);
      idle = (n && *n == 0) ? idle + 1 : 0;
    }
  }
  std::vector<Record> read(const std::string& topic) {
    auto c = std::move(*log->consumer({.group = "", .topics = {topic}, .on_revoke = {}}));
    std::vector<Record> out;
    for (;;) {
      auto b = c->poll(1000, std::chrono::milliseconds(10));
      for (auto& r : *b) out.push_back(std::move(r));
      if (b->empty() && c->at_end()) return out;
    }
  }
};

TEST(ProcessStage, ScoresLinksAndDeadLettersInInputOrder) {
  Harness h;
  h.write({post_json("u1", "Acme Air lost my bag and nobody answers"), "{\"v\":1,\"uid\":",
           post_json("u2", "Globex support was fantastic today, thank you")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.scored, 2u);
  EXPECT_EQ(c.dead_letters, 1u);
  auto scored = h.read("scored");
  ASSERT_EQ(scored.size(), 2u);
  auto first = decode_scored(scored[0].value);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->post.uid, "u1");
  EXPECT_EQ(scored[0].key, "u1");
  EXPECT_EQ(first->sentiment.label, sentiment::Label::negative);
  ASSERT_EQ(first->entities.size(), 1u);
  EXPECT_EQ(first->entities[0].id, "acme-air");
  auto mentions = h.read("mentions");
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].key, "acme-air");
  auto dead = decode_deadletter(h.read("deadletter").at(0).value);
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->original, "{\"v\":1,\"uid\":");
  EXPECT_EQ(dead->topic, "posts");
  EXPECT_EQ(dead->offset, 1);
}

TEST(ProcessStage, DropsExactDuplicatesAcrossRestarts) {
  Harness h;
  h.write({post_json("u1", "Acme Air was on time"), post_json("u1", "Acme Air was on time")});
  ProcessCounters first;
  h.run(first);
  EXPECT_EQ(first.duplicates, 1u);
  h.write({post_json("u1", "Acme Air was on time"), post_json("u2", "Globex is fine")});
  ProcessCounters second;
  h.run(second);  // a new stage restores the dedup set from the changelog
  EXPECT_EQ(second.duplicates, 1u);
  EXPECT_EQ(second.scored, 1u);
  EXPECT_EQ(h.read("scored").size(), 2u);
}

TEST(ProcessStage, PlatformDeleteRetractsEveryMention) {
  Harness h;
  h.write({post_json("u1", "Acme Air and Globex both lost my luggage, awful")});
  ProcessCounters before;
  h.run(before);
  h.write({post_json("u1", "", /*deleted=*/true)});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.deletes, 1u);
  auto mentions = h.read("mentions");
  ASSERT_EQ(mentions.size(), 4u);  // two mentions, then two retractions
  for (std::size_t i = 2; i < 4; ++i) {
    auto m = decode_mention(mentions[i].value);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_TRUE(m->retract);
    EXPECT_EQ(m->created_at, "2026-11-23T10:00:00Z");
    EXPECT_EQ(m->sentiment.label, sentiment::Label::negative);
  }
  auto scored = h.read("scored");
  ASSERT_EQ(scored.size(), 2u);
  EXPECT_TRUE(decode_scored(scored[1].value)->post.deleted);
}

TEST(ProcessStage, FlagsNearDuplicates) {
  Harness h;
  h.write({post_json("u1", "Acme Air cancelled my flight to Oslo again and the refund never came"),
           post_json("u2", "Acme Air cancelled my flight to Oslo again and the refund never came @acmeair"),
           post_json("u3", "Globex fixed the router quickly, friendly staff on the phone")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.near_duplicates, 1u);
  auto scored = h.read("scored");
  ASSERT_EQ(scored.size(), 3u);
  auto second = decode_scored(scored[1].value);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->flags, std::vector<std::string>{"near_duplicate"});
  EXPECT_TRUE(decode_scored(scored[2].value)->flags.empty());
}

}  // namespace
}  // namespace earshot::pipeline

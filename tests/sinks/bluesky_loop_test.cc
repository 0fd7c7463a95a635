// Issue 14, "done when" on Bluesky: scored Bluesky posts → reply stage (planner) → replies
// topic → sender → fixture PDS, on the embedded log: every eligible post gets exactly one
// reply, naming that post as parent and its thread's root as root, the author mentioned.
// (Restarts: the kill -9 scenario in reply_loop_test.cc / reply_kill_kafka_test.cc.)
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/react/reply_stage.h"
#include "sinks/reply_api.h"
#include "sinks/reply_runner.h"
#include "tests/sinks/support/fixture_pds.h"
#include "tests/support/wait.h"

namespace earshot::sinks {
namespace {

namespace core = pipeline::core;
namespace config = pipeline::config;
using namespace std::chrono_literals;
using earshot::testing::wait_until;
using earshot::testing::within;
using testing_support::FixturePds;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

config::Config bluesky_config() {
  config::Config cfg = config::default_config();
  cfg.replies.mode = config::ReplyMode::auto_send;
  cfg.replies.author_cooldown = std::chrono::milliseconds(0);
  config::ReplyAccountDef acc;
  acc.entity = "acme";
  acc.platform = "bluesky";
  acc.handle = "acme.bsky.example";
  acc.service = FixturePds::kBase;
  acc.app_password = "app-pass-1234-5678";
  cfg.replies.accounts.push_back(acc);
  config::ReplyRuleDef rule;
  rule.name = "complaints";
  rule.intent = core::Intent::complaint;
  rule.template_text = "Sorry {author.name} \xF0\x9F\x99\x8F we are on it.";
  cfg.replies.rules.push_back(rule);
  return cfg;
}

// Post n: a complaint when eligible; odd ones answer a thread rooted elsewhere.
core::ScoredPost bluesky_post(int n, bool eligible) {
  core::ScoredPost sp;
  const std::string rkey = "3kpost" + std::to_string(n);
  const std::string did = "did:plc:user" + std::to_string(n);
  sp.post.uid = "bluesky:" + did + ":" + rkey;
  sp.post.source = "bluesky";
  sp.post.url = "https://bsky.app/profile/" + did + "/post/" + rkey;
  sp.post.created_at = core::format_rfc3339_ms(now_ms() - 60'000);
  sp.post.author = {did, "user" + std::to_string(n) + ".bsky.social", "Zo\xC3\xAB", {}};
  sp.post.text = "acme broke my order";
  sp.post.lang = "en";
  const std::string uri = "at://" + did + "/app.bsky.feed.post/" + rkey;
  sp.post.reply_ref = n % 2 == 0 ? core::ReplyRef{uri, "bafy" + rkey, uri, "bafy" + rkey}
                                 : core::ReplyRef{uri, "bafy" + rkey,
                                                  "at://did:plc:op/app.bsky.feed.post/3kroot",
                                                  "bafyroot"};
  sp.intent = eligible ? core::Intent::complaint : core::Intent::praise;
  core::EntityMention m;
  m.id = "acme";
  m.sentiment.label = sentiment::Label::negative;
  m.sentiment.probs = {0.9f, 0.1f, 0.0f};
  sp.entities.push_back(m);
  return sp;
}

TEST(BlueskyLoop, EveryEligiblePostGetsExactlyOneReplyWithTheRightRefs) {
  config::Config cfg = bluesky_config();
  auto log = std::move(*pipeline::log::open_log({.kind = "embedded"}));
  ASSERT_TRUE(log->create_topics({{cfg.log.topic("scored"), 3, false}}));
  std::map<std::string, core::ScoredPost> eligible;  // parent uri -> post
  {
    auto producer = std::move(*log->producer({}));
    for (int i = 0; i < 20; ++i) {
      auto sp = bluesky_post(i, i % 2 == 0 || i % 5 == 0);
      if (sp.intent == core::Intent::complaint) eligible[sp.post.reply_ref->uri] = sp;
      ASSERT_TRUE(
          producer->produce(cfg.log.topic("scored"), sp.post.uid, pipeline::codec::encode(sp)));
    }
    ASSERT_TRUE(producer->flush(10s));
  }
  auto pds = std::make_shared<FixturePds>();
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    auto h = pipeline::react::ReplyStage::create(cfg, *log);
    ASSERT_TRUE(h) << h.error().message;
    auto loop = pipeline::log::TransactionalLoop::create(
        *log, pipeline::react::reply_stage_loop_options(cfg, "0"));
    ASSERT_TRUE(loop);
    ASSERT_TRUE((*loop)->run(**h, stop));
  });
  threads.emplace_back([&] {
    ReplyRunner runner(cfg, *log, pds);
    ASSERT_TRUE(runner.run(stop));
  });
  ReplyBook book;
  auto follower = ReplyBookFollower::start(*log, book, cfg.log.topic("replies"));
  ASSERT_TRUE(follower);
  const std::size_t want = eligible.size();
  ASSERT_TRUE(wait_until(
      within(60s), [&] { return book.list("sent", "", 100).size() == want; },
      "every eligible post answered"))
      << book.list("sent", "", 100).size() << " of " << want << "; failed: " << [&] {
           std::string out;
           for (const auto& r : book.list("failed", "", 100)) out += r.reason + "; ";
           return out;
         }();
  stop = true;
  for (auto& t : threads) t.join();
  (*follower)->stop();

  auto records = pds->records();
  ASSERT_EQ(records.size(), want);
  std::map<std::string, int> answered;
  for (const auto& rec : records) {
    const auto& v = rec.value;
    const std::string parent = v["reply"]["parent"]["uri"];
    ++answered[parent];
    ASSERT_TRUE(eligible.contains(parent)) << parent;
    const auto& post = eligible.at(parent).post;
    EXPECT_EQ(v["reply"]["parent"]["cid"], post.reply_ref->cid);
    EXPECT_EQ(v["reply"]["root"]["uri"], post.reply_ref->root_uri);
    EXPECT_EQ(v["reply"]["root"]["cid"], post.reply_ref->root_cid);
    const std::string text = v["text"];
    const std::string at = "@" + post.author.handle;
    EXPECT_EQ(text.rfind(at + " Sorry Zo\xC3\xAB", 0), 0u) << text;
    EXPECT_EQ(v["facets"][0]["index"]["byteStart"], 0);
    EXPECT_EQ(v["facets"][0]["index"]["byteEnd"], at.size());
    EXPECT_EQ(v["facets"][0]["features"][0]["did"], post.author.id);
  }
  for (const auto& [parent, n] : answered) EXPECT_EQ(n, 1) << parent;
  EXPECT_EQ(pds->count("POST /xrpc/com.atproto.repo.createRecord"), want);
  for (const auto& r : book.list("sent", "", 100)) {
    EXPECT_TRUE(r.remote_id.starts_with("at://did:plc:acme/app.bsky.feed.post/")) << r.remote_id;
  }
}

}  // namespace
}  // namespace earshot::sinks

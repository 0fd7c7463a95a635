// Issue 14, "done when" on Bluesky: scored Bluesky posts → reply stage (planner) → replies
// topic → sender → fixture PDS, on the embedded log: every eligible post gets exactly one
// reply, naming that post as parent and its thread's root as root, the author mentioned.
// (Restarts: the kill -9 scenario in reply_loop_test.cc / reply_kill_kafka_test.cc.)
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "pipeline/core/rfc3339.h"
#include "sinks/reply_api.h"
#include "tests/pipeline/react/support/reply_shapes.h"
#include "tests/sinks/support/fixture_pds.h"
#include "tests/sinks/support/reply_loop_rig.h"
#include "tests/support/wait.h"

namespace earshot::sinks {
namespace {

namespace core = pipeline::core;
namespace config = pipeline::config;
using namespace std::chrono_literals;
using earshot::testing::wait_until;
using earshot::testing::within;
using testing_support::FixturePds;
using testing_support::now_ms;
using testing_support::ReplyLoopRig;

config::Config bluesky_config() {
  config::ReplyAccountDef acc;
  acc.entity = "acme";
  acc.platform = "bluesky";
  acc.handle = "acme.bsky.example";
  acc.service = FixturePds::kBase;
  acc.app_password = "app-pass-1234-5678";
  return pipeline::react_testing::complaint_reply_config(
      config::ReplyMode::auto_send, acc, "Sorry {author.name} \xF0\x9F\x99\x8F we are on it.");
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
  sp.entities.push_back(pipeline::react_testing::negative_mention("acme", {0.9f, 0.1f, 0.0f}));
  return sp;
}

TEST(BlueskyLoop, EveryEligiblePostGetsExactlyOneReplyWithTheRightRefs) {
  ReplyLoopRig loop(bluesky_config());
  std::map<std::string, core::ScoredPost> eligible;  // parent uri -> post
  std::vector<core::ScoredPost> posts;
  for (int i = 0; i < 20; ++i) {
    posts.push_back(bluesky_post(i, i % 2 == 0 || i % 5 == 0));
    if (posts.back().intent == core::Intent::complaint) {
      eligible[posts.back().post.reply_ref->uri] = posts.back();
    }
  }
  loop.write(posts);
  auto pds = std::make_shared<FixturePds>();
  loop.start_planner();
  loop.start_sender(pds);
  ReplyBook book;
  auto follower = ReplyBookFollower::start(*loop.log, book, loop.cfg.log.topic("replies"));
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
  loop.stop_all();
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

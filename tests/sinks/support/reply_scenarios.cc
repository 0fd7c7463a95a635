// Test support (replies): the sender kill -9 scenario (reply_scenarios.h).
#include "tests/sinks/support/reply_scenarios.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "sinks/reply_api.h"
#include "tests/sinks/support/end_to_end.h"
#include "tests/sinks/support/fixture_pds.h"
#include "tests/sinks/support/recording_receiver.h"
#include "tests/support/wait.h"

namespace earshot::sinks::testing {

using namespace std::chrono_literals;
using earshot::testing::wait_until;
using earshot::testing::within;
namespace core = pipeline::core;

void run_reply_kill_scenario(const std::string& kind, int replies, int kills) {
  pipeline::config::Config cfg =
      scenario_config(kind == "kafka" ? "kafka" : "embedded-file", "replykill");
  auto log = open_scenario_log(cfg);
  ASSERT_TRUE(log);
  const std::string topic = cfg.log.topic("replies");
  ASSERT_TRUE(log->create_topics({{topic, 3, true}}));

  // The fixture Mastodon: a POST with a key it has seen returns the status made then. The
  // same server is the fixture Bluesky PDS under /xrpc/ (odd posts are Bluesky posts): a
  // second create of a record key is refused, and nothing is overwritten.
  std::mutex mu;
  std::map<std::string, std::string> by_key;  // Idempotency-Key -> status id
  std::vector<std::string> replied_to;        // in_reply_to_id of each status made
  std::atomic<int> posts{0};
  testing_support::FixturePds pds;
  const int bluesky = replies / 2;
  RecordingReceiver mastodon([&](const ReceivedRequest& req) -> ReceiverResponse {
    if (req.path().starts_with("/xrpc/")) {
      if (req.path() == "/xrpc/com.atproto.repo.createRecord") {
        ++posts;
        std::this_thread::sleep_for(20ms);  // kills land mid-call too
      }
      return pds.http(req);
    }
    if (req.header("authorization") != "Bearer secret-token") return {401, {}, "{}"};
    if (req.method != "POST" || req.path() != "/api/v1/statuses") return {404, {}, "{}"};
    ++posts;
    std::this_thread::sleep_for(20ms);  // a platform takes a moment: kills land mid-call too
    std::lock_guard lock(mu);
    std::string key = req.header("idempotency-key");
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      replied_to.push_back(body.value("in_reply_to_id", ""));
      it = by_key.emplace(key, std::to_string(replied_to.size())).first;
    }
    return {200, {{"Content-Type", "application/json"}}, nlohmann::json{{"id", it->second}}.dump()};
  });

  {
    auto p = log->producer({});
    ASSERT_TRUE(p);
    for (int i = 0; i < replies; ++i) {
      core::ReplyIntent r;
      r.post_uid = "mastodon:m.example:" + std::to_string(5000 + i);
      r.id = "reply-" + std::to_string(i);
      r.platform = "mastodon";
      r.entity = "acme";
      r.in_reply_to = std::to_string(5000 + i);
      r.text = "@u sorry " + std::to_string(i);
      if (i % 2 == 1) {
        r.post_uid = "bluesky:did:plc:u:3k" + std::to_string(5000 + i);
        r.platform = "bluesky";
        r.in_reply_to = "at://did:plc:u/app.bsky.feed.post/3k" + std::to_string(5000 + i);
        r.reply_ref = core::ReplyRef{r.in_reply_to, "bafy" + std::to_string(i), r.in_reply_to,
                                     "bafy" + std::to_string(i)};
        r.post_author = "u.bsky.social";
        r.post_author_id = "did:plc:u";
        r.text = "@u.bsky.social sorry " + std::to_string(i);
      }
      r.idempotency_key = "key-" + std::to_string(i);
      r.status = core::ReplyStatus::approved;
      r.history = {{core::ReplyStatus::approved, "alice", "2026-11-23T10:00:00Z", ""}};
      ASSERT_TRUE((*p)->produce(topic, r.post_uid, pipeline::codec::encode(r)));
    }
    ASSERT_TRUE((*p)->flush(30s));
  }

  auto env = scenario_env(cfg);
  env["EARSHOT_SCN_MASTODON_URL"] = mastodon.base_url();
  auto made = [&] {  // replies the servers made (hold mu)
    return static_cast<int>(replied_to.size() + pds.records().size());
  };
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> pause_ms(0, 150);
  int kills_mid_run = 0;
  for (int k = 0; k < kills; ++k) {
    const int before = posts.load();
    pid_t child = spawn_child("replies", env);
    auto all_made = [&] {
      std::lock_guard lock(mu);
      return made() == replies;
    };
    // Kill only once this child is calling (or, late in a fast run, all is made already).
    const bool calling = wait_until(
        within(90s), [&] { return posts.load() > before || all_made(); },
        "the sender calling the server");
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    kill_child(child);
    ASSERT_TRUE(calling) << "kill " << k << ": the sender never called";
    std::lock_guard lock(mu);
    if (made() < replies) ++kills_mid_run;
  }
  pid_t last = spawn_child("replies", env);
  ReplyBook book;
  auto follower = ReplyBookFollower::start(*log, book, topic);
  ASSERT_TRUE(follower);
  const bool done = wait_until(
      within(300s),
      [&] {
        return book.list("sent", "", replies + 1).size() == static_cast<std::size_t>(replies);
      },
      "every reply sent on the topic");
  kill_child(last);
  (*follower)->stop();
  EXPECT_TRUE(done) << book.list("sent", "", replies + 1).size() << " sent";
  std::lock_guard lock(mu);
  EXPECT_EQ(replied_to.size(), static_cast<std::size_t>(replies - bluesky)) << "statuses made";
  std::set<std::string> distinct(replied_to.begin(), replied_to.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(replies - bluesky)) << "one reply per post";
  // Bluesky: one record per post, each answering its own post.
  std::map<std::string, std::string> bluesky_parent;  // record uri -> parent uri
  for (const auto& rec : pds.records()) {
    std::string parent = rec.value["reply"]["parent"]["uri"];
    EXPECT_TRUE(distinct.insert(parent).second) << "a second reply to " << parent;
    bluesky_parent[rec.uri] = parent;
  }
  EXPECT_EQ(bluesky_parent.size(), static_cast<std::size_t>(bluesky)) << "records made";
  for (int i = 0; i < replies; ++i) {
    std::string id = std::to_string(5000 + i);
    if (i % 2 == 1) id = "at://did:plc:u/app.bsky.feed.post/3k" + id;
    EXPECT_TRUE(distinct.contains(id)) << "post " << id;
  }
  for (const auto& r : book.list("sent", "", replies + 1)) {
    // each sent record names the status (or record) the server made for its own post
    if (r.platform == "bluesky") {
      EXPECT_EQ(bluesky_parent[r.remote_id], r.in_reply_to) << r.id;
    } else {
      EXPECT_EQ(replied_to.at(std::stoul(r.remote_id) - 1), r.in_reply_to) << r.id;
    }
  }
  EXPECT_GE(kills_mid_run, 1) << "every kill came after the work was done";
  remove_scenario_files(cfg);
}

}  // namespace earshot::sinks::testing

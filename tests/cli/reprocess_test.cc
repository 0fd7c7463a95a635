// `earshot reprocess` (issue 17) on the embedded log (a SQLite file shared between
// processes): a time range re-scored with `vader` while the live pipeline ran `default` —
// only the posts of the range, every output versioned and naming its version, the live
// topics (alerts and replies included) untouched, a rerun adds nothing, and `serve` lists
// the version and compares it with live, naming the posts whose label changed.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/http_get.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using nlohmann::json;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

std::vector<std::string> tail(const std::string& cfg, const std::string& topic) {
  RunResult r = run({"tail", "--config", cfg, topic});
  EXPECT_EQ(r.exit_code, 0) << topic << ": " << r.err;
  return lines_of(r.out);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Through tests/support/http_get.h, not cpprest: no thread hand-off TSan cannot see.
std::pair<int, std::string> get(const std::string& base, const std::string& target) {
  HttpGot got = http_get(base, target);
  return {got.status, std::move(got.body)};
}

// 240 posts, one a second from 10:00:00: "Not bad at all Acme Air" (negative toward Acme Air
// for `default`, positive for `vader`), a lost bag (negative for both) and Globex by turns.
std::string posts() {
  static const char* kTexts[] = {
      "Not bad at all Acme Air",
      "Acme Air lost my bag again, three hours at the carousel and nobody answers",
      "Globex support fixed my router in ten minutes, impressed",
  };
  std::string out;
  for (int i = 0; i < 240; ++i) {
    char ts[48];  // room for any int: -Wformat-truncation at -O1
    std::snprintf(ts, sizeof ts, "2026-11-23T10:%02d:%02dZ", i / 60, i % 60);
    out += R"({"v":1,"uid":"r-)" + std::to_string(i) +
           R"(","source":"file","url":"https://example.test/p/)" + std::to_string(i) +
           R"(","created_at":")" + ts + R"(","author":{"id":"u)" + std::to_string(i % 7) +
           R"(","handle":"@u)" + std::to_string(i % 7) + R"("},"text":")" + kTexts[i % 3] +
           " #" + std::to_string(i) + R"(","tags":[],"mentions":[]})" + "\n";
  }
  return out;
}

TEST(Reprocess, RescoresOnlyTheRangeIntoVersionedTopicsWithAlertsMutedAndComparesInTheApi) {
  std::string dir = temp_dir("reprocess");
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg,
             "log: {kind: embedded, path: ./earshot.db}\n"
             "entities:\n"
             "  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n"
             "  - {id: globex, name: Globex, kind: company, aliases: [\"Globex\"]}\n"
             "sentiment: {model: default}\n"
             "alerts:\n"
             "  - {name: bags, kind: keyword, pattern: '(?i)\\bbag\\b', entity: \"*\",\n"
             "     min_count: 3, window: 1m, severity: warning}\n"
             "api: {listen: 127.0.0.1:0}\n");
  write_file(dir + "/posts.jsonl", posts());
  ASSERT_EQ(run({"replay", "--config", cfg, "--file", dir + "/posts.jsonl"}).exit_code, 0);
  RunResult process = run({"process", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(process.exit_code, 0) << process.err;
  RunResult react = run({"react", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(react.exit_code, 0) << react.err;
  const auto live_scored = tail(cfg, "scored"), live_mentions = tail(cfg, "mentions");
  const auto live_aggregates = tail(cfg, "aggregates"), live_alerts = tail(cfg, "alerts");
  const auto live_replies = tail(cfg, "replies");
  ASSERT_EQ(live_scored.size(), 240u);
  ASSERT_FALSE(live_alerts.empty()) << "the bag rule fires on the live run";

  // [10:01, 10:03): posts 60..179.
  const std::vector<std::string> args = {"reprocess", "--config", cfg,
                                         "--from", "2026-11-23T10:01:00Z",
                                         "--to", "2026-11-23T10:03:00Z",
                                         "--model", "vader", "--version", "vt"};
  RunResult first = run(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;

  auto scored = tail(cfg, "earshot.scored.v.vt");
  ASSERT_EQ(scored.size(), 120u) << first.err;
  std::set<std::string> uids;
  for (const auto& l : scored) {
    auto s = pipeline::codec::decode_scored(l);
    ASSERT_TRUE(s) << l;
    auto t = *pipeline::core::parse_rfc3339_ms(s->post.created_at);
    EXPECT_GE(t, *pipeline::core::parse_rfc3339_ms("2026-11-23T10:01:00Z")) << l;
    EXPECT_LT(t, *pipeline::core::parse_rfc3339_ms("2026-11-23T10:03:00Z")) << l;
    EXPECT_EQ(s->sentiment.model.rfind("vader", 0), 0u) << l;
    uids.insert(s->post.uid);
  }
  EXPECT_EQ(uids.size(), 120u);
  auto mentions = tail(cfg, "earshot.mentions.v.vt");
  ASSERT_EQ(mentions.size(), 120u);  // one entity per post
  for (const auto& l : mentions) {
    auto m = pipeline::codec::decode_mention(l);
    ASSERT_TRUE(m) << l;
    EXPECT_EQ(m->model_version, "vt");
  }
  auto aggregates = tail(cfg, "earshot.aggregates.v.vt");
  ASSERT_FALSE(aggregates.empty()) << first.err;
  std::set<std::string> starts;
  for (const auto& l : aggregates) {
    auto a = pipeline::codec::decode_aggregate(l);
    ASSERT_TRUE(a) << l;
    EXPECT_EQ(a->model_version, "vt");
    if (a->window_size == "1m" && a->entity == "acme-air") starts.insert(a->window_start);
  }
  // Every 1m window of the range is closed at the end of the run (the final advance).
  EXPECT_EQ(starts, (std::set<std::string>{"2026-11-23T10:01:00.000Z", "2026-11-23T10:02:00.000Z"}));
  // The alerts it would have fired are in the versioned topic only: delivery muted.
  EXPECT_FALSE(tail(cfg, "earshot.alerts.v.vt").empty());
  EXPECT_EQ(tail(cfg, "alerts"), live_alerts);
  EXPECT_EQ(tail(cfg, "replies"), live_replies);
  EXPECT_EQ(tail(cfg, "scored"), live_scored);
  EXPECT_EQ(tail(cfg, "mentions"), live_mentions);
  EXPECT_EQ(tail(cfg, "aggregates"), live_aggregates);
  auto manifests = tail(cfg, "earshot.versions");
  ASSERT_EQ(manifests.size(), 2u);  // running, then complete
  json done = json::parse(manifests.back());
  EXPECT_EQ(done["state"], "complete");
  EXPECT_EQ(done["counts"]["posts_read"], 240);
  EXPECT_EQ(done["counts"]["selected"], 120);
  EXPECT_EQ(done["from"], "2026-11-23T10:01:00.000Z");

  // A rerun of the same version adds nothing; another range under its name is refused.
  RunResult again = run(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(tail(cfg, "earshot.scored.v.vt").size(), 120u);
  EXPECT_EQ(tail(cfg, "earshot.mentions.v.vt").size(), 120u);
  EXPECT_EQ(tail(cfg, "earshot.aggregates.v.vt").size(), aggregates.size());
  RunResult other = run({"reprocess", "--config", cfg, "--from", "2026-11-23T10:00:00Z", "--to",
                         "2026-11-23T10:03:00Z", "--model", "vader", "--version", "vt"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("holds [2026-11-23T10:01:00.000Z"), std::string::npos) << other.err;

  // serve: the versions, ?version= and the compare route.
  std::string log_path = dir + "/serve.log";
  pid_t pid = spawn({"serve", "--config", cfg}, log_path);
  std::string url;
  ASSERT_TRUE(wait_until(
      within(std::chrono::seconds(60)),
      [&] {
        std::smatch m;
        std::string text = slurp(log_path);
        if (std::regex_search(text, m, std::regex("serve: (http://127\\.0\\.0\\.1:[0-9]+)")))
          url = m[1];
        return !url.empty();
      },
      "serve's URL", std::chrono::milliseconds(100)))
      << slurp(log_path);
  json compare;
  ASSERT_TRUE(wait_until(
      within(std::chrono::seconds(60)),
      [&] {
        auto [status, body] = get(url, "/api/v1/compare?entity=acme-air&a=live&b=vt&window=1m");
        if (status != 200) return false;
        compare = json::parse(body);
        return compare["compared"] == 80 && compare["windows"].size() == 2;
      },
      "the compare route to see both sides", std::chrono::milliseconds(100)))
      << compare.dump();
  // Posts 60..179 about Acme Air: 40 "Not bad at all" (negative -> positive), 40 lost bags.
  EXPECT_EQ(compare["changed_total"], 40);
  EXPECT_EQ(compare["transitions"]["negative->positive"], 40);
  ASSERT_EQ(compare["changed"].size(), 40u);
  EXPECT_EQ(compare["changed"][0]["text"].get<std::string>().rfind("Not bad at all", 0), 0u);
  EXPECT_EQ(compare["changed"][0]["a"]["label"], "negative");
  EXPECT_EQ(compare["changed"][0]["b"]["label"], "positive");
  EXPECT_EQ(compare["range"]["from"], "2026-11-23T10:01:00.000Z");
  for (const auto& w : compare["windows"]) {
    EXPECT_EQ(w["a"]["volume"], 40) << w.dump();
    EXPECT_EQ(w["b"]["volume"], 40) << w.dump();
    EXPECT_EQ(w["a"]["negative"], 40) << w.dump();
    EXPECT_EQ(w["b"]["negative"], 20) << w.dump();
  }
  auto [vs, versions] = get(url, "/api/v1/versions");
  ASSERT_EQ(vs, 200);
  json v = json::parse(versions)["versions"];
  ASSERT_EQ(v.size(), 2u) << versions;
  EXPECT_EQ(v[0]["version"], "live");
  EXPECT_EQ(v[1]["version"], "vt");
  EXPECT_EQ(v[1]["state"], "complete");
  auto [ps, page] = get(url, "/api/v1/posts?version=vt&entity=acme-air&label=positive&limit=200");
  ASSERT_EQ(ps, 200);
  EXPECT_EQ(json::parse(page)["total"], 40);
  EXPECT_EQ(get(url, "/api/v1/aggregates?entity=acme-air&window=1m&version=vt").first, 200);
  EXPECT_EQ(get(url, "/api/v1/aggregates?entity=acme-air&version=nope").first, 404);
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_for(pid), 0) << slurp(log_path);
}

TEST(Reprocess, RefusesABadRangeModelOrVersionWithExitTwo) {
  std::string dir = temp_dir("reprocess-args");
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg, "log: {kind: embedded, path: ./earshot.db}\n");
  auto bad = [&](std::vector<std::string> extra, const std::string& says) {
    std::vector<std::string> a = {"reprocess", "--config", cfg};
    a.insert(a.end(), extra.begin(), extra.end());
    RunResult r = run(a);
    EXPECT_EQ(r.exit_code, 2) << says << ": " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
  };
  bad({"--from", "yesterday", "--model", "vader"}, "--from: 'yesterday'");
  bad({"--from", "1h", "--to", "2h", "--model", "vader"}, "--from must be before --to");
  bad({"--from", "1h", "--model", "/nonexistent.model"}, "--model:");
  bad({"--from", "1h", "--model", "vader", "--version", "a/b"}, "--version: 'a/b'");
  bad({"--from", "1h", "--model", "vader", "--version", "live"}, "--version: 'live'");
}

}  // namespace
}  // namespace earshot::testing

// `earshot serve`, `--metrics-listen` and `demo --port` on the embedded log (a SQLite file
// shared between processes): the API answers with what a react run wrote, tokens are
// enforced, and /metrics of a process run counts the posts it processed.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/busy_port.h"
#include "tests/support/http_get.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using nlohmann::json;

using Got = HttpGot;

// Through tests/support/http_get.h, not cpprest: no thread hand-off TSan cannot see.
Got get(const std::string& base, const std::string& target, const std::string& token = "") {
  return http_get(base, target, token);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The "http://127.0.0.1:PORT" a spawned earshot printed after `marker` in its log.
std::string url_from_log(const std::string& log_path, const std::string& marker) {
  std::string url;
  EXPECT_TRUE(wait_until(
      within(std::chrono::seconds(60)),
      [&] {
        std::smatch m;
        std::string text = slurp(log_path);
        std::regex re(marker + "(http://127\\.0\\.0\\.1:[0-9]+)");
        if (std::regex_search(text, m, re)) url = m[1];
        return !url.empty();
      },
      "\"" + marker + "<url>\" in " + log_path, std::chrono::milliseconds(100)));
  return url;
}

// The value of the sample `series` (name plus labels, exactly as rendered) in a scrape.
std::optional<double> metric(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

std::string config_text(const std::string& dir, const std::string& extra) {
  return "log: {kind: embedded, path: " + dir +
         "/earshot.db}\n"
         "entities:\n"
         "  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\", \"AcmeAir\", \"Acme Airlines\"],\n"
         "     hashtags: [\"#acmeair\", \"#flyacme\"], handles: [\"@acmeair\"]}\n"
         "  - {id: globex, name: Globex Bank, kind: company, aliases: [\"Globex Bank\", \"Globex\"]}\n"
         "alerts:\n"
         "  - {name: negative-spike, kind: spike, entity: \"*\", label: negative, window: 1m,\n"
         "     min_volume: 20, sensitivity: 3.0, cooldown: 10m, severity: warning}\n"
         "  - {name: outage-words, kind: keyword, pattern: '(?i)\\b(outage|down|not working)\\b',\n"
         "     entity: \"*\", min_count: 5, window: 1m, severity: warning}\n"
         "sinks:\n  - {type: kafka}\n" +
         extra;
}

TEST(Serve, AnswersTheAggregatesAndAlertsOfAReactRunWithTokens) {
  std::string dir = temp_dir("serve");
  std::string cfg = dir + "/earshot.yaml";
  write_file(
      cfg, config_text(dir, "api: {listen: 127.0.0.1:0, tokens: [\"serve-token-0123456789\"]}\n"));
  ASSERT_EQ(
      run({"replay", "--config", cfg, "--file", source_dir() + "/deploy/demo/sample_posts.jsonl"})
          .exit_code,
      0);
  RunResult process = run({"process", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(process.exit_code, 0) << process.err;
  RunResult react = run({"react", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(react.exit_code, 0) << react.err;

  // What react wrote, read back through the CLI: the ground truth for the API.
  std::vector<pipeline::core::Alert> alerts;
  {
    std::istringstream in(run({"tail", "--config", cfg, "alerts"}).out);
    for (std::string l; std::getline(in, l);) {
      if (auto a = pipeline::codec::decode_alert(l)) alerts.push_back(*a);
    }
  }
  std::map<std::string, pipeline::core::Aggregate> latest_1m;  // entity -> newest 1m window
  std::size_t acme_1m_windows = 0;
  {
    std::map<std::string, pipeline::core::Aggregate> by_key;
    std::istringstream in(run({"tail", "--config", cfg, "aggregates"}).out);
    for (std::string l; std::getline(in, l);) {
      auto a = pipeline::codec::decode_aggregate(l);
      if (!a) continue;
      auto& slot = by_key[a->entity + "|" + a->window_size + "|" + a->window_start];
      if (slot.version <= a->version) slot = *a;
    }
    for (const auto& [k, a] : by_key) {
      if (a.window_size != "1m") continue;
      if (a.entity == "acme-air") ++acme_1m_windows;
      auto& l = latest_1m[a.entity];
      if (l.window_start < a.window_start) l = a;
    }
  }
  ASSERT_FALSE(alerts.empty()) << "the sample stream has an outage: react should alert\n"
                               << react.err;
  ASSERT_TRUE(latest_1m.contains("acme-air"));

  std::string log_path = dir + "/serve.log";
  pid_t pid = spawn({"serve", "--config", cfg}, log_path);
  std::string url = url_from_log(log_path, "serve: ");
  ASSERT_FALSE(url.empty()) << slurp(log_path);

  // Auth: the API needs the token, the page, /healthz and /metrics do not.
  EXPECT_EQ(get(url, "/api/v1/alerts").status, 401);
  EXPECT_EQ(get(url, "/api/v1/alerts", "wrong-token").status, 401);
  EXPECT_EQ(get(url, "/api/v1/entities", "serve-token-0123456789!").status, 401);
  EXPECT_EQ(get(url, "/healthz").status, 200);
  Got page = get(url, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<title>earshot</title>"), std::string::npos);

  // Every alert, newest first, once the follower caught up.
  json got_alerts;
  ASSERT_TRUE(wait_until(
      within(std::chrono::seconds(60)),
      [&] {
        Got g = get(url, "/api/v1/alerts?limit=500", "serve-token-0123456789");
        if (g.status != 200) return false;
        got_alerts = json::parse(g.body)["alerts"];
        return got_alerts.size() == std::min<std::size_t>(alerts.size(), 500);
      },
      "the API to serve every alert", std::chrono::milliseconds(100)))
      << "API has " << got_alerts.size() << " alerts, the topic " << alerts.size();
  EXPECT_EQ(got_alerts[0]["id"], alerts.back().id);
  EXPECT_EQ(got_alerts[got_alerts.size() - 1]["id"], alerts.front().id);

  Got entities = get(url, "/api/v1/entities", "serve-token-0123456789");
  ASSERT_EQ(entities.status, 200);
  json e = json::parse(entities.body)["entities"];
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0]["id"], "acme-air");
  EXPECT_EQ(e[0]["name"], "Acme Air");
  const auto& want = latest_1m["acme-air"];
  EXPECT_EQ(e[0]["latest"]["1m"]["start"], want.window_start);
  EXPECT_EQ(e[0]["latest"]["1m"]["volume"], want.volume);
  EXPECT_EQ(e[0]["latest"]["1m"]["negative"], want.negative);

  Got series =
      get(url, "/api/v1/aggregates?entity=acme-air&window=1m&limit=10000", "serve-token-0123456789");
  ASSERT_EQ(series.status, 200);
  EXPECT_EQ(json::parse(series.body)["points"].size(), acme_1m_windows);

  Got scrape = get(url, "/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(metric(scrape.body, "earshot_api_alerts_applied_total"),
            static_cast<double>(alerts.size()));
  EXPECT_GE(metric(scrape.body, "earshot_api_unauthorized_total").value_or(0), 3.0);
  EXPECT_EQ(metric(scrape.body, "earshot_role_state{role=\"serve\",state=\"running\"}"), 1.0);

  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_for(pid), 0) << slurp(log_path);
}

TEST(Serve, ProcessServesMetricsWithRecordsInEqualToThePostsProcessed) {
  std::string dir = temp_dir("metrics");
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg, config_text(dir, "metrics: {listen: 127.0.0.1:0}\n"));
  write_file(dir + "/posts.jsonl", make_posts("m", 120));
  ASSERT_EQ(run({"replay", "--config", cfg, "--file", dir + "/posts.jsonl"}).exit_code, 0);

  std::string log_path = dir + "/process.log";
  pid_t pid = spawn({"process", "--config", cfg, "--exit-when-idle", "50"}, log_path);
  std::string url = url_from_log(log_path, "metrics: ");
  ASSERT_FALSE(url.empty()) << slurp(log_path);
  Got health = get(url, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("\"process\":\"running\""), std::string::npos) << health.body;

  // The 120 posts are processed once the scored topic has them.
  auto log = pipeline::log::open_log({.kind = "embedded", .path = dir + "/earshot.db"});
  ASSERT_TRUE(log);
  EXPECT_EQ(read_topic(**log, "earshot.scored", 120).size(), 120u);

  const std::string loop_in = "earshot_loop_records_in_total{role=\"process\"}";
  std::string text;
  EXPECT_TRUE(wait_until(
      within(std::chrono::seconds(15)),
      [&] {
        text = get(url, "/metrics").body;
        return metric(text, loop_in) == 120.0;
      },
      "120 records in on /metrics", std::chrono::milliseconds(100)));
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_for(pid), 0) << slurp(log_path);
  EXPECT_EQ(metric(text, "earshot_role_state{role=\"process\",state=\"running\"}"), 1.0) << text;
  EXPECT_EQ(metric(text, loop_in), 120.0) << text;
  EXPECT_EQ(metric(text, "earshot_loop_lag_records{role=\"process\"}"), 0.0) << text;
  EXPECT_EQ(metric(text, "earshot_process_records_in_total"), 120.0) << text;
  EXPECT_EQ(metric(text, "earshot_process_scored_total"), 120.0) << text;
}

TEST(Serve, ReactServesItsCountersWithTheMentionsItApplied) {
  std::string dir = temp_dir("metrics");
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg, config_text(dir, "metrics: {listen: 127.0.0.1:0}\n"));
  write_file(dir + "/posts.jsonl", make_posts("r", 60));
  ASSERT_EQ(run({"replay", "--config", cfg, "--file", dir + "/posts.jsonl"}).exit_code, 0);
  ASSERT_EQ(run({"process", "--config", cfg, "--exit-when-idle", "2"}).exit_code, 0);
  auto log = pipeline::log::open_log({.kind = "embedded", .path = dir + "/earshot.db"});
  ASSERT_TRUE(log);
  const std::size_t mentions = read_topic(**log, "earshot.mentions", 1).size();
  ASSERT_GT(mentions, 0u);

  std::string log_path = dir + "/react.log";
  pid_t pid = spawn({"react", "--config", cfg, "--exit-when-idle", "50"}, log_path);
  std::string url = url_from_log(log_path, "metrics: ");
  ASSERT_FALSE(url.empty()) << slurp(log_path);
  std::string text;
  EXPECT_TRUE(wait_until(
      within(std::chrono::seconds(30)),
      [&] {
        text = get(url, "/metrics").body;
        return metric(text, "earshot_react_mentions_total") == static_cast<double>(mentions);
      },
      "every mention applied on /metrics", std::chrono::milliseconds(100)))
      << text;
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_for(pid), 0) << slurp(log_path);
  EXPECT_EQ(metric(text, "earshot_react_late_beyond_total"), 0.0) << text;
  EXPECT_TRUE(metric(text, "earshot_react_late_updates_total").has_value()) << text;
  EXPECT_TRUE(metric(text, "earshot_react_windows_held").has_value()) << text;
}

TEST(Demo, AnExplicitBusyPortIsExitOneWithAClearMessageForDemoAndServe) {
  BusyPort busy;
  ASSERT_TRUE(busy.ok());
  std::string port = std::to_string(busy.port());
  RunResult r = run({"demo", "--port", port});
  RunResult serve = run({"serve", "--config", source_dir() + "/deploy/examples/embedded.yaml",
                         "--listen", "127.0.0.1:" + port});
  busy.release();
  EXPECT_EQ(serve.exit_code, 1) << serve.err;
  EXPECT_NE(serve.err.find("127.0.0.1:" + port), std::string::npos) << serve.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:" + port), std::string::npos) << r.err;
  EXPECT_EQ(run({"demo", "--port", "0"}).exit_code, 2);
}

}  // namespace
}  // namespace earshot::testing

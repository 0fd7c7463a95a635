// Tests for deploy/grafana and deploy/prometheus against a running `earshot run`: `promtool
// check metrics` accepts /metrics, a real Prometheus (Debian `prometheus`) scrapes it and
// answers a query for an earshot series, and every metric the Grafana dashboard queries
// exists in /metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "tests/cli/support/cli_harness.h"
#include "tests/deploy/support/shell.h"
#include "tests/support/busy_port.h"
#include "tests/support/source_dir.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;


std::string http_get(const std::string& url) {
  return shell("curl -fsS --max-time 5 '" + url + "'").second;
}

int free_port() {
  BusyPort p;
  int port = p.port();
  p.release();
  return port;
}

// Names declared by "# TYPE name kind" lines, with the series names a histogram or summary
// adds.
std::set<std::string> declared_metrics(const std::string& text) {
  std::set<std::string> names;
  std::regex type_line("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ([a-z]+)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, type_line)) continue;
    names.insert(m[1]);
    if (m[2] == "histogram" || m[2] == "summary") {
      for (const char* s : {"_bucket", "_sum", "_count"}) names.insert(m[1].str() + s);
    }
  }
  return names;
}

// One `earshot run` over the bundled sample stream for every test of this file: it keeps
// running (and serving /metrics) after the stream is read.
class Observability : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = temp_dir("observability");
    port_ = free_port();
    std::string cfg = dir_ + "/earshot.yaml";
    const std::string examples = source_path("deploy/examples").string();
    std::string text;
    {
      std::ifstream in(examples + "/embedded.yaml");
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    text = std::regex_replace(text, std::regex("\\.\\./demo/"),
                              source_path("deploy/demo").string() + "/");
    text = std::regex_replace(text, std::regex("path: customers\\.csv"),
                              "path: " + examples + "/customers.csv");
    text = std::regex_replace(text, std::regex("\napi: [^\n]*"),
                              "\napi: {listen: 127.0.0.1:" + std::to_string(port_) + "}");
    write_file(cfg, text);
    pid_ = spawn({"run", "--config", cfg}, dir_ + "/run.log");
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    // Until the whole stream (bad lines included) went through process.
    ready_ = wait_until(
        within(90s),
        [] {
          metrics_ = http_get(url_ + "/metrics");
          // Every post of the stream committed by ingest and scored by process.
          return metrics_.find("earshot_ingest_posts_total 500") != std::string::npos &&
                 metrics_.find("earshot_process_records_in_total 500") != std::string::npos;
        },
        "the sample stream through process", 250ms);
  }
  static void TearDownTestSuite() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      wait_for(pid_);
    }
  }
  static inline std::string dir_, url_, metrics_;
  static inline int port_ = 0;
  static inline bool ready_ = false;
  static inline pid_t pid_ = -1;
};

TEST_F(Observability, PromtoolAcceptsTheMetricsPage) {
  ASSERT_TRUE(ready_) << metrics_;
  ASSERT_THAT(metrics_, ::testing::HasSubstr("earshot_process_scored_total"));
  write_file(dir_ + "/metrics.txt", metrics_);
  auto [rc, out] = shell("promtool check metrics < " + dir_ + "/metrics.txt");
  EXPECT_EQ(rc, 0) << out;
  // And promtool does refuse a broken page (the check can fail).
  write_file(dir_ + "/broken.txt", "# TYPE x counter\nx{a=\"1\"} one\n");
  EXPECT_NE(shell("promtool check metrics < " + dir_ + "/broken.txt").first, 0);
}

TEST_F(Observability, EveryMetricTheGrafanaDashboardQueriesExists) {
  std::ifstream in(source_path("deploy/grafana/earshot.json"));
  nlohmann::json dash = nlohmann::json::parse(in);
  const std::set<std::string> have = declared_metrics(metrics_);
  ASSERT_TRUE(ready_) << metrics_;
  ASSERT_GT(have.size(), 20u);
  std::regex metric("earshot_[a-z0-9_]+");
  std::set<std::string> used;
  std::set<std::string> titles;
  for (const auto& panel : dash["panels"]) {
    titles.insert(panel.value("title", ""));
    if (!panel.contains("targets")) continue;
    for (const auto& t : panel["targets"]) {
      std::string expr = t["expr"];
      for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end; ++it)
        used.insert(it->str());
    }
  }
  EXPECT_GE(used.size(), 15u);
  for (const auto& name : used) EXPECT_TRUE(have.count(name)) << name << " is not in /metrics";
  for (const char* row : {"Throughput", "Lag", "Dead letters", "Alert delivery", "Source health"})
    EXPECT_TRUE(titles.count(row)) << row;
}

TEST_F(Observability, APrometheusServerScrapesItAndAnswersAQuery) {
  const int prom_port = free_port();
  write_file(dir_ + "/prometheus.yml",
             "global: {scrape_interval: 1s}\n"
             "scrape_configs:\n"
             "  - job_name: earshot\n"
             "    static_configs: [{targets: ['127.0.0.1:" +
                 std::to_string(port_) + "']}]\n");
  pid_t prom = spawn_program(
      "/usr/bin/prometheus",
      {"--config.file=" + dir_ + "/prometheus.yml", "--storage.tsdb.path=" + dir_ + "/tsdb",
       "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
      dir_ + "/prometheus.log");
  ASSERT_GT(prom, 0);
  nlohmann::json answer;
  auto got = wait_until(
      within(60s),
      [&] {
        std::string body = http_get("http://127.0.0.1:" + std::to_string(prom_port) +
                                    "/api/v1/query?query=earshot_process_scored_total");
        answer = nlohmann::json::parse(body, nullptr, false);
        return !answer.is_discarded() && answer.value("status", "") == "success" &&
               !answer["data"]["result"].empty();
      },
      "Prometheus to have scraped earshot", 500ms);
  ::kill(prom, SIGTERM);
  wait_for(prom);
  ASSERT_TRUE(got) << answer.dump();
  const auto& series = answer["data"]["result"][0];
  EXPECT_EQ(series["metric"]["job"], "earshot");
  EXPECT_GT(std::stod(series["value"][1].get<std::string>()), 0.0);
}

}  // namespace
}  // namespace earshot::testing

namespace earshot::testing {
namespace {

// Issue 14: the replies role's metrics — blocked replies by guard (the bundled stream is
// dated 2026-11-23, so under `run` with max_post_age 24h its complaints are `too_old`) and
// the post→sent percentiles, NaN until a reply is sent.
TEST_F(Observability, RepliesMetricsCountBlockedByGuardAndNameTheLatencyPercentiles) {
  ASSERT_TRUE(ready_) << metrics_;
  std::string page;
  bool seen = wait_until(
      within(60s),
      [&] {
        page = http_get(url_ + "/metrics");
        return page.find("earshot_replies_blocked_by_guard_total{reason=\"too_old\"}") !=
               std::string::npos;
      },
      "blocked replies counted by guard", 250ms);
  EXPECT_TRUE(seen) << page;
  EXPECT_NE(page.find("earshot_replies_post_to_sent_seconds{percentile=\"50\"} NaN"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("earshot_replies_post_to_sent_seconds{percentile=\"99\"} NaN"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("earshot_replies{status=\"pending_approval\"}"), std::string::npos) << page;
}

}  // namespace
}  // namespace earshot::testing

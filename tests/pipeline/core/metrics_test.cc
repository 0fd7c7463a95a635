// Tests for pipeline/metrics.h: exact Prometheus text for a small registry, escaping,
// cumulative histogram buckets, ordering, collectors and their lifetime, and a parse-back
// check that every line of the output is valid text exposition format 0.0.4.
#include "pipeline/core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace earshot::pipeline::core {
namespace {

// Checks the text format line by line; returns "" when valid, else the first problem.
// Also returns the samples it read (series text -> value) through `samples`.
std::string validate_exposition(const std::string& text,
                                std::map<std::string, std::string>* samples = nullptr) {
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*))");
  static const std::regex type(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? ([-+]?([0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|Inf)|NaN))");
  if (!text.empty() && text.back() != '\n') return "no final newline";
  std::istringstream in(text);
  std::string line, current;
  std::map<std::string, std::string> typed;
  std::set<std::string> seen_families;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      if (seen_families.contains(m[1])) return "family twice: " + line;
      seen_families.insert(m[1]);
      current = m[1];
    } else if (std::regex_match(line, m, type)) {
      if (m[1] != current) return "TYPE without HELP first: " + line;
      typed[m[1]] = m[2];
    } else if (std::regex_match(line, m, sample)) {
      std::string name = m[1];
      bool ok =
          name == current ||
          (typed[current] == "histogram" &&
           (name == current + "_bucket" || name == current + "_sum" || name == current + "_count"));
      if (!ok) return "sample outside its family: " + line;
      std::string value = line.substr(line.rfind(' ') + 1);
      if (samples) (*samples)[line.substr(0, line.rfind(' '))] = value;
    } else {
      return "bad line: " + line;
    }
  }
  return "";
}

TEST(Metrics, ExactTextForASmallRegistry) {
  MetricsRegistry reg;
  reg.counter("earshot_records_in_total", "Records read", {{"role", "process"}}).inc(3);
  reg.counter("earshot_records_in_total", "Records read", {{"role", "react"}}).inc();
  reg.gauge("earshot_lag_seconds", "Lag\nin seconds \\ wall", {}).set(0.25);
  auto& h =
      reg.histogram("earshot_batch_seconds", "Batch time", {0.1, 1, 0.5}, {{"role", "process"}});
  h.observe(0.0625);
  h.observe(0.25);
  h.observe(0.25);
  h.observe(7);
  EXPECT_EQ(reg.render(),
            "# HELP earshot_batch_seconds Batch time\n"
            "# TYPE earshot_batch_seconds histogram\n"
            "earshot_batch_seconds_bucket{role=\"process\",le=\"0.1\"} 1\n"
            "earshot_batch_seconds_bucket{role=\"process\",le=\"0.5\"} 3\n"
            "earshot_batch_seconds_bucket{role=\"process\",le=\"1\"} 3\n"
            "earshot_batch_seconds_bucket{role=\"process\",le=\"+Inf\"} 4\n"
            "earshot_batch_seconds_sum{role=\"process\"} 7.5625\n"
            "earshot_batch_seconds_count{role=\"process\"} 4\n"
            "# HELP earshot_lag_seconds Lag\\nin seconds \\\\ wall\n"
            "# TYPE earshot_lag_seconds gauge\n"
            "earshot_lag_seconds 0.25\n"
            "# HELP earshot_records_in_total Records read\n"
            "# TYPE earshot_records_in_total counter\n"
            "earshot_records_in_total{role=\"process\"} 3\n"
            "earshot_records_in_total{role=\"react\"} 1\n");
  EXPECT_EQ(validate_exposition(reg.render()), "");
}

TEST(Metrics, LabelValuesAreEscapedAndLabelsSorted) {
  MetricsRegistry reg;
  reg.counter("c_total", "c", {{"z", "last"}, {"a", "quote \" back \\ nl \n end"}}).inc(2);
  EXPECT_EQ(reg.render(),
            "# HELP c_total c\n# TYPE c_total counter\n"
            "c_total{a=\"quote \\\" back \\\\ nl \\n end\",z=\"last\"} 2\n");
  std::map<std::string, std::string> samples;
  ASSERT_EQ(validate_exposition(reg.render(), &samples), "");
  EXPECT_EQ(samples.size(), 1u);
}

TEST(Metrics, SameNameAndLabelsGiveTheSameInstrument) {
  MetricsRegistry reg;
  Counter& a = reg.counter("x_total", "x", {{"k", "v"}});
  Counter& b = reg.counter("x_total", "x", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &reg.counter("x_total", "x", {{"k", "w"}}));
}

TEST(Metrics, BadNamesAreSanitizedAndTypeClashesRenamed) {
  MetricsRegistry reg;
  reg.counter("9bad-name.total", "h", {{"bad-label", "v"}, {"__reserved", "x"}}).inc();
  reg.gauge("9bad-name.total", "g").set(-1.5);
  std::string text = reg.render();
  EXPECT_NE(text.find("_bad_name_total{bad_label=\"v\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("_bad_name_total_gauge -1.5\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("__reserved"), std::string::npos);
  EXPECT_EQ(validate_exposition(text), "");
}

TEST(Metrics, ADeclaredFamilyIsWrittenBeforeItsFirstSeries) {
  MetricsRegistry reg;
  std::map<std::string, double> by_reason;
  auto handle = reg.add_collector([&](MetricsWriter& w) {
    w.declare_counter("earshot_dead_by_reason_total", "Dead letters by reason");
    for (const auto& [r, n] : by_reason)
      w.counter("earshot_dead_by_reason_total", "x", {{"reason", r}}, n);
  });
  EXPECT_EQ(reg.render(),
            "# HELP earshot_dead_by_reason_total Dead letters by reason\n"
            "# TYPE earshot_dead_by_reason_total counter\n");
  EXPECT_EQ(validate_exposition(reg.render()), "");
  by_reason["json"] = 2;
  EXPECT_EQ(reg.render(),
            "# HELP earshot_dead_by_reason_total Dead letters by reason\n"
            "# TYPE earshot_dead_by_reason_total counter\n"
            "earshot_dead_by_reason_total{reason=\"json\"} 2\n");
}

TEST(Metrics, CollectorsMergeIntoFamiliesAndStopWithTheirHandle) {
  MetricsRegistry reg;
  reg.counter("earshot_records_in_total", "Records read", {{"role", "process"}}).inc(5);
  int calls = 0;
  {
    auto handle = reg.add_collector([&](MetricsWriter& w) {
      ++calls;
      w.counter("earshot_records_in_total", "ignored help", {{"role", "ingest"}}, 7);
      w.counter("earshot_records_in_total", "dup", {{"role", "process"}},
                99);  // already owned: dropped
      w.gauge("earshot_records_in_total", "wrong type", {{"role", "x"}}, 1);  // type clash: dropped
      w.gauge("earshot_source_up", "Source state", {{"source", "rss:a"}}, 1);
    });
    std::string text = reg.render();
    EXPECT_EQ(text,
              "# HELP earshot_records_in_total Records read\n"
              "# TYPE earshot_records_in_total counter\n"
              "earshot_records_in_total{role=\"ingest\"} 7\n"
              "earshot_records_in_total{role=\"process\"} 5\n"
              "# HELP earshot_source_up Source state\n"
              "# TYPE earshot_source_up gauge\n"
              "earshot_source_up{source=\"rss:a\"} 1\n");
    EXPECT_EQ(validate_exposition(text), "");
  }
  EXPECT_EQ(calls, 1);
  std::string after = reg.render();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(after.find("ingest"), std::string::npos);
}

TEST(Metrics, ACollectorThatThrowsLosesOnlyItsSamples) {
  MetricsRegistry reg;
  auto bad = reg.add_collector([](MetricsWriter&) { throw std::runtime_error("boom"); });
  auto good = reg.add_collector([](MetricsWriter& w) { w.gauge("g", "g", {}, 2); });
  EXPECT_EQ(reg.render(), "# HELP g g\n# TYPE g gauge\ng 2\n");
}

TEST(Metrics, ValuesFormatForPrometheus) {
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(1e6), "1000000");
  EXPECT_EQ(format_metric_value(0.001), "0.001");
  EXPECT_EQ(format_metric_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_metric_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
  EXPECT_EQ(format_metric_value(1e300), "1e+300");
}

TEST(Metrics, ConcurrentUpdatesAndScrapesAreConsistent) {
  MetricsRegistry reg;
  Counter& c = reg.counter("n_total", "n");
  Histogram& h = reg.histogram("h_seconds", "h", latency_buckets());
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done) {
      std::map<std::string, std::string> samples;
      std::string text = reg.render();
      ASSERT_EQ(validate_exposition(text, &samples), "");
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        c.inc();
        h.observe(0.002);
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  scraper.join();
  EXPECT_EQ(c.value(), 80000u);
  auto snap = h.snapshot();
  EXPECT_EQ(snap.count, 80000u);
  EXPECT_EQ(snap.cumulative[0], 0u);      // le 0.001
  EXPECT_EQ(snap.cumulative[1], 80000u);  // le 0.0025
  EXPECT_NEAR(snap.sum, 160.0, 1e-6);
}

TEST(Metrics, ValidatorRejectsBrokenText) {
  EXPECT_NE(validate_exposition("# HELP a x\n# TYPE a counter\na{b=\"unterminated} 1\n"), "");
  EXPECT_NE(validate_exposition("# HELP a x\n# TYPE a counter\nb 1\n"), "");
  EXPECT_NE(validate_exposition("# HELP a x\n# TYPE a counter\na 1"), "");
}

}  // namespace
}  // namespace earshot::pipeline::core

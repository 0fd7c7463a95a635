// Micro-benchmarks of the react stage: windows, alert rules, and the whole batch handler.
// A fixed-seed corpus (100 entities, 200 000 mentions over an hour of event time) is checked
// against reference counts before anything is timed.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

#include "pipeline/codec/json_codec.h"
#include "pipeline/react/react_stage.h"

namespace earshot::pipeline::react {
namespace {

using codec::decode_mention;
using codec::encode;
using config::AlertKind;
using config::AlertRuleDef;
using core::Aggregate;
using core::Alert;
using core::format_rfc3339_ms;
using core::Mention;
using core::parse_rfc3339_ms;
using log::open_log;
using log::Output;
using log::Record;
using sentiment::Label;

// prefix + n (appending: GCC 12 at -O3 warns falsely on "literal" + std::string&&).
std::string id(const char* prefix, std::uint64_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

const std::vector<Mention>& corpus() {
  static const std::vector<Mention> c = [] {
    std::mt19937_64 rng(42);
    const std::int64_t t0 = *parse_rfc3339_ms("2026-11-23T10:00:00Z");
    const char* texts[] = {"the app is down again", "great crew and a smooth flight",
                           "where is my bag", "refund still not here, outage",
                           "lovely lounge today"};
    std::vector<Mention> out;
    for (int i = 0; i < 200'000; ++i) {
      Mention m;
      m.entity = id("entity-", rng() % 100);
      m.post_uid = id("bench:", static_cast<std::uint64_t>(i));
      m.url = id("https://example.test/", static_cast<std::uint64_t>(i));
      m.created_at = format_rfc3339_ms(t0 + i * 18);  // 3 600 000 ms / 200 000
      m.author_id = id("a", rng() % 20'000);
      m.text = texts[rng() % 5];
      int l = static_cast<int>(rng() % 3);
      m.sentiment.label = static_cast<Label>(l);
      m.sentiment.score = l == 0 ? -0.6f : l == 1 ? 0.0f : 0.6f;
      out.push_back(std::move(m));
    }
    return out;
  }();
  return c;
}

std::vector<AlertRuleDef> rules() {
  AlertRuleDef spike;
  spike.name = "spike";
  spike.kind = AlertKind::spike;
  spike.label = Label::negative;
  AlertRuleDef kw;
  kw.name = "outage";
  kw.kind = AlertKind::keyword;
  kw.pattern = R"((?i)\b(outage|down)\b)";
  kw.min_count = 5;
  return {spike, kw};
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "react_bench: reference check failed: %s\n", what);
    std::exit(1);
  }
}

// Every mention lands in one 1m and one 1h window: total volume = 2 × mentions.
void verify_windows() {
  Windows w;
  std::vector<Aggregate> out;
  for (const auto& m : corpus()) check(w.add(m, out).has_value(), "windows add");
  w.snapshot(out);
  // The latest of each window (a window may be emitted, updated late, then snapshotted).
  std::map<std::string, std::int64_t> latest;
  for (const auto& a : out) latest[aggregate_key(a)] = a.volume;
  std::int64_t volume = 0;
  for (const auto& [_, v] : latest) volume += v;
  check(volume == 2 * static_cast<std::int64_t>(corpus().size()), "window volume");
}

void BM_Windows_Add(benchmark::State& state) {
  verify_windows();
  for (auto _ : state) {
    Windows w;
    std::vector<Aggregate> out;
    for (const auto& m : corpus()) (void)w.add(m, out);
    w.commit();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(corpus().size()));
}
BENCHMARK(BM_Windows_Add)->Unit(benchmark::kMillisecond);

void BM_AlertEngine_Add(benchmark::State& state) {
  for (auto _ : state) {
    auto e = AlertEngine::create(rules());
    std::vector<Alert> out;
    for (const auto& m : corpus()) (void)(*e)->add(m, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(corpus().size()));
}
BENCHMARK(BM_AlertEngine_Add)->Unit(benchmark::kMillisecond);

void BM_ReactHandler_Batch500(benchmark::State& state) {
  auto log = open_log({.kind = "embedded"});
  check(log.has_value(), "embedded log");
  std::vector<std::vector<Record>> batches;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < corpus().size(); ++i) {
    if (i % 500 == 0) batches.emplace_back();
    Record r{"earshot.mentions",  0, static_cast<std::int64_t>(i), corpus()[i].entity,
             encode(corpus()[i]), 0};
    bytes += r.value.size();
    batches.back().push_back(std::move(r));
  }
  std::size_t outputs = 0;
  for (auto _ : state) {
    auto h = ReactHandler::create(**log, rules(), {});
    check(h.has_value(), "handler");
    outputs = 0;
    for (const auto& b : batches) {
      Output out;
      (void)(*h)->handle(b, out);
      (*h)->on_commit();
      outputs += out.records.size();
    }
    check((*h)->stats().mentions == corpus().size(), "every mention handled");
  }
  state.counters["outputs"] = static_cast<double>(outputs);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(corpus().size()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_ReactHandler_Batch500)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace earshot::pipeline::react

namespace earshot::pipeline::react {
namespace {

// The undo log the react stage does without (windows.h `staged`): a commit every 500.
void BM_Windows_AddStagedCommitEvery500(benchmark::State& state) {
  for (auto _ : state) {
    Windows w(WindowsOptions{.staged = true});
    std::vector<Aggregate> out;
    std::size_t i = 0;
    for (const auto& m : corpus()) {
      (void)w.add(m, out);
      if (++i % 500 == 0) w.commit();
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(corpus().size()));
}
BENCHMARK(BM_Windows_AddStagedCommitEvery500)->Unit(benchmark::kMillisecond);
void BM_DecodeMention(benchmark::State& state) {
  std::vector<std::string> wire;
  for (std::size_t i = 0; i < 20000; ++i) wire.push_back(encode(corpus()[i]));
  for (auto _ : state) {
    for (const auto& s : wire) benchmark::DoNotOptimize(decode_mention(s));
  }
  state.SetItemsProcessed(state.iterations() * 20000);
}
BENCHMARK(BM_DecodeMention)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace earshot::pipeline::react

BENCHMARK_MAIN();

// End-to-end throughput of `earshot process` on a real Kafka broker (issue 6, "Speed").
//
// Both benchmarks read the same pre-loaded input topic (100 000 posts, 3 partitions) through
// the same TransactionalLoop — poll a batch, produce its outputs, send the offsets, commit one
// transaction per batch, read_committed — and differ only in the handler:
//   BM_Process_PassThrough  re-emits each record unchanged to one topic (the Kafka limit);
//   BM_Process_Earshot      ProcessStage with the real Enricher (`default` model, four
//                           entities, 2 worker threads), as `earshot process` runs it:
//                           pipelined, batch N+1 decoded and enriched while N commits.
// BM_Process_HandlerCpu runs the stage's handler alone (no Log) and reports CPU per post.
// The Kafka runs report the client's CPU (client_cpu_s) and, of it, the loop thread's
// (loop_cpu_s: handle(), produce calls, commits) and librdkafka's own threads' (rdkafka_cpu_s);
// the rest is the stage's worker threads.
// The Python peer (bench/peers/process_peer.py) reads the same topic; bench/e2e.sh runs all
// three and prints the table.
//
// Checks: before timing, each handler runs 1 000 posts through the embedded log and must give
// exactly one output per post (and mentions for the stage); after each Kafka run, the output
// topic must hold exactly one committed record per input post, with distinct keys, or the
// benchmark reports an error instead of a rate. Time runs from the first handled batch to
// the last commit, so the consumer-group join is not counted (the peer does the same).
//
// Environment (all optional): EARSHOT_E2E_BROKERS (127.0.0.1:9092), EARSHOT_E2E_INPUT (input
// topic; created and loaded when empty, a fresh random name when unset), EARSHOT_E2E_POSTS
// (100000), EARSHOT_E2E_PARTITIONS (3: the input topic's, when created), EARSHOT_E2E_BATCH
// (1000), EARSHOT_E2E_TEXTS (one post text per line; default the TweetEval train tweets, see
// make_corpus), EARSHOT_E2E_BROKER_PID (a local broker's pid: its CPU seconds per run are reported
// as broker_cpu_s), EARSHOT_E2E_PIPELINE (0: the loop does not pipeline, i.e. batch N+1 is enriched
// only after N committed), EARSHOT_E2E_KAFKA_PROPS (librdkafka properties for the Kafka log's
// producers and consumers, as "linger.ms=20,compression.type=zstd": what LogOptions::properties,
// i.e. `log.properties` in earshot.yaml, would pass; e.g. to measure producer settings for
// `process`), EARSHOT_E2E_LOOPS (1: BM_Process_Earshot runs K independent loops in K threads,
// each its own consumer in the group, transactional producer and stage, the 2 worker threads
// split between them; see process_drive.h), EARSHOT_E2E_SAMPLE_IDLE (1: sample the client's
// thread states every 2 ms once every loop runs; reports client_idle_share, no thread runnable,
// and client_short_share, fewer runnable threads than cores; the sampling costs CPU itself).
//
//   build-e2e/bench/process_bench --benchmark_filter=BM_Process_
#include <benchmark/benchmark.h>
#include <algorithm>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/log/kafka/kafka_log.h"
#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/process/enricher.h"
#include "pipeline/process/process_stage.h"

#include "bench/cpu_time.h"
#include "bench/process_corpus.h"
#include "bench/process_drive.h"

namespace earshot::bench {
namespace {
using namespace std::chrono_literals;
using pipeline::core::Status;
using pipeline::log::BatchHandler;
using pipeline::log::Output;
using pipeline::log::Record;

// ---- Handlers ------------------------------------------------------------------------------

class PassThrough final : public BatchHandler {
 public:
  explicit PassThrough(std::string out) : out_(std::move(out)) {}
  Status handle(const std::vector<Record>& batch, Output& out) override {
    for (const auto& r : batch) out.emit(out_, r.key, r.value);
    return pipeline::core::ok();
  }

 private:
  std::string out_;
};

// ---- Kafka helpers ---------------------------------------------------------------------------

// EARSHOT_E2E_KAFKA_PROPS as a property map ("k=v,k=v").
std::map<std::string, std::string> kafka_properties() {
  std::map<std::string, std::string> props;
  std::istringstream in(env_or("EARSHOT_E2E_KAFKA_PROPS", ""));
  for (std::string kv; std::getline(in, kv, ',');) {
    auto eq = kv.find('=');
    if (eq == std::string::npos)
      throw std::runtime_error("EARSHOT_E2E_KAFKA_PROPS: no '=' in \"" + kv + "\"");
    props[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return props;
}

pipeline::log::Log& kafka() {
  static const std::unique_ptr<pipeline::log::Log> log = [] {
    pipeline::log::kafka::set_kafka_log_handler([](int, std::string_view, std::string_view) {});
    auto l = pipeline::log::kafka::KafkaLog::open(
        {.kind = "kafka",
         .brokers = settings().brokers,
         .path = "",
         .properties = kafka_properties(),
         .partitions = std::stoi(env_or("EARSHOT_E2E_PARTITIONS", "3"))});
    if (!l) throw std::runtime_error(l.error().message);
    return std::unique_ptr<pipeline::log::Log>(std::move(*l));
  }();
  return *log;
}

struct Count {
  std::size_t records = 0, distinct_keys = 0;
};

// Committed records of `topic` (read_committed, from the beginning, to the end).
Count count_committed(pipeline::log::Log& log, const std::string& topic, std::size_t expected,
                      std::chrono::seconds timeout = 120s) {
  auto reader = log.consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  if (!reader) throw std::runtime_error(reader.error().message);
  std::set<std::string> keys;
  Count c;
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto batch = (*reader)->poll(10000, 300ms);
    if (!batch) throw std::runtime_error(batch.error().message);
    for (const auto& r : *batch) keys.insert(r.key);
    c.records += batch->size();
    if (c.records >= expected && batch->empty() && (*reader)->at_end()) break;
  }
  c.distinct_keys = keys.size();
  return c;
}

std::size_t g_input_bytes = 0;

// Creates and fills the input topic once; checks it holds exactly `posts` records.
void ensure_input() {
  static bool done = false;
  if (done) return;
  const auto& s = settings();
  auto& log = kafka();
  if (auto st = log.create_topics({{s.input, 3, false}}); !st)
    throw std::runtime_error(st.error().message);
  auto posts = make_corpus(s.posts, s.input);
  for (const auto& p : posts) g_input_bytes += pipeline::codec::encode(p).size();
  if (count_committed(log, s.input, 1, 5s).records == 0) {
    auto producer = log.producer({.transactional_id = ""});
    if (!producer) throw std::runtime_error(producer.error().message);
    for (const auto& p : posts) {
      if (auto st = (*producer)->produce(s.input, p.uid, pipeline::codec::encode(p)); !st) {
        throw std::runtime_error(st.error().message);
      }
    }
    if (auto st = (*producer)->flush(120s); !st) throw std::runtime_error(st.error().message);
  }
  auto c = count_committed(log, s.input, s.posts);
  if (c.records != s.posts) {
    throw std::runtime_error("input topic " + s.input + " holds " + std::to_string(c.records) +
                             " records, want " + std::to_string(s.posts));
  }
  done = true;
}

// ---- Checks before timing: the embedded log, 1 000 posts -------------------------------------

struct Embedded {
  std::unique_ptr<pipeline::log::Log> log;
  std::string input = "check.posts";
};

Embedded embedded_input(std::size_t n) {
  auto l = pipeline::log::open_log(
      {.kind = "embedded", .brokers = "", .path = "", .properties = {}, .partitions = 3});
  if (!l) throw std::runtime_error(l.error().message);
  Embedded e{std::move(*l)};
  if (auto st = e.log->create_topics({{e.input, 3, false}}); !st)
    throw std::runtime_error(st.error().message);
  auto producer = e.log->producer({.transactional_id = ""});
  if (!producer) throw std::runtime_error(producer.error().message);
  for (const auto& p : make_corpus(n, "check")) {
    if (auto st = (*producer)->produce(e.input, p.uid, pipeline::codec::encode(p)); !st) {
      throw std::runtime_error(st.error().message);
    }
  }
  if (auto st = (*producer)->flush(10s); !st) throw std::runtime_error(st.error().message);
  return e;
}

constexpr std::size_t kCheckPosts = 1000;

bool check_pass_through(benchmark::State& state) {
  auto e = embedded_input(kCheckPosts);
  PassThrough h("check.out");
  if (auto st = e.log->create_topics({{"check.out", 3, false}}); !st)
    throw std::runtime_error(st.error().message);
  auto r = drive(*e.log, h, e.input, kCheckPosts, "check-pt", 60s);
  if (!r || count_committed(*e.log, "check.out", kCheckPosts, 10s).distinct_keys != kCheckPosts) {
    state.SkipWithError("pass-through check on the embedded log failed");
    return false;
  }
  return true;
}

pipeline::process::ProcessTopics process_topics(const std::string& input, const std::string& stem) {
  return {input, stem + ".scored", stem + ".mentions", stem + ".deadletter", stem + ".dedup"};
}

Status create_process_topics(pipeline::log::Log& log, const pipeline::process::ProcessTopics& t) {
  return log.create_topics(
      {{t.scored, 3, false}, {t.mentions, 3, false}, {t.deadletter, 3, false}, {t.dedup, 3, true}});
}

bool check_process(benchmark::State& state) {
  auto e = embedded_input(kCheckPosts);
  auto topics = process_topics(e.input, "check");
  if (auto st = create_process_topics(*e.log, topics); !st)
    throw std::runtime_error(st.error().message);
  pipeline::process::ProcessCounters counters;
  pipeline::process::ProcessStage stage(enricher(), topics, 2, &counters);
  if (auto st = stage.restore(*e.log); !st) throw std::runtime_error(st.error().message);
  auto r = drive(*e.log, stage, e.input, kCheckPosts, "check-process", 60s);
  const bool good =
      r && count_committed(*e.log, topics.scored, kCheckPosts, 10s).distinct_keys == kCheckPosts &&
      count_committed(*e.log, topics.mentions, 1, 10s).records > kCheckPosts / 3 &&
      counters.dead_letters == 0;
  if (!good)
    state.SkipWithError(
        "process check on the embedded log failed (scored, mentions or dead letters)");
  return good;
}

// ---- Benchmarks --------------------------------------------------------------------------------

void report(benchmark::State& state, const Run& r, std::size_t outputs) {
  const auto n = static_cast<double>(settings().posts);
  state.SetItemsProcessed(static_cast<std::int64_t>(settings().posts));
  state.SetBytesProcessed(static_cast<std::int64_t>(g_input_bytes));
  state.counters["posts_per_s"] = n / r.seconds;
  state.counters["handle_share"] = r.handle_seconds / r.seconds;
  state.counters["client_cpu_s"] = r.cpu_seconds;
  state.counters["broker_cpu_s"] = r.broker_cpu_seconds;
  state.counters["loop_cpu_s"] = r.loop_cpu_seconds;
  state.counters["rdkafka_cpu_s"] = r.rdkafka_cpu_seconds;
  state.counters["batches"] = static_cast<double>(r.batches);
  state.counters["offsets_wait_s"] = r.offsets_wait_seconds;
  state.counters["commit_wait_s"] = r.commit_wait_seconds;
  // Core-seconds neither the client nor the broker used (meaningful on a quiet machine only).
  state.counters["idle_core_s"] = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)) * r.seconds -
                                  r.cpu_seconds - r.broker_cpu_seconds;
  state.counters["outputs"] = static_cast<double>(outputs);
  state.counters["aborts"] = static_cast<double>(r.aborts);
  const std::string props = env_or("EARSHOT_E2E_KAFKA_PROPS", "");
  state.SetLabel(settings().input + " " + corpus_name() + (props.empty() ? "" : " " + props));
}

void BM_Process_PassThrough(benchmark::State& state) {
  if (!check_pass_through(state)) return;
  ensure_input();
  const auto& s = settings();
  const std::string stem = s.input + ".pt-" + random_suffix();
  const std::string out_topic = stem + ".out";
  if (auto st = kafka().create_topics({{out_topic, 3, false}}); !st)
    throw std::runtime_error(st.error().message);
  PassThrough h(out_topic);
  Run run;
  for (auto _ : state) {
    auto r = drive(kafka(), h, s.input, s.posts, stem, 600s);
    if (!r) {
      state.SkipWithError(("pass-through: " + r.error().message).c_str());
      return;
    }
    run = *r;
    state.SetIterationTime(run.seconds);
  }
  auto c = count_committed(kafka(), out_topic, s.posts);
  if (c.records != s.posts || c.distinct_keys != s.posts) {
    state.SkipWithError(("pass-through wrote " + std::to_string(c.records) + " records (" +
                         std::to_string(c.distinct_keys) + " distinct), want exactly " +
                         std::to_string(s.posts))
                            .c_str());
    return;
  }
  report(state, run, c.records);
}

void BM_Process_Earshot(benchmark::State& state) {
  if (!check_process(state)) return;
  ensure_input();
  const auto& s = settings();
  const std::string stem = s.input + ".process-" + random_suffix();
  auto topics = process_topics(s.input, stem);
  if (auto st = create_process_topics(kafka(), topics); !st)
    throw std::runtime_error(st.error().message);
  // EARSHOT_E2E_LOOPS=K: K loops, each with its own stage; the 2 worker threads are split
  // between them (at least 1 each); the read-only Enricher and the counters are shared.
  const std::size_t k = loops_setting();
  const int workers = static_cast<int>(std::max<std::size_t>(1, 2 / k));
  pipeline::process::ProcessCounters counters;
  std::vector<std::unique_ptr<pipeline::process::ProcessStage>> stages;
  std::vector<BatchHandler*> handlers;
  for (std::size_t i = 0; i < k; ++i) {
    stages.push_back(
        std::make_unique<pipeline::process::ProcessStage>(enricher(), topics, workers, &counters));
    if (auto st = stages.back()->restore(kafka()); !st)
      throw std::runtime_error(st.error().message);
    handlers.push_back(stages.back().get());
  }
  Run run;
  for (auto _ : state) {
    auto r = drive(kafka(), handlers, s.input, s.posts, stem, 600s);
    if (!r) {
      state.SkipWithError(("process: " + r.error().message).c_str());
      return;
    }
    run = *r;
    state.SetIterationTime(run.seconds);
  }
  auto c = count_committed(kafka(), topics.scored, s.posts);
  auto dead = count_committed(kafka(), topics.deadletter, 0, 10s);
  if (c.records != s.posts || c.distinct_keys != s.posts || dead.records != 0) {
    state.SkipWithError(("process wrote " + std::to_string(c.records) + " scored (" +
                         std::to_string(c.distinct_keys) + " distinct) and " +
                         std::to_string(dead.records) + " dead letters, want exactly " +
                         std::to_string(s.posts) + " and 0")
                            .c_str());
    return;
  }
  report(state, run, c.records);
  state.counters["loops"] = static_cast<double>(run.loops);
  if (run.idle_share >= 0) state.counters["client_idle_share"] = run.idle_share;
  if (run.short_share >= 0) state.counters["client_short_share"] = run.short_share;
  if (run.steady_seconds > 0)
    state.counters["steady_posts_per_s"] =
        static_cast<double>(run.steady_records) / run.steady_seconds;
  state.counters["workers_per_loop"] = workers;
  state.counters["min_loop_share"] =  // the smallest loop's share of the input (K > 1)
      static_cast<double>(*std::min_element(run.records_in_by_loop.begin(),
                                            run.records_in_by_loop.end())) /
      static_cast<double>(s.posts);
  state.counters["mentions"] = static_cast<double>(counters.mentions.load());
  state.counters["near_duplicates"] = static_cast<double>(counters.near_duplicates.load());
  state.counters["prepared_batches"] = static_cast<double>(counters.prepared.load());
}

// The handler alone, no Log: ProcessStage::handle + on_commit over 20 000 corpus posts in
// batches of 1 000 (1 worker thread plus the calling thread), as process CPU per post. This
// is the CPU `earshot process` spends per post besides librdkafka's own.
void BM_Process_HandlerCpu(benchmark::State& state) {
  constexpr std::size_t kPosts = 20000, kBatch = 1000;
  std::vector<std::vector<Record>> batches;
  std::int64_t offset = 0;
  for (const auto& p : make_corpus(kPosts, "cpu")) {
    if (batches.empty() || batches.back().size() == kBatch) batches.emplace_back();
    batches.back().push_back({"cpu.posts", 0, offset++, p.uid, pipeline::codec::encode(p), 0});
  }
  std::size_t outputs = 0;
  for (auto _ : state) {
    pipeline::process::ProcessCounters counters;
    pipeline::process::ProcessStage stage(enricher(), process_topics("cpu.posts", "cpu"), 1,
                                          &counters);
    for (const auto& b : batches) {
      Output out;
      if (auto st = stage.handle(b, out); !st) {
        state.SkipWithError(st.error().message.c_str());
        return;
      }
      stage.on_commit();
      outputs += out.records.size();
    }
    if (counters.scored != kPosts) {
      state.SkipWithError("handler did not score every post");
      return;
    }
  }
  benchmark::DoNotOptimize(outputs);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPosts));
  state.SetLabel(corpus_name());
}

BENCHMARK(BM_Process_HandlerCpu)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Process_PassThrough)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_Process_Earshot)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace earshot::bench

BENCHMARK_MAIN();

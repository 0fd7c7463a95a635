// process_bench's driver: runs K independent TransactionalLoops over one input topic until
// every input record is committed, and measures the run (wall time, CPU by thread kind, the
// loop threads' waits on send_offsets and commit_transaction).
//
// K = 1 is `earshot process` as it has always run: one loop (one consumer, one transactional
// producer), its handler's worker threads enriching batch N+1 while N commits. K > 1 (issue 18,
// "fill the idle cores while the loop waits on commits") runs K loops in K threads, each with
// its own consumer in the same group (so the input partitions are split between them), its
// own transactional producer (id `<group>-<i>`) and its own handler; while one loop waits on
// the broker, the others' ordered parts run. Kafka Streams does the same with one producer
// per stream thread under exactly_once_v2.
//
// Threading: drive() starts K threads and joins them; each handler is used by one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"

#include "bench/cpu_time.h"
#include "bench/process_corpus.h"

namespace earshot::bench {

using Clock = std::chrono::steady_clock;

// Wraps a handler: the wall time spent in handle() (the CPU work) and when the first batch
// arrived (the start of the timed window).
class Timed final : public pipeline::log::BatchHandler {
 public:
  explicit Timed(BatchHandler& inner) : inner_(inner) {}
  pipeline::core::Status handle(const std::vector<pipeline::log::Record>& batch,
                                pipeline::log::Output& out) override {
    auto t0 = Clock::now();
    if (!first_) first_ = t0;
    pipeline::core::Status st = inner_.handle(batch, out);
    handle_time_ += Clock::now() - t0;
    return st;
  }
  void on_commit() override { inner_.on_commit(); }
  void on_abort() override { inner_.on_abort(); }
  void on_revoked(const std::vector<pipeline::log::TopicPartition>& p) override {
    inner_.on_revoked(p);
  }
  // Pipelining passes through (prepare() runs on the inner handler's threads, not timed).
  // EARSHOT_E2E_PIPELINE=0 turns it off, to measure what the overlap buys on the same run.
  bool prepares() const override { return pipelined_ && inner_.prepares(); }
  void prepare(std::shared_ptr<const pipeline::log::Batch> batch) override {
    inner_.prepare(std::move(batch));
  }
  std::optional<Clock::time_point> first_;
  Clock::duration handle_time_{};

 private:
  BatchHandler& inner_;
  bool pipelined_ = env_or("EARSHOT_E2E_PIPELINE", "1") != "0";
};

struct Run {
  double seconds = 0, handle_seconds = 0, cpu_seconds = 0, broker_cpu_seconds = 0;
  double loop_cpu_seconds = 0;     // the threads running the loops (handle(), produce, commit)
  double rdkafka_cpu_seconds = 0;  // librdkafka's own threads (all clients)
  // Wall time the loop threads spent in send_offsets (AddOffsetsToTxn + TxnOffsetCommit) and
  // in commit_transaction (acks of the produced records, EndTxn), summed over the batches.
  double offsets_wait_seconds = 0, commit_wait_seconds = 0;
  std::uint64_t batches = 0, records_out = 0, aborts = 0;
  std::size_t loops = 1;
  std::vector<std::uint64_t> records_in_by_loop;  // what each loop committed
  // From the end of the step in which the last loop handled its first batch (all loops in the
  // group, the start-up rebalance over) to the end: the steady rate, fair to K > 1.
  double steady_seconds = 0;
  double idle_share = -1;  // EARSHOT_E2E_SAMPLE_IDLE: share of samples with no runnable thread
  double short_share = -1;  // ... with fewer runnable threads than cores
  std::uint64_t steady_records = 0;
};

// CPU seconds of the broker process (EARSHOT_E2E_BROKER_PID), 0 when unknown: on a small
// machine the broker competes with the client for the same cores.
inline double broker_cpu_seconds() { return pid_cpu_seconds(env_or("EARSHOT_E2E_BROKER_PID", "")); }

inline std::map<std::string, double> rdkafka_thread_cpu() { return thread_cpu_by_name("rdk:"); }

// EARSHOT_E2E_SAMPLE_IDLE=1: while drive() runs, a thread reads the state of every other
// thread of this process every 2 ms (after every loop handled its first batch); idle_share() is the share of samples in which none was
// runnable (the client waited on the broker with nothing to do: the idle time K loops should
// fill). Runnable includes waiting for a core, so under other load it is an underestimate.
class IdleSampler {
 public:
  // Counts samples only while *counting (set once every loop has its partitions).
  explicit IdleSampler(const std::atomic<bool>& counting) : counting_(counting) {
    if (env_or("EARSHOT_E2E_SAMPLE_IDLE", "0") == "0") return;
    thread_ = std::thread([this] {
      const std::string self = std::to_string(gettid());
      while (!stop_) {
        if (!counting_) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          continue;
        }
        unsigned runnable = 0;
        for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
          if (e.path().filename() == self) continue;
          const std::string st = read_stat(e.path() / "stat");
          auto close = st.rfind(')');
          if (close != std::string::npos && close + 2 < st.size() && st[close + 2] == 'R') {
            ++runnable;
          }
        }
        ++samples_;
        idle_ += runnable == 0 ? 1 : 0;
        short_ += runnable < cores_ ? 1 : 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  ~IdleSampler() { finish(); }
  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  double idle_share() const { return samples_ ? static_cast<double>(idle_) / samples_ : -1; }
  // Share of samples with fewer runnable threads than cores (a core the client left free).
  double short_share() const { return samples_ ? static_cast<double>(short_) / samples_ : -1; }

 private:
  const std::atomic<bool>& counting_;
  std::atomic<bool> stop_{false};
  std::uint64_t samples_ = 0, idle_ = 0, short_ = 0;
  const unsigned cores_ = static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN));
  std::thread thread_;
};

// EARSHOT_E2E_LOOPS: how many loops BM_Process_Earshot runs (default 1).
inline std::size_t loops_setting() {
  const auto k = std::stoul(env_or("EARSHOT_E2E_LOOPS", "1"));
  return k < 1 ? 1 : k;
}

// Drives handlers[i] with loop i (transactional id `<group>-<i>`) over the input topic until
// the loops together have committed `expected` input records.
inline pipeline::core::Result<Run> drive(pipeline::log::Log& log,
                                         const std::vector<pipeline::log::BatchHandler*>& handlers,
                                         const std::string& input, std::size_t expected,
                                         const std::string& group, std::chrono::seconds timeout) {
  const std::size_t k = handlers.size();
  struct PerLoop {
    std::unique_ptr<pipeline::log::TransactionalLoop> loop;
    std::unique_ptr<Timed> timed;
    Clock::time_point produced, committing;
    Clock::duration offsets_wait{}, commit_wait{};
    double cpu = 0;
    bool counted_start = false;
    std::optional<pipeline::core::Error> error;
  };
  std::vector<PerLoop> per(k);
  for (std::size_t i = 0; i < k; ++i) {
    auto& p = per[i];
    auto on_point = [&p](pipeline::log::LoopPoint point) {
      using P = pipeline::log::LoopPoint;
      const auto now = Clock::now();
      if (point == P::kProduced) p.produced = now;
      if (point == P::kOffsetsSent) p.offsets_wait += now - p.produced;
      if (point == P::kCommitting) p.committing = now;
      if (point == P::kCommitted) p.commit_wait += now - p.committing;
    };
    auto loop = pipeline::log::TransactionalLoop::create(
        log, {.group = group,
              .inputs = {input},
              .transactional_id = group + "-" + std::to_string(i),
              .batch_size = settings().batch,
              .poll_timeout = 200ms,
              .on_committed = {},
              .max_batch_bytes = 16u << 20,
              .on_point = on_point});
    if (!loop) return std::unexpected(loop.error());
    p.loop = std::move(*loop);
    p.timed = std::make_unique<Timed>(*handlers[i]);
  }
  std::atomic<std::size_t> committed{0};
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> started{0};
  std::optional<Clock::time_point> steady_t0;  // set once, by the thread that saw the last start
  std::uint64_t steady_c0 = 0;
  std::atomic<bool> steady{false};
  const double cpu0 = process_cpu_seconds(), broker0 = broker_cpu_seconds();
  const auto rdk0 = rdkafka_thread_cpu();
  const auto deadline = Clock::now() + timeout;
  auto run_loop = [&](PerLoop& p) {
    const double cpu_start = thread_cpu_seconds();
    std::uint64_t mine = 0;
    while (!stop && committed.load() < expected) {
      if (Clock::now() > deadline) {
        p.error = pipeline::core::Error{pipeline::core::ErrorCode::kTimeout,
                                        "no end within the timeout"};
        break;
      }
      auto n = p.loop->step(*p.timed);
      if (!n) {
        p.error = n.error();
        break;
      }
      const std::uint64_t now_in = p.loop->stats().records_in;
      const auto total = committed += now_in - mine;
      mine = now_in;
      if (p.timed->first_ && !p.counted_start && (p.counted_start = true) && ++started == k) {
        steady_t0 = Clock::now();
        steady_c0 = total;
        steady = true;
      }
    }
    if (p.error) stop = true;
    p.cpu = thread_cpu_seconds() - cpu_start;
  };
  IdleSampler sampler(steady);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < k; ++i) threads.emplace_back(run_loop, std::ref(per[i]));
  run_loop(per[0]);
  for (auto& t : threads) t.join();
  const auto end = Clock::now();
  sampler.finish();
  Run r;
  r.loops = k;
  std::optional<Clock::time_point> first;
  for (auto& p : per) {
    if (p.error) return std::unexpected(*p.error);
    if (p.timed->first_ && (!first || *p.timed->first_ < *first)) first = p.timed->first_;
    const auto& st = p.loop->stats();
    r.handle_seconds += std::chrono::duration<double>(p.timed->handle_time_).count();
    r.loop_cpu_seconds += p.cpu;
    r.offsets_wait_seconds += std::chrono::duration<double>(p.offsets_wait).count();
    r.commit_wait_seconds += std::chrono::duration<double>(p.commit_wait).count();
    r.batches += st.batches;
    r.records_out += st.records_out;
    r.aborts += st.aborts;
    r.records_in_by_loop.push_back(st.records_in.load());
  }
  r.seconds = std::chrono::duration<double>(end - *first).count();
  r.idle_share = sampler.idle_share();
  r.short_share = sampler.short_share();
  if (steady_t0) {
    r.steady_seconds = std::chrono::duration<double>(end - *steady_t0).count();
    r.steady_records = committed.load() - steady_c0;
  }
  r.cpu_seconds = process_cpu_seconds() - cpu0;
  r.broker_cpu_seconds = broker_cpu_seconds() - broker0;
  for (const auto& [tid, cpu] : rdkafka_thread_cpu()) {  // before the loops' clients go away
    auto before = rdk0.find(tid);
    r.rdkafka_cpu_seconds += cpu - (before == rdk0.end() ? 0.0 : before->second);
  }
  return r;
}

inline pipeline::core::Result<Run> drive(pipeline::log::Log& log,
                                         pipeline::log::BatchHandler& handler,
                                         const std::string& input, std::size_t expected,
                                         const std::string& group, std::chrono::seconds timeout) {
  return drive(log, std::vector<pipeline::log::BatchHandler*>{&handler}, input, expected, group,
               timeout);
}

}  // namespace earshot::bench

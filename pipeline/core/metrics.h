// earshot::pipeline::core — a small metrics registry rendered as Prometheus text (format 0.0.4).
//
// Two ways to expose a number:
//  * Owned instruments — Counter, Gauge, Histogram (fixed buckets) — made once by name and
//    labels, then updated from hot paths with relaxed atomics only (no lock, no allocation).
//  * Collectors — a function run at scrape time that reads counters which already exist
//    elsewhere (TransactionalLoop::stats(), IngestRunner::health(), SinkRunner::stats())
//    and writes samples through a MetricsWriter. A collector is registered with a handle;
//    destroying the handle unregisters it and waits for a scrape that is running it, so
//    the objects it reads may be destroyed right after.
//
// render() writes every family once, sorted by name, with "# HELP" and "# TYPE" lines, its
// series sorted by their label sets; histograms as cumulative `_bucket{le="..."}` series
// ending at `le="+Inf"`, then `_sum` and `_count`. Label values and help text are escaped
// as the format requires (\\, \", \n). Names with characters Prometheus does not allow are
// sanitized ('_' for each bad character) rather than rejected, so metrics never fail.
//
//   MetricsRegistry reg;
//   Counter& in = reg.counter("earshot_records_in_total", "Records consumed", {{"role",
//   "process"}}); in.inc(batch.size());                                  // hot path: one atomic
//   add auto h = reg.add_collector([&](MetricsWriter& w) {      // scrape time
//     w.gauge("earshot_source_lag_seconds", "Ingest lag", {{"source", "rss"}}, lag);
//   });
//   std::string text = reg.render();                       // GET /metrics
//
// Thread safety: everything may be called from any thread; a collector runs on the scraping
// thread and must not add or remove collectors itself (it may create instruments).
// Lifetime: instruments live as long as the registry (references stay valid); a
// CollectorHandle must not outlive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace earshot::pipeline::core {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double d);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds`: upper bounds of the buckets, ascending (sorted and de-duplicated here);
  // the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (= count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

// Latency buckets in seconds, 1 ms .. 30 s.
std::vector<double> latency_buckets();

// What a collector writes to at scrape time. A family's type is fixed by its first sample;
// a later sample of the same name with another type, or a repeated series, is dropped.
class MetricsWriter {
 public:
  virtual ~MetricsWriter() = default;
  virtual void counter(std::string_view name, std::string_view help, const MetricLabels& labels,
                       double value) = 0;
  virtual void gauge(std::string_view name, std::string_view help, const MetricLabels& labels,
                     double value) = 0;
  // Declares a labelled counter family that may have no series yet (e.g. dead letters by
  // reason before the first one): its HELP and TYPE lines are written anyway, so dashboards
  // and alert rules can name it from the start.
  virtual void declare_counter(std::string_view name, std::string_view help) {
    (void)name;
    (void)help;
  }
};

class MetricsRegistry;

// Unregisters its collector when destroyed (waiting for a scrape in progress). Movable.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  CollectorHandle(MetricsRegistry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  CollectorHandle(CollectorHandle&& o) noexcept
      : registry_(std::exchange(o.registry_, nullptr)), id_(o.id_) {}
  CollectorHandle& operator=(CollectorHandle&& o) noexcept;
  ~CollectorHandle() { reset(); }
  void reset();

 private:
  MetricsRegistry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class MetricsRegistry {
 public:
  using Collector = std::function<void(MetricsWriter&)>;

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The same name and labels give the same instrument. A name already used with another
  // type gets the instrument under "<name>_<type>" instead.
  Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       const MetricLabels& labels = {});

  [[nodiscard]] CollectorHandle add_collector(Collector collector);

  // The Prometheus text exposition (Content-Type: text/plain; version=0.0.4).
  std::string render() const;

 private:
  friend class CollectorHandle;
  void remove_collector(std::uint64_t id);

  struct Series;
  struct Family;
  struct State;
  Family& family_locked(std::string_view name, std::string_view help, int type);
  // The series of `labels` in the family `name` (both created when new), with mu_ held.
  Series& series_locked(std::string_view name, std::string_view help, int type,
                        const MetricLabels& labels);

  mutable std::mutex mu_;             // families and instruments
  mutable std::mutex collectors_mu_;  // held while collectors run and while one is removed
  std::unique_ptr<State> state_;
};

// Helpers for the text format, exposed for tests and other writers.
std::string sanitize_metric_name(std::string_view name);
std::string sanitize_label_name(std::string_view name);
std::string escape_label_value(std::string_view value);
std::string format_metric_value(double v);  // "1", "0.25", "+Inf", "NaN"

}  // namespace earshot::pipeline::core

#include "pipeline/core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace earshot::pipeline::core {

namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };
constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};

void atomic_add(std::atomic<double>& a, double d) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

bool name_char(char c, bool first, bool colon) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

std::string sanitize(std::string_view name, bool colon) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) out += name_char(c, out.empty(), colon) ? c : '_';
  if (out.empty()) out = "_";
  return out;
}

std::string escape_help(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Labels sorted by name, names sanitized, "__"-prefixed and repeated names dropped.
MetricLabels canonical(const MetricLabels& labels) {
  MetricLabels out;
  for (const auto& [k, v] : labels) {
    std::string name = sanitize_label_name(k);
    if (name.starts_with("__") || name == "le") continue;  // reserved
    out.emplace_back(std::move(name), v);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) { return a.first == b.first; }),
            out.end());
  return out;
}

// `k="v",k2="v2"` (no braces), the identity of a series within its family.
std::string label_text(const MetricLabels& canonical_labels) {
  std::string out;
  for (const auto& [k, v] : canonical_labels) {
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  return out;
}

std::string braces(const std::string& inner) {
  return inner.empty() ? std::string() : "{" + inner + "}";
}

// One family as rendered: help, type and its series' lines keyed by label text.
struct RenderFamily {
  std::string help;
  int type = kCounter;
  std::map<std::string, std::string> series;  // label text -> its line(s)
  bool declared = false;                      // written even without series
};
using RenderMap = std::map<std::string, RenderFamily>;

void add_sample(RenderMap& out, std::string_view raw_name, std::string_view help, int type,
                const MetricLabels& labels, double value) {
  std::string name = sanitize_metric_name(raw_name);
  auto [it, fresh] = out.try_emplace(name);
  if (fresh) {
    it->second.help = std::string(help);
    it->second.type = type;
  } else if (it->second.type != type) {
    return;
  }
  std::string lt = label_text(canonical(labels));
  if (it->second.series.contains(lt)) return;
  it->second.series[lt] = name + braces(lt) + " " + format_metric_value(value) + "\n";
}

class RenderWriter final : public MetricsWriter {
 public:
  explicit RenderWriter(RenderMap& out) : out_(out) {}
  void counter(std::string_view name, std::string_view help, const MetricLabels& labels,
               double value) override {
    add_sample(out_, name, help, kCounter, labels, value);
  }
  void gauge(std::string_view name, std::string_view help, const MetricLabels& labels,
             double value) override {
    add_sample(out_, name, help, kGauge, labels, value);
  }
  void declare_counter(std::string_view name, std::string_view help) override {
    auto [it, fresh] = out_.try_emplace(sanitize_metric_name(name));
    if (fresh) {
      it->second.help = std::string(help);
      it->second.type = kCounter;
    }
    if (it->second.type == kCounter) it->second.declared = true;
  }

 private:
  RenderMap& out_;
};

}  // namespace

void Gauge::add(double d) { atomic_add(value_, d); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::erase_if(bounds_, [](double b) { return std::isnan(b) || std::isinf(b); });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::observe(double v) {
  if (std::isnan(v)) return;
  std::size_t i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                           bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Observations racing with the snapshot: keep count consistent with the +Inf bucket.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

CollectorHandle& CollectorHandle::operator=(CollectorHandle&& o) noexcept {
  if (this != &o) {
    reset();
    registry_ = std::exchange(o.registry_, nullptr);
    id_ = o.id_;
  }
  return *this;
}

void CollectorHandle::reset() {
  if (registry_) std::exchange(registry_, nullptr)->remove_collector(id_);
}

struct MetricsRegistry::Series {
  MetricLabels labels;
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
};

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  int type = kCounter;
  std::map<std::string, Series> series;  // label text -> instrument
};

struct MetricsRegistry::State {
  std::map<std::string, Family> families;
  std::map<std::uint64_t, Collector> collectors;
  std::uint64_t next_id = 1;
};

MetricsRegistry::MetricsRegistry() : state_(std::make_unique<State>()) {}
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family_locked(std::string_view raw_name,
                                                        std::string_view help, int type) {
  std::string name = sanitize_metric_name(raw_name);
  auto it = state_->families.find(name);
  if (it != state_->families.end() && it->second.type != type) {
    name += std::string("_") + kTypeNames[type];
    it = state_->families.find(name);
  }
  if (it == state_->families.end()) {
    it = state_->families.emplace(name, Family{name, std::string(help), type, {}}).first;
  }
  return it->second;
}

MetricsRegistry::Series& MetricsRegistry::series_locked(std::string_view name,
                                                        std::string_view help, int type,
                                                        const MetricLabels& labels) {
  Family& f = family_locked(name, help, type);
  MetricLabels c = canonical(labels);
  auto [it, created] = f.series.try_emplace(label_text(c));
  if (created) it->second.labels = std::move(c);
  return it->second;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  Series& s = series_locked(name, help, kCounter, labels);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help,
                              const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  Series& s = series_locked(name, help, kGauge, labels);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                      std::vector<double> bounds, const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  Series& s = series_locked(name, help, kHistogram, labels);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *s.histogram;
}

CollectorHandle MetricsRegistry::add_collector(Collector collector) {
  std::lock_guard lock(collectors_mu_);
  std::uint64_t id = state_->next_id++;
  state_->collectors.emplace(id, std::move(collector));
  return CollectorHandle(this, id);
}

void MetricsRegistry::remove_collector(std::uint64_t id) {
  std::lock_guard lock(collectors_mu_);  // waits for a render() running the collectors
  state_->collectors.erase(id);
}

std::string MetricsRegistry::render() const {
  RenderMap out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, f] : state_->families) {
      auto& rf = out[name];
      rf.help = f.help;
      rf.type = f.type;
      for (const auto& [lt, s] : f.series) {
        std::string line;
        if (s.counter) {
          line = name + braces(lt) + " " +
                 format_metric_value(static_cast<double>(s.counter->value())) + "\n";
        } else if (s.gauge) {
          line = name + braces(lt) + " " + format_metric_value(s.gauge->value()) + "\n";
        } else if (s.histogram) {
          auto snap = s.histogram->snapshot();
          std::string prefix = lt.empty() ? std::string() : lt + ",";
          for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
            std::string le = i < snap.bounds.size() ? format_metric_value(snap.bounds[i]) : "+Inf";
            line += name + "_bucket{" + prefix + "le=\"" + le + "\"} " +
                    format_metric_value(static_cast<double>(snap.cumulative[i])) + "\n";
          }
          line += name + "_sum" + braces(lt) + " " + format_metric_value(snap.sum) + "\n";
          line += name + "_count" + braces(lt) + " " +
                  format_metric_value(static_cast<double>(snap.count)) + "\n";
        }
        rf.series[lt] = std::move(line);
      }
    }
  }
  {
    std::lock_guard lock(collectors_mu_);
    RenderWriter writer(out);
    for (const auto& [id, fn] : state_->collectors) {
      try {
        fn(writer);
      } catch (...) {
        // a collector that throws loses its samples, not the scrape
      }
    }
  }
  std::string text;
  for (const auto& [name, f] : out) {
    if (f.series.empty() && !f.declared) continue;
    text += "# HELP " + name + " " + escape_help(f.help) + "\n";
    text += "# TYPE " + name + " " + kTypeNames[f.type] + "\n";
    for (const auto& [lt, lines] : f.series) text += lines;
  }
  return text;
}

std::string sanitize_metric_name(std::string_view name) { return sanitize(name, true); }
std::string sanitize_label_name(std::string_view name) { return sanitize(name, false); }

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::trunc(v) && std::fabs(v) < 9.007199254740992e15) {
    return std::to_string(static_cast<std::int64_t>(v));
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace earshot::pipeline::core

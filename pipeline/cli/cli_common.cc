#include "pipeline/cli/cli_common.h"

#include <semaphore.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include "pipeline/log/kafka/kafka_log.h"

namespace earshot::pipeline::cli {

std::atomic<bool> g_stop{false};

namespace {
double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The stop watchdog (install_stop_signals()): the signal handler only sets g_stop and posts
// this semaphore (both async-signal-safe); the watchdog thread waits on it.
sem_t g_stop_posted;
std::atomic<int> g_signals{0};

void on_signal(int) {
  g_stop.store(true);
  if (g_signals.fetch_add(1) == 0) {
    sem_post(&g_stop_posted);
    return;
  }
  static const char kMsg[] = "earshot: error: second stop signal: exiting at once\n";
  (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  _exit(kExitRuntime);
}

void stop_watchdog() {
  while (sem_wait(&g_stop_posted) != 0) {
  }
  std::this_thread::sleep_for(kStopGrace);
  log_error("still running " + std::to_string(kStopGrace.count()) +
            " s after the stop signal (a Kafka call is waiting on a broker that does not "
            "answer?): exiting now; the open transaction, if any, is not committed (the broker "
            "aborts it) and is redone by the next instance");
  std::fflush(stderr);
  _exit(kExitRuntime);
}
}  // namespace

pipeline::config::Config load_config_or_exit(const std::string& path) {
  auto config = pipeline::config::load_config(path);
  if (!config) {
    int code = config.error().code == pipeline::core::ErrorCode::kInvalidArgument ? kExitUsage
                                                                                  : kExitUsage;
    throw Exit{code, config.error().message};
  }
  return std::move(*config);
}

pipeline::config::Config default_config_or_exit() { return pipeline::config::default_config(); }

pipeline::log::LogOptions log_options(const pipeline::config::Config& config) {
  pipeline::log::LogOptions o;
  o.kind = config.log.kind == pipeline::config::LogKind::kafka ? "kafka" : "embedded";
  o.brokers = config.log.brokers;
  o.path = config.log.path;
  o.properties = config.log.properties;
  o.partitions = config.log.partitions;
  o.commit_timeout = config.log.commit_timeout;
  return o;
}

std::string cursor_topic(const pipeline::config::Config& config) {
  return config.log.topic("posts") + ".cursors";
}

std::string dedup_topic(const pipeline::config::Config& config) {
  return config.log.topic("posts") + ".dedup";
}

std::string alert_states_topic(const pipeline::config::Config& config) {
  return config.log.topic("alerts") + ".states";
}

std::string versions_topic(const pipeline::config::Config& config) {
  return config.log.group + ".versions";
}

std::unique_ptr<pipeline::log::Log> open_log_or_exit(const pipeline::config::Config& config) {
  pipeline::log::kafka::set_kafka_log_handler(
      [](int level, std::string_view facility, std::string_view msg) {
        if (level <= 3) {
          std::fprintf(stderr, "kafka %.*s: %.*s\n", static_cast<int>(facility.size()),
                       facility.data(), static_cast<int>(msg.size()), msg.data());
        }
      });
  auto log = pipeline::log::open_log(log_options(config));
  if (!log) throw Exit{kExitRuntime, log.error().message};
  std::vector<pipeline::log::TopicSpec> topics;
  for (std::string_view name : pipeline::config::kLogicalTopics) {
    topics.push_back({config.log.topic(name), config.log.partitions, name == "aggregates"});
  }
  topics.push_back({cursor_topic(config), 1, true});
  topics.push_back({dedup_topic(config), config.log.partitions, true});
  topics.push_back({alert_states_topic(config), config.log.partitions, true});
  topics.push_back({versions_topic(config), 1, true});
  if (auto st = (*log)->create_topics(topics); !st) {
    throw Exit{kExitRuntime,
               "cannot create topics on " + (*log)->describe() + ": " + st.error().message};
  }
  return std::move(*log);
}

std::string resolve_topic(const pipeline::config::Config& config, std::string_view name) {
  for (std::string_view logical : pipeline::config::kLogicalTopics) {
    if (logical == name) return config.log.topic(name);
  }
  return std::string(name);
}

void install_stop_signals() {
  static std::once_flag once;
  std::call_once(once, [] {
    // A dead broker must not hold a stopping process in a 60 s Kafka call (kafka_log.h).
    pipeline::log::kafka::set_kafka_interrupt(&g_stop);
    sem_init(&g_stop_posted, 0, 0);
    std::thread(stop_watchdog).detach();
  });
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

Progress::Progress(std::string unit, std::size_t total)
    : unit_(std::move(unit)), total_(total), tty_(isatty(STDERR_FILENO) == 1), started_(now_s()) {}

void Progress::update(std::size_t done) {
  if (!tty_) return;
  double t = now_s();
  if (t - last_draw_ < 0.1 && done != total_) return;
  last_draw_ = t;
  double rate = done / std::max(1e-3, t - started_);
  constexpr int kWidth = 30;
  int filled =
      total_ ? static_cast<int>(kWidth * static_cast<double>(done) / static_cast<double>(total_))
             : 0;
  std::string bar(static_cast<std::size_t>(std::min(filled, kWidth)), '#');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r[%s] %zu/%zu %s, %.0f/s ", bar.c_str(), done, total_, unit_.c_str(),
               rate);
  std::fflush(stderr);
}

void Progress::finish() {
  if (tty_) std::fputc('\n', stderr);
}

namespace {
std::atomic<LogLevel> g_log_level{LogLevel::info};

void log_at(LogLevel level, const char* tag, std::string_view message) {
  if (level < g_log_level.load()) return;
  std::fprintf(stderr, "earshot: %s%.*s\n", tag, static_cast<int>(message.size()), message.data());
}
}  // namespace

void set_log_level(LogLevel level) { g_log_level.store(level); }
LogLevel log_level() { return g_log_level.load(); }
void log_debug(std::string_view message) { log_at(LogLevel::debug, "", message); }
void log_info(std::string_view message) { log_at(LogLevel::info, "", message); }
void log_warn(std::string_view message) { log_at(LogLevel::warn, "warning: ", message); }
void log_error(std::string_view message) { log_at(LogLevel::error, "error: ", message); }

}  // namespace earshot::pipeline::cli

// earshot CLI — what every subcommand shares: config loading with exit code 2 on errors,
// opening the configured Log and its topics, stop signals, progress output on a TTY.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/config/config.h"
#include "pipeline/log/log.h"

namespace CLI {
class App;
}

namespace earshot::pipeline::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

// Thrown by helpers to leave a subcommand with an exit code and a message (main prints it).
struct Exit {
  int code;
  std::string message;
};

// Loads and checks the whole config file; throws Exit{2, "<file:line: ...>"} when invalid.
pipeline::config::Config load_config_or_exit(const std::string& path);
// The embedded default: what `earshot demo` and commands without --config use.
pipeline::config::Config default_config_or_exit();

// Opens the configured Log and creates its topics (the 7 logical ones, aggregates
// compacted, plus the ingest cursor topic). Throws Exit{1, ...} on failure.
std::unique_ptr<pipeline::log::Log> open_log_or_exit(const pipeline::config::Config& config);
pipeline::log::LogOptions log_options(const pipeline::config::Config& config);
// The compacted topic where ingest keeps its source cursors.
std::string cursor_topic(const pipeline::config::Config& config);

// The compacted changelog of the process stage's dedup set.
std::string dedup_topic(const pipeline::config::Config& config);

// The compacted topic of alert acknowledgements and resolutions from the dashboard
// (`<alerts topic>.states`, key = alert id; sinks/alert_states.h).
std::string alert_states_topic(const pipeline::config::Config& config);

// The compacted topic of model-version manifests that `earshot reprocess` writes and
// `serve` follows (`<log.group>.versions`, key = version; sinks/model_versions.h).
std::string versions_topic(const pipeline::config::Config& config);

// A logical name (posts, scored, ...) or a real topic name.
std::string resolve_topic(const pipeline::config::Config& config, std::string_view name);

// Set by SIGINT/SIGTERM once install_stop_signals() ran.
extern std::atomic<bool> g_stop;
// After the first SIGINT/SIGTERM every role finishes or aborts its open batch and exits; a
// watchdog bounds that: a process still running kStopGrace after the signal (a librdkafka call
// blocked on a broker that is gone) logs why and exits with code 1 at once (_exit: nothing is
// committed; an open Kafka transaction is aborted by the broker and redone by the next
// instance, so no half batch ever becomes visible). A second signal exits at once (code 1).
inline constexpr std::chrono::seconds kStopGrace{10};
void install_stop_signals();

// "\r[#####     ] 512/1000 posts, 2,300/s" on stderr when it is a terminal; nothing otherwise.
class Progress {
 public:
  Progress(std::string unit, std::size_t total);
  void update(std::size_t done);
  void finish();

 private:
  std::string unit_;
  std::size_t total_;
  bool tty_;
  double started_;
  double last_draw_ = 0;
};

// Log lines on stderr, "earshot: ..." — `--log-level debug|info|warn|error` (default info)
// picks the least severe shown. info: a line when something changes (start, stop, a failed
// delivery, late mentions dropped); debug: also the periodic progress counters.
enum class LogLevel { debug, info, warn, error };
void set_log_level(LogLevel level);
LogLevel log_level();
void log_debug(std::string_view message);
void log_info(std::string_view message);  // one line on stderr
void log_warn(std::string_view message);
void log_error(std::string_view message);

// Subcommand registration: each adds itself to the app and stores its runner.
void add_replay(CLI::App& app);
void add_tail(CLI::App& app);
void add_score(CLI::App& app);
void add_eval(CLI::App& app);
void add_train(CLI::App& app);
void add_roles(CLI::App& app);  // ingest, process, react, serve, run
void add_demo(CLI::App& app);
void add_config_reference(CLI::App& app);
void add_check(CLI::App& app);       // cmd_check.cc
void add_alert_test(CLI::App& app);  // cmd_alert_test.cc
void add_reprocess(CLI::App& app);   // cmd_reprocess.cc (issue 17)

// The runner chosen by the parsed command line (set by the add_* callbacks).
void set_runner(std::function<int()> runner);

}  // namespace earshot::pipeline::cli

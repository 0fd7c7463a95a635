// Test support (alert sinks): child roles for the kill -9 scenarios (end_to_end.h).
//
// When EARSHOT_TEST_CHILD is set, this test binary is a child process started by a scenario
// and plays a role instead of running tests, until the parent kills it:
//   sinks  a SinkRunner with one webhook sink (EARSHOT_SCN_HOOK_URL, secret "s3cret")
//   react  the react stage with batches of EARSHOT_SCN_BATCH mentions (default 10)
// The role starts from a GoogleTest environment's SetUp, after main() has begun.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "pipeline/http/cpprest_client.h"
#include "pipeline/react/react_stage.h"
#include "sinks/reply_runner.h"
#include "sinks/sink_runner.h"
#include "tests/sinks/support/end_to_end.h"
#include "tests/support/loopback_http.h"

namespace earshot::sinks::testing {
namespace {

void run_sinks_role() {
  pipeline::config::Config cfg = scenario_config_from_env();
  pipeline::config::SinkDef w{
      .type = "webhook",
      .name = "webhook",
      .url = std::getenv("EARSHOT_SCN_HOOK_URL") ? std::getenv("EARSHOT_SCN_HOOK_URL") : "",
      .secret = "s3cret",
      .max_attempts = 1000};
  cfg.sinks = {w};
  auto log = open_scenario_log(cfg);
  if (!log) std::_Exit(3);
  SinkRunnerOptions o;
  o.retry.base = std::chrono::milliseconds(50);
  o.retry.max = std::chrono::milliseconds(200);
  auto runner = SinkRunner::start(cfg, *log, o);
  if (!runner) std::_Exit(4);
  for (;;) ::pause();  // until the parent's SIGKILL
}

void run_react_role() {
  pipeline::config::Config cfg = scenario_config_from_env();
  auto log = open_scenario_log(cfg);
  if (!log) std::_Exit(3);
  auto handler = pipeline::react::make_react_handler(cfg, *log);
  if (!handler) std::_Exit(4);
  pipeline::log::LoopOptions lo = pipeline::react::react_loop_options(cfg);
  const char* batch = std::getenv("EARSHOT_SCN_BATCH");
  lo.batch_size = batch ? std::strtoul(batch, nullptr, 10) : 10;
  auto loop = pipeline::log::TransactionalLoop::create(*log, lo);
  if (!loop) std::_Exit(5);
  std::atomic<bool> never{false};
  (void)(*loop)->run(**handler, never);
  std::_Exit(6);
}

// replies: a ReplyRunner sending to the fixture Mastodon (and PDS) at EARSHOT_SCN_MASTODON_URL.
void run_replies_role() {
  pipeline::config::Config cfg = scenario_config_from_env();
  const char* url = std::getenv("EARSHOT_SCN_MASTODON_URL");
  cfg.replies.accounts = {{"acme", "mastodon", url ? url : "", "@acme@m.example", "secret-token"}};
  pipeline::config::ReplyAccountDef bsky;  // the fixture PDS on the same server
  bsky.entity = "acme";
  bsky.platform = "bluesky";
  bsky.service = url ? url : "";
  bsky.handle = "acme.bsky.example";
  bsky.app_password = "app-pass-1234-5678";
  cfg.replies.accounts.push_back(bsky);
  auto log = open_scenario_log(cfg);
  if (!log) std::_Exit(3);
  ReplyRunner runner(cfg, *log, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  std::atomic<bool> never{false};
  (void)runner.run(never);
  std::_Exit(6);
}

class ChildRole : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* role = std::getenv("EARSHOT_TEST_CHILD");
    if (!role) return;
    if (std::string(role) == "sinks") run_sinks_role();
    if (std::string(role) == "react") run_react_role();
    if (std::string(role) == "replies") run_replies_role();
    std::_Exit(2);
  }
};

[[maybe_unused]] ::testing::Environment* const kChildRole =
    ::testing::AddGlobalTestEnvironment(new ChildRole);

}  // namespace
}  // namespace earshot::sinks::testing

// earshot::pipeline::cli — the proactive-replies part of `earshot demo` (issue 14).
//
// What: prepare() starts a fixture Mastodon on 127.0.0.1 (port chosen by the OS) and points
// the config's Mastodon reply accounts at it, and lifts replies.max_post_age (the bundled
// stream is dated); after the stages ran, run() approves the oldest pending reply through the
// reply API (the demo's server, or one started for it), runs the reply sender until that
// reply is sent or failed, and prints the queue and what the fixture server received.
// Delivery goes through the normal outbound policy, so the demo config must list 127.0.0.1
// in outbound.allow_private (deploy/examples/embedded.yaml does).
//
//   DemoReplies replies;
//   replies.prepare(config);            // before the stages start
//   run_all(config, ...);
//   replies.run(config, log, served ? served->url : "");
//
// Thread safety: one thread. Lifetime: the fixture server lives as long as the object.
#pragma once

#include <memory>
#include <string>

#include "pipeline/config/config.h"
#include "pipeline/log/log.h"

namespace earshot::pipeline::cli {

class DemoReplies {
 public:
  DemoReplies();
  ~DemoReplies();
  // False (and nothing changed) when replies are off or no fixture server could start.
  bool prepare(config::Config& config);
  void run(const config::Config& config, log::Log& log, const std::string& api_url);

 private:
  struct Fixture;
  std::unique_ptr<Fixture> fixture_;
};

}  // namespace earshot::pipeline::cli

// earshot CLI — the long-running roles (ingest, process, react, run) and what they share.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "pipeline/config.h"
#include "pipeline/log.h"

namespace earshot::cli {

struct RoleOptions {
  std::string instance = "0";                    // --instance: part of the transactional id
  std::chrono::milliseconds exit_when_idle{0};   // 0 = run until stopped; ingest: until finite sources end
  const std::atomic<bool>* stop = nullptr;       // extra stop flag (earshot run / demo)
  bool report = true;                            // progress lines on stderr
};

int run_ingest_role(const pipeline::Config& config, pipeline::Log& log, const RoleOptions& options);
int run_react_role(const pipeline::Config& config, pipeline::Log& log, const RoleOptions& options);
int run_process_role(const pipeline::Config& config, pipeline::Log& log, const RoleOptions& options);

}  // namespace earshot::cli

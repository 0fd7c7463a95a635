// Runs the real `earshot` binary (EARSHOT_BINARY, set by CTest) for end-to-end tests, and
// reads topics back through the Log interface.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "pipeline/log/log.h"

namespace earshot::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string earshot_binary();
std::string source_dir();
// A fresh temporary directory for one test.
std::string temp_dir(const std::string& stem);
std::string random_suffix();
void write_file(const std::string& path, const std::string& content);

// Runs earshot with `args`, feeding `stdin_text`; waits for it to exit.
RunResult run(const std::vector<std::string>& args, const std::string& stdin_text = "");
// Starts earshot in the background (stdout/stderr to `log_path`); returns its pid.
pid_t spawn(const std::vector<std::string>& args, const std::string& log_path);
// Starts another program (`bin`: an absolute path) the same way.
pid_t spawn_program(const std::string& bin, const std::vector<std::string>& args,
                    const std::string& log_path);
// Waits for a background earshot; returns its exit code (or -signal).
int wait_for(pid_t pid);

// `n` valid posts as JSONL with uids "<prefix>-<i>", about Acme Air and Globex by turns.
std::string make_posts(const std::string& prefix, int n);
// Lines [from, to) of make_posts(prefix, to): the next chunk of one event-time-ordered input.
std::string posts_between(const std::string& prefix, int from, int to);

// Every committed record of `topic`, waiting up to `timeout` for at least `expected`.
std::vector<pipeline::log::Record> read_topic(
    pipeline::log::Log& log, const std::string& topic, std::size_t expected,
    std::chrono::seconds timeout = std::chrono::seconds(90));

}  // namespace earshot::testing

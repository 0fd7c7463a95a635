// Test support for tests/deploy: run a shell command, get its exit status and output.
//
//   auto [rc, out] = shell("promtool check metrics < metrics.txt");
//
// Header-only test code; popen, so one command at a time per thread.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <utility>

namespace earshot::testing {

// Exit status (-1 when it did not exit normally) and stdout+stderr of `command`.
inline std::pair<int, std::string> shell(const std::string& command) {
  std::string out;
  FILE* f = ::popen((command + " 2>&1").c_str(), "r");
  if (!f) return {-1, ""};
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), n);
  int st = ::pclose(f);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

}  // namespace earshot::testing

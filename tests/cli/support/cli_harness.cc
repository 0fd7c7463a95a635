#include "tests/cli/support/cli_harness.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace earshot::testing {

std::string earshot_binary() {
  const char* b = std::getenv("EARSHOT_BINARY");
  if (!b || !*b) throw std::runtime_error("EARSHOT_BINARY is not set (run through ctest)");
  return b;
}

std::string source_dir() {
  const char* s = std::getenv("EARSHOT_SOURCE_DIR");
  if (!s || !*s) throw std::runtime_error("EARSHOT_SOURCE_DIR is not set (run through ctest)");
  return s;
}

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd() % 1000);
}

std::string temp_dir(const std::string& stem) {
  auto dir = std::filesystem::temp_directory_path() / ("earshot-" + stem + "-" + random_suffix());
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

namespace {
std::vector<char*> argv_of(const std::string& bin, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(bin.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

RunResult run(const std::vector<std::string>& args, const std::string& stdin_text) {
  std::string dir = temp_dir("run");
  std::string in_path = dir + "/stdin", out_path = dir + "/stdout", err_path = dir + "/stderr";
  write_file(in_path, stdin_text);
  std::string bin = earshot_binary();
  auto argv = argv_of(bin, args);
  pid_t pid = fork();
  if (pid == 0) {
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  RunResult r;
  r.exit_code = wait_for(pid);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove_all(dir);
  return r;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log_path) {
  return spawn_program(earshot_binary(), args, log_path);
}

pid_t spawn_program(const std::string& bin, const std::vector<std::string>& args,
                    const std::string& log_path) {
  auto argv = argv_of(bin, args);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1000;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1000;
}

std::string posts_between(const std::string& prefix, int from, int to) {
  std::istringstream all(make_posts(prefix, to));
  std::string out, line;
  for (int i = 0; std::getline(all, line); ++i) {
    if (i >= from) out += line + "\n";
  }
  return out;
}

std::string make_posts(const std::string& prefix, int n) {
  static const char* kTexts[] = {
      "Acme Air lost my bag again, three hours at the carousel and nobody answers",
      "Flew Acme Air to Lisbon today, crew was lovely and we landed early",
      "Globex support fixed my router in ten minutes, impressed",
      "Is the Globex outage in Berlin fixed yet? still no internet here",
      "Reading about airline loyalty programs this morning, nothing special",
  };
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * 400);
  for (int i = 0; i < n; ++i) {
    int minute = (i / 60) % 60, second = i % 60;
    char ts[32];
    std::snprintf(ts, sizeof ts, "2026-11-23T1%d:%02d:%02dZ", (i / 3600) % 10, minute, second);
    out += R"({"v":1,"uid":")" + prefix + "-" + std::to_string(i) +
           R"(","source":"file","url":"https://example.test/p/)" + std::to_string(i) +
           R"(","created_at":")" + ts + R"(","author":{"id":"u)" + std::to_string(i % 977) +
           R"(","handle":"@user)" + std::to_string(i % 977) + R"("},"text":")" + kTexts[i % 5] +
           " #" + std::to_string(i) + R"(","tags":[],"mentions":[]})" + "\n";
  }
  return out;
}

std::vector<pipeline::log::Record> read_topic(pipeline::log::Log& log, const std::string& topic,
                                              std::size_t expected, std::chrono::seconds timeout) {
  std::vector<pipeline::log::Record> out;
  auto reader = log.consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  if (!reader) throw std::runtime_error(reader.error().message);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto batch = (*reader)->poll(5000, std::chrono::milliseconds(300));
    if (!batch) throw std::runtime_error(batch.error().message);
    for (auto& r : *batch) out.push_back(std::move(r));
    if (out.size() >= expected && batch->empty() && (*reader)->at_end()) break;
  }
  return out;
}

}  // namespace earshot::testing

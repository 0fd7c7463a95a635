// CPU seconds for the end-to-end benchmarks: of this process, of the calling thread, of
// another process (e.g. the local Kafka broker sharing the cores), and of this process's
// threads whose name starts with a prefix (librdkafka names its threads "rdk:...").
// Linux only (getrusage, /proc).
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

namespace earshot::bench {

inline double rusage_seconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

inline double process_cpu_seconds() { return rusage_seconds(RUSAGE_SELF); }
inline double thread_cpu_seconds() { return rusage_seconds(RUSAGE_THREAD); }

// The whole text of a /proc/.../stat file ("" when it cannot be read).
inline std::string read_stat(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// utime + stime of a /proc/.../stat line, in seconds (0 when it does not parse).
inline double stat_cpu_seconds(const std::string& stat) {
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU seconds of process `pid`; 0 when `pid` is empty or unknown.
inline double pid_cpu_seconds(const std::string& pid) {
  return pid.empty() ? 0 : stat_cpu_seconds(read_stat("/proc/" + pid + "/stat"));
}

// CPU seconds per thread of this process whose name starts with `prefix`, by thread id.
inline std::map<std::string, double> thread_cpu_by_name(std::string_view prefix) {
  std::map<std::string, double> out;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const std::string stat = read_stat(task.path() / "stat");
    const auto open = stat.find('(');
    if (open == std::string::npos || stat.compare(open + 1, prefix.size(), prefix) != 0) continue;
    out[task.path().filename().string()] = stat_cpu_seconds(stat);
  }
  return out;
}

}  // namespace earshot::bench

#include "pipeline/cli/fault_hook.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "pipeline/cli/cli_common.h"

namespace earshot::pipeline::cli {
namespace {

using pipeline::log::LoopPoint;

struct Fault {
  LoopPoint point;
  bool in_commit = false;  // kCommitting with a delayed abort
  bool stop = false;       // SIGSTOP instead of abort (a zombie)
  long nth = 1;
  std::string role;
  long seen = 0;
};

[[noreturn]] void die(const std::string& role, const char* where) {
  std::fprintf(stderr, "earshot %s: EARSHOT_TEST_FAULT: aborting %s\n", role.c_str(), where);
  std::fflush(stderr);
  std::abort();
}

const char* name_of(LoopPoint p) {
  switch (p) {
    case LoopPoint::kProduced:
      return "after produce";
    case LoopPoint::kOffsetsSent:
      return "after sending offsets";
    case LoopPoint::kCommitting:
      return "inside commit";
    case LoopPoint::kCommitted:
      return "after commit";
  }
  return "?";
}

}  // namespace

std::function<void(LoopPoint)> fault_hook(std::string_view role) {
  const char* env = std::getenv("EARSHOT_TEST_FAULT");
  if (env == nullptr || *env == '\0') return {};
  std::string spec(env);
  auto fault = std::make_shared<Fault>();
  fault->role = std::string(role);
  std::string rest = spec;
  if (rest.size() > 5 && rest.ends_with(":stop")) {
    fault->stop = true;
    rest.resize(rest.size() - 5);
  }
  std::string name = rest.substr(0, rest.find(':'));
  if (auto colon = rest.find(':'); colon != std::string::npos) {
    char* end = nullptr;
    fault->nth = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (end == rest.c_str() + colon + 1 || *end != '\0' || fault->nth < 1)
      throw Exit{kExitUsage, "EARSHOT_TEST_FAULT: bad transaction number in '" + spec + "'"};
  }
  if (name == "produced") {
    fault->point = LoopPoint::kProduced;
  } else if (name == "offsets_sent") {
    fault->point = LoopPoint::kOffsetsSent;
  } else if (name == "in_commit") {
    fault->point = LoopPoint::kCommitting;
    fault->in_commit = true;
  } else if (name == "committed") {
    fault->point = LoopPoint::kCommitted;
  } else {
    throw Exit{kExitUsage, "EARSHOT_TEST_FAULT: unknown point '" + name +
                               "' (produced, offsets_sent, in_commit, committed)"};
  }
  log_info(std::string(role) + ": EARSHOT_TEST_FAULT=" + spec + ": this process will " +
           (fault->stop ? "stop itself" : "abort"));
  return [fault](LoopPoint p) {
    if (p != fault->point || ++fault->seen != fault->nth) return;
    if (fault->stop) {
      std::fprintf(stderr, "earshot %s: EARSHOT_TEST_FAULT: stopping %s\n", fault->role.c_str(),
                   name_of(p));
      std::fflush(stderr);
      std::raise(SIGSTOP);  // resumes here on SIGCONT, a zombie of its old transaction
      return;
    }
    if (!fault->in_commit) die(fault->role, name_of(p));
    std::random_device rd;
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 20)(rd));
    std::thread([fault, delay] {
      std::this_thread::sleep_for(delay);
      die(fault->role, "inside commit");
    }).detach();
  };
}

}  // namespace earshot::pipeline::cli

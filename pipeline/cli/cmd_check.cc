// earshot check --config FILE
// Validates everything a run would touch and starts nothing (DESIGN.md §4): the config file
// itself (load_config: every key, ${ENV} references, referenced files), then the deeper
// checks a load does not do — the sentiment model loads, every alert rule compiles (RE2
// patterns, windows), each URL's host resolves (sinks, customer directories, sources, reply
// instances) and, for an embedded log with a file, its folder exists. Prints one line per
// check ("ok", "error", or "warn" for an RFC 2606 example host that cannot resolve by
// design), exit 0 when nothing failed, 2 with every error listed.
#include <netdb.h>
#include <sys/socket.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <set>

#include "pipeline/cli/cli_common.h"
#include "pipeline/react/alert_rules.h"
#include "sentiment/sentiment.h"

namespace earshot::pipeline::cli {
namespace {

struct Report {
  std::vector<std::string> errors;
  int ok = 0;
  void pass(const std::string& what) {
    ++ok;
    std::printf("ok     %s\n", what.c_str());
  }
  void warn(const std::string& what) { std::printf("warn   %s\n", what.c_str()); }
  void fail(const std::string& what) {
    errors.push_back(what);
    std::printf("error  %s\n", what.c_str());
  }
};

// The host of "scheme://host[:port]/...", "[v6]" unbracketed; "" when there is none.
std::string host_of(const std::string& url) {
  auto at = url.find("://");
  std::string rest = at == std::string::npos ? url : url.substr(at + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto cred = rest.rfind('@'); cred != std::string::npos) rest = rest.substr(cred + 1);
  if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.find(':'));
}

void check_url(Report& r, const std::string& where, const std::string& url,
               std::set<std::string>& seen) {
  if (url.empty() || !seen.insert(where + url).second) return;
  const std::string host = host_of(url);
  if (host.empty() || host.find('{') != std::string::npos) {
    r.fail(where + ": " + url + ": no host name to resolve");
    return;
  }
  // RFC 2606 names (the shipped examples' fictional hosts) can never resolve: said, not failed.
  if (host.ends_with(".example") || host == "example.com" || host.ends_with(".example.com")) {
    r.warn(where + ": " + host +
           " is a reserved example name (RFC 2606); replace it before a real run");
    return;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (res) ::freeaddrinfo(res);
  if (rc != 0)
    r.fail(where + ": " + host + " does not resolve (" + ::gai_strerror(rc) + ")");
  else
    r.pass(where + ": " + host + " resolves");
}

int run_check(const std::string& path) {
  auto loaded = pipeline::config::load_config(path);
  if (!loaded) {
    std::printf("error  %s\n", loaded.error().message.c_str());
    throw Exit{kExitUsage, "check: " + path + " is not valid (errors above)"};
  }
  const pipeline::config::Config& cfg = *loaded;
  Report r;
  r.pass(path + ": config valid (keys, ${ENV} references, files)");

  if (auto scorer = sentiment::load_scorer(cfg.sentiment.model); scorer)
    r.pass("sentiment.model: " + cfg.sentiment.model + " loads");
  else
    r.fail("sentiment.model: " + cfg.sentiment.model + ": " + scorer.error());

  if (auto engine = pipeline::react::AlertEngine::create(cfg.alerts); engine)
    r.pass("alerts: " + std::to_string(cfg.alerts.size()) + " rule(s) compile");
  else
    r.fail("alerts: " + engine.error().message);

  if (cfg.log.kind == pipeline::config::LogKind::embedded && !cfg.log.path.empty()) {
    auto dir = std::filesystem::path(cfg.log.path).parent_path();
    if (dir.empty() || std::filesystem::is_directory(dir))
      r.pass("log.path: " + cfg.log.path + " can be created");
    else
      r.fail("log.path: folder " + dir.string() + " does not exist");
  }

  std::set<std::string> seen;
  for (const auto& s : cfg.sinks) check_url(r, "sinks." + s.name + ".url", s.url, seen);
  for (std::size_t i = 0; i < cfg.customers.size(); ++i) {
    const auto& d = cfg.customers[i];
    if (d.type == "http") check_url(r, "customers[" + std::to_string(i) + "].url", d.url, seen);
  }
  for (const auto& s : cfg.sources) {
    check_url(r, "sources." + s.name + ".url", s.url, seen);
    if (s.type == "mastodon") check_url(r, "sources." + s.name + ".instance", s.instance, seen);
  }
  for (const auto& a : cfg.replies.accounts) {
    if (!a.instance.empty())
      check_url(r, "replies.accounts." + a.entity + ".instance", a.instance, seen);
  }

  std::printf("\n%d ok, %zu error(s)\n", r.ok, r.errors.size());
  std::fflush(stdout);
  if (!r.errors.empty()) {
    std::string all;
    for (const auto& e : r.errors) all += "\n  " + e;
    throw Exit{kExitUsage, "check: " + std::to_string(r.errors.size()) + " error(s):" + all};
  }
  return kExitOk;
}

}  // namespace

void add_check(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "check",
      "Validate everything a run would touch (config, files, model, patterns, env vars, URLs) "
      "without starting anything: exit 0 ok, 2 with every error listed");
  cmd->add_option("--config", *path, "Config file")->required();
  cmd->callback([path] { set_runner([path] { return run_check(*path); }); });
}

}  // namespace earshot::pipeline::cli

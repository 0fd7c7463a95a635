// Tests for deploy/: what can be checked without a container engine or a cluster — every
// YAML file is well-formed, the Kubernetes objects carry what the runbook promises (replicas
// within the partitions, probes, resources, disruption budgets, config from a ConfigMap and
// tokens from a Secret), the configs embedded in them load, the Dockerfile builds with the
// project's own scripts and installs a runtime package for every library the binary links,
// and the systemd unit passes `systemd-analyze verify`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "pipeline/config/config.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/deploy/support/shell.h"
#include "tests/support/source_dir.h"

namespace earshot::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


fs::path deploy(const std::string& rel) { return source_path("deploy/" + rel); }

TEST(DeployFiles, EveryYamlFileIsWellFormed) {
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(source_path("deploy"))) {
    auto ext = e.path().extension();
    if (ext != ".yaml" && ext != ".yml") continue;
    ++files;
    try {
      auto docs = YAML::LoadAllFromFile(e.path().string());
      EXPECT_FALSE(docs.empty()) << e.path();
    } catch (const YAML::Exception& ex) {
      ADD_FAILURE() << e.path() << ": " << ex.what();
    }
  }
  EXPECT_GE(files, 12);  // compose, prometheus, grafana provisioning, k8s, systemd, examples
}

TEST(DeployFiles, KubernetesDeploymentsHaveProbesResourcesBudgetsAndBoundedReplicas) {
  YAML::Node cm = YAML::LoadFile(deploy("k8s/configmap.yaml").string());
  YAML::Node cfg = YAML::Load(cm["data"]["earshot.yaml"].as<std::string>());
  const int partitions = cfg["log"]["partitions"].as<int>();
  std::set<std::string> deployments, budgets;
  for (const char* role : {"ingest", "process", "react", "serve"}) {
    for (const YAML::Node& doc :
         YAML::LoadAllFromFile(deploy(std::string("k8s/") + role + ".yaml").string())) {
      const std::string kind = doc["kind"].as<std::string>();
      if (kind == "PodDisruptionBudget") budgets.insert(role);
      if (kind != "Deployment") continue;
      deployments.insert(role);
      SCOPED_TRACE(role);
      const int replicas = doc["spec"]["replicas"].as<int>();
      EXPECT_GE(replicas, 1);
      EXPECT_LE(replicas, partitions);
      const YAML::Node pod = doc["spec"]["template"]["spec"];
      EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>());
      const YAML::Node c = pod["containers"][0];
      EXPECT_EQ(c["args"][0].as<std::string>(), role);
      EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
      EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
      EXPECT_TRUE(c["resources"]["requests"]["memory"].IsDefined());
      EXPECT_TRUE(c["resources"]["limits"]["memory"].IsDefined());
      EXPECT_EQ(c["envFrom"][0]["secretRef"]["name"].as<std::string>(), "earshot-secrets");
      EXPECT_EQ(pod["volumes"][0]["configMap"]["name"].as<std::string>(), "earshot-config");
    }
  }
  EXPECT_EQ(deployments, (std::set<std::string>{"ingest", "process", "react", "serve"}));
  EXPECT_EQ(budgets, (std::set<std::string>{"process", "react", "serve"}));
  // The one ingest replica owns the source cursors: never two at once during a rollout.
  YAML::Node ingest = YAML::LoadAllFromFile(deploy("k8s/ingest.yaml").string())[0];
  EXPECT_EQ(ingest["spec"]["replicas"].as<int>(), 1);
  EXPECT_EQ(ingest["spec"]["strategy"]["type"].as<std::string>(), "Recreate");
}

// Loads `text` as a config file with the variables its secrets name set.
pipeline::core::Result<pipeline::config::Config> load_text(const std::string& text) {
  for (const char* var : {"EARSHOT_API_TOKEN", "WEBHOOK_SECRET", "SLACK_WEBHOOK_URL"}) {
    ::setenv(var, "https://hooks.slack.example/0123456789abcdef", 1);
  }
  ::setenv("KAFKA_BROKERS", "kafka:9092", 1);
  std::string dir = temp_dir("deploy-config");
  write_file(dir + "/earshot.yaml", text);
  return pipeline::config::load_config(dir + "/earshot.yaml");
}

TEST(DeployFiles, TheConfigsTheyShipLoad) {
  YAML::Node cm = YAML::LoadFile(deploy("k8s/configmap.yaml").string());
  auto k8s = load_text(cm["data"]["earshot.yaml"].as<std::string>());
  ASSERT_TRUE(k8s.has_value()) << k8s.error().message;
  EXPECT_EQ(k8s->log.brokers, "kafka:9092");
  ASSERT_EQ(k8s->api.tokens.size(), 1u);
  auto vm = load_text(read(deploy("systemd/earshot.yaml")));
  ASSERT_TRUE(vm.has_value()) << vm.error().message;
  EXPECT_EQ(vm->log.kind, pipeline::config::LogKind::embedded);
  EXPECT_EQ(vm->log.path, "/var/lib/earshot/earshot.db");  // durable, in the StateDirectory
}

TEST(DeployFiles, TheTutorialConfigLoadsAsWritten) {
  std::string tutorial = read(deploy("TUTORIAL.md"));
  std::smatch block;
  ASSERT_TRUE(std::regex_search(tutorial, block, std::regex("```yaml\n([\\s\\S]*?)```")));
  ::setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXXX", 1);
  std::string dir = temp_dir("deploy-tutorial");
  write_file(dir + "/earshot.yaml", block[1].str());
  auto c = pipeline::config::load_config(dir + "/earshot.yaml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->entities.size(), 1u);
  ASSERT_EQ(c->sinks.size(), 1u);
  EXPECT_EQ(c->sinks[0].type, "slack");
}

TEST(DeployFiles, ComposeRunsEveryRoleTwoProcessReplicasPrometheusAndGrafana) {
  YAML::Node c = YAML::LoadFile(deploy("compose.yaml").string());
  for (const char* s : {"kafka", "ingest", "process", "react", "serve", "prometheus", "grafana"}) {
    EXPECT_TRUE(c["services"][s].IsDefined()) << s;
  }
  EXPECT_EQ(c["services"]["process"]["deploy"]["replicas"].as<int>(), 2);
  EXPECT_EQ(c["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"].as<std::string>(),
            "broker,controller");  // KRaft, no ZooKeeper
  for (const auto& v : c["services"]["grafana"]["volumes"]) {
    std::string host = v.as<std::string>().substr(0, v.as<std::string>().find(':'));
    EXPECT_TRUE(fs::exists(deploy(host.substr(2)))) << host;  // "./x" relative to deploy/
  }
}

TEST(DeployFiles, DockerfileUsesTheProjectScriptsAndInstallsEveryLinkedLibrary) {
  std::string docker = read(deploy("Dockerfile"));
  EXPECT_THAT(docker, HasSubstr("FROM debian:bookworm AS build"));
  EXPECT_THAT(docker, HasSubstr("RUN deploy/install-deps.sh"));
  EXPECT_THAT(docker, HasSubstr("RUN deploy/build.sh --target earshot"));
  EXPECT_THAT(docker, HasSubstr("USER earshot"));
  EXPECT_THAT(docker, HasSubstr("HEALTHCHECK"));
  // The runtime stage's apt line must cover what the binary links (ldd → owning package),
  // except what every Debian image has.
  auto [rc, out] = shell("ldd " + earshot_binary() +
                         " | awk '/=>/{print $3}' | xargs -r readlink -f | xargs -r dpkg -S"
                         " | cut -d: -f1 | sort -u");
  ASSERT_EQ(rc, 0) << out;
  // The sanitizer runtimes are linked only by deploy/sanitize.sh's builds, never the image's.
  const std::set<std::string> base = {"libc6",   "libgcc-s1", "libstdc++6", "zlib1g", "libexpat1",
                                      "libasan8", "libubsan1", "libtsan2",   "liblsan0"};
  std::istringstream lines(out);
  int checked = 0;
  for (std::string pkg; std::getline(lines, pkg);) {
    if (pkg.empty() || base.count(pkg)) continue;
    ++checked;
    EXPECT_TRUE(std::regex_search(docker, std::regex("[ \\\\]" + pkg + "[ \\n\\\\]")))
        << "deploy/Dockerfile's runtime stage does not install " << pkg;
  }
  EXPECT_GE(checked, 8);
}

TEST(DeployFiles, SystemdUnitVerifies) {
  std::string dir = temp_dir("deploy-systemd");
  std::string unit = read(deploy("systemd/earshot.service"));
  unit = std::regex_replace(unit, std::regex("/usr/local/bin/earshot"), earshot_binary());
  write_file(dir + "/earshot.service", unit);
  auto [rc, out] = shell("systemd-analyze verify " + dir + "/earshot.service");
  EXPECT_EQ(rc, 0) << out;
  // And the check can fail: a unit whose ExecStart is not an absolute path is refused.
  write_file(dir + "/broken.service",
             std::regex_replace(unit, std::regex("ExecStart=" + earshot_binary()),
                                "ExecStart=earshot-nowhere"));
  auto [bad_rc, bad_out] = shell("systemd-analyze verify " + dir + "/broken.service");
  EXPECT_NE(bad_rc, 0) << bad_out;
}

}  // namespace
}  // namespace earshot::testing

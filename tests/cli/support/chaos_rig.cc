#include "tests/cli/support/chaos_rig.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/log/kafka/kafka_log.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/wait.h"

namespace earshot::testing {

int chaos_repeat() {
  const char* r = std::getenv("EARSHOT_CHAOS_REPEAT");
  int n = r ? std::atoi(r) : 0;
  return n > 0 ? n : 3;
}

ChaosScenario prepare_chaos(const std::string& name, int posts, const std::string& brokers,
                            const std::string& extra_yaml, const std::string& log_yaml) {
  ChaosScenario s;
  s.brokers = brokers;
  s.dir = temp_dir(name);
  s.prefix = "c" + random_suffix();
  s.posts = posts;
  s.config = s.dir + "/earshot.yaml";
  std::string topics;
  for (const char* logical :
       {"posts", "scored", "mentions", "deadletter", "aggregates", "alerts", "replies"}) {
    topics += std::string(topics.empty() ? "" : ", ") + logical + ": " + s.prefix + "." + logical;
  }
  write_file(s.config, "log:\n  kind: kafka\n  brokers: " + brokers +
                           "\n  partitions: 3\n  group: " + s.prefix + "\n  topics: {" + topics +
                           "}\n" + log_yaml +
                           "entities:\n"
                           "  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme "
                           "Air\"]}\n"
                           "  - {id: globex, name: Globex, kind: company, aliases: [\"Globex\"]}\n"
                           "process: {threads: 2, batch_size: " +
                           std::to_string(kChaosBatch) + "}\n" + extra_yaml);
  write_file(s.dir + "/posts.jsonl", make_posts(s.prefix, posts));
  auto log = pipeline::log::kafka::KafkaLog::open(
      {.kind = "kafka", .brokers = brokers, .path = "", .properties = {}, .partitions = 3});
  EXPECT_TRUE(log) << log.error().message;
  s.log = std::move(*log);
  RunResult r = run({"replay", "--config", s.config, "--file", s.dir + "/posts.jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return s;
}

// Every post scored exactly once and every (post, entity) mention exactly once, read with
// read_committed (the Kafka log's consumers always are).
void expect_exact(ChaosScenario& s) {
  auto scored = read_topic(*s.log, s.prefix + ".scored", s.posts);
  std::map<std::string, int> per_uid;
  std::set<std::pair<std::string, std::string>> linked;  // (post uid, entity id) of scored
  for (const auto& r : scored) {
    auto p = pipeline::codec::decode_scored(r.value);
    ASSERT_TRUE(p) << p.error().message;
    ++per_uid[p->post.uid];
    for (const auto& e : p->entities) linked.emplace(p->post.uid, e.id);
  }
  int duplicates = 0;
  for (const auto& [uid, n] : per_uid) duplicates += n - 1;
  EXPECT_EQ(per_uid.size(), static_cast<std::size_t>(s.posts)) << "distinct scored posts";
  EXPECT_EQ(duplicates, 0) << "posts scored more than once";
  auto mentions = read_topic(*s.log, s.prefix + ".mentions", 1);
  std::set<std::pair<std::string, std::string>> seen;
  int mention_duplicates = 0;
  for (const auto& r : mentions) {
    auto m = pipeline::codec::decode_mention(r.value);
    ASSERT_TRUE(m) << m.error().message;
    if (!seen.emplace(m->post_uid, m->entity).second) ++mention_duplicates;
  }
  // make_posts() names Acme Air or Globex in four posts of five: one mention each.
  EXPECT_EQ(linked.size(), static_cast<std::size_t>(s.posts) * 4 / 5) << "linked posts";
  EXPECT_EQ(seen, linked) << "a mention for every linked (post, entity), and no other";
  EXPECT_EQ(mention_duplicates, 0) << "mentions emitted more than once";
}

std::size_t expect_aggregates_recount(ChaosScenario& s, std::size_t key_length,
                                      std::chrono::seconds timeout) {
  std::map<std::string, long> expected;  // "entity|2026-11-23T10:05" -> mentions
  std::string newest;
  for (const auto& r : read_topic(*s.log, s.prefix + ".mentions", 1)) {
    auto m = pipeline::codec::decode_mention(r.value);
    EXPECT_TRUE(m) << m.error().message;
    if (!m) return 0;
    const std::string window = m->created_at.substr(0, key_length);
    ++expected[m->entity + "|" + window];
    newest = std::max(newest, window);
  }
  std::erase_if(expected, [&](const auto& kv) { return kv.first.ends_with("|" + newest); });
  std::map<std::string, long> got;
  std::size_t undecodable = 0;
  (void)wait_until(
      within(timeout),
      [&] {
        got.clear();
        undecodable = 0;
        for (const auto& r :
             read_topic(*s.log, s.prefix + ".aggregates", 0, std::chrono::seconds(5))) {
          auto a = pipeline::codec::decode_aggregate(r.value);
          if (!a) {
            ++undecodable;
            continue;
          }
          const std::string key = a->entity + "|" + a->window_start.substr(0, key_length);
          if (!key.ends_with("|" + newest)) got[key] = a->volume;  // the last version wins
        }
        return got == expected;
      },
      "aggregates equal to the recount", std::chrono::seconds(1));
  std::vector<std::string> differing;
  for (const auto& [key, n] : expected) {
    auto it = got.find(key);
    if (it == got.end() || it->second != n) {
      differing.push_back(key + ": got " + (it == got.end() ? "none" : std::to_string(it->second)) +
                          ", recount " + std::to_string(n));
    }
  }
  for (const auto& [key, n] : got) {
    if (expected.count(key) == 0) differing.push_back(key + ": got " + std::to_string(n) + ", no mentions");
  }
  EXPECT_TRUE(differing.empty())
      << differing.size() << " of " << expected.size()
      << " windows differ from the recount of the mentions after waiting " << timeout.count()
      << " s (" << undecodable << " undecodable aggregates); first ones: "
      << ::testing::PrintToString(std::vector<std::string>(
             differing.begin(), differing.begin() + std::min<std::size_t>(differing.size(), 10)));
  return expected.size();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string http_get(const std::string& url) {
  std::string out;
  if (FILE* p = popen(("curl -s --max-time 5 '" + url + "'").c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
  }
  return out;
}

ChildGuard::~ChildGuard() {
  for (pid_t pid : pids_) {
    // 0: still our unreaped child (so the pid cannot have been reused); -1: already reaped.
    if (waitpid(pid, nullptr, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
}

OwnBroker::OwnBroker(const char* port_env, std::string sasl, std::string advertise)
    : sasl_(std::move(sasl)), advertise_(std::move(advertise)) {
  const char* p = std::getenv(port_env);
  if (p == nullptr || *p == '\0') {
    ADD_FAILURE() << port_env
                  << " is not set: this test runs a Kafka broker of its own on that port "
                     "(deploy/test.sh sets it)";
    std::abort();
  }
  port_ = p;
  state_ = temp_dir("kafka-state");
  brokers_ = "127.0.0.1:" + port_;
  started_ = script("start.sh", "");
}

OwnBroker::~OwnBroker() { script("stop.sh", ""); }

std::string OwnBroker::script_log() const { return slurp(state_ + "/script.log"); }

bool OwnBroker::restart(std::chrono::seconds down) {
  bool ok = script("stop.sh", "EARSHOT_KAFKA_KEEP_DATA=1");
  std::this_thread::sleep_for(down);
  return script("start.sh", "EARSHOT_KAFKA_KEEP_DATA=1") && ok;
}

bool OwnBroker::kill_hard() {
  const pid_t pid = std::atoi(slurp(state_ + "/kafka.pid").c_str());
  if (pid <= 0 || kill(pid, SIGKILL) != 0) return false;
  // Not our child (start.sh started it with nohup): wait until it is gone.
  for (int i = 0; i < 600 && kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return kill(pid, 0) != 0;
}

bool OwnBroker::start_again() { return script("start.sh", "EARSHOT_KAFKA_KEEP_DATA=1"); }

bool OwnBroker::script(const char* name, const std::string& env) {
  std::string cmd = "env EARSHOT_KAFKA_STATE='" + state_ + "' " + env +
                    (sasl_.empty() ? "" : " EARSHOT_KAFKA_SASL='" + sasl_ + "'") +
                    (advertise_.empty() ? "" : " EARSHOT_KAFKA_ADVERTISED='" + advertise_ + "'") +
                    " '" +
                    source_dir() + "/deploy/kafka/" + name + "' " + port_ + " >>'" + state_ +
                    "/script.log' 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace earshot::testing

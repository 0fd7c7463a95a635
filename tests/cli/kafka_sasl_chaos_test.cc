// Kafka security: SASL/SCRAM settings pass through the config's `log.properties` to every
// client earshot makes. The test runs a broker of its own whose only listener speaks
// SASL_PLAINTEXT with SCRAM-SHA-256 (deploy/kafka/start.sh with EARSHOT_KAFKA_SASL, on
// $EARSHOT_SASL_KAFKA_PORT, which deploy/test.sh sets): with the credentials `replay`,
// `process` and `tail` work end to end; without them, or with a wrong password, earshot fails
// with exit code 1 and a message that says why, instead of hanging. Label `chaos` because,
// like the broker-restart test, it needs a broker of its own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"

namespace earshot::testing {
namespace {

std::string config_with(const std::string& brokers, const std::string& prefix,
                        const std::string& properties) {
  std::string topics;
  for (const char* logical :
       {"posts", "scored", "mentions", "deadletter", "aggregates", "alerts", "replies"}) {
    topics += std::string(topics.empty() ? "" : ", ") + logical + ": " + prefix + "." + logical;
  }
  return "log:\n  kind: kafka\n  brokers: " + brokers + "\n  partitions: 1\n  group: " + prefix +
         "\n  topics: {" + topics + "}\n" + properties +
         "entities:\n  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n";
}

std::size_t lines(const std::string& s) {
  std::istringstream in(s);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

TEST(KafkaSasl, ConnectsWithCredentialsAndFailsClearlyWithout) {
  const std::string password = "pw-" + random_suffix();
  OwnBroker broker("EARSHOT_SASL_KAFKA_PORT", "earshot:" + password);
  ASSERT_TRUE(broker.started()) << broker.script_log();
  const std::string dir = temp_dir("sasl");
  const std::string prefix = "s" + random_suffix();
  // The secret is an ${ENV} reference, as in every example config.
  setenv("EARSHOT_TEST_SASL_PASSWORD", password.c_str(), 1);
  const std::string sasl =
      "  properties: {security.protocol: SASL_PLAINTEXT, sasl.mechanism: SCRAM-SHA-256, "
      "sasl.username: earshot, sasl.password: \"${EARSHOT_TEST_SASL_PASSWORD}\"}\n";
  const std::string good = dir + "/good.yaml";
  write_file(good, config_with(broker.brokers(), prefix, sasl));
  write_file(dir + "/posts.jsonl", make_posts(prefix, 200));
  // No credentials: the broker drops the plaintext connection; earshot must say so and stop.
  // It only gives up after its 60 s create-topics wait (no authentication error ever comes),
  // so it runs while the rest of the test does.
  const std::string none = dir + "/none.yaml";
  write_file(none, config_with(broker.brokers(), prefix, ""));
  const pid_t no_credentials = spawn({"tail", "--config", none, "scored"}, dir + "/none.log");
  ChildGuard guard{no_credentials};

  RunResult r = run({"replay", "--config", good, "--file", dir + "/posts.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run({"process", "--config", good, "--exit-when-idle", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run({"tail", "--config", good, "scored"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.out), 200u) << "scored records read back over SASL";

  // A wrong password: SCRAM authentication fails, and the message names it.
  const std::string wrong = dir + "/wrong.yaml";
  setenv("EARSHOT_TEST_SASL_PASSWORD", "not-the-password", 1);
  write_file(wrong, config_with(broker.brokers(), prefix, sasl));
  r = run({"tail", "--config", wrong, "scored"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // earshot's own error line, not only librdkafka's log lines.
  EXPECT_NE(r.err.find("earshot: error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("authentication failed"), std::string::npos) << r.err;
  unsetenv("EARSHOT_TEST_SASL_PASSWORD");

  EXPECT_EQ(wait_for(no_credentials), 1) << slurp(dir + "/none.log");
  const std::string none_log = slurp(dir + "/none.log");
  EXPECT_NE(none_log.find("earshot: error"), std::string::npos) << none_log;
  EXPECT_NE(none_log.find("kafka"), std::string::npos) << none_log;
}

}  // namespace
}  // namespace earshot::testing

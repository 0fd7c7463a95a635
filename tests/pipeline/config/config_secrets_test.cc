// ${ENV} in pipeline/config.h (defaults, escapes, unset and malformed names, never echoed in
// an error) and the secrets it usually fills: API tokens and webhook secrets.
#include "pipeline/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tests/pipeline/config/support/parse_helpers.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using config_testing::errors_of;
using config_testing::valid;

TEST(Config, UnsetEnvironmentVariableNamesFileLineAndKey) {
  ::unsetenv("EARSHOT_TEST_UNSET_SECRET");
  std::string err = errors_of(
      "sinks:\n"
      "  - {type: webhook, url: \"https://h.example\", secret: ${EARSHOT_TEST_UNSET_SECRET}}\n");
  EXPECT_THAT(err, HasSubstr("test.yaml:2:55: sinks[0].secret: environment variable "
                             "EARSHOT_TEST_UNSET_SECRET is not set"));
}

TEST(Config, EnvironmentSubstitutionWithDefaultsAndEscapes) {
  ::setenv("EARSHOT_TEST_HOST", "mastodon.example", 1);
  ::setenv("EARSHOT_TEST_EMPTY", "", 1);
  ::unsetenv("EARSHOT_TEST_UNSET");
  Config c = valid(R"(
log: {kind: kafka, brokers: "${EARSHOT_TEST_UNSET:-10.0.0.1:9092}", partitions: ${EARSHOT_TEST_UNSET:-6}}
sources:
  - {type: mastodon, instance: https://${EARSHOT_TEST_HOST}/, token: ${EARSHOT_TEST_EMPTY:-anon}}
  - {type: webhook, secret: "$${NOT_A_VAR}-0123456789", listen: "127.0.0.1:${EARSHOT_TEST_UNSET:-9000}"}
api: {tokens: ["${EARSHOT_TEST_HOST}-token", "${EARSHOT_TEST_UNSET:-fallback-token-0123}"]}
)");
  EXPECT_EQ(c.log.brokers, "10.0.0.1:9092");
  EXPECT_EQ(c.log.partitions, 6);
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].instance, "https://mastodon.example");
  EXPECT_EQ(c.sources[0].token, "anon");
  EXPECT_EQ(c.sources[1].secret, "${NOT_A_VAR}-0123456789");
  EXPECT_EQ(c.sources[1].listen, "127.0.0.1:9000");
  ASSERT_EQ(c.api.tokens.size(), 2u);
  EXPECT_EQ(c.api.tokens[0].token, "mastodon.example-token");
  EXPECT_EQ(c.api.tokens[1].token, "fallback-token-0123");
}

TEST(Config, MalformedEnvironmentReferencesAreErrors) {
  std::string err = errors_of(
      "api: {listen: \"127.0.0.1:${BAD-NAME}\"}\n"
      "sentiment: {model: \"x${UNCLOSED\"}\n");
  EXPECT_THAT(err, HasSubstr("test.yaml:1:15: api.listen: bad environment variable name "
                             "'BAD-NAME'"));
  EXPECT_THAT(err, HasSubstr("test.yaml:2:20: sentiment.model: unterminated ${ in 'x${UNCLOSED'"));
}

TEST(Config, ErrorsNeverEchoASubstitutedSecret) {
  ::setenv("EARSHOT_TEST_SECRET_NUMBER", "hunter2", 1);
  std::string err = errors_of("log: {partitions: ${EARSHOT_TEST_SECRET_NUMBER}}\n");
  EXPECT_THAT(err, HasSubstr("log.partitions: expected an integer, got "
                             "'${EARSHOT_TEST_SECRET_NUMBER}'"));
  EXPECT_THAT(err, Not(HasSubstr("hunter2")));
}

TEST(Config, ApiTokensCarryOwnerAndScope) {
  ::setenv("EARSHOT_TEST_READ_TOKEN", "read-only-token-0123456789", 1);
  Config c = valid(R"(
api:
  tokens:
    - "admin-token-0123456789"
    - {token: "${EARSHOT_TEST_READ_TOKEN}", owner: wallboard, scope: read}
    - {token: "alice-token-0123456789", owner: alice}
)");
  ASSERT_EQ(c.api.tokens.size(), 3u);
  EXPECT_EQ(c.api.tokens[0],
            (core::BearerToken{"admin-token-0123456789", "token-1", core::Scope::kAdmin}));
  EXPECT_EQ(c.api.tokens[1],
            (core::BearerToken{"read-only-token-0123456789", "wallboard", core::Scope::kRead}));
  EXPECT_EQ(c.api.tokens[2],
            (core::BearerToken{"alice-token-0123456789", "alice", core::Scope::kAdmin}));
}

TEST(Config, EmptyOrShortApiTokensAreErrorsNotAnOpenApi) {
  ::setenv("EARSHOT_TEST_EMPTY_TOKEN", "", 1);
  std::string err = errors_of(R"(
api:
  tokens:
    - "${EARSHOT_TEST_EMPTY_TOKEN}"
    - "${EARSHOT_TEST_UNSET_TOKEN:-}"
    - short
    - {token: "", owner: bob}
    - {token: "long-enough-token-0123", scope: root}
)");
  EXPECT_THAT(err, HasSubstr("test.yaml:4:7: api.tokens[0]: the token is empty"));
  EXPECT_THAT(err, HasSubstr("test.yaml:5:7: api.tokens[1]: the token is empty"));
  EXPECT_THAT(
      err, HasSubstr("test.yaml:6:7: api.tokens[2]: a token needs at least 16 characters (got 5)"));
  EXPECT_THAT(err, HasSubstr("api.tokens[3].token"));
  EXPECT_THAT(err, HasSubstr("api.tokens[4].scope"));
}

// Issue 16 item 5: an empty or short webhook secret would let anyone sign pushes.
TEST(Config, EmptyOrShortWebhookSecretsAreErrors) {
  ::setenv("EARSHOT_TEST_EMPTY_SECRET", "", 1);
  std::string err = errors_of(R"(
sources:
  - {type: webhook, name: a, listen: "127.0.0.1:9001", secret: "${EARSHOT_TEST_EMPTY_SECRET}"}
  - {type: webhook, name: b, listen: "127.0.0.1:9002", secret: short-secret}
  - {type: webhook, name: c, listen: "127.0.0.1:9003", secret: whsec_aGVsbG8=}
  - {type: webhook, name: d, listen: "127.0.0.1:9004", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
)");
  EXPECT_THAT(err, HasSubstr("sources[0].secret"));
  EXPECT_THAT(err, HasSubstr("sources[1].secret: 12 bytes"));
  EXPECT_THAT(err, HasSubstr("sources[2].secret: 5 bytes"));
  EXPECT_THAT(err, Not(HasSubstr("sources[3]")));
}

}  // namespace
}  // namespace earshot::pipeline::config

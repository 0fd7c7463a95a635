// The issue 14 keys of `replies:` (pipeline/config/README.md).
#include <gtest/gtest.h>

#include <cstdlib>

#include "pipeline/config/config.h"

namespace earshot::pipeline::config {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kEntities = R"(
entities:
  - {id: acme, name: Acme, aliases: [acme]}
)";

TEST(ConfigReplies, NewKeysAreRead) {
  std::string yaml = std::string(kEntities) + R"(
replies:
  mode: shadow
  fallback_lang: de
  max_post_age: 2h
  min_confidence: 0.75
  other_accounts: ["@rival@m.example"]
  accounts:
    - {entity: acme, platform: mastodon, instance: "https://m.example", handle: "@acme@m.example",
       token: t, quiet_from: "22:00", quiet_to: "07:30", utc_offset: "-05:00"}
  rules:
    - name: vip
      when: {intent: complaint, lang: [en, de], keywords: bag}
      template: "Hallo {author.name}"
      templates: {en: "Hi {author.name}"}
)";
  auto cfg = parse_config(yaml, "test.yaml", "");
  ASSERT_TRUE(cfg) << cfg.error().message;
  const RepliesConfig& r = cfg->replies;
  EXPECT_EQ(r.mode, ReplyMode::shadow);
  EXPECT_EQ(r.fallback_lang, "de");
  EXPECT_EQ(r.max_post_age, 2h);
  EXPECT_DOUBLE_EQ(r.min_confidence, 0.75);
  EXPECT_EQ(r.other_accounts, std::vector<std::string>{"@rival@m.example"});
  ASSERT_EQ(r.accounts.size(), 1u);
  EXPECT_EQ(r.accounts[0].quiet_from, 22 * 60);
  EXPECT_EQ(r.accounts[0].quiet_to, 7 * 60 + 30);
  EXPECT_EQ(r.accounts[0].utc_offset_minutes, -300);
  ASSERT_EQ(r.rules.size(), 1u);
  EXPECT_EQ(r.rules[0].langs, (std::vector<std::string>{"en", "de"}));
  EXPECT_EQ(r.rules[0].keywords, std::vector<std::string>{"bag"});
  EXPECT_EQ(r.rules[0].templates.at("en"), "Hi {author.name}");
}

TEST(ConfigReplies, BadQuietHoursAreErrors) {
  for (std::string acc : {R"(quiet_from: "22:00")", R"(quiet_from: "25:00", quiet_to: "07:00")",
                          R"(utc_offset: "5")"}) {
    std::string yaml = std::string(kEntities) +
                       "replies:\n  accounts:\n    - {entity: acme, platform: mastodon, "
                       "instance: \"https://m.example\", token: t, " +
                       acc + "}\n";
    auto cfg = parse_config(yaml, "test.yaml", "");
    EXPECT_FALSE(cfg) << acc;
  }
  auto out_of_range =
      parse_config(std::string(kEntities) + "replies: {min_confidence: 2}\n", "test.yaml", "");
  EXPECT_FALSE(out_of_range);
}

TEST(ConfigReplies, BlueskyAccountsTakeAnAppPasswordFromTheEnvironment) {
  ::setenv("EARSHOT_TEST_BSKY_PW", "abcd-efgh-ijkl-mnop", 1);
  std::string yaml = std::string(kEntities) + R"(
outbound: {allow_private: [127.0.0.1]}
replies:
  accounts:
    - {entity: acme, platform: bluesky, handle: acme.bsky.social,
       app_password: "${EARSHOT_TEST_BSKY_PW}"}
    - {entity: acme, platform: bluesky, service: "http://127.0.0.1:9", did: "did:plc:acme",
       token: an-access-jwt}
)";
  auto cfg = parse_config(yaml, "test.yaml", "");
  ASSERT_TRUE(cfg) << cfg.error().message;
  const auto& a = cfg->replies.accounts;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].service, "https://bsky.social");
  EXPECT_EQ(a[0].handle, "acme.bsky.social");
  EXPECT_EQ(a[0].app_password, "abcd-efgh-ijkl-mnop");
  EXPECT_EQ(a[1].service, "http://127.0.0.1:9");
  EXPECT_EQ(a[1].did, "did:plc:acme");
  EXPECT_EQ(a[1].token, "an-access-jwt");
}

TEST(ConfigReplies, BadBlueskyAccountsAreErrorsNamingTheKey) {
  ::setenv("EARSHOT_TEST_BSKY_EMPTY", "", 1);
  const std::pair<std::string, std::string> cases[] = {
      {"handle: a.bsky.social", "app_password"},                       // no secret at all
      {"handle: a.bsky.social, app_password: \"${EARSHOT_TEST_BSKY_EMPTY}\"", "app_password"},
      {"app_password: pw-1234", "handle"},                             // whose password?
      {"token: jwt", "did"},                                           // a token needs the did
      {"did: acme, token: jwt", "did"},                                // not a DID
      {"handle: a, app_password: pw, service: \"ftp://x\"", "service"},
      {"handle: a, app_password: pw, service: \"https://10.0.0.1\"", "service"},  // SSRF guard
      {"handle: a, app_password: pw, instance: \"https://m.example\"", "instance"}};
  for (const auto& [acc, key] : cases) {
    std::string yaml = std::string(kEntities) +
                       "replies:\n  accounts:\n    - {entity: acme, platform: bluesky, " + acc +
                       "}\n";
    auto cfg = parse_config(yaml, "test.yaml", "");
    ASSERT_FALSE(cfg) << acc;
    EXPECT_NE(cfg.error().message.find(key), std::string::npos) << acc << ": "
                                                                 << cfg.error().message;
    EXPECT_NE(cfg.error().message.find("test.yaml:"), std::string::npos) << cfg.error().message;
  }
  // Mastodon still needs its token.
  auto mastodon = parse_config(std::string(kEntities) +
                                   "replies:\n  accounts:\n    - {entity: acme, platform: "
                                   "mastodon, instance: \"https://m.example\"}\n",
                               "test.yaml", "");
  ASSERT_FALSE(mastodon);
  EXPECT_NE(mastodon.error().message.find("token"), std::string::npos);
}

}  // namespace
}  // namespace earshot::pipeline::config

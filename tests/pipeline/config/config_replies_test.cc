// The issue 14 keys of `replies:` (pipeline/config/README.md).
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace earshot::pipeline::config

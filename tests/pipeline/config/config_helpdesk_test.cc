// Issue 14: `replies.helpdesk` — the helpdesk webhook of the reply cases; errors name file,
// line and key; the URL obeys the outbound policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/config/config.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;

TEST(ConfigHelpdesk, ReadsEveryKeyWithDefaults) {
  auto c = parse_config(R"(replies:
  mode: approval
  helpdesk: {url: "https://help.example/cases", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,
             when: all, headers: {X-Team: care}, timeout: 3s, max_attempts: 4}
)",
                        "t.yaml", "/etc/earshot");
  ASSERT_TRUE(c) << c.error().message;
  const HelpdeskDef& h = c->replies.helpdesk;
  EXPECT_EQ(h.url, "https://help.example/cases");
  EXPECT_EQ(h.when, "all");
  EXPECT_EQ(h.headers.at("X-Team"), "care");
  EXPECT_EQ(h.timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(h.max_attempts, 4);
  auto d = parse_config("replies: {helpdesk: {url: \"https://help.example/c\"}}\n", "t.yaml", "");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->replies.helpdesk.when, "blocked");
  EXPECT_EQ(d->replies.helpdesk.max_attempts, 8);
  auto none = parse_config("replies: {mode: approval}\n", "t.yaml", "");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->replies.helpdesk.url, "");
}

TEST(ConfigHelpdesk, MistakesNameFileLineAndKey) {
  auto c = parse_config(R"(replies:
  helpdesk:
    url: "ftp://help.example/cases"
    when: sometimes
    secret: "whsec_"
    colour: blue
)",
                        "t.yaml", "");
  ASSERT_FALSE(c);
  const std::string& e = c.error().message;
  EXPECT_THAT(e, HasSubstr("t.yaml:3:10: replies.helpdesk.url:"));
  EXPECT_THAT(e, HasSubstr("t.yaml:4:11: replies.helpdesk.when:"));
  EXPECT_THAT(e, HasSubstr("t.yaml:5:13: replies.helpdesk.secret: not a usable key"));
  EXPECT_THAT(e, HasSubstr("t.yaml:6:5: unknown key 'colour' in replies.helpdesk"));
  auto missing = parse_config("replies: {helpdesk: {when: all}}\n", "t.yaml", "");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message,
              HasSubstr("replies.helpdesk: missing required key 'url'"));
}

TEST(ConfigHelpdesk, LoopbackHelpdeskIsRefusedUnlessAllowed) {
  auto c = parse_config("replies: {helpdesk: {url: \"http://127.0.0.1:9000/cases\"}}\n", "t.yaml",
                        "");
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, HasSubstr("replies.helpdesk.url: 127.0.0.1 is loopback"));
  auto ok = parse_config(
      "replies: {helpdesk: {url: \"http://127.0.0.1:9000/cases\"}}\n"
      "outbound: {allow_private: [\"127.0.0.1\"]}\n",
      "t.yaml", "");
  EXPECT_TRUE(ok) << ok.error().message;
}

}  // namespace
}  // namespace earshot::pipeline::config

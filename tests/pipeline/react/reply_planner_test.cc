#include "pipeline/react/reply_planner.h"

#include <gtest/gtest.h>

#include <functional>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "tests/pipeline/react/support/reply_shapes.h"

namespace earshot::pipeline::react {
namespace {

using core::ReplyStatus;
using sentiment::Label;

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");

config::RepliesConfig replies_config(config::ReplyMode mode = config::ReplyMode::approval) {
  config::RepliesConfig c;
  c.mode = mode;
  c.accounts.push_back(
      {"acme", "mastodon", "https://mastodon.example", "@acme@mastodon.example", "tok"});
  c.accounts.push_back({"acme", "bluesky", "", "acme.example", "tok"});
  config::ReplyRuleDef rule =
      react_testing::complaints_rule("Hi {author.name}, sorry about {entity}. We are on it.");
  rule.label = Label::negative;
  rule.templates["de"] = "Hallo {author.name}, das tut uns leid.";
  c.rules.push_back(rule);
  c.other_accounts = {"@rival@mastodon.example"};
  return c;
}

core::ScoredPost complaint(const std::string& id, const std::string& author = "ann") {
  core::ScoredPost sp;
  sp.post.uid = "mastodon:mastodon.example:" + id;
  sp.post.source = "mastodon";
  sp.post.url = "https://mastodon.example/@" + author + "/" + id;
  sp.post.created_at = core::format_rfc3339_ms(kNow - 60'000);
  sp.post.author = {"id-" + author, author + "@mastodon.example", "Ann " + author, {}};
  sp.post.text = "acme lost my bag again";
  sp.post.lang = "en";
  sp.intent = core::Intent::complaint;
  core::EntityMention m = react_testing::negative_mention("acme", {0.9f, 0.08f, 0.02f});
  m.sentiment.score = -0.8f;
  sp.entities.push_back(m);
  sp.sentiment = m.sentiment;
  return sp;
}

std::string blocked_reason(ReplyPlanner& p, const core::ScoredPost& sp, std::int64_t now = kNow) {
  auto r = p.plan(sp, now);
  if (!r) return "<no intent>";
  return r->status == ReplyStatus::blocked ? r->reason
                                           : "<" + std::string(to_string(r->status)) + ">";
}

TEST(ReplyPlanner, ApprovalModePlansAPendingReplyWithTheFilledTemplate) {
  ReplyPlanner p(replies_config());
  auto r = p.plan(complaint("1"), kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, ReplyStatus::pending_approval);
  EXPECT_EQ(r->text, "@ann@mastodon.example Hi Ann ann, sorry about acme. We are on it.");
  EXPECT_EQ(r->in_reply_to, "1");
  EXPECT_EQ(r->entity, "acme");
  EXPECT_EQ(r->template_name, "complaints");
  EXPECT_EQ(r->lang, "en");
  EXPECT_EQ(r->id, reply_id_for("mastodon:mastodon.example:1"));
  EXPECT_EQ(r->idempotency_key, reply_idempotency_key("mastodon:mastodon.example:1"));
  ASSERT_EQ(r->history.size(), 1u);
  EXPECT_EQ(r->history[0].by, "planner");
  EXPECT_EQ(r->history[0].status, ReplyStatus::pending_approval);
  EXPECT_EQ(r->history[0].at, core::format_rfc3339_ms(kNow));
}

TEST(ReplyPlanner, ModesDecideTheFirstStatus) {
  ReplyPlanner off(replies_config(config::ReplyMode::off));
  EXPECT_FALSE(off.plan(complaint("1"), kNow));
  ReplyPlanner shadow(replies_config(config::ReplyMode::shadow));
  auto s = shadow.plan(complaint("1"), kNow);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, ReplyStatus::planned);
  EXPECT_EQ(s->reason, "shadow");
  EXPECT_FALSE(s->text.empty());  // what would be sent is recorded
  ReplyPlanner automatic(replies_config(config::ReplyMode::auto_send));
  EXPECT_EQ(automatic.plan(complaint("1"), kNow)->status, ReplyStatus::approved);
}

TEST(ReplyPlanner, PostsMatchingNoRuleAreNotCandidates) {
  ReplyPlanner p(replies_config());
  auto praise = complaint("1");
  praise.intent = core::Intent::praise;
  EXPECT_FALSE(p.plan(praise, kNow));
  auto positive = complaint("2");
  positive.entities[0].sentiment.label = Label::positive;  // the targeted label counts
  EXPECT_FALSE(p.plan(positive, kNow));
  auto no_entity = complaint("3");
  no_entity.entities.clear();
  EXPECT_FALSE(p.plan(no_entity, kNow));
}

TEST(ReplyPlanner, RuleConditionsOnTierSourceLanguageAndKeywords) {
  auto cfg = replies_config();
  cfg.rules[0].tiers = {"vip"};
  cfg.rules[0].sources = {"mastodon"};
  cfg.rules[0].langs = {"en"};
  cfg.rules[0].keywords = {"BAG"};
  ReplyPlanner p(cfg);
  EXPECT_FALSE(p.plan(complaint("1"), kNow));  // no customer
  auto vip = complaint("2");
  vip.customer = core::CustomerRef{"c-1", "vip", "csv", "Ann Vip"};
  EXPECT_TRUE(p.plan(vip, kNow));
  auto other_words = complaint("3", "bob");
  other_words.customer = vip.customer;
  other_words.post.text = "acme is slow";
  EXPECT_FALSE(p.plan(other_words, kNow));
  auto german = complaint("4", "cy");
  german.customer = vip.customer;
  german.post.lang = "de";
  EXPECT_FALSE(p.plan(german, kNow));
}

TEST(ReplyPlanner, CustomerPlaceholdersAndLanguageTemplates) {
  auto cfg = replies_config();
  cfg.rules[0].template_text = "Hi {customer.name} ({customer.tier}), about {post.url}";
  ReplyPlanner p(cfg);
  auto sp = complaint("1");
  sp.customer = core::CustomerRef{"c-1", "gold", "csv", "Ann Gold"};
  EXPECT_EQ(p.plan(sp, kNow)->text,
            "@ann@mastodon.example Hi Ann Gold (gold), about https://mastodon.example/@ann/1");
  EXPECT_EQ(blocked_reason(p, complaint("2", "bob")), "placeholder:customer.name");
  auto de = complaint("3", "cy");
  de.post.lang = "de";
  auto r = p.plan(de, kNow);
  EXPECT_EQ(r->text, "@cy@mastodon.example Hallo Ann cy, das tut uns leid.");
  EXPECT_EQ(r->lang, "de");
}

TEST(ReplyPlanner, UnknownLanguageUsesTheFallbackAndAnotherLanguageIsBlocked) {
  ReplyPlanner p(replies_config());
  auto unknown = complaint("1");
  unknown.post.lang.reset();
  EXPECT_EQ(p.plan(unknown, kNow)->lang, "en");
  auto french = complaint("2", "bob");
  french.post.lang = "fr";
  EXPECT_EQ(blocked_reason(p, french), "no_template:fr");
}

// One test per guard: the same eligible post, changed in one way.
TEST(ReplyPlanner, EachGuardBlocksWithItsReason) {
  struct Case {
    std::string reason;
    std::function<void(core::ScoredPost&)> change;
  };
  std::vector<Case> cases{
      {"deleted", [](auto& sp) { sp.post.deleted = true; }},
      {"not_public", [](auto& sp) { sp.flags.push_back("not_public"); }},
      {"edited", [](auto& sp) { sp.flags.push_back("edited"); }},
      {"own_account", [](auto& sp) { sp.post.author.handle = "acme@mastodon.example"; }},
      {"other_company_account", [](auto& sp) { sp.post.author.handle = "rival@mastodon.example"; }},
      {"flag:bot", [](auto& sp) { sp.flags.push_back("bot"); }},
      {"flag:spam", [](auto& sp) { sp.flags.push_back("spam"); }},
      {"flag:near_duplicate", [](auto& sp) { sp.flags.push_back("near_duplicate"); }},
      {"flag:sarcasm", [](auto& sp) { sp.flags.push_back("sarcasm"); }},
      {"too_old",
       [](auto& sp) { sp.post.created_at = core::format_rfc3339_ms(kNow - 25 * 3'600'000LL); }},
      {"low_confidence",
       [](auto& sp) {
         sp.entities[0].sentiment.probs = {0.5f, 0.4f, 0.1f};
       }},
      {"no_account", [](auto& sp) { sp.post.source = "reddit"; }},
      {"too_long", [](auto& sp) { sp.post.author.name = std::string(600, 'x'); }},
  };
  for (const auto& c : cases) {
    ReplyPlanner p(replies_config());
    auto sp = complaint("1");
    c.change(sp);
    auto r = p.plan(sp, kNow);
    ASSERT_TRUE(r) << c.reason;
    EXPECT_EQ(r->status, ReplyStatus::blocked) << c.reason;
    EXPECT_EQ(r->reason, c.reason);
    ASSERT_EQ(r->history.size(), 1u);
    EXPECT_EQ(r->history[0].reason, c.reason);
    // The same post unchanged passes: the change alone blocked it.
    ReplyPlanner fresh(replies_config());
    EXPECT_EQ(fresh.plan(complaint("1"), kNow)->status, ReplyStatus::pending_approval);
  }
}

TEST(ReplyPlanner, BlueskyLimitIs300) {
  ReplyPlanner p(replies_config());
  auto sp = complaint("1");
  sp.post.source = "bluesky";
  sp.post.uid = "bluesky:did:plc:ann:3k2a";
  sp.post.author.name = std::string(280, 'x');
  EXPECT_EQ(blocked_reason(p, sp), "too_long");
  auto ok = complaint("2", "bob");
  ok.post.source = "bluesky";
  ok.post.author.handle = "bob.bsky.social";
  auto r = p.plan(ok, kNow);
  EXPECT_EQ(r->status, ReplyStatus::pending_approval);
  EXPECT_EQ(r->text.rfind("@bob.bsky.social ", 0), 0u);
}

TEST(ReplyPlanner, QuietHoursUseTheAccountsOffset) {
  auto cfg = replies_config();
  cfg.accounts[0].quiet_from = 22 * 60;
  cfg.accounts[0].quiet_to = 7 * 60;
  cfg.accounts[0].utc_offset_minutes = 11 * 60;  // 12:00Z is 23:00 local
  ReplyPlanner p(cfg);
  EXPECT_EQ(blocked_reason(p, complaint("1")), "quiet_hours");
  EXPECT_EQ(blocked_reason(p, complaint("2", "bob"), kNow - 5 * 3'600'000LL),
            "<pending_approval>");  // 18:00 local
}

TEST(ReplyPlanner, AuthorCooldownAndDailyCap) {
  auto cfg = replies_config();
  cfg.daily_cap = 2;
  ReplyPlanner p(cfg);
  EXPECT_EQ(blocked_reason(p, complaint("1")), "<pending_approval>");
  EXPECT_EQ(blocked_reason(p, complaint("2")), "author_cooldown");
  EXPECT_EQ(blocked_reason(p, complaint("3", "bob")), "<pending_approval>");
  EXPECT_EQ(blocked_reason(p, complaint("4", "cy")), "daily_cap");
  // A new UTC day resets the cap; the cooldown (24h) still holds for ann.
  std::int64_t tomorrow = kNow + 13 * 3'600'000LL;
  auto late = [&](std::string id, std::string author) {
    auto sp = complaint(id, author);
    sp.post.created_at = core::format_rfc3339_ms(tomorrow - 60'000);
    return sp;
  };
  EXPECT_EQ(blocked_reason(p, late("5", "cy"), tomorrow), "<pending_approval>");
  EXPECT_EQ(blocked_reason(p, late("6", "ann"), tomorrow), "author_cooldown");
}

TEST(ReplyPlanner, APostIsPlannedOnceEvenAfterARestart) {
  ReplyPlanner p(replies_config());
  auto first = p.plan(complaint("1"), kNow);
  ASSERT_TRUE(first);
  EXPECT_FALSE(p.plan(complaint("1"), kNow));
  // A new planner that read the replies topic neither re-plans the post nor forgets the
  // author's cooldown.
  ReplyPlanner restarted(replies_config());
  restarted.observe(*codec::decode_reply(codec::encode(*first)));
  EXPECT_FALSE(restarted.plan(complaint("1"), kNow));
  EXPECT_EQ(blocked_reason(restarted, complaint("2"), kNow + 1000), "author_cooldown");
}

TEST(ReplyPlanner, NativeIdAndKeysAreStable) {
  EXPECT_EQ(native_post_id("mastodon:mastodon.example:1100"), "1100");
  EXPECT_EQ(reply_idempotency_key("a"), reply_idempotency_key("a"));
  EXPECT_NE(reply_idempotency_key("a"), reply_idempotency_key("b"));
}

}  // namespace
}  // namespace earshot::pipeline::react

#include "pipeline/link/linker.h"

#include "pipeline/link/link_text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace earshot::pipeline::link {
namespace {

config::EntityDef company(std::string id, std::vector<std::string> aliases) {
  config::EntityDef e;
  e.id = std::move(id);
  e.name = e.id;
  e.aliases = std::move(aliases);
  return e;
}

core::Post post(std::string text, std::string source = "mastodon",
                std::string origin = "mastodon.example") {
  core::Post p;
  p.uid = source + ":" + origin + ":1";
  p.source = std::move(source);
  p.text = std::move(text);
  return p;
}

std::vector<std::string> ids(const LinkResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.entities) out.push_back(m.id);
  return out;
}

std::string span(const core::Post& p, const core::EntityMention& m) {
  return p.text.substr(m.begin, m.end - m.begin);
}

Linker make(std::vector<config::EntityDef> defs) {
  auto l = Linker::build(defs);
  EXPECT_TRUE(l.has_value()) << (l ? "" : l.error().message);
  return std::move(*l);
}

TEST(LinkText, ScanFindsWordsHandlesHashtagsAndUrls) {
  TextScan s;
  std::string text =
      "Flying @AcmeAir to #Ålesund, see https://Help.AcmeAir.example/x?y=1. Thanks, Ørjan!";
  scan_text(text, &s);
  std::vector<std::string> words;
  for (const auto& w : s.words) words.push_back(std::string(s.folded_word(w)));
  EXPECT_EQ(words, (std::vector<std::string>{"flying", "to", "ålesund", "see", "thanks", "ørjan"}));
  ASSERT_EQ(s.marks.size(), 3u);
  EXPECT_EQ(s.marks[0].kind, MarkKind::handle);
  EXPECT_EQ(s.marks[0].key, "acmeair");
  EXPECT_EQ(s.marks[1].kind, MarkKind::hashtag);
  EXPECT_EQ(s.marks[1].key, "ålesund");
  EXPECT_EQ(text.substr(s.marks[1].begin, s.marks[1].end - s.marks[1].begin), "#Ålesund");
  EXPECT_EQ(s.marks[2].kind, MarkKind::url);
  EXPECT_EQ(s.marks[2].key, "help.acmeair.example");
  EXPECT_EQ(text.substr(s.marks[2].begin, s.marks[2].end - s.marks[2].begin),
            "https://Help.AcmeAir.example/x?y=1");
}

TEST(LinkText, EveryWordIsItsFoldedFormAndItsHash) {
  // ASCII words take a one-pass fold-and-hash; other words the general path. Both must
  // give the folded text and hash_bytes of it, and bare domains need a dot.
  TextScan s;
  std::string text =
      "MiXeD ascii_Words 42x Ærø東京TOKYO café x.y foo-bar.example Plain.Com. no-dot- ends";
  scan_text(text, &s);
  std::vector<std::string> words;
  for (const auto& w : s.words) {
    const std::string folded(s.folded_word(w));
    EXPECT_EQ(folded, fold_case(text.substr(w.begin, w.end - w.begin))) << folded;
    EXPECT_EQ(w.hash, hash_bytes(folded)) << folded;
    words.push_back(folded);
  }
  EXPECT_EQ(words, (std::vector<std::string>{"mixed", "ascii_words", "42x", "ærø", "東", "京",
                                             "tokyo", "café", "x", "y", "foo", "bar", "example",
                                             "plain", "com", "no", "dot", "ends"}));
  std::vector<std::string> hosts;
  for (const auto& m : s.marks) hosts.push_back(m.key);
  EXPECT_EQ(hosts, (std::vector<std::string>{"foo-bar.example", "plain.com"}));
}

TEST(LinkText, CaseFoldingAndWordClasses) {
  EXPECT_EQ(fold_case("ÀÉÎÕÜ ŁŚŹ ΑΒΓ АБВ Ԁ"), "àéîõü łśź αβγ абв ԁ");
  EXPECT_EQ(fold_case("STRASSE ẞ"), "strasse ß");
  EXPECT_TRUE(is_word_code_point(U'é'));
  EXPECT_TRUE(is_word_code_point(U'_'));
  EXPECT_FALSE(is_word_code_point(U'\u2019'));  // right single quotation mark
  EXPECT_FALSE(is_word_code_point(U'\U0001F600'));
  EXPECT_TRUE(same_separator(" \t\n", " "));
  EXPECT_FALSE(same_separator(" & ", "&"));
}

TEST(Linker, AliasIsCaseInsensitiveAndWordBounded) {
  Linker l = make({company("acme", {"Acme"})});
  core::Post a = post("Flew ACME to Oslo, fine trip");
  auto r = l.link(a);
  ASSERT_EQ(ids(r), std::vector<std::string>{"acme"});
  EXPECT_EQ(span(a, r.entities[0]), "ACME");
  EXPECT_EQ(r.entities[0].match, core::MatchType::alias);
  EXPECT_TRUE(l.link(post("Acmeville has a new bakery")).entities.empty());
  EXPECT_TRUE(l.link(post("the preacme show")).entities.empty());
  EXPECT_EQ(ids(l.link(post("Acme's app crashed"))), std::vector<std::string>{"acme"});
}

TEST(Linker, UnicodeCaseFoldingAndMultiWordAliases) {
  Linker l = make({company("cafe", {"Café Ørsted"}), company("gamma", {"Γάμμα Τράπεζα"})});
  core::Post a = post("Breakfast at CAFÉ   ØRSTED was cold");
  auto r = l.link(a);
  ASSERT_EQ(ids(r), std::vector<std::string>{"cafe"});
  EXPECT_EQ(span(a, r.entities[0]), "CAFÉ   ØRSTED");
  EXPECT_EQ(ids(l.link(post("η ΓΆΜΜΑ ΤΡΆΠΕΖΑ έκλεισε"))), std::vector<std::string>{"gamma"});
  EXPECT_TRUE(l.link(post("Café and Ørsted")).entities.empty());
}

TEST(Linker, AliasWithPunctuationKeepsIt) {
  Linker l = make({company("cpp", {"C++"}), company("dotnet", {".NET"}), company("att", {"AT&T"})});
  EXPECT_EQ(ids(l.link(post("learning C++ today"))), std::vector<std::string>{"cpp"});
  EXPECT_TRUE(l.link(post("grade C today")).entities.empty());
  EXPECT_EQ(ids(l.link(post("ported it to .NET 8"))), std::vector<std::string>{"dotnet"});
  EXPECT_EQ(ids(l.link(post("my at&t bill"))), std::vector<std::string>{"att"});
  EXPECT_TRUE(l.link(post("at t")).entities.empty());
}

TEST(Linker, HandlesOnEveryPlatform) {
  config::EntityDef e = company("acme-air", {});
  e.handles = {"@acmeair", "acmeair.bsky.social", "@support@acmeair.example", "did:plc:acme7"};
  Linker l = make({e});
  core::Post a = post("hey @AcmeAir where is my bag");
  auto r = l.link(a);
  ASSERT_EQ(r.entities.size(), 1u);
  EXPECT_EQ(span(a, r.entities[0]), "@AcmeAir");
  EXPECT_EQ(r.entities[0].match, core::MatchType::handle);
  EXPECT_EQ(ids(l.link(post("cc @acmeair.bsky.social please", "bluesky", "bsky.network"))),
            std::vector<std::string>{"acme-air"});
  EXPECT_EQ(ids(l.link(post("ping @support@acmeair.example."))),
            std::vector<std::string>{"acme-air"});
  // A local mention on the entity's own instance.
  EXPECT_EQ(ids(l.link(post("ping @support", "mastodon", "acmeair.example"))),
            std::vector<std::string>{"acme-air"});
  EXPECT_TRUE(l.link(post("ping @support", "mastodon", "other.example")).entities.empty());
  EXPECT_TRUE(l.link(post("mail acmeair at home")).entities.empty());
  core::Post m = post("thanks for the help");
  m.mentions = {"did:plc:acme7"};
  r = l.link(m);
  ASSERT_EQ(ids(r), std::vector<std::string>{"acme-air"});
  EXPECT_EQ(r.entities[0].begin, r.entities[0].end);
  EXPECT_EQ(ids(l.link(post("see https://bsky.app/profile/acmeair.bsky.social"))),
            std::vector<std::string>{"acme-air"});
}

TEST(Linker, HashtagsAndDomains) {
  config::EntityDef e = company("acme-air", {});
  e.hashtags = {"#AcmeAir"};
  e.domains = {"acmeair.example"};
  Linker l = make({e});
  core::Post a = post("stuck again #ACMEAIR");
  auto r = l.link(a);
  ASSERT_EQ(r.entities.size(), 1u);
  EXPECT_EQ(span(a, r.entities[0]), "#ACMEAIR");
  EXPECT_EQ(r.entities[0].match, core::MatchType::hashtag);
  core::Post b = post("refund form: https://help.AcmeAir.example/refunds?x=1.");
  r = l.link(b);
  ASSERT_EQ(r.entities.size(), 1u);
  EXPECT_EQ(r.entities[0].match, core::MatchType::domain);
  EXPECT_EQ(span(b, r.entities[0]), "https://help.AcmeAir.example/refunds?x=1");
  EXPECT_EQ(ids(l.link(post("go to acmeair.example/status"))),
            std::vector<std::string>{"acme-air"});
  EXPECT_TRUE(l.link(post("https://notacmeair.example/")).entities.empty());
  EXPECT_TRUE(l.link(post("#AcmeAirlines is not us")).entities.empty());
  core::Post t = post("no tag in the text");
  t.tags = {"acmeair"};
  EXPECT_EQ(ids(l.link(t)), std::vector<std::string>{"acme-air"});
}

TEST(Linker, ContextGatesAliasesOnly) {
  config::EntityDef delta = company("delta-air", {"Delta"});
  delta.require_any = {"flight", "gate", "boarding pass"};
  delta.exclude = {"river"};
  delta.handles = {"@deltaair"};
  Linker l = make({delta});
  EXPECT_EQ(ids(l.link(post("Delta lost my boarding pass"))),
            std::vector<std::string>{"delta-air"});
  EXPECT_TRUE(l.link(post("the Delta of the Nile")).entities.empty());
  EXPECT_TRUE(l.link(post("Delta flight along the river")).entities.empty());
  EXPECT_EQ(ids(l.link(post("@deltaair the river view was nice"))),
            std::vector<std::string>{"delta-air"});
}

TEST(Linker, LongerOverlappingAliasWins) {
  Linker l = make({company("delta-air", {"Delta"}), company("delta-faucets", {"Delta Faucets"})});
  core::Post a = post("my Delta Faucets tap leaks, and Delta was late");
  auto r = l.link(a);
  ASSERT_EQ(ids(r), (std::vector<std::string>{"delta-faucets", "delta-air"}));
  EXPECT_EQ(span(a, r.entities[1]), "Delta");
  EXPECT_GT(r.entities[1].begin, 20u);
  EXPECT_EQ(ids(l.link(post("Delta Faucets only"))), std::vector<std::string>{"delta-faucets"});
}

TEST(Linker, ProductYieldsDerivedCompany) {
  config::EntityDef co = company("zenit", {"Zenit Mobile"});
  config::EntityDef phone = company("zenit-z9", {"Z9 Pro"});
  phone.kind = core::EntityKind::product;
  phone.parent = "zenit";
  Linker l = make({co, phone});
  core::Post a = post("my Z9 Pro overheats");
  auto r = l.link(a);
  ASSERT_EQ(r.entities.size(), 2u);
  EXPECT_EQ(r.entities[0].id, "zenit");
  EXPECT_EQ(r.entities[0].match, core::MatchType::derived);
  EXPECT_EQ(r.entities[0].kind, core::EntityKind::company);
  EXPECT_EQ(span(a, r.entities[0]), "Z9 Pro");
  EXPECT_EQ(r.entities[1].id, "zenit-z9");
  EXPECT_EQ(r.entities[1].kind, core::EntityKind::product);
  r = l.link(post("Zenit Mobile made the Z9 Pro"));
  ASSERT_EQ(r.entities.size(), 2u);
  EXPECT_EQ(r.entities[0].match, core::MatchType::alias);
}

TEST(Linker, RegexAliasesGiveSpans) {
  config::EntityDef e = company("nordbank", {});
  e.patterns = {R"((?i)\bnord\s*bank(en)?\b)"};
  Linker l = make({e});
  core::Post a = post("Complaint about NordBanken fees");
  auto r = l.link(a);
  ASSERT_EQ(r.entities.size(), 1u);
  EXPECT_EQ(r.entities[0].match, core::MatchType::regex);
  EXPECT_EQ(span(a, r.entities[0]), "NordBanken");
  EXPECT_TRUE(l.link(post("nordbankers unite")).entities.empty());
}

TEST(Linker, BadConfigErrorsNameTheEntity) {
  config::EntityDef bad = company("broken-co", {});
  bad.patterns = {"(unclosed"};
  auto r = Linker::build({bad});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("broken-co"), std::string::npos);
  EXPECT_NE(r.error().message.find("missing )"), std::string::npos);

  config::EntityDef huge = company("huge-co", {});
  std::string alternation = "(?i)\\b(";
  for (int i = 0; i < 3000; ++i) {
    if (i > 0) alternation += '|';
    alternation += "brand";
    alternation += std::to_string(i * 7919);
  }
  huge.patterns = {alternation + ")\\b"};
  Linker::Options small;
  small.max_pattern_memory = 1 << 16;
  r = Linker::build({huge}, small);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("huge-co"), std::string::npos);
  EXPECT_NE(r.error().message.find("memory budget"), std::string::npos);

  config::EntityDef orphan = company("orphan", {"Orphan"});
  orphan.parent = "nobody";
  r = Linker::build({orphan});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown parent 'nobody'"), std::string::npos);

  r = Linker::build({company("twin", {"A"}), company("twin", {"B"})});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("duplicate"), std::string::npos);
  EXPECT_FALSE(Linker::build({company("empty-alias", {"!!"})}));
}

TEST(Linker, UnspacedScriptsMatchInsideRuns) {
  Linker l = make({company("tokyo-power", {"東京電力"})});
  EXPECT_EQ(ids(l.link(post("今日は東京電力の停電"))), std::vector<std::string>{"tokyo-power"});
  EXPECT_TRUE(l.link(post("東京の電力")).entities.empty());
}

TEST(Linker, InvalidUtf8NeverBreaksLinking) {
  Linker l = make({company("acme", {"Acme"})});
  std::string text = "\xff\xfe Acme \xc3";
  EXPECT_EQ(ids(l.link(post(text))), std::vector<std::string>{"acme"});
  EXPECT_TRUE(l.link(post("")).entities.empty());
}

// How fast they build is bench/link_bench.cc's BM_Link_Build, not a timed test.
TEST(Linker, TenThousandEntitiesBuildAndLink) {
  std::vector<config::EntityDef> defs;
  for (int i = 0; i < 10000; ++i) {
    std::string n = "Brand";
    n += std::to_string(i);
    config::EntityDef e =
        company(n, {n, n + " Group", n + " Labs", "The " + n + " Company", n + "Co"});
    e.handles = {"@" + n};
    e.domains = {n + ".example"};
    defs.push_back(std::move(e));
  }
  auto l = Linker::build(defs);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->alias_count(), 50000u);
  core::Post a = post("the Brand4242 Labs people and the Brand77 company");
  auto r = l->link(a);
  ASSERT_EQ(ids(r), (std::vector<std::string>{"Brand4242", "Brand77"}));
  EXPECT_EQ(span(a, r.entities[0]), "Brand4242 Labs");
  EXPECT_EQ(ids(l->link(post("see https://brand9999.example/x"))),
            std::vector<std::string>{"Brand9999"});
}

TEST(Linker, ConcurrentLinkingGivesSameAnswers) {
  Linker l = make({company("acme", {"Acme Air"}), company("zenit", {"Zenit"})});
  std::vector<std::thread> threads;
  std::vector<int> found(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i)
        found[t] += static_cast<int>(l.link(post("Acme Air and Zenit")).entities.size());
    });
  }
  for (auto& th : threads) th.join();
  for (int f : found) EXPECT_EQ(f, 4000);
}

}  // namespace
}  // namespace earshot::pipeline::link

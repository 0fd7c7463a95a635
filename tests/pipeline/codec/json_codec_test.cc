// The codec's encode side and round trips: every record type encodes and decodes back to
// itself; text survives every code point, control characters and invalid UTF-8.
#include "pipeline/codec/json_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/pipeline/codec/support/sample_post.h"

namespace earshot::pipeline::codec {
namespace {

using codec_testing::sample_post;

std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

TEST(JsonCodec, PostRoundTrips) {
  core::Post p = sample_post();
  auto back = decode_post(encode(p));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(JsonCodec, PostWithoutIngestedAtRoundTrips) {
  core::Post p = sample_post();
  p.ingested_at.clear();
  std::string wire = encode(p);
  EXPECT_EQ(wire.find("ingested_at"), std::string::npos);
  auto back = decode_post(wire);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(JsonCodec, EveryCodePointSurvivesEncodeDecode) {
  // All of Unicode except surrogates, in chunks so each text stays under the size limit.
  for (char32_t start = 0; start < 0x110000; start += 0x2000) {
    core::Post p = sample_post();
    p.text.clear();
    for (char32_t cp = start; cp < start + 0x2000 && cp < 0x110000; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      p.text += utf8(cp);
    }
    if (p.text.size() > kMaxTextBytes) p.text.resize(0);  // never reached: chunks are small
    std::string wire = encode(p);
    auto back = decode_post(wire);
    ASSERT_TRUE(back) << "chunk at U+" << std::hex << static_cast<unsigned>(start) << ": "
                      << back.error().message;
    ASSERT_EQ(back->text, p.text) << "chunk at U+" << std::hex << static_cast<unsigned>(start);
  }
}

TEST(JsonCodec, ControlCharactersAreEscaped) {
  core::Post p = sample_post();
  p.text = std::string(
      "a\x01"
      "b\x1F"
      "c\0d",
      7);
  std::string wire = encode(p);
  EXPECT_NE(wire.find("\\u0001"), std::string::npos);
  EXPECT_NE(wire.find("\\u001F"), std::string::npos);
  EXPECT_NE(wire.find("\\u0000"), std::string::npos);
  auto back = decode_post(wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->text, p.text);
}

TEST(JsonCodec, InvalidUtf8IsReplacedOnEncode) {
  core::Post p = sample_post();
  p.text = "ok \xFF\xFE bad \xED\xA0\x80 surrogate \xC0\xAF overlong";
  auto back = decode_post(encode(p));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->text,
            "ok \xEF\xBF\xBD\xEF\xBF\xBD bad \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD surrogate "
            "\xEF\xBF\xBD\xEF\xBF\xBD overlong");
}
TEST(JsonCodec, ScoredPostRoundTrips) {
  core::ScoredPost s;
  s.post = sample_post();
  s.sentiment = {sentiment::Label::negative, -0.75f, {0.8f, 0.15f, 0.05f}, "earshot-lr-1-abc"};
  core::EntityMention m;
  m.id = "acme-air";
  m.begin = 0;
  m.end = 8;
  m.match = core::MatchType::alias;
  m.sentiment = s.sentiment;
  s.entities.push_back(m);
  s.customer = core::CustomerRef{"C-1", "vip", "csv:customers.csv", "Jo"};
  s.intent = core::Intent::complaint;
  s.flags = {"near_duplicate"};
  auto back = decode_scored(encode(s));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, s);
}

// A sentiment equal to the one written just before is copied, not formatted again
// (json_encode.cc): the copy must be what formatting gives, and "equal" means bit for bit.
TEST(JsonCodec, RepeatedSentimentsAreWrittenAsFreshOnes) {
  const sentiment::Sentiment a{sentiment::Label::neutral, 0.0f, {0.25f, 0.5f, 0.25f}, "m"};
  sentiment::Sentiment minus = a;
  minus.score = -0.0f;  // == 0.0f, but written "-0"
  sentiment::Sentiment other_model = a;
  other_model.model = "m2";
  std::string fresh_a, fresh_minus;
  encode_to(a, fresh_a);
  encode_to(minus, fresh_minus);
  EXPECT_NE(fresh_a, fresh_minus);
  EXPECT_NE(fresh_minus.find("\"score\":-0"), std::string::npos) << fresh_minus;
  for (const sentiment::Sentiment* s :
       std::initializer_list<const sentiment::Sentiment*>{&a, &a, &minus, &minus, &a, &other_model, &a}) {
    std::string out;
    encode_to(*s, out);
    std::string expected = s == &minus ? fresh_minus : fresh_a;
    if (s == &other_model) expected.replace(expected.find("\"m\""), 3, "\"m2\"");
    EXPECT_EQ(out, expected);
  }
  // Inside records, after other members: the same bytes as the first time.
  core::ScoredPost p;
  p.post = sample_post();
  p.sentiment = a;
  core::EntityMention e;
  e.id = "acme-air";
  e.sentiment = minus;
  p.entities.push_back(e);
  const std::string once = encode(p);
  EXPECT_EQ(encode(p), once);
  auto back = decode_scored(once);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(std::signbit(back->entities[0].sentiment.score));
  EXPECT_FALSE(std::signbit(back->sentiment.score));
}

TEST(JsonCodec, OtherRecordsRoundTrip) {
  core::Mention m{"acme-air",
                  core::EntityKind::company,
                  "u1",
                  "bluesky",
                  "https://x",
                  "2026-01-01T00:00:00Z",
                  "did:plc:1",
                  "text",
                  {sentiment::Label::positive, 0.5f, {0.1f, 0.3f, 0.6f}, "vader"},
                  core::Intent::praise,
                  std::nullopt,
                  true,
                  false};
  EXPECT_EQ(*decode_mention(encode(m)), m);

  core::Aggregate a;
  a.entity = "acme-air";
  a.window_size = "1m";
  a.window_start = "2026-01-01T00:00:00.000Z";
  a.window_end = "2026-01-01T00:01:00.000Z";
  a.negative = 3;
  a.volume = 5;
  a.mean_score = -0.25;
  a.top_terms = {"bag", "lost"};
  a.top_negative = {{"u1", "https://x", "lost my bag", -0.9f}};
  a.version = 2;
  EXPECT_EQ(*decode_aggregate(encode(a)), a);

  core::Alert al;
  al.id = "a1";
  al.rule = "negative-spike";
  al.entity = "acme-air";
  al.severity = "warning";
  al.observed = 40;
  al.baseline = 2.5;
  al.evidence = a.top_negative;
  al.dedup_key = "negative-spike|acme-air";
  EXPECT_EQ(*decode_alert(encode(al)), al);

  core::ReplyIntent r;
  r.id = "r1";
  r.post_uid = "u1";
  r.platform = "mastodon";
  r.text = "Hi";
  r.template_name = "complaints";
  r.status = core::ReplyStatus::approved;
  r.idempotency_key = "k";
  EXPECT_EQ(*decode_reply(encode(r)), r);
  // Issue 14 members: what the approver sees and the audit trail.
  r.status = core::ReplyStatus::sending;
  r.entity = "acme";
  r.reason = "why";
  r.lang = "de";
  r.intent = core::Intent::complaint;
  r.sentiment.label = sentiment::Label::negative;
  r.sentiment.score = -0.5f;
  r.sentiment.probs = {0.75f, 0.25f, 0.0f};
  r.sentiment.model = "vader";
  r.post_text = "lost my bag";
  r.post_author = "ann@m.example";
  r.post_author_id = "id-ann";
  r.post_url = "https://m.example/@ann/1";
  r.post_created_at = "2026-01-01T00:00:00Z";
  r.remote_id = "9";
  r.history = {{core::ReplyStatus::pending_approval, "planner", "2026-01-01T00:00:01Z", ""},
               {core::ReplyStatus::blocked, "ops", "2026-01-01T00:00:02Z", "daily_cap"}};
  EXPECT_EQ(*decode_reply(encode(r)), r);
  EXPECT_FALSE(decode_reply(R"({"v":1,"history":[{"status":"nope"}]})"));

  core::DeadLetter d{"bad",
                     "decode",
                     "earshot.posts",
                     2,
                     17,
                     "k",
                     std::string("\xFF\x00raw", 5),
                     "2026-01-01T00:00:00Z"};
  std::string wire = encode(d);
  EXPECT_NE(wire.find("\"original_encoding\":\"base64\""), std::string::npos);
  EXPECT_EQ(*decode_deadletter(wire), d);
}

// Issue 17: re-scored mentions and aggregates name their model version; the live ones omit
// the member, so their wire form is what it was before.
TEST(JsonCodec, ModelVersionIsAnOptionalMemberOfMentionsAndAggregates) {
  core::Mention m;
  m.entity = "acme-air";
  m.post_uid = "u1";
  m.created_at = "2026-01-01T00:00:00Z";
  m.sentiment = {sentiment::Label::negative, -0.5f, {0.6f, 0.3f, 0.1f}, "vader-3.3.2"};
  EXPECT_EQ(encode(m).find("model_version"), std::string::npos);
  m.model_version = "vader-1a2b3c4d";
  std::string wire = encode(m);
  EXPECT_NE(wire.find("\"model_version\":\"vader-1a2b3c4d\""), std::string::npos) << wire;
  auto back = decode_mention(wire);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->model_version, "vader-1a2b3c4d");
  EXPECT_EQ(*back, m);

  core::Aggregate a;
  a.entity = "acme-air";
  a.window_size = "1h";
  a.window_start = "2026-01-01T00:00:00.000Z";
  a.window_end = "2026-01-01T01:00:00.000Z";
  EXPECT_EQ(encode(a).find("model_version"), std::string::npos);
  a.model_version = "vader-1a2b3c4d";
  auto agg = decode_aggregate(encode(a));
  ASSERT_TRUE(agg) << agg.error().message;
  EXPECT_EQ(agg->model_version, "vader-1a2b3c4d");
  EXPECT_EQ(*agg, a);
  // A model_version that is not a string is refused with the member named.
  auto bad = decode_aggregate(
      R"({"v":1,"entity":"e","window_size":"1m","window_start":"x","window_end":"y",)"
      R"("volume":0,"mean_score":0,"unique_authors":0,"version":1,"model_version":7})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("model_version"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace earshot::pipeline::codec

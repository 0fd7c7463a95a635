#include "pipeline/codec/json_codec.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "pipeline/core/base64.h"

namespace earshot::pipeline::codec {
namespace {

core::Post sample_post() {
  core::Post p;
  p.uid = "mastodon:mastodon.example:1100";
  p.source = "mastodon";
  p.url = "https://mastodon.example/@jo/1100";
  p.created_at = "2026-11-23T10:00:00Z";
  p.ingested_at = "2026-11-23T10:00:01.250Z";
  p.author = {"42", "@jo@mastodon.example", "Jo \"the\" Flyer", 1234};
  p.text = "Acme Air lost my bag \xF0\x9F\x98\xA1 again\n\ttab \\ \"quoted\"";
  p.lang = "en";
  p.reply_to = "mastodon:mastodon.example:1000";
  p.tags = {"acmeair", "travel"};
  p.mentions = {"@acmeair"};
  return p;
}

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

struct BadCase {
  const char* json;
  const char* reason_contains;
};
// Shown when a case fails: the expected reason, not the struct's pointer bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.reason_contains; }

class JsonCodecRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(JsonCodecRejects, WithAReason) {
  auto r = decode_post(GetParam().json);
  ASSERT_FALSE(r) << GetParam().json;
  EXPECT_NE(r.error().message.find(GetParam().reason_contains), std::string::npos)
      << "message was: " << r.error().message;
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
}

#define OK_AUTHOR R"("author":{"id":"1","handle":"@a"})"
INSTANTIATE_TEST_SUITE_P(
    Strict, JsonCodecRejects,
    ::testing::Values(
        BadCase{"not json", "$"}, BadCase{"[1,2]", "expected a JSON object"},
        BadCase{
            R"({"v":1,"uid":"x","uid":"y","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "uid: duplicate member name"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"\ud800",)" OK_AUTHOR
            "}",
            "text: invalid string"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"\udc00x",)" OK_AUTHOR
            "}",
            "text: invalid string"},
        BadCase{
            "{\"v\":1,\"uid\":\"x\",\"source\":\"s\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"\xFF\"," OK_AUTHOR
            "}",
            "invalid UTF-8"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","score":NaN,)" OK_AUTHOR
            "}",
            "score"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-02-30T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "created_at: expected an RFC 3339"},
        BadCase{R"({"v":1,"uid":"x","source":"s","created_at":"yesterday","text":"t",)" OK_AUTHOR
                "}",
                "created_at"},
        BadCase{R"({"v":1,"uid":"x","source":"s","created_at":1700000000,"text":"t",)" OK_AUTHOR
                "}",
                "created_at: expected a string"},
        BadCase{
            R"({"v":2,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "v: unknown schema version 2"},
        BadCase{
            R"({"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "v: required member missing"},
        BadCase{R"({"v":1,"source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
                "}",
                "uid: required member missing"},
        BadCase{R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z",)" OK_AUTHOR
                "}",
                "text: required member missing"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":5,)" OK_AUTHOR
            "}",
            "text: expected a string"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","author":{"id":"1","id":"2"}})",
            "author.id: duplicate member name"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","author":{"id":"1","followers":-3}})",
            "author.followers: must not be negative"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","extra":{"a":1,"a":2},)" OK_AUTHOR
            "}",
            "extra.a: duplicate member name"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","tags":["a",3],)" OK_AUTHOR
            "}",
            "tags: expected an array of strings"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}{}",
            "trailing content"}));

TEST(JsonCodec, RejectsDeepNesting) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  std::string json =
      R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
      ",\"x\":" +
      deep + "}";
  auto r = decode_post(json);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested deeper"), std::string::npos) << r.error().message;
}

TEST(JsonCodec, RejectsTooLongText) {
  core::Post p = sample_post();
  p.text.assign(kMaxTextBytes + 1, 'a');
  auto r = decode_post(encode(p));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("text: longer than"), std::string::npos);
}

// Found by tests/fuzz/post_decoder_fuzz: a literal that starts like null but is not one
// (`nt`), in an unknown member or in an optional one, made simdjson throw out of the decoder.
TEST(JsonCodec, ABrokenNullLiteralIsAnErrorNotAnException) {
  for (const char* json :
       {R"({"v":1,"u8d":nt a ":"})", R"({"v":1,"lang":nul})", R"({"v":1,"x":[1,nx]})"}) {
    core::Result<core::Post> post = core::fail(core::ErrorCode::kFatal, "not run");
    ASSERT_NO_THROW(post = decode_post(json)) << json;
    EXPECT_FALSE(post) << json;
    core::Result<core::ScoredPost> scored = core::fail(core::ErrorCode::kFatal, "not run");
    ASSERT_NO_THROW(scored = decode_scored(json)) << json;
    EXPECT_FALSE(scored) << json;
  }
}

TEST(JsonCodec, AcceptsUnknownMembersAndNulls) {
  auto r = decode_post(
      R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00+02:00","text":"t","lang":null,"future":{"a":[1,2.5,true,null]},)" OK_AUTHOR
      "}");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->lang.has_value());
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

// format_rfc3339_ms writes digits itself for years 0-9999 and uses snprintf beyond: both give
// what this printf reference gives, over the whole range and both sub-second modes.
TEST(Rfc3339, FormatEqualsThePrintfReference) {
  const auto reference = [](std::int64_t ms, bool millis_always) {
    std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const int millis = static_cast<int>(ms - secs * 1000);
    std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const int rem = static_cast<int>(secs - days * 86400);
    // civil_from_days (H. Hinnant), as the library does it
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const int y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
    char buf[64];
    if (millis == 0 && !millis_always) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, rem / 3600,
                    (rem / 60) % 60, rem % 60);
    } else {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, rem / 3600,
                    (rem / 60) % 60, rem % 60, millis);
    }
    return std::string(buf);
  };
  std::mt19937_64 rng(18);
  std::vector<std::int64_t> values = {0, -1, 1, 999, 1000, 86'399'999, 253'402'300'799'999,
                                      253'402'300'800'000, -62'167'219'200'000,
                                      -62'167'219'200'001, 1795424400000, 1795424400500};
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t span = i % 4 == 0 ? 800'000'000'000'000 : 4'000'000'000'000;
    values.push_back(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * span)) - span /
                     2 - (i % 3 == 0 ? 0 : static_cast<std::int64_t>(rng() % 1000)));
  }
  int wrong = 0;
  for (const std::int64_t ms : values) {
    for (const bool always : {true, false}) {
      const std::string got = core::format_rfc3339_ms(
          ms, always ? core::SubSecond::always : core::SubSecond::when_nonzero);
      if (got != reference(ms, always) && ++wrong <= 5) {
        ADD_FAILURE() << ms << ": " << got << " != " << reference(ms, always);
      }
    }
  }
  EXPECT_EQ(wrong, 0);
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

TEST(Rfc3339, ParsesAndFormats) {
  EXPECT_EQ(*core::parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*core::parse_rfc3339_ms("2026-11-23T10:00:00.5+01:00"), 1795424400500);
  EXPECT_EQ(core::format_rfc3339_ms(1795424400500), "2026-11-23T09:00:00.500Z");
  EXPECT_EQ(core::format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_TRUE(core::is_rfc3339("2024-02-29T23:59:60Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01 00:00:00Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T00:00:00"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T24:00:00Z"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T00:00:00+25:00"));
  EXPECT_FALSE(core::is_rfc3339("2023-01-01T00:00:00Zjunk"));
  EXPECT_EQ(core::format_rfc3339_ms(1795424400000, core::SubSecond::when_nonzero),
            "2026-11-23T09:00:00Z");
  EXPECT_EQ(core::format_rfc3339_ms(1795424400007, core::SubSecond::when_nonzero),
            "2026-11-23T09:00:00.007Z");
}

TEST(Rfc3339, CivilToMsValidatesEachField) {
  EXPECT_EQ(core::civil_to_ms(2026, 11, 23, 10, 0, 0, 500, 60), 1795424400500);
  EXPECT_EQ(core::civil_to_ms(2024, 2, 29, 23, 59, 60, 0, 0),
            core::civil_to_ms(2024, 2, 29, 23, 59, 59, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 2, 29, 0, 0, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 13, 1, 0, 0, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 24, 0, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 0, 60, 0, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 0, 0, 61, 0, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, 0, 0, 0, 1000, 0));
  EXPECT_FALSE(core::civil_to_ms(2023, 1, 1, -1, 0, 0, 0, 0));
}

TEST(Base64, RoundTripsAndRejects) {
  EXPECT_EQ(core::base64_encode(std::string("\xff\x00", 2)), "/wA=");
  EXPECT_EQ(*core::base64_decode("/wA="), std::string("\xff\x00", 2));
  EXPECT_EQ(*core::base64_decode("aGVsbG8="), "hello");
  EXPECT_FALSE(core::base64_decode("abc"));
  EXPECT_FALSE(core::base64_decode("ab!="));
}

}  // namespace
}  // namespace earshot::pipeline::codec

namespace earshot::pipeline::codec {
namespace {
TEST(JsonCodec, PostWithoutIngestedAtRoundTrips) {
  core::Post p = sample_post();
  p.ingested_at.clear();
  std::string wire = encode(p);
  EXPECT_EQ(wire.find("ingested_at"), std::string::npos);
  auto back = decode_post(wire);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, p);
}
}  // namespace
}  // namespace earshot::pipeline::codec

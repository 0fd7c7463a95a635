// JsonWriter writes string values itself (bulk appends); the bytes must stay exactly what
// RapidJSON's Writer::String produces, since stored records and tests compare them.
#include "pipeline/codec/json_writer.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace earshot::pipeline::codec {
namespace {

std::string ours(std::string_view s) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("a", s);
  w.key("b");
  w.begin_array();
  w.string(s);
  w.string("x");
  w.end_array();
  w.end_object();
  return out;
}

std::string theirs(std::string_view s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("a");
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.Key("b");
  w.StartArray();
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.String("x");
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

TEST(JsonWriter, StringsAreEscapedExactlyAsRapidJsonDoes) {
  for (std::string s :
       {std::string(""), std::string("plain"), std::string("quote \" and \\ back"),
        std::string("\b\f\n\r\t\x01\x1f\x7f end"), std::string("caf\xc3\xa9 \xf0\x9f\x98\x80"),
        std::string("nul \0 inside", 12)}) {
    EXPECT_EQ(ours(s), theirs(s)) << s;
  }
  std::mt19937 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 40, ' ');
    for (char& c : s) c = static_cast<char>(rng() % 128);  // ASCII, so always valid UTF-8
    ASSERT_EQ(ours(s), theirs(s));
  }
}

TEST(JsonWriter, InvalidUtf8IsRepairedBeforeEscaping) {
  EXPECT_EQ(ours("a\xff\"b"), theirs("a\xef\xbf\xbd\"b"));
}

TEST(JsonWriter, EscapesAtEveryPositionOfAWord) {
  // Plain runs are recognised eight bytes at a time: put each special byte at each offset
  // of strings around word boundaries, between plain ASCII and multi-byte UTF-8.
  const std::string specials[] = {"\"",   "\\",       std::string("\0", 1), "\x1f", "\n",
                                  "\x7f", "\xc3\xa9", "\xe2\x82\xac",       "\xff"};
  for (std::size_t len = 0; len <= 24; ++len) {
    for (std::size_t at = 0; at <= len; ++at) {
      for (const std::string& sp : specials) {
        std::string s(len, 'a');
        s.insert(at, sp);
        const std::string expect =
            sp == "\xff" ? theirs(std::string(s).replace(at, 1, "\xef\xbf\xbd")) : theirs(s);
        ASSERT_EQ(ours(s), expect) << len << " " << at;
      }
    }
  }
}

TEST(JsonWriter, EveryValueKindMatchesRapidJson) {
  std::string out;
  JsonWriter w(out);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> r(buf);
  w.begin_array();
  r.StartArray();
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    w.integer(v);
    r.Int64(v);
  }
  for (double v : {0.0, -0.0, 0.1, 1.0 / 3, 1e21, 1e-7, 123456789.125, -2.5e300, 5e-324}) {
    w.number(v);
    r.Double(v);
  }
  w.number(std::numeric_limits<double>::quiet_NaN());  // written as 0 (no NaN in JSON)
  r.Double(0.0);
  w.boolean(true);
  r.Bool(true);
  w.null();
  r.Null();
  w.begin_object();
  r.StartObject();
  w.field("a", false);
  r.Key("a");
  r.Bool(false);
  // A key with a byte to escape is a run-time key; the literal names around it are
  // codec::Name (checked at compile time, copied without tests).
  w.key(std::string_view("k\"ey"));
  r.Key("k\"ey");
  w.begin_object();
  r.StartObject();
  w.end_object();
  r.EndObject();
  w.key("e");
  r.Key("e");
  w.begin_array();
  r.StartArray();
  w.end_array();
  r.EndArray();
  w.field("n", std::int64_t{7});
  r.Key("n");
  r.Int64(7);
  w.end_object();
  r.EndObject();
  w.string("");
  r.String("");
  w.end_array();
  r.EndArray();
  EXPECT_EQ(out, std::string(buf.GetString(), buf.GetSize()));
}

TEST(JsonWriter, KeysOfEveryLengthWithAndWithoutEscapesMatchRapidJson) {
  // Keys up to 29 bytes go out in one append (separator, quotes and name); longer ones and
  // ones that need escapes take the string path. Both must give RapidJSON's bytes.
  for (std::size_t len = 0; len <= 40; ++len) {
    for (const char odd : {'a', '"', '\\', '\n', '\x01'}) {
      std::string k(len, 'k');
      if (len > 0) k[len / 2] = odd;
      std::string out;
      JsonWriter w(out);
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> r(buf);
      w.begin_object();
      r.StartObject();
      for (int i = 0; i < 3; ++i) {
        w.key(k);
        r.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
        w.integer(i);
        r.Int(i);
      }
      w.end_object();
      r.EndObject();
      EXPECT_EQ(out, std::string(buf.GetString(), buf.GetSize())) << "key length " << len;
    }
  }
}

TEST(JsonWriter, DeepNestingKeepsItsSeparators) {
  // Past the fixed stack of levels the writer goes on with a vector; same bytes.
  std::string out;
  JsonWriter w(out);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> r(buf);
  for (int i = 0; i < 2 * JsonWriter::kMaxDepth + 3; ++i) {
    w.begin_object();
    r.StartObject();
    w.field("a", std::int64_t{i});
    r.Key("a");
    r.Int64(i);
    w.key("b");
    r.Key("b");
    w.begin_array();
    r.StartArray();
    w.boolean(true);
    r.Bool(true);
  }
  for (int i = 0; i < 2 * JsonWriter::kMaxDepth + 3; ++i) {
    w.null();
    r.Null();
    w.end_array();
    r.EndArray();
    w.field("c", "x");
    r.Key("c");
    r.String("x");
    w.end_object();
    r.EndObject();
  }
  EXPECT_EQ(out, std::string(buf.GetString(), buf.GetSize()));
}

TEST(JsonWriter, FloatsAreShortestAndNonFiniteIsZero) {
  const auto one = [](float v) {
    std::string out;
    JsonWriter w(out);
    w.number(v);
    return out;
  };
  EXPECT_EQ(one(0.0f), "0");
  EXPECT_EQ(one(-0.0f), "-0");
  EXPECT_EQ(one(1e-7f), "1e-07");
  EXPECT_EQ(one(0.1f), "0.1");
  EXPECT_EQ(one(1.0f / 3), "0.33333334");
  EXPECT_EQ(one(-0.75f), "-0.75");
  EXPECT_EQ(one(1.0f), "1");
  EXPECT_EQ(one(123456789.0f), "123456792");
  EXPECT_EQ(one(1e30f), "1e+30");
  EXPECT_EQ(one(1e-45f), "1e-45");
  EXPECT_EQ(one(std::numeric_limits<float>::quiet_NaN()), "0");
  EXPECT_EQ(one(std::numeric_limits<float>::infinity()), "0");
  EXPECT_EQ(one(-std::numeric_limits<float>::infinity()), "0");
}

}  // namespace
}  // namespace earshot::pipeline::codec

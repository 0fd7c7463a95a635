// JsonWriter writes string values itself (bulk appends); the bytes must stay exactly what
// RapidJSON's Writer::String produces, since stored records and tests compare them.
#include "pipeline/json_writer.h"

#include <gtest/gtest.h>

#include <random>

#include <rapidjson/stringbuffer.h>

namespace earshot::pipeline {
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
  for (std::string s : {std::string(""), std::string("plain"), std::string("quote \" and \\ back"),
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

}  // namespace
}  // namespace earshot::pipeline

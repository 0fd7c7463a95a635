// earshot::pipeline — a thin JSON writer over RapidJSON's Writer, appending to a std::string.
//
// Every string goes through utf8_repair() first, so the output is valid UTF-8 whatever the
// input (invalid bytes become U+FFFD); RapidJSON escapes quotes, backslashes and control
// characters. Non-finite doubles are written as 0 (I-JSON has no NaN/Infinity).
//
//   std::string out;
//   JsonWriter w(out);
//   w.begin_object(); w.key("v"); w.integer(1); w.key("text"); w.string("hi"); w.end_object();
//
// Internal to the codec (json_encode.cc); not thread-safe, one per call.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/writer.h>

namespace earshot::pipeline {

// True when `s` is valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool utf8_valid(std::string_view s);
// `s` with every invalid byte sequence replaced by U+FFFD.
std::string utf8_repair(std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : stream_{out}, writer_(stream_) {}

  void begin_object() { writer_.StartObject(); }
  void end_object() { writer_.EndObject(); }
  void begin_array() { writer_.StartArray(); }
  void end_array() { writer_.EndArray(); }
  void key(std::string_view k) { writer_.Key(k.data(), static_cast<unsigned>(k.size())); }
  // A string value. Escapes exactly as RapidJSON's Writer::String does (\" \\ \b \f \n \r
  // \t, other controls as \u00XX, nothing else), but appends unescaped runs in bulk.
  void string(std::string_view s) {
    if (utf8_valid(s)) {
      escaped(s);
    } else {
      escaped(utf8_repair(s));
    }
  }
  void integer(std::int64_t v) { writer_.Int64(v); }
  void number(double v) { writer_.Double(std::isfinite(v) ? v : 0.0); }
  // A float in its shortest form that reads back as the same float ("0.9", not
  // "0.8999999761581421").
  void number(float v) {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, std::isfinite(v) ? v : 0.0f);
    writer_.RawValue(buf, static_cast<std::size_t>(res.ptr - buf), rapidjson::kNumberType);
  }
  void boolean(bool v) { writer_.Bool(v); }
  void null() { writer_.Null(); }

  // Shorthands for "key": value.
  void field(std::string_view k, std::string_view v) { key(k); string(v); }
  void field(std::string_view k, const char* v) { key(k); string(v); }
  void field(std::string_view k, std::int64_t v) { key(k); integer(v); }
  void field(std::string_view k, int v) { key(k); integer(v); }
  void field(std::string_view k, double v) { key(k); number(v); }
  void field(std::string_view k, float v) { key(k); number(v); }
  void field(std::string_view k, bool v) { key(k); boolean(v); }

 private:
  void escaped(std::string_view s) {
    writer_.RawValue("", 0, rapidjson::kStringType);  // only the separator (',' or ':')
    std::string& o = stream_.s;
    o.reserve(o.size() + s.size() + 2);
    o.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      o.append(s.data() + run, i - run);
      run = i + 1;
      o.push_back('\\');
      switch (c) {
        case '"': o.push_back('"'); break;
        case '\\': o.push_back('\\'); break;
        case '\b': o.push_back('b'); break;
        case '\f': o.push_back('f'); break;
        case '\n': o.push_back('n'); break;
        case '\r': o.push_back('r'); break;
        case '\t': o.push_back('t'); break;
        default: {
          static constexpr char kHex[] = "0123456789ABCDEF";
          const char u[] = {'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          o.append(u, sizeof u);
        }
      }
    }
    o.append(s.data() + run, s.size() - run);
    o.push_back('"');
  }

  struct Stream {
    using Ch = char;
    std::string& s;
    void Put(char c) { s.push_back(c); }
    void Flush() {}
  };
  Stream stream_;
  rapidjson::Writer<Stream> writer_;
};

}  // namespace earshot::pipeline

// earshot::pipeline::codec — a small streaming JSON writer appending to a std::string.
//
// Every string goes through utf8_repair() first, so the output is valid UTF-8 whatever the
// input (invalid bytes become U+FFFD); quotes, backslashes and control characters are
// escaped. Non-finite numbers are written as 0 (I-JSON has no NaN/Infinity).
//
//   std::string out;
//   JsonWriter w(out);
//   w.begin_object(); w.key("v"); w.integer(1); w.key("text"); w.string("hi"); w.end_object();
//
// The bytes are exactly what RapidJSON's Writer<...> produces for the same calls (records
// are stored and compared byte for byte): the same separators, string escapes, integers and
// doubles (RapidJSON's own dtoa/i64toa). It keeps its nesting on a fixed stack instead of
// RapidJSON's heap-allocated one (levels past kMaxDepth go to a vector; records are 4
// deep), so writing a record allocates nothing but the output.
//
// Internal to the codec (json_encode.cc) and a few encoders of the same records; not
// thread-safe, one per call.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <rapidjson/internal/dtoa.h>
#include <rapidjson/internal/itoa.h>

namespace earshot::pipeline::codec {

// True when `s` is valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool utf8_valid(std::string_view s);
// `s` with every invalid byte sequence replaced by U+FFFD (one per maximal subpart, as
// sentiment::utf8::append_sanitized: the one UTF-8 decoder).
std::string utf8_repair(std::string_view s);

// A field name written in the source ("uid", "sentiment"): checked when the program is
// compiled to need no escape (printable ASCII, no '"' or '\\'), so JsonWriter::key(Name)
// copies it with no per-byte test. A name with such a byte does not compile.
class Name {
 public:
  template <std::size_t N>
  consteval Name(const char (&s)[N]) : s_(s, N - 1) {  // NOLINT: implicit from a literal
    for (const char c : s_) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f ||
          c == '"' || c == '\\') {
        throw "JSON field name needs escaping: use key(std::string_view)";
      }
    }
  }
  constexpr std::string_view view() const { return s_; }

 private:
  std::string_view s_;
};

class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;

  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{', true); }
  void end_object() { close('}'); }
  void begin_array() { open('[', false); }
  void end_array() { close(']'); }
  // A name from the source: separator, quotes and name in one write, no checks.
  void key(Name name) {
    const std::string_view k = name.view();
    const char sep = next_separator();
    put(k.size() + 3, [&](char* p) {
      char* q = p;
      if (sep) *q++ = sep;
      *q++ = '"';
      std::memcpy(q, k.data(), k.size());
      q += k.size();
      *q++ = '"';
      return static_cast<std::size_t>(q - p);
    });
  }
  // Any other key (escaped as a string value is). A template only so that a literal picks
  // key(Name): a char array never comes here.
  template <typename S>
    requires(std::convertible_to<const S&, std::string_view> && !std::is_array_v<S>)
  void key(const S& key_text) {
    const std::string_view k = key_text;
    // Keys are short: the separator, the quotes and the name go out in one write
    // when the name needs no escape (checked as it is copied).
    if (k.size() <= kShortKey) {
      const char sep = next_separator();
      bool plain = true;
      put(k.size() + 3, [&](char* p) {
        char* q = p;
        if (sep) *q++ = sep;
        *q++ = '"';
        unsigned char all = 1;
        for (const char ch : k) {
          all &= kPlainByte[static_cast<unsigned char>(ch)];
          *q++ = ch;
        }
        *q++ = '"';
        plain = all != 0;
        return plain ? static_cast<std::size_t>(q - p) : 0;  // nothing written unless plain
      });
      if (!plain) {
        if (sep) put(1, [&](char* p) { return *p = sep, std::size_t{1}; });
        escaped(k, plain_prefix(k));
      }
      return;
    }
    separator();
    const std::size_t clean = plain_prefix(k);
    if (clean == k.size()) {
      quoted(k);
    } else {
      escaped(k, clean);
    }
  }
  // A string value. Escapes \" \\ \b \f \n \r \t, other controls as \u00XX, nothing else;
  // runs with nothing to escape are appended in bulk.
  void string(std::string_view s) {
    // Most values are plain ASCII: one word-at-a-time pass proves the bytes need neither
    // validation nor escaping, and they go out with the separator and quotes in one write.
    const std::size_t clean = plain_prefix(s);
    if (clean == s.size()) {
      const char sep = next_separator();
      put(s.size() + 3, [&](char* p) {
        std::size_t n = 0;
        if (sep) p[n++] = sep;
        p[n++] = '"';
        std::memcpy(p + n, s.data(), s.size());
        n += s.size();
        p[n++] = '"';
        return n;
      });
      return;
    }
    separator();
    if (utf8_valid(s.substr(clean))) {  // the plain prefix is ASCII, valid by itself
      escaped(s, clean);
    } else {
      escaped(utf8_repair(s), 0);
    }
  }
  void integer(std::int64_t v) {
    const char sep = next_separator();
    put(25, [&](char* p) {
      char* q = p;
      if (sep) *q++ = sep;
      return static_cast<std::size_t>(rapidjson::internal::i64toa(v, q) - p);
    });
  }
  void number(double v) {
    const char sep = next_separator();
    put(33, [&](char* p) {
      char* q = p;
      if (sep) *q++ = sep;
      return static_cast<std::size_t>(rapidjson::internal::dtoa(std::isfinite(v) ? v : 0.0, q) - p);
    });
  }
  // A float in its shortest form that reads back as the same float ("0.9", not
  // "0.8999999761581421").
  void number(float v) {
    const char sep = next_separator();
    put(33, [&](char* p) {
      char* q = p;
      if (sep) *q++ = sep;
      return static_cast<std::size_t>(std::to_chars(q, p + 33, std::isfinite(v) ? v : 0.0f).ptr - p);
    });
  }
  // A whole value another JsonWriter wrote (at depth 0), appended as it is.
  void raw(std::string_view json) { literal(json); }
  void boolean(bool v) { literal(v ? std::string_view("true") : std::string_view("false")); }
  void null() { literal("null"); }

  // Shorthands for "key": value.
  void field(Name k, std::string_view v) {
    key(k);
    string(v);
  }
  void field(Name k, const char* v) {
    key(k);
    string(v);
  }
  void field(Name k, std::int64_t v) {
    key(k);
    integer(v);
  }
  void field(Name k, int v) {
    key(k);
    integer(v);
  }
  void field(Name k, double v) {
    key(k);
    number(v);
  }
  void field(Name k, float v) {
    key(k);
    number(v);
  }
  void field(Name k, bool v) {
    key(k);
    boolean(v);
  }

 private:
  // Before a key or value: ',' between members/elements, ':' after a key (RapidJSON's
  // Writer::Prefix, counting keys and values alike inside an object).
  void separator() {
    if (const char sep = next_separator()) out_.push_back(sep);
  }
  // The separator due before the next key or value (0 for none), counted as written.
  char next_separator() {
    if (depth_ == 0) return 0;
    Level& l = depth_ <= kMaxDepth ? levels_[depth_ - 1] : deep_[depth_ - 1 - kMaxDepth];
    const char sep = l.count > 0 ? (l.object && l.count % 2 == 1 ? ':' : ',') : 0;
    ++l.count;
    return sep;
  }
  static constexpr std::size_t kShortKey = 29;
  // 1 for the bytes that go out as they are: printable ASCII other than '"' and '\\'.
  static constexpr std::array<unsigned char, 256> kPlainByte = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
    return t;
  }();

  // Writes at most `n` bytes at the end of the output with fill(char* at) -> bytes written:
  // one capacity check instead of a push_back or append per piece.
  template <typename Fill>
  void put(std::size_t n, Fill fill) {
    const std::size_t old = out_.size();
    out_.resize_and_overwrite(old + n, [&](char* p, std::size_t) { return old + fill(p + old); });
  }
  void literal(std::string_view v) {
    const char sep = next_separator();
    put(v.size() + 1, [&](char* p) {
      std::size_t n = 0;
      if (sep) p[n++] = sep;
      std::memcpy(p + n, v.data(), v.size());
      return n + v.size();
    });
  }
  void open(char c, bool object) {
    const char sep = next_separator();
    put(2, [&](char* p) {
      std::size_t n = 0;
      if (sep) p[n++] = sep;
      p[n++] = c;
      return n;
    });
    if (depth_ < kMaxDepth)
      levels_[depth_] = {0, object};
    else
      deep_.push_back({0, object});
    ++depth_;
  }
  void close(char c) {
    put(1, [&](char* p) { return *p = c, std::size_t{1}; });
    if (depth_ > kMaxDepth) deep_.pop_back();
    if (depth_ > 0) --depth_;
  }

  // Length of the longest prefix of `s` made of printable ASCII other than '"' and '\\'
  // (bytes that go out as they are, whatever the encoding checks), found eight bytes at a
  // time: a word is plain when no byte is >= 0x80, < 0x20, '"' or '\\'.
  static std::size_t plain_prefix(std::string_view s) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t x;
      std::memcpy(&x, s.data() + i, 8);
      const std::uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
      // The usual "has a byte below n" tests; exact as to whether any byte qualifies.
      const std::uint64_t special = (x | ((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) |
                                     ((backslash - kOnes) & ~backslash)) &
                                    kHighs;
      if (special != 0) break;
    }
    for (; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    }
    return i;
  }

  // `s` (nothing to escape) in quotes.
  void quoted(std::string_view s) {
    out_.reserve(out_.size() + s.size() + 2);
    out_.push_back('"');
    out_.append(s);
    out_.push_back('"');
  }

  // `s` quoted and escaped; its first `plain` bytes are known to need no escape.
  void escaped(std::string_view s, std::size_t plain) {
    std::string& o = out_;
    o.reserve(o.size() + s.size() + 2);
    o.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = plain; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      o.append(s.data() + run, i - run);
      run = i + 1;
      o.push_back('\\');
      switch (c) {
        case '"':
          o.push_back('"');
          break;
        case '\\':
          o.push_back('\\');
          break;
        case '\b':
          o.push_back('b');
          break;
        case '\f':
          o.push_back('f');
          break;
        case '\n':
          o.push_back('n');
          break;
        case '\r':
          o.push_back('r');
          break;
        case '\t':
          o.push_back('t');
          break;
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

  struct Level {
    std::uint32_t count;  // keys and values written so far at this level
    bool object;
  };
  std::string& out_;
  Level levels_[kMaxDepth];
  std::vector<Level> deep_;  // levels past kMaxDepth
  int depth_ = 0;
};

}  // namespace earshot::pipeline::codec

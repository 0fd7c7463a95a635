// Decoding of Post and ScoredPost (json_codec.h); shared member readers.
#include "pipeline/codec/json_reader.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::codec {
namespace json {

core::Status check_any(od::value v, std::string_view path, std::size_t depth) {
  if (depth > kMaxNesting) return bad(path, "nested deeper than 32 levels");
  auto t = v.type();
  if (t.error()) return bad(path, "malformed value");
  switch (t.value()) {
    case od::json_type::object: {
      od::object obj;
      if (v.get_object().get(obj)) return bad(path, "malformed object");
      return for_each_member(obj, path, depth + 1, [&](std::string_view key, od::value& child) {
        return check_any(child, join(path, key), depth + 1);
      });
    }
    case od::json_type::array: {
      od::array arr;
      if (v.get_array().get(arr)) return bad(path, "malformed array");
      for (auto item : arr) {
        od::value e;
        if (std::move(item).get(e)) return bad(path, "malformed array");
        EARSHOT_TRY(check_any(e, path, depth + 1));
      }
      return core::ok();
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return bad(path, "invalid string (bad escape or lone surrogate)");
      return core::ok();
    }
    case od::json_type::number: {
      double d;
      std::int64_t i;
      std::uint64_t u;
      if (v.get_int64().get(i) && v.get_uint64().get(u) && v.get_double().get(d)) {
        return bad(path, "invalid number");
      }
      return core::ok();
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return bad(path, "invalid literal");
      return core::ok();
    }
    case od::json_type::null: {
      // is_null() is a simdjson_result<bool>: read its error, never convert it (a bad literal
      // such as `nt` would throw).
      bool null = false;
      if (v.is_null().get(null) || !null) return bad(path, "invalid literal");
      return core::ok();
    }
  }
  return bad(path, "malformed value");
}

core::Status read_sentiment(od::value& v, std::string_view path, sentiment::Sentiment& out) {
  od::object obj;
  EARSHOT_TRY(read_object(v, path, obj));
  Required<2> req{{"label", "score"}};
  auto st = for_each_member(obj, path, 2, [&](std::string_view key, od::value& m) -> core::Status {
    if (key == "label") {
      std::string s;
      EARSHOT_TRY(read_string(m, join(path, key), s));
      if (!sentiment::parse_label(s, &out.label)) {
        return bad(join(path, key), "expected negative, neutral or positive");
      }
      req.mark(0);
    } else if (key == "score") {
      double d;
      EARSHOT_TRY(read_double(m, join(path, key), d));
      if (d < -1.0 || d > 1.0) return bad(join(path, key), "expected a number in [-1, 1]");
      out.score = static_cast<float>(d);
      req.mark(1);
    } else if (key == "probs") {
      od::object p;
      EARSHOT_TRY(read_object(m, join(path, key), p));
      return for_each_member(p, join(path, key), 3,
                             [&](std::string_view k, od::value& x) -> core::Status {
                               double d;
                               if (k != "neg" && k != "neu" && k != "pos")
                                 return check_any(x, join(path, k), 4);
                               EARSHOT_TRY(read_double(x, join(path, k), d));
                               (k == "neg"   ? out.probs.neg
                                : k == "neu" ? out.probs.neu
                                             : out.probs.pos) = static_cast<float>(d);
                               return core::ok();
                             });
    } else if (key == "model") {
      return read_string(m, join(path, key), out.model);
    } else {
      return check_any(m, join(path, key), 3);
    }
    return core::ok();
  });
  if (!st) return st;
  return req.check(path);
}

core::Status read_customer(od::value& v, std::string_view path,
                           std::optional<core::CustomerRef>& out) {
  if (is_null(v)) {
    out.reset();
    return core::ok();
  }
  od::object obj;
  EARSHOT_TRY(read_object(v, path, obj));
  core::CustomerRef c;
  auto st = for_each_member(obj, path, 2, [&](std::string_view key, od::value& m) -> core::Status {
    if (key == "id") return read_string(m, join(path, key), c.id);
    if (key == "tier") return read_string(m, join(path, key), c.tier);
    if (key == "source") return read_string(m, join(path, key), c.source);
    if (key == "name") return read_string(m, join(path, key), c.name);
    if (key == "url") return is_null(m) ? core::ok() : read_string(m, join(path, key), c.url);
    return check_any(m, join(path, key), 3);
  });
  if (!st) return st;
  if (c.id.empty()) return bad(join(path, "id"), "required member missing");
  out = std::move(c);
  return core::ok();
}

core::Status read_post_refs(od::value& v, std::string_view path, std::vector<core::PostRef>& out) {
  od::array arr;
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::array || v.get_array().get(arr)) {
    return bad(path, "expected an array of posts");
  }
  for (auto item : arr) {
    od::value e;
    od::object obj;
    if (item.get(e) || read_object(e, path, obj).has_value() == false)
      return bad(path, "expected an array of posts");
    core::PostRef r;
    auto st =
        for_each_member(obj, path, 3, [&](std::string_view key, od::value& m) -> core::Status {
          if (key == "uid") return read_string(m, join(path, key), r.uid);
          if (key == "url") return read_string(m, join(path, key), r.url);
          if (key == "text") return read_string(m, join(path, key), r.text);
          if (key == "score") {
            double d;
            EARSHOT_TRY(read_double(m, join(path, key), d));
            r.score = static_cast<float>(d);
            return core::ok();
          }
          return check_any(m, join(path, key), 4);
        });
    if (!st) return st;
    out.push_back(std::move(r));
  }
  return core::ok();
}

core::Status read_reply_ref(od::value& v, std::string_view path,
                            std::optional<core::ReplyRef>& out) {
  if (is_null(v)) {
    out.reset();
    return core::ok();
  }
  od::object obj;
  EARSHOT_TRY(read_object(v, path, obj));
  core::ReplyRef ref;
  EARSHOT_TRY(for_each_member(obj, path, 2, [&](std::string_view k, od::value& m) -> core::Status {
    std::string at = join(path, k);
    if (k == "uri") return read_string(m, at, ref.uri);
    if (k == "cid") return read_string(m, at, ref.cid);
    if (k == "root_uri") return read_string(m, at, ref.root_uri);
    if (k == "root_cid") return read_string(m, at, ref.root_cid);
    return check_any(m, at, 3);
  }));
  const std::pair<std::string_view, const std::string*> members[] = {
      {"uri", &ref.uri}, {"cid", &ref.cid}, {"root_uri", &ref.root_uri}, {"root_cid", &ref.root_cid}};
  for (const auto& [name, value] : members) {
    if (value->empty()) return bad(join(path, name), "required non-empty string");
    if (value->size() > 8192) return bad(join(path, name), "longer than 8192 bytes");
  }
  if (!ref.uri.starts_with("at://")) return bad(join(path, "uri"), "not an at:// URI");
  if (!ref.root_uri.starts_with("at://")) return bad(join(path, "root_uri"), "not an at:// URI");
  out = std::move(ref);
  return core::ok();
}

core::Status read_post_member(std::string_view key, od::value& v, core::Post& p,
                              std::uint32_t& seen, bool* known) {
  *known = true;
  if (key == "v") {
    std::int64_t ver;
    EARSHOT_TRY(read_int(v, "v", ver));
    if (ver != core::kSchemaVersion)
      return bad("v", "unknown schema version " + std::to_string(ver));
    seen |= kV;
  } else if (key == "uid") {
    EARSHOT_TRY(read_string(v, "uid", p.uid));
    if (p.uid.empty()) return bad("uid", "must not be empty");
    seen |= kUid;
  } else if (key == "source") {
    EARSHOT_TRY(read_string(v, "source", p.source));
    if (p.source.empty()) return bad("source", "must not be empty");
    seen |= kSource;
  } else if (key == "url") {
    if (is_null(v)) return core::ok();
    return read_string(v, "url", p.url);
  } else if (key == "created_at") {
    EARSHOT_TRY(read_rfc3339(v, "created_at", p.created_at));
    seen |= kCreated;
  } else if (key == "ingested_at") {
    if (is_null(v)) return core::ok();
    return read_rfc3339(v, "ingested_at", p.ingested_at);
  } else if (key == "author") {
    od::object obj;
    EARSHOT_TRY(read_object(v, "author", obj));
    seen |= kAuthor;
    return for_each_member(obj, "author", 2, [&](std::string_view k, od::value& m) -> core::Status {
      if (k == "id") return read_string(m, "author.id", p.author.id);
      if (k == "handle") return read_string(m, "author.handle", p.author.handle);
      if (k == "name")
        return is_null(m) ? core::ok() : read_string(m, "author.name", p.author.name);
      if (k == "followers") {
        if (is_null(m)) return core::ok();
        std::int64_t n;
        EARSHOT_TRY(read_int(m, "author.followers", n));
        if (n < 0) return bad("author.followers", "must not be negative");
        p.author.followers = n;
        return core::ok();
      }
      return check_any(m, join("author", k), 3);
    });
  } else if (key == "text") {
    EARSHOT_TRY(read_string(v, "text", p.text));
    if (p.text.size() > kMaxTextBytes) {
      return bad("text", "longer than " + std::to_string(kMaxTextBytes) + " bytes");
    }
    seen |= kText;
  } else if (key == "lang") {
    return read_opt_string(v, "lang", p.lang);
  } else if (key == "reply_to") {
    return read_opt_string(v, "reply_to", p.reply_to);
  } else if (key == "tags") {
    return is_null(v) ? core::ok() : read_strings(v, "tags", p.tags);
  } else if (key == "mentions") {
    return is_null(v) ? core::ok() : read_strings(v, "mentions", p.mentions);
  } else if (key == "deleted") {
    return read_bool(v, "deleted", p.deleted);
  } else if (key == "visibility") {
    return read_opt_string(v, "visibility", p.visibility);
  } else if (key == "edited_at") {
    if (is_null(v)) return core::ok();
    std::string at;
    EARSHOT_TRY(read_rfc3339(v, "edited_at", at));
    p.edited_at = std::move(at);
  } else if (key == "reply_ref") {
    return read_reply_ref(v, "reply_ref", p.reply_ref);
  } else {
    *known = false;
  }
  return core::ok();
}

core::Status check_post(const core::Post& p, std::uint32_t seen) {
  static constexpr std::pair<std::uint32_t, std::string_view> kRequired[] = {
      {kV, "v"}, {kUid, "uid"}, {kSource, "source"}, {kCreated, "created_at"}, {kAuthor, "author"}};
  for (auto [bit, name] : kRequired) {
    if (!(seen & bit)) return bad(name, "required member missing");
  }
  if (!(seen & kText) && !p.deleted) return bad("text", "required member missing");
  if (p.author.id.empty() && p.author.handle.empty() && !p.deleted) {
    return bad("author", "needs an id or a handle");
  }
  return core::ok();
}

}  // namespace json

namespace {
// Reads every member of a Post; `seen` reports which of the required ones were there.
core::Result<core::Post> read_post(std::string_view wire, std::uint32_t& seen) {
  core::Post p;
  auto st = json::parse_object(wire, [&](std::string_view key, json::od::value& v) -> core::Status {
    bool known;
    EARSHOT_TRY(json::read_post_member(key, v, p, seen, &known));
    return known ? core::ok() : json::check_any(v, key, 2);
  });
  EARSHOT_TRY(st);
  return p;
}
}  // namespace

core::Result<core::Post> decode_post(std::string_view wire) {
  std::uint32_t seen = 0;
  auto p = read_post(wire, seen);
  if (!p) return p;
  EARSHOT_TRY(json::check_post(*p, seen));
  return p;
}

core::Result<core::Post> decode_post_for_scoring(std::string_view wire) {
  std::uint32_t seen = 0;
  auto p = read_post(wire, seen);
  if (!p) return p;
  if (!(seen & json::kText))
    return core::fail(core::ErrorCode::kInvalidArgument, "text: required member missing");
  return p;
}

}  // namespace earshot::pipeline::codec

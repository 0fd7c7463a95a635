// Decoding of ScoredPost, Mention, Aggregate, Alert, ReplyIntent and DeadLetter (json_codec.h).
#include "pipeline/codec/json_reader.h"
#include "pipeline/core/base64.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::codec {

using json::bad;
using json::check_any;
using json::join;
namespace od = json::od;
using json::read_bool;
using json::read_double;
using json::read_int;
using json::read_string;

namespace {

template <class R, class F>
core::Result<R> decode_with(std::string_view wire, F&& member) {
  R r;
  bool have_v = false;
  auto st = json::parse_object(wire, [&](std::string_view key, od::value& v) -> core::Status {
    if (key == "v") {
      std::int64_t ver;
      EARSHOT_TRY(read_int(v, "v", ver));
      if (ver != core::kSchemaVersion)
        return bad("v", "unknown schema version " + std::to_string(ver));
      have_v = true;
      return core::ok();
    }
    return member(r, key, v);
  });
  EARSHOT_TRY(st);
  if (!have_v)
    return std::unexpected(
        core::Error(core::ErrorCode::kInvalidArgument, "v: required member missing"));
  return r;
}

template <class E>
core::Status read_enum(od::value& v, std::string_view path, E* out,
                       bool (*parse)(std::string_view, E*)) {
  std::string s;
  EARSHOT_TRY(read_string(v, path, s));
  if (!parse(s, out)) return bad(path, "unknown value '" + s + "'");
  return core::ok();
}

core::Status read_entities(od::value& v, std::vector<core::EntityMention>& out) {
  od::array arr;
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::array || v.get_array().get(arr)) {
    return bad("entities", "expected an array");
  }
  for (auto item : arr) {
    od::value e;
    od::object obj;
    if (item.get(e) || !json::read_object(e, "entities[]", obj))
      return bad("entities[]", "expected an object");
    core::EntityMention m;
    auto st = json::for_each_member(
        obj, "entities[]", 3, [&](std::string_view key, od::value& x) -> core::Status {
          std::string path = join("entities[]", key);
          if (key == "id") return read_string(x, path, m.id);
          if (key == "kind") return read_enum(x, path, &m.kind, &core::parse_entity_kind);
          if (key == "match") return read_enum(x, path, &m.match, &core::parse_match_type);
          if (key == "sentiment") return json::read_sentiment(x, path, m.sentiment);
          if (key == "span") {
            od::array span;
            if (x.get_array().get(span)) return bad(path, "expected [begin, end]");
            std::int64_t vals[2] = {0, 0};
            int n = 0;
            for (auto s : span) {
              od::value sv;
              if (std::move(s).get(sv) || n >= 2 || !read_int(sv, path, vals[n]))
                return bad(path, "expected [begin, end]");
              ++n;
            }
            if (n != 2 || vals[0] < 0 || vals[1] < vals[0])
              return bad(path, "expected [begin, end] with begin <= end");
            m.begin = static_cast<std::uint32_t>(vals[0]);
            m.end = static_cast<std::uint32_t>(vals[1]);
            return core::ok();
          }
          return check_any(x, path, 4);
        });
    if (!st) return st;
    if (m.id.empty()) return bad("entities[].id", "required member missing");
    out.push_back(std::move(m));
  }
  return core::ok();
}

core::Status read_reply_post(od::value& v, core::ReplyIntent& r) {
  od::object obj;
  EARSHOT_TRY(json::read_object(v, "post", obj));
  return json::for_each_member(obj, "post", 2,
                               [&](std::string_view k, od::value& x) -> core::Status {
                                 std::string path = join("post", k);
                                 if (k == "text") return read_string(x, path, r.post_text);
                                 if (k == "author") return read_string(x, path, r.post_author);
                                 if (k == "author_id")
                                   return read_string(x, path, r.post_author_id);
                                 if (k == "url") return read_string(x, path, r.post_url);
                                 if (k == "created_at")
                                   return read_string(x, path, r.post_created_at);
                                 return check_any(x, path, 3);
                               });
}

core::Status read_reply_history(od::value& v, std::vector<core::ReplyEvent>& out) {
  od::array arr;
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::array || v.get_array().get(arr)) {
    return bad("history", "expected an array");
  }
  for (auto item : arr) {
    od::value e;
    od::object obj;
    if (item.get(e) || !json::read_object(e, "history[]", obj))
      return bad("history[]", "expected an object");
    core::ReplyEvent ev;
    auto st = json::for_each_member(
        obj, "history[]", 3, [&](std::string_view k, od::value& x) -> core::Status {
          std::string path = join("history[]", k);
          if (k == "status") return read_enum(x, path, &ev.status, &core::parse_reply_status);
          if (k == "by") return read_string(x, path, ev.by);
          if (k == "at") return read_string(x, path, ev.at);
          if (k == "reason") return read_string(x, path, ev.reason);
          return check_any(x, path, 4);
        });
    if (!st) return st;
    out.push_back(std::move(ev));
  }
  return core::ok();
}

}  // namespace

core::Result<core::ScoredPost> decode_scored(std::string_view wire) {
  core::ScoredPost r;
  std::uint32_t seen = 0;
  bool have_sentiment = false;
  auto st = json::parse_object(wire, [&](std::string_view key, od::value& v) -> core::Status {
    bool known;
    EARSHOT_TRY(json::read_post_member(key, v, r.post, seen, &known));
    if (known) return core::ok();
    if (key == "sentiment") {
      have_sentiment = true;
      return json::read_sentiment(v, key, r.sentiment);
    }
    if (key == "entities") return read_entities(v, r.entities);
    if (key == "customer") return json::read_customer(v, key, r.customer);
    if (key == "intent") return read_enum(v, key, &r.intent, &sentiment::parse_intent);
    if (key == "flags") return json::read_strings(v, key, r.flags);
    return check_any(v, key, 2);
  });
  EARSHOT_TRY(st);
  EARSHOT_TRY(json::check_post(r.post, seen));
  if (!have_sentiment && !r.post.deleted) {
    return std::unexpected(
        core::Error(core::ErrorCode::kInvalidArgument, "sentiment: required member missing"));
  }
  return r;
}

core::Result<core::Mention> decode_mention(std::string_view wire) {
  return decode_with<core::Mention>(
      wire, [](core::Mention& r, std::string_view key, od::value& v) -> core::Status {
        if (key == "entity") return read_string(v, key, r.entity);
        if (key == "kind") return read_enum(v, key, &r.kind, &core::parse_entity_kind);
        if (key == "post_uid") return read_string(v, key, r.post_uid);
        if (key == "source") return read_string(v, key, r.source);
        if (key == "url") return read_string(v, key, r.url);
        if (key == "created_at") return json::read_rfc3339(v, key, r.created_at);
        if (key == "author_id") return read_string(v, key, r.author_id);
        if (key == "text") return read_string(v, key, r.text);
        if (key == "sentiment") return json::read_sentiment(v, key, r.sentiment);
        if (key == "intent") return read_enum(v, key, &r.intent, &sentiment::parse_intent);
        if (key == "customer") return json::read_customer(v, key, r.customer);
        if (key == "derived") return read_bool(v, key, r.derived);
        if (key == "retract") return read_bool(v, key, r.retract);
        if (key == "model_version") return read_string(v, key, r.model_version);
        return check_any(v, key, 2);
      });
}

core::Result<core::Aggregate> decode_aggregate(std::string_view wire) {
  return decode_with<core::Aggregate>(
      wire, [](core::Aggregate& r, std::string_view key, od::value& v) -> core::Status {
        if (key == "entity") return read_string(v, key, r.entity);
        if (key == "window_size") return read_string(v, key, r.window_size);
        if (key == "window_start") return read_string(v, key, r.window_start);
        if (key == "window_end") return read_string(v, key, r.window_end);
        if (key == "volume") return read_int(v, key, r.volume);
        if (key == "mean_score") return read_double(v, key, r.mean_score);
        if (key == "unique_authors") return read_int(v, key, r.unique_authors);
        if (key == "top_terms") return json::read_strings(v, key, r.top_terms);
        if (key == "top_negative") return json::read_post_refs(v, key, r.top_negative);
        if (key == "version") return read_int(v, key, r.version);
        if (key == "model_version") return read_string(v, key, r.model_version);
        if (key == "counts") {
          od::object obj;
          EARSHOT_TRY(json::read_object(v, key, obj));
          return json::for_each_member(obj, key, 2,
                                       [&](std::string_view k, od::value& x) -> core::Status {
                                         if (k == "negative")
                                           return read_int(x, join(key, k), r.negative);
                                         if (k == "neutral")
                                           return read_int(x, join(key, k), r.neutral);
                                         if (k == "positive")
                                           return read_int(x, join(key, k), r.positive);
                                         return check_any(x, join(key, k), 3);
                                       });
        }
        return check_any(v, key, 2);
      });
}

core::Result<core::Alert> decode_alert(std::string_view wire) {
  return decode_with<core::Alert>(
      wire, [](core::Alert& r, std::string_view key, od::value& v) -> core::Status {
        if (key == "id") return read_string(v, key, r.id);
        if (key == "rule") return read_string(v, key, r.rule);
        if (key == "entity") return read_string(v, key, r.entity);
        if (key == "severity") return read_string(v, key, r.severity);
        if (key == "status") return read_string(v, key, r.status);
        if (key == "observed") return read_double(v, key, r.observed);
        if (key == "baseline") return read_double(v, key, r.baseline);
        if (key == "summary") return read_string(v, key, r.summary);
        if (key == "evidence") return json::read_post_refs(v, key, r.evidence);
        if (key == "dedup_key") return read_string(v, key, r.dedup_key);
        if (key == "created_at") return read_string(v, key, r.created_at);
        if (key == "link") return read_string(v, key, r.link);
        if (key == "window") {
          od::object obj;
          EARSHOT_TRY(json::read_object(v, key, obj));
          return json::for_each_member(obj, key, 2,
                                       [&](std::string_view k, od::value& x) -> core::Status {
                                         if (k == "start")
                                           return read_string(x, join(key, k), r.window_start);
                                         if (k == "end")
                                           return read_string(x, join(key, k), r.window_end);
                                         return check_any(x, join(key, k), 3);
                                       });
        }
        return check_any(v, key, 2);
      });
}

core::Result<core::ReplyIntent> decode_reply(std::string_view wire) {
  return decode_with<core::ReplyIntent>(
      wire, [](core::ReplyIntent& r, std::string_view key, od::value& v) -> core::Status {
        if (key == "id") return read_string(v, key, r.id);
        if (key == "post_uid") return read_string(v, key, r.post_uid);
        if (key == "platform") return read_string(v, key, r.platform);
        if (key == "in_reply_to") return read_string(v, key, r.in_reply_to);
        if (key == "text") return read_string(v, key, r.text);
        if (key == "template") return read_string(v, key, r.template_name);
        if (key == "customer") return json::read_customer(v, key, r.customer);
        if (key == "status") return read_enum(v, key, &r.status, &core::parse_reply_status);
        if (key == "idempotency_key") return read_string(v, key, r.idempotency_key);
        if (key == "entity") return read_string(v, key, r.entity);
        if (key == "reason") return read_string(v, key, r.reason);
        if (key == "lang") return read_string(v, key, r.lang);
        if (key == "remote_id") return read_string(v, key, r.remote_id);
        if (key == "case_url") return read_string(v, key, r.case_url);
        if (key == "intent") return read_enum(v, key, &r.intent, &sentiment::parse_intent);
        if (key == "sentiment") return json::read_sentiment(v, key, r.sentiment);
        if (key == "post") return read_reply_post(v, r);
        if (key == "history") return read_reply_history(v, r.history);
        if (key == "reply_ref") return json::read_reply_ref(v, key, r.reply_ref);
        return check_any(v, key, 2);
      });
}

core::Result<core::DeadLetter> decode_deadletter(std::string_view wire) {
  std::string encoding = "utf8";
  auto r = decode_with<core::DeadLetter>(
      wire, [&](core::DeadLetter& d, std::string_view key, od::value& v) -> core::Status {
        if (key == "reason") return read_string(v, key, d.reason);
        if (key == "stage") return read_string(v, key, d.stage);
        if (key == "topic") return read_string(v, key, d.topic);
        if (key == "partition") {
          std::int64_t p;
          EARSHOT_TRY(read_int(v, key, p));
          d.partition = static_cast<std::int32_t>(p);
          return core::ok();
        }
        if (key == "offset") return read_int(v, key, d.offset);
        if (key == "key") return read_string(v, key, d.key);
        if (key == "original") return read_string(v, key, d.original);
        if (key == "original_encoding") return read_string(v, key, encoding);
        if (key == "at") return read_string(v, key, d.at);
        return check_any(v, key, 2);
      });
  if (r && encoding == "base64") {
    auto raw = core::base64_decode(r->original);
    if (!raw)
      return std::unexpected(
          core::Error(core::ErrorCode::kInvalidArgument, "original: " + raw.error().message));
    r->original = std::move(*raw);
  }
  return r;
}

}  // namespace earshot::pipeline::codec

#include "ingest/hackernews_item.h"

#include "ingest/html_text.h"
#include "ingest/json_access.h"
#include "ingest/normalize.h"
#include "ingest/time_util.h"

namespace earshot::ingest {
namespace {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

constexpr std::string_view kPrefix = "hackernews:news.ycombinator.com:";

}  // namespace

HnItem parse_hackernews_item(std::string_view json) {
  HnItem r;
  auto dead = [&](std::string reason) {
    r.kind = HnItem::Kind::malformed;
    r.dead = make_dead_letter("hackernews", std::move(reason), std::string(json));
    return r;
  };
  auto doc = parse_json(json);
  if (!doc) return dead("item: not JSON");
  if (doc->is_null()) return r;
  if (!doc->is_object()) return dead("item: not an object");
  auto id = get_int(*doc, "id");
  if (!id || *id <= 0) return dead("id: missing");
  r.id = *id;
  std::string type = get_string(*doc, "type");
  bool gone = get_bool(*doc, "deleted") || get_bool(*doc, "dead");
  if (type != "story" && type != "comment" && !(gone && type.empty())) {
    r.kind = HnItem::Kind::skipped;
    return r;
  }
  auto time = get_int(*doc, "time");
  if (!time || *time < 0) return dead("time: missing");
  // Seconds after 9999-12-31T23:59:59Z have no RFC 3339 form the strict decoder accepts
  // (found by tests/fuzz/hackernews_fuzz: a millisecond value given as seconds).
  if (*time > 253402300799) return dead("time: out of range");
  pipeline::core::Post p;
  p.uid = std::string(kPrefix) + std::to_string(*id);
  p.source = "hackernews";
  p.url = "https://news.ycombinator.com/item?id=" + std::to_string(*id);
  p.created_at = format_rfc3339_ms(*time * 1000);
  p.ingested_at = now_rfc3339();
  p.author.id = get_string(*doc, "by");
  p.author.handle = p.author.id;
  p.author.name = p.author.id;
  if (auto parent = get_int(*doc, "parent"))
    p.reply_to = std::string(kPrefix) + std::to_string(*parent);
  if (gone) {
    p.deleted = true;
  } else {
    if (p.author.id.empty()) return dead("by: missing");
    std::string text = html_to_text(get_string(*doc, "text"));
    std::string title = decode_html_entities(get_string(*doc, "title"));
    if (type == "story")
      p.text = text.empty() ? title : title + "\n\n" + text;
    else
      p.text = text;
    if (p.text.empty()) return dead("text: empty");
  }
  r.kind = HnItem::Kind::post;
  r.post = std::move(p);
  return r;
}

pipeline::core::Result<std::int64_t> parse_hackernews_maxitem(std::string_view json) {
  auto doc = parse_json(json);
  if (!doc || !doc->is_number_integer() || doc->get<std::int64_t>() < 0)
    return fail(ErrorCode::kInvalidArgument, "maxitem: not a non-negative integer");
  return doc->get<std::int64_t>();
}

pipeline::core::Result<std::vector<std::int64_t>> parse_hackernews_updates(std::string_view json) {
  auto doc = parse_json(json);
  const Json* items = doc ? member(*doc, "items") : nullptr;
  if (items == nullptr || !items->is_array())
    return fail(ErrorCode::kInvalidArgument, "updates: items missing");
  std::vector<std::int64_t> out;
  for (const Json& i : *items)
    if (i.is_number_integer()) out.push_back(i.get<std::int64_t>());
  return out;
}

}  // namespace earshot::ingest

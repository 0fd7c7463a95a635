#include "ingest/reddit_listing.h"

#include <cmath>

#include "ingest/html_text.h"
#include "ingest/json_access.h"
#include "ingest/normalize.h"
#include "ingest/time_util.h"

namespace earshot::ingest {
namespace {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

pipeline::core::Result<RedditItem> from_child(const Json& child) {
  std::string kind = get_string(child, "kind");
  const Json* d = member(child, "data");
  if (d == nullptr || !d->is_object()) return fail(ErrorCode::kInvalidArgument, "data: missing");
  std::string name = get_string(*d, "name");
  if (name.empty()) name = kind + "_" + get_string(*d, "id");
  if (name.size() <= 3) return fail(ErrorCode::kInvalidArgument, "name: missing");
  std::string sub = get_string(*d, "subreddit");
  if (sub.empty()) return fail(ErrorCode::kInvalidArgument, "subreddit: missing");
  auto created = get_number(*d, "created_utc");
  if (!created || !std::isfinite(*created) || *created < 0)
    return fail(ErrorCode::kInvalidArgument, "created_utc: missing or not a number");
  // After 9999-12-31T23:59:59.999Z there is no RFC 3339 form the strict decoder accepts, and
  // past ~9.2e15 s the milliseconds overflow an int64 (found by tests/fuzz/reddit_fuzz: 1e20 s
  // rounded to INT64_MIN); such a child is a dead letter with the reason.
  const double created_ms = std::round(*created * 1000);
  if (created_ms > 253402300799999.0)
    return fail(ErrorCode::kInvalidArgument, "created_utc: out of range (after year 9999)");
  RedditItem item;
  item.fullname = name;
  item.created_utc = *created;
  pipeline::core::Post& p = item.post;
  p.uid = "reddit:" + sub + ":" + name;
  p.source = "reddit";
  std::string permalink = get_string(*d, "permalink");
  p.url = permalink.empty() ? get_string(*d, "url") : "https://www.reddit.com" + permalink;
  p.created_at = format_rfc3339_ms(static_cast<std::int64_t>(created_ms));
  p.ingested_at = now_rfc3339();
  p.author.id = get_string(*d, "author_fullname");
  p.author.handle = get_string(*d, "author");
  if (p.author.id.empty()) p.author.id = p.author.handle;
  p.author.name = p.author.handle;
  // A post needs someone to have said it (DESIGN.md §2); deleted authors are "[deleted]".
  if (p.author.id.empty())
    return fail(ErrorCode::kInvalidArgument, "author: missing (no author or author_fullname)");
  // Reddit escapes &, <, > in the JSON strings; selftext/body are Markdown otherwise.
  if (kind == "t3") {
    std::string title = decode_html_entities(get_string(*d, "title"));
    std::string self = decode_html_entities(get_string(*d, "selftext"));
    p.text = self.empty() ? title : title + "\n\n" + self;
  } else {
    const Json* body = member(*d, "body");
    if (body == nullptr || !body->is_string())
      return fail(ErrorCode::kInvalidArgument, "body: missing");
    p.text = decode_html_entities(body->get<std::string>());
    std::string parent = get_string(*d, "parent_id");
    if (!parent.empty()) p.reply_to = "reddit:" + sub + ":" + parent;
  }
  if (p.author.handle == "[deleted]" &&
      (p.text == "[deleted]" || p.text == "[removed]" || p.text.ends_with("\n\n[deleted]")))
    p.deleted = true;
  return item;
}

}  // namespace

pipeline::core::Result<RedditPage> parse_reddit_listing(std::string_view json) {
  auto doc = parse_json(json);
  if (!doc || !doc->is_object())
    return fail(ErrorCode::kInvalidArgument, "listing: response is not a JSON object");
  if (get_string(*doc, "kind") != "Listing") {
    std::string msg = get_string(*doc, "message");
    return fail(ErrorCode::kInvalidArgument,
                "listing: not a Listing" + (msg.empty() ? "" : " (" + msg + ")"));
  }
  const Json* data = member(*doc, "data");
  const Json* children = data != nullptr ? member(*data, "children") : nullptr;
  if (children == nullptr || !children->is_array())
    return fail(ErrorCode::kInvalidArgument, "listing: data.children missing");
  RedditPage page;
  page.after = get_string(*data, "after");
  for (const Json& child : *children) {
    std::string kind = child.is_object() ? get_string(child, "kind") : "";
    if (kind != "t3" && kind != "t1") {
      if (!child.is_object() || kind.empty())
        page.dead.push_back(make_dead_letter("reddit", "child: not a thing", dump_json(child)));
      continue;
    }
    auto item = from_child(child);
    if (item)
      page.items.push_back(std::move(*item));
    else
      page.dead.push_back(make_dead_letter("reddit", item.error().message, dump_json(child)));
  }
  return page;
}

}  // namespace earshot::ingest

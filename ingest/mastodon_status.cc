#include "ingest/mastodon_status.h"

#include "ingest/html_text.h"
#include "ingest/json_access.h"
#include "ingest/normalize.h"
#include "ingest/time_util.h"

namespace earshot::ingest {
namespace {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

std::string full_acct(std::string acct, std::string_view host) {
  if (acct.empty()) return acct;
  if (acct.find('@') == std::string::npos) acct += "@" + std::string(host);
  return "@" + acct;
}

pipeline::core::Result<MastodonStatus> from_json(const Json& outer, std::string_view host) {
  if (!outer.is_object()) return fail(ErrorCode::kInvalidArgument, "status: not an object");
  std::string entry_id = get_string(outer, "id");
  if (entry_id.empty()) return fail(ErrorCode::kInvalidArgument, "id: missing");
  const Json* reblog = member(outer, "reblog");
  if (reblog != nullptr && !reblog->is_object())
    return fail(ErrorCode::kInvalidArgument, "reblog: not an object");
  const Json& s = reblog != nullptr ? *reblog : outer;
  std::string id = get_string(s, "id");
  if (id.empty()) return fail(ErrorCode::kInvalidArgument, "reblog.id: missing");
  auto created = normalize_rfc3339(get_string(s, "created_at"));
  if (!created) return fail(ErrorCode::kInvalidArgument, "created_at: not an RFC 3339 instant");
  const Json* account = member(s, "account");
  if (account == nullptr || !account->is_object())
    return fail(ErrorCode::kInvalidArgument, "account: missing");
  const Json* content = member(s, "content");
  if (content != nullptr && !content->is_string())
    return fail(ErrorCode::kInvalidArgument, "content: not a string");

  MastodonStatus out;
  out.id = entry_id;
  out.uri = get_string(s, "uri");
  pipeline::core::Post& p = out.post;
  p.uid = "mastodon:" + std::string(host) + ":" + id;
  p.source = "mastodon";
  p.url = get_string(s, "url");
  if (p.url.empty()) p.url = out.uri;
  p.created_at = *created;
  p.ingested_at = now_rfc3339();
  p.author.id = get_string(*account, "id");
  p.author.handle = full_acct(get_string(*account, "acct"), host);
  p.author.name = get_string(*account, "display_name");
  if (p.author.name.empty()) p.author.name = get_string(*account, "username");
  p.author.followers = get_int(*account, "followers_count");
  // A server that hides the count may send a negative one: unknown, not a reason to lose the
  // post (the record contract refuses negative counts). Found by tests/fuzz/mastodon_fuzz.
  if (p.author.followers && *p.author.followers < 0) p.author.followers.reset();
  // A post needs someone to have said it (the record contract, DESIGN.md §2).
  if (p.author.id.empty() && p.author.handle.empty())
    return fail(ErrorCode::kInvalidArgument, "account: needs an id or an acct");
  std::string text = content != nullptr ? html_to_text(content->get<std::string>()) : "";
  std::string spoiler = get_string(s, "spoiler_text");
  p.text = spoiler.empty() ? text : spoiler + "\n" + text;
  if (auto lang = opt_string(s, "language"); lang && !lang->empty()) p.lang = *lang;
  // Issue 14: who may see it (unlisted/private/direct: no public reply) and whether the
  // author edited it since (the enricher turns these into the flags not_public / edited).
  // Only a restricted audience is recorded: unset means public (the common case costs nothing).
  if (auto vis = opt_string(s, "visibility"); vis && !vis->empty() && *vis != "public")
    p.visibility = *vis;
  if (auto edited = opt_string(s, "edited_at"); edited && !edited->empty()) {
    if (auto at = normalize_rfc3339(*edited)) p.edited_at = *at;
  }
  if (auto r = opt_string(s, "in_reply_to_id"); r && !r->empty())
    p.reply_to = "mastodon:" + std::string(host) + ":" + *r;
  if (const Json* tags = member(s, "tags"); tags != nullptr && tags->is_array())
    for (const Json& t : *tags)
      if (auto name = opt_string(t, "name")) p.tags.push_back(*name);
  if (const Json* ms = member(s, "mentions"); ms != nullptr && ms->is_array())
    for (const Json& m : *ms)
      if (auto acct = opt_string(m, "acct")) p.mentions.push_back(full_acct(*acct, host));
  return out;
}

}  // namespace

pipeline::core::Result<MastodonStatus> parse_mastodon_status(std::string_view json,
                                                             std::string_view instance_host) {
  auto doc = parse_json(json);
  if (!doc) return fail(ErrorCode::kInvalidArgument, "status: not JSON");
  return from_json(*doc, instance_host);
}

pipeline::core::Result<MastodonPage> parse_mastodon_timeline(std::string_view json,
                                                             std::string_view instance_host) {
  auto doc = parse_json(json);
  if (!doc) return fail(ErrorCode::kInvalidArgument, "timeline: response is not JSON");
  if (doc->is_object() && doc->contains("error"))
    return fail(ErrorCode::kInvalidArgument, "timeline: API error: " + get_string(*doc, "error"));
  if (!doc->is_array()) return fail(ErrorCode::kInvalidArgument, "timeline: not a JSON array");
  MastodonPage page;
  for (const Json& item : *doc) {
    std::string id = item.is_object() ? get_string(item, "id") : "";
    if (!id.empty() && (page.max_id.empty() || id_less(page.max_id, id))) page.max_id = id;
    auto st = from_json(item, instance_host);
    if (st)
      page.statuses.push_back(std::move(*st));
    else
      page.dead.push_back(make_dead_letter("mastodon", st.error().message, dump_json(item)));
  }
  return page;
}

}  // namespace earshot::ingest

#include "ingest/jetstream_event.h"

#include "ingest/json_access.h"
#include "ingest/normalize.h"
#include "ingest/time_util.h"

namespace earshot::ingest {
namespace {

constexpr std::string_view kPostCollection = "app.bsky.feed.post";
constexpr std::size_t kMaxRef = 8192;  // the codec's bound on a reply_ref member

// A member that is a JSON string (opt_string also takes numbers; a CID never is one).
std::optional<std::string> string_member(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  return m->get<std::string>();
}

// {"uri": "at://...", "cid": "..."} with both members non-empty strings, else nullopt.
std::optional<std::pair<std::string, std::string>> strong_ref(const Json* ref) {
  if (ref == nullptr || !ref->is_object()) return std::nullopt;
  auto uri = string_member(*ref, "uri");
  auto cid = string_member(*ref, "cid");
  if (!uri || !cid || !uri->starts_with("at://") || cid->empty() || uri->size() > kMaxRef ||
      cid->size() > kMaxRef)
    return std::nullopt;
  return std::make_pair(*uri, *cid);
}

std::string handle_or_did(HandleResolver* resolver, const std::string& did) {
  if (resolver != nullptr)
    if (auto h = resolver->handle_for(did)) return *h;
  return did;
}

}  // namespace

std::optional<std::string> bluesky_uid_from_at_uri(std::string_view at_uri) {
  if (!at_uri.starts_with("at://")) return std::nullopt;
  at_uri.remove_prefix(5);
  std::size_t a = at_uri.find('/');
  if (a == std::string_view::npos) return std::nullopt;
  std::string_view did = at_uri.substr(0, a);
  std::string_view rest = at_uri.substr(a + 1);
  if (!rest.starts_with(kPostCollection) || rest.size() <= kPostCollection.size() + 1 ||
      rest[kPostCollection.size()] != '/')
    return std::nullopt;
  std::string_view rkey = rest.substr(kPostCollection.size() + 1);
  return "bluesky:" + std::string(did) + ":" + std::string(rkey);
}

JetstreamEvent parse_jetstream_event(std::string_view json, HandleResolver* resolver) {
  JetstreamEvent ev;
  auto dead = [&](std::string reason) {
    ev.dead = make_dead_letter("bluesky", std::move(reason), std::string(json));
    return ev;
  };
  auto doc = parse_json(json);
  if (!doc || !doc->is_object()) return dead("event: not a JSON object");
  ev.time_us = get_int(*doc, "time_us").value_or(0);
  ev.kind = get_string(*doc, "kind");
  ev.did = get_string(*doc, "did");
  if (ev.kind == "identity") {
    if (const Json* id = member(*doc, "identity"))
      if (auto h = opt_string(*id, "handle")) ev.identity_handle = *h;
    if (auto* caching = dynamic_cast<CachingHandleResolver*>(resolver);
        caching != nullptr && ev.identity_handle && !ev.did.empty())
      caching->remember(ev.did, ev.identity_handle);
    return ev;
  }
  if (ev.kind != "commit") return ev;
  const Json* commit = member(*doc, "commit");
  if (commit == nullptr || !commit->is_object()) return dead("commit: missing");
  if (get_string(*commit, "collection") != kPostCollection) return ev;
  if (ev.did.empty()) return dead("did: missing");
  if (ev.time_us <= 0) return dead("time_us: missing");
  std::string rkey = get_string(*commit, "rkey");
  if (rkey.empty()) return dead("commit.rkey: missing");
  std::string op = get_string(*commit, "operation");

  pipeline::core::Post p;
  p.uid = "bluesky:" + ev.did + ":" + rkey;
  p.source = "bluesky";
  p.url = "https://bsky.app/profile/" + ev.did + "/post/" + rkey;
  p.ingested_at = now_rfc3339();
  p.author.id = ev.did;
  if (op == "delete") {
    p.deleted = true;
    p.created_at = format_rfc3339_ms(ev.time_us / 1000);
    p.author.handle = ev.did;
    ev.post = std::move(p);
    return ev;
  }
  if (op != "create" && op != "update") return dead("commit.operation: unknown '" + op + "'");
  const Json* record = member(*commit, "record");
  if (record == nullptr || !record->is_object()) return dead("commit.record: missing");
  const Json* text = member(*record, "text");
  if (text == nullptr || !text->is_string()) return dead("record.text: missing");
  auto created = normalize_rfc3339(get_string(*record, "createdAt"));
  if (!created) return dead("record.createdAt: not an RFC 3339 instant");
  p.created_at = *created;
  p.text = text->get<std::string>();
  p.author.handle = handle_or_did(resolver, ev.did);
  if (const Json* langs = member(*record, "langs");
      langs != nullptr && langs->is_array() && !langs->empty() && (*langs)[0].is_string())
    p.lang = (*langs)[0].get<std::string>();
  const Json* reply = member(*record, "reply");
  if (reply != nullptr)
    if (const Json* parent = member(*reply, "parent"))
      p.reply_to = bluesky_uid_from_at_uri(get_string(*parent, "uri"));
  // What a reply to this post names: its own strong ref and its thread's root (its own
  // reply.root when it answers something, else itself). Without its CID, or with a reply
  // whose root is malformed, there is none (the sender then fails the reply with a reason).
  if (auto cid = string_member(*commit, "cid");
      cid && !cid->empty() && cid->size() <= kMaxRef && ev.did.size() + rkey.size() < kMaxRef / 2) {
    std::string uri = "at://" + ev.did + "/" + std::string(kPostCollection) + "/" + rkey;
    if (reply == nullptr) {
      p.reply_ref = pipeline::core::ReplyRef{uri, *cid, uri, *cid};
    } else if (auto root = strong_ref(member(*reply, "root"))) {
      p.reply_ref = pipeline::core::ReplyRef{uri, *cid, root->first, root->second};
    }
  }
  if (const Json* facets = member(*record, "facets"); facets != nullptr && facets->is_array()) {
    for (const Json& f : *facets) {
      const Json* features = member(f, "features");
      if (features == nullptr || !features->is_array()) continue;
      for (const Json& feat : *features) {
        std::string type = get_string(feat, "$type");
        if (type == "app.bsky.richtext.facet#tag") {
          if (auto tag = opt_string(feat, "tag")) p.tags.push_back(*tag);
        } else if (type == "app.bsky.richtext.facet#mention") {
          if (auto did = opt_string(feat, "did"))
            p.mentions.push_back(handle_or_did(resolver, *did));
        }
      }
    }
  }
  ev.post = std::move(p);
  return ev;
}

}  // namespace earshot::ingest

#include "pipeline/link/identity.h"

#include "pipeline/link/link_text.h"

namespace earshot::pipeline::link {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "https://host/@user" or "https://host/users/user" → host ("" otherwise).
std::string_view profile_host(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return {};
  std::string_view path = rest.substr(slash);
  if (!path.starts_with("/@") && !path.starts_with("/users/")) return {};
  return rest.substr(0, slash);
}

}  // namespace

std::string canonical_platform(std::string_view platform) {
  std::string p = ascii_lower(trim(platform));
  if (p == "bsky" || p == "atproto" || p == "jetstream") return "bluesky";
  if (p == "twitter") return "x";
  if (p == "fediverse" || p == "activitypub") return "mastodon";
  return p;
}

bool is_did(std::string_view s) {
  return s.size() > 4 && (s[0] | 0x20) == 'd' && (s[1] | 0x20) == 'i' && (s[2] | 0x20) == 'd' &&
         s[3] == ':';
}

std::string canonical_handle(std::string_view platform, std::string_view handle,
                             std::string_view instance) {
  std::string_view h = trim(handle);
  if (is_did(h)) return "did:" + std::string(h.substr(4));
  std::string p = canonical_platform(platform);
  if (p == "reddit") {
    if (h.starts_with("/")) h.remove_prefix(1);
    if (h.starts_with("u/") || h.starts_with("U/")) h.remove_prefix(2);
  }
  while (h.starts_with("@")) h.remove_prefix(1);
  std::string out = ascii_lower(h);
  if (p == "mastodon" && !out.empty() && out.find('@') == std::string::npos && !instance.empty()) {
    std::string host = ascii_lower(trim(instance));
    if (auto s = host.find("://"); s != std::string::npos) host.erase(0, s + 3);
    while (!host.empty() && host.back() == '/') host.pop_back();
    if (!host.empty()) out += "@" + host;
  }
  return out;
}

std::string_view uid_origin(std::string_view uid) {
  std::size_t a = uid.find(':');
  if (a == std::string_view::npos) return {};
  std::size_t b = uid.find(':', a + 1);
  if (b == std::string_view::npos) return {};
  return uid.substr(a + 1, b - a - 1);
}

Identity identity_of(std::string_view platform, const core::Author& author,
                     std::string_view instance) {
  Identity id;
  id.platform = canonical_platform(platform);
  std::string_view local = instance;
  if (local.empty() && id.platform == "mastodon") local = profile_host(author.id);
  id.handle = canonical_handle(id.platform, author.handle, local);
  if (is_did(author.id))
    id.did = canonical_handle(id.platform, author.id);
  else if (is_did(id.handle))
    id.did = id.handle;
  return id;
}

}  // namespace earshot::pipeline::link

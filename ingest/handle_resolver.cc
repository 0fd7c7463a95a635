#include "ingest/handle_resolver.h"

#include "ingest/json_access.h"
#include "ingest/url_util.h"

namespace earshot::ingest {

CachingHandleResolver::CachingHandleResolver(Lookup lookup, std::size_t capacity)
    : lookup_(std::move(lookup)), capacity_(capacity == 0 ? 1 : capacity) {}

std::optional<std::string> CachingHandleResolver::handle_for(std::string_view did) {
  {
    std::lock_guard lock(mu_);
    auto it = index_.find(std::string(did));
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
    ++lookups_;
  }
  std::optional<std::string> handle = lookup_ ? lookup_(did) : std::nullopt;
  std::lock_guard lock(mu_);
  put_locked(std::string(did), handle);
  return handle;
}

void CachingHandleResolver::remember(std::string_view did, std::optional<std::string> handle) {
  std::lock_guard lock(mu_);
  put_locked(std::string(did), std::move(handle));
}

std::size_t CachingHandleResolver::lookups() const {
  std::lock_guard lock(mu_);
  return lookups_;
}

void CachingHandleResolver::put_locked(std::string did, std::optional<std::string> handle) {
  if (auto it = index_.find(did); it != index_.end()) {
    it->second->second = std::move(handle);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(did, std::move(handle));
  index_[std::move(did)] = lru_.begin();
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

CachingHandleResolver::Lookup plc_directory_lookup(std::shared_ptr<pipeline::core::HttpClient> http,
                                                   std::string base) {
  return [http = std::move(http),
          base = std::move(base)](std::string_view did) -> std::optional<std::string> {
    if (!did.starts_with("did:plc:")) return std::nullopt;
    auto r = http->send(
        {.url = join_url(base, std::string(did)), .timeout = std::chrono::milliseconds(5000)});
    if (!r || r->status != 200) return std::nullopt;
    auto doc = parse_json(r->body);
    if (!doc) return std::nullopt;
    const Json* aka = member(*doc, "alsoKnownAs");
    if (aka == nullptr || !aka->is_array()) return std::nullopt;
    for (const Json& a : *aka)
      if (a.is_string() && a.get<std::string>().starts_with("at://"))
        return a.get<std::string>().substr(5);
    return std::nullopt;
  };
}

}  // namespace earshot::ingest

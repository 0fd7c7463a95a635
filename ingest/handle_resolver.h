// earshot::ingest — Bluesky DID → handle, through a bounded cache.
//
// Jetstream events name authors by DID (did:plc:...); Post::author.handle wants the handle
// ("alice.bsky.social"). A CachingHandleResolver asks a lookup function once per DID and
// remembers the answer (misses too, so a dead DID is not asked again and again); identity
// events from the stream update it via remember(). plc_directory_lookup() asks the PLC
// directory (GET <base>/<did> → {"alsoKnownAs": ["at://alice.bsky.social"]}).
//
//   auto resolver = std::make_shared<CachingHandleResolver>(
//       plc_directory_lookup(pipeline::http::make_cpprest_client()));
//   resolver->handle_for("did:plc:abc");   // "alice.bsky.social" or nullopt
//
// Thread safety: CachingHandleResolver is safe to share between threads (one mutex; the
// lookup runs outside it). Lifetime: shared_ptr, shared by the sources that use it.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pipeline/core/http_client.h"

namespace earshot::ingest {

class HandleResolver {
 public:
  virtual ~HandleResolver() = default;
  virtual std::optional<std::string> handle_for(std::string_view did) = 0;
};

class CachingHandleResolver final : public HandleResolver {
 public:
  using Lookup = std::function<std::optional<std::string>(std::string_view did)>;
  explicit CachingHandleResolver(Lookup lookup, std::size_t capacity = 50000);

  std::optional<std::string> handle_for(std::string_view did) override;
  // Records a known answer (from an identity event) without a lookup.
  void remember(std::string_view did, std::optional<std::string> handle);
  std::size_t lookups() const;  // calls made to the lookup function

 private:
  using Entry = std::pair<std::string, std::optional<std::string>>;
  void put_locked(std::string did, std::optional<std::string> handle);

  Lookup lookup_;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recent
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t lookups_ = 0;
};

// Lookup against a PLC directory (did:plc only; did:web and failures → nullopt).
CachingHandleResolver::Lookup plc_directory_lookup(std::shared_ptr<pipeline::core::HttpClient> http,
                                                   std::string base = "https://plc.directory");

}  // namespace earshot::ingest

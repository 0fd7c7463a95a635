// earshot::sinks — model versions (issue 17): what `earshot reprocess` wrote, and what
// `earshot serve` keeps of each version to answer `?version=` and the compare route.
//
// `earshot reprocess --model M --from T --to T [--version NAME]` re-scores the posts of a
// time range with model M into versioned topics — `<scored>.v.<version>`,
// `<mentions>.v.<version>`, `<aggregates>.v.<version>` (compacted), `<alerts>.v.<version>`
// (alerts that would have fired; no sink reads it: delivery is muted) and
// `<deadletter>.v.<version>` — and records one VersionManifest per version, keyed by the
// version name, on the compacted versions topic (`<log.group>.versions`): the model, the
// range, the state (running | complete), the counts and the topic names.
//
// ModelVersions follows that topic from the beginning (group-less, like ApiFollower) and,
// for every version it finds, an ApiStore and a PostStore fed by an ApiFollower of the
// version's topics. "live" is the name of the outputs of the running pipeline.
//
//   ModelVersions versions(log, config.entities, "earshot.versions");
//   if (auto st = versions.start(); !st) ...;
//   const ApiStore* s = versions.store("vader-1f3a9c2e");   // null: unknown (yet)
//   std::string body = versions.list_json({.version = "live", .model = "default"});
//
// Thread safety: every const member is safe from any thread; start()/stop() from the owner.
// A tombstone (empty value) on the versions topic hides a version (lookups answer null, the
// list leaves it out); its stores stay in memory until this object goes.
// Lifetime: the Log must outlive this; the stores a lookup returned live as long as this
// object (versions are never freed while it runs). The destructor stops every follower.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "pipeline/config/entity.h"
#include "pipeline/core/status.h"
#include "pipeline/log/log.h"

namespace earshot::sinks {

class ApiStore;
class ApiFollower;
class PostStore;

inline constexpr std::string_view kLiveVersion = "live";

// One record of the versions topic (JSON; key = version).
struct VersionManifest {
  std::string version;
  std::string model;     // as given to --model (a name or a file)
  std::string model_id;  // the scorer's id (sentiment::Scorer::id())
  std::string from, to;  // the event-time range [from, to), RFC 3339
  std::string state = "running";  // running | complete
  std::string started_at, finished_at;
  std::int64_t posts_read = 0;    // posts-topic records read
  std::int64_t selected = 0;      // of which in the range
  std::int64_t scored = 0, mentions = 0, dead_letters = 0, duplicates = 0;
  std::int64_t aggregates = 0, alerts_muted = 0;  // alerts written to the versioned topic only
  std::string scored_topic, mentions_topic, aggregates_topic, alerts_topic, deadletter_topic;
  bool operator==(const VersionManifest&) const = default;
};

std::string encode_manifest(const VersionManifest& m);
pipeline::core::Result<VersionManifest> decode_manifest(std::string_view json);

// `base` + ".v." + `version`.
std::string versioned_topic(std::string_view base, std::string_view version);
// 1-64 characters of [A-Za-z0-9._-], not "live" (a version is part of topic names).
bool valid_version_name(std::string_view version);

class ModelVersions {
 public:
  ModelVersions(pipeline::log::Log& log, std::vector<pipeline::config::EntityDef> entities,
                std::string versions_topic);
  ~ModelVersions();
  ModelVersions(const ModelVersions&) = delete;
  ModelVersions& operator=(const ModelVersions&) = delete;

  // Starts following the versions topic (which must exist).
  pipeline::core::Status start();
  void stop();

  // Null when `version` is unknown.
  const ApiStore* store(const std::string& version) const;
  const PostStore* posts(const std::string& version) const;
  std::optional<VersionManifest> manifest(const std::string& version) const;
  // {"versions": [{"version": "live", "model": ...}, manifest..., in name order]}.
  std::string list_json(const VersionManifest& live) const;
  std::size_t size() const;

  // Applies one record of the versions topic (the follower's thread calls it; tests too).
  void apply_record(const pipeline::log::Record& record);

 private:
  struct View;
  pipeline::log::Log& log_;
  std::vector<pipeline::config::EntityDef> entities_;
  std::string topic_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<View>> views_;
  std::unique_ptr<pipeline::log::Consumer> consumer_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace earshot::sinks

#include "sinks/model_versions.h"

#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

#include "sinks/api.h"
#include "sinks/post_store.h"

namespace earshot::sinks {

using nlohmann::json;
namespace core = pipeline::core;

struct ModelVersions::View {
  VersionManifest manifest;
  std::unique_ptr<ApiStore> store;
  std::unique_ptr<PostStore> posts;
  std::unique_ptr<ApiFollower> follower;
  // A tombstone (empty value) for the version's key: hidden from lookups and the list. The
  // objects stay (an HTTP thread may hold a pointer) until this ModelVersions goes.
  bool deleted = false;
};

namespace {

json manifest_json(const VersionManifest& m) {
  return {{"v", 1},
          {"version", m.version},
          {"model", m.model},
          {"model_id", m.model_id},
          {"from", m.from},
          {"to", m.to},
          {"state", m.state},
          {"started_at", m.started_at},
          {"finished_at", m.finished_at},
          {"counts",
           {{"posts_read", m.posts_read},
            {"selected", m.selected},
            {"scored", m.scored},
            {"mentions", m.mentions},
            {"dead_letters", m.dead_letters},
            {"duplicates", m.duplicates},
            {"aggregates", m.aggregates},
            {"alerts_muted", m.alerts_muted}}},
          {"topics",
           {{"scored", m.scored_topic},
            {"mentions", m.mentions_topic},
            {"aggregates", m.aggregates_topic},
            {"alerts", m.alerts_topic},
            {"deadletter", m.deadletter_topic}}}};
}

}  // namespace

std::string encode_manifest(const VersionManifest& m) {
  return manifest_json(m).dump(-1, ' ', false, json::error_handler_t::replace);
}

core::Result<VersionManifest> decode_manifest(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return core::fail(core::ErrorCode::kInvalidArgument, "version manifest: not a JSON object");
  VersionManifest m;
  auto str = [&j](const char* key, std::string& out) -> bool {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  for (auto [key, out] : {std::pair{"version", &m.version}, {"model", &m.model},
                          {"from", &m.from}, {"to", &m.to}, {"state", &m.state}}) {
    if (!str(key, *out))
      return core::fail(core::ErrorCode::kInvalidArgument,
                        std::string("version manifest: ") + key + ": expected a string");
  }
  if (!valid_version_name(m.version))
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "version manifest: version: not a valid version name");
  str("model_id", m.model_id);
  str("started_at", m.started_at);
  str("finished_at", m.finished_at);
  if (auto c = j.find("counts"); c != j.end() && c->is_object()) {
    auto num = [&c](const char* key, std::int64_t& out) {
      if (auto it = c->find(key); it != c->end() && it->is_number_integer())
        out = it->get<std::int64_t>();
    };
    num("posts_read", m.posts_read);
    num("selected", m.selected);
    num("scored", m.scored);
    num("mentions", m.mentions);
    num("dead_letters", m.dead_letters);
    num("duplicates", m.duplicates);
    num("aggregates", m.aggregates);
    num("alerts_muted", m.alerts_muted);
  }
  if (auto t = j.find("topics"); t != j.end() && t->is_object()) {
    for (auto [key, out] :
         {std::pair{"scored", &m.scored_topic}, {"mentions", &m.mentions_topic},
          {"aggregates", &m.aggregates_topic}, {"alerts", &m.alerts_topic},
          {"deadletter", &m.deadletter_topic}}) {
      if (auto it = t->find(key); it != t->end() && it->is_string()) *out = it->get<std::string>();
    }
  }
  if (m.scored_topic.empty() || m.aggregates_topic.empty() || m.alerts_topic.empty())
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "version manifest: topics: scored, aggregates and alerts are required");
  return m;
}

std::string versioned_topic(std::string_view base, std::string_view version) {
  return std::string(base) + ".v." + std::string(version);
}

bool valid_version_name(std::string_view v) {
  if (v.empty() || v.size() > 64 || v == kLiveVersion) return false;
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

ModelVersions::ModelVersions(pipeline::log::Log& log,
                             std::vector<pipeline::config::EntityDef> entities,
                             std::string versions_topic)
    : log_(log), entities_(std::move(entities)), topic_(std::move(versions_topic)) {}

ModelVersions::~ModelVersions() { stop(); }

core::Status ModelVersions::start() {
  auto consumer = log_.consumer({.group = "", .topics = {topic_}, .on_revoke = {}});
  EARSHOT_TRY(consumer);
  consumer_ = std::move(*consumer);
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      auto batch = consumer_->poll(100, std::chrono::milliseconds(200));
      if (!batch) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // back off, then retry
        continue;
      }
      for (const auto& r : *batch) apply_record(r);
    }
  });
  return core::ok();
}

void ModelVersions::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (auto& [name, view] : views_) {
    if (view->follower) view->follower->stop();
  }
}

void ModelVersions::apply_record(const pipeline::log::Record& record) {
  if (record.value.empty()) {  // a tombstone: the version was dropped (deploy/RUNBOOK.md)
    std::lock_guard lock(mu_);
    if (auto it = views_.find(record.key); it != views_.end()) it->second->deleted = true;
    return;
  }
  auto m = decode_manifest(record.value);
  if (!m) return;  // not ours to judge: the writer is `earshot reprocess`
  std::lock_guard lock(mu_);
  auto& view = views_[m->version];
  if (view) {
    view->deleted = false;
    view->manifest = std::move(*m);  // running -> complete: new counts, same topics
    return;
  }
  view = std::make_unique<View>();
  view->manifest = std::move(*m);
  view->store = std::make_unique<ApiStore>(entities_);
  view->posts = std::make_unique<PostStore>();
  auto follower = ApiFollower::start(
      log_, *view->store, view->manifest.aggregates_topic, view->manifest.alerts_topic,
      {.scored_topic = view->manifest.scored_topic, .posts = view->posts.get()});
  if (follower) view->follower = std::move(*follower);
}

const ApiStore* ModelVersions::store(const std::string& version) const {
  std::lock_guard lock(mu_);
  auto it = views_.find(version);
  return it == views_.end() || it->second->deleted ? nullptr : it->second->store.get();
}

const PostStore* ModelVersions::posts(const std::string& version) const {
  std::lock_guard lock(mu_);
  auto it = views_.find(version);
  return it == views_.end() || it->second->deleted ? nullptr : it->second->posts.get();
}

std::optional<VersionManifest> ModelVersions::manifest(const std::string& version) const {
  std::lock_guard lock(mu_);
  auto it = views_.find(version);
  if (it == views_.end() || it->second->deleted) return std::nullopt;
  return it->second->manifest;
}

std::size_t ModelVersions::size() const {
  std::lock_guard lock(mu_);
  return views_.size();
}

std::string ModelVersions::list_json(const VersionManifest& live) const {
  json list = json::array();
  list.push_back({{"version", std::string(kLiveVersion)},
                  {"model", live.model},
                  {"model_id", live.model_id},
                  {"state", "live"}});
  std::lock_guard lock(mu_);
  for (const auto& [name, view] : views_) {
    if (view->deleted) continue;
    json j = manifest_json(view->manifest);
    j.erase("v");
    j["following"] = view->follower != nullptr;
    list.push_back(std::move(j));
  }
  return json{{"versions", list}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace earshot::sinks

// The model-version routes of /api/v1 (issue 17; declared in api_v1.h, documented in
// openapi.json): GET /api/v1/versions and GET /api/v1/compare.
//
// compare?entity=E&a=live&b=V&window=1h&limit=50 answers
//   {"entity", "window", "a": {"version", "model"}, "b": {...}, "range": {"from", "to"}|null,
//    "windows": [{"start", "end", "a": W|null, "b": W|null}],        oldest first
//    "compared": N, "changed_total": N, "transitions": {"negative->neutral": N, ...},
//    "changed": [{"uid", "url", "created_at", "text", "a": S, "b": S}]}  newest first
// W = {"volume", "negative", "neutral", "positive", "negative_share", "mean_score"},
// S = {"label", "score", "model"}: the sentiment toward the entity. Windows are those of
// either side whose start lies in the range of the re-scored side(s) (a manifest's [from,
// to)); posts are those both sides' post stores hold (the newest 20,000 each) that mention
// the entity.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "pipeline/core/records.h"
#include "sentiment/sentiment.h"
#include "sinks/api.h"
#include "sinks/api_v1.h"
#include "sinks/model_versions.h"
#include "sinks/post_store.h"

namespace earshot::sinks {

using nlohmann::json;

namespace {

struct Side {
  std::string name;
  const ApiStore* store = nullptr;
  const PostStore* posts = nullptr;
  std::optional<VersionManifest> manifest;  // none for live
};

std::optional<Side> side(const ApiV1& api, const std::string& name) {
  if (name == kLiveVersion) return Side{name, api.store, api.posts, std::nullopt};
  if (api.versions == nullptr) return std::nullopt;
  const ApiStore* store = api.versions->store(name);
  if (store == nullptr) return std::nullopt;
  return Side{name, store, api.versions->posts(name), api.versions->manifest(name)};
}

json window_json(const json& point) {
  const double volume = point.value("volume", 0.0);
  const double negative = point.value("negative", 0.0);
  return {{"volume", point.value("volume", 0)},
          {"negative", point.value("negative", 0)},
          {"neutral", point.value("neutral", 0)},
          {"positive", point.value("positive", 0)},
          {"negative_share", volume > 0 ? negative / volume : 0.0},
          {"mean_score", point.value("mean_score", 0.0)}};
}

const sentiment::Sentiment* toward(const pipeline::core::ScoredPost& p, const std::string& e) {
  for (const auto& m : p.entities) {
    if (m.id == e) return &m.sentiment;
  }
  return nullptr;
}

json sentiment_json(const sentiment::Sentiment& s) {
  return {{"label", std::string(sentiment::to_string(s.label))},
          {"score", s.score},
          {"model", s.model}};
}

std::string compare(const ApiV1& api, const Side& a, const Side& b, const std::string& entity,
                    const std::string& window, std::size_t limit) {
  // The range: the re-scored side's (the intersection when both are re-scored).
  std::optional<std::pair<std::string, std::string>> range;
  for (const Side* s : {&a, &b}) {
    if (!s->manifest) continue;
    if (!range) {
      range = {s->manifest->from, s->manifest->to};
    } else {
      range->first = std::max(range->first, s->manifest->from);
      range->second = std::min(range->second, s->manifest->to);
    }
  }
  // RFC 3339 instants in UTC with a fixed shape sort as strings; window starts carry
  // milliseconds, the manifest's bounds too (both written by format_rfc3339_ms).
  std::map<std::string, json> windows;
  for (const auto& [s, key] : {std::pair{&a, "a"}, std::pair{&b, "b"}}) {
    auto body = s->store->aggregates_json(entity, window, 10'000);
    if (!body) continue;
    const json parsed = json::parse(*body);  // named: the loop must not outlive it
    for (const auto& p : parsed["points"]) {
      std::string start = p.value("start", "");
      if (range && (start < range->first || start >= range->second)) continue;
      json& w = windows[start];
      if (w.is_null()) w = {{"start", start}, {"end", p.value("end", "")}, {"a", nullptr},
                            {"b", nullptr}};
      w[key] = window_json(p);
    }
  }
  json list = json::array();
  for (auto& [start, w] : windows) list.push_back(std::move(w));

  std::unordered_map<std::string, pipeline::core::ScoredPost> a_posts;
  if (a.posts != nullptr) {
    for (auto& p : a.posts->snapshot()) {
      if (toward(p, entity) != nullptr) a_posts.emplace(p.post.uid, std::move(p));
    }
  }
  std::vector<json> changed;
  std::map<std::string, std::int64_t> transitions;
  std::int64_t compared = 0;
  if (b.posts != nullptr) {
    for (const auto& pb : b.posts->snapshot()) {
      const sentiment::Sentiment* sb = toward(pb, entity);
      auto it = sb ? a_posts.find(pb.post.uid) : a_posts.end();
      if (it == a_posts.end()) continue;
      const sentiment::Sentiment* sa = toward(it->second, entity);
      ++compared;
      if (sa->label == sb->label) continue;
      ++transitions[std::string(sentiment::to_string(sa->label)) + "->" +
                    std::string(sentiment::to_string(sb->label))];
      changed.push_back({{"uid", pb.post.uid},
                         {"url", pb.post.url},
                         {"created_at", pb.post.created_at},
                         {"text", pb.post.text},
                         {"a", sentiment_json(*sa)},
                         {"b", sentiment_json(*sb)}});
    }
  }
  std::sort(changed.begin(), changed.end(), [](const json& x, const json& y) {
    return x["created_at"].get<std::string>() > y["created_at"].get<std::string>();
  });
  const auto changed_total = static_cast<std::int64_t>(changed.size());
  if (changed.size() > limit) changed.resize(limit);
  auto describe = [&api](const Side& s) {
    return json{{"version", s.name},
                {"model", s.manifest ? s.manifest->model : api.live_model}};
  };
  json out{{"entity", entity},
           {"window", window},
           {"a", describe(a)},
           {"b", describe(b)},
           {"range", range ? json{{"from", range->first}, {"to", range->second}} : json(nullptr)},
           {"windows", std::move(list)},
           {"compared", compared},
           {"changed_total", changed_total},
           {"transitions", transitions},
           {"changed", changed}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void add_version_routes(std::vector<ApiRoute>& routes, const ApiV1& api) {
  routes.push_back({"GET", "/api/v1/versions", Access::kRead, [api](const ServerRequest&) {
                      VersionManifest live;
                      live.model = api.live_model;
                      if (api.versions == nullptr) {
                        json one{{"versions",
                                  json::array({{{"version", std::string(kLiveVersion)},
                                                {"model", api.live_model},
                                                {"model_id", ""},
                                                {"state", "live"}}})}};
                        return ServerResponse::json(200, one.dump());
                      }
                      return ServerResponse::json(200, api.versions->list_json(live));
                    }});
  routes.push_back({"GET", "/api/v1/compare", Access::kRead, [api](const ServerRequest& r) {
                      std::string entity = r.query_value("entity");
                      if (entity.empty()) return ServerResponse::error(400, "entity is required");
                      std::string an = r.query_value("a", "live"), bn = r.query_value("b");
                      if (bn.empty()) return ServerResponse::error(400, "b is required");
                      auto a = side(api, an), b = side(api, bn);
                      if (!a) return ServerResponse::error(404, "unknown version: " + an);
                      if (!b) return ServerResponse::error(404, "unknown version: " + bn);
                      std::size_t limit = 50;
                      if (std::string l = r.query_value("limit"); !l.empty()) {
                        auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), limit);
                        if (ec != std::errc() || p != l.data() + l.size() || limit < 1)
                          return ServerResponse::error(400, "limit: expected a positive integer");
                        limit = std::min<std::size_t>(limit, 500);
                      }
                      return ServerResponse::json(
                          200, compare(api, *a, *b, entity, r.query_value("window", "1h"), limit));
                    }});
}

}  // namespace earshot::sinks

#include "sinks/api_v1.h"

#include <charconv>
#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "pipeline/core/rfc3339.h"
#include "sinks/alert_states.h"
#include "sinks/api.h"
#include "sinks/http_server.h"
#include "sinks/model_versions.h"
#include "sinks/post_store.h"

namespace earshot::sinks {

namespace assets {
extern const char kOpenApiJson[];  // generated from sinks/openapi.json (sinks/CMakeLists.txt)
}  // namespace assets

using nlohmann::json;

namespace {

std::optional<std::size_t> parse_count(const std::string& s, std::size_t fallback, std::size_t min,
                                       std::size_t max) {
  if (s.empty()) return fallback;
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n < min) return std::nullopt;
  return std::min(n, max);
}

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return pipeline::core::format_rfc3339_ms(ms);
}

ServerResponse act(const ApiV1& api, const ServerRequest& r, const std::string& action) {
  std::string id = r.param("id");
  if (!api.store->has_alert(id)) return ServerResponse::error(404, "unknown alert: " + id);
  if (api.writer == nullptr || api.states == nullptr)
    return ServerResponse::error(503, "alert states are not recorded by this server");
  auto state =
      api.states->act(*api.writer, api.states_topic, id, action, r.principal, now_rfc3339());
  if (!state) return ServerResponse::error(503, "cannot record: " + state.error().message);
  return ServerResponse::json(200, std::move(*state));
}

}  // namespace

std::string_view openapi_json() { return assets::kOpenApiJson; }

std::vector<ApiRoute> api_v1_routes(const ApiV1& api) {
  std::vector<ApiRoute> routes;
  auto route = [&routes](std::string method, std::string path, Access access,
                         HttpServer::Handler handler) {
    routes.push_back({std::move(method), std::move(path), access, std::move(handler)});
  };
  const ApiStore& store = *api.store;
  route("GET", "/api/v1/openapi.json", Access::kPublic, [](const ServerRequest&) {
    return ServerResponse::json(200, std::string(openapi_json()));
  });
  route("GET", "/api/v1/entities", Access::kRead, [&store](const ServerRequest&) {
    return ServerResponse::json(200, store.entities_json());
  });
  route("GET", "/api/v1/aggregates", Access::kRead, [api](const ServerRequest& r) {
    const ApiStore* chosen = api.store;  // ?version= (issue 17): a re-scored version
    if (std::string v = r.query_value("version", "live"); v != kLiveVersion) {
      chosen = api.versions ? api.versions->store(v) : nullptr;
      if (chosen == nullptr) return ServerResponse::error(404, "unknown version: " + v);
    }
    std::string entity = r.query_value("entity");
    if (entity.empty()) return ServerResponse::error(400, "entity is required");
    auto limit = parse_count(r.query_value("limit"), 1440, 1, 10'000);
    if (!limit) return ServerResponse::error(400, "limit: expected a positive integer");
    auto body = chosen->aggregates_json(entity, r.query_value("window", "1m"), *limit);
    if (!body) return ServerResponse::error(404, "unknown entity: " + entity);
    return ServerResponse::json(200, std::move(*body));
  });
  route("GET", "/api/v1/alerts", Access::kRead, [api](const ServerRequest& r) {
    auto limit = parse_count(r.query_value("limit"), 50, 1, 500);
    if (!limit) return ServerResponse::error(400, "limit: expected a positive integer");
    std::string entity = r.query_value("entity"), state = r.query_value("state");
    if (!state.empty() && state != "open" && state != "acknowledged" && state != "resolved")
      return ServerResponse::error(400, "state: expected open, acknowledged or resolved");
    json all = json::parse(api.store->alerts_json(500));
    json out = json::array();
    for (auto& a : all["alerts"]) {
      if (out.size() >= *limit) break;
      if (!entity.empty() && a["entity"] != entity) continue;
      json ack = api.states ? json::parse(api.states->state_json(a["id"].get<std::string>()))
                            : json{{"state", "open"},
                                   {"by", nullptr},
                                   {"at", nullptr},
                                   {"history", json::array()}};
      ack.erase("alert");
      if (!state.empty() && ack["state"] != state) continue;
      a["ack"] = std::move(ack);
      out.push_back(std::move(a));
    }
    return ServerResponse::json(
        200, json{{"alerts", out}}.dump(-1, ' ', false, json::error_handler_t::replace));
  });
  route("GET", "/api/v1/posts", Access::kRead, [api](const ServerRequest& r) {
    PostQuery q{.entity = r.query_value("entity"),
                .label = r.query_value("label"),
                .intent = r.query_value("intent"),
                .source = r.query_value("source"),
                .tier = r.query_value("tier"),
                .lang = r.query_value("lang"),
                .text = r.query_value("q"),
                .from = r.query_value("from"),
                .until = r.query_value("until")};
    std::string sort = r.query_value("sort", "newest");
    if (sort == "negative")
      q.sort = PostQuery::Sort::kNegative;
    else if (sort != "newest")
      return ServerResponse::error(400, "sort: expected newest or negative");
    auto offset = parse_count(r.query_value("offset"), 0, 0, 1'000'000);
    auto limit = parse_count(r.query_value("limit"), 50, 1, 200);
    if (!offset || !limit)
      return ServerResponse::error(400, "offset, limit: expected non-negative integers");
    q.offset = *offset;
    q.limit = *limit;
    const PostStore* posts = api.posts;  // ?version= (issue 17)
    if (std::string v = r.query_value("version", "live"); v != kLiveVersion) {
      posts = api.versions ? api.versions->posts(v) : nullptr;
      if (posts == nullptr) return ServerResponse::error(404, "unknown version: " + v);
    }
    if (posts == nullptr) return ServerResponse::error(503, "posts are not followed");
    return ServerResponse::json(200, posts->query_json(q));
  });
  route("POST", "/api/v1/alerts/{id}/ack", Access::kAdmin,
        [api](const ServerRequest& r) { return act(api, r, "ack"); });
  route("POST", "/api/v1/alerts/{id}/resolve", Access::kAdmin,
        [api](const ServerRequest& r) { return act(api, r, "resolve"); });
  for (auto& r : live_api_routes(api.live, api.sessions)) routes.push_back(std::move(r));
  add_version_routes(routes, api);
  return routes;
}

void add_api_v1_routes(HttpServer& server, const ApiV1& api) {
  for (auto& r : api_v1_routes(api)) {
    if (r.events)
      server.route_events(std::move(r.path), r.access, std::move(r.events));
    else
      server.route(std::move(r.method), std::move(r.path), r.access, std::move(r.handler));
  }
  if (api.sessions != nullptr) {
    server.set_event_auth([sessions = api.sessions](const ServerRequest& r) {
      return session_from_cookie(*sessions, r);
    });
  }
}

void add_api_routes(HttpServer& server, const ApiStore& store) {
  add_api_v1_routes(server, ApiV1{.store = &store});
}

}  // namespace earshot::sinks

// earshot::sinks — the versioned JSON API under /api/v1 that the dashboard uses, described
// route by route in sinks/openapi.json (served at GET /api/v1/openapi.json; a test walks it
// against the running server).
//
//   GET  /api/v1/entities                       (read)   as /api/entities
//   GET  /api/v1/aggregates?entity&window&limit (read)   as /api/aggregates
//   GET  /api/v1/alerts?limit&entity&state      (read)   alerts, each with "ack": its state
//   GET  /api/v1/posts?entity&label&intent&source&tier&lang&q&from&until&sort&offset&limit
//                                               (read)   recent scored posts (post_store.h)
//   POST /api/v1/alerts/{id}/ack, /resolve      (admin)  recorded with the token's owner and
//                                                        the time, on the alert-state topic
//   GET  /api/v1/openapi.json                   (public) the OpenAPI 3.0 document
//   POST /api/v1/session                        (read)   a cookie for the event stream
//   GET  /api/v1/events                         (read)   server-sent events (live_events.h);
//                                                        bearer token or the session cookie
//   GET  /api/v1/versions                       (read)   "live" and the re-scored versions
//   GET  /api/v1/compare?entity&a&b&window&limit (read)  per window counts and shares of two
//                                                        versions, and the posts whose label
//                                                        changed (api_versions.cc)
//   `?version=NAME` on aggregates and posts reads a re-scored version (default "live").
//
//   ApiV1 v1{.store = &store, .posts = &posts, .states = &states, .writer = producer.get(),
//            .states_topic = config.log.topic("alerts") + ".states"};
//   add_api_v1_routes(server, v1);
//
// Thread safety: as the stores (all safe from any thread). Lifetime: everything ApiV1
// points to must outlive the server's stop().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/log/log.h"
#include "sinks/http_server.h"

namespace earshot::sinks {

class ApiStore;
class PostStore;
class AlertStates;
class LiveHub;
class SessionStore;
class ModelVersions;

struct ApiV1 {
  const ApiStore* store = nullptr;
  const PostStore* posts = nullptr;
  AlertStates* states = nullptr;
  pipeline::log::Producer* writer = nullptr;  // for alert states; null = ack/resolve answer 503
  std::string states_topic;
  // Live updates (sinks/live_events.h): POST /api/v1/session, GET /api/v1/events. Null: the
  // routes exist but answer 503 / close at once.
  LiveHub* live = nullptr;
  SessionStore* sessions = nullptr;
  // Issue 17: the re-scored versions (`earshot reprocess`, sinks/model_versions.h) behind
  // `?version=` on aggregates and posts, GET /api/v1/versions and GET /api/v1/compare; null =
  // only "live". `live_model` names the live pipeline's model in /api/v1/versions.
  const ModelVersions* versions = nullptr;
  std::string live_model;
};

void add_api_v1_routes(HttpServer& server, const ApiV1& api);

// The routes add_api_v1_routes() registers, as data. (The OpenAPI test compares the document
// with HttpServer::routes() of a server holding these and the reply queue's routes: no route
// undocumented, none documented but missing.)
struct ApiRoute {
  std::string method, path;
  Access access;
  HttpServer::Handler handler;
  HttpServer::EventSource events = {};  // set for an event-stream route (handler empty)
};
std::vector<ApiRoute> api_v1_routes(const ApiV1& api);
// The two live-update routes (sinks/live_events.cc), part of api_v1_routes().
std::vector<ApiRoute> live_api_routes(LiveHub* hub, SessionStore* sessions);
// The owner and scope of a valid `earshot_session` cookie of `r` (HttpServer::set_event_auth).
std::optional<std::pair<std::string, pipeline::core::Scope>> session_from_cookie(
    const SessionStore& sessions, const ServerRequest& r);
// The model-version routes (versions, compare; api_versions.cc), part of api_v1_routes().
void add_version_routes(std::vector<ApiRoute>& routes, const ApiV1& api);

// The OpenAPI document (sinks/openapi.json, embedded at build time).
std::string_view openapi_json();

}  // namespace earshot::sinks

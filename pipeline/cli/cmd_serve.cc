// earshot serve --config FILE [--listen HOST:PORT]
// Follows the aggregates (compacted), alerts, scored and alert-state topics from the
// beginning and serves, on api.listen: the JSON API under /api/v1 (sinks/api_v1.h,
// sinks/openapi.json; bearer tokens from api.tokens), the dashboard page (/), /metrics and
// /healthz. Stateless: any number of instances may run; each rebuilds its view from the
// topics when it starts (acknowledgements are written to the alert-state topic).
#include <CLI/CLI.hpp>

#include <thread>

#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/metrics_wiring.h"
#include "pipeline/cli/roles.h"
#include "sinks/alert_states.h"
#include "sinks/api.h"
#include "sinks/api_v1.h"
#include "sinks/dashboard.h"
#include "sinks/http_server.h"
#include "sinks/live_events.h"
#include "sinks/model_versions.h"
#include "sinks/post_store.h"
#include "sinks/reply_api.h"

namespace earshot::pipeline::cli {

ServeInstance::~ServeInstance() {
  watched.reset();  // no scrape reads the store from here on
  reply_watched.reset();
  live_watched.reset();
  if (server) server->stop();  // no request reads it either
  if (follower) follower->stop();
  if (versions) versions->stop();
}

std::unique_ptr<ServeInstance> start_serve(const pipeline::config::Config& config,
                                           pipeline::log::Log& log, MetricsHub& hub,
                                           const ServeOptions& serve) {
  auto s = std::make_unique<ServeInstance>();
  s->store = std::make_unique<sinks::ApiStore>(config.entities);
  std::string listen = serve.listen.empty() ? config.api.listen : serve.listen;
  s->server = std::make_unique<sinks::HttpServer>(sinks::HttpServerOptions{
      .listen = listen,
      .tokens = config.api.tokens,
      .max_body_bytes = static_cast<std::size_t>(config.api.max_body),
      .max_connections = static_cast<std::size_t>(config.api.max_connections),
      .header_timeout = config.api.header_timeout,
      .idle_timeout = config.api.idle_timeout,
      .max_streams = static_cast<std::size_t>(config.api.max_event_clients),
      .heartbeat = config.api.event_heartbeat});
  s->live =
      std::make_unique<sinks::LiveHub>(sinks::LiveOptions{.throttle = config.api.event_throttle});
  s->sessions = std::make_unique<sinks::SessionStore>(config.api.session_ttl);
  s->posts = std::make_unique<sinks::PostStore>();
  s->alert_states = std::make_unique<sinks::AlertStates>();
  auto writer = log.producer({});
  if (!writer) throw Exit{kExitRuntime, "serve: " + writer.error().message};
  s->writer = std::move(*writer);
  s->versions =
      std::make_unique<sinks::ModelVersions>(log, config.entities, versions_topic(config));
  sinks::add_api_v1_routes(*s->server, {.store = s->store.get(),
                                        .posts = s->posts.get(),
                                        .states = s->alert_states.get(),
                                        .writer = s->writer.get(),
                                        .states_topic = alert_states_topic(config),
                                        .live = s->live.get(),
                                        .sessions = s->sessions.get(),
                                        .versions = s->versions.get(),
                                        .live_model = config.sentiment.model});
  s->reply_book = std::make_unique<sinks::ReplyBook>();
  auto reply_producer = log.producer({});
  if (!reply_producer) throw Exit{kExitRuntime, "serve: " + reply_producer.error().message};
  s->reply_producer = std::move(*reply_producer);
  s->reply_api = std::make_unique<sinks::ReplyApi>(
      *s->reply_book, sinks::reply_publisher(*s->reply_producer, config.log.topic("replies")));
  s->reply_api->install(*s->server);
  s->server->route("/", sinks::Access::kPublic,
                   [](const sinks::ServerRequest&) { return sinks::dashboard_response(); });
  hub.install(*s->server);
  if (auto st = s->server->start(); !st) {
    if (serve.busy_is_warning) {
      log_info("warning: API and dashboard not served: " + st.error().message +
               " (choose another address: demo --port N, run --listen HOST:PORT)");
      return nullptr;
    }
    throw Exit{kExitRuntime, "serve: " + st.error().message};
  }
  sinks::LiveFeed feed{.hub = s->live.get(),
                       .store = s->store.get(),
                       .states = s->alert_states.get(),
                       .replies = s->reply_book.get(),
                       .aggregates_topic = config.log.topic("aggregates"),
                       .alerts_topic = config.log.topic("alerts"),
                       .scored_topic = config.log.topic("scored"),
                       .alert_states_topic = alert_states_topic(config)};
  auto follower = sinks::ApiFollower::start(
      log, *s->store, config.log.topic("aggregates"), config.log.topic("alerts"),
      {.scored_topic = config.log.topic("scored"),
       .posts = s->posts.get(),
       .alert_states_topic = alert_states_topic(config),
       .alert_states = s->alert_states.get(),
       .on_record = [feed](const pipeline::log::Record& r) { feed.on_record(r); }});
  if (!follower) throw Exit{kExitRuntime, "serve: " + follower.error().message};
  s->follower = std::move(*follower);
  if (auto st = s->versions->start(); !st)
    throw Exit{kExitRuntime, "serve: model versions: " + st.error().message};
  auto replies = sinks::ReplyBookFollower::start(
      log, *s->reply_book, config.log.topic("replies"),
      [feed](const std::string& id) { feed.on_reply(id); });
  if (!replies) throw Exit{kExitRuntime, "serve: " + replies.error().message};
  s->reply_follower = std::move(*replies);
  {
    s->reply_watched = hub.registry().add_collector(
        [book = s->reply_book.get()](pipeline::core::MetricsWriter& w) {
          for (const char* st : {"pending_approval", "approved", "sending", "sent", "failed",
                                 "rejected", "blocked", "planned"}) {
            w.gauge("earshot_replies", "Replies by current status (serve's view of the topic)",
                    {{"status", st}}, static_cast<double>(book->list(st, "", SIZE_MAX).size()));
          }
        });
  }
  s->live_watched = hub.registry().add_collector(
      [live = s->live.get(), sessions = s->sessions.get()](pipeline::core::MetricsWriter& w) {
        w.gauge("earshot_live_clients", "Open live-update streams (GET /api/v1/events)", {},
                static_cast<double>(live->clients()));
        w.gauge("earshot_live_sessions", "Live-update sessions held (POST /api/v1/session)", {},
                static_cast<double>(sessions->size()));
        w.counter("earshot_live_events_total", "Live-update events sent", {},
                  static_cast<double>(live->events()));
        w.counter("earshot_live_dropped_total",
                  "Live-update clients dropped (gone, closed or too slow to read)", {},
                  static_cast<double>(live->dropped()));
      });
  s->watched = watch_api(&hub.registry(), *s->store, *s->follower, *s->server);
  s->url = s->server->url();
  if (config.api.tokens.empty() && listen.rfind("127.", 0) != 0 &&
      listen.rfind("localhost:", 0) != 0 && listen.rfind("[::1]:", 0) != 0) {
    log_info("warning: api.listen " + listen +
             " is not loopback and api.tokens is empty: the API is open");
  }
  return s;
}

int run_serve_role(const pipeline::config::Config& config, pipeline::log::Log& log, MetricsHub& hub,
                   const ServeOptions& serve, const RoleOptions& options) {
  hub.set_role_state("serve", "starting");
  auto s = start_serve(config, log, hub, serve);
  hub.set_role_state("serve", "running");
  log_info("serve: " + s->url + "/ (API " +
           (config.api.tokens.empty() ? "open" : "token-protected") + ") on " + log.describe());
  auto idle_since = std::chrono::steady_clock::now();
  std::uint64_t seen = 0;
  while (!g_stop && (!options.stop || !options.stop->load())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::uint64_t now_seen = s->store->aggregates_applied() + s->store->alerts_applied();
    auto now = std::chrono::steady_clock::now();
    if (now_seen != seen) {
      seen = now_seen;
      idle_since = now;
    }
    if (options.exit_when_idle.count() > 0 && s->follower->caught_up() &&
        now - idle_since > options.exit_when_idle) {
      break;
    }
  }
  hub.set_role_state("serve", "stopped");
  return kExitOk;
}

}  // namespace earshot::pipeline::cli

// earshot::sinks — the dashboard: one self-contained HTML page (inline CSS and JS, no CDN,
// no external requests) served at GET / by `earshot serve`, `run` and `demo`.
//
// The page (sinks/dashboard.html, embedded at build time) shows, from /api/v1: per entity a
// chart of posts per window stacked by sentiment, with a UTC time axis, a count axis with its
// unit and a legend, for the last hour (1m windows), day or week (1h windows) up to the
// newest window, and an entity filter; the post stream with filters (entity, sentiment,
// intent, source, customer tier, language, text), newest or most negative first, paginated;
// drill-down (click an entity's name, a window's bar or an alert's "Posts") to the posts
// behind it; alerts with Acknowledge / Resolve; the reply queue (/api/v1/replies) beside
// them. Updates: an EventSource on /api/v1/events when the server offers it, else a
// 5-second poll that survives a server restart. When the API answers 401 or 403 the page
// asks for a token and keeps it in sessionStorage (a "#token=..." fragment works too).
// Untrusted text (posts, names, handles) only ever reaches the DOM through textContent.
//
//   server.route("/", Access::kPublic, [](const ServerRequest&) { return dashboard_response(); });
//
// Thread safety: the page is a constant.
#pragma once

#include <string_view>

#include "sinks/http_server.h"

namespace earshot::sinks {

std::string_view dashboard_html();
ServerResponse dashboard_response();  // 200, text/html, with a restrictive Content-Security-Policy

}  // namespace earshot::sinks

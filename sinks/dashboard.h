// earshot::sinks — the dashboard: one self-contained HTML page (inline CSS and JS, no CDN,
// no external requests) served at GET / by `earshot serve`, `run` and `demo`.
//
// The page polls /api/entities and /api/alerts every 5 seconds and draws, per entity, the
// latest 1m and 1h figures and an inline-SVG sparkline of volume and mean sentiment over
// the last 1m windows (/api/aggregates), plus the alert list with links to the evidence
// posts. When the API needs a bearer token the page asks for it once and keeps it in the
// browser's sessionStorage (a "#token=..." fragment in the URL works too).
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

#include "sinks/dashboard.h"

namespace earshot::sinks {

namespace assets {
extern const char kDashboardHtml[];  // generated from sinks/dashboard.html (sinks/CMakeLists.txt)
}  // namespace assets

std::string_view dashboard_html() { return assets::kDashboardHtml; }

ServerResponse dashboard_response() {
  ServerResponse r{200, "text/html; charset=utf-8", std::string(dashboard_html()), {}};
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
      "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'");
  return r;
}

}  // namespace earshot::sinks

#include "sinks/http_client.h"

#include <cpprest/http_client.h>

#include <cctype>

namespace earshot::sinks {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

namespace {

class CppRestClient final : public HttpClient {
 public:
  pipeline::core::Result<HttpResponse> post(const HttpRequest& request) override {
    try {
      web::http::client::http_client_config cfg;
      cfg.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout));
      web::http::client::http_client client(web::uri(request.url), cfg);
      web::http::http_request req(web::http::methods::POST);
      std::string content_type = "application/json";
      for (const auto& [name, value] : request.headers) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "content-type") {
          content_type = value;
        } else {
          req.headers().add(name, value);
        }
      }
      req.set_body(request.body, content_type);
      web::http::http_response resp = client.request(req).get();
      HttpResponse out;
      out.status = resp.status_code();
      for (const auto& [name, value] : resp.headers()) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[lower] = value;
      }
      out.body = resp.extract_utf8string(true).get();
      return out;
    } catch (const web::http::http_exception& e) {
      std::string what = e.what();
      bool timeout = what.find("timed out") != std::string::npos || what.find("timeout") != std::string::npos;
      return fail(timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable, "POST " + request.url + ": " + what);
    } catch (const std::exception& e) {
      return fail(ErrorCode::kUnavailable, "POST " + request.url + ": " + e.what());
    }
  }
};

}  // namespace

std::unique_ptr<HttpClient> make_http_client() { return std::make_unique<CppRestClient>(); }

}  // namespace earshot::sinks

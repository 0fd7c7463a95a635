// A Mastodon server in memory for the reply tests (issue 14): POST /api/v1/statuses and
// GET /api/v1/statuses/:id/context behind the HttpClient interface.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/core/http_client.h"

namespace earshot::sinks::testing_support {

namespace core = pipeline::core;

// A Mastodon server in memory, idempotent like the real one: a POST with an
// Idempotency-Key it has seen returns the status it made then (until forget_keys(), which
// stands for the key's hour passing). Records every request.
class FixtureMastodon : public core::HttpClient {
 public:
  struct Status {
    std::string id, in_reply_to_id, text, acct;
  };
  std::vector<core::HttpRequest> requests;
  std::vector<Status> statuses;
  std::deque<core::HttpResponse> scripted;  // answered first, in order, to POSTs
  std::string acct = "acme";

  core::Result<core::HttpResponse> send(const core::HttpRequest& req) override {
    std::lock_guard lock(mu);
    requests.push_back(req);
    auto header = [&](std::string_view name) {
      for (const auto& [k, v] : req.headers)
        if (k == name) return v;
      return std::string();
    };
    if (header("Authorization") != "Bearer secret-token") return answer(401, R"({"error":"auth"})");
    const std::string base = "https://m.example/api/v1/statuses";
    if (req.method == "POST" && req.url == base) {
      if (!scripted.empty()) {
        auto r = scripted.front();
        scripted.pop_front();
        return r;
      }
      std::string key = header("Idempotency-Key");
      if (auto it = keys_.find(key); !key.empty() && it != keys_.end()) {
        return answer(200, nlohmann::json{{"id", statuses[it->second].id}}.dump());
      }
      nlohmann::json body = nlohmann::json::parse(req.body);
      Status s{std::to_string(1000 + statuses.size()), body.value("in_reply_to_id", ""),
               body["status"].get<std::string>(), acct};
      statuses.push_back(s);
      if (!key.empty()) keys_[key] = statuses.size() - 1;
      return answer(200, nlohmann::json{{"id", s.id}}.dump());
    }
    if (req.method == "GET" && req.url.starts_with(base + "/") && req.url.ends_with("/context")) {
      std::string id = req.url.substr(base.size() + 1, req.url.size() - base.size() - 9);
      nlohmann::json d = nlohmann::json::array();
      for (const auto& s : statuses) {
        if (s.in_reply_to_id == id)
          d.push_back({{"id", s.id}, {"in_reply_to_id", id}, {"account", {{"acct", s.acct}}}});
      }
      return answer(
          200, nlohmann::json{{"ancestors", nlohmann::json::array()}, {"descendants", d}}.dump());
    }
    return answer(404, R"({"error":"Record not found"})");
  }
  void forget_keys() {
    std::lock_guard lock(mu);
    keys_.clear();
  }
  std::vector<Status> snapshot() {
    std::lock_guard lock(mu);
    return statuses;
  }
  std::size_t posts() {
    std::lock_guard lock(mu);
    return std::count_if(requests.begin(), requests.end(),
                         [](const auto& r) { return r.method == "POST"; });
  }
  static core::HttpResponse answer(int status, std::string body,
                                   std::map<std::string, std::string> headers = {}) {
    return {status, std::move(headers), std::move(body)};
  }

 private:
  std::mutex mu;
  std::map<std::string, std::size_t> keys_;
};

}  // namespace earshot::sinks::testing_support

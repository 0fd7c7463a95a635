// A Bluesky PDS for the reply tests (issue 14): createSession, refreshSession, createRecord
// and getRecord, idempotent like the real one — a createRecord with a record key that exists
// is refused (400 InvalidRequest "Record already exists"; `duplicate_status = 500` plays an
// older PDS) and nothing is overwritten. Records every request. Used in memory (it is an
// HttpClient, base https://pds.example) or over HTTP (http() behind an HttpFixtureServer).
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/core/http_client.h"
#include "tests/support/http_server.h"

namespace earshot::sinks::testing_support {

namespace core = pipeline::core;

class FixturePds : public core::HttpClient {
 public:
  struct Request {
    std::string method, target, authorization, body;
  };
  struct Record {
    std::string rkey, uri, cid;
    nlohmann::json value;
  };
  static constexpr const char* kBase = "https://pds.example";
  std::string did = "did:plc:acme";
  std::string handle = "acme.bsky.example";
  std::string password = "app-pass-1234-5678";
  int duplicate_status = 400;
  std::deque<core::HttpResponse> scripted;  // answered first, in order, to createRecord
  bool lose_next_answer = false;  // write the next record, then fail the call (transport)

  core::Result<core::HttpResponse> send(const core::HttpRequest& req) override {
    std::string auth;
    for (const auto& [k, v] : req.headers)
      if (k == "Authorization") auth = v;
    if (!req.url.starts_with(kBase)) return answer(404, R"({"error":"NotFound"})");
    bool lost = false;
    auto res = serve(req.method, req.url.substr(std::string(kBase).size()), auth, req.body, &lost);
    if (lost) return std::unexpected(core::Error(core::ErrorCode::kUnavailable, "reset"));
    return res;
  }

  // The server's answer to one request; `target` is the path and query.
  core::HttpResponse serve(const std::string& method, const std::string& target,
                            const std::string& auth, const std::string& body, bool* lost) {
    std::lock_guard lock(mu_);
    requests_.push_back({method, target, auth, body});
    std::string path = target.substr(0, target.find('?'));
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (method == "POST" && path == "/xrpc/com.atproto.server.createSession") {
      ++sessions_created_;
      if (!j.is_object() || (j.value("identifier", "") != handle && j.value("identifier", "") != did) ||
          j.value("password", "") != password)
        return error(401, "AuthenticationRequired", "Invalid identifier or password");
      return session_answer();
    }
    if (method == "POST" && path == "/xrpc/com.atproto.server.refreshSession") {
      if (auth != "Bearer " + refresh_) return error(400, "ExpiredToken", "Token has expired");
      return session_answer();
    }
    bool authorized = auth == "Bearer " + access_ && !access_.empty();
    if (method == "GET" && path == "/xrpc/com.atproto.repo.getRecord") {
      std::string rkey = query(target, "rkey");
      auto it = records_.find(rkey);
      if (query(target, "repo") != did || it == records_.end())
        return error(400, "RecordNotFound", "Could not locate record: at://" + did + "/" + rkey);
      return answer(200, nlohmann::json{{"uri", it->second.uri},
                                        {"cid", it->second.cid},
                                        {"value", it->second.value}}
                             .dump());
    }
    if (method == "POST" && path == "/xrpc/com.atproto.repo.createRecord") {
      if (!authorized) {
        return auth.starts_with("Bearer access-") ? error(400, "ExpiredToken", "Token has expired")
                                                  : error(401, "AuthMissing", "Authentication Required");
      }
      if (!scripted.empty()) {
        auto r = scripted.front();
        scripted.pop_front();
        return r;
      }
      if (!j.is_object() || j.value("repo", "") != did ||
          j.value("collection", "") != "app.bsky.feed.post" || !j.contains("record"))
        return error(400, "InvalidRequest", "Input must have the properties repo, collection, record");
      std::string rkey = j.value("rkey", "");
      if (!tid_shaped(rkey)) return error(400, "InvalidRequest", "Invalid TID: " + rkey);
      const auto& rec = j["record"];
      if (rec.value("$type", "") != "app.bsky.feed.post" || rec.value("text", "").empty() ||
          !rec.contains("createdAt") || !rec.contains("reply"))
        return error(400, "InvalidRequest", "Invalid app.bsky.feed.post record");
      if (records_.contains(rkey)) {
        return duplicate_status == 400 ? error(400, "InvalidRequest", "Record already exists")
                                       : error(500, "InternalServerError", "Internal Server Error");
      }
      Record r{rkey, "at://" + did + "/app.bsky.feed.post/" + rkey,
               "bafyrec" + std::to_string(records_.size() + 1), rec};
      records_[rkey] = r;
      order_.push_back(rkey);
      if (lose_next_answer) {
        lose_next_answer = false;
        if (lost) *lost = true;
        return error(502, "UpstreamFailure", "lost");
      }
      return answer(200, nlohmann::json{{"uri", r.uri},
                                        {"cid", r.cid},
                                        {"validationStatus", "valid"}}
                             .dump());
    }
    return error(404, "MethodNotImplemented", "Method Not Implemented");
  }

  // For an HttpFixtureServer: the same server over HTTP (a lost answer drops the connection).
  earshot::testing::FixtureResponse http(const earshot::testing::FixtureRequest& req) {
    bool lost = false;
    auto r = serve(req.method, req.target, req.header("authorization"), req.body, &lost);
    if (lost) return {0, {}, ""};
    earshot::testing::FixtureResponse out{r.status, {{"Content-Type", "application/json"}}, r.body};
    for (const auto& [k, v] : r.headers) out.headers.emplace_back(k, v);
    return out;
  }

  void expire_access_tokens() {
    std::lock_guard lock(mu_);
    access_ = "expired";
  }
  std::vector<Record> records() {
    std::lock_guard lock(mu_);
    std::vector<Record> out;
    for (const auto& k : order_) out.push_back(records_.at(k));
    return out;
  }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t count(const std::string& method_path) {
    std::lock_guard lock(mu_);
    return std::count_if(requests_.begin(), requests_.end(), [&](const Request& r) {
      return r.method + " " + r.target.substr(0, r.target.find('?')) == method_path;
    });
  }
  int sessions_created() {
    std::lock_guard lock(mu_);
    return sessions_created_;
  }
  static core::HttpResponse answer(int status, std::string body,
                                   std::map<std::string, std::string> headers = {}) {
    return {status, std::move(headers), std::move(body)};
  }
  static core::HttpResponse error(int status, const std::string& name, const std::string& msg,
                                  std::map<std::string, std::string> headers = {}) {
    return answer(status, nlohmann::json{{"error", name}, {"message", msg}}.dump(),
                  std::move(headers));
  }

 private:
  core::HttpResponse session_answer() {
    ++generation_;
    access_ = "access-" + std::to_string(generation_) + "-jwt-secret";
    refresh_ = "refresh-" + std::to_string(generation_) + "-jwt-secret";
    return answer(200, nlohmann::json{{"accessJwt", access_},
                                      {"refreshJwt", refresh_},
                                      {"handle", handle},
                                      {"did", did}}
                           .dump());
  }
  static bool tid_shaped(const std::string& s) {
    return s.size() == 13 && std::all_of(s.begin(), s.end(), [](char c) {
             return std::string_view("234567abcdefghijklmnopqrstuvwxyz").find(c) !=
                    std::string_view::npos;
           });
  }
  static std::string query(const std::string& target, const std::string& name) {
    std::size_t q = target.find('?');
    if (q == std::string::npos) return {};
    std::string rest = target.substr(q + 1);
    for (std::size_t at = 0; at < rest.size();) {
      std::size_t amp = rest.find('&', at);
      std::string kv = rest.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
      if (kv.starts_with(name + "=")) return decode(kv.substr(name.size() + 1));
      if (amp == std::string::npos) break;
      at = amp + 1;
    }
    return {};
  }
  static std::string decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  std::mutex mu_;
  std::vector<Request> requests_;
  std::map<std::string, Record> records_;
  std::vector<std::string> order_;
  std::string access_, refresh_;
  int generation_ = 0;
  int sessions_created_ = 0;
};

}  // namespace earshot::sinks::testing_support

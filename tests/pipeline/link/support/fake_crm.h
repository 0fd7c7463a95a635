// A CRM look-up service for tests: a cpprest http_listener on 127.0.0.1 (a free port)
// whose answer to each GET is decided by the test's handler.
//
//   FakeCrm crm([](const FakeCrm::Request& r) { return FakeCrm::Reply{200, R"({"id":"c1"})"}; });
//   def.url = crm.url() + "/lookup?handle={handle}";
//
// Thread safety: the handler runs on the listener's threads; requests() is atomic.
// Lifetime: the destructor closes the listener.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace earshot::pipeline::testing {

class FakeCrm {
 public:
  struct Request {
    std::string path_and_query;  // as sent (still URL-encoded)
    std::map<std::string, std::string> headers;
  };
  struct Reply {
    unsigned short status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};  // before answering
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit FakeCrm(Handler handler);
  ~FakeCrm();
  std::string url() const;  // "http://127.0.0.1:PORT"
  int requests() const { return requests_->load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<std::atomic<int>> requests_;
};

}  // namespace earshot::pipeline::testing

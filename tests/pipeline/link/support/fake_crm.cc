#include "tests/pipeline/link/support/fake_crm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/http_listener.h>
#include <thread>

namespace earshot::pipeline::testing {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

struct FakeCrm::Impl {
  std::string url;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener;
};

FakeCrm::FakeCrm(Handler handler) : impl_(std::make_unique<Impl>()), requests_(std::make_shared<std::atomic<int>>(0)) {
  impl_->url = "http://127.0.0.1:" + std::to_string(free_port());
  impl_->listener = std::make_unique<web::http::experimental::listener::http_listener>(web::uri(impl_->url));
  auto count = requests_;
  impl_->listener->support(web::http::methods::GET, [handler, count](web::http::http_request req) {
    ++*count;
    Request r;
    r.path_and_query = req.request_uri().to_string();
    for (const auto& [k, v] : req.headers()) r.headers[k] = v;
    Reply reply = handler(r);
    if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
    web::http::http_response resp(reply.status);
    resp.set_body(reply.body, "application/json");
    req.reply(resp);
  });
  impl_->listener->open().wait();
}

FakeCrm::~FakeCrm() {
  try {
    impl_->listener->close().wait();
  } catch (...) {
  }
}

std::string FakeCrm::url() const { return impl_->url; }

}  // namespace earshot::pipeline::testing

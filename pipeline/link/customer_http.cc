#include "pipeline/link/customer_http.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

namespace earshot::pipeline::link {

using Clock = std::chrono::steady_clock;

struct HttpCustomerSource::State {
  config::CustomerDirectoryDef def;
  Options options;
  std::string name;
  std::string base;           // scheme://host[:port] of def.url
  std::string path_template;  // path and query of def.url, placeholders included
  std::shared_ptr<core::HttpClient> http;

  Clock::time_point now() const { return options.now ? options.now() : Clock::now(); }

  struct Entry {
    std::string key;
    std::optional<core::CustomerRef> value;
    Clock::time_point expires;
  };
  std::mutex cache_mu;
  std::list<Entry> lru;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> cache;

  std::mutex slot_mu;
  std::condition_variable slot_cv;
  int in_flight = 0;

  std::mutex breaker_mu;
  int consecutive_failures = 0;
  Clock::time_point open_until{};
  bool probing = false;

  std::atomic<std::uint64_t> requests{0}, cache_hits{0}, found{0}, not_found{0}, failures{0},
      timeouts{0}, breaker_rejected{0}, busy_rejected{0};

  bool cached(const std::string& key, CustomerLookup* out) {
    std::lock_guard lock(cache_mu);
    auto it = cache.find(key);
    if (it == cache.end()) return false;
    if (now() >= it->second->expires) {
      lru.erase(it->second);
      cache.erase(it);
      return false;
    }
    lru.splice(lru.begin(), lru, it->second);
    out->customer = it->second->value;
    return true;
  }

  void remember(const std::string& key, const std::optional<core::CustomerRef>& value) {
    if (def.cache_size == 0 || def.cache_ttl.count() <= 0) return;
    std::lock_guard lock(cache_mu);
    if (auto it = cache.find(key); it != cache.end()) {
      lru.erase(it->second);
      cache.erase(it);
    }
    lru.push_front({key, value, now() + def.cache_ttl});
    cache.emplace(key, lru.begin());
    while (cache.size() > def.cache_size) {
      cache.erase(lru.back().key);
      lru.pop_back();
    }
  }

  // Whether a request may go out now; *probe says it is the half-open probe.
  bool admit(bool* probe) {
    std::lock_guard lock(breaker_mu);
    *probe = false;
    if (consecutive_failures < options.breaker_failures) return true;
    if (now() < open_until || probing) return false;
    probing = *probe = true;
    return true;
  }

  void record(bool success) {
    std::lock_guard lock(breaker_mu);
    probing = false;
    if (success) {
      consecutive_failures = 0;
      return;
    }
    if (++consecutive_failures >= options.breaker_failures)
      open_until = now() + options.breaker_cooldown;
  }

  void release_slot() {
    {
      std::lock_guard lock(slot_mu);
      --in_flight;
    }
    slot_cv.notify_one();
  }

  // Reads the CRM's answer: true when it is an answer (customer or not), false on garbage.
  bool interpret(int code, const std::string& body, std::optional<core::CustomerRef>* out) const {
    if (code == 404) return true;
    if (code < 200 || code > 299) return false;
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) return false;
    if (j.is_null()) return true;
    if (!j.is_object()) return false;
    if (auto c = j.find("customer"); c != j.end()) {
      if (c->is_null()) return true;
      if (!c->is_object()) return false;
      nlohmann::json inner = *c;
      j = std::move(inner);
    }
    if (j.empty()) return true;
    if (auto f = j.find("found"); f != j.end() && f->is_boolean() && !f->get<bool>()) return true;
    auto id = j.find("customer_id");
    if (id == j.end()) id = j.find("id");
    if (id == j.end()) return false;
    core::CustomerRef ref;
    if (id->is_string())
      ref.id = id->get<std::string>();
    else if (id->is_number_integer())
      ref.id = id->dump();
    else
      return false;
    if (ref.id.empty()) return false;
    auto str = [&](const char* k) {
      auto it = j.find(k);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    ref.tier = str("tier");
    ref.name = str("name");
    ref.url = customer_url(str("url"));
    ref.source = name;
    *out = std::move(ref);
    return true;
  }

  std::string url_for(const Identity& who) const {
    auto enc = [](const std::string& s) { return core::url_encode(s); };
    std::string handle = who.handle.empty() ? who.did : who.handle;
    std::string out = base;
    for (std::size_t i = 0; i < path_template.size();) {
      std::string_view rest = std::string_view(path_template).substr(i);
      if (rest.starts_with("{handle}"))
        out += enc(handle), i += 8;
      else if (rest.starts_with("{platform}"))
        out += enc(who.platform), i += 10;
      else if (rest.starts_with("{did}"))
        out += enc(who.did), i += 5;
      else
        out += path_template[i++];
    }
    return out;
  }
};

core::Result<std::unique_ptr<HttpCustomerSource>> HttpCustomerSource::create(
    const config::CustomerDirectoryDef& def, std::shared_ptr<core::HttpClient> http) {
  return create(def, std::move(http), Options{});
}

core::Result<std::unique_ptr<HttpCustomerSource>> HttpCustomerSource::create(
    const config::CustomerDirectoryDef& def, std::shared_ptr<core::HttpClient> http,
    Options options) {
  if (!http) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "url '" + def.url + "': no HTTP client was given to the http customer directory");
  }
  const std::string& url = def.url;
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos ||
      (url.substr(0, scheme) != "http" && url.substr(0, scheme) != "https")) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "url '" + url + "': expected http://host/... or https://host/...");
  }
  std::size_t path = url.find_first_of("/?", scheme + 3);
  std::string base = url.substr(0, path);
  if (base.size() == scheme + 3 || base.find('{') != std::string::npos) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "url '" + url + "': no host, or a placeholder in the host");
  }
  auto st = std::make_shared<State>();
  st->def = def;
  st->def.max_concurrency = std::max(1, def.max_concurrency);
  st->options = options;
  st->options.breaker_failures = std::max(1, options.breaker_failures);
  st->name = "http:" + base.substr(scheme + 3);
  st->base = base;
  st->path_template = path == std::string::npos ? "/" : url.substr(path);
  if (st->path_template.starts_with("?")) st->path_template.insert(0, "/");
  st->http = std::move(http);
  return std::unique_ptr<HttpCustomerSource>(new HttpCustomerSource(std::move(st)));
}

HttpCustomerSource::HttpCustomerSource(std::shared_ptr<State> state) : state_(std::move(state)) {}
HttpCustomerSource::~HttpCustomerSource() = default;

std::string HttpCustomerSource::name() const { return state_->name; }

bool HttpCustomerSource::breaker_open() const {
  std::lock_guard lock(state_->breaker_mu);
  return state_->consecutive_failures >= state_->options.breaker_failures;
}

HttpCustomerSource::Stats HttpCustomerSource::stats() const {
  const State& s = *state_;
  return Stats{s.requests.load(),         s.cache_hits.load(),   s.found.load(),
               s.not_found.load(),        s.failures.load(),     s.timeouts.load(),
               s.breaker_rejected.load(), s.busy_rejected.load()};
}

CustomerLookup HttpCustomerSource::find(const Identity& who) const {
  const std::shared_ptr<State>& st = state_;
  CustomerLookup out;
  const std::string key = who.platform + '\x1f' + who.handle + '\x1f' + who.did;
  if (st->cached(key, &out)) {
    ++st->cache_hits;
    return out;
  }
  out.failed = true;
  bool probe = false;
  if (!st->admit(&probe)) {
    ++st->breaker_rejected;
    return out;
  }
  const Clock::time_point deadline = Clock::now() + st->def.timeout;
  {
    std::unique_lock lock(st->slot_mu);
    if (!st->slot_cv.wait_until(lock, deadline,
                                [&] { return st->in_flight < st->def.max_concurrency; })) {
      ++st->busy_rejected;
      if (probe) {
        std::lock_guard b(st->breaker_mu);
        st->probing = false;
      }
      return out;
    }
    ++st->in_flight;
  }
  // The client's own timeout equals ours, so either side may see a slow CRM first: whichever
  // does counts the one timeout.
  auto timed_out = std::make_shared<std::atomic<bool>>(false);
  struct Answer {
    bool answered = false;  // false: a failure (booked already)
    std::optional<core::CustomerRef> customer;
  };
  auto promise = std::make_shared<std::promise<Answer>>();
  std::future<Answer> answer = promise->get_future();
  ++st->requests;
  core::HttpRequest request{.method = "GET",
                            .url = st->url_for(who),
                            .headers = {st->def.headers.begin(), st->def.headers.end()},
                            .timeout = st->def.timeout};
  // Runs exactly once per request, on a client thread or here: books the outcome.
  st->http->send_async(
      std::move(request), [st, promise, key, timed_out](core::Result<core::HttpResponse> r) {
        std::optional<core::CustomerRef> value;
        const bool answered = r && st->interpret(r->status, r->body, &value);
        if (answered) {
          ++(value ? st->found : st->not_found);
          st->remember(key, value);
        } else {
          ++st->failures;
          if (!r && r.error().code == core::ErrorCode::kTimeout && !timed_out->exchange(true))
            ++st->timeouts;
        }
        st->record(answered);
        st->release_slot();
        promise->set_value(Answer{answered, std::move(value)});
      });
  if (answer.wait_until(deadline) != std::future_status::ready) {
    if (!timed_out->exchange(true)) ++st->timeouts;
    return out;
  }
  Answer a = answer.get();
  if (a.answered) {
    out.customer = std::move(a.customer);
    out.failed = false;
  }
  return out;
}

}  // namespace earshot::pipeline::link

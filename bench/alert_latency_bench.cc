// Post → alert latency (issue 8, "Speed"): p50/p99 of (webhook arrival − the moment the post
// that crossed the spike rule entered the `posts` topic), at a steady 10k posts/s.
//
// This program is the load and the receiver; the pipeline under test runs beside it as
// `earshot run --config <cfg>` (bench/alert_latency.sh writes the config, starts earshot,
// then this program, and stops earshot). What it does:
//   - feeds EARSHOT_AL_RATE posts/s (default 10,000) into the posts topic, created_at = now;
//     ~40% of them name one of EARSHOT_AL_ENTITIES entities ("Brand00".."BrandNN") in
//     friendly or neutral words (never negative), the rest name none;
//   - after EARSHOT_AL_WARMUP_S (the spike rule's baseline fills), injects bursts: for one
//     entity at a time, EARSHOT_AL_BURST complaint posts back to back, placed 3–7 s into a
//     10 s event-time window; each entity bursts every EARSHOT_AL_PERIOD_S, entities staggered;
//   - listens for the webhook sink on 127.0.0.1:EARSHOT_AL_PORT and timestamps each request.
// The rule (`window: 10s`, `min_volume` = the burst size, cooldown 0) fires on the burst's
// min_volume-th negative mention of the window. The background never carries a negative
// mention of a bursting entity, so that is the burst's last post: the latency of a trigger
// is its arrival minus the produce() call of that last post (both on the system clock of
// this machine). A trigger that arrives for a window with no burst, or a burst without a
// trigger within EARSHOT_AL_DRAIN_S, is counted and reported.
//
// EARSHOT_AL_FEED=mentions feeds Mention records straight into the mentions topic instead
// (all of them naming an entity), for `earshot react` alone: the react + sink share.
//
// Benchmark: BM_Alert_PostToAlertLatency (one iteration; counters p50_ms, p99_ms, max_ms,
// samples, missed, unexpected, fed_posts_per_s).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "pipeline/log/log.h"

namespace earshot::bench {
namespace {

using namespace std::chrono_literals;

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::int64_t wall_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
double wall_us_now() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

struct Settings {
  std::string brokers = env_or("EARSHOT_AL_BROKERS", "127.0.0.1:9092");
  std::string posts_topic = env_or("EARSHOT_AL_POSTS", "");
  // "posts" (default): Post JSON into the posts topic, through process and react.
  // "mentions": Mention JSON (entity key, sentiment set) straight into the mentions topic, for
  // `earshot react` alone — the react + sink share of the latency, without process.
  std::string feed = env_or("EARSHOT_AL_FEED", "posts");
  std::string mentions_topic = env_or("EARSHOT_AL_MENTIONS", "");
  int port = std::stoi(env_or("EARSHOT_AL_PORT", "18911"));
  int rate = std::stoi(env_or("EARSHOT_AL_RATE", "10000"));
  int entities = std::stoi(env_or("EARSHOT_AL_ENTITIES", "30"));
  int burst = std::stoi(env_or("EARSHOT_AL_BURST", "30"));
  int warmup_s = std::stoi(env_or("EARSHOT_AL_WARMUP_S", "70"));
  int duration_s = std::stoi(env_or("EARSHOT_AL_DURATION_S", "120"));
  int period_s = std::stoi(env_or("EARSHOT_AL_PERIOD_S", "40"));
  int drain_s = std::stoi(env_or("EARSHOT_AL_DRAIN_S", "10"));
  std::string samples_csv = env_or("EARSHOT_AL_SAMPLES", "");
};

std::string entity_name(int i) {
  char b[16];
  std::snprintf(b, sizeof b, "Brand%02d", i);
  return b;
}

// Friendly or neutral background; each template was checked to score non-negative.
const char* kFriendly[] = {
    "Flying with %s today, the crew was lovely and very helpful",
    "Great service from %s this morning, thank you so much",
    "%s just opened a new route to Lisbon, nice",
    "Checked in with the %s app in two minutes, really easy",
    "Happy with %s, landed early and the seats were comfortable",
    "Booked my summer trip with %s, looking forward to it",
};
const char* kNoEntity[] = {
    "Coffee and a quiet morning at the station",
    "The weather is nice and the train is on time",
    "Reading a good book on the way home",
    "Anyone watched the match last night? What a game",
};
const char* kComplaint[] = {
    "%s lost my bag again, worst service ever, absolutely terrible",
    "%s cancelled my flight and nobody helps, awful and useless",
    "Horrible experience with %s, rude staff and a broken app, I hate this",
    "%s charged me twice, terrible support, never again, disgusting",
    "Furious at %s, three hours delayed and no information, pathetic",
};

std::string fill(const char* tmpl, const std::string& who) {
  char b[256];
  std::snprintf(b, sizeof b, tmpl, who.c_str());
  return b;
}

// ---- the webhook receiver ---------------------------------------------------------------

struct Arrival {
  double at_us = 0;
  std::string entity, status, window_start, rule;
};

class Receiver {
 public:
  explicit Receiver(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 64) == 0;
    if (ok_) accept_ = std::thread([this] { accept_loop(); });
  }
  ~Receiver() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (accept_.joinable()) accept_.join();
    for (auto& t : conns_) t.join();
  }
  bool ok() const { return ok_; }
  std::vector<Arrival> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) break;
      std::lock_guard lock(mu_);
      conns_.emplace_back([this, c] { serve(c); });
    }
  }
  // HTTP/1.1 with keep-alive: requests with Content-Length bodies, one after another.
  void serve(int c) {
    std::string buf;
    char chunk[16384];
    for (;;) {
      std::size_t head_end;
      while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return (void)::close(c);
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      std::size_t length = 0;
      std::string head = buf.substr(0, head_end);
      for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (auto p = head.find("content-length:"); p != std::string::npos) {
        length = std::strtoul(head.c_str() + p + 15, nullptr, 10);
      }
      while (buf.size() < head_end + 4 + length) {
        ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return (void)::close(c);
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      const double at = wall_us_now();
      std::string body = buf.substr(head_end + 4, length);
      buf.erase(0, head_end + 4 + length);
      auto j = nlohmann::json::parse(body, nullptr, false);
      if (j.is_object()) {
        Arrival a;
        a.at_us = at;
        a.entity = j.value("entity", "");
        a.status = j.value("status", "");
        if (j.contains("window") && j["window"].is_object())
          a.window_start = j["window"].value("start", "");
        a.rule = j.value("rule", "");
        std::lock_guard lock(mu_);
        arrivals_.push_back(std::move(a));
      }
      static const std::string ok =
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";
      if (::send(c, ok.data(), ok.size(), MSG_NOSIGNAL) < 0) return (void)::close(c);
    }
  }

  int fd_ = -1;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::thread accept_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
  std::vector<Arrival> arrivals_;
};

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

void BM_Alert_PostToAlertLatency(benchmark::State& state) {
  const Settings s;
  if (s.feed == "posts" ? s.posts_topic.empty() : s.mentions_topic.empty()) {
    return state.SkipWithError(
        "EARSHOT_AL_POSTS / EARSHOT_AL_MENTIONS (the input topic) is not set");
  }
  Receiver receiver(s.port);
  if (!receiver.ok()) return state.SkipWithError("cannot listen on the receiver port");
  auto log = pipeline::log::open_log({.kind = "kafka", .brokers = s.brokers});
  if (!log) return state.SkipWithError(log.error().message.c_str());
  auto producer = (*log)->producer({});
  if (!producer) return state.SkipWithError(producer.error().message.c_str());

  struct Burst {
    int entity;
    std::string window_start;  // RFC 3339 of the 10 s window the burst falls in
    double crossing_us = 0;    // produce() of the burst's last post
  };
  std::vector<Burst> bursts;
  std::uint64_t fed = 0;
  std::mt19937_64 rng(8);
  double feed_seconds = 0;

  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t total_s = s.warmup_s + s.duration_s;
    // Next burst time per entity (seconds since start), staggered over the period.
    std::vector<double> next_burst(static_cast<std::size_t>(s.entities));
    for (int e = 0; e < s.entities; ++e) {
      next_burst[static_cast<std::size_t>(e)] =
          s.warmup_s + static_cast<double>(s.period_s) * e / s.entities;
    }
    std::uint64_t seq = 0;
    const bool as_mentions = s.feed == "mentions";
    auto post = [&](const std::string& text, std::int64_t now_ms, int entity,
                    bool negative) -> pipeline::core::Status {
      if (as_mentions) {
        if (entity < 0) return pipeline::core::ok();
        pipeline::core::Mention m;
        m.entity = "brand" + entity_name(entity).substr(5);
        m.post_uid = "webhook:bench:al-" + std::to_string(seq++);
        m.url = "https://example.test/p/" + m.post_uid;
        m.created_at = pipeline::core::format_rfc3339_ms(now_ms);
        m.author_id = "u" + std::to_string(rng() % 50000);
        m.text = text;
        m.sentiment.label = negative ? sentiment::Label::negative : sentiment::Label::positive;
        m.sentiment.score = negative ? -0.7f : 0.6f;
        return (*producer)->produce(s.mentions_topic, m.entity, pipeline::codec::encode(m));
      }
      pipeline::core::Post p;
      p.uid = "webhook:bench:al-" + std::to_string(seq++);
      p.source = "webhook";
      p.url = "https://example.test/p/" + p.uid;
      p.created_at = pipeline::core::format_rfc3339_ms(now_ms);
      p.ingested_at = p.created_at;
      const auto user = rng() % 50000;
      p.author = {"u" + std::to_string(user), "@user" + std::to_string(user), "User", std::nullopt};
      p.text = text;
      return (*producer)->produce(s.posts_topic, p.uid, pipeline::codec::encode(p));
    };
    for (;;) {
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (t >= static_cast<double>(total_s)) break;
      const auto due = static_cast<std::uint64_t>(t * s.rate);
      const std::int64_t now_ms = wall_ms_now();
      while (fed < due) {
        const auto pick = rng() % 10;
        std::string text;
        int entity = -1;
        if (pick < 4 || as_mentions) {
          entity = static_cast<int>(rng() % s.entities);
          text = fill(kFriendly[rng() % std::size(kFriendly)], entity_name(entity));
        } else {
          text = kNoEntity[rng() % std::size(kNoEntity)];
        }
        text += " #" + std::to_string(fed % 9973);
        if (!post(text, now_ms, entity, false)) return state.SkipWithError("produce failed");
        ++fed;
      }
      // Bursts: 3–7 s into a 10 s window (event time = wall clock), so all of one lands in it.
      const std::int64_t in_window = now_ms % 10'000;
      for (int e = 0; e < s.entities; ++e) {
        auto& nb = next_burst[static_cast<std::size_t>(e)];
        if (t < nb || in_window < 3'000 || in_window > 7'000 || t > total_s - s.period_s / 2.0)
          continue;
        Burst b{e, pipeline::core::format_rfc3339_ms(now_ms - in_window)};
        for (int i = 0; i < s.burst; ++i) {
          std::string text = fill(kComplaint[(i + e) % std::size(kComplaint)], entity_name(e)) +
                             " (" + std::to_string(seq) + ")";
          if (i + 1 == s.burst) b.crossing_us = wall_us_now();
          if (!post(text, now_ms, e, true)) return state.SkipWithError("produce failed");
        }
        bursts.push_back(std::move(b));
        nb += s.period_s;
      }
      std::this_thread::sleep_for(1ms);
    }
    feed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    (void)(*producer)->flush(10s);
    std::this_thread::sleep_for(std::chrono::seconds(s.drain_s));
  }

  // Match triggers to bursts by (entity, window).
  std::map<std::pair<std::string, std::string>, double> first_trigger;
  std::uint64_t triggers = 0, resolves = 0;
  for (const auto& a : receiver.arrivals()) {
    if (a.status == "resolve") ++resolves;
    if (a.status != "trigger") continue;
    ++triggers;
    auto key = std::make_pair(a.entity, a.window_start);
    if (!first_trigger.contains(key)) first_trigger[key] = a.at_us;
  }
  std::vector<double> lat_ms;
  std::uint64_t missed = 0;
  std::FILE* csv = s.samples_csv.empty() ? nullptr : std::fopen(s.samples_csv.c_str(), "w");
  if (csv) std::fprintf(csv, "entity,window_start,latency_ms\n");
  std::map<std::pair<std::string, std::string>, bool> matched;
  for (const auto& b : bursts) {
    auto key = std::make_pair("brand" + entity_name(b.entity).substr(5), b.window_start);
    auto it = first_trigger.find(key);
    if (it == first_trigger.end()) {
      ++missed;
      continue;
    }
    matched[key] = true;
    const double ms = (it->second - b.crossing_us) / 1000.0;
    lat_ms.push_back(ms);
    if (csv) std::fprintf(csv, "%s,%s,%.1f\n", key.first.c_str(), key.second.c_str(), ms);
  }
  if (csv) std::fclose(csv);
  std::uint64_t unexpected = 0;
  for (const auto& [k, _] : first_trigger) unexpected += matched.contains(k) ? 0 : 1;

  state.counters["samples"] = static_cast<double>(lat_ms.size());
  state.counters["p50_ms"] = percentile(lat_ms, 0.50);
  state.counters["p99_ms"] = percentile(lat_ms, 0.99);
  state.counters["max_ms"] = lat_ms.empty() ? 0 : *std::max_element(lat_ms.begin(), lat_ms.end());
  state.counters["min_ms"] = lat_ms.empty() ? 0 : *std::min_element(lat_ms.begin(), lat_ms.end());
  state.counters["bursts"] = static_cast<double>(bursts.size());
  state.counters["missed"] = static_cast<double>(missed);
  state.counters["unexpected"] = static_cast<double>(unexpected);
  state.counters["triggers"] = static_cast<double>(triggers);
  state.counters["resolves"] = static_cast<double>(resolves);
  state.counters["fed_posts_per_s"] =
      feed_seconds > 0 ? static_cast<double>(fed) / feed_seconds : 0;
}

BENCHMARK(BM_Alert_PostToAlertLatency)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace earshot::bench

BENCHMARK_MAIN();

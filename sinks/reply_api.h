// earshot::sinks — the reply queue API (issue 14): list replies, approve, reject and edit
// them, every action an audit event naming the token's owner.
//
// ReplyBook holds the current state of every reply: the latest record per reply id, as read
// from the replies topic (compacted by post uid). ReplyApi answers the HTTP routes and turns
// an action into a new ReplyIntent record (status + one history event {status, by: the
// request's principal, at, reason}) that it hands to the publisher (in `serve`: a produce
// to the replies topic, key = post uid, acknowledged before the answer) and then applies to
// the book. The sender (reply_sender.h) acts only on `approved` records.
//
// Routes (R is below):
//   GET  /api/v1/replies?status=S&entity=ID&limit=N  (read)  {"replies": [R...]} newest first
//   GET  /api/v1/replies/{id}                        (read)  R
//   POST /api/v1/replies/{id}/approve {"text"?}      (admin) R, status approved (edited text)
//   POST /api/v1/replies/{id}/reject  {"reason"?}    (admin) R, status rejected
//   POST /api/v1/replies/{id}/edit    {"text"}       (admin) R, still pending, the new text
//   R = {"id","post_uid","platform","entity","in_reply_to","text","template","status",
//        "reason","customer":{"id","tier","name"}|null,"post":{"text","author","url",
//        "created_at"},"sentiment":{"label","score"},"intent","history":[{"status","by",
//        "at","reason"}]}
//   Errors {"error": "..."}: 404 unknown id, 409 wrong state (approve/edit need
//   pending_approval; reject needs pending_approval or approved), 400 bad body (not a JSON
//   object, a text that is empty or over the platform's limit), 503 the publisher failed.
//
//   ReplyBook book;
//   ReplyApi api(book, [&](const core::ReplyIntent& r) { return produce(r); });
//   api.install(server);
//   follower thread: book.apply(*codec::decode_reply(record.value));
//
// Thread safety: both are safe from any thread; actions are serialised (one mutex), so two
// approvals of one reply give one approved record and one 409. Lifetime: the book must
// outlive the api, the api the server's routes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"
#include "pipeline/log/log.h"

namespace earshot::sinks {

class HttpServer;
struct ServerResponse;

class ReplyBook {
 public:
  // The latest state of a reply replaces the older one (same id); a record with a shorter
  // history than the one held is older and ignored.
  void apply(pipeline::core::ReplyIntent r);
  std::optional<pipeline::core::ReplyIntent> get(const std::string& id) const;
  // Newest first (by the planning time, then id); empty status/entity = any.
  std::vector<pipeline::core::ReplyIntent> list(const std::string& status,
                                                const std::string& entity, std::size_t limit) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, pipeline::core::ReplyIntent> by_id_;
};

// Feeds a ReplyBook from the replies topic: a group-less reader from the beginning on its own
// thread (any number of `serve` instances). Undecodable records are counted, not applied.
class ReplyBookFollower {
 public:
  // `on_change` (optional) hears the id of every reply applied, on the follower's thread.
  static pipeline::core::Result<std::unique_ptr<ReplyBookFollower>> start(
      pipeline::log::Log& log, ReplyBook& book, const std::string& topic,
      std::function<void(const std::string& id)> on_change = {});
  ~ReplyBookFollower() { stop(); }
  void stop();
  std::uint64_t applied() const { return applied_.load(); }
  std::uint64_t undecodable() const { return undecodable_.load(); }

 private:
  ReplyBookFollower() = default;
  std::unique_ptr<pipeline::log::Consumer> consumer_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> applied_{0}, undecodable_{0};
  std::thread thread_;
};

// A ReplyApi::Publisher that writes to `topic` (key = post uid) with `producer` and waits
// for the acknowledgement.
std::function<pipeline::core::Status(const pipeline::core::ReplyIntent&)> reply_publisher(
    pipeline::log::Producer& producer, std::string topic);

// R of a reply (above), as a JSON string.
std::string reply_json(const pipeline::core::ReplyIntent& r);

class ReplyApi {
 public:
  using Publisher = std::function<pipeline::core::Status(const pipeline::core::ReplyIntent&)>;
  ReplyApi(ReplyBook& book, Publisher publish, std::function<std::int64_t()> now_ms = {});

  void install(HttpServer& server);

  // The route handlers, without HTTP routing (tests, other transports).
  ServerResponse list(const std::map<std::string, std::string>& query) const;
  ServerResponse get(const std::string& id) const;
  ServerResponse approve(const std::string& id, const std::string& by, const std::string& body);
  ServerResponse reject(const std::string& id, const std::string& by, const std::string& body);
  ServerResponse edit(const std::string& id, const std::string& by, const std::string& body);

 private:
  ServerResponse act(const std::string& id, const std::string& by, const std::string& body,
                     std::string_view action);

  ReplyBook& book_;
  Publisher publish_;
  std::function<std::int64_t()> now_ms_;
  std::mutex act_mu_;
};

}  // namespace earshot::sinks

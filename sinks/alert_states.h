// earshot::sinks — who acknowledged or resolved which alert, and when (POST
// /api/v1/alerts/{id}/ack and /resolve from the dashboard).
//
// The record lives on a compacted log topic (`<alerts topic>.states`, key = alert id, value
// = the alert's whole history, so compaction keeps everything that matters), which is why
// it survives a `serve` restart and is shared by every `serve` instance: act() writes the
// new record and waits for the log to take it, then applies it; ApiFollower reads the topic
// from the beginning and applies every record (the same value again is harmless).
//
//   AlertStates states;
//   auto writer = log.producer({});
//   auto st = states.act(**writer, topic, "7f3a...", "ack", "alice", "2026-12-07T05:00:00Z");
//   states.state_json("7f3a...");  // {"state": "acknowledged", "by": "alice", "at": ...,
//                                  //  "history": [{"action": "ack", "by", "at"}]}
//
// Value on the topic: {"alert": ID, "state": "open|acknowledged|resolved", "by", "at",
// "history": [{"action": "ack|resolve", "by", "at"}]}.
//
// Thread safety: every member is safe from any thread; act() calls on one alert are
// serialised (one mutex around read-modify-write-produce).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "pipeline/core/status.h"
#include "pipeline/log/log.h"

namespace earshot::sinks {

class AlertStates {
 public:
  void apply_record(const pipeline::log::Record& record);

  // action: "ack" or "resolve" (kInvalidArgument otherwise). Writes the alert's new record
  // to `topic` through `writer` (flushed) before it changes what state_json() answers.
  pipeline::core::Result<std::string> act(pipeline::log::Producer& writer, const std::string& topic,
                                          const std::string& alert_id, const std::string& action,
                                          const std::string& by, const std::string& at);

  // {"state": "open", "by": null, "at": null, "history": []} for an alert never touched.
  std::string state_json(const std::string& alert_id) const;

  std::uint64_t bad_records() const { return bad_records_.load(); }

 private:
  mutable std::mutex mu_;
  std::mutex act_mu_;
  std::map<std::string, std::string> values_;  // alert id -> its latest record value
  std::atomic<std::uint64_t> bad_records_{0};
};

}  // namespace earshot::sinks

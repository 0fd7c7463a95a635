#include "pipeline/process_stage.h"

#include <chrono>
#include <thread>

#include "pipeline/json_codec.h"

namespace earshot::pipeline {
namespace {

constexpr char kField = '\x1f';
constexpr char kEntity = '\x1e';

std::string now_rfc3339() {
  return format_rfc3339_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string clean(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == kField || c == kEntity) c = ' ';
  }
  return out;
}

// created_at, author, then per entity: id, kind, label, score, derived.
std::string dedup_value(const ScoredPost& s) {
  std::string v = clean(s.post.created_at) + kField + clean(s.post.author.id.empty() ? s.post.author.handle : s.post.author.id);
  for (const auto& e : s.entities) {
    v += kField;
    v += clean(e.id) + kEntity + std::string(to_string(e.kind)) + kEntity +
         std::string(sentiment::to_string(e.sentiment.label)) + kEntity + std::to_string(e.sentiment.score) +
         kEntity + (e.match == MatchType::derived ? "1" : "0");
  }
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string reason_class(const std::string& reason) {
  auto colon = reason.find(':');
  return colon == std::string::npos ? reason : reason.substr(0, colon);
}

}  // namespace

struct ProcessStage::Slot {
  bool bad = false;
  std::string reason;
  bool deleted = false;
  Post post;            // for deletes
  ScoredPost scored;    // for valid posts
  std::vector<Mention> mentions;
};

ProcessStage::ProcessStage(const Enricher& enricher, ProcessTopics topics, int threads,
                           ProcessCounters* counters, std::size_t dedup_capacity)
    : enricher_(enricher), topics_(std::move(topics)), threads_(threads > 0 ? threads : 1),
      counters_(counters), capacity_(dedup_capacity) {}

ProcessStage::~ProcessStage() = default;

Status ProcessStage::restore(Log& log) {
  auto c = log.consumer({.group = "", .topics = {topics_.dedup}, .on_revoke = {}});
  if (!c) return std::unexpected(c.error());
  changelog_ = std::move(*c);
  return read_to_end(*changelog_, [&](Record& r) { remember(r.key, std::move(r.value)); },
                     std::chrono::seconds(120), "dedup changelog " + topics_.dedup);
}

Status ProcessStage::catch_up(std::chrono::milliseconds wait) {
  if (!changelog_) return ok();
  auto batch = changelog_->poll(10000, wait);
  if (!batch) return std::unexpected(batch.error());
  for (auto& r : *batch) remember(r.key, std::move(r.value));
  return ok();
}

void ProcessStage::remember(const std::string& uid, std::string value) {
  auto [it, inserted] = seen_.insert_or_assign(uid, std::move(value));
  if (!inserted) return;
  order_.push_back(uid);
  while (seen_.size() > capacity_ && !order_.empty()) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
}

const std::string* ProcessStage::seen(const std::string& uid) const {
  if (auto it = staged_.find(uid); it != staged_.end()) return &it->second;
  if (auto it = seen_.find(uid); it != seen_.end()) return &it->second;
  return nullptr;
}

void ProcessStage::work(const std::vector<Record>& batch, std::vector<Slot>& slots, std::size_t begin,
                        std::size_t end) const {
  for (std::size_t i = begin; i < end; ++i) {
    Slot& slot = slots[i];
    auto post = decode_post(batch[i].value);
    if (!post) {
      slot.bad = true;
      slot.reason = post.error().message;
      continue;
    }
    if (post->deleted) {
      slot.deleted = true;
      slot.post = std::move(*post);
      continue;
    }
    slot.scored = enricher_.enrich(std::move(*post));
    enricher_.mentions(slot.scored, slot.mentions);
  }
}

Status ProcessStage::handle(const std::vector<Record>& batch, Output& out) {
  auto started = std::chrono::steady_clock::now();
  if (auto st = catch_up(std::chrono::milliseconds(0)); !st) return st;
  std::vector<Slot> slots(batch.size());
  const std::size_t n = batch.size();
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(threads_), std::max<std::size_t>(1, n / 16));
  if (workers <= 1) {
    work(batch, slots, 0, n);
  } else {
    std::vector<std::thread> pool;
    const std::size_t chunk = (n + workers - 1) / workers;
    for (std::size_t w = 1; w < workers; ++w) {
      std::size_t b = w * chunk, e = std::min(n, b + chunk);
      if (b < e) pool.emplace_back([&, b, e] { work(batch, slots, b, e); });
    }
    work(batch, slots, 0, std::min(n, chunk));
    for (auto& t : pool) t.join();
  }
  for (std::size_t i = 0; i < n; ++i) emit(batch[i], slots[i], out);
  counters_->records_in += n;
  counters_->batches += 1;
  counters_->last_batch_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
  return ok();
}

void ProcessStage::emit(const Record& in, Slot& slot, Output& out) {
  if (slot.bad) {
    DeadLetter d{slot.reason, "process", in.topic, in.partition, in.offset, in.key, in.value, now_rfc3339()};
    out.emit(topics_.deadletter, in.key, encode(d));
    ++counters_->dead_letters;
    std::lock_guard lock(counters_->mu);
    ++counters_->dead_by_reason[reason_class(slot.reason)];
    return;
  }
  if (slot.deleted) {
    const std::string uid = slot.post.uid;
    const std::string* known = seen(uid);
    if (known && !known->empty() && (*known)[0] == '!') return;  // already deleted
    ScoredPost tomb;
    tomb.post = std::move(slot.post);
    tomb.post.deleted = true;
    tomb.sentiment = Enricher::unsupported();
    if (known) {
      auto fields = split(*known, kField);
      for (std::size_t f = 2; f < fields.size(); ++f) {
        auto parts = split(fields[f], kEntity);
        if (parts.size() != 5) continue;
        Mention m;
        m.entity = std::string(parts[0]);
        parse_entity_kind(parts[1], &m.kind);
        m.post_uid = uid;
        m.source = tomb.post.source;
        m.created_at = std::string(fields[0]);
        m.author_id = std::string(fields[1]);
        sentiment::parse_label(parts[2], &m.sentiment.label);
        m.sentiment.score = std::stof(std::string(parts[3]));
        m.sentiment.model = "retract";
        m.derived = parts[4] == "1";
        m.retract = true;
        out.emit(topics_.mentions, m.entity, encode(m));
        ++counters_->mentions;
      }
    }
    out.emit(topics_.scored, uid, encode(tomb));
    out.emit(topics_.dedup, uid, "!");
    staged_[uid] = "!";
    ++counters_->deletes;
    return;
  }
  const std::string& uid = slot.scored.post.uid;
  if (seen(uid)) {
    ++counters_->duplicates;
    return;
  }
  if (near_.check_and_add(slot.scored.post.text)) {
    slot.scored.flags.push_back("near_duplicate");
    ++counters_->near_duplicates;
  }
  std::string value = dedup_value(slot.scored);
  out.emit(topics_.dedup, uid, value);
  staged_[uid] = std::move(value);
  for (const auto& m : slot.mentions) {
    out.emit(topics_.mentions, m.entity, encode(m));
    ++counters_->mentions;
  }
  out.emit(topics_.scored, uid, encode(slot.scored));
  ++counters_->scored;
}

void ProcessStage::on_commit() {
  for (auto& [uid, value] : staged_) remember(uid, std::move(value));
  staged_.clear();
}

void ProcessStage::on_abort() { staged_.clear(); }

}  // namespace earshot::pipeline

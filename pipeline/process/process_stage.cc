#include "pipeline/process/process_stage.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::process {
namespace {

constexpr char kField = '\x1f';
constexpr char kEntity = '\x1e';

std::string now_rfc3339() {
  return core::format_rfc3339_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count());
}

// Appends `s` with the separator bytes replaced by spaces.
void append_clean(std::string& out, std::string_view s) {
  const std::size_t at = out.size();
  out.append(s);
  for (std::size_t i = at; i < out.size(); ++i) {
    if (out[i] == kField || out[i] == kEntity) out[i] = ' ';
  }
}

// created_at, author, then per entity: id, kind, label, score, derived.
std::string dedup_value(const core::ScoredPost& s) {
  std::string v;
  v.reserve(64 + 48 * s.entities.size());
  append_clean(v, s.post.created_at);
  v += kField;
  append_clean(v, s.post.author.id.empty() ? s.post.author.handle : s.post.author.id);
  for (const auto& e : s.entities) {
    v += kField;
    append_clean(v, e.id);
    v += kEntity;
    v += to_string(e.kind);
    v += kEntity;
    v += sentiment::to_string(e.sentiment.label);
    v += kEntity;
    v += std::to_string(e.sentiment.score);
    v += kEntity;
    v += e.match == core::MatchType::derived ? '1' : '0';
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

// Changelog records of one input partition are split past this size, well under the broker's
// default max.message.bytes (1 MiB) even before compression.
constexpr std::size_t kMaxChangelogRecord = 256 * 1024;
constexpr std::size_t kMaxAborted = 1024;

std::uint64_t random_writer_id() {
  std::random_device rd;
  std::uint64_t id = 0;
  while (id == 0) {
    id = (std::uint64_t{rd()} << 32) ^ rd() ^
         static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return id;
}

bool parse_float(std::string_view s, float& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string reason_class(const std::string& reason) {
  auto colon = reason.find(':');
  return colon == std::string::npos ? reason : reason.substr(0, colon);
}

}  // namespace

// One input record's results. Everything but the ordered decisions is filled by a worker.
struct ProcessStage::Slot {
  bool bad = false;
  std::string reason;
  std::string dead_json;  // the encoded dead letter
  bool deleted = false;
  core::Post post;              // for deletes
  core::ScoredPost scored;      // for valid posts
  std::vector<core::Mention> mentions;
  std::uint64_t fingerprint = 0;           // simhash of the text
  std::string scored_json;                 // encode(scored), without near_duplicate
  std::vector<std::string> mention_json;   // encode(mentions[i])
  std::string dedup;                       // the changelog value
};

// A batch for the worker pool. Workers take chunks of kChunk records by `next`; `done`
// counts finished records. The batch is kept alive by `owner` when prepared ahead.
struct ProcessStage::Job {
  static constexpr std::size_t kChunk = 8;
  std::shared_ptr<const log::Batch> owner;
  const log::Batch* batch = nullptr;
  std::vector<Slot> slots;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> cancelled{false};
  std::mutex mu;
  std::condition_variable finished;
};

ProcessStage::ProcessStage(const Enricher& enricher, ProcessTopics topics, int threads,
                           ProcessCounters* counters, std::size_t dedup_capacity)
    : enricher_(enricher), topics_(std::move(topics)), threads_(threads > 0 ? threads : 1),
      counters_(counters), capacity_(dedup_capacity), writer_id_(random_writer_id()) {
  workers_.reserve(static_cast<std::size_t>(threads_));
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { worker_main(); });
}

ProcessStage::~ProcessStage() {
  {
    std::lock_guard lock(pool_mu_);
    stopping_ = true;
    if (current_) current_->cancelled = true;
  }
  pool_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ProcessStage::worker_main() {
  std::uint64_t seen = 0;
  for (;;) {
    std::shared_ptr<Job> job;
    std::vector<std::shared_ptr<Job>> finished;
    {
      std::unique_lock lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return stopping_ || generation_ != seen || !finished_.empty(); });
      if (stopping_) return;
      finished.swap(finished_);
      if (generation_ != seen) {
        seen = generation_;
        job = current_;
      }
    }
    if (job) run_job(*job);
    finished.clear();  // frees handled batches' slots (strings the workers made) off the loop thread
  }
}

void ProcessStage::run_job(Job& job) const {
  const std::size_t n = job.slots.size();
  while (!job.cancelled.load(std::memory_order_relaxed)) {
    const std::size_t b = job.next.fetch_add(Job::kChunk);
    if (b >= n) return;
    const std::size_t e = std::min(n, b + Job::kChunk);
    for (std::size_t i = b; i < e; ++i) work((*job.batch)[i], job.slots[i]);
    if (job.done.fetch_add(e - b) + (e - b) == n) {
      std::lock_guard lock(job.mu);
      job.finished.notify_all();
    }
  }
}

void ProcessStage::publish(std::shared_ptr<Job> job) {
  {
    std::lock_guard lock(pool_mu_);
    current_ = std::move(job);
    ++generation_;
  }
  pool_cv_.notify_all();
}

core::Status ProcessStage::restore(log::Log& log) {
  auto c = log.consumer({.group = "", .topics = {topics_.dedup}, .on_revoke = {}});
  if (!c) return std::unexpected(c.error());
  changelog_ = std::move(*c);
  return log::read_to_end(*changelog_, [&](log::Record& r) { apply_changelog(r, /*skip_own=*/false); },
                     std::chrono::seconds(120), "dedup changelog " + topics_.dedup);
}

core::Status ProcessStage::catch_up(std::chrono::milliseconds wait) {
  if (!changelog_) return core::ok();
  auto batch = changelog_->poll(10000, wait);
  if (!batch) return std::unexpected(batch.error());
  for (auto& r : *batch) apply_changelog(r, /*skip_own=*/true);
  return core::ok();
}

void ProcessStage::apply_changelog(log::Record& r, bool skip_own) {
  if (!dedup_changelog::is_batch(r.value)) {  // the per-uid format
    remember(r.key, r.value);
    return;
  }
  if (skip_own && dedup_changelog::decode_header(r.value, scratch_) && scratch_.writer == writer_id_) {
    // Our own committed batch: already in seen_ since on_commit(). A batch we were told was
    // aborted but that committed after all (a commit timeout) is applied.
    auto it = std::find(aborted_.begin(), aborted_.end(), scratch_.sequence);
    if (it == aborted_.end()) return;
    aborted_.erase(it);
  }
  if (auto st = dedup_changelog::decode(r.value, scratch_); !st) {
    const auto n = ++counters_->changelog_skipped;
    if (n <= 10 || n % 1000 == 0) {
      std::cerr << "earshot process: warning: dedup changelog " << r.topic << " partition " << r.partition
                << " offset " << r.offset << " (key \"" << r.key << "\"): " << st.error().message
                << "; record skipped (" << n << " so far)\n";
    }
    return;
  }
  for (const auto& e : scratch_.entries) remember(e.uid, e.value);
  scratch_.entries.clear();
}

void ProcessStage::remember(std::string_view uid, std::string_view value) {
  if (auto it = seen_.find(uid); it != seen_.end()) {
    // A deleted uid stays deleted: batch records of one uid may be read in any order.
    if (it->second != "!") it->second.assign(value);
    return;
  }
  auto it = seen_.emplace(std::string(uid), std::string(value)).first;
  order_.push_back(&it->first);
  evict();
}

void ProcessStage::evict() {
  while (seen_.size() > capacity_ && !order_.empty()) {
    auto it = seen_.find(*order_.front());
    order_.pop_front();
    if (it != seen_.end()) seen_.erase(it);
  }
}

void ProcessStage::work(const log::Record& in, Slot& slot) const {
  auto post = codec::decode_post(in.value);
  if (!post) {
    slot.bad = true;
    slot.reason = post.error().message;
    slot.dead_json = codec::encode(core::DeadLetter{slot.reason, "process", in.topic, in.partition, in.offset, in.key, in.value,
                                       now_rfc3339()});
    return;
  }
  if (post->deleted) {
    slot.deleted = true;
    slot.post = std::move(*post);
    return;
  }
  slot.scored = enricher_.enrich(std::move(*post));
  enricher_.mentions(slot.scored, slot.mentions);
  slot.fingerprint = simhash(slot.scored.post.text);
  slot.dedup = dedup_value(slot.scored);
  slot.mention_json.reserve(slot.mentions.size());
  for (const auto& m : slot.mentions) slot.mention_json.push_back(codec::encode(m));
  codec::encode_to(slot.scored, slot.scored_json);
}

void ProcessStage::prepare(std::shared_ptr<const log::Batch> batch) {
  if (prepared_) prepared_->cancelled = true;
  auto job = std::make_shared<Job>();
  job->batch = batch.get();
  job->owner = std::move(batch);
  job->slots.resize(job->batch->size());
  prepared_ = job;
  publish(std::move(job));
}

core::Status ProcessStage::handle(const std::vector<log::Record>& batch, log::Output& out) {
  auto started = std::chrono::steady_clock::now();
  // A partition new to this instance: its previous owner's last batch may not be fetched
  // yet, so read the changelog to its end before deciding duplicates.
  std::vector<log::TopicPartition> fresh;
  for (const log::Record& r : batch) {
    log::TopicPartition tp{r.topic, r.partition};
    if (std::find(owned_.begin(), owned_.end(), tp) == owned_.end() &&
        std::find(fresh.begin(), fresh.end(), tp) == fresh.end()) {
      fresh.push_back(std::move(tp));
    }
  }
  if (!fresh.empty() && changelog_) {
    auto st = log::read_to_end(*changelog_, [&](log::Record& r) { apply_changelog(r, /*skip_own=*/true); },
                          std::chrono::seconds(30), "dedup changelog " + topics_.dedup,
                          std::chrono::milliseconds(20));
    if (!st) return st;  // the batch aborts and comes again, still fresh
  } else if (auto st = catch_up(std::chrono::milliseconds(0)); !st) {
    return st;
  }
  owned_.insert(owned_.end(), fresh.begin(), fresh.end());
  std::shared_ptr<Job> job;
  if (prepared_ && prepared_->batch == &batch && !prepared_->cancelled) {
    job = std::move(prepared_);
    counters_->prepared += 1;
  } else {
    if (prepared_) prepared_->cancelled = true;
    prepared_.reset();
    job = std::make_shared<Job>();
    job->batch = &batch;  // handle() waits for every record, so no owner is needed
    job->slots.resize(batch.size());
    publish(job);
  }
  const std::size_t n = batch.size();
  run_job(*job);  // help the workers
  {
    std::unique_lock lock(job->mu);
    job->finished.wait(lock, [&] { return job->done.load() == n; });
  }
  {
    std::lock_guard lock(pool_mu_);  // the pool need not keep the finished job alive
    if (current_ == job) current_.reset();
  }
  ++sequence_;
  open_ = true;
  out.records.reserve(out.records.size() + 2 * n + 4);
  for (std::size_t i = 0; i < n; ++i) emit(batch[i], job->slots[i], out);
  flush_dedup(out);
  // A worker frees the slots (thousands of strings) while this thread commits. The input
  // batch is not theirs to free: the loop may still hold it.
  job->owner.reset();
  {
    std::lock_guard lock(pool_mu_);
    finished_.push_back(std::move(job));
  }
  pool_cv_.notify_one();
  counters_->records_in += n;
  counters_->batches += 1;
  counters_->last_batch_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
  return core::ok();
}

void ProcessStage::stage_dedup(const log::Record& in, std::string_view uid, std::string_view value, log::Output& out) {
  PendingDedup* p = nullptr;
  for (auto& q : pending_) {
    if (q.partition == in.partition && q.topic == in.topic) {
      p = &q;
      break;
    }
  }
  if (p && p->writer.bytes() >= kMaxChangelogRecord) {
    out.emit(topics_.dedup, p->topic + ':' + std::to_string(p->partition) + ':' + std::to_string(p->first),
             p->writer.finish());
    p->first = in.offset;
    p->writer.start(writer_id_, sequence_, kMaxChangelogRecord + 1024);
  }
  if (!p) {
    p = &pending_.emplace_back();
    p->topic = in.topic;
    p->partition = in.partition;
    p->first = in.offset;
    p->writer.start(writer_id_, sequence_, std::min(last_record_bytes_, kMaxChangelogRecord + 1024));
  }
  p->writer.add(uid, value);
}

void ProcessStage::flush_dedup(log::Output& out) {
  for (auto& p : pending_) {
    last_record_bytes_ = std::max(last_record_bytes_ / 2, p.writer.bytes() + p.writer.bytes() / 8);
    out.emit(topics_.dedup, p.topic + ':' + std::to_string(p.partition) + ':' + std::to_string(p.first),
             p.writer.finish());
  }
  pending_.clear();
}

// The retractions for a deleted post whose dedup value is `known`. Fields that do not parse
// (a corrupt changelog value) skip that entity.
void ProcessStage::retract(const std::string& uid, std::string_view known, const core::Post& post, log::Output& out) {
  auto fields = split(known, kField);
  for (std::size_t f = 2; f < fields.size(); ++f) {
    auto parts = split(fields[f], kEntity);
    if (parts.size() != 5) continue;
    core::Mention m;
    if (!parse_float(parts[3], m.sentiment.score)) continue;
    m.entity = std::string(parts[0]);
    core::parse_entity_kind(parts[1], &m.kind);
    m.post_uid = uid;
    m.source = post.source;
    m.created_at = std::string(fields[0]);
    m.author_id = std::string(fields[1]);
    sentiment::parse_label(parts[2], &m.sentiment.label);
    m.sentiment.model = "retract";
    m.derived = parts[4] == "1";
    m.retract = true;
    std::string key = m.entity;
    out.emit(topics_.mentions, std::move(key), codec::encode(m));
    ++counters_->mentions;
  }
}

void ProcessStage::emit(const log::Record& in, Slot& slot, log::Output& out) {
  if (slot.bad) {
    out.emit(topics_.deadletter, in.key, std::move(slot.dead_json));
    ++counters_->dead_letters;
    std::lock_guard lock(counters_->mu);
    ++counters_->dead_by_reason[reason_class(slot.reason)];
    return;
  }
  if (slot.deleted) {
    std::string& uid = slot.post.uid;
    auto it = seen_.find(uid);
    if (it != seen_.end() && !it->second.empty() && it->second[0] == '!') return;  // already deleted
    if (it != seen_.end()) retract(uid, it->second, slot.post, out);
    stage_dedup(in, uid, "!", out);
    if (it == seen_.end()) {
      it = seen_.emplace(uid, "!").first;
      undo_.push_back({&it->first, {}, true});
    } else {
      undo_.push_back({&it->first, std::exchange(it->second, "!"), false});
    }
    core::ScoredPost tomb;
    tomb.post = std::move(slot.post);
    tomb.post.deleted = true;
    tomb.sentiment = Enricher::unsupported();
    std::string key = tomb.post.uid;
    out.emit(topics_.scored, std::move(key), codec::encode(tomb));
    ++counters_->deletes;
    return;
  }
  std::string& uid = slot.scored.post.uid;
  auto [it, inserted] = seen_.try_emplace(uid);  // the uid's one copy in the stage
  if (!inserted) {
    ++counters_->duplicates;
    return;
  }
  undo_.push_back({&it->first, {}, true});
  if (near_.check_and_add_hash(slot.fingerprint)) {
    slot.scored.flags.push_back("near_duplicate");
    slot.scored_json.clear();
    codec::encode_to(slot.scored, slot.scored_json);
    ++counters_->near_duplicates;
  }
  stage_dedup(in, uid, slot.dedup, out);
  it->second = std::move(slot.dedup);
  for (std::size_t i = 0; i < slot.mentions.size(); ++i) {
    out.emit(topics_.mentions, std::move(slot.mentions[i].entity), std::move(slot.mention_json[i]));
  }
  counters_->mentions += slot.mentions.size();
  out.emit(topics_.scored, std::move(uid), std::move(slot.scored_json));
  ++counters_->scored;
}

void ProcessStage::on_commit() {
  near_.commit();
  for (const auto& u : undo_) {
    if (u.inserted) order_.push_back(u.uid);
  }
  undo_.clear();
  pending_.clear();
  open_ = false;
  evict();
}

void ProcessStage::on_revoked(const std::vector<log::TopicPartition>& partitions) {
  std::erase_if(owned_, [&](const log::TopicPartition& tp) {
    return std::find(partitions.begin(), partitions.end(), tp) != partitions.end();
  });
}

void ProcessStage::on_abort() {
  near_.rollback();  // the batch comes again: it must not meet its own fingerprints
  for (auto u = undo_.rbegin(); u != undo_.rend(); ++u) {
    auto it = seen_.find(*u->uid);
    if (it == seen_.end()) continue;  // cannot happen: nothing is evicted while a batch is open
    if (u->inserted) {
      seen_.erase(it);
    } else {
      it->second = std::move(u->old);
    }
  }
  undo_.clear();
  pending_.clear();
  if (open_) {
    // Its changelog record stays invisible unless the commit went through after all (a
    // commit timeout); catch_up() then applies it instead of skipping it as our own.
    aborted_.push_back(sequence_);
    if (aborted_.size() > kMaxAborted) aborted_.pop_front();
    open_ = false;
  }
  if (prepared_) {
    prepared_->cancelled = true;  // workers stop after their chunk; the job owns its batch
    prepared_.reset();
  }
}

}  // namespace earshot::pipeline::process

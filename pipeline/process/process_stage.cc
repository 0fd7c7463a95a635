#include "pipeline/process/process_stage.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "pipeline/codec/json_codec.h"
#include "pipeline/process/dedup_changelog.h"
#include "pipeline/process/simhash.h"

namespace earshot::pipeline::process {
namespace {

std::string now_rfc3339() {
  return core::format_rfc3339_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

std::string reason_class(const std::string& reason) {
  auto colon = reason.find(':');
  return colon == std::string::npos ? reason : reason.substr(0, colon);
}

}  // namespace

// One input record's results. Everything but the ordered decisions is filled by a worker.
struct ProcessStage::Slot {
  bool bad = false;
  bool not_selected = false;  // refused by ProcessOptions::select: produces nothing
  std::string reason;
  std::string dead_json;  // the encoded dead letter
  bool deleted = false;
  core::ScoredPost scored;  // for valid posts; for deletes only scored.post is set
  std::uint64_t fingerprint = 0;          // simhash of the text
  std::string scored_json;                // encode(scored), without near_duplicate
  std::vector<std::string> mention_json;  // the Mention of scored.entities[i], encoded
  std::string dedup;                      // the changelog value
  std::string text_hash;                  // dedup_changelog::text_hash(post text)
};

struct ProcessStage::Work {
  std::shared_ptr<const log::Batch> owner;  // set when prepared ahead
  const log::Batch* batch = nullptr;
  std::vector<Slot> slots;
};

// The per-record work, a pure function of the record: strict decode, enrichment, the SimHash
// fingerprint, the dedup value and the JSON of every output.
void ProcessStage::prepare_record(const log::Record& in, Slot& slot) const {
  const Enricher& enricher = enricher_;
  auto post = codec::decode_post(in.value);
  if (!post) {
    slot.bad = true;
    slot.reason = post.error().message;
    slot.dead_json = codec::encode(core::DeadLetter{slot.reason, "process", in.topic, in.partition,
                                                    in.offset, in.key, in.value, now_rfc3339()});
    return;
  }
  if (select_ && !select_(*post)) {
    slot.not_selected = true;
    return;
  }
  if (post->deleted) {
    slot.deleted = true;
    slot.scored.post = std::move(*post);
    return;
  }
  slot.scored = enricher.enrich(std::move(*post));
  slot.fingerprint = simhash(slot.scored.post.text);
  slot.text_hash = dedup_changelog::text_hash(slot.scored.post.text);
  slot.dedup = dedup_changelog::with_version(
      dedup_changelog::post_value(slot.scored),
      {0, slot.scored.post.edited_at.value_or(""), slot.text_hash});
  // Each linked entity's Mention, written from views into slot.scored (no Mention copies).
  const std::size_t n = slot.scored.entities.size();
  slot.mention_json.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    codec::MentionView m = Enricher::mention_view(slot.scored, i);
    m.model_version = model_version_;
    slot.mention_json[i].clear();
    codec::encode_to(m, slot.mention_json[i]);
  }
  codec::encode_to(slot.scored, slot.scored_json);
}

ProcessStage::ProcessStage(const Enricher& enricher, ProcessTopics topics, ProcessOptions options,
                           ProcessCounters* counters)
    : enricher_(enricher),
      topics_(std::move(topics)),
      counters_(counters),
      select_(std::move(options.select)),
      model_version_(std::move(options.model_version)),
      dedup_({.topic = topics_.dedup,
              .capacity = options.dedup_capacity,
              .on_warning = std::move(options.on_warning)}),
      pool_(options.threads) {}

ProcessStage::~ProcessStage() = default;

core::Status ProcessStage::restore(log::Log& log) {
  auto st = dedup_.restore(log);
  counters_->changelog_skipped = dedup_.skipped();
  return st;
}

ProcessStage::Started ProcessStage::start(const log::Batch& batch,
                                          std::shared_ptr<const log::Batch> owner) {
  std::unique_ptr<Work> spare;
  {
    std::lock_guard lock(spare_mu_);
    if (!spare_.empty()) {
      spare = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  if (!spare) spare = std::make_unique<Work>();
  // The last holder (usually a worker, see handle()) gives the Work back through recycle().
  std::shared_ptr<Work> work(spare.release(), [this](Work* w) { recycle(w); });
  work->owner = std::move(owner);
  work->batch = &batch;
  work->slots.resize(batch.size());  // a recycled Work's slots are default Slots already
  auto job = pool_.submit(batch.size(), [work, this](std::size_t i) {
    prepare_record((*work->batch)[i], work->slots[i]);
  });
  return {std::move(work), std::move(job)};
}

// Empties a finished Work for a later batch, on the thread that let it go: the slots are
// destroyed and default-constructed again in memory that is already mapped, so start() on the
// loop thread neither builds thousands of Slots nor faults fresh pages in (issue 18).
void ProcessStage::recycle(Work* w) {
  std::unique_ptr<Work> work(w);
  work->owner.reset();
  work->batch = nullptr;
  const std::size_t n = work->slots.size();
  work->slots.clear();
  work->slots.resize(n);
  std::lock_guard lock(spare_mu_);
  if (spare_.size() < kSpareWorks) spare_.push_back(std::move(work));
}

void ProcessStage::prepare(std::shared_ptr<const log::Batch> batch) {
  if (prepared_.job) prepared_.job->cancel();
  const log::Batch& b = *batch;
  prepared_ = start(b, std::move(batch));
}

core::Status ProcessStage::handle(const std::vector<log::Record>& batch, log::Output& out) {
  auto started = std::chrono::steady_clock::now();
  auto caught_up = dedup_.catch_up(batch);
  counters_->changelog_skipped = dedup_.skipped();
  if (!caught_up) return caught_up;
  Started run;
  if (prepared_.job && prepared_.work->batch == &batch && !prepared_.job->cancelled()) {
    run = std::exchange(prepared_, {});
    counters_->prepared += 1;
  } else {
    if (prepared_.job) prepared_.job->cancel();
    prepared_ = {};
    run = start(batch, nullptr);  // handle() waits for every record, so no owner is needed
  }
  pool_.wait(*run.job);  // helps the workers
  dedup_.begin();
  const std::size_t n = batch.size();
  out.records.reserve(out.records.size() + 2 * n + 4);
  for (std::size_t i = 0; i < n; ++i) emit(batch[i], run.work->slots[i], out);
  dedup_.flush(out);
  // A worker frees the slots (thousands of strings) while this thread commits. The input
  // batch is not theirs to free: the loop may still hold it.
  run.work->owner.reset();
  run.job.reset();
  pool_.dispose(std::move(run.work));
  counters_->records_in += n;
  counters_->batches += 1;
  counters_->last_batch_us =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count());
  return core::ok();
}

void ProcessStage::emit(const log::Record& in, Slot& slot, log::Output& out) {
  if (slot.not_selected) {
    ++counters_->not_selected;
    return;
  }
  if (slot.bad) {
    out.emit(topics_.deadletter, in.key, std::move(slot.dead_json));
    ++counters_->dead_letters;
    std::lock_guard lock(counters_->mu);
    ++counters_->dead_by_reason[reason_class(slot.reason)];
    return;
  }
  if (slot.deleted) {
    emit_delete(in, slot, out);
    return;
  }
  std::string& uid = slot.scored.post.uid;
  if (!dedup_.add(in, uid, std::move(slot.dedup), out)) {
    const std::string* known = dedup_.find(uid);
    if (known && dedup_changelog::is_edit(*known, slot.scored.post, slot.text_hash)) {
      emit_edit(in, slot, *known, out);
    } else {
      ++counters_->duplicates;
    }
    return;
  }
  if (near_.check_and_add_hash(slot.fingerprint)) {
    slot.scored.flags.push_back("near_duplicate");
    slot.scored_json.clear();
    codec::encode_to(slot.scored, slot.scored_json);
    ++counters_->near_duplicates;
  }
  for (std::size_t i = 0; i < slot.mention_json.size(); ++i) {
    out.emit(topics_.mentions, slot.scored.entities[i].id, std::move(slot.mention_json[i]));
  }
  counters_->mentions += slot.mention_json.size();
  out.emit(topics_.scored, std::move(uid), std::move(slot.scored_json));
  ++counters_->scored;
}

// A newer version of a known post (issue 14): its scored record, flagged `edited`, so the
// reply planner can stop a reply planned for the old text. No mentions: aggregates keep the
// first version's (retracting and re-adding them is not done yet). The dedup value takes the
// next revision, so the same version again is a duplicate.
void ProcessStage::emit_edit(const log::Record& in, Slot& slot, const std::string& known,
                             log::Output& out) {
  auto v = dedup_changelog::version_of(known);
  v.rev += 1;
  v.edited_at = slot.scored.post.edited_at.value_or("");
  v.text_hash = slot.text_hash;
  dedup_.update(in, slot.scored.post.uid, dedup_changelog::with_version(slot.dedup, v), out);
  auto& flags = slot.scored.flags;
  if (std::find(flags.begin(), flags.end(), "edited") == flags.end()) {
    flags.push_back("edited");
    slot.scored_json.clear();
    codec::encode_to(slot.scored, slot.scored_json);
  }
  std::string key = slot.scored.post.uid;
  out.emit(topics_.scored, std::move(key), std::move(slot.scored_json));
  ++counters_->edits;
}

// A platform delete of a known post retracts its mentions (from the dedup value) and yields
// a tombstone; a repeated delete yields nothing.
void ProcessStage::emit_delete(const log::Record& in, Slot& slot, log::Output& out) {
  core::Post& post = slot.scored.post;
  std::string& uid = post.uid;
  const std::string* known = dedup_.find(uid);
  if (known && dedup_changelog::is_deleted(*known)) return;  // already deleted
  if (known) {
    retracted_.clear();
    dedup_changelog::retractions(uid, *known, post, retracted_);
    for (auto& m : retracted_) {
      if (!model_version_.empty()) m.model_version = model_version_;
      std::string key = m.entity;
      out.emit(topics_.mentions, std::move(key), codec::encode(m));
      ++counters_->mentions;
    }
  }
  dedup_.mark_deleted(in, uid, out);
  core::ScoredPost tomb;
  tomb.post = std::move(post);
  tomb.post.deleted = true;
  tomb.sentiment = Enricher::unsupported();
  std::string key = tomb.post.uid;
  out.emit(topics_.scored, std::move(key), codec::encode(tomb));
  ++counters_->deletes;
}

void ProcessStage::on_commit() {
  near_.commit();
  dedup_.commit();
}

void ProcessStage::on_revoked(const std::vector<log::TopicPartition>& partitions) {
  dedup_.on_revoked(partitions);
}

void ProcessStage::on_abort() {
  near_.rollback();  // the batch comes again: it must not meet its own fingerprints
  dedup_.rollback();
  if (prepared_.job) {
    prepared_.job->cancel();  // workers stop after their chunk; the job owns its batch
    prepared_ = {};
  }
}

}  // namespace earshot::pipeline::process

// earshot::pipeline::link — a customer directory read from a CSV or JSON Lines file.
//
// CSV: a header line naming the columns; platform, handle and customer_id are required,
// tier and name optional, every other column is a free attribute. RFC 4180 quoting ("a,b",
// "say ""hi""") is understood. JSONL: one object per line with the same keys; other keys
// are attributes. A `did` attribute makes the row findable by that Bluesky DID as well as by
// its handle. Handles are stored in canonical form (identity.h); a later row for the same
// platform and handle replaces an earlier one.
//
//   auto dir = FileCustomerSource::open("customers.csv", FileCustomerSource::Format::csv);
//   CustomerLookup l = (*dir)->find(identity_of("mastodon", author, "mastodon.example"));
//
// Memory: rows live in one byte arena (the row's bytes, handle in canonical form) plus a
// 20-byte row index and 8–16 bytes of hash table per handle: 1 M handles from a 60 MB CSV
// take 88 MB resident (tests/pipeline/customer_directory_test.cc measures it).
//
// Reload: a background thread checks the file's mtime and size every `check_interval` and
// loads a changed file into a new snapshot and swaps it in under a mutex that guards only
// the pointer: a look-up copies the pointer and never waits for a load. A file that fails
// to load (half written, bad line) keeps the previous snapshot and counts reload_failures().
// reload_if_changed() does the same check on demand.
//
// Thread safety: find(), attributes(), size() and reload_if_changed() may run on any
// threads at once. Lifetime: the destructor stops the watcher thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "pipeline/link/customer_directory.h"

namespace earshot::pipeline::link {

class FileCustomerSource : public CustomerSource {
 public:
  enum class Format { csv, jsonl };
  struct Options {
    std::chrono::milliseconds check_interval{1000};  // 0 = no watcher thread
  };
  struct Snapshot;  // the loaded rows (customer_file.cc)

  // Loads the file; the error names the file and line.
  static core::Result<std::unique_ptr<FileCustomerSource>> open(std::string path, Format format);
  static core::Result<std::unique_ptr<FileCustomerSource>> open(std::string path, Format format,
                                                                Options options);
  ~FileCustomerSource() override;

  CustomerLookup find(const Identity& who) const override;
  std::string name() const override { return name_; }
  // The free attributes of the row `who` finds (empty when none).
  std::map<std::string, std::string> attributes(const Identity& who) const;
  std::size_t size() const;  // handles (rows) loaded
  // Reloads when mtime or size changed: true if a new snapshot was swapped in.
  core::Result<bool> reload_if_changed() const;
  std::uint64_t reload_failures() const { return reload_failures_.load(); }

  // Parses a whole file into a snapshot (used by open() and reloads).
  static core::Result<std::shared_ptr<const Snapshot>> load(const std::string& path, Format format);

 private:
  FileCustomerSource(std::string path, Format format, Options options,
                     std::shared_ptr<const Snapshot> snap);
  void watch();

  std::string path_;
  Format format_;
  Options options_;
  std::string name_;
  // The snapshot in use. Not std::atomic<std::shared_ptr>: GCC 12's libstdc++ unlocks it with
  // a relaxed store after reading the pointer, which orders nothing for the next writer
  // (ThreadSanitizer reports the swap racing the read); a mutex around a copy does.
  std::shared_ptr<const Snapshot> current() const {
    std::lock_guard lock(snap_mu_);
    return snap_;
  }
  mutable std::mutex snap_mu_;
  mutable std::shared_ptr<const Snapshot> snap_;  // guarded by snap_mu_
  mutable std::mutex reload_mu_;
  mutable std::atomic<std::uint64_t> reload_failures_{0};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread watcher_;
};

}  // namespace earshot::pipeline::link

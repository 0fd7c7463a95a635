// Issue 18's memory target with the dedup store full: loads the Enricher from a config (as
// `earshot process` does: entities, customer directories, model), then fills a DedupStore of
// `capacity` uids to capacity and past it (2 × capacity Bluesky-shaped posts in batches of
// 500, each value the real dedup value of an enriched post), and prints the resident set
// (VmRSS) and peak (VmHWM) after each step. bench/memory.sh runs it; not a Google Benchmark.
//
//   dedup_memory_bench CONFIG CAPACITY
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/process/dedup_changelog.h"
#include "pipeline/process/dedup_store.h"
#include "pipeline/process/enricher.h"

namespace {

using namespace earshot::pipeline;

long status_kb(const std::string& field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

void report(const char* step) {
  std::printf("%-34s VmRSS %5ld MB  VmHWM %5ld MB\n", step, status_kb("VmRSS") / 1024,
              status_kb("VmHWM") / 1024);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: dedup_memory_bench CONFIG CAPACITY\n");
    return 2;
  }
  const std::size_t capacity = std::stoul(argv[2]);
  report("start");
  auto config = config::load_config(argv[1]);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 1;
  }
  auto enricher = process::Enricher::build(&*config, "");
  if (!enricher) {
    std::fprintf(stderr, "%s\n", enricher.error().message.c_str());
    return 1;
  }
  report("enricher loaded");

  // 1,000 distinct dedup values from enriched posts that link an entity and a customer.
  std::vector<std::string> values;
  std::size_t linked = 0;
  for (int i = 0; i < 1000; ++i) {
    core::Post p;
    p.uid = "bluesky:did:plc:pool/" + std::to_string(i);
    p.source = "bluesky";
    p.created_at = "2026-12-07T05:00:00.000Z";
    p.author.id = "did:plc:" + std::string(24, static_cast<char>('a' + i % 26));
    p.author.handle = "user" + std::to_string(i * 997 % 1'000'000) + ".bsky.social";
    p.text = "#ent" + std::to_string(i * 7 % 10'000) + " lost my bag again, worst service";
    auto scored = (*enricher)->enrich(std::move(p));
    if (!scored.entities.empty()) ++linked;
    // As the process stage stores it: with the version field (issue 14 edits).
    values.push_back(process::dedup_changelog::with_version(
        process::dedup_changelog::post_value(scored),
        {0, "", process::dedup_changelog::text_hash(scored.post.text)}));
  }
  std::size_t value_bytes = 0;
  for (const auto& v : values) value_bytes += v.size();

  process::DedupStore store({.topic = "posts.dedup", .capacity = capacity, .on_warning = {}});
  log::Output out;
  const std::size_t total = 2 * capacity;
  for (std::size_t i = 0; i < total;) {
    store.begin();
    for (std::size_t n = 0; n < 500 && i < total; ++n, ++i) {
      const log::Record in{"posts", 0, static_cast<std::int64_t>(i), "", "", 0};
      // Bluesky uids: source, the author's DID, the record key.
      std::string uid = "bluesky:did:plc:abcdefghijklmnopqrstuvwx/3l" + std::to_string(i);
      std::string value = values[i % values.size()];
      if (!store.add(in, uid, std::move(value), out)) {
        std::fprintf(stderr, "a new uid was taken for a duplicate: %s\n", uid.c_str());
        return 1;
      }
    }
    store.flush(out);
    store.commit();
    out.records.clear();
    if (i == capacity) report("dedup store full");
  }
  report("after 2 x capacity posts");
  std::printf(
      "RESULT capacity=%zu kept=%zu linked=%zu/1000 mean_value_bytes=%zu "
      "table_bytes=%zu bytes_per_uid=%.1f peak_rss_mb=%ld\n",
      capacity, store.size(), linked, value_bytes / values.size(), store.memory_bytes(),
      static_cast<double>(store.memory_bytes()) / static_cast<double>(store.size()),
      status_kb("VmHWM") / 1024);
  return 0;
}

// BM_Link: linking cost per post against 10 000 entities × 5 aliases (plus a handle, a
// hashtag and a domain each, a tenth of them context-gated, twenty regex aliases).
// BM_Link_Build: compiling those entities. Fixed-seed corpus; every run first checks that
// each post links exactly the entities planted in it.
#include <benchmark/benchmark.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "pipeline/link/linker.h"

namespace earshot::pipeline {
namespace {

using config::EntityDef;
using core::Post;
using link::Linker;

constexpr int kEntities = 10000;
constexpr int kPosts = 2000;

const char* kSyllables[] = {"ka",  "lo",  "mi",  "ren", "tor", "vel", "qua", "zin",
                            "bro", "sel", "dar", "nim", "pex", "ulo", "fra", "gor",
                            "hes", "jun", "wyn", "oda", "ist", "cal", "mer", "tiv"};
const char* kWords[] = {
    "the",     "my",     "again",    "flight", "order",  "app",   "today", "really", "support",
    "waiting", "refund", "service",  "phone",  "great",  "worst", "hours", "still",  "why",
    "account", "broken", "love",     "update", "thanks", "after", "delay", "ticket", "store",
    "never",   "always", "customer", "new",    "price",  "bill",  "week",  "late",   "fixed"};

std::string name(std::mt19937& rng, int syllables) {
  std::string s;
  for (int i = 0; i < syllables; ++i) s += kSyllables[rng() % std::size(kSyllables)];
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

struct Corpus {
  std::vector<EntityDef> entities;
  std::vector<Post> posts;
  std::vector<std::set<std::string>> expected;
  std::size_t bytes = 0;
};

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus c;
    std::mt19937 rng(20261123);
    std::set<std::string> used;
    for (int i = 0; i < kEntities; ++i) {
      EntityDef e;
      e.id = std::to_string(i).insert(0, 1, 'e');
      std::string base;
      do base = name(rng, 3);
      while (!used.insert(base).second);
      e.name = base;
      e.aliases = {base, base + " Group", base + " " + name(rng, 2), base + "co",
                   "The " + base + " Company"};
      std::string lower = base;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      e.handles = {"@" + lower};
      e.hashtags = {"#" + lower};
      e.domains = {lower + ".example"};
      if (i % 10 == 0) e.require_any = {"service", "support"};
      if (i < 20) e.patterns = {"(?i)\\b" + lower + "\\s*(?:inc|ltd)\\b"};
      c.entities.push_back(std::move(e));
    }
    for (int p = 0; p < kPosts; ++p) {
      Post post;
      post.uid = "file:bench:" + std::to_string(p);
      post.source = "file";
      std::set<std::string> want;
      int words = 12 + static_cast<int>(rng() % 20);
      for (int w = 0; w < words; ++w) {
        if (!post.text.empty()) post.text += ' ';
        unsigned roll = rng() % 100;
        if (roll < 4) {
          int e = 1 + static_cast<int>(rng() % (kEntities - 1));
          if (e % 10 == 0) ++e;
          const EntityDef& d = c.entities[e];
          unsigned kind = rng() % 4;
          post.text += kind == 0   ? d.aliases[0]
                       : kind == 1 ? d.handles[0]
                       : kind == 2 ? d.hashtags[0]
                                   : "https://" + d.domains[0] + "/x";
          want.insert(d.id);
        } else {
          post.text += kWords[rng() % std::size(kWords)];
        }
      }
      c.bytes += post.text.size();
      c.posts.push_back(std::move(post));
      c.expected.push_back(std::move(want));
    }
    return c;
  }();
  return c;
}

void BM_Link(benchmark::State& state) {
  const Corpus& c = corpus();
  auto linker = Linker::build(c.entities);
  if (!linker) {
    state.SkipWithError(linker.error().message.c_str());
    return;
  }
  for (std::size_t i = 0; i < c.posts.size(); ++i) {
    std::set<std::string> got;
    for (const auto& m : linker->link(c.posts[i]).entities) got.insert(m.id);
    if (got != c.expected[i]) {
      state.SkipWithError(
          ("reference mismatch on post " + std::to_string(i) + ": " + c.posts[i].text).c_str());
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(linker->link(c.posts[i]));
    if (++i == c.posts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * (c.bytes / c.posts.size())));
}
BENCHMARK(BM_Link)->ThreadRange(1, 2)->UseRealTime();

void BM_Link_Build(benchmark::State& state) {
  const Corpus& c = corpus();
  for (auto _ : state) {
    auto linker = Linker::build(c.entities);
    if (!linker) {
      state.SkipWithError(linker.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(linker->alias_count());
  }
  state.SetItemsProcessed(state.iterations() * kEntities);
}
BENCHMARK(BM_Link_Build)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace earshot::pipeline

BENCHMARK_MAIN();

// Settings and the fixed-seed corpus of bench/process_bench.cc (split out to keep that file short).
#pragma once

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "pipeline/log/kafka/kafka_log.h"
#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/process/enricher.h"
#include "pipeline/process/process_stage.h"

namespace earshot::bench {

using namespace std::chrono_literals;
using pipeline::core::Status;
using pipeline::log::BatchHandler;
using pipeline::log::Output;
using pipeline::log::Record;
using Clock = std::chrono::steady_clock;

inline std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

inline std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd() % 100000000);
}

struct Settings {
  std::string brokers = env_or("EARSHOT_E2E_BROKERS", "127.0.0.1:9092");
  std::string input = env_or("EARSHOT_E2E_INPUT", "e2e-" + random_suffix() + ".posts");
  std::size_t posts = std::stoul(env_or("EARSHOT_E2E_POSTS", "100000"));
  std::size_t batch = std::stoul(env_or("EARSHOT_E2E_BATCH", "1000"));
};

inline const Settings& settings() {
  static const Settings s;
  return s;
}

// ---- Corpus: realistic posts, fixed seed -------------------------------------------------

// Real public posts: the 45,615 TweetEval train tweets (EARSHOT_E2E_TEXTS, default
// ../shared/data/tweeteval_sentiment/train_text.txt next to the source tree), in order, then
// pairs of them joined (so no text repeats verbatim); about 60% mention one of the four
// configured entities by alias, handle or hashtag. Without that file: template sentences
// about the same entities (label "templates"; these repeat shingles, so more of them are
// flagged near-duplicate).
inline std::vector<std::string> load_texts() {
  const std::string path =
      env_or("EARSHOT_E2E_TEXTS", std::string(EARSHOT_SOURCE_DIR) +
                                      "/../shared/data/tweeteval_sentiment/train_text.txt");
  std::ifstream in(path);
  std::vector<std::string> texts;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) texts.push_back(std::move(line));
  }
  return texts;
}

inline std::string template_text(std::mt19937_64& rng, std::size_t i) {
  static const char* kSubjects[] = {"Acme Air",
                                    "@acmeair",
                                    "#acmeair",
                                    "Globex",
                                    "Globex support",
                                    "@globex",
                                    "the Initech TPS app",
                                    "Umbrella Bank",
                                    "my airline",
                                    "the train"};
  static const char* kBodies[] = {
      " lost my bag again, three hours at the carousel and nobody answers",
      " crew was lovely today and we landed twenty minutes early",
      " fixed my router in ten minutes, honestly impressed",
      " is down again?? still no internet here since this morning",
      " charged me twice for the same ticket and the chat bot keeps looping",
      " just announced a new route to Lisbon, not sure how I feel about it",
      " has the worst hold music in the world, 55 minutes and counting",
      " refunded me without any fuss. that is how you keep customers",
      " app crashes every time I try to check in, please fix this",
      " was fine I guess, nothing special, got there on time",
  };
  std::string t = std::string(kSubjects[rng() % 10]) + kBodies[rng() % 10];
  if (rng() % 3 == 0) t += std::string(" Also ") + kSubjects[rng() % 10] + kBodies[rng() % 10];
  return t + " (" + std::to_string(i) + ")";
}

inline const std::vector<std::string>& corpus_texts() {
  static const std::vector<std::string> texts = load_texts();
  return texts;
}

std::string corpus_name() { return corpus_texts().empty() ? "templates" : "tweeteval"; }

inline std::vector<pipeline::core::Post> make_corpus(std::size_t n, const std::string& prefix) {
  static const char* kPrefixes[] = {"@acmeair ",        "Acme Air: ",          "@globex ",
                                    "Globex support: ", "Umbrella Bank app: ", "Initech TPS "};
  static const char* kSuffixes[] = {" #acmeair",   " @acmeair",      " #globex?",
                                    " cc @globex", " (Initech TPS)", " @umbrella"};
  static const char* kSources[] = {"mastodon", "bluesky", "reddit", "hackernews"};
  const auto& texts = corpus_texts();
  std::mt19937_64 rng(20261123);
  std::vector<pipeline::core::Post> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    pipeline::core::Post p;
    const char* source = kSources[rng() % 4];
    p.uid = std::string(source) + ":bench:" + prefix + "-" + std::to_string(i);
    p.source = source;
    p.url = "https://example.test/" + p.source + "/" + std::to_string(i);
    const std::int64_t t = 1'795'000'000'000 + static_cast<std::int64_t>(i) * 37;
    p.created_at = pipeline::core::format_rfc3339_ms(t);
    p.ingested_at = pipeline::core::format_rfc3339_ms(t + 900);
    const auto user = rng() % 20000;
    p.author = {"u" + std::to_string(user), "@user" + std::to_string(user),
                "User " + std::to_string(user), static_cast<std::int64_t>(rng() % 5000)};
    if (texts.empty()) {
      p.text = template_text(rng, i);
    } else {
      const std::size_t m = texts.size();
      p.text = i < m ? texts[i] : texts[i % m] + " " + texts[(i * 7919 + i / m) % m];
      const auto pick = rng() % 10;
      if (pick < 3)
        p.text = kPrefixes[rng() % 6] + p.text;
      else if (pick < 6)
        p.text += kSuffixes[rng() % 6];
    }
    if (rng() % 4 == 0) p.tags.push_back("travel");
    out.push_back(std::move(p));
  }
  return out;
}

const char* kEntitiesYaml = R"(entities:
  - {id: acme-air, name: Acme Air, kind: company, aliases: ["Acme Air", "AcmeAir"], handles: ["@acmeair"], hashtags: ["#acmeair"]}
  - {id: globex, name: Globex, kind: company, aliases: ["Globex"], handles: ["@globex"]}
  - {id: initech-tps, name: Initech TPS, kind: product, aliases: ["Initech TPS"]}
  - {id: umbrella-bank, name: Umbrella Bank, kind: company, aliases: ["Umbrella Bank"], handles: ["@umbrella"], require_any: ["bank", "card", "account", "charged", "app", "fix"]}
sentiment: {model: default}
)";

inline const pipeline::process::Enricher& enricher() {
  static const std::unique_ptr<pipeline::process::Enricher> e = [] {
    auto config = pipeline::config::parse_config(kEntitiesYaml, "process_bench.yaml", "");
    if (!config) throw std::runtime_error(config.error().message);
    auto built = pipeline::process::Enricher::build(&*config, "");
    if (!built) throw std::runtime_error(built.error().message);
    return std::move(*built);
  }();
  return *e;
}

}  // namespace earshot::bench

// earshot::pipeline::link — the compiled form of a Linker (private to linker*.cc).
//
// Built by linker_build.cc, read by linker.cc. Thread safety: immutable once built.
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/link/linker.h"

namespace earshot::pipeline::link {

struct LinkEntity {
  std::string id;
  core::EntityKind kind = core::EntityKind::company;
  int parent = -1;                                      // index into Impl::entities
  std::vector<std::vector<std::uint64_t>> require_any;  // phrases as hashes of folded words
  std::vector<std::vector<std::uint64_t>> exclude;
};

// A literal alias cut into folded words; `seps` are the separators between them (n - 1),
// `prefix`/`suffix` the non-word bytes before the first and after the last (".NET", "C++").
// The index is keyed by the alias's rarest word, words[anchor] (not the first: thousands of
// "The … Company" aliases would otherwise all hang off "the").
struct LinkAlias {
  std::uint32_t entity = 0;
  std::uint32_t anchor = 0;
  std::vector<std::string> words;
  std::vector<std::string> seps;
  std::string prefix;
  std::string suffix;
};

// Open addressing: the aliases whose anchor word hashes to `hash` are
// aliases[begin, begin + count); count == 0 marks an empty slot.
struct LinkSlot {
  std::uint64_t hash = 0;
  std::uint32_t begin = 0;
  std::uint32_t count = 0;
};

struct LinkRegex {
  std::uint32_t entity = 0;
  std::unique_ptr<RE2> re;
};

struct Linker::Impl {
  std::vector<LinkEntity> entities;
  std::vector<LinkAlias> aliases;
  std::vector<LinkSlot> table;
  std::uint64_t mask = 0;
  // One bit per (hash >> 40) & filter_mask: most words of a post are in no alias, and this
  // small bitmap (it stays in cache) says so without touching the large table.
  std::vector<std::uint64_t> filter;
  std::uint64_t filter_mask = 0;
  std::unordered_map<std::string, std::vector<std::uint32_t>> handles;   // canonical handle
  std::unordered_map<std::string, std::vector<std::uint32_t>> hashtags;  // folded, no '#'
  std::unordered_map<std::string, std::vector<std::uint32_t>> domains;   // lower-case host
  std::vector<LinkRegex> regexes;
  std::unique_ptr<RE2::Set> set;  // all regexes, same order as `regexes`

  const LinkSlot* find(std::uint64_t hash) const {
    std::uint64_t bit = (hash >> 40) & filter_mask;
    if ((filter[bit >> 6] & (std::uint64_t{1} << (bit & 63))) == 0) return nullptr;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const LinkSlot& s = table[i];
      if (s.count == 0) return nullptr;
      if (s.hash == hash) return &s;
    }
  }
};

}  // namespace earshot::pipeline::link

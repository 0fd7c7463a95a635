// Linker::build: checks the entity list and compiles it into Linker::Impl (linker_impl.h).
#include <algorithm>
#include <cstdint>
#include <unordered_set>

#include "pipeline/core/status.h"
#include "pipeline/link/identity.h"
#include "pipeline/link/link_text.h"
#include "pipeline/link/linker.h"
#include "pipeline/link/linker_impl.h"

namespace earshot::pipeline::link {
namespace {

std::string quote(std::string_view s) {
  std::string out(1, '\'');
  out.append(s);
  out += '\'';
  return out;
}

core::Error entity_error(const config::EntityDef& e, const std::string& what) {
  return core::Error(core::ErrorCode::kInvalidArgument, "entity " + quote(e.id) + ": " + what);
}

// Words of an alias or a context phrase, with the separators between them.
struct Split {
  std::vector<std::string> words;
  std::vector<std::string> seps;
  std::string prefix, suffix;
};

Split split_words(std::string_view s) {
  Split out;
  std::size_t i = 0, last_end = 0;
  while (i < s.size()) {
    std::size_t len = 0;
    char32_t c = utf8_decode(s, i, &len);
    if (!is_word_code_point(c)) {
      i += len;
      continue;
    }
    std::size_t j = i + len;
    if (!is_unspaced_script(c)) {
      while (j < s.size()) {
        char32_t d = utf8_decode(s, j, &len);
        if (!is_word_code_point(d) || is_unspaced_script(d)) break;
        j += len;
      }
    }
    std::string sep = fold_case(s.substr(last_end, i - last_end));
    if (out.words.empty())
      out.prefix = std::move(sep);
    else
      out.seps.push_back(std::move(sep));
    out.words.push_back(fold_case(s.substr(i, j - i)));
    last_end = j;
    i = j;
  }
  out.suffix = fold_case(s.substr(last_end));
  return out;
}

core::Result<std::vector<std::vector<std::uint64_t>>> phrases(const config::EntityDef& e,
                                                              const std::vector<std::string>& list,
                                                              const char* field) {
  std::vector<std::vector<std::uint64_t>> out;
  for (const std::string& p : list) {
    Split s = split_words(p);
    if (s.words.empty())
      return std::unexpected(entity_error(e, std::string(field) + " " + quote(p) + " has no word"));
    std::vector<std::uint64_t> hashes;
    for (const std::string& w : s.words) hashes.push_back(hash_bytes(w));
    out.push_back(std::move(hashes));
  }
  return out;
}

std::string normalise_domain(std::string_view d) {
  std::string s = ascii_lower(d);
  if (auto p = s.find("://"); p != std::string::npos) s.erase(0, p + 3);
  if (auto p = s.find('/'); p != std::string::npos) s.erase(p);
  while (s.starts_with("*.") || s.starts_with(".")) s.erase(0, s[0] == '*' ? 2 : 1);
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

void add_key(std::unordered_map<std::string, std::vector<std::uint32_t>>* index, std::string key,
             std::uint32_t entity) {
  auto& v = (*index)[std::move(key)];
  if (std::find(v.begin(), v.end(), entity) == v.end()) v.push_back(entity);
}

core::Status check_parents(const std::vector<config::EntityDef>& defs,
                           const std::vector<LinkEntity>& entities) {
  for (std::size_t i = 0; i < entities.size(); ++i) {
    int p = entities[i].parent;
    for (std::size_t steps = 0; p >= 0; ++steps) {
      if (static_cast<std::size_t>(p) == i || steps > entities.size()) {
        return std::unexpected(entity_error(defs[i], "parent chain loops back to itself"));
      }
      p = entities[p].parent;
    }
  }
  return core::ok();
}

}  // namespace

core::Result<Linker> Linker::build(const std::vector<config::EntityDef>& defs) {
  return build(defs, Options{});
}

core::Result<Linker> Linker::build(const std::vector<config::EntityDef>& defs,
                                   const Options& options) {
  auto impl = std::make_unique<Impl>();
  std::unordered_map<std::string, std::uint32_t> ids;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].id.empty()) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "entities[" + std::to_string(i) + "]: empty id");
    }
    if (!ids.emplace(defs[i].id, static_cast<std::uint32_t>(i)).second) {
      return std::unexpected(entity_error(defs[i], "duplicate id"));
    }
  }
  RE2::Options re_options;
  re_options.set_log_errors(false);
  re_options.set_max_mem(options.max_pattern_memory);
  RE2::Options set_options = re_options;
  set_options.set_max_mem(options.max_set_memory);
  impl->set = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);

  std::vector<std::pair<std::uint64_t, LinkAlias>> aliases;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const config::EntityDef& d = defs[i];
    const auto ei = static_cast<std::uint32_t>(i);
    LinkEntity e;
    e.id = d.id;
    e.kind = d.kind;
    if (d.parent && !d.parent->empty()) {
      auto it = ids.find(*d.parent);
      if (it == ids.end())
        return std::unexpected(entity_error(d, "unknown parent " + quote(*d.parent)));
      if (it->second == ei) return std::unexpected(entity_error(d, "is its own parent"));
      e.parent = static_cast<int>(it->second);
    }
    auto req = phrases(d, d.require_any, "require_any word");
    EARSHOT_TRY(req);
    auto exc = phrases(d, d.exclude, "exclude word");
    EARSHOT_TRY(exc);
    e.require_any = std::move(*req);
    e.exclude = std::move(*exc);
    impl->entities.push_back(std::move(e));

    for (const std::string& a : d.aliases) {
      Split s = split_words(a);
      if (s.words.empty())
        return std::unexpected(entity_error(d, "alias " + quote(a) + " has no letter or digit"));
      aliases.push_back({0, LinkAlias{ei, 0, std::move(s.words), std::move(s.seps),
                                      std::move(s.prefix), std::move(s.suffix)}});
    }
    for (const std::string& h : d.handles) {
      std::string key = canonical_handle("", h);
      if (key.empty()) return std::unexpected(entity_error(d, "empty handle " + quote(h)));
      add_key(&impl->handles, std::move(key), ei);
    }
    for (const std::string& t : d.hashtags) {
      std::string_view body = t;
      while (body.starts_with("#")) body.remove_prefix(1);
      if (body.empty()) return std::unexpected(entity_error(d, "empty hashtag " + quote(t)));
      add_key(&impl->hashtags, fold_case(body), ei);
    }
    for (const std::string& dom : d.domains) {
      std::string key = normalise_domain(dom);
      if (key.empty() || key.find(' ') != std::string::npos) {
        return std::unexpected(entity_error(d, "invalid domain " + quote(dom)));
      }
      add_key(&impl->domains, std::move(key), ei);
    }
    for (const std::string& p : d.patterns) {
      auto re = std::make_unique<RE2>(p, re_options);
      if (!re->ok()) {
        if (re->error_code() == RE2::ErrorPatternTooLarge) {
          return std::unexpected(entity_error(d, "pattern " + quote(p) +
                                                     " is over the regex memory budget of " +
                                                     std::to_string(options.max_pattern_memory) +
                                                     " bytes (" + re->error() + "); simplify it"));
        }
        return std::unexpected(entity_error(d, "pattern " + quote(p) + ": " + re->error()));
      }
      std::string err;
      if (impl->set->Add(p, &err) < 0)
        return std::unexpected(entity_error(d, "pattern " + quote(p) + ": " + err));
      impl->regexes.push_back({ei, std::move(re)});
    }
  }
  EARSHOT_TRY(check_parents(defs, impl->entities));
  if (!impl->regexes.empty() && !impl->set->Compile()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "entities: the " + std::to_string(impl->regexes.size()) +
                          " regex patterns together are over the regex memory budget of " +
                          std::to_string(options.max_set_memory) +
                          " bytes; use literal aliases where you can");
  }

  // The alias index: each alias is anchored on its rarest word (fewest aliases use it);
  // aliases sorted by the anchor's hash, and an open-addressing table from that hash to the
  // run of aliases that share it.
  std::unordered_map<std::uint64_t, std::uint32_t> word_use;
  for (const auto& [h, a] : aliases) {
    std::unordered_set<std::uint64_t> seen;
    for (const std::string& w : a.words) {
      if (seen.insert(hash_bytes(w)).second) ++word_use[hash_bytes(w)];
    }
  }
  for (auto& [h, a] : aliases) {
    std::uint32_t best = 0, best_use = UINT32_MAX;
    for (std::uint32_t k = 0; k < a.words.size(); ++k) {
      std::uint32_t use = word_use[hash_bytes(a.words[k])];
      if (use < best_use) best = k, best_use = use;
    }
    a.anchor = best;
    h = hash_bytes(a.words[best]);
  }
  std::stable_sort(aliases.begin(), aliases.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t cap = 16;
  while (cap < aliases.size() * 2) cap <<= 1;
  impl->table.assign(cap, LinkSlot{});
  impl->mask = cap - 1;
  impl->filter_mask = cap * 8 - 1;  // 16 bits per alias or more: few false hits
  impl->filter.assign(cap * 8 / 64, 0);
  impl->aliases.reserve(aliases.size());
  for (std::size_t i = 0; i < aliases.size();) {
    std::size_t j = i;
    while (j < aliases.size() && aliases[j].first == aliases[i].first) ++j;
    std::uint64_t h = aliases[i].first;
    std::size_t slot = h & impl->mask;
    while (impl->table[slot].count != 0) slot = (slot + 1) & impl->mask;
    impl->table[slot] =
        LinkSlot{h, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j - i)};
    std::uint64_t bit = (h >> 40) & impl->filter_mask;
    impl->filter[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    for (std::size_t k = i; k < j; ++k) impl->aliases.push_back(std::move(aliases[k].second));
    i = j;
  }
  return Linker(std::move(impl));
}

}  // namespace earshot::pipeline::link

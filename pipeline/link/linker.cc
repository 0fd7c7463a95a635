// Linker::link: one scan of the post, index probes, context gates, overlap and parents.
#include "pipeline/link/linker.h"

#include <algorithm>

#include "pipeline/link/identity.h"
#include "pipeline/link/link_text.h"
#include "pipeline/link/linker_impl.h"

namespace earshot::pipeline::link {
namespace {

struct Candidate {
  std::uint32_t entity = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  core::MatchType type = core::MatchType::alias;
  bool gated() const { return type == core::MatchType::alias || type == core::MatchType::regex; }
  bool in_text() const { return end > begin; }
};

int type_rank(core::MatchType t) {
  switch (t) {
    case core::MatchType::handle:
      return 0;
    case core::MatchType::hashtag:
      return 1;
    case core::MatchType::domain:
      return 2;
    case core::MatchType::alias:
      return 3;
    case core::MatchType::regex:
      return 4;
    case core::MatchType::derived:
      return 5;
  }
  return 6;
}

struct Scratch {
  TextScan scan;
  std::vector<Candidate> cands;
  std::vector<int> matched;
  std::vector<std::pair<std::uint32_t, bool>> gate_cache;
  std::vector<char> drop;
  std::vector<std::pair<std::uint32_t, Candidate>> best;
};

bool has_phrase(const TextScan& scan, const std::vector<std::uint64_t>& phrase) {
  const auto& w = scan.words;
  if (phrase.size() > w.size()) return false;
  for (std::size_t i = 0; i + phrase.size() <= w.size(); ++i) {
    std::size_t k = 0;
    while (k < phrase.size() && w[i + k].hash == phrase[k]) ++k;
    if (k == phrase.size()) return true;
  }
  return false;
}

}  // namespace

Linker::Linker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Linker::Linker(Linker&&) noexcept = default;
Linker& Linker::operator=(Linker&&) noexcept = default;
Linker::~Linker() = default;

std::size_t Linker::entity_count() const { return impl_->entities.size(); }
std::size_t Linker::alias_count() const { return impl_->aliases.size(); }

LinkResult Linker::link(const core::Post& post) const {
  thread_local Scratch scratch;
  const Impl& im = *impl_;
  const std::string_view text = post.text;
  TextScan& scan = scratch.scan;
  auto& cands = scratch.cands;
  cands.clear();
  scan_text(text, &scan);

  // Literal aliases: each word of the post probes the index by its hash; a hit on an alias's
  // anchor word is checked word by word from where the alias would start.
  const auto& words = scan.words;
  for (std::size_t j = 0; j < words.size(); ++j) {
    const LinkSlot* slot = im.find(words[j].hash);
    if (slot == nullptr) continue;
    for (std::uint32_t a = slot->begin; a < slot->begin + slot->count; ++a) {
      const LinkAlias& al = im.aliases[a];
      const std::size_t n = al.words.size();
      if (j < al.anchor || j - al.anchor + n > words.size()) continue;
      const std::size_t i = j - al.anchor;
      bool match = true;
      for (std::size_t k = 0; match && k < n; ++k) {
        const TextWord& w = words[i + k];
        match = scan.folded_word(w) == al.words[k];
        if (match && k > 0) {
          const TextWord& prev = words[i + k - 1];
          match = same_separator(text.substr(prev.end, w.begin - prev.end), al.seps[k - 1]);
        }
      }
      if (!match) continue;
      std::uint32_t begin = words[i].begin, end = words[i + n - 1].end;
      if (!al.prefix.empty()) {
        if (begin < al.prefix.size() ||
            text.substr(begin - al.prefix.size(), al.prefix.size()) != al.prefix)
          continue;
        begin -= static_cast<std::uint32_t>(al.prefix.size());
      }
      if (!al.suffix.empty()) {
        if (text.substr(end, al.suffix.size()) != al.suffix) continue;
        end += static_cast<std::uint32_t>(al.suffix.size());
      }
      cands.push_back({al.entity, begin, end, core::MatchType::alias});
    }
  }

  // Handles, hashtags and URLs found in the text; Post::mentions and Post::tags.
  const std::string platform = canonical_platform(post.source);
  const std::string_view origin =
      platform == "mastodon" ? uid_origin(post.uid) : std::string_view{};
  auto add_from = [&](const std::unordered_map<std::string, std::vector<std::uint32_t>>& index,
                      const std::string& key, std::uint32_t b, std::uint32_t e, core::MatchType t) {
    auto it = index.find(key);
    if (it == index.end()) return;
    for (std::uint32_t ent : it->second) cands.push_back({ent, b, e, t});
  };
  auto add_handle = [&](const std::string& key, std::uint32_t b, std::uint32_t e) {
    add_from(im.handles, key, b, e, core::MatchType::handle);
    if (auto at = key.find('@'); at != std::string::npos) {
      add_from(im.handles, key.substr(0, at), b, e, core::MatchType::handle);
    } else if (!origin.empty() && key.find('.') == std::string::npos) {
      add_from(im.handles, canonical_handle(platform, key, origin), b, e, core::MatchType::handle);
    }
  };
  auto add_domain = [&](const std::string& host, std::uint32_t b, std::uint32_t e) {
    for (std::size_t p = 0; p != std::string::npos;) {
      add_from(im.domains, host.substr(p), b, e, core::MatchType::domain);
      p = host.find('.', p);
      if (p != std::string::npos) ++p;
    }
  };
  for (const TextMark& m : scan.marks) {
    switch (m.kind) {
      case MarkKind::hashtag:
        add_from(im.hashtags, m.key, m.begin, m.end, core::MatchType::hashtag);
        break;
      case MarkKind::handle:
        add_handle(m.key, m.begin, m.end);
        break;
      case MarkKind::url:
      case MarkKind::bare_domain:
        add_domain(m.key, m.begin, m.end);
        break;
    }
  }
  if (!im.handles.empty()) {
    for (const std::string& m : post.mentions) {
      std::string key = canonical_handle(platform, m);
      if (!key.empty()) add_handle(key, 0, 0);
    }
  }
  if (!im.hashtags.empty()) {
    for (const std::string& t : post.tags) {
      std::string_view body = t;
      while (body.starts_with("#")) body.remove_prefix(1);
      if (!body.empty()) add_from(im.hashtags, fold_case(body), 0, 0, core::MatchType::hashtag);
    }
  }

  // Regex aliases: the set says which, each matching RE2 says where.
  if (!im.regexes.empty()) {
    auto& matched = scratch.matched;
    matched.clear();
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    bool any = im.set->Match(text, &matched, &info);
    if (!any && info.kind == RE2::Set::kOutOfMemory) {
      for (std::size_t r = 0; r < im.regexes.size(); ++r) matched.push_back(static_cast<int>(r));
    }
    for (int r : matched) {
      re2::StringPiece sp;
      const LinkRegex& lr = im.regexes[static_cast<std::size_t>(r)];
      if (lr.re->Match(text, 0, text.size(), RE2::UNANCHORED, &sp, 1)) {
        auto b = static_cast<std::uint32_t>(sp.data() - text.data());
        cands.push_back(
            {lr.entity, b, b + static_cast<std::uint32_t>(sp.size()), core::MatchType::regex});
      }
    }
  }
  if (cands.empty()) return {};

  // Context gates, once per entity.
  auto& gates = scratch.gate_cache;
  gates.clear();
  auto passes = [&](std::uint32_t ent) {
    for (const auto& [e, ok] : gates) {
      if (e == ent) return ok;
    }
    const LinkEntity& le = im.entities[ent];
    bool ok = le.require_any.empty();
    for (const auto& p : le.require_any) ok = ok || has_phrase(scan, p);
    for (const auto& p : le.exclude) ok = ok && !has_phrase(scan, p);
    gates.push_back({ent, ok});
    return ok;
  };
  std::erase_if(cands, [&](const Candidate& c) { return c.gated() && !passes(c.entity); });
  // Overlaps: a gated match inside a longer gated match, or inside any unambiguous match, of
  // another entity gives way.
  auto& drop = scratch.drop;
  drop.assign(cands.size(), 0);
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const Candidate& c = cands[i];
    if (!c.gated() || !c.in_text()) continue;
    for (const Candidate& o : cands) {
      if (o.entity == c.entity || !o.in_text() || o.begin > c.begin || o.end < c.end) continue;
      if (!o.gated() || (o.end - o.begin) > (c.end - c.begin)) {
        drop[i] = 1;
        break;
      }
    }
  }

  // One mention per entity: in the text before not, earlier before later, surer before less
  // sure, longer before shorter.
  auto better = [](const Candidate& a, const Candidate& b) {
    if (a.in_text() != b.in_text()) return a.in_text();
    if (a.begin != b.begin) return a.begin < b.begin;
    if (type_rank(a.type) != type_rank(b.type)) return type_rank(a.type) < type_rank(b.type);
    return a.end > b.end;
  };
  LinkResult out;
  auto& best = scratch.best;
  best.clear();
  for (std::size_t i = 0; i < cands.size(); ++i) {
    if (drop[i]) continue;
    auto it = std::find_if(best.begin(), best.end(),
                           [&](const auto& b) { return b.first == cands[i].entity; });
    if (it == best.end())
      best.push_back({cands[i].entity, cands[i]});
    else if (better(cands[i], it->second))
      it->second = cands[i];
  }
  // A product also counts for its company (and that company's parent, if any).
  for (std::size_t i = 0; i < best.size(); ++i) {
    int p = im.entities[best[i].first].parent;
    Candidate derived = best[i].second;
    derived.type = core::MatchType::derived;
    while (p >= 0) {
      auto up = static_cast<std::uint32_t>(p);
      if (std::none_of(best.begin(), best.end(), [&](const auto& b) { return b.first == up; })) {
        derived.entity = up;
        best.push_back({up, derived});
      }
      p = im.entities[up].parent;
    }
  }
  out.entities.reserve(best.size());
  for (const auto& [ent, c] : best) {
    core::EntityMention m;
    m.id = im.entities[ent].id;
    m.kind = im.entities[ent].kind;
    m.begin = c.begin;
    m.end = c.end;
    m.match = c.type;
    out.entities.push_back(std::move(m));
  }
  std::sort(out.entities.begin(), out.entities.end(),
            [](const core::EntityMention& a, const core::EntityMention& b) {
              if (a.begin != b.begin) return a.begin < b.begin;
              if (a.end != b.end) return a.end < b.end;
              return a.id < b.id;
            });
  return out;
}

}  // namespace earshot::pipeline::link

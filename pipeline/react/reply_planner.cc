// Reply planning: rule match, template, guards (reply_planner.h).
#include "pipeline/react/reply_planner.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "pipeline/core/crypto.h"
#include "pipeline/core/graphemes.h"
#include "pipeline/core/rfc3339.h"

namespace earshot::pipeline::react {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::array<std::string_view, 4> kBlockingFlags{"bot", "spam", "near_duplicate",
                                                         "sarcasm"};

bool has_flag(const core::ScoredPost& sp, std::string_view f) {
  return std::find(sp.flags.begin(), sp.flags.end(), f) != sp.flags.end();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "@user@host" / "user" / "@user" → "user@host" / "user": handles compare without the "@".
std::string bare_handle(std::string_view h) {
  if (!h.empty() && h.front() == '@') h.remove_prefix(1);
  return lower(h);
}

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

float label_probability(const sentiment::Sentiment& s) {
  switch (s.label) {
    case sentiment::Label::negative:
      return s.probs.neg;
    case sentiment::Label::neutral:
      return s.probs.neu;
    case sentiment::Label::positive:
      return s.probs.pos;
  }
  return 0.0f;
}

// Fills the placeholders; the name of one without a value on failure.
std::optional<std::string> fill(std::string_view tmpl, const core::ScoredPost& sp,
                                const std::string& entity, std::string* text) {
  auto value = [&](std::string_view name) -> std::string {
    const auto& a = sp.post.author;
    if (name == "author.name") return a.name.empty() ? a.handle : a.name;
    if (name == "author.handle") return a.handle;
    if (name == "entity") return entity;
    if (name == "post.url") return sp.post.url;
    if (!sp.customer) return {};
    if (name == "customer.name") return sp.customer->name;
    if (name == "customer.tier") return sp.customer->tier;
    if (name == "customer.id") return sp.customer->id;
    // The account or case link the CRM look-up gave (CustomerRef::url).
    if (name == "customer.url" || name == "case_url") return sp.customer->url;
    return {};
  };
  text->clear();
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] != '{') {
      text->push_back(tmpl[i++]);
      continue;
    }
    std::size_t end = tmpl.find('}', i);
    if (end == std::string_view::npos) return std::string(tmpl.substr(i));
    std::string_view name = tmpl.substr(i + 1, end - i - 1);
    std::string v = value(name);
    if (v.empty()) return std::string(name);
    *text += v;
    i = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string reply_id_for(std::string_view post_uid) {
  return "reply-" + core::sha256_hex(post_uid).substr(0, 20);
}

std::string reply_idempotency_key(std::string_view post_uid) {
  return core::sha256_hex(std::string("earshot-reply:") + std::string(post_uid));
}

std::string native_post_id(std::string_view post_uid) {
  std::size_t a = post_uid.find(':');
  std::size_t b = a == std::string_view::npos ? a : post_uid.find(':', a + 1);
  return std::string(b == std::string_view::npos ? post_uid : post_uid.substr(b + 1));
}

std::string case_id_for(std::string_view post_uid) {
  return "case-" + core::sha256_hex(std::string("earshot-case:") + std::string(post_uid)).substr(0, 24);
}

bool case_worthy(std::string_view reason) {
  static constexpr std::array<std::string_view, 8> kNotOurs{
      "deleted", "own_account", "other_company_account", "flag:bot",
      "flag:spam", "flag:near_duplicate", "too_old", ""};
  return std::find(kNotOurs.begin(), kNotOurs.end(), reason) == kNotOurs.end();
}

ReplyPlanner::ReplyPlanner(config::RepliesConfig cfg) : cfg_(std::move(cfg)) {}

std::optional<ReplyPlanner::Candidate> ReplyPlanner::match(const core::ScoredPost& sp) const {
  const std::string text = lower(sp.post.text);
  for (const auto& m : sp.entities) {
    for (const auto& rule : cfg_.rules) {
      if (rule.entity != "*" && rule.entity != m.id) continue;
      if (rule.intent && *rule.intent != sp.intent) continue;
      if (rule.label && *rule.label != m.sentiment.label) continue;
      if (!rule.tiers.empty() && (!sp.customer || !contains(rule.tiers, sp.customer->tier)))
        continue;
      if (!rule.sources.empty() && !contains(rule.sources, sp.post.source)) continue;
      if (!rule.langs.empty() && (!sp.post.lang || !contains(rule.langs, *sp.post.lang))) continue;
      if (!rule.keywords.empty() &&
          std::none_of(rule.keywords.begin(), rule.keywords.end(), [&](const std::string& k) {
            return text.find(lower(k)) != std::string::npos;
          }))
        continue;
      return Candidate{&rule, &m};
    }
  }
  return std::nullopt;
}

std::string ReplyPlanner::guard(const core::ScoredPost& sp, const Candidate& c, std::int64_t now_ms,
                                core::ReplyIntent& out) const {
  const core::Post& p = sp.post;
  if (p.deleted) return "deleted";
  if (has_flag(sp, "not_public")) return "not_public";
  if (has_flag(sp, "edited")) return "edited";
  const std::string author = bare_handle(p.author.handle);
  for (const auto& acc : cfg_.accounts) {
    if (!acc.handle.empty() && bare_handle(acc.handle) == author) return "own_account";
  }
  for (const auto& h : cfg_.other_accounts) {
    if (bare_handle(h) == author) return "other_company_account";
  }
  for (auto f : kBlockingFlags) {
    if (has_flag(sp, f)) return "flag:" + std::string(f);
  }
  auto created = core::parse_rfc3339_ms(p.created_at);
  if (!created || now_ms - *created > cfg_.max_post_age.count()) return "too_old";
  if (label_probability(c.mention->sentiment) < cfg_.min_confidence) return "low_confidence";

  // Template: the post's language, else the fallback language's (`template`).
  const auto& rule = *c.rule;
  std::string lang = p.lang.value_or(cfg_.fallback_lang);
  const std::string* tmpl = nullptr;
  if (auto it = rule.templates.find(lang); it != rule.templates.end()) {
    tmpl = &it->second;
  } else if (lang == cfg_.fallback_lang) {
    auto fb = rule.templates.find(cfg_.fallback_lang);
    tmpl = fb != rule.templates.end() ? &fb->second : &rule.template_text;
  }
  if (!tmpl || tmpl->empty()) return "no_template:" + lang;
  out.lang = lang;
  std::string text;
  if (auto missing = fill(*tmpl, sp, c.mention->id, &text)) return "placeholder:" + *missing;
  if (!p.author.handle.empty()) {
    std::string at = "@" + bare_handle(p.author.handle);
    if (lower(text).find(at) == std::string::npos) text = at + " " + text;
  }
  out.text = std::move(text);

  const config::ReplyAccountDef* account = nullptr;
  for (const auto& acc : cfg_.accounts) {
    if (acc.entity == c.mention->id && acc.platform == p.source) account = &acc;
  }
  if (!account) return "no_account";
  if (core::text_length(p.source, out.text) > core::text_limit(p.source)) return "too_long";
  if (account->quiet_from >= 0) {
    std::int64_t local = now_ms / 60'000 + account->utc_offset_minutes;
    int minute = static_cast<int>(((local % 1440) + 1440) % 1440);
    bool quiet = account->quiet_from <= account->quiet_to
                     ? minute >= account->quiet_from && minute < account->quiet_to
                     : minute >= account->quiet_from || minute < account->quiet_to;
    if (quiet) return "quiet_hours";
  }
  if (auto it = answered_.find(p.author.id); !p.author.id.empty() && it != answered_.end() &&
                                             now_ms - it->second < cfg_.author_cooldown.count())
    return "author_cooldown";
  if (auto it = daily_.find(account->entity + "|" + account->platform);
      it != daily_.end() && it->second.first == now_ms / kDayMs &&
      it->second.second >= cfg_.daily_cap)
    return "daily_cap";
  return {};
}

void ReplyPlanner::count(const std::string& author, const std::string& account,
                         std::int64_t at_ms) {
  if (!author.empty()) {
    auto& last = answered_[author];
    last = std::max(last, at_ms);
  }
  auto& [day, n] = daily_[account];
  if (day != at_ms / kDayMs) {
    day = at_ms / kDayMs;
    n = 0;
  }
  ++n;
}

std::optional<core::ReplyIntent> ReplyPlanner::plan(const core::ScoredPost& sp,
                                                    std::int64_t now_ms) {
  if (cfg_.mode == config::ReplyMode::off) return std::nullopt;
  if (planned_.contains(sp.post.uid)) return late_guard(sp, now_ms);
  auto c = match(sp);
  if (!c) return std::nullopt;
  planned_.insert(sp.post.uid);

  core::ReplyIntent r;
  r.id = reply_id_for(sp.post.uid);
  r.post_uid = sp.post.uid;
  r.platform = sp.post.source;
  // Bluesky: the post's at-uri (its uid's native part cannot be split from the DID's colons).
  r.in_reply_to = sp.post.reply_ref ? sp.post.reply_ref->uri : native_post_id(sp.post.uid);
  r.template_name = c->rule->name;
  r.customer = sp.customer;
  r.idempotency_key = reply_idempotency_key(sp.post.uid);
  r.entity = c->mention->id;
  r.intent = sp.intent;
  r.sentiment = c->mention->sentiment;
  r.post_text = sp.post.text;
  r.post_author = sp.post.author.handle;
  r.post_author_id = sp.post.author.id;
  r.post_url = sp.post.url;
  r.post_created_at = sp.post.created_at;
  r.reply_ref = sp.post.reply_ref;  // bluesky: the strong refs the sender names

  r.reason = guard(sp, *c, now_ms, r);
  if (!r.reason.empty()) {
    r.status = core::ReplyStatus::blocked;
  } else {
    switch (cfg_.mode) {
      case config::ReplyMode::shadow:
        r.status = core::ReplyStatus::planned;
        r.reason = "shadow";
        break;
      case config::ReplyMode::auto_send:
        r.status = core::ReplyStatus::approved;
        break;
      default:
        r.status = core::ReplyStatus::pending_approval;
        break;
    }
    count(r.post_author_id, r.entity + "|" + r.platform, now_ms);
  }
  r.history.push_back({r.status, "planner", core::format_rfc3339_ms(now_ms), r.reason});
  track(r);
  return r;
}

std::optional<core::ReplyIntent> ReplyPlanner::late_guard(const core::ScoredPost& sp,
                                                          std::int64_t now_ms) {
  note_.clear();
  const bool deleted = sp.post.deleted;
  if (!deleted && !has_flag(sp, "edited")) return std::nullopt;  // a repeat: planned once
  auto it = open_.find(sp.post.uid);
  if (it == open_.end()) return std::nullopt;  // blocked, rejected or failed already
  const char* reason = deleted ? "deleted" : "edited";
  core::ReplyIntent r = it->second;
  if (r.status == core::ReplyStatus::sending || r.status == core::ReplyStatus::sent) {
    note_ = "reply " + r.id + " to " + r.post_uid + " is already " +
            std::string(core::to_string(r.status)) + "; the post was " + reason +
            " after it was planned";
    return std::nullopt;
  }
  r.status = core::ReplyStatus::blocked;
  r.reason = reason;
  r.history.push_back({r.status, "planner", core::format_rfc3339_ms(now_ms), r.reason});
  open_.erase(it);
  return r;
}

void ReplyPlanner::track(const core::ReplyIntent& r) {
  if (r.platform == "helpdesk") return;
  switch (r.status) {
    case core::ReplyStatus::planned:
    case core::ReplyStatus::pending_approval:
    case core::ReplyStatus::approved:
    case core::ReplyStatus::sending:
    case core::ReplyStatus::sent:
      open_[r.post_uid] = r;
      break;
    default:
      open_.erase(r.post_uid);
      break;
  }
}

std::optional<core::ReplyIntent> ReplyPlanner::plan_case(const core::ReplyIntent& reply,
                                                         std::int64_t now_ms) const {
  const config::HelpdeskDef& hd = cfg_.helpdesk;
  if (hd.url.empty() || reply.platform == "helpdesk") return std::nullopt;
  const bool blocked = reply.status == core::ReplyStatus::blocked;
  if (blocked ? !case_worthy(reply.reason) : hd.when != "all") return std::nullopt;
  core::ReplyIntent c = reply;
  c.id = case_id_for(reply.post_uid);
  c.platform = "helpdesk";
  c.idempotency_key = c.id;
  c.status = cfg_.mode == config::ReplyMode::shadow ? core::ReplyStatus::planned
                                                     : core::ReplyStatus::approved;
  c.reason = blocked ? "reply blocked: " + reply.reason
                     : std::string(sentiment::to_string(reply.intent));
  c.remote_id.clear();
  c.case_url.clear();
  c.history = {{c.status, "planner", core::format_rfc3339_ms(now_ms), c.reason}};
  return c;
}

void ReplyPlanner::observe(const core::ReplyIntent& r) {
  if (r.platform == "helpdesk") {  // a case: the post was planned; cases count for nothing
    planned_.insert(r.post_uid);
    return;
  }
  track(r);
  bool fresh = planned_.insert(r.post_uid).second;
  if (!fresh || r.history.empty() || r.history.front().status == core::ReplyStatus::blocked) return;
  auto at = core::parse_rfc3339_ms(r.history.front().at);
  if (at) count(r.post_author_id, r.entity + "|" + r.platform, *at);
}

}  // namespace earshot::pipeline::react

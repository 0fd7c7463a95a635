#include "pipeline/process/dedup_changelog.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/core/status.h"

#include <charconv>

namespace earshot::pipeline::process::dedup_changelog {
namespace {

void put_fixed(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_fixed(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}

void put_varint(std::string& out, std::size_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a varint of at most 32 bits at `pos`; false when it runs past the end or overflows.
bool get_varint(std::string_view in, std::size_t& pos, std::size_t& v) {
  v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos >= in.size()) return false;
    const auto b = static_cast<unsigned char>(in[pos++]);
    v |= std::size_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v <= 0xffffffffu;
  }
  return false;
}

bool get_string(std::string_view in, std::size_t& pos, std::string_view& s) {
  std::size_t n = 0;
  if (!get_varint(in, pos, n) || n > in.size() - pos) return false;
  s = in.substr(pos, n);
  pos += n;
  return true;
}

constexpr char kField = '\x1f';
constexpr char kEntity = '\x1e';

// Appends `s` with the separator bytes replaced by spaces.
void append_clean(std::string& out, std::string_view s) {
  const std::size_t at = out.size();
  out.append(s);
  for (std::size_t i = at; i < out.size(); ++i) {
    if (out[i] == kField || out[i] == kEntity) out[i] = ' ';
  }
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

bool parse_float(std::string_view s, float& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

void BatchWriter::start(std::uint64_t writer, std::uint64_t sequence, std::size_t reserve) {
  buf_.clear();
  buf_.reserve(kHeaderSize + reserve);
  buf_.push_back(kBatchFormat);
  put_fixed(buf_, writer, 8);
  put_fixed(buf_, sequence, 8);
  put_fixed(buf_, 0, 4);  // the count, patched by finish()
  count_ = 0;
}

void BatchWriter::add(std::string_view uid, std::string_view value) {
  put_varint(buf_, uid.size());
  buf_.append(uid);
  put_varint(buf_, value.size());
  buf_.append(value);
  ++count_;
}

std::string BatchWriter::finish() {
  if (buf_.size() < kHeaderSize) start(0, 0);  // finish() without start(): an empty record
  for (int i = 0; i < 4; ++i) buf_[17 + i] = static_cast<char>((count_ >> (8 * i)) & 0xff);
  count_ = 0;
  return std::move(buf_);
}

core::Status decode_header(std::string_view value, Batch& out) {
  if (!is_batch(value)) return core::fail(core::ErrorCode::kInvalidArgument, "not a batch record");
  if (value.size() < kHeaderSize) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "batch record of " + std::to_string(value.size()) + " bytes is shorter than its header");
  }
  out.writer = get_fixed(value, 1, 8);
  out.sequence = get_fixed(value, 9, 8);
  return core::ok();
}

core::Status decode(std::string_view value, Batch& out) {
  out.entries.clear();
  EARSHOT_TRY(decode_header(value, out));
  const auto count = static_cast<std::uint32_t>(get_fixed(value, 17, 4));
  // Each entry takes at least two bytes: a count larger than that cannot be right (and must
  // not make reserve() allocate gigabytes).
  if (count > (value.size() - kHeaderSize) / 2) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "batch record claims " + std::to_string(count) + " entries in " +
                          std::to_string(value.size()) + " bytes");
  }
  out.entries.reserve(count);
  std::size_t pos = kHeaderSize;
  for (std::uint32_t i = 0; i < count; ++i) {
    Entry e;
    if (!get_string(value, pos, e.uid) || !get_string(value, pos, e.value)) {
      out.entries.clear();
      return core::fail(core::ErrorCode::kInvalidArgument, "batch record truncated in entry " +
                                                               std::to_string(i + 1) + " of " +
                                                               std::to_string(count));
    }
    out.entries.push_back(e);
  }
  if (pos != value.size()) {
    out.entries.clear();
    return core::fail(core::ErrorCode::kInvalidArgument, std::to_string(value.size() - pos) +
                                                             " bytes after the last of " +
                                                             std::to_string(count) + " entries");
  }
  return core::ok();
}

// created_at, author, then per entity: id, kind, label, score, derived.
std::string post_value(const core::ScoredPost& s) {
  std::string v;
  v.reserve(64 + 48 * s.entities.size());
  append_clean(v, s.post.created_at);
  v += kField;
  append_clean(v, s.post.author.id.empty() ? s.post.author.handle : s.post.author.id);
  for (const auto& e : s.entities) {
    v += kField;
    append_clean(v, e.id);
    v += kEntity;
    v += core::to_string(e.kind);
    v += kEntity;
    v += sentiment::to_string(e.sentiment.label);
    v += kEntity;
    v += std::to_string(e.sentiment.score);
    v += kEntity;
    v += e.match == core::MatchType::derived ? '1' : '0';
  }
  return v;
}

void retractions(const std::string& uid, std::string_view value, const core::Post& deleted,
                 std::vector<core::Mention>& out) {
  auto fields = split(value, kField);
  for (std::size_t f = 2; f < fields.size(); ++f) {
    auto parts = split(fields[f], kEntity);
    if (parts.size() != 5) continue;
    core::Mention m;
    if (!parse_float(parts[3], m.sentiment.score)) continue;
    m.entity = std::string(parts[0]);
    core::parse_entity_kind(parts[1], &m.kind);
    m.post_uid = uid;
    m.source = deleted.source;
    m.created_at = std::string(fields[0]);
    m.author_id = std::string(fields[1]);
    sentiment::parse_label(parts[2], &m.sentiment.label);
    m.sentiment.model = "retract";
    m.derived = parts[4] == "1";
    m.retract = true;
    out.push_back(std::move(m));
  }
}

std::string text_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
  return out;
}

namespace {
// The position of the version field's separator in `value`, or npos.
std::size_t version_at(std::string_view value) {
  const std::size_t at = value.rfind(kField);
  if (at == std::string_view::npos || at + 1 >= value.size() || value[at + 1] != 'v') {
    return std::string_view::npos;
  }
  return split(value.substr(at + 1), kEntity).size() == 3 ? at : std::string_view::npos;
}
}  // namespace

Version version_of(std::string_view value) {
  Version v;
  const std::size_t at = version_at(value);
  if (at == std::string_view::npos) return v;
  auto parts = split(value.substr(at + 2), kEntity);
  std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), v.rev);
  v.edited_at = std::string(parts[1]);
  v.text_hash = std::string(parts[2]);
  return v;
}

std::string with_version(std::string_view value, const Version& v) {
  const std::size_t at = version_at(value);
  std::string out(at == std::string_view::npos ? value : value.substr(0, at));
  out += kField;
  out += 'v';
  out += std::to_string(v.rev);
  out += kEntity;
  append_clean(out, v.edited_at);
  out += kEntity;
  append_clean(out, v.text_hash);
  return out;
}

bool is_edit(std::string_view known, const core::Post& post, std::string_view hash) {
  if (is_deleted(known)) return false;
  const Version k = version_of(known);
  const std::string edited = post.edited_at.value_or("");
  if (edited != k.edited_at) {
    if (edited.empty()) return false;
    if (k.edited_at.empty()) return true;
    auto a = core::parse_rfc3339_ms(edited);
    auto b = core::parse_rfc3339_ms(k.edited_at);
    if (a && b && *a != *b) return *a > *b;
    if (!a || !b) return edited > k.edited_at;
  }
  return !k.text_hash.empty() && k.text_hash != hash;
}

}  // namespace earshot::pipeline::process::dedup_changelog

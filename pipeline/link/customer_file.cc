#include "pipeline/link/customer_file.h"

#include <sys/stat.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "pipeline/core/status.h"
#include "pipeline/link/link_text.h"

namespace earshot::pipeline::link {

struct FileCustomerSource::Snapshot {
  struct Row {
    std::uint32_t key_off = 0;
    std::uint32_t val_off = 0;  // id, tier, name, attributes back to back
    std::uint16_t key_len = 0, id_len = 0, tier_len = 0, name_len = 0;
    std::uint32_t attrs_len = 0;  // "key\x1fvalue\x1e" pairs
  };
  std::string arena;
  std::vector<Row> rows;
  std::vector<std::uint32_t> table;  // row index + 1; 0 = empty
  std::uint64_t mask = 0;
  std::size_t handles = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t file_size = -1;

  std::string_view key(const Row& r) const {
    return std::string_view(arena).substr(r.key_off, r.key_len);
  }
  std::string_view field(const Row& r, std::size_t skip, std::size_t len) const {
    return std::string_view(arena).substr(r.val_off + skip, len);
  }
  const Row* find(std::string_view k) const {
    if (table.empty()) return nullptr;
    for (std::uint64_t i = hash_bytes(k) & mask;; i = (i + 1) & mask) {
      if (table[i] == 0) return nullptr;
      const Row& r = rows[table[i] - 1];
      if (key(r) == k) return &r;
    }
  }
  void index() {
    std::size_t cap = 16;
    while (cap < rows.size() * 2) cap <<= 1;
    table.assign(cap, 0);
    mask = cap - 1;
    for (std::size_t n = 0; n < rows.size(); ++n) {
      std::string_view k = key(rows[n]);
      for (std::uint64_t i = hash_bytes(k) & mask;; i = (i + 1) & mask) {
        if (table[i] == 0 || key(rows[table[i] - 1]) == k) {
          table[i] = static_cast<std::uint32_t>(n + 1);  // a later row replaces an earlier one
          break;
        }
      }
    }
    rows.shrink_to_fit();
    arena.shrink_to_fit();
  }
};

namespace {

using Snapshot = FileCustomerSource::Snapshot;

std::string row_key(std::string_view platform, std::string_view handle) {
  return canonical_platform(platform) + '\x1f' + canonical_handle(platform, handle);
}

bool file_stamp(const std::string& path, std::int64_t* mtime_ns, std::int64_t* size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  *mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  *size = static_cast<std::int64_t>(st.st_size);
  return true;
}

// Splits one CSV record; a quoted field may span lines (more is read from `in`).
bool split_csv(std::string line, std::istream& in, std::size_t* line_no,
               std::vector<std::string>* out) {
  out->clear();
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0;; ++i) {
    if (i == line.size()) {
      if (!quoted) break;
      std::string more;
      if (!std::getline(in, more)) return false;
      ++*line_no;
      if (!more.empty() && more.back() == '\r') more.pop_back();
      line += "\n" + more;
    }
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      out->push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  out->push_back(std::move(field));
  return true;
}

struct Fields {
  std::string platform, handle, id, tier, name, did;
  std::vector<std::pair<std::string, std::string>> attrs;
};

core::Status add_row(const Fields& f, Snapshot* s) {
  if (f.platform.empty() || f.handle.empty() || f.id.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "platform, handle and customer_id must not be empty");
  }
  constexpr std::size_t kMax = std::numeric_limits<std::uint16_t>::max();
  if (f.id.size() > kMax || f.tier.size() > kMax || f.name.size() > kMax) {
    return core::fail(core::ErrorCode::kInvalidArgument, "a field is longer than 65535 bytes");
  }
  Snapshot::Row r;
  r.val_off = static_cast<std::uint32_t>(s->arena.size());
  r.id_len = static_cast<std::uint16_t>(f.id.size());
  r.tier_len = static_cast<std::uint16_t>(f.tier.size());
  r.name_len = static_cast<std::uint16_t>(f.name.size());
  s->arena += f.id;
  s->arena += f.tier;
  s->arena += f.name;
  std::size_t attrs_begin = s->arena.size();
  for (const auto& [k, v] : f.attrs) {
    s->arena += k;
    s->arena += '\x1f';
    s->arena += v;
    s->arena += '\x1e';
  }
  r.attrs_len = static_cast<std::uint32_t>(s->arena.size() - attrs_begin);
  for (const std::string* h : {&f.handle, &f.did}) {
    if (h->empty()) continue;
    std::string key = row_key(f.platform, *h);
    if (key.size() > kMax)
      return core::fail(core::ErrorCode::kInvalidArgument, "handle longer than 65535 bytes");
    r.key_off = static_cast<std::uint32_t>(s->arena.size());
    r.key_len = static_cast<std::uint16_t>(key.size());
    s->arena += key;
    s->rows.push_back(r);
  }
  ++s->handles;
  if (s->arena.size() > std::numeric_limits<std::uint32_t>::max()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "file too large for one directory (4 GiB of rows)");
  }
  return core::ok();
}

core::Status load_csv(std::istream& in, Snapshot* s, std::size_t* line_no) {
  std::string line;
  std::vector<std::string> cols, header;
  int ip = -1, ih = -1, ii = -1, it = -1, in_ = -1, idid = -1;
  while (std::getline(in, line)) {
    ++*line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!split_csv(line, in, line_no, &cols))
      return core::fail(core::ErrorCode::kInvalidArgument, "unterminated quoted field");
    if (header.empty()) {
      header = cols;
      for (std::size_t c = 0; c < header.size(); ++c) {
        std::string h = ascii_lower(header[c]);
        int ci = static_cast<int>(c);
        if (h == "platform")
          ip = ci;
        else if (h == "handle")
          ih = ci;
        else if (h == "customer_id")
          ii = ci;
        else if (h == "tier")
          it = ci;
        else if (h == "name")
          in_ = ci;
        else if (h == "did")
          idid = ci;
      }
      if (ip < 0 || ih < 0 || ii < 0) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "header must name platform, handle and customer_id columns");
      }
      continue;
    }
    Fields f;
    auto col = [&](int c) {
      return c >= 0 && static_cast<std::size_t>(c) < cols.size() ? cols[c] : std::string();
    };
    f.platform = col(ip);
    f.handle = col(ih);
    f.id = col(ii);
    f.tier = col(it);
    f.name = col(in_);
    f.did = col(idid);
    for (std::size_t c = 0; c < header.size() && c < cols.size(); ++c) {
      int ci = static_cast<int>(c);
      if (ci != ip && ci != ih && ci != ii && ci != it && ci != in_)
        f.attrs.emplace_back(header[c], cols[c]);
    }
    EARSHOT_TRY(add_row(f, s));
  }
  if (header.empty())
    return core::fail(core::ErrorCode::kInvalidArgument, "empty file: no header line");
  return core::ok();
}

core::Status load_jsonl(std::istream& in, Snapshot* s, std::size_t* line_no) {
  std::string line;
  while (std::getline(in, line)) {
    ++*line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return core::fail(core::ErrorCode::kInvalidArgument, "not a JSON object");
    Fields f;
    for (auto& [k, v] : j.items()) {
      std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      if (k == "platform")
        f.platform = value;
      else if (k == "handle")
        f.handle = value;
      else if (k == "customer_id")
        f.id = value;
      else if (k == "tier")
        f.tier = value;
      else if (k == "name")
        f.name = value;
      else {
        if (k == "did") f.did = value;
        f.attrs.emplace_back(k, value);
      }
    }
    EARSHOT_TRY(add_row(f, s));
  }
  return core::ok();
}

}  // namespace

core::Result<std::shared_ptr<const Snapshot>> FileCustomerSource::load(const std::string& path,
                                                                       Format format) {
  auto snap = std::make_shared<Snapshot>();
  if (!file_stamp(path, &snap->mtime_ns, &snap->file_size)) {
    return core::fail(core::ErrorCode::kIo, path + ": cannot read (no such file?)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::ErrorCode::kIo, path + ": cannot open");
  snap->arena.reserve(static_cast<std::size_t>(snap->file_size) + 1024);
  std::size_t line_no = 0;
  core::Status st = format == Format::csv ? load_csv(in, snap.get(), &line_no)
                                          : load_jsonl(in, snap.get(), &line_no);
  if (!st)
    return core::fail(st.error().code,
                      path + ":" + std::to_string(line_no) + ": " + st.error().message);
  if (in.bad()) return core::fail(core::ErrorCode::kIo, path + ": read error");
  snap->index();
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

core::Result<std::unique_ptr<FileCustomerSource>> FileCustomerSource::open(std::string path,
                                                                           Format format) {
  return open(std::move(path), format, Options{});
}

core::Result<std::unique_ptr<FileCustomerSource>> FileCustomerSource::open(std::string path,
                                                                           Format format,
                                                                           Options options) {
  auto snap = load(path, format);
  EARSHOT_TRY(snap);
  return std::unique_ptr<FileCustomerSource>(
      new FileCustomerSource(std::move(path), format, options, *snap));
}

FileCustomerSource::FileCustomerSource(std::string path, Format format, Options options,
                                       std::shared_ptr<const Snapshot> snap)
    : path_(std::move(path)), format_(format), options_(options), snap_(std::move(snap)) {
  std::string base =
      path_.substr(path_.find_last_of('/') == std::string::npos ? 0 : path_.find_last_of('/') + 1);
  name_ = std::string(format_ == Format::csv ? "csv:" : "jsonl:") + base;
  if (options_.check_interval.count() > 0) watcher_ = std::thread([this] { watch(); });
}

FileCustomerSource::~FileCustomerSource() {
  {
    std::lock_guard lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void FileCustomerSource::watch() {
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, options_.check_interval, [this] { return stop_; })) {
    lock.unlock();
    (void)reload_if_changed();
    lock.lock();
  }
}

core::Result<bool> FileCustomerSource::reload_if_changed() const {
  std::lock_guard lock(reload_mu_);
  std::shared_ptr<const Snapshot> cur = current();
  std::int64_t mtime = 0, size = 0;
  if (!file_stamp(path_, &mtime, &size)) {
    ++reload_failures_;
    return core::fail(core::ErrorCode::kIo,
                      path_ + ": cannot read (keeping the rows loaded before)");
  }
  if (mtime == cur->mtime_ns && size == cur->file_size) return false;
  auto next = load(path_, format_);
  if (!next) {
    ++reload_failures_;
    return std::unexpected(next.error());
  }
  {
    std::lock_guard lock(snap_mu_);
    snap_ = std::move(*next);
  }
  return true;
}

CustomerLookup FileCustomerSource::find(const Identity& who) const {
  std::shared_ptr<const Snapshot> s = current();
  const Snapshot::Row* r = nullptr;
  if (!who.handle.empty()) r = s->find(who.platform + '\x1f' + who.handle);
  if (r == nullptr && !who.did.empty()) r = s->find(who.platform + '\x1f' + who.did);
  CustomerLookup out;
  if (r == nullptr) return out;
  core::CustomerRef c;
  c.id = s->field(*r, 0, r->id_len);
  c.tier = s->field(*r, r->id_len, r->tier_len);
  c.name = s->field(*r, r->id_len + r->tier_len, r->name_len);
  c.source = name_;
  // The CRM link is an attribute column (`url`): rows without one pay nothing for it.
  std::string_view a =
      s->field(*r, std::size_t{r->id_len} + r->tier_len + r->name_len, r->attrs_len);
  while (!a.empty()) {
    std::size_t us = a.find('\x1f'), rs = a.find('\x1e');
    if (us == std::string_view::npos || rs == std::string_view::npos || us > rs) break;
    if (ascii_lower(a.substr(0, us)) == "url") c.url = customer_url(a.substr(us + 1, rs - us - 1));
    a.remove_prefix(rs + 1);
  }
  out.customer = std::move(c);
  return out;
}

std::map<std::string, std::string> FileCustomerSource::attributes(const Identity& who) const {
  std::shared_ptr<const Snapshot> s = current();
  const Snapshot::Row* r = s->find(who.platform + '\x1f' + who.handle);
  if (r == nullptr && !who.did.empty()) r = s->find(who.platform + '\x1f' + who.did);
  std::map<std::string, std::string> out;
  if (r == nullptr) return out;
  std::string_view a =
      s->field(*r, std::size_t{r->id_len} + r->tier_len + r->name_len, r->attrs_len);
  while (!a.empty()) {
    std::size_t us = a.find('\x1f'), rs = a.find('\x1e');
    if (us == std::string_view::npos || rs == std::string_view::npos || us > rs) break;
    out.emplace(std::string(a.substr(0, us)), std::string(a.substr(us + 1, rs - us - 1)));
    a.remove_prefix(rs + 1);
  }
  return out;
}

std::size_t FileCustomerSource::size() const { return current()->handles; }

}  // namespace earshot::pipeline::link

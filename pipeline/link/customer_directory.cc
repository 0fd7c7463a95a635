#include "pipeline/link/customer_directory.h"

#include "pipeline/link/customer_file.h"
#include "pipeline/link/customer_http.h"
#include "pipeline/link/customer_log.h"

namespace earshot::pipeline::link {

core::Result<std::unique_ptr<CustomerDirectory>> CustomerDirectory::build(
    const std::vector<config::CustomerDirectoryDef>& defs,
    const std::map<std::string, Factory>& extra) {
  return build(defs, DirectoryIo{}, extra);
}

core::Result<std::unique_ptr<CustomerDirectory>> CustomerDirectory::build(
    const std::vector<config::CustomerDirectoryDef>& defs, const DirectoryIo& io,
    const std::map<std::string, Factory>& extra) {
  std::vector<std::unique_ptr<CustomerSource>> sources;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const config::CustomerDirectoryDef& d = defs[i];
    const std::string where = "customers[" + std::to_string(i) + "] (" + d.type + "): ";
    core::Result<std::unique_ptr<CustomerSource>> src =
        core::fail(core::ErrorCode::kInvalidArgument, "");
    if (auto f = extra.find(d.type); f != extra.end()) {
      src = f->second(d);
    } else if (d.type == "csv" || d.type == "jsonl") {
      auto file =
          FileCustomerSource::open(d.path, d.type == "csv" ? FileCustomerSource::Format::csv
                                                           : FileCustomerSource::Format::jsonl);
      if (file)
        src = std::unique_ptr<CustomerSource>(std::move(*file));
      else
        src = std::unexpected(file.error());
    } else if (d.type == "http") {
      auto http = HttpCustomerSource::create(d, io.http);
      if (http)
        src = std::unique_ptr<CustomerSource>(std::move(*http));
      else
        src = std::unexpected(http.error());
    } else if (d.type == "kafka") {
      if (io.log == nullptr) {
        src = core::fail(core::ErrorCode::kInvalidArgument,
                         "the kafka directory needs a log, and none was given");
      } else if (auto log = LogCustomerSource::start(*io.log, d)) {
        src = std::unique_ptr<CustomerSource>(std::move(*log));
      } else {
        src = std::unexpected(log.error());
      }
    } else {
      src = core::fail(core::ErrorCode::kInvalidArgument,
                       "unknown type (csv | jsonl | http | kafka)");
    }
    if (!src) return core::fail(src.error().code, where + src.error().message);
    sources.push_back(std::move(*src));
  }
  return std::make_unique<CustomerDirectory>(std::move(sources));
}

CustomerDirectory::CustomerDirectory(std::vector<std::unique_ptr<CustomerSource>> sources)
    : sources_(std::move(sources)) {}

CustomerDirectory::Lookup CustomerDirectory::lookup(const Identity& who) const {
  Lookup out;
  if (who.handle.empty() && who.did.empty()) return out;
  for (const auto& s : sources_) {
    Lookup l = s->find(who);
    if (l.customer) {
      out.customer = std::move(l.customer);
      out.failed = false;
      return out;
    }
    out.failed = out.failed || l.failed;
  }
  return out;
}

CustomerDirectory::Lookup CustomerDirectory::lookup(std::string_view platform,
                                                    const core::Author& author) const {
  return lookup(identity_of(platform, author));
}

CustomerDirectory::Lookup CustomerDirectory::lookup(const core::Post& post) const {
  return lookup(identity_of(post.source, post.author, uid_origin(post.uid)));
}

std::string customer_url(std::string_view raw) {
  if (!raw.starts_with("https://") && !raw.starts_with("http://")) return {};
  std::size_t host = raw.find("://") + 3;
  if (raw.size() <= host || raw[host] == '/' || raw.size() > 2048) return {};
  for (char c : raw)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return {};
  return std::string(raw);
}

}  // namespace earshot::pipeline::link

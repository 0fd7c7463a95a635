// earshot::pipeline::link — who the author of a post is, in the company's own customer records.
//
// Customer data stays where it lives; earshot looks it up. A CustomerDirectory is the
// config's `customers:` list: directories tried in order, the first that knows the author
// answers. Kinds:
//   csv / jsonl  a file of platform,handle,customer_id,tier,name (+ free attribute columns),
//                held compactly in memory and reloaded when the file changes
//                (customer_file.h)
//   http         a look-up against an existing CRM with cache, concurrency bound, timeout
//                and circuit breaker (customer_http.h), over DirectoryIo::http
//   Every kind may give a customer an account or case link in the CRM (column/key `url`,
//   CustomerRef::url; only an absolute http(s) URL without spaces is kept: customer_url()).
//   kafka        a compacted identities topic materialised in memory (customer_log.h), read
//                from DirectoryIo::log
//   anything else plugs in as a CustomerSource through build()'s `extra` factories.
// The IO comes from the caller (the composition root, pipeline/cli): without an HTTP client an
// http directory, without a Log a kafka one, is a config error naming the directory.
// Authors are compared in canonical form (identity.h): "@Alice@Mastodon.Example" equals
// "alice@mastodon.example" and, in a post from mastodon.example, "@alice"; a Bluesky DID
// finds the row of its handle when the row has a `did` attribute.
//
//   auto dir = CustomerDirectory::build(config.customers,
//                                       {.http = pipeline::http::make_cpprest_client(), .log =
//                                       &log});
//   if (!dir) return dir.error();               // names the file and line, or the URL
//   CustomerDirectory::Lookup l = (*dir)->lookup(post);
//   if (l.customer) scored.customer = *l.customer;
//   if (l.failed) scored.flags.push_back("customer_lookup_failed");
//
// Thread safety: lookup() is const and may run on many threads at once; it never blocks
// longer than the slowest directory's configured timeout (a CRM that is down is skipped at
// once by its circuit breaker). Lifetime: owns its sources; destroying it waits for nothing
// (in-flight HTTP requests finish on their own and are dropped).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/config/entity.h"
#include "pipeline/core/http_client.h"
#include "pipeline/core/records.h"
#include "pipeline/core/status.h"
#include "pipeline/link/identity.h"

namespace earshot::pipeline::log {
class Log;
}

namespace earshot::pipeline::link {

// `raw` when it is an absolute http(s) URL without whitespace or control characters (it may
// go into a public reply as {case_url}), else "".
std::string customer_url(std::string_view raw);


// What the built-in directories that do IO use. Both may be null; a directory that needs the
// missing one is an error. `log` must outlive the directory.
struct DirectoryIo {
  std::shared_ptr<core::HttpClient> http;  // type http
  log::Log* log = nullptr;                 // type kafka
};

struct CustomerLookup {
  std::optional<core::CustomerRef> customer;
  bool failed = false;  // a directory could not answer and none after it knew the author
};

// One directory. Implementations must be thread-safe and bounded in time.
class CustomerSource {
 public:
  virtual ~CustomerSource() = default;
  // `who` is canonical (identity.h). failed = this directory could not answer now.
  virtual CustomerLookup find(const Identity& who) const = 0;
  // "<type>:<where>", e.g. "csv:customers.csv"; becomes CustomerRef::source.
  virtual std::string name() const = 0;
};

class CustomerDirectory {
 public:
  using Lookup = CustomerLookup;
  using Factory = std::function<core::Result<std::unique_ptr<CustomerSource>>(
      const config::CustomerDirectoryDef&)>;

  // csv, jsonl, http and kafka are built in (http and kafka with `io`); `extra` maps other
  // types to factories (and wins over a built-in type of the same name). Errors name the
  // directory (customers[i]) and, for files, the file and line.
  static core::Result<std::unique_ptr<CustomerDirectory>> build(
      const std::vector<config::CustomerDirectoryDef>& defs, const DirectoryIo& io = {},
      const std::map<std::string, Factory>& extra = {});
  static core::Result<std::unique_ptr<CustomerDirectory>> build(
      const std::vector<config::CustomerDirectoryDef>& defs,
      const std::map<std::string, Factory>& extra);
  explicit CustomerDirectory(std::vector<std::unique_ptr<CustomerSource>> sources);

  Lookup lookup(std::string_view platform, const core::Author& author) const;
  // platform = Post::source, local instance = the origin of Post::uid.
  Lookup lookup(const core::Post& post) const;
  Lookup lookup(const Identity& who) const;

  std::size_t size() const { return sources_.size(); }
  const CustomerSource& source(std::size_t i) const { return *sources_[i]; }

 private:
  std::vector<std::unique_ptr<CustomerSource>> sources_;
};

}  // namespace earshot::pipeline::link

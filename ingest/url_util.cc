#include "ingest/url_util.h"

#include <cctype>

#include "pipeline/core/http_client.h"

namespace earshot::ingest {
namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string url_host(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    rest = rest.substr(
        1, rest.find(']') == std::string_view::npos ? rest.size() - 1 : rest.find(']') - 1);
  } else if (std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    rest = rest.substr(0, colon);
  }
  std::string host(rest);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

std::optional<std::string> query_param(std::string_view url, std::string_view key) {
  std::size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = url.substr(q + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    std::size_t eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == key)
      return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string add_query(std::string url, std::string_view key, std::string_view value) {
  url.push_back(url.find('?') == std::string::npos ? '?' : '&');
  url += pipeline::core::url_encode(key);
  url.push_back('=');
  url += pipeline::core::url_encode(value);
  return url;
}

std::map<std::string, std::string> parse_link_header(std::string_view header) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i < header.size()) {
    std::size_t lt = header.find('<', i);
    if (lt == std::string_view::npos) break;
    std::size_t gt = header.find('>', lt);
    if (gt == std::string_view::npos) break;
    std::string target(header.substr(lt + 1, gt - lt - 1));
    std::size_t next = header.find('<', gt);
    std::string_view params = header.substr(
        gt + 1, next == std::string_view::npos ? std::string_view::npos : next - gt - 1);
    std::size_t r = params.find("rel=");
    if (r != std::string_view::npos) {
      std::string_view v = params.substr(r + 4);
      v = v.substr(0, v.find(';'));
      v = trim(v);
      if (!v.empty() && v.back() == ',') v.remove_suffix(1);
      if (!v.empty() && v.front() == '"') v.remove_prefix(1);
      if (!v.empty() && v.back() == '"') v.remove_suffix(1);
      // rel may hold several space-separated relation types
      while (!v.empty()) {
        std::size_t sp = v.find(' ');
        out.emplace(std::string(v.substr(0, sp)), target);
        if (sp == std::string_view::npos) break;
        v.remove_prefix(sp + 1);
      }
    }
    i = next == std::string_view::npos ? header.size() : next;
  }
  return out;
}

std::string join_url(std::string_view base, std::string_view path) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (!path.empty() && path.front() != '/') out.push_back('/');
  out += path;
  return out;
}

}  // namespace earshot::ingest

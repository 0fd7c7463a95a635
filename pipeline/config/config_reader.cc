#include "pipeline/config/config_reader.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>

namespace earshot::pipeline::config::detail {
namespace {

constexpr char kOpen = '\x01';
constexpr char kClose = '\x02';

std::string quote(std::string_view s) { return "'" + as_written(s) + "'"; }

bool valid_env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string protect_env_refs(std::string_view yaml) {
  std::string out;
  out.reserve(yaml.size());
  for (std::size_t i = 0; i < yaml.size(); ++i) {
    char c = yaml[i];
    if (c == '$' && yaml.substr(i, 3) == "$${") {  // literal "${": leave for substitute()
      out += "$${";
      i += 2;
      continue;
    }
    if (c == '$' && i + 1 < yaml.size() && yaml[i + 1] == '{') {
      // ${NAME} or ${NAME:-default}; anything else stays as written and is reported later.
      std::size_t end = i + 2;
      auto name_char = [](char ch) {
        return ch == '_' || std::isalnum(static_cast<unsigned char>(ch)) != 0;
      };
      while (end < yaml.size() && name_char(yaml[end])) ++end;
      if (yaml.substr(end, 2) == ":-") end = yaml.find_first_of("}\n", end);
      if (end != std::string_view::npos && end < yaml.size() && yaml[end] == '}') {
        out += '$';
        out += kOpen;
        out.append(yaml.substr(i + 2, end - i - 2));
        out += kClose;
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string as_written(std::string_view scalar) {
  std::string out(scalar);
  for (char& c : out) {
    if (c == kOpen) c = '{';
    if (c == kClose) c = '}';
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest(std::string_view key, const std::vector<std::string>& candidates) {
  std::size_t limit = key.size() <= 4 ? 1 : key.size() <= 8 ? 2 : 3;
  std::string best;
  std::size_t best_d = limit + 1;
  std::string lkey = lower(key);
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(lkey, lower(c));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

void ConfigReader::error(const YAML::Mark& at, std::string message) {
  ++error_count_;
  if (message.size() > kMaxErrorChars) {  // a huge scalar quoted back must not be copied whole
    message.resize(kMaxErrorChars);
    message += "...";
  }
  if (at.is_null()) {
    errors_.push_back({-1, -1, file_ + ": " + message});
  } else {
    errors_.push_back({at.line + 1, at.column + 1,
                       file_ + ":" + std::to_string(at.line + 1) + ":" +
                           std::to_string(at.column + 1) + ": " + message});
  }
  // Keep only the first kMaxErrors by position: a file with millions of errors costs a bounded
  // amount of memory and prints a screenful, with the count.
  if (errors_.size() >= 2 * kMaxErrors) {
    sort_errors();
    errors_.resize(kMaxErrors);
  }
}

void ConfigReader::sort_errors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
}

std::string ConfigReader::joined_errors() {
  sort_errors();
  std::string out;
  std::size_t shown = 0;
  for (const Entry& e : errors_) {
    if (shown == kMaxErrors) break;
    if (!out.empty()) out += '\n';
    out += e.text;
    ++shown;
  }
  if (error_count_ > shown) {
    out += "\n" + file_ + ": ... and " + std::to_string(error_count_ - shown) + " more error(s), " +
           std::to_string(error_count_) + " in all";
  }
  return out;
}

std::string ConfigReader::resolve(std::string_view path) const {
  std::filesystem::path p(path);
  if (p.is_absolute() || base_dir_.empty()) return std::string(path);
  return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
}

std::optional<std::string> ConfigReader::substitute(const YAML::Node& scalar,
                                                    std::string_view key_path, bool quiet) {
  const std::string& text = scalar.Scalar();
  std::string out;
  out.reserve(text.size());
  auto bad = [&](std::string why) -> std::optional<std::string> {
    if (!quiet) error(scalar, std::string(key_path) + ": " + why);
    return std::nullopt;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 2;
    } else if (text.compare(i, 2, "${") == 0) {
      std::size_t close = text.find('}', i);
      if (close == std::string::npos) return bad("unterminated ${ in " + quote(text));
      return bad("bad environment variable name '" + text.substr(i + 2, close - i - 2) + "' in " +
                 quote(text) + " (use letters, digits and _)");
    } else if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == kOpen) {
      std::size_t end = text.find(kClose, i + 2);
      if (end == std::string::npos) return bad("unterminated ${ in " + quote(text));
      std::string_view ref = std::string_view(text).substr(i + 2, end - i - 2);
      std::optional<std::string_view> fallback;
      std::size_t sep = ref.find(":-");
      std::string_view name = ref.substr(0, sep);
      if (sep != std::string_view::npos) fallback = ref.substr(sep + 2);
      if (!valid_env_name(name)) {
        return bad("bad environment variable name " + quote(name) + " in " + quote(text));
      }
      const char* value = std::getenv(std::string(name).c_str());
      if (value != nullptr && (*value != '\0' || !fallback)) {
        out += value;
      } else if (fallback) {
        out += *fallback;
      } else {
        return bad("environment variable " + std::string(name) + " is not set (write ${" +
                   std::string(name) + ":-default} to make it optional)");
      }
      i = end;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string peek(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return "";
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key && it->second.IsScalar()) {
      return as_written(it->second.Scalar());
    }
  }
  return "";
}

std::optional<std::string> url_error(std::string_view url,
                                     std::initializer_list<std::string_view> schemes) {
  std::size_t sep = url.find("://");
  std::string names;
  for (std::string_view s : schemes) {
    names += (names.empty() ? "" : " or ") + std::string(s) + "://";
    if (sep != std::string_view::npos && url.substr(0, sep) == s) {
      std::string_view rest = url.substr(sep + 3);
      if (rest.empty() || rest[0] == '/' || rest.find(' ') != std::string_view::npos) break;
      return std::nullopt;
    }
  }
  return "expected a URL starting with " + names + ", got " + quote(url);
}

std::optional<std::string> listen_error(std::string_view listen) {
  std::size_t colon = listen.rfind(':');
  std::string want = "expected host:port such as 127.0.0.1:8080, got " + quote(listen);
  if (colon == std::string_view::npos || colon == 0) return want;
  std::string_view port = listen.substr(colon + 1);
  int n = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (ec != std::errc() || ptr != port.data() + port.size() || n < 0 || n > 65535) return want;
  return std::nullopt;
}

bool entity_known(const Config& cfg, std::string_view id) {
  return std::any_of(cfg.entities.begin(), cfg.entities.end(),
                     [&](const EntityDef& e) { return e.id == id; });
}

std::optional<std::string> regex_error(const std::string& pattern) {
  RE2 re(pattern, RE2::Quiet);
  if (re.ok()) return std::nullopt;
  return re.error();
}

}  // namespace earshot::pipeline::config::detail

#include "tests/layout/support/include_graph.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace earshot::layout {
namespace {

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string first_component(const std::string& path) { return path.substr(0, path.find('/')); }

// Collapses "." and ".." components; empty when the path climbs above the root.
std::string normalize(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return {};
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

struct Include {
  int line = 0;
  std::string written;
};

// The `#include "..."` directives of `content`, skipping lines inside a /* */ block comment
// that starts a line (enough for include blocks; angle-bracket includes are not returned).
std::vector<Include> quoted_includes(const std::string& content) {
  std::vector<Include> out;
  std::stringstream in(content);
  bool in_block = false;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    std::string_view s(line);
    if (in_block) {
      const auto end = s.find("*/");
      if (end == std::string_view::npos) continue;
      in_block = false;
      s.remove_prefix(end + 2);
    }
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    if (s.starts_with("/*")) {
      if (s.find("*/", 2) == std::string_view::npos) in_block = true;
      continue;
    }
    if (!s.starts_with('#')) continue;
    s.remove_prefix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    if (!s.starts_with("include")) continue;
    s.remove_prefix(7);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    if (!s.starts_with('"')) continue;
    const auto close = s.find('"', 1);
    if (close == std::string_view::npos) continue;
    out.push_back({n, std::string(s.substr(1, close - 1))});
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// The rules, indexed.
struct Table {
  const Rules& rules;
  std::map<std::string, const FolderRule*> rows;
  std::set<std::string> interfaces;  // allowance targets that are one header, not a folder

  explicit Table(const Rules& r) : rules(r) {
    for (const auto& f : r.folders) rows.emplace(f.folder, &f);
    for (const auto& f : r.folders) {
      for (const auto& a : f.may_include) {
        if (!rows.contains(a.target)) interfaces.insert(a.target);
      }
    }
  }

  bool is_root(const std::string& path) const {
    return std::ranges::find(rules.roots, first_component(path)) != rules.roots.end();
  }
  bool everywhere(const std::string& folder) const {
    return std::ranges::find(rules.everywhere, folder) != rules.everywhere.end();
  }
  bool backend(const std::string& folder) const {
    return std::ranges::find(rules.backends, folder) != rules.backends.end();
  }
  bool apart(const std::string& a, const std::string& b) const {
    return std::ranges::any_of(rules.apart, [&](const auto& p) {
      return (p.first == a && p.second == b) || (p.first == b && p.second == a);
    });
  }

  // The include `written` of `from` as a repo path, or nothing when it is not ours.
  std::optional<std::string> resolve(const Tree& tree, const std::string& from,
                                     const std::string& written) const {
    const std::string dir = dir_of(from);
    const std::string sibling = normalize(dir.empty() ? written : dir + "/" + written);
    const bool relative = written.starts_with("./") || written.starts_with("../");
    if (!sibling.empty() && (tree.contains(sibling) || (relative && is_root(sibling))))
      return sibling;
    const std::string rooted = normalize(written);
    if (!rooted.empty() && rooted.find('/') != std::string::npos && is_root(rooted)) return rooted;
    return std::nullopt;
  }

  // May `file` (in folder `from`) include `target` (in folder `to`)?
  bool allowed(const std::string& file, const std::string& from, const std::string& target,
               const std::string& to) const {
    if (from == to || everywhere(to)) return true;
    const auto row = rows.find(from);
    if (row == rows.end()) return false;
    return std::ranges::any_of(row->second->may_include, [&](const Allowance& a) {
      return (a.target == to || a.target == target) && (a.only_from.empty() || a.only_from == file);
    });
  }

  // The node a file stands for in the folder graph: an interface header is its own node.
  std::string node_of(const std::string& file) const {
    return interfaces.contains(file) ? file : dir_of(file);
  }

  // Edges the rows allow: folder -> its allowances (+ everywhere); an interface header ->
  // what its folder's row allows it (not the one-file exceptions of other files).
  std::set<std::string> allowed_successors(const std::string& node) const {
    std::set<std::string> out;
    const bool interface = interfaces.contains(node);
    const std::string folder = interface ? dir_of(node) : node;
    for (const auto& e : rules.everywhere) {
      if (e != folder) out.insert(e);
    }
    const auto row = rows.find(folder);
    if (row == rows.end()) return out;
    for (const auto& a : row->second->may_include) {
      if (!interface || a.only_from.empty() || a.only_from == node) out.insert(a.target);
    }
    return out;
  }

  bool reaches(const std::string& from, const std::string& to) const {
    std::set<std::string> seen{from};
    std::deque<std::string> todo{from};
    while (!todo.empty()) {
      const std::string n = todo.front();
      todo.pop_front();
      for (const auto& next : allowed_successors(n)) {
        if (next == to) return true;
        if (seen.insert(next).second) todo.push_back(next);
      }
    }
    return false;
  }

  // Who may include backend `folder`: "pipeline/log/open_log.cc and pipeline/cli/".
  std::string backend_users(const std::string& folder) const {
    std::vector<std::string> users;
    for (const auto& f : rules.folders) {
      for (const auto& a : f.may_include) {
        if (a.target == folder || dir_of(a.target) == folder)
          users.push_back(a.only_from.empty() ? f.folder + "/" : a.only_from);
      }
    }
    return users.empty() ? "nothing" : join(users, " and ");
  }

  std::string row_text(const std::string& folder) const {
    std::vector<std::string> names(rules.everywhere.begin(), rules.everywhere.end());
    const auto row = rows.find(folder);
    if (row != rows.end()) {
      for (const auto& a : row->second->may_include)
        names.push_back(a.target + (a.only_from.empty() ? "" : " (only from " + a.only_from + ")"));
    }
    return names.empty() ? "nothing of ours" : join(names, ", ");
  }
};

// Why `file` (folder `from`) may not include `target` (folder `to`); not called when allowed.
std::pair<Why, std::string> classify(const Table& t, const std::string& from,
                                     const std::string& to) {
  if (!t.rows.contains(to))
    return {Why::kUnknownFolder, to + "/ is not a folder of the table (DESIGN.md §3)"};
  if (t.backend(to)) {
    return {Why::kBackend,
            to + "/ is a Log backend: only " + t.backend_users(to) +
                " may include it; stage code reaches the Log through pipeline/log/log.h"};
  }
  if (t.apart(from, to))
    return {Why::kSideways, from + "/ and " + to + "/ never include each other"};
  if (t.reaches(to, from)) {
    return {Why::kUpward,
            to + "/ depends on " + from + "/ (DESIGN.md §3), so " + from + "/ may not include it"};
  }
  return {Why::kNotInRow, from + "/ may include only " + t.row_text(from) + " (DESIGN.md §3)"};
}

struct Edge {
  std::string file;
  int line = 0;
  std::string written;
};

// The strongly connected groups (more than one node) of `succ`, each sorted, in order.
std::vector<std::vector<std::string>> cycles_of(
    const std::map<std::string, std::set<std::string>>& succ) {
  std::set<std::string> nodes;
  for (const auto& [n, next] : succ) {
    nodes.insert(n);
    nodes.insert(next.begin(), next.end());
  }
  auto reach = [&](const std::string& from) {
    std::set<std::string> seen;
    std::deque<std::string> todo{from};
    while (!todo.empty()) {
      const std::string n = todo.front();
      todo.pop_front();
      const auto it = succ.find(n);
      if (it == succ.end()) continue;
      for (const auto& next : it->second) {
        if (seen.insert(next).second) todo.push_back(next);
      }
    }
    return seen;
  };
  std::map<std::string, std::set<std::string>> reachable;
  for (const auto& n : nodes) reachable[n] = reach(n);
  std::vector<std::vector<std::string>> groups;
  std::set<std::string> placed;
  for (const auto& n : nodes) {
    if (placed.contains(n) || !reachable[n].contains(n)) continue;
    std::vector<std::string> group;
    for (const auto& m : nodes) {
      if (m == n || (reachable[n].contains(m) && reachable[m].contains(n))) group.push_back(m);
    }
    placed.insert(group.begin(), group.end());
    if (group.size() > 1) groups.push_back(group);
  }
  return groups;
}

// One shortest cycle through the first node of `group`: [n0, n1, ..., n0].
std::vector<std::string> one_cycle(const std::map<std::string, std::set<std::string>>& succ,
                                   const std::vector<std::string>& group) {
  const std::string& start = group.front();
  std::map<std::string, std::string> parent;
  std::deque<std::string> todo{start};
  std::set<std::string> seen{start};
  while (!todo.empty()) {
    const std::string n = todo.front();
    todo.pop_front();
    const auto it = succ.find(n);
    if (it == succ.end()) continue;
    for (const auto& next : it->second) {
      if (std::ranges::find(group, next) == group.end()) continue;
      if (next == start) {
        std::vector<std::string> path{start};
        for (std::string at = n; at != start; at = parent[at]) path.insert(path.begin() + 1, at);
        path.push_back(start);
        return path;
      }
      if (seen.insert(next).second) {
        parent[next] = n;
        todo.push_back(next);
      }
    }
  }
  return {start, start};
}

}  // namespace

const char* to_string(Why why) {
  switch (why) {
    case Why::kNotInRow:
      return "not in its row";
    case Why::kUpward:
      return "upward";
    case Why::kSideways:
      return "sideways";
    case Why::kBackend:
      return "Log backend";
    case Why::kUnknownFolder:
      return "folder not in the table";
    case Why::kCycle:
      return "folder cycle";
  }
  return "?";
}

std::string describe(const Violation& v) {
  if (v.line == 0) return v.file + ": " + to_string(v.why) + ": " + v.reason;
  return v.file + ":" + std::to_string(v.line) + ": #include \"" + v.included + "\" — " +
         to_string(v.why) + ": " + v.reason;
}

std::vector<Violation> check_includes(const Tree& tree, const Rules& rules) {
  const Table t(rules);
  std::vector<Violation> out;
  std::map<std::string, std::set<std::string>> succ;            // allowed includes, node -> node
  std::map<std::pair<std::string, std::string>, Edge> witness;  // first include making each edge
  for (const auto& [file, content] : tree) {
    const std::string from = dir_of(file);
    if (!t.rows.contains(from)) {
      out.push_back({file, 0, "", Why::kUnknownFolder,
                     from + "/ is not a folder of the table (DESIGN.md §3)"});
      continue;
    }
    for (const Include& inc : quoted_includes(content)) {
      const auto target = t.resolve(tree, file, inc.written);
      if (!target) continue;  // not ours
      const std::string to = dir_of(*target);
      if (!t.allowed(file, from, *target, to)) {
        auto [why, reason] = classify(t, from, to);
        out.push_back({file, inc.line, inc.written, why, reason});
        continue;
      }
      const std::string a = t.node_of(file), b = t.node_of(*target);
      if (a == b || (from == to && t.interfaces.contains(*target))) continue;  // within a folder
      succ[a].insert(b);
      witness.try_emplace(
          {a, b}, Edge{file, inc.line, inc.written});  // tree is sorted: first by file, line
    }
  }
  std::ranges::sort(out);
  for (const auto& group : cycles_of(succ)) {
    const auto cycle = one_cycle(succ, group);
    std::string text;
    for (std::size_t i = 0; i + 1 < cycle.size(); ++i) {
      const Edge& e = witness.at({cycle[i], cycle[i + 1]});
      text += cycle[i] + " -> (" + e.file + ":" + std::to_string(e.line) + ") ";
    }
    text += cycle.back();
    const Edge& first = witness.at({cycle[0], cycle[1]});
    out.push_back(
        {first.file, first.line, first.written, Why::kCycle,
         text + "; every include is allowed by its row, but together they close a cycle"});
  }
  return out;
}

std::vector<std::string> check_rules(const Rules& rules) {
  const Table t(rules);
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& f : rules.folders) {
    if (!seen.insert(f.folder).second) out.push_back(f.folder + ": two rows");
    for (const auto& a : f.may_include) {
      if (!t.rows.contains(a.target) && !t.rows.contains(dir_of(a.target))) {
        out.push_back(f.folder + ": may include " + a.target +
                      ", which is in no folder of the table");
      }
      if (!a.only_from.empty() && dir_of(a.only_from) != f.folder) {
        out.push_back(f.folder + ": an exception for " + a.only_from +
                      ", which is not in the folder");
      }
    }
  }
  for (const auto& e : rules.everywhere) {
    if (!t.rows.contains(e)) out.push_back("everywhere: " + e + " has no row");
  }
  std::map<std::string, std::set<std::string>> succ;
  for (const auto& f : rules.folders) succ[f.folder] = t.allowed_successors(f.folder);
  for (const auto& i : t.interfaces) succ[i] = t.allowed_successors(i);
  for (const auto& group : cycles_of(succ))
    out.push_back("the rows allow a cycle: " + join(one_cycle(succ, group), " -> "));
  return out;
}

Tree read_tree(const std::filesystem::path& root, const std::vector<std::string>& dirs) {
  static const std::set<std::string> kExtensions{".h",   ".hh",  ".hpp", ".cc",
                                                 ".cpp", ".cxx", ".inc", ".ipp"};
  Tree tree;
  for (const auto& d : dirs) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root / d, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file() || !kExtensions.contains(it->path().extension().string()))
        continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      tree[std::filesystem::relative(it->path(), root).generic_string()] = content.str();
    }
  }
  return tree;
}

}  // namespace earshot::layout

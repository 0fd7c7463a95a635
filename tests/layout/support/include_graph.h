// Test support (layout): checks the `#include "..."` graph of a source tree against the
// dependency table of DESIGN.md §3 (which folder may include which).
//
//   Tree tree = read_tree(source_dir, {"sentiment", "pipeline", "ingest", "sinks"});
//   for (const Violation& v : check_includes(tree, design_rules())) std::cout << describe(v);
//
// A tree is a map of paths (relative to the repo root, '/'-separated) to file contents, so
// tests can hand it synthetic trees. What counts:
//   - only quoted includes (`#include "x"`, not `<x>`) that resolve to one of our folders:
//     the including file's directory first (a sibling, or any "./" or "../" path), then the
//     repo root, as the compiler looks them up; a quoted third-party header ("simdjson.h") is not
//     ours and is skipped;
//   - a file may include its own folder, the folders every folder may include (sentiment/),
//     and what its folder's row allows: a folder (its files, not its subfolders' files), or
//     one header of a folder (an "interface": pipeline/log/log.h for the Log backends),
//     possibly only from one named file (pipeline/log/open_log.cc for the backends);
//   - anything else is a violation, named by why: upward (the included folder depends on the
//     including one), sideways (two folders that never include each other), a Log backend
//     included from where no row allows it, a folder not in the table, or simply not in the
//     row; and a cycle between folders made of includes the rows allow (through an interface
//     header or a one-file exception), which the table alone cannot rule out.
//
// Thread safety: pure functions.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace earshot::layout {

// Path relative to the repo root ("pipeline/core/status.h") -> content.
using Tree = std::map<std::string, std::string>;

struct Allowance {
  std::string target;     // a folder ("pipeline/core") or one header of one ("pipeline/log/log.h")
  std::string only_from;  // non-empty: only this file of the folder may use the allowance
};

struct FolderRule {
  std::string folder;  // "pipeline/log/kafka": files directly in it (not in its subfolders)
  std::vector<Allowance> may_include;
};

struct Rules {
  std::vector<FolderRule> folders;      // the table: every folder that may hold sources
  std::vector<std::string> everywhere;  // folders every folder may include (sentiment)
  std::vector<std::string> backends;    // Log backends: reported as such when a row lacks them
  std::vector<std::pair<std::string, std::string>> apart;  // never include each other
  std::vector<std::string> roots;  // top-level directories whose headers are ours
};

enum class Why {
  kNotInRow,       // the including folder's row does not name it
  kUpward,         // the included folder depends (by the table) on the including one
  kSideways,       // a pair of Rules::apart
  kBackend,        // a Log backend, from where no row allows it
  kUnknownFolder,  // the including file or the included header is in no folder of the table
  kCycle,          // allowed includes that close a cycle between folders
};

struct Violation {
  std::string file;      // the including file
  int line = 0;          // 1-based; 0 for a file that is itself misplaced
  std::string included;  // as written between the quotes (empty for a misplaced file)
  Why why = Why::kNotInRow;
  std::string reason;  // one sentence a reader can act on
  auto operator<=>(const Violation&) const = default;
};

const char* to_string(Why why);
// "pipeline/core/records.h:12: #include \"pipeline/process/x.h\" — upward: ..."
std::string describe(const Violation& v);

// Every violation of `rules` in `tree`, sorted by file and line (cycles last).
std::vector<Violation> check_includes(const Tree& tree, const Rules& rules);

// Mistakes in the rules themselves: a folder with two rows, an allowance naming a folder
// that has no row, a cycle the rows allow. Empty when the table is sound.
std::vector<std::string> check_rules(const Rules& rules);

// The table of DESIGN.md §3, as the tests hold it (design_rules.cc).
Rules design_rules();

// Every C++ source and header (.h .hh .hpp .cc .cpp .cxx .inc .ipp) under `dirs` of `root`.
Tree read_tree(const std::filesystem::path& root, const std::vector<std::string>& dirs);

}  // namespace earshot::layout

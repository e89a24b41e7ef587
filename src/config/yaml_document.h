#pragma once
// An immutable YAML document, parsed with libyaml into one compact arena, for the fleet loader.
//
// Why not yaml-cpp's Node: it allocates several heap objects per node and its scanner is slow; a
// fleet with 40,000 jobs took 2.8 s and 490 MB just to load into yaml-cpp, before any checking.
// This reader parses the same file in about a tenth of that time and memory.
//
// What it does beyond a plain parse, because the loader needs it:
//  - Merge keys (`<<: *anchor` or `<<: [*a, *b]`) are expanded into the mapping: keys written in
//  the
//    mapping win over merged ones, and earlier merged mappings win over later ones (YAML 1.1).
//  - A key given twice in one mapping is a problem (problems()), with the line of the first one.
//  - Aliases share the anchored node (no copy); an alias refers only to a node whose definition
//    has ended, so a document cannot contain a cycle.
//  - Nesting deeper than kMaxDepth is an error (no unbounded recursion in readers).
//
// Thread-safety: a document is immutable after Parse() and may be read from several threads.
// Nodes are handles: they stay valid as long as the document they came from (moving the document
// keeps them valid).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace headroom::config {

// A place in the text, 0-based (add 1 for people). line < 0: no place (a node built in code).
struct YamlMark {
  int line = -1;
  int column = -1;
};

// Something wrong that does not stop the parse (a duplicate key), for the loader to report.
struct YamlProblem {
  YamlMark mark;
  std::string message;
};

namespace internal {
struct YamlArena;
}

// A handle to one node of a document, or an undefined node (a key that is not there).
class YamlNode {
 public:
  YamlNode() = default;

  // True when the node exists (a key that was given, possibly with an empty value).
  explicit operator bool() const { return arena_ != nullptr; }
  bool IsNull() const;      // an empty value, `~` or `null` (not quoted)
  bool IsScalar() const;    // a value other than null
  bool IsMap() const;       // a mapping
  bool IsSequence() const;  // a list
  // The text of a scalar; empty for other nodes.
  std::string_view Scalar() const;
  // Where the node starts.
  YamlMark Mark() const;
  // Items of a list or entries of a mapping; 0 for others.
  size_t size() const;
  // Item `i` of a list. REQUIRES: IsSequence(), i < size().
  YamlNode operator[](size_t i) const;
  // Key and value of entry `i` of a mapping. REQUIRES: IsMap(), i < size().
  YamlNode Key(size_t i) const;
  YamlNode Value(size_t i) const;
  // The value of the entry whose key is the scalar `key`, or an undefined node. Linear in the
  // entries: meant for the small mappings of a fleet file.
  YamlNode Get(std::string_view key) const;

 private:
  friend class YamlDocument;
  YamlNode(const internal::YamlArena* arena, std::uint32_t index) : arena_(arena), index_(index) {}
  const internal::YamlArena* arena_ = nullptr;
  std::uint32_t index_ = 0;
};

class YamlDocument {
 public:
  // Deeper nesting of lists and mappings is rejected.
  static constexpr int kMaxDepth = 256;

  YamlDocument(YamlDocument&&) noexcept;
  YamlDocument& operator=(YamlDocument&&) noexcept;
  ~YamlDocument();

  // Parses the first document of `text`. Syntax errors, aliases to unknown anchors, bad merge keys
  // and too deep nesting are errors of the form "NAME:LINE:COLUMN: not valid YAML: ...".
  static absl::StatusOr<YamlDocument> Parse(std::string_view text, const std::string& name);
  // A document whose root is a mapping of the given scalar keys and values, all at `mark` (used
  // to read rows of CSV files with the same code as YAML mappings). A key "a.b" becomes key b of
  // a mapping under key a; an empty value is null. REQUIRES: a key is not both "a" and "a.b".
  static YamlDocument FlatMap(const std::vector<std::pair<std::string, std::string>>& entries,
                              YamlMark mark);

  // The root node; undefined for an empty document.
  YamlNode root() const;
  // Duplicate keys and other problems found while parsing, in the order of the text.
  const std::vector<YamlProblem>& problems() const;

 private:
  YamlDocument();
  std::unique_ptr<internal::YamlArena> arena_;
};

}  // namespace headroom::config

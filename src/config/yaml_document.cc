#include "config/yaml_document.h"

#include <yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace headroom::config {
namespace internal {

enum class NodeKind : std::uint8_t { kNull, kScalar, kSequence, kMap };

// All nodes of a document in three flat arrays. A scalar's text is pool[offset, offset + count);
// a list's items are children[offset, offset + count); a mapping's entries are the pairs
// (children[offset + 2i], children[offset + 2i + 1]) for i < count.
struct YamlArena {
  struct Node {
    NodeKind kind = NodeKind::kNull;
    bool plain = false;  // a scalar written without quotes (only a plain "<<" is a merge key)
    std::int32_t line = -1;
    std::int32_t column = -1;
    std::uint32_t count = 0;
    std::uint64_t offset = 0;
  };
  std::vector<Node> nodes;
  std::string pool;
  std::vector<std::uint32_t> children;
  std::vector<YamlProblem> problems;
  bool has_root = false;
  std::uint32_t root = 0;

  std::string_view Text(std::uint32_t i) const {
    const Node& n = nodes[i];
    if (n.kind != NodeKind::kScalar && n.kind != NodeKind::kNull) return {};
    return std::string_view(pool).substr(n.offset, n.count);
  }
  std::uint32_t AddScalar(std::string_view text, NodeKind kind, bool plain, YamlMark mark) {
    Node n;
    n.kind = kind;
    n.plain = plain;
    n.line = mark.line;
    n.column = mark.column;
    n.offset = pool.size();
    n.count = static_cast<std::uint32_t>(text.size());
    pool.append(text);
    nodes.push_back(n);
    return static_cast<std::uint32_t>(nodes.size() - 1);
  }
};

}  // namespace internal

namespace {

using internal::NodeKind;
using internal::YamlArena;

int Clamp(size_t v) { return v > 0x7fffffff ? 0x7fffffff : static_cast<int>(v); }

bool IsNullText(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Builds the arena from libyaml's events. One frame per open list or mapping.
class Builder {
 public:
  Builder(YamlArena* arena, std::string name) : a_(*arena), name_(std::move(name)) {}

  // Consumes one event; false with error() set when the document is not valid.
  bool Handle(const yaml_event_t& e) {
    const YamlMark mark{Clamp(e.start_mark.line), Clamp(e.start_mark.column)};
    switch (e.type) {
      case YAML_SCALAR_EVENT: {
        const std::string_view text(reinterpret_cast<const char*>(e.data.scalar.value),
                                    e.data.scalar.length);
        const std::string_view tag =
            e.data.scalar.tag ? reinterpret_cast<const char*>(e.data.scalar.tag) : "";
        const bool plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        const bool null = (plain && tag.empty() && IsNullText(text)) ||
                          tag == "tag:yaml.org,2002:null" || tag == "!!null";
        const std::uint32_t i =
            a_.AddScalar(text, null ? NodeKind::kNull : NodeKind::kScalar, plain, mark);
        Anchor(e.data.scalar.anchor, i);
        return Add(i);
      }
      case YAML_ALIAS_EVENT: {
        const std::string anchor = reinterpret_cast<const char*>(e.data.alias.anchor);
        auto it = anchors_.find(anchor);
        if (it == anchors_.end()) {
          return Fail(mark,
                      absl::StrCat("alias *", anchor, " refers to no anchor defined before it (&",
                                   anchor, " must come first and be complete)"));
        }
        return Add(it->second);
      }
      case YAML_SEQUENCE_START_EVENT:
        return Open(NodeKind::kSequence, mark, e.data.sequence_start.anchor);
      case YAML_MAPPING_START_EVENT:
        return Open(NodeKind::kMap, mark, e.data.mapping_start.anchor);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        return Close();
      default:
        return true;
    }
  }
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    std::uint32_t node = 0;
    std::string anchor;
    std::vector<std::uint32_t> items;
  };

  bool Fail(YamlMark m, const std::string& why) {
    error_ = absl::StrCat(name_, ":", m.line + 1, ":", m.column + 1, ": not valid YAML: ", why);
    return false;
  }
  void Anchor(const yaml_char_t* anchor, std::uint32_t i) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = i;
  }
  bool Add(std::uint32_t i) {
    if (depth_ == 0) {
      if (!a_.has_root) {
        a_.has_root = true;
        a_.root = i;
      }
      return true;
    }
    frames_[depth_ - 1].items.push_back(i);
    return true;
  }
  bool Open(NodeKind kind, YamlMark mark, const yaml_char_t* anchor) {
    if (depth_ >= static_cast<size_t>(YamlDocument::kMaxDepth)) {
      return Fail(mark, absl::StrCat("lists and mappings nested deeper than ",
                                     YamlDocument::kMaxDepth, " levels"));
    }
    YamlArena::Node n;
    n.kind = kind;
    n.line = mark.line;
    n.column = mark.column;
    a_.nodes.push_back(n);
    if (depth_ == frames_.size()) frames_.emplace_back();
    Frame& f = frames_[depth_++];
    f.node = static_cast<std::uint32_t>(a_.nodes.size() - 1);
    f.anchor = anchor ? reinterpret_cast<const char*>(anchor) : "";
    f.items.clear();
    return true;
  }
  bool Close() {
    Frame& f = frames_[--depth_];
    YamlArena::Node& n = a_.nodes[f.node];
    if (n.kind == NodeKind::kMap) {
      if (!CloseMap(f)) return false;
    } else {
      n.offset = a_.children.size();
      n.count = static_cast<std::uint32_t>(f.items.size());
      a_.children.insert(a_.children.end(), f.items.begin(), f.items.end());
    }
    // Registered only now: an alias inside the node's own definition cannot refer to it.
    if (!f.anchor.empty()) anchors_[f.anchor] = f.node;
    return Add(f.node);
  }

  // Writes the mapping's entries: the explicit ones (duplicates reported, the first kept), then
  // those merged from `<<` values whose keys are not given yet.
  bool CloseMap(const Frame& f) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merges;  // (key, value)
    entries.reserve(f.items.size() / 2);
    for (size_t i = 0; i + 1 < f.items.size(); i += 2) {
      const std::uint32_t k = f.items[i];
      const YamlArena::Node& kn = a_.nodes[k];
      if (kn.kind == NodeKind::kScalar && kn.plain && a_.Text(k) == "<<") {
        merges.emplace_back(k, f.items[i + 1]);
      } else {
        entries.emplace_back(k, f.items[i + 1]);
      }
    }
    // Duplicates among explicit keys: sort (text, position), compare neighbours.
    std::vector<std::pair<std::string_view, size_t>> keys;
    keys.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::uint32_t k = entries[i].first;
      const NodeKind kk = a_.nodes[k].kind;
      if (kk == NodeKind::kScalar || kk == NodeKind::kNull) keys.emplace_back(a_.Text(k), i);
    }
    std::sort(keys.begin(), keys.end());
    std::vector<bool> drop(entries.size(), false);
    for (size_t i = 1; i < keys.size(); ++i) {
      if (keys[i].first != keys[i - 1].first) continue;
      size_t first = i - 1;
      while (first > 0 && keys[first - 1].first == keys[i].first) --first;
      const YamlArena::Node& dup = a_.nodes[entries[keys[i].second].first];
      const YamlArena::Node& orig = a_.nodes[entries[keys[first].second].first];
      a_.problems.push_back(YamlProblem{
          YamlMark{dup.line, dup.column},
          absl::StrCat("duplicate key \"", std::string(keys[i].first), "\": already given at line ",
                       orig.line + 1, " of this mapping; give each key once (the first is kept)")});
      drop[keys[i].second] = true;
    }
    std::set<std::string_view> present;
    for (const auto& [text, pos] : keys) present.insert(text);
    std::vector<std::uint32_t> out;
    out.reserve(entries.size() * 2);
    for (size_t i = 0; i < entries.size(); ++i) {
      if (drop[i]) continue;
      out.push_back(entries[i].first);
      out.push_back(entries[i].second);
    }
    for (const auto& [mk, m] : merges) {
      std::vector<std::uint32_t> sources;
      const YamlArena::Node& mn = a_.nodes[m];
      if (mn.kind == NodeKind::kSequence) {
        for (std::uint32_t j = 0; j < mn.count; ++j) sources.push_back(a_.children[mn.offset + j]);
      } else {
        sources.push_back(m);  // a mapping, or not one: reported below
      }
      for (const std::uint32_t s : sources) {
        const YamlArena::Node& sn = a_.nodes[s];
        if (sn.kind != NodeKind::kMap) {
          return Fail({a_.nodes[mk].line, a_.nodes[mk].column},
                      "a merge key (<<) takes a mapping or a list of mappings, e.g. "
                      "\"<<: *defaults\" or \"<<: [*a, *b]\"");
        }
        for (std::uint32_t j = 0; j < sn.count; ++j) {
          const std::uint32_t k = a_.children[sn.offset + std::size_t{2} * j];
          if (!present.insert(a_.Text(k)).second) continue;
          out.push_back(k);
          out.push_back(a_.children[sn.offset + std::size_t{2} * j + 1]);
        }
      }
    }
    YamlArena::Node& n = a_.nodes[f.node];
    n.offset = a_.children.size();
    n.count = static_cast<std::uint32_t>(out.size() / 2);
    a_.children.insert(a_.children.end(), out.begin(), out.end());
    return true;
  }

  YamlArena& a_;
  std::string name_;
  std::string error_;
  std::map<std::string, std::uint32_t> anchors_;
  std::vector<Frame> frames_;  // frames_[0, depth_) are open; the rest are kept for reuse
  size_t depth_ = 0;
};

}  // namespace

// ------------------------------------------------------------------------------------------------
// YamlNode

bool YamlNode::IsNull() const { return arena_ && arena_->nodes[index_].kind == NodeKind::kNull; }
bool YamlNode::IsScalar() const {
  return arena_ && arena_->nodes[index_].kind == NodeKind::kScalar;
}
bool YamlNode::IsMap() const { return arena_ && arena_->nodes[index_].kind == NodeKind::kMap; }
bool YamlNode::IsSequence() const {
  return arena_ && arena_->nodes[index_].kind == NodeKind::kSequence;
}
std::string_view YamlNode::Scalar() const {
  return IsScalar() ? arena_->Text(index_) : std::string_view();
}
YamlMark YamlNode::Mark() const {
  if (!arena_) return {};
  return {arena_->nodes[index_].line, arena_->nodes[index_].column};
}
size_t YamlNode::size() const {
  if (!IsMap() && !IsSequence()) return 0;
  return arena_->nodes[index_].count;
}
YamlNode YamlNode::operator[](size_t i) const {
  return YamlNode(arena_, arena_->children[arena_->nodes[index_].offset + i]);
}
YamlNode YamlNode::Key(size_t i) const {
  return YamlNode(arena_, arena_->children[arena_->nodes[index_].offset + 2 * i]);
}
YamlNode YamlNode::Value(size_t i) const {
  return YamlNode(arena_, arena_->children[arena_->nodes[index_].offset + 2 * i + 1]);
}
YamlNode YamlNode::Get(std::string_view key) const {
  if (!IsMap()) return {};
  const auto& n = arena_->nodes[index_];
  for (std::uint32_t i = 0; i < n.count; ++i) {
    const std::uint32_t k = arena_->children[n.offset + std::size_t{2} * i];
    const NodeKind kk = arena_->nodes[k].kind;
    if ((kk == NodeKind::kScalar || kk == NodeKind::kNull) && arena_->Text(k) == key)
      return YamlNode(arena_, arena_->children[n.offset + std::size_t{2} * i + 1]);
  }
  return {};
}

// ------------------------------------------------------------------------------------------------
// YamlDocument

YamlDocument::YamlDocument() : arena_(std::make_unique<internal::YamlArena>()) {}
YamlDocument::YamlDocument(YamlDocument&&) noexcept = default;
YamlDocument& YamlDocument::operator=(YamlDocument&&) noexcept = default;
YamlDocument::~YamlDocument() = default;

YamlNode YamlDocument::root() const {
  return arena_->has_root ? YamlNode(arena_.get(), arena_->root) : YamlNode();
}
const std::vector<YamlProblem>& YamlDocument::problems() const { return arena_->problems; }

absl::StatusOr<YamlDocument> YamlDocument::Parse(std::string_view text, const std::string& name) {
  YamlDocument doc;
  doc.arena_->pool.reserve(text.size() / 2);
  Builder builder(doc.arena_.get(), name);
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return absl::ResourceExhaustedError("libyaml: no memory");
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  std::string error;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      const yaml_mark_t m = parser.problem_mark;
      error = absl::StrCat(name, ":", m.line + 1, ":", m.column + 1,
                           ": not valid YAML: ", parser.problem ? parser.problem : "syntax error");
      if (parser.context) {
        absl::StrAppend(&error, " (", parser.context, " at line ", parser.context_mark.line + 1,
                        ")");
      }
      break;
    }
    const bool ok = builder.Handle(event);
    done = event.type == YAML_STREAM_END_EVENT || event.type == YAML_DOCUMENT_END_EVENT;
    yaml_event_delete(&event);
    if (!ok) {
      error = builder.error();
      break;
    }
  }
  yaml_parser_delete(&parser);
  if (!error.empty()) return absl::InvalidArgumentError(error);
  return doc;
}

YamlDocument YamlDocument::FlatMap(const std::vector<std::pair<std::string, std::string>>& entries,
                                   YamlMark mark) {
  YamlDocument doc;
  internal::YamlArena& a = *doc.arena_;
  auto add_map = [&](const std::vector<std::uint32_t>& items) {
    internal::YamlArena::Node m;
    m.kind = NodeKind::kMap;
    m.line = mark.line;
    m.column = mark.column;
    m.offset = a.children.size();
    m.count = static_cast<std::uint32_t>(items.size() / 2);
    a.children.insert(a.children.end(), items.begin(), items.end());
    a.nodes.push_back(m);
    return static_cast<std::uint32_t>(a.nodes.size() - 1);
  };
  auto add_scalar = [&](std::string_view v) {
    return a.AddScalar(v, v.empty() ? NodeKind::kNull : NodeKind::kScalar, false, mark);
  };
  // Top-level keys in order of first appearance; "a.b" entries gathered under "a".
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> nested;
  for (const auto& [k, v] : entries) {
    const size_t dot = k.find('.');
    const std::string head = dot == std::string::npos ? k : k.substr(0, dot);
    if (std::find(order.begin(), order.end(), head) == order.end()) order.push_back(head);
    if (dot != std::string::npos) nested[head].emplace_back(k.substr(dot + 1), v);
  }
  std::vector<std::uint32_t> items;
  for (const std::string& head : order) {
    auto it = nested.find(head);
    std::uint32_t value = 0;
    if (it == nested.end()) {
      for (const auto& [k, v] : entries) {
        if (k == head) {
          value = add_scalar(v);
          break;
        }
      }
    } else {
      std::vector<std::uint32_t> sub;
      for (const auto& [k, v] : it->second) {
        sub.push_back(a.AddScalar(k, NodeKind::kScalar, false, mark));
        sub.push_back(add_scalar(v));
      }
      value = add_map(sub);
    }
    items.push_back(a.AddScalar(head, NodeKind::kScalar, false, mark));
    items.push_back(value);
  }
  a.root = add_map(items);
  a.has_root = true;
  return doc;
}

}  // namespace headroom::config

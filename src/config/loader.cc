#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/calendar.h"
#include "base/csv.h"
#include "base/units.h"
#include "config/fleet_checks.h"
#include "config/trace.h"
#include "model/weather.h"

namespace headroom::config {
namespace {

using headroom::Dimension;

constexpr long kMaxTreeNodes = 2'000'000;
constexpr long kMaxJobs = 2'000'000;
constexpr long kMaxEvents = 1'000'000;

// Collects errors with their place in the file.
struct Context {
  std::string file;
  std::string base_dir;
  int max_errors = 20;
  std::vector<std::string> errors;
  long tree_nodes = 0;

  void Error(const YAML::Node& node, const std::string& path, const std::string& message) {
    if (static_cast<int>(errors.size()) >= max_errors) return;
    const YAML::Mark m = node.Mark();
    if (m.line >= 0) {
      errors.push_back(
          absl::StrCat(file, ":", m.line + 1, ":", m.column + 1, ": ", path, ": ", message));
    } else {
      errors.push_back(absl::StrCat(file, ": ", path, ": ", message));
    }
  }
  bool full() const { return static_cast<int>(errors.size()) >= max_errors; }
  std::string Resolve(const std::string& p) const {
    if (p.empty() || p[0] == '/') return p;
    return (std::filesystem::path(base_dir) / p).lexically_normal().string();
  }
};

std::string Join(const std::vector<std::string>& v) { return absl::StrJoin(v, ", "); }

// Edit distance, for "did you mean".
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const char* TypeName(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "empty";
  return "a scalar";
}

// A YAML mapping being read: every getter records the key as known, and Finish() reports the
// keys nobody asked for.
class Obj {
 public:
  Obj(Context& ctx, const YAML::Node& node, std::string path)
      : ctx_(ctx), node_(node), path_(std::move(path)) {
    if (!node_.IsMap()) {
      ctx_.Error(node_, path_,
                 absl::StrCat("expected a mapping of keys to values, found ", TypeName(node_)));
      ok_ = false;
    }
  }
  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  std::string Sub(const std::string& key) const { return absl::StrCat(path_, ".", key); }

  bool Has(const std::string& key) {
    known_.insert(key);
    return ok_ && node_[key] && !node_[key].IsNull();
  }
  YAML::Node Get(const std::string& key) {
    known_.insert(key);
    if (!ok_) return YAML::Node();
    return node_[key];
  }

  std::optional<std::string> Str(const std::string& key, bool required) {
    YAML::Node n = Get(key);
    if (!n || n.IsNull()) {
      if (required && ok_) ctx_.Error(node_, Sub(key), "missing; this field is required");
      return std::nullopt;
    }
    if (!n.IsScalar()) {
      ctx_.Error(n, Sub(key), absl::StrCat("expected a single value, found ", TypeName(n)));
      return std::nullopt;
    }
    return n.Scalar();
  }

  // A quantity in [lo, hi] (SI units of `d`).
  std::optional<double> Qty(const std::string& key, Dimension d, bool required, double lo = -1e300,
                            double hi = 1e300) {
    std::optional<std::string> s = Str(key, required);
    if (!s) return std::nullopt;
    return ParseQty(Get(key), Sub(key), *s, d, lo, hi);
  }
  std::optional<double> ParseQty(const YAML::Node& n, const std::string& path, const std::string& s,
                                 Dimension d, double lo, double hi) {
    absl::StatusOr<double> v = ParseQuantity(s, d);
    if (!v.ok()) {
      ctx_.Error(n, path, std::string(v.status().message()));
      return std::nullopt;
    }
    if (*v < lo || *v > hi) {
      ctx_.Error(n, path, absl::StrCat("\"", s, "\" is out of range: ", Range(d, lo, hi)));
      return std::nullopt;
    }
    return *v;
  }

  std::optional<Duration> Dur(const std::string& key, bool required, double lo_s = 0,
                              double hi_s = 9e9) {
    std::optional<std::string> s = Str(key, required);
    if (!s) return std::nullopt;
    absl::StatusOr<Duration> d = ParseDuration(*s);
    if (!d.ok()) {
      ctx_.Error(Get(key), Sub(key), std::string(d.status().message()));
      return std::nullopt;
    }
    if (ToSeconds(*d) < lo_s || ToSeconds(*d) > hi_s) {
      ctx_.Error(Get(key), Sub(key),
                 absl::StrCat("\"", *s, "\" is out of range: ",
                              Range(Dimension::kDuration, lo_s, hi_s), " s"));
      return std::nullopt;
    }
    return *d;
  }

  std::optional<long> Int(const std::string& key, bool required, long lo, long hi) {
    std::optional<std::string> s = Str(key, required);
    if (!s) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(s->c_str(), &end, 10);
    if (s->empty() || *end != '\0' || errno != 0) {
      ctx_.Error(Get(key), Sub(key), absl::StrCat("expected a whole number, got \"", *s, "\""));
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      ctx_.Error(Get(key), Sub(key),
                 absl::StrCat(v, " is out of range: expected ", lo, " to ", hi));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> Bool(const std::string& key) {
    std::optional<std::string> s = Str(key, false);
    if (!s) return std::nullopt;
    if (*s == "true" || *s == "yes") return true;
    if (*s == "false" || *s == "no") return false;
    ctx_.Error(Get(key), Sub(key), absl::StrCat("expected true or false, got \"", *s, "\""));
    return std::nullopt;
  }

  // One of `allowed`, returned as its index.
  std::optional<int> Enum(const std::string& key, const std::vector<std::string>& allowed,
                          bool required) {
    std::optional<std::string> s = Str(key, required);
    if (!s) return std::nullopt;
    for (size_t i = 0; i < allowed.size(); ++i) {
      if (allowed[i] == *s) return static_cast<int>(i);
    }
    ctx_.Error(Get(key), Sub(key), absl::StrCat("\"", *s, "\" is not one of: ", Join(allowed)));
    return std::nullopt;
  }

  // Reports keys nobody asked for. Call once all keys were read.
  void Finish() {
    if (!ok_) return;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      if (known_.count(key)) continue;
      std::string hint;
      size_t best = 3;
      for (const std::string& k : known_) {
        const size_t d = Distance(key, k);
        if (d < best) {
          best = d;
          hint = absl::StrCat(" (did you mean \"", k, "\"?)");
        }
      }
      std::vector<std::string> keys(known_.begin(), known_.end());
      ctx_.Error(it->first, Sub(key),
                 absl::StrCat("unknown key", hint, "; valid keys here: ", Join(keys)));
    }
  }

  static std::string Range(Dimension d, double lo, double hi) {
    auto fmt = [&](double v) {
      if (d == Dimension::kFraction) return absl::StrCat(v * 100, "%");
      return absl::StrCat(v);
    };
    const std::string unit = d == Dimension::kFraction || d == Dimension::kPlain
                                 ? ""
                                 : absl::StrCat(" (in SI: ", std::string(DimensionName(d)), ")");
    if (hi >= 1e299) return absl::StrCat("must be at least ", fmt(lo), unit);
    if (lo <= -1e299) return absl::StrCat("must be at most ", fmt(hi), unit);
    return absl::StrCat("must be between ", fmt(lo), " and ", fmt(hi), unit);
  }

 private:
  Context& ctx_;
  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
  bool ok_ = true;
};

// Calls `fn(item, index_path)` for each element of the list at `key` (a single mapping counts as
// a list of one).
void ForEach(Context& ctx, Obj& parent, const std::string& key,
             const std::function<void(const YAML::Node&, const std::string&)>& fn) {
  YAML::Node n = parent.Get(key);
  if (!n || n.IsNull()) return;
  if (!n.IsSequence()) {
    ctx.Error(n, parent.Sub(key), absl::StrCat("expected a list (- item), found ", TypeName(n)));
    return;
  }
  for (size_t i = 0; i < n.size() && !ctx.full(); ++i)
    fn(n[i], absl::StrCat(parent.Sub(key), "[", i, "]"));
}

// ------------------------------------------------------------------------------------------------
// Series

// A value that is either a scalar with a unit (constant) or {csv, column, unit} of hourly rows
// that repeat every year (row i holds hour i).
std::optional<model::StepSeries> ReadSeries(Context& ctx, Obj& parent, const std::string& key,
                                            Dimension d, double lo, double hi) {
  YAML::Node n = parent.Get(key);
  if (!n || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    std::optional<double> v = parent.ParseQty(n, parent.Sub(key), n.Scalar(), d, lo, hi);
    if (!v) return std::nullopt;
    return model::StepSeries::Constant(*v);
  }
  Obj o(ctx, n, parent.Sub(key));
  if (!o.ok()) return std::nullopt;
  std::optional<std::string> file = o.Str("csv", true);
  std::optional<std::string> column = o.Str("column", true);
  std::optional<std::string> unit = o.Str("unit", true);
  std::optional<Duration> step = o.Dur("step", false, 1e-3);
  o.Finish();
  if (!file || !column || !unit) return std::nullopt;
  absl::StatusOr<double> factor = ParseQuantity(absl::StrCat("1 ", *unit), d);
  if (!factor.ok()) {
    ctx.Error(o.Get("unit"), o.Sub("unit"), std::string(factor.status().message()));
    return std::nullopt;
  }
  absl::StatusOr<CsvTable> table = CsvTable::Read(ctx.Resolve(*file));
  if (!table.ok()) {
    ctx.Error(o.Get("csv"), o.Sub("csv"), std::string(table.status().message()));
    return std::nullopt;
  }
  absl::StatusOr<size_t> col = table->Column(*column);
  if (!col.ok()) {
    ctx.Error(o.Get("column"), o.Sub("column"), std::string(col.status().message()));
    return std::nullopt;
  }
  model::StepSeries s;
  const Duration dt = step.value_or(std::chrono::hours(1));
  double last = 0;
  for (size_t r = 0; r < table->rows(); ++r) {
    // Empty cells (gaps in the source) hold the previous value.
    double v = last;
    if (!table->at(r, *col).empty()) {
      absl::StatusOr<double> x = table->Number(r, *col);
      if (!x.ok()) {
        ctx.Error(o.Get("csv"), o.Sub("csv"), std::string(x.status().message()));
        return std::nullopt;
      }
      v = *x * *factor;
    }
    s.times.push_back(Time{dt * static_cast<std::int64_t>(r)});
    s.values.push_back(v);
    last = v;
  }
  if (s.times.empty()) {
    ctx.Error(o.Get("csv"), o.Sub("csv"), absl::StrCat(table->path(), ": no data rows"));
    return std::nullopt;
  }
  s.period = dt * static_cast<std::int64_t>(s.times.size());
  return s;
}

// ------------------------------------------------------------------------------------------------
// GPUs

void ReadCurve(Context& ctx, Obj& parent, const std::string& key, model::ThroughputCurve* c) {
  YAML::Node n = parent.Get(key);
  if (!n || n.IsNull()) return;
  Obj o(ctx, n, parent.Sub(key));
  if (!o.ok()) return;
  if (auto v = o.Qty("zero", Dimension::kFraction, false, 0, 0.9)) c->zero_fraction = *v;
  if (auto v = o.Qty("saturation", Dimension::kFraction, false, 0.05, 1.0))
    c->saturation_fraction = *v;
  if (auto v = o.Qty("exponent", Dimension::kPlain, false, 0.01, 5)) c->exponent = *v;
  o.Finish();
  if (c->saturation_fraction <= c->zero_fraction) {
    ctx.Error(n, o.path(),
              "saturation must be above zero (the cap fraction where throughput reaches 0)");
  }
}

void ReadGpus(Context& ctx, Obj& root, std::vector<model::GpuModel>* gpus) {
  ForEach(ctx, root, "gpus", [&](const YAML::Node& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    std::optional<std::string> name = o.Str("name", true);
    if (!name) return;
    auto it =
        std::find_if(gpus->begin(), gpus->end(), [&](const auto& g) { return g.name == *name; });
    model::GpuModel* g = nullptr;
    if (it != gpus->end()) {
      g = &*it;
    } else {
      gpus->push_back(model::GpuModel{});
      g = &gpus->back();
      g->name = *name;
    }
    if (auto v = o.Qty("tdp", Dimension::kPower, false, 1, 1e5)) g->tdp_w = *v;
    if (auto v = o.Qty("cap_min", Dimension::kPower, false, 1, 1e5)) g->cap_min_w = *v;
    if (auto v = o.Qty("cap_max", Dimension::kPower, false, 1, 1e5)) g->cap_max_w = *v;
    if (auto v = o.Qty("idle", Dimension::kPower, false, 0, 1e5)) g->idle_w = *v;
    if (auto v = o.Qty("host", Dimension::kPower, false, 0, 1e5)) g->host_w = *v;
    ReadCurve(ctx, o, "training", &g->training);
    ReadCurve(ctx, o, "inference", &g->inference);
    o.Finish();
    if (g->cap_min_w > g->cap_max_w || g->cap_max_w > g->tdp_w * 1.0001 ||
        g->idle_w >= g->cap_min_w) {
      ctx.Error(
          item, path,
          absl::StrCat("GPU \"", g->name, "\": need idle < cap_min <= cap_max <= tdp; got idle ",
                       g->idle_w, " W, cap ", g->cap_min_w, "-", g->cap_max_w, " W, tdp ", g->tdp_w,
                       " W"));
    }
  });
}

int FindGpu(const std::vector<model::GpuModel>& gpus, const std::string& name) {
  for (size_t i = 0; i < gpus.size(); ++i) {
    if (gpus[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string GpuNames(const std::vector<model::GpuModel>& gpus) {
  std::vector<std::string> names;
  for (const auto& g : gpus) names.push_back(g.name);
  return Join(names);
}

// ------------------------------------------------------------------------------------------------
// Power tree

struct PendingNode {
  model::TreeNode node;
  std::string parent_name;  // explicit parent (flat form), else empty
  int nested_parent = -1;   // index in pending list when nested
  YAML::Node yaml;
  std::string path;
};

const std::vector<std::string> kNodeKinds = {"feed", "hall", "tent", "row", "rack"};

std::vector<model::BreakerStep> ReadBreaker(Context& ctx, Obj& parent, const std::string& key) {
  std::vector<model::BreakerStep> steps;
  ForEach(ctx, parent, key, [&](const YAML::Node& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    auto above = o.Qty("above", Dimension::kFraction, true, 0.5, 100);
    auto hold = o.Dur("for", true, 0);
    o.Finish();
    if (above && hold) steps.push_back({*above, *hold});
  });
  return steps;
}

void ReadTreeNode(Context& ctx, const YAML::Node& item, const std::string& path, int nested_parent,
                  const std::string& prefix, const model::Fleet& fleet,
                  std::vector<PendingNode>* out) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  int kind = -1;
  std::string name;
  for (size_t k = 0; k < kNodeKinds.size(); ++k) {
    if (o.Has(kNodeKinds[k])) {
      if (kind >= 0) {
        ctx.Error(
            item, path,
            absl::StrCat("a node has one kind; found both \"",
                         kNodeKinds[static_cast<size_t>(kind)], "\" and \"", kNodeKinds[k], "\""));
        return;
      }
      kind = static_cast<int>(k);
      name = o.Str(kNodeKinds[k], true).value_or("");
    }
  }
  if (kind < 0) {
    ctx.Error(item, path,
              absl::StrCat("a power-tree node needs its kind as key, one of: ", Join(kNodeKinds),
                           " (e.g. \"hall: H1\")"));
    return;
  }
  const long count = o.Int("count", false, 1, 100000).value_or(1);
  auto rating = o.Qty("rating", Dimension::kPower, true, 1, 1e11);
  std::optional<std::string> parent_name = o.Str("parent", false);
  if (parent_name && nested_parent >= 0) {
    ctx.Error(o.Get("parent"), o.Sub("parent"),
              "a nested node takes its parent from where it is written; "
              "\"parent\" is only for top-level nodes");
  }
  std::vector<model::BreakerStep> breaker = ReadBreaker(ctx, o, "breaker");
  const model::NodeKind nk = static_cast<model::NodeKind>(kind + 1);
  long gpus = 0;
  int gpu_model = -1;
  double ride_j = 0;
  if (nk == model::NodeKind::kRack) {
    gpus = o.Int("gpus", true, 0, 100000).value_or(0);
    if (auto g = o.Str("gpu", true)) {
      gpu_model = FindGpu(fleet.gpus, *g);
      if (gpu_model < 0) {
        ctx.Error(o.Get("gpu"), o.Sub("gpu"),
                  absl::StrCat("unknown GPU model \"", *g, "\"; known: ", GpuNames(fleet.gpus),
                               " (add it under gpus:)"));
      }
    }
    if (auto v = o.Qty("ride_through", Dimension::kEnergyPerGpu, false, 0, 1e7)) ride_j = *v;
  }
  YAML::Node children = o.Get("children");
  o.Finish();
  if (!rating) return;
  if (nk == model::NodeKind::kRack && children && !children.IsNull()) {
    ctx.Error(children, o.Sub("children"), "a rack is a leaf: it cannot have children");
    return;
  }
  if (nk != model::NodeKind::kRack && (!children || children.IsNull()) && nested_parent < 0 &&
      !parent_name) {
    // A top-level node without children is allowed (flat form: children point to it).
  }
  if (ctx.tree_nodes + count > kMaxTreeNodes) {
    ctx.Error(item, path,
              absl::StrCat("the power tree would have more than ", kMaxTreeNodes, " nodes"));
    return;
  }
  for (long c = 0; c < count && !ctx.full(); ++c) {
    PendingNode p;
    p.node.name = prefix + name + (count > 1 ? std::to_string(c + 1) : "");
    p.node.kind = nk;
    p.node.rating_w = *rating;
    p.node.breaker = breaker;
    p.node.gpus = static_cast<int>(gpus);
    p.node.gpu_model = gpu_model;
    p.node.ride_through_j_per_gpu = ride_j;
    p.parent_name = parent_name.value_or("");
    p.nested_parent = nested_parent;
    p.yaml = item;
    p.path = path;
    out->push_back(p);
    ++ctx.tree_nodes;
    const int self = static_cast<int>(out->size()) - 1;
    if (children && !children.IsNull()) {
      if (!children.IsSequence()) {
        ctx.Error(children, o.Sub("children"),
                  absl::StrCat("expected a list of nodes, found ", TypeName(children)));
        return;
      }
      const std::string child_prefix = (*out)[static_cast<size_t>(self)].node.name + "/";
      for (size_t i = 0; i < children.size() && !ctx.full(); ++i) {
        ReadTreeNode(ctx, children[i], absl::StrCat(o.Sub("children"), "[", i, "]"), self,
                     child_prefix, fleet, out);
      }
    }
  }
}

// Builds site.tree (parents before children) from the pending nodes; reports dangling parents,
// duplicate names and cycles.
void BuildTree(Context& ctx, const YAML::Node& where, const std::string& path,
               const std::string& site_name, std::vector<PendingNode>& pending, model::Site* site) {
  std::map<std::string, int> by_name;
  for (size_t i = 0; i < pending.size(); ++i) {
    auto [it, inserted] = by_name.emplace(pending[i].node.name, static_cast<int>(i));
    if (!inserted) {
      ctx.Error(pending[i].yaml, pending[i].path,
                absl::StrCat("duplicate node name \"", pending[i].node.name, "\""));
    }
  }
  // Parent index in `pending`, or -1 for the site root.
  std::vector<int> parent(pending.size(), -1);
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].nested_parent >= 0) {
      parent[i] = pending[i].nested_parent;
    } else if (!pending[i].parent_name.empty()) {
      auto it = by_name.find(pending[i].parent_name);
      if (it == by_name.end()) {
        ctx.Error(
            pending[i].yaml, pending[i].path + ".parent",
            absl::StrCat("no node named \"", pending[i].parent_name, "\" in site ", site_name));
        return;
      }
      parent[i] = it->second;
    }
  }
  // Cycle check: follow parents; a chain longer than the node count is a cycle.
  for (size_t i = 0; i < pending.size(); ++i) {
    int p = parent[i];
    size_t steps = 0;
    while (p >= 0 && steps <= pending.size()) {
      p = parent[static_cast<size_t>(p)];
      ++steps;
    }
    if (p >= 0) {
      std::vector<std::string> chain;
      int q = static_cast<int>(i);
      for (size_t k = 0; k < 6 && q >= 0; ++k, q = parent[static_cast<size_t>(q)])
        chain.push_back(pending[static_cast<size_t>(q)].node.name);
      ctx.Error(pending[i].yaml, pending[i].path,
                absl::StrCat("cycle in the power tree: ", absl::StrJoin(chain, " -> "), " -> ..."));
      return;
    }
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    const int p = parent[i];
    if (p < 0) continue;
    const auto pk = pending[static_cast<size_t>(p)].node.kind;
    if (pk == model::NodeKind::kRack) {
      ctx.Error(pending[i].yaml, pending[i].path,
                absl::StrCat("parent \"", pending[static_cast<size_t>(p)].node.name,
                             "\" is a rack; racks are leaves"));
      return;
    }
    if (static_cast<int>(pending[i].node.kind) <= static_cast<int>(pk)) {
      ctx.Error(pending[i].yaml, pending[i].path,
                absl::StrCat(model::NodeKindName(pending[i].node.kind), " \"", pending[i].node.name,
                             "\" cannot sit under ", model::NodeKindName(pk), " \"",
                             pending[static_cast<size_t>(p)].node.name,
                             "\"; the order is site > feed > hall or tent > row > rack"));
      return;
    }
  }
  // Order: depth-first from the root, parents before children.
  std::vector<std::vector<int>> kids(pending.size() + 1);
  for (size_t i = 0; i < pending.size(); ++i)
    kids[static_cast<size_t>(parent[i] + 1)].push_back(static_cast<int>(i));
  std::vector<int> index(pending.size(), -1);
  site->tree.push_back(model::TreeNode{site_name, model::NodeKind::kSite, -1, 0});
  std::vector<std::pair<int, int>> stack;  // (pending index, tree parent)
  for (auto it = kids[0].rbegin(); it != kids[0].rend(); ++it) stack.emplace_back(*it, 0);
  while (!stack.empty()) {
    auto [i, tp] = stack.back();
    stack.pop_back();
    model::TreeNode n = pending[static_cast<size_t>(i)].node;
    n.parent = tp;
    index[static_cast<size_t>(i)] = static_cast<int>(site->tree.size());
    site->tree.push_back(std::move(n));
    const auto& k = kids[static_cast<size_t>(i + 1)];
    for (auto it = k.rbegin(); it != k.rend(); ++it)
      stack.emplace_back(*it, index[static_cast<size_t>(i)]);
  }
  if (site->total_gpus() == 0) {
    ctx.Error(where, path, "the power tree has no rack with GPUs");
  }
}

// ------------------------------------------------------------------------------------------------
// Sites

void ReadGrid(Context& ctx, Obj& so, model::Site* site) {
  YAML::Node n = so.Get("grid");
  if (!n || n.IsNull()) {
    site->grid.present = false;
    return;
  }
  Obj o(ctx, n, so.Sub("grid"));
  if (!o.ok()) return;
  model::Grid& g = site->grid;
  if (auto v = o.Qty("import_limit", Dimension::kPower, true, 0, 1e11)) g.import_limit_w = *v;
  if (auto v = o.Qty("export_limit", Dimension::kPower, false, 0, 1e11)) g.export_limit_w = *v;
  if (auto s = ReadSeries(ctx, o, "price", Dimension::kPricePerEnergy, -1e-5, 1e-5))
    g.price_usd_per_j = *s;
  if (auto s = ReadSeries(ctx, o, "carbon", Dimension::kEmissionPerEnergy, 0, 1e-5))
    g.carbon_kg_per_j = *s;
  if (auto v = o.Qty("nominal_frequency", Dimension::kFrequency, false, 40, 70)) g.nominal_hz = *v;
  g.trip_below_hz = g.nominal_hz - 0.7;
  g.trip_above_hz = g.nominal_hz + 0.5;
  if (o.Has("frequency_trip")) {
    Obj f(ctx, o.Get("frequency_trip"), o.Sub("frequency_trip"));
    if (auto v = f.Qty("below", Dimension::kFrequency, false, 40, 70)) g.trip_below_hz = *v;
    if (auto v = f.Qty("above", Dimension::kFrequency, false, 40, 70)) g.trip_above_hz = *v;
    f.Finish();
    if (g.trip_below_hz >= g.nominal_hz || g.trip_above_hz <= g.nominal_hz) {
      ctx.Error(o.Get("frequency_trip"), o.Sub("frequency_trip"),
                "need below < nominal_frequency < above");
    }
  }
  if (o.Has("sag_ride_through")) {
    Obj f(ctx, o.Get("sag_ride_through"), o.Sub("sag_ride_through"));
    if (auto v = f.Qty("min_voltage", Dimension::kFraction, false, 0, 1)) g.sag_min_voltage = *v;
    if (auto v = f.Dur("max_duration", false, 0, 3600)) g.sag_max_duration = *v;
    f.Finish();
  }
  if (auto v = o.Dur("reconnect_delay", false, 0, 30 * 86400.0)) g.reconnect_delay = *v;
  if (auto v = o.Qty("max_ramp", Dimension::kRamp, false, 0, 1e10)) g.max_ramp_w_per_s = *v;
  if (auto v = o.Dur("ramp_window", false, 1, 3600)) g.ramp_window = *v;
  o.Finish();
}

std::vector<std::string> FeedNames(const model::Site& site) {
  std::vector<std::string> names;
  for (const model::TreeNode& n : site.tree) {
    if (n.kind == model::NodeKind::kFeed) names.push_back(n.name);
  }
  return names;
}

// `contingencies: [grid, largest_plant, largest_feed, {plant: NAME}, {feed: NAME}]`; absent: the
// three generic ones the site has; an empty list declares none.
void ReadContingencies(Context& ctx, Obj& so, model::Site* site) {
  using Kind = model::Contingency::Kind;
  const bool has_feed = !FeedNames(*site).empty();
  if (!so.Has("contingencies")) {
    if (so.Get("contingencies") && so.Get("contingencies").IsNull()) return;  // declared empty
    site->contingencies = model::DefaultContingencies(*site);
    return;
  }
  const char* kValid = "expected grid, largest_plant, largest_feed, {plant: NAME} or {feed: NAME}";
  ForEach(ctx, so, "contingencies", [&](const YAML::Node& n, const std::string& p) {
    if (n.IsScalar()) {
      const std::string& v = n.Scalar();
      if (v == "grid") {
        if (!site->grid.present)
          return ctx.Error(n, p, absl::StrCat("site ", site->name, " has no grid"));
        site->contingencies.push_back({Kind::kGrid, -1});
      } else if (v == "largest_plant") {
        if (site->plants.empty())
          return ctx.Error(n, p, absl::StrCat("site ", site->name, " has no gas plant"));
        site->contingencies.push_back({Kind::kPlant, -1});
      } else if (v == "largest_feed") {
        if (!has_feed)
          return ctx.Error(n, p,
                           absl::StrCat("site ", site->name, " has no feed in its power tree"));
        site->contingencies.push_back({Kind::kFeed, -1});
      } else {
        ctx.Error(n, p, absl::StrCat("\"", v, "\" is not a contingency; ", kValid));
      }
      return;
    }
    Obj c(ctx, n, p);
    if (!c.ok()) return;
    const bool plant = c.Has("plant"), feed = c.Has("feed");
    if (plant == feed) {
      c.Finish();
      return ctx.Error(n, p, absl::StrCat("give exactly one of plant or feed; ", kValid));
    }
    const std::string key = plant ? "plant" : "feed";
    const std::optional<std::string> name = c.Str(key, true);
    c.Finish();
    if (!name) return;
    if (plant) {
      for (size_t i = 0; i < site->plants.size(); ++i) {
        if (site->plants[i].name == *name)
          return site->contingencies.push_back({Kind::kPlant, static_cast<int>(i)});
      }
      std::vector<std::string> names;
      for (const auto& pl : site->plants) names.push_back(pl.name);
      return ctx.Error(c.Get(key), c.Sub(key),
                       absl::StrCat("no plant named \"", *name, "\" at site ", site->name,
                                    "; plants: ", names.empty() ? "none" : Join(names)));
    }
    for (size_t i = 0; i < site->tree.size(); ++i) {
      if (site->tree[i].kind == model::NodeKind::kFeed && site->tree[i].name == *name) {
        return site->contingencies.push_back({Kind::kFeed, static_cast<int>(i)});
      }
    }
    const std::vector<std::string> names = FeedNames(*site);
    ctx.Error(c.Get(key), c.Sub(key),
              absl::StrCat("no feed named \"", *name, "\" in site ", site->name,
                           "; feeds: ", names.empty() ? "none" : Join(names)));
  });
}

void ReadPlants(Context& ctx, Obj& so, model::Site* site) {
  ForEach(ctx, so, "plants", [&](const YAML::Node& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    model::TurbinePlant plant;
    plant.name = o.Str("name", true).value_or("");
    for (const auto& p : site->plants) {
      if (p.name == plant.name)
        ctx.Error(item, path + ".name", absl::StrCat("duplicate plant name \"", plant.name, "\""));
    }
    if (auto v = o.Int("online_at_start", false, 0, 10000))
      plant.online_at_start = static_cast<int>(*v);
    YAML::Node un = o.Get("units");
    o.Finish();
    if (!un || un.IsNull()) {
      ctx.Error(item, path + ".units", "missing; a plant needs units: {count, rating, ...}");
      return;
    }
    Obj u(ctx, un, path + ".units");
    if (!u.ok()) return;
    const long count = u.Int("count", true, 1, 1000).value_or(0);
    model::TurbineUnit t;
    if (auto v = u.Qty("rating", Dimension::kPower, true, 1e3, 2e9)) t.rating_w = *v;
    if (auto v = u.Qty("min_load", Dimension::kPower, false, 0, 2e9)) t.min_load_w = *v;
    if (auto v = u.Dur("start_time", false, 0, 7 * 86400.0)) t.start_time = *v;
    if (auto v = u.Qty("ramp", Dimension::kRamp, false, 0, 1e10)) t.ramp_w_per_s = *v;
    if (auto v = u.Qty("max_step", Dimension::kPower, false, 0, 2e9)) t.max_step_w = *v;
    if (auto v = u.Qty("heat_rate", Dimension::kHeatRate, false, 1.0, 10)) t.heat_rate = *v;
    if (auto v = u.Qty("fuel_price", Dimension::kPricePerFuelEnergy, false, 0, 1e-6))
      t.fuel_price_usd_per_j = *v;
    if (auto v = u.Qty("co2", Dimension::kEmissionPerEnergy, false, 0, 1e-5)) t.co2_kg_per_j = *v;
    if (auto v = u.Qty("trip_rate", Dimension::kRate, false, 0, 1)) t.trip_rate_per_s = *v;
    if (auto v = u.Dur("repair_time", false, 0, 365 * 86400.0)) t.repair_time = *v;
    u.Finish();
    if (t.min_load_w > t.rating_w) {
      ctx.Error(un, path + ".units.min_load",
                absl::StrCat("minimum stable load ", FormatPower(t.min_load_w),
                             " is above the rating ", FormatPower(t.rating_w)));
    }
    for (long i = 0; i < count; ++i) {
      t.name = absl::StrCat("u", i + 1);
      plant.units.push_back(t);
    }
    if (plant.online_at_start > static_cast<int>(plant.units.size())) {
      ctx.Error(item, path + ".online_at_start",
                absl::StrCat(plant.online_at_start, " units online but the plant has ",
                             plant.units.size()));
    }
    site->plants.push_back(std::move(plant));
  });
}

void ReadBattery(Context& ctx, Obj& so, model::Site* site) {
  if (!so.Has("battery")) return;
  Obj o(ctx, so.Get("battery"), so.Sub("battery"));
  if (!o.ok()) return;
  model::Battery b;
  if (auto v = o.Qty("energy", Dimension::kEnergy, true, 1, 1e15)) b.energy_j = *v;
  if (auto v = o.Qty("power", Dimension::kPower, true, 1, 1e11)) b.power_w = *v;
  if (auto v = o.Qty("round_trip_efficiency", Dimension::kFraction, false, 0.3, 1))
    b.round_trip_efficiency = *v;
  if (auto v = o.Qty("soc_min", Dimension::kFraction, false, 0, 1)) b.soc_min = *v;
  if (auto v = o.Qty("soc_max", Dimension::kFraction, false, 0, 1)) b.soc_max = *v;
  if (auto v = o.Qty("soc_initial", Dimension::kFraction, false, 0, 1)) b.soc_initial = *v;
  o.Finish();
  if (!(b.soc_min < b.soc_max) || b.soc_initial < b.soc_min || b.soc_initial > b.soc_max) {
    ctx.Error(
        so.Get("battery"), so.Sub("battery"),
        absl::StrCat("need soc_min < soc_max and soc_min <= soc_initial <= soc_max; got ",
                     b.soc_min * 100, "%, ", b.soc_max * 100, "%, ", b.soc_initial * 100, "%"));
  }
  site->battery = b;
}

void ReadCooling(Context& ctx, Obj& so, model::Site* site) {
  if (!so.Has("cooling")) return;
  Obj o(ctx, so.Get("cooling"), so.Sub("cooling"));
  if (!o.ok()) return;
  model::Cooling& c = site->cooling;
  if (o.Has("pue")) {
    c.pue_by_temp_c.clear();
    ForEach(ctx, o, "pue", [&](const YAML::Node& item, const std::string& path) {
      Obj p(ctx, item, path);
      auto t = p.Qty("temperature", Dimension::kTemperature, true, -80, 80);
      auto v = p.Qty("pue", Dimension::kPlain, true, 1.0, 5.0);
      p.Finish();
      if (!t || !v) return;
      if (!c.pue_by_temp_c.empty() && *t <= c.pue_by_temp_c.back().first) {
        ctx.Error(item, path + ".temperature", "PUE points must be in increasing temperature");
      }
      c.pue_by_temp_c.emplace_back(*t, *v);
    });
  }
  if (o.Has("tent_derate")) {
    Obj d(ctx, o.Get("tent_derate"), o.Sub("tent_derate"));
    if (auto v = d.Qty("start", Dimension::kTemperature, false, -80, 80))
      c.tent_derate_start_c = *v;
    if (auto v = d.Qty("end", Dimension::kTemperature, false, -80, 80)) c.tent_derate_end_c = *v;
    if (auto v = d.Qty("min", Dimension::kFraction, false, 0, 1)) c.tent_min_fraction = *v;
    d.Finish();
    if (c.tent_derate_end_c <= c.tent_derate_start_c) {
      ctx.Error(o.Get("tent_derate"), o.Sub("tent_derate"), "end must be above start");
    }
  }
  o.Finish();
}

// Weather: a constant, a synthetic seasonal + diurnal model, or an hourly typical-year CSV.
void ReadWeather(Context& ctx, Obj& so, model::Site* site) {
  if (!so.Has("weather")) return;
  YAML::Node n = so.Get("weather");
  Obj o(ctx, n, so.Sub("weather"));
  if (!o.ok()) return;
  if (o.Has("csv")) {
    if (auto s = ReadSeries(ctx, so, "weather", Dimension::kTemperature, -80, 80))
      site->ambient_c = *s;
    return;  // ReadSeries checked the keys
  }
  model::SyntheticWeather w;
  w.mean_c = o.Qty("mean", Dimension::kTemperature, true, -60, 50).value_or(15);
  w.seasonal_amplitude_c =
      o.Qty("seasonal_amplitude", Dimension::kTemperature, false, 0, 40).value_or(0);
  w.diurnal_amplitude_c =
      o.Qty("diurnal_amplitude", Dimension::kTemperature, false, 0, 30).value_or(0);
  w.warmest_day = o.Qty("warmest_day", Dimension::kPlain, false, 1, 365).value_or(200);
  o.Finish();
  site->ambient_c = model::SyntheticAmbientSeries(w, site->utc_offset);
}

void ReadSite(Context& ctx, const YAML::Node& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  model::Site site;
  site.name = o.Str("name", true).value_or("");
  for (const auto& s : fleet->sites) {
    if (s.name == site.name)
      ctx.Error(o.Get("name"), o.Sub("name"),
                absl::StrCat("duplicate site name \"", site.name, "\""));
  }
  if (auto k = o.Enum("kind", {"owned", "leased", "tent"}, true))
    site.kind = static_cast<model::SiteKind>(*k);
  if (o.Has("location")) {
    Obj l(ctx, o.Get("location"), o.Sub("location"));
    if (auto v = l.Qty("latitude", Dimension::kAngle, false, -90, 90)) site.latitude_deg = *v;
    if (auto v = l.Qty("longitude", Dimension::kAngle, false, -180, 180)) site.longitude_deg = *v;
    site.timezone = l.Str("timezone", false).value_or("UTC");
    if (auto v = l.Dur("utc_offset", false, -14 * 3600.0, 14 * 3600.0)) site.utc_offset = *v;
    l.Finish();
  }
  ReadGrid(ctx, o, &site);
  ReadPlants(ctx, o, &site);
  ReadBattery(ctx, o, &site);
  if (o.Has("solar")) {
    Obj s(ctx, o.Get("solar"), o.Sub("solar"));
    if (auto v = s.Qty("peak", Dimension::kPower, true, 0, 1e11)) site.solar.peak_w = *v;
    s.Finish();
  }
  if (auto v = o.Qty("baseload", Dimension::kPower, false, 0, 1e11)) site.baseload_w = *v;
  ReadCooling(ctx, o, &site);
  ReadWeather(ctx, o, &site);
  if (o.Has("breaker")) site.default_breaker = ReadBreaker(ctx, o, "breaker");
  if (auto v = o.Dur("reclose_delay", false, 0, 30 * 86400.0)) site.reclose_delay = *v;
  if (auto v = o.Dur("ufls_delay", false, 0, 60)) site.ufls_delay = *v;
  std::vector<PendingNode> pending;
  YAML::Node tree = o.Get("power_tree");
  if (!tree || tree.IsNull()) {
    ctx.Error(item, o.Sub("power_tree"),
              "missing; a site needs a power tree (feed > hall or tent > row > rack)");
  } else if (!tree.IsSequence()) {
    ctx.Error(tree, o.Sub("power_tree"),
              absl::StrCat("expected a list of nodes, found ", TypeName(tree)));
  } else {
    for (size_t i = 0; i < tree.size() && !ctx.full(); ++i) {
      ReadTreeNode(ctx, tree[i], absl::StrCat(o.Sub("power_tree"), "[", i, "]"), -1, "", *fleet,
                   &pending);
    }
    if (!ctx.full()) BuildTree(ctx, tree, o.Sub("power_tree"), site.name, pending, &site);
  }
  std::vector<std::string> shed;
  ForEach(ctx, o, "shed_order", [&](const YAML::Node& n, const std::string& p) {
    if (!n.IsScalar()) {
      ctx.Error(n, p, "expected a feed name");
      return;
    }
    for (size_t i = 0; i < site.tree.size(); ++i) {
      if (site.tree[i].name == n.Scalar() && site.tree[i].kind == model::NodeKind::kFeed) {
        site.shed_order.push_back(static_cast<int>(i));
        return;
      }
    }
    ctx.Error(n, p, absl::StrCat("no feed named \"", n.Scalar(), "\" in site ", site.name));
  });
  ReadContingencies(ctx, o, &site);
  o.Finish();
  fleet->sites.push_back(std::move(site));
}

// ------------------------------------------------------------------------------------------------
// Workloads and events

int FindSite(Context& ctx, const model::Fleet& fleet, Obj& o, const std::string& key,
             bool required) {
  std::optional<std::string> s = o.Str(key, required);
  if (!s) return fleet.sites.size() == 1 && required ? 0 : -1;
  for (size_t i = 0; i < fleet.sites.size(); ++i) {
    if (fleet.sites[i].name == *s) return static_cast<int>(i);
  }
  std::vector<std::string> names;
  for (const auto& site : fleet.sites) names.push_back(site.name);
  ctx.Error(o.Get(key), o.Sub(key),
            absl::StrCat("no site named \"", *s, "\"; sites: ", Join(names)));
  return -2;
}

const std::vector<std::string> kPriorities = {"critical", "high", "normal", "preemptible"};

void ReadJob(Context& ctx, const YAML::Node& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  model::JobSpec j;
  j.origin =
      absl::StrCat(ctx.file, ":", item.Mark().line + 1, ":", item.Mark().column + 1, ": ", path);
  j.name = o.Str("name", true).value_or("");
  if (auto k = o.Enum("kind", {"training", "inference", "batch"}, true))
    j.kind = static_cast<model::WorkloadKind>(*k);
  if (j.kind == model::WorkloadKind::kBatch) j.priority = model::Priority::kPreemptible;
  if (auto p = o.Enum("priority", kPriorities, false))
    j.priority = static_cast<model::Priority>(*p);
  j.site = FindSite(ctx, *fleet, o, "site", false);
  if (auto g = o.Str("gpu", false)) {
    j.gpu_model = FindGpu(fleet->gpus, *g);
    if (j.gpu_model < 0)
      ctx.Error(o.Get("gpu"), o.Sub("gpu"),
                absl::StrCat("unknown GPU model \"", *g, "\"; known: ", GpuNames(fleet->gpus)));
  }
  j.gpus = static_cast<int>(o.Int("gpus", true, 1, 10'000'000).value_or(8));
  if (auto v = o.Dur("arrival", false, 0)) j.arrival = Time{*v};
  const long count = o.Int("count", false, 1, 100000).value_or(1);
  if (j.kind != model::WorkloadKind::kInference) {
    if (auto d = o.Dur("duration", true, 1)) j.work_gpu_s = ToSeconds(*d) * j.gpus;
  } else if (auto d = o.Dur("lifetime", false, 1)) {
    j.lifetime = *d;
  }
  if (auto v = o.Qty("slowdown_tolerance", Dimension::kFraction, false, 0, 10))
    j.slowdown_tolerance = *v;
  if (o.Has("checkpoint")) {
    Obj c(ctx, o.Get("checkpoint"), o.Sub("checkpoint"));
    if (auto v = c.Dur("interval", false, 1)) j.checkpoint_interval = *v;
    if (auto v = c.Dur("save", false, 0)) j.checkpoint_save = *v;
    if (auto v = c.Dur("restore", false, 0)) j.restore_time = *v;
    c.Finish();
    if (j.checkpoint_save >= j.checkpoint_interval) {
      ctx.Error(o.Get("checkpoint"), o.Sub("checkpoint.save"),
                "a checkpoint must take less time than the interval between two");
    }
  }
  if (o.Has("power")) {
    Obj p(ctx, o.Get("power"), o.Sub("power"));
    if (auto v = p.Qty("compute", Dimension::kFraction, false, 0.05, 1.2))
      j.compute_power_fraction = *v;
    if (auto v = p.Qty("communication", Dimension::kFraction, false, 0.05, 1.2))
      j.comm_power_fraction = *v;
    if (auto v = p.Qty("compute_duty", Dimension::kFraction, false, 0, 1)) j.compute_duty = *v;
    if (auto v = p.Dur("iteration", false, 1e-3)) j.iteration_period = *v;
    p.Finish();
  }
  if (o.Has("demand")) {
    Obj d(ctx, o.Get("demand"), o.Sub("demand"));
    if (auto v = d.Qty("peak", Dimension::kFraction, false, 0, 1)) j.demand_peak = *v;
    if (auto v = d.Qty("trough", Dimension::kFraction, false, 0, 1)) j.demand_trough = *v;
    if (auto v = d.Qty("peak_hour", Dimension::kPlain, false, 0, 24)) j.peak_hour = *v;
    d.Finish();
    if (j.demand_trough > j.demand_peak)
      ctx.Error(o.Get("demand"), o.Sub("demand"), "trough must not exceed peak");
  }
  o.Finish();
  if (static_cast<long>(fleet->jobs.size()) + count > kMaxJobs) {
    ctx.Error(item, path, absl::StrCat("more than ", kMaxJobs, " jobs"));
    return;
  }
  for (long i = 0; i < count; ++i) {
    model::JobSpec c = j;
    if (count > 1) c.name = absl::StrCat(j.name, "-", i + 1);
    fleet->jobs.push_back(std::move(c));
  }
}

void ReadGenerator(Context& ctx, const YAML::Node& item, const std::string& path,
                   model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  model::JobGenerator g;
  g.site = FindSite(ctx, *fleet, o, "site", false);
  if (auto v = o.Qty("fill", Dimension::kFraction, false, 0, 1)) g.fill_fraction = *v;
  if (auto v = o.Int("min_gpus", false, 1, 10'000'000)) g.min_gpus = static_cast<int>(*v);
  if (auto v = o.Int("max_gpus", false, 1, 10'000'000)) g.max_gpus = static_cast<int>(*v);
  if (auto v = o.Dur("mean_duration", false, 60)) g.mean_duration = *v;
  if (auto v = o.Qty("inference", Dimension::kFraction, false, 0, 1)) g.inference_fraction = *v;
  if (auto v = o.Qty("batch", Dimension::kFraction, false, 0, 1)) g.batch_fraction = *v;
  if (o.Has("priority_mix")) {
    Obj m(ctx, o.Get("priority_mix"), o.Sub("priority_mix"));
    for (size_t i = 0; i < kPriorities.size(); ++i) {
      g.priority_mix[i] = m.Qty(kPriorities[i], Dimension::kFraction, false, 0, 1).value_or(0);
    }
    m.Finish();
  }
  o.Finish();
  if (g.min_gpus > g.max_gpus) ctx.Error(item, path, "min_gpus must not exceed max_gpus");
  if (g.fill_fraction + g.inference_fraction > 1.0 + 1e-9) {
    ctx.Error(item, path, "fill + inference must not exceed 100% of the GPUs");
  }
  fleet->generators.push_back(g);
}

void ReadTrace(Context& ctx, const YAML::Node& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  TraceOptions t;
  std::optional<std::string> file = o.Str("file", true);
  o.Enum("format", {"philly"}, true);
  t.site = FindSite(ctx, *fleet, o, "site", false);
  if (auto v = o.Qty("gpu_scale", Dimension::kPlain, false, 1e-3, 1e6)) t.gpu_scale = *v;
  if (auto v = o.Qty("time_scale", Dimension::kPlain, false, 1e-3, 1e3)) t.time_scale = *v;
  if (auto v = o.Int("limit", false, 1, kMaxJobs)) t.limit = *v;
  if (auto v = o.Dur("min_duration", false, 0)) t.min_duration = *v;
  if (auto p = o.Enum("priority", kPriorities, false))
    t.priority = static_cast<model::Priority>(*p);
  o.Finish();
  if (!file) return;
  absl::StatusOr<std::vector<model::JobSpec>> jobs = ReadPhillyTrace(ctx.Resolve(*file), t);
  if (!jobs.ok()) {
    ctx.Error(o.Get("file"), o.Sub("file"), std::string(jobs.status().message()));
    return;
  }
  for (auto& j : *jobs) {
    j.origin =
        absl::StrCat(ctx.file, ":", item.Mark().line + 1, ":", item.Mark().column + 1, ": ", path);
    fleet->jobs.push_back(std::move(j));
  }
}

int FindPlant(Context& ctx, const model::Site& site, Obj& o) {
  std::optional<std::string> p = o.Str("plant", true);
  if (!p) return -1;
  for (size_t i = 0; i < site.plants.size(); ++i) {
    if (site.plants[i].name == *p) return static_cast<int>(i);
  }
  std::vector<std::string> names;
  for (const auto& pl : site.plants) names.push_back(pl.name);
  ctx.Error(o.Get("plant"), o.Sub("plant"),
            absl::StrCat("no plant named \"", *p, "\" at site ", site.name,
                         "; plants: ", names.empty() ? "none" : Join(names)));
  return -1;
}

const std::vector<std::string> kEventKinds = {
    "grid_outage",  "voltage_sag",  "sag_sequence", "frequency_excursion",
    "import_limit", "turbine_trip", "heat",         "feed_trip"};

void ReadEvent(Context& ctx, const YAML::Node& item, const std::string& path, model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  const std::optional<int> kind = o.Enum("kind", kEventKinds, true);
  const int site = FindSite(ctx, *fleet, o, "site", true);
  const std::optional<Duration> at = o.Dur("at", true, 0);
  const long repeat = o.Int("repeat", false, 1, 100000).value_or(1);
  const Duration every = o.Dur("every", repeat > 1, 1).value_or(Duration{0});
  if (!kind || site < 0 || !at) return;  // the error is reported; other keys depend on it
  const model::Site& s = fleet->sites[static_cast<size_t>(site)];
  model::EventSpec e;
  e.site = site;
  e.origin =
      absl::StrCat(std::filesystem::path(ctx.file).filename().string(), ":", item.Mark().line + 1);
  std::vector<model::EventSpec> out;
  switch (*kind) {
    case 0:  // grid_outage
      e.kind = model::EventKind::kGridOutage;
      e.duration = o.Dur("duration", true, 1e-3).value_or(Duration{0});
      out.push_back(e);
      break;
    case 1:    // voltage_sag
    case 2: {  // sag_sequence
      e.kind = model::EventKind::kVoltageSag;
      e.magnitude = o.Qty("voltage", Dimension::kFraction, true, 0, 1).value_or(0.5);
      e.duration = o.Dur("duration", true, 1e-4, 3600).value_or(Duration{0});
      if (*kind == 1) {
        out.push_back(e);
        break;
      }
      const long count = o.Int("count", true, 1, 1000).value_or(1);
      const Duration over = o.Dur("over", true, 0).value_or(Duration{0});
      for (long i = 0; i < count; ++i) {
        model::EventSpec x = e;
        x.start = Time{count > 1 ? over * i / (count - 1) : Duration{0}};
        out.push_back(x);
      }
      break;
    }
    case 3:  // frequency_excursion
      e.kind = model::EventKind::kFrequencyExcursion;
      e.magnitude =
          o.Qty("frequency", Dimension::kFrequency, true, 40, 70).value_or(s.grid.nominal_hz);
      e.duration = o.Dur("duration", true, 1e-3).value_or(Duration{0});
      out.push_back(e);
      break;
    case 4: {  // import_limit
      e.kind = model::EventKind::kImportLimit;
      e.duration = o.Dur("duration", true, 1e-3).value_or(Duration{0});
      const bool has_limit = o.Has("limit");
      const bool has_cut = o.Has("reduction");
      if (has_limit == has_cut) {
        ctx.Error(item, path,
                  "give exactly one of limit (e.g. \"450 MW\") or reduction (e.g. \"25%\" of the "
                  "import limit)");
      } else if (has_limit) {
        e.magnitude = o.Qty("limit", Dimension::kPower, true, 0, 1e11).value_or(0);
      } else {
        e.magnitude = s.grid.import_limit_w *
                      (1 - o.Qty("reduction", Dimension::kFraction, true, 0, 1).value_or(0));
      }
      e.hard = o.Bool("hard").value_or(false);
      if (!s.grid.present) ctx.Error(item, path, absl::StrCat("site ", s.name, " has no grid"));
      out.push_back(e);
      break;
    }
    case 5: {  // turbine_trip
      e.kind = model::EventKind::kTurbineTrip;
      e.plant = FindPlant(ctx, s, o);
      if (auto u = o.Int("unit", false, 1, 1000)) {
        e.unit = static_cast<int>(*u) - 1;
        if (e.plant >= 0 &&
            e.unit >= static_cast<int>(s.plants[static_cast<size_t>(e.plant)].units.size())) {
          ctx.Error(o.Get("unit"), o.Sub("unit"),
                    absl::StrCat("plant ", s.plants[static_cast<size_t>(e.plant)].name, " has ",
                                 s.plants[static_cast<size_t>(e.plant)].units.size(), " units"));
        }
      }
      e.duration = o.Dur("repair_time", false, 0).value_or(std::chrono::hours(8));
      if (e.plant >= 0) out.push_back(e);
      break;
    }
    case 6:  // heat
      e.kind = model::EventKind::kHeat;
      e.magnitude = o.Qty("offset", Dimension::kTemperature, true, -50, 50).value_or(0);
      e.duration = o.Dur("duration", true, 1).value_or(Duration{0});
      out.push_back(e);
      break;
    case 7: {  // feed_trip
      e.kind = model::EventKind::kFeedTrip;
      e.duration = o.Dur("repair_time", false, 0).value_or(std::chrono::hours(1));
      if (std::optional<std::string> f = o.Str("feed", true)) {
        for (size_t i = 0; i < s.tree.size(); ++i) {
          if (s.tree[i].kind == model::NodeKind::kFeed && s.tree[i].name == *f)
            e.node = static_cast<int>(i);
        }
        if (e.node < 0) {
          const std::vector<std::string> names = FeedNames(s);
          ctx.Error(o.Get("feed"), o.Sub("feed"),
                    absl::StrCat("no feed named \"", *f, "\" in site ", s.name,
                                 "; feeds: ", names.empty() ? "none" : Join(names)));
        }
      }
      if (e.node >= 0) out.push_back(e);
      break;
    }
  }
  o.Finish();
  if (static_cast<long>(fleet->events.size() + out.size()) * repeat > kMaxEvents) {
    ctx.Error(item, path, absl::StrCat("more than ", kMaxEvents, " events"));
    return;
  }
  for (long r = 0; r < repeat; ++r) {
    for (model::EventSpec x : out) {
      x.start = Time{x.start.time_since_epoch() + *at + every * r};
      fleet->events.push_back(x);
    }
  }
}

void ReadStochastic(Context& ctx, const YAML::Node& item, const std::string& path,
                    model::Fleet* fleet) {
  Obj o(ctx, item, path);
  if (!o.ok()) return;
  const int site = FindSite(ctx, *fleet, o, "site", true);
  model::StochasticEvents st;
  if (o.Has("grid_outage")) {
    Obj g(ctx, o.Get("grid_outage"), o.Sub("grid_outage"));
    st.grid_outage_rate_per_s = g.Qty("rate", Dimension::kRate, true, 0, 1e-2).value_or(0);
    if (auto d = g.Dur("mean_duration", false, 1)) st.grid_outage_mean = *d;
    g.Finish();
  }
  if (o.Has("voltage_sag")) {
    Obj g(ctx, o.Get("voltage_sag"), o.Sub("voltage_sag"));
    st.voltage_sag_rate_per_s = g.Qty("rate", Dimension::kRate, true, 0, 1e-2).value_or(0);
    if (auto v = g.Qty("voltage_min", Dimension::kFraction, false, 0, 1)) st.sag_depth_min = *v;
    if (auto v = g.Qty("voltage_max", Dimension::kFraction, false, 0, 1)) st.sag_depth_max = *v;
    if (auto d = g.Dur("mean_duration", false, 1e-4)) st.sag_duration_mean = *d;
    g.Finish();
    if (st.sag_depth_min > st.sag_depth_max)
      ctx.Error(o.Get("voltage_sag"), o.Sub("voltage_sag"),
                "voltage_min must not exceed voltage_max");
  }
  o.Finish();
  if (site < 0) return;
  if (fleet->stochastic.size() < fleet->sites.size()) fleet->stochastic.resize(fleet->sites.size());
  fleet->stochastic[static_cast<size_t>(site)] = st;
}

// Events from a CSV file: columns at, kind, site, duration, value, plant, unit. `at` and
// `duration` carry units ("12 d", "4 h"); `value` carries the unit its kind needs.
void ReadEventCsv(Context& ctx, const YAML::Node& node, const std::string& path,
                  model::Fleet* fleet) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, "expected a CSV file name");
    return;
  }
  const std::string file = ctx.Resolve(node.Scalar());
  absl::StatusOr<CsvTable> t = CsvTable::Read(file);
  if (!t.ok()) {
    ctx.Error(node, path, std::string(t.status().message()));
    return;
  }
  std::vector<size_t> cols;
  for (const char* c : {"at", "kind", "site", "duration", "value", "plant", "unit"}) {
    absl::StatusOr<size_t> col = t->Column(c);
    if (!col.ok()) {
      ctx.Error(node, path, std::string(col.status().message()));
      return;
    }
    cols.push_back(*col);
  }
  for (size_t r = 0; r < t->rows() && !ctx.full(); ++r) {
    // Re-use the YAML reader: build the mapping a user would have written.
    YAML::Node e(YAML::NodeType::Map);
    e["kind"] = t->at(r, cols[1]);
    e["site"] = t->at(r, cols[2]);
    e["at"] = t->at(r, cols[0]);
    const std::string kind = t->at(r, cols[1]);
    const std::string value = t->at(r, cols[4]);
    if (kind == "turbine_trip") {
      e["plant"] = t->at(r, cols[5]);
      if (!t->at(r, cols[6]).empty()) e["unit"] = t->at(r, cols[6]);
      if (!t->at(r, cols[3]).empty()) e["repair_time"] = t->at(r, cols[3]);
    } else if (kind == "feed_trip") {
      e["feed"] = value;
      if (!t->at(r, cols[3]).empty()) e["repair_time"] = t->at(r, cols[3]);
    } else {
      e["duration"] = t->at(r, cols[3]);
    }
    if (kind == "voltage_sag") e["voltage"] = value;
    if (kind == "frequency_excursion") e["frequency"] = value;
    if (kind == "import_limit") e["limit"] = value;
    if (kind == "heat") e["offset"] = value;
    Context row_ctx{absl::StrCat(t->path(), ":", t->line(r)), ctx.base_dir, ctx.max_errors};
    ReadEvent(row_ctx, e, "event", fleet);
    for (const std::string& err : row_ctx.errors) {
      if (!ctx.full()) ctx.errors.push_back(err);
    }
  }
}

void ReadFleet(Context& ctx, const YAML::Node& root, model::Fleet* fleet) {
  Obj o(ctx, root, "fleet");
  if (!o.ok()) return;
  if (auto v = o.Int("seed", false, 0, std::numeric_limits<long>::max()))
    fleet->seed = static_cast<std::uint64_t>(*v);
  if (auto v = o.Dur("horizon", false, 1, 50 * 365 * 86400.0)) fleet->horizon = *v;
  if (auto v = o.Str("start", false)) {
    absl::StatusOr<std::int64_t> start = ParseUtcTime(*v);
    if (start.ok()) fleet->start_unix_s = *start;
    if (!start.ok())
      ctx.Error(o.Get("start"), o.Sub("start"), std::string(start.status().message()));
  }
  o.Str("name", false);
  o.Str("description", false);
  ReadGpus(ctx, o, &fleet->gpus);
  if (o.Has("control")) {
    Obj c(ctx, o.Get("control"), "fleet.control");
    if (auto v = c.Dur("actuation_delay", false, 0, 60)) fleet->control.actuation_delay = *v;
    if (auto v = c.Dur("fast_shed_delay", false, 0, 60)) fleet->control.fast_shed_delay = *v;
    if (auto v = c.Qty("rating_margin", Dimension::kFraction, false, 0, 0.5))
      fleet->control.rating_margin = *v;
    c.Finish();
  }
  if (o.Has("failures")) {
    Obj f(ctx, o.Get("failures"), "fleet.failures");
    if (auto v = f.Qty("interruption_rate_per_gpu", Dimension::kRate, false, 0, 1e-3))
      fleet->failures.interruptions_per_gpu_s = *v;
    f.Finish();
  }
  if (o.Has("diesel")) {
    Obj d(ctx, o.Get("diesel"), "fleet.diesel");
    if (auto v = d.Qty("heat_rate", Dimension::kHeatRate, false, 1, 10))
      fleet->diesel.heat_rate = *v;
    if (auto v = d.Qty("fuel_price", Dimension::kPricePerFuelEnergy, false, 0, 1e-6))
      fleet->diesel.fuel_price_usd_per_j = *v;
    if (auto v = d.Qty("co2", Dimension::kEmissionPerEnergy, false, 0, 1e-5))
      fleet->diesel.co2_kg_per_j = *v;
    d.Finish();
  }
  YAML::Node sites = o.Get("sites");
  if (!sites || !sites.IsSequence() || sites.size() == 0) {
    ctx.Error(sites ? sites : root, "fleet.sites",
              "missing or empty; a fleet needs a list of one or more sites");
  } else {
    for (size_t i = 0; i < sites.size() && !ctx.full(); ++i)
      ReadSite(ctx, sites[i], absl::StrCat("sites[", i, "]"), fleet);
  }
  if (o.Has("workloads")) {
    Obj w(ctx, o.Get("workloads"), "workloads");
    ForEach(ctx, w, "jobs",
            [&](const YAML::Node& n, const std::string& p) { ReadJob(ctx, n, p, fleet); });
    ForEach(ctx, w, "generators",
            [&](const YAML::Node& n, const std::string& p) { ReadGenerator(ctx, n, p, fleet); });
    ForEach(ctx, w, "traces",
            [&](const YAML::Node& n, const std::string& p) { ReadTrace(ctx, n, p, fleet); });
    w.Finish();
  }
  ForEach(ctx, o, "events",
          [&](const YAML::Node& n, const std::string& p) { ReadEvent(ctx, n, p, fleet); });
  ForEach(ctx, o, "event_files",
          [&](const YAML::Node& n, const std::string& p) { ReadEventCsv(ctx, n, p, fleet); });
  ForEach(ctx, o, "stochastic_events",
          [&](const YAML::Node& n, const std::string& p) { ReadStochastic(ctx, n, p, fleet); });
  o.Finish();
  fleet->stochastic.resize(fleet->sites.size());
  std::stable_sort(fleet->events.begin(), fleet->events.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
  // Listed jobs that no site could place (config/fleet_checks.h).
  if (ctx.errors.empty()) {
    for (std::string& e : JobsThatFitNoSite(*fleet)) {
      if (!ctx.full()) ctx.errors.push_back(std::move(e));
    }
  }
}

absl::StatusOr<model::Fleet> Load(std::string_view text, const std::string& name,
                                  const std::string& base_dir, const LoadOptions& options) {
  Context ctx{name, base_dir, std::max(1, options.max_errors)};
  model::Fleet fleet;
  fleet.source = name;
  // The built-in catalogue first; the file may override it.
  {
    Context cat{"<built-in gpus.yaml>", "", 20};
    YAML::Node c = YAML::Load(std::string(BuiltinGpuCatalogue()));
    Obj co(cat, c, "catalogue");
    ReadGpus(cat, co, &fleet.gpus);
    co.Finish();
    if (!cat.errors.empty()) return absl::InternalError(Join(cat.errors));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(name, ":", e.mark.line + 1, ":",
                                                   e.mark.column + 1, ": not valid YAML: ", e.msg));
  }
  if (!root || root.IsNull())
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": empty file; expected a fleet (sites: ...)"));
  try {
    ReadFleet(ctx, root, &fleet);
  } catch (const YAML::Exception& e) {
    ctx.errors.push_back(
        absl::StrCat(name, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
  if (!ctx.errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(ctx.errors, "\n"));
  return fleet;
}

}  // namespace

absl::StatusOr<model::Fleet> LoadFleetFromString(std::string_view yaml, const std::string& name,
                                                 const LoadOptions& options) {
  return Load(yaml, name, options.base_dir.empty() ? "." : options.base_dir, options);
}

absl::StatusOr<model::Fleet> LoadFleet(const std::string& path, const LoadOptions& options) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  const std::string dir = options.base_dir.empty()
                              ? std::filesystem::path(path).parent_path().string()
                              : options.base_dir;
  return Load(*text, path, dir.empty() ? "." : dir, options);
}

}  // namespace headroom::config

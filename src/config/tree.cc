// The power tree of a site: nodes nested or flat, repeated with count, checked for sense.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/csv.h"
#include "base/units.h"
#include "config/limits.h"
#include "config/sections.h"
#include "config/yaml_document.h"

namespace headroom::config::internal {

namespace {

const std::vector<std::string> kNodeKinds = {"feed", "hall", "tent", "row", "rack"};

// The lowest step of a breaker curve, as a share of the node's rating: a breaker opens above its
// rating, never below it (below, it would trip under the load the node is rated for).
constexpr double kLowestBreakerStep = 1.0;

}  // namespace

std::vector<model::BreakerStep> ReadBreaker(Context& ctx, Obj& parent, std::string_view key) {
  std::vector<model::BreakerStep> steps;
  ForEach(ctx, parent, key, [&](const YamlNode& item, const std::string& path) {
    Obj o(ctx, item, path);
    if (!o.ok()) return;
    auto above = o.Qty("above", Dimension::kFraction, true, 0, 100);
    const bool below_rating = above && *above < kLowestBreakerStep;
    if (below_rating) {
      ctx.Error(o.Get("above"), o.Sub("above"),
                absl::StrCat("\"", std::string(o.Get("above").Scalar()),
                             "\" is below the node's rating: a breaker opens when the load exceeds "
                             "this share of the rating for the step's time, so below 100% it "
                             "would trip under a load the node is rated for; give 100% or more "
                             "(e.g. {above: 110%, for: 10 s})"));
    }
    auto hold = o.Dur("for", true, 0);
    o.Finish();
    if (above && hold && !below_rating) steps.push_back({*above, *hold});
  });
  const YamlNode list = parent.Get(key);
  if (list.IsSequence() && list.size() == 0) {
    ctx.Error(list, parent.Sub(key),
              "an empty breaker curve would turn off overload protection; omit the key for the "
              "default curve, or give steps such as [{above: 100%, for: 5 min}]");
  }
  // A breaker opens sooner the larger the overload: the hold must fall as `above` rises.
  std::vector<model::BreakerStep> sorted = steps;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.above_fraction < b.above_fraction; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    const auto& lo = sorted[i - 1];
    const auto& hi = sorted[i];
    if (hi.above_fraction == lo.above_fraction || hi.hold > lo.hold) {
      ctx.Error(list, parent.Sub(key),
                absl::StrCat("above ", hi.above_fraction * 100, "% the breaker holds ",
                             FormatDuration(hi.hold), ", ",
                             hi.above_fraction == lo.above_fraction ? "a second step at the same "
                                                                      "level"
                                                                    : "longer than",
                             " the ", FormatDuration(lo.hold), " above ", lo.above_fraction * 100,
                             "%; a larger overload must trip sooner (each step's hold shorter)"));
      break;
    }
  }
  return steps;
}

void ReadTreeNode(Context& ctx, const YamlNode& item, const std::string& path, int nested_parent,
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
  YamlNode children = o.Get("children");
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
void BuildTree(Context& ctx, const YamlNode& where, const std::string& path,
               const std::string& site_name, std::vector<PendingNode>& pending, model::Site* site) {
  long gpus = 0;
  for (const PendingNode& p : pending) gpus += p.node.gpus;
  if (gpus > kMaxSiteGpus) {
    ctx.Error(where, path,
              absl::StrCat("the power tree holds ", gpus, " GPUs; a site may have at most ",
                           kMaxSiteGpus, " (check count: and gpus: of the racks)"));
    return;
  }
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
  // A node rated above its parent: the parent's breaker would open before the child's rating
  // could ever be reached, so the child's rating means nothing (ratings of several children may
  // add up to more than the parent's: that is oversubscription, and allowed).
  for (size_t i = 0; i < pending.size(); ++i) {
    const int p = parent[i];
    if (p < 0) continue;
    const model::TreeNode& child = pending[i].node;
    const model::TreeNode& up = pending[static_cast<size_t>(p)].node;
    if (child.rating_w > up.rating_w) {
      ctx.Error(pending[i].yaml, pending[i].path + ".rating",
                absl::StrCat("a ", model::NodeKindName(child.kind), " rated ",
                             FormatPower(child.rating_w), " under a ", model::NodeKindName(up.kind),
                             " rated ", FormatPower(up.rating_w),
                             ": a node cannot carry more than its parent; lower it to at most ",
                             FormatPower(up.rating_w)));
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

}  // namespace headroom::config::internal

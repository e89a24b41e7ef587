// Reading a site's `contingencies:` (internal to config/; see sections.h).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/sections.h"

namespace headroom::config::internal {

void ReadContingencies(Context& ctx, Obj& so, model::Site* site) {
  using Kind = model::Contingency::Kind;
  const bool has_feed = !FeedNames(*site).empty();
  if (!so.Has("contingencies")) {
    if (so.Get("contingencies") && so.Get("contingencies").IsNull()) return;  // declared empty
    site->contingencies = model::DefaultContingencies(*site);
    return;
  }
  constexpr char kValid[] =
      "expected grid, largest_plant, largest_unit, largest_feed, {plant: NAME} or {feed: NAME}";
  const auto add = [&](const YamlNode& n, const std::string& p, model::Contingency c) {
    for (const model::Contingency& o : site->contingencies) {
      if (o.kind == c.kind && o.index == c.index)
        return ctx.Error(n, p, "listed twice; each contingency once");
    }
    site->contingencies.push_back(c);
  };
  ForEach(ctx, so, "contingencies", [&](const YamlNode& n, const std::string& p) {
    if (n.IsScalar()) {
      const std::string_view v = n.Scalar();
      if (v == "grid") {
        if (!site->grid.present)
          return ctx.Error(n, p, absl::StrCat("site ", site->name, " has no grid"));
        add(n, p, {Kind::kGrid, -1});
      } else if (v == "largest_plant") {
        if (site->plants.empty())
          return ctx.Error(n, p, absl::StrCat("site ", site->name, " has no gas plant"));
        add(n, p, {Kind::kPlant, -1});
      } else if (v == "largest_unit") {
        if (site->plants.empty())
          return ctx.Error(n, p, absl::StrCat("site ", site->name, " has no gas plant"));
        add(n, p, {Kind::kUnit, -1});
      } else if (v == "largest_feed") {
        if (!has_feed)
          return ctx.Error(n, p,
                           absl::StrCat("site ", site->name, " has no feed in its power tree"));
        add(n, p, {Kind::kFeed, -1});
      } else {
        ctx.Error(n, p, absl::StrCat("\"", std::string(v), "\" is not a contingency; ", kValid));
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
        if (site->plants[i].name == *name) return add(n, p, {Kind::kPlant, static_cast<int>(i)});
      }
      std::vector<std::string> names;
      for (const auto& pl : site->plants) names.push_back(pl.name);
      return ctx.Error(c.Get(key), c.Sub(key),
                       absl::StrCat("no plant named \"", *name, "\" at site ", site->name,
                                    "; plants: ", names.empty() ? "none" : Join(names)));
    }
    for (size_t i = 0; i < site->tree.size(); ++i) {
      if (site->tree[i].kind == model::NodeKind::kFeed && site->tree[i].name == *name) {
        return add(n, p, {Kind::kFeed, static_cast<int>(i)});
      }
    }
    const std::vector<std::string> names = FeedNames(*site);
    ctx.Error(c.Get(key), c.Sub(key),
              absl::StrCat("no feed named \"", *name, "\" in site ", site->name,
                           "; feeds: ", names.empty() ? "none" : Join(names)));
  });
}

}  // namespace headroom::config::internal

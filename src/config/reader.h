#pragma once
// The machinery the fleet loader's readers share (internal to config/): Context collects errors
// with their place and de-duplicates them; Obj reads one YAML mapping strictly (units, ranges,
// unknown keys with "did you mean"); and the look-ups of sites, GPU models and feeds by name.
// Not thread-safe; one Context per load (or per CSV row).

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
#include "absl/strings/str_split.h"
#include "base/csv.h"
#include "base/sha256.h"
#include "base/units.h"
#include "config/limits.h"
#include "config/yaml_document.h"
#include "model/fleet.h"

namespace headroom::config::internal {

using headroom::Dimension;

// Collects errors with their place in the file. The same message at the same place (a typo in
// an anchor that is reused, a bad value in an entry repeated with `count`) is reported once, with
// how many times it was met.
struct Context {
  std::string file;
  std::string base_dir;
  int max_errors = 20;
  bool allow_outside = false;  // LoadOptions::allow_files_outside_folder
  bool columns = false;        // field paths are CSV column names: say so in messages
  Duration horizon{0};  // the fleet's, set before any series is read (they check their steps)
  std::vector<std::string> errors;
  long unlisted = 0;  // distinct problems met once max_errors were listed
  long tree_nodes = 0;
  // Place + message (without the field path) -> (index in errors, times met).
  std::map<std::string, std::pair<size_t, long>> seen;
  // The files ReadCsv read: path as the fleet names it (normalised) -> SHA-256 of its bytes.
  std::map<std::string, std::string> files_read;

  void Error(const YamlNode& node, const std::string& path, const std::string& message) {
    Error(node.Mark(), path, message);
  }
  void Error(YamlMark m, const std::string& path, const std::string& message) {
    const std::string where =
        m.line >= 0 ? absl::StrCat(file, ":", m.line + 1, ":", m.column + 1) : file;
    auto [it, inserted] = seen.try_emplace(absl::StrCat(where, ": ", message), errors.size(), 1);
    if (!inserted) {
      ++it->second.second;
      return;
    }
    if (full()) {
      ++unlisted;
      return;
    }
    if (path.empty()) {
      errors.push_back(absl::StrCat(where, ": ", message));
    } else if (columns) {
      errors.push_back(absl::StrCat(where, ": column \"", path, "\": ", message));
    } else {
      errors.push_back(absl::StrCat(where, ": ", path, ": ", message));
    }
  }
  // A problem already placed and worded (a CSV row's, a check of the whole fleet).
  void Add(std::string message) {
    if (full()) {
      ++unlisted;
      return;
    }
    errors.push_back(std::move(message));
  }
  // Each line of `status` (a CSV reader's error: one problem a line, each naming its file and
  // line) as a problem at `node`.
  void ErrorLines(const YamlNode& node, const std::string& path, const absl::Status& status) {
    for (const absl::string_view line : absl::StrSplit(status.message(), '\n'))
      Error(node, path, std::string(line));
  }
  // The errors, each followed by how often it recurred when it did, then how many more there were
  // beyond max_errors (at least: a list stops being read once max_errors are listed).
  std::vector<std::string> Report() const {
    std::vector<std::string> out = errors;
    for (const auto& [key, where] : seen) {
      if (where.second > 1 && where.first < out.size()) {
        absl::StrAppend(&out[where.first], " (the same problem is met ", where.second - 1,
                        " more time", where.second > 2 ? "s" : "",
                        " through anchors or repeated entries; fix it once here)");
      }
    }
    if (unlisted > 0) {
      out.push_back(absl::StrCat(file, ": and at least ", unlisted, " more problem",
                                 unlisted == 1 ? "" : "s", " not listed (only the first ",
                                 max_errors, " are)"));
    }
    return out;
  }
  bool full() const { return static_cast<int>(errors.size()) >= max_errors; }
  // The file `p` named at `where` in the fleet, relative to base_dir; nullopt (reported) when it
  // is absolute or leaves base_dir and that is not allowed (see LoadOptions).
  std::optional<std::string> Resolve(const YamlNode& where, const std::string& path,
                                     const std::string& p) {
    const std::filesystem::path rel = std::filesystem::path(p).lexically_normal();
    const bool outside = rel.is_absolute() || (!rel.empty() && *rel.begin() == "..");
    if (outside && !allow_outside) {
      Error(where, path,
            absl::StrCat("\"", p,
                         "\" is outside the fleet file's folder; name a file inside it, relative "
                         "to it (absolute paths and .. that leave the folder are refused so that a "
                         "fleet file cannot make headroom read, and quote, files elsewhere)"));
      return std::nullopt;
    }
    if (rel.is_absolute()) return rel.string();
    return (std::filesystem::path(base_dir) / rel).lexically_normal().string();
  }
  // Reads and parses the CSV file `p` named at `where` (see Resolve) and records the SHA-256 of
  // its bytes in files_read; nullopt when it cannot (reported, every problem of the file).
  std::optional<CsvTable> ReadCsv(const YamlNode& where, const std::string& path,
                                  const std::string& p) {
    const std::optional<std::string> resolved = Resolve(where, path, p);
    if (!resolved) return std::nullopt;
    absl::StatusOr<std::string> text = ReadFile(*resolved);
    if (!text.ok()) {
      ErrorLines(where, path, text.status());
      return std::nullopt;
    }
    Sha256 sha;
    sha.Update(*text);
    files_read[std::filesystem::path(p).lexically_normal().string()] = sha.HexDigest();
    absl::StatusOr<CsvTable> table = CsvTable::Parse(*text, *resolved);
    if (!table.ok()) {
      ErrorLines(where, path, table.status());
      return std::nullopt;
    }
    return std::move(*table);
  }
};

inline std::string Join(const std::vector<std::string>& v) { return absl::StrJoin(v, ", "); }

// Years, for messages about the clock's range.
inline std::string Years(double seconds) {
  return absl::StrCat(std::round(seconds / (365 * 86400.0) * 10) / 10, " y");
}

// A duration bound for messages: whole years as "100 y", anything else as FormatDuration does.
inline std::string DurationBound(double seconds) {
  const double years = seconds / (365 * 86400.0);
  if (years >= 1 && years == std::round(years)) return Years(seconds);
  return FormatDuration(FromSeconds(seconds));
}

// Whether an instant computed from input (`what` ends `end_s` seconds after the start) lies within
// kLatestInputSeconds; reports it otherwise. Computed in double, so nothing overflows on the way.
inline bool CheckEnd(Context& ctx, const YamlNode& where, const std::string& path,
                     const std::string& what, double end_s) {
  if (std::isfinite(end_s) && end_s <= kLatestInputSeconds) return true;
  ctx.Error(
      where, path,
      absl::StrCat(what, " ends ", std::isfinite(end_s) ? Years(end_s) : "never",
                   " after the start; everything must end within ", Years(kLatestInputSeconds),
                   " (the simulation clock counts int64 nanoseconds, about 292 y)"));
  return false;
}

// Edit distance, for "did you mean".
inline size_t Distance(std::string_view a, std::string_view b) {
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

inline const char* TypeName(const YamlNode& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "empty";
  return "a scalar";
}

// A YAML mapping being read: every getter records the key as known, and Finish() reports the
// keys nobody asked for. Keys are string_views that must outlive the Obj (literals, in practice).
class Obj {
 public:
  Obj(Context& ctx, const YamlNode& node, std::string path)
      : ctx_(ctx), node_(node), path_(std::move(path)) {
    if (!node_.IsMap()) {
      ctx_.Error(node_, path_,
                 absl::StrCat("expected a mapping of keys to values, found ", TypeName(node_)));
      ok_ = false;
    }
  }
  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }
  const YamlNode& node() const { return node_; }
  std::string Sub(std::string_view key) const {
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", std::string(key));
  }

  bool Has(std::string_view key) {
    const YamlNode n = Get(key);
    return n && !n.IsNull();
  }
  YamlNode Get(std::string_view key) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
    if (!ok_) return YamlNode();
    return node_.Get(key);
  }

  std::optional<std::string> Str(std::string_view key, bool required) {
    YamlNode n = Get(key);
    if (!n || n.IsNull()) {
      if (required && ok_) ctx_.Error(node_, Sub(key), "missing; this field is required");
      return std::nullopt;
    }
    if (!n.IsScalar()) {
      ctx_.Error(n, Sub(key), absl::StrCat("expected a single value, found ", TypeName(n)));
      return std::nullopt;
    }
    return std::string(n.Scalar());
  }

  // A quantity in [lo, hi] (SI units of `d`).
  std::optional<double> Qty(std::string_view key, Dimension d, bool required, double lo = -1e300,
                            double hi = 1e300) {
    std::optional<std::string> s = Str(key, required);
    if (!s) return std::nullopt;
    return ParseQty(Get(key), Sub(key), *s, d, lo, hi);
  }
  std::optional<double> ParseQty(const YamlNode& n, const std::string& path, const std::string& s,
                                 Dimension d, double lo, double hi) {
    absl::StatusOr<double> v = ParseQuantity(s, d);
    if (!v.ok()) {
      ctx_.Error(n, path, std::string(v.status().message()));
      return std::nullopt;
    }
    const bool bare = s.find('%') == std::string::npos;
    // A bare number is a fraction of 1 (docs/fleet-format.md): a bare 10 was most likely meant as
    // 10%, even where more than 100% is allowed (a slowdown tolerance of 1000% is written so).
    const bool bare_above_one = d == Dimension::kFraction && bare && *v > 1;
    if (*v < lo || *v > hi || bare_above_one) {
      const std::string hint =
          d == Dimension::kFraction && bare && *v > 1 && *v <= 100
              ? absl::StrCat(" (a bare number is a fraction of 1: did you mean \"", s, "%\" or ",
                             *v / 100, "?)")
              : "";
      ctx_.Error(
          n, path,
          absl::StrCat("\"", s, "\" is out of range: ",
                       bare_above_one && *v <= hi ? "a bare number must lie in [0, 1]; " : "",
                       Range(d, lo, hi), hint));
      return std::nullopt;
    }
    return *v;
  }

  std::optional<Duration> Dur(std::string_view key, bool required, double lo_s = 0,
                              double hi_s = 9e9) {
    std::optional<std::string> s = Str(key, required);
    if (!s) return std::nullopt;
    absl::StatusOr<Duration> d = ParseDuration(*s);
    if (!d.ok()) {
      ctx_.Error(Get(key), Sub(key), std::string(d.status().message()));
      return std::nullopt;
    }
    // Compared in whole nanoseconds: in seconds, "1 min" is 60.00000000000001 and was refused
    // by a limit of 60 s.
    if (d->count() < FromSeconds(lo_s).count() || d->count() > FromSeconds(hi_s).count()) {
      ctx_.Error(Get(key), Sub(key),
                 absl::StrCat("\"", *s, "\" is out of range: ",
                              hi_s >= 9e9 ? absl::StrCat("must be at least ", DurationBound(lo_s))
                                          : absl::StrCat("must be between ", DurationBound(lo_s),
                                                         " and ", DurationBound(hi_s))));
      return std::nullopt;
    }
    return *d;
  }

  std::optional<long> Int(std::string_view key, bool required, long lo, long hi) {
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

  std::optional<bool> Bool(std::string_view key) {
    std::optional<std::string> s = Str(key, false);
    if (!s) return std::nullopt;
    if (*s == "true" || *s == "yes") return true;
    if (*s == "false" || *s == "no") return false;
    ctx_.Error(Get(key), Sub(key), absl::StrCat("expected true or false, got \"", *s, "\""));
    return std::nullopt;
  }

  // One of `allowed`, returned as its index.
  std::optional<int> Enum(std::string_view key, const std::vector<std::string>& allowed,
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
    for (size_t i = 0; i < node_.size(); ++i) {
      const YamlNode k = node_.Key(i);
      const std::string_view key = k.IsScalar() ? k.Scalar() : "?";
      if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
      std::vector<std::string> keys(known_.begin(), known_.end());
      std::sort(keys.begin(), keys.end());
      std::string hint;
      size_t best = 3;
      for (const std::string& known : keys) {
        const size_t d = Distance(key, known);
        if (d < best) {
          best = d;
          hint = absl::StrCat(" (did you mean \"", std::string(known), "\"?)");
        }
      }
      ctx_.Error(
          k, Sub(key),
          absl::StrCat("unknown key", hint, "; valid keys here: ", absl::StrJoin(keys, ", ")));
    }
  }

  // "must be between 1 W and 100 GW": the bounds (SI units of `d`) in units a person can type.
  static std::string Range(Dimension d, double lo, double hi) {
    if (hi >= 1e299) return absl::StrCat("must be at least ", FormatQuantity(lo, d));
    if (lo <= -1e299) return absl::StrCat("must be at most ", FormatQuantity(hi, d));
    return absl::StrCat("must be between ", FormatQuantity(lo, d), " and ", FormatQuantity(hi, d));
  }

 private:
  Context& ctx_;
  YamlNode node_;
  std::string path_;
  std::vector<std::string_view> known_;
  bool ok_ = true;
};

// Calls `fn(item, index_path)` for each element of the list at `key` (a single mapping counts as
// a list of one).
inline void ForEach(Context& ctx, Obj& parent, std::string_view key,
                    const std::function<void(const YamlNode&, const std::string&)>& fn) {
  YamlNode n = parent.Get(key);
  if (!n || n.IsNull()) return;
  if (!n.IsSequence()) {
    ctx.Error(n, parent.Sub(key), absl::StrCat("expected a list (- item), found ", TypeName(n)));
    return;
  }
  for (size_t i = 0; i < n.size() && !ctx.full(); ++i)
    fn(n[i], absl::StrCat(parent.Sub(key), "[", i, "]"));
}

// ------------------------------------------------------------------------------------------------
// Look-ups by name

inline int FindGpu(const std::vector<model::GpuModel>& gpus, const std::string& name) {
  for (size_t i = 0; i < gpus.size(); ++i) {
    if (gpus[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

inline std::string GpuNames(const std::vector<model::GpuModel>& gpus) {
  std::vector<std::string> names;
  names.reserve(gpus.size());
  for (const auto& g : gpus) names.push_back(g.name);
  return Join(names);
}

inline std::vector<std::string> FeedNames(const model::Site& site) {
  std::vector<std::string> names;
  for (const model::TreeNode& n : site.tree) {
    if (n.kind == model::NodeKind::kFeed) names.push_back(n.name);
  }
  return names;
}

// `contingencies: [grid, largest_plant, largest_feed, {plant: NAME}, {feed: NAME}]`; absent: the
inline int FindSite(Context& ctx, const model::Fleet& fleet, Obj& o, std::string_view key,
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

// The index of `name` in `names` (the declared names of `plural`: "teams", "data sets"), or -1
// after reporting at `node`: 'no team named "reserch" (did you mean "research"?); teams: research,
// prod', or, when none is declared, 'no team named "x"; the fleet declares no teams' followed by
// `none_hint` (where they would be declared).
inline int FindNamed(Context& ctx, const YamlNode& node, const std::string& path,
                     const std::string& name, const std::string& singular,
                     const std::string& plural, const std::vector<std::string>& names,
                     const std::string& none_hint) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  if (names.empty()) {
    ctx.Error(node, path,
              absl::StrCat("no ", singular, " named \"", name, "\"; the fleet declares no ", plural,
                           none_hint));
    return -1;
  }
  std::string hint;
  size_t best = 3;
  for (const std::string& known : names) {
    if (const size_t d = Distance(name, known); d < best) {
      best = d;
      hint = absl::StrCat(" (did you mean \"", known, "\"?)");
    }
  }
  ctx.Error(node, path,
            absl::StrCat("no ", singular, " named \"", name, "\"", hint, "; ", plural, ": ",
                         Join(names)));
  return -1;
}

template <typename T>
std::vector<std::string> NamesOf(const std::vector<T>& items) {
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const T& item : items) names.push_back(item.name);
  return names;
}

inline const std::vector<std::string> kPriorities = {"critical", "high", "normal", "preemptible"};

}  // namespace headroom::config::internal

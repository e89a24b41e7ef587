#include "sim/event_log.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace headroom::sim {
namespace {

// Kinds whose value's unit the detail does not start with.
struct KindUnit {
  std::string_view kind;
  std::string_view unit;
};
constexpr std::array<KindUnit, 17> kKindUnits = {{
    {"action:set_cap", "W/GPU"},  // the power cap per GPU
    {"action:brake", ""},         // 1 = brake asserted, 0 = released
    {"action:set_import_ceiling", "MW"},
    {"action:set_import_floor", "MW"},
    {"action:set_battery_discharge", "MW"},
    {"action:note", "MW"},
    {"action:power_off_rack", "MW"},  // facility power the rack drew
    {"action:power_on_rack", "MW"},   // facility power it draws booting
    {"rack_booted", "MW"},   // reserve shortfalls, ramp-smoothing offsets, fast-shed shortfalls
    {"breaker_trip", "MW"},  // the node's load when it opened
    {"load_shed_trip", "MW"},
    {"feed_fault", "MW"},
    {"reclose", "MW"},  // idle load picked up
    {"reclose_deferred", "MW"},
    {"voltage_sag_start", "p.u."},  // remaining voltage as a fraction of nominal
    {"voltage_sag_end", "p.u."},
    {"overvoltage_start", "p.u."},  // the voltage over nominal (its detail starts "115%")
}};

// Units the engine writes at the head of a detail, longest first so that "ms" wins over "m".
constexpr std::array<std::string_view, 12> kLeadingUnits = {
    "GPU-h", "GPUs", "MW/s", "MWh", "min", "GB", "MW", "Hz", "ms", "%", "s", "h"};

}  // namespace

std::string_view EventLevelName(EventLevel level) {
  switch (level) {
    case EventLevel::kNone:
      return "none";
    case EventLevel::kSummary:
      return "summary";
    case EventLevel::kAll:
      return "all";
  }
  return "?";
}

std::optional<EventLevel> ParseEventLevel(std::string_view name) {
  for (EventLevel l : {EventLevel::kNone, EventLevel::kSummary, EventLevel::kAll}) {
    if (EventLevelName(l) == name) return l;
  }
  return std::nullopt;
}

std::string_view UnitOfKind(std::string_view kind) {
  for (const KindUnit& k : kKindUnits) {
    if (k.kind == kind) return k.unit;
  }
  return "";
}

std::pair<std::string_view, std::string_view> SplitUnit(std::string_view detail) {
  // "C above normal": degrees Celsius, spelt "C" by the engine.
  std::array<std::string_view, kLeadingUnits.size() + 1> units{};
  std::copy(kLeadingUnits.begin(), kLeadingUnits.end(), units.begin());
  units.back() = "C";
  for (std::string_view u : units) {
    if (detail.substr(0, u.size()) != u) continue;
    std::string_view rest = detail.substr(u.size());
    if (!rest.empty() && rest[0] != ' ' && rest[0] != ';') continue;
    while (!rest.empty() && (rest[0] == ' ' || rest[0] == ';')) rest.remove_prefix(1);
    return {u == "C" ? std::string_view("degC") : u, rest};
  }
  return {"", detail};
}

std::string DetailTemplate(std::string_view detail) {
  std::string out;
  out.reserve(detail.size());
  for (size_t i = 0; i < detail.size();) {
    if (detail[i] >= '0' && detail[i] <= '9') {
      while (i < detail.size() && ((detail[i] >= '0' && detail[i] <= '9') || detail[i] == '.')) ++i;
      out += '#';
    } else {
      out += detail[i++];
    }
  }
  return out;
}

void EventLog::Record(Time t, int site, std::string kind, std::string subject, double value,
                      std::string detail) {
  if (options_.level == EventLevel::kNone) return;
  const std::uint64_t seq = records_++;
  std::string unit;
  if (const auto it = std::find_if(kKindUnits.begin(), kKindUnits.end(),
                                   [&](const KindUnit& k) { return k.kind == kind; });
      it != kKindUnits.end()) {
    unit = it->unit;
  } else {
    const auto [u, rest] = SplitUnit(detail);
    unit = u;
    detail = std::string(rest);
  }
  if (options_.level == EventLevel::kAll) {
    EventRecord row{
        t, site, std::move(kind), std::move(subject), value, std::move(detail), std::move(unit)};
    row.end = t;
    row.value_sum = value;
    rows_.push_back(std::move(row));
    return;
  }
  Key key{site, kind, DetailTemplate(detail)};
  auto it = open_.find(key);
  if (it != open_.end() && t - it->second.row.end > options_.episode_gap) {
    Close(it->second);
    open_.erase(it);
    it = open_.end();
  }
  if (it == open_.end()) {
    Open o;
    o.first_seq = seq;
    o.row =
        EventRecord{t, site, std::move(kind), subject, value, std::move(detail), std::move(unit)};
    o.row.end = t;
    o.row.value_sum = value;
    o.subjects.insert(std::move(subject));
    open_.emplace(std::move(key), std::move(o));
    return;
  }
  Open& o = it->second;
  EventRecord& row = o.row;
  row.end = t;
  ++row.count;
  row.value_sum += value;
  if (std::fabs(value) > std::fabs(row.value)) {
    row.value = value;
    row.detail = std::move(detail);
  }
  if (o.subjects.insert(subject).second && o.subjects.size() > 1) row.subject.clear();
}

void EventLog::Close(Open& open) {
  open.row.subjects = static_cast<int>(open.subjects.size());
  rows_.push_back(std::move(open.row));
  row_seq_.push_back(open.first_seq);
}

EventRows EventLog::Finish() {
  if (options_.level != EventLevel::kSummary) {  // already in order
    EventRows out = std::move(rows_);
    rows_.clear();
    return out;
  }
  for (auto& [key, open] : open_) Close(open);
  open_.clear();
  std::vector<size_t> order(rows_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return rows_[a].time != rows_[b].time ? rows_[a].time < rows_[b].time
                                          : row_seq_[a] < row_seq_[b];
  });
  EventRows out;
  for (size_t i : order) out.push_back(std::move(rows_[i]));
  rows_.clear();
  row_seq_.clear();
  return out;
}

}  // namespace headroom::sim

#pragma once
// sim::EventLog: the event log of one run, at a chosen level of detail, kept small at record time.
//
// The engine records every event (a grid event, a trip, a controller action, a note) with its time,
// site, kind, subject, value and a detail text. At EventLevel::kAll each record is one row. At
// EventLevel::kSummary records are collapsed into episodes as they arrive, so that a year of a
// large fleet holds (and writes) thousands of rows instead of millions:
//
//   An EPISODE is a maximal run of records with the same site, kind and detail template (the
//   detail text with every number replaced by '#', e.g. "restore: headroom held for # s") in
//   which each record follows the previous one of the run by at most `episode_gap`. The subject
//   (job, node, unit) is not part of the key: caps written to 300 jobs in one re-allocation are
//   one episode with `subjects` = 300.
//
// An episode becomes one EventRecord: `time` and `end` (first and last record), `count`,
// `subjects` (distinct), `subject` (the common one, or "" when several), `value` (the largest in
// magnitude, first on ties), its record's `detail`, and `value_sum`. EventLevel::kNone keeps
// nothing.
//
// Units: the engine writes a value's unit at the head of its detail ("MW lost; from ...",
// "s after the request", "GPU-h lost; ..."); the log moves it into EventRecord::unit. For kinds
// whose detail does not start with the unit, a table by kind gives it (see UnitOfKind).
//
// Depends on the standard library and Abseil only. Not thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/time.h"
#include "sim/result.h"

namespace headroom::sim {

enum class EventLevel {
  kNone,     // no event log
  kSummary,  // episodes (see above)
  kAll,      // every record
};

// "none", "summary", "all".
std::string_view EventLevelName(EventLevel level);
// The level named `name`, or nullopt.
std::optional<EventLevel> ParseEventLevel(std::string_view name);

// The default gap that ends an episode: one hour. A year of examples/ohio-1gw.yaml under the four
// strategies goes from 515,000 rows to about 30,000 with it (10 min: 173,000; 6 h: 4,400).
inline constexpr Duration kDefaultEpisodeGap = std::chrono::hours(1);

struct EventLogOptions {
  EventLevel level = EventLevel::kAll;
  // Records of one key further apart than this start a new episode. Used at kSummary only.
  Duration episode_gap = kDefaultEpisodeGap;
};

// The unit of the value of events of `kind` whose detail does not name it ("action:set_cap": "W"
// per GPU), or "" when there is none or the detail names it.
std::string_view UnitOfKind(std::string_view kind);

// Splits a leading unit off `detail`: "MW lost; from x" -> {"MW", "lost; from x"};
// "Hz; from x" -> {"Hz", "from x"}; "% state of charge" -> {"%", "state of charge"}. Returns
// {"", detail} when `detail` does not start with a known unit followed by a space, ';' or its end.
std::pair<std::string_view, std::string_view> SplitUnit(std::string_view detail);

// The detail's template: every number (a run of digits, with any '.' inside) replaced by '#'.
std::string DetailTemplate(std::string_view detail);

class EventLog {
 public:
  explicit EventLog(EventLogOptions options = {}) : options_(options) {}

  // Records one event at time `t` (never earlier than the previous record's). Cheap when the
  // level is kNone.
  void Record(Time t, int site, std::string kind, std::string subject, double value,
              std::string detail);

  // Closes open episodes and returns every row, ordered by (time, order of the first record).
  // The log is empty afterwards.
  EventRows Finish();

  // Records seen so far, and rows held (closed rows plus open episodes).
  std::uint64_t records() const { return records_; }
  size_t rows_held() const { return rows_.size() + open_.size(); }

 private:
  struct Open {
    EventRecord row;
    std::uint64_t first_seq = 0;
    absl::flat_hash_set<std::string> subjects;
  };
  using Key = std::tuple<int, std::string, std::string>;  // site, kind, detail template

  void Close(Open& open);

  EventLogOptions options_;
  std::uint64_t records_ = 0;
  EventRows rows_;                      // closed rows
  std::vector<std::uint64_t> row_seq_;  // at kSummary: the first record's sequence number of each
  std::map<Key, Open> open_;
};

}  // namespace headroom::sim

// A site's `location:` and its local clocks. The one place that reads the tz database
// (/usr/share/zoneinfo, Debian package tzdata, through Abseil's time zones): it turns the zone into
// a model::LocalClock, a list of UTC offset changes over the longest horizon a run may have, so
// that the core reads no files. The offsets are fingerprinted among the fleet's referenced files
// as `tz:NAME`.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/sha256.h"
#include "config/limits.h"
#include "config/sections.h"

namespace headroom::config::internal {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kSecondsPerYear = 365 * kSecondsPerDay;

std::string FormatOffset(Duration offset) {
  const std::int64_t s = std::chrono::duration_cast<std::chrono::seconds>(offset).count();
  const std::int64_t a = s < 0 ? -s : s;
  std::string text = absl::StrFormat("UTC%c%02d:%02d", s < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  if (a % 60 != 0) absl::StrAppendFormat(&text, ":%02d", a % 60);
  return text;
}

// An IANA name as the tz database spells them ("America/New_York", "Etc/GMT+5", "UTC"): no path
// tricks, nothing outside the zone folder. "localtime" (the machine's own zone), "posixrules" and
// the "right/" zones (which count leap seconds, unlike our clock) are refused: a fleet's results
// must not depend on the machine's settings.
bool IsZoneName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  if (name == "localtime" || name == "posixrules" || name.substr(0, 6) == "right/") return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
}

Duration Seconds(std::int64_t s) { return std::chrono::seconds(s); }

// The clock of zone `tz` for a fleet whose time zero is `start_unix_s`: every offset change in
// the longest horizon a run may have (the file's or a longer `--horizon`).
model::LocalClock ClockOf(const absl::TimeZone& tz, std::int64_t start_unix_s) {
  model::LocalClock c;
  c.utc_time_of_day_at_zero =
      Seconds(((start_unix_s % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay);
  const absl::Time start = absl::FromUnixSeconds(start_unix_s);
  const absl::Time end = start + absl::Seconds(kLongestHorizonSeconds);
  c.civil_offsets = {Seconds(tz.At(start).offset)};
  c.standard_offset = c.civil_offsets.front();
  absl::TimeZone::CivilTransition tr;
  absl::Time t = start;
  while (tz.NextTransition(t, &tr)) {
    // `from` is the civil time the change happens at, read in the offset before it.
    const std::int64_t before_s = c.civil_offsets.back().count() / 1'000'000'000;
    const absl::Time at = absl::FromCivil(tr.from, absl::FixedTimeZone(static_cast<int>(before_s)));
    if (at <= t || at >= end) break;
    t = at;
    const Duration after = Seconds(tz.At(at).offset);
    if (after == c.civil_offsets.back()) continue;  // only the abbreviation changed
    const std::int64_t since_start = absl::ToUnixSeconds(at) - start_unix_s;
    c.change_times.push_back(Time{Seconds(since_start)});
    c.civil_offsets.push_back(after);
    if (since_start < kSecondsPerYear) c.standard_offset = std::min(c.standard_offset, after);
  }
  return c;
}

}  // namespace

void ReadLocation(Context& ctx, Obj& so, std::int64_t start_unix_s, model::Site* site) {
  const Duration time_of_day =
      Seconds(((start_unix_s % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay);
  site->clock = model::LocalClock::Fixed(Duration{0}, time_of_day);
  if (!so.Has("location")) return;
  Obj l(ctx, so.Get("location"), so.Sub("location"));
  if (!l.ok()) return;
  if (auto v = l.Qty("latitude", Dimension::kAngle, false, -90, 90)) site->latitude_deg = *v;
  if (auto v = l.Qty("longitude", Dimension::kAngle, false, -180, 180)) site->longitude_deg = *v;
  const std::optional<std::string> zone = l.Str("timezone", false);
  const std::optional<Duration> offset = l.Dur("utc_offset", false, -14 * 3600.0, 14 * 3600.0);
  l.Finish();
  if (offset) site->clock = model::LocalClock::Fixed(*offset, time_of_day);
  if (!zone) return;
  absl::TimeZone tz;
  if (!IsZoneName(*zone) || !absl::LoadTimeZone(*zone, &tz)) {
    ctx.Error(l.Get("timezone"), l.Sub("timezone"),
              absl::StrCat("unknown time zone \"", *zone,
                           "\": give an IANA name such as America/New_York or Asia/Kolkata (the "
                           "files under /usr/share/zoneinfo, Debian package tzdata), or a fixed "
                           "offset with utc_offset"));
    return;
  }
  const model::LocalClock clock = ClockOf(tz, start_unix_s);
  if (offset && *offset != clock.standard_offset) {
    ctx.Error(l.Get("utc_offset"), l.Sub("utc_offset"),
              absl::StrCat("utc_offset ", FormatOffset(*offset), " disagrees with ", *zone,
                           ", whose standard offset in the year from the fleet's start is ",
                           FormatOffset(clock.standard_offset),
                           ": give the zone alone (its daylight saving applies), the offset alone "
                           "(fixed, no daylight saving), or both in agreement"));
    return;
  }
  site->timezone = *zone;
  site->clock = clock;
  // The zone's rules shape the results as a referenced file does: fingerprint what the tz
  // database gave (every offset change over the longest horizon), so that a tzdata update that
  // changes them changes the run's inputs_sha256, and one that does not leaves it alone.
  Sha256 sha;
  sha.Update(absl::StrCat("standard ", clock.standard_offset.count(), "; civil ",
                          clock.civil_offsets.front().count()));
  for (size_t i = 0; i < clock.change_times.size(); ++i) {
    sha.Update(absl::StrCat("; ", clock.change_times[i].time_since_epoch().count(), " ",
                            clock.civil_offsets[i + 1].count()));
  }
  ctx.files_read["tz:" + *zone] = sha.HexDigest();
}

Duration SinceUtcYearStart(std::int64_t unix_s) {
  const absl::Time t = absl::FromUnixSeconds(unix_s);
  const absl::CivilYear year = absl::ToCivilYear(t, absl::UTCTimeZone());
  return Seconds(unix_s - absl::ToUnixSeconds(absl::FromCivil(year, absl::UTCTimeZone())));
}

}  // namespace headroom::config::internal

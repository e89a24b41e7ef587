// ScriptedEvents: the grid's frequency trajectory (excursions and ramps) and the relays that act
// on it and on the voltage: the site's frequency relay, its overvoltage ride-through, and the
// loss-of-mains relays (RoCoF, vector shift) of its on-site generation.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/units.h"
#include "sim/scripted.h"

namespace headroom::sim {

using model::EventSpec;

void ScriptedEvents::OnFrequencyRamp(int s, int index, const EventSpec& ev, bool start,
                                     const std::string& name) {
  SiteRt& site = world_.Site(s);
  if (start) {
    // From wherever the ramps left the frequency now (a ramp still moving is superseded).
    const double from = RampFrequencyAt(site, world_.now);
    site.ramp_from_hz = from;
    site.ramp_to_hz = ev.magnitude;
    site.ramp_start = world_.now;
    site.ramp_end = world_.now + ev.duration;
    site.ramp_event = index;
    site.grid_window.ExemptUntil(site.ramp_end + kRampExemptAfterRequest);  // droop response
    world_.Log(
        s, name, site.spec->name, ev.magnitude,
        absl::StrFormat("Hz in %s from %.3f Hz (%+.3f Hz/s); from %s", FormatDuration(ev.duration),
                        from, RocofAt(site, world_.now), ev.origin));
  } else {
    if (site.ramp_event != index) return;  // superseded by a later ramp
    world_.Log(s, name, site.spec->name, ev.magnitude,
               absl::StrCat("Hz reached; from ", ev.origin));
  }
  site.frequency_hz = FrequencyAt(site, world_.now);
  WatchFrequency(s);
  WatchRocof(s);
}

void ScriptedEvents::WatchFrequency(int s) {
  SiteRt& site = world_.Site(s);
  const model::Grid& grid = site.spec->grid;
  if (!grid.present) return;
  world_.queue.Cancel(site.frequency_timer);
  const double rate = RocofAt(site, world_.now);
  // When the present ramp crosses `limit_hz`, rounded up to the nanosecond (and one more) so
  // that the frequency is past it then; kTimeNever if it does not.
  auto crossing = [&](double limit_hz) {
    const double from = RampFrequencyAt(site, world_.now);
    if (rate == 0 || (limit_hz - from) * rate <= 0 || (limit_hz - site.ramp_to_hz) * rate >= 0) {
      return kTimeNever;
    }
    const double after_s = (limit_hz - site.ramp_from_hz) / rate;
    return std::max(
        world_.now,
        site.ramp_start + Duration{static_cast<std::int64_t>(std::ceil(after_s * 1e9)) + 1});
  };
  // When the frequency is (or will be, on the present ramp) outside the band.
  Time out_at = kTimeNever;
  const bool outside = FrequencyOutsideBand(site, world_.now);
  if (outside) {
    out_at = world_.now;
  } else {
    out_at = crossing(rate < 0 ? grid.trip_below_hz : grid.trip_above_hz);
  }
  if (out_at == kTimeNever) {
    if (site.frequency_relay_open) {
      // Back inside the band: the relay resets and the site reconnects after the usual delay.
      site.frequency_relay_open = false;
      world_.Log(s, "frequency_relay_reset", site.spec->name, site.frequency_hz,
                 "Hz; back inside the protection band");
      DisconnectUntil(s, world_.now + grid.reconnect_delay, "");
    }
    return;
  }
  if (site.frequency_relay_open) {
    // Open: look again where the present ramp brings the frequency back inside.
    const Time in_at = crossing(rate > 0 ? grid.trip_below_hz : grid.trip_above_hz);
    if (outside && in_at != kTimeNever)
      site.frequency_timer = world_.Push(in_at, Ev::kFrequencyCheck, s, 0);
    return;
  }
  const Time at = out_at + grid.frequency_trip_delay;
  if (at <= world_.now) {
    OpenFrequencyRelay(s);
  } else {
    site.frequency_timer = world_.Push(at, Ev::kFrequencyCheck, s, 0);
  }
}

void ScriptedEvents::OnFrequencyCheck(const QueuedEvent& e) {
  SiteRt& site = world_.Site(e.site);
  site.frequency_hz = FrequencyAt(site, world_.now);
  if (!site.frequency_relay_open && FrequencyOutsideBand(site, world_.now)) {
    OpenFrequencyRelay(e.site);
  } else {
    WatchFrequency(e.site);
  }
}

void ScriptedEvents::OpenFrequencyRelay(int s) {
  SiteRt& site = world_.Site(s);
  site.frequency_relay_open = true;
  site.notify = true;
  world_.Log(s, "frequency_relay_trip", site.spec->name, FrequencyAt(site, world_.now),
             absl::StrFormat("Hz; outside %.3f-%.3f Hz for %s", site.spec->grid.trip_below_hz,
                             site.spec->grid.trip_above_hz,
                             FormatDuration(site.spec->grid.frequency_trip_delay)));
  UpdateGrid(s, "frequency protection");
}

void ScriptedEvents::WatchRocof(int s) {
  SiteRt& site = world_.Site(s);
  const double rate = std::fabs(RocofAt(site, world_.now));
  for (size_t p = 0; p < site.spec->plants.size() && p < site.rocof_since.size(); ++p) {
    const model::LossOfMains& lom = site.spec->plants[p].loss_of_mains;
    if (lom.rocof_hz_per_s > 0 && site.grid_connected && rate > lom.rocof_hz_per_s) {
      if (site.rocof_since[p] == kTimeNever) {
        site.rocof_since[p] = world_.now;
        world_.Push(world_.now + lom.rocof_delay, Ev::kRocofCheck, s, static_cast<int>(p));
      }
    } else {
      site.rocof_since[p] = kTimeNever;
    }
  }
}

void ScriptedEvents::OnRocofCheck(const QueuedEvent& e) {
  SiteRt& site = world_.Site(e.site);
  const auto p = static_cast<size_t>(e.a);
  const model::LossOfMains& lom = site.spec->plants[p].loss_of_mains;
  // A check left from an earlier spell above the setting comes too early for the present one.
  if (site.rocof_since[p] == kTimeNever || world_.now - site.rocof_since[p] < lom.rocof_delay)
    return;
  const double rate = RocofAt(site, world_.now);
  if (!site.grid_connected || std::fabs(rate) <= lom.rocof_hz_per_s) return;
  site.rocof_since[p] = kTimeNever;
  site.notify = true;
  TripUnits(e.site, e.a, -1, /*running_only=*/true, lom.reset,
            absl::StrFormat("MW lost; RoCoF relay: %.3f Hz/s above its %.3f Hz/s setting for %s; "
                            "may restart in %s",
                            std::fabs(rate), lom.rocof_hz_per_s, FormatDuration(lom.rocof_delay),
                            FormatDuration(lom.reset)));
}

void ScriptedEvents::OnPhaseJump(int s, const EventSpec& ev) {
  SiteRt& site = world_.Site(s);
  if (!site.grid_connected) return;
  for (size_t p = 0; p < site.spec->plants.size(); ++p) {
    const model::LossOfMains& lom = site.spec->plants[p].loss_of_mains;
    if (lom.vector_shift_deg <= 0 || ev.phase_jump_deg <= lom.vector_shift_deg) continue;
    TripUnits(s, static_cast<int>(p), -1, /*running_only=*/true, lom.reset,
              absl::StrFormat("MW lost; vector-shift relay: a %.1f deg phase jump above its "
                              "%.1f deg setting; may restart in %s; from %s",
                              ev.phase_jump_deg, lom.vector_shift_deg, FormatDuration(lom.reset),
                              ev.origin));
  }
}

void ScriptedEvents::OnOvervoltage(int s, const EventSpec& ev, const std::string& name) {
  const model::Grid& grid = world_.Site(s).spec->grid;
  OnVoltageEvent(s, ev, name, grid.RidesOvervoltage(ev.magnitude, ev.duration), "overvoltage");
}

}  // namespace headroom::sim

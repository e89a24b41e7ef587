#include "sim/scripted.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/units.h"
#include "sim/plant.h"
#include "sim/tolerances.h"

namespace headroom::sim {

using model::EventKind;
using model::EventSpec;

void ScriptedEvents::OnExternal(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt& site = world_.Site(s);
  const EventSpec& ev = world_.fleet.events[static_cast<size_t>(e.a)];
  const bool start = e.type == Ev::kExternalStart;
  const std::string name = absl::StrCat(model::EventKindName(ev.kind), start ? "_start" : "_end");
  site.notify = true;
  if (start && ev.phase_jump_deg > 0) OnPhaseJump(s, ev);
  switch (ev.kind) {
    case EventKind::kGridOutage:
      return OnGridOutage(s, ev, start, name);
    case EventKind::kVoltageSag:
      if (start) OnVoltageSag(s, ev, name);
      return;
    case EventKind::kFrequencyExcursion:
      return OnFrequencyExcursion(s, e.a, ev, start, name);
    case EventKind::kImportLimit:
      return OnImportLimit(s, e.a, ev, start, name);
    case EventKind::kTurbineTrip:
      if (start) OnTurbineTrip(s, ev);
      return;
    case EventKind::kFeedTrip:
      if (start) {
        protection_.Trip(s, ev.node, "feed_fault",
                         absl::StrCat("a fault opens the feed breaker; repaired in ",
                                      FormatDuration(ev.duration), "; from ", ev.origin),
                         /*fault=*/true, ev.duration);
      }
      return;
    case EventKind::kFuelCurtailment:
      return OnFuelCurtailment(s, e.a, ev, start, name);
    case EventKind::kFrequencyRamp:
      return OnFrequencyRamp(s, e.a, ev, start, name);
    case EventKind::kOvervoltage:
      if (start) OnOvervoltage(s, ev, name);
      return;
    case EventKind::kHeat:
      site.heat_offset_c += start ? ev.magnitude : -ev.magnitude;
      world_.Log(s, name, site.spec->name, ev.magnitude,
                 absl::StrCat("C above normal; from ", ev.origin));
      UpdateAmbient(site, world_.now);
      return;
  }
}

void ScriptedEvents::OnAnnounce(const QueuedEvent& e) {
  SiteRt& site = world_.Site(e.site);
  const EventSpec& ev = world_.fleet.events[static_cast<size_t>(e.a)];
  // By start (then index): the events' order in the file need not be.
  const auto by_start = [&](int a, int b) {
    const Time sa = world_.fleet.events[static_cast<size_t>(a)].start;
    const Time sb = world_.fleet.events[static_cast<size_t>(b)].start;
    return sa != sb ? sa < sb : a < b;
  };
  site.announced.insert(
      std::upper_bound(site.announced.begin(), site.announced.end(), e.a, by_start), e.a);
  world_.Log(
      e.site, "announcement", model::EventKindName(ev.kind), ToHours(ev.start - world_.now),
      absl::StrCat("h ahead: starts ", FormatDuration(ev.start.time_since_epoch()),
                   " into the run, lasts ", FormatDuration(ev.duration), "; from ", ev.origin));
  site.notify = true;
}

void ScriptedEvents::OnGridReconnect(const QueuedEvent& e) {
  UpdateGrid(e.site, "reconnected after the disturbance");
}

void ScriptedEvents::DisconnectUntil(int s, Time until, const std::string& why) {
  SiteRt& site = world_.Site(s);
  site.disconnected_until = std::max(site.disconnected_until, until);
  if (!why.empty()) UpdateGrid(s, why);
  world_.Push(site.disconnected_until, Ev::kGridReconnect, s, 0);
}

void ScriptedEvents::OnGridOutage(int s, const EventSpec& ev, bool start, const std::string& name) {
  SiteRt& site = world_.Site(s);
  site.outages += start ? 1 : -1;
  if (start) {
    world_.Log(s, name, site.spec->name, ToSeconds(ev.duration),
               absl::StrCat("s; from ", ev.origin));
    UpdateGrid(s, "grid outage");
  } else {
    world_.Log(s, name, site.spec->name, 0, ev.origin);
    DisconnectUntil(s, world_.now + site.spec->grid.reconnect_delay, "");
  }
}

void ScriptedEvents::OnVoltageSag(int s, const EventSpec& ev, const std::string& name) {
  const model::Grid& grid = world_.Site(s).spec->grid;
  const bool rides = ev.magnitude >= grid.sag_min_voltage && ev.duration <= grid.sag_max_duration;
  OnVoltageEvent(s, ev, name, rides, "voltage sag");
}

void ScriptedEvents::OnVoltageEvent(int s, const EventSpec& ev, const std::string& name, bool rides,
                                    const char* why) {
  SiteRt& site = world_.Site(s);
  const model::Grid& grid = site.spec->grid;
  world_.Log(s, name, site.spec->name, ev.magnitude,
             absl::StrFormat("%.0f%% voltage for %s; %s; from %s", ev.magnitude * 100,
                             FormatDuration(ev.duration),
                             rides ? "inside ride-through" : "protection disconnects the site",
                             ev.origin));
  if (!rides && grid.present) {
    DisconnectUntil(s, world_.now + ev.duration + grid.reconnect_delay, why);
  }
}

void ScriptedEvents::OnFrequencyExcursion(int s, int index, const EventSpec& ev, bool start,
                                          const std::string& name) {
  SiteRt& site = world_.Site(s);
  const model::Grid& grid = site.spec->grid;
  // An excursion inside another ends back at the outer one's frequency, not at its own.
  auto& open = site.frequency_excursions;
  if (start) {
    open.emplace_back(index, ev.magnitude);
  } else {
    std::erase_if(open, [&](const auto& x) { return x.first == index; });
  }
  site.frequency_hz = FrequencyAt(site, world_.now);
  if (start) site.grid_window.ExemptUntil(world_.now + kRampExemptAfterRequest);  // droop response
  const bool trips = ev.magnitude < grid.trip_below_hz || ev.magnitude > grid.trip_above_hz;
  world_.Log(s, name, site.spec->name, ev.magnitude,
             absl::StrCat(
                 "Hz", start && trips ? "; outside the protection band, the site disconnects" : "",
                 "; from ", ev.origin));
  // The relay acts once the frequency has been outside the band for its delay; the site stays
  // off until the frequency is back inside (then the reconnect delay).
  WatchFrequency(s);
  WatchRocof(s);
}

void ScriptedEvents::OnImportLimit(int s, int index, const EventSpec& ev, bool start,
                                   const std::string& name) {
  SiteRt& site = world_.Site(s);
  auto& limits = ev.hard ? site.import_limits : site.dr_limits;
  if (start) {
    limits.emplace_back(index, ev.magnitude);
    site.grid_window.ExemptUntil(world_.now + kRampExemptAfterRequest);
    if (!ev.hard) {
      ++site.result.dr_windows;
      site.dr_since = world_.now;
      site.dr_reached = false;
    }
  } else {
    if (!ev.hard && !site.dr_reached) {
      site.result.dr_worst_response_s =
          std::max(site.result.dr_worst_response_s, ToSeconds(world_.now - site.dr_since));
    }
    std::erase_if(limits, [&](const auto& p) { return p.first == index; });
  }
  world_.Log(s, name, site.spec->name, ev.magnitude / 1e6,
             absl::StrCat(ev.hard ? "MW hard import limit" : "MW demand-response request",
                          "; from ", ev.origin));
}

void ScriptedEvents::OnFuelCurtailment(int s, int index, const EventSpec& ev, bool start,
                                       const std::string& name) {
  SiteRt& site = world_.Site(s);
  const auto p = static_cast<size_t>(ev.plant);
  auto& open = site.fuel_curtailments[p];
  if (start) {
    open.emplace_back(index, ev.magnitude);
  } else {
    std::erase_if(open, [&](const auto& x) { return x.first == index; });
  }
  double fraction = 1.0;
  for (const auto& [i, f] : open) fraction = std::min(fraction, f);
  site.plant_fuel_fraction[p] = fraction;
  // Cut: the units drop to what the fuel allows at once. Restored: they ramp back up at their
  // own pace (no jump: the step timer climbs toward the setpoint again).
  for (size_t i = 0; i < site.units.size(); ++i) {
    UnitRt& u = site.units[i];
    if (static_cast<size_t>(u.plant) != p || u.state != UnitState::kOnline) continue;
    u.available_w = std::min(u.available_w, UnitRatingW(site, u));
    if (u.available_w < u.target_w - kEpsW && !world_.queue.Pending(u.step_timer))
      u.step_timer = world_.Push(world_.now, Ev::kUnitStep, s, static_cast<int>(i));
  }
  world_.Log(s, name, site.spec->plants[p].name, 100 * fraction,
             absl::StrCat("% of full fuel allowed now; from ", ev.origin));
  site.notify = true;
}

void ScriptedEvents::OnTurbineTrip(int s, const EventSpec& ev) {
  TripUnits(s, ev.plant, ev.unit, /*running_only=*/false, ev.duration,
            absl::StrCat("MW lost; from ", ev.origin));
}

void ScriptedEvents::TripUnits(int s, int plant, int unit, bool running_only, Duration repair,
                               const std::string& why) {
  SiteRt& site = world_.Site(s);
  for (UnitRt& u : site.units) {
    if (u.plant != plant || (unit >= 0 && u.unit != unit)) continue;
    if (u.state == UnitState::kTripped) continue;
    if (running_only && u.state != UnitState::kOnline && u.state != UnitState::kStarting) continue;
    world_.Log(s, "unit_trip", UnitName(site, u), u.output_w / 1e6, why);
    u.state = UnitState::kTripped;
    u.available_w = u.target_w = u.output_w = 0;
    world_.queue.Cancel(u.ready_timer);
    world_.queue.Cancel(u.step_timer);
    world_.Push(world_.now + repair, Ev::kUnitRepaired, s,
                static_cast<int>(&u - site.units.data()));
  }
}

void ScriptedEvents::OnUnitReady(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = &world_.Site(s);
  UnitRt& u = site->units[static_cast<size_t>(e.a)];
  if (u.state != UnitState::kStarting) return;
  u.state = UnitState::kOnline;
  u.available_w = u.spec->min_load_w;
  if (u.target_w < u.spec->min_load_w) u.target_w = u.spec->min_load_w;
  world_.Log(s, "unit_online",
             absl::StrCat(site->spec->plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name),
             u.available_w / 1e6, "MW");
  site->notify = true;
  if (u.target_w > u.available_w) {
    u.step_timer = world_.Push(world_.now, Ev::kUnitStep, s, e.a);
  }
}

void ScriptedEvents::OnUnitStep(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = &world_.Site(s);
  UnitRt& u = site->units[static_cast<size_t>(e.a)];
  if (u.state != UnitState::kOnline) return;
  // Toward the setpoint, but not above what the unit can give now (a fuel curtailment, ambient).
  const double goal = std::min(u.target_w, UnitRatingW(*site, u));
  const double diff = goal - u.available_w;
  const double max_step = u.spec->max_step_w > 0 ? u.spec->max_step_w : std::fabs(diff);
  const double step = std::clamp(diff, -max_step, max_step);
  u.available_w += step;
  if (std::fabs(goal - u.available_w) > kEpsW) {
    const double wait_s = u.spec->ramp_w_per_s > 0 ? std::fabs(step) / u.spec->ramp_w_per_s : 0.0;
    u.step_timer =
        world_.Push(world_.now + std::max(Duration{1}, FromSeconds(wait_s)), Ev::kUnitStep, s, e.a);
  } else {
    u.available_w = goal;
  }
}

void ScriptedEvents::OnUnitRepaired(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = &world_.Site(s);
  UnitRt& u = site->units[static_cast<size_t>(e.a)];
  if (u.state != UnitState::kTripped) return;
  u.state = UnitState::kOff;
  world_.Log(s, "unit_repaired",
             absl::StrCat(site->spec->plants[static_cast<size_t>(u.plant)].name, "/", u.spec->name),
             0);
  site->notify = true;
}

void ScriptedEvents::OnBatteryLimit(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = &world_.Site(s);
  site->battery_limit_at = kTimeNever;
  const bool at_bound = (site->battery_w > 0 && !BatteryAboveFloor(*site)) ||
                        (site->battery_w < 0 && !BatteryBelowTop(*site));
  if (!at_bound) return;  // early: Settle schedules the bound again
  world_.Log(s, site->battery_w > 0 ? "battery_empty" : "battery_full", site->spec->name,
             site->stored_j / site->spec->battery->energy_j * 100, "% state of charge");
  site->notify = true;
}

void ScriptedEvents::OnTick(const QueuedEvent& e) {
  const int s = e.site;
  SiteRt* site = &world_.Site(s);
  UpdateAmbient(*site, world_.now);
  for (int id : site->inference_jobs) {
    JobRt& job = world_.jobs[static_cast<size_t>(id)];
    if (job.state != JobState::kDone) workload_.Refresh(job);
  }
  ScheduleTick(s);
  site->notify = true;  // weather, prices and demand moved: let the controller look
}

void ScriptedEvents::UpdateGrid(int s, const std::string& why) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  const bool was = site.grid_connected;
  site.grid_connected = site.spec->grid.present && site.outages == 0 &&
                        world_.now >= site.disconnected_until && !site.frequency_relay_open;
  if (was != site.grid_connected) {
    WatchRocof(s);  // loss-of-mains relays see the grid's frequency only while connected
    world_.Log(s, site.grid_connected ? "grid_connected" : "grid_disconnected", site.spec->name, 0,
               why);
    site.notify = true;
    // The ramp limit is not measured across a disconnection; the pick-up after reconnection is.
    site.grid_window.Reset();
    if (site.grid_connected) site.grid_window.Baseline(world_.now, 0.0);
  }
}

void ScriptedEvents::ScheduleTick(int s) {
  SiteRt& site = world_.sites[static_cast<size_t>(s)];
  const model::Site& spec = *site.spec;
  // Hourly for solar and at each civil hour for inference demand (a half-hour zone's hours begin
  // at :30 UTC, a daylight-saving change may fall inside an hour); sooner if a series changes.
  Time next =
      Time{(world_.now.time_since_epoch() / std::chrono::hours(1) + 1) * std::chrono::hours(1)};
  next =
      std::min({next, spec.clock.NextCivilHour(world_.now), spec.ambient_c.NextChange(world_.now),
                spec.grid.price_usd_per_j.NextChange(world_.now),
                spec.grid.carbon_kg_per_j.NextChange(world_.now)});
  for (const model::TurbinePlant& plant : spec.plants) {
    if (plant.fuel_price_usd_per_j)
      next = std::min(next, plant.fuel_price_usd_per_j->NextChange(world_.now));
  }
  if (next <= world_.horizon) world_.Push(next, Ev::kTick, s, 0);
}

void ScriptedEvents::WatchBattery(int s) {
  SiteRt& site = world_.Site(s);
  // Battery reaches a bound: re-balance then.
  if (site.spec->battery) {
    const model::Battery& b = *site.spec->battery;
    const double eta = std::sqrt(b.round_trip_efficiency);
    double seconds = -1;
    if (site.battery_w > kEpsW) {
      seconds = (site.stored_j - b.soc_min * b.energy_j) / (site.battery_w / eta);
    } else if (site.battery_w < -kEpsW) {
      seconds = (b.soc_max * b.energy_j - site.stored_j) / (-site.battery_w * eta);
    }
    if (seconds >= 0 && seconds < ToSeconds(world_.horizon - world_.now)) {
      // Floor to the nanosecond so the bound is never overshot; the re-balance then sees the
      // battery within a microsecond of its bound and stops it.
      // A pending event no later than this one stays: when it comes early it finds the battery
      // short of its bound and schedules again (fewer events while the battery smooths).
      const Time at =
          std::max(world_.now + Duration{static_cast<std::int64_t>(std::floor(seconds * 1e9))},
                   world_.now + Duration{1});
      if (site.battery_limit_at > at || site.battery_limit_at < world_.now) {
        site.battery_limit_at = at;
        world_.Reschedule(&site.battery_timer, at, Ev::kBatteryLimit, s, 0);
      }
    }
  }
}

}  // namespace headroom::sim

#pragma once
// sim::ScriptedEvents: the world outside the site's control. The scripted events of the fleet
// (grid outages, voltage sags, frequency excursions, import limits and demand-response requests,
// turbine trips, feed faults, heat), the grid connection they make and break, the turbine units'
// start-up, ramps and repairs, the battery reaching its bounds, and the periodic tick of weather,
// prices and inference demand.
//
// Invariants:
//   - The site is connected to the grid iff it has one, no outage is open (outages counts them)
//     and now is past disconnected_until (the latest sag, frequency trip or outage end plus the
//     reconnect delay); a kGridReconnect is pending at disconnected_until. The ramp limit is not
//     measured across a disconnection: the window restarts from zero import on reconnection.
//   - The frequency is the last open excursion's, else the ramps' trajectory (nominal with no
//     ramp; FrequencyAt); import limits and demand-response windows are held by event index
//     while open.
//   - The frequency relay is open iff the frequency has been outside the protection band for
//     the relay's delay and has not come back inside; while open the site is off the grid. A
//     kFrequencyCheck is pending iff the frequency is, or on the present ramp will be, outside
//     the band and the relay is closed.
//   - rocof_since[p] is set iff the site is connected and the ramp's rate is above plant p's
//     RoCoF setting; a kRocofCheck is pending at rocof_since[p] + its delay.
//   - A unit's state moves off -> starting (the controller's commit) -> online at its start time
//     -> tripped (a turbine trip) -> off when repaired. Online, its available power steps toward
//     its target by at most max_step_w, each step after the previous one's size at its ramp rate;
//     tripped or off, it gives nothing and has no pending ready or step timer.
//   - While the battery charges or discharges, a kBatteryLimit is pending no later than when it
//     reaches its bound at its present rate (floored to the nanosecond).
//   - Each site has one pending tick: at the next hour, or sooner when its ambient temperature,
//     price or carbon series changes.
//
// Calls protection (a feed fault opens the feed) and the workload (a tick refreshes the inference
// services' demand); called by the engine's dispatch and its settling of a site.

#include <string>

#include "base/time.h"
#include "model/fleet.h"
#include "sim/protection.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {

class ScriptedEvents {
 public:
  // A scripted event's notice (e.a: its index in fleet.events): the controller learns of it.
  void OnAnnounce(const QueuedEvent& e);
  // REQUIRES: all three outlive this.
  ScriptedEvents(World& world, Workload& workload, Protection& protection)
      : world_(world), workload_(workload), protection_(protection) {}

  ScriptedEvents(const ScriptedEvents&) = delete;
  ScriptedEvents& operator=(const ScriptedEvents&) = delete;

  // Event handlers.
  void OnExternal(const QueuedEvent& e);  // a scripted event starts or ends; e.a: its index
  void OnGridReconnect(const QueuedEvent& e);
  void OnUnitReady(const QueuedEvent& e);  // e.a: the unit's index in SiteRt::units
  void OnUnitStep(const QueuedEvent& e);
  void OnUnitRepaired(const QueuedEvent& e);
  void OnBatteryLimit(const QueuedEvent& e);
  void OnTick(const QueuedEvent& e);
  void OnFrequencyCheck(const QueuedEvent& e);  // the frequency relay's delay has passed
  void OnRocofCheck(const QueuedEvent& e);      // e.a: the plant whose RoCoF relay's delay passed

  // Re-evaluates site `s`'s grid connection now; a change is logged with `why` and notifies the
  // controller.
  void UpdateGrid(int s, const std::string& why);
  // Keeps the site off the grid until `until` (or later, if already so); re-evaluates the
  // connection now (with `why` in the log) unless `why` is empty.
  void DisconnectUntil(int s, Time until, const std::string& why);
  // Schedules site `s`'s next tick after now.
  void ScheduleTick(int s);
  // After site `s` is balanced: schedules the battery's next bound at its present rate, unless
  // one no later is pending.
  void WatchBattery(int s);

 private:
  void OnGridOutage(int s, const model::EventSpec& ev, bool start, const std::string& name);
  void OnVoltageSag(int s, const model::EventSpec& ev, const std::string& name);
  // A voltage event (a sag, an overvoltage) judged against its ride-through: logged, and the site
  // disconnected for its duration and the reconnect delay when outside (`why` in the log).
  void OnVoltageEvent(int s, const model::EventSpec& ev, const std::string& name, bool rides,
                      const char* why);
  void OnFrequencyExcursion(int s, int index, const model::EventSpec& ev, bool start,
                            const std::string& name);
  void OnImportLimit(int s, int index, const model::EventSpec& ev, bool start,
                     const std::string& name);
  void OnTurbineTrip(int s, const model::EventSpec& ev);
  // A plant's fuel cut to a fraction of full burn (the least of those open): its units give at
  // most that fraction of their rating until it ends (UnitAvailableW).
  void OnFuelCurtailment(int s, int index, const model::EventSpec& ev, bool start,
                         const std::string& name);
  // (scripted_frequency.cc) A ramp of the frequency starts (from the ramps' frequency now) or
  // reaches its end (ignored when a later ramp superseded it).
  void OnFrequencyRamp(int s, int index, const model::EventSpec& ev, bool start,
                       const std::string& name);
  // An overvoltage: the site disconnects for its duration (and the reconnect delay) when it lies
  // outside the grid's overvoltage ride-through curve.
  void OnOvervoltage(int s, const model::EventSpec& ev, const std::string& name);
  // A phase jump at an event's start: the vector-shift relays set below it trip their plants.
  void OnPhaseJump(int s, const model::EventSpec& ev);
  // After any change of the frequency's trajectory: schedules the frequency relay's check when
  // the frequency is (or, on the present ramp, will be) outside the band, at that time plus the
  // relay's delay (at once: opens the relay now); resets an open relay (reconnect after the
  // delay) once the frequency is back inside.
  void WatchFrequency(int s);
  void OpenFrequencyRelay(int s);
  // After any change of the frequency's rate or of the grid connection: starts (or stops) each
  // plant's RoCoF relay timing; a check is pending at the start plus the relay's delay.
  void WatchRocof(int s);
  // Trips plant `plant`'s units (`unit` only, if >= 0; with `running_only`, the online and
  // starting ones only): each gives nothing until repaired after `repair`. `why` is logged.
  void TripUnits(int s, int plant, int unit, bool running_only, Duration repair,
                 const std::string& why);

  World& world_;
  Workload& workload_;
  Protection& protection_;
};

}  // namespace headroom::sim

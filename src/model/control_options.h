#pragma once
// The Headroom site controller's tunables, as the fleet file sets them under
// `control: {headroom: {...}}` (config/control_options.h reads them).
//
// Plain values with documented defaults, in the style of leveldb::Options. They live in `model`
// so that the fleet file's reader (`config`, which depends on `model` only) can fill them; the
// controller (control/headroom.h) reads them as `control::HeadroomOptions`. Every default is the
// value the controller used before it was an option, so a fleet file without the section behaves
// as before.

#include <chrono>

#include "base/time.h"

namespace headroom::model {

struct HeadroomOptions {
  // Cadence of the controller's own wake-ups (the host also calls it on every notifying event).
  Duration constrained_period = std::chrono::seconds(2);  // re-allocation while things move
  Duration holding_period = std::chrono::seconds(30);  // while caps or a grid service merely hold
  Duration idle_period = std::chrono::minutes(5);      // turbine and battery dispatch otherwise
  // Hysteresis on the way back up: caps rise only once headroom of at least `restore_band` of the
  // budget has lasted `restore_hold`.
  Duration restore_hold = std::chrono::seconds(60);
  double restore_band = 0.03;  // fraction of the facility budget
  // Battery state of charge (fraction of its energy) kept for contingencies.
  double reserve_soc = 0.8;
  // Under-frequency response: droop as a fraction of nominal frequency per 100% of the import
  // (5% droop: a 5% fall in frequency sheds the whole import), with no response inside the
  // deadband (Hz from nominal).
  double droop = 0.05;
  double deadband_hz = 0.036;
  // Price response: pause preemptible training when the price exceeds price_pause_ratio times
  // the mean of the site's price series; resume once it is below price_resume_ratio times the
  // mean (the gap is the hysteresis) and the pause has lasted price_min_pause (a pause costs a
  // checkpoint save and a restore: pausing on every swing of the price would cost more work than
  // it saves money). The allocator never resumes a job the price response holds.
  double price_pause_ratio = 1.5;
  double price_resume_ratio = 1.2;
  Duration price_min_pause = std::chrono::hours(1);
  // The oldest a power reading (a job's draw, the battery's output) may be for the fast path to
  // rely on it. NVML's power reading is a 1 s average; a meter read over a network adds latency.
  // A staler reading is treated as unknown: the fast shed does not count on what braking that
  // job sheds, and the fast reserve does not count on that job's brake or on the battery.
  Duration max_reading_age = std::chrono::seconds(2);
  // The fast reserve's cost (docs/controller.md, "What the reserve costs"). Beyond the battery
  // and the power brakes (free to hold), the loss of the grid is held either by turbines carrying
  // part of the import (fuel and CO2 every hour, priced against the grid's price and carbon) or
  // by stopping running training at once if the grid is lost (its work since its last checkpoint
  // and its restore, at `work_value_usd_per_gpu_h`, times the chance of losing the grid in the
  // hour, `grid_loss_per_year`), whichever costs less. Defaults: the US EPA's 2023 social cost of
  // carbon for 2020 emissions at a 2% discount rate (190 USD/t); an H100-class GPU-hour at
  // about its 2024-25 rental price (2 USD); two losses of the grid a year (a utility's SAIFI is
  // about 1.3 interruptions a year excluding major events, EIA 2022; sags that disconnect a large
  // load add to it).
  double carbon_price_usd_per_t = 190;
  double work_value_usd_per_gpu_h = 2;
  double grid_loss_per_year = 2;
  // The wear of a turbine start (USD per MW of the unit's rating): a unit surplus to need is
  // stopped only once the surplus has lasted as long as running it at its minimum load, against
  // the grid it displaces, takes to cost a restart (the break-even hold; never less than 30 min).
  // Default: 67 USD/MW, the start-up cost of a gas combustion turbine in Lew et al., *The Western
  // Wind and Solar Integration Study Phase 2* (NREL/TP-5500-55588, 2013), Table 7 (2011 USD; from
  // Intertek APTECH's lower-bound cycling costs).
  double start_cost_usd_per_mw = 67;
  // The shedding ladder's last rung: power off racks whose GPUs are all idle or paused when
  // caps and pauses do not fit the supply (false: the ladder ends at pause).
  bool rack_power_off = true;
};

}  // namespace headroom::model

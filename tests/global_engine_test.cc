// Engine tests of global scheduling: a scripted scheduler migrates, preempts and detaches work
// in small fleets (ChainFleet: copies of SmallFleet's 24-GPU site joined by a WAN) and the run's
// results are checked against times and amounts worked by hand.
//
// Common figures: a training job of TrainingJob's defaults checkpoints every 30 min with a 6 s
// save, so it progresses at f = 1 - 6/1800 of its GPUs' full speed (model::
// CheckpointUsefulFraction) and restores in 300 s. With a quiet controller and no failures an
// 8-GPU job of h hours of work, running from t = 0, finishes at h x 3600 / f (plus the engine's
// 1 ns rounding up).

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "global_fleet.h"
#include "model/cross_site.h"
#include "sim/engine.h"
#include "sim/test_fleet.h"

namespace headroom {
namespace {

double Seconds(Time t) { return ToSeconds(t); }

// ------------------------------------------------------------------------------------------------
// 1. Migration

// X (8 GPUs, 10 h of work, 100 GB checkpoint) runs at s0 from t = 0; at T = 4200 s the scheduler
// moves it to s1 over a 10 Gbps link of 40 ms. By hand: the save takes 6 s (no progress), the
// checkpoint crosses in 1e11 x 8 / 1e10 = 80 s + 0.04 s, the restore 300 s: the job runs again
// 386.04 s after the move began and finishes exactly that much later than unmoved, 36000 / f s.
// Y (24 GPUs: all of s0, pinned there, 1 h of work) waits from t = 60 s; the host must offer s0
// to the scheduler when X's GPUs are released at the save's end, T + 6 s: Y then restores (300 s)
// and runs 24 GPUs x 1 h = 86400 GPU-s at 24 f GPU-s per s, 3600 / f s.
TEST(GlobalEngine, MigrationCostsSaveTransferLatencyRestoreExactly) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  model::JobSpec x = sim::TrainingJob("x", 8, 10, kTimeZero);
  x.site = -1;
  x.checkpoint_bytes = 1e11;
  model::JobSpec y = sim::TrainingJob("y", 24, 1, kTimeZero + std::chrono::seconds(60));
  fleet.jobs = {x, y};
  constexpr double kT = 4200;
  bool moved = false, y_placed = false;
  const sim::Result r =
      RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        ExpectOnePlace(t);
        for (const sched::JobRequest& a : t.arrivals) {
          if (a.id == 0) out->placements.push_back({0, 0, {}});
        }
        for (const sched::JobRequest& a : t.refused) y_placed = y_placed && a.id != 1;
        if (!moved && t.now >= kTimeZero + FromSeconds(kT)) {
          moved = true;
          out->migrations.push_back({0, 0, 1, 386.04, "test"});
        }
        // Y whenever s0 can take it (the summary is refreshed before each call).
        if (!y_placed && t.now >= kTimeZero + std::chrono::seconds(60) &&
            (*t.sites)[0].free_gpus == 24) {
          y_placed = true;
          out->placements.push_back({1, 0, {}});
        }
        if (!moved) out->next_wake = kTimeZero + FromSeconds(kT);
      });
  const double lost_s = kSaveS + 80 + 0.04 + kRestoreS;
  EXPECT_NEAR(DoneAt(r, "x"), 36000 / kF + lost_s, kTolS);
  const auto done = EventsOfKind(r.events, "migration_done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].site, 1);
  EXPECT_NEAR(Seconds(done[0].time), kT + kSaveS + 80.04, kTolS);
  EXPECT_NEAR(done[0].value, lost_s, kTolS);
  const auto start = EventsOfKind(r.events, "migration_start");
  ASSERT_EQ(start.size(), 1u);
  EXPECT_EQ(start[0].site, 0);
  EXPECT_NEAR(Seconds(start[0].time), kT, kTolS);
  EXPECT_EQ(r.sites[0].migrations_out, 1);
  EXPECT_EQ(r.sites[1].migrations_in, 1);
  EXPECT_EQ(r.sites[0].migrations_in + r.sites[1].migrations_out, 0);
  EXPECT_DOUBLE_EQ(r.sites[0].checkpoint_bytes_out, 1e11);
  const sim::SiteResult total = Totals(r);
  double lost = 0;
  for (double l : total.lost_gpu_s) lost += l;
  EXPECT_EQ(lost, 0);  // nothing rolled back: the move saved first
  // X's progress is credited where it was made: 4200 s at 8 f GPU-s per s at s0.
  EXPECT_NEAR(r.sites[0].useful_gpu_s[2] - 86400, 4200 * 8 * kF, 1e-6);
  EXPECT_NEAR(r.sites[1].useful_gpu_s[2], 288000 - 4200 * 8 * kF, 1e-6);
  // Y starts at the save's end, when X's GPUs at s0 are free.
  EXPECT_NEAR(DoneAt(r, "y"), kT + kSaveS + kRestoreS + 3600 / kF, kTolS);
  EXPECT_EQ(total.jobs_completed, 2);
}

// Two moves at once over the same 10 Gbps link, checkpoints of 50 GB and 100 GB: max-min fair,
// each gets 5 Gbps until the first drains at 5e10 x 8 / 5e9 = 80 s; the second has moved 50 GB
// by then and takes the whole link for the other 50 GB: 40 s more. Delivered 40 ms after each
// drain. Uncontended each would have taken 40 s and 80 s.
TEST(GlobalEngine, TwoMigrationsShareTheLinkMaxMinFairly) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  model::JobSpec a = sim::TrainingJob("a", 8, 10, kTimeZero);
  a.site = -1;
  a.checkpoint_bytes = 5e10;
  model::JobSpec b = a;
  b.name = "b";
  b.checkpoint_bytes = 1e11;
  fleet.jobs = {a, b};
  constexpr double kT = 4200;
  bool moved = false;
  const sim::Result r =
      RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        ExpectOnePlace(t);
        for (const sched::JobRequest& j : t.arrivals) out->placements.push_back({j.id, 0, {}});
        if (!moved && t.now >= kTimeZero + FromSeconds(kT)) {
          moved = true;
          out->migrations.push_back({0, 0, 1, 0, "test"});
          out->migrations.push_back({1, 0, 1, 0, "test"});
        }
        if (!moved) out->next_wake = kTimeZero + FromSeconds(kT);
      });
  const auto done = EventsOfKind(r.events, "migration_done");
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].subject, "a");
  EXPECT_NEAR(Seconds(done[0].time), kT + kSaveS + 80.04, kTolS);
  EXPECT_EQ(done[1].subject, "b");
  EXPECT_NEAR(Seconds(done[1].time), kT + kSaveS + 120.04, kTolS);
  EXPECT_NEAR(DoneAt(r, "a"), 36000 / kF + kSaveS + 80.04 + kRestoreS, kTolS);
  EXPECT_NEAR(DoneAt(r, "b"), 36000 / kF + kSaveS + 120.04 + kRestoreS, kTolS);
  EXPECT_DOUBLE_EQ(r.sites[0].checkpoint_bytes_out, 1.5e11);
  EXPECT_EQ(r.sites[0].migrations_out, 2);
  EXPECT_EQ(r.sites[1].migrations_in, 2);
}

// ------------------------------------------------------------------------------------------------
// 2. Preemption

// V (8 GPUs, 10 h) runs at s0 from t = 0, checkpoints at 1800 s and 3600 s; preempted at
// T = 4200 s it loses the 600 s since the last one: 600 x 8 f GPU-s. Handed back once, the fake
// places it at s1 at once; it restores (300 s) and redoes the 600 s: it finishes 900 s later
// than unpreempted, at 36000 / f + 900 s.
TEST(GlobalEngine, PreemptionLosesWorkSinceLastCheckpointAndRequeuesOnce) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  model::JobSpec v = sim::TrainingJob("v", 8, 10, kTimeZero);
  v.site = -1;
  v.preemptible = true;
  fleet.jobs = {v};
  constexpr double kT = 4200;
  bool preempted = false;
  CallRecord fake;
  const sim::Result r = RunScripted(
      fleet,
      [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        ExpectOnePlace(t);
        for (const sched::JobRequest& j : t.arrivals) out->placements.push_back({j.id, 0, {}});
        for (const sched::JobRequest& j : t.preempted) out->placements.push_back({j.id, 1, {}});
        if (!preempted && t.now >= kTimeZero + FromSeconds(kT)) {
          preempted = true;
          // Checkpointed at 3600 s, as the host tells it.
          const auto at0 = t.running->At(0);
          EXPECT_EQ(at0.size(), 1u);
          if (!at0.empty()) {
            EXPECT_EQ(at0[0].last_checkpoint, kTimeZero + std::chrono::hours(1));
          }
          out->preemptions.push_back({0, 0, "test"});
          out->preemptions.push_back({0, 0, "test again: dropped"});
        }
        if (!preempted) out->next_wake = kTimeZero + FromSeconds(kT);
      },
      &fake);
  EXPECT_EQ(fake.preempted, std::vector<int>{0});
  EXPECT_EQ(fake.ended, std::vector<int>{0});
  const sim::SiteResult total = Totals(r);
  EXPECT_NEAR(total.lost_to_preemption_gpu_s, 600 * 8 * kF, 1e-6);
  EXPECT_NEAR(total.lost_gpu_s[2], 600 * 8 * kF, 1e-6);
  EXPECT_EQ(r.sites[0].preemptions, 1);
  EXPECT_EQ(total.preemptions, 1);
  EXPECT_EQ(EventsOfKind(r.events, "preemption_dropped").size(), 1u);
  EXPECT_NEAR(DoneAt(r, "v"), 36000 / kF + 900, kTolS);
  EXPECT_EQ(total.jobs_completed, 1);
  EXPECT_EQ(total.jobs_placed, 2);
  // Retained work, credited where it was kept: 3600 s at s0, the rest at s1.
  EXPECT_NEAR(r.sites[0].useful_gpu_s[2], 3600 * 8 * kF, 1e-6);
  EXPECT_NEAR(r.sites[1].useful_gpu_s[2], 288000 - 3600 * 8 * kF, 1e-6);
}

// ------------------------------------------------------------------------------------------------
// 3. Cross-site training

// Progress efficiency from docs/cross-site-training.md, written out again (M replicas, H inner
// steps, P parameters, b bits): gap = max(0, -0.004 + 0.002186 (M-1)) + k(P) max(0, log2(H/30))
// + 0.005 max(0, log2(4/b)), k(P) = 0.00244 (min(P, 10B)/150M)^-0.30, E = (1 + gap)^(-1/0.04765),
// with k's 0.00244 unrounded: 1.0556% of the loss over log2(20) = 4.321928 doublings.
double DocEfficiency(int m, int h, double params, double bits) {
  if (m <= 1) return 1.0;
  const double k = 0.010556 / 4.321928 * std::pow(std::min(params, 10e9) / 150e6, -0.30);
  const double gap = std::max(0.0, -0.004 + 0.002186 * (m - 1)) +
                     k * std::max(0.0, std::log2(h / 30.0)) +
                     0.005 * std::max(0.0, std::log2(4 / bits));
  return std::pow(1 + gap, -1 / 0.04765);
}

// A cross-site job "c" of 16 GPUs (two learners of 8), 5 h of work at 16 GPUs (288,000 GPU-s).
model::JobSpec CrossJob(double params, int inner_steps, int fragments) {
  model::JobSpec c = sim::TrainingJob("c", 16, 5, kTimeZero);
  c.site = -1;
  model::CrossSiteSpec x;
  x.learners = 2;
  x.min_learners = 1;
  x.params = params;
  x.bits_per_param = 4;
  x.inner_steps = inner_steps;
  x.fragments = fragments;
  x.inner_step_time = std::chrono::seconds(2);
  c.cross_site = x;
  return c;
}

// Places the cross-site job (id 0) on s0 and s1 when it arrives.
void PlaceCross(const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
  for (const sched::JobRequest& j : t.arrivals) {
    if (j.id == 0) out->placements.push_back({0, 0, {0, 1}});
  }
}

// Ample bandwidth (10 Gbps, 40 ms), streamed in 4 fragments: each learner sends V = 2 (1/2) x
// 1e9 x 4 = 4e9 bits per outer step; its compute lasts H x 2 s (60 s, 200 s), so the exchange
// hides (outer = max(C, X)) and utilisation is 1. The job progresses at 16 f E(2) GPU-s per s:
// E(2) = 1 at H = 30 (no term of the gap is positive), 0.950912 at H = 100 (gap 0.2401%).
TEST(GlobalEngine, CrossSiteWithAmpleBandwidthFinishesAtEfficiencyTimesGpus) {
  for (int h : {30, 100}) {
    SCOPED_TRACE(h);
    model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
    fleet.jobs = {CrossJob(1e9, h, 4)};
    const sim::Result r =
        RunScripted(fleet, [](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
          ExpectOnePlace(t);
          PlaceCross(t, out);
        });
    const double e = DocEfficiency(2, h, 1e9, 4);
    EXPECT_NEAR(e, h == 30 ? 1.0 : 0.950912, 1e-6);
    EXPECT_NEAR(model::ProgressEfficiency(*fleet.jobs[0].cross_site, 2), e, 1e-12);
    EXPECT_NEAR(DoneAt(r, "c"), 288000 / (16 * kF * e), kTolS);
    EXPECT_EQ(Totals(r).jobs_completed, 1);
    EXPECT_NEAR(r.cross_site_utilization_s / r.cross_site_active_s, 1.0, 1e-12);
    EXPECT_NEAR(r.cross_site_goodput_s / r.cross_site_active_s, e, 1e-12);
    EXPECT_NEAR(r.cross_site_active_s, DoneAt(r, "c"), kTolS);
  }
}

// s0's uplink narrowed to 0.2 Gbps each way; a 70B job, 4 bits, H = 100, 8 fragments. Each
// learner's stream asks V / C = 2.8e11 / 200 = 1.4 Gbps and gets 0.2 Gbps (s0's up carries one
// stream, its down the other). Streamed: X = 2.8e11 / 2e8 + 8 x 2 x 1 x 0.04 = 1400.64 s,
// outer = max(200, X), U = 200 / 1400.64 = 0.142792; goodput U x E(2), E(2) = 0.975074 (70B:
// k(P) taken at 10B).
TEST(GlobalEngine, CrossSiteOnANarrowUplinkMatchesTheClosedForm) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.wan.site_uplink_bps[0] = 0.2e9;
  fleet.jobs = {CrossJob(70e9, 100, 8)};
  const sim::Result r = RunScripted(
      fleet,
      [](const sched::FleetTelemetry& t, sched::PlacementDecision* out) { PlaceCross(t, out); });
  const double u = 200 / 1400.64;
  const double e = DocEfficiency(2, 100, 70e9, 4);
  EXPECT_NEAR(e, 0.975074, 1e-6);
  EXPECT_NEAR(r.cross_site_utilization_s / r.cross_site_active_s, u, 1e-9);
  EXPECT_NEAR(r.cross_site_goodput_s / r.cross_site_active_s, u * e, 1e-9);
  // Not done in 24 h: it needs 288000 / (16 f U E) = 1.3e5 s. It computed the whole horizon.
  EXPECT_NEAR(r.cross_site_active_s, 24 * 3600, kTolS);
  EXPECT_EQ(Totals(r).jobs_completed, 0);
  // Its retained work: 16 f U E GPU-s per s over the day.
  double useful = 0;
  for (const sim::SiteResult& s : r.sites) useful += s.useful_gpu_s[2];
  EXPECT_NEAR(useful, 16 * kF * u * e * 24 * 3600, 1e-6 * useful);
}

// H = 30 and ample bandwidth (E(1) = E(2) = 1, utilisation 1). s1's learner detaches at
// T1 = 3600 s and is attached back at T2 = 7200 s (restoring for 300 s). By hand: 3600 s at
// 16 f, 3900 s at 8 f (one learner), then 16 f for the rest: it finishes at
// 7500 + (288000 - 88800 f) / (16 f) = 1950 + 18000 / f s.
TEST(GlobalEngine, DetachingAndAttachingALearnerReRatesTheJob) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.jobs = {CrossJob(1e9, 30, 4)};
  int step = 0;
  std::vector<int> dropped;  // learners_dropped, as the calls after the dropped attach saw it
  const sim::Result r =
      RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        ExpectOnePlace(t);
        PlaceCross(t, out);
        dropped.insert(dropped.end(), t.learners_dropped.begin(), t.learners_dropped.end());
        if (step == 0 && t.now >= kTimeZero + std::chrono::seconds(3600)) {
          step = 1;
          out->learners.push_back({0, 1, false, "test"});
        } else if (step == 1 && t.now >= kTimeZero + std::chrono::seconds(7200)) {
          step = 2;
          EXPECT_EQ(t.running->At(1).size(), 0u);
          out->learners.push_back({0, 1, true, "test"});
          out->learners.push_back({0, 1, true, "test: no learner left to attach"});
        }
        if (step == 0) out->next_wake = kTimeZero + std::chrono::seconds(3600);
        if (step == 1) out->next_wake = kTimeZero + std::chrono::seconds(7200);
      });
  EXPECT_EQ(EventsOfKind(r.events, "learner_detached").size(), 1u);
  EXPECT_EQ(EventsOfKind(r.events, "learner_attached").size(), 1u);
  EXPECT_EQ(EventsOfKind(r.events, "learner_change_dropped").size(), 1u);
  EXPECT_EQ(dropped, std::vector<int>{0});  // the host told the scheduler, once
  EXPECT_NEAR(DoneAt(r, "c"), 1950 + 18000 / kF, kTolS);
  EXPECT_EQ(Totals(r).jobs_completed, 1);
  double useful = 0;
  for (const sim::SiteResult& s : r.sites) useful += s.useful_gpu_s[2];
  EXPECT_NEAR(useful, 288000, 1e-6);
}

}  // namespace
}  // namespace headroom

namespace headroom {
namespace {

// The destination's racks are held for a migrating job from the decision: X (8 GPUs, 100 GB
// checkpoint) moves from s0 to s1 at T = 4200 s over a 1 Gbps link (800 s in transit); s1 has 24
// GPUs, 16 of them taken at t = 0 by Z. While X's checkpoint travels the host must show s1 with no
// free GPUs (8 held for X), refuse a placement of W (8 GPUs) there, and X must start at s1 on
// arrival (no `migration_refused`). Before the hold, W took X's GPUs and X was sent back to the
// scheduler.
TEST(GlobalEngine, MigrationHoldsTheDestinationsRacksWhileItsCheckpointTravels) {
  model::Fleet fleet = ChainFleet(2, 1e9, std::chrono::milliseconds(0));
  model::JobSpec x = sim::TrainingJob("x", 8, 10, kTimeZero);
  x.checkpoint_bytes = 1e11;
  model::JobSpec z = sim::TrainingJob("z", 16, 10, kTimeZero);
  model::JobSpec w = sim::TrainingJob("w", 8, 1, kTimeZero + std::chrono::seconds(4300));
  // TrainingJob pins to s0.
  x.site = -1;
  z.site = -1;
  w.site = -1;
  fleet.jobs = {x, z, w};
  constexpr double kT = 4200;
  bool moved = false;
  int free_in_transit = -1;
  CallRecord record;
  const sim::Result r = RunScripted(
      fleet,
      [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        for (const sched::JobRequest& a : t.arrivals) {
          if (a.id == 0) out->placements.push_back({0, 0, {}});
          if (a.id == 1) out->placements.push_back({1, 1, {}});
          if (a.id == 2) {
            free_in_transit = (*t.sites)[1].free_gpus;
            out->placements.push_back({2, 1, {}});  // s1 has no room: refused
          }
        }
        if (!moved && t.now >= kTimeZero + FromSeconds(kT)) {
          moved = true;
          out->migrations.push_back({0, 0, 1, 1106, "test"});
        }
        if (!moved) out->next_wake = kTimeZero + FromSeconds(kT);
      },
      &record);
  EXPECT_EQ(free_in_transit, 0);
  EXPECT_EQ(record.refused, std::vector<int>{2});
  EXPECT_TRUE(EventsOfKind(r.events, "migration_refused").empty());
  const auto done = EventsOfKind(r.events, "migration_done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NEAR(Seconds(done[0].time), kT + kSaveS + 800, kTolS);
}

// A cross-site start that fails part way leaves no trace: Z (24 GPUs) fills s1 at t = 0; the
// scheduler then places c's two learners at s0 and s1. s0's learner starts, s1's cannot, so the
// host undoes the start: c is refused, never started, ran nowhere, and s0 counts no placement.
TEST(GlobalEngine, ACrossSiteStartThatFailsPartWayLeavesNoTrace) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  model::JobSpec z = sim::TrainingJob("z", 24, 10, kTimeZero);
  z.site = -1;
  fleet.jobs = {z, CrossJob(1e9, 30, 4)};
  CallRecord record;
  const sim::Result r = RunScripted(
      fleet,
      [](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        for (const sched::JobRequest& a : t.arrivals) {
          if (a.id == 0) out->placements.push_back({0, 1, {}});
          if (a.id == 1) out->placements.push_back({1, 0, {0, 1}});
        }
      },
      &record);
  EXPECT_EQ(record.refused, std::vector<int>{1});
  ASSERT_EQ(r.jobs.size(), 2u);
  EXPECT_EQ(r.jobs[1].first_start_s, -1);
  EXPECT_EQ(r.jobs[1].sites, "");
  EXPECT_EQ(r.sites[0].jobs_placed, 0);
  EXPECT_EQ(r.sites[1].jobs_placed, 1);  // z
}

}  // namespace
}  // namespace headroom

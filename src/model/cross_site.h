#pragma once
// Cross-site (DiLoCo-family) training: a job whose learners (data-parallel replicas) run at
// several sites, each doing `inner_steps` local steps and then exchanging a compressed outer
// update over the WAN. This header holds the job's specification as the fleet file gives it and
// the performance model: pure functions of the job's present situation (which learners are
// attached, their speed under power caps, their WAN share). The simulator calls them whenever
// that situation changes and holds the result until the next change (rates piecewise constant).
//
// The model, every assumption and every calibration point with its source are in
// docs/cross-site-training.md. In short:
//   - Algorithm: DiLoCo (Douillard et al. 2023): inner optimiser AdamW, outer optimiser SGD with
//     Nesterov momentum on the averaged outer gradient; Streaming DiLoCo (Douillard et al. 2025)
//     when `fragments` > 1.
//   - Timing: an outer step is H inner steps of the slowest attached learner, then a ring
//     all-reduce of the outer gradient (each learner sends and receives 2 (M-1)/M x params x bits,
//     in 2 (M-1) sequential hops, each gated by the slowest link and the longest latency).
//     Unstreamed, the exchange blocks compute; streamed, each fragment's exchange overlaps the
//     next H/F inner steps, so an outer step lasts max(compute, exchange).
//   - Progress: a loss gap against synchronous data-parallel training at one site, summed from
//     the replica count, H (scaled by model size) and the bits, turned into a compute-equivalent
//     efficiency through the data-parallel loss-versus-compute power law.
//
// Nothing here reads a clock or keeps state; every function is deterministic.

#include <chrono>
#include <vector>

#include "base/time.h"

namespace headroom::model {

struct CrossSiteSpec {
  int learners = 4;           // replicas the job wants, at most one per site
  int min_learners = 2;       // with fewer attached the job pauses
  double params = 70e9;       // model parameters
  double bits_per_param = 4;  // outer-update compression: 1 to 32
  int inner_steps = 100;      // H: local steps between outer updates
  int fragments = 1;          // streaming fragments (1: not streamed, the exchange blocks)
  // One inner step of one learner at full speed (the job's GPUs split evenly over `learners`).
  Duration inner_step_time = std::chrono::seconds(2);
  // What a rejoining learner downloads per parameter before it computes again: 16 = the global
  // weights in bf16. Set 48 to also fetch an fp32 outer-momentum buffer.
  double catch_up_bits_per_param = 16;
};

// One learner's present situation, as the simulator sees it.
struct LearnerState {
  bool attached = true;  // false: detached (its site shed it); it neither computes nor exchanges
  double speed = 1.0;    // (0, 1]: inner-step rate under its power cap, relative to full speed
  double bandwidth_bps = 0;  // its WAN share for the exchange, each way, bits per second
  Duration latency{0};       // one way, to the other learners
};

struct CrossSitePerformance {
  // Fewer than min(min_learners, learners) attached: no progress, no exchange.
  bool paused = false;
  int attached = 0;         // M: learners attached
  double compute_s = 0;     // H inner steps of the slowest attached learner
  double exchange_s = 0;    // the whole outer-gradient all-reduce, had it nothing to hide behind
  double blocked_s = 0;     // the part of the exchange that stalls compute
  double outer_step_s = 0;  // wall time of one outer step: compute_s + blocked_s (+inf: no link)
  // Time spent computing over wall time, averaged over the attached learners: a learner at
  // speed s computes for H t / s of each outer step and waits the rest (for the slowest learner
  // and for the blocked exchange). 1 with one learner at full speed; 0 while paused.
  double compute_utilization = 0;
  // Effective progress per unit of attached compute relative to synchronous data-parallel
  // training at one site, in (0, 1]: ProgressEfficiency(spec, attached).
  double progress_efficiency = 0;
  // What the simulator multiplies the attached learners' full-speed GPU-seconds by to get useful
  // (synchronous-equivalent) GPU-seconds: H t / outer_step_s x progress_efficiency. It includes
  // the slowdown of power caps, the wait for the slowest learner and for the exchange. Detached
  // learners' GPUs count for nothing.
  double goodput = 0;
  // Outer-gradient bits each attached learner sends (and receives) per outer step, and the
  // average rate that needs at this pace (bits per second each way; 0 while paused or alone).
  double exchange_bits = 0;
  double exchange_bps_demand = 0;
};

// The job's performance with `learners` as they are now. Detached entries are ignored.
// REQUIRES: spec valid (learners >= 1, 1 <= min_learners, params > 0, bits_per_param > 0,
// inner_steps >= 1, fragments >= 1, inner_step_time > 0); every attached learner's speed in
// (0, 1]. A learner with no bandwidth (0) while another is attached makes the exchange endless:
// outer_step_s = +inf, utilisation and goodput 0.
CrossSitePerformance Evaluate(const CrossSiteSpec& spec, const std::vector<LearnerState>& learners);

// The loss gap (a fraction: 0.01 = 1% higher final evaluation loss) of the job trained with
// `attached` replicas against synchronous data-parallel training at one site on the same tokens,
// and its compute-equivalent efficiency in (0, 1]. One replica: 0 and 1.
double LossGap(const CrossSiteSpec& spec, int attached);
double ProgressEfficiency(const CrossSiteSpec& spec, int attached);

// The time a learner needs to rejoin: it downloads the current global parameters
// (params x catch_up_bits_per_param) over its bandwidth, plus one latency, and computes nothing
// meanwhile. The simulator keeps it detached for this long, then attaches it (at the next outer
// step). Its inner optimiser state is assumed kept from before it left. +inf with no bandwidth.
double CatchUpSeconds(const CrossSiteSpec& spec, const LearnerState& learner);

// The per-learner bandwidth (bits per second each way) at which `spec.learners` equal learners
// at full speed, each with one-way latency `latency`, reach `target_utilization` in (0, 1].
// 0 with one learner; +inf when the latency alone rules the target out.
double RequiredBandwidthBps(const CrossSiteSpec& spec, double target_utilization,
                            Duration latency = Duration{0});

}  // namespace headroom::model

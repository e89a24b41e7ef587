#include "model/cross_site.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/check.h"

namespace headroom::model {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Loss versus compute for synchronous data-parallel training: Charles et al. 2025
// (arXiv 2503.09799), Table 7, fit L(N) = 18.129 N^-0.0953 at the Chinchilla token budget
// D = 20 N, so compute C = 6 N D = 120 N^2 and L is proportional to C^(-0.0953 / 2). A loss gap
// g is then worth a compute ratio of (1 + g)^(-1 / kLossComputeExponent).
constexpr double kLossComputeExponent = 0.0953 / 2;

// Replicas: Charles et al. 2025, Table 4, N = 2.4B at H = 30: DiLoCo's loss against
// data-parallel is -0.4%, -0.1%, +0.3%, +1.1% for M = 1, 2, 4, 8. Least-squares line in
// (M - 1) through the M = 1 point: -0.4% + 0.2186% (M - 1). The gain of one replica (a Lookahead
// effect) is not banked: the gap is floored at 0. Not scaled with N: the 4B and 10B runs
// (Table 5, M = 4: +0.18%, +0.29%) show no further gain, so 2.4B stands for every larger model.
constexpr double kSingleReplicaGap = -0.004;
constexpr double kGapPerExtraReplica = 0.002186;

// Inner steps: Douillard et al. 2023 (arXiv 2311.08105), Figure 4 text, 150M model, 8 replicas:
// H = 1000 raises perplexity 2.9% over H = 50, i.e. ln(1.029) = 0.0286 nats on a loss of
// ln(15.02) = 2.709 (Table 2), 1.056% of the loss over log2(20) = 4.32 doublings of H.
// Counted from H = 30, the cadence of the replica calibration above.
constexpr double kDriftGapPerDoublingAt150M = 0.010556 / 4.321928;
constexpr double kDriftReferenceParams = 150e6;
constexpr double kDriftReferenceInnerSteps = 30;
// The drift gap shrinks with model size (Charles et al. 2025, Figure 9, stated qualitatively);
// we take the rate at which the M = 8 gap shrinks in Table 4, 3.9% at 35M to 1.1% at 2.4B:
// exponent ln(3.9 / 1.1) / ln(2.4e9 / 35e6) = 0.30. Not extrapolated past the largest model of
// any sweep, 10B (Table 5).
constexpr double kDriftSizeExponent = 0.30;
constexpr double kDriftLargestCalibratedParams = 10e9;

// Bits: 4-bit (FP4) outer gradients match data-parallel (Streaming DiLoCo, Table 1), 8-bit
// (INTELLECT-1) and 16-bit (OpenDiLoCo) showed no degradation. Below 4 bits no plain-quantised
// DiLoCo result was verified: a conservative, unverified 0.5% of loss per halving.
constexpr double kLosslessBits = 4;
constexpr double kGapPerBitHalvingBelowLossless = 0.005;

double ReplicaGap(int attached) {
  return std::max(0.0, kSingleReplicaGap + kGapPerExtraReplica * (attached - 1));
}

double DriftGap(const CrossSiteSpec& spec) {
  const double n = std::min(spec.params, kDriftLargestCalibratedParams);
  const double per_doubling =
      kDriftGapPerDoublingAt150M * std::pow(n / kDriftReferenceParams, -kDriftSizeExponent);
  return per_doubling * std::max(0.0, std::log2(spec.inner_steps / kDriftReferenceInnerSteps));
}

double BitsGap(double bits) {
  return kGapPerBitHalvingBelowLossless * std::max(0.0, std::log2(kLosslessBits / bits));
}

// Ring all-reduce over `m` learners: each sends and receives 2 (m - 1) / m of the message, in
// 2 (m - 1) sequential hops.
double RingBitsPerLearner(const CrossSiteSpec& spec, int m) {
  return 2.0 * (m - 1) / m * spec.params * spec.bits_per_param;
}
int RingHops(int m) { return 2 * (m - 1); }

}  // namespace

double LossGap(const CrossSiteSpec& spec, int attached) {
  if (attached <= 1) return 0;  // no replicas to drift apart, nothing quantised on the wire
  return ReplicaGap(attached) + DriftGap(spec) + BitsGap(spec.bits_per_param);
}

double ProgressEfficiency(const CrossSiteSpec& spec, int attached) {
  return std::pow(1 + LossGap(spec, attached), -1 / kLossComputeExponent);
}

CrossSitePerformance Evaluate(const CrossSiteSpec& spec,
                              const std::vector<LearnerState>& learners) {
  DCHECK(spec.inner_steps >= 1 && spec.fragments >= 1 && spec.params > 0);
  DCHECK(spec.bits_per_param > 0 && spec.inner_step_time > Duration{0});
  CrossSitePerformance p;
  double min_speed = 1;
  double min_bandwidth_bps = kInf;
  double max_latency_s = 0;
  double compute_sum_s = 0;  // sum over attached learners of their busy time per outer step
  const double full_speed_compute_s = spec.inner_steps * ToSeconds(spec.inner_step_time);
  for (const LearnerState& l : learners) {
    if (!l.attached) continue;
    DCHECK(l.speed > 0 && l.speed <= 1);
    ++p.attached;
    min_speed = std::min(min_speed, l.speed);
    min_bandwidth_bps = std::min(min_bandwidth_bps, l.bandwidth_bps);
    max_latency_s = std::max(max_latency_s, ToSeconds(l.latency));
    compute_sum_s += full_speed_compute_s / l.speed;
  }
  // A job that wants fewer learners than its minimum runs with all it wants.
  if (p.attached < std::max(1, std::min(spec.min_learners, spec.learners))) {
    p.paused = true;
    return p;
  }
  const int m = p.attached;
  p.compute_s = full_speed_compute_s / min_speed;
  p.progress_efficiency = ProgressEfficiency(spec, m);
  if (m > 1) {
    if (min_bandwidth_bps <= 0) {
      p.exchange_s = p.blocked_s = p.outer_step_s = kInf;
      p.exchange_bits = RingBitsPerLearner(spec, m);
      return p;
    }
    p.exchange_bits = RingBitsPerLearner(spec, m);
    // Each fragment carries 1/F of the bits and pays the ring's latency in full.
    const double fragment_s =
        p.exchange_bits / spec.fragments / min_bandwidth_bps + RingHops(m) * max_latency_s;
    p.exchange_s = spec.fragments * fragment_s;
    // Unstreamed, the exchange blocks. Streamed, fragment p's exchange runs during the H/F inner
    // steps until fragment p + 1 is due; only what overruns that window blocks.
    p.blocked_s = spec.fragments == 1
                      ? p.exchange_s
                      : spec.fragments * std::max(0.0, fragment_s - p.compute_s / spec.fragments);
  }
  p.outer_step_s = p.compute_s + p.blocked_s;
  p.compute_utilization = compute_sum_s / m / p.outer_step_s;
  p.goodput = full_speed_compute_s / p.outer_step_s * p.progress_efficiency;
  p.exchange_bps_demand = p.exchange_bits / p.outer_step_s;
  return p;
}

double CatchUpSeconds(const CrossSiteSpec& spec, const LearnerState& learner) {
  if (learner.bandwidth_bps <= 0) return kInf;
  return spec.params * spec.catch_up_bits_per_param / learner.bandwidth_bps +
         ToSeconds(learner.latency);
}

double RequiredBandwidthBps(const CrossSiteSpec& spec, double target_utilization,
                            Duration latency) {
  DCHECK(target_utilization > 0 && target_utilization <= 1);
  const int m = spec.learners;
  if (m <= 1) return 0;
  const double compute_s = spec.inner_steps * ToSeconds(spec.inner_step_time);
  const double latency_s = RingHops(m) * ToSeconds(latency);  // per fragment
  // Unstreamed: compute / (compute + exchange) >= u, exchange = bits / bw + latency.
  // Streamed: compute / max(compute, exchange) >= u, exchange = bits / bw + F latency.
  const double time_for_bits_s = spec.fragments == 1
                                     ? compute_s * (1 / target_utilization - 1) - latency_s
                                     : compute_s / target_utilization - spec.fragments * latency_s;
  if (time_for_bits_s <= 0) return kInf;
  return RingBitsPerLearner(spec, m) / time_for_bits_s;
}

}  // namespace headroom::model

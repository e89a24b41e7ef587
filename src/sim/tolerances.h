#pragma once
// Numerical tolerances of the simulator, each with its unit and reason.

namespace headroom::sim {

// Powers below a milliwatt are zero: flows are sums and differences of megawatt-scale terms, whose
// rounding error is far below this.
inline constexpr double kEpsW = 1e-3;

}  // namespace headroom::sim

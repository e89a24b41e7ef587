#pragma once
// DCHECK(condition): an internal invariant (CONVENTIONS.md rule 6), checked in debug builds.
//
// When NDEBUG is not defined (CMAKE_BUILD_TYPE=Debug, `make debug`), a false condition prints
//   path/to/file.cc:123: DCHECK failed: condition
// to stderr and aborts. In release builds (NDEBUG defined) the condition is not evaluated and
// costs nothing, but it is still compiled, so it cannot rot: it must name variables that exist
// and convert to bool.
//
// Use it for what the code itself guarantees (a REQUIRES: of a function, sorted input to a
// binary search, a balance that must hold). Never for what a user can get wrong: bad input is
// an absl::Status with the file, line and field (rule 6), and a simulated fault is a domain
// event. The condition must have no side effects, since release builds skip it.

#include <cstdio>
#include <cstdlib>

namespace headroom::base_internal {

// Reports a failed DCHECK and aborts. Out of line and cold so that the check itself stays a
// compare and a branch.
[[noreturn, gnu::cold, gnu::noinline]] inline void DcheckFailed(const char* file, int line,
                                                                const char* condition) {
  std::fprintf(stderr, "%s:%d: DCHECK failed: %s\n", file, line, condition);
  std::fflush(stderr);
  std::abort();
}

}  // namespace headroom::base_internal

#ifndef NDEBUG
#define DCHECK(condition)       \
  (static_cast<bool>(condition) \
       ? static_cast<void>(0)   \
       : ::headroom::base_internal::DcheckFailed(__FILE__, __LINE__, #condition))
#else
// Unevaluated (the false branch of a constant condition) but type-checked.
#define DCHECK(condition) \
  (false ? static_cast<void>(static_cast<bool>(condition)) : static_cast<void>(0))
#endif

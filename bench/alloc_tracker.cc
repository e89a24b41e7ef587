#include "alloc_tracker.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace headroom::bench {
namespace {

std::atomic<std::size_t> live{0};
std::atomic<std::size_t> peak{0};

void* Allocate(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  const std::size_t now = live.fetch_add(malloc_usable_size(p)) + malloc_usable_size(p);
  std::size_t seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
  return p;
}

void Free(void* p) {
  if (p == nullptr) return;
  live.fetch_sub(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

std::size_t LiveHeapBytes() { return live.load(); }
std::size_t PeakHeapBytes() { return peak.load(); }
void ResetPeakHeap() { peak.store(live.load()); }

}  // namespace headroom::bench

void* operator new(std::size_t n) { return headroom::bench::Allocate(n); }
void* operator new[](std::size_t n) { return headroom::bench::Allocate(n); }
void operator delete(void* p) noexcept { headroom::bench::Free(p); }
void operator delete[](void* p) noexcept { headroom::bench::Free(p); }
void operator delete(void* p, std::size_t) noexcept { headroom::bench::Free(p); }
void operator delete[](void* p, std::size_t) noexcept { headroom::bench::Free(p); }

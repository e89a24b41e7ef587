#pragma once
// Heap accounting for the benchmarks: this binary replaces the global operator new and delete
// (alloc_tracker.cc) to count the bytes live on the heap and their high-water mark, so that a
// benchmark can report the peak memory of one run in isolation, independent of what the process
// allocated before. Counts malloc_usable_size bytes (what the allocator really reserved).

#include <cstddef>

namespace headroom::bench {

std::size_t LiveHeapBytes();
std::size_t PeakHeapBytes();
// Starts a new high-water mark at the bytes live now.
void ResetPeakHeap();

}  // namespace headroom::bench

#include "base/heap.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace ecomon {

namespace {

#if defined(__GLIBC__)
// Grows the heap (address space only: nothing is touched) by about `bytes` and leaves the growth
// free at its top, where the trim threshold set up below keeps it: pads the heap's next growth by
// that much (M_TOP_PAD), grows it with small blocks (below the mmap threshold, so from the heap)
// until the break moves, and gives them back. Returns the break before and after.
std::pair<std::uintptr_t, std::uintptr_t> grow_heap_top(std::size_t bytes) {
  const auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
  mallopt(M_TOP_PAD, int(std::min<std::size_t>(bytes, 1u << 30)));
  constexpr std::size_t most_blocks = 1024;  // 64 MiB: more free than that below the top, and the heap is not glibc's fresh one
  std::vector<void*> blocks;
  blocks.reserve(most_blocks);
  while (reinterpret_cast<std::uintptr_t>(sbrk(0)) == before && blocks.size() < most_blocks) {
    void* block = malloc(64 << 10);
    if (!block) break;
    blocks.push_back(block);
  }
  const auto after = reinterpret_cast<std::uintptr_t>(sbrk(0));
  for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) free(*b);
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default (mallopt(3)): later growth as usual
  return {before, after};
}

std::atomic<bool> populating{false};
std::mutex populate_mutex;
std::size_t populated_bytes = 0;  // the most asked of populate_heap so far (under populate_mutex)
#endif

}  // namespace

HeapSetup set_up_heap(bool one_arena, std::size_t huge_page_bytes, bool populate) {
  HeapSetup setup;
#if defined(__GLIBC__)
  populating = populate;
#if defined(__SANITIZE_ADDRESS__)
  populating = false;  // the address sanitizer's allocator has no glibc heap to populate
#endif
  // Without one arena, glibc gives each worker thread an arena of 64 MiB heaps, and a strip's blocks
  // freed there go back to the kernel and are faulted in again for the next strip.
  if (one_arena) setup.one_arena = mallopt(M_ARENA_MAX, 1) == 1;
  // glibc's defaults serve each block of a few MB with fresh pages from the kernel (mmap, or the heap
  // trimmed back after every free); keeping freed blocks costs nothing, since memory in flight is
  // bounded by the window budget anyway. The trim threshold also keeps the huge-page stretch below
  // whole at the top of the heap.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
  huge_page_bytes = std::min<std::size_t>(huge_page_bytes, 1u << 30);  // below the trim threshold, with room
  if (huge_page_bytes == 0) {
    setup.note = "no huge pages";
    return setup;
  }
#if defined(__SANITIZE_ADDRESS__)
  setup.note = "no huge pages (the address sanitizer's allocator has no glibc heap to advise)";
  return setup;
#endif
  // glibc advises its heap for huge pages only when a tunable is set at the process's start
  // (glibc.malloc.hugetlb; there is no mallopt for it). The same effect without starting again: grow
  // the heap by the stretch wanted and advise the stretch's whole 2 MiB pages.
  constexpr std::uintptr_t huge_page = 2u << 20;
  const auto [before, after] = grow_heap_top(huge_page_bytes);
  const std::uintptr_t first = (before + huge_page - 1) / huge_page * huge_page, end = after / huge_page * huge_page;
  if (after <= before || end <= first || end - first < huge_page_bytes / 2) {
    setup.note = "no huge pages (the heap could not grow by " + std::to_string(huge_page_bytes >> 20) + " MiB)";
    return setup;
  }
  if (madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE) != 0) {
    setup.note = "no huge pages (the kernel has none to offer)";
    return setup;
  }
  setup.huge_page_bytes = end - first;
  setup.note = std::to_string(setup.huge_page_bytes >> 20) + " MiB advised for huge pages";
#else
  (void)one_arena, (void)huge_page_bytes, (void)populate;
  setup.note = "the system's allocator, as it is";
#endif
  return setup;
}

std::size_t populate_heap(std::size_t bytes) {
#if defined(__GLIBC__)
#ifndef MADV_POPULATE_WRITE
  constexpr int MADV_POPULATE_WRITE = 23;  // Linux 5.14, madvise(2)
#endif
  if (!populating) return 0;
  const std::lock_guard<std::mutex> lock(populate_mutex);
  if (bytes <= populated_bytes) return 0;
  // What the heap holds free at its top (mallinfo2's keepcost), grown to `bytes` when it holds less.
  const std::size_t free_before = mallinfo2().keepcost;
  if (free_before < bytes) grow_heap_top(bytes - free_before);
  const std::uintptr_t page = std::uintptr_t(sysconf(_SC_PAGESIZE));
  const auto top_end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  const std::uintptr_t free_top = std::min<std::uintptr_t>(mallinfo2().keepcost, top_end);
  // Only the first `bytes` of the free top: it may hold far more (a huge-page stretch, or what an
  // earlier, larger pass freed), and populated pages count as the process's memory.
  const std::uintptr_t first = (top_end - free_top + page - 1) / page * page;
  const std::uintptr_t end = std::min<std::uintptr_t>(top_end, first + bytes) / page * page;
  if (end <= first || madvise(reinterpret_cast<void*>(first), end - first, MADV_POPULATE_WRITE) != 0) {
    populating = false;  // a kernel before 5.14 (EINVAL), or no memory to spare: pages are faulted as usual
    return 0;
  }
  populated_bytes = bytes;
  return end - first;
#else
  (void)bytes;
  return 0;
#endif
}

}  // namespace ecomon

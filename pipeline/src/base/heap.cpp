#include "base/heap.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace ecomon {

HeapSetup set_up_heap(bool one_arena, std::size_t huge_page_bytes) {
  HeapSetup setup;
#if defined(__GLIBC__)
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
  // (glibc.malloc.hugetlb; there is no mallopt for it). The same effect without starting again: pad
  // the heap's next growth by the stretch wanted (M_TOP_PAD), grow it with small blocks (below the mmap
  // threshold, so from the heap) until the break moves, give them back (the trim threshold above keeps
  // the stretch), and advise the stretch's whole 2 MiB pages.
  constexpr std::uintptr_t huge_page = 2u << 20;
  const auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
  mallopt(M_TOP_PAD, int(huge_page_bytes));
  constexpr std::size_t most_blocks = 1024;  // 64 MiB: more free than that at the top, and the heap is not glibc's fresh one
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
  (void)one_arena, (void)huge_page_bytes;
  setup.note = "the system's allocator, as it is";
#endif
  return setup;
}

}  // namespace ecomon

#pragma once
// How a long command's heap is set up: one arena, blocks kept for reuse rather than given back to the
// kernel, a first stretch of it backed by transparent huge pages when asked, and the pages a pass of
// strips will use populated in one call rather than faulted one by one.
#include <cstddef>
#include <string>

namespace ecomon {

struct HeapSetup {
  bool one_arena = false;
  std::size_t huge_page_bytes = 0;  // how much of the heap was advised for huge pages (0: none)
  std::string note;                 // for the debug log: what was done, or why not
};

/// Sets glibc's heap up for a command that allocates and frees blocks of a few MB over and over
/// (strips): `one_arena` puts every thread on the main heap; freed blocks stay in the heap for the
/// next strip (no trimming below 2 GiB, no mmap below 32 MiB); and with `huge_page_bytes` > 0 (at
/// most 1 GiB) the heap is grown once by that much (address space only: nothing is touched) and that
/// stretch advised for transparent huge pages, so that the pages a run first touches there are
/// faulted 2 MiB at a time. `populate` lets populate_heap work. Call it first thing in main, before
/// threads start. Without glibc it does nothing.
HeapSetup set_up_heap(bool one_arena, std::size_t huge_page_bytes, bool populate = false);

/// Makes the heap's free top hold at least `bytes` of resident pages, populated by the kernel in one
/// call (MADV_POPULATE_WRITE, Linux 5.14) instead of one page fault per 4 KiB page as a strip first
/// touches them: on this project's virtual machines a page faulted costs about 14 us, a page
/// populated about 5 us in all, the call and its first touch (README: Speed). Only the first `bytes`
/// of the free top are populated, however much it holds. What was asked before counts: a later call
/// with as much or less does nothing; the pages stay in the heap, reused, since freeing keeps them
/// (set_up_heap). Only after set_up_heap(..., populate = true); never under the address sanitizer,
/// without glibc, or once the kernel refused. Safe from any thread. Returns the bytes populated by
/// this call.
std::size_t populate_heap(std::size_t bytes);

}  // namespace ecomon

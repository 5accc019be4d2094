#pragma once
// How a long command's heap is set up: one arena, blocks kept for reuse rather than given back to the
// kernel, and a first stretch of it backed by transparent huge pages.
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
/// faulted 2 MiB at a time. Call it first thing in main, before threads start. Without glibc it does
/// nothing.
HeapSetup set_up_heap(bool one_arena, std::size_t huge_page_bytes);

}  // namespace ecomon

// The heap a run sets up (base/heap.cpp): a stretch advised for transparent huge pages, in which the
// blocks allocated afterwards lie, and which freeing them does not give back to the kernel; pages
// populated in one call, in which a strip's blocks then lie without a page fault each.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/heap.hpp"

namespace {

// The flags (smaps' VmFlags) of the mapping that holds `address`, or "" when none does.
std::string mapping_flags(const void* address) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t first = 0, end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> first >> dash >> end && dash == '-' && line.find(':') > line.find(' ')) {
      inside = first <= at && at < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line.substr(8);
    }
  }
  return "";
}

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

}  // namespace

TEST(Heap, BlocksAllocatedAfterTheSetUpLieInAStretchAdvisedForHugePagesThatFreeingKeeps) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the address sanitizer's allocator replaces glibc's heap";
#endif
  if (!std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) GTEST_SKIP() << "a kernel without transparent huge pages";
  const ecomon::HeapSetup setup = ecomon::set_up_heap(true, std::size_t(256) << 20);
  EXPECT_TRUE(setup.one_arena);  // glibc accepted the setting
  // 256 MiB less at most a 2 MiB page at each end, aligned.
  EXPECT_GE(setup.huge_page_bytes, std::size_t(252) << 20) << setup.note;
  EXPECT_LE(setup.huge_page_bytes, std::size_t(256) << 20) << setup.note;
  EXPECT_EQ(setup.note, std::to_string(setup.huge_page_bytes >> 20) + " MiB advised for huge pages");

  std::vector<void*> blocks;
  for (int i = 0; i < 32; ++i) blocks.push_back(std::malloc(4 << 20));  // a strip's blocks: a few MB each
  const void* heap_end = sbrk(0);
  // Each block's end (the first may begin in the part of a 2 MiB page below the stretch's first whole one).
  for (void* b : blocks) {
    const char* last = static_cast<const char*>(b) + (4 << 20) - 1;
    EXPECT_NE(mapping_flags(last).find(" hg"), std::string::npos) << "block ending at " << static_cast<const void*>(last) << ": " << mapping_flags(last);
  }
  for (void* b : blocks) std::free(b);
  EXPECT_EQ(sbrk(0), heap_end) << "freeing the blocks gave the stretch back";
  void* again = std::malloc(4 << 20);
  EXPECT_NE(mapping_flags(static_cast<const char*>(again) + (4 << 20) - 1).find(" hg"), std::string::npos);
  std::free(again);
}

TEST(Heap, WithoutHugePagesNothingIsAdvised) {
  const ecomon::HeapSetup setup = ecomon::set_up_heap(true, 0);
  EXPECT_EQ(setup.huge_page_bytes, 0u);
  EXPECT_EQ(setup.note, "no huge pages");
}

TEST(Heap, PopulatedPagesTakeAStripsBlocksWithoutAFaultEachAndAreNotPopulatedTwice) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the address sanitizer's allocator replaces glibc's heap";
#endif
  EXPECT_EQ(ecomon::populate_heap(std::size_t(64) << 20), 0u) << "populated before set_up_heap allowed it";
  ecomon::set_up_heap(true, 0, true);
  const std::size_t populated = ecomon::populate_heap(std::size_t(64) << 20);
  if (populated == 0) GTEST_SKIP() << "a kernel without MADV_POPULATE_WRITE (Linux 5.14)";
  EXPECT_GE(populated, std::size_t(63) << 20);  // the free top, less a part page at its start
  EXPECT_EQ(ecomon::populate_heap(std::size_t(32) << 20), 0u) << "asked for less than before";

  // A strip's blocks, a few MB each, written whole: as many faults as pages without the populate.
  const long before = minor_faults();
  std::vector<void*> blocks;
  for (int i = 0; i < 12; ++i) blocks.push_back(std::malloc(4 << 20));
  for (void* b : blocks) std::memset(b, 1, 4 << 20);
  const long faults = minor_faults() - before;
  for (void* b : blocks) std::free(b);
  EXPECT_LT(faults, 12 * 1024 / 8) << "48 MiB of blocks written took " << faults << " page faults (12,288 pages)";

  // Asked for more, it populates only up to what is asked.
  const std::size_t more = ecomon::populate_heap(std::size_t(128) << 20);
  EXPECT_GE(more, std::size_t(63) << 20);
  EXPECT_LE(more, std::size_t(129) << 20);
}

TEST(Heap, OnlyWhatIsAskedIsPopulatedWhenTheFreeTopHoldsMore) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the address sanitizer's allocator replaces glibc's heap";
#endif
  // The huge-page stretch leaves 256 MiB free at the heap's top; a pass asking 64 MiB gets 64.
  ecomon::set_up_heap(true, std::size_t(256) << 20, true);
  const std::size_t populated = ecomon::populate_heap(std::size_t(64) << 20);
  if (populated == 0) GTEST_SKIP() << "a kernel without MADV_POPULATE_WRITE (Linux 5.14)";
  EXPECT_GE(populated, std::size_t(63) << 20);
  EXPECT_LE(populated, std::size_t(64) << 20) << "populated the whole free top, not what was asked";
}

TEST(Heap, NothingIsPopulatedUnlessTheSetUpAllowsIt) {
  ecomon::set_up_heap(true, 0, false);
  EXPECT_EQ(ecomon::populate_heap(std::size_t(64) << 20), 0u);
}

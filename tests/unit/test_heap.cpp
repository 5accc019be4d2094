// The heap a run sets up (base/heap.cpp): a stretch advised for transparent huge pages, in which the
// blocks allocated afterwards lie, and which freeing them does not give back to the kernel.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
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

#include "report/embedded_scripts.hpp"

// The files' bytes in the binary's read-only data, by the assembler's .incbin (the paths come from
// pipeline/CMakeLists.txt); a NUL after each, so that a view of it is also a C string.
#define ECOMON_INCBIN(name, file)                                                                                     \
  __asm__(".section .rodata\n.balign 16\n.hidden " #name "_begin\n.global " #name "_begin\n" #name "_begin:\n.incbin \"" file \
          "\"\n.hidden " #name "_end\n.global " #name "_end\n" #name "_end:\n.byte 0\n.previous\n");                        \
  extern "C" const char name##_begin[];                                                                              \
  extern "C" const char name##_end[];

ECOMON_INCBIN(ecomon_echarts_js, ECOMON_ECHARTS_JS)
ECOMON_INCBIN(ecomon_echarts_license, ECOMON_ECHARTS_LICENSE)
ECOMON_INCBIN(ecomon_echarts_notice, ECOMON_ECHARTS_NOTICE)

namespace ecomon {

std::string_view echarts_js() { return {ecomon_echarts_js_begin, std::size_t(ecomon_echarts_js_end - ecomon_echarts_js_begin)}; }
std::string_view echarts_license() {
  return {ecomon_echarts_license_begin, std::size_t(ecomon_echarts_license_end - ecomon_echarts_license_begin)};
}
std::string_view echarts_notice() { return {ecomon_echarts_notice_begin, std::size_t(ecomon_echarts_notice_end - ecomon_echarts_notice_begin)}; }
std::string_view echarts_version() { return ECOMON_ECHARTS_VERSION; }

}  // namespace ecomon

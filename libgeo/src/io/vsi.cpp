#include "libgeo/io/vsi.hpp"

#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>

#include "libgeo/io/raster.hpp"

namespace geo::io {

std::string read_text_file(const std::string& path) {
  VSILFILE* f = VSIFOpenL(path.c_str(), "rb");
  if (!f) throw IoError(path + ": cannot open");
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = VSIFReadL(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  VSIFCloseL(f);
  return out;
}

std::vector<std::string> list_directory(const std::string& path) {
  char** entries = VSIReadDir(path.c_str());
  std::vector<std::string> out;
  for (char** e = entries; e && *e; ++e)
    if (std::string(*e) != "." && std::string(*e) != "..") out.emplace_back(*e);
  CSLDestroy(entries);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_directory(const std::string& path) {
  VSIStatBufL st;
  return VSIStatL(path.c_str(), &st) == 0 && VSI_ISDIR(st.st_mode);
}

}  // namespace geo::io

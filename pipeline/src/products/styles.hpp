#pragma once
// Colour tables shared by the per-scene and the season products, so a class looks the same in both.
#include <cstdint>
#include <string>
#include <vector>

#include "libgeo/io/raster.hpp"

namespace ecomon {

/// 0 = `no`, 1 = `yes` in the given colour, 255 = no data (transparent).
inline std::vector<geo::io::ColourEntry> binary_colours(const std::string& no, const std::string& yes, std::uint8_t r, std::uint8_t g,
                                                        std::uint8_t b) {
  return {{0, 230, 230, 230, 255, no}, {1, r, g, b, 255, yes}, {255, 0, 0, 0, 0, "no data"}};
}

/// Desertification grades 1-5 (none..extreme), 0 = water (not graded), 255 = no data.
inline std::vector<geo::io::ColourEntry> desert_grade_colours() {
  return {{0, 30, 90, 200, 255, "water (not graded)"},
          {1, 40, 140, 60, 255, "none"},
          {2, 200, 220, 120, 255, "light"},
          {3, 240, 200, 100, 255, "moderate"},
          {4, 220, 130, 60, 255, "severe"},
          {5, 160, 50, 30, 255, "extreme"},
          {255, 0, 0, 0, 0, "no data"}};
}

}  // namespace ecomon

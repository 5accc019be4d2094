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

/// Sandification grades 1-5 (non-sandified..extreme, GB/T 24255), 0 = not graded (water; per season
/// also cropland, wetland, built-up), 255 = no data.
inline std::vector<geo::io::ColourEntry> sandification_grade_colours(const std::string& not_graded,
                                                                     const std::string& none = "non-sandified") {
  return {{0, 30, 90, 200, 255, not_graded},   {1, 40, 140, 60, 255, none},      {2, 200, 220, 120, 255, "light"},
          {3, 240, 200, 100, 255, "moderate"}, {4, 220, 130, 60, 255, "severe"}, {5, 160, 50, 30, 255, "extreme"},
          {255, 0, 0, 0, 0, "no data"}};
}

/// Land cover classes (rules/cell_rules.hpp LandCover), in the ESA WorldCover palette.
inline std::vector<geo::io::ColourEntry> landcover_colours() {
  return {{0, 0, 0, 0, 0, "unknown"},          {1, 0, 100, 0, 255, "tree"},         {2, 255, 187, 34, 255, "shrubland"},
          {3, 255, 255, 76, 255, "grassland"}, {4, 240, 150, 255, 255, "cropland"}, {5, 0, 100, 200, 255, "water"},
          {6, 0, 150, 160, 255, "wetland"},    {7, 180, 180, 180, 255, "bare"},     {8, 250, 0, 0, 255, "built-up"},
          {255, 0, 0, 0, 0, "no data"}};
}

}  // namespace ecomon

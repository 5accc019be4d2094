#pragma once
// The user's land cover layer (landcover.file): any GDAL raster in any CRS, its codes read through a
// scheme (ESA WorldCover, CLCD, or the user's table), put once per run on the regional grid, then
// read strip by strip by the season engine. Where the layer has a class, that class is the cell's
// land cover; the imagery still gives cover, water frequency and the phenology.
#include <array>
#include <memory>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "libgeo/block.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/raster.hpp"
#include "rules/cell_rules.hpp"

namespace ecomon {

/// Code -> class of a scheme: `worldcover`, `clcd`, or `custom` with `custom_codes` ("code=class,...").
/// Codes not in the table map to LandCover::unknown.
std::vector<LandCover> land_cover_code_table(const std::string& scheme, const std::string& custom_codes);

/// Integer codes of a user's file on the regional grid, as a work file (UInt16, tiled), read window
/// by window; the work file is removed with it. `put_on_grid(path)` writes it (GDAL warp or
/// rasterization); an IoError becomes a ConfigError naming the config key.
class CodesOnGrid {
 public:
  static constexpr std::uint16_t kNoData = 65535;
  CodesOnGrid(const std::string& key, const std::string& work_file, const std::function<void(const std::string&)>& put_on_grid);
  ~CodesOnGrid();
  CodesOnGrid(const CodesOnGrid&) = delete;
  CodesOnGrid& operator=(const CodesOnGrid&) = delete;
  /// The codes over a window of the grid (kNoData where the file has none).
  geo::Block<std::uint16_t> read(const geo::Window& window) const { return reader_->read<std::uint16_t>(window); }

 private:
  std::string path_;
  std::unique_ptr<geo::io::RasterReader> reader_;
};

class LandCoverLayer {
 public:
  /// Warps landcover.file onto `grid` (into `work_dir`) and checks its codes against the scheme:
  /// when most of its cells carry codes the scheme does not know, the scheme is wrong (ConfigError
  /// naming the file, the scheme and the codes found). The warped copy is removed with the layer.
  LandCoverLayer(const LandcoverSection& settings, const geo::Grid& grid, const std::string& work_dir);

  /// The layer's classes over a window of the grid (unknown where it has no data or no class).
  geo::Block<LandCover> read(const geo::Window& window) const;
  /// "layer:<scheme>", as the method column names the land cover source.
  const std::string& method() const { return method_; }

 private:
  std::string method_;
  std::vector<LandCover> table_;
  CodesOnGrid codes_;
};

/// The grassland-type layer (landcover.grassland_types_file): a raster of type codes, or polygons
/// with an integer type field (landcover.grassland_type_field), put once per run on the regional
/// grid. Each type's grassland cover is calibrated by the plots on that type when it has enough
/// (ground/plots.hpp), and a unit's cover is the types' covers weighted by their grassland areas.
class GrasslandTypeLayer {
 public:
  static constexpr std::uint16_t kNoType = 0;  // cells outside every typed polygon / the raster's no data
  GrasslandTypeLayer(const LandcoverSection& settings, const geo::Grid& grid, const std::string& work_dir);
  /// Type codes over a window of the grid (kNoType where none).
  geo::Block<std::uint16_t> read(const geo::Window& window) const;

 private:
  CodesOnGrid codes_;
};

}  // namespace ecomon

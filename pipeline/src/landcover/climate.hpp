#pragma once
// Monthly climate rasters a user provides for the CASA productivity model (carbon.casa.climate_dir):
// for each month of a year, `tmp_YYYYMM.tif` (mean air temperature, C), `pre_YYYYMM.tif`
// (precipitation, mm per month) and `sol_YYYYMM.tif` (total solar radiation, MJ/m2 per month), in
// any CRS and resolution GDAL reads. Climate fields are smooth: each is warped once (bilinear) onto
// a coarse copy of the regional grid, cells of about 1 km (a work file, 1/1000th of the grid's cells
// at 30 m), and read per strip, interpolated bilinearly onto the grid's cells.
#include <array>
#include <memory>
#include <string>

#include "libgeo/block.hpp"
#include "libgeo/grid.hpp"

namespace geo::io {
class RasterReader;
}

namespace ecomon {

class ClimateLayers {
 public:
  enum Variable { temperature = 0, precipitation = 1, radiation = 2 };
  static constexpr const char* kPrefixes[3] = {"tmp", "pre", "sol"};

  /// The year's 36 rasters from `dir` on `grid` (work files in `work_dir`); null and `problem` set
  /// (the missing files, or a file GDAL cannot read) when the year is incomplete.
  static std::unique_ptr<ClimateLayers> prepare(const std::string& dir, int year, const geo::Grid& grid, const std::string& work_dir,
                                                std::string& problem);
  ~ClimateLayers();
  ClimateLayers(const ClimateLayers&) = delete;
  ClimateLayers& operator=(const ClimateLayers&) = delete;

  /// Checks the units of every climate raster in `dir` (tmp_/pre_/sol_YYYYMM.tif) from its values:
  /// temperature in C (a file above 60 is in kelvin?), precipitation in mm per month (above 3,000 in a
  /// month; a year whose wettest cell and month is under 1: in metres?), solar radiation in MJ/m2
  /// per month (above 1,500: kJ/m2, or W/m2 summed?); nothing negative but temperature. Throws
  /// ConfigError naming the file, the value found and the unit expected.
  static void check_units(const std::string& dir);

  /// Every variable's 12 months over `window`: [variable * 12 + month (0-11)].
  std::array<geo::Block<float>, 36> read(const geo::Window& window) const;

 private:
  ClimateLayers() = default;
  geo::Grid grid_, coarse_;
  int factor_ = 1;  // grid cells per coarse cell, each way
  std::array<std::string, 36> files_;
  std::array<std::unique_ptr<geo::io::RasterReader>, 36> readers_;
};

}  // namespace ecomon

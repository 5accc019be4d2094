#pragma once
// Pictures of rasters for reports and pages: a single band read at a chosen width (GDAL's overviews
// do the work), coloured by its classes or by a colour ramp, nodata transparent, encoded as PNG.
#include <string>
#include <vector>

#include "libgeo/grid.hpp"
#include "libgeo/io/raster.hpp"

namespace geo::io {

/// A colour ramp over physical values (raw x scale + offset): stops in ascending value, colours
/// interpolated linearly between them, clamped outside.
struct RampStop {
  double value;
  std::uint8_t r, g, b;
};

struct RasterPicture {
  std::string png;  // the PNG file's bytes
  Grid grid;        // the picture's pixels on the map: the raster's extent and CRS at the picture's size
};

/// Renders band 1 of `path` at most `max_width` pixels wide (and as tall as keeps the cells square).
/// Class rasters (`classes` not empty): each value in its colour, nearest neighbour (a class is never
/// averaged into another); otherwise `ramp` over the physical values, averaged. Nodata and values
/// not listed are transparent. A paletted PNG (index 0 transparent): at most 255 classes; a ramp in
/// 255 even steps over its stops' range. Deterministic: the same file gives the same bytes. Throws IoError
/// naming the file (a FIFO, socket or device is refused before it is opened). `to_crs` (a CRS PROJ
/// knows, e.g. "EPSG:3857" for a web map): the picture warped into it by nearest neighbour (its colours
/// are never mixed), transparent outside the raster; the returned grid is then the warped picture's,
/// so that a map places it exactly.
RasterPicture render_raster_png(const std::string& path, const std::vector<ColourEntry>& classes, const std::vector<RampStop>& ramp,
                                int max_width, const std::string& to_crs = "");

}  // namespace geo::io

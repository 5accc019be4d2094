#pragma once
// The maps of report.html drawn from the run's own rasters: per product and year a picture of the
// raster (report_files/map_<year>_<PRODUCT>.png) under an SVG of the county outlines and names, a
// scale bar and a north arrow, with a legend of class names or of the colour ramp and its unit.
#include <string>
#include <vector>

#include "libgeo/io/picture.hpp"
#include "report/report_writer.hpp"

namespace ecomon {

/// A product the maps draw, in one language: its name, title and unit, and its legend (each class's
/// name and colour, or the ramp's stops with their values).
struct MapLegendEntry {
  std::string label, colour;  // colour as CSS #rrggbb
};
struct MapProduct {
  std::string name, title, unit;
  std::vector<MapLegendEntry> legend;
};
/// The products the report maps, in its order.
std::vector<MapProduct> map_products(bool zh);
/// The picture of `product` (a name of map_products()) from its raster at `path`, at most `max_width`
/// pixels wide, coloured as the report colours it; warped into `to_crs` when given (a web map's
/// "EPSG:3857"). Throws std::out_of_range for a product the maps do not draw.
geo::io::RasterPicture draw_map_product(const std::string& product, const std::string& path, int max_width, const std::string& to_crs = "");

/// Draws the pictures into `folder` (report_files/ beside the report) and returns the HTML of the
/// figures, their `<img>`s naming `folder_href` + file. Chinese words when `zh`. Empty when no year
/// has a product to draw.
std::string raster_map_figures(const RunResults& results, bool zh, const std::string& folder, const std::string& folder_href);

}  // namespace ecomon

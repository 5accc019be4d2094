#pragma once
// The maps of report.html drawn from the run's own rasters: per product and year a picture of the
// raster (report_files/map_<year>_<PRODUCT>.png) under an SVG of the county outlines and names, a
// scale bar and a north arrow, with a legend of class names or of the colour ramp and its unit.
#include <string>

#include "report/report_writer.hpp"

namespace ecomon {

/// Draws the pictures into `folder` (report_files/ beside the report) and returns the HTML of the
/// figures, their `<img>`s naming `folder_href` + file. Chinese words when `zh`. Empty when no year
/// has a product to draw.
std::string raster_map_figures(const RunResults& results, bool zh, const std::string& folder, const std::string& folder_href);

}  // namespace ecomon

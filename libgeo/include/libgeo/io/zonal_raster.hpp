#pragma once
// Coverage-weighted statistics of one raster band under zones (exactextract's semantics, see
// libgeo/zonal.hpp): the pass behind `ecomon zonal` and a server's /statistics. Only the zones'
// window of the raster is read, in strips; each row is accumulated in column order and rows are
// merged in row order, so the figures do not depend on the strip height or the thread count.
#include <vector>

#include "libgeo/io/raster.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/zonal.hpp"

namespace geo::io {

struct ZonalRasterOptions {
  int band = 1;
  bool raw = false;                     // digital numbers as stored (default: the band's scale and offset applied)
  bool distribution = false;            // keep every value's weight (median, quantiles, majority, histogram)
  const RasterReader* weights = nullptr;  // weighted_mean: a raster on the same grid weighting each cell
  int strip_rows = 256;
  int threads = 1;  // the rows of each strip tallied on that many threads; the figures are the same for any count
};

struct ZoneValues {
  WeightedStats stats;         // the valid cells, weight = coverage fraction
  WeightedStats weighted;      // the valid cells with a valid weight, weight = coverage x weight
  ValueDistribution values;    // when options.distribution
  double masked_weight = 0;    // the coverage weight of the no-data cells under the zone
};

/// One ZoneValues per zone (zones in the raster's CRS). Throws IoError naming the file for a band
/// it lacks or a weights raster on another grid.
std::vector<ZoneValues> zonal_statistics(const RasterReader& raster, const std::vector<Zone>& zones, const ZonalRasterOptions& options);

}  // namespace geo::io

#include "libgeo/io/zonal_raster.hpp"

#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>

namespace geo::io {

std::vector<ZoneValues> zonal_statistics(const RasterReader& raster, const std::vector<Zone>& zones, const ZonalRasterOptions& o) {
  const Grid& grid = raster.grid();
  if (o.band < 1 || o.band > raster.band_count())
    throw IoError(raster.path() + ": band " + std::to_string(o.band) + " requested but the file has " + std::to_string(raster.band_count()));
  if (o.weights) {
    const Grid& wg = o.weights->grid();
    if (wg.cols != grid.cols || wg.rows != grid.rows || !(wg.transform == grid.transform))
      throw IoError(o.weights->path() + ": not on the grid of " + raster.path() + " (" + std::to_string(wg.cols) + " x " +
                    std::to_string(wg.rows) + " cells against " + std::to_string(grid.cols) + " x " + std::to_string(grid.rows) +
                    ", or another origin or cell size); warp it first (gdalwarp -tap)");
  }
  const std::optional<double> nodata = raster.nodata(o.band);
  const std::optional<double> weight_nodata = o.weights ? o.weights->nodata(1) : std::nullopt;
  // Physical values (raw x scale + offset, as the file declares them) unless raw.
  const std::pair<double, double> scale_offset = o.raw ? std::pair<double, double>{1.0, 0.0} : raster.scale_offset(o.band);
  const double scale = scale_offset.first, offset = scale_offset.second;

  const ZoneCover cover = zone_cover(zones, grid);
  std::vector<ZoneValues> out(zones.size());
  const Window all = cover.bounding_window();
  if (all.empty()) return out;
  // Each value's weight summed in a hash table while the cells stream (a sorted map per cell was
  // most of the time), then handed to the ordered distribution once: the same sums, added in the
  // same cell order, so the same figures.
  std::vector<std::unordered_map<double, double>> weight_of(o.distribution ? zones.size() : 0);
  for (const Window& strip : strips(all, o.strip_rows)) {
    std::optional<Block<double>> values, cell_weights;  // read once a zone touches the strip
    cover.for_each_row(strip, [&](std::size_t z, int row, int col0, const double* fraction, int cells) {
      if (!values) values = raster.read<double>(strip, o.band);
      if (o.weights && !cell_weights) cell_weights = o.weights->read<double>(strip, 1);
      WeightedStats row_stats, row_weighted;  // one row in column order, then rows in order: deterministic
      double row_masked = 0;
      for (int k = 0; k < cells; ++k) {
        if (!(fraction[k] > 0)) continue;
        const double raw = values->at(row - strip.row0, col0 - strip.col0 + k);
        if (std::isnan(raw) || (nodata && raw == *nodata)) {
          row_masked += fraction[k];
          continue;
        }
        const double v = raw * scale + offset;
        row_stats.add(v, fraction[k]);
        if (o.distribution) weight_of[z][v] += fraction[k];
        if (cell_weights) {
          const double w = cell_weights->at(row - strip.row0, col0 - strip.col0 + k);
          if (!std::isnan(w) && !(weight_nodata && w == *weight_nodata)) row_weighted.add(v, fraction[k] * w);
        }
      }
      out[z].stats.merge(row_stats);
      out[z].weighted.merge(row_weighted);
      out[z].masked_weight += row_masked;
    });
  }
  for (std::size_t z = 0; z < weight_of.size(); ++z) out[z].values.weight_of.insert(weight_of[z].begin(), weight_of[z].end());
  return out;
}

}  // namespace geo::io

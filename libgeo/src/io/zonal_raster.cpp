#include "libgeo/io/zonal_raster.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace geo::io {

namespace {

// One zone's part of one grid row: what its cells add, kept until the rows are merged in order.
struct RowPart {
  std::size_t zone = 0;
  int row = 0;
  WeightedStats stats, weighted;
  double masked = 0;
  std::vector<std::pair<double, double>> values;  // (value, coverage) in column order: the distribution's
};

}  // namespace

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
  // Each value's weight summed in a hash table (a sorted map per cell was most of the time), then
  // handed to the ordered distribution once: per value, the same sums in the same cell order.
  std::vector<std::unordered_map<double, double>> weight_of(o.distribution ? zones.size() : 0);
  const int threads = std::max(1, o.threads);
  for (const Window& strip : strips(all, o.strip_rows)) {
    bool touched = false;
    for (std::size_t z = 0; z < cover.size() && !touched; ++z) touched = !cover.window(z).intersect(strip).empty();
    if (!touched) continue;
    const Block<double> values = raster.read<double>(strip, o.band);
    std::optional<Block<double>> cell_weights;
    if (o.weights) cell_weights = o.weights->read<double>(strip, 1);
    // The strip's rows in bands, one a thread: each row of each zone tallied on its own (coverage
    // fractions and cells in column order), then merged zone by zone, rows in order, as one pass
    // over the strip would merge them: the same figures for any thread count.
    const int bands = std::min(threads, strip.rows);
    std::vector<std::vector<RowPart>> parts(std::size_t(bands), std::vector<RowPart>{});
    std::vector<std::exception_ptr> failed(static_cast<std::size_t>(bands));
    const auto tally_band = [&](int b) {
      try {
        const int r0 = strip.row0 + int(std::int64_t(strip.rows) * b / bands), r1 = strip.row0 + int(std::int64_t(strip.rows) * (b + 1) / bands);
        cover.for_each_row(Window{strip.col0, r0, strip.cols, r1 - r0}, [&](std::size_t z, int row, int col0, const double* fraction, int cells) {
          RowPart part;
          part.zone = z, part.row = row;
          for (int k = 0; k < cells; ++k) {
            if (!(fraction[k] > 0)) continue;
            const double raw = values.at(row - strip.row0, col0 - strip.col0 + k);
            if (std::isnan(raw) || (nodata && raw == *nodata)) {
              part.masked += fraction[k];
              continue;
            }
            const double v = raw * scale + offset;
            part.stats.add(v, fraction[k]);
            if (o.distribution) part.values.emplace_back(v, fraction[k]);
            if (cell_weights) {
              const double w = cell_weights->at(row - strip.row0, col0 - strip.col0 + k);
              if (!std::isnan(w) && !(weight_nodata && w == *weight_nodata)) part.weighted.add(v, fraction[k] * w);
            }
          }
          parts[std::size_t(b)].push_back(std::move(part));
        });
      } catch (...) {
        failed[std::size_t(b)] = std::current_exception();
      }
    };
    std::vector<std::thread> helpers;
    for (int b = 1; b < bands; ++b) helpers.emplace_back(tally_band, b);
    tally_band(0);
    for (std::thread& t : helpers) t.join();
    for (const std::exception_ptr& e : failed)
      if (e) std::rethrow_exception(e);
    std::vector<const RowPart*> ordered;
    for (const auto& band : parts)
      for (const RowPart& part : band) ordered.push_back(&part);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const RowPart* a, const RowPart* b) { return std::tie(a->zone, a->row) < std::tie(b->zone, b->row); });
    for (const RowPart* part : ordered) {
      ZoneValues& zone = out[part->zone];
      zone.stats.merge(part->stats);
      zone.weighted.merge(part->weighted);
      zone.masked_weight += part->masked;
      for (const auto& [v, w] : part->values) weight_of[part->zone][v] += w;
    }
  }
  for (std::size_t z = 0; z < weight_of.size(); ++z) out[z].values.weight_of.insert(weight_of[z].begin(), weight_of[z].end());
  return out;
}

}  // namespace geo::io

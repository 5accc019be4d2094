#pragma once
// Yearly season composites on one regional equal-area grid, and the series and trends built on them.
//
// Design: every scene of a year, whatever its sensor or UTM zone, is sampled (nearest
// neighbour) onto one fixed regional grid in an equal-area CRS. Each grid cell is a ground location
// counted exactly once, whatever the overlap of scenes; its true area is the same everywhere (equal
// area), so a county's area is the coverage-weighted count of cells. Observations of a cell are
// taken in (date, product id) order, and a second clear observation of the same day (overlapping
// scenes of one pass) is ignored, so results do not depend on the order scenes are found in.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ground/plots.hpp"
#include "ground/reference_sample.hpp"
#include "config/settings.hpp"
#include "results/year_result.hpp"
#include "rules/zone_tally.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/vector.hpp"
#include "base/csv.hpp"
#include "base/fields.hpp"
#include "engine/season_source.hpp"
#include "sensors/observation.hpp"

namespace ecomon {

/// Per cell of `w` (row-major), the zone (index) that covers at least half of it, the most covering
/// one (the later on a tie); -1 none. The rule that gives sample units, plots and sample-design's
/// strata their zone.
std::vector<int> zones_of_cells(const geo::ZoneCover& zones, const geo::Window& w);
inline int zone_of_cell(const geo::ZoneCover& zones, int col, int row) { return zones_of_cells(zones, geo::Window{col, row, 1, 1})[0]; }

/// The year's map as a reference sample's design may have been drawn on it: each zone's code and
/// mapped class areas (its tally's), and the cell area of the regional grid (equal-area).
SampleFrame sample_frame(const std::vector<geo::io::Zone>& zones, const std::vector<ZoneTally>& tallies, double cell_area);
/// The cell area of the regional (equal-area) grid, m^2.
double regional_cell_area(const geo::Grid& grid);

struct YearAncillary;
/// A year reloaded from a catalog: its calibration line and its sample's estimates fitted again from
/// the stored matches, as composite_year fits them (`ground`: the plots and the sample; `zones`: the
/// year's zones on `grid`, for each unit's designated shrubland and the design's frame).
void refit_stored_year(YearResult& y, const YearAncillary& ground, const Settings& settings, const std::vector<geo::io::Zone>& zones,
                       const geo::Grid& grid);

class LandCoverLayer;
class GrasslandTypeLayer;
class ClimateLayers;

/// What a year may use besides its scenes: ground plots to calibrate with, a land cover layer.
struct YearAncillary {
  const std::vector<GroundPlot>* plots = nullptr;         // calibration.plots_file (all years; each plot calibrates its own)
  const LandCoverLayer* land_cover = nullptr;             // landcover.file on the regional grid
  const std::vector<ReferenceSample>* samples = nullptr;  // accuracy.samples_file (each unit labels its year, or every year)
  const GrasslandTypeLayer* grassland_types = nullptr;    // landcover.grassland_types_file on the regional grid
  const ClimateLayers* climate = nullptr;                  // carbon.casa.climate_dir's rasters of the year on the regional grid
};

/// The regional grid: the zones' bounding box in `season.grid_crs`, cut to the union of the scene
/// footprints, snapped outwards to `season.pixel_size`. Empty when they do not meet.
geo::Grid regional_grid(const std::vector<SceneProbe>& scenes, const std::vector<geo::io::Zone>& zones_in_grid_crs,
                        const Settings& settings);

/// A zone's tally of one row of the regional grid: the unit a year merges, in row order, so that its
/// sums are the same bytes whatever the strips or tiles the rows were made in.
struct ZoneRowTally {
  int zone = 0, row = 0;
  ZoneTally tally;
  static constexpr auto fields() {
    return std::make_tuple(field("zone", &ZoneRowTally::zone), field("row", &ZoneRowTally::row), field("tally", &ZoneRowTally::tally));
  }
};

/// What a season tile task made (composite_tile): a band of rows of the regional grid, full width.
/// Each zone's row tallies (rows a zone does not reach left out: merging them changes nothing), by
/// zone then row; each source's footprint runs and the ground matches of the rows, in row order;
/// each season product's rows as a plain GeoTIFF of the tile (by position in season_products(), ""
/// for a product the year does not write).
struct SeasonTile {
  int row0 = 0, rows = 0;
  std::vector<ZoneRowTally> zone_rows;
  std::vector<std::vector<std::int32_t>> footprints;
  std::vector<PlotMatch> plot_matches, sample_matches;
  std::vector<std::string> product_files;
  static constexpr auto fields() {
    return std::make_tuple(field("row0", &SeasonTile::row0), field("rows", &SeasonTile::rows), field("zone_rows", &SeasonTile::zone_rows),
                           field("footprints", &SeasonTile::footprints), field("plot_matches", &SeasonTile::plot_matches),
                           field("sample_matches", &SeasonTile::sample_matches),
                           field<Storage::path>("product_files", &SeasonTile::product_files));
  }
};

/// The season's tiles: bands of run.tile_rows rows of the regional grid, full width, top to bottom.
/// Full width because every rule's neighbourhood (the patch rule, the majority, the September rule)
/// reaches across rows by a halo a band reads, never across a column cut.
std::vector<geo::Window> season_tiles(const geo::Grid& grid, int tile_rows);

/// The season products a year writes, selected or as work files (a tile task's key holds them: a
/// tile is taken only by a year that writes the same products).
std::string season_products_written(const Settings& settings);

/// A tile a shard made (`ecomon run --shard`), by its index and rows; none: made by the year itself.
using DoneSeasonTile = std::function<std::optional<SeasonTile>(std::size_t tile, const geo::Window& rows)>;

/// One year's composites (products under output.dir/years/YYYY/) and zone tallies, from the season
/// inputs of the year's scenes (engine/season_source.hpp). With ground plots, the plots dated in the
/// year are matched to the peak composite and the calibration fitted; with a land cover layer, its
/// classes are the cells' land cover where it has one. With `done_tile`, the year goes tile by tile
/// and takes each tile a shard made instead of making it: the same bytes either way.
YearResult composite_year(int year, const std::vector<SeasonSource*>& sources, const geo::Grid& grid,
                          const std::vector<geo::io::Zone>& zones, const Settings& settings, const std::string& work_dir,
                          const YearAncillary& ancillary = {}, const DoneSeasonTile& done_tile = {});

/// One season tile task: the year's strips of `rows` (a tile of season_tiles()), its product rows
/// written as plain GeoTIFFs into `tile_dir`, what composite_year takes of it returned.
SeasonTile composite_tile(int year, const std::vector<SeasonSource*>& sources, const geo::Grid& grid,
                          const std::vector<geo::io::Zone>& zones, const Settings& settings, const std::string& work_dir,
                          const YearAncillary& ancillary, const geo::Window& rows, const std::string& tile_dir);

/// Per-pixel Theil-Sen slope and Mann-Kendall class of the yearly FVC (needs 3 years of products);
/// returns the paths written under output.dir/trends/.
/// Whether output.products selects a trend raster (FVC_TREND_SLOPE, FVC_TREND_CLASS).
bool trends_selected(const OutputSection& output);

std::vector<std::string> pixel_trends(const std::vector<YearResult>& years, const geo::Grid& grid, const Settings& settings,
                                      const std::string& work_dir);

/// Month-day ("07-15") of a YYYY-MM-DD date.
inline std::string month_day(const std::string& date) { return date.size() >= 10 ? date.substr(5, 5) : ""; }

}  // namespace ecomon

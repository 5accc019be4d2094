#include "engine/season_engine.hpp"

#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <thread>

#include "config/cell_rules_from.hpp"
#include "config/schema.hpp"
#include "libgeo/cell_area.hpp"
#include "libgeo/components.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/indices.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/trend.hpp"
#include "base/output_folder.hpp"
#include "engine/season_tally.hpp"
#include "engine/strip_runner.hpp"
#include "engine/transitions.hpp"
#include "ground/table_fields.hpp"
#include "landcover/climate.hpp"
#include "landcover/layer.hpp"
#include "rules/casa.hpp"
#include "rules/cell_rules.hpp"
#include "products/index_products.hpp"
#include "products/product_specs.hpp"
#include "products/season_cell.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// season
const ConfigKeys keys_season(100, {
    {KEY(season, enabled),
     Kind::boolean,
     "",
     0,
     0,
     {},
     "Build yearly season composites on the regional grid, county_timeseries.csv and county_trends.csv."},
    {KEY(season, start), Kind::month_day, "", 0, 0, {}, "First day of the peak-season window (grassland cover is surveyed at its peak)."},
    {KEY(season, end), Kind::month_day, "", 0, 0, {}, "Last day of the peak-season window."},
    {KEY(season, spring_start), Kind::month_day, "", 0, 0, {}, "Spring window for the forest phenology rule (crops are not yet green)."},
    {KEY(season, spring_end), Kind::month_day, "", 0, 0, {}, "End of the spring window."},
    {KEY(season, autumn_start),
     Kind::month_day,
     "",
     0,
     0,
     {},
     "Autumn window for the forest phenology rule (crops senesce, are harvested)."},
    {KEY(season, autumn_end), Kind::month_day, "", 0, 0, {}, "End of the autumn window."},
    {KEY(season, grid_crs),
     Kind::text,
     "",
     0,
     0,
     {},
     "CRS of the regional output grid: a projected CRS in metres (PROJ/EPSG/WKT string; geographic CRSs are refused). Equal-area, so "
     "every cell has the same true area and every ground location is counted once, whatever the scenes' UTM zones."},
    {KEY(season, pixel_size), Kind::number, "m", 5, 2000, {}, "Cell size of the regional grid."},
    {KEY(season, method_min_share),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "A zone-year's method is named by the rules that decided most of it: the phenology rule and the land cover from both seasons when "
     "at least this share of its observed area was seen in a shoulder window (else `canopy_only` / `peak_only`). A change of method "
     "between years is a method step: the series marks it and the trend test starts after it."}
});

// trend
const ConfigKeys keys_trend(150, {
    {KEY(trend, alpha), Kind::number, "", 0.001, 0.5, {}, "Significance level of the Mann-Kendall test."}
});

}  // namespace

using geo::Block;
using geo::Window;

namespace {

constexpr int kLattice = 16;  // source coordinates are computed exactly every 16 cells, interpolated between

// An index at its product encoding (int16 x 1e-4) as a number; the season products encode it back
// to the same int16 (products/season_products.cpp).
inline float decode_index(std::int16_t raw) { return float(raw) / 1e4f; }

// Bounding box of a grid's extent transformed into another CRS (edges densified).
geo::Box transformed_extent(const geo::Grid& g, const std::string& to_crs) {
  const geo::Box e = g.extent();
  std::vector<geo::Point> pts;
  for (int i = 0; i <= 20; ++i) {
    const double t = i / 20.0;
    pts.push_back({e.xmin + t * (e.xmax - e.xmin), e.ymin});
    pts.push_back({e.xmin + t * (e.xmax - e.xmin), e.ymax});
    pts.push_back({e.xmin, e.ymin + t * (e.ymax - e.ymin)});
    pts.push_back({e.xmax, e.ymin + t * (e.ymax - e.ymin)});
  }
  geo::io::CoordinateTransformer(g.crs_wkt, to_crs).transform(pts);
  geo::Box b = geo::Box::none();
  for (const auto& p : pts)
    if (std::isfinite(p.x) && std::isfinite(p.y)) b.include(p.x, p.y);
  return b;
}

// One source's part of a strip: for every cell of the grown strip, the index into `obs` or -1.
struct SourceSample {
  std::size_t source = 0;
  std::vector<std::int32_t> index;
  IndexObservations obs;
};

struct SeasonStrip : StripWindows {
  std::vector<SourceSample> samples;
  ProductBlocks outputs;  // over `core`, one per season product
  std::vector<std::vector<ZoneTally>> zone_rows;
  std::vector<PlotMatch> plot_matches;        // the ground plots in the core rows
  std::vector<PlotMatch> sample_matches;      // the reference sample units in the core rows
  SourceFootprints footprints;                // by source: its cells with data in the core rows
  geo::Block<LandCover> layer_classes;        // over `grown`: the land cover layer's classes (with landcover.file)
  geo::Block<std::uint16_t> grassland_types;  // over `grown`: the grassland-type codes (with landcover.grassland_types_file)
  std::array<geo::Block<float>, 36> climate;  // over `grown`: the year's monthly climate (with carbon.casa.climate_dir)
};

struct SourceWindows {
  bool season = false, spring = false, autumn = false;
  int date_ordinal = 0;
  int month = 0;  // 0-11, for the CASA model's monthly NDVI
};

// What the season's reader and compute stages share for one year.
struct YearInputs {
  const geo::Grid& grid;
  std::vector<SeasonSource*> sources;                                                // in (date, id) order, each in some window
  std::vector<SourceWindows> windows;                                                // by source
  std::vector<Window> footprints;                                                    // by source, on the grid
  std::map<std::string, std::unique_ptr<geo::io::CoordinateTransformer>> to_source;  // grid -> source CRS
  const std::vector<geo::io::Zone>& zones;
  geo::ZoneCover zone_cover;  // the zones on the grid
  CellRules rules;
  const geo::CellAreaModel& area_model;
  double min_patch;
  int patch_halo;                       // rows the patch rule needs around a strip's core
  int autumn_radius = 0;                // cells of landcover.autumn_reference_radius_m (0 in a season without both May and September)
  int autumn_smoothing = 0;             // cells of landcover.autumn_smoothing_radius_m
  std::vector<SeasonZone> season_zones;  // by zone: what its tallies read of it (forest.special_shrubland)
  std::vector<PlotCell> plot_cells;     // the year's ground plots on the grid, by row
  std::vector<PlotCell> sample_cells;   // the year's reference sample units on the grid, by row
  const LandCoverLayer* layer;          // landcover.file, or null
  const GrasslandTypeLayer* types;      // landcover.grassland_types_file, or null
  const ClimateLayers* climate;         // carbon.casa.climate_dir's year on the grid, or null (no NPP)
  // The season indices the rules read, by slot (products/index_products.hpp), and which need a median.
  std::size_t ndvi_slot = season_index_slot("NDVI"), mndwi_slot = season_index_slot("MNDWI");
  std::vector<std::size_t> median_slots = slots_with_a_median();

  static std::vector<std::size_t> slots_with_a_median() {
    std::vector<std::size_t> out = {season_index_slot("NDVI")};  // the land cover's green ratios
    for (std::size_t k = 0; k < season_indices().size(); ++k)
      for (const SeasonComposite& composite : season_indices()[k]->season)
        if (composite.statistic == SeasonComposite::Statistic::median && std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
    return out;
  }
};

// Reader stage: for every source over the strip, the source pixel under each cell (nearest
// neighbour) and the source window read for them.
void sample_sources(SeasonStrip& strip, const YearInputs& in) {
  const geo::Grid& grid = in.grid;
  const auto& sources = in.sources;
  const auto& footprints = in.footprints;
  const auto& to_source = in.to_source;

  SeasonStrip* st = &strip;
  const Window& g = st->grown;
  if (in.layer) st->layer_classes = in.layer->read(g);
  if (in.types) st->grassland_types = in.types->read(g);
  if (in.climate) st->climate = in.climate->read(g);
  for (std::size_t k = 0; k < sources.size(); ++k) {
    if (footprints[k].intersect(g).empty()) {
      // Strips only move down: a source whose footprint ends above this one is done with, and what
      // it holds (a block row of each product, full width) is freed now, not at the year's end. A
      // region of many scenes north to south then holds the scenes under the strip only.
      if (footprints[k].row_end() <= g.row0) sources[k]->release();
      continue;
    }
    // Source coordinates of the cell centres: exact on a 16-cell lattice, bilinear between. The
    // lattice is the grid's (nodes at multiples of kLattice from its origin), not the strip's, so
    // that a cell's source pixel is the same whatever strip holds it: strip heights follow the
    // thread count and the memory budget.
    const int base_c = g.col0 / kLattice, base_r = g.row0 / kLattice;
    const int lc = (g.col0 + g.cols - 1) / kLattice - base_c + 2, lr = (g.row0 + g.rows - 1) / kLattice - base_r + 2;
    std::vector<geo::Point> nodes(std::size_t(lc * lr));
    for (int a = 0; a < lr; ++a)
      for (int b = 0; b < lc; ++b)
        nodes[std::size_t(a * lc + b)] = {grid.transform.col_to_x((base_c + b) * kLattice + 0.5),
                                          grid.transform.row_to_y((base_r + a) * kLattice + 0.5)};
    to_source.at(sources[k]->grid().crs_wkt)->transform(nodes);
    const geo::Grid& sg = sources[k]->grid();
    std::vector<std::int32_t> col(std::size_t(g.size())), row(std::size_t(g.size()));
    int c0 = std::numeric_limits<int>::max(), r0 = c0, c1 = -1, r1 = -1;
    for (int r = 0; r < g.rows; ++r) {
      const int grid_row = g.row0 + r, a = grid_row / kLattice - base_r;
      const double tr = double(grid_row % kLattice) / kLattice;
      for (int c = 0; c < g.cols; ++c) {
        const int grid_col = g.col0 + c, b = grid_col / kLattice - base_c;
        const double tc = double(grid_col % kLattice) / kLattice;
        const geo::Point& p00 = nodes[std::size_t(a * lc + b)];
        const geo::Point& p01 = nodes[std::size_t(a * lc + b + 1)];
        const geo::Point& p10 = nodes[std::size_t((a + 1) * lc + b)];
        const geo::Point& p11 = nodes[std::size_t((a + 1) * lc + b + 1)];
        const double x = (p00.x + (p01.x - p00.x) * tc) * (1 - tr) + (p10.x + (p11.x - p10.x) * tc) * tr;
        const double y = (p00.y + (p01.y - p00.y) * tc) * (1 - tr) + (p10.y + (p11.y - p10.y) * tc) * tr;
        const double fc_ = sg.transform.x_to_col(x), fr = sg.transform.y_to_row(y);
        const std::size_t i = std::size_t(r) * g.cols + c;
        if (!(fc_ >= 0 && fc_ < sg.cols && fr >= 0 && fr < sg.rows)) {
          col[i] = -1;
          continue;
        }
        col[i] = std::int32_t(fc_);
        row[i] = std::int32_t(fr);
        c0 = std::min(c0, col[i]), c1 = std::max(c1, col[i]), r0 = std::min(r0, row[i]), r1 = std::max(r1, row[i]);
      }
    }
    if (c1 < 0) continue;
    SourceSample sample;
    sample.source = k;
    const Window sw{c0, r0, c1 - c0 + 1, r1 - r0 + 1};
    sample.index.resize(col.size());
    for (std::size_t i = 0; i < col.size(); ++i) sample.index[i] = col[i] < 0 ? -1 : (row[i] - r0) * sw.cols + (col[i] - c0);
    sample.obs = sources[k]->read(sw);
    st->samples.push_back(std::move(sample));
  }
}

// Shrubland where May was not seen (CellRules::shrub_by_autumn): each imagery cell of rows
// [row0, row1) of the strip that the May rule left grassland, seen in September (a candidate),
// against the cells of the (2r+1) x (2r+1) window around it whose class May decided (references: at
// least landcover.shrub_min_fvc of peak cover, where a ratio means something). One cell's September
// ratio is one noisy observation over a noisy peak (about 0.13 from the truth at 60 m, more than the
// shrub-grass gap), so a candidate's ratio is the mean over the candidates of its smoothing window
// (landcover.autumn_smoothing_radius_m; shrub belts span many cells). Sums in integers (ratios in
// 1/10000) over summed-area tables: a window's sum is exact, so the same whatever the strip's
// extent (the strip is grown beyond the rows decided here by the larger window).
void classify_by_autumn(const CellRules& rules, int radius, int smoothing, const Window& g, int row0, int row1, const std::vector<float>& fvc,
                        const std::vector<CellRules::GreenRatios>& ratio, const std::vector<std::uint8_t>& by_layer,
                        std::vector<LandCover>& classes) {
  const std::size_t cols = std::size_t(g.cols), stride = cols + 1;
  const std::size_t table = (std::size_t(g.rows) + 1) * stride;
  auto candidate = [&](std::size_t i) {
    const CellRules::GreenRatios& q = ratio[i];
    return !by_layer[i] && classes[i] == LandCover::grassland && !(q.spring == q.spring) && q.autumn == q.autumn &&
           fvc[i] >= rules.shrub_min_fvc;
  };
  // Without a candidate (no autumn observation in the strip, as in a season of summer scenes only)
  // nothing changes: the tables below (48 bytes a cell, freshly paged in) are not built.
  bool any_candidate = false;
  for (int r = row0; r < row1 && !any_candidate; ++r)
    for (std::size_t c = 0; c < cols && !any_candidate; ++c) any_candidate = candidate(std::size_t(r) * cols + c);
  if (!any_candidate) return;
  // Per table entry: reference shrubland count and ratio sum, grassland count and ratio sum,
  // candidate count and ratio sum.
  std::array<std::vector<std::int64_t>, 6> sat;
  for (auto& t : sat) t.assign(table, 0);
  for (std::size_t r = 0; r < std::size_t(g.rows); ++r) {
    std::array<std::int64_t, 6> run{};  // this row's running sums
    for (std::size_t c = 0; c < cols; ++c) {
      const std::size_t i = r * cols + c;
      const CellRules::GreenRatios& q = ratio[i];
      const std::int64_t value = q.autumn == q.autumn ? std::llround(double(q.autumn) * 10000.0) : 0;
      if (!by_layer[i] && q.spring == q.spring && q.autumn == q.autumn && fvc[i] >= rules.shrub_min_fvc) {
        if (classes[i] == LandCover::shrubland) run[0] += 1, run[1] += value;
        if (classes[i] == LandCover::grassland) run[2] += 1, run[3] += value;
      }
      if (candidate(i)) run[4] += 1, run[5] += value;
      const std::size_t t = (r + 1) * stride + c + 1, above = r * stride + c + 1;
      for (std::size_t k = 0; k < 6; ++k) sat[k][t] = sat[k][above] + run[k];
    }
  }
  auto box = [&](std::size_t k, int r, int c, int half) {
    const std::size_t r0 = std::size_t(std::max(0, r - half)), r1 = std::size_t(std::min(g.rows, r + half + 1));
    const std::size_t c0 = std::size_t(std::max(0, c - half)), c1 = std::size_t(std::min(g.cols, c + half + 1));
    const auto& t = sat[k];
    return t[r1 * stride + c1] - t[r0 * stride + c1] - t[r1 * stride + c0] + t[r0 * stride + c0];
  };
  std::vector<LandCover> decided = classes;  // decisions read the May classes only
  for (int r = row0; r < row1; ++r)
    for (int c = 0; c < g.cols; ++c) {
      const std::size_t i = std::size_t(r) * cols + std::size_t(c);
      if (!candidate(i)) continue;
      CellRules::AutumnReferences near;
      near.shrubland = int(box(0, r, c, radius));
      near.shrubland_ratio_sum = double(box(1, r, c, radius)) / 10000.0;
      near.grassland = int(box(2, r, c, radius));
      near.grassland_ratio_sum = double(box(3, r, c, radius)) / 10000.0;
      CellRules::GreenRatios q = ratio[i];
      q.autumn = float(double(box(5, r, c, smoothing)) / 10000.0 / double(box(4, r, c, smoothing)));
      if (rules.shrub_by_autumn(fvc[i], q, near)) decided[i] = LandCover::shrubland;
    }
  classes.swap(decided);
}

// Compute stage: the per-cell program (the season composites of every season index, water
// frequency, cover, land cover with its majority rule, forest with its phenology and patch rule),
// then every season product's value and the zone tallies through the products' own declarations.
void composite_strip(SeasonStrip& strip, const YearInputs& in) {
  const auto& windows = in.windows;
  const auto& zones = in.zones;
  const CellRules& rules = in.rules;
  const geo::CellAreaModel& area_model = in.area_model;
  const double min_patch = in.min_patch;
  const std::size_t slots = season_indices().size(), ndvi = in.ndvi_slot, mndwi = in.mndwi_slot;

  SeasonStrip* st = &strip;
  const Window& g = st->grown;
  const std::size_t n = std::size_t(g.size());
  std::vector<std::uint8_t> has_data(n, 0), clear_n(n, 0), shoulders(n, 0);
  std::vector<float> fvc(n, geo::index::kNaN), water_freq(n, geo::index::kNaN);
  // By cell, then season index slot: the value on the peak-NDVI date, and the season median.
  // (Written for every cell with a clear observation, the only ones read: not initialised.)
  std::unique_ptr<float[]> at_peak(new float[n * slots]), median(new float[n * slots]);
  std::vector<CellRules::GreenRatios> ratio(n);
  std::vector<LandCover> first_class(n, LandCover::unknown);
  std::vector<std::uint8_t> by_layer(n, 0);
  std::vector<std::vector<float>> season_values(slots);  // of one cell, per slot with a median
  // With climate inputs, by cell: the maximum NDVI of each month's clear observations (CASA).
  std::vector<std::array<float, 12>> monthly;
  if (in.climate) monthly.assign(n, [] {
    std::array<float, 12> a;
    a.fill(geo::index::kNaN);
    return a;
  }());
  for (std::size_t i = 0; i < n; ++i) {
    for (const std::size_t s : in.median_slots) season_values[s].clear();
    float vmax = -2, spring = -2, autumn = -2;
    bool spring_seen = false, autumn_seen = false;
    int last_date = -1, wet = 0;
    float* peak = &at_peak[i * slots];
    for (const auto& smp : st->samples) {
      const std::int32_t j = smp.index[i];
      if (j < 0) continue;
      const PixelState state = smp.obs.state[std::size_t(j)];
      if (state == PixelState::no_data) continue;
      has_data[i] = 1;
      if (state != PixelState::clear) continue;
      const SourceWindows& w = windows[smp.source];
      if (w.date_ordinal == last_date) continue;  // same day seen clear already (overlapping scenes)
      last_date = w.date_ordinal;
      const std::int16_t v_raw = smp.obs.index[ndvi][std::size_t(j)], m_raw = smp.obs.index[mndwi][std::size_t(j)];
      if (v_raw == kNoData16 || m_raw == kNoData16) continue;
      const float v = decode_index(v_raw), m = decode_index(m_raw);
      if (!monthly.empty()) {
        float& month_max = monthly[i][std::size_t(w.month)];
        if (!(month_max >= v)) month_max = v;
      }
      if (w.season) {
        for (const std::size_t k : in.median_slots) {
          if (smp.obs.index[k].size() == 0) continue;
          const std::int16_t raw = smp.obs.index[k][std::size_t(j)];
          if (raw != kNoData16) season_values[k].push_back(decode_index(raw));
        }
        if (v > vmax) {  // every index of the same observation as the peak NDVI: for NDVI, the maximum-value composite
          vmax = v;
          for (std::size_t k = 0; k < slots; ++k) {
            const std::int16_t raw = smp.obs.index[k].size() == 0 ? kNoData16 : smp.obs.index[k][std::size_t(j)];
            peak[k] = raw == kNoData16 ? geo::index::kNaN : decode_index(raw);
          }
        }
        wet += rules.is_water(m);
      }
      if (w.spring) spring_seen = true, spring = std::max(spring, v);
      if (w.autumn) autumn_seen = true, autumn = std::max(autumn, v);
    }
    const std::size_t k = season_values[ndvi].size();
    if (k == 0) continue;
    clear_n[i] = std::uint8_t(std::min<std::size_t>(k, 254));
    std::fill(&median[i * slots], &median[i * slots] + slots, geo::index::kNaN);
    for (const std::size_t s : in.median_slots) {
      auto& values = season_values[s];
      if (values.empty()) continue;
      std::sort(values.begin(), values.end());
      const std::size_t h = values.size();
      median[i * slots + s] = h % 2 ? values[h / 2] : 0.5f * (values[h / 2 - 1] + values[h / 2]);
    }
    water_freq[i] = float(wet) / float(k);
    const bool is_water = rules.is_water_by_frequency(water_freq[i]);
    // Cover at the peak, from the maximum-NDVI composite.
    fvc[i] = rules.cover(vmax, is_water);
    const bool shoulders_green = rules.shoulder_green(spring_seen, spring) && rules.shoulder_green(autumn_seen, autumn);
    const bool tree = rules.forest_candidate(vmax, is_water, shoulders_green);
    shoulders[i] = std::uint8_t(spring_seen + autumn_seen);
    // The ratios' peak is the median of the peak-season cover, not its maximum: the maximum of four
    // noisy observations lies about one noise sigma above the canopy's cover and would pull every
    // shrub's ratio down towards grass.
    ratio[i] = rules.green_ratios(rules.cover(median[i * slots + ndvi], is_water), spring_seen, spring, autumn_seen, autumn);
    // The user's layer decides the class where it has one; the imagery elsewhere.
    const LandCover from_layer = in.layer ? st->layer_classes[i] : LandCover::unknown;
    by_layer[i] = from_layer != LandCover::unknown;
    first_class[i] = by_layer[i] ? from_layer : rules.land_cover(water_freq[i], tree, fvc[i], ratio[i]);
  }
  const int radius = rules.majority_radius;
  const Window& c = st->core;
  const int patch_row0 = std::max(g.row0, c.row0 - in.patch_halo), patch_row1 = std::min(g.row0 + g.rows, c.row0 + c.rows + in.patch_halo);
  // Shrubland where May was not seen, on every row the majority below reads (the strip was grown by
  // the reference window beyond them).
  classify_by_autumn(rules, in.autumn_radius, in.autumn_smoothing, g, std::max(0, patch_row0 - g.row0 - radius),
                     std::min(g.rows, patch_row1 - g.row0 + radius), fvc, ratio, by_layer, first_class);
  // Spatial context (landcover.majority_radius) on the imagery's shrubland and grassland. The strip
  // was grown by the radius beyond the patch rule's halo, so every cell the patch rule reads (the
  // core and its patch halo) has its whole window; the outer rows only vote.
  const Window patch_window{g.col0, patch_row0, g.cols, patch_row1 - patch_row0};
  std::vector<LandCover> voted = first_class;
  if (radius > 0)
    for (int r = patch_row0 - g.row0; r < patch_row1 - g.row0; ++r)
      for (int col = 0; col < g.cols; ++col) {
        const std::size_t i = std::size_t(r) * std::size_t(g.cols) + std::size_t(col);
        if (by_layer[i] || (first_class[i] != LandCover::shrubland && first_class[i] != LandCover::grassland)) continue;
        int shrubland = 0, grassland = 0;
        for (int nr = std::max(0, r - radius); nr <= std::min(g.rows - 1, r + radius); ++nr)
          for (int nc = std::max(0, col - radius); nc <= std::min(g.cols - 1, col + radius); ++nc) {
            const LandCover n_class = first_class[std::size_t(nr) * std::size_t(g.cols) + std::size_t(nc)];
            shrubland += n_class == LandCover::shrubland, grassland += n_class == LandCover::grassland;
          }
        voted[i] = rules.by_majority(first_class[i], fvc[i], shrubland, grassland);
      }
  first_class.swap(voted);
  // Forest is trees plus shrubland dense enough to count where designated: one patch rule for both.
  Block<std::uint8_t> candidate(patch_window, kNoData8);
  for (int r = 0; r < patch_window.rows; ++r)
    for (int col = 0; col < g.cols; ++col) {
      const std::size_t i = std::size_t(r + patch_window.row0 - g.row0) * std::size_t(g.cols) + std::size_t(col);
      if (clear_n[i] == 0) continue;
      candidate.at(r, col) = first_class[i] == LandCover::tree || rules.special_shrub_candidate(first_class[i], fvc[i]) ? 1 : 0;
    }
  const Block<double> areas = area_model.areas(patch_window);
  const Block<std::uint8_t> forest = geo::remove_small_patches(candidate, areas, min_patch, c);
  const int dr = c.row0 - g.row0;
  // A core cell as the products read it: trees in a patch under the minimum are classed again as
  // not trees; FOREST 1 trees, 2 shrubland dense enough to be forest (counted where designated).
  // Filled in place: a cell built field by field on the stack and then copied into the row was read
  // back in 16-byte pieces over its narrower stores, and stalled on each (a fifth of this function's
  // time, by perf annotate).
  auto fill_season_cell = [&](int cr, int cc, SeasonCell& cell) {
    const std::size_t i = std::size_t(cr + dr) * std::size_t(g.cols) + std::size_t(cc);
    cell = SeasonCell{};
    cell.rules = &rules;
    cell.has_data = has_data[i];
    if (!cell.has_data) return;
    cell.clear_count = clear_n[i];
    cell.at_peak = &at_peak[i * slots];
    cell.median = &median[i * slots];
    cell.water_frequency = water_freq[i];
    cell.fvc = fvc[i];
    cell.land_cover = first_class[i] != LandCover::tree || forest.at(cr, cc) == 1 || by_layer[i]
                          ? first_class[i]
                          : rules.land_cover(water_freq[i], false, fvc[i], ratio[i]);
    cell.forest = forest.at(cr, cc) != 1 ? 0 : first_class[i] == LandCover::tree ? 1 : 2;
    cell.shoulders = shoulders[i];
    cell.by_layer = by_layer[i];
    cell.has_grassland_types = in.types != nullptr;
    if (in.types) cell.grassland_type = st->grassland_types[i];
    if (in.climate && cell.clear_count > 0) {
      // CASA over the year (rules/casa.hpp): the months between two months with scenes interpolated.
      std::array<float, 12> month_ndvi = monthly[i], t, p, sol;
      casa::fill_monthly_gaps(month_ndvi);
      for (std::size_t m = 0; m < 12; ++m)
        t[m] = st->climate[m][i], p[m] = st->climate[12 + m][i], sol[m] = st->climate[24 + m][i];
      cell.npp = cell.is_land() ? casa::annual_npp(month_ndvi, t, p, sol, cell.land_cover) : 0.0f;
    }
  };
  // Row by row: every season product's values from its own declaration (products/season_products.cpp),
  // then each zone's tally of the row (in column order) through the products' tallies.
  const std::vector<ProductSpec>& specs = season_products();
  st->outputs = ProductBlocks(specs, c);
  std::vector<std::vector<std::int32_t>> values(specs.size(), std::vector<std::int32_t>(std::size_t(c.cols)));  // one row of each
  std::vector<geo::ZoneCover::Part> parts;  // each zone's cells of the core, tallied row by row below
  for (std::size_t z = 0; z < zones.size(); ++z) parts.push_back(in.zone_cover.part(z, c));
  st->zone_rows.assign(zones.size(), std::vector<ZoneTally>(std::size_t(c.rows)));
  std::vector<SeasonCell> row_cells(std::size_t(c.cols));
  std::vector<StoredCell> stored_row(std::size_t(c.cols));
  std::vector<const std::int32_t*> row_values(specs.size());
  for (std::size_t p = 0; p < specs.size(); ++p) row_values[p] = values[p].data();
  for (int r = 0; r < c.rows; ++r) {
    for (int col = 0; col < c.cols; ++col) fill_season_cell(r, col, row_cells[std::size_t(col)]);
    for (std::size_t p = 0; p < specs.size(); ++p) {
      std::fill(values[p].begin(), values[p].end(), std::int32_t(specs[p].nodata));
      specs[p].season_value(row_cells.data(), row_cells.size(), values[p].data());
      st->outputs.set_row(p, r, values[p].data());
    }
    // The tallies read the values just stored, never the per-cell program (engine/season_tally.hpp).
    stored_cells(row_values, stored_row.size(), rules, in.types != nullptr, stored_row.data());
    tally_season_row({r + c.row0, c.col0, c.cols, row_values, stored_row.data(), &areas.at(r + c.row0 - patch_window.row0, 0)}, parts,
                     in.season_zones, [&](std::size_t z) -> ZoneTally& { return st->zone_rows[z][std::size_t(r)]; });
  }
  // What the peak composite says under each ground plot and reference sample unit of these rows.
  auto match_points = [&](const std::vector<PlotCell>& cells, std::vector<PlotMatch>& matches) {
    for (auto p = std::lower_bound(cells.begin(), cells.end(), c.row0, [](const PlotCell&a, int row) { return a.row < row; });
         p != cells.end() && p->row < c.row0 + c.rows; ++p) {
      const int cr = p->row - c.row0;
      const int cc = p->col - c.col0;
      const std::size_t i = std::size_t(cr + dr) * g.cols + std::size_t(cc);
      PlotMatch m{p->plot, PlotStatus::outside_data, std::nan(""), LandCover::unknown};
      if (has_data[i]) m.status = PlotStatus::unobserved;
      if (clear_n[i]) {
        m.satellite_cover = fvc[i];
        SeasonCell cell;
        fill_season_cell(cr, cc, cell);
        m.land_cover = cell.land_cover;  // the LANDCOVER product's value
        m.status = m.land_cover == LandCover::grassland ? PlotStatus::matched : PlotStatus::not_grassland;
        if (in.types) m.grassland_type = st->grassland_types[i];
      }
      matches.push_back(m);
    }
  };
  match_points(in.plot_cells, st->plot_matches);
  match_points(in.sample_cells, st->sample_matches);
  // Where each of the year's scenes has data in the core rows (stored with the year, so that any
  // polygon's count of scenes can be made again), and from that, each zone row's scenes.
  st->footprints.assign(in.sources.size(), {});
  for (const auto& smp : st->samples)
    for (int r = 0; r < c.rows; ++r)
      append_footprint_row(st->footprints[smp.source], c.row0 + r, c.col0, c.cols, [&](int k) {
        const std::int32_t j = smp.index[std::size_t(r + dr) * g.cols + std::size_t(k)];
        return j >= 0 && smp.obs.state[std::size_t(j)] != PixelState::no_data;
      });
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (int r = 0; r < c.rows; ++r) mark_sources_seen(st->zone_rows[z][std::size_t(r)], parts[z], c.row0 + r, st->footprints);
  st->samples.clear();
}

}  // namespace

geo::Grid regional_grid(const std::vector<SceneProbe>& scenes, const std::vector<geo::io::Zone>& zones, const Settings& s) {
  geo::Grid grid;
  grid.crs_wkt = geo::io::crs_wkt(s.season.grid_crs);
  geo::Box zb = geo::Box::none(), sb = geo::Box::none();
  for (const auto& z : zones)
    if (!z.geometry.empty()) zb.include(z.geometry.bounds());
  for (const auto& p : scenes) sb.include(transformed_extent(p.grid, grid.crs_wkt));
  const geo::Box box = zb.intersect(sb);
  if (box.empty()) return grid;
  const double p = s.season.pixel_size;
  const double x0 = std::floor(box.xmin / p) * p, y1 = std::ceil(box.ymax / p) * p;
  grid.cols = int(std::ceil((box.xmax - x0) / p));
  grid.rows = int(std::ceil((y1 - box.ymin) / p));
  grid.transform = geo::GeoTransform{x0, p, y1, -p};
  return grid;
}

double regional_cell_area(const geo::Grid& grid) { return geo::io::cell_area_model(grid).areas(Window{0, 0, 1, 1})[0]; }

SampleFrame sample_frame(const std::vector<geo::io::Zone>& zones, const std::vector<ZoneTally>& tallies, double cell_area) {
  SampleFrame f;
  f.cell_area = cell_area;
  for (std::size_t z = 0; z < zones.size() && z < tallies.size(); ++z) {
    f.zone_codes.push_back(zones[z].code);
    f.class_area.emplace_back();
    for (int c = 0; c < kLandCoverClasses; ++c) f.class_area.back()[std::size_t(c)] = tallies[z].landcover_area[c];
  }
  return f;
}

void refit_stored_year(YearResult& y, const YearAncillary& ground, const Settings& settings, const std::vector<geo::io::Zone>& zones,
                       const geo::Grid& grid) {
  if (y.calibration && ground.plots) y.calibration = fit_calibration(std::move(y.calibration->matches), *ground.plots, settings.calibration.min_plots);
  if (y.accuracy && ground.samples) {
    std::vector<bool> designated(ground.samples->size(), false);
    for (std::size_t k = 0; k < designated.size() && k < y.accuracy->zone_of_unit.size(); ++k)
      if (const int z = y.accuracy->zone_of_unit[k]; z >= 0 && std::size_t(z) < zones.size())
        designated[k] = counts_special_shrubland(settings.forest, zones[std::size_t(z)].code);
    y.accuracy = assess_land_cover(std::move(y.accuracy->matches), *ground.samples, y.accuracy->mapped, designated,
                                   settings.accuracy.min_unit_stratum_units, y.accuracy->zone_of_unit,
                                   sample_frame(zones, y.tallies, regional_cell_area(grid)));
  }
}

namespace {

// Not selected, but read by a later pass: the FVC the trends read, the land cover the transitions read.
std::function<bool(const ProductSpec&)> season_work_file_needed(const Settings& s) {
  const bool trends = trends_selected(s.output);
  const bool transitions = transitions_wanted(s);
  return [trends, transitions](const ProductSpec& p) {
    return (trends && p.name == kTrendSeasonInput) || (transitions && p.name == kTransitionSeasonInput);
  };
}

}  // namespace

std::string season_products_written(const Settings& s) {
  const auto work_file_needed = season_work_file_needed(s);
  std::string names;
  for (const ProductSpec& p : season_products())
    if (product_selected(s.output, "season", p.name) || work_file_needed(p)) names += p.name + " ";
  return names;
}

namespace {

// What composite_year and composite_tile share for one year: the sources in order with their
// windows, the strip plan and its halo, what the strips read (YearInputs), the product plan, and
// the ground points outside the grid (their matches come first, before any strip's).
struct YearSetup {
  YearResult result;  // year, scenes, simulated, empty tallies; nothing composited yet
  geo::CellAreaModel area_model;
  double cell_area = 0;
  int halo = 0;
  StripPlan plan;
  ProductOutputPlan outputs;
  std::unique_ptr<YearInputs> in;  // null: no source in a window, or no grid
  std::vector<PlotMatch> plot_matches, sample_matches;
};

std::unique_ptr<YearSetup> set_up_year(int year, const std::vector<SeasonSource*>& unsorted, const geo::Grid& grid,
                                       const std::vector<geo::io::Zone>& zones, const Settings& s, const YearAncillary& ancillary) {
  auto setup = std::make_unique<YearSetup>();
  YearResult& result = setup->result;
  result.year = year;
  result.method_min_share = s.season.method_min_share;
  result.tallies.assign(zones.size(), ZoneTally{});
  // Sources in (date, id) order, with their windows; those in no window are not used.
  std::vector<SeasonSource*> sources;
  std::vector<SourceWindows> windows;
  std::vector<SeasonSource*> sorted = unsorted;
  std::sort(sorted.begin(), sorted.end(), [](const SeasonSource* a, const SeasonSource* b) {
    return std::tie(a->info().date, a->info().id) < std::tie(b->info().date, b->info().id);
  });
  std::map<std::string, int> date_ordinals;
  for (SeasonSource* src : sorted) {
    const std::string md = month_day(src->info().date);
    SourceWindows w;
    w.season = md >= s.season.start && md <= s.season.end;
    w.spring = md >= s.season.spring_start && md <= s.season.spring_end;
    w.autumn = md >= s.season.autumn_start && md <= s.season.autumn_end;
    if (!w.season && !w.spring && !w.autumn) continue;
    w.date_ordinal = date_ordinals.emplace(src->info().date, int(date_ordinals.size())).first->second;
    w.month = std::stoi(src->info().date.substr(5, 2)) - 1;
    sources.push_back(src);
    windows.push_back(w);
  }
  result.scenes = int(sources.size());
  for (const SeasonSource* src : sources) result.simulated = result.simulated || src->info().simulated;
  if (sources.empty() || grid.cols == 0) return setup;

  // Where each source lies on the grid, and a grid -> source transformer per source CRS.
  std::vector<Window> footprints;
  std::map<std::string, std::unique_ptr<geo::io::CoordinateTransformer>> to_source;
  for (SeasonSource* src : sources) {
    footprints.push_back(grid.window_of(transformed_extent(src->grid(), grid.crs_wkt)));
    auto& t = to_source[src->grid().crs_wkt];
    if (!t) t = std::make_unique<geo::io::CoordinateTransformer>(grid.crs_wkt, src->grid().crs_wkt);
  }

  setup->area_model = geo::io::cell_area_model(grid);
  const double cell_area = setup->cell_area = setup->area_model.areas(Window{0, 0, 1, 1})[0];
  const double min_patch = s.forest.min_patch_ha * 1e4;
  const int patch_halo = geo::min_patch_halo_rows(min_patch, cell_area * 0.99);
  // Shrubland where May was not seen is decided against the May-decided cells within
  // landcover.autumn_reference_radius_m: only in a season with both May and September scenes.
  bool any_spring = false, any_autumn = false;
  for (const SourceWindows& w : windows) any_spring = any_spring || w.spring, any_autumn = any_autumn || w.autumn;
  const int autumn_radius = any_spring && any_autumn ? int(std::ceil(s.landcover.autumn_reference_radius_m / std::sqrt(cell_area))) : 0;
  // The majority window of the patch halo's outermost rows, and the September rule's windows
  // (references, smoothing) of the majority window's outermost rows.
  const int autumn_smoothing = int(std::ceil(s.landcover.autumn_smoothing_radius_m / std::sqrt(cell_area)));
  setup->halo = patch_halo + s.landcover.majority_radius + (any_autumn ? std::max(autumn_radius, autumn_smoothing) : 0);
  // Budget per grid cell: ~24 bytes of the per-cell program, per season index two floats (its value
  // at the peak and its median), per season product its stored pixel (up to 2 bytes; the products'
  // values are computed a row at a time); plus per source a 4-byte sample index and the source
  // pixels read for it (an int16 per season index, a state and the CLEAR byte read for it; a 10 m
  // source on a 30 m grid reads 9 of them).
  const double indices = double(season_indices().size());
  double per_cell = 24.0 + 8.0 * indices + 2.0 * double(season_products().size());
  per_cell += 40.0;  // the September rule's summed-area tables and its copy of the classes
  if (ancillary.climate) per_cell += 36 * 4.0 + 12 * 4.0;  // the climate read, the monthly NDVI
  for (SeasonSource* src : sources) {
    const double ratio = std::max(1.0, grid.transform.pixel_width / std::abs(src->grid().transform.pixel_width));
    per_cell += 4.0 + (2.0 + 2.0 * indices) * ratio * ratio;
  }
  setup->plan = plan_strips(s, per_cell, grid.cols, setup->halo);
  geo::ZoneCover zone_cover = geo::io::zone_cover(zones, grid);

  // Products: those output.products selects, and the FVC the trends read (a work file when it is
  // not selected itself).
  const std::string year_text = std::to_string(year);
  ProductOutputPlan& outputs = setup->outputs;
  outputs = ProductOutputPlan{"season", {"years", year_text}, "ecomon_" + year_text + "_", {}};
  outputs.metadata = {{"ECOMON_YEAR", year_text},
                      {"ECOMON_SEASON", s.season.start + "/" + s.season.end},
                      {"ECOMON_SCENES", std::to_string(sources.size())}};
  if (result.simulated) outputs.metadata.push_back({"ECOMON_SIMULATED", kSimulatedNote});
  outputs.work_file_needed = season_work_file_needed(s);
  outputs.available = [ancillary](const ProductSpec& p) {
    switch (p.needs) {
      case ProductSpec::Needs::climate:
        return ancillary.climate != nullptr;
      case ProductSpec::Needs::land_cover_layer:
        return ancillary.land_cover != nullptr;
      case ProductSpec::Needs::grassland_types:
        return ancillary.grassland_types != nullptr;
      case ProductSpec::Needs::nothing:
        break;
    }
    return true;
  };

  setup->in.reset(new YearInputs{grid,
                                 sources,
                                 windows,
                                 footprints,
                                 std::move(to_source),
                                 zones,
                                 std::move(zone_cover),
                                 cell_rules_from(s, s.fvc.ndvi_soil.value_or(0.05), s.fvc.ndvi_veg.value_or(0.85)),
                                 setup->area_model,
                                 min_patch,
                                 patch_halo,
                                 autumn_radius,
                                 autumn_smoothing,
                                 {},
                                 {},
                                 {},
                                 ancillary.land_cover,
                                 ancillary.grassland_types,
                                 ancillary.climate});
  YearInputs& in = *setup->in;
  for (const auto& z : zones) in.season_zones.push_back({counts_special_shrubland(s.forest, z.code)});
  if (ancillary.plots) in.plot_cells = plots_on_grid(*ancillary.plots, year, grid, setup->plot_matches);
  if (ancillary.samples) {
    const auto& sample = *ancillary.samples;
    in.sample_cells = points_on_grid(
        sample.size(),
        [&](std::size_t k) {
          return GroundPoint{sample[k].lon, sample[k].lat, sample[k].year};
        },
        year, grid, setup->sample_matches);
  }
  if (ancillary.land_cover) result.land_cover_layer = ancillary.land_cover->method();
  return setup;
}

// The regional grid's rows of `tile` as a grid of their own (a tile's files).
geo::Grid rows_grid(const geo::Grid& grid, const Window& tile) {
  geo::Grid g = grid;
  g.rows = tile.rows;
  g.transform.origin_y = grid.transform.row_to_y(tile.row0);
  return g;
}

// Runs the strips of `rows` (the whole grid when none) through the season's stages, each strip
// handed to `emit` in order.
template <typename Emit>
void run_season_strips(const YearSetup& setup, const geo::Grid& grid, Emit emit, std::optional<Window> rows = std::nullopt) {
  const YearInputs& in = *setup.in;
  run_strips<SeasonStrip>(
      setup.plan, grid, setup.halo, [&](SeasonStrip& strip) { sample_sources(strip, in); },
      [&](SeasonStrip& strip) { composite_strip(strip, in); }, emit, rows);
}

// Appends what the rows that follow add to a year, in row order: each source's footprint runs and
// the plots' and sample units' matches (a strip's, or a tile's, into the tile's or the year's).
void append_following_rows(SourceFootprints& footprints, std::vector<PlotMatch>& plot_matches, std::vector<PlotMatch>& sample_matches,
                           const SourceFootprints& more_footprints, const std::vector<PlotMatch>& more_plots,
                           const std::vector<PlotMatch>& more_samples) {
  footprints.resize(more_footprints.size());
  for (std::size_t k = 0; k < more_footprints.size(); ++k)
    footprints[k].insert(footprints[k].end(), more_footprints[k].begin(), more_footprints[k].end());
  plot_matches.insert(plot_matches.end(), more_plots.begin(), more_plots.end());
  sample_matches.insert(sample_matches.end(), more_samples.begin(), more_samples.end());
}

// Whether a tally holds nothing: merging it changes nothing (a zone's row that it does not reach).
bool empty_tally(const ZoneTally& t) {
  static const std::string nothing = ZoneTally{}.serialise();
  return t.total_area == 0 && t.sources_seen.empty() && t.serialise() == nothing;
}

}  // namespace

std::vector<Window> season_tiles(const geo::Grid& grid, int tile_rows) { return geo::strips(grid, std::max(1, tile_rows)); }

SeasonTile composite_tile(int year, const std::vector<SeasonSource*>& sources, const geo::Grid& grid, const std::vector<geo::io::Zone>& zones,
                          const Settings& s, const std::string& work_dir, const YearAncillary& ancillary, const Window& rows,
                          const std::string& tile_dir) {
  SeasonTile tile;
  tile.row0 = rows.row0, tile.rows = rows.rows;
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<YearSetup> setup = set_up_year(year, sources, grid, zones, s, ancillary);
  const double set_up = seconds_since(start);
  if (!setup->in) return tile;
  // The tile's part of every product the year writes: parts of the year's COGs, or plain tiled
  // GeoTIFFs of its rows (products/product_specs.hpp, ProductOutputPlan::tile_dir).
  ProductOutputPlan outputs = setup->outputs;
  outputs.tile_dir = tile_dir;
  outputs.tile_of = grid;
  outputs.tile_row0 = rows.row0;
  ProductWriters opened = open_product_writers(season_products(), outputs, rows_grid(grid, rows), s.output, work_dir);
  tile.footprints.assign(setup->in->sources.size(), {});
  run_season_strips(
      *setup, grid,
      [&](SeasonStrip& st) {
        st.outputs.move_rows(-rows.row0);
        st.outputs.write(opened.writers);
        for (std::size_t z = 0; z < st.zone_rows.size(); ++z)
          for (std::size_t r = 0; r < st.zone_rows[z].size(); ++r)
            if (!empty_tally(st.zone_rows[z][r])) tile.zone_rows.push_back({int(z), st.core.row0 + int(r), std::move(st.zone_rows[z][r])});
        append_following_rows(tile.footprints, tile.plot_matches, tile.sample_matches, st.footprints, st.plot_matches, st.sample_matches);
      },
      rows);
  const double strips = seconds_since(start) - set_up;
  finish_all(opened.writers, setup->plan.threads);
  spdlog::debug("  season {} tile of rows {}-{}: set up {:.2f} s, strips {:.2f} s, its files finished {:.2f} s", year, rows.row0,
                rows.row_end() - 1, set_up, strips, seconds_since(start) - set_up - strips);
  // By zone, then row: each zone's rows merged in row order by the year, as one process merges them.
  std::stable_sort(tile.zone_rows.begin(), tile.zone_rows.end(), [](const ZoneRowTally& a, const ZoneRowTally& b) { return a.zone < b.zone; });
  tile.product_files.assign(season_products().size(), "");
  for (std::size_t p = 0; p < season_products().size(); ++p)
    if (const auto f = opened.paths.find(season_products()[p].name); f != opened.paths.end()) tile.product_files[p] = f->second;
  return tile;
}

namespace {

// A tile a shard made, into the year: its product rows copied into the year's writers strip by
// strip, its zones' row tallies merged, its footprints and ground matches appended, all in order.
void take_tile(const SeasonTile& tile, const geo::Grid& grid, int strip_rows, int threads, std::vector<std::unique_ptr<geo::io::CogWriter>>& writers,
               YearResult& result, std::vector<PlotMatch>& plot_matches, std::vector<PlotMatch>& sample_matches) {
  const std::vector<ProductSpec>& specs = season_products();
  if (tile.product_files.size() != specs.size()) throw std::runtime_error("season tile: not one file entry per season product");
  for (std::size_t p = 0; p < specs.size(); ++p)
    if (writers[p] && tile.product_files[p].empty())
      throw std::runtime_error("season tile of rows " + std::to_string(tile.row0) + "+" + std::to_string(tile.rows) + ": no " +
                               specs[p].name + " (made with other output.products)");
  // Each product's file into its own writer: independent files, copied concurrently (a reduce on a
  // node of many cores); each writer still gets its rows in order.
  tbb::task_arena arena(std::max(1, threads));
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, specs.size(), 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          for (std::size_t p = range.begin(); p != range.end(); ++p) {
            if (!writers[p]) continue;
            if (tile.product_files[p].ends_with(".cogpart")) {  // compressed blocks, copied as they are
              writers[p]->append_part(tile.product_files[p]);
              continue;
            }
            const geo::io::RasterReader reader(tile.product_files[p]);
            if (reader.grid().cols != grid.cols || reader.grid().rows != tile.rows)
              throw std::runtime_error(tile.product_files[p] + ": not the tile's rows of the regional grid");
            for (const Window& w : geo::strips(reader.grid(), strip_rows)) {
              const Window at{w.col0, w.row0 + tile.row0, w.cols, w.rows};
              auto copy = [&](auto block) {
                block.relocate(at);
                writers[p]->write(block);
              };
              switch (specs[p].type) {
                case geo::io::PixelType::i16:
                  copy(reader.read<std::int16_t>(w));
                  break;
                case geo::io::PixelType::u8:
                  copy(reader.read<std::uint8_t>(w));
                  break;
                case geo::io::PixelType::u16:
                  copy(reader.read<std::uint16_t>(w));
                  break;
                case geo::io::PixelType::f32:
                  copy(reader.read<float>(w));
                  break;
              }
            }
          }
        },
        tbb::simple_partitioner());
  });
  for (const ZoneRowTally& t : tile.zone_rows) {
    if (t.zone < 0 || std::size_t(t.zone) >= result.tallies.size()) throw std::runtime_error("season tile: a tally of no zone");
    result.tallies[std::size_t(t.zone)].merge(t.tally);
  }
  append_following_rows(result.source_footprints, plot_matches, sample_matches, tile.footprints, tile.plot_matches, tile.sample_matches);
}

}  // namespace

YearResult composite_year(int year, const std::vector<SeasonSource*>& unsorted, const geo::Grid& grid,
                          const std::vector<geo::io::Zone>& zones, const Settings& s, const std::string& work_dir,
                          const YearAncillary& ancillary, const DoneSeasonTile& done_tile) {
  std::unique_ptr<YearSetup> setup = set_up_year(year, unsorted, grid, zones, s, ancillary);
  YearResult result = std::move(setup->result);
  if (!setup->in) return result;
  YearInputs& in = *setup->in;
  const StripPlan& plan = setup->plan;
  const double cell_area = setup->cell_area;
  std::vector<PlotMatch> plot_matches = std::move(setup->plot_matches), sample_matches = std::move(setup->sample_matches);

  ProductWriters opened = open_product_writers(season_products(), setup->outputs, grid, s.output, work_dir);
  auto& writers = opened.writers;
  result.work_files = opened.work_files;
  result.products = opened.written;
  if (opened.paths.count(kTrendSeasonInput)) result.fvc_product = opened.paths[kTrendSeasonInput];
  if (opened.paths.count(kTransitionSeasonInput)) result.landcover_product = opened.paths[kTransitionSeasonInput];

  const auto strips_start = std::chrono::steady_clock::now();
  const auto emit = [&](SeasonStrip& st) {
    st.outputs.write(writers);
    merge_rows(result.tallies, st.zone_rows);
    append_following_rows(result.source_footprints, plot_matches, sample_matches, st.footprints, st.plot_matches, st.sample_matches);
  };
  if (!done_tile) {
    run_season_strips(*setup, grid, emit);
  } else {
    // Tile by tile in row order: a tile a shard made is taken, the others made here. Every zone's
    // rows are merged in row order either way, so the year is the same bytes as in one pass.
    std::size_t taken = 0;
    const std::vector<Window> tiles = season_tiles(grid, s.run.tile_rows);
    for (std::size_t t = 0; t < tiles.size(); ++t) {
      if (const std::optional<SeasonTile> tile = done_tile(t, tiles[t])) {
        take_tile(*tile, grid, plan.rows, plan.threads, writers, result, plot_matches, sample_matches);
        ++taken;
      } else {
        run_season_strips(*setup, grid, emit, tiles[t]);
      }
    }
    if (taken > 0) spdlog::info("season {}: {} of {} tiles made by shards, taken", year, taken, tiles.size());
  }
  const auto finish_start = std::chrono::steady_clock::now();
  finish_all(writers, plan.threads);
  spdlog::debug("  season strips {:.2f} s, finishing the COGs {:.2f} s", seconds_since(strips_start) - seconds_since(finish_start),
                seconds_since(finish_start));
  if (ancillary.plots) {
    std::map<std::size_t, int> zone_of_plot;
    for (const PlotCell& cell : in.plot_cells) zone_of_plot[cell.plot] = zone_of_cell(in.zone_cover, cell.col, cell.row);
    for (PlotMatch& m : plot_matches)
      if (const auto z = zone_of_plot.find(m.plot); z != zone_of_plot.end()) m.zone = z->second;
    result.calibration = fit_calibration(std::move(plot_matches), *ancillary.plots, s.calibration.min_plots);
  }
  // Each zone's class areas, under its own index: a unit of several zones keeps them apart (its
  // zones' grassland shares weigh the calibration's zone effect; a sample's strata are zone x class).
  for (std::size_t z = 0; z < result.tallies.size(); ++z)
    for (int c = 0; c < kLandCoverClasses; ++c)
      result.tallies[z].class_area_by_zone[int(z)][std::size_t(c)] = result.tallies[z].landcover_area[c];
  if (ancillary.samples) {
    std::array<double, kLandCoverClasses> mapped{};  // over the zones: the region the sample's estimate speaks for
    for (const ZoneTally& t : result.tallies)
      for (int c = 0; c < kLandCoverClasses; ++c) mapped[std::size_t(c)] += t.landcover_area[c];
    // Each unit of the sample in the zone that holds most of its cell: a unit's own sample, and
    // whether its shrubland is forest.
    std::vector<bool> designated(ancillary.samples->size(), false);
    std::vector<int> zone_of_unit(ancillary.samples->size(), -1);
    std::size_t outside_zones = 0;
    std::string first_outside;
    for (const PlotCell& cell : in.sample_cells) {
      const int z = zone_of_cell(in.zone_cover, cell.col, cell.row);
      if (z < 0) {
        if (outside_zones++ == 0) first_outside = table_row(s.accuracy.samples_file, std::size_t((*ancillary.samples)[cell.plot].row - 1));
        continue;
      }
      result.tallies[std::size_t(z)].sample_units.push_back(cell.plot);
      designated[cell.plot] = in.season_zones[std::size_t(z)].shrubland_is_forest;
      zone_of_unit[cell.plot] = z;
    }
    if (outside_zones > 0)
      spdlog::warn("{}: {} sample unit(s) of {} lie in no zone (first: {}); they count for the region's strata only", s.accuracy.samples_file,
                   outside_zones, year, first_outside);
    result.accuracy = assess_land_cover(std::move(sample_matches), *ancillary.samples, mapped, designated, s.accuracy.min_unit_stratum_units,
                                        zone_of_unit, sample_frame(zones, result.tallies, cell_area));
  }
  return result;
}

std::vector<int> zones_of_cells(const geo::ZoneCover& zones, const Window& w) {
  std::vector<int> zone(w.size(), -1);
  std::vector<double> best(w.size(), 0.5);  // the zone holding most of a cell, if one holds at least half
  zones.for_each_row(w, [&](std::size_t z, int row, int col0, const double* fraction, int cells) {
    for (int k = 0; k < cells; ++k) {
      const std::size_t i = std::size_t(row - w.row0) * std::size_t(w.cols) + std::size_t(col0 - w.col0 + k);
      if (fraction[k] >= best[i]) best[i] = fraction[k], zone[i] = int(z);
    }
  });
  return zone;
}

bool trends_selected(const OutputSection& output) {
  for (const ProductSpec& p : trend_products())
    if (product_selected(output, "trends", p.name)) return true;
  return false;
}

std::vector<std::string> pixel_trends(const std::vector<YearResult>& years, const geo::Grid& grid, const Settings& s,
                                      const std::string& work_dir) {
  if (!trends_selected(s.output)) return {};
  std::vector<const YearResult*> usable;
  for (const auto& y : years)
    if (!y.fvc_product.empty()) usable.push_back(&y);
  if (usable.size() < 3 || grid.cols == 0) return {};
  std::vector<geo::io::RasterReader> readers;
  std::vector<double> times;
  for (const auto* y : usable) {
    readers.emplace_back(y->fvc_product);
    times.push_back(y->year);
  }
  // The rasters of products/product_specs.cpp's trend_products(): slope, then class; each written when selected.
  // Each says the years it spans (in its description and metadata): a trend without its period is unreadable.
  std::string years_used;
  for (const auto* y : usable) {
    if (!years_used.empty()) years_used += ' ';
    years_used += std::to_string(y->year);
  }
  const std::string period = std::to_string(usable.front()->year) + "-" + std::to_string(usable.back()->year);
  std::vector<ProductSpec> specs = trend_products();
  for (ProductSpec& spec : specs) spec.description += ", " + period;
  const std::vector<std::pair<std::string, std::string>> metadata = {{"ECOMON_TREND_ALPHA", format_fixed(s.trend.alpha, 3)},
                                                                     {"ECOMON_YEARS", std::to_string(usable.size())},
                                                                     {"ECOMON_YEAR_FIRST", std::to_string(usable.front()->year)},
                                                                     {"ECOMON_YEAR_LAST", std::to_string(usable.back()->year)},
                                                                     {"ECOMON_YEARS_USED", years_used}};
  ProductOutputPlan outputs{"trends", {"trends"}, "", metadata};
  ProductWriters opened = open_product_writers(specs, outputs, grid, s.output, work_dir);
  auto& writers = opened.writers;
  // Through the strip runner like every raster pass: the years' FVC read in order, the per-cell
  // test in parallel, the strips written in order.
  struct TrendStrip : StripWindows {
    std::vector<Block<std::uint8_t>> values;  // by year, over the core
    ProductBlocks outputs;
  };
  const double per_cell = double(readers.size()) + 4.0 + 1.0;  // the years' FVC bytes, the slope and the class
  const StripPlan plan = plan_strips(s, per_cell, grid.cols, 0);
  run_strips<TrendStrip>(
      plan, grid, 0,
      [&](TrendStrip& t) {
        for (auto& r : readers) t.values.push_back(r.read<std::uint8_t>(t.core));
      },
      [&](TrendStrip& t) {
        const Window& w = t.core;
        Block<float> slope(w, -9999.0f);
        Block<std::uint8_t> cls(w, kNoData8);
        std::vector<double> v(t.values.size());
        for (int r = 0; r < w.rows; ++r)
          for (int c = 0; c < w.cols; ++c) {
            for (std::size_t y = 0; y < t.values.size(); ++y) {
              const std::uint8_t raw = t.values[y].at(r, c);
              v[y] = raw == kNoData8 ? std::nan("") : raw * kFvcScale;
            }
            const geo::TrendResult trend = geo::theil_sen_mann_kendall(times, v);
            if (trend.n < 3) {
              if (trend.n > 0) cls.at(r, c) = kTrendInsufficientData;
              continue;
            }
            slope.at(r, c) = float(trend.slope);
            cls.at(r, c) = !(trend.p < s.trend.alpha) ? 0 : trend.s > 0 ? 1 : 2;
          }
        t.values.clear();
        t.outputs = ProductBlocks(specs);
        t.outputs.set(0, std::move(slope));
        t.outputs.set(1, std::move(cls));
      },
      [&](TrendStrip& t) { t.outputs.write(writers); });
  finish_all(writers, plan.threads);
  return opened.written;
}

}  // namespace ecomon

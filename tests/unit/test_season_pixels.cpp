// The season composite on a table of hand-made observations: in-memory sources on one 4 x 2 grid
// (the regional grid in the same CRS), every pixel a case computed by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vector.hpp"
#include "base/errors.hpp"
#include "engine/season_engine.hpp"
#include "engine/season_source.hpp"
#include "products/index_products.hpp"
#include "products/indicators.hpp"
#include "products/product_specs.hpp"

#include "small_geotiff.hpp"

using namespace ecomon;
using geo::Window;

namespace {

// A cell as the scene pass left it: NDVI and MNDWI at the product encoding (water has MNDWI +0.5,
// land -0.5) and the pixel state.
struct Obs {
  float ndvi;
  bool water = false;
  PixelState state = PixelState::clear;
  float msavi2 = std::numeric_limits<float>::quiet_NaN();  // NaN: the scene has no MSAVI2 here
  float albedo = std::numeric_limits<float>::quiet_NaN();
};

// A season index at its product encoding, or a scene without that raster (an empty block, as a
// sensor lacking one of its bands leaves it).
void store(IndexObservations& o, const std::string& product, const std::vector<float>& values, const geo::Window& w, int grid_cols) {
  bool any = false;
  for (float v : values) any = any || !std::isnan(v);
  if (!any) return;
  geo::Block<std::int16_t>& block = o.of(product);
  for (int r = 0; r < w.rows; ++r)
    for (int c = 0; c < w.cols; ++c) {
      const float v = values[std::size_t((w.row0 + r) * grid_cols + w.col0 + c)];
      if (!std::isnan(v) && o.state.at(r, c) == PixelState::clear) block.at(r, c) = std::int16_t(std::lround(v * 1e4f));
    }
}

class TableSource final : public SeasonSource {
 public:
  TableSource(const std::string& id, const std::string& date, const geo::Grid& grid, std::vector<Obs> cells) : cells_(std::move(cells)) {
    info_ = {id, date, "TEST", "TEST", "SR", id};
    grid_ = grid;
  }
  IndexObservations read(const Window& w) override {
    IndexObservations o(w);
    geo::Block<std::int16_t>& ndvi = o.of("NDVI");
    geo::Block<std::int16_t>& mndwi = o.of("MNDWI");
    for (int r = 0; r < w.rows; ++r)
      for (int c = 0; c < w.cols; ++c) {
        const Obs& x = cells_[std::size_t((w.row0 + r) * grid_.cols + w.col0 + c)];
        o.state.at(r, c) = x.state;
        if (x.state != PixelState::clear) continue;
        ndvi.at(r, c) = std::int16_t(std::lround(x.ndvi * 1e4f));
        mndwi.at(r, c) = x.water ? 5000 : -5000;
      }
    std::vector<float> msavi2, albedo;
    for (const Obs& x : cells_) msavi2.push_back(x.msavi2), albedo.push_back(x.albedo);
    store(o, "MSAVI2", msavi2, w, grid_.cols);
    store(o, "ALBEDO", albedo, w, grid_.cols);
    return o;
  }

 private:
  std::vector<Obs> cells_;
};

constexpr Obs kNone{0, false, PixelState::no_data};
constexpr Obs kCloud{0, false, PixelState::masked};

// The season of 2023 from the table sources, on `grid`, with one zone over `zone_box` (x0, y0, x1,
// y1): FVC = NDVI (end-members 0 and 1), no patch rule (single cells), one thread; strips of at most
// `window_rows` rows when given.
YearResult composite_table(const std::vector<std::unique_ptr<SeasonSource>>& sources, const geo::Grid& grid, const geo::Box& zone_box,
                           const std::filesystem::path& dir, std::vector<geo::io::Zone>& zones, int window_rows = 0) {
  Settings s;
  s.output.dir = dir.string();
  s.season.grid_crs = "EPSG:32649";
  s.forest.min_patch_ha = 0;                    // single cells: no patch rule here
  s.fvc.ndvi_soil = 0.0, s.fvc.ndvi_veg = 1.0;  // FVC = NDVI
  s.run.threads = 1;
  if (window_rows > 0) s.run.window_rows = window_rows;
  std::vector<SeasonSource*> ptrs;
  for (auto& p : sources) ptrs.push_back(p.get());
  zones.assign(1, geo::io::Zone{});
  zones[0].code = "all";
  zones[0].geometry = geo::MultiPolygon{{geo::Polygon{
      {{zone_box.xmin, zone_box.ymin}, {zone_box.xmax, zone_box.ymin}, {zone_box.xmax, zone_box.ymax}, {zone_box.xmin, zone_box.ymax}}, {}}}};
  return composite_year(2023, ptrs, grid, zones, s, (dir / ".tmp").string());
}

// A season product of 2023 written by composite_table().
template <typename T>
geo::Block<T> read_product(const std::filesystem::path& dir, const geo::Grid& grid, const std::string& name) {
  return geo::io::RasterReader((dir / "years/2023" / ("ecomon_2023_" + name + ".tif")).string()).read<T>(grid.full());
}

}  // namespace

TEST(SeasonPixels, HandTable) {
  geo::io::initialise_gdal(64);
  const auto dir = std::filesystem::temp_directory_path() / ("ecomon_season_pixels_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string crs = geo::io::crs_wkt("EPSG:32649");
  const geo::Grid grid{4, 2, {500000, 30, 4500000, -30}, crs};
  // Cells, row-major:        (0,0)          (0,1)      (0,2)          (0,3)
  //                          (1,0)          (1,1)      (1,2)          (1,3)
  std::vector<std::unique_ptr<SeasonSource>> sources;
  sources.push_back(std::make_unique<TableSource>("A", "2023-07-05", grid,
                                                  std::vector<Obs>{{0.2f}, {0.5f}, {0.3f}, {0.1f, true}, kNone, {0.8f}, {0.8f}, {0.2f}}));
  sources.push_back(std::make_unique<TableSource>("B", "2023-07-05", grid,
                                                  std::vector<Obs>{// same day as A
                                                                   kNone,
                                                                   kNone,
                                                                   {0.7f},
                                                                   kNone,
                                                                   kNone,
                                                                   kNone,
                                                                   kNone,
                                                                   kNone}));
  sources.push_back(std::make_unique<TableSource>("C", "2023-07-20", grid,
                                                  std::vector<Obs>{{0.6f}, kCloud, kNone, {0.1f, true}, kNone, {0.7f}, {0.7f}, kCloud}));
  sources.push_back(std::make_unique<TableSource>("D", "2023-08-09", grid,
                                                  std::vector<Obs>{{0.4f}, kNone, kNone, {0.2f}, kNone, {0.6f}, {0.6f}, kCloud}));
  sources.push_back(std::make_unique<TableSource>("S", "2023-05-12", grid,
                                                  std::vector<Obs>{// spring
                                                                   kNone,
                                                                   kNone,
                                                                   kNone,
                                                                   kNone,
                                                                   kNone,
                                                                   {0.2f},
                                                                   {0.7f},
                                                                   kNone}));
  sources.push_back(std::make_unique<TableSource>("X", "2023-06-15", grid,
                                                  std::vector<Obs>{// in no window
                                                                   {0.95f},
                                                                   {0.95f},
                                                                   {0.95f},
                                                                   {0.95f},
                                                                   {0.95f},
                                                                   {0.95f},
                                                                   {0.95f},
                                                                   {0.95f}}));
  std::vector<geo::io::Zone> zones;
  const YearResult y = composite_table(sources, grid, geo::Box{500000, 4499940, 500120, 4500000}, dir, zones);
  EXPECT_EQ(y.scenes, 5);  // X (15 June) is in no window

  auto read8 = [&](const std::string& name) { return read_product<std::uint8_t>(dir, grid, name); };
  auto read16 = [&](const std::string& name) { return read_product<std::int16_t>(dir, grid, name); };
  const auto vmax = read16("NDVI_MAX"), vmed = read16("NDVI_MEDIAN");
  const auto count = read8("CLEAR_COUNT"), freq = read8("WATER_FREQUENCY"), wet = read8("WETLAND"), forest = read8("FOREST");
  // (0,0): 0.2, 0.6, 0.4 -> max 0.6, median 0.4, three clear observations.
  EXPECT_EQ(vmax.at(0, 0), 6000);
  EXPECT_EQ(vmed.at(0, 0), 4000);
  EXPECT_EQ(count.at(0, 0), 3);
  // (0,1): one clear, one cloud, one no-data -> one observation.
  EXPECT_EQ(count.at(0, 1), 1);
  EXPECT_EQ(vmax.at(0, 1), 5000);
  // (0,2): A and B the same day: the first by product id (A, 0.3) counts, B's 0.7 does not.
  EXPECT_EQ(count.at(0, 2), 1);
  EXPECT_EQ(vmax.at(0, 2), 3000);
  // (0,3): wet, wet, dry -> 67 %, seasonal water (wetland class 1), not permanent.
  EXPECT_EQ(freq.at(0, 3), 67);
  EXPECT_EQ(wet.at(0, 3), 1);
  // (1,0): never observed -> no data everywhere.
  EXPECT_EQ(count.at(1, 0), 255);
  EXPECT_EQ(vmax.at(1, 0), -32768);
  // (1,1): green at peak (0.8) but bare in spring (0.2): cropland, not forest.
  EXPECT_EQ(forest.at(1, 1), 0);
  // (1,2): green at peak and in spring (0.7): forest.
  EXPECT_EQ(forest.at(1, 2), 1);
  // (1,3): only masked after A -> one observation, median = max = 0.2.
  EXPECT_EQ(count.at(1, 3), 1);
  EXPECT_EQ(vmed.at(1, 3), 2000);

  // (0,0): peak 0.60 reaches forest.ndvi_min and it has no spring or autumn observation: the canopy
  // rule alone applies, so it is forest too.
  EXPECT_EQ(forest.at(0, 0), 1);

  // Zone tallies: the zone covers all 8 cells; 7 have data and are observed. Cells are ellipsoidal:
  // 900 m^2 nominal / areal scale 0.9992 near UTM 49N's central meridian.
  const double cell = geo::io::cell_area_model(grid).areas(Window{0, 0, 1, 1})[0];
  EXPECT_NEAR(cell, 900.0 / (0.9996 * 0.9996), 0.01);
  // (cells 30 m apart differ in area by ~1e-9 relative)
  const ZoneTally& t = y.tallies[0];
  EXPECT_NEAR(t.total_area, 7 * cell, 1e-7 * 7 * cell);
  EXPECT_NEAR(t.observed_area, 7 * cell, 1e-7 * 7 * cell);
  EXPECT_NEAR(t.clear_obs_area, 15 * cell, 1e-7 * 15 * cell);  // 3 + 1 + 1 + 3 + 3 + 3 + 1
  EXPECT_NEAR(t.wetland_area, cell, 1e-7 * cell);              // (0,3)
  EXPECT_NEAR(t.water_area, 0.0, 1e-9);                        // nothing permanent
  EXPECT_NEAR(t.forest_area, 2 * cell, 1e-7 * 2 * cell);       // (0,0) and (1,2)
  EXPECT_NEAR(t.forest_phenology_area, 0.0, 1e-9);             // no cell was seen in both spring and autumn
  // FVC = NDVI max over land cells (all but (0,3), which is majority-wet): 0.6+0.5+0.3+0.8+0.8+0.2
  EXPECT_NEAR(t.fvc_area / t.land_area, (0.6 + 0.5 + 0.3 + 0.8 + 0.8 + 0.2) / 6, 1e-6);
  std::filesystem::remove_all(dir);
}

// The soil-adjusted index as a season composite: MSAVI2_MEDIAN is the median of the clear season
// observations that have MSAVI2 (a scene without the raster adds none), the county column
// msavi2_mean its area-weighted mean over land; and the desertification index reads the albedo of
// the peak-NDVI date, not the season's extreme albedo.
TEST(SeasonPixels, IndexCompositesAndPeakDate) {
  geo::io::initialise_gdal(64);
  const auto dir = std::filesystem::temp_directory_path() / ("ecomon_season_msavi_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string crs = geo::io::crs_wkt("EPSG:32649");
  const geo::Grid grid{3, 1, {500000, 30, 4500000, -30}, crs};
  auto obs = [](float ndvi, float msavi2, float albedo) { return Obs{ndvi, false, PixelState::clear, msavi2, albedo}; };
  const float none = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::unique_ptr<SeasonSource>> sources;
  sources.push_back(std::make_unique<TableSource>("A", "2023-07-05", grid,
                                                  std::vector<Obs>{obs(0.30f, 0.20f, 0.25f), obs(0.50f, 0.35f, 0.30f), obs(0.40f, 0.30f, 0.40f)}));
  sources.push_back(std::make_unique<TableSource>("B", "2023-07-20", grid,
                                                  std::vector<Obs>{obs(0.40f, 0.26f, 0.35f), obs(0.45f, 0.31f, 0.15f), obs(0.20f, 0.10f, 0.45f)}));
  // C has neither MSAVI2 nor ALBEDO (its sensor's bands do not give them).
  sources.push_back(std::make_unique<TableSource>("C", "2023-08-09", grid,
                                                  std::vector<Obs>{obs(0.35f, none, none), kCloud, obs(0.60f, none, none)}));
  sources.push_back(std::make_unique<TableSource>("D", "2023-08-15", grid, std::vector<Obs>{obs(0.50f, 0.40f, 0.20f), kCloud, kNone}));
  std::vector<geo::io::Zone> zones;
  const YearResult y = composite_table(sources, grid, geo::Box{500000, 4499970, 500090, 4500000}, dir, zones);
  const auto msavi2 = read_product<std::int16_t>(dir, grid, "MSAVI2_MEDIAN"), ddi = read_product<std::int16_t>(dir, grid, "DDI");
  EXPECT_EQ(msavi2.at(0, 0), 2600);  // 0.20, 0.26, 0.40 (C has none)
  EXPECT_EQ(msavi2.at(0, 1), 3300);  // 0.35, 0.31: the mean of the middle two
  EXPECT_EQ(msavi2.at(0, 2), 2000);  // 0.30, 0.10
  // DDI = -NDVI / slope - albedo (slope -0.26) on the peak-NDVI date: (0,0) D (0.50, 0.20), (0,1) A
  // (0.50, 0.30); (0,2) peaks on C, which has no albedo: undefined.
  EXPECT_EQ(ddi.at(0, 0), std::lround((0.5 / 0.26 - 0.2) * 1e4));
  EXPECT_EQ(ddi.at(0, 1), std::lround((0.5 / 0.26 - 0.3) * 1e4));
  EXPECT_EQ(ddi.at(0, 2), -32768);
  const geo::io::Zone& zone = zones[0];
  const ZoneRow row{zone, y.tallies[0], nullptr, &y};
  EXPECT_NEAR(indicator("msavi2_mean").number(row), (0.26 + 0.33 + 0.20) / 3, 1e-6);
  EXPECT_EQ(indicator("msavi2_mean").text(row), "0.2633");
  std::filesystem::remove_all(dir);
}

namespace {

// A source that holds the cells of its last read, as a scene's forward readers hold their block
// rows, until released; the cells are clear land of NDVI 0.5.
class HoldingSource final : public SeasonSource {
 public:
  HoldingSource(const std::string& id, const geo::Grid& grid) {
    info_ = {id, "2023-07-05", "TEST", "TEST", "SR", id};
    grid_ = grid;
  }
  IndexObservations read(const Window& w) override {
    IndexObservations o(w);
    std::fill(o.state.data(), o.state.data() + o.state.size(), PixelState::clear);
    geo::Block<std::int16_t>& ndvi = o.of("NDVI");
    std::fill(ndvi.data(), ndvi.data() + ndvi.size(), std::int16_t(5000));
    geo::Block<std::int16_t>& mndwi = o.of("MNDWI");  // land
    std::fill(mndwi.data(), mndwi.data() + mndwi.size(), std::int16_t(-5000));
    held_ = std::int64_t(w.size()) * 3;
    ++reads;
    return o;
  }
  void release() override {
    held_ = 0;
    ++releases;
  }
  std::int64_t held_bytes() const override { return held_; }
  int reads = 0, releases = 0;

 private:
  std::int64_t held_ = 0;
};

}  // namespace

// A pass of strips over a scene north of another frees what the northern scene holds once the
// strips are below it, not at the year's end: a region of many scenes holds those under the strip.
TEST(SeasonPixels, ASceneThePassHasLeftHoldsNothing) {
  geo::io::initialise_gdal(64);
  const auto dir = std::filesystem::temp_directory_path() / ("ecomon_season_release_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string crs = geo::io::crs_wkt("EPSG:32649");
  const geo::Grid grid{4, 160, {500000, 30, 4500000, -30}, crs};
  geo::Grid north = grid, south = grid;
  north.rows = 40;
  south.rows = 120;
  south.transform.origin_y = grid.transform.row_to_y(40);
  std::vector<std::unique_ptr<SeasonSource>> sources;
  sources.push_back(std::make_unique<HoldingSource>("N", north));
  sources.push_back(std::make_unique<HoldingSource>("S", south));
  std::vector<geo::io::Zone> zones;
  (void)composite_table(sources, grid, grid.extent(), dir, zones, 8);  // strips of 8 rows: most of them below the northern scene
  const auto& north_source = static_cast<const HoldingSource&>(*sources[0]);
  const auto& south_source = static_cast<const HoldingSource&>(*sources[1]);
  EXPECT_GT(north_source.reads, 1);
  EXPECT_EQ(north_source.held_bytes(), 0) << "the strips passed the northern scene";
  EXPECT_GE(north_source.releases, 1);
  EXPECT_GT(south_source.held_bytes(), 0) << "the last strip is over the southern scene";
  EXPECT_EQ(south_source.releases, 0);
  // Every cell composited, from one of the two scenes.
  const auto ndvi = read_product<std::int16_t>(dir, grid, "NDVI_MAX");
  for (std::size_t i = 0; i < ndvi.size(); ++i) ASSERT_EQ(ndvi[i], 5000) << "cell " << i;
  std::filesystem::remove_all(dir);
}

// A scene's season inputs as the scene pass wrote them: the grid from CLEAR alone (a reduce reads no
// index raster), the index rasters read at the first read, and one not on CLEAR's grid refused then,
// by its path.
TEST(SeasonPixels, SceneProductsReadFromTheirRasters) {
  geo::io::initialise_gdal(64);
  using ecomon_test::SmallGeoTiff;
  const std::string clear_path = ecomon_test::temp_tiff_path("season_source", "clear");
  const std::string ndvi_path = ecomon_test::temp_tiff_path("season_source", "ndvi");
  const std::string shifted_path = ecomon_test::temp_tiff_path("season_source", "shifted");
  SmallGeoTiff clear;
  clear.crs = "EPSG:32649", clear.type = GDT_Byte, clear.nodata = kNoData8;
  clear.values = {1, 0, kNoData8, 1, 1, 1, 0, 1, 1, 1, 1, 0};  // 4 x 3: clear, masked, no data
  ecomon_test::write_small_geotiff(clear_path, clear);
  SmallGeoTiff ndvi = clear;
  ndvi.type = GDT_Int16, ndvi.nodata = kNoData16;
  ndvi.values = {5000, kNoData16, kNoData16, 1234, -100, 0, kNoData16, 7, 8, 9, 10, kNoData16};
  ecomon_test::write_small_geotiff(ndvi_path, ndvi);
  SmallGeoTiff shifted = ndvi;
  shifted.west += 30;
  ecomon_test::write_small_geotiff(shifted_path, shifted);
  const SceneInfo info{"S1", "2023-07-05", "TEST", "TEST", "SR", "scene-folder"};

  SeasonInputFiles files;
  files.paths = {{"CLEAR", clear_path}, {"NDVI", ndvi_path}};
  SceneProductSource source(info, files);
  EXPECT_EQ(source.grid().cols, 4);
  EXPECT_EQ(source.grid().rows, 3);
  const IndexObservations o = source.read(Window{1, 1, 3, 2});
  EXPECT_EQ(o.state.at(0, 0), PixelState::clear);
  EXPECT_EQ(o.state.at(0, 1), PixelState::masked);
  EXPECT_EQ(o.state.at(1, 2), PixelState::masked);
  const geo::Block<std::int16_t>& read_ndvi = o.index.at(season_index_slot("NDVI"));
  EXPECT_EQ(read_ndvi.at(0, 2), 7);
  EXPECT_EQ(read_ndvi.at(1, 0), 9);
  EXPECT_EQ(read_ndvi.at(1, 2), kNoData16);
  EXPECT_EQ(o.index.at(season_index_slot("MNDWI")).size(), 0U) << "a raster the scene has not: an empty block";

  files.paths["NDVI"] = shifted_path;
  SceneProductSource misplaced(info, files);  // the grid is CLEAR's: nothing else is opened yet
  EXPECT_EQ(misplaced.grid().cols, 4);
  try {
    (void)misplaced.read(Window{0, 0, 4, 3});
    ADD_FAILURE() << "an index raster off CLEAR's grid was read";
  } catch (const SceneError& e) {
    EXPECT_NE(std::string(e.what()).find(shifted_path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not on the grid of"), std::string::npos) << e.what();
  }
  files.paths.erase("CLEAR");
  EXPECT_THROW(SceneProductSource(info, files), SceneError) << "no CLEAR raster";
  for (const std::string& p : {clear_path, ndvi_path, shifted_path}) std::filesystem::remove(p);
}

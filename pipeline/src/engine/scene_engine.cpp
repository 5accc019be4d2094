#include "engine/scene_engine.hpp"

#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <memory>
#include <numbers>
#include <optional>
#include <thread>

#include "libgeo/block.hpp"
#include "libgeo/cell_area.hpp"
#include "libgeo/components.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/indices.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "app/output_folder.hpp"
#include "products/styles.hpp"

namespace ecomon {

using geo::Block;
using geo::Window;

void ZoneTally::merge(const ZoneTally& o) {
  total_area += o.total_area;
  observed_area += o.observed_area;
  land_area += o.land_area;
  fvc_area += o.fvc_area;
  forest_area += o.forest_area;
  water_area += o.water_area;
  for (int i = 0; i < 5; ++i) grade_area[i] += o.grade_area[i];
}

const std::vector<std::string>& product_names() {
  static const std::vector<std::string> names = {"NDVI", "MNDWI", "MSAVI2", "FVC", "WATER", "FOREST", "DESERT_GRADE", "CLEAR"};
  return names;
}

namespace {

// Pixel states used throughout; products carry 255 (or -32768) where a pixel was not observed.
constexpr std::uint8_t kNoData8 = 255;
constexpr std::int16_t kNoData16 = -32768;
constexpr double kIndexScale = 1e-4;  // indices stored as int16 x 1e-4
constexpr double kFvcScale = 0.005;   // FVC stored as uint8 0..200 x 0.005
// Memory per pixel of a strip in flight: 8 uint16 inputs, 4 float indices, state and masks, cell
// areas (double), 8 outputs and one zone's coverage (double), rounded up.
constexpr double kBytesPerPixelInFlight = 80;

struct Strip {
  std::size_t index = 0;
  Window core, grown;
  ObservationBlock obs;  // over `grown`
  // outputs over `core`
  Block<std::int16_t> ndvi, mndwi, msavi2;
  Block<std::uint8_t> fvc, water, forest, grade, clear;
  std::vector<std::vector<ZoneTally>> zone_rows;  // [zone][row of core]
  std::uint64_t undefined_index_pixels = 0;       // clear pixels of the core whose NDVI or MNDWI is undefined
};

struct ProductRules {
  geo::index::DimidiateFvc fvc;
  geo::index::DesertGrading grading;
  float water_mndwi_min, forest_ndvi_min;
  double min_patch_m2;
};

// Adds area to its grade's slot; land that is not graded (no cover value) has no slot.
void add_graded_area(double (&grade_area)[5], geo::index::DesertGrade grade, double area) {
  const int slot = int(grade) - int(geo::index::DesertGrade::none);
  if (slot >= 0 && slot < 5) grade_area[slot] += area;
}

std::int16_t scaled16(float v) {
  if (std::isnan(v)) return kNoData16;
  return std::int16_t(std::lround(std::clamp(v, -1.0f, 1.0f) / float(kIndexScale)));
}

// Computes every product of a strip (with halo) and the per-row zone tallies of its core rows.
void compute_strip(Strip& s, const ProductRules& rules, const geo::CellAreaModel& area_model,
                   const std::vector<geo::io::Zone>& zones, const std::vector<Window>& zone_windows,
                   const geo::GeoTransform& transform) {
  const Window& g = s.grown;
  const std::size_t n = std::size_t(g.size());
  Block<std::uint8_t>& state = s.obs.state;
  Block<float> ndvi(g), mndwi(g), msavi2(g), fvc(g);
  Block<std::uint8_t> water(g, kNoData8), candidate(g, kNoData8);
  const geo::index::Ndvi ndvi_f;
  const geo::index::Mndwi mndwi_f;
  const geo::index::Msavi2 msavi2_f;
  for (std::size_t i = 0; i < n; ++i) {
    if (state[i] != clear) {
      ndvi[i] = mndwi[i] = msavi2[i] = fvc[i] = geo::index::kNaN;
      continue;
    }
    const float red = s.obs.red[i], nir = s.obs.nir[i], green = s.obs.green[i], swir1 = s.obs.swir1[i];
    ndvi[i] = ndvi_f(nir, red);
    mndwi[i] = mndwi_f(green, swir1);
    msavi2[i] = msavi2_f(nir, red);
    if (!std::isfinite(ndvi[i]) || !std::isfinite(mndwi[i])) {
      // A zero denominator (e.g. red = -NIR): no index, so no cover, water or grade. The pixel is not
      // an observation; counted (core rows only, so strips' halos are not counted twice).
      state[i] = masked;
      ndvi[i] = mndwi[i] = msavi2[i] = fvc[i] = geo::index::kNaN;
      const int row = g.row0 + int(i / std::size_t(g.cols));
      if (row >= s.core.row0 && row < s.core.row_end()) ++s.undefined_index_pixels;
      continue;
    }
    const bool is_water = mndwi[i] > rules.water_mndwi_min;
    water[i] = is_water ? 1 : 0;
    // Water is not vegetation: its cover is 0 whatever its NDVI (algae, shallow margins).
    fvc[i] = is_water ? 0.0f : rules.fvc(ndvi[i]);
    candidate[i] = (!is_water && ndvi[i] >= rules.forest_ndvi_min) ? 1 : 0;
  }
  const Block<double> areas = area_model.areas(g);
  Block<std::uint8_t> forest = geo::remove_small_patches(candidate, areas, rules.min_patch_m2, s.core);

  // Products over the core rows.
  const Window& c = s.core;
  const int dr = c.row0 - g.row0;
  s.ndvi = Block<std::int16_t>(c);
  s.mndwi = Block<std::int16_t>(c);
  s.msavi2 = Block<std::int16_t>(c);
  s.fvc = Block<std::uint8_t>(c);
  s.water = Block<std::uint8_t>(c);
  s.grade = Block<std::uint8_t>(c);
  s.clear = Block<std::uint8_t>(c);
  s.forest = std::move(forest);
  for (int r = 0; r < c.rows; ++r)
    for (int col = 0; col < c.cols; ++col) {
      const std::size_t gi = std::size_t(r + dr) * g.cols + col;
      const std::uint8_t st = state[gi];
      s.clear.at(r, col) = st == no_data ? kNoData8 : (st == clear ? 1 : 0);
      s.ndvi.at(r, col) = scaled16(ndvi[gi]);
      s.mndwi.at(r, col) = scaled16(mndwi[gi]);
      s.msavi2.at(r, col) = scaled16(msavi2[gi]);
      s.fvc.at(r, col) = std::isnan(fvc[gi]) ? kNoData8 : std::uint8_t(std::lround(fvc[gi] / float(kFvcScale)));
      s.water.at(r, col) = water[gi];
      s.grade.at(r, col) = st != clear ? kNoData8
                           : water[gi] == 1 ? std::uint8_t(geo::index::DesertGrade::not_graded)
                                            : std::uint8_t(rules.grading(fvc[gi]));
      if (st != clear) s.forest.at(r, col) = kNoData8;
    }

  // Zone tallies, row by row (column order inside a row), for zones touching this strip.
  s.zone_rows.assign(zones.size(), std::vector<ZoneTally>(std::size_t(c.rows)));
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const Window sub = zone_windows[z].intersect(c);
    if (sub.empty()) continue;
    const Block<double> cover = geo::coverage_fractions(zones[z].geometry, transform, sub);
    for (int r = 0; r < sub.rows; ++r) {
      ZoneTally& t = s.zone_rows[z][std::size_t(sub.row0 - c.row0 + r)];
      const int gr = sub.row0 - g.row0 + r;
      for (int k = 0; k < sub.cols; ++k) {
        const double f = cover.at(r, k);
        if (f <= 0) continue;
        const int col = sub.col0 - g.col0 + k;
        const std::size_t gi = std::size_t(gr) * g.cols + col;
        if (state[gi] == no_data) continue;
        const double w = f * areas[gi];
        t.total_area += w;
        if (state[gi] != clear) continue;
        t.observed_area += w;
        if (water[gi] == 1) {
          t.water_area += w;
          continue;
        }
        t.land_area += w;
        t.fvc_area += double(fvc[gi]) * w;
        add_graded_area(t.grade_area, rules.grading(fvc[gi]), w);
        if (s.forest.at(sub.row0 - c.row0 + r, col - (c.col0 - g.col0)) == 1) t.forest_area += w;
      }
    }
  }
}

// Scene percentiles of NDVI over clear land, for `auto` end-members: a fixed-bin histogram
// (0.001 NDVI) so the result is exact and independent of strip size and threads.
std::pair<double, double> ndvi_percentiles(ObservationSource& source, const Settings& settings) {
  constexpr int bins = 2001;
  std::vector<std::uint64_t> hist(bins, 0);
  for (const Window& w : geo::strips(source.grid(), settings.window_rows)) {
    const ObservationBlock o = source.read(w);
    for (std::size_t i = 0; i < o.state.size(); ++i) {
      if (o.state[i] != clear) continue;
      if (geo::index::Mndwi{}(o.green[i], o.swir1[i]) > float(settings.water_mndwi_min)) continue;
      const float v = geo::index::Ndvi{}(o.nir[i], o.red[i]);
      if (std::isnan(v)) continue;
      hist[std::size_t(std::lround((std::clamp(v, -1.0f, 1.0f) + 1.0f) * 1000.0f))]++;
    }
  }
  std::uint64_t total = 0;
  for (auto h : hist) total += h;
  if (total == 0) throw SceneError(source.info().path + ": no clear land pixel: cannot derive `auto` FVC end-members");
  auto percentile = [&](double p) {
    const std::uint64_t target = std::max<std::uint64_t>(std::uint64_t(std::ceil(p / 100.0 * double(total))), 1);
    std::uint64_t seen = 0;
    for (int b = 0; b < bins; ++b) {
      seen += hist[std::size_t(b)];
      if (seen >= target) return b / 1000.0 - 1.0;
    }
    return 1.0;
  };
  return {percentile(settings.soil_percentile), percentile(settings.veg_percentile)};
}

}  // namespace

namespace {

std::vector<geo::io::RasterSpec> product_specs(const geo::Grid& grid, const SceneInfo& scene, double soil, double veg) {
  using geo::io::PixelType;
  using geo::io::RasterSpec;
  std::vector<std::pair<std::string, std::string>> md = {
      {"ECOMON_SCENE", scene.id}, {"ECOMON_DATE", scene.date}, {"ECOMON_REFLECTANCE", scene.reflectance}};
  auto spec = [&](PixelType t, double nodata, std::string desc, double scale, bool categorical) {
    RasterSpec s;
    s.grid = grid;
    s.type = t;
    s.nodata = nodata;
    s.description = std::move(desc);
    s.scale = scale;
    s.categorical = categorical;
    s.metadata = md;
    return s;
  };
  std::vector<RasterSpec> out;
  out.push_back(spec(PixelType::i16, kNoData16, "NDVI (Rouse et al. 1974), x1e-4", kIndexScale, false));
  out.push_back(spec(PixelType::i16, kNoData16, "MNDWI (Xu 2006), x1e-4", kIndexScale, false));
  out.push_back(spec(PixelType::i16, kNoData16, "MSAVI2 (Qi et al. 1994), x1e-4", kIndexScale, false));
  auto fvc = spec(PixelType::u8, kNoData8, "Fractional vegetation cover, dimidiate pixel model, x0.005", kFvcScale, false);
  fvc.metadata.push_back({"ECOMON_NDVI_SOIL", std::to_string(soil)});
  fvc.metadata.push_back({"ECOMON_NDVI_VEG", std::to_string(veg)});
  out.push_back(fvc);
  auto water = spec(PixelType::u8, kNoData8, "Water (MNDWI threshold)", 1, true);
  water.colours = binary_colours("not water", "water", 30, 90, 200);
  out.push_back(water);
  auto forest = spec(PixelType::u8, kNoData8, "Forest (canopy NDVI, minimum patch)", 1, true);
  forest.colours = binary_colours("not forest", "forest", 20, 120, 40);
  out.push_back(forest);
  auto grade = spec(PixelType::u8, kNoData8, "Desertification grade by vegetation cover (GB/T 24255 criterion)", 1, true);
  grade.colours = desert_grade_colours();
  out.push_back(grade);
  auto clear = spec(PixelType::u8, kNoData8, "Clear observation (QA: no fill, cloud, shadow, cirrus, snow, saturation)", 1, true);
  clear.colours = binary_colours("masked", "clear", 250, 250, 250);
  out.push_back(clear);
  return out;
}

}  // namespace

SceneResult process_scene(ObservationSource& source, const Settings& settings, const geo::io::ZoneSource& zone_source,
                          const std::string& work_dir) {
  namespace fs = std::filesystem;
  const SceneInfo& scene = source.info();
  const geo::Grid grid = source.grid();

  SceneResult result;
  result.scene = scene;
  result.zones = geo::io::read_zones(zone_source, grid.crs_wkt);
  std::vector<Window> zone_windows;
  for (const auto& z : result.zones) zone_windows.push_back(z.geometry.empty() ? Window{} : grid.window_of(z.geometry.bounds()));

  double soil = settings.ndvi_soil.value_or(0), veg = settings.ndvi_veg.value_or(0);
  if (!settings.ndvi_soil || !settings.ndvi_veg) {
    const auto [p_soil, p_veg] = ndvi_percentiles(source, settings);
    if (!settings.ndvi_soil) soil = p_soil;
    if (!settings.ndvi_veg) veg = p_veg;
    if (!(veg > soil)) throw SceneError(scene.path + ": auto FVC end-members collapse (soil " + std::to_string(soil) + ", veg " + std::to_string(veg) + ")");
  }
  result.ndvi_soil = soil;
  result.ndvi_veg = veg;
  ProductRules rules{geo::index::DimidiateFvc{float(soil), float(veg)},
                     geo::index::DesertGrading{float(settings.desert_none_min), float(settings.desert_light_min),
                                               float(settings.desert_moderate_min), float(settings.desert_severe_min)},
                     float(settings.water_mndwi_min), float(settings.forest_ndvi_min), settings.forest_min_patch_ha * 1e4};

  const geo::CellAreaModel area_model = geo::io::cell_area_model(grid);
  // Halo for exact minimum-patch filtering: from the smallest cell area on the grid's first row,
  // with a 1% margin (UTM cell areas vary by well under 1% within a scene).
  const double smallest_cell = area_model.areas(Window{0, 0, grid.cols, 1}).at(0, 0) * 0.99;
  const int halo = geo::min_patch_halo_rows(rules.min_patch_m2, smallest_cell);

  // Outputs: names from the (checked) product id, and never outside the output folder.
  std::vector<std::unique_ptr<geo::io::CogWriter>> writers;
  if (settings.write_products) {
    fs::create_directories(path_inside(settings.output_dir, {"products", scene.id}));
    geo::io::CogOptions cog{settings.codec, settings.codec_level, settings.block_size, true, 1};
    auto specs = product_specs(grid, scene, soil, veg);
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const std::string path = path_inside(settings.output_dir, {"products", scene.id, scene.id + "_" + product_names()[i] + ".tif"});
      writers.push_back(std::make_unique<geo::io::CogWriter>(path, specs[i], cog, work_dir));
      result.products.push_back(path);
    }
  }

  result.tallies.assign(result.zones.size(), ZoneTally{});
  const StripPlan plan = plan_strips(settings, kBytesPerPixelInFlight, grid.cols, halo);
  const int threads = plan.threads;
  const std::size_t tokens = plan.tokens;
  const std::vector<Window> strips = geo::strips(grid, plan.rows);
  spdlog::debug("strips of {} rows ({} in flight, budget {} MiB)", plan.rows, tokens, settings.memory_budget_mb);
  std::size_t next = 0;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, std::shared_ptr<Strip>>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> std::shared_ptr<Strip> {
              if (next >= strips.size()) {
                fc.stop();
                return nullptr;
              }
              auto s = std::make_shared<Strip>();
              s->index = next;
              s->core = strips[next++];
              s->grown = s->core.with_row_halo(halo, grid.full());
              s->obs = source.read(s->grown);
              return s;
            }) &
            tbb::make_filter<std::shared_ptr<Strip>, std::shared_ptr<Strip>>(
                tbb::filter_mode::parallel,
                [&](std::shared_ptr<Strip> s) {
                  compute_strip(*s, rules, area_model, result.zones, zone_windows, grid.transform);
                  s->obs = {};
                  return s;
                }) &
            tbb::make_filter<std::shared_ptr<Strip>, void>(
                tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Strip> s) {
                  if (!writers.empty()) {
                    writers[0]->write(s->ndvi);
                    writers[1]->write(s->mndwi);
                    writers[2]->write(s->msavi2);
                    writers[3]->write(s->fvc);
                    writers[4]->write(s->water);
                    writers[5]->write(s->forest);
                    writers[6]->write(s->grade);
                    writers[7]->write(s->clear);
                  }
                  for (std::size_t z = 0; z < result.tallies.size(); ++z)
                    for (const auto& row : s->zone_rows[z]) result.tallies[z].merge(row);
                  result.undefined_index_pixels += s->undefined_index_pixels;
                }));
  });
  // The COG translations (codec + overviews) dominate the remaining time; they are independent files.
  arena.execute([&] {
    tbb::parallel_for(std::size_t(0), writers.size(), [&](std::size_t i) { writers[i]->finish(); });
  });
  return result;
}

}  // namespace ecomon

#include "engine/scene_engine.hpp"

#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <numbers>
#include <optional>
#include <thread>

#include "config/cell_rules_from.hpp"
#include "libgeo/block.hpp"
#include "libgeo/cell_area.hpp"
#include "libgeo/components.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/indices.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "base/output_folder.hpp"
#include "engine/strip_runner.hpp"
#include "rules/cell_rules.hpp"
#include "products/index_products.hpp"
#include "products/product_specs.hpp"

namespace ecomon {

using geo::Block;
using geo::Window;

namespace {

// Memory per pixel of a strip in flight: per band a uint16 input and a float reflectance, per index
// product a float and an int16 output, the rules' floats, state and masks, cell areas (double), the
// rule outputs and one zone's coverage (double).
double bytes_per_pixel_in_flight(std::size_t bands, std::size_t indices) { return 56.0 + 6.0 * double(bands) + 6.0 * double(indices); }

struct Strip : StripWindows {
  ObservationBlock obs;                           // over `grown`
  ProductBlocks outputs;                          // over `core`, one per scene product
  std::vector<std::vector<ZoneTally>> zone_rows;  // [zone][row of core]
  std::uint64_t undefined_index_pixels = 0;       // clear pixels of the core whose NDVI or MNDWI is undefined
};

// An index at its product encoding (int16 x 1e-4, half away from zero) where the pixel is clear and
// the index defined; elsewhere no data, and NaN in `value` (also pixels the rules masked). Branch-free
// loops, which the compiler vectorises.
void encode_clear_index(const PixelState* __restrict state, float* __restrict value, std::int16_t* __restrict out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float v = value[i];
    value[i] = ((state[i] == PixelState::clear) & (v == v)) ? v : geo::index::kNaN;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const float v = value[i];
    const bool defined = v == v;
    const float x = defined ? v : 0.0f;
    const float clamped = x < -1.0f ? -1.0f : x > 1.0f ? 1.0f : x;
    out[i] = defined ? std::int16_t(round_half_away(clamped / float(kIndexScale))) : kNoData16;
  }
}

// Computes every product of a strip (with halo) and the per-row zone tallies of its core rows.
void compute_strip(Strip& s, const BandSet& bands, const CellRules& rules, const geo::CellAreaModel& area_model, const geo::ZoneCover& zones) {
  const Window& g = s.grown;
  const std::size_t n = std::size_t(g.size());
  Block<PixelState>& state = s.obs.state;
  Block<float> ndvi = Block<float>::uninitialized(g), mndwi = Block<float>::uninitialized(g), fvc = Block<float>::uninitialized(g);
  Block<std::uint8_t> water = Block<std::uint8_t>::uninitialized(g), candidate = Block<std::uint8_t>::uninitialized(g);
  // Three passes, the first and last branch-free so the compiler vectorises them: the two indices
  // everywhere; the clear pixels whose index is undefined; the rules.
  {
    const float* __restrict red = s.obs[Band::red].data();
    const float* __restrict nir = s.obs[Band::nir].data();
    const float* __restrict green = s.obs[Band::green].data();
    const float* __restrict swir1 = s.obs[Band::swir1].data();
    float* __restrict nd = ndvi.data();
    float* __restrict mw = mndwi.data();
    for (std::size_t i = 0; i < n; ++i) {
      nd[i] = geo::index::Ndvi{}(nir[i], red[i]);
      mw[i] = geo::index::Mndwi{}(green[i], swir1[i]);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (state[i] != PixelState::clear || (std::isfinite(ndvi[i]) && std::isfinite(mndwi[i]))) continue;
    // A zero denominator (e.g. red = -NIR): no index, so no cover, water or grade. The pixel is not
    // an observation; counted (core rows only, so strips' halos are not counted twice).
    state[i] = PixelState::masked;
    const int row = g.row0 + int(i / std::size_t(g.cols));
    if (row >= s.core.row0 && row < s.core.row_end()) ++s.undefined_index_pixels;
  }
  {
    const PixelState* __restrict st = state.data();
    float* __restrict nd = ndvi.data();
    float* __restrict mw = mndwi.data();
    float* __restrict cover = fvc.data();
    std::uint8_t* __restrict wet = water.data();
    std::uint8_t* __restrict tree = candidate.data();
    for (std::size_t i = 0; i < n; ++i) {
      const bool clear = st[i] == PixelState::clear;
      const float v = clear ? nd[i] : geo::index::kNaN, m = clear ? mw[i] : geo::index::kNaN;
      nd[i] = v;
      mw[i] = m;
      const bool is_water = rules.is_water(m);
      wet[i] = clear ? std::uint8_t(is_water) : kNoData8;
      cover[i] = clear ? rules.cover(v, is_water) : geo::index::kNaN;
      tree[i] = clear ? std::uint8_t(rules.forest_candidate(v, is_water)) : kNoData8;
    }
  }
  const Block<double> areas = area_model.areas(g);
  Block<std::uint8_t> forest = geo::remove_small_patches(candidate, areas, rules.min_patch_m2, s.core);

  // Index products over the core rows, from the reflectance of the bands each declares.
  const Window& c = s.core;
  const int dr = c.row0 - g.row0;
  const auto& products = index_products();
  std::vector<Block<float>> index_values;  // for the zone means
  s.outputs = ProductBlocks(scene_products());
  const std::size_t core_offset = std::size_t(dr) * std::size_t(g.cols);
  for (const IndexProduct& p : products) {
    if (!bands.has(BandSet(p.bands))) {  // the sensor lacks a band: no product, and its mean stays undefined
      if (!p.mean_key.empty()) index_values.push_back(Block<float>(c, geo::index::kNaN));
      continue;
    }
    std::vector<const float*> inputs;
    for (Band b : p.bands) inputs.push_back(s.obs[b].data() + core_offset);
    Block<float> value = Block<float>::uninitialized(c);
    p.formula(inputs.data(), value.data(), value.size());
    Block<std::int16_t> out = Block<std::int16_t>::uninitialized(c);
    encode_clear_index(state.data() + core_offset, value.data(), out.data(), value.size());
    s.outputs.set(p.name, std::move(out));
    if (!p.mean_key.empty()) index_values.push_back(std::move(value));
  }

  // Rule products over the core rows.
  Block<std::uint8_t> fvc_out(c), water_out(c), grade_out(c), clear_out(c);
  for (int r = 0; r < c.rows; ++r)
    for (int col = 0; col < c.cols; ++col) {
      const std::size_t gi = std::size_t(r + dr) * g.cols + col;
      const PixelState st = state[gi];
      clear_out.at(r, col) = st == PixelState::no_data ? kNoData8 : (st == PixelState::clear ? 1 : 0);
      fvc_out.at(r, col) = fvc_code(fvc[gi]);
      water_out.at(r, col) = water[gi];
      grade_out.at(r, col) = st != PixelState::clear ? kNoData8 : std::uint8_t(rules.grade(fvc[gi], water[gi] == 1));
      if (st != PixelState::clear) forest.at(r, col) = kNoData8;
    }

  // Zone tallies, row by row (column order inside a row), for zones touching this strip.
  s.zone_rows.assign(zones.size(), std::vector<ZoneTally>(std::size_t(c.rows)));
  zones.for_each_weighted_row(c, areas, [&](std::size_t z, int row, int col0, const double* weight, int cells) {
    ZoneTally& t = s.zone_rows[z][std::size_t(row - c.row0)];
    const int gr = row - g.row0, cr = row - c.row0;
    for (int k = 0; k < cells; ++k) {
      const double w = weight[k];
      if (!(w > 0)) continue;
      const int col = col0 - g.col0 + k;
      const std::size_t gi = std::size_t(gr) * g.cols + col;
      if (state[gi] == PixelState::no_data) continue;
      t.total_area += w;
      if (state[gi] != PixelState::clear) continue;
      t.observed_area += w;
      if (water[gi] == 1) {
        t.water_area += w;
        continue;
      }
      t.land_area += w;
      t.fvc_area += double(fvc[gi]) * w;
      t.add_graded_area(rules.grade(fvc[gi], false), w);
      const int cc = col - (c.col0 - g.col0);
      if (forest.at(cr, cc) == 1) t.forest_area += w;
      if (!index_values.empty() && t.index_sum.empty())
        t.index_sum.assign(index_values.size(), 0), t.index_area.assign(index_values.size(), 0);
      for (std::size_t m = 0; m < index_values.size(); ++m) {
        const float v = index_values[m].at(cr, cc);
        if (!std::isfinite(v)) continue;
        t.index_sum[m] += double(v) * w;
        t.index_area[m] += w;
      }
    }
  });
  s.outputs.set("FVC", std::move(fvc_out));
  s.outputs.set("WATER", std::move(water_out));
  s.outputs.set("FOREST", std::move(forest));
  s.outputs.set("SANDIFICATION_GRADE", std::move(grade_out));
  s.outputs.set("CLEAR", std::move(clear_out));
}

// Scene percentiles of NDVI over clear land, for `auto` end-members: a fixed-bin histogram
// (0.001 NDVI) so the result is exact and independent of strip size and threads.
std::pair<double, double> ndvi_percentiles(ObservationSource& source, const Settings& settings) {
  constexpr int bins = 2001;
  std::vector<std::uint64_t> hist(bins, 0);
  const CellRules rules = cell_rules_from(settings, 0, 1);  // the water rule only
  for (const Window& w : geo::strips(source.grid(), settings.run.window_rows)) {
    const ObservationBlock o = source.read(w);
    for (std::size_t i = 0; i < o.state.size(); ++i) {
      if (o.state[i] != PixelState::clear) continue;
      if (rules.is_water(geo::index::Mndwi{}(o[Band::green][i], o[Band::swir1][i]))) continue;
      const float v = geo::index::Ndvi{}(o[Band::nir][i], o[Band::red][i]);
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
  return {percentile(settings.fvc.soil_percentile), percentile(settings.fvc.veg_percentile)};
}

}  // namespace

SceneResult process_scene(ObservationSource& source, const Settings& settings, const geo::io::ZoneSource& zone_source,
                          const std::string& work_dir, bool write_season_inputs) {
  const SceneInfo& scene = source.info();
  const geo::Grid grid = source.grid();

  SceneResult result;
  result.scene = scene;
  result.zones = geo::io::read_zones(zone_source, grid.crs_wkt);
  const geo::ZoneCover zone_cover = geo::io::zone_cover(result.zones, grid);

  double soil = settings.fvc.ndvi_soil.value_or(0), veg = settings.fvc.ndvi_veg.value_or(0);
  if (!settings.fvc.ndvi_soil || !settings.fvc.ndvi_veg) {
    const auto [p_soil, p_veg] = ndvi_percentiles(source, settings);
    if (!settings.fvc.ndvi_soil) soil = p_soil;
    if (!settings.fvc.ndvi_veg) veg = p_veg;
    if (!(veg > soil))
      throw SceneError(scene.path + ": auto FVC end-members collapse (soil " + std::to_string(soil) + ", veg " + std::to_string(veg) + ")");
  }
  result.ndvi_soil = soil;
  result.ndvi_veg = veg;
  const CellRules rules = cell_rules_from(settings, soil, veg);

  const geo::CellAreaModel area_model = geo::io::cell_area_model(grid);
  // Halo for exact minimum-patch filtering: from the smallest cell area on the grid's first row,
  // with a 1% margin (UTM cell areas vary by well under 1% within a scene).
  const double smallest_cell = area_model.areas(Window{0, 0, grid.cols, 1}).at(0, 0) * 0.99;
  const int halo = geo::min_patch_halo_rows(rules.min_patch_m2, smallest_cell);

  // Outputs: names from the (checked) product id, and never outside the output folder. The season
  // pass reads CLEAR and the season's indices back (engine/season_source.hpp): those output.products
  // does not select are written as work files for it alone.
  std::string lacking;  // products this scene's sensor has no bands for: one line says which
  BandSet missing;
  for (const ProductSpec& p : scene_products())
    if (!source.bands().has(p.bands)) lacking.append(lacking.empty() ? "" : ", ").append(p.name), missing.add(p.bands.without(source.bands()));
  ProductOutputPlan outputs{"scene", {"products", scene.id}, scene.id + "_", {}};
  outputs.metadata = {{"ECOMON_SCENE", scene.id}, {"ECOMON_DATE", scene.date}, {"ECOMON_REFLECTANCE", scene.reflectance}};
  if (scene.simulated) outputs.metadata.push_back({"ECOMON_SIMULATED", kSimulatedNote});
  outputs.available = [&](const ProductSpec& p) { return source.bands().has(p.bands); };
  outputs.work_file_needed = [&](const ProductSpec& p) { return write_season_inputs && p.season_input; };
  outputs.extra_metadata = [&](const ProductSpec& p, geo::io::RasterSpec& raster) {
    if (p.name != "FVC") return;  // the end-members that made it
    raster.metadata.push_back({"ECOMON_NDVI_SOIL", std::to_string(soil)});
    raster.metadata.push_back({"ECOMON_NDVI_VEG", std::to_string(veg)});
  };
  ProductWriters opened = open_product_writers(scene_products(), outputs, grid, settings.output, work_dir);
  auto& writers = opened.writers;
  result.products = opened.written;
  result.season_inputs.work_files = opened.work_files;
  for (const ProductSpec& p : scene_products())
    if (p.season_input && opened.paths.count(p.name)) result.season_inputs.paths[p.name] = opened.paths[p.name];
  if (!lacking.empty()) spdlog::info("  {}: no {} band: {} not computed", scene.id, missing.names(), lacking);

  result.tallies.assign(result.zones.size(), ZoneTally{});
  std::size_t band_count = 0;
  for (Band b : kAllBands) band_count += source.bands().has(b);
  const StripPlan plan = plan_strips(settings, bytes_per_pixel_in_flight(band_count, index_products().size()), grid.cols, halo);
  spdlog::debug("strips of {} rows ({} in flight, budget {} MiB)", plan.rows, plan.tokens, settings.run.memory_budget_mb);
  const auto strips_start = std::chrono::steady_clock::now();
  run_strips<Strip>(
      plan, grid, halo, [&](Strip& s) { s.obs = source.read(s.grown); },
      [&](Strip& s) {
        compute_strip(s, source.bands(), rules, area_model, zone_cover);
        s.obs = {};
      },
      [&](Strip& s) {
        s.outputs.write(writers);
        merge_rows(result.tallies, s.zone_rows);
        result.undefined_index_pixels += s.undefined_index_pixels;
      });
  const auto finish_start = std::chrono::steady_clock::now();
  finish_all(writers, plan.threads);
  spdlog::debug("  strips {:.2f} s, finishing the COGs {:.2f} s", seconds_since(strips_start) - seconds_since(finish_start),
                seconds_since(finish_start));
  return result;
}

}  // namespace ecomon

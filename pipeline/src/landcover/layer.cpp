#include "landcover/layer.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "config/schema.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// landcover (the user's layer)
const ConfigKeys keys_landcover_layer(110, {
    {KEY(landcover, file),
     Kind::path,
     "",
     0,
     0,
     {},
     "Your land cover raster (any GDAL format and CRS: the national land survey's derived layers, ESA WorldCover, CLCD). Resampled "
     "onto the regional grid (landcover.resampling); where it has a class, the class is the layer's, not the imagery's "
     "(\"Land cover from your layer\" below).",
     "(none: land cover from the imagery)"},
    {KEY(landcover, scheme),
     Kind::choice,
     "",
     0,
     0,
     {"worldcover", "clcd", "custom"},
     "Codes of landcover.file: ESA WorldCover, the China Land Cover Dataset, or your own table (landcover.custom_codes)."},
    {KEY(landcover, custom_codes),
     Kind::code_table,
     "",
     0,
     0,
     {},
     "With landcover.scheme custom: each raster code and its class, e.g. `{1: cropland, 2: tree, 4: grassland}`; codes not listed "
     "have no class there (the imagery decides).",
     "(none)"},
    {KEY(landcover, resampling),
     Kind::choice,
     "",
     0,
     0,
     {"nearest", "mode"},
     "How landcover.file is put on the regional grid: the source cell under the cell centre (nearest, the default: the rule the "
     "imagery is sampled by, so that the layer's class and the imagery's cover agree cell by cell and the shrub cover rule reads "
     "the cover of the cell the class came from), or the majority class of the source cells in each grid cell (mode; for a much "
     "finer layer, at the cost of disagreeing with the imagery at class edges)."},
    {KEY(landcover, grassland_types_file),
     Kind::path,
     "",
     0,
     0,
     {},
     "Grassland types (温性草原, 温性荒漠草原, 温性草原化荒漠, ...): a raster of integer type codes (any CRS; put on the grid like "
     "landcover.file) or polygons with an integer field (landcover.grassland_type_field). With ground plots, each type with at "
     "least calibration.min_plots plots gets its own calibration line, and a unit's grassland cover is its types' calibrated "
     "covers weighted by their grassland areas (\"Ground-plot calibration\" below). Code 0 is no type.",
     "(none)"},
    {KEY(landcover, grassland_type_field),
     Kind::text,
     "",
     0,
     0,
     {},
     "Integer field holding the type code when landcover.grassland_types_file is polygons."}
});

}  // namespace

namespace {

// ESA WorldCover 10 m v200 (Zanaga et al. 2022, product user manual, table 1): 10 tree cover,
// 20 shrubland, 30 grassland, 40 cropland, 50 built-up, 60 bare / sparse vegetation, 70 snow and
// ice, 80 permanent water bodies, 90 herbaceous wetland, 95 mangroves, 100 moss and lichen.
const std::pair<int, LandCover> kWorldCover[] = {{10, LandCover::tree},     {20, LandCover::shrubland}, {30, LandCover::grassland},
                                                 {40, LandCover::cropland}, {50, LandCover::built_up},  {60, LandCover::bare},
                                                 {70, LandCover::bare},     {80, LandCover::water},     {90, LandCover::wetland},
                                                 {95, LandCover::tree},     {100, LandCover::grassland}};
// CLCD, the annual China Land Cover Dataset (Yang & Huang 2021, Earth System Science Data 13:
// 3907-3925): 1 cropland, 2 forest, 3 shrub, 4 grassland, 5 water, 6 snow/ice, 7 barren,
// 8 impervious, 9 wetland.
const std::pair<int, LandCover> kClcd[] = {{1, LandCover::cropland},  {2, LandCover::tree},     {3, LandCover::shrubland},
                                           {4, LandCover::grassland}, {5, LandCover::water},    {6, LandCover::bare},
                                           {7, LandCover::bare},      {8, LandCover::built_up}, {9, LandCover::wetland}};

}  // namespace

std::vector<LandCover> land_cover_code_table(const std::string& scheme, const std::string& custom_codes) {
  std::vector<LandCover> table(65536, LandCover::unknown);
  if (scheme == "worldcover")
    for (const auto& [code, c] : kWorldCover) table[std::size_t(code)] = c;
  else if (scheme == "clcd")
    for (const auto& [code, c] : kClcd) table[std::size_t(code)] = c;
  else if (scheme == "custom")
    for (std::size_t start = 0; start < custom_codes.size();) {
      const std::size_t comma = std::min(custom_codes.find(',', start), custom_codes.size());
      const std::string pair = custom_codes.substr(start, comma - start);
      const std::size_t eq = pair.find('=');
      // The text was checked with the config (config/settings.cpp): "code=class".
      if (eq != std::string::npos)
        if (const auto c = land_cover_from_name(pair.substr(eq + 1))) table[std::size_t(std::stoi(pair.substr(0, eq)))] = *c;
      start = comma + 1;
    }
  else
    throw ConfigError("landcover.scheme '" + scheme + "' is not worldcover, clcd or custom");
  return table;
}

CodesOnGrid::CodesOnGrid(const std::string& key, const std::string& work_file, const std::function<void(const std::string&)>& put_on_grid)
    : path_(work_file) {
  std::filesystem::create_directories(std::filesystem::path(work_file).parent_path());
  try {
    put_on_grid(path_);
    reader_ = std::make_unique<geo::io::RasterReader>(path_);
  } catch (const geo::io::IoError& e) {
    throw ConfigError(key + ": " + e.what());
  }
}

CodesOnGrid::~CodesOnGrid() {
  reader_.reset();
  std::remove(path_.c_str());
}

namespace {

geo::io::Resampling resampling_of(const LandcoverSection& s) {
  return s.resampling == "nearest" ? geo::io::Resampling::nearest : geo::io::Resampling::mode;
}

}  // namespace

LandCoverLayer::LandCoverLayer(const LandcoverSection& s, const geo::Grid& grid, const std::string& work_dir)
    : method_("layer:" + s.scheme),
      table_(land_cover_code_table(s.scheme, s.custom_codes)),
      codes_("landcover.file", work_dir + "/landcover_on_grid.tif",
             [&](const std::string& dst) { geo::io::warp_classes_to_grid(s.file, dst, grid, resampling_of(s), CodesOnGrid::kNoData); }) {
  // Which codes the layer has over the grid, and how many the scheme knows.
  std::map<int, std::size_t> unknown_codes;
  std::size_t known = 0, unknown = 0;
  for (const geo::Window& w : geo::strips(grid, 256)) {
    const geo::Block<std::uint16_t> codes = codes_.read(w);
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (codes[i] == CodesOnGrid::kNoData) continue;
      if (table_[codes[i]] != LandCover::unknown)
        ++known;
      else
        ++unknown, ++unknown_codes[codes[i]];
    }
  }
  auto listed = [&] {
    std::string text;
    int shown = 0;
    for (const auto& [code, n] : unknown_codes) {
      if (shown++ == 12) return text + ", ...";
      text.append(text.empty() ? "" : ", ").append(std::to_string(code));
    }
    return text;
  };
  if (known + unknown == 0) throw ConfigError(s.file + ": landcover.file has no data over the zones and scenes");
  if (unknown > known)
    throw ConfigError(s.file + ": most of its cells (" + std::to_string(100 * unknown / (known + unknown)) +
                      "%) carry codes that are not " + s.scheme + " codes (found " + listed() + "): is landcover.scheme right?");
  if (unknown > 0)
    spdlog::warn("{}: {:.1f}% of the cells over the grid carry codes that are not {} codes ({}); the imagery classes them", s.file,
                 100.0 * double(unknown) / double(known + unknown), s.scheme, listed());
  spdlog::info("land cover from {} ({} codes, {} resampling onto the regional grid)", s.file, s.scheme, s.resampling);
}

geo::Block<LandCover> LandCoverLayer::read(const geo::Window& window) const {
  const geo::Block<std::uint16_t> codes = codes_.read(window);
  geo::Block<LandCover> classes(window, LandCover::unknown);
  for (std::size_t i = 0; i < codes.size(); ++i) classes[i] = codes[i] == CodesOnGrid::kNoData ? LandCover::unknown : table_[codes[i]];
  return classes;
}

GrasslandTypeLayer::GrasslandTypeLayer(const LandcoverSection& s, const geo::Grid& grid, const std::string& work_dir)
    : codes_("landcover.grassland_types_file", work_dir + "/grassland_types_on_grid.tif", [&](const std::string& dst) {
        if (geo::io::is_raster_file(s.grassland_types_file))
          geo::io::warp_classes_to_grid(s.grassland_types_file, dst, grid, resampling_of(s), CodesOnGrid::kNoData);
        else
          geo::io::rasterize_field_to_grid(s.grassland_types_file, s.grassland_type_field, dst, grid, CodesOnGrid::kNoData, kNoType,
                                           CodesOnGrid::kNoData - 1);
      }) {
  spdlog::info("grassland types from {}", s.grassland_types_file);
}

geo::Block<std::uint16_t> GrasslandTypeLayer::read(const geo::Window& window) const {
  geo::Block<std::uint16_t> codes = codes_.read(window);
  for (std::size_t i = 0; i < codes.size(); ++i)
    if (codes[i] == CodesOnGrid::kNoData) codes[i] = kNoType;
  return codes;
}

}  // namespace ecomon

#include "landcover/climate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <vector>

#include "config/schema.hpp"
#include "base/errors.hpp"
#include "libgeo/io/raster.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

const ConfigKeys keys_casa(173, {
    {KEY(carbon, casa.climate_dir),
     Kind::path,
     "",
     0,
     0,
     {},
     "Folder of monthly climate rasters for the CASA net primary productivity (years/YYYY/ecomon_YYYY_NPP.tif, npp_* columns): "
     "tmp_YYYYMM.tif (mean air temperature, C), pre_YYYYMM.tif (precipitation, mm per month), sol_YYYYMM.tif (total solar "
     "radiation, MJ/m2 per month) for the 12 months of each year; any CRS and resolution (bilinear onto the regional grid). "
     "A year without all 36 gets no NPP, and the log says which files are missing (\"Productivity (CASA)\" below).",
     "(none: no NPP)"},
});

}  // namespace

std::unique_ptr<ClimateLayers> ClimateLayers::prepare(const std::string& dir, int year, const geo::Grid& grid, const std::string& work_dir,
                                                      std::string& problem) {
  namespace fs = std::filesystem;
  std::array<std::string, 36> sources;
  std::string missing;
  int n_missing = 0;
  for (int v = 0; v < 3; ++v)
    for (int m = 0; m < 12; ++m) {
      char name[32];
      std::snprintf(name, sizeof name, "%s_%04d%02d.tif", kPrefixes[v], year, m + 1);
      const fs::path p = fs::path(dir) / name;
      std::error_code ec;
      if (!fs::is_regular_file(p, ec)) {
        if (n_missing++ < 4) missing += (missing.empty() ? "" : ", ") + std::string(name);
        continue;
      }
      sources[std::size_t(v * 12 + m)] = p.string();
    }
  if (n_missing > 0) {
    problem = dir + " lacks " + std::to_string(n_missing) + " of the year's 36 climate rasters (" + missing + (n_missing > 4 ? ", ..." : "") + ")";
    return nullptr;
  }
  std::unique_ptr<ClimateLayers> layers(new ClimateLayers());
  layers->grid_ = grid;
  layers->factor_ = std::max(1, int(std::lround(1000.0 / grid.transform.pixel_width)));
  const int f = layers->factor_;
  layers->coarse_ = grid;
  layers->coarse_.cols = (grid.cols + f - 1) / f;
  layers->coarse_.rows = (grid.rows + f - 1) / f;
  layers->coarse_.transform.pixel_width *= f;
  layers->coarse_.transform.pixel_height *= f;
  fs::create_directories(work_dir);
  try {
    for (std::size_t k = 0; k < 36; ++k) {
      const std::string dst = (fs::path(work_dir) / ("climate_on_grid_" + std::to_string(year) + "_" + std::to_string(k) + ".tif")).string();
      layers->files_[k] = dst;
      geo::io::warp_values_to_grid(sources[k], dst, layers->coarse_);
      layers->readers_[k] = std::make_unique<geo::io::RasterReader>(dst);
    }
  } catch (const geo::io::IoError& e) {
    problem = e.what();
    return nullptr;  // the destructor removes the files warped so far
  }
  return layers;
}

void ClimateLayers::check_units(const std::string& dir) {
  namespace fs = std::filesystem;
  // Plausible values of each variable on Earth, in the unit asked for: the hottest and coldest
  // monthly means (-70 to 45 C), the wettest month on record (Cherrapunji, about 9,300 mm; 3,000
  // covers all but it), the most radiation a month can bring (about 35 MJ/m2 a day at the top of a
  // clear summer atmosphere, 1,100 a month).
  struct Range {
    double low, high;
    const char* unit;
    const char* above_means;
  };
  const Range ranges[3] = {{-90, 60, "C (mean air temperature)", "in kelvin (C + 273.15)?"},
                           {0, 3000, "mm per month", "in 0.1 mm, or a yearly total?"},
                           {0, 1500, "MJ/m2 per month", "in kJ/m2, or W/m2 summed over hours?"}};
  std::map<std::string, std::pair<double, std::string>> wettest;  // year -> (wettest cell and month, file)
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    const std::string name = p.filename().string();
    int v = -1;
    for (int k = 0; k < 3; ++k)
      if (name.rfind(std::string(kPrefixes[k]) + "_", 0) == 0 && name.size() == 4 + 6 + 4 && name.substr(10) == ".tif") v = k;
    if (v < 0) continue;
    double low = std::numeric_limits<double>::infinity(), high = -low;
    try {
      const geo::io::RasterReader r(p.string());
      const auto nodata = r.nodata();
      const auto values = r.read<double>(r.grid().full());
      for (std::size_t i = 0; i < values.size(); ++i)
        if (const double x = values[i]; std::isfinite(x) && !(nodata && x == *nodata)) low = std::min(low, x), high = std::max(high, x);
    } catch (const geo::io::IoError& e) {
      throw ConfigError(std::string("carbon.casa.climate_dir: ") + e.what());
    }
    if (!std::isfinite(low)) continue;  // no data at all: said when the year is prepared
    const Range& range = ranges[v];
    auto refuse = [&](double value, const std::string& why) {
      char text[64];
      std::snprintf(text, sizeof text, "%g", value);
      throw ConfigError(p.string() + ": a value of " + text + " " + why + "; " + kPrefixes[v] + "_ rasters are read in " + range.unit);
    };
    if (high > range.high) refuse(high, std::string("is implausible: ") + range.above_means);
    if (low < range.low) refuse(low, "is below any plausible value");
    if (v == precipitation) {
      auto& w = wettest[name.substr(4, 4)];
      if (w.second.empty() || high > w.first) w = {high, p.string()};
    }
  }
  for (const auto& [year, w] : wettest)
    if (w.first < 1) {
      char text[64];
      std::snprintf(text, sizeof text, "%g", w.first);
      throw ConfigError(dir + ": the wettest cell and month of " + year + " has " + text +
                        " of precipitation (" + w.second + "): in metres? pre_ rasters are read in mm per month");
    }
}

ClimateLayers::~ClimateLayers() {
  for (auto& r : readers_) r.reset();
  for (const std::string& f : files_)
    if (!f.empty()) std::remove(f.c_str());
}

std::array<geo::Block<float>, 36> ClimateLayers::read(const geo::Window& window) const {
  // The coarse cells around the window (one more each side for the interpolation), then per grid
  // cell the bilinear value between the four coarse centres around its centre (the nearest coarse
  // cell where one of them is missing, at the edges of the climate data).
  const int f = factor_;
  const int r0 = std::max(0, window.row0 / f - 1), r1 = std::min(coarse_.rows, (window.row0 + window.rows - 1) / f + 2);
  const int c0 = std::max(0, window.col0 / f - 1), c1 = std::min(coarse_.cols, (window.col0 + window.cols - 1) / f + 2);
  const geo::Window cw{c0, r0, c1 - c0, r1 - r0};
  std::array<geo::Block<float>, 36> out;
  for (std::size_t k = 0; k < 36; ++k) {
    const geo::Block<float> coarse = readers_[k]->read<float>(cw);
    geo::Block<float> fine(window, std::nanf(""));
    for (int r = 0; r < window.rows; ++r) {
      const double y = (window.row0 + r + 0.5) / f - 0.5 - r0;  // in coarse cells, from the centre of cw's first row
      const int ya = std::clamp(int(std::floor(y)), 0, cw.rows - 1), yb = std::min(ya + 1, cw.rows - 1);
      const float ty = float(std::clamp(y - ya, 0.0, 1.0));
      for (int c = 0; c < window.cols; ++c) {
        const double x = (window.col0 + c + 0.5) / f - 0.5 - c0;
        const int xa = std::clamp(int(std::floor(x)), 0, cw.cols - 1), xb = std::min(xa + 1, cw.cols - 1);
        const float tx = float(std::clamp(x - xa, 0.0, 1.0));
        const float v00 = coarse.at(ya, xa), v01 = coarse.at(ya, xb), v10 = coarse.at(yb, xa), v11 = coarse.at(yb, xb);
        float v = (v00 * (1 - tx) + v01 * tx) * (1 - ty) + (v10 * (1 - tx) + v11 * tx) * ty;
        if (std::isnan(v)) v = coarse.at(ty < 0.5f ? ya : yb, tx < 0.5f ? xa : xb);
        fine.at(r, c) = v;
      }
    }
    out[k] = std::move(fine);
  }
  return out;
}

}  // namespace ecomon

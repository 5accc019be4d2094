#include "simulator.hpp"

#include <algorithm>
#include <map>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <random>
#include <vector>

#include "libgeo/block.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"

namespace ecomon {

namespace {

// Deterministic hash noise in [0, 1) from integer lattice coordinates.
double hash01(std::int64_t x, std::int64_t y, std::uint64_t seed) {
  std::uint64_t h = std::uint64_t(x) * 0x9E3779B97F4A7C15ull ^ (std::uint64_t(y) + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full ^ seed;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return double(h >> 11) / double(1ull << 53);
}

// Smooth value noise on a lattice of `cell` metres (bilinear between hashed lattice values).
double value_noise(double x, double y, double cell, std::uint64_t seed) {
  const double fx = x / cell, fy = y / cell;
  const auto ix = std::int64_t(std::floor(fx)), iy = std::int64_t(std::floor(fy));
  const double tx = fx - double(ix), ty = fy - double(iy);
  const double sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty);
  const double a = hash01(ix, iy, seed), b = hash01(ix + 1, iy, seed), c = hash01(ix, iy + 1, seed), d = hash01(ix + 1, iy + 1, seed);
  return (a + (b - a) * sx) + ((c + (d - c) * sx) - (a + (b - a) * sx)) * sy;
}

double distance_to_polyline(double lon, double lat, const std::vector<std::array<double, 2>>& line) {
  // Approximate local metres: 1 deg lat = 111 km, 1 deg lon = 111 km * cos(lat).
  const double kx = 111320.0 * std::cos(lat * 0.0174533), ky = 110574.0;
  double best = 1e300;
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    const double ax = (line[i][0] - lon) * kx, ay = (line[i][1] - lat) * ky;
    const double bx = (line[i + 1][0] - lon) * kx, by = (line[i + 1][1] - lat) * ky;
    const double dx = bx - ax, dy = by - ay;
    const double t = std::clamp(-(ax * dx + ay * dy) / (dx * dx + dy * dy), 0.0, 1.0);
    best = std::min(best, std::hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

// The Yellow River through Bayannur (approximate course, enough for a realistic scene).
const std::vector<std::array<double, 2>> kYellowRiver = {{106.77, 39.95}, {106.88, 40.20}, {106.98, 40.45}, {107.05, 40.70},
                                                         {107.35, 40.92}, {107.80, 40.97}, {108.25, 40.88}, {108.60, 40.78},
                                                         {108.95, 40.62}, {109.40, 40.58}, {109.90, 40.55}};

// Lines or rings read from a text file: "lon lat" per line, a blank line between parts, '#' comments
// (scripts/extract_hydrography.py writes the demo's from GSHHG).
std::vector<std::vector<std::array<double, 2>>> read_parts(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read (" + what + ": lon lat per line)");
  std::vector<std::vector<std::array<double, 2>>> parts;
  std::vector<std::array<double, 2>> part;
  std::string text;
  auto close = [&] {
    if (part.size() >= 2) parts.push_back(part);
    part.clear();
  };
  while (std::getline(in, text)) {
    if (!text.empty() && text[0] == '#') continue;
    std::istringstream fields(text);
    double lon = 0, lat = 0;
    if (fields >> lon >> lat)
      part.push_back({lon, lat});
    else
      close();
  }
  close();
  if (parts.empty()) throw std::runtime_error(path + ": no " + what);
  return parts;
}

std::array<double, 4> box_of(const std::vector<std::array<double, 2>>& part) {
  std::array<double, 4> b = {1e9, 1e9, -1e9, -1e9};
  for (const auto& p : part) b = {std::min(b[0], p[0]), std::min(b[1], p[1]), std::max(b[2], p[0]), std::max(b[3], p[1])};
  return b;
}

// Lakes as rings (--lakes: GSHHG's Ulansuhai for the demo), in place of the built-in ellipses.
struct LakeRings {
  std::vector<std::vector<std::array<double, 2>>> rings;
  std::vector<std::array<double, 4>> boxes;
  static LakeRings read(const std::string& path) {
    LakeRings l;
    l.rings = read_parts(path, "lake ring");
    for (const auto& r : l.rings) l.boxes.push_back(box_of(r));
    return l;
  }
  bool contains(double lon, double lat) const {
    for (std::size_t k = 0; k < rings.size(); ++k) {
      const auto& b = boxes[k];
      if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) continue;
      bool inside = false;  // even-odd rule
      const auto& r = rings[k];
      for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
        if ((r[i][1] > lat) != (r[j][1] > lat) && lon < (r[j][0] - r[i][0]) * (lat - r[i][1]) / (r[j][1] - r[i][1]) + r[i][0])
          inside = !inside;
      if (inside) return true;
    }
    return false;
  }
};

// A river course read from a file (--river: the GSHHG/WDBII Yellow River of the demo), with a box
// per segment for quick rejection, and the northernmost river latitude by longitude (0.01 degree
// bins), north of which the Hetao plain is irrigated.
struct RiverCourse {
  std::vector<std::vector<std::array<double, 2>>> lines;
  std::vector<std::array<double, 4>> boxes;  // west, south, east, north
  double lon0 = 0;
  std::vector<double> north_lat;  // NaN where no segment spans the bin

  static RiverCourse read(const std::string& path) {
    RiverCourse r;
    r.lines = read_parts(path, "river segment");
    double west = 1e9, east = -1e9;
    for (const auto& l : r.lines) {
      r.boxes.push_back(box_of(l));
      west = std::min(west, r.boxes.back()[0]), east = std::max(east, r.boxes.back()[2]);
    }
    r.lon0 = west;
    r.north_lat.assign(std::size_t((east - west) / 0.01) + 2, std::nan(""));
    for (const auto& l : r.lines)
      for (std::size_t i = 0; i + 1 < l.size(); ++i) {
        const double a = std::min(l[i][0], l[i + 1][0]), b = std::max(l[i][0], l[i + 1][0]);
        for (auto k = std::size_t((a - west) / 0.01); k <= std::size_t((b - west) / 0.01) && k < r.north_lat.size(); ++k) {
          const double lat = std::max(l[i][1], l[i + 1][1]);
          if (std::isnan(r.north_lat[k]) || lat > r.north_lat[k]) r.north_lat[k] = lat;
        }
      }
    return r;
  }
  double distance_m(double lon, double lat) const {
    double best = 1e300;
    for (std::size_t k = 0; k < lines.size(); ++k) {
      const auto& b = boxes[k];
      if (lon < b[0] - 0.03 || lon > b[2] + 0.03 || lat < b[1] - 0.03 || lat > b[3] + 0.03) continue;  // ~2.5 km away at least
      best = std::min(best, distance_to_polyline(lon, lat, lines[k]));
    }
    return best;
  }
  double river_latitude(double lon) const {
    const double k = (lon - lon0) / 0.01;
    return k >= 0 && k < double(north_lat.size()) ? north_lat[std::size_t(k)] : std::nan("");
  }
};

enum class Cover { water, cropland, forest, shrubland, grassland, desert, sparse };

// The landscape is defined on the ground: its textures (fields, plantations, noise) are laid out in
// UTM 48N metres whatever grid a scene or a truth raster views them on, so that scenes of two UTM
// zones and the truth on the equal-area grid show the same field in the same place.
constexpr int kGroundUtmZone = 48;
constexpr const char* kGroundCrs = "EPSG:32648";

struct Truth {
  Cover cover;
  double fvc;
  double soil_ndvi_shift;  // regional soil colour (desert sand is brighter in red)
  bool forest;
  bool snow;
};

// Seasonal greenness relative to the peak (mid July to mid August), by cover type: irrigated crops
// (maize, sunflower) are sown in May and harvested from September, grassland greens up in June,
// forest and shrub canopies hold from May to September.
double season_factor(Cover cover, int doy) {
  auto ramp = [doy](int a, int b) { return std::clamp(double(doy - a) / double(b - a), 0.0, 1.0); };
  switch (cover) {
    case Cover::cropland:
      return 0.1 + 0.9 * ramp(135, 190) * (1 - ramp(240, 275));
    case Cover::grassland:
    case Cover::sparse:
      return 0.5 + 0.5 * ramp(130, 190) * (1 - 0.4 * ramp(235, 280));
    default:
      return 1.0;
  }
}

int day_of_year(const std::string& date) {
  static const int starts[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  const int m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
  return starts[m - 1] + d;
}

// Where the demo's real hydrography replaces the built-in one (--river, --lakes).
struct Hydrography {
  std::optional<RiverCourse> river;
  std::optional<LakeRings> lakes;
};

Truth landscape(double lon, double lat, double x, double y, std::uint64_t seed, const Hydrography* hydro) {
  const RiverCourse* course = hydro && hydro->river ? &*hydro->river : nullptr;
  const double n1 = value_noise(x, y, 2500, seed), n2 = value_noise(x, y, 400, seed + 7);
  // Water: the river (about 500 m wide), Ulansuhai lake, Nalin lake.
  const double river = course ? course->distance_m(lon, lat) : distance_to_polyline(lon, lat, kYellowRiver);
  const double ul = std::pow((lon - 108.85) / 0.085, 2) + std::pow((lat - 40.95) / 0.16, 2);
  const double nalin = std::pow((lon - 107.55) / 0.02, 2) + std::pow((lat - 41.05) / 0.015, 2);
  const bool lake = hydro && hydro->lakes ? hydro->lakes->contains(lon, lat) : ul < 1.0 - 0.15 * n2 || nalin < 1.0;
  if (river < 250 + 80 * n2 || lake) return {Cover::water, 0, 0, false, false};
  // Wula Shan forest: a ridge north of the river between 109.0 and 109.6 E; patchy canopy.
  const double wula = std::pow((lon - 109.3) / 0.3, 2) + std::pow((lat - 40.74) / 0.055, 2);
  if (wula < 1.0) {
    const bool snow = wula < 0.02 && n2 > 0.6;
    if (n2 > 0.35) return {Cover::forest, 0.80 + 0.15 * n1, 0, true, snow};
    return {Cover::grassland, 0.35 + 0.3 * n2, 0, false, snow};
  }
  // Forest plantations (shelterbelt blocks), 0.7-6 ha, and isolated tree clumps below 0.5 ha:
  // a 1 km lattice, each cell holding at most one clump.
  {
    const double cell = 1000;
    const auto ix = std::int64_t(std::floor(x / cell)), iy = std::int64_t(std::floor(y / cell));
    const double h = hash01(ix, iy, seed + 11);
    if (h < 0.25) {
      const double cx = (double(ix) + 0.3 + 0.4 * hash01(ix, iy, seed + 12)) * cell;
      const double cy = (double(iy) + 0.3 + 0.4 * hash01(ix, iy, seed + 13)) * cell;
      const bool small = h < 0.08;
      const double half = small ? 25.0 : 50.0 + 75.0 * hash01(ix, iy, seed + 14);  // square half-side
      if (std::abs(x - cx) <= half && std::abs(y - cy) <= half) return {Cover::forest, 0.85, 0, !small, false};
    }
  }
  double river_lat_here = 40.55 + 0.42 * std::exp(-std::pow((lon - 107.8) / 0.9, 2));
  if (course && !std::isnan(course->river_latitude(lon))) river_lat_here = course->river_latitude(lon) + 0.05;  // fields start at the bank
  // Ulan Buh desert: west of the river, south of 40.8 N; along its eastern edge a belt of saxaul and
  // sand-fixing shrubs about 2.5 km wide (the edge-locking belt), cover 0.22-0.50, leaves held May-September,
  // on fixed sand whose crust is as dark as the steppe's soil (mobile dunes are brighter).
  const double desert_edge = 106.95 + 0.2 * (lat - 40.0);
  if (lon < desert_edge && lat < 40.8 && lon > 105.8) {
    if (lon > desert_edge - 0.03 && lat > 40.2) return {Cover::shrubland, 0.22 + 0.28 * n2, 0.02, false, false};
    return {Cover::desert, 0.02 + 0.06 * n1, 0.05, false, false};
  }
  // Hetao irrigated cropland: north of the river up to ~41.1 N, 300 m fields.
  if (lat < 41.12 && lat > river_lat_here - 0.05 && lon > 106.95 && lon < 108.75) {
    const double field = hash01(std::int64_t(std::floor(x / 300)), std::int64_t(std::floor(y / 300)), seed + 3);
    return {Cover::cropland, 0.45 + 0.45 * field, -0.02, false, false};
  }
  // Urad grassland: north of the Yin Shan, cover decreasing westwards (drier).
  if (lat >= 41.12) {
    // Caragana shrubland patches in the drier west of Urad.
    if (lon < 107.6 && value_noise(x, y, 1500, seed + 21) > 0.68) return {Cover::shrubland, 0.30 + 0.2 * n1, 0.02, false, false};
    const double wet = std::clamp((lon - 105.5) / 4.5, 0.0, 1.0);
    return {Cover::grassland, std::clamp(0.08 + 0.35 * wet + 0.15 * (n1 - 0.5) + 0.1 * (n2 - 0.5), 0.0, 1.0), 0.02, false, false};
  }
  return {Cover::sparse, 0.10 + 0.2 * n1, 0.02, false, false};
}

// Surface reflectance of the 7 OLI bands (B1..B7).
using Spectrum = std::array<double, 7>;
constexpr Spectrum kVeg = {0.025, 0.03, 0.07, 0.04, 0.45, 0.22, 0.10};
constexpr Spectrum kLoam = {0.10, 0.12, 0.16, 0.22, 0.28, 0.34, 0.30};
constexpr Spectrum kWater = {0.07, 0.06, 0.07, 0.05, 0.03, 0.015, 0.01};
constexpr Spectrum kCloud = {0.55, 0.56, 0.58, 0.60, 0.65, 0.45, 0.35};
constexpr Spectrum kSnow = {0.85, 0.85, 0.83, 0.80, 0.70, 0.05, 0.03};

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

}  // namespace

namespace {

// The HLS v2.0 L30 granule name of the acquisition: HLS.L30.T<tile>.<YYYYDDD>T<HHMMSS>.v2.0.
std::string hls_granule_name(const SimulationOptions& o) {
  const int y = std::stoi(o.date.substr(0, 4)), m = std::stoi(o.date.substr(5, 2)), d = std::stoi(o.date.substr(8, 2));
  static const int starts[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  char name[64];
  std::snprintf(name, sizeof name, "HLS.L30.T%s.%04d%03dT033521.v2.0", o.s2_tile.c_str(), y, starts[m - 1] + d + (leap && m > 2));
  return name;
}

// Writes the simulated scene as an HLS v2.0 L30 granule (HLS Product User Guide v2.0): one COG per
// band, <granule>.B02.tif ... B07.tif, reflectance Int16 x 0.0001 (declared as the band's scale),
// fill -9999, and <granule>.Fmask.tif from the QA flags (bit 1 cloud, 2 adjacent, 3 shadow, 4 snow,
// 5 water, aerosol level low; 255 fill). ORIGIN marks it simulated.
void write_hls(const SimulatedScene& out, const geo::Grid& grid, const std::array<geo::Block<std::uint16_t>, 7>& sr,
               const geo::Block<std::uint16_t>& qa) {
  const std::vector<std::pair<std::string, std::string>> metadata = {{"ORIGIN", "SIMULATED by ecomon-simulate, not an acquisition"}};
  geo::io::CogOptions options;
  const std::string base = out.folder + "/" + out.product_id;
  for (int b = 1; b <= 6; ++b) {  // OLI B2..B7
    geo::Block<std::int16_t> dn(grid.full(), -9999);
    for (int r = 0; r < grid.rows; ++r)
      for (int c = 0; c < grid.cols; ++c) {
        const std::uint16_t v = sr[std::size_t(b)].at(r, c);
        if (v == 0 || (qa.at(r, c) & 1u)) continue;
        dn.at(r, c) = std::int16_t(std::clamp(std::lround((v * 2.75e-5 - 0.2) * 10000.0), -9998L, 32767L));
      }
    geo::io::RasterSpec spec{grid, geo::io::PixelType::i16, -9999, "", 1e-4, 0, {}, false, metadata, ""};
    geo::io::CogWriter w(base + ".B0" + std::to_string(b + 1) + ".tif", spec, options, out.folder);
    w.write(dn);
    w.finish();
  }
  geo::Block<std::uint8_t> fmask(grid.full(), 255);
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) {
      const std::uint16_t q = qa.at(r, c);
      if (q & 1u) continue;
      fmask.at(r, c) = std::uint8_t(((q >> 3) & 1u) << 1 | ((q >> 1) & 1u) << 2 | ((q >> 4) & 1u) << 3 | ((q >> 5) & 1u) << 4 |
                                    ((q >> 7) & 1u) << 5 | 1u << 6);
    }
  geo::io::RasterSpec spec{grid, geo::io::PixelType::u8, 255, "Fmask", 1, 0, {}, true, metadata, ""};
  geo::io::CogWriter w(base + ".Fmask.tif", spec, options, out.folder);
  w.write(fmask);
  w.finish();
}

// Writes the simulated scene as a Sentinel-2 L2A product. Reflectance comes back from the C2 DN
// (rho = DN * 2.75e-5 - 0.2), is turned into MSI reflectance by inverting the HLS adjustment the
// reader applies, and stored as DN = rho * 10000 - BOA_ADD_OFFSET. SCL from the QA flags.
void write_sentinel2(const SimulationOptions& o, const SimulatedScene& out, const geo::Grid& g20,
                     const std::array<geo::Block<std::uint16_t>, 7>& sr, const geo::Block<std::uint16_t>& qa,
                     const geo::Block<std::uint16_t>& radsat) {
  namespace fs = std::filesystem;
  const bool new_baseline = o.s2_baseline >= "04.00";
  const double offset = new_baseline ? -1000.0 : 0.0;
  // OLI band index (0-based B1..B7) for each MSI band we write, and the HLS coefficients to undo.
  struct MsiBand {
    const char* name;
    int oli;
    int res;
    double slope, intercept;
  };
  const MsiBand bands[] = {
      {"B02", 1, 10, 0.9778, -0.0040}, {"B03", 2, 10, 1.0053, -0.0009}, {"B04", 3, 10, 0.9765, 0.0009}, {"B08", 4, 10, 1, 0},
      {"B8A", 4, 20, 0.9983, -0.0001}, {"B11", 5, 20, 0.9987, -0.0011}, {"B12", 6, 20, 1.0030, -0.0012}};
  geo::Grid g10 = g20;
  g10.cols *= 2, g10.rows *= 2, g10.transform.pixel_width /= 2, g10.transform.pixel_height /= 2;
  const bool safe = o.s2_layout == "safe";
  std::string date = o.date;
  std::string ymd = date;
  ymd.erase(std::remove(ymd.begin(), ymd.end(), '-'), ymd.end());
  const std::string granule_rel = "GRANULE/L2A_T" + o.s2_tile + "_A036821_" + ymd + "T034400/IMG_DATA";
  std::vector<std::string> image_files;
  auto store = [&](const geo::Grid& g, const auto& block, const std::string& name, int res) {
    const std::string stem = "T" + o.s2_tile + "_" + ymd + "T033541_" + name + "_" + std::to_string(res) + "m";
    if (!safe) {
      geo::io::write_geotiff(out.folder + "/" + name + ".tif", g, block, 0.0);
      return;
    }
    const std::string rel = granule_rel + "/R" + std::to_string(res) + "m/" + stem;
    fs::create_directories(fs::path(out.folder) / (granule_rel + "/R" + std::to_string(res) + "m"));
    const std::string tif = out.folder + "/" + rel + ".tmp.tif";
    geo::io::write_geotiff(tif, g, block, 0.0);
    geo::io::translate_raster(tif, out.folder + "/" + rel + ".jp2", "JP2OpenJPEG", {"REVERSIBLE=YES", "QUALITY=100"});
    fs::remove(tif);
    image_files.push_back(rel);
  };
  for (const auto& b : bands) {
    const geo::Grid& g = b.res == 10 ? g10 : g20;
    geo::Block<std::uint16_t> dn(g.full(), 0);
    for (int r = 0; r < g.rows; ++r)
      for (int c = 0; c < g.cols; ++c) {
        const int r20 = b.res == 10 ? r / 2 : r, c20 = b.res == 10 ? c / 2 : c;
        const std::uint16_t v = sr[std::size_t(b.oli)].at(r20, c20);
        if (v == 0 || (qa.at(r20, c20) & 1u)) continue;
        const double oli = v * 2.75e-5 - 0.2, msi = (oli - b.intercept) / b.slope;
        dn.at(r, c) = std::uint16_t(std::clamp(std::lround(msi * 10000.0 - offset), 1L, 65535L));
      }
    store(g, dn, b.name, b.res);
  }
  geo::Block<std::uint8_t> scl(g20.full(), 0);
  for (int r = 0; r < g20.rows; ++r)
    for (int c = 0; c < g20.cols; ++c) {
      const std::uint16_t q = qa.at(r, c);
      std::uint8_t cls = 0;
      if (q & 1u)
        cls = 0;
      else if (radsat.at(r, c))
        cls = 1;
      else if (q & (1u << 3))
        cls = 9;
      else if (q & (1u << 1))
        cls = 8;
      else if (q & (1u << 4))
        cls = 3;
      else if (q & (1u << 5))
        cls = 11;
      else if (q & (1u << 7))
        cls = 6;
      else {
        const double red = sr[3].at(r, c) * 2.75e-5 - 0.2, nir = sr[4].at(r, c) * 2.75e-5 - 0.2;
        cls = (nir - red) / (nir + red) > 0.3 ? 4 : 5;
      }
      scl.at(r, c) = cls;
    }
  store(g20, scl, "SCL", 20);
  // Product metadata (the parts ecomon reads, laid out as in MTD_MSIL2A.xml).
  std::ofstream m(out.folder + "/" + (safe ? "MTD_MSIL2A.xml" : "product_metadata.xml"));
  m << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<n1:Level-2A_User_Product "
       "xmlns:n1=\"https://psd-14.sentinel2.eo.esa.int/PSD/User_Product_Level-2A.xsd\">\n"
    << "<n1:General_Info>\n<Product_Info>\n<PRODUCT_START_TIME>" << date << "T03:35:41.024Z</PRODUCT_START_TIME>\n"
    << "<PRODUCT_URI>" << out.product_id << ".SAFE</PRODUCT_URI>\n<PROCESSING_LEVEL>Level-2A</PROCESSING_LEVEL>\n"
    << "<PROCESSING_BASELINE>" << o.s2_baseline << "</PROCESSING_BASELINE>\n"
    << "<Datatake type=\"INS-NOBS\"><SPACECRAFT_NAME>Sentinel-2A</SPACECRAFT_NAME></Datatake>\n"
    << "<Product_Organisation><Granule_List><Granule datastripIdentifier=\"x\" granuleIdentifier=\"x\" imageFormat=\"JPEG2000\">\n";
  for (const auto& f : image_files) m << "<IMAGE_FILE>" << f << "</IMAGE_FILE>\n";
  m << "</Granule></Granule_List></Product_Organisation>\n</Product_Info>\n<Product_Image_Characteristics>\n"
    << "<QUANTIFICATION_VALUES_LIST><BOA_QUANTIFICATION_VALUE unit=\"none\">10000</BOA_QUANTIFICATION_VALUE>"
    << "<AOT_QUANTIFICATION_VALUE unit=\"none\">1000.0</AOT_QUANTIFICATION_VALUE></QUANTIFICATION_VALUES_LIST>\n";
  if (new_baseline) {
    m << "<BOA_ADD_OFFSET_VALUES_LIST>\n";
    for (int id = 0; id <= 12; ++id) m << "<BOA_ADD_OFFSET band_id=\"" << id << "\">-1000</BOA_ADD_OFFSET>\n";
    m << "</BOA_ADD_OFFSET_VALUES_LIST>\n";
  }
  m << "</Product_Image_Characteristics>\n</n1:General_Info>\n</n1:Level-2A_User_Product>\n";
}

// The land change of the carbon scenario, from `from_year` on (0: none): what the plans' projects do
// to the ground, each on places fixed by the landscape seed.
void change_land(Truth& t, double lon, double lat, double x, double y, std::uint64_t seed, int year, int from_year) {
  if (from_year <= 0 || year < from_year) return;
  // Afforestation on the Ulan Buh edge: desert west of the sand-fixing belt planted in 900 m blocks
  // (81 ha) on a 1.5 km lattice, half of the lattice cells, to the canopy of the older shelterbelts.
  const double desert_edge = 106.95 + 0.2 * (lat - 40.0);
  if (t.cover == Cover::desert && lon > desert_edge - 0.25 && lon < desert_edge - 0.06 && lat > 40.4 && lat < 40.7) {
    const double cell = 1500;
    const auto ix = std::int64_t(std::floor(x / cell)), iy = std::int64_t(std::floor(y / cell));
    const double cx = (double(ix) + 0.5) * cell, cy = (double(iy) + 0.5) * cell;
    if (hash01(ix, iy, seed + 41) < 0.5 && std::abs(x - cx) <= 450 && std::abs(y - cy) <= 450) t = {Cover::forest, 0.85, 0, true, false};
    return;
  }
  // Wula Shan planting: the ridge's open grassland east of 109.3 E planted to a closed canopy.
  const double wula = std::pow((lon - 109.3) / 0.3, 2) + std::pow((lat - 40.74) / 0.055, 2);
  if (t.cover == Cover::grassland && wula < 1.0 && lon > 109.3) {
    t = {Cover::forest, 0.85, 0, true, t.snow};
    return;
  }
  // Cropland abandoned to grass: a quarter of the 300 m fields of western Hetao.
  if (t.cover == Cover::cropland && lon < 107.4 &&
      hash01(std::int64_t(std::floor(x / 300)), std::int64_t(std::floor(y / 300)), seed + 43) < 0.25) {
    t = {Cover::grassland, 0.40, -0.02, false, false};
    return;
  }
  // Grassland degrading to bare sand in western Urad where a 2 km pattern is high.
  if (t.cover == Cover::grassland && lat >= 41.12 && lon > 106.9 && lon < 107.4 && value_noise(x, y, 2000, seed + 47) > 0.55)
    t = {Cover::desert, 0.03, 0.05, false, false};
}

Truth landscape_at(double lon, double lat, double x, double y, std::uint64_t seed, int doy, int year, double trend,
                   const Hydrography* hydro = nullptr, int land_change_year = 0) {
  Truth t = landscape(lon, lat, x, y, seed, hydro);
  change_land(t, lon, lat, x, y, seed, year, land_change_year);
  if (t.cover == Cover::grassland || t.cover == Cover::sparse) t.fvc = std::clamp(t.fvc + trend * (year - 2020), 0.0, 1.0);
  t.fvc *= season_factor(t.cover, doy);
  return t;
}

}  // namespace

SimulatedScene simulate_scene(const SimulationOptions& o) {
  namespace fs = std::filesystem;
  geo::io::initialise_gdal(64);
  SimulatedScene out;
  std::string ymd = o.date;
  ymd.erase(std::remove(ymd.begin(), ymd.end(), '-'), ymd.end());
  char pr[8];
  std::snprintf(pr, sizeof pr, "%03d%03d", o.wrs_path, o.wrs_row);
  const bool s2 = o.sensor == "sentinel2", hls = o.sensor == "hls";
  if (!s2 && !hls && o.sensor != "landsat8") throw std::invalid_argument("unknown sensor '" + o.sensor + "' (landsat8, sentinel2, hls)");
  std::string baseline_code = o.s2_baseline;
  baseline_code.erase(std::remove(baseline_code.begin(), baseline_code.end(), '.'), baseline_code.end());
  out.product_id = s2 ? "S2A_MSIL2A_" + ymd + "T033541_N" + baseline_code + "_R061_T" + o.s2_tile + "_" + ymd + "T065312"
                  : hls ? hls_granule_name(o)
                      : "LC08_L2SP_" + std::string(pr) + "_" + ymd + "_" + ymd + "_02_T1";
  out.folder = (fs::path(o.output_dir) / (s2 && o.s2_layout == "safe" ? out.product_id + ".SAFE" : out.product_id)).string();
  fs::create_directories(out.folder);

  Hydrography hydro;  // the built-in river and lakes unless --river / --lakes name others
  if (!o.river_file.empty()) hydro.river = RiverCourse::read(o.river_file);
  if (!o.lakes_file.empty()) hydro.lakes = LakeRings::read(o.lakes_file);
  const std::string utm = "EPSG:" + std::to_string(32600 + o.utm_zone);
  // Grid: the UTM box of the lon/lat extent, snapped to the pixel size.
  std::vector<geo::Point> corners = {{o.west, o.south}, {o.east, o.south}, {o.east, o.north}, {o.west, o.north}};
  geo::io::CoordinateTransformer to_utm("EPSG:4326", utm);
  to_utm.transform(corners);
  geo::Box extent = geo::Box::none();
  for (const auto& p : corners) extent.include(p.x, p.y);
  double xmin = extent.xmin, xmax = extent.xmax, ymin = extent.ymin, ymax = extent.ymax;
  const double ps = s2 ? 20.0 : o.pixel_size;  // Sentinel-2: simulated on the 20 m grid, 10 m bands by 2 x 2 repetition
  xmin = std::floor(xmin / ps) * ps, ymax = std::ceil(ymax / ps) * ps;
  geo::Grid grid;
  grid.cols = int(std::ceil((xmax - xmin) / ps));
  grid.rows = int(std::ceil((ymax - ymin) / ps));
  grid.transform = geo::GeoTransform{xmin, ps, ymax, -ps};
  grid.crs_wkt = geo::io::crs_wkt(utm);
  out.cols = grid.cols;
  out.rows = grid.rows;

  const geo::Window all = grid.full();
  std::array<geo::Block<std::uint16_t>, 7> sr;
  for (auto& b : sr) b = geo::Block<std::uint16_t>(all, 0);
  geo::Block<std::uint16_t> qa(all, 0), radsat(all, 0);
  geo::Block<float> truth_fvc(all, -9999.0f);
  geo::Block<std::uint8_t> truth_water(all, 255), truth_forest(all, 255);

  // Clouds: ellipses in pixel space; shadows displaced north-west (morning sun in the south-east).
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> U(0, 1);
  struct Ellipse {
    double c, r, a, b;
  };
  std::vector<Ellipse> clouds;
  for (int i = 0; i < o.clouds; ++i)
    clouds.push_back({U(rng) * grid.cols, U(rng) * grid.rows, (0.02 + 0.05 * U(rng)) * grid.cols, (0.02 + 0.05 * U(rng)) * grid.rows});
  const double shadow_dc = -0.04 * grid.cols, shadow_dr = -0.05 * grid.rows;
  auto in_cloud = [&](double c, double r, double grow) {
    for (const auto& e : clouds) {
      const double a = e.a + grow, b = e.b + grow;
      if (std::pow((c - e.c) / a, 2) + std::pow((r - e.r) / b, 2) < 1) return true;
    }
    return false;
  };
  // Scene footprint: a rectangle rotated by 12 degrees (descending-node orbit), fill outside.
  const double rot = 12.0 * 3.14159265358979 / 180.0, cc = grid.cols / 2.0, rc = grid.rows / 2.0;
  const double dilate = std::max(1.0, 60.0 / ps);  // dilated-cloud ring, ~2 pixels at 30 m

  std::normal_distribution<double> noise(0, o.noise_sigma);
  // This acquisition's haze (zero unless asked for), drawn from its own stream so that the other
  // draws of the scene stay as they were; scaled per band roughly as aerosol scattering falls with
  // wavelength (blue most, SWIR least).
  std::mt19937_64 haze_rng(o.seed * 7919 + 17);
  const double haze = o.haze_sigma * std::normal_distribution<double>(0, 1)(haze_rng);
  constexpr Spectrum kHazeByBand = {1.6, 1.4, 1.2, 1.0, 0.5, 0.15, 0.08};
  const int doy = day_of_year(o.date), year = std::stoi(o.date.substr(0, 4));
  // Each pixel mixes 2 x 2 sub-samples of the landscape, so edges (shores, field and patch borders)
  // are mixed pixels as in real imagery; the truth is the sub-sample mean (water and forest: the
  // majority of the sub-samples).
  constexpr double sub[4][2] = {{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}};
  std::vector<geo::Point> lonlat(std::size_t(grid.cols) * 4), ground;
  geo::io::CoordinateTransformer to_lonlat(utm, "EPSG:4326");
  const bool ground_grid = o.utm_zone == kGroundUtmZone;
  const geo::io::CoordinateTransformer to_ground("EPSG:4326", kGroundCrs);
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < grid.cols; ++c)
      for (int k = 0; k < 4; ++k)
        lonlat[std::size_t(c) * 4 + std::size_t(k)] = {grid.transform.col_to_x(c + sub[k][0]), grid.transform.row_to_y(r + sub[k][1])};
    if (ground_grid) ground = lonlat;
    to_lonlat.transform(lonlat);
    if (!ground_grid) {
      ground = lonlat;
      to_ground.transform(ground);
    }
    for (int c = 0; c < grid.cols; ++c) {
      const double u = (c + 0.5 - cc) * std::cos(rot) + (r + 0.5 - rc) * std::sin(rot);
      const double v = -(c + 0.5 - cc) * std::sin(rot) + (r + 0.5 - rc) * std::cos(rot);
      if (std::abs(u) > 0.47 * grid.cols || std::abs(v) > 0.47 * grid.rows) {
        qa.at(r, c) = 1;  // fill; all bands DN 0
        continue;
      }
      Spectrum s{};
      double fvc_sum = 0;
      int water_n = 0, forest_n = 0;
      bool snow = false;
      for (int k = 0; k < 4; ++k) {
        const geo::Point& ll = lonlat[std::size_t(c) * 4 + std::size_t(k)];
        const geo::Point& xy = ground[std::size_t(c) * 4 + std::size_t(k)];
        const Truth t = landscape_at(ll.x, ll.y, xy.x, xy.y, o.landscape_seed, doy, year, o.grass_fvc_trend, &hydro, o.land_change_year);
        // value_noise is about uniform on [0, 1]: (v - 0.5) * sqrt(12) has a standard deviation of about 1.
        const double soil_shift =
            o.soil_variation == 0 ? 0.0 : o.soil_variation * (value_noise(xy.x, xy.y, 300, o.landscape_seed + 31) - 0.5) * 3.4641;
        water_n += t.cover == Cover::water;
        forest_n += t.forest;
        snow = snow || t.snow;
        fvc_sum += t.fvc;
        for (int b = 0; b < 7; ++b) {
          double refl = kWater[std::size_t(b)];
          if (t.cover != Cover::water) {
            double soil = kLoam[std::size_t(b)];
            if (b == 3) soil += t.soil_ndvi_shift + soil_shift;  // redder soils have a lower NDVI
            refl = t.fvc * kVeg[std::size_t(b)] + (1 - t.fvc) * soil;
          }
          s[std::size_t(b)] += 0.25 * refl;
        }
      }
      truth_fvc.at(r, c) = float(fvc_sum / 4);
      truth_water.at(r, c) = water_n >= 2 ? 1 : 0;
      truth_forest.at(r, c) = forest_n >= 2 ? 1 : 0;
      const bool is_water = water_n >= 2;
      std::uint16_t q = 0;
      bool in_box = false;
      if (!o.cloud_boxes.empty()) {
        double lon = 0, lat = 0;
        for (int k = 0; k < 4; ++k) lon += 0.25 * lonlat[std::size_t(c) * 4 + std::size_t(k)].x, lat += 0.25 * lonlat[std::size_t(c) * 4 + std::size_t(k)].y;
        for (const auto& b : o.cloud_boxes) in_box = in_box || (lon >= b.west && lon <= b.east && lat >= b.south && lat <= b.north);
      }
      const bool cloud = in_box || in_cloud(c, r, 0), ring = !cloud && in_cloud(c, r, dilate);
      const bool shadow = !cloud && !ring && in_cloud(c - shadow_dc, r - shadow_dr, 0);
      if (cloud) {
        s = kCloud;
        q |= 1u << 3;
      } else if (ring) {
        for (int b = 0; b < 7; ++b) s[std::size_t(b)] = 0.5 * s[std::size_t(b)] + 0.5 * kCloud[std::size_t(b)];
        q |= 1u << 1;
      } else if (shadow) {
        for (auto& refl : s) refl *= 0.35;
        q |= 1u << 4;
      } else if (snow) {
        s = kSnow;
        q |= 1u << 5;
      } else {
        q |= 1u << 6;  // clear
        if (is_water) q |= 1u << 7;
      }
      const double haze_here = haze == 0 ? 0.0 : haze * (0.5 + value_noise(ground[std::size_t(c) * 4].x, ground[std::size_t(c) * 4].y, 10000, o.seed + 41));
      for (int b = 0; b < 7; ++b) {
        const double rho = s[std::size_t(b)] + haze_here * kHazeByBand[std::size_t(b)] + noise(rng);
        // C2 L2 scaling: rho = DN * 2.75e-5 - 0.2 (LSDS-1619), DN 1..65535 (0 is fill).
        sr[std::size_t(b)].at(r, c) = std::uint16_t(std::clamp(std::lround((rho + 0.2) / 2.75e-5), 1L, 65535L));
      }
      // A sprinkle of saturated pixels (QA_RADSAT bit of band 4), also on clear land.
      if (hash01(c, r, o.seed + 99) < 0.002) radsat.at(r, c) = std::uint16_t(1u << 3);
      qa.at(r, c) = q;
    }
  }

  out.truth_fvc = out.folder + "/truth_fvc.tif";
  out.truth_water = out.folder + "/truth_water.tif";
  out.truth_forest = out.folder + "/truth_forest.tif";
  geo::io::write_geotiff(out.truth_fvc, grid, truth_fvc, -9999.0, "true fractional vegetation cover");
  geo::io::write_geotiff(out.truth_water, grid, truth_water, 255.0, "true water");
  geo::io::write_geotiff(out.truth_forest, grid, truth_forest, 255.0, "true forest (patches >= 0.5 ha)");
  if (s2) {
    write_sentinel2(o, out, grid, sr, qa, radsat);
    return out;
  }
  if (hls) {
    write_hls(out, grid, sr, qa);
    return out;
  }
  const std::string base = out.folder + "/" + out.product_id;
  for (int b = 0; b < 7; ++b) geo::io::write_geotiff(base + "_SR_B" + std::to_string(b + 1) + ".TIF", grid, sr[std::size_t(b)], 0.0);
  geo::io::write_geotiff(base + "_QA_PIXEL.TIF", grid, qa, 1.0);
  geo::io::write_geotiff(base + "_QA_RADSAT.TIF", grid, radsat);

  // Metadata in the Collection 2 Level-2 layout (ODL text, or XML).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> groups;
  std::vector<std::pair<std::string, std::string>> contents = {{"ORIGIN", "\"SIMULATED by ecomon-simulate, not an acquisition\""},
                                                               {"LANDSAT_PRODUCT_ID", "\"" + out.product_id + "\""},
                                                               {"PROCESSING_LEVEL", "\"L2SP\""},
                                                               {"COLLECTION_NUMBER", "02"}};
  for (int b = 1; b <= 7; ++b)
    contents.push_back({"FILE_NAME_BAND_" + std::to_string(b), "\"" + out.product_id + "_SR_B" + std::to_string(b) + ".TIF\""});
  contents.push_back({"FILE_NAME_QUALITY_L1_PIXEL", "\"" + out.product_id + "_QA_PIXEL.TIF\""});
  contents.push_back({"FILE_NAME_QUALITY_L1_RADIOMETRIC_SATURATION", "\"" + out.product_id + "_QA_RADSAT.TIF\""});
  groups.push_back({"PRODUCT_CONTENTS", contents});
  groups.push_back({"IMAGE_ATTRIBUTES",
                    {{"SPACECRAFT_ID", "\"LANDSAT_8\""},
                     {"SENSOR_ID", "\"OLI_TIRS\""},
                     {"WRS_PATH", std::to_string(o.wrs_path)},
                     {"WRS_ROW", std::to_string(o.wrs_row)},
                     {"DATE_ACQUIRED", o.date},
                     {"SUN_ELEVATION", "62.5"}}});
  groups.push_back({"PROJECTION_ATTRIBUTES",
                    {{"MAP_PROJECTION", "\"UTM\""},
                     {"DATUM", "\"WGS84\""},
                     {"UTM_ZONE", std::to_string(o.utm_zone)},
                     {"GRID_CELL_SIZE_REFLECTIVE", two(int(ps))}}});
  std::vector<std::pair<std::string, std::string>> refl;
  for (int b = 1; b <= 7; ++b) refl.push_back({"REFLECTANCE_MULT_BAND_" + std::to_string(b), "2.75E-05"});
  for (int b = 1; b <= 7; ++b) refl.push_back({"REFLECTANCE_ADD_BAND_" + std::to_string(b), "-0.200000"});
  groups.push_back({"LEVEL2_SURFACE_REFLECTANCE_PARAMETERS", refl});
  std::ofstream f;
  if (o.xml_metadata) {
    out.mtl_path = base + "_MTL.xml";
    f.open(out.mtl_path);
    f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LANDSAT_METADATA_FILE>\n";
    for (const auto& [g, kv] : groups) {
      f << "  <" << g << ">\n";
      for (auto [k, v] : kv) {
        v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
        f << "    <" << k << ">" << v << "</" << k << ">\n";
      }
      f << "  </" << g << ">\n";
    }
    f << "</LANDSAT_METADATA_FILE>\n";
  } else {
    out.mtl_path = base + "_MTL.txt";
    f.open(out.mtl_path);
    f << "GROUP = LANDSAT_METADATA_FILE\n";
    for (const auto& [g, kv] : groups) {
      f << "  GROUP = " << g << "\n";
      for (const auto& [k, v] : kv) f << "    " << k << " = " << v << "\n";
      f << "  END_GROUP = " << g << "\n";
    }
    f << "END_GROUP = LANDSAT_METADATA_FILE\nEND\n";
  }
  return out;
}

void simulate_truth(const std::string& grid_crs, double origin_x, double origin_y, double pixel, int cols, int rows, int year,
                    std::uint64_t landscape_seed, double grass_fvc_trend, std::vector<float>& fvc, std::vector<std::uint8_t>& water,
                    std::vector<std::uint8_t>& forest, TruthShares* shares, const std::string& river_file, const std::string& lakes_file,
                    int land_change_year) {
  Hydrography hydro;  // the built-in river and lakes unless files name others (as simulate_scene)
  if (!river_file.empty()) hydro.river = RiverCourse::read(river_file);
  if (!lakes_file.empty()) hydro.lakes = LakeRings::read(lakes_file);
  geo::io::CoordinateTransformer to_lonlat(grid_crs, "EPSG:4326");
  const geo::io::CoordinateTransformer to_ground("EPSG:4326", kGroundCrs);
  if (shares) {
    shares->official_forest.assign(std::size_t(cols) * rows, 0.0f);
    shares->grassland.assign(shares->official_forest.size(), 0.0f);
    shares->grassland_fvc.assign(shares->official_forest.size(), 0.0f);
    shares->worldcover.assign(shares->official_forest.size(), 0);
  }
  constexpr double sub[4][2] = {{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}};
  fvc.assign(std::size_t(cols) * rows, 0.0f);
  water.assign(fvc.size(), 0);
  forest.assign(fvc.size(), 0);
  std::vector<geo::Point> pts(std::size_t(cols) * 4), proj(pts.size());
  const int doy = 196;  // 15 July: the peak of the season
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c)
      for (int k = 0; k < 4; ++k)
        pts[std::size_t(c) * 4 + std::size_t(k)] = {origin_x + (c + sub[k][0]) * pixel, origin_y - (r + sub[k][1]) * pixel};
    to_lonlat.transform(pts);
    proj = pts;
    to_ground.transform(proj);
    for (int c = 0; c < cols; ++c) {
      double f = 0;
      int w = 0, fo = 0;
      int votes[7] = {};  // by Cover
      for (int k = 0; k < 4; ++k) {
        const auto i = std::size_t(c) * 4 + std::size_t(k);
        const Truth t =
            landscape_at(pts[i].x, pts[i].y, proj[i].x, proj[i].y, landscape_seed, doy, year, grass_fvc_trend, &hydro, land_change_year);
        f += t.fvc;
        ++votes[int(t.cover)];
        w += t.cover == Cover::water;
        fo += t.forest;
        if (shares) {
          const auto j = std::size_t(r) * cols + c;
          const bool dense_shrub = t.cover == Cover::shrubland && t.fvc >= 0.30;
          shares->official_forest[j] += (t.forest || dense_shrub) ? 0.25f : 0.0f;
          // Grassland as the bureaus count it: natural grass and sparse steppe, not desert sand.
          if (t.cover == Cover::grassland || t.cover == Cover::sparse) {
            shares->grassland[j] += 0.25f;
            shares->grassland_fvc[j] += 0.25f * float(t.fvc);
          }
        }
      }
      const auto i = std::size_t(r) * cols + c;
      if (shares) {
        // WorldCover codes by Cover (water, cropland, forest, shrubland, grassland, desert, sparse steppe).
        static const std::uint8_t kWorldCoverOf[7] = {80, 40, 10, 20, 30, 60, 30};
        const int majority = int(std::max_element(std::begin(votes), std::end(votes)) - std::begin(votes));
        shares->worldcover[i] = kWorldCoverOf[majority];
      }
      fvc[i] = float(f / 4);
      water[i] = w >= 2;
      forest[i] = fo >= 2;
    }
  }
}

std::vector<PointLabel> label_points(const std::vector<LabelPoint>& points, const std::string& grid_crs, double pixel,
                                     std::uint64_t landscape_seed, double grass_fvc_trend, const std::string& river_file,
                                     const std::string& lakes_file, int land_change_year) {
  // As simulate_truth() on a one-cell grid centred on each point, with the transformations and the
  // hydrography made once for all points.
  static const std::map<int, const char*> kNames = {{10, "tree"}, {20, "shrubland"}, {30, "grassland"}, {40, "cropland"}, {80, "water"}};
  static const std::uint8_t kWorldCoverOf[7] = {80, 40, 10, 20, 30, 60, 30};
  constexpr double sub[4][2] = {{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}};
  Hydrography hydro;
  if (!river_file.empty()) hydro.river = RiverCourse::read(river_file);
  if (!lakes_file.empty()) hydro.lakes = LakeRings::read(lakes_file);
  std::vector<geo::Point> centres;
  for (const auto& p : points) centres.push_back({p.lon, p.lat});
  geo::io::CoordinateTransformer("EPSG:4326", grid_crs).transform(centres);
  std::vector<geo::Point> lonlat;
  for (const auto& c : centres)
    for (const auto& d : sub) lonlat.push_back({c.x - pixel / 2 + d[0] * pixel, c.y + pixel / 2 - d[1] * pixel});
  geo::io::CoordinateTransformer(grid_crs, "EPSG:4326").transform(lonlat);
  std::vector<geo::Point> ground = lonlat;
  geo::io::CoordinateTransformer("EPSG:4326", kGroundCrs).transform(ground);
  std::vector<PointLabel> out;
  for (std::size_t k = 0; k < points.size(); ++k) {
    int votes[7] = {};
    double forest = 0, grass = 0, grass_fvc = 0;
    for (std::size_t q = 0; q < 4; ++q) {
      const std::size_t i = 4 * k + q;
      const Truth t = landscape_at(lonlat[i].x, lonlat[i].y, ground[i].x, ground[i].y, landscape_seed, 196, points[k].year, grass_fvc_trend,
                                   &hydro, land_change_year);
      ++votes[int(t.cover)];
      forest += (t.forest || (t.cover == Cover::shrubland && t.fvc >= 0.30)) ? 0.25 : 0.0;
      if (t.cover == Cover::grassland || t.cover == Cover::sparse) grass += 0.25, grass_fvc += 0.25 * t.fvc;
    }
    const int majority = int(std::max_element(std::begin(votes), std::end(votes)) - std::begin(votes));
    const auto name = kNames.find(kWorldCoverOf[majority]);
    out.push_back({name == kNames.end() ? "bare" : name->second, forest >= 0.5, grass >= 1.0, grass > 0 ? grass_fvc / grass : 0.0});
  }
  return out;
}

void simulate_climate(const std::string& dir, int year, double west, double south, double east, double north) {
  namespace fs = std::filesystem;
  geo::io::initialise_gdal(64);
  fs::create_directories(dir);
  constexpr double step = 0.05;
  geo::Grid grid;
  grid.crs_wkt = geo::io::crs_wkt("EPSG:4326");
  grid.cols = int(std::ceil((east - west) / step)) + 2;
  grid.rows = int(std::ceil((north - south) / step)) + 2;
  grid.transform = geo::GeoTransform{west - step, step, north + step, -step};
  // Shares of the year's precipitation by month (the summer monsoon), and solar radiation by month.
  constexpr double rain_share[12] = {0.01, 0.01, 0.02, 0.04, 0.07, 0.12, 0.26, 0.24, 0.12, 0.06, 0.03, 0.02};
  constexpr double sol[12] = {300, 380, 530, 630, 720, 720, 690, 630, 530, 420, 310, 270};
  const char* prefixes[3] = {"tmp", "pre", "sol"};
  for (int v = 0; v < 3; ++v)
    for (int m = 0; m < 12; ++m) {
      geo::Block<float> values(grid.full(), 0.0f);
      for (int r = 0; r < grid.rows; ++r)
        for (int c = 0; c < grid.cols; ++c) {
          const double lon = grid.transform.col_to_x(c + 0.5), lat = grid.transform.row_to_y(r + 0.5);
          double x = 0;
          if (v == 0) {
            const double mean = 7.5 - 2.5 * (lat - 40.7);
            x = mean + 17 * std::cos(2 * 3.14159265358979 * (m + 1 - 7.0) / 12);  // warmest in July
          } else if (v == 1) {
            x = std::max(60.0, 120 + 50 * (lon - 106.0) + 40 * (lat - 40.5)) * rain_share[m];
          } else {
            x = sol[m] * (1 - 0.01 * (lat - 40.7));
          }
          values.at(r, c) = float(x);
        }
      char name[32];
      std::snprintf(name, sizeof name, "%s_%04d%02d.tif", prefixes[v], year, m + 1);
      geo::io::write_geotiff((fs::path(dir) / name).string(), grid, values, std::nullopt, "SIMULATED climate (ecomon-simulate)");
    }
}

}  // namespace ecomon

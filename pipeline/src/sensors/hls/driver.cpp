// HLS v2.0, NASA's Harmonized Landsat and Sentinel-2 surface reflectance (Masek et al. 2021, HLS
// Product User Guide v2.0; Claverie et al. 2018, Remote Sens. Environ. 219: 145-161), as LP DAAC
// distributes it: a granule HLS.<L30|S30>.T<MGRS tile>.<YYYYDDD>T<HHMMSS>.v2.0 is one Cloud-Optimized
// GeoTIFF per band, <granule>.<band>.tif, on a 30 m UTM grid; reflectance Int16 x 0.0001 (fill -9999),
// S30 already adjusted to OLI's bandpasses (so no adjustment here), and the Fmask quality byte.
// A granule's files may lie in a folder of their own or many granules in one folder; the scene
// path is <folder>/<granule>, the prefix of its files.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <optional>
#include <regex>
#include <vector>

#include "libgeo/indices.hpp"
#include "libgeo/io/raster.hpp"
#include "sensors/driver_support.hpp"
#include "sensors/identifiers.hpp"
#include "sensors/radiometry.hpp"
#include "sensors/sensor_driver.hpp"

namespace ecomon {

namespace {

using geo::Block;
using geo::Window;

// <granule>.<band>.tif; the granule: product (L30, S30), tile, year, day of year, time, version.
const std::regex kHlsFile(R"(^(HLS\.(L30|S30)\.T[0-9]{2}[A-Z]{3}\.([0-9]{4})([0-9]{3})T[0-9]{6}\.v([0-9]+\.[0-9]+))\.([A-Za-z0-9]+)\.tif$)",
                          std::regex::icase);

// Band files by role (blue, green, red, NIR, SWIR1, SWIR2): L30 is OLI's bands; S30 takes MSI's
// narrow NIR (B8A), the band HLS harmonises with OLI's B5 (User Guide, table 1).
constexpr std::array<const char*, kBandCount> kL30Bands = {"B02", "B03", "B04", "B05", "B06", "B07"};
constexpr std::array<const char*, kBandCount> kS30Bands = {"B02", "B03", "B04", "B8A", "B11", "B12"};

// Fmask (User Guide, table 9): bit 1 cloud, 2 adjacent to cloud or shadow, 3 cloud shadow, 4 snow or
// ice, 5 water, 6-7 aerosol level (3: high); 255 fill. Cloud, its surroundings, shadow and snow are
// masked, as is high aerosol (the atmospheric correction's reflectance is least reliable there).
constexpr std::uint8_t kFmaskFill = 255;
constexpr std::uint8_t kFmaskExcluded = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4);
constexpr std::int16_t kFill = -9999;
constexpr double kScale = 1e-4;

struct Granule {
  std::string path;  // <folder>/<granule>
  std::string id, product;
  std::string date;  // YYYY-MM-DD
  std::string file(const std::string& band) const { return path + "." + band + ".tif"; }
  const char* band_name(Band role) const { return (product == "L30" ? kL30Bands : kS30Bands)[band_index(role)]; }
};

Granule parse_granule(const std::string& path) {
  const std::string name = path.substr(path.find_last_of('/') + 1);
  std::smatch m;
  const std::string as_file = name + ".Fmask.tif";
  if (!std::regex_match(as_file, m, kHlsFile)) throw SceneError(path + ": not an HLS granule name (HLS.L30|S30.Txxxxx.YYYYDDDTHHMMSS.v2.0)");
  Granule g{path, m[1].str(), m[2].str(), ""};
  for (char& c : g.product) c = char(std::toupper(static_cast<unsigned char>(c)));
  const int year = std::stoi(m[3].str()), doy = std::stoi(m[4].str());
  if (m[5].str() != "2.0") throw SceneError(path + ": HLS version " + m[5].str() + " (only v2.0, one GeoTIFF per band, is read)");
  const std::string date = date_of_day_of_year(year, doy);
  if (date.empty()) throw SceneError(path + ": day of year " + m[4].str() + " in the granule name does not exist in " + m[3].str());
  // The same calendar checks as every sensor's acquisition date (it names the year's folder).
  g.date = checked_iso_date(date, path, "granule date");
  return g;
}

SceneInfo info_of(const Granule& g, const geo::io::RasterReader& fmask) {
  const std::optional<std::string> origin = fmask.metadata_item("ORIGIN");  // the simulator's mark; HLS granules carry none
  return {g.id,
          g.date,
          g.product == "L30" ? "HLS_L30" : "HLS_S30",
          g.product == "L30" ? "OLI" : "MSI",
          "SR",
          g.path,
          origin && origin->find("SIMULATED") != std::string::npos};
}

class HlsSource final : public ObservationSource {
 public:
  HlsSource(const std::string& path, const BandSet& bands) {
    const Granule g = parse_granule(path);
    fmask_.emplace(open_band(g.file("Fmask"), g.path, "Fmask"));
    check_band_type(fmask_->reader(), {"Byte"}, g.path, "Fmask", "HLS v2.0");
    info_ = info_of(g, fmask_->reader());
    grid_ = fmask_->reader().grid();
    bands_ = bands;
    for (Band role : kAllBands) {
      if (!bands.has(role)) continue;
      const std::string name = g.band_name(role);
      roles_.push_back(role);
      readers_.emplace_back(open_band(g.file(name), g.path, std::string(band_name(role)) + " (" + name + ")"));
      const geo::io::RasterReader& r = readers_.back().reader();
      check_band_type(r, {"Int16"}, g.path, std::string(band_name(role)) + " (" + name + ")", "HLS v2.0");
      check_same_grid(fmask_->reader(), r, g.path);
      // The User Guide's scaling; a file declaring another (or none) is not the product it claims.
      const auto [scale, offset] = r.scale_offset();
      const bool declared_none = scale == 1 && offset == 0;
      if (!declared_none && (std::abs(scale - kScale) > 1e-12 || offset != 0))
        throw SceneError(r.path() + ": declares scale " + std::to_string(scale) + " and offset " + std::to_string(offset) +
                         ", but HLS v2.0 reflectance is DN x 0.0001 (the file was rescaled or is not an HLS band)");
    }
  }

  ObservationBlock read(const Window& w) override {
    const std::size_t n = readers_.size();
    std::vector<Block<std::int16_t>> dn(n);
    Block<std::uint8_t> fmask;
    tbb::parallel_for(std::size_t(0), n + 1, [&](std::size_t k) {  // each band its own dataset
      if (k < n)
        dn[k] = readers_[k].read(w);
      else
        fmask = fmask_->read(w);
    });
    ObservationBlock o(w, bands_);
    std::vector<float> rho(n);
    for (int r = 0; r < w.rows; ++r)
      for (int c = 0; c < w.cols; ++c) {
        const std::uint8_t q = fmask.at(r, c);
        bool nodata = q == kFmaskFill;
        for (std::size_t k = 0; k < n; ++k) {
          const std::int16_t v = dn[k].at(r, c);
          nodata = nodata || v == kFill;
          rho[k] = float(v * kScale);
        }
        store_pixel(o, r, c, nodata, (q & kFmaskExcluded) != 0 || (q >> 6) == 3, roles_, rho.data());
      }
    return o;
  }

 private:
  std::vector<Band> roles_;
  std::vector<geo::io::ForwardReader<std::int16_t>> readers_;  // decode each block once per pass
  std::optional<geo::io::ForwardReader<std::uint8_t>> fmask_;
};

// The granules of a folder listing: each whose Fmask is there is a scene; band files of a granule
// without its Fmask, or of another HLS version, are problems.
Recognised recognise_folder(const FolderListing& f) {
  Recognised r;
  std::map<std::string, bool> granules;  // name -> has its Fmask
  std::set<std::string> malformed;         // granules named HLS.* but not as HLS names them (their band files, once)
  for (const auto& file : f.files) {
    std::smatch m;
    if (!std::regex_match(file, m, kHlsFile)) {
      std::string lower = file;
      for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("hls.", 0) == 0 && lower.size() > 4 && lower.substr(lower.size() - 4) == ".tif") {
        const std::string stem = file.substr(0, file.size() - 4);
        malformed.insert(stem.substr(0, stem.find_last_of('.')));
      }
      continue;
    }
    bool& has_fmask = granules[m[1].str()];
    std::string band = m[6].str();
    for (char& c : band) c = char(std::tolower(static_cast<unsigned char>(c)));
    has_fmask = has_fmask || band == "fmask";
  }
  for (const auto& name : malformed)
    r.problems.push_back({f.path + "/" + name, f.path + "/" + name +
                                                   ": named like an HLS granule but not of the form HLS.L30|S30.T<MGRS tile: 2 digits, 3 "
                                                   "letters>.YYYYDDDTHHMMSS.v2.0.<band>.tif (a renamed or damaged download): not read"});
  for (const auto& [name, has_fmask] : granules) {
    const std::string path = f.path + "/" + name;
    if (name.substr(name.size() - 4) != "v2.0")
      r.problems.push_back({path, path + ": HLS granule of version " + name.substr(name.rfind(".v") + 2) + " (only v2.0 is read)"});
    else if (!has_fmask)
      r.problems.push_back({path, path + ": HLS band files without their " + name + ".Fmask.tif: the granule is incomplete"});
    else
      r.scenes.push_back(path);
  }
  return r;
}

SceneProbe probe_hls(const std::string& path) {
  const Granule g = parse_granule(path);
  const geo::io::RasterReader fmask = open_band(g.file("Fmask"), g.path, "Fmask");
  return {info_of(g, fmask), fmask.grid()};
}

const SensorDriverRegistration registration({"hls", recognise_folder, [](const std::string&) { return Recognised{}; }, probe_hls,
                                             [](const std::string& path, const std::string&, const BandSet& bands) {
                                               return std::unique_ptr<ObservationSource>(std::make_unique<HlsSource>(path, bands));
                                             },
                                             "HLS v2.0 L30 / S30 (HLS.*.v2.0.<band>.tif files with their Fmask)"});

}  // namespace

}  // namespace ecomon

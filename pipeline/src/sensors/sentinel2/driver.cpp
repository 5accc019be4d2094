#include "sensors/sentinel2/driver.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <filesystem>
#include <optional>
#include <vector>

#include "libgeo/indices.hpp"
#include "libgeo/io/vsi.hpp"
#include "sensors/driver_support.hpp"
#include "sensors/sensor_driver.hpp"
#include "sensors/radiometry.hpp"
#include "sensors/sentinel2/metadata.hpp"

namespace ecomon {

namespace {

namespace fs = std::filesystem;
using geo::Block;
using geo::Window;

// HLS bandpass adjustment to OLI: rho_OLI = slope * rho_MSI + offset (Claverie et al. 2018, "The
// Harmonized Landsat and Sentinel-2 surface reflectance data set", Remote Sens. Environ. 219,
// 145-161, table of OLS coefficients), by role: blue, green, red, NIR (B8A), SWIR1, SWIR2.
constexpr float kHlsSlope[kBandCount] = {0.9778f, 1.0053f, 0.9765f, 0.9983f, 0.9987f, 1.0030f};
constexpr float kHlsOffset[kBandCount] = {-0.0040f, -0.0009f, 0.0009f, -0.0001f, -0.0011f, -0.0012f};

class Sentinel2Source final : public ObservationSource {
 public:
  Sentinel2Source(const std::string& product, const std::string& work_dir, const BandSet& bands) {
    const Sentinel2Product d = describe_sentinel2(product, bands);
    info_ = d.metadata.info;
    bands_ = bands;
    mtd_path_ = d.metadata_path;
    quantification_ = d.metadata.quantification;
    const fs::path work = fs::path(work_dir) / info_.id;
    auto decoded = [&](const std::string& path, const std::string& name) {
      if (!path.ends_with(".jp2")) return path;
      // JPEG 2000 decodes ~25x slower than DEFLATE: decode each band once, into tiled ZSTD-1.
      fs::create_directories(work);
      work_dir_ = work.string();
      const std::string out = (work / (name + ".tif")).string();
      try {
        geo::io::translate_to_tiled_geotiff(path, out);
      } catch (const geo::io::IoError& e) {
        throw SceneError(std::string(e.what()));
      }
      return out;
    };
    // The 10 m grid, from the green band's header (a JPEG 2000 header is read without decoding).
    grid_ = open_band(d.band_files[band_index(Band::green)], mtd_path_, "B03").grid();
    try {
      for (Band role : kAllBands) {
        if (!bands.has(role)) continue;
        const Sentinel2Band& b = kSentinel2Bands[band_index(role)];
        roles_.push_back(role);
        fine_.push_back(b.resolution_m == 10);
        offset_.push_back(d.metadata.offset[band_index(role)]);
        slope_.push_back(kHlsSlope[band_index(role)]);
        intercept_.push_back(kHlsOffset[band_index(role)]);
        readers_.emplace_back(open_band(decoded(d.band_files[band_index(role)], b.name), mtd_path_, b.name));
      }
      scl_.emplace(open_band(decoded(d.scl_file, "SCL"), mtd_path_, "SCL"));
      // Stored types of the L2A product (PSD 14.9): reflectance bands UInt16, the SCL UInt8.
      for (std::size_t k = 0; k < readers_.size(); ++k)
        check_band_type(readers_[k].reader(), {"UInt16"}, mtd_path_, kSentinel2Bands[band_index(roles_[k])].name,
                        "Sentinel-2 L2A (PSD 14.9)");
      check_band_type(scl_->reader(), {"Byte"}, mtd_path_, "SCL", "Sentinel-2 L2A (PSD 14.9)");
    } catch (...) {
      remove_work_dir();  // the destructor does not run when the constructor throws
      throw;
    }
    for (std::size_t k = 0; k < readers_.size(); ++k) {
      const auto& g = readers_[k].reader().grid();
      const double factor = fine_[k] ? 1 : 2;
      const bool aligned = std::abs(g.transform.pixel_width - factor * grid_.transform.pixel_width) < 1e-6 &&
                           std::abs(g.transform.origin_x - grid_.transform.origin_x) < 1e-6 &&
                           std::abs(g.transform.origin_y - grid_.transform.origin_y) < 1e-6 &&
                           (fine_[k] ? g.cols == grid_.cols && g.rows == grid_.rows : g.cols * 2 >= grid_.cols);
      if (!aligned)
        throw SceneError(readers_[k].reader().path() + ": not on the " + (fine_[k] ? "10" : "20") + " m grid of the product's B03");
    }
  }

  ~Sentinel2Source() override { remove_work_dir(); }

  void remove_work_dir() {
    if (work_dir_.empty()) return;
    std::error_code ec;
    fs::remove_all(work_dir_, ec);
  }

  ObservationBlock read(const Window& w) override {
    // 20 m bands: read the covering 20 m window and repeat each pixel 2 x 2 (nearest neighbour).
    const Window w20{w.col0 / 2, w.row0 / 2, (w.col_end() + 1) / 2 - w.col0 / 2, (w.row_end() + 1) / 2 - w.row0 / 2};
    const std::size_t n = readers_.size();
    std::vector<Block<std::uint16_t>> dn(n);
    Block<std::uint8_t> scl;
    // Each band is its own GDAL dataset: decode them concurrently.
    tbb::parallel_for(std::size_t(0), n + 1, [&](std::size_t k) {
      if (k < n)
        dn[k] = readers_[k].read(fine_[k] ? w : w20);
      else
        scl = scl_->read(w20);
    });
    ObservationBlock o(w, bands_);
    std::vector<float> rho(n);
    std::vector<std::uint16_t> v(n);
    for (int r = 0; r < w.rows; ++r)
      for (int c = 0; c < w.cols; ++c) {
        const int r20 = (w.row0 + r) / 2 - w20.row0, c20 = (w.col0 + c) / 2 - w20.col0;
        bool any_zero = false;
        for (std::size_t k = 0; k < n; ++k) {
          v[k] = fine_[k] ? dn[k].at(r, c) : dn[k].at(r20, c20);
          any_zero = any_zero || v[k] == 0;
        }
        const std::uint8_t cls = scl.at(r20, c20);
        // SCL (L2A ATBD): 0 no data, 1 saturated/defective, 3 cloud shadow, 8/9 cloud medium/high
        // probability, 10 thin cirrus, 11 snow are excluded.
        const bool nodata = cls == 0 || any_zero;
        const bool excluded = cls == 1 || cls == 3 || cls == 8 || cls == 9 || cls == 10 || cls == 11;
        for (std::size_t k = 0; k < n; ++k) rho[k] = slope_[k] * ((float(v[k]) + offset_[k]) / quantification_) + intercept_[k];
        store_pixel(o, r, c, nodata, excluded, roles_, rho.data());
      }
    return o;
  }

 private:
  std::string mtd_path_, work_dir_;
  float quantification_ = 10000;
  std::vector<Band> roles_;
  std::vector<bool> fine_;
  std::vector<float> offset_, slope_, intercept_;
  std::vector<geo::io::ForwardReader<std::uint16_t>> readers_;  // decode each block once per pass
  std::optional<geo::io::ForwardReader<std::uint8_t>> scl_;
};

}  // namespace

std::unique_ptr<ObservationSource> open_sentinel2(const std::string& product, const std::string& work_dir, const BandSet& bands) {
  return std::make_unique<Sentinel2Source>(product, work_dir, bands);
}

namespace {

bool is_metadata(const std::string& name) { return name == "MTD_MSIL2A.xml" || name == "product_metadata.xml"; }

// A band file of a product (T48TXL_..._B04_10m.jp2, B04.tif) whose metadata is missing; Landsat
// files (LC08_..._ST_B10.TIF) are not.
const std::regex kBandFile("(^|_)(B0[1-9]|B1[0-2]|B8A|SCL)(_[0-9]{2}m)?\\.(tif|tiff|jp2)$", std::regex::icase);
const std::regex kLandsatName("^L[COTEM]0[1-9]_", std::regex::icase);

Recognised recognise_zip(const std::string& path) {
  Recognised r;
  const std::string name = path.substr(path.find_last_of('/') + 1);
  if (!iends_with(name, ".zip") || name.find("MSIL") == std::string::npos) return r;
  if (name.find("MSIL2A") == std::string::npos) {
    r.problems.push_back({path, path + ": not a Sentinel-2 Level-2A product (only MSIL2A is read)"});
    return r;
  }
  for (const auto& inner : geo::io::list_directory("/vsizip/" + path))
    if (iends_with(inner, ".SAFE")) r.scenes.push_back("/vsizip/" + path + "/" + inner);
  if (r.scenes.empty())
    r.problems.push_back({path, path + ": cannot be read as a zip archive holding a .SAFE folder (truncated or corrupt download?)"});
  return r;
}

Recognised recognise_folder(const FolderListing& f) {
  Recognised r;
  if (std::any_of(f.files.begin(), f.files.end(), is_metadata)) {  // a per-band GeoTIFF product, or a .SAFE given directly
    r.scenes.push_back(f.path);
    r.whole_folder = true;
    return r;
  }
  for (const auto& file : f.files)
    if (!std::regex_search(file, kLandsatName) && std::regex_search(file, kBandFile)) {
      r.problems.push_back({f.path, f.path + ": holds Sentinel-2 band files (" + file +
                                        ") but no MTD_MSIL2A.xml or product_metadata.xml: the product's metadata is missing"});
      break;
    }
  for (const auto& file : f.files) {
    Recognised z = recognise_zip(f.path + "/" + file);
    r.scenes.insert(r.scenes.end(), z.scenes.begin(), z.scenes.end());
    r.problems.insert(r.problems.end(), z.problems.begin(), z.problems.end());
  }
  for (const auto& sub : f.folders) {
    if (!iends_with(sub, ".SAFE")) continue;
    const std::string path = f.path + "/" + sub;
    if (sub.find("MSIL2A") != std::string::npos)
      r.scenes.push_back(path);
    else
      r.problems.push_back({path, path + ": not a Sentinel-2 Level-2A product (only MSIL2A is read)"});
    r.claimed_folders.push_back(sub);
  }
  return r;
}

const SensorDriverRegistration registration({"sentinel2", recognise_folder, recognise_zip, probe_sentinel2, open_sentinel2,
                                             "Sentinel-2 L2A (.SAFE folders, their .zip, or band GeoTIFFs with MTD_MSIL2A.xml)"});

}  // namespace

SceneProbe probe_sentinel2(const std::string& product) {
  const Sentinel2Product d = describe_sentinel2(product, BandSet{Band::green});
  return {d.metadata.info, open_band(d.band_files[band_index(Band::green)], d.metadata_path, "B03").grid()};
}

}  // namespace ecomon

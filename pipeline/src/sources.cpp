#include "sources.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <optional>
#include <regex>

#include "libgeo/indices.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"

namespace ecomon {

namespace {

namespace fs = std::filesystem;
using geo::Block;
using geo::Window;

void check_same_grid(const geo::io::RasterReader& ref, const geo::io::RasterReader& other, const std::string& owner) {
  if (!ref.grid().same_geometry(other.grid()))
    throw SceneError(other.path() + ": size or geotransform differs from " + ref.path() + " (" + std::to_string(other.grid().cols) +
                     "x" + std::to_string(other.grid().rows) + " vs " + std::to_string(ref.grid().cols) + "x" +
                     std::to_string(ref.grid().rows) + ")");
  if (geo::io::crs_name(other.grid().crs_wkt) != geo::io::crs_name(ref.grid().crs_wkt))
    throw SceneError(other.path() + ": CRS " + geo::io::crs_name(other.grid().crs_wkt) + " differs from " +
                     geo::io::crs_name(ref.grid().crs_wkt) + " of " + ref.path() + " (" + owner + ")");
}

geo::io::RasterReader open_band(const std::string& path, const std::string& owner, const std::string& role) {
  try {
    return geo::io::RasterReader(path);
  } catch (const geo::io::IoError& e) {
    throw SceneError(owner + ": " + role + " band unusable: " + e.what());
  }
}

// ---------------------------------------------------------------- Landsat

// The four bands the products use, by role, as indices into Scene::bands.
constexpr int kUsed[4] = {Band::green, Band::red, Band::nir, Band::swir1};

class LandsatSource final : public ObservationSource {
 public:
  explicit LandsatSource(const Scene& scene) : scene_(scene) {
    info_ = {scene.product_id, scene.date, scene.spacecraft, scene.sensor, scene.top_of_atmosphere() ? "TOA" : "SR", scene.mtl_path};
    for (int k = 0; k < 4; ++k) {
      const BandFile& b = scene.bands[kUsed[k]];
      bands_.push_back(open_band(b.path, scene.mtl_path, std::string(band_role_names[kUsed[k]]) + " (B" + std::to_string(b.number) + ")"));
      // DN -> reflectance. C2 L2: rho = DN * mult + add (LSDS-1619 section 4.2). C1 L1 TOA:
      // rho = (DN * mult + add) / sin(sun elevation) (Landsat 8 Data Users Handbook, section 5.2).
      mult_[k] = float(b.mult);
      add_[k] = float(b.add);
      radsat_bits_ = std::uint16_t(radsat_bits_ | (1u << (b.number - 1)));
    }
    qa_.emplace(open_band(scene.qa_pixel_path, scene.mtl_path, "QA"));
    if (!scene.qa_radsat_path.empty()) radsat_.emplace(open_band(scene.qa_radsat_path, scene.mtl_path, "QA_RADSAT"));
    for (const auto& b : bands_) check_same_grid(bands_[0], b, scene.mtl_path);
    check_same_grid(bands_[0], *qa_, scene.mtl_path);
    if (radsat_) check_same_grid(bands_[0], *radsat_, scene.mtl_path);
    grid_ = bands_[0].grid();
    if (scene.top_of_atmosphere()) divisor_ = float(std::sin(scene.sun_elevation_deg * std::numbers::pi / 180.0));
  }

  ObservationBlock read(const Window& w) override {
    Block<std::uint16_t> dn[4];
    for (int k = 0; k < 4; ++k) dn[k] = bands_[std::size_t(k)].read<std::uint16_t>(w);
    const Block<std::uint16_t> qa = qa_->read<std::uint16_t>(w);
    const Block<std::uint16_t> rs = radsat_ ? radsat_->read<std::uint16_t>(w) : Block<std::uint16_t>(w, 0);
    ObservationBlock o{Block<float>(w), Block<float>(w), Block<float>(w), Block<float>(w), Block<std::uint8_t>(w)};
    Block<float>* out[4] = {&o.green, &o.red, &o.nir, &o.swir1};
    const bool c2 = !scene_.top_of_atmosphere();
    for (std::size_t i = 0; i < o.state.size(); ++i) {
      const std::uint16_t q = qa[i];
      bool fill = c2 ? (q & qa_pixel::fill) : qa_bqa_c1::fill(q);
      for (int k = 0; k < 4; ++k) fill = fill || dn[k][i] == 0;  // DN 0 is fill
      const bool clear_px = !fill && (c2 ? !(q & qa_pixel::excluded) && !(rs[i] & radsat_bits_) : !qa_bqa_c1::excluded(q));
      o.state[i] = fill ? no_data : clear_px ? clear : masked;
      for (int k = 0; k < 4; ++k) (*out[k])[i] = clear_px ? (float(dn[k][i]) * mult_[k] + add_[k]) / divisor_ : geo::index::kNaN;
    }
    return o;
  }

 private:
  Scene scene_;
  std::vector<geo::io::RasterReader> bands_;
  std::optional<geo::io::RasterReader> qa_, radsat_;
  float mult_[4] = {}, add_[4] = {}, divisor_ = 1;
  std::uint16_t radsat_bits_ = 0;
};

// ---------------------------------------------------------------- Sentinel-2 L2A

// Bands as (name, ESA band_id, native resolution): green B03, red B04, narrow NIR B8A (the band HLS
// matches to OLI's NIR), SWIR1 B11; SCL for the mask.
struct S2Band {
  const char* name;
  int band_id;
  int resolution;
};
constexpr S2Band kS2Bands[4] = {{"B03", 2, 10}, {"B04", 3, 10}, {"B8A", 8, 20}, {"B11", 11, 20}};

// HLS bandpass adjustment to OLI: rho_OLI = slope * rho_MSI + offset (Claverie et al. 2018, "The
// Harmonized Landsat and Sentinel-2 surface reflectance data set", Remote Sens. Environ. 219,
// 145-161, table of OLS coefficients): green, red, NIR (B8A), SWIR1.
constexpr float kHlsSlope[4] = {1.0053f, 0.9765f, 0.9983f, 0.9987f};
constexpr float kHlsOffset[4] = {-0.0009f, 0.0009f, -0.0001f, -0.0011f};

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern))) return m[1].str();
  return "";
}

// What the product metadata says: identity, scaling, and the files of the bands ecomon reads.
struct S2Description {
  SceneInfo info;
  std::string mtd_path, baseline;
  float quantification = 10000, offset[4] = {0, 0, 0, 0};
  std::string band_files[4], scl_file;
};

S2Description describe_s2(const std::string& product) {
  S2Description d;
  const bool cog_layout = !geo::io::is_directory(product + "/GRANULE");
  std::string mtd;
  for (const char* name : {"MTD_MSIL2A.xml", "product_metadata.xml"})
    if (mtd.empty()) {
      try {
        mtd = geo::io::read_text_file(product + "/" + name);
        d.mtd_path = product + "/" + name;
      } catch (const geo::io::IoError&) {
      }
    }
  if (mtd.empty()) throw SceneError(product + ": no MTD_MSIL2A.xml (or product_metadata.xml): not a Sentinel-2 L2A product");
  auto need = [&](const std::string& pattern, const std::string& key) {
    std::string v = first_match(mtd, pattern);
    if (v.empty()) throw SceneError(d.mtd_path + ": missing key " + key);
    return v;
  };
  const std::string uri = need("<PRODUCT_URI>([^<]+)</PRODUCT_URI>", "PRODUCT_URI");
  d.info.id = uri.substr(0, uri.find(".SAFE"));
  d.info.date = need("<PRODUCT_START_TIME>(\\d{4}-\\d{2}-\\d{2})", "PRODUCT_START_TIME");
  d.info.spacecraft = need("<SPACECRAFT_NAME>([^<]+)</SPACECRAFT_NAME>", "SPACECRAFT_NAME");
  d.info.sensor = "MSI";
  d.info.reflectance = "SR";
  d.info.path = product;
  d.baseline = need("<PROCESSING_BASELINE>([^<]+)</PROCESSING_BASELINE>", "PROCESSING_BASELINE");
  d.quantification = std::stof(need("<BOA_QUANTIFICATION_VALUE[^>]*>([0-9.]+)</BOA_QUANTIFICATION_VALUE>", "BOA_QUANTIFICATION_VALUE"));
  // BOA_ADD_OFFSET: present from processing baseline 04.00 (2022-01-25) on, -1000 today; read per
  // product, absent means 0 (Sentinel-2 L2A Product Specification, PSD 14.9).
  for (int k = 0; k < 4; ++k) {
    const std::string v = first_match(mtd, "<BOA_ADD_OFFSET band_id=\"" + std::to_string(kS2Bands[k].band_id) + "\"[^>]*>(-?[0-9.]+)</BOA_ADD_OFFSET>");
    d.offset[k] = v.empty() ? 0.0f : std::stof(v);
  }
  std::vector<std::string> files;
  if (cog_layout) {
    for (const auto& n : geo::io::list_directory(product)) files.push_back(product + "/" + n);
  } else {
    const std::regex image_file("<IMAGE_FILE>([^<]+)</IMAGE_FILE>");
    std::sregex_iterator it(mtd.begin(), mtd.end(), image_file), end;
    for (; it != end; ++it) files.push_back(product + "/" + (*it)[1].str() + ".jp2");
  }
  auto find_band = [&](const std::string& name, int res) {
    for (const auto& f : files) {
      std::string upper = f.substr(f.find_last_of('/') + 1);
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      const bool tif = upper.ends_with(".TIF") || upper.ends_with(".TIFF");
      if (cog_layout ? (tif && upper.find(name) != std::string::npos) : upper.find("_" + name + "_" + std::to_string(res) + "M") != std::string::npos)
        return f;
    }
    throw SceneError(d.mtd_path + ": no file for band " + name + (cog_layout ? " (expected a GeoTIFF with " + name + " in its name)" : ""));
  };
  for (int k = 0; k < 4; ++k) d.band_files[k] = find_band(kS2Bands[k].name, kS2Bands[k].resolution);
  d.scl_file = find_band("SCL", 20);
  return d;
}

class Sentinel2Source final : public ObservationSource {
 public:
  Sentinel2Source(const std::string& product, const std::string& work_dir) {
    const S2Description d = describe_s2(product);
    info_ = d.info;
    mtd_path_ = d.mtd_path;
    quantification_ = d.quantification;
    for (int k = 0; k < 4; ++k) offset_[k] = d.offset[k];
    const fs::path work = fs::path(work_dir) / info_.id;
    auto decoded = [&](const std::string& path, const std::string& name) {
      if (!path.ends_with(".jp2")) return path;
      // perf-facts: JPEG 2000 decodes ~25x slower than DEFLATE: decode once, into tiled ZSTD.
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
    try {
      for (int k = 0; k < 4; ++k)
        bands_.push_back(open_band(decoded(d.band_files[k], kS2Bands[k].name), mtd_path_, kS2Bands[k].name));
      scl_.emplace(open_band(decoded(d.scl_file, "SCL"), mtd_path_, "SCL"));
    } catch (...) {
      remove_work_dir();  // the destructor does not run when the constructor throws
      throw;
    }
    grid_ = bands_[0].grid();  // the 10 m grid
    check_same_grid(bands_[0], bands_[1], mtd_path_);
    for (const auto* coarse : {&bands_[2], &bands_[3], &*scl_}) {
      const auto& g = coarse->grid();
      const bool aligned = std::abs(g.transform.pixel_width - 2 * grid_.transform.pixel_width) < 1e-6 &&
                           std::abs(g.transform.origin_x - grid_.transform.origin_x) < 1e-6 &&
                           std::abs(g.transform.origin_y - grid_.transform.origin_y) < 1e-6 && g.cols * 2 >= grid_.cols;
      if (!aligned) throw SceneError(coarse->path() + ": not the 20 m grid of " + bands_[0].path());
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
    auto at10 = [&](const Block<std::uint16_t>& b20, int r, int c) { return b20.at((w.row0 + r) / 2 - w20.row0, (w.col0 + c) / 2 - w20.col0); };
    const Block<std::uint16_t> g = bands_[0].read<std::uint16_t>(w), red = bands_[1].read<std::uint16_t>(w);
    const Block<std::uint16_t> nir = bands_[2].read<std::uint16_t>(w20), sw = bands_[3].read<std::uint16_t>(w20);
    const Block<std::uint8_t> scl = scl_->read<std::uint8_t>(w20);
    ObservationBlock o{Block<float>(w), Block<float>(w), Block<float>(w), Block<float>(w), Block<std::uint8_t>(w)};
    for (int r = 0; r < w.rows; ++r)
      for (int c = 0; c < w.cols; ++c) {
        const std::uint16_t dn[4] = {g.at(r, c), red.at(r, c), at10(nir, r, c), at10(sw, r, c)};
        const std::uint8_t cls = scl.at((w.row0 + r) / 2 - w20.row0, (w.col0 + c) / 2 - w20.col0);
        // SCL (L2A ATBD): 0 no data, 1 saturated/defective, 3 cloud shadow, 8/9 cloud medium/high
        // probability, 10 thin cirrus, 11 snow are excluded.
        const bool nodata = cls == 0 || dn[0] == 0 || dn[1] == 0 || dn[2] == 0 || dn[3] == 0;
        const bool excluded = cls == 1 || cls == 3 || cls == 8 || cls == 9 || cls == 10 || cls == 11;
        o.state.at(r, c) = nodata ? no_data : excluded ? masked : clear;
        float* out[4] = {&o.green.at(r, c), &o.red.at(r, c), &o.nir.at(r, c), &o.swir1.at(r, c)};
        for (int k = 0; k < 4; ++k)
          *out[k] = o.state.at(r, c) == clear ? kHlsSlope[k] * ((float(dn[k]) + offset_[k]) / quantification_) + kHlsOffset[k] : geo::index::kNaN;
      }
    return o;
  }

 private:
  std::string mtd_path_, work_dir_;
  float quantification_ = 10000, offset_[4] = {0, 0, 0, 0};
  std::vector<geo::io::RasterReader> bands_;
  std::optional<geo::io::RasterReader> scl_;
};

}  // namespace

std::unique_ptr<ObservationSource> open_landsat(const Scene& scene) { return std::make_unique<LandsatSource>(scene); }

std::unique_ptr<ObservationSource> open_sentinel2(const std::string& product, const std::string& work_dir) {
  return std::make_unique<Sentinel2Source>(product, work_dir);
}

SceneProbe probe_scene(const FoundScene& found) {
  if (found.kind == FoundScene::Kind::landsat) {
    const Scene scene = read_scene(found.path);
    const auto red = open_band(scene.bands[Band::red].path, scene.mtl_path, "red");
    return {{scene.product_id, scene.date, scene.spacecraft, scene.sensor, scene.top_of_atmosphere() ? "TOA" : "SR", scene.mtl_path}, red.grid()};
  }
  const S2Description d = describe_s2(found.path);
  return {d.info, open_band(d.band_files[0], d.mtd_path, kS2Bands[0].name).grid()};
}

std::unique_ptr<ObservationSource> open_scene(const FoundScene& found, const std::string& work_dir) {
  if (found.kind == FoundScene::Kind::landsat) return open_landsat(read_scene(found.path));
  return open_sentinel2(found.path, work_dir);
}

std::vector<FoundScene> find_scenes(const std::string& input) {
  std::vector<FoundScene> out;
  for (const auto& mtl : find_scene_metadata(input)) out.push_back({FoundScene::Kind::landsat, mtl});
  if (fs::is_directory(input)) {
    for (const auto& e : fs::recursive_directory_iterator(input)) {
      const std::string p = e.path().string(), name = e.path().filename().string();
      if (e.is_directory() && name.ends_with(".SAFE") && name.find("MSIL2A") != std::string::npos) {
        out.push_back({FoundScene::Kind::sentinel2, p});
      } else if (e.is_directory() && (fs::exists(e.path() / "MTD_MSIL2A.xml") || fs::exists(e.path() / "product_metadata.xml"))) {
        out.push_back({FoundScene::Kind::sentinel2, p});
      } else if (e.is_regular_file() && name.ends_with(".zip") && name.find("MSIL2A") != std::string::npos) {
        for (const auto& inner : geo::io::list_directory("/vsizip/" + p))
          if (inner.ends_with(".SAFE")) out.push_back({FoundScene::Kind::sentinel2, "/vsizip/" + p + "/" + inner});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const FoundScene& a, const FoundScene& b) { return a.path < b.path; });
  // A .SAFE folder inside the COG-layout test above would be listed twice; keep one.
  out.erase(std::unique(out.begin(), out.end(), [](const FoundScene& a, const FoundScene& b) { return a.path == b.path; }), out.end());
  return out;
}

}  // namespace ecomon

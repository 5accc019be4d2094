#include "sensors/observation.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <optional>
#include <regex>
#include <set>

#include "sensors/identifiers.hpp"
#include "libgeo/indices.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"
#include "sensors/radiometry.hpp"

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
      bool clear_px = !fill && (c2 ? !(q & qa_pixel::excluded) && !(rs[i] & radsat_bits_) : !qa_bqa_c1::excluded(q));
      float rho[4];
      for (int k = 0; k < 4; ++k) rho[k] = (float(dn[k][i]) * mult_[k] + add_[k]) / divisor_;
      if (clear_px && !(plausible_reflectance(rho[0]) && plausible_reflectance(rho[1]) && plausible_reflectance(rho[2]) &&
                        plausible_reflectance(rho[3]))) {
        clear_px = false;
        ++implausible_;
      }
      o.state[i] = fill ? no_data : clear_px ? clear : masked;
      for (int k = 0; k < 4; ++k) (*out[k])[i] = clear_px ? rho[k] : geo::index::kNaN;
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
  auto need_number = [&](const std::string& pattern, const std::string& key) {
    const std::string v = need(pattern, key);
    std::size_t used = 0;
    double x = std::nan("");
    try {
      x = std::stod(v, &used);
    } catch (const std::exception&) {
    }
    if (used != v.size() || !std::isfinite(x)) throw SceneError(d.mtd_path + ": key " + key + " is not a number: '" + v + "'");
    return x;
  };
  const std::string uri = need("<PRODUCT_URI>([^<]+)</PRODUCT_URI>", "PRODUCT_URI");
  d.info.id = uri.substr(0, uri.find(".SAFE"));
  check_sentinel2_product_id(d.info.id, d.mtd_path);  // it names output folders and files
  const std::string start = need("<PRODUCT_START_TIME>([^<]+)</PRODUCT_START_TIME>", "PRODUCT_START_TIME");
  d.info.date = checked_iso_date(start.substr(0, 10), d.mtd_path, "PRODUCT_START_TIME");
  if (start.size() > 10 && start[10] != 'T')
    throw SceneError(d.mtd_path + ": key PRODUCT_START_TIME has value '" + start + "', not an ISO 8601 date-time");
  d.info.spacecraft = need("<SPACECRAFT_NAME>([^<]+)</SPACECRAFT_NAME>", "SPACECRAFT_NAME");
  d.info.sensor = "MSI";
  d.info.reflectance = "SR";
  d.info.path = product;
  d.baseline = need("<PROCESSING_BASELINE>([^<]+)</PROCESSING_BASELINE>", "PROCESSING_BASELINE");
  d.quantification = float(need_number("<BOA_QUANTIFICATION_VALUE[^>]*>([^<]+)</BOA_QUANTIFICATION_VALUE>", "BOA_QUANTIFICATION_VALUE"));
  // BOA_ADD_OFFSET: present from processing baseline 04.00 (2022-01-25) on, -1000 today; read per
  // product, absent means 0 (Sentinel-2 L2A Product Specification, PSD 14.9).
  for (int k = 0; k < 4; ++k) {
    const std::string band = "BOA_ADD_OFFSET band_id=\"" + std::to_string(kS2Bands[k].band_id) + "\"";
    d.offset[k] = first_match(mtd, "<" + band + "[^>]*>([^<]*)</BOA_ADD_OFFSET>").empty()
                      ? 0.0f
                      : float(need_number("<" + band + "[^>]*>([^<]*)</BOA_ADD_OFFSET>", band));
    // reflectance = (DN + offset) / quantification: gain 1 / Q, offset O / Q.
    check_reflectance_scaling(1.0 / d.quantification, d.offset[k] / d.quantification, 65535, d.mtd_path,
                              std::string("BOA_QUANTIFICATION_VALUE / BOA_ADD_OFFSET of ") + kS2Bands[k].name);
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
        float rho[4];
        bool plausible = true;
        for (int k = 0; k < 4; ++k) {
          rho[k] = kHlsSlope[k] * ((float(dn[k]) + offset_[k]) / quantification_) + kHlsOffset[k];
          plausible = plausible && plausible_reflectance(rho[k]);
        }
        const bool counted_implausible = !nodata && !excluded && !plausible;
        implausible_ += counted_implausible;
        o.state.at(r, c) = nodata ? no_data : (excluded || counted_implausible) ? masked : clear;
        float* out[4] = {&o.green.at(r, c), &o.red.at(r, c), &o.nir.at(r, c), &o.swir1.at(r, c)};
        for (int k = 0; k < 4; ++k) *out[k] = o.state.at(r, c) == clear ? rho[k] : geo::index::kNaN;
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

namespace {

bool iends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != std::tolower(static_cast<unsigned char>(suffix[i])))
      return false;
  return true;
}

bool is_landsat_mtl(const std::string& name) { return iends_with(name, "_MTL.txt") || iends_with(name, "_MTL.xml"); }

// Landsat MTL files of one listing; the .txt wins over an .xml of the same product.
std::vector<std::string> landsat_mtls(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (!is_landsat_mtl(n)) continue;
    if (iends_with(n, ".xml")) {
      const std::string stem = n.substr(0, n.size() - 4);
      const bool has_txt = std::any_of(names.begin(), names.end(), [&](const std::string& m) {
        return m.size() == n.size() && iends_with(m, ".txt") && m.compare(0, stem.size(), stem) == 0;
      });
      if (has_txt) continue;
    }
    out.push_back(n);
  }
  return out;
}

// File names that belong to a scene whose metadata is missing.
const std::regex kLandsatBandFile("^L[COTEM]0[1-9]_.*_(SR_)?B[0-9]{1,2}\\.TIF$", std::regex::icase);
const std::regex kSentinel2BandFile("(^|_)(B0[1-9]|B1[0-2]|B8A|SCL)(_[0-9]{2}m)?\\.(tif|tiff|jp2)$", std::regex::icase);

bool is_s2_metadata(const std::string& name) { return name == "MTD_MSIL2A.xml" || name == "product_metadata.xml"; }

class SceneWalker {
 public:
  explicit SceneWalker(Discovery& out) : out_(out) {}

  void walk(const fs::path& dir) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(dir, ec);
    if (ec) return problem(dir.string(), "cannot resolve the folder: " + ec.message());
    if (!visited_.insert(canonical.string()).second) return;  // reached again through a symbolic link
    std::vector<std::string> files, dirs;
    fs::directory_iterator it(dir, ec), end;
    if (ec) return problem(dir.string(), "cannot list the folder: " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return problem(dir.string(), "cannot list the folder: " + ec.message());
      const std::string name = it->path().filename().string();
      std::error_code sec;
      const fs::file_status st = it->status(sec);  // follows symbolic links
      if (sec) {
        problem(it->path().string(), "cannot be read, skipped: " + sec.message());
        continue;
      }
      if (fs::is_directory(st)) dirs.push_back(name);
      else if (fs::is_regular_file(st)) files.push_back(name);
    }
    std::sort(files.begin(), files.end());
    std::sort(dirs.begin(), dirs.end());
    const std::string d = dir.string();

    const auto mtls = landsat_mtls(files);
    for (const auto& m : mtls) out_.scenes.push_back({FoundScene::Kind::landsat, d + "/" + m});
    const bool s2_here = std::any_of(files.begin(), files.end(), is_s2_metadata);
    if (s2_here) {
      out_.scenes.push_back({FoundScene::Kind::sentinel2, d});
      return;  // a product folder: its subfolders are its own
    }
    if (mtls.empty()) {
      for (const auto& f : files)
        if (std::regex_match(f, kLandsatBandFile)) {
          problem(d, "holds Landsat band files (" + f + ") but no *_MTL.txt or *_MTL.xml: the scene's metadata is missing");
          break;
        }
      for (const auto& f : files)
        if (!std::regex_match(f, kLandsatBandFile) && std::regex_search(f, kSentinel2BandFile)) {
          problem(d, "holds Sentinel-2 band files (" + f + ") but no MTD_MSIL2A.xml or product_metadata.xml: the product's metadata is missing");
          break;
        }
    }
    for (const auto& f : files) {
      const std::string path = d + "/" + f;
      if (iends_with(f, ".tar") || iends_with(f, ".tar.gz") || iends_with(f, ".tgz")) landsat_archive(path);
      else if (iends_with(f, ".zip") && (f.find("MSIL") != std::string::npos)) sentinel2_zip(path, f);
    }
    for (const auto& sub : dirs) {
      if (iends_with(sub, ".SAFE")) {
        if (sub.find("MSIL2A") != std::string::npos) out_.scenes.push_back({FoundScene::Kind::sentinel2, d + "/" + sub});
        else problem(d + "/" + sub, "not a Sentinel-2 Level-2A product (only MSIL2A is read)");
        continue;
      }
      walk(dir / sub);
    }
  }

  void landsat_archive(const std::string& path) {
    if (iends_with(path, ".tar")) {
      const std::string why = geo::io::tar_archive_problem(path);
      if (!why.empty()) return problem(path, "archive " + why);
    }
    const std::size_t before = out_.scenes.size();
    scan_vsi("/vsitar/" + path, 0);
    if (out_.scenes.size() == before)
      problem(path, "holds no Landsat *_MTL.txt or *_MTL.xml (not a Landsat scene archive, or unreadable)");
  }

  void scan_vsi(const std::string& dir, int depth) {
    const auto names = geo::io::list_directory(dir);
    for (const auto& m : landsat_mtls(names)) out_.scenes.push_back({FoundScene::Kind::landsat, dir + "/" + m});
    if (depth < 8)
      for (const auto& n : names)
        if (geo::io::is_directory(dir + "/" + n)) scan_vsi(dir + "/" + n, depth + 1);
  }

  void sentinel2_zip(const std::string& path, const std::string& name) {
    if (name.find("MSIL2A") == std::string::npos) return problem(path, "not a Sentinel-2 Level-2A product (only MSIL2A is read)");
    bool any = false;
    for (const auto& inner : geo::io::list_directory("/vsizip/" + path))
      if (iends_with(inner, ".SAFE")) {
        out_.scenes.push_back({FoundScene::Kind::sentinel2, "/vsizip/" + path + "/" + inner});
        any = true;
      }
    if (!any) problem(path, "cannot be read as a zip archive holding a .SAFE folder (truncated or corrupt download?)");
  }

  void problem(const std::string& path, const std::string& why) { out_.problems.push_back({path, path + ": " + why}); }

 private:
  Discovery& out_;
  std::set<std::string> visited_;
};

}  // namespace

Discovery discover_scenes(const std::string& input) {
  Discovery out;
  std::error_code ec;
  const fs::file_status st = fs::status(input, ec);
  if (ec || !fs::exists(st)) throw SceneError(input + ": input folder does not exist" + (ec ? " (" + ec.message() + ")" : ""));
  SceneWalker walker(out);
  if (fs::is_directory(st)) walker.walk(input);
  else if (iends_with(input, ".tar") || iends_with(input, ".tar.gz") || iends_with(input, ".tgz")) walker.landsat_archive(input);
  else if (iends_with(input, ".zip")) walker.sentinel2_zip(input, fs::path(input).filename().string());
  else throw SceneError(input + ": not a folder, a Landsat .tar or a Sentinel-2 .zip");
  std::sort(out.scenes.begin(), out.scenes.end(), [](const FoundScene& a, const FoundScene& b) { return a.path < b.path; });
  out.scenes.erase(std::unique(out.scenes.begin(), out.scenes.end(), [](const FoundScene& a, const FoundScene& b) { return a.path == b.path; }),
                   out.scenes.end());
  std::sort(out.problems.begin(), out.problems.end());
  return out;
}

}  // namespace ecomon

#include "sensors/landsat/driver.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <numbers>
#include <optional>
#include <vector>

#include "base/interrupt.hpp"
#include "libgeo/indices.hpp"
#include "libgeo/io/vsi.hpp"
#include "sensors/driver_support.hpp"
#include "sensors/sensor_driver.hpp"
#include "sensors/radiometry.hpp"

namespace ecomon {

namespace {

using geo::Block;
using geo::Window;

class LandsatSource final : public ObservationSource {
 public:
  LandsatSource(const Scene& scene, const BandSet& bands) : scene_(scene) {
    info_ = {scene.product_id,
             scene.date,
             scene.spacecraft,
             scene.sensor,
             scene.top_of_atmosphere() ? "TOA" : "SR",
             scene.mtl_path,
             scene.origin.find("SIMULATED") != std::string::npos};
    bands_ = bands;
    for (Band role : kAllBands) {
      if (!bands.has(role)) continue;
      const BandFile& b = scene.band(role);
      roles_.push_back(role);
      readers_.emplace_back(open_band(b.path, scene.mtl_path, std::string(band_name(role)) + " (B" + std::to_string(b.number) + ")"));
      // DN -> reflectance. C2 L2: rho = DN * mult + add (LSDS-1619 section 4.2). C1 L1 TOA:
      // rho = (DN * mult + add) / sin(sun elevation) (Landsat 8 Data Users Handbook, section 5.2).
      mult_.push_back(float(b.mult));
      add_.push_back(float(b.add));
      radsat_bits_ = std::uint16_t(radsat_bits_ | (1u << (b.number - 1)));
    }
    qa_.emplace(open_band(scene.qa_pixel_path, scene.mtl_path, "QA"));
    if (!scene.qa_radsat_path.empty()) radsat_.emplace(open_band(scene.qa_radsat_path, scene.mtl_path, "QA_RADSAT"));
    check_band_types(scene);
    for (const auto& b : readers_) check_same_grid(qa_->reader(), b.reader(), scene.mtl_path);
    if (radsat_) check_same_grid(qa_->reader(), radsat_->reader(), scene.mtl_path);
    grid_ = readers_.empty() ? qa_->reader().grid() : readers_[0].reader().grid();
    if (scene.top_of_atmosphere()) divisor_ = float(std::sin(scene.sun_elevation_deg * std::numbers::pi / 180.0));
  }

  // Stored data types as the product guides give them. Collection 2 Level-2: every SR band, QA_PIXEL
  // and QA_RADSAT UInt16 (LSDS-1619). Collection 1 Level-1: OLI bands and every BQA 16-bit, TM/ETM+
  // bands 8-bit (Landsat 7 and 8 Data Users Handbooks); Int16 is taken for them too, a lossless
  // re-encoding of their DN range that some archives use (the shipped sample tiles among them).
  void check_band_types(const Scene& scene) const {
    const bool c2 = scene.level == Level::surface_reflectance_c2l2;
    const bool eight_bit = !c2 && scene.spacecraft != "LANDSAT_8" && scene.spacecraft != "LANDSAT_9";
    const std::string spec = c2 ? "Landsat Collection 2 Level-2 (LSDS-1619)" : "Landsat Collection 1 Level-1";
    for (std::size_t k = 0; k < readers_.size(); ++k) {
      const std::string role = std::string(band_name(roles_[k])) + " (B" + std::to_string(scene.band(roles_[k]).number) + ")";
      if (c2)
        check_band_type(readers_[k].reader(), {"UInt16"}, scene.mtl_path, role, spec);
      else if (eight_bit)
        check_band_type(readers_[k].reader(), {"Byte", "Int16", "UInt16"}, scene.mtl_path, role, spec);
      else
        check_band_type(readers_[k].reader(), {"UInt16", "Int16"}, scene.mtl_path, role, spec);
    }
    if (c2)
      check_band_type(qa_->reader(), {"UInt16"}, scene.mtl_path, "QA_PIXEL", spec);
    else
      check_band_type(qa_->reader(), {"UInt16", "Int16"}, scene.mtl_path, "BQA", spec);
    if (radsat_) check_band_type(radsat_->reader(), {"UInt16"}, scene.mtl_path, "QA_RADSAT", spec);
  }

  ObservationBlock read(const Window& w) override {
    const std::size_t n = readers_.size();
    std::vector<Block<std::uint16_t>> dn(n);
    Block<std::uint16_t> qa, rs;
    // Each band is its own GDAL dataset: decode them concurrently (DEFLATE decoding dominates reading).
    tbb::parallel_for(std::size_t(0), n + 2, [&](std::size_t k) {
      if (k < n)
        dn[k] = readers_[k].read(w);
      else if (k == n)
        qa = qa_->read(w);
      else
        rs = radsat_ ? radsat_->read(w) : Block<std::uint16_t>(w, 0);
    });
    // Pixel state from the QA, then band by band, in branch-free loops the compiler vectorises (the
    // restrict-qualified pointers tell it that byte stores do not alias the inputs): DN 0 is fill, a
    // clear pixel with an implausible reflectance is masked.
    ObservationBlock o(w, bands_);
    const std::size_t size = o.state.size();
    std::vector<std::uint8_t> fill_v(size), clear_v(size), plausible_v(size, 1);
    std::uint8_t* __restrict fill = fill_v.data();
    std::uint8_t* __restrict clear_px = clear_v.data();
    std::uint8_t* __restrict plausible = plausible_v.data();
    const std::uint16_t* __restrict q = qa.data();
    const std::uint16_t* __restrict saturated = rs.data();
    if (!scene_.top_of_atmosphere()) {
      const std::uint16_t radsat_bits = radsat_bits_;
      for (std::size_t i = 0; i < size; ++i) {
        fill[i] = std::uint8_t((q[i] & qa_pixel::fill) != 0);
        clear_px[i] = std::uint8_t(((q[i] & qa_pixel::excluded) == 0) & ((saturated[i] & radsat_bits) == 0));
      }
    } else {
      for (std::size_t i = 0; i < size; ++i) {
        fill[i] = qa_bqa_c1::fill(q[i]);
        clear_px[i] = !qa_bqa_c1::excluded(q[i]);
      }
    }
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint16_t* __restrict d = dn[k].data();
      float* __restrict rho = o[roles_[k]].data();
      const float mult = mult_[k], add = add_[k], divisor = divisor_;
      for (std::size_t i = 0; i < size; ++i) {
        const float v = (float(d[i]) * mult + add) / divisor;
        rho[i] = v;
        fill[i] = std::uint8_t(fill[i] | (d[i] == 0));
        plausible[i] = std::uint8_t(plausible[i] & (v >= kPlausibleReflectanceMin) & (v <= kPlausibleReflectanceMax));
      }
    }
    std::uint64_t implausible = 0;
    std::uint8_t* __restrict state = reinterpret_cast<std::uint8_t*>(o.state.data());  // PixelState is a uint8 enum
    for (std::size_t i = 0; i < size; ++i) {
      const std::uint8_t observed = std::uint8_t(clear_px[i] & (fill[i] ^ 1));
      implausible += std::uint8_t(observed & (plausible[i] ^ 1));
      clear_px[i] = std::uint8_t(observed & plausible[i]);
      // PixelState: no_data 0, clear 1, masked 2.
      state[i] = std::uint8_t(fill[i] ? 0 : 2 - clear_px[i]);
    }
    implausible_ += implausible;
    for (std::size_t k = 0; k < n; ++k) {
      float* __restrict rho = o[roles_[k]].data();
      for (std::size_t i = 0; i < size; ++i) rho[i] = clear_px[i] ? rho[i] : geo::index::kNaN;
    }
    return o;
  }

 private:
  Scene scene_;
  std::vector<Band> roles_;
  std::vector<geo::io::ForwardReader<std::uint16_t>> readers_;  // decode each block once per pass
  std::optional<geo::io::ForwardReader<std::uint16_t>> qa_, radsat_;
  std::vector<float> mult_, add_;
  float divisor_ = 1;
  std::uint16_t radsat_bits_ = 0;
};

}  // namespace

std::unique_ptr<ObservationSource> open_landsat(const Scene& scene, const BandSet& bands) {
  return std::make_unique<LandsatSource>(scene, bands);
}

namespace {

bool is_landsat_mtl(const std::string& name) { return iends_with(name, "_MTL.txt") || iends_with(name, "_MTL.xml"); }

// Landsat MTL files of one listing (any case); the .txt wins over an .xml of the same product.
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

// A band file of a Landsat product (LXSS_..._B4.TIF, ..._SR_B4.TIF): a scene whose MTL is missing.
const std::regex kLandsatBandFile("^L[COTEM]0[1-9]_.*_(SR_)?B[0-9]{1,2}\\.TIF$", std::regex::icase);

void scan_archive_folder(const std::string& dir, int depth, Recognised& r) {
  stop_if_interrupted();
  const auto names = geo::io::list_directory(dir);
  for (const auto& m : landsat_mtls(names)) r.scenes.push_back(dir + "/" + m);
  if (depth < 8)
    for (const auto& n : names)
      if (geo::io::is_directory(dir + "/" + n)) scan_archive_folder(dir + "/" + n, depth + 1, r);
}

// A .tar / .tar.gz / .tgz of scene folders, as USGS delivers them, or a .zip of one (as a scene is
// often passed on); a plain .tar's structure is checked first, so that a truncated download is named
// as such rather than as a broken band. Zips named as Sentinel-2 products (MSIL) are that driver's.
Recognised recognise_archive(const std::string& path) {
  Recognised r;
  const std::string name = path.substr(path.find_last_of('/') + 1);
  const bool zip = iends_with(name, ".zip") && name.find("MSIL") == std::string::npos;
  if (!(iends_with(path, ".tar") || iends_with(path, ".tar.gz") || iends_with(path, ".tgz") || zip)) return r;
  if (iends_with(path, ".tar")) {
    const std::string why = geo::io::tar_archive_problem(path);
    if (!why.empty()) {
      r.problems.push_back({path, path + ": archive " + why});
      return r;
    }
  }
  scan_archive_folder((zip ? "/vsizip/" : "/vsitar/") + path, 0, r);
  if (r.scenes.empty())
    r.problems.push_back({path, path + (zip ? ": holds no Landsat *_MTL.txt or *_MTL.xml nor a Sentinel-2 .SAFE product (not a scene "
                                              "archive, or a truncated or corrupt zip)"
                                            : ": holds no Landsat *_MTL.txt or *_MTL.xml (not a Landsat scene archive, or unreadable)")});
  return r;
}

Recognised recognise_folder(const FolderListing& f) {
  Recognised r;
  const auto mtls = landsat_mtls(f.files);
  for (const auto& m : mtls) r.scenes.push_back(f.path + "/" + m);
  if (mtls.empty())
    for (const auto& file : f.files)
      if (std::regex_match(file, kLandsatBandFile)) {
        r.problems.push_back(
            {f.path, f.path + ": holds Landsat band files (" + file + ") but no *_MTL.txt or *_MTL.xml: the scene's metadata is missing"});
        break;
      }
  for (const auto& file : f.files) {
    Recognised a = recognise_archive(f.path + "/" + file);
    r.scenes.insert(r.scenes.end(), a.scenes.begin(), a.scenes.end());
    r.problems.insert(r.problems.end(), a.problems.begin(), a.problems.end());
  }
  return r;
}

const SensorDriverRegistration registration({"landsat", recognise_folder, recognise_archive, probe_landsat,
                                             [](const std::string& mtl, const std::string&, const BandSet& bands) {
                                               return open_landsat(read_scene(mtl), bands);
                                             },
                                             "Landsat Collection 2 Level-2 or Collection 1 Level-1 (folders with *_MTL.txt or *_MTL.xml, "
                                             "or .tar / .zip archives of them)"});

}  // namespace

SceneProbe probe_landsat(const std::string& mtl_path) {
  const Scene scene = read_scene(mtl_path);
  const auto red = open_band(scene.band(Band::red).path, scene.mtl_path, "red");
  return {{scene.product_id, scene.date, scene.spacecraft, scene.sensor, scene.top_of_atmosphere() ? "TOA" : "SR", scene.mtl_path},
          red.grid()};
}

}  // namespace ecomon

#include "sensors/landsat/driver.hpp"

#include <tbb/parallel_for.h>

#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

#include "libgeo/indices.hpp"
#include "sensors/driver_support.hpp"
#include "sensors/radiometry.hpp"

namespace ecomon {

namespace {

using geo::Block;
using geo::Window;

class LandsatSource final : public ObservationSource {
 public:
  LandsatSource(const Scene& scene, const BandSet& bands) : scene_(scene) {
    info_ = {scene.product_id, scene.date, scene.spacecraft, scene.sensor, scene.top_of_atmosphere() ? "TOA" : "SR", scene.mtl_path};
    bands_ = bands;
    for (Band role : kAllBands) {
      if (!bands.has(role)) continue;
      const BandFile& b = scene.band(role);
      roles_.push_back(role);
      readers_.push_back(open_band(b.path, scene.mtl_path, std::string(band_name(role)) + " (B" + std::to_string(b.number) + ")"));
      // DN -> reflectance. C2 L2: rho = DN * mult + add (LSDS-1619 section 4.2). C1 L1 TOA:
      // rho = (DN * mult + add) / sin(sun elevation) (Landsat 8 Data Users Handbook, section 5.2).
      mult_.push_back(float(b.mult));
      add_.push_back(float(b.add));
      radsat_bits_ = std::uint16_t(radsat_bits_ | (1u << (b.number - 1)));
    }
    qa_.emplace(open_band(scene.qa_pixel_path, scene.mtl_path, "QA"));
    if (!scene.qa_radsat_path.empty()) radsat_.emplace(open_band(scene.qa_radsat_path, scene.mtl_path, "QA_RADSAT"));
    for (const auto& b : readers_) check_same_grid(*qa_, b, scene.mtl_path);
    if (radsat_) check_same_grid(*qa_, *radsat_, scene.mtl_path);
    grid_ = readers_.empty() ? qa_->grid() : readers_[0].grid();
    if (scene.top_of_atmosphere()) divisor_ = float(std::sin(scene.sun_elevation_deg * std::numbers::pi / 180.0));
  }

  ObservationBlock read(const Window& w) override {
    const std::size_t n = readers_.size();
    std::vector<Block<std::uint16_t>> dn(n);
    Block<std::uint16_t> qa, rs;
    // Each band is its own GDAL dataset: decode them concurrently (DEFLATE decoding dominates reading).
    tbb::parallel_for(std::size_t(0), n + 2, [&](std::size_t k) {
      if (k < n) dn[k] = readers_[k].read<std::uint16_t>(w);
      else if (k == n) qa = qa_->read<std::uint16_t>(w);
      else rs = radsat_ ? radsat_->read<std::uint16_t>(w) : Block<std::uint16_t>(w, 0);
    });
    ObservationBlock o(w, bands_);
    std::vector<Block<float>*> out(n);
    for (std::size_t k = 0; k < n; ++k) out[k] = &o[roles_[k]];
    const bool c2 = !scene_.top_of_atmosphere();
    std::vector<float> rho(n);
    for (std::size_t i = 0; i < o.state.size(); ++i) {
      const std::uint16_t q = qa[i];
      bool fill = c2 ? (q & qa_pixel::fill) : qa_bqa_c1::fill(q);
      for (std::size_t k = 0; k < n; ++k) fill = fill || dn[k][i] == 0;  // DN 0 is fill
      bool clear_px = !fill && (c2 ? !(q & qa_pixel::excluded) && !(rs[i] & radsat_bits_) : !qa_bqa_c1::excluded(q));
      bool plausible = true;
      for (std::size_t k = 0; k < n; ++k) {
        rho[k] = (float(dn[k][i]) * mult_[k] + add_[k]) / divisor_;
        plausible = plausible && plausible_reflectance(rho[k]);
      }
      if (clear_px && !plausible) {
        clear_px = false;
        ++implausible_;
      }
      o.state[i] = fill ? no_data : clear_px ? clear : masked;
      for (std::size_t k = 0; k < n; ++k) (*out[k])[i] = clear_px ? rho[k] : geo::index::kNaN;
    }
    return o;
  }

 private:
  Scene scene_;
  std::vector<Band> roles_;
  std::vector<geo::io::RasterReader> readers_;
  std::optional<geo::io::RasterReader> qa_, radsat_;
  std::vector<float> mult_, add_;
  float divisor_ = 1;
  std::uint16_t radsat_bits_ = 0;
};

}  // namespace

std::unique_ptr<ObservationSource> open_landsat(const Scene& scene, const BandSet& bands) {
  return std::make_unique<LandsatSource>(scene, bands);
}

SceneProbe probe_landsat(const std::string& mtl_path) {
  const Scene scene = read_scene(mtl_path);
  const auto red = open_band(scene.band(Band::red).path, scene.mtl_path, "red");
  return {{scene.product_id, scene.date, scene.spacecraft, scene.sensor, scene.top_of_atmosphere() ? "TOA" : "SR", scene.mtl_path}, red.grid()};
}

}  // namespace ecomon

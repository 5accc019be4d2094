#pragma once
// Landsat scenes as USGS delivers them: Collection 2 Level-2 Science Products (surface reflectance,
// QA_PIXEL, QA_RADSAT) and, for the shipped samples, Collection 1 Level-1 (top-of-atmosphere, BQA).
// Everything is read from the MTL metadata (ODL text or XML); nothing about a scene is hard-coded.
#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/errors.hpp"
#include "sensors/bands.hpp"

namespace ecomon {

/// Parsed MTL metadata, keyed "GROUP/KEY" by the innermost group.
class Mtl {
 public:
  static Mtl parse(const std::string& text, const std::string& path);
  /// Value of KEY in the first of `groups` that has it; throws SceneError naming file and key.
  std::string get(const std::vector<std::string>& groups, const std::string& key) const;
  bool has(const std::vector<std::string>& groups, const std::string& key) const;
  double get_number(const std::vector<std::string>& groups, const std::string& key) const;
  const std::string& path() const { return path_; }

 private:
  std::map<std::string, std::string> values_;
  std::string path_;
};

enum class Level { surface_reflectance_c2l2, toa_reflectance_c1l1 };

struct BandFile {
  std::string path;
  int number = 0;   // the sensor's band number
  double mult = 0;  // REFLECTANCE_MULT_BAND_n
  double add = 0;   // REFLECTANCE_ADD_BAND_n
};

struct Scene {
  std::string product_id, spacecraft, sensor, date;  // date: YYYY-MM-DD
  int wrs_path = 0, wrs_row = 0, utm_zone = 0;
  double sun_elevation_deg = 0;
  Level level = Level::surface_reflectance_c2l2;
  std::string mtl_path;
  std::array<BandFile, kBandCount> bands;  // by role (sensors/bands.hpp)
  const BandFile& band(Band b) const { return bands[band_index(b)]; }
  std::string qa_pixel_path;   // C2 QA_PIXEL or C1 BQA
  std::string qa_radsat_path;  // C2 only
  std::string origin;          // ORIGIN ("Image courtesy of the U.S. Geological Survey"; a simulator says SIMULATED)

  bool top_of_atmosphere() const { return level == Level::toa_reflectance_c1l1; }
};

/// Reads a scene from its MTL (path may be inside /vsitar/). Throws SceneError naming the file and key:
/// also for a product identifier off the naming convention, a date that is not a calendar date, and
/// a reflectance rescaling no Landsat product has (radiometry.hpp).
Scene read_scene(const std::string& mtl_path);

// ---- QA decoding ----

/// Collection 2 QA_PIXEL bits (Landsat 8-9 C2 L2 Science Product Guide, LSDS-1619, Table 6-3):
/// 0 fill, 1 dilated cloud, 2 cirrus, 3 cloud, 4 cloud shadow, 5 snow, 6 clear, 7 water.
namespace qa_pixel {
inline constexpr std::uint16_t fill = 1u << 0, dilated_cloud = 1u << 1, cirrus = 1u << 2, cloud = 1u << 3, cloud_shadow = 1u << 4,
                               snow = 1u << 5, clear = 1u << 6, water = 1u << 7;
inline constexpr std::uint16_t excluded = fill | dilated_cloud | cirrus | cloud | cloud_shadow | snow;
}  // namespace qa_pixel

/// Collection 1 Level-1 BQA (Landsat 8 C1 Level-1 QA band, USGS; the same positions for TM/ETM+,
/// which lack cirrus): 0 fill, 1 terrain occlusion / dropped pixel, 2-3 saturation count,
/// 4 cloud, 5-6 cloud confidence, 7-8 shadow confidence, 9-10 snow confidence, 11-12 cirrus confidence.
namespace qa_bqa_c1 {
inline bool excluded(std::uint16_t q) {
  auto conf = [q](int bit) { return (q >> bit) & 3u; };
  return (q & 1u) || (q & 2u) || conf(2) != 0 || (q & (1u << 4)) || conf(5) == 3 || conf(7) == 3 || conf(9) == 3 || conf(11) == 3;
}
inline bool fill(std::uint16_t q) { return q & 1u; }
}  // namespace qa_bqa_c1

}  // namespace ecomon

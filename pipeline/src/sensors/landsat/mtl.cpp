#include "sensors/landsat/mtl.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "sensors/identifiers.hpp"
#include "libgeo/io/vsi.hpp"
#include "sensors/radiometry.hpp"

namespace ecomon {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string unquote(std::string s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::string dirname_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// A key given twice in one group: which value is meant cannot be told (a damaged or hand-edited
// file), so the scene is refused rather than one value taken silently.
int line_at(const std::string& text, std::size_t offset) { return int(std::count(text.begin(), text.begin() + long(offset), '\n')) + 1; }

SceneError repeated_key(const std::string& path, const std::string& key, int first_line, int second_line) {
  return SceneError(path + ": key " + key + " is given twice (lines " + std::to_string(first_line) + " and " +
                    std::to_string(second_line) + "); the metadata is damaged");
}

}  // namespace

Mtl Mtl::parse(const std::string& text, const std::string& path) {
  Mtl m;
  m.path_ = path;
  const bool xml = text.find('<') != std::string::npos && text.find("GROUP =") == std::string::npos;
  if (!xml) {
    // ODL: "GROUP = NAME", "KEY = VALUE", "END_GROUP = NAME", "END".
    std::vector<std::string> groups;
    std::istringstream in(text);
    std::string line;
    int line_number = 0;
    std::map<std::string, int> line_of;
    while (std::getline(in, line)) {
      ++line_number;
      const auto eq = line.find('=');
      if (eq == std::string::npos) {
        // USGS writes every line as KEY = VALUE but the closing END: anything else is damage, and a
        // value may have been lost with it.
        const std::string bare = trim(line);
        if (bare.empty() || bare == "END") continue;
        throw SceneError(path + ": line " + std::to_string(line_number) + " is not KEY = VALUE ('" + bare.substr(0, 60) +
                         "'); the metadata file is damaged");
      }
      const std::string key = trim(line.substr(0, eq)), value = unquote(line.substr(eq + 1));
      if (key == "GROUP")
        groups.push_back(value);
      else if (key == "END_GROUP") {
        if (!groups.empty()) groups.pop_back();
      } else {
        const std::string path_key = (groups.empty() ? std::string() : groups.back()) + "/" + key;
        const auto [first, inserted] = line_of.emplace(path_key, line_number);
        if (!inserted) throw repeated_key(path, key, first->second, line_number);
        m.values_[path_key] = value;
      }
    }
  } else {
    // XML: leaf elements <KEY>value</KEY> inside group elements.
    std::vector<std::string> stack;
    std::map<std::string, std::size_t> offset_of;  // lines are counted only for a message
    std::size_t i = 0;
    while ((i = text.find('<', i)) != std::string::npos) {
      const auto close = text.find('>', i);
      if (close == std::string::npos) break;
      std::string tag = text.substr(i + 1, close - i - 1);
      if (tag.empty() || tag[0] == '?' || tag[0] == '!') {
        i = close + 1;
        continue;
      }
      if (tag[0] == '/') {
        if (!stack.empty()) stack.pop_back();
        i = close + 1;
        continue;
      }
      const bool self_closing = tag.back() == '/';
      tag = tag.substr(0, tag.find_first_of(" /"));
      if (self_closing) {
        i = close + 1;
        continue;
      }
      const auto next = text.find('<', close + 1);
      if (next != std::string::npos && text.compare(next, tag.size() + 3, "</" + tag + ">") == 0) {
        const std::string path_key = (stack.empty() ? std::string() : stack.back()) + "/" + tag;
        const auto [first, inserted] = offset_of.emplace(path_key, i);
        if (!inserted) throw repeated_key(path, tag, line_at(text, first->second), line_at(text, i));
        m.values_[path_key] = unquote(text.substr(close + 1, next - close - 1));
        i = next + tag.size() + 3;
      } else {
        stack.push_back(tag);
        i = close + 1;
      }
    }
  }
  if (m.values_.empty()) throw SceneError(path + ": not a Landsat MTL file (no KEY = VALUE entries)");
  return m;
}

bool Mtl::has(const std::vector<std::string>& groups, const std::string& key) const {
  for (const auto& g : groups)
    if (values_.count(g + "/" + key)) return true;
  return false;
}

std::string Mtl::get(const std::vector<std::string>& groups, const std::string& key) const {
  for (const auto& g : groups) {
    auto it = values_.find(g + "/" + key);
    if (it != values_.end()) return it->second;
  }
  throw SceneError(path_ + ": missing key " + key + " (looked in group " + groups.front() + ")");
}

double Mtl::get_number(const std::vector<std::string>& groups, const std::string& key) const {
  const std::string v = get(groups, key);
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used != v.size() || !std::isfinite(d)) throw std::invalid_argument(v);
    return d;
  } catch (const std::exception&) {
    throw SceneError(path_ + ": key " + key + " is not a number: '" + v + "'");
  }
}

Scene read_scene(const std::string& mtl_path) {
  const Mtl mtl = Mtl::parse(geo::io::read_text_file(mtl_path), mtl_path);
  Scene s;
  s.mtl_path = mtl_path;
  const std::string folder = dirname_of(mtl_path);
  const bool c2 = mtl.has({"PRODUCT_CONTENTS"}, "LANDSAT_PRODUCT_ID");
  const std::vector<std::string> contents =
      c2 ? std::vector<std::string>{"PRODUCT_CONTENTS"} : std::vector<std::string>{"METADATA_FILE_INFO", "PRODUCT_METADATA"};
  const std::vector<std::string> image =
      c2 ? std::vector<std::string>{"IMAGE_ATTRIBUTES"} : std::vector<std::string>{"PRODUCT_METADATA", "IMAGE_ATTRIBUTES"};
  const std::vector<std::string> projection = {"PROJECTION_ATTRIBUTES", "PROJECTION_PARAMETERS"};
  s.product_id = mtl.get(contents, "LANDSAT_PRODUCT_ID");
  if (mtl.has(contents, "ORIGIN")) s.origin = mtl.get(contents, "ORIGIN");
  check_landsat_product_id(s.product_id, mtl_path);  // it names output folders and files
  s.spacecraft = mtl.get(image, "SPACECRAFT_ID");
  s.sensor = mtl.get(image, "SENSOR_ID");
  s.date = checked_iso_date(mtl.get(image, "DATE_ACQUIRED"), mtl_path, "DATE_ACQUIRED");
  // The product id's fourth field is the acquisition date (LSDS-1619): a disagreement is a damaged
  // or mixed-up metadata file, and either date would put the scene in the wrong season or year.
  const std::string id_date = s.product_id.substr(17, 4) + "-" + s.product_id.substr(21, 2) + "-" + s.product_id.substr(23, 2);
  if (id_date != s.date)
    throw SceneError(mtl_path + ": key DATE_ACQUIRED has value '" + s.date + "' but the product id " + s.product_id + " says " + id_date +
                     "; the metadata is damaged or belongs to another scene");
  // Whole numbers in their ranges (WRS-1 and WRS-2 paths and rows, UTM zones): converting a damaged
  // value beyond an int (a fuzzer's 4e76) would be undefined, and a zone 0 or 61 means nothing.
  const auto whole_number = [&](const std::vector<std::string>& groups, const std::string& key, int lowest, int highest) {
    const double v = mtl.get_number(groups, key);
    if (!(v >= lowest && v <= highest) || v != std::floor(v))
      throw SceneError(mtl_path + ": key " + key + " has value '" + mtl.get(groups, key) + "'; a whole number from " + std::to_string(lowest) +
                       " to " + std::to_string(highest) + " was expected");
    return int(v);
  };
  s.wrs_path = whole_number(image, "WRS_PATH", 1, 251);
  s.wrs_row = whole_number(image, "WRS_ROW", 1, 248);
  s.utm_zone = whole_number(projection, "UTM_ZONE", 1, 60);
  s.sun_elevation_deg = mtl.get_number({"IMAGE_ATTRIBUTES", "PRODUCT_METADATA"}, "SUN_ELEVATION");

  // A band file is named, not pathed: the MTL lies in the scene's folder with its bands. A name with
  // a folder in it ("../x", "/etc/...") would read a file of another scene or none.
  const auto band_file = [&](const std::string& key) {
    const std::string name = mtl.get(contents, key);
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name == "." || name == "..")
      throw SceneError(mtl_path + ": key " + key + " has value '" + name + "', which is not a file name in the scene's folder");
    return folder + "/" + name;
  };
  std::vector<std::string> reflectance_groups;
  if (c2) {
    const std::string level = mtl.get(contents, "PROCESSING_LEVEL");
    if (level.rfind("L2", 0) != 0)
      throw SceneError(mtl_path + ": PROCESSING_LEVEL is " + level + "; Collection 2 input must be Level-2 (L2SP/L2SR)");
    s.level = Level::surface_reflectance_c2l2;
    reflectance_groups = {"LEVEL2_SURFACE_REFLECTANCE_PARAMETERS"};
    s.qa_pixel_path = band_file("FILE_NAME_QUALITY_L1_PIXEL");
    s.qa_radsat_path = band_file("FILE_NAME_QUALITY_L1_RADIOMETRIC_SATURATION");
  } else {
    s.level = Level::toa_reflectance_c1l1;
    reflectance_groups = {"RADIOMETRIC_RESCALING"};
    s.qa_pixel_path = band_file("FILE_NAME_BAND_QUALITY");
  }
  // Band numbers by sensor: OLI (Landsat 8/9) vs TM/ETM+ (Landsat 4/5/7).
  const bool oli = s.spacecraft == "LANDSAT_8" || s.spacecraft == "LANDSAT_9";
  const bool tm = s.spacecraft == "LANDSAT_4" || s.spacecraft == "LANDSAT_5" || s.spacecraft == "LANDSAT_7";
  if (!oli && !tm) throw SceneError(mtl_path + ": unsupported SPACECRAFT_ID " + s.spacecraft);
  const int numbers[kBandCount] = {oli ? 2 : 1, oli ? 3 : 2, oli ? 4 : 3, oli ? 5 : 4, oli ? 6 : 5, 7};
  for (std::size_t b = 0; b < kBandCount; ++b) {
    const std::string n = std::to_string(numbers[b]);
    BandFile& f = s.bands[b];
    f.number = numbers[b];
    f.path = band_file("FILE_NAME_BAND_" + n);
    f.mult = mtl.get_number(reflectance_groups, "REFLECTANCE_MULT_BAND_" + n);
    f.add = mtl.get_number(reflectance_groups, "REFLECTANCE_ADD_BAND_" + n);
    // OLI, and every Collection 2 Level-2 product, are 16-bit; TM/ETM+ Level-1 are 8-bit.
    const double dn_max = (oli || s.level == Level::surface_reflectance_c2l2) ? 65535 : 255;
    check_reflectance_scaling(f.mult, f.add, dn_max, mtl_path, "REFLECTANCE_MULT_BAND_" + n + " / REFLECTANCE_ADD_BAND_" + n);
  }
  // TOA reflectance is divided by sin(sun elevation): the sun must be above the horizon.
  if (s.top_of_atmosphere() && !(s.sun_elevation_deg > 0 && s.sun_elevation_deg <= 90))
    throw SceneError(mtl_path + ": key SUN_ELEVATION has value " + std::to_string(s.sun_elevation_deg) +
                     ", outside (0, 90] degrees: top-of-atmosphere reflectance cannot be computed");
  return s;
}

}  // namespace ecomon

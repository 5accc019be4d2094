#include "sensors/sentinel2/metadata.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"
#include "sensors/identifiers.hpp"
#include "base/errors.hpp"
#include "sensors/radiometry.hpp"

namespace ecomon {

namespace {

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern))) return m[1].str();
  return "";
}

// "" when the XML text ends with the closing tag of its root element; else what is wrong. A download
// or copy cut short loses the end of the file, where the offsets and quantification values are.
std::string cut_short_problem(const std::string& text) {
  std::size_t open = 0;
  while ((open = text.find('<', open)) != std::string::npos && open + 1 < text.size() && (text[open + 1] == '?' || text[open + 1] == '!'))
    ++open;
  if (open == std::string::npos || open + 1 >= text.size()) return "holds no XML element";
  const std::size_t name_end = text.find_first_of(" \t\r\n/>", open + 1);
  if (name_end == std::string::npos) return "is cut short inside its first element";
  const std::string root = text.substr(open + 1, name_end - open - 1);
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  const std::string closing = "</" + root + ">";
  if (last == std::string::npos || last + 1 < closing.size() || text.compare(last + 1 - closing.size(), closing.size(), closing) != 0)
    return "does not end with " + closing + ": the file is cut short (an interrupted download or copy)";
  return "";
}

// PROCESSING_BASELINE "NN.NN" as a number (04.00 -> 4.0), or NaN.
double baseline_number(const std::string& baseline) {
  static const std::regex form("^[0-9]{2}\\.[0-9]{2}$");
  return std::regex_match(baseline, form) ? std::stod(baseline) : std::nan("");
}

}  // namespace

Sentinel2Metadata parse_sentinel2_metadata(const std::string& mtd, const std::string& path) {
  if (const std::string why = cut_short_problem(mtd); !why.empty()) throw SceneError(path + ": " + why);
  Sentinel2Metadata d;
  auto need = [&](const std::string& pattern, const std::string& key) {
    std::string v = first_match(mtd, pattern);
    if (v.empty()) throw SceneError(path + ": missing key " + key);
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
    if (used != v.size() || !std::isfinite(x)) throw SceneError(path + ": key " + key + " is not a number: '" + v + "'");
    return x;
  };
  const std::string uri = need("<PRODUCT_URI>([^<]+)</PRODUCT_URI>", "PRODUCT_URI");
  d.info.id = uri.substr(0, uri.find(".SAFE"));
  check_sentinel2_product_id(d.info.id, path);  // it names output folders and files
  const std::string start = need("<PRODUCT_START_TIME>([^<]+)</PRODUCT_START_TIME>", "PRODUCT_START_TIME");
  d.info.date = checked_iso_date(start.substr(0, 10), path, "PRODUCT_START_TIME");
  if (start.size() > 10 && start[10] != 'T')
    throw SceneError(path + ": key PRODUCT_START_TIME has value '" + start + "', not an ISO 8601 date-time");
  // The date in the product name is the datatake's sensing start: PRODUCT_START_TIME must agree, or
  // the scene would land in another season or year than its name says.
  const std::string name_date = d.info.id.substr(11, 4) + "-" + d.info.id.substr(15, 2) + "-" + d.info.id.substr(17, 2);
  if (name_date != d.info.date)
    throw SceneError(path + ": key PRODUCT_START_TIME has value '" + start + "' but the product name " + d.info.id + " says " + name_date +
                     "; the metadata is damaged or belongs to another product");
  d.info.spacecraft = need("<SPACECRAFT_NAME>([^<]+)</SPACECRAFT_NAME>", "SPACECRAFT_NAME");
  d.info.sensor = "MSI";
  d.info.reflectance = "SR";
  d.baseline = need("<PROCESSING_BASELINE>([^<]+)</PROCESSING_BASELINE>", "PROCESSING_BASELINE");
  const double baseline = baseline_number(d.baseline);
  if (std::isnan(baseline)) throw SceneError(path + ": key PROCESSING_BASELINE has value '" + d.baseline + "', not NN.NN");
  d.quantification = float(need_number("<BOA_QUANTIFICATION_VALUE[^>]*>([^<]+)</BOA_QUANTIFICATION_VALUE>", "BOA_QUANTIFICATION_VALUE"));
  // BOA_ADD_OFFSET: from processing baseline 04.00 (2022-01-25) on, every product carries one per
  // band (-1000 today) and reflectance is (DN + offset) / quantification; before, there is none and
  // the offset is 0 (Sentinel-2 L2A Product Specification, PSD 14.9). So from 04.00 a missing offset
  // is damaged metadata, never 0: read as 0 it would raise every reflectance by 0.1.
  for (std::size_t k = 0; k < kBandCount; ++k) {
    const std::string band = "BOA_ADD_OFFSET band_id=\"" + std::to_string(kSentinel2Bands[k].band_id) + "\"";
    const bool present = !first_match(mtd, "<" + band + "[^>]*>([^<]*)</BOA_ADD_OFFSET>").empty();
    if (!present && baseline >= 4.0)
      throw SceneError(path + ": missing key " + band + " (" + kSentinel2Bands[k].name + "), which processing baseline " + d.baseline +
                       " requires: without it the reflectance would be off by the offset");
    d.offset[k] = !present ? 0.0f : float(need_number("<" + band + "[^>]*>([^<]*)</BOA_ADD_OFFSET>", band));
    // reflectance = (DN + offset) / quantification: gain 1 / Q, offset O / Q.
    check_reflectance_scaling(1.0 / d.quantification, d.offset[k] / d.quantification, 65535, path,
                              std::string("BOA_QUANTIFICATION_VALUE / BOA_ADD_OFFSET of ") + kSentinel2Bands[k].name);
  }
  const std::regex image_file("<IMAGE_FILE>([^<]+)</IMAGE_FILE>");
  for (std::sregex_iterator it(mtd.begin(), mtd.end(), image_file), end; it != end; ++it) d.image_files.push_back((*it)[1].str());
  return d;
}

Sentinel2Product describe_sentinel2(const std::string& product, const BandSet& bands) {
  Sentinel2Product p;
  const bool cog_layout = !geo::io::is_directory(product + "/GRANULE");
  std::string mtd;
  for (const char* name : {"MTD_MSIL2A.xml", "product_metadata.xml"})
    if (mtd.empty()) {
      try {
        mtd = geo::io::read_text_file(product + "/" + name);
        p.metadata_path = product + "/" + name;
      } catch (const geo::io::IoError&) {
      }
    }
  if (mtd.empty()) throw SceneError(product + ": no MTD_MSIL2A.xml (or product_metadata.xml): not a Sentinel-2 L2A product");
  p.metadata = parse_sentinel2_metadata(mtd, p.metadata_path);
  p.metadata.info.path = product;
  std::vector<std::string> files;
  if (cog_layout) {
    for (const auto& n : geo::io::list_directory(product)) files.push_back(product + "/" + n);
  } else {
    for (const auto& f : p.metadata.image_files) files.push_back(product + "/" + f + ".jp2");
  }
  auto find_band = [&](const std::string& name, int res) {
    for (const auto& f : files) {
      std::string upper = f.substr(f.find_last_of('/') + 1);
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      const bool tif = upper.ends_with(".TIF") || upper.ends_with(".TIFF");
      if (cog_layout ? (tif && upper.find(name) != std::string::npos)
                     : upper.find("_" + name + "_" + std::to_string(res) + "M") != std::string::npos)
        return f;
    }
    throw SceneError(p.metadata_path + ": no file for band " + name +
                     (cog_layout ? " (expected a GeoTIFF with " + name + " in its name)" : ""));
  };
  for (Band role : kAllBands)
    if (bands.has(role) || role == Band::green)  // green's 10 m grid is the product's grid
      p.band_files[band_index(role)] = find_band(kSentinel2Bands[band_index(role)].name, kSentinel2Bands[band_index(role)].resolution_m);
  p.scl_file = find_band("SCL", 20);
  return p;
}

}  // namespace ecomon

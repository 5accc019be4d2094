#include "catalog/task_key.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "base/interrupt.hpp"
#include "catalog/content_hash.hpp"
#include "libgeo/io/vsi.hpp"

namespace ecomon {

namespace fs = std::filesystem;

bool setting_feeds_year(const std::string& key) {
  auto starts = [&](const char* prefix) { return key.rfind(prefix, 0) == 0; };
  if (starts("run.") || starts("input.") || starts("targets.") || starts("report.") || starts("trend.")) return false;
  if (key == "output.dir") return false;
  if (starts("carbon.")) return starts("carbon.casa.");
  return true;
}

namespace {

void add_double(std::string& text, double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, " %a", v);
  text += buffer;
}

// A path setting by content: the hashes of the files of its dataset, a folder's files whose name holds the year (the monthly
// climate layers tmp_YYYYMM.tif ...), in name order.
std::string path_content(const std::string& path, int year, const std::function<std::string(const std::string&)>& hash_of_file) {
  if (path.empty()) return "(none)";
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    // Every file the dataset reads: a VRT's sources, a Shapefile's .dbf (names relative to the
    // setting's file, so that a workspace moved with its inputs keeps its keys).
    std::string text;
    for (const std::string& f : geo::io::dataset_files(path)) {
      if (!fs::is_regular_file(f, ec)) continue;
      text += fs::path(f).lexically_relative(fs::path(path).parent_path()).string() + "=" + hash_of_file(f) + ";";
    }
    return text;
  }
  if (!fs::is_directory(path, ec)) return "(missing) " + path;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_regular_file() && e.path().filename().string().find(std::to_string(year)) != std::string::npos)
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  std::string text;
  for (const auto& n : names) text += n + "=" + hash_of_file((fs::path(path) / n).string()) + ";";
  return text;
}

// Every setting the scene and season passes read, a file by its content.
std::string settings_text(const Settings& settings, int year, const std::function<std::string(const std::string&)>& hash_of_file) {
  std::string text;
  for (const SettingValue& v : setting_values(settings)) {
    if (!setting_feeds_year(v.key)) continue;
    text += v.key;
    text += '=';
    text += v.path ? path_content(v.text == "(none)" || v.text.rfind('(', 0) == 0 ? "" : v.text, year, hash_of_file) : v.text;
    text += '\n';
  }
  return text;
}

// The output settings a task's files are written with (codec, level, block size, the products
// selected): not in the year's key, since a year reloaded from the catalog keeps its results
// whatever they are, but a shard's files are taken only by a run that writes the same.
std::string output_text(const Settings& settings) {
  std::string text;
  for (const SettingValue& v : setting_values(settings))
    if (v.key.rfind("output.", 0) == 0 && v.key != "output.dir") text += v.key + "=" + v.text + "\n";
  return text;
}

}  // namespace

std::string season_tile_key(const std::string& year_key, const geo::Window& rows, const std::string& products) {
  return hash_text("season tile of year task " + year_key + "\nrows " + std::to_string(rows.row0) + " " + std::to_string(rows.rows) +
                   "\ncols " + std::to_string(rows.col0) + " " + std::to_string(rows.cols) + "\nproducts " + products + "\n");
}

std::string scene_task_key(const std::string& version, const Settings& settings, int year, const std::string& scene_id,
                           const std::string& content_hash, bool season_inputs,
                           const std::function<std::string(const std::string&)>& hash_of_file) {
  const std::string text = "ecomon " + version + "\nalgorithm year " + std::to_string(kYearAlgorithmVersion) + "\nscene " + scene_id + " " +
                           content_hash + "\nseason inputs " + (season_inputs ? "yes" : "no") + "\n" +
                           settings_text(settings, year, hash_of_file) + output_text(settings);
  return hash_text(text);
}

std::string year_task_key(const std::string& version, const Settings& settings, const geo::Grid& grid,
                          const std::vector<geo::io::Zone>& zones, int year, std::vector<std::pair<std::string, std::string>> scenes,
                          const std::function<std::string(const std::string&)>& hash_of_file) {
  std::string text = "ecomon " + version + "\nalgorithm year " + std::to_string(kYearAlgorithmVersion) + "\nyear " +
                     std::to_string(year) + "\n";
  text += settings_text(settings, year, hash_of_file);
  text += "grid " + std::to_string(grid.cols) + " " + std::to_string(grid.rows);
  add_double(text, grid.transform.origin_x);
  add_double(text, grid.transform.pixel_width);
  add_double(text, grid.transform.origin_y);
  add_double(text, grid.transform.pixel_height);
  text += "\n" + grid.crs_wkt + "\n";
  // The zones as read (code, name, area and every vertex): any change of the polygons is a new task,
  // whatever the file's format.
  std::string geometry;
  for (const auto& z : zones) {
    geometry += z.code + '\t' + z.name + '\t';
    add_double(geometry, z.geodesic_area_m2);
    for (const auto& part : z.geometry.parts) {
      auto ring = [&](const geo::Ring& r) {
        const std::size_t at = geometry.size();
        geometry.resize(at + r.size() * sizeof(geo::Point));
        if (!r.empty()) std::memcpy(&geometry[at], r.data(), r.size() * sizeof(geo::Point));
        geometry += '|';
      };
      ring(part.exterior);
      for (const auto& h : part.holes) ring(h);
    }
    geometry += '\n';
  }
  text += "zones " + std::to_string(zones.size()) + " " + hash_text(geometry) + "\n";
  std::sort(scenes.begin(), scenes.end());
  for (const auto& [id, hash] : scenes) text += "scene " + id + " " + hash + "\n";
  return hash_text(text);
}

std::string scene_content_hash(const std::string& scene_path, const std::string& scene_id,
                               const std::function<std::vector<std::string>(const std::vector<std::string>&)>& hash_of_files) {
  std::string path = scene_path;
  std::error_code ec;
  if (path.rfind("/vsi", 0) == 0) {
    // /vsitar/ARCHIVE/inner...: the archive, by relative ("/vsitar/downloads/x.tar/...") or
    // absolute path ("/vsitar//data/x.tar/..."): the longest leading part that is a file. The walk
    // ends at the root of either (a relative path's parent runs out, an absolute one's stays "/").
    fs::path p = path.substr(path.find('/', 1) + 1);
    for (;;) {
      stop_if_interrupted();
      if (fs::is_regular_file(p, ec)) return hash_of_files({p.string()}).front();
      const fs::path parent = p.parent_path();
      if (parent.empty() || parent == p) return hash_text(scene_path);
      p = parent;
    }
  }
  std::vector<std::string> files;
  fs::path base;
  if (fs::is_directory(path, ec)) {
    base = path;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      stop_if_interrupted();
      if (it->is_regular_file()) files.push_back(fs::relative(it->path(), base).string());
    }
  } else {
    // A metadata file, or a granule named by its id (HLS): the files beside it that start with the id.
    base = fs::path(path).parent_path();
    const std::string own = fs::path(path).filename().string();
    if (fs::is_regular_file(path, ec)) files.push_back(own);
    for (const auto& e : fs::directory_iterator(base, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && !scene_id.empty() && name.rfind(scene_id, 0) == 0 && name != own) files.push_back(name);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back((base / f).string());
  stop_if_interrupted();
  const std::vector<std::string> hashes = hash_of_files(paths);  // at once: in parallel, and kept in one transaction
  std::string text;
  for (std::size_t i = 0; i < files.size(); ++i) text += files[i] + "=" + hashes[i] + "\n";
  return hash_text(text);
}

}  // namespace ecomon

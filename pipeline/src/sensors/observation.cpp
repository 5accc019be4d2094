#include "sensors/observation.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>

#include "libgeo/io/vsi.hpp"
#include "sensors/landsat/driver.hpp"
#include "sensors/sentinel2/driver.hpp"

namespace ecomon {

namespace fs = std::filesystem;

ObservationBlock::ObservationBlock(const geo::Window& window, const BandSet& bands, std::uint8_t state_value)
    : state(window, state_value) {
  for (Band b : kAllBands)
    if (bands.has(b)) reflectance[band_index(b)] = geo::Block<float>(window);
}

SceneProbe probe_scene(const FoundScene& found) {
  return found.kind == FoundScene::Kind::landsat ? probe_landsat(found.path) : probe_sentinel2(found.path);
}

std::unique_ptr<ObservationSource> open_scene(const FoundScene& found, const std::string& work_dir, const BandSet& bands) {
  if (found.kind == FoundScene::Kind::landsat) return open_landsat(read_scene(found.path), bands);
  return open_sentinel2(found.path, work_dir, bands);
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

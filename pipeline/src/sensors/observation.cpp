#include "sensors/observation.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "base/errors.hpp"
#include "base/interrupt.hpp"
#include "sensors/sensor_driver.hpp"

namespace ecomon {

namespace fs = std::filesystem;

ObservationBlock::ObservationBlock(const geo::Window& window, const BandSet& bands, PixelState state_value) : state(window, state_value) {
  for (Band b : kAllBands)
    if (bands.has(b)) reflectance[band_index(b)] = geo::Block<float>(window);
}

namespace {

std::map<std::string, SensorDriver>& driver_registry() {
  static std::map<std::string, SensorDriver> drivers;
  return drivers;
}

}  // namespace

SensorDriverRegistration::SensorDriverRegistration(SensorDriver driver) {
  const std::string name = driver.name;
  driver_registry().emplace(name, std::move(driver));
}

const std::vector<const SensorDriver*>& sensor_drivers() {
  static const std::vector<const SensorDriver*> drivers = [] {
    std::vector<const SensorDriver*> out;
    for (const auto& [name, d] : driver_registry()) out.push_back(&d);
    return out;
  }();
  return drivers;
}

std::string sensor_inputs_text() {
  std::string text;
  for (const SensorDriver* d : sensor_drivers()) text.append(text.empty() ? "" : "; ").append(d->inputs);
  return text;
}

bool iends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != std::tolower(static_cast<unsigned char>(suffix[i])))
      return false;
  return true;
}

SceneProbe probe_scene(const FoundScene& found) { return found.driver->probe(found.path); }

std::unique_ptr<ObservationSource> open_scene(const FoundScene& found, const std::string& work_dir, const BandSet& bands) {
  return found.driver->open(found.path, work_dir, bands);
}

namespace {

// One walk of the input; every folder is listed once and shown to every driver.
class SceneWalker {
 public:
  explicit SceneWalker(Discovery& out) : out_(out) {}

  void walk(const fs::path& dir) {
    interrupt_point("walk");  // an inbox of thousands of folders and archives: Ctrl-C is answered between them
    std::error_code ec;
    const fs::path canonical = fs::canonical(dir, ec);
    if (ec) return problem(dir.string(), "cannot resolve the folder: " + ec.message());
    if (!visited_.insert(canonical.string()).second) return;  // reached again through a symbolic link
    FolderListing listing{dir.string(), {}, {}};
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
      if (fs::is_directory(st))
        listing.folders.push_back(name);
      else if (fs::is_regular_file(st))
        listing.files.push_back(name);
    }
    std::sort(listing.files.begin(), listing.files.end());
    std::sort(listing.folders.begin(), listing.folders.end());
    std::set<std::string> claimed;
    bool whole = false;
    for (const SensorDriver* d : sensor_drivers()) {
      const Recognised r = d->recognise(listing);
      take(d, r);
      claimed.insert(r.claimed_folders.begin(), r.claimed_folders.end());
      whole = whole || r.whole_folder;
    }
    if (whole) return;  // a product folder: its subfolders are its own
    for (const auto& sub : listing.folders)
      if (!claimed.count(sub)) walk(dir / sub);
  }

  void file(const std::string& path) {
    for (const SensorDriver* d : sensor_drivers())
      if (d->recognise_file) take(d, d->recognise_file(path));
  }

 private:
  void take(const SensorDriver* d, const Recognised& r) {
    for (const auto& s : r.scenes) out_.scenes.push_back({d, s});
    for (const auto& p : r.problems) out_.problems.push_back(p);
  }
  void problem(const std::string& path, const std::string& why) { out_.problems.push_back({path, path + ": " + why}); }

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
  if (fs::is_directory(st))
    walker.walk(input);
  else
    walker.file(input);
  if (!fs::is_directory(st) && out.scenes.empty() && out.problems.empty())
    throw SceneError(input + ": not a folder, nor an archive any sensor driver reads (Landsat .tar, Sentinel-2 .zip)");
  std::sort(out.scenes.begin(), out.scenes.end(), [](const FoundScene& a, const FoundScene& b) { return a.path < b.path; });
  out.scenes.erase(
      std::unique(out.scenes.begin(), out.scenes.end(), [](const FoundScene& a, const FoundScene& b) { return a.path == b.path; }),
      out.scenes.end());
  std::sort(out.problems.begin(), out.problems.end());
  return out;
}

}  // namespace ecomon

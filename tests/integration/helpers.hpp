#pragma once
// Shared helpers for integration tests: temporary folders, zones files, CSV parsing, running the CLI.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

#include <sys/wait.h>
#include <unistd.h>

namespace testing_helpers {

// The folders fresh_dir made, removed when the test process ends: left behind, one run of the suite
// leaves gigabytes in the temporary folder (a season case alone holds 400 MB). Kept when a test
// failed, to be looked at, or when ECOMON_KEEP_TEST_DIRS is set.
struct MadeDirs {
  std::vector<std::filesystem::path> dirs;
  ~MadeDirs() {
    if (std::getenv("ECOMON_KEEP_TEST_DIRS") || ::testing::UnitTest::GetInstance()->Failed()) return;
    std::error_code ec;
    for (const auto& dir : dirs) std::filesystem::remove_all(dir, ec);
  }
};

inline std::filesystem::path fresh_dir(const std::string& name) {
  // Per process: ctest runs the tests of one fixture as parallel processes.
  static MadeDirs made;  // constructed after gtest's UnitTest, so destroyed before it
  const auto dir = std::filesystem::temp_directory_path() / ("ecomon_it_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  made.dirs.push_back(dir);
  return dir;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// A lon/lat box as a GeoJSON feature string.
inline std::string box_feature(const std::string& code, const std::string& name, double w, double s, double e, double n) {
  std::ostringstream o;
  o.precision(12);
  o << R"({"type":"Feature","properties":{"code":")" << code << R"(","name":")" << name
    << R"("},"geometry":{"type":"Polygon","coordinates":[[[)" << w << "," << s << "],[" << e << "," << s << "],[" << e << "," << n << "],["
    << w << "," << n << "],[" << w << "," << s << "]]]}}";
  return o.str();
}

inline std::string write_zones(const std::filesystem::path& path, const std::vector<std::string>& features) {
  std::ofstream f(path);
  f << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[)";
  for (std::size_t i = 0; i < features.size(); ++i) f << (i ? "," : "") << features[i];
  f << "]}";
  return path.string();
}

/// Parses RFC 4180 CSV (quoted fields with commas, doubled quotes, newlines) into rows of fields;
/// strips a UTF-8 BOM. For files that may quote.
inline std::vector<std::map<std::string, std::string>> parse_quoted_csv(const std::string& text) {
  const std::string t = text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text;
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (quoted) {
      if (c == '"' && i + 1 < t.size() && t[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"')
      quoted = true;
    else if (c == ',')
      records.back().push_back(field), field.clear();
    else if (c == '\n')
      records.back().push_back(field), field.clear(), records.emplace_back();
    else
      field += c;
  }
  if (!field.empty() || !records.back().empty()) records.back().push_back(field);
  if (records.back().empty()) records.pop_back();
  std::vector<std::map<std::string, std::string>> rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < records[0].size() && i < records[r].size(); ++i) row[records[0][i]] = records[r][i];
    rows.push_back(row);
  }
  return rows;
}

/// Parses a CSV (no quoted commas in our test data) into rows of fields; strips a UTF-8 BOM.
inline std::vector<std::map<std::string, std::string>> parse_csv(const std::string& text) {
  std::string t = text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text;
  std::istringstream in(t);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& l) {
    std::vector<std::string> out;
    std::stringstream ss(l);
    std::string f;
    while (std::getline(ss, f, ',')) out.push_back(f);
    if (!l.empty() && l.back() == ',') out.push_back("");
    return out;
  };
  while (std::getline(in, line)) {
    if (header.empty()) {
      header = split(line);
      continue;
    }
    auto v = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < v.size(); ++i) row[header[i]] = v[i];
    rows.push_back(row);
  }
  return rows;
}

/// A report's rows by zone code (one row per zone: a single-year series, a single-scene report).
inline std::map<std::string, std::map<std::string, std::string>> by_zone(const std::string& csv) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& r : parse_csv(csv)) out[r.at("zone_code")] = r;
  return out;
}

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

/// Runs a shell command, capturing stdout and stderr.
inline CommandResult run_shell(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (p && fgets(buf.data(), int(buf.size()), p)) out += buf.data();
  const int status = p ? pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// The ecomon under test: the one built with the tests, or $ECOMON_TEST_BINARY (to show that a
/// regression test fails on an older build).
inline std::string ecomon_binary() {
  const char* other = std::getenv("ECOMON_TEST_BINARY");
  return other && *other ? other : ECOMON_BINARY;
}

inline CommandResult run_cli(const std::string& args) { return run_shell(ecomon_binary() + " " + args); }

/// A small simulated scene over Urad (UTM 49N, about 110 x 110 pixels, one cloud) written under
/// `scenes`: what the bad-input tests damage. Its zone: urad_test_zone().
inline ecomon::SimulationOptions urad_test_scene(const std::filesystem::path& scenes) {
  ecomon::SimulationOptions o;
  o.output_dir = scenes.string();
  o.west = 108.9, o.east = 108.94, o.south = 40.9, o.north = 40.93, o.utm_zone = 49, o.clouds = 1;
  return o;
}
inline std::string urad_test_zone() { return box_feature("z", "zone", 108.905, 40.905, 108.935, 40.925); }

/// A fixture of two simulated Urad scenes of the same ground, `good` (20 July) and `bad` (21 August,
/// which a test damages), their zone, and `ecomon run` on them into dir/out.
struct TwoUradScenes : ::testing::Test {
  std::filesystem::path dir;
  std::string zones;
  ecomon::SimulatedScene good, bad;

  void make(const std::string& name, bool with_bad = true) {
    dir = fresh_dir(name);
    ecomon::SimulationOptions o = urad_test_scene(dir / "scenes");
    good = ecomon::simulate_scene(o);
    if (with_bad) {
      o.date = "2023-08-21";
      bad = ecomon::simulate_scene(o);
    }
    zones = write_zones(dir / "z.geojson", {urad_test_zone()});
  }
  CommandResult run(const std::string& extra = "") {
    return run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string() +
                   (extra.empty() ? "" : " " + extra));
  }
};

/// The simulator's truth (landscape 1, the peak of `year`) on every cell of `g`: per-cell shares of
/// official forest and grassland, grassland cover, and the majority cover as a WorldCover code.
inline ecomon::TruthShares truth_shares_on(const geo::Grid& g, int year = 2023) {
  std::vector<float> fvc;
  std::vector<std::uint8_t> water, forest;
  ecomon::TruthShares shares;
  ecomon::simulate_truth(g.crs_wkt, g.transform.origin_x, g.transform.origin_y, g.transform.pixel_width, g.cols, g.rows, year, 1, 0, fvc,
                         water, forest, &shares);
  return shares;
}

/// The simulated landscape as a land cover layer a bureau would hand in: ESA WorldCover codes on a
/// WGS84 grid of `step` degrees, `cols` x `rows` from (west, north) (and its grid).
inline std::pair<geo::Grid, geo::Block<std::uint8_t>> worldcover_layer_of(double west, double north, double step, int cols, int rows) {
  geo::Grid g;
  g.crs_wkt = geo::io::crs_wkt("EPSG:4326");
  g.cols = cols, g.rows = rows;
  g.transform = geo::GeoTransform{west, step, north, -step};
  const ecomon::TruthShares shares = truth_shares_on(g);
  geo::Block<std::uint8_t> codes(g.full(), 0);
  for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = shares.worldcover[i];
  return {g, std::move(codes)};
}

/// Every file of an output folder (but the catalog and the lock) by relative path, with its bytes:
/// what byte-identity tests compare.
inline std::map<std::string, std::string> folder_bytes(const std::filesystem::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(out)) {
    const std::string rel = std::filesystem::relative(e.path(), out).string();
    if (!e.is_regular_file() || rel.rfind("catalog.sqlite", 0) == 0 || rel == ".ecomon.lock") continue;
    files[rel] = read_file(e.path());
  }
  return files;
}

// A folder's files but revisions.csv: what a run with a history and a fresh run share (the fresh
// run revised nothing).
inline std::map<std::string, std::string> without_revisions(std::map<std::string, std::string> files) {
  files.erase("revisions.csv");
  return files;
}

// The files that differ between two folders (missing on one side, or other bytes): named, not printed.
inline std::vector<std::string> differing(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::vector<std::string> names;
  for (const auto& [name, bytes] : a)
    if (!b.count(name) || b.at(name) != bytes) names.push_back(name);
  for (const auto& [name, bytes] : b)
    if (!a.count(name)) names.push_back(name + " (only in the second)");
  return names;
}

// Two summers (2022 and 2023, mid-July and mid-August) of simulated Landsat 8 at 60 m over the Ulan
// Buh edge, seeds from `seed` + 1: the case of the report, shard and Slurm tests. Returns the scenes.
inline std::vector<ecomon::SimulatedScene> simulate_two_summers(const std::filesystem::path& folder, std::uint64_t seed) {
  std::vector<ecomon::SimulatedScene> scenes;
  for (int year : {2022, 2023})
    for (const char* day : {"-07-15", "-08-10"}) {
      ecomon::SimulationOptions o;
      o.output_dir = folder.string();
      o.west = 106.80, o.east = 107.00, o.south = 40.45, o.north = 40.75, o.utm_zone = 48, o.clouds = 1, o.seed = ++seed, o.pixel_size = 60;
      o.date = std::to_string(year) + day;
      scenes.push_back(ecomon::simulate_scene(o));
    }
  return scenes;
}

// The two zones over the two summers' scenes (A and B, side by side) and their city's forest target:
// writes z.geojson and targets.yaml in `dir`, returns the zones' path.
inline std::string write_two_zones_and_city_target(const std::filesystem::path& dir) {
  const std::string zones = write_zones(dir / "z.geojson", {box_feature("A", "乌兰布和", 106.82, 40.47, 106.90, 40.73),
                                                            box_feature("B", "河套西", 106.90, 40.47, 106.98, 40.73)});
  std::ofstream(dir / "targets.yaml") << "units:\n  c: {name: 试验市, zones: [A, B]}\ntargets:\n"
                                       << "  - {id: f, unit: c, indicator: forest_coverage_pct, rule: at_least, target: {year: 2023, value: 5}, "
                                          "binding: true, source: \"plan.txt:12\"}\n";
  return zones;
}

}  // namespace testing_helpers

// Coverage is a test: on a simulated season with known truth, a land cover layer with errors in
// blobs (as a bureau's layer has), ground plots, and for each of several realisations a stratified
// sample drawn by `ecomon sample-design` and labelled from the truth, the nominal 95% intervals of
// targets_report.csv must hold the truth in most unit-indicator rows, and no verdict may be met
// where the truth misses the threshold, or not_met where it meets it. Prints coverage, median width
// and bias per indicator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>

#include "helpers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

// The Ulan Buh desert edge north of Dengkou (shrub belt, river, cropland, plantations), cut into a
// west and an east county; the city is both.
constexpr double kWest = 106.98, kEast = 107.22, kSouth = 40.62, kNorth = 40.86, kSplit = 107.10;
constexpr int kRealisations = 10;
constexpr int kPerStratum = 30;

// What a labeller records for a cell of the truth: its cover (the majority of its sub-samples, in
// LANDCOVER names), and whether it is official forest.
struct Label {
  std::string cls;
  bool forest = false;
};

struct TruthGrid {
  geo::Grid grid;
  std::vector<Label> labels;                 // per cell
  std::vector<float> grassland, grass_fvc;  // per cell: grassland share, sum of cover x share
};

TruthGrid truth_on(const geo::Grid& g) {
  const ecomon::TruthShares shares = truth_shares_on(g);
  static const std::map<int, const char*> names = {{10, "tree"}, {20, "shrubland"}, {30, "grassland"}, {40, "cropland"}, {80, "water"}};
  TruthGrid t{g, {}, shares.grassland, shares.grassland_fvc};
  for (std::size_t i = 0; i < shares.worldcover.size(); ++i) {
    const auto n = names.find(shares.worldcover[i]);
    t.labels.push_back({n == names.end() ? "bare" : n->second, shares.official_forest[i] >= 0.5f});
  }
  return t;
}

// The truth of a unit (cells whose centre lies in its lon range): the indicators a target names,
// over the unit's whole area, in the targets' units.
std::map<std::string, double> unit_truth(const TruthGrid& t, double west, double east) {
  geo::io::CoordinateTransformer to_lonlat(t.grid.crs_wkt, "EPSG:4326");
  const double cell_km2 = t.grid.transform.pixel_width * t.grid.transform.pixel_width / 1e6;
  double cells = 0, forest = 0, water = 0, grass = 0, grass_share = 0, grass_fvc = 0;
  for (int r = 0; r < t.grid.rows; ++r) {
    std::vector<geo::Point> centres;
    for (int c = 0; c < t.grid.cols; ++c) centres.push_back({t.grid.transform.col_to_x(c + 0.5), t.grid.transform.row_to_y(r + 0.5)});
    to_lonlat.transform(centres);
    for (int c = 0; c < t.grid.cols; ++c) {
      const auto& p = centres[std::size_t(c)];
      if (p.x < west || p.x >= east || p.y < kSouth || p.y > kNorth) continue;
      const std::size_t i = std::size_t(r) * std::size_t(t.grid.cols) + std::size_t(c);
      const Label& l = t.labels[i];
      cells += 1, forest += l.forest, water += l.cls == "water", grass += l.cls == "grassland";
      grass_share += t.grassland[i], grass_fvc += t.grass_fvc[i];
    }
  }
  const double wanmu = 6.666666666666667;  // km2
  return {{"forest_coverage_pct", 100 * forest / cells},
          {"water_area_km2", water * cell_km2},
          {"wetland_area_wanmu", water * cell_km2 / wanmu},
          {"grassland_area_wanmu", grass * cell_km2 / wanmu},
          {"grassland_cover_pct", 100 * grass_fvc / grass_share}};
}

// A land cover layer as a bureau hands it in (ESA WorldCover codes on a WGS84 grid of 0.0004
// degrees), with about 12% of its cells wrong in blobs: each blob takes one wrong class.
std::string write_layer_with_blob_errors(const fs::path& path, double& wrong_share) {
  const double step = 0.0004;
  auto [g, codes] = worldcover_layer_of(kWest - 0.01, kNorth + 0.01, step, int((kEast - kWest + 0.02) / step),
                                        int((kNorth - kSouth + 0.02) / step));
  const geo::Block<std::uint8_t> truth_codes = codes;
  const std::uint8_t wrong_of[] = {20, 30, 40, 60, 10};  // tree -> shrubland, shrubland -> grassland, ...
  auto wrong = [&](std::uint8_t code) {
    const std::uint8_t order[] = {10, 20, 30, 40, 60};
    for (int k = 0; k < 5; ++k)
      if (order[k] == code) return wrong_of[k];
    return std::uint8_t(30);
  };
  std::uint64_t state = 99;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return double(state >> 11) / double(1ull << 53);
  };
  std::size_t changed = 0;
  while (double(changed) < 0.12 * double(codes.size())) {
    const int cr = int(next() * g.rows), cc = int(next() * g.cols), radius = 8 + int(next() * 25);
    for (int r = std::max(0, cr - radius); r < std::min(g.rows, cr + radius); ++r)
      for (int c = std::max(0, cc - radius); c < std::min(g.cols, cc + radius); ++c) {
        if ((r - cr) * (r - cr) + (c - cc) * (c - cc) > radius * radius) continue;
        const std::uint8_t truth = truth_codes.at(r, c);
        if (truth == 80 || codes.at(r, c) != truth) continue;  // water is mapped right; a cell is changed once
        codes.at(r, c) = wrong(truth);
        ++changed;
      }
  }
  wrong_share = double(changed) / double(codes.size());
  geo::io::write_geotiff(path.string(), g, codes, 0.0);
  return path.string();
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

namespace {

std::string format_percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * share);
  return text;
}

// One configuration: the season simulated with reflectance noise `noise`, land cover from a layer
// with blob errors or from the imagery, kRealisations samples.
void expect_coverage(const std::string& name, bool with_layer, double noise) {
  const fs::path dir = fresh_dir("coverage_" + name);
  const char* dates[] = {"2023-05-15", "2023-07-10", "2023-07-25", "2023-08-10", "2023-08-20", "2023-09-15"};
  std::uint64_t seed = 301;
  for (const char* date : dates) {
    ecomon::SimulationOptions o;
    o.output_dir = (dir / "scenes").string();
    o.west = kWest - 0.03, o.east = kEast + 0.03, o.south = kSouth - 0.03, o.north = kNorth + 0.03;
    o.utm_zone = 48, o.date = date, o.seed = seed++, o.clouds = 3, o.pixel_size = 60, o.noise_sigma = noise;
    ecomon::simulate_scene(o);
  }
  const std::string zones = write_zones(dir / "z.geojson", {box_feature("w", "west", kWest, kSouth, kSplit, kNorth),
                                                            box_feature("e", "east", kSplit, kSouth, kEast, kNorth)});
  double wrong_share = 0;
  const std::string layer = with_layer ? write_layer_with_blob_errors(dir / "layer.tif", wrong_share) : "";
  const std::string common = "run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones +
                             " --set season.pixel_size=60 --set fvc.ndvi_soil=" + std::to_string(ecomon::SimulatorEndMembers::loam_ndvi) +
                             " --set fvc.ndvi_veg=" + std::to_string(ecomon::SimulatorEndMembers::veg_ndvi) +
                             (with_layer ? " --set landcover.file=" + layer + " --set landcover.scheme=worldcover" : std::string()) +
                             " --set output.products=true";
  const fs::path first = dir / "first";
  const auto r0 = run_cli(common + " --out " + first.string());
  ASSERT_EQ(r0.exit_code, 0) << r0.output;

  // The truth on the run's grid, per unit.
  const geo::io::RasterReader landcover((first / "years/2023/ecomon_2023_LANDCOVER.tif").string());
  const TruthGrid truth = truth_on(landcover.grid());
  const std::map<std::string, std::map<std::string, double>> truth_of = {
      {"w", unit_truth(truth, kWest, kSplit)}, {"e", unit_truth(truth, kSplit, kEast)}, {"c", unit_truth(truth, kWest, kEast)}};

  // Targets at 0.8x and 1.25x the truth (at_least): the truth meets the first, misses the second.
  {
    std::ofstream t(dir / "targets.yaml");
    t << "units:\n  c: {name: city, zones: [w, e]}\ntargets:\n";
    int k = 0;
    for (const auto& [unit, values] : truth_of)
      for (const auto& [indicator, value] : values)
        for (const double factor : {0.8, 1.25})
          t << "  - {id: t" << k++ << ", unit: " << unit << ", indicator: " << indicator << ", rule: at_least, target: {year: 2023, value: "
            << std::setprecision(10) << value * factor << "}, binding: true, source: \"x.txt:1\"}\n";
  }
  // Ground plots on truly grassland cells, measured to +-2 cover points.
  {
    std::ofstream plots(dir / "plots.csv");
    plots << "plot_id,lon,lat,date,cover_pct\n";
    geo::io::CoordinateTransformer to_lonlat(truth.grid.crs_wkt, "EPSG:4326");
    int k = 0;
    for (std::size_t i = 0; i < truth.labels.size() && k < 40; i += 997) {
      if (!(truth.grassland[i] >= 1.0f)) continue;
      std::vector<geo::Point> p = {{truth.grid.transform.col_to_x(double(i % std::size_t(truth.grid.cols)) + 0.5),
                                    truth.grid.transform.row_to_y(double(i / std::size_t(truth.grid.cols)) + 0.5)}};
      to_lonlat.transform(p);
      if (p[0].x < kWest || p[0].x > kEast || p[0].y < kSouth || p[0].y > kNorth) continue;
      plots << "P" << k << "," << std::setprecision(10) << p[0].x << "," << p[0].y << ",2023-08-05,"
            << std::clamp(100.0 * truth.grass_fvc[i] + 2.0 * std::sin(k * 2.3), 0.0, 100.0) << "\n";
      ++k;
    }
    ASSERT_GE(k, 20);
  }

  struct Tally {
    int rows = 0, covered = 0, sampling_covered = 0;
    std::vector<double> widths, sampling_widths, errors;  // relative to the truth
  };
  std::map<std::string, Tally> by_indicator;
  int wrong_verdicts = 0, assessed = 0, verdict_rows = 0;
  for (int realisation = 1; realisation <= kRealisations; ++realisation) {
    const std::string points = (dir / ("points" + std::to_string(realisation) + ".csv")).string();
    const auto d = run_cli("sample-design " + first.string() + " --year 2023 --per-stratum " + std::to_string(kPerStratum) + " --seed " +
                           std::to_string(realisation) + " -o " + points);
    ASSERT_EQ(d.exit_code, 0) << d.output;
    // Labelled from the truth of each point's cell.
    const auto rows = parse_csv(read_file(points));
    std::vector<geo::Point> at;
    for (const auto& r : rows) at.push_back({std::stod(r.at("lon")), std::stod(r.at("lat"))});
    geo::io::CoordinateTransformer("EPSG:4326", truth.grid.crs_wkt).transform(at);
    const std::string labelled = (dir / ("labelled" + std::to_string(realisation) + ".csv")).string();
    {
      std::ofstream out(labelled);
      // As a labeller hands the design back: its strata and their sizes kept, class and forest filled.
      const char* design[] = {"stratum", "unit_code", "map_class", "stratum_area_m2", "stratum_cells"};
      out << "lon,lat,stratum,unit_code,map_class,stratum_area_m2,stratum_cells,class,forest,year\n";
      for (std::size_t k = 0; k < rows.size(); ++k) {
        const std::size_t i = std::size_t(int(truth.grid.transform.y_to_row(at[k].y))) * std::size_t(truth.grid.cols) +
                              std::size_t(int(truth.grid.transform.x_to_col(at[k].x)));
        out << rows[k].at("lon") << "," << rows[k].at("lat");
        for (const char* column : design) out << "," << rows[k].at(column);
        out << "," << truth.labels[i].cls << "," << (truth.labels[i].forest ? "yes" : "no") << ",2023\n";
      }
    }
    const fs::path out = dir / ("assessed" + std::to_string(realisation));
    const auto r = run_cli(common + " --out " + out.string() + " --set output.products=false --targets " + (dir / "targets.yaml").string() +
                           " --set accuracy.samples_file=" + labelled + " --set calibration.plots_file=" + (dir / "plots.csv").string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::map<std::pair<std::string, std::string>, bool> counted;
    for (const auto& row : parse_csv(read_file(out / "targets_report.csv"))) {
      const std::string unit = row.at("unit_code"), indicator = row.at("indicator");
      if (row.at("scope") != "unit") continue;
      const double truth_value = truth_of.at(unit).at(indicator), threshold = std::stod(row.at("threshold"));
      const std::string verdict = row.at("verdict");
      ++verdict_rows;
      assessed += verdict == "met" || verdict == "not_met" || verdict == "at_risk";
      const bool truth_meets = truth_value >= threshold;
      if ((verdict == "met" && !truth_meets) || (verdict == "not_met" && truth_meets)) {
        ++wrong_verdicts;
        std::printf("[coverage] WRONG verdict: realisation %d, %s %s: %s against truth %.3f, threshold %.3f, interval [%s, %s]\n",
                    realisation, unit.c_str(), indicator.c_str(), verdict.c_str(), truth_value, threshold, row.at("ci95_low").c_str(),
                    row.at("ci95_high").c_str());
      }
      if (counted[{unit, indicator}]) continue;  // both targets of a unit and indicator share one interval
      counted[{unit, indicator}] = true;
      Tally& t = by_indicator[indicator];
      // The interval a verdict rests on: the sampling interval widened by the unseen-class bound
      // where the sample gives one (unseen_low/high), else ci95; the sampling one alone is counted too.
      const double ci_low = std::stod(row.at("ci95_low")), ci_high = std::stod(row.at("ci95_high")), value = std::stod(row.at("value"));
      const double low = row.at("unseen_low").empty() ? ci_low : std::stod(row.at("unseen_low"));
      const double high = row.at("unseen_high").empty() ? ci_high : std::stod(row.at("unseen_high"));
      t.rows += 1, t.covered += low <= truth_value && truth_value <= high;
      t.sampling_covered += ci_low <= truth_value && truth_value <= ci_high;
      t.widths.push_back((high - low) / truth_value);
      t.sampling_widths.push_back((ci_high - ci_low) / truth_value);
      t.errors.push_back((value - truth_value) / truth_value);
      EXPECT_NE(row.at("interval_basis"), "unobserved_only") << unit << " " << indicator;
    }
  }
  int rows = 0, covered = 0, sampling_covered = 0;
  std::printf("[coverage] %s: %d realisations, %d per stratum, %s, reflectance noise %.3f\n", name.c_str(), kRealisations, kPerStratum,
              with_layer ? ("land cover layer with " + format_percent(wrong_share) + " of cells wrong in blobs").c_str()
                         : "land cover from the imagery",
              noise);
  for (const auto& [indicator, t] : by_indicator) {
    std::printf("[coverage] %s: %-22s covered %3d / %3d = %5.1f%%, median width %5.1f%% of the truth (sampling interval alone: %5.1f%%, "
                "%5.1f%%), median bias %+5.1f%%\n", name.c_str(), indicator.c_str(), t.covered, t.rows, 100.0 * t.covered / t.rows,
                100 * median(t.widths), 100.0 * t.sampling_covered / t.rows, 100 * median(t.sampling_widths), 100 * median(t.errors));
    rows += t.rows, covered += t.covered, sampling_covered += t.sampling_covered;
  }
  std::printf("[coverage] %s: all unit-indicator rows: %d / %d = %.1f%% (sampling interval alone %d = %.1f%%); verdict rows %d, assessed "
              "%d, confidently wrong %d\n", name.c_str(), covered, rows, 100.0 * covered / rows, sampling_covered,
              100.0 * sampling_covered / rows, verdict_rows, assessed, wrong_verdicts);
  EXPECT_GE(double(covered) / rows, 0.90);
  EXPECT_EQ(wrong_verdicts, 0);
}

}  // namespace

TEST(IntervalCoverage, WithALayerWithBlobErrorsAndNoisyImagery) { expect_coverage("layer", true, 0.012); }

TEST(IntervalCoverage, WithLandCoverFromNoisyImagery) { expect_coverage("imagery", false, 0.012); }

TEST(IntervalCoverage, WithALayerWithBlobErrorsAndTheSimulatorsDefaultNoise) {
  expect_coverage("layer_quiet", true, ecomon::SimulationOptions{}.noise_sigma);
}

// The same inputs give the same bytes, whatever the thread count and the strip height, in every
// configuration the demo uses: monthly climate (CASA NPP), ground plots, a labelled reference sample
// on its design, a land cover layer, two years with land change (transitions, carbon). Every output
// file is compared, rasters included (the catalog, which records the run's times, aside).
//
// Regression: strip heights follow the thread count (the memory budget is shared by 2 x threads
// strips), and the season pass anchored its source-coordinate lattice at each strip's first row, so
// with climate inputs (a larger per-cell budget, hence shorter strips) 153 cells of the demo's 2023
// NDVI composite differed between 1 and 2 threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <regex>

#include "catalog/workspace.hpp"
#include "config/cell_rules_from.hpp"
#include "engine/season_tally.hpp"
#include "helpers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

TEST(Determinism, EveryOutputIsTheSameForAnyThreadCountAndStripHeightWithClimatePlotsSampleAndLayer) {
  const fs::path dir = fresh_dir("determinism");
  // The Ulan Buh edge and western Hetao (the demo's land change: planted desert, abandoned fields).
  const double w = 106.80, e = 107.10, s = 40.42, n = 40.97;
  std::uint64_t seed = 700;
  for (int year : {2020, 2024})
    for (const char* day : {"-05-20", "-07-15", "-08-10", "-09-20"}) {
      ecomon::SimulationOptions o;
      o.output_dir = (dir / "scenes").string();
      o.west = w, o.east = e, o.south = s, o.north = n, o.utm_zone = 48, o.clouds = 2, o.seed = ++seed, o.pixel_size = 60;
      o.date = std::to_string(year) + day;
      o.land_change_year = 2022;
      ecomon::simulate_scene(o);
    }
  for (int year : {2020, 2024}) ecomon::simulate_climate((dir / "climate").string(), year, w, s, e, n);
  const std::string zones = write_zones(dir / "z.geojson", {box_feature("A", "Ulan Buh edge", 106.83, 40.45, 106.97, 40.70),
                                                            box_feature("B", "western Hetao", 106.97, 40.70, 107.07, 40.95)});
  // A land cover layer (WorldCover codes, as a bureau hands one in) over the western half: the
  // eastern half's classes come from the imagery, so both paths are compared.
  auto [layer_grid, codes] = worldcover_layer_of(w - 0.01, n + 0.01, 0.0005, int((0.5 * (e - w) + 0.01) / 0.0005), int((n - s + 0.02) / 0.0005));
  geo::io::write_geotiff((dir / "layer.tif").string(), layer_grid, codes, 0.0);
  const std::string common = " --input " + (dir / "scenes").string() + " --zones " + zones + " --set season.pixel_size=60" +
                             " --set fvc.ndvi_soil=" + std::to_string(ecomon::SimulatorEndMembers::loam_ndvi) +
                             " --set fvc.ndvi_veg=" + std::to_string(ecomon::SimulatorEndMembers::veg_ndvi) +
                             " --set carbon.casa.climate_dir=" + (dir / "climate").string() + " --set output.products=all";
  const auto first = run_cli("run /dev/null --out " + (dir / "first").string() + common);
  ASSERT_EQ(first.exit_code, 0) << first.output;

  // A reference sample designed on each year's map and labelled from the truth, as the demo does,
  // and ground plots at its wholly grassland points.
  std::ofstream labelled(dir / "labelled.csv"), plots(dir / "plots.csv");
  plots << "plot_id,lon,lat,date,cover_pct\n";
  bool header = false;
  for (int year : {2020, 2024}) {
    const std::string points = (dir / ("points" + std::to_string(year) + ".csv")).string();
    const auto d = run_cli("sample-design " + (dir / "first").string() + " --year " + std::to_string(year) + " --per-stratum 12 --seed " +
                           std::to_string(year) + " -o " + points);
    ASSERT_EQ(d.exit_code, 0) << d.output;
    const auto rows = parse_csv(read_file(points));
    std::vector<ecomon::LabelPoint> at;
    for (const auto& r : rows) at.push_back({std::stod(r.at("lon")), std::stod(r.at("lat")), year});
    const auto labels = ecomon::label_points(at, geo::io::RasterReader((dir / "first/years/2020/ecomon_2020_LANDCOVER.tif").string()).grid().crs_wkt,
                                             60, 1, 0, "", "", 2022);
    const char* columns[] = {"point_id", "lon", "lat", "stratum", "unit_code", "map_class", "stratum_area_m2", "stratum_cells", "year"};
    if (!header) {
      for (const char* c : columns) labelled << c << ",";
      labelled << "class,forest\n";
      header = true;
    }
    for (std::size_t k = 0; k < rows.size(); ++k) {
      for (const char* c : columns) labelled << rows[k].at(c) << ",";
      labelled << labels[k].cls << "," << (labels[k].forest ? "yes" : "no") << "\n";
      if (labels[k].grassland)
        plots << rows[k].at("point_id") << "," << rows[k].at("lon") << "," << rows[k].at("lat") << "," << year << "-08-05,"
              << std::setprecision(6) << 100 * labels[k].cover << "\n";
    }
  }
  labelled.close(), plots.close();

  std::ofstream(dir / "targets.yaml") << "units:\n  c: {name: city, zones: [A, B]}\ntargets:\n"
                                       << "  - {id: f, unit: c, indicator: forest_coverage_pct, rule: at_least, target: {year: 2024, value: 5}, "
                                          "binding: true, source: \"x.txt:1\"}\n"
                                       << "  - {id: g, unit: c, indicator: grassland_cover_pct, rule: at_least, target: {year: 2024, value: 20}, "
                                          "binding: true, source: \"x.txt:2\"}\n"
                                       << "  - {id: k, unit: c, indicator: carbon_sink_tco2e_per_yr, rule: at_least, target: {year: 2024, value: "
                                          "0}, binding: false, source: \"x.txt:3\"}\n";
  const std::string assessed = common + " --set accuracy.samples_file=" + (dir / "labelled.csv").string() +
                               " --set calibration.plots_file=" + (dir / "plots.csv").string() + " --set landcover.file=" +
                               (dir / "layer.tif").string() + " --set landcover.scheme=worldcover --targets " +
                               (dir / "targets.yaml").string();
  std::map<std::string, std::map<std::string, std::string>> outputs;
  for (const auto& [name, options] : std::vector<std::pair<std::string, std::string>>{
           {"threads1", " --threads 1"}, {"threads2", " --threads 2"}, {"threads2_strips8", " --threads 2 --set run.window_rows=8"}}) {
    const auto r = run_cli("run /dev/null --out " + (dir / name).string() + assessed + options);
    ASSERT_EQ(r.exit_code, 0) << name << "\n" << r.output;
    outputs[name] = folder_bytes(dir / name);
  }
  const auto& reference = outputs.at("threads1");
  ASSERT_GT(reference.size(), 30u);  // per-scene products, two years' composites, trends, reports
  for (const char* expected : {"years/2024/ecomon_2024_NDVI_MAX.tif", "years/2024/ecomon_2024_NPP.tif", "carbon_report.csv",
                               "landcover_accuracy.csv", "calibration.csv", "targets_report.csv", "county_timeseries.csv"})
    EXPECT_TRUE(reference.count(expected)) << expected;
  // Results outlive the run: every zone's tally of each year, made again from the rasters the run
  // wrote (as a polygon query makes its figures), equals the run's own, bit for bit.
  const ecomon::Workspace workspace = ecomon::Workspace::open((dir / "threads1").string());
  ASSERT_EQ(workspace.years(), (std::vector<int>{2020, 2024}));
  const geo::Grid grid = workspace.grid();
  const auto grid_zones = geo::io::read_zones({zones, "code", "name", ""}, grid.crs_wkt);
  for (int year : workspace.years()) {
    const ecomon::StoredYear& stored = workspace.year(year);
    const ecomon::Settings settings = workspace.settings(year);
    EXPECT_EQ(settings.season.pixel_size, 60);  // as the run was told (--set)
    EXPECT_EQ(settings.carbon.casa.climate_dir, (dir / "climate").string());
    const auto again = ecomon::tally_stored_year(workspace.rasters(year), grid, grid_zones, {{true}, {true}},
                                                 ecomon::cell_rules_from(settings, 0.05, 0.85), 2);  // 2 threads: the same sums
    ASSERT_EQ(again.size(), stored.year.tallies.size());
    for (std::size_t z = 0; z < again.size(); ++z) {
      ecomon::ZoneTally run = stored.year.tallies[z], remade = again[z];
      ASSERT_GT(run.land_area, 0);
      for (ecomon::ZoneTally* t : {&run, &remade}) t->sample_units.clear(), t->class_area_by_zone.clear();
      EXPECT_EQ(remade.serialise(), run.serialise()) << year << " zone " << grid_zones[z].code;
    }
  }

  // `ecomon query`: each zone's polygon (the zones file itself, every feature) answers as the run's
  // county_timeseries.csv row, cell for cell, in both years (its scenes counted from the stored
  // footprints); `--zone CODE` (stored tallies, no raster read) gives the very bytes of the zone's rows.
  const std::string series = (dir / "threads1" / "county_timeseries.csv").string();
  const auto run_rows = parse_csv(read_file(series));
  {
    const auto q = run_cli("query " + (dir / "threads1").string() + " --geojson " + zones + " --format csv -o " + (dir / "q.csv").string());
    ASSERT_EQ(q.exit_code, 0) << q.output;
    const auto rows = parse_csv(read_file(dir / "q.csv"));
    ASSERT_EQ(rows.size(), run_rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (const auto& [column, value] : run_rows[i])
        EXPECT_EQ(rows[i].at(column), value) << "query of zone " << run_rows[i].at("zone_code") << ", " << column;
    const std::string text = read_file(series);
    for (const char* code : {"A", "B"}) {
      const auto z = run_cli("query " + (dir / "threads1").string() + " --zone " + code + " --format csv -o " + (dir / "z.csv").string());
      ASSERT_EQ(z.exit_code, 0) << z.output;
      std::string expected = text.substr(0, text.find('\n') + 1);
      for (std::size_t at = text.find(std::string("\n") + code + ","); at != std::string::npos; at = text.find(std::string("\n") + code + ",", at + 1))
        expected += text.substr(at + 1, text.find('\n', at + 1) - at);
      EXPECT_EQ(read_file(dir / "z.csv"), expected) << "--zone " << code;
      // The terminal's table: an interval is printed with the digits that tell its ends apart,
      // never as one of zero width such as "(0.00-0.00)".
      const auto t = run_cli("query " + (dir / "threads1").string() + " --zone " + code + " --format text -o " + (dir / "z.txt").string());
      ASSERT_EQ(t.exit_code, 0) << t.output;
      const std::string table = read_file(dir / "z.txt");
      EXPECT_NE(table.find("森林覆盖率"), std::string::npos) << table;
      EXPECT_FALSE(std::regex_search(table, std::regex(R"(\(([-0-9.]+)-\1\))"))) << table;
    }
  }
  // A field-sized polygon inside zone B (a few hundred cells): its figures, the sample's units
  // inside too few to speak for it (no confidence interval, said so), the transitions and carbon of
  // the pair of years; the same polygon in CGCS2000 (EPSG:4490) gives the same area.
  {
    const std::string field = "'POLYGON((107.00 40.80, 107.03 40.80, 107.03 40.82, 107.00 40.82, 107.00 40.80))'";
    const auto q = run_cli("query " + (dir / "threads1").string() + " --wkt " + field + " --year 2024 -o " + (dir / "q.json").string());
    ASSERT_EQ(q.exit_code, 0) << q.output;
    const std::string json = read_file(dir / "q.json");
    EXPECT_NE(json.find("\"source\": \"rasters\""), std::string::npos) << json.substr(0, 2000);
    EXPECT_NE(json.find("\"status\": \"not_assessed\""), std::string::npos) << json.substr(0, 2000);
    EXPECT_NE(json.find("\"forest_coverage_pct\""), std::string::npos);
    EXPECT_EQ(json.find("\"ci95_low\": null"), std::string::npos);
    const auto g = run_cli("query " + (dir / "threads1").string() + " --wkt " + field + " --crs EPSG:4490 --year 2024 --format csv -o " +
                           (dir / "q4490.csv").string());
    ASSERT_EQ(g.exit_code, 0) << g.output;
    const auto wgs84 = run_cli("query " + (dir / "threads1").string() + " --wkt " + field + " --year 2024 --format csv -o " + (dir / "q4326.csv").string());
    ASSERT_EQ(wgs84.exit_code, 0) << wgs84.output;
    const double a4490 = std::stod(parse_csv(read_file(dir / "q4490.csv")).at(0).at("zone_area_km2"));
    const double a4326 = std::stod(parse_csv(read_file(dir / "q4326.csv")).at(0).at("zone_area_km2"));
    EXPECT_NEAR(a4490, a4326, 1e-4 * a4326);
    const auto pair = run_cli("query " + (dir / "threads1").string() + " --wkt " + field + " --years 2020,2024 -o " + (dir / "q2.json").string());
    ASSERT_EQ(pair.exit_code, 0) << pair.output;
    const std::string both = read_file(dir / "q2.json");
    EXPECT_NE(both.find("\"year_from\": 2020"), std::string::npos);
    EXPECT_NE(both.find("\"stock_change_tco2e\""), std::string::npos);
  }
  // `ecomon report`: every report rendered again from the workspace alone (no scene read) is the
  // run's, byte for byte: the workspace holds all the reports read.
  {
    const auto rep = run_cli("report " + (dir / "threads1").string() + " --to " + (dir / "again").string() + " --no-tables");
    ASSERT_EQ(rep.exit_code, 0) << rep.output;
    int compared = 0;
    for (const auto& entry : fs::directory_iterator(dir / "again"))
      if (entry.path().extension() == ".csv") {
        EXPECT_EQ(read_file(entry.path()), read_file(dir / "threads1" / entry.path().filename())) << entry.path().filename();
        ++compared;
      }
    EXPECT_GE(compared, 8);
    for (const char* table : {"county_timeseries.csv", "targets_report.csv", "carbon_report.csv", "landcover_accuracy.csv"})
      EXPECT_TRUE(fs::exists(dir / "again" / table)) << table;
  }
  // Bad requests: each refused with exit 2 and a message naming the problem.
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--wkt 'POLYGON((107 40.8, 107.02 40.82, 107.02 40.8, 107 40.82, 107 40.8))'", "Self-intersection"},
           {"--wkt 'POLYGON((107 40.8, 107.02 40.8, 107.02 40.82, 107 40.82))'", "not closed"},
           {"--wkt 'LINESTRING(107 40.8, 107.02 40.82)'", "not a Polygon"},
           {"--wkt 'POLYGON((100 30, 100.1 30, 100.1 30.1, 100 30))'", "outside the workspace's data"},
           {"--wkt 'POLYGON((107 40.8, 107.02 40.8, 107.02 40.82, 107 40.8))' --crs EPSG:999999", "unknown CRS"},
           {"--wkt 'POLYGON((107 40.8, 107.02 40.8, 107.02 40.82, 107 40.8))' --year 2021", "no results for 2021"},
           {"--zone Z", "no zone Z"},
           {"--wkt 'POLYGON((107 40.8,'", "neither GeoJSON nor WKT"}}) {
    const auto r = run_cli("query " + (dir / "threads1").string() + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
  }

  for (const auto& [name, files] : outputs) {
    std::vector<std::string> differ;
    for (const auto& [file, bytes] : reference)
      if (!files.count(file) || files.at(file) != bytes) differ.push_back(file);
    for (const auto& [file, bytes] : files)
      if (!reference.count(file)) differ.push_back(file + " (not in threads1)");
    EXPECT_TRUE(differ.empty()) << name << " differs from threads1 in " << differ.size() << " file(s), the first: " << differ.front();
  }
}

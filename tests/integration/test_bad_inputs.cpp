// Every bad input gets a clear error naming the file and the problem, and a bad scene does not stop
// the run: it is reported in scene_status.csv and the other scenes are processed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

struct BadInputs : TwoUradScenes {
  std::string band(const ecomon::SimulatedScene& s, int b) { return s.folder + "/" + s.product_id + "_SR_B" + std::to_string(b) + ".TIF"; }
  void expect_bad_scene_reported(const CommandResult& r, const std::string& needle) {
    EXPECT_EQ(r.exit_code, 3) << r.output;  // finished, but a scene failed
    EXPECT_NE(r.output.find(needle), std::string::npos) << r.output;
    const std::string status = read_file(dir / "out" / "scene_status.csv");
    EXPECT_NE(status.find("failed"), std::string::npos) << status;
    EXPECT_NE(status.find(needle), std::string::npos) << status;
    const auto rows = parse_csv(read_file(dir / "out" / "county_report.csv"));
    ASSERT_EQ(rows.size(), 1u);  // the good scene is still reported
    EXPECT_EQ(rows[0].at("scene_id"), good.product_id);
  }
};

}  // namespace

TEST_F(BadInputs, MissingBandNamesTheFile) {
  make("missing_band");
  fs::remove(band(bad, 5));
  expect_bad_scene_reported(run(), bad.product_id + "_SR_B5.TIF");
}

TEST_F(BadInputs, CorruptGeoTiffNamesTheFile) {
  make("corrupt");
  const std::string path = band(bad, 4);
  const auto size = fs::file_size(path);
  fs::resize_file(path, size / 3);  // truncated download
  expect_bad_scene_reported(run(), bad.product_id + "_SR_B4.TIF");
}

TEST_F(BadInputs, MtlWithoutAKeyNamesFileAndKey) {
  make("mtl_key");
  std::string mtl = read_file(bad.mtl_path);
  const auto at = mtl.find("    REFLECTANCE_MULT_BAND_5");
  mtl.erase(at, mtl.find('\n', at) - at + 1);
  std::ofstream(bad.mtl_path) << mtl;
  expect_bad_scene_reported(run(), "REFLECTANCE_MULT_BAND_5");
}

TEST_F(BadInputs, BandsThatDisagreeInSizeAreRejected) {
  make("size");
  geo::Grid g{10, 10, {600000, 30, 4530000, -30}, ""};
  geo::io::write_geotiff(band(bad, 3), g, geo::Block<std::uint16_t>(g.full(), 7));
  expect_bad_scene_reported(run(), "size or geotransform differs");
}

TEST_F(BadInputs, UnknownConfigKeyStopsBeforeAnyData) {
  make("config");
  const auto cfg = (dir / "bad.yaml").string();
  std::ofstream(cfg) << "output:\n  codek: ZSTD\n";
  const auto r = run_cli("run " + cfg + " --input " + (dir / "scenes").string() + " --zones " + zones);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("bad.yaml: unknown key 'output.codek'"), std::string::npos) << r.output;
}

TEST_F(BadInputs, UnreadableZonesFile) {
  make("zones");
  std::ofstream(dir / "broken.gpkg") << "this is not a GeoPackage";
  zones = (dir / "broken.gpkg").string();
  const auto r = run();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("zones file " + zones), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "county_report.csv"));
}

TEST_F(BadInputs, MissingZoneField) {
  make("field");
  const auto r = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --zone-field adcode --out " +
                         (dir / "out").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no field 'adcode' (fields: code, name)"), std::string::npos) << r.output;
}

// The command line as a new user meets it: --version names the version and the commit; an unknown
// command or option is a usage error (exit 2, one line naming it); -q keeps the log to warnings;
// --log-file writes the log to a file as well.
TEST_F(TwoUradScenes, TheCommandLineBehaves) {
  const auto version = run_cli("--version");
  EXPECT_EQ(version.exit_code, 0) << version.output;
  EXPECT_NE(version.output.find("ecomon 0.1.0 (commit "), std::string::npos) << version.output;
  for (const char* usage : {"foo", "run --no-such-option /dev/null", "", "zonal"}) {
    const auto r = run_cli(usage);
    EXPECT_EQ(r.exit_code, 2) << usage << ": " << r.output;
    EXPECT_NE(r.output.find("ecomon: "), std::string::npos) << usage << ": " << r.output;
  }
  EXPECT_NE(run_cli("foo").output.find("unknown command 'foo' (commands: run, plan, check, zonal"), std::string::npos);
  make("cli", false);
  const auto quiet = run("-q");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  // -q logs warnings and errors, and the run summary line (a nightly job's log must say how the
  // run ended: it survives -q, which the shipped systemd unit and cron line use).
  std::istringstream quiet_lines(quiet.output);
  int info_lines = 0;
  for (std::string line; std::getline(quiet_lines, line);)
    if (line.find("[info]") != std::string::npos) {
      ++info_lines;
      EXPECT_NE(line.find("run summary: "), std::string::npos) << line;
    }
  EXPECT_EQ(info_lines, 1) << quiet.output;
  const auto logged = run_cli("--log-file " + (dir / "run.log").string() + " run /dev/null --input " + (dir / "scenes").string() +
                              " --zones " + zones + " --out " + (dir / "out2").string());
  ASSERT_EQ(logged.exit_code, 0) << logged.output;
  const std::string log = read_file(dir / "run.log");
  EXPECT_NE(log.find("[info] scene LC08_L2SP"), std::string::npos) << log;
  // --zones FILE with a config whose zones.layer names a layer of its own file: the layer goes with the file.
  {
    std::ofstream cfg(dir / "with_layer.yaml");
    cfg << "zones:\n  file: counties.gpkg\n  layer: counties\n  code_field: code\n";
  }
  const auto other = run_cli("run " + (dir / "with_layer.yaml").string() + " --input " + (dir / "scenes").string() + " --zones " + zones +
                             " --out " + (dir / "out3").string());
  EXPECT_EQ(other.exit_code, 0) << other.output;
  // `ecomon check`: the same checks without the imagery; what run would refuse, it refuses.
  const auto checked = run_cli("check /dev/null --input " + (dir / "scenes").string() + " --zones " + zones);
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find("checked, nothing refused"), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("zones:    1 from"), std::string::npos) << checked.output;
  const auto refused = run_cli("check /dev/null --input " + (dir / "scenes").string() + " --zones " + zones +
                               " --set carbon.factors_file=/nonexistent/factors.csv");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("carbon.factors_file: /nonexistent/factors.csv: does not exist"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("nothing refused"), std::string::npos) << refused.output;
}

// Ctrl-C in the middle of a run (a SIGINT raised between two strips by the test hook): exit 130, one
// line saying so, no temporary file left anywhere under the output folder, the folder unlocked; the
// next run completes and gives the outputs of a run never interrupted.
TEST_F(TwoUradScenes, CtrlCRemovesTemporariesAndReleasesTheLock) {
  make("interrupted");
  const auto clean = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "clean").string());
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  for (const char* after : {"1", "3", "6"}) {
    const auto r = run_shell(std::string("ECOMON_TEST_INTERRUPT_AFTER_STRIPS=") + after + " " + ecomon_binary() + " run /dev/null --input " +
                             (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string() + " --set run.window_rows=16");
    EXPECT_EQ(r.exit_code, 130) << after << ": " << r.output;
    EXPECT_NE(r.output.find("ecomon: interrupted by SIGINT (Ctrl-C)"), std::string::npos) << r.output;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "out")) {
      const std::string name = e.path().filename().string();
      EXPECT_EQ(name.find(".partial"), std::string::npos) << "left behind: " << e.path();
      EXPECT_NE(name, ".tmp") << "left behind: " << e.path();
    }
  }
  const auto again = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(read_file(dir / "out/county_report.csv"), read_file(dir / "clean/county_report.csv"));
  EXPECT_EQ(read_file(dir / "out/county_timeseries.csv"), read_file(dir / "clean/county_timeseries.csv"));
}

// Regression: units were never checked. Temperature in kelvin gave NPP 0 everywhere, precipitation in
// metres 62.75 instead of 106.43 g C/m2, radiation in kJ 31,566; a factor table in kg/ha +605,829 t
// CO2e instead of +606. Each is now refused before any scene, naming the file, the value and the unit.
TEST_F(TwoUradScenes, ClimateRastersAndFactorTablesInTheWrongUnitAreRefusedNamingFileValueAndUnit) {
  make("units", false);
  const fs::path climate = dir / "climate";
  ecomon::simulate_climate(climate.string(), 2023, 108.88, 40.88, 108.96, 40.95);
  const std::string with_climate = "--set carbon.casa.climate_dir=" + climate.string();
  ASSERT_EQ(run(with_climate).exit_code, 0);  // the simulator's climate is in the units asked for
  // Rewrites one variable's rasters of 2023 (months `months`) with each value through `f`.
  auto rewrite = [&](const char* prefix, std::vector<int> months, double (*f)(double)) {
    for (int m : months) {
      char name[32];
      std::snprintf(name, sizeof name, "%s_2023%02d.tif", prefix, m);
      const std::string path = (climate / name).string();
      geo::Grid g;
      geo::Block<float> values;
      {
        const geo::io::RasterReader r(path);
        g = r.grid();
        values = r.read<float>(g.full());
      }
      for (std::size_t i = 0; i < values.size(); ++i) values[i] = float(f(values[i]));
      geo::io::write_geotiff(path, g, values);
    }
  };
  const std::vector<int> all = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  struct Case {
    const char* prefix;
    std::vector<int> months;
    double (*to_wrong)(double);
    double (*back)(double);
    const char* said;
  };
  const Case cases[] = {
      {"tmp", {7}, [](double c) { return c + 273.15; }, [](double k) { return k - 273.15; }, "in kelvin"},
      {"pre", all, [](double mm) { return mm / 1000; }, [](double m) { return m * 1000; }, "in metres"},
      {"sol", {6}, [](double mj) { return mj * 1000; }, [](double kj) { return kj / 1000; }, "in kJ/m2"},
  };
  for (const Case& c : cases) {
    rewrite(c.prefix, c.months, c.to_wrong);
    const auto r = run(with_climate);
    EXPECT_EQ(r.exit_code, 2) << c.prefix << "\n" << r.output;
    EXPECT_NE(r.output.find(c.said), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(std::string(c.prefix) + "_2023"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("scene LC08"), std::string::npos) << "refused before any scene\n" << r.output;
    rewrite(c.prefix, c.months, c.back);
  }
  // A factor table in kg of dry matter per ha.
  const std::string shipped = read_file(fs::path(ECOMON_SOURCE_DIR) / "config" / "carbon_factors.csv");
  std::string kg = shipped;
  kg.replace(kg.find("\ntree,20,"), 9, "\ntree,20000,");
  std::ofstream(dir / "kg.csv") << kg;
  const auto r = run("--set carbon.factors_file=" + (dir / "kg.csv").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("kg.csv, row 1: column 'agb_t_dm_per_ha' is 20000, above 4000: implausible in t of dry matter per ha"),
            std::string::npos)
      << r.output;
}

// Regression: `ecomon check` passed an --out that is a file and a land cover layer in another
// scheme than landcover.scheme says, both of which `run` refuses.
TEST_F(TwoUradScenes, CheckRefusesWhatRunRefusesAnOutputThatIsAFileAndALayerInTheWrongScheme) {
  make("check_like_run", false);
  std::ofstream(dir / "a_file") << "x";
  const std::string common = "/dev/null --input " + (dir / "scenes").string() + " --zones " + zones;
  for (const char* command : {"check", "run"}) {
    const auto r = run_cli(std::string(command) + " " + common + " --out " + (dir / "a_file").string());
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.output;
    EXPECT_NE(r.output.find("a_file"), std::string::npos) << command << "\n" << r.output;
  }
  auto [g, codes] = worldcover_layer_of(108.89, 40.94, 0.0003, 200, 150);  // WorldCover codes (10, 20, ... 80)
  geo::io::write_geotiff((dir / "layer.tif").string(), g, codes, 0.0);
  const std::string wrong = " --set landcover.file=" + (dir / "layer.tif").string() + " --set landcover.scheme=clcd";
  for (const char* command : {"check", "run"}) {
    const auto r = run_cli(std::string(command) + " " + common + " --out " + (dir / (std::string("out_") + command)).string() + wrong);
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.output;
    EXPECT_NE(r.output.find("is landcover.scheme right?"), std::string::npos) << command << "\n" << r.output;
  }
  EXPECT_EQ(run_cli("check " + common + " --set landcover.file=" + (dir / "layer.tif").string() + " --set landcover.scheme=worldcover")
                .exit_code,
            0);
}

// Regression: a carbon target on a one-year run (or with carbon.pairs: none) got no row and no message.
TEST_F(TwoUradScenes, ACarbonTargetWithoutAStockChangeToJudgeGetsANoDataRowAndAWarning) {
  make("carbon_one_year", false);
  std::ofstream(dir / "targets.yaml") << "targets:\n  - {id: sink, unit: z, indicator: carbon_sink_tco2e_per_yr, rule: at_least, "
                                         "target: {year: 2025, value: 0}, binding: false, source: \"x.txt:1\"}\n";
  const auto r = run("--targets " + (dir / "targets.yaml").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("target sink (carbon_sink_tco2e_per_yr of z): no stock change: the run has 1 year(s), a change needs two"),
            std::string::npos)
      << r.output;
  const auto rows = parse_quoted_csv(read_file(dir / "out" / "targets_report.csv"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("verdict"), "no_data");
  EXPECT_EQ(rows[0].at("target_id"), "sink");
}

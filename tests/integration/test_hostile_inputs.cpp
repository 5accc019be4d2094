// Regression tests for damaged inputs that once gave wrong figures with exit code 0, were dropped
// without a word, or wrote outside the output folder. Each runs the ecomon CLI on a small simulated
// scene (plus a good one that must still be reported) with one damage; ECOMON_TEST_BINARY=<older
// ecomon> shows each fail on a build without the fix.
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "helpers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

struct HostileInputs : TwoUradScenes {
  void make(const std::string& name, bool with_bad = true) { TwoUradScenes::make("hostile_" + name, with_bad); }
  // A Sentinel-2 L2A product of the same ground, one GeoTIFF per band with product_metadata.xml.
  ecomon::SimulatedScene simulate_sentinel2(int clouds = 1) {
    ecomon::SimulationOptions o = urad_test_scene(dir / "scenes");
    o.clouds = clouds;
    o.sensor = "sentinel2", o.s2_layout = "cog", o.date = "2023-08-21";
    return ecomon::simulate_scene(o);
  }
  // The run stops before any data with exit code 2 and the message.
  void expect_zones_refused(const std::string& zones_file, const std::string& message_needle) {
    zones = zones_file;
    const auto r = run();
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(message_needle), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "out" / "county_report.csv"));
  }
  void set_mtl(const std::string& key, const std::string& value) {
    std::string mtl = read_file(bad.mtl_path);
    const auto at = mtl.find("    " + key + " = ");
    ASSERT_NE(at, std::string::npos) << key;
    const auto value_at = at + 4 + key.size() + 3;
    mtl.replace(value_at, mtl.find('\n', value_at) - value_at, value);
    std::ofstream(bad.mtl_path) << mtl;
  }
  std::vector<std::map<std::string, std::string>> status() { return parse_quoted_csv(read_file(dir / "out" / "scene_status.csv")); }
  std::vector<std::map<std::string, std::string>> report() { return parse_quoted_csv(read_file(dir / "out" / "county_report.csv")); }
  // Exit 3, the message in the log and in scene_status.csv (status failed), the good scene reported.
  void expect_failure_reported(const CommandResult& r, const std::string& path_needle, const std::string& message_needle) {
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(message_needle), std::string::npos) << r.output;
    bool found = false;
    for (const auto& row : status())
      if (row.at("status") == "failed" && row.at("metadata").find(path_needle) != std::string::npos &&
          row.at("message").find(message_needle) != std::string::npos)
        found = true;
    EXPECT_TRUE(found) << read_file(dir / "out" / "scene_status.csv");
    const auto rows = report();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].at("scene_id"), good.product_id);
  }
};

}  // namespace

// ---- 1. reflectance that parses but is nonsense

TEST_F(HostileInputs, GainOf1e38IsASceneErrorNamingFileAndKey) {
  make("gain");
  set_mtl("REFLECTANCE_MULT_BAND_4", "1e38");
  expect_failure_reported(run(), bad.product_id, bad.mtl_path + ": implausible reflectance rescaling in REFLECTANCE_MULT_BAND_4");
}

TEST_F(HostileInputs, ZeroGainAndOffsetOfRedAndNirIsASceneError) {
  make("zero_gain");
  for (const char* k : {"REFLECTANCE_MULT_BAND_4", "REFLECTANCE_ADD_BAND_4", "REFLECTANCE_MULT_BAND_5", "REFLECTANCE_ADD_BAND_5"})
    set_mtl(k, "0");
  expect_failure_reported(run(), bad.product_id, "implausible reflectance rescaling in REFLECTANCE_MULT_BAND_4");
}

TEST_F(HostileInputs, Sentinel2QuantificationOfZeroIsASceneError) {
  make("s2_zero", false);
  const auto s2 = simulate_sentinel2(1);
  const fs::path mtd = fs::path(s2.folder) / "product_metadata.xml";
  std::string text = read_file(mtd);
  text = std::regex_replace(text, std::regex(">10000</BOA_QUANTIFICATION_VALUE>"), ">0</BOA_QUANTIFICATION_VALUE>");
  std::ofstream(mtd) << text;
  expect_failure_reported(run(), s2.product_id, mtd.string() + ": implausible reflectance rescaling in BOA_QUANTIFICATION_VALUE");
}

TEST_F(HostileInputs, ImplausiblePixelsAreMaskedAndCounted) {
  make("implausible_pixels", false);
  const auto s2 = simulate_sentinel2(0);
  // A 20 x 20 block of the 10 m red band at DN 65535: reflectance 6.4, which no ground has.
  const std::string b04 = s2.folder + "/B04.tif";
  const geo::io::RasterReader red_reader(b04), scl_reader(s2.folder + "/SCL.tif");
  auto red = red_reader.read<std::uint16_t>(red_reader.grid().full());
  const auto scl = scl_reader.read<std::uint8_t>(scl_reader.grid().full());
  std::uint64_t expected = 0;
  for (int r = 40; r < 60; ++r)
    for (int c = 40; c < 60; ++c) {
      const std::uint8_t cls = scl.at(r / 2, c / 2);
      const bool clear = cls != 0 && cls != 1 && cls != 3 && cls != 8 && cls != 9 && cls != 10 && cls != 11 && red.at(r, c) != 0;
      expected += clear;
      red.at(r, c) = 65535;
    }
  ASSERT_GT(expected, 300u);
  geo::io::write_geotiff(b04, red_reader.grid(), red, 0.0);
  const auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("clear pixels masked as implausible"), std::string::npos) << r.output;
  const auto rows = status();
  ASSERT_EQ(rows.size(), 2u);
  const auto& s2_row = rows[0].at("scene_id") == s2.product_id ? rows[0] : rows[1];
  EXPECT_EQ(s2_row.at("status"), "ok");
  EXPECT_EQ(s2_row.at("implausible_pixels"), std::to_string(expected));
}

// ---- 2. the same product twice

TEST_F(HostileInputs, TheSameProductAsFolderAndTarIsCountedOnce) {
  make("duplicate", false);
  ASSERT_EQ(std::system(("tar -C " + (dir / "scenes").string() + " -cf " + (dir / "scenes" / (good.product_id + ".tar")).string() + " " +
                         good.product_id)
                            .c_str()),
            0);
  fs::create_directories(dir / "scenes" / "copy");
  fs::copy(good.folder, dir / "scenes" / "copy" / good.product_id, fs::copy_options::recursive);
  const auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("scene " + good.product_id + " found twice"), std::string::npos) << r.output;
  EXPECT_EQ(report().size(), 1u);  // one zone, one scene: one row
  int duplicates = 0;
  for (const auto& row : status()) duplicates += row.at("status") == "duplicate";
  EXPECT_EQ(duplicates, 2);
}

// ---- 3. dates

TEST_F(HostileInputs, DatesThatAreNotCalendarDatesAreSceneErrors) {
  for (const std::string date : {"20x3-08-09", "2023-13-45", "2023-8-9", "yesterday", "\"\""}) {
    make("date");
    set_mtl("DATE_ACQUIRED", date);
    const std::string shown = date == "\"\"" ? "" : date;
    expect_failure_reported(run(), bad.product_id, bad.mtl_path + ": key DATE_ACQUIRED has value '" + shown + "'");
    EXPECT_FALSE(fs::exists(dir / "out" / "years" / "0020"));
  }
}

// ---- 4-5. configuration

TEST_F(HostileInputs, GeographicGridCrsStopsTheRunBeforeAnyData) {
  make("grid_crs", false);
  const auto r = run("--set season.grid_crs=EPSG:4326");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("key 'season.grid_crs' is geographic (degrees)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "county_report.csv"));
}

TEST_F(HostileInputs, NegativeThreadsIsAnError) {
  make("threads", false);
  const auto r = run("--threads -3");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--threads -3: must be 0 (every core) or a positive number"), std::string::npos) << r.output;
}

// ---- 6. zones

TEST_F(HostileInputs, DuplicateZoneCodesAreRefusedNamingBothFeatures) {
  make("zone_dup", false);
  expect_zones_refused(write_zones(dir / "dup.geojson", {box_feature("150823", "a", 108.905, 40.905, 108.92, 40.925),
                                                         box_feature("150823", "b", 108.92, 40.905, 108.935, 40.925)}),
                       "zone code '150823' is used by feature 0 and feature 1");
}

TEST_F(HostileInputs, NullZoneCodeIsRefused) {
  make("zone_null", false);
  std::string f = box_feature("x", "a", 108.905, 40.905, 108.92, 40.925);
  f.replace(f.find("\"x\""), 3, "null");
  expect_zones_refused(write_zones(dir / "null.geojson", {f}), "feature 0: zone code field 'code' is empty");
}

TEST_F(HostileInputs, ZoneCoordinatesOutsideTheCrsDomainAreRefused) {
  make("zone_lon500", false);
  expect_zones_refused(write_zones(dir / "far.geojson", {box_feature("z", "a", 108.9, 40.9, 500, 40.93)}),
                       "coordinates outside the domain of its CRS (longitude 108.9 to 500");
}

TEST_F(HostileInputs, ARepairedZoneSaysWhatChangedAndByHowMuch) {
  make("zone_repair", false);
  // A hole outside its shell: MakeValid turns it into a second part, adding its area.
  const std::string f = R"({"type":"Feature","properties":{"code":"z","name":"zone"},"geometry":{"type":"Polygon","coordinates":[)"
                        R"([[108.905,40.905],[108.92,40.905],[108.92,40.925],[108.905,40.925],[108.905,40.905]],)"
                        R"([[108.925,40.91],[108.93,40.91],[108.93,40.92],[108.925,40.92],[108.925,40.91]]]}})";
  zones = write_zones(dir / "repair.geojson", {f});
  const auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("zone z \\(zone\\): invalid polygon \\(.*[Hh]ole.*\\) repaired with MakeValid: area "
                                                     "[0-9.]+ km2 -> [0-9.]+ km2 \\(\\+[0-9.]+%\\)")))
      << r.output;
}

TEST_F(HostileInputs, ZoneNamesThatAreNotUtf8AreRefused) {
  make("zone_utf8", false);
  expect_zones_refused(write_zones(dir / "latin1.geojson", {box_feature("z", "Ulan\xE7hab", 108.905, 40.905, 108.935, 40.925)}),
                       "field 'name' is not valid UTF-8");
}

TEST_F(HostileInputs, AGbkShapefileWithoutCpgIsReadAsGbkAndSaysSo) {
  make("zone_gbk", false);
  const std::string utf8 = write_zones(dir / "utf8.geojson", {box_feature("150823", "乌拉特前旗", 108.905, 40.905, 108.935, 40.925)});
  ASSERT_EQ(run_shell("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=CP936 " + (dir / "gbk.shp").string() + " " + utf8).exit_code, 0);
  fs::remove(dir / "gbk.cpg");
  {  // and no language driver id in the .dbf header (byte 29): the encoding is undeclared
    std::fstream dbf(dir / "gbk.dbf", std::ios::in | std::ios::out | std::ios::binary);
    dbf.seekp(29);
    dbf.put('\0');
  }
  ASSERT_NE(read_file(dir / "gbk.dbf").find("\xCE\xDA\xC0\xAD\xCC\xD8\xC7\xB0\xC6\xEC"), std::string::npos) << "GBK bytes expected";
  zones = (dir / "gbk.shp").string();
  const auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("field 'name' read as GBK (CP936)"), std::string::npos) << r.output;
  const auto rows = report();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("zone_name"), "乌拉特前旗");
}

// ---- inputs dropped without a word

TEST_F(HostileInputs, ASceneFolderWithoutItsMtlIsReported) {
  make("no_mtl");
  fs::remove(bad.mtl_path);
  expect_failure_reported(run(), bad.folder, bad.folder + ": holds Landsat band files");
}

TEST_F(HostileInputs, ALowerCaseMtlNameIsRead) {
  make("lower_mtl");
  const std::string lower = bad.mtl_path.substr(0, bad.mtl_path.size() - 8) + "_mtl.txt";
  fs::rename(bad.mtl_path, lower);
  const auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(report().size(), 2u);
}

TEST_F(HostileInputs, ATarOfRandomBytesIsReported) {
  make("random_tar");
  std::ofstream t(dir / "scenes" / "LC08_L2SP_129032_20230901_20230910_02_T1.tar", std::ios::binary);
  for (int i = 0; i < 100000; ++i) t.put(char((i * 7919) % 251));
  t.close();
  fs::remove_all(bad.folder);
  expect_failure_reported(run(), "LC08_L2SP_129032_20230901_20230910_02_T1.tar", "archive not a tar archive");
}

TEST_F(HostileInputs, ATruncatedTarIsNamedAsTheArchiveNotABand) {
  make("cut_tar");
  const fs::path tar = dir / "scenes" / (bad.product_id + ".tar");
  ASSERT_EQ(std::system(("tar -C " + (dir / "scenes").string() + " -cf " + tar.string() + " " + bad.product_id).c_str()), 0);
  fs::remove_all(bad.folder);
  fs::resize_file(tar, fs::file_size(tar) / 2);
  expect_failure_reported(run(), tar.filename().string(), tar.string() + ": archive truncated: member " + bad.product_id);
}

TEST_F(HostileInputs, ATruncatedSentinel2ZipIsReported) {
  make("cut_zip");
  fs::remove_all(bad.folder);
  const fs::path zip = dir / "scenes" / "S2A_MSIL2A_20230821T033541_N0400_R061_T48TXL_20230821T065312.zip";
  std::ofstream z(zip, std::ios::binary);
  z << "PK\x03\x04" << std::string(5000, 'x');  // a local header and nothing usable: the download broke
  z.close();
  expect_failure_reported(run(), zip.filename().string(), "cannot be read as a zip archive holding a .SAFE folder");
}

TEST_F(HostileInputs, ASentinel2BandFolderWithoutItsXmlIsReported) {
  make("s2_no_xml", false);
  const auto s2 = simulate_sentinel2(1);
  fs::remove(fs::path(s2.folder) / "product_metadata.xml");
  expect_failure_reported(run(), s2.folder, "holds Sentinel-2 band files");
}

TEST_F(HostileInputs, ASymlinkLoopIsSkippedAndReported) {
  make("symlink_loop", false);
  fs::create_symlink("loop", dir / "scenes" / "loop");
  const auto r = run();
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(r.output.find("filesystem error"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find((dir / "scenes" / "loop").string() + ": cannot be read, skipped"), std::string::npos) << r.output;
  EXPECT_EQ(report().size(), 1u);
}

TEST_F(HostileInputs, AnUnreadableFolderIsSkippedAndReported) {
  make("unreadable", false);
  fs::create_directories(dir / "scenes" / "private");
  fs::permissions(dir / "scenes" / "private", fs::perms::none);
  // Root reads everything: run as nobody then, with the inputs readable and the output writable.
  std::string prefix;
  if (geteuid() == 0) {
    fs::permissions(dir, fs::perms::all);
    fs::create_directories(dir / "out");
    fs::permissions(dir / "out", fs::perms::all);
    std::system(("chmod -R a+rX " + (dir / "scenes" / good.product_id).string() + " " + zones).c_str());
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  const auto r = run_shell(prefix + ecomon_binary() + " run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones +
                           " --out " + (dir / "out").string());
  fs::permissions(dir / "scenes" / "private", fs::perms::owner_all);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find((dir / "scenes" / "private").string() + ": cannot list the folder"), std::string::npos) << r.output;
  EXPECT_EQ(report().size(), 1u);
}

// ---- writes outside the output folder

TEST_F(HostileInputs, ProductIdsThatWouldLeaveTheOutputFolderAreRefused) {
  for (const std::string& id :
       std::vector<std::string>{"\"../../../escaped\"", "\"/tmp/ecomon_escaped_" + std::to_string(getpid()) + "\"", "\"\""}) {
    make("escape");
    set_mtl("LANDSAT_PRODUCT_ID", id);
    const auto r =
        run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "a/b/out").string());
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(bad.mtl_path + ": key LANDSAT_PRODUCT_ID has value '" + id.substr(1, id.size() - 2) + "'"), std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(dir / "a" / "escaped"));
    EXPECT_FALSE(fs::exists("/tmp/ecomon_escaped_" + std::to_string(getpid())));
    EXPECT_FALSE(fs::exists(dir / "a/b/out/products/_NDVI.tif"));
  }
}

// ---- output that claims success

TEST_F(HostileInputs, ACommaInAPathIsQuotedInSceneStatus) {
  make("comma");
  fs::create_directories(dir / "scenes" / "with, comma");
  const fs::path moved = dir / "scenes" / "with, comma" / bad.product_id;
  fs::rename(bad.folder, moved);
  fs::remove(moved / (bad.product_id + "_SR_B5.TIF"));
  const auto r = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string());
  expect_failure_reported(r, "with, comma/" + bad.product_id + "/" + bad.product_id + "_MTL.txt", "_SR_B5.TIF: does not exist");
}

TEST_F(HostileInputs, AFullDiskIsAnErrorAndLeavesNoFileBehind) {
  make("full_disk", false);
  // A file-size limit of 0 makes every write fail (EFBIG), as a full disk does (ENOSPC).
  const auto r =
      run_shell("bash -c 'trap \"\" XFSZ; ulimit -f 0; exec " + ecomon_binary() + " run /dev/null --input " + (dir / "scenes").string() +
                " --zones " + zones + " --out " + (dir / "out").string() + " --set output.products=false --set season.enabled=false'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // The first file a run writes is its catalog: the error names it and the system's reason.
  EXPECT_NE(r.output.find("catalog.sqlite"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
  for (const auto& e : fs::recursive_directory_iterator(dir / "out"))
    EXPECT_TRUE(e.is_directory() || e.path().filename() == ".ecomon.lock") << e.path();
}

TEST_F(HostileInputs, ASecondRunOnTheSameOutputFolderExitsTwoNamingTheHolder) {
  make("lock", false);
  fs::create_directories(dir / "out");
  const int fd = ::open((dir / "out" / ".ecomon.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const std::string holder = "pid 4242 on nightly-host since 2026-11-22T01:00:00Z\n";
  ASSERT_EQ(::write(fd, holder.data(), holder.size()), ssize_t(holder.size()));
  const auto r = run();
  ::close(fd);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("in use by another ecomon run (pid 4242 on nightly-host since 2026-11-22T01:00:00Z)"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "county_report.csv"));
  EXPECT_EQ(run().exit_code, 0);  // free again
}

TEST_F(HostileInputs, AMissingBandSaysItDoesNotExist) {
  make("missing_band_message");
  fs::remove(bad.folder + "/" + bad.product_id + "_SR_B4.TIF");
  expect_failure_reported(run(), bad.product_id, bad.folder + "/" + bad.product_id + "_SR_B4.TIF: does not exist");
}

// ==== The second probe: wrong figures with exit code 0, lost output, hangs

namespace {

// The run stops before any scene with exit code 2 and the message; nothing is reported.
void expect_refused(const CommandResult& r, const std::string& message_needle, const fs::path& out) {
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(message_needle), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out / "county_report.csv"));
}

std::string write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// A minimal targets file over zone z (forest coverage of unit `u`), with `units` replaced when given.
std::string targets_text(const std::string& units = "units:\n  u: {name: U, zones: [z]}\n") {
  return units +
         "targets:\n  - {id: t, unit: u, indicator: forest_coverage_pct, rule: at_least,\n"
         "     target: {year: 2025, value: 5}, binding: true, source: \"001:1\"}\n";
}

}  // namespace

// ---- Sentinel-2 offsets and metadata

TEST_F(HostileInputs, Sentinel2FromBaseline0400WithoutBoaAddOffsetIsASceneError) {
  make("s2_no_offset", false);
  const auto s2 = simulate_sentinel2(1);
  const fs::path mtd = fs::path(s2.folder) / "product_metadata.xml";
  std::string text = read_file(mtd);
  text = std::regex_replace(text, std::regex("<BOA_ADD_OFFSET_VALUES_LIST>[^]*</BOA_ADD_OFFSET_VALUES_LIST>\n"), "");
  ASSERT_EQ(text.find("BOA_ADD_OFFSET"), std::string::npos);
  std::ofstream(mtd) << text;
  expect_failure_reported(run(), s2.product_id, mtd.string() + ": missing key BOA_ADD_OFFSET band_id=\"1\" (B02), which processing baseline 04.00 requires");
}

TEST_F(HostileInputs, Sentinel2MetadataCutShortIsASceneError) {
  make("s2_cut_xml", false);
  const auto s2 = simulate_sentinel2(1);
  const fs::path mtd = fs::path(s2.folder) / "product_metadata.xml";
  const std::string text = read_file(mtd);
  std::ofstream(mtd) << text.substr(0, text.find("<BOA_ADD_OFFSET band_id=\"4\""));  // the download broke among the offsets
  expect_failure_reported(run(), s2.product_id, mtd.string() + ": does not end with </n1:Level-2A_User_Product>: the file is cut short");
}

// ---- Landsat metadata and bands

TEST_F(HostileInputs, ALandsatBandStoredAsByteIsASceneError) {
  make("byte_band");
  const std::string b4 = bad.folder + "/" + bad.product_id + "_SR_B4.TIF";
  const geo::io::RasterReader reader(b4);
  auto dn = reader.read<std::uint16_t>(reader.grid().full());
  geo::Block<std::uint8_t> bytes(reader.grid().full(), 0);
  for (std::size_t i = 0; i < dn.size(); ++i) bytes[i] = std::uint8_t(dn[i] >> 8);
  geo::io::write_geotiff(b4, reader.grid(), bytes, 0.0);
  expect_failure_reported(run(), bad.product_id, b4 + ": red (B4) band is stored as Byte, but Landsat Collection 2 Level-2 (LSDS-1619) stores it as UInt16");
}

TEST_F(HostileInputs, ADateAcquiredThatDisagreesWithTheProductIdIsASceneError) {
  make("date_vs_id");
  set_mtl("DATE_ACQUIRED", "2022-08-21");
  const auto r = run();
  expect_failure_reported(r, bad.product_id, bad.mtl_path + ": key DATE_ACQUIRED has value '2022-08-21' but the product id " + bad.product_id + " says 2023-08-21");
  EXPECT_FALSE(fs::exists(dir / "out" / "years" / "2022"));
}

TEST_F(HostileInputs, ARepeatedMtlKeyIsASceneErrorNamingBothLines) {
  make("repeated_key");
  std::string mtl = read_file(bad.mtl_path);
  const auto at = mtl.find("    REFLECTANCE_MULT_BAND_4 = ");
  ASSERT_NE(at, std::string::npos);
  mtl.insert(at, "    REFLECTANCE_MULT_BAND_4 = 2.75e-4\n");  // ten times the gain, before the true line
  std::ofstream(bad.mtl_path) << mtl;
  expect_failure_reported(run(), bad.product_id, bad.mtl_path + ": key REFLECTANCE_MULT_BAND_4 is given twice (lines ");
}

TEST_F(HostileInputs, AZippedLandsatSceneIsRead) {
  make("zipped", false);
  ASSERT_EQ(run_shell("cd " + (dir / "scenes").string() + " && python3 -m zipfile -c " + good.product_id + ".zip " + good.product_id).exit_code, 0);
  fs::remove_all(good.folder);
  const auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto rows = report();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("scene_id"), good.product_id);
}

TEST_F(HostileInputs, AZipThatHoldsNoSceneIsReported) {
  make("zip_no_scene");
  write_text(dir / "scenes" / "LC08_L2SP_129032_20230901_20230910_02_T1.zip", "PK\x03\x04 broken");
  fs::remove_all(bad.folder);
  expect_failure_reported(run(), "LC08_L2SP_129032_20230901_20230910_02_T1.zip", "holds no Landsat *_MTL.txt or *_MTL.xml nor a Sentinel-2");
}

TEST_F(HostileInputs, ABandThatIsAFifoIsASceneErrorNotAHang) {
  make("fifo");
  const std::string b5 = bad.folder + "/" + bad.product_id + "_SR_B5.TIF";
  fs::remove(b5);
  ASSERT_EQ(::mkfifo(b5.c_str(), 0644), 0);
  const auto r = run_shell("timeout 120 " + ecomon_binary() + " run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones +
                           " --out " + (dir / "out").string());
  expect_failure_reported(r, bad.product_id, b5 + ": is a FIFO (named pipe), not a regular file");
}

// ---- zones

TEST_F(HostileInputs, ZoneGeometriesGdalCannotParseAreRefusedNamingFeatureAndCode) {
  make("zone_unparsable", false);
  const std::string good_zone = urad_test_zone();
  const std::string misspelt = std::regex_replace(box_feature("y", "b", 108.905, 40.905, 108.92, 40.925), std::regex("\"Polygon\""), "\"Polygn\"");
  expect_zones_refused(write_zones(dir / "misspelt.geojson", {good_zone, misspelt}), "feature 1 (code y): has no geometry");
  const std::string quoted = std::regex_replace(box_feature("y", "b", 108.905, 40.905, 108.92, 40.925), std::regex("\\[108.905,40.905\\]"),
                                                "[\"108.905\",40.905]");
  expect_zones_refused(write_zones(dir / "quoted.geojson", {good_zone, quoted}), "feature 1 (code y):");
  std::string nested = box_feature("y", "b", 108.905, 40.905, 108.92, 40.925);
  nested = std::regex_replace(nested, std::regex("\"Polygon\""), "\"MultiPolygon\"");  // rings one level too shallow
  expect_zones_refused(write_zones(dir / "nested.geojson", {good_zone, nested}), "feature 1 (code y):");
  std::string null_geometry = box_feature("y", "b", 108.905, 40.905, 108.92, 40.925);
  null_geometry = null_geometry.substr(0, null_geometry.find("\"geometry\":")) + "\"geometry\":null}";
  expect_zones_refused(write_zones(dir / "null.geojson", {good_zone, null_geometry}), "feature 1 (code y): has no geometry");
}

TEST_F(HostileInputs, FeaturesWithoutTheirFeatureCollectionAreRefused) {
  make("zone_wrapper", false);
  zones = write_text(dir / "bare.geojson", box_feature("a", "a", 108.905, 40.905, 108.92, 40.925) + ",\n" +
                                               box_feature("b", "b", 108.92, 40.905, 108.935, 40.925) + "\n");
  const auto r = run();
  expect_refused(r, "bare.geojson: more text after the end of its first JSON object", dir / "out");
}

TEST_F(HostileInputs, ZoneCodesThatDifferOnlyBySpacesAreOneCodeAndBlankCodesAreRefused) {
  make("zone_spaces", false);
  expect_zones_refused(write_zones(dir / "spaces.geojson", {box_feature("150821", "a", 108.905, 40.905, 108.92, 40.925),
                                                            box_feature("150821 ", "b", 108.92, 40.905, 108.935, 40.925)}),
                       "zone code '150821' is used by feature 0 and feature 1");
  expect_zones_refused(write_zones(dir / "blank.geojson", {box_feature("   ", "a", 108.905, 40.905, 108.935, 40.925)}),
                       "feature 0: zone code field 'code' is empty");
}

// ---- configuration and targets

TEST_F(HostileInputs, ARepeatedKeyInTheConfigIsRefusedNamingTheLine) {
  make("config_dup", false);
  const std::string config = write_text(dir / "c.yaml", "season:\n  pixel_size: 60\n  enabled: true\n  pixel_size: 30\n");
  expect_refused(run_cli("run " + config + " --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string()),
                 "c.yaml: line 4: key 'season.pixel_size' is given twice (first on line 2)", dir / "out");
  const std::string dotted = write_text(dir / "d.yaml", "season.pixel_size: 60\nseason:\n  pixel_size: 30\n");
  expect_refused(run_cli("run " + dotted + " --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string()),
                 "d.yaml: line 3: key 'season.pixel_size' is given twice (first on line 1)", dir / "out");
}

TEST_F(HostileInputs, TargetsFilesThatCountAZoneTwiceOrHideAZoneAreRefused) {
  make("targets_units", false);
  auto refused = [&](const std::string& name, const std::string& text, const std::string& needle) {
    expect_refused(run("--targets " + write_text(dir / name, text)), name + ": " + needle, dir / "out");
  };
  refused("twice.yaml", targets_text("units:\n  u: {name: U, zones: [z, z]}\n"), "units.u.zones: lists zone z twice");
  refused("zone_code.yaml", targets_text("units:\n  z: {name: U, zones: [z]}\n  u: {name: U, zones: [z]}\n"),
          "units.z (U) has the code of a zone of");
  refused("dup_key.yaml", targets_text("units:\n  u: {name: U, zones: [z]}\n  u: {name: V, zones: [z]}\n"),
          "line 3: key 'units.u' is given twice (first on line 2)");
  refused("gbk.yaml", targets_text("units:\n  u: {name: \xB0\xCD\xD1\xE5\xC4\xD6\xB6\xFB, zones: [z]}\n"), "line 2: text that is not UTF-8");
}

TEST_F(HostileInputs, DesignatedShrublandOfAZoneThatDoesNotExistIsRefused) {
  make("shrub_zone", false);
  expect_refused(run("--set forest.special_shrubland=z,150899"),
                 "forest.special_shrubland names zone 150899, which is not in " + zones, dir / "out");
}

TEST_F(HostileInputs, GroundPlotsWithCoverAsFractionsAreRefused) {
  make("plots_fraction", false);
  const std::string plots = write_text(dir / "plots.csv",
                                       "plot_id,lon,lat,date,cover_pct\nA,108.91,40.91,2023-07-20,0.35\nB,108.92,40.91,2023-07-20,0.62\n"
                                       "C,108.93,40.92,2023-07-20,0.18\n");
  expect_refused(run("--set calibration.plots_file=" + plots),
                 "plots.csv: every plot's cover_pct is between 0 and 1 (largest 0.62, plot B): these look like fractions", dir / "out");
}

TEST_F(HostileInputs, GrasslandTypeCodesThatAreNotCodesAreRefused) {
  for (const auto& [value, shown] : std::vector<std::pair<std::string, std::string>>{
           {"\"steppe\"", "steppe"}, {"-3", "-3"}, {"70000", "70000"}}) {
    make("grass_types", false);
    std::string feature = box_feature("1", "t", 108.9, 40.9, 108.94, 40.93);
    feature.replace(feature.find("\"code\":\"1\""), 10, "\"code\":" + value);
    const std::string types = write_zones(dir / "types.geojson", {feature});
    const auto r = run("--set landcover.grassland_types_file=" + types + " --set landcover.grassland_type_field=code");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("types.geojson, feature 0: field 'code' is '" + shown + "', not a code (an integer 0-65534)"), std::string::npos)
        << r.output;
  }
}

// ---- output

TEST_F(HostileInputs, NamesThatAreNotUtf8AreEscapedInTheCsvAndTheLogSaysSo) {
  make("not_utf8");
  const fs::path gbk_folder = dir / "scenes" / "\xB0\xCD\xD1\xE5";  // 巴彦 in GBK
  fs::create_directories(gbk_folder);
  fs::rename(bad.folder, gbk_folder / bad.product_id);
  fs::remove(gbk_folder / bad.product_id / (bad.product_id + "_SR_B5.TIF"));
  const auto r = run();
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("scene_status.csv: 2 field(s) held bytes that are not UTF-8"), std::string::npos) << r.output;
  const std::string csv = read_file(dir / "out" / "scene_status.csv");
  EXPECT_EQ(csv.find('\xB0'), std::string::npos);
  EXPECT_NE(csv.find("scenes/\\xB0\\xCD\\xD1\\xE5/" + bad.product_id), std::string::npos) << csv;
}

TEST_F(HostileInputs, TemporariesOfAKilledRunAreRemovedByTheNextRun) {
  make("leftovers", false);
  fs::create_directories(dir / "out" / ".tmp" / "999999");
  write_text(dir / "out" / ".tmp" / "999999" / "NDVI.stream.tif", "half a raster");
  fs::create_directories(dir / "out" / "products");
  write_text(dir / "out" / "county_report.999999-0.partial.csv", "half a csv");
  write_text(dir / "out" / "products" / "NDVI.999999-3.partial.tif", "half a raster");
  write_text(dir / "out" / "notes.partial.txt", "not ours: no pid");
  const auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("removed 4 temporary file(s) and folder(s) left by earlier runs that did not finish"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / ".tmp"));
  EXPECT_FALSE(fs::exists(dir / "out" / "county_report.999999-0.partial.csv"));
  EXPECT_FALSE(fs::exists(dir / "out" / "products" / "NDVI.999999-3.partial.tif"));
  EXPECT_TRUE(fs::exists(dir / "out" / "notes.partial.txt"));
}

// ---- ecomon accuracy

TEST_F(HostileInputs, AccuracyRefusesHugeClassCodesAndMapsWithTooManyClasses) {
  make("accuracy_limits", false);
  geo::io::initialise_gdal(64);
  const geo::Grid grid{400, 300, {108.9, 0.0001, 41.0, -0.0001}, geo::io::crs_wkt("EPSG:4326")};
  geo::Block<float> ids(grid.full(), 0);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = float(i);  // 120,000 distinct codes: an identifier raster
  const std::string many = (dir / "ids.tif").string();
  geo::io::write_geotiff(many, grid, ids, -1.0);
  const std::string sample = write_text(dir / "s.csv", "lon,lat,class\n108.91,40.99,1\n108.92,40.98,1e30\n");
  const auto huge = run_cli("accuracy --map " + many + " --samples " + sample);
  EXPECT_EQ(huge.exit_code, 2) << huge.output;
  EXPECT_NE(huge.output.find("s.csv, row 2: class 1e30 is not a class code"), std::string::npos) << huge.output;
  // The memory cap shows a map of many codes is refused before its tables are allocated; under
  // AddressSanitizer (scripts/test_sanitized.sh) the shadow memory alone exceeds any cap.
  const bool sanitized = std::getenv("ECOMON_SANITIZED") != nullptr;
  const auto r = run_shell(std::string("bash -c '") + (sanitized ? "" : "ulimit -v 4000000; ") + "exec " + ecomon_binary() + " accuracy --map " + many + " --samples " +
                           write_text(dir / "ok.csv", "lon,lat,class\n108.91,40.99,1\n108.92,40.98,2\n") + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("ids.tif: its cells hold more than 1000 distinct class codes"), std::string::npos) << r.output;
}

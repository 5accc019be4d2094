// A year's stored results (catalog/stored_year.hpp): every member of every stored type is in its
// type's fields() (a member added without saying whether it is stored fails to compile), and a year
// with a value in every stored member reads back to the same values, paths inside the workspace
// stored relative to it.
#include <gtest/gtest.h>

#include "base/fields.hpp"
#include "base/file_checksum.hpp"
#include "catalog/content_hash.hpp"
#include "catalog/stored_year.hpp"
#include "catalog/workspace_catalog.hpp"

#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <vector>
#include <fstream>
#include <optional>

namespace {

using namespace ecomon;

static_assert(every_member_listed<StoredYear>());
static_assert(every_member_listed<YearResult>());
static_assert(every_member_listed<SceneResult>());
static_assert(every_member_listed<SceneInfo>());
static_assert(every_member_listed<StatusRow>());
static_assert(every_member_listed<SettingValue>());
static_assert(every_member_listed<PlotMatch>());
static_assert(every_member_listed<Calibration>());
static_assert(every_member_listed<ClassAccuracy>());

// The check itself: a member left out of the list is seen.
struct TwoListed {
  int a = 0;
  std::string b;
  std::optional<double> c;
  static constexpr auto fields() { return std::make_tuple(field("a", &TwoListed::a), field("b", &TwoListed::b)); }
};
static_assert(!every_member_listed<TwoListed>());
static_assert(detail::member_count<TwoListed>() == 3);
static_assert(detail::member_count<ClassAccuracy>() == 18);

}  // namespace

TEST(StoredYear, EveryStoredMemberReadsBack) {
  const std::string root = "/data/ecomon_out";
  StoredYear s;
  s.produced = true;
  YearResult& y = s.year;
  y.year = 2023, y.scenes = 4, y.simulated = true, y.method_min_share = 0.375;
  y.fvc_product = root + "/years/2023/ecomon_2023_FVC.tif";
  y.landcover_product = root + "/years/2023/ecomon_2023_LANDCOVER.tif";
  y.land_cover_layer = "layer:worldcover";
  ZoneTally t;
  t.total_area = 1.0 / 3.0, t.forest_area = 12345.678, t.sources_seen = {1, 0, 1}, t.sample_units = {4, 9};
  y.tallies = {t, ZoneTally{}};
  PlotMatch m{7, PlotStatus::unobserved, 0.3125, LandCover::shrubland, 12, 1};
  y.calibration.emplace().matches = {m, PlotMatch{}};
  y.accuracy.emplace().matches = {m};
  y.accuracy->zone_of_unit = {0, 1, -1};
  y.accuracy->mapped[3] = 2.5e9;
  SceneResult r;
  r.scene = {"LC08_X", "2023-07-20", "LANDSAT_8", "OLI_TIRS", "SR", "/inbox/LC08_X_MTL.txt", true};
  r.tallies = {t};
  r.ndvi_soil = 0.05, r.ndvi_veg = 0.85, r.implausible_pixels = 3, r.undefined_index_pixels = 5;
  r.products = {root + "/scenes/LC08_X_NDVI.tif", "/elsewhere/x.tif"};
  s.scenes = {r};
  s.statuses = {{"/inbox/LC08_X", "ok", "a \"quoted\" message", "LC08_X", 3}};
  s.outputs = {root + "/years/2023/ecomon_2023_FVC.tif"};
  s.settings = {{"season.pixel_size", "30", false}, {"zones.file", "/z/zones.gpkg", true}};

  const std::string text = serialise_stored_year(s, root);
  EXPECT_EQ(text.find(root), std::string::npos) << "paths inside the workspace are stored relative to it:\n" << text;
  EXPECT_NE(text.find("/elsewhere/x.tif"), std::string::npos);
  const StoredYear back = parse_stored_year(text, root);
  EXPECT_EQ(serialise_stored_year(back, root), text);
  EXPECT_EQ(back.year.fvc_product, y.fvc_product);
  EXPECT_EQ(back.year.tallies.at(0).serialise(), t.serialise());
  EXPECT_EQ(back.year.calibration->matches.at(0).status, PlotStatus::unobserved);
  EXPECT_EQ(back.year.calibration->matches.at(0).satellite_cover, 0.3125);
  EXPECT_EQ(back.year.accuracy->zone_of_unit, (std::vector<int>{0, 1, -1}));
  EXPECT_EQ(back.year.accuracy->mapped[3], 2.5e9);
  EXPECT_EQ(back.scenes.at(0).scene.path, "/inbox/LC08_X_MTL.txt");
  EXPECT_EQ(back.scenes.at(0).products, r.products);
  EXPECT_EQ(back.statuses.at(0).message, "a \"quoted\" message");
  EXPECT_TRUE(back.settings.at(1).path);
  EXPECT_TRUE(back.produced);
  // The same text moved to another folder reads its own files.
  EXPECT_EQ(parse_stored_year(text, "/copy").year.fvc_product, "/copy/years/2023/ecomon_2023_FVC.tif");

  // A damaged text names the member it breaks at.
  std::string damaged = text;
  damaged.replace(damaged.find("method_min_share"), 16, "method_max_share");
  try {
    parse_stored_year(damaged, root);
    FAIL() << "a damaged text must not parse";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("method_min_share"), std::string::npos) << e.what();
  }
}

// The numbers read back to the bit whatever their value (negative zero, the smallest subnormal, the
// largest double, infinities, a NaN), strings with quotes, backslashes and line breaks, and a number
// damaged or cut short is an error naming its member.
TEST(StoredYear, EveryDoubleAndStringReadsBackToTheBit) {
  const std::string root = "/data/ecomon_out";
  const std::vector<double> values = {0.0, -0.0, 1.0 / 3.0, -2.5e-300, std::numeric_limits<double>::denorm_min(),
                                      -std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), 0x1.fffffffffffffp-1};
  StoredYear s;
  s.year.year = 2024;
  for (double v : values) {
    ZoneTally t;
    t.total_area = v, t.forest_area = -v;
    s.year.tallies.push_back(t);
  }
  ZoneTally with_nan;
  with_nan.water_area = std::numeric_limits<double>::quiet_NaN();
  s.year.tallies.push_back(with_nan);
  s.statuses = {{"/inbox/a \\\"b\\\" c\\", "failed", "two\nlines \\ and \"quotes\"", "X", 0}};
  const std::string text = serialise_stored_year(s, root);
  const StoredYear back = parse_stored_year(text, root);
  ASSERT_EQ(back.year.tallies.size(), values.size() + 1);
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back.year.tallies[i].total_area), std::bit_cast<std::uint64_t>(values[i])) << values[i];
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back.year.tallies[i].forest_area), std::bit_cast<std::uint64_t>(-values[i])) << values[i];
  }
  EXPECT_TRUE(std::isnan(back.year.tallies.back().water_area));
  EXPECT_EQ(back.statuses.at(0).path, s.statuses.at(0).path);
  EXPECT_EQ(back.statuses.at(0).message, s.statuses.at(0).message);
  EXPECT_EQ(serialise_stored_year(back, root), text);

  for (const std::string& bad : {std::string("0x1.8p+1q"), std::string("0x"), std::string("twelve")}) {
    std::string damaged = text;
    const std::size_t at = damaged.find("total_area 1 ") + 13;
    damaged.replace(at, damaged.find(' ', at) == std::string::npos ? 0 : damaged.find_first_of(" \n", at) - at, bad);
    try {
      parse_stored_year(damaged, root);
      FAIL() << "a damaged number must not parse: " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("total_area"), std::string::npos) << e.what();
    }
  }
  try {
    parse_stored_year(text.substr(0, text.size() / 2), root);
    FAIL() << "a text cut short must not parse";
  } catch (const std::runtime_error&) {
  }
}

// A catalog opened immutable (what shards on many machines do, SQLite over a network filesystem):
// it reads what a run recorded and the files' hashes, writes nothing (no -wal, no -shm beside it),
// also in a folder whose name holds what a URI would read otherwise.
TEST(WorkspaceCatalogImmutable, ReadsWhatARunRecordedAndLeavesNoFileBesideIt) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ecomon catalog %20 ?x #y " + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string input = (dir / "input.txt").string();
  std::ofstream(input) << "scene bytes";
  std::string hash;
  {
    WorkspaceCatalog run(dir.string(), WorkspaceCatalog::Open::create);
    const std::int64_t id = run.begin_run("test", "run");
    hash = run.file_hash(input);
    run.record_task(id, "year-key", "year", 2023, {"S1"}, "the year's results", {});
  }
  ASSERT_TRUE(fs::exists(dir / "catalog.sqlite"));
  ASSERT_FALSE(fs::exists(dir / "catalog.sqlite-wal")) << "the run closed its catalog";
  {
    const WorkspaceCatalog shard(dir.string(), WorkspaceCatalog::Open::immutable);
    EXPECT_EQ(shard.done_task("year-key"), std::optional<std::string>("the year's results"));
    EXPECT_EQ(shard.done_task("another-key"), std::nullopt);
  }
  WorkspaceCatalog shard(dir.string(), WorkspaceCatalog::Open::immutable);
  EXPECT_EQ(shard.file_hash(input), hash);
  std::ofstream(input, std::ios::app) << " changed";
  EXPECT_NE(shard.file_hash(input), hash) << "a changed file is hashed again";
  EXPECT_FALSE(fs::exists(dir / "catalog.sqlite-wal"));
  EXPECT_FALSE(fs::exists(dir / "catalog.sqlite-shm"));
  fs::remove_all(dir);
}

// Changes a file's bytes behind a catalog's back: `bytes` (of the file's length) written, its
// modification time put back, so that its stamp (size, time) is the one the catalog kept.
void rewrite_keeping_stamp(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  ASSERT_EQ(fs::file_size(path), bytes.size());
  const auto written = fs::last_write_time(path);
  std::ofstream(path) << bytes;
  fs::last_write_time(path, written);
}

// A task's outputs are read once when the task is recorded: the content hash and the SHA-256 checksum
// (which STAC asks for next) from the same read, both kept by the file's stamp. Seen by changing the
// file's bytes behind the catalog's back, size and modification time kept: both digests are still
// those of the bytes recorded, so neither was read again.
TEST(WorkspaceCatalog, RecordingATaskKeepsItsOutputsChecksumFromTheReadThatHashedThem) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ecomon_catalog_both_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string output = (dir / "ecomon_2023_FVC.tif").string();
  std::ofstream(output) << "the year's raster";
  const std::string hash = hash_file(output), checksum = sha256_multihash_of_file(output);
  const HashAndChecksum both = hash_and_checksum_of_file(output);
  EXPECT_EQ(both.hash, hash);
  EXPECT_EQ(both.checksum, checksum);
  WorkspaceCatalog catalog(dir.string(), WorkspaceCatalog::Open::create);
  catalog.record_task(catalog.begin_run("test", "run"), "year-key", "year", 2023, {"S1"}, "results", {output});
  rewrite_keeping_stamp(output, "THE YEAR'S RASTER");
  EXPECT_EQ(catalog.file_hash(output), hash);
  EXPECT_EQ(catalog.file_checksum(output), checksum) << "the checksum was not kept when the task was recorded";
  ASSERT_NE(sha256_multihash_of_file(output), checksum);
  fs::remove_all(dir);
}

// A raster's digests taken as it is published (digest_soon, on a thread of its own) are the ones its
// task records: seen by changing the file's bytes once they were taken, size and modification time
// kept: the task's hash and checksum are still those of the bytes published, so recording it read
// nothing again. A file that cannot be read then (gone) is left out without a word.
TEST(WorkspaceCatalog, ARastersDigestsTakenAsItIsPublishedAreTheOnesItsTaskRecords) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ecomon_catalog_early_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string output = (dir / "ecomon_2023_FVC.tif").string();
  std::ofstream(output) << "the year's raster";
  const std::string hash = hash_file(output), checksum = sha256_multihash_of_file(output);
  WorkspaceCatalog catalog(dir.string(), WorkspaceCatalog::Open::create);
  const std::int64_t run = catalog.begin_run("test", "run");
  catalog.digest_soon(output);
  catalog.digest_soon((dir / "gone.tif").string());
  EXPECT_TRUE(catalog.file_hashes({}).empty());  // waits for the digests under way and keeps them
  rewrite_keeping_stamp(output, "THE YEAR'S RASTER");
  ASSERT_NE(hash_file(output), hash);
  catalog.record_task(run, "year-key", "year", 2023, {"S1"}, "results", {output});
  EXPECT_EQ(catalog.file_hash(output), hash) << "the task's recording read the file again";
  EXPECT_EQ(catalog.file_checksum(output), checksum);
  fs::remove_all(dir);
}

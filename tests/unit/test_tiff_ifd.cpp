// geo::io::read_first_ifd (libgeo/src/io/tiff_ifd.cpp), the reader of a TIFF's first IFD behind the
// direct COG writer's template and RasterReader's CRS reuse: hand-built classic and BigTIFF files with
// values inline and at offsets; GeoTIFFs GDAL writes, classic and BigTIFF, whose fields must agree
// with what GDAL was told; and files that must give nothing (big-endian, truncated, hostile counts).
#include <gdal.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../../libgeo/src/io/tiff_ifd.hpp"
#include "libgeo/io/raster.hpp"
#include "small_geotiff.hpp"

namespace fs = std::filesystem;
using geo::io::read_first_ifd;
using geo::io::TiffField;

namespace {

void put(std::string& out, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out += char(value >> (8 * i) & 0xff);
}

// A little-endian TIFF with one IFD right after the header: ImageWidth 7 (SHORT, inline),
// ImageDescription "hello world" (ASCII, 12 bytes, after the IFD) and XResolution 3/2 (RATIONAL: after
// the text in a classic TIFF, inline in a BigTIFF, whose entries hold 8 bytes).
std::string hand_built(bool big) {
  std::string f;
  const int offset = big ? 8 : 4, count = big ? 8 : 2, entry = big ? 20 : 12;
  if (big) {
    f = std::string("II+\0", 4);
    put(f, 8, 2), put(f, 0, 2), put(f, 16, 8);
  } else {
    f = std::string("II*\0", 4);
    put(f, 8, 4);
  }
  const std::uint64_t values_at = f.size() + count + 3 * entry + offset;  // after the IFD and its next-IFD offset
  put(f, 3, count);
  put(f, 256, 2), put(f, 3, 2), put(f, 1, offset), put(f, 7, offset);
  put(f, 270, 2), put(f, 2, 2), put(f, 12, offset), put(f, values_at, offset);
  put(f, 282, 2), put(f, 5, 2), put(f, 1, offset);
  if (big)
    put(f, 3, 4), put(f, 2, 4);
  else
    put(f, values_at + 12, offset);
  put(f, 0, offset);  // no next IFD
  f += std::string("hello world\0", 12);
  if (!big) put(f, 3, 4), put(f, 2, 4);
  return f;
}

std::uint64_t value_of(const TiffField& f) {
  std::uint64_t v = 0;
  for (std::size_t i = f.bytes.size(); i-- > 0;) v = v << 8 | static_cast<unsigned char>(f.bytes[i]);
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A `cols` x 3 Byte GeoTIFF in EPSG:32648 with GDAL creation options `options`.
std::string gdal_tiff(const std::string& name, int cols, std::vector<std::string> options) {
  geo::io::initialise_gdal(16);
  const std::string path = ecomon_test::temp_tiff_path("ifd", name);
  ecomon_test::SmallGeoTiff tiff;
  tiff.cols = cols;
  tiff.crs = "EPSG:32648";
  tiff.creation_options = std::move(options);
  tiff.metadata = {{"NOTE", "a value long enough to be stored after the IFD, not inline"}};
  ecomon_test::write_small_geotiff(path, tiff);
  std::string bytes = slurp(path);
  fs::remove(path);
  return bytes;
}

}  // namespace

TEST(TiffIfd, ReadsHandBuiltClassicAndBigTiffFieldsInlineAndAtOffsets) {
  for (const bool big : {false, true}) {
    const auto fields = read_first_ifd(hand_built(big), {256, 270, 282});
    ASSERT_TRUE(fields) << (big ? "BigTIFF" : "classic");
    ASSERT_EQ(fields->size(), 3u);
    EXPECT_EQ((*fields)[0].tag, 256);
    EXPECT_EQ((*fields)[0].type, 3);
    EXPECT_EQ((*fields)[0].count, 1u);
    EXPECT_EQ(value_of((*fields)[0]), 7u);
    EXPECT_EQ((*fields)[1].bytes, std::string("hello world\0", 12));
    EXPECT_EQ((*fields)[1].count, 12u);
    EXPECT_EQ((*fields)[2].bytes, std::string("\3\0\0\0\2\0\0\0", 8));
    // Only the tags asked for, in the IFD's order.
    const auto some = read_first_ifd(hand_built(big), {282, 256});
    ASSERT_TRUE(some);
    ASSERT_EQ(some->size(), 2u);
    EXPECT_EQ((*some)[0].tag, 256);
    EXPECT_EQ((*some)[1].tag, 282);
  }
}

TEST(TiffIfd, GivesNothingForFilesThatDoNotAddUp) {
  for (const bool big : {false, true}) {
    const std::string good = hand_built(big);
    const std::uint16_t last = big ? 270 : 282;  // the tag whose value ends the file
    EXPECT_FALSE(read_first_ifd(good.substr(0, good.size() - 1), {last})) << "a value past the file's end";
    EXPECT_TRUE(read_first_ifd(good.substr(0, good.size() - 1), {256})) << "a field wholly in the file";
    EXPECT_FALSE(read_first_ifd(good.substr(0, 12), {256})) << "the IFD cut off";
    std::string unknown_type = good;
    unknown_type[(big ? 16 + 8 : 8 + 2) + 2] = 99;  // the first entry's type
    EXPECT_FALSE(read_first_ifd(unknown_type, {256}));
    // A count of values no file could hold must not be allocated.
    std::string huge = good;
    for (int i = 0; i < (big ? 8 : 4); ++i) huge[(big ? 16 + 8 : 8 + 2) + (big ? 20 : 12) + 4 + i] = char(0xff);
    EXPECT_FALSE(read_first_ifd(huge, {270}));
  }
  std::string many_entries = hand_built(true);
  many_entries[16 + 5] = 1;  // 2^40 entries
  EXPECT_FALSE(read_first_ifd(many_entries, {256}));
  EXPECT_FALSE(read_first_ifd(std::string("MM\0*\0\0\0\x08", 8), {256})) << "big-endian";
  EXPECT_FALSE(read_first_ifd(std::string("\x89PNG\r\n\x1a\n", 8), {256}));
  EXPECT_FALSE(read_first_ifd(std::string(), {256}));
}

// What GDAL wrote, classic and BigTIFF: the sizes it was given and the same GeoKeys and metadata.
TEST(TiffIfd, ReadsWhatGdalWroteInClassicAndBigTiff) {
  const std::vector<std::uint16_t> wanted = {256, 257, 34735, 34737, 42112};
  const auto classic = read_first_ifd(gdal_tiff("classic", 70000, {}), wanted);
  const auto big = read_first_ifd(gdal_tiff("big", 70000, {"BIGTIFF=YES"}), wanted);
  ASSERT_TRUE(classic);
  ASSERT_TRUE(big);
  ASSERT_EQ(classic->size(), wanted.size());
  ASSERT_EQ(big->size(), wanted.size());
  for (const auto* fields : {&*classic, &*big}) {
    EXPECT_EQ(value_of((*fields)[0]), 70000u) << "ImageWidth past a SHORT's range";
    EXPECT_EQ(value_of((*fields)[1]), 3u);
    EXPECT_NE((*fields)[3].bytes.find("UTM zone 48N"), std::string::npos) << (*fields)[3].bytes;
    EXPECT_NE((*fields)[4].bytes.find("a value long enough"), std::string::npos) << (*fields)[4].bytes;
  }
  for (std::size_t i = 2; i < wanted.size(); ++i) {
    EXPECT_EQ((*classic)[i].type, (*big)[i].type) << wanted[i];
    EXPECT_EQ((*classic)[i].bytes, (*big)[i].bytes) << wanted[i];
  }
}

// Unsigned values of SHORT, LONG and LONG8 fields, by hand; nothing for other types or bytes that do
// not hold `count` values.
TEST(TiffIfd, UnsignedValuesOfShortLongAndLong8Fields) {
  using geo::io::tiff_unsigned_values;
  std::string shorts, longs, long8s;
  put(shorts, 7, 2), put(shorts, 65535, 2);
  put(longs, 70000, 4), put(longs, 4294967295u, 4), put(longs, 1, 4);
  put(long8s, std::uint64_t(1) << 40, 8);
  EXPECT_EQ(tiff_unsigned_values({256, 3, 2, shorts}), (std::vector<std::uint64_t>{7, 65535}));
  EXPECT_EQ(tiff_unsigned_values({256, 4, 3, longs}), (std::vector<std::uint64_t>{70000, 4294967295u, 1}));
  EXPECT_EQ(tiff_unsigned_values({324, 16, 1, long8s}), (std::vector<std::uint64_t>{std::uint64_t(1) << 40}));
  EXPECT_FALSE(tiff_unsigned_values({256, 8, 2, shorts})) << "SSHORT";
  EXPECT_FALSE(tiff_unsigned_values({256, 2, 4, shorts})) << "ASCII";
  EXPECT_FALSE(tiff_unsigned_values({256, 3, 3, shorts})) << "three SHORTs in four bytes";
  EXPECT_FALSE(tiff_unsigned_values({256, 4, 1, shorts.substr(0, 3)})) << "a LONG in three bytes";
  // The values GDAL wrote: ImageWidth past a SHORT's range is a LONG.
  const auto fields = read_first_ifd(gdal_tiff("values", 70000, {}), {256});
  ASSERT_TRUE(fields);
  EXPECT_EQ(tiff_unsigned_values(fields->at(0)), (std::vector<std::uint64_t>{70000}));
}

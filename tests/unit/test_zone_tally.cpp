// Zone tallies as values a catalog stores and another process merges: the text form reloads
// bit-identical, and merging reloaded parts gives what merging the parts in memory gives.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "rules/zone_tally.hpp"

using namespace ecomon;

namespace {

// A tally with every member set to values whose sums are not exact in binary (0.1 + 0.2 ...), so a
// decimal round trip would lose bits.
ZoneTally sample_tally(double scale, std::size_t first_unit) {
  ZoneTally t;
  t.total_area = 0.1 * scale, t.observed_area = 0.2 * scale, t.clear_obs_area = 0.3 * scale, t.land_area = 1.0 / 3 * scale;
  t.fvc_area = M_PI * scale, t.forest_area = 0.7 * scale, t.forest_phenology_area = 1e-17 * scale, t.tree_forest_area = 5e300 * scale;
  t.shrub_forest_area = 2.5 * scale, t.water_area = 0.01 * scale, t.wetland_area = 0.02 * scale;
  for (int i = 0; i < 5; ++i) t.grade_area[i] = 0.11 * i * scale, t.desertified_area[i] = 0.13 * i * scale;
  for (int i = 0; i < kLandCoverClasses; ++i) t.landcover_area[i] = 0.17 * i * scale;
  t.grassland_fvc_area = 0.19 * scale, t.shoulder_area = 0.23 * scale, t.phenology_area = 0.29 * scale, t.layer_area = 0.31 * scale;
  t.grassland_types[3] = {0.37 * scale, 0.41 * scale};
  t.grassland_types[65535] = {0.43 * scale, 0.47 * scale};
  t.sources_seen = {1, 0, scale > 1 ? std::uint8_t(1) : std::uint8_t(0)};
  t.index_sum = {0.53 * scale, -0.59 * scale}, t.index_area = {0.61 * scale, 0.67 * scale};
  t.sample_units = {first_unit, first_unit + 7};
  t.class_area_by_zone[2][4] = 0.71 * scale;
  t.class_area_by_zone[0][8] = 0.73 * scale;
  return t;
}

}  // namespace

TEST(ZoneTally, TextFormReloadsBitIdentical) {
  const ZoneTally t = sample_tally(1.0, 10);
  const std::string text = t.serialise();
  const ZoneTally back = ZoneTally::parse(text);
  EXPECT_EQ(back.serialise(), text);
  EXPECT_EQ(back.land_area, 1.0 / 3);  // bit for bit, not to 17 digits
  EXPECT_EQ(back.fvc_area, M_PI);
  EXPECT_EQ(back.grassland_types.at(65535)[1], 0.47);
  EXPECT_EQ(back.class_area_by_zone.at(2)[4], 0.71);
  EXPECT_EQ(back.sources_seen, (std::vector<std::uint8_t>{1, 0, 0}));
  EXPECT_EQ(back.sample_units, (std::vector<std::size_t>{10, 17}));
  // Every member is written: one line per field.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 26);
}

// Numbers are written as C's printf("%a") writes them (the form the tallies had when written through
// snprintf, which shards and a reduce of another version may meet): zeros of either sign, subnormals,
// the extremes, infinities, NaN and a thousand random bit patterns; and each reloads bit for bit.
TEST(ZoneTally, NumbersAreWrittenAsPrintfsHexadecimalForm) {
  std::vector<double> values = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, 4.9406564584124654e-324, -2.2250738585072009e-308,
                                2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e-300, 123456789.125,
                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  std::mt19937_64 bits(29);
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t b = bits();
    double v = 0;
    std::memcpy(&v, &b, sizeof v);
    values.push_back(v);
  }
  for (const double v : values) {
    ZoneTally t;
    t.total_area = v;
    const std::string text = t.serialise();
    char expected[64];
    std::snprintf(expected, sizeof expected, "total_area 1 %a\n", v);
    ASSERT_EQ(text.substr(0, text.find('\n') + 1), expected) << v;
    const double back = ZoneTally::parse(text).total_area;
    if (std::isnan(v))
      EXPECT_TRUE(std::isnan(back));
    else
      EXPECT_EQ(std::memcmp(&back, &v, sizeof v), 0) << expected;
  }
}

TEST(ZoneTally, MergingReloadedPartsEqualsMergingInMemory) {
  const ZoneTally a = sample_tally(1.0, 1), b = sample_tally(3.0, 100);
  ZoneTally in_memory = a;
  in_memory.merge(b);
  ZoneTally reloaded = ZoneTally::parse(a.serialise());
  reloaded.merge(ZoneTally::parse(b.serialise()));
  EXPECT_EQ(reloaded.serialise(), in_memory.serialise());
  // The merge itself: sums, or-ed sources, appended units, keyed maps.
  EXPECT_DOUBLE_EQ(in_memory.total_area, 0.4);
  EXPECT_DOUBLE_EQ(in_memory.grade_area[2], 0.22 + 0.66);
  EXPECT_DOUBLE_EQ(in_memory.grassland_types.at(3)[0], 0.37 * 4);
  EXPECT_EQ(in_memory.sources_seen, (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_EQ(in_memory.sample_units, (std::vector<std::size_t>{1, 8, 100, 107}));
  EXPECT_DOUBLE_EQ(in_memory.class_area_by_zone.at(0)[8], 0.73 * 4);
  // An empty tally merged with one is that one.
  ZoneTally empty;
  empty.merge(a);
  EXPECT_EQ(empty.serialise(), a.serialise());
}

TEST(ZoneTally, BadTextIsRefusedNamingTheField) {
  const std::string text = sample_tally(1.0, 0).serialise();
  auto refused = [](const std::string& bad, const std::string& says) {
    try {
      ZoneTally::parse(bad);
      ADD_FAILURE() << "accepted: " << bad.substr(0, 60);
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused(text + "mystery 1 0x1p+0\n", "unknown field 'mystery'");
  refused(text.substr(0, text.find("observed_area")), "1 fields, not 26");
  // (substituted by concatenation: GCC 12 warns falsely on std::string::replace here)
  auto substituted = [&](const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    return text.substr(0, at) + to + text.substr(at + from.size());
  };
  refused(substituted("grade_area 5", "grade_area 4"), "grade_area has 4 values, not 5");
  refused(substituted("total_area 1 0x", "total_area 1 zx"), "total_area: 'zx");
}

// MTL parsing (ODL and XML), scene reading from real USGS files, QA bit decoding.
#include <gtest/gtest.h>

#include "sensors/landsat/mtl.hpp"
#include "sensors/observation.hpp"
#include "libgeo/io/raster.hpp"

using namespace ecomon;

TEST(Mtl, OdlGroupsKeepCollidingKeysApart) {
  const std::string text =
      "GROUP = LANDSAT_METADATA_FILE\n GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS\n  REFLECTANCE_MULT_BAND_4 = 2.75E-05\n"
      " END_GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS\n GROUP = LEVEL1_RADIOMETRIC_RESCALING\n"
      "  REFLECTANCE_MULT_BAND_4 = 2.0000E-05\n END_GROUP = LEVEL1_RADIOMETRIC_RESCALING\nEND_GROUP = LANDSAT_METADATA_FILE\nEND\n";
  const Mtl m = Mtl::parse(text, "x_MTL.txt");
  EXPECT_DOUBLE_EQ(m.get_number({"LEVEL2_SURFACE_REFLECTANCE_PARAMETERS"}, "REFLECTANCE_MULT_BAND_4"), 2.75e-5);
  EXPECT_DOUBLE_EQ(m.get_number({"LEVEL1_RADIOMETRIC_RESCALING"}, "REFLECTANCE_MULT_BAND_4"), 2e-5);
}

TEST(Mtl, XmlLeavesAndMissingKeyMessage) {
  const std::string text =
      "<?xml version=\"1.0\"?><LANDSAT_METADATA_FILE><PRODUCT_CONTENTS><LANDSAT_PRODUCT_ID>LC08_X</LANDSAT_PRODUCT_ID>"
      "</PRODUCT_CONTENTS><IMAGE_ATTRIBUTES><SUN_ELEVATION>61.2</SUN_ELEVATION></IMAGE_ATTRIBUTES></LANDSAT_METADATA_FILE>";
  const Mtl m = Mtl::parse(text, "s_MTL.xml");
  EXPECT_EQ(m.get({"PRODUCT_CONTENTS"}, "LANDSAT_PRODUCT_ID"), "LC08_X");
  EXPECT_DOUBLE_EQ(m.get_number({"IMAGE_ATTRIBUTES"}, "SUN_ELEVATION"), 61.2);
  try {
    m.get({"PRODUCT_CONTENTS"}, "FILE_NAME_BAND_4");
    FAIL() << "expected an error";
  } catch (const SceneError& e) {
    EXPECT_NE(std::string(e.what()).find("s_MTL.xml"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("FILE_NAME_BAND_4"), std::string::npos);
  }
}

TEST(Landsat, ReadsRealCollection1Scenes) {
  geo::io::initialise_gdal(64);
  const std::string dir = std::string(ECOMON_SOURCE_DIR) + "/sample_tiles";
  const Discovery discovery = discover_scenes(dir);
  EXPECT_TRUE(discovery.problems.empty());
  std::vector<std::string> found;
  for (const auto& s : discovery.scenes) found.push_back(s.path);
  ASSERT_EQ(found.size(), 2u);
  const Scene l8 = read_scene(found[0]);
  EXPECT_EQ(l8.product_id, "LC08_L1TP_195025_20130707_20170503_01_T1");
  EXPECT_TRUE(l8.top_of_atmosphere());
  EXPECT_EQ(l8.utm_zone, 32);
  EXPECT_EQ(l8.band(Band::red).number, 4);
  EXPECT_EQ(l8.band(Band::nir).number, 5);
  EXPECT_DOUBLE_EQ(l8.band(Band::red).mult, 2e-5);
  EXPECT_DOUBLE_EQ(l8.band(Band::red).add, -0.1);
  EXPECT_NEAR(l8.sun_elevation_deg, 58.9967518, 1e-7);
  const Scene l7 = read_scene(found[1]);
  EXPECT_EQ(l7.spacecraft, "LANDSAT_7");
  EXPECT_EQ(l7.band(Band::red).number, 3);  // TM/ETM+ numbering
  EXPECT_EQ(l7.band(Band::swir2).number, 7);
  EXPECT_DOUBLE_EQ(l7.band(Band::nir).mult, 2.9302e-3);
}

TEST(QaBits, Collection2PixelTable) {
  using namespace qa_pixel;
  // 21824 = clear (bit 6) + bits 8,10,12,14 (low confidences): the usual clear land value.
  EXPECT_FALSE(21824 & excluded);
  EXPECT_TRUE(22280 & excluded);  // 0b101011100001000: bit 3, cloud
  EXPECT_TRUE(23888 & excluded);  // bit 4 cloud shadow
  EXPECT_TRUE(1 & excluded);      // fill
  EXPECT_TRUE(2 & excluded);      // dilated cloud
  EXPECT_TRUE(4 & excluded);      // cirrus
  EXPECT_TRUE(32 & excluded);     // snow
  EXPECT_FALSE(128 & excluded);   // water alone is kept
}

TEST(QaBits, Collection1BqaTable) {
  EXPECT_FALSE(qa_bqa_c1::excluded(2720));              // the sample tiles' value: all confidences low
  EXPECT_TRUE(qa_bqa_c1::excluded(1));                  // designated fill
  EXPECT_TRUE(qa_bqa_c1::excluded(2800));               // 2720 + bit 4 (cloud) + bit 6
  EXPECT_TRUE(qa_bqa_c1::excluded(2720 | (3u << 7)));   // high shadow confidence
  EXPECT_TRUE(qa_bqa_c1::excluded(2720 | (3u << 9)));   // high snow confidence
  EXPECT_TRUE(qa_bqa_c1::excluded(2720 | (3u << 11)));  // high cirrus confidence
  EXPECT_TRUE(qa_bqa_c1::excluded(2720 | (1u << 2)));   // one band saturated
}

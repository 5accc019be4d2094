// The CASA model on hand-computed pixels: one month of grassland with each scalar worked by hand,
// the rules at the edges (frozen month, no rain, temperature far from the optimum), and a
// mid-cover typical-steppe pixel's year against the published range for Inner Mongolia's typical
// steppe (mean NPP about 290 g C/m2/yr, Zhang, Zhou & Wang 2008, CASA with regional parameters).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "landcover/climate.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "rules/casa.hpp"

using namespace ecomon;

namespace {
// A typical-steppe year (Xilinhot-like): monthly mean temperature (C), precipitation (mm), solar radiation (MJ/m2).
const std::array<float, 12> kT = {-18, -14, -5, 5, 12, 18, 21, 19, 12, 3, -7, -15};
const std::array<float, 12> kP = {2, 3, 6, 10, 25, 50, 90, 75, 30, 12, 4, 2};
const std::array<float, 12> kSol = {250, 320, 480, 560, 640, 650, 620, 560, 460, 360, 260, 220};
}  // namespace

TEST(Casa, OneMonthOfGrasslandByHand) {
  const casa::ClassParameters g = casa::parameters_of(LandCover::grassland);
  // NDVI 0.45: SR = 1.45 / 0.55 = 2.63636; FPAR_NDVI = (0.45 - 0.023) / (0.634 - 0.023) x 0.949 + 0.001
  // = 0.664213; FPAR_SR = (2.63636 - 1.05) / (4.46 - 1.05) x 0.949 + 0.001 = 0.442484; FPAR = 0.553348.
  EXPECT_NEAR(casa::fpar(0.45f, g), 0.553348, 1e-5);
  // T = Topt = 20 C: T1 = 0.8 + 0.4 - 0.2 = 1.0; T2 = 1.1814 / (1 + e^-2) / (1 + e^-9) = 0.991224.
  EXPECT_NEAR(casa::temperature_stress_1(20, 20), 1.0, 1e-6);
  EXPECT_NEAR(casa::temperature_stress_2(20, 20), 0.991224, 1e-5);
  // Thornthwaite over the steppe year: I = sum (T/5)^1.514 over the warm months = 32.2728, a = 1.013106,
  // Ep0(20 C) = 16 (200 / 32.2728)^1.013106 = 101.5536 mm.
  const casa::Thornthwaite th(kT);
  EXPECT_NEAR(th.heat_index, 32.2728, 1e-3);
  EXPECT_NEAR(th.exponent, 1.013106, 1e-5);
  EXPECT_NEAR(th.potential(20), 101.5536, 1e-3);
  // P = 60 mm: Rn = sqrt(101.5536 x 60) (0.369 + 0.598 sqrt(101.5536 / 60)) = 89.5328; E = 52.5388;
  // Ep = (52.5388 + 101.5536) / 2 = 77.0462; W = 0.5 + 0.5 x 52.5388 / 77.0462 = 0.840957.
  const float w = casa::water_stress(60, th.potential(20), 20);
  EXPECT_NEAR(w, 0.840957, 1e-5);
  // NPP = 600 x 0.553348 x 0.5 x 1.0 x 0.991224 x 0.840957 x 0.542 = 75.0005 g C/m2.
  EXPECT_NEAR(casa::monthly_npp(0.45f, 600, 20, 20, w, g), 75.0005, 1e-2);
}

TEST(Casa, TheRulesAtTheEdges) {
  const casa::ClassParameters g = casa::parameters_of(LandCover::grassland);
  EXPECT_EQ(casa::temperature_stress_1(20, -10), 0.0f);  // a frozen month produces nothing
  EXPECT_EQ(casa::monthly_npp(0.45f, 600, -12, 20, 0.8f, g), 0.0f);
  // More than 10 C above the optimum, or 13 below: half the scalar at the optimum (Potter et al. 1993).
  EXPECT_NEAR(casa::temperature_stress_2(20, 31), 0.5 * casa::temperature_stress_2(20, 20), 1e-6);
  EXPECT_NEAR(casa::temperature_stress_2(20, 6), 0.5 * casa::temperature_stress_2(20, 20), 1e-6);
  EXPECT_EQ(casa::water_stress(0, 100, 20), 0.5f);   // no rain
  EXPECT_EQ(casa::water_stress(30, 0, -3), 0.5f);    // frozen
  EXPECT_NEAR(casa::fpar(0.99f, g), 0.95, 1e-6);     // clamped
  EXPECT_NEAR(casa::fpar(-0.2f, g), 0.001, 1e-6);
  // No vegetation class: nothing.
  EXPECT_EQ(casa::monthly_npp(0.45f, 600, 20, 20, 0.8f, casa::parameters_of(LandCover::bare)), 0.0f);
  // A month of climate missing: no figure.
  std::array<float, 12> t = kT;
  t[3] = std::nanf("");
  std::array<float, 12> ndvi;
  ndvi.fill(0.3f);
  EXPECT_TRUE(std::isnan(casa::annual_npp(ndvi, t, kP, kSol, LandCover::grassland)));
}

TEST(Casa, AMidCoverTypicalSteppePixelIsInThePublishedRange) {
  // NDVI from May to October (0.15 ... 0.50 in July: mid cover); months without scenes count nothing.
  std::array<float, 12> ndvi;
  ndvi.fill(std::nanf(""));
  const float season[] = {0.15f, 0.28f, 0.45f, 0.50f, 0.40f, 0.22f};
  for (int m = 0; m < 6; ++m) ndvi[std::size_t(4 + m)] = season[m];
  const float npp = casa::annual_npp(ndvi, kT, kP, kSol, LandCover::grassland);
  std::printf("[casa] mid-cover typical steppe: %.1f g C/m2/yr\n", npp);
  EXPECT_NEAR(npp, 272.088, 0.1);  // the months summed by hand: 14.5 + 43.0 + 83.0 + 85.7 + 36.2 + 9.7
  EXPECT_GT(npp, 200);             // typical steppe, Inner Mongolia: about 290 g C/m2/yr
  EXPECT_LT(npp, 400);
}

TEST(Casa, MonthsBetweenScenesAreInterpolatedAndMissingClimateIsNamed) {
  std::array<float, 12> ndvi;
  ndvi.fill(std::nanf(""));
  ndvi[4] = 0.2f, ndvi[6] = 0.6f, ndvi[8] = 0.3f;  // May, July, September
  casa::fill_monthly_gaps(ndvi);
  EXPECT_NEAR(ndvi[5], 0.4f, 1e-6);   // June
  EXPECT_NEAR(ndvi[7], 0.45f, 1e-6);  // August
  EXPECT_TRUE(std::isnan(ndvi[3]));   // April: before the first scene, no production counted
  EXPECT_TRUE(std::isnan(ndvi[9]));
  // A climate folder without the year's rasters: no layers, and the files named.
  geo::io::initialise_gdal(64);
  const auto dir = std::filesystem::temp_directory_path() / ("ecomon_climate_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string problem;
  const geo::Grid grid{4, 4, {500000, 30, 4500000, -30}, geo::io::crs_wkt("EPSG:32649")};
  EXPECT_EQ(ClimateLayers::prepare(dir.string(), 2020, grid, (dir / "work").string(), problem), nullptr);
  EXPECT_NE(problem.find("lacks 36 of the year's 36 climate rasters (tmp_202001.tif, tmp_202002.tif"), std::string::npos) << problem;
  std::filesystem::remove_all(dir);
}

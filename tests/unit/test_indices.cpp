// Index functors on hand-computed pixels (reflectances chosen so the arithmetic is checkable by hand).
#include <gtest/gtest.h>

#include <cmath>

#include "libgeo/indices.hpp"

using namespace geo::index;

TEST(Indices, NdviTable) {
  struct {
    float nir, red, expected;
  } rows[] = {
      {0.5f, 0.1f, 0.6666667f},  // (0.5-0.1)/(0.6)
      {0.3f, 0.3f, 0.0f},
      {0.1f, 0.3f, -0.5f},  // (0.1-0.3)/0.4
      {0.45f, 0.05f, 0.8f},
  };
  for (auto r : rows) EXPECT_NEAR(Ndvi{}(r.nir, r.red), r.expected, 1e-6f);
  EXPECT_TRUE(std::isnan(Ndvi{}(0.0f, 0.0f)));
}

TEST(Indices, MndwiTable) {
  EXPECT_NEAR(Mndwi{}(0.07f, 0.015f), (0.07f - 0.015f) / 0.085f, 1e-6f);  // water: positive
  EXPECT_NEAR(Mndwi{}(0.12f, 0.30f), -0.4285714f, 1e-6f);                 // soil: negative
}

TEST(Indices, EviTable) {
  struct {
    float nir, red, blue, expected;
  } rows[] = {
      {0.4f, 0.1f, 0.05f, 0.4615385f},   // 2.5 x 0.3 / (0.4 + 0.6 - 0.375 + 1) = 0.75 / 1.625
      {0.5f, 0.05f, 0.03f, 0.7142857f},  // 2.5 x 0.45 / (0.5 + 0.3 - 0.225 + 1) = 1.125 / 1.575
      {0.2f, 0.2f, 0.1f, 0.0f},          // no red-NIR contrast: no vegetation signal
  };
  for (auto r : rows) EXPECT_NEAR(Evi{}(r.nir, r.red, r.blue), r.expected, 1e-6f);
  EXPECT_TRUE(std::isnan(Evi{}(0.0f, 0.0f, 1.0f / 7.5f)));  // zero denominator
}

TEST(Indices, Msavi2Table) {
  // nir 0.5, red 0.1: t = 2, disc = 4 - 3.2 = 0.8, (2 - 0.894427) / 2 = 0.5527864
  EXPECT_NEAR(Msavi2{}(0.5f, 0.1f), 0.5527864f, 1e-6f);
  // nir = red: disc = t^2, MSAVI2 = 0
  EXPECT_NEAR(Msavi2{}(0.2f, 0.2f), 0.0f, 1e-7f);
}

TEST(Indices, DimidiateFvcTable) {
  const DimidiateFvc f{0.1f, 0.8f};
  EXPECT_NEAR(f(0.45f), 0.5f, 1e-6f);
  EXPECT_NEAR(f(0.8f), 1.0f, 1e-6f);
  EXPECT_EQ(f(0.95f), 1.0f);  // clamped
  EXPECT_EQ(f(-0.2f), 0.0f);  // clamped
  EXPECT_NEAR(f(0.24f), 0.2f, 1e-6f);
  EXPECT_TRUE(std::isnan(f(kNaN)));
}

TEST(Indices, DesertGradingTable) {
  const DesertGrading g{};  // 0.60 / 0.40 / 0.25 / 0.10
  EXPECT_EQ(g(0.75f), DesertGrade::none);
  EXPECT_EQ(g(0.60f), DesertGrade::none);
  EXPECT_EQ(g(0.50f), DesertGrade::light);
  EXPECT_EQ(g(0.30f), DesertGrade::moderate);
  EXPECT_EQ(g(0.10f), DesertGrade::severe);
  EXPECT_EQ(g(0.05f), DesertGrade::extreme);
  EXPECT_EQ(g(kNaN), DesertGrade::not_graded);
}

TEST(Indices, LiangAlbedoTable) {
  const geo::index::LiangAlbedo albedo;
  // 0.356 x 0.10 + 0.130 x 0.20 + 0.373 x 0.30 + 0.085 x 0.40 + 0.072 x 0.30 - 0.0018
  //   = 0.0356 + 0.026 + 0.1119 + 0.034 + 0.0216 - 0.0018 = 0.2273
  EXPECT_NEAR(albedo(0.10f, 0.20f, 0.30f, 0.40f, 0.30f), 0.2273f, 1e-6f);
  EXPECT_NEAR(albedo(0, 0, 0, 0, 0), -0.0018f, 1e-7f);
  EXPECT_TRUE(std::isnan(albedo(geo::index::kNaN, 0.2f, 0.3f, 0.4f, 0.3f)));
}

TEST(Indices, AlbedoNdviDdiAndItsGradesTable) {
  const geo::index::AlbedoNdviDdi ddi{-0.25f};               // a = -1/k = 4
  EXPECT_NEAR(ddi(0.50f, 0.15f), 4 * 0.50f - 0.15f, 1e-6f);  // 1.85: dense steppe
  EXPECT_NEAR(ddi(0.05f, 0.30f), 4 * 0.05f - 0.30f, 1e-6f);  // -0.10: bare sand
  EXPECT_TRUE(std::isnan(ddi(0.5f, geo::index::kNaN)));
  EXPECT_TRUE(std::isnan(geo::index::AlbedoNdviDdi{0.1f}(0.5f, 0.2f)));  // a positive slope is no desertification line
  const geo::index::DdiGrading grade;                                    // 1.85 / 1.20 / 0.70 / 0.20
  using G = geo::index::DesertGrade;
  EXPECT_EQ(grade(1.85f), G::none);
  EXPECT_EQ(grade(1.84f), G::light);
  EXPECT_EQ(grade(1.20f), G::light);
  EXPECT_EQ(grade(0.70f), G::moderate);
  EXPECT_EQ(grade(0.20f), G::severe);
  EXPECT_EQ(grade(-0.10f), G::extreme);
  EXPECT_EQ(grade(geo::index::kNaN), G::not_graded);
}

// The official indicators by hand: the land-cover rule of a season cell, the estimate and bounds of
// a partly observed zone, a city as the combination of its counties, and forest.special_shrubland.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "config/cell_rules_from.hpp"
#include "config/settings.hpp"
#include "engine/season_engine.hpp"
#include "products/indicators.hpp"
#include "rules/cell_rules.hpp"
#include "targets/verdicts.hpp"

using namespace ecomon;

namespace {

CellRules default_rules() { return cell_rules_from(Settings{}, 0.05, 0.85); }  // FVC = (NDVI - 0.05) / 0.80

TEST(LandCoverRule, HandTable) {
  const CellRules r = default_rules();
  const float nan = std::nanf("");
  struct Row {
    float water_frequency;
    bool tree;
    float peak_cover, spring, autumn;  // green ratios (window cover / peak cover), NaN where not seen
    LandCover expected;
  };
  const Row rows[] = {
      {0.60f, false, 0.00f, nan, nan, LandCover::water},          // wet in >= half the season
      {0.30f, true, 0.80f, 1.00f, 1.00f, LandCover::wetland},     // seasonal water wins over canopy
      {0.00f, true, 0.80f, 1.00f, 1.00f, LandCover::tree},        // the forest rule said tree
      {0.00f, false, 0.04f, 1.00f, 1.00f, LandCover::bare},       // under landcover.bare_max_fvc
      {0.00f, false, 0.70f, 0.10f, 0.40f, LandCover::cropland},   // green only at the peak
      {0.00f, false, 0.40f, 0.29f, 0.90f, LandCover::cropland},   // May just under crop_max_green_ratio, at crop_min_fvc
      {0.00f, false, 0.70f, nan, 0.49f, LandCover::cropland},     // May clouded: harvested by September
      {0.00f, false, 0.70f, nan, 0.65f, LandCover::grassland},    // at crop_max_autumn_ratio: not harvested
      {0.00f, false, 0.39f, 0.10f, 0.30f, LandCover::grassland},  // too sparse for a crop canopy
      {0.00f, false, 0.35f, 0.90f, 0.95f, LandCover::shrubland},  // holds its cover in spring and autumn
      {0.00f, false, 0.15f, 0.75f, nan, LandCover::shrubland},    // at both shrub thresholds; autumn not seen
      {0.00f, false, 0.35f, 0.90f, 0.70f, LandCover::grassland},  // browned by September: not a shrub
      {0.00f, false, 0.14f, 0.90f, 0.90f, LandCover::grassland},  // too sparse for shrubland
      {0.00f, false, 0.35f, 0.50f, 0.85f, LandCover::grassland},  // greens late, browns slowly
      {0.00f, false, 0.35f, nan, 0.95f, LandCover::grassland},    // no May: shrubs cannot be told from grass
      {0.00f, false, 0.70f, nan, nan, LandCover::grassland},      // no shoulder window: crops cannot be told
  };
  for (const Row& row : rows)
    EXPECT_EQ(int(r.land_cover(row.water_frequency, row.tree, row.peak_cover, {row.spring, row.autumn})), int(row.expected))
        << "frequency " << row.water_frequency << " tree " << row.tree << " cover " << row.peak_cover << " ratios " << row.spring << ", "
        << row.autumn;
}

TEST(LandCoverRule, GreenRatiosAreEachObservedShoulderOverThePeak) {
  const CellRules r = default_rules();
  // Peak cover 0.50; spring NDVI 0.13 -> cover 0.10; autumn NDVI 0.45 -> cover 0.50.
  const auto both = r.green_ratios(0.5f, true, 0.13f, true, 0.45f);
  EXPECT_NEAR(both.spring, 0.2f, 1e-6);
  EXPECT_NEAR(both.autumn, 1.0f, 1e-6);
  const auto autumn_only = r.green_ratios(0.5f, false, 0.13f, true, 0.45f);
  EXPECT_TRUE(std::isnan(autumn_only.spring));
  EXPECT_NEAR(autumn_only.autumn, 1.0f, 1e-6);
  EXPECT_TRUE(std::isnan(r.green_ratios(0.0f, true, 0.5f, true, 0.5f).spring));  // no peak cover
  EXPECT_TRUE(r.special_shrub_candidate(LandCover::shrubland, 0.30f));
  EXPECT_FALSE(r.special_shrub_candidate(LandCover::shrubland, 0.29f));
  EXPECT_FALSE(r.special_shrub_candidate(LandCover::grassland, 0.60f));
  EXPECT_TRUE(is_natural_land(LandCover::bare));
  EXPECT_FALSE(is_natural_land(LandCover::cropland));
  EXPECT_FALSE(is_natural_land(LandCover::wetland));
}

TEST(LandCoverRule, ShrublandAndGrasslandTakeTheMajorityOfTheirWindow) {
  const CellRules r = default_rules();  // shrub_min_fvc 0.15
  struct Row {
    LandCover own;
    float peak_cover;
    int shrubland_votes, grassland_votes;  // counts include the cell itself
    LandCover expected;
  };
  const Row table[] = {
      {LandCover::grassland, 0.30f, 8, 1, LandCover::shrubland},  // one noisy May ratio inside a shrub belt
      {LandCover::shrubland, 0.30f, 1, 8, LandCover::grassland},  // a lone shrub verdict in the steppe
      {LandCover::grassland, 0.30f, 4, 4, LandCover::grassland},  // a tie keeps the cell's own class
      {LandCover::shrubland, 0.30f, 4, 4, LandCover::shrubland},
      {LandCover::grassland, 0.10f, 8, 1, LandCover::grassland},  // too sparse to be shrubland
      {LandCover::shrubland, 0.10f, 5, 2, LandCover::shrubland},
      {LandCover::cropland, 0.60f, 9, 0, LandCover::cropland},    // other classes are not voted on
      {LandCover::tree, 0.80f, 0, 9, LandCover::tree},
      {LandCover::water, 0.00f, 0, 9, LandCover::water},
  };
  for (const Row& row : table)
    EXPECT_EQ(int(r.by_majority(row.own, row.peak_cover, row.shrubland_votes, row.grassland_votes)), int(row.expected))
        << land_cover_name(row.own) << " cover " << row.peak_cover << " votes " << row.shrubland_votes << "/" << row.grassland_votes;
}

TEST(LandCoverRule, WithoutMaySeptemberDecidesAgainstTheMayDecidedNeighbours) {
  const CellRules r = default_rules();  // shrub_min_fvc 0.15, min cells 12, margin 0.06, fixed cut 0.90
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  auto near = [](int shrubs, double shrub_mean, int grass, double grass_mean) {
    CellRules::AutumnReferences a;
    a.shrubland = shrubs, a.grassland = grass, a.shrubland_ratio_sum = shrubs * shrub_mean, a.grassland_ratio_sum = grass * grass_mean;
    return a;
  };
  struct Row {
    float peak_cover, spring, autumn;
    CellRules::AutumnReferences near;
    bool shrubland;
    const char* why;
  };
  const Row table[] = {
      {0.30f, nan, 0.82f, near(40, 0.80, 40, 0.60), true, "hazy date: above the midpoint 0.70 of its neighbours"},
      {0.30f, nan, 0.68f, near(40, 0.80, 40, 0.60), false, "below the midpoint"},
      {0.30f, nan, 0.95f, near(40, 1.00, 40, 0.95), false, "early September: the neighbours 0.05 apart tell nothing"},
      {0.30f, nan, 0.95f, near(40, 1.00, 0, 0), true, "only shrubs near: within the margin of their mean"},
      {0.30f, nan, 0.93f, near(40, 1.00, 0, 0), false, "only shrubs near: beyond the margin"},
      {0.30f, nan, 0.87f, near(0, 0, 40, 0.80), true, "only grass near: above its mean by the margin"},
      {0.30f, nan, 0.85f, near(0, 0, 40, 0.80), false, "only grass near: not above by the margin"},
      {0.30f, nan, 0.95f, near(11, 0.60, 11, 0.40), true, "too few neighbours: the fixed cut 0.90"},
      {0.30f, nan, 0.85f, near(11, 0.60, 11, 0.40), false, "too few neighbours: below the fixed cut"},
      {0.30f, 0.5f, 0.99f, near(40, 1.00, 40, 0.80), false, "May was seen: May decided"},
      {0.30f, nan, nan, near(40, 1.00, 40, 0.80), false, "September not seen either"},
      {0.10f, nan, 0.99f, near(40, 1.00, 40, 0.80), false, "too sparse for shrubland"},
  };
  for (const Row& row : table) {
    CellRules::GreenRatios g;
    g.spring = row.spring, g.autumn = row.autumn;
    EXPECT_EQ(r.shrub_by_autumn(row.peak_cover, g, row.near), row.shrubland) << row.why;
  }
  CellRules no_fixed_cut = r;
  no_fixed_cut.shrub_min_autumn_ratio = 0;
  CellRules::GreenRatios g;
  g.autumn = 0.99f;
  EXPECT_FALSE(no_fixed_cut.shrub_by_autumn(0.30f, g, near(0, 0, 0, 0))) << "0 turns the fixed cut off";
  EXPECT_TRUE(r.shrub_by_autumn(0.30f, g, near(0, 0, 0, 0)));
}

// A zone of 100 km2, 80 km2 observed: 8 km2 forest, 40 km2 grassland at a mean cover of 0.25.
ZoneTally partly_observed() {
  ZoneTally t;
  t.total_area = 90e6;
  t.observed_area = 80e6;
  t.forest_area = 8e6;
  t.landcover_area[int(LandCover::grassland)] = 40e6;
  t.grassland_fvc_area = 0.25 * 40e6;
  return t;
}

TEST(OfficialEstimates, PartlyObservedZoneByHand) {
  const geo::io::Zone zone{"z", "zone", {}, 100e6, {}};
  const ZoneTally t = partly_observed();
  YearResult year;
  year.year = 2023;
  const ZoneRow row{zone, t, nullptr, &year};
  // Forest: 8 observed + 20 unobserved x 0.1 = 10 km2 of 100: 10%; bounds 8% and 28%.
  const Estimate forest = indicator("forest_coverage_pct").estimate(row);
  EXPECT_NEAR(forest.value, 10.0, 1e-12);
  EXPECT_NEAR(forest.low, 8.0, 1e-12);
  EXPECT_NEAR(forest.high, 28.0, 1e-12);
  EXPECT_EQ(indicator("forest_coverage_pct").text(row), "10.0000");
  // Forest area in wan mu (1 wan mu = 6.6667 km2): 10 km2 = 1.5, bounds 8 km2 = 1.2 and 28 km2 = 4.2.
  const Estimate area = indicator("forest_area_wanmu").estimate(row);
  EXPECT_NEAR(area.value, 1.5, 1e-12);
  EXPECT_NEAR(area.low, 1.2, 1e-12);
  EXPECT_NEAR(area.high, 4.2, 1e-12);
  // Grassland cover: 25% observed; bounds 10 / 60 = 16.67% and 30 / 60 = 50%.
  const Estimate grass = indicator("grassland_cover_pct").estimate(row);
  EXPECT_NEAR(grass.value, 25.0, 1e-12);
  EXPECT_NEAR(grass.low, 100.0 * 10 / 60, 1e-12);
  EXPECT_NEAR(grass.high, 50.0, 1e-12);
  EXPECT_EQ(indicator("zone_observed_fraction").text(row), "0.800000");
  // Every indicator a target may name has an estimate.
  for (const auto& key : target_indicators()) EXPECT_TRUE(bool(indicator(key).estimate)) << key;
}

TEST(OfficialEstimates, ACityIsItsCountiesCombinedByAreaNotAnAverageOfPercentages) {
  // Two fully observed counties: A 100 km2 with 10 km2 forest and 50 km2 grassland at cover 0.20;
  // B 300 km2 with 3 km2 forest and 10 km2 grassland at cover 0.50.
  std::vector<geo::io::Zone> zones = {{"a", "A", {}, 100e6, {}}, {"b", "B", {}, 300e6, {}}};
  YearResult year;
  year.year = 2024;
  year.tallies.resize(2);
  auto fill = [](ZoneTally& t, double area, double forest, double grass, double cover) {
    t.total_area = t.observed_area = area;
    t.forest_area = forest;
    t.landcover_area[int(LandCover::grassland)] = grass;
    t.grassland_fvc_area = grass * cover;
    t.phenology_area = t.shoulder_area = area;
  };
  fill(year.tallies[0], 100e6, 10e6, 50e6, 0.20);
  fill(year.tallies[1], 300e6, 3e6, 10e6, 0.50);
  TargetsFile targets;
  targets.units["c"] = TargetUnit{"c", "City", {"a", "b"}};
  targets.targets.push_back(
      Target{"f", "c", "forest_coverage_pct", TargetRule::at_least, TargetPoint{2020, 2}, TargetPoint{2025, 4}, true, "x:1"});
  targets.targets.push_back(
      Target{"g", "c", "grassland_cover_pct", TargetRule::at_least, std::nullopt, TargetPoint{2025, 25}, true, "x:2"});
  targets.targets.push_back(
      Target{"r", "150000", "forest_coverage_pct", TargetRule::at_least, std::nullopt, TargetPoint{2025, 23.5}, false, "x:3"});
  const auto rows = evaluate_targets(targets, zones, {year}, 0.5);
  ASSERT_EQ(rows.size(), 7u);  // f: unit + 2 members; g: unit + 2 members; r: unit
  // Forest: (10 + 3) / 400 = 3.25% (the mean of 10% and 1% would be 5.5%); threshold 2024: 2 + 2 x 4/5 = 3.6.
  EXPECT_EQ(rows[0].scope, "unit");
  EXPECT_EQ(rows[0].unit_name, "City");
  EXPECT_NEAR(rows[0].estimate.value, 3.25, 1e-12);
  EXPECT_NEAR(rows[0].threshold, 3.6, 1e-12);
  EXPECT_NEAR(rows[0].distance, -0.35, 1e-12);
  // No reference sample: the map's pixel count has no error model, so no verdict; the map alone misses.
  EXPECT_EQ(rows[0].estimate.basis, "unobserved_only");
  EXPECT_EQ(rows[0].verdict, Verdict::not_assessed);
  EXPECT_EQ(rows[0].map_verdict, Verdict::not_met);
  EXPECT_EQ(rows[1].scope, "member");
  EXPECT_NEAR(rows[1].estimate.value, 10.0, 1e-12);
  EXPECT_EQ(rows[1].verdict, Verdict::not_assessed);
  EXPECT_EQ(rows[1].map_verdict, Verdict::met);
  EXPECT_NEAR(rows[2].estimate.value, 1.0, 1e-12);
  // Grassland cover: (50 x 0.20 + 10 x 0.50) / 60 = 25% (the mean of the percentages would be 35%).
  EXPECT_NEAR(rows[3].estimate.value, 25.0, 1e-12);
  EXPECT_EQ(rows[3].verdict, Verdict::not_assessed);  // uncalibrated cover: no error model
  EXPECT_EQ(rows[3].map_verdict, Verdict::met);       // 25 >= 25
  EXPECT_EQ(rows[3].method, "phenology;imagery_seasons;uncalibrated");
  // A unit with no zone in the run: no data.
  EXPECT_EQ(rows[6].unit_code, "150000");
  EXPECT_EQ(rows[6].verdict, Verdict::no_data);
  EXPECT_EQ(rows[6].map_verdict, Verdict::no_data);
  EXPECT_TRUE(std::isnan(rows[6].estimate.value));
  EXPECT_EQ(targets_report_cells(rows[6])[6], "");  // the value cell is empty
}

TEST(SpecialShrubland, AllNoneOrAListOfZoneCodes) {
  ForestSection f;
  EXPECT_TRUE(counts_special_shrubland(f, "150821"));
  f.special_shrubland = "none";
  EXPECT_FALSE(counts_special_shrubland(f, "150821"));
  f.special_shrubland = "150822,150821";
  EXPECT_TRUE(counts_special_shrubland(f, "150821"));
  EXPECT_FALSE(counts_special_shrubland(f, "15082"));
  const Settings s = parse_settings("forest:\n  special_shrubland: [\"150821\", \"152921\"]\n", "t.yaml");
  EXPECT_EQ(s.forest.special_shrubland, "150821,152921");
  try {
    parse_settings("forest:\n  special_shrubland: [\"150821\", \"\"]\n", "t.yaml");
    FAIL() << "an empty code was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("t.yaml: key 'forest.special_shrubland'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_settings("forest:\n  special_shrubland: []\n", "t.yaml"), ConfigError);
  EXPECT_THROW(parse_settings("landcover:\n  crop_max_green_ratio: 0.9\n", "t.yaml"), ConfigError);  // not below the shrub ratio
}

}  // namespace

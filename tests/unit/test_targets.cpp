// Targets: the threshold of each year and the verdict of an interval against it (hand tables), the
// targets file's contract and its errors, and the shipped config/targets.yaml.
#include <gtest/gtest.h>

#include "config/settings.hpp"
#include "targets/targets.hpp"

using namespace ecomon;

namespace {

Target bayannur_forest() {
  return Target{.id = std::string("t"),
                .unit = std::string("150800"),
                .indicator = std::string("forest_coverage_pct"),
                .rule = TargetRule::at_least,
                .baseline = TargetPoint{2020, 6.47},
                .target = {2025, 6.97},
                .binding = true,
                .source = std::string("001_2afdb52fd02fd4c0.txt:612")};
}

std::string error_of(const std::string& text) {
  try {
    parse_targets(text, "my_targets.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

const char* kOneTarget = R"(
units:
  "150800": {name: 巴彦淖尔市, zones: ["150802", "150821"]}
targets:
  - id: a
    unit: "150800"
    indicator: forest_coverage_pct
    rule: at_least
    baseline: {year: 2020, value: 6.47}
    target: {year: 2025, value: 6.97}
    binding: true
    source: "001_2afdb52fd02fd4c0.txt:612"
)";

}  // namespace

TEST(TargetThreshold, StraightLineFromBaselineThenTheTarget) {
  const Target t = bayannur_forest();
  EXPECT_DOUBLE_EQ(threshold_for_year(t, 2019), 6.47);  // before the baseline: the baseline
  EXPECT_DOUBLE_EQ(threshold_for_year(t, 2020), 6.47);
  EXPECT_NEAR(threshold_for_year(t, 2021), 6.57, 1e-12);
  EXPECT_NEAR(threshold_for_year(t, 2023), 6.77, 1e-12);
  EXPECT_DOUBLE_EQ(threshold_for_year(t, 2025), 6.97);
  EXPECT_DOUBLE_EQ(threshold_for_year(t, 2027), 6.97);  // after the target year: the target
  Target floor = t;
  floor.baseline.reset();
  EXPECT_DOUBLE_EQ(threshold_for_year(floor, 2021), 6.97);  // no baseline: the target every year
}

TEST(TargetVerdict, HandTable) {
  struct Row {
    TargetRule rule;
    double low, high, threshold, observed;
    Verdict expected;
  };
  const auto at_least = TargetRule::at_least, at_most = TargetRule::at_most;
  const Row rows[] = {
      {at_least, 7.0, 7.4, 6.97, 0.9, Verdict::met},      // whole interval above
      {at_least, 6.97, 7.4, 6.97, 0.9, Verdict::met},     // touching counts as meeting
      {at_least, 6.8, 7.1, 6.97, 0.9, Verdict::at_risk},  // straddles
      {at_least, 6.2, 6.9, 6.97, 0.9, Verdict::not_met},  // whole interval below
      {at_least, 7.0, 7.4, 6.97, 0.4, Verdict::no_data},  // too little observed (min 0.5)
      {at_least, NAN, NAN, 6.97, 0.9, Verdict::no_data},  // no value
      {at_most, 10, 12, 12.5, 0.9, Verdict::met},        {at_most, 12, 13, 12.5, 0.9, Verdict::at_risk},
      {at_most, 12.6, 13, 12.5, 0.9, Verdict::not_met},
  };
  for (const Row& r : rows)
    EXPECT_EQ(verdict_name(judge(r.rule, r.low, r.high, r.threshold, r.observed, 0.5)), std::string(verdict_name(r.expected)))
        << r.low << ".." << r.high << " vs " << r.threshold;
  // Before and after the target year: the same interval 6.6..6.8 meets 2021's 6.57, straddles 2023's
  // 6.77 and misses 2025's 6.97.
  const Target t = bayannur_forest();
  EXPECT_EQ(judge(t.rule, 6.6, 6.8, threshold_for_year(t, 2021), 1, 0.5), Verdict::met);
  EXPECT_EQ(judge(t.rule, 6.6, 6.8, threshold_for_year(t, 2023), 1, 0.5), Verdict::at_risk);
  EXPECT_EQ(judge(t.rule, 6.6, 6.8, threshold_for_year(t, 2025), 1, 0.5), Verdict::not_met);
}

TEST(TargetsFile, TheContractFormatParses) {
  const TargetsFile f = parse_targets(kOneTarget, "my_targets.yaml");
  ASSERT_EQ(f.targets.size(), 1u);
  EXPECT_EQ(f.units.at("150800").name, "巴彦淖尔市");
  EXPECT_EQ(f.units.at("150800").zones.size(), 2u);
  EXPECT_TRUE(f.targets[0].binding);
  EXPECT_DOUBLE_EQ(f.targets[0].baseline->value, 6.47);
  EXPECT_NO_THROW(check_target_units(f, {"150802", "150821", "150822"}, "zones.gpkg"));
}

TEST(TargetsFile, ErrorsNameTheFileAndTheKey) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string s = kOneTarget;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_NE(
      error_of(with("forest_coverage_pct", "forest_pct")).find("my_targets.yaml: targets[0].indicator: unknown indicator 'forest_pct'"),
      std::string::npos);
  EXPECT_NE(error_of(with("at_least", "above")).find("targets[0].rule: unknown rule 'above'"), std::string::npos);
  EXPECT_NE(error_of(with("    binding: true\n", "")).find("targets[0].binding: is required"), std::string::npos);
  EXPECT_NE(error_of(with("binding: true", "binding: true\n    colour: red")).find("targets[0].colour: unknown key"), std::string::npos);
  EXPECT_NE(error_of(with("{year: 2020,", "{year: 2026,")).find("targets[0].baseline.year: 2026 is not before the target year 2025"),
            std::string::npos);
  EXPECT_NE(error_of(with(".txt:612", ".txt")).find("is not FILE:LINE"), std::string::npos);
  EXPECT_NE(error_of(with("{year: 2025, value: 6.97}", "{year: 2025, value: high}")).find("targets[0].target.value: has the wrong type"),
            std::string::npos);
  const std::string one = kOneTarget;
  std::string twice = one;  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on a + b.substr()
  twice.append(one, one.find("  - id: a"), std::string::npos);
  EXPECT_NE(error_of(twice).find("targets[1].id: 'a' is used twice"), std::string::npos);
  const TargetsFile f = parse_targets(kOneTarget, "my_targets.yaml");
  try {
    check_target_units(f, {"150802"}, "zones.gpkg");
    FAIL() << "a unit naming a missing zone was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("my_targets.yaml: units.150800 (巴彦淖尔市) names zone 150821, which is not in zones.gpkg"),
              std::string::npos)
        << e.what();
  }
}

TEST(TargetsFile, TheShippedTargetsParseAndCiteTheirLines) {
  const TargetsFile f = load_targets(std::string(ECOMON_SOURCE_DIR) + "/config/targets.yaml");
  EXPECT_GE(f.targets.size(), 10u);
  for (const auto& id :
       {"bayannur-forest-2025", "bayannur-grassland-cover-2025", "alxa-forest-2025", "alxa-forest-area-2025", "alxa-grassland-cover-2025",
        "alxa-wetland-2025", "ordos-forest-2020", "ordos-grassland-cover-2020", "ordos-wetland-2020", "inner-mongolia-forest-2025"}) {
    const auto it = std::find_if(f.targets.begin(), f.targets.end(), [&](const Target& t) { return t.id == id; });
    EXPECT_NE(it, f.targets.end()) << id;
  }
  EXPECT_EQ(f.units.at("150800").zones.size(), 7u);
  EXPECT_EQ(f.units.at("150600").zones.size(), 9u);
}

// The reference sample's estimators against an independent implementation: R's `survey` package
// (Lumley; Debian r-cran-survey, installed by scripts/install_deps.sh --tests). A seeded design
// drawn as `ecomon sample-design` draws it (strata = county x map class, sizes and cell counts in the
// file, small strata sampled whole, a few units mapped otherwise than their stratum this year) is
// estimated by ecomon (ClassAccuracy) and by survey on the same design (svydesign with the strata,
// weights N_h/n_h and the finite population correction): every county's and the city's forest,
// water, wetland and grassland areas with their standard errors, and the region's accuracy table
// (areas, user's, producer's and overall accuracy with their standard errors) must agree to 1e-9.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <random>
#include <sstream>

#include "ground/reference_sample.hpp"

using namespace ecomon;
namespace fs = std::filesystem;

namespace {

constexpr double kCellArea = 900;  // m^2 (30 m cells)
const std::vector<std::string> kZones = {"150821", "150822", "150824"};
const std::vector<LandCover> kClasses = {LandCover::tree, LandCover::shrubland, LandCover::grassland, LandCover::water, LandCover::bare};

struct Design {
  std::vector<ReferenceSample> sample;
  std::vector<PlotMatch> matches;
  std::vector<int> zone_of_unit;
  std::vector<ZoneTally> tallies;  // by zone
  std::array<double, kLandCoverClasses> mapped{};
};

// A labelled stratified sample with known design, seeded.
Design draw(std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  Design d;
  d.tallies.resize(kZones.size());
  for (std::size_t z = 0; z < kZones.size(); ++z) {
    for (LandCover c : kClasses) {
      // Stratum sizes from a few cells (sampled whole) to many; 2 to 40 units.
      const bool tiny = uniform(random) < 0.2;
      const double cells = tiny ? double(1 + int(uniform(random) * 3)) : std::floor(200 + uniform(random) * 20000);
      const int n = tiny ? int(cells) : 2 + int(uniform(random) * 38);
      const double area = cells * kCellArea;
      d.tallies[z].class_area_by_zone[int(z)][std::size_t(c)] = area;
      d.tallies[z].landcover_area[int(c)] = area;
      d.mapped[std::size_t(c)] += area;
      const double right = 0.55 + 0.4 * uniform(random);  // the stratum's share labelled as its map class
      for (int k = 0; k < n; ++k) {
        ReferenceSample s;
        s.lon = 107, s.lat = 40, s.year = 2023, s.row = int(d.sample.size() + 1);
        s.reference = uniform(random) < right ? c : kClasses[std::size_t(uniform(random) * double(kClasses.size()))];
        s.unit_code = kZones[z], s.map_class = c, s.stratum = kZones[z] + "/" + land_cover_name(c);
        s.stratum_area_m2 = area, s.stratum_cells = cells;
        // This year's map: mostly the design's class, now and then another (a rerun on a newer map).
        const LandCover now = uniform(random) < 0.9 ? c : kClasses[std::size_t(uniform(random) * double(kClasses.size()))];
        d.matches.push_back({d.sample.size(), PlotStatus::not_grassland, 0.3, now});
        d.zone_of_unit.push_back(int(z));
        d.tallies[z].sample_units.push_back(d.sample.size());
        d.sample.push_back(s);
      }
    }
  }
  return d;
}

const char* kQuantities[] = {"forest", "water", "wetland", "grassland"};

// What R's survey gives: "name estimate se" per line.
std::map<std::string, std::pair<double, double>> survey_estimates(const Design& d, const fs::path& dir) {
  fs::create_directories(dir);
  {
    std::ofstream csv(dir / "units.csv");
    csv << "stratum,size,cells,zone,map,ref\n";
    for (std::size_t k = 0; k < d.sample.size(); ++k) {
      const ReferenceSample& s = d.sample[k];
      csv << '"' << s.stratum << "\"," << std::setprecision(17) << s.stratum_area_m2 << "," << s.stratum_cells << "," << s.unit_code << ","
          << int(d.matches[k].land_cover) << "," << int(s.reference) << "\n";
    }
  }
  std::ofstream r(dir / "estimate.R");
  r << "suppressMessages(library(survey))\n"
       "d <- read.csv('" << (dir / "units.csv").string() << "', colClasses = c(zone = 'character'))\n"
       "d$n <- ave(rep(1, nrow(d)), d$stratum, FUN = sum)\n"
       "d$w <- d$size / d$n\n"
       "des <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~cells, data = d)\n"
       "out <- function(name, e) cat(name, format(coef(e)[[1]], digits = 17), format(SE(e)[[1]], digits = 17), '\\n')\n"
       // A fresh design over a copy with the two columns (update() would read a column of the data of
       // the same name before the function's argument).
       "ratio <- function(name, num, den) { e <- d; e$num <- num; e$den <- den;\n"
       "  e <- svyratio(~num, ~den, svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~cells, data = e));\n"
       "  cat(name, format(coef(e)[[1]], digits = 17), format(SE(e)[[1]], digits = 17), '\\n') }\n"
       // LANDCOVER codes: tree 1, shrubland 2, grassland 3, water 5, wetland 6.
       "q <- list(forest = d$ref == 1, water = d$ref == 5, wetland = d$ref %in% c(5, 6), grassland = d$ref == 3)\n"
       "units <- list(";
  for (const auto& z : kZones) r << "'" << z << "' = d$zone == '" << z << "', ";
  r << "city = rep(TRUE, nrow(d)))\n"
       "for (u in names(units)) for (k in names(q)) {\n"
       "  des <- update(des, y = as.numeric(q[[k]] & units[[u]])); out(paste0(u, ':', k), svytotal(~y, des)) }\n"
       "for (j in c(1, 2, 3, 5, 6, 7)) {\n"
       "  des <- update(des, y = as.numeric(d$ref == j)); out(paste0('area:', j), svytotal(~y, des))\n"
       "  if (any(d$map == j)) ratio(paste0('users:', j), as.numeric(d$map == j & d$ref == j), as.numeric(d$map == j))\n"
       "  if (any(d$ref == j)) ratio(paste0('producers:', j), as.numeric(d$map == j & d$ref == j), as.numeric(d$ref == j)) }\n"
       "ratio('overall', as.numeric(d$map == d$ref), rep(1, nrow(d)))\n";
  r.close();
  const std::string command = "Rscript " + (dir / "estimate.R").string() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string text;
  if (pipe) {
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe)) text += buf;
    const int status = pclose(pipe);
    EXPECT_EQ(status, 0) << "R's survey package is the reference here: install r-base-core and r-cran-survey "
                            "(scripts/install_deps.sh --tests). R said:\n"
                         << text;
  }
  std::map<std::string, std::pair<double, double>> out;
  std::istringstream lines(text);
  std::string name;
  double estimate = 0, se = 0;
  while (lines >> name >> estimate >> se) out[name] = {estimate, se};
  return out;
}

void expect_same(double ours, double theirs, const std::string& what) {
  EXPECT_NEAR(ours, theirs, 1e-9 * std::max(1.0, std::abs(theirs))) << what;
}

}  // namespace

TEST(SurveyReference, EveryUnitsEstimateAndStandardErrorAreRsSurveysOnTheSameDesign) {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    const Design d = draw(seed);
    SampleFrame frame;
    frame.cell_area = kCellArea;
    frame.zone_codes = kZones;
    for (const ZoneTally& t : d.tallies) {
      frame.class_area.emplace_back();
      for (int c = 0; c < kLandCoverClasses; ++c) frame.class_area.back()[std::size_t(c)] = t.landcover_area[c];
    }
    const ClassAccuracy a = assess_land_cover(d.matches, d.sample, d.mapped, {}, 5, d.zone_of_unit, frame);
    ASSERT_TRUE(a.applied()) << a.problem;
    ASSERT_TRUE(a.design.has_value());
    EXPECT_GT(a.off_stratum, 0u);  // the design's strata are used, not this map's classes
    const auto r = survey_estimates(d, fs::temp_directory_path() / ("ecomon_survey_" + std::to_string(seed)));
    ASSERT_FALSE(r.empty());

    ZoneTally city;
    for (const ZoneTally& t : d.tallies) city.merge(t);
    std::vector<std::pair<std::string, const ZoneTally*>> units;
    for (std::size_t z = 0; z < kZones.size(); ++z) units.push_back({kZones[z], &d.tallies[z]});
    units.push_back({"city", &city});
    int compared = 0;
    for (const auto& [code, tally] : units)
      for (int q = 0; q < kSampleQuantities; ++q) {
        const std::string key = code + ":" + kQuantities[q];
        const UnitAreaEstimate e = a.unit_area(*tally, SampleQuantity(q));
        ASSERT_TRUE(e.valid()) << key << ": " << e.problem;
        ASSERT_TRUE(r.count(key)) << key;
        expect_same(e.area, r.at(key).first, key + " area (seed " + std::to_string(seed) + ")");
        expect_same(e.se, r.at(key).second, key + " se (seed " + std::to_string(seed) + ")");
        ++compared;
      }
    for (std::size_t j = 0; j < a.classes.size(); ++j) {
      const geo::ClassEstimate& c = a.region->classes[j];
      const std::string code = std::to_string(int(a.classes[j]));
      expect_same(c.area, r.at("area:" + code).first, "area " + code);
      expect_same(c.area_se, r.at("area:" + code).second, "area se " + code);
      if (r.count("users:" + code)) {
        expect_same(c.users_accuracy, r.at("users:" + code).first, "users " + code);
        expect_same(c.users_se, r.at("users:" + code).second, "users se " + code);
      }
      if (r.count("producers:" + code)) {
        expect_same(c.producers_accuracy, r.at("producers:" + code).first, "producers " + code);
        expect_same(c.producers_se, r.at("producers:" + code).second, "producers se " + code);
      }
      compared += 2;
    }
    expect_same(a.region->overall_accuracy, r.at("overall").first, "overall");
    expect_same(a.region->overall_se, r.at("overall").second, "overall se");
    EXPECT_GE(compared, 16 + 8);
  }
}

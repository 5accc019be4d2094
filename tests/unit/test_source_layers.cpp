// The folders of pipeline/src form layers, and an include never runs back up: a folder includes
// only its own headers, libgeo and the folders below it. The order (docs/DEVELOPERS.md, "Where things live"):
//   base < rules < config < sensors < ground < landcover < results < products < engine < carbon < targets < report < catalog < app
// (main.cpp above them all). A new arrow upwards fails here, naming the file and the include. And
// the registries keep their contracts (every product, indicator and config key documented).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <algorithm>
#include <sstream>
#include <string>

#include "config/schema.hpp"
#include "products/indicators.hpp"
#include "products/product_specs.hpp"

namespace fs = std::filesystem;

TEST(SourceLayers, NoIncludeRunsBackUpBetweenFolders) {
  const std::vector<std::string> order = {"base",     "rules",   "config",  "sensors", "ground", "landcover",
                                          "results",  "products", "engine", "carbon", "targets", "report", "catalog", "server", "app"};
  std::map<std::string, int> rank;
  for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = int(i);
  const fs::path src = fs::path(ECOMON_SOURCE_DIR) / "pipeline" / "src";
  const std::regex include(R"re(#include "([a-z_0-9]+)/)re");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), src);
    const std::string folder = relative.begin()->string();
    if (relative.has_parent_path() == false) continue;  // main.cpp
    ASSERT_TRUE(rank.count(folder)) << "pipeline/src/" << folder << " is not in the layer order of this test and docs/DEVELOPERS.md";
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto m = std::sregex_iterator(s.begin(), s.end(), include); m != std::sregex_iterator(); ++m) {
      const std::string target = (*m)[1];
      if (!rank.count(target)) continue;  // libgeo
      EXPECT_LE(rank[target], rank[folder]) << relative.string() << " includes " << target << "/, a folder above " << folder << "/";
    }
  }
  EXPECT_GT(files, 50);
}

// The registries' contracts: every product is documented and named once per level, every indicator
// has its Chinese name and meaning, every target indicator has an estimate, every config key a doc.

TEST(Registries, EveryProductIndicatorAndKeyIsDocumented) {
  using namespace ecomon;
  for (const auto* level : {&scene_products(), &season_products(), &trend_products()}) {
    std::set<std::string> names;
    for (const ProductSpec& p : *level) {
      EXPECT_FALSE(p.description.empty()) << p.name;
      EXPECT_TRUE(names.insert(p.name).second) << p.name << " twice in one level";
      EXPECT_EQ(p.categorical, !p.colours.empty()) << p.name << ": a class product has its colours and class names, a continuous one none";
    }
  }
  for (const ProductSpec& p : season_products()) EXPECT_TRUE(bool(p.season_value)) << p.name << ": a season product without its per-cell value";
  std::set<std::string> keys;
  for (const Indicator& i : indicators()) {
    EXPECT_TRUE(keys.insert(i.key).second) << i.key << " twice";
    EXPECT_FALSE(i.zh.empty()) << i.key;
    EXPECT_FALSE(i.meaning.empty()) << i.key;
  }
  for (const std::string& t : target_indicators()) EXPECT_TRUE(bool(indicator(t).estimate)) << t << " can be a target but has no estimate";
  for (const config_keys::KeyDef& d : config_keys::registered_keys()) {
    EXPECT_FALSE(d.doc.empty()) << d.key;
    // section.name, or section.group.name (carbon.casa.climate_dir)
    EXPECT_GE(std::count(d.key.begin(), d.key.end(), '.'), 1) << d.key;
    EXPECT_LE(std::count(d.key.begin(), d.key.end(), '.'), 2) << d.key;
  }
}

// The folders of pipeline/src form layers, and an include never runs back up: a folder includes
// only its own headers, libgeo and the folders below it. The order (README, "Where things live"):
//   base < rules < config < sensors < ground < landcover < results < products < engine < targets < report < app
// (main.cpp above them all). A new arrow upwards fails here, naming the file and the include.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

TEST(SourceLayers, NoIncludeRunsBackUpBetweenFolders) {
  const std::vector<std::string> order = {"base",     "rules",   "config",  "sensors", "ground", "landcover",
                                          "results",  "products", "engine", "targets", "report", "app"};
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
    ASSERT_TRUE(rank.count(folder)) << "pipeline/src/" << folder << " is not in the layer order of this test and the README";
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

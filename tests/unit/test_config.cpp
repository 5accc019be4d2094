// Strict configuration: errors name the file, the key and what is allowed; overrides are checked the
// same way; config/README.md documents exactly the schema.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/settings.hpp"
#include "landcover/layer.hpp"

using namespace ecomon;

namespace {
std::string write_config(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "ecomon_config_tests";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}
std::string error_of(const std::string& path, const std::vector<std::string>& overrides = {}) {
  try {
    load_settings(path, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Config, LoadsValuesAndResolvesPathsAgainstTheFile) {
  const auto path = write_config("ok.yaml", "input: {dir: scenes}\nfvc: {ndvi_soil: auto, ndvi_veg: 0.9}\nrun: {threads: 2}\n");
  const Settings s = load_settings(path, {});
  EXPECT_EQ(s.run.threads, 2);
  EXPECT_FALSE(s.fvc.ndvi_soil.has_value());
  EXPECT_DOUBLE_EQ(*s.fvc.ndvi_veg, 0.9);
  EXPECT_EQ(s.input.dir, (std::filesystem::path(path).parent_path() / "scenes").string());
}

TEST(Config, UnknownKeyNamesFileKeyAndKnownKeys) {
  const auto path = write_config("unknown.yaml", "fvc:\n  ndvi_sol: 0.1\n");
  const std::string e = error_of(path);
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'fvc.ndvi_sol'"), std::string::npos) << e;
  EXPECT_NE(e.find("fvc.ndvi_soil"), std::string::npos) << e;  // lists what is known
}

TEST(Config, WrongTypeAndOutOfRange) {
  std::string e = error_of(write_config("type.yaml", "run: {threads: many}\n"));
  EXPECT_NE(e.find("'run.threads'"), std::string::npos) << e;
  EXPECT_NE(e.find("not a number"), std::string::npos) << e;
  e = error_of(write_config("range.yaml", "fvc: {ndvi_veg: 1.5}\n"));
  EXPECT_NE(e.find("'fvc.ndvi_veg'"), std::string::npos) << e;
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  EXPECT_NE(e.find("[-1, 1]"), std::string::npos) << e;
  e = error_of(write_config("choice.yaml", "output: {codec: JPEG}\n"));
  EXPECT_NE(e.find("ZSTD, DEFLATE, LZW, NONE"), std::string::npos) << e;
  e = error_of(write_config("int.yaml", "run: {window_rows: 12.5}\n"));
  EXPECT_NE(e.find("not an integer"), std::string::npos) << e;
}

TEST(Config, CrossKeyChecks) {
  const std::string e = error_of(write_config("order.yaml", "fvc: {ndvi_soil: 0.5, ndvi_veg: 0.3}\n"));
  EXPECT_NE(e.find("fvc.ndvi_veg"), std::string::npos) << e;
}

TEST(Config, OverridesAreCheckedLikeFileEntries) {
  const auto path = write_config("base.yaml", "input: {dir: x}\n");
  EXPECT_EQ(*load_settings(path, {"fvc.ndvi_soil=0.2"}).fvc.ndvi_soil, 0.2);
  EXPECT_FALSE(load_settings(path, {"fvc.ndvi_veg=auto"}).fvc.ndvi_veg.has_value());
  EXPECT_NE(error_of(path, {"fvc.ndvi_veg=2"}).find("out of range"), std::string::npos);
  EXPECT_NE(error_of(path, {"nope.key=1"}).find("unknown key 'nope.key'"), std::string::npos);
  EXPECT_NE(error_of(path, {"fvc.ndvi_soil"}).find("key.path=value"), std::string::npos);
}

TEST(Config, ReadmeDocumentsExactlyTheSchema) {
  std::ifstream f(std::string(ECOMON_SOURCE_DIR) + "/config/README.md");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find(settings_reference_markdown()), std::string::npos)
      << "config/README.md is out of date: paste the output of `ecomon config-reference` into it";
}

TEST(Config, ParseSettingsFromTextIsTheSameStrictParser) {
  const Settings s = parse_settings("run: {threads: 3}\nseason: {pixel_size: 60}\n", "inline");
  EXPECT_EQ(s.run.threads, 3);
  EXPECT_EQ(s.season.pixel_size, 60);
  for (const std::string& bad : std::vector<std::string>{"a: [", "run: {threads: [1, 2]}", "run: 5", "- a\n- b",
                                                         std::string("\xff\xfe: {", 5), "run: {window_rows: 1e999}"}) {
    try {
      parse_settings(bad, "inline");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("inline: ", 0), 0u) << e.what();
    }
  }
}

TEST(Config, DocumentedDefaultsAreTheFieldsOwn) {
  // The reference is printed from a default-constructed Settings: a default changed in the struct
  // changes the documentation with it.
  const std::string md = settings_reference_markdown();
  EXPECT_NE(md.find("| `run.window_rows` | integer | rows | 256 |"), std::string::npos);
  EXPECT_NE(md.find("| `fvc.ndvi_soil` | number or `auto` | NDVI | 0.05 |"), std::string::npos);
  EXPECT_NE(md.find("| `input.dir` | path |  | (required) |"), std::string::npos);
  EXPECT_NE(md.find("| `season.grid_crs` | string |  | +proj=aea"), std::string::npos);
}

namespace {

TEST(Config, LandCoverLayerSchemesAndTheirCodeTables) {
  const Settings s = parse_settings(
      "landcover: {file: lc.tif, scheme: custom, custom_codes: {1: cropland, 21: tree, 31: grassland}, resampling: nearest}\n", "inline",
      "/data");
  EXPECT_EQ(s.landcover.file, "/data/lc.tif");
  EXPECT_EQ(s.landcover.custom_codes, "1=cropland,21=tree,31=grassland");
  const auto table = land_cover_code_table("custom", s.landcover.custom_codes);
  EXPECT_EQ(table[21], LandCover::tree);
  EXPECT_EQ(table[2], LandCover::unknown);
  EXPECT_EQ(land_cover_code_table("worldcover", "")[40], LandCover::cropland);
  EXPECT_EQ(land_cover_code_table("clcd", "")[3], LandCover::shrubland);
  auto error = [](const std::string& text) {
    try {
      parse_settings(text, "lc.yaml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("landcover: {file: lc.tif, scheme: corine}\n").find("lc.yaml: key 'landcover.scheme' has value 'corine'"),
            std::string::npos);
  EXPECT_NE(error("landcover: {scheme: corine}\n").find("worldcover, clcd, custom"), std::string::npos) << "the allowed schemes are listed";
  EXPECT_NE(error("landcover: {scheme: custom, custom_codes: {1: forest}}\n").find("'forest' is not a land cover class"),
            std::string::npos);
  EXPECT_NE(error("landcover: {scheme: custom, custom_codes: {x1: tree}}\n").find("'x1' is not a raster code"), std::string::npos);
  EXPECT_NE(error("landcover: {file: lc.tif, scheme: custom}\n").find("landcover.custom_codes is empty"), std::string::npos);
  EXPECT_NE(error("landcover: {custom_codes: {1: tree}}\n").find("landcover.scheme is worldcover"), std::string::npos);
}

}  // namespace

TEST(Config, OutputProductsSelectLevelsAndProducts) {
  OutputSection o;
  auto selected = [&](const std::string& products, const std::string& level, const std::string& name) {
    o.products = products;
    return product_selected(o, level, name);
  };
  EXPECT_TRUE(selected("all", "scene", "NDVI"));
  EXPECT_TRUE(selected("true", "trends", "FVC_TREND_CLASS"));  // the boolean of earlier configs
  EXPECT_FALSE(selected("none", "season", "FVC"));
  EXPECT_FALSE(selected("false", "season", "FVC"));
  EXPECT_TRUE(selected("season", "season", "LANDCOVER"));
  EXPECT_FALSE(selected("season", "scene", "NDVI"));
  EXPECT_TRUE(selected("season/landcover,scene/NDVI", "season", "LANDCOVER"));  // any case
  EXPECT_FALSE(selected("season/landcover,scene/NDVI", "season", "NDVI_MAX"));
  EXPECT_FALSE(selected("season/landcover,scene/NDVI", "scene", "LANDCOVER"));
  EXPECT_TRUE(selected("fvc", "scene", "FVC"));  // a bare name: every level that has it
  EXPECT_TRUE(selected("fvc", "season", "FVC"));
  EXPECT_FALSE(selected("fvc", "season", "FVC_TREND"));
  // A YAML list arrives joined; an empty list, a nested item or a stray character is refused.
  EXPECT_EQ(parse_settings("output: {products: [season, scene/NDVI]}\n", "c.yaml").output.products, "season,scene/NDVI");
  for (const char* text : {"output: {products: []}\n", "output: {products: [season, [x]]}\n", "output: {products: 'scene/NDVI;rm'}\n"}) {
    try {
      parse_settings(text, "c.yaml");
      ADD_FAILURE() << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("output.products"), std::string::npos) << e.what();
    }
  }
}

// The shipped configs parse: the demo's, and the template the systemd unit and cron line run.
TEST(Config, TheShippedConfigsAreValid) {
  for (const char* name : {"demo.yaml", "nightly.yaml", "bayannur_30m.yaml"}) {
    const std::string path = std::string(ECOMON_SOURCE_DIR) + "/config/" + name;
    EXPECT_NO_THROW(load_settings(path, {})) << path;
  }
  const Settings nightly = load_settings(std::string(ECOMON_SOURCE_DIR) + "/config/nightly.yaml", {});
  EXPECT_EQ(nightly.season.pixel_size, 30);
}

// A workspace keeps the settings each year was made with as setting_values() texts; reading them
// back gives the same settings, key for key: empty paths, `auto` end-members, lists and exact numbers.
TEST(Config, StoredSettingValuesReadBackToTheSameSettings) {
  ecomon::Settings changed;
  for (const char* o : {"fvc.ndvi_soil=auto", "water.land_max_frequency=0.4375", "forest.special_shrubland=150821,150822",
                        "output.products=FVC,LANDCOVER", "season.pixel_size=60", "calibration.plots_file=/data/plots.csv"})
    ecomon::apply_override(changed, o);
  for (const ecomon::Settings& s : {ecomon::Settings{}, changed}) {
    const auto values = ecomon::setting_values(s);
    const auto again = ecomon::setting_values(ecomon::settings_from_values(values, "stored"));
    ASSERT_EQ(again.size(), values.size());
    for (std::size_t k = 0; k < values.size(); ++k) EXPECT_EQ(again[k].text, values[k].text) << values[k].key;
  }
  EXPECT_FALSE(ecomon::settings_from_values(ecomon::setting_values(changed), "stored").fvc.ndvi_soil.has_value());
  EXPECT_TRUE(ecomon::settings_from_values(ecomon::setting_values(ecomon::Settings{}), "stored").calibration.plots_file.empty());
  EXPECT_THROW(ecomon::settings_from_values({{"no.such_key", "1", false}}, "stored"), ecomon::ConfigError);
}

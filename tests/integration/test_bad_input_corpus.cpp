// The bad-input corpus: over a hundred damaged inputs generated here, each of which must end in a
// clear error naming the file and the problem. Scenes: one inbox holds a good scene and one damaged
// copy per case (each its own acquisition date, so its own product id); one run must process the
// good one, report every damaged one in scene_status.csv and quarantine it in the catalog, and end
// with exit code 3. Configs, zones, plots, samples, targets and output folders: `ecomon check` or
// `ecomon run` must stop with exit code 2 and a message naming the file and the problem.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "helpers.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

// ---- scenes

struct SceneCase {
  std::string name;
  // Damages `s` (a fresh simulated scene under `inbox`); returns the path fragment the scene's
  // status row must name (its metadata path or archive) when it is not the MTL's folder.
  std::function<std::string(const ecomon::SimulatedScene& s, const fs::path& inbox)> damage;
  std::string message;  // a fragment of the message
  std::string status = "failed";
};

std::string band(const ecomon::SimulatedScene& s, const std::string& suffix) { return s.folder + "/" + s.product_id + "_" + suffix; }
void write_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
void edit_mtl(const ecomon::SimulatedScene& s, const std::function<std::string(std::string)>& edit) {
  write_bytes(s.mtl_path, edit(read_file(s.mtl_path)));
}
std::string without_line(std::string text, const std::string& key) {
  const auto at = text.find("    " + key + " = ");
  if (at == std::string::npos) return text;
  return text.erase(at, text.find('\n', at) + 1 - at);
}
std::string with_value(std::string text, const std::string& key, const std::string& value) {
  const auto at = text.find("    " + key + " = ");
  if (at == std::string::npos) return text;
  const auto v = at + 4 + key.size() + 3;
  return text.replace(v, text.find('\n', v) - v, value);
}
void shell(const std::string& command) { ASSERT_EQ(run_shell(command).exit_code, 0) << command; }

std::vector<SceneCase> scene_cases() {
  const auto same = [](const ecomon::SimulatedScene&, const fs::path&) { return std::string(); };
  auto truncate = [](const std::string& suffix, double keep) {
    return [suffix, keep](const ecomon::SimulatedScene& s, const fs::path&) {
      fs::resize_file(band(s, suffix), std::uintmax_t(double(fs::file_size(band(s, suffix))) * keep));
      return std::string();
    };
  };
  auto replace_band = [](const std::string& suffix, const std::string& bytes) {
    return [suffix, bytes](const ecomon::SimulatedScene& s, const fs::path&) {
      write_bytes(band(s, suffix), bytes);
      return std::string();
    };
  };
  auto remove_band = [](const std::string& suffix) {
    return [suffix](const ecomon::SimulatedScene& s, const fs::path&) {
      fs::remove(band(s, suffix));
      return std::string();
    };
  };
  auto drop_key = [](const std::string& key) {
    return [key](const ecomon::SimulatedScene& s, const fs::path&) {
      edit_mtl(s, [&](std::string t) { return without_line(t, key); });
      return std::string();
    };
  };
  auto set_key = [](const std::string& key, const std::string& value) {
    return [key, value](const ecomon::SimulatedScene& s, const fs::path&) {
      edit_mtl(s, [&](std::string t) { return with_value(t, key, value); });
      return std::string();
    };
  };
  auto gdal_edit = [](const std::string& suffix, const std::string& args) {
    return [suffix, args](const ecomon::SimulatedScene& s, const fs::path&) {
      shell("gdal_edit.py " + args + " " + band(s, suffix));
      return std::string();
    };
  };
  // A band rewritten by gdal_translate with `options` (another window, type or band count).
  auto translate = [](const std::string& suffix, const std::string& options) {
    return [suffix, options](const ecomon::SimulatedScene& s, const fs::path&) {
      shell("gdal_translate -q " + options + " " + band(s, suffix) + " " + band(s, "translated.TIF"));
      fs::rename(band(s, "translated.TIF"), band(s, suffix));
      return std::string();
    };
  };
  const std::string tiff_header("II*\0\x08\0\0\0", 8);
  std::vector<SceneCase> cases = {
      {"truncated red band", truncate("SR_B4.TIF", 0.5), "SR_B4.TIF"},
      {"truncated NIR band to its header", truncate("SR_B5.TIF", 0.02), "SR_B5.TIF"},
      {"truncated QA_PIXEL", truncate("QA_PIXEL.TIF", 0.3), "QA_PIXEL.TIF"},
      {"zero-byte red band", truncate("SR_B4.TIF", 0), "SR_B4.TIF"},
      {"zero-byte QA_PIXEL", truncate("QA_PIXEL.TIF", 0), "QA_PIXEL.TIF"},
      {"text file named .TIF", replace_band("SR_B5.TIF", "this is not a GeoTIFF\n"), "SR_B5.TIF"},
      {"HTML error page named .TIF", replace_band("SR_B6.TIF", "<html><body>503 Service Unavailable</body></html>"), "SR_B6.TIF"},
      {"TIFF header only", replace_band("SR_B3.TIF", tiff_header), "SR_B3.TIF"},
      {"PNG named .TIF", replace_band("SR_B4.TIF", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(200, '\0')), "SR_B4.TIF"},
      {"gzip named .TIF", replace_band("SR_B2.TIF", std::string("\x1f\x8b\x08\0", 4) + std::string(300, 'z')), "SR_B2.TIF"},
      {"missing red band", remove_band("SR_B4.TIF"), "SR_B4.TIF"},
      {"missing SWIR1 band", remove_band("SR_B6.TIF"), "SR_B6.TIF"},
      {"missing QA_PIXEL", remove_band("QA_PIXEL.TIF"), "QA_PIXEL.TIF"},
      {"missing QA_RADSAT", remove_band("QA_RADSAT.TIF"), "QA_RADSAT.TIF"},
      {"band that is a folder",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         fs::remove(band(s, "SR_B5.TIF"));
         fs::create_directories(band(s, "SR_B5.TIF"));
         return std::string();
       },
       "SR_B5.TIF"},
      {"band of another size", translate("SR_B4.TIF", "-srcwin 0 0 50 40"), "SR_B4.TIF"},
      {"QA_PIXEL of another size", translate("QA_PIXEL.TIF", "-srcwin 1 1 60 60"), "QA_PIXEL.TIF"},
      {"band of another CRS", gdal_edit("SR_B5.TIF", "-a_srs EPSG:32648"), "SR_B5.TIF"},
      {"band of another geotransform", gdal_edit("SR_B4.TIF", "-a_ullr 500000 4600000 503300 4596700"), "SR_B4.TIF"},
      {"band stored as Float32", translate("SR_B4.TIF", "-ot Float32"), "SR_B4.TIF"},
      {"band stored as Byte", translate("SR_B5.TIF", "-ot Byte -scale"), "SR_B5.TIF"},
      {"band with two bands", translate("SR_B3.TIF", "-b 1 -b 1"), "SR_B3.TIF"},
      {"band that is a FIFO",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         fs::remove(band(s, "SR_B6.TIF"));
         ::mkfifo(band(s, "SR_B6.TIF").c_str(), 0644);
         return std::string();
       },
       "SR_B6.TIF"},
      {"missing MTL",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         fs::remove(s.mtl_path);
         return s.folder;
       },
       "band files"},
      {"MTL of random bytes", [](const ecomon::SimulatedScene& s, const fs::path&) {
         std::string junk;
         for (int i = 0; i < 4000; ++i) junk += char((i * 7919) % 251);
         write_bytes(s.mtl_path, junk);
         return std::string();
       }, "_MTL.txt"},
      {"empty MTL", [](const ecomon::SimulatedScene& s, const fs::path&) { write_bytes(s.mtl_path, ""); return std::string(); }, "_MTL.txt"},
      {"MTL cut in half",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         fs::resize_file(s.mtl_path, fs::file_size(s.mtl_path) / 2);
         return std::string();
       },
       "_MTL.txt"},
      {"MTL in UTF-16",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         std::string text = read_file(s.mtl_path), wide = "\xff\xfe";
         for (char c : text) wide += c, wide += '\0';
         write_bytes(s.mtl_path, wide);
         return std::string();
       },
       "_MTL.txt"},
      {"MTL that is a folder",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         fs::remove(s.mtl_path);
         fs::create_directories(s.mtl_path);
         return s.folder;
       },
       ""},
      {"MTL without DATE_ACQUIRED", drop_key("DATE_ACQUIRED"), "DATE_ACQUIRED"},
      {"MTL without LANDSAT_PRODUCT_ID", drop_key("LANDSAT_PRODUCT_ID"), "_MTL.txt"},
      {"MTL without SPACECRAFT_ID", drop_key("SPACECRAFT_ID"), "SPACECRAFT_ID"},
      {"MTL without the red band's file name", drop_key("FILE_NAME_BAND_4"), "FILE_NAME_BAND_4"},
      {"MTL without the QA_PIXEL file name", drop_key("FILE_NAME_QUALITY_L1_PIXEL"), "FILE_NAME_QUALITY_L1_PIXEL"},
      {"MTL without the red band's gain", drop_key("REFLECTANCE_MULT_BAND_4"), "REFLECTANCE_MULT_BAND_4"},
      {"MTL without the NIR band's offset", drop_key("REFLECTANCE_ADD_BAND_5"), "REFLECTANCE_ADD_BAND_5"},
      {"MTL without the UTM zone", drop_key("UTM_ZONE"), "_MTL.txt"},
      {"MTL UTM zone beyond any integer", set_key("UTM_ZONE", "4e76"), "UTM_ZONE"},
      {"MTL UTM zone not whole", set_key("UTM_ZONE", "48.5"), "UTM_ZONE"},
      {"MTL WRS row 0", set_key("WRS_ROW", "0"), "WRS_ROW"},
      {"MTL gain that is not a number", set_key("REFLECTANCE_MULT_BAND_4", "abc"), "REFLECTANCE_MULT_BAND_4"},
      {"MTL gain of 1e38", set_key("REFLECTANCE_MULT_BAND_4", "1e38"), "REFLECTANCE_MULT_BAND_4"},
      {"MTL gain of zero", set_key("REFLECTANCE_MULT_BAND_5", "0"), "REFLECTANCE_MULT_BAND_5"},
      {"MTL gain NaN", set_key("REFLECTANCE_MULT_BAND_3", "nan"), "REFLECTANCE_MULT_BAND_3"},
      {"MTL date not a calendar date", set_key("DATE_ACQUIRED", "2023-02-30"), "DATE_ACQUIRED"},
      {"MTL date in another format", set_key("DATE_ACQUIRED", "20/07/2023"), "DATE_ACQUIRED"},
      {"MTL date disagreeing with the product id", set_key("DATE_ACQUIRED", "2021-06-01"), "DATE_ACQUIRED"},
      {"MTL band file naming another folder", set_key("FILE_NAME_BAND_4", "\"../../etc/passwd\""), "FILE_NAME_BAND_4"},
      {"MTL band file naming a missing file", set_key("FILE_NAME_BAND_5", "\"NO_SUCH_BAND.TIF\""), "NO_SUCH_BAND.TIF"},
      {"MTL with a key twice",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         edit_mtl(s, [](std::string t) {
           const auto at = t.find("    DATE_ACQUIRED = ");
           return t.insert(at, "    DATE_ACQUIRED = 2023-01-01\n");
         });
         return std::string();
       },
       "DATE_ACQUIRED"},
      {"MTL with NUL bytes",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         edit_mtl(s, [](std::string t) { return t.replace(t.size() / 3, 40, std::string(40, '\0')); });
         return std::string();
       },
       "_MTL.txt"},
      {"MTL with a 2 MB line",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         edit_mtl(s, [](std::string t) { return with_value(t, "SPACECRAFT_ID", std::string(2 << 20, 'L')); });
         return std::string();
       },
       "SPACECRAFT_ID"},
      // Tolerated: the groups carry no value, and every key is still read from its group.
      {"MTL with an END_GROUP missing", drop_key("END_GROUP"), "", "ok"},
      {"MTL with a line that is not KEY = VALUE",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         edit_mtl(s, [](std::string t) { return t.insert(t.find("    DATE_ACQUIRED = "), "    THIS LINE IS NOT KEY VALUE\n"); });
         return std::string();
       },
       "is not KEY = VALUE"},
      {"product id off the naming convention", set_key("LANDSAT_PRODUCT_ID", "\"LC08_BOGUS\""), "LANDSAT_PRODUCT_ID"},
      {"truncated .tar",
       [](const ecomon::SimulatedScene& s, const fs::path& inbox) {
         const fs::path tar = inbox / (s.product_id + ".tar");
         shell("tar -C " + fs::path(s.folder).parent_path().string() + " -cf " + tar.string() + " " + s.product_id);
         fs::remove_all(s.folder);
         fs::resize_file(tar, fs::file_size(tar) / 2);
         return tar.string();
       },
       ".tar"},
      {"tar of random bytes",
       [](const ecomon::SimulatedScene& s, const fs::path& inbox) {
         const fs::path tar = inbox / (s.product_id + ".tar");
         std::string junk;
         for (int i = 0; i < 30000; ++i) junk += char((i * 7919) % 251);
         write_bytes(tar.string(), junk);
         fs::remove_all(s.folder);
         return tar.string();
       },
       ".tar"},
      {"empty .tar",
       [](const ecomon::SimulatedScene& s, const fs::path& inbox) {
         const fs::path tar = inbox / (s.product_id + ".tar");
         write_bytes(tar.string(), "");
         fs::remove_all(s.folder);
         return tar.string();
       },
       ".tar"},
      {"zip of random bytes",
       [](const ecomon::SimulatedScene& s, const fs::path& inbox) {
         const fs::path zip = inbox / (s.product_id + ".zip");
         write_bytes(zip.string(), std::string("PK\x03\x04", 4) + std::string(3000, 'q'));
         fs::remove_all(s.folder);
         return zip.string();
       },
       ".zip"},
      {"the same scene twice (folder and .tar)",
       [](const ecomon::SimulatedScene& s, const fs::path& inbox) {
         const fs::path tar = inbox / ("zz_copy_of_" + s.product_id + ".tar");
         shell("tar -C " + fs::path(s.folder).parent_path().string() + " -cf " + tar.string() + " " + s.product_id);
         return tar.string();
       },
       "same product as", "duplicate"},
      {"the same scene twice (two folders)",
       [](const ecomon::SimulatedScene& s, const fs::path& inbox) {
         fs::create_directories(inbox / "zz_copy");
         fs::copy(s.folder, inbox / "zz_copy" / s.product_id, fs::copy_options::recursive);
         return (inbox / "zz_copy").string();
       },
       "same product as", "duplicate"},
      {"a symlink loop",
       [](const ecomon::SimulatedScene& s, const fs::path&) {
         fs::create_symlink("loop", fs::path(s.folder) / "loop");
         return (fs::path(s.folder) / "loop").string();
       },
       "cannot be read"},
  };
  (void)same;
  return cases;
}

// ---- files a run reads before the imagery

struct FileCase {
  std::string name;
  std::string file;     // the file to write in the case's folder ("" none)
  std::string content;  // its content
  std::string args;     // after `ecomon`; @ stands for the case's folder
  std::string message;  // a fragment of the error, besides the file's name
  std::string setup;    // a shell command run in the case's folder first ("" none)
  std::string names;    // what the message must name when not the file: the key of the config that names a missing file
};

const std::string kZone = R"({"type":"Feature","properties":{"code":"z","name":"zone"},"geometry":{"type":"Polygon","coordinates":[[[108.902,40.902],[108.918,40.902],[108.918,40.913],[108.902,40.913],[108.902,40.902]]]}})";
std::string collection(const std::string& features) { return R"({"type":"FeatureCollection","features":[)" + features + "]}"; }
std::string feature(const std::string& properties, const std::string& geometry) {
  return R"({"type":"Feature","properties":)" + properties + R"(,"geometry":)" + geometry + "}";
}
const std::string kBox = R"({"type":"Polygon","coordinates":[[[108.90,40.90],[108.91,40.90],[108.91,40.91],[108.90,40.91],[108.90,40.90]]]})";

std::vector<FileCase> file_cases() {
  const std::string check = "check @/c.yaml";
  const std::string base = "input: {dir: in}\nzones: {file: z.geojson}\n";
  auto config = [&](const std::string& name, const std::string& extra, const std::string& message, const std::string& names = "") {
    return FileCase{name, "c.yaml", base + extra, check, message, "", names};
  };
  auto zones = [&](const std::string& name, const std::string& content, const std::string& message) {
    return FileCase{name, "z.geojson", content, check, message, "", ""};
  };
  auto table = [&](const std::string& name, const std::string& key, const std::string& file, const std::string& content,
                   const std::string& message) {
    return FileCase{name, file, content, check + " --set " + key + "=@/" + file, message, "", ""};
  };
  const std::string targets_head = "units:\n  u: {name: U, zones: [z]}\ntargets:\n";
  const std::string a_target =
      "  - {id: t1, unit: u, indicator: forest_coverage_pct, rule: at_least, target: {year: 2025, value: 7}, binding: true, source: \"plan.txt:1\"}\n";
  return {
      config("unknown key", "foo: 1\n", "unknown key 'foo'"),
      config("unknown key in a section", "season: {pixle_size: 30}\n", "pixle_size"),
      config("a number that is text", "season: {pixel_size: abc}\n", "season.pixel_size"),
      config("a negative pixel size", "season: {pixel_size: -5}\n", "season.pixel_size"),
      config("too many threads", "run: {threads: 100000}\n", "run.threads"),
      config("a window of 0 rows", "run: {window_rows: 0}\n", "run.window_rows"),
      config("YAML cut short", "season: {pixel_size: 30\n", "c.yaml"),
      config("a tab for indentation", "season:\n\tpixel_size: 30\n", "c.yaml"),
      config("a key twice", "season: {pixel_size: 30, pixel_size: 60}\n", "pixel_size"),
      config("a list for a number", "season: {pixel_size: [30, 60]}\n", "season.pixel_size"),
      config("a section that is a value", "season: 30\n", "season"),
      config("a month-day that is not one", "season: {start: 13-01}\n", "season.start"),
      config("a season ending before it starts", "season: {start: 09-01, end: 06-01}\n", "start before it ends"),
      config("a geographic grid", "season: {grid_crs: 'EPSG:4326'}\n", "season.grid_crs"),
      config("a grid CRS that is not one", "season: {grid_crs: not-a-crs}\n", "season.grid_crs"),
      config("vegetation end-member below soil", "fvc: {ndvi_soil: 0.5, ndvi_veg: 0.2}\n", "fvc.ndvi_veg"),
      config("sandification cut points out of order", "sandification: {none_min_fvc: 0.05}\n", "sandification"),
      config("a block size not a multiple of 16", "output: {block_size: 500}\n", "output.block_size"),
      config("an unknown product", "output: {products: [NOPE]}\n", "NOPE", "output.products"),
      config("designated shrubland of a zone that does not exist", "forest: {special_shrubland: [999999]}\n", "999999",
             "forest.special_shrubland"),
      config("a boolean that is not one", "season: {enabled: maybe}\n", "season.enabled"),
      config("an unknown land cover scheme", "landcover: {scheme: bogus}\n", "landcover.scheme"),
      config("bytes that are not UTF-8", "zones: {name_field: \"\xff\xfe\"}\n", "c.yaml"),
      FileCase{"an empty config", "c.yaml", "", check, "input.dir", "", ""},
      FileCase{"a config that is a list", "c.yaml", "- a\n- b\n", check, "c.yaml", "", ""},
      FileCase{"a zones file that does not exist", "c.yaml", "input: {dir: in}\nzones: {file: nope.geojson}\n", check, "nope.geojson", "", "nope.geojson"},
      FileCase{"an input folder that does not exist", "c.yaml", "input: {dir: nope}\nzones: {file: z.geojson}\n", check, "nope", "", "input.dir"},
      config("a plots file that does not exist", "calibration: {plots_file: nope.csv}\n", "nope.csv", "calibration.plots_file"),
      config("a sample file that does not exist", "accuracy: {samples_file: nope.csv}\n", "nope.csv", "accuracy.samples_file"),
      config("a targets file that does not exist", "targets: {file: nope.yaml}\n", "nope.yaml", "nope.yaml"),
      config("a land cover file that does not exist", "landcover: {file: nope.tif}\n", "nope.tif", "landcover.file"),
      config("a grassland type file that does not exist", "landcover: {grassland_types_file: nope.gpkg}\n", "nope.gpkg",
             "landcover.grassland_types_file"),
      config("a carbon factor table that does not exist", "carbon: {factors_file: nope.csv}\n", "nope.csv", "carbon.factors_file"),
      config("a climate folder that does not exist", "carbon: {casa: {climate_dir: nope}}\n", "nope", "carbon.casa.climate_dir"),
      FileCase{"--set of an unknown key", "", "", check + " --set season.nope=1", "season.nope", "", ""},
      FileCase{"--set without a value", "", "", check + " --set season.pixel_size", "--set", "", ""},
      FileCase{"--threads below 0", "", "", check + " --threads -1", "--threads", "", ""},
      FileCase{"--zones-layer without --zones", "", "", check + " --zones-layer x", "--zones-layer", "", ""},
      FileCase{"a config that does not exist", "", "", "check @/nope.yaml", "nope.yaml", "", ""},
      zones("empty zones", collection(""), "z.geojson"),
      zones("zones that are not JSON", "{not json", "z.geojson"),
      zones("zones that are points", collection(feature(R"({"code":"p","name":"p"})", R"({"type":"Point","coordinates":[108.9,40.9]})")), "z.geojson"),
      zones("zones that are lines",
            collection(feature(R"({"code":"l","name":"l"})", R"({"type":"LineString","coordinates":[[108.9,40.9],[108.91,40.91]]})")), "z.geojson"),
      zones("two zones of one code", collection(feature(R"({"code":"d","name":"a"})", kBox) + "," + feature(R"({"code":"d","name":"b"})", kBox)), "d"),
      zones("a zone name that is not UTF-8", collection(feature("{\"code\":\"n\",\"name\":\"\xff\xfe\"}", kBox)), "UTF-8"),
      zones("zones without the code field", collection(feature(R"({"id":"x","name":"a"})", kBox)), "code"),
      zones("a zone with a blank code", collection(feature(R"({"code":"  ","name":"a"})", kBox)), "z.geojson"),
      zones("a zone without a code", collection(feature(R"({"code":null,"name":"a"})", kBox)), "z.geojson"),
      zones("a zone with no geometry", collection(feature(R"({"code":"g","name":"a"})", "null")), "z.geojson"),
      zones("zone coordinates outside the CRS",
            collection(feature(R"({"code":"o","name":"a"})", R"({"type":"Polygon","coordinates":[[[500,40],[501,40],[501,41],[500,41],[500,40]]]})")), "z.geojson"),
      zones("a text file named .geojson", "hello, these are my counties\n", "z.geojson"),
      zones("an empty zones file", "", "z.geojson"),
      FileCase{"a zones file that is a folder", "", "", check, "z.geojson", "rm -f z.geojson && mkdir z.geojson", ""},
      FileCase{"zones of two layers and no layer named", "", "", check + " --zones @/two.gpkg", "layer",
               "ogr2ogr -q -f GPKG two.gpkg z.geojson -nln a && ogr2ogr -q -update two.gpkg z.geojson -nln b", ""},
      FileCase{"a zones layer that does not exist", "", "", check + " --zones @/z.geojson --zones-layer nolayer", "nolayer", "", ""},
      table("plots with cover as fractions", "calibration.plots_file", "p.csv",
            "plot_id,lon,lat,date,cover_pct\na,108.91,40.91,2023-07-20,0.3\nb,108.91,40.905,2023-07-20,0.5\nc,108.905,40.91,2023-07-20,0.4\n", "percent"),
      table("plots without cover_pct", "calibration.plots_file", "p.csv", "plot_id,lon,lat,date\na,108.91,40.91,2023-07-20\n", "cover_pct"),
      table("plots with a date that is not one", "calibration.plots_file", "p.csv", "plot_id,lon,lat,date,cover_pct\na,108.91,40.91,2023-02-30,30\n", "date"),
      table("plots with a longitude out of range", "calibration.plots_file", "p.csv", "plot_id,lon,lat,date,cover_pct\na,1108.91,40.91,2023-07-20,30\n", "lon"),
      table("plots with cover over 100", "calibration.plots_file", "p.csv", "plot_id,lon,lat,date,cover_pct\na,108.91,40.91,2023-07-20,130\n", "cover"),
      table("plots without rows", "calibration.plots_file", "p.csv", "plot_id,lon,lat,date,cover_pct\n", "p.csv"),
      table("a sample with an unknown class", "accuracy.samples_file", "s.csv", "lon,lat,class\n108.91,40.91,jungle\n", "jungle"),
      table("a sample without lat", "accuracy.samples_file", "s.csv", "lon,class\n108.91,tree\n", "lat"),
      table("a sample year that is not a number", "accuracy.samples_file", "s.csv", "lon,lat,class,year\n108.91,40.91,tree,soon\n", "year"),
      table("a sample that is binary", "accuracy.samples_file", "s.csv", std::string("\x89PNG\r\n\x1a\n", 8) + "\x01\x02", "s.csv"),
      table("targets that are not YAML", "targets.file", "t.yaml", "units: [\n", "t.yaml"),
      table("a target of an unknown indicator", "targets.file", "t.yaml",
            targets_head + "  - {id: t1, unit: u, indicator: happiness, rule: at_least, target: {year: 2025, value: 7}, binding: true, source: \"plan.txt:1\"}\n", "happiness"),
      table("a target unit of an unknown zone", "targets.file", "t.yaml",
            "units:\n  u: {name: U, zones: [nowhere]}\ntargets:\n" + a_target, "nowhere"),
      table("a target with an unknown rule", "targets.file", "t.yaml",
            targets_head + "  - {id: t1, unit: u, indicator: forest_coverage_pct, rule: roughly, target: {year: 2025, value: 7}, binding: true, source: \"plan.txt:1\"}\n", "roughly"),
      table("a target without a source", "targets.file", "t.yaml",
            targets_head + "  - {id: t1, unit: u, indicator: forest_coverage_pct, rule: at_least, target: {year: 2025, value: 7}, binding: true}\n", "source"),
      FileCase{"an output folder that is a file", "out", "I am a file\n", "run @/c.yaml --out @/out", "out", "", ""},
      FileCase{"an output folder inside a file", "out", "I am a file\n", "run @/c.yaml --out @/out/inside", "out", "", ""},
  };
}

}  // namespace

TEST(BadInputCorpus, DamagedScenesAreReportedQuarantinedAndTheRestIsProcessed) {
  const fs::path dir = fresh_dir("corpus_scenes"), inbox = dir / "inbox";
  ecomon::SimulationOptions base = urad_test_scene(inbox);
  base.west = 108.9, base.east = 108.92, base.south = 40.9, base.north = 40.915;  // ~60 x 60 pixels
  base.date = "2023-07-20";
  const auto good = ecomon::simulate_scene(base);
  const auto cases = scene_cases();
  std::vector<std::string> paths(cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k) {
    ecomon::SimulationOptions o = base;
    const int month = 3 + int(k / 28) % 9, day = 1 + int(k % 28);
    o.date = std::string("2022-") + (month < 10 ? "0" : "") + std::to_string(month) + (day < 10 ? "-0" : "-") + std::to_string(day);
    o.seed = 100 + k;
    const auto s = ecomon::simulate_scene(o);
    const std::string named = cases[k].damage(s, inbox);
    paths[k] = named.empty() ? s.folder : named;
  }
  const auto zones = write_zones(dir / "z.geojson", {box_feature("z", "zone", 108.902, 40.902, 108.918, 40.913)});
  const auto r = run_cli("run /dev/null --input " + inbox.string() + " --zones " + zones + " --out " + (dir / "out").string() +
                         " --set output.products=false");
  ASSERT_EQ(r.exit_code, 3) << r.output.substr(0, 20000);
  const auto rows = parse_quoted_csv(read_file(dir / "out" / "scene_status.csv"));
  const auto catalog = nlohmann::json::parse(run_shell("{ " + ecomon_binary() + " status --json " + (dir / "out").string() + " 2>/dev/null; }").output);
  std::set<std::string> quarantined;
  for (const auto& p : catalog["problem_scenes"]) quarantined.insert(p["path"].get<std::string>() + "|" + p["status"].get<std::string>());
  int reported = 0;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(cases[k].name);
    bool found = false;
    for (const auto& row : rows) {
      const std::string& where = row.at("metadata");
      if (row.at("status") == cases[k].status && where.find(paths[k]) != std::string::npos &&
          row.at("message").find(cases[k].message) != std::string::npos) {
        found = true;
        const std::string catalog_status = cases[k].status == "failed" ? "quarantined" : cases[k].status;
        if (catalog_status != "ok") {
          EXPECT_TRUE(quarantined.count(where + "|" + catalog_status)) << where << " not " << catalog_status << " in the catalog";
        }
      }
    }
    reported += found;
    EXPECT_TRUE(found) << "no '" << cases[k].status << "' row naming " << paths[k] << " with '" << cases[k].message << "'";
  }
  // The good scene was processed.
  bool good_ok = false;
  for (const auto& row : rows) good_ok = good_ok || (row.at("scene_id") == good.product_id && row.at("status") == "ok");
  EXPECT_TRUE(good_ok) << read_file(dir / "out" / "scene_status.csv");
  std::printf("[corpus] %zu damaged scenes, %d reported as expected\n", cases.size(), reported);
  EXPECT_GE(cases.size(), 55u);
}

TEST(BadInputCorpus, BadConfigsZonesTablesAndOutputFoldersStopTheRunNamingTheFile) {
  const fs::path dir = fresh_dir("corpus_files");
  ecomon::SimulationOptions o = urad_test_scene(dir / "scene");
  o.west = 108.9, o.east = 108.92, o.south = 40.9, o.north = 40.915;
  ecomon::simulate_scene(o);
  const auto cases = file_cases();
  int k = 0;
  for (const FileCase& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path folder = dir / ("case" + std::to_string(k++));
    fs::create_directories(folder / "in");
    fs::copy(dir / "scene", folder / "in", fs::copy_options::recursive);
    std::ofstream(folder / "z.geojson") << collection(kZone);
    std::ofstream(folder / "c.yaml") << "input: {dir: in}\nzones: {file: z.geojson}\n";
    if (!c.setup.empty()) {
      ASSERT_EQ(run_shell("cd " + folder.string() + " && " + c.setup).exit_code, 0) << c.setup;
    }
    if (!c.file.empty()) std::ofstream(folder / c.file, std::ios::binary) << c.content;
    std::string args = c.args;
    for (std::size_t at; (at = args.find('@')) != std::string::npos;) args.replace(at, 1, folder.string());
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    const std::string named = !c.names.empty() ? c.names : c.file.empty() ? c.message : c.file;
    EXPECT_NE(r.output.find(named), std::string::npos) << "the message does not name " << named << ":\n" << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << "the message does not say '" << c.message << "':\n" << r.output;
    EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << r.output;
    EXPECT_LT(std::count(r.output.begin(), r.output.end(), '\n'), 6) << "one clear message, not a log:\n" << r.output;
  }
  std::printf("[corpus] %zu bad configs, zones, tables and output folders\n", cases.size());
  EXPECT_GE(cases.size(), 60u);
}

// libFuzzer targets for every parser of untrusted text: the Landsat MTL (ODL and XML) with its scene
// reading, the Sentinel-2 product metadata, the config, the targets file, the ground plots and the
// reference sample, a query's polygon, a server's request body. One source, one target per ECOMON_FUZZ_<NAME> definition (tests/fuzz/CMakeLists.txt).
// A parser may refuse its input by throwing ecomon's errors or std::exception; it must never crash,
// read or write out of bounds, hit undefined behaviour, hang or exhaust memory.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/settings.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vector.hpp"
#include "ground/plots.hpp"
#include "ground/reference_sample.hpp"
#include "sensors/landsat/mtl.hpp"
#include "server/api.hpp"
#include "sensors/sentinel2/metadata.hpp"
#include "targets/targets.hpp"

namespace {

// The readers that take a path read the input from a file of this process's own.
std::string as_file(const std::uint8_t* data, std::size_t size, const std::string& name) {
  static const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("ecomon_fuzz_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
#if defined(ECOMON_FUZZ_MTL)
    (void)ecomon::Mtl::parse(text, "fuzz_MTL.txt");
    (void)ecomon::read_scene(as_file(data, size, "LC08_L2SP_129032_20230720_20230720_02_T1_MTL.txt"));
#elif defined(ECOMON_FUZZ_SENTINEL2)
    (void)ecomon::parse_sentinel2_metadata(text, "MTD_MSIL2A.xml");
#elif defined(ECOMON_FUZZ_CONFIG)
    (void)ecomon::parse_settings(text, "fuzz.yaml", "/nonexistent");
#elif defined(ECOMON_FUZZ_TARGETS)
    (void)ecomon::parse_targets(text, "targets.yaml");
#elif defined(ECOMON_FUZZ_PLOTS)
    (void)ecomon::load_ground_plots(as_file(data, size, "plots.csv"));
#elif defined(ECOMON_FUZZ_POLYGON)
    // The polygon of a query (`ecomon query --wkt/--geojson`, a server's request body): WKT or
    // GeoJSON, onto a UTM grid CRS.
    static const std::string utm = [] {
      geo::io::initialise_gdal(64);
      return geo::io::crs_wkt("EPSG:32648");
    }();
    (void)geo::io::read_query_polygons(text, "", utm, "fuzz", 10000);
#elif defined(ECOMON_FUZZ_REQUEST)
    // A server's POST /query or /statistics body: the JSON, its members, then its polygons.
    static const std::string utm = [] {
      geo::io::initialise_gdal(64);
      return geo::io::crs_wkt("EPSG:32648");
    }();
    ecomon::server::Limits limits;
    limits.max_vertices = 10000;
    const ecomon::server::GeometryRequest request = ecomon::server::parse_geometry_request(text, limits);
    (void)geo::io::read_query_polygons(request.geojson, request.crs, utm, "fuzz", limits.max_vertices);
    (void)ecomon::server::parse_years(text.substr(0, 64), "years");
#elif defined(ECOMON_FUZZ_SAMPLE)
    (void)ecomon::load_reference_sample(as_file(data, size, "sample.csv"));
#else
#error "define one ECOMON_FUZZ_<TARGET>"
#endif
  } catch (const std::exception&) {
    // refused, with a message: what a parser should do with bad input
  }
  return 0;
}

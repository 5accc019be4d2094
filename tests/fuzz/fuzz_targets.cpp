// libFuzzer targets for every parser of untrusted text: the Landsat MTL (ODL and XML) with its scene
// reading, the Sentinel-2 product metadata, the config, the targets file, the ground plots and the
// reference sample, a query's polygon, a server's request body; and one binary reader, a GeoTIFF band's
// tiles decoded without GDAL. One source, one target per ECOMON_FUZZ_<NAME> definition (tests/fuzz/CMakeLists.txt).
// A parser may refuse its input by throwing ecomon's errors or std::exception; it must never crash,
// read or write out of bounds, hit undefined behaviour, hang or exhaust memory.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../../libgeo/src/io/direct_tiles.hpp"
#include "../../libgeo/src/io/tiff_ifd.hpp"

#include "config/settings.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/io/vsi.hpp"
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
#elif defined(ECOMON_FUZZ_TIFF)
    // A band's tiles decoded without GDAL (libgeo/src/io/direct_tiles.hpp), at the size and type its
    // own IFD declares (as a RasterReader would have been told by GDAL); every row read, then a window.
    const std::string path = as_file(data, size, "band.tif");
    const auto fields = geo::io::read_first_ifd(text, {256, 257, 258, 339});
    if (!fields) return 0;
    std::uint64_t cols = 0, rows = 0, bits = 0, format = 1;
    for (const geo::io::TiffField& f : *fields)
      if (const auto values = geo::io::tiff_unsigned_values(f); values && !values->empty())
        (f.tag == 256 ? cols : f.tag == 257 ? rows : f.tag == 258 ? bits : format) = values->front();
    if (cols == 0 || rows == 0 || cols * rows > (std::uint64_t(1) << 22) || (bits != 8 && bits != 16)) return 0;
    const auto direct = geo::io::DirectTiles::open(path, geo::io::stamp_of(path), int(cols), int(rows), int(bits / 8), format == 2);
    if (!direct) return 0;
    std::vector<unsigned char> cells(std::size_t(cols) * 64 * (bits / 8));
    for (int row = 0; row < int(rows); row += 64) direct->read_rows(row, std::min(64, int(rows) - row), cells.data());
    direct->read_window(int(cols) / 3, int(rows) / 3, std::max(1, int(cols) / 2), std::min(64, std::max(1, int(rows) / 2)), cells.data());
#else
#error "define one ECOMON_FUZZ_<TARGET>"
#endif
  } catch (const std::exception&) {
    // refused, with a message: what a parser should do with bad input
  }
  return 0;
}

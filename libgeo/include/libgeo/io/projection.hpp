#pragma once
// PROJ adapters: areal scale factors for cell areas, geodesic polygon areas, CRS facts.
#include <string>
#include <vector>

#include "libgeo/cell_area.hpp"
#include "libgeo/coverage.hpp"

namespace geo::io {

/// True when the CRS (WKT or "EPSG:n") is geographic (degrees).
bool is_geographic(const std::string& crs);
/// "" when the CRS is projected with metre units (what a grid with a cell size in metres needs),
/// else why not, in words: "cannot be parsed", "is geographic (degrees)", "has units of 0.3048 m".
std::string projected_metres_problem(const std::string& crs);
/// The cell-area model right for a grid: exact quadrangles for geographic grids, areal-scale factors
/// from PROJ for projected ones.
CellAreaModel cell_area_model(const Grid& grid);
/// Areal scale factor (projected / ellipsoidal area) of a projected CRS at (x, y), from proj_factors.
ArealScaleFunction areal_scale_function(const std::string& projected_crs);
/// Ellipsoidal (WGS84) area in m^2 of a multipolygon given in longitude/latitude degrees, with
/// geodesic edges (Karney 2013, "Algorithms for geodesics", as implemented in PROJ's geodesic.h).
double geodesic_area(const MultiPolygon& lonlat);
/// WKT of a CRS given as "EPSG:n", WKT or PROJ string.
std::string crs_wkt(const std::string& user_input);

/// Transforms points between two CRSs (traditional GIS order: x = easting/longitude). Choosing
/// PROJ's operation takes milliseconds (a database search), far more than transforming a footprint,
/// so each pair's operation is searched once a process and copied, and a transformer given back is
/// kept for the next one of the same pair: one object per thread at a time, as PROJ requires.
class CoordinateTransformer {
 public:
  CoordinateTransformer(const std::string& from, const std::string& to);
  ~CoordinateTransformer();
  CoordinateTransformer(const CoordinateTransformer&) = delete;
  CoordinateTransformer& operator=(const CoordinateTransformer&) = delete;
  void transform(std::vector<Point>& points) const;

 private:
  std::string pair_;  // from and to: where it goes back when done
  void* ctx_ = nullptr;
  void* pj_ = nullptr;
};

/// Human-readable CRS name ("WGS 84 / UTM zone 48N").
std::string crs_name(const std::string& crs);

/// The CRS's authority code ("EPSG:32648") when it is, or is identified as, one of the authority's
/// CRSs; "" otherwise (a custom projection such as the regional China Albers grid).
std::string crs_authority_code(const std::string& crs);
/// The CRS as WKT2 (ISO 19162:2019), as STAC's projection extension and OGC APIs expect it.
std::string crs_wkt2(const std::string& crs);

}  // namespace geo::io

#pragma once
// OGR zone layers: read polygons with a code and a name, reproject them to a raster's CRS.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "libgeo/coverage.hpp"
#include "libgeo/zone_cover.hpp"

namespace geo::io {

struct Zone {
  std::string code;
  std::string name;
  MultiPolygon geometry;        // in the target CRS
  double geodesic_area_m2 = 0;  // ellipsoidal area of the whole polygon (WGS84)
  /// What was done to the input to make it usable, in words, for the caller to log; empty when
  /// nothing was: an invalid polygon repaired (GEOS's reason and the area before and after), text
  /// fields decoded from a legacy encoding.
  std::vector<std::string> notes;
};

struct ZoneSource {
  std::string path;
  std::string code_field;
  std::string name_field;  // may be empty: the code is used as the name
  std::string layer;       // empty: the file's only layer (a file of several layers needs one named)
};

/// Reads every polygon feature of the source and reprojects it to `target_crs` (WKT). Errors name
/// the file and the problem: unreadable file, missing layer or field, missing CRS, non-polygon
/// geometry, invalid geometry that cannot be repaired, an empty (null) or repeated zone code,
/// coordinates outside the domain of the layer's CRS (beyond +-180 / +-90 degrees once in lon/lat),
/// text that is not UTF-8 (a Shapefile without a .cpg is read as GBK / CP936 when its bytes are not
/// UTF-8, and the zone's notes say so).
std::vector<Zone> read_zones(const ZoneSource& source, const std::string& target_crs);

/// A polygon a user asks about (a query), as a zone: code and name from the feature's `code` and
/// `name` properties (else "query" and, with several, "query N"), and every property of the feature
/// as text, for answers that carry them through.
struct QueryPolygon {
  Zone zone;
  std::vector<std::pair<std::string, std::string>> properties;
};

/// Reads the polygons of a query: `text` is WKT, or GeoJSON (a geometry, a Feature, or a
/// FeatureCollection of polygon features), with coordinates in `crs` (anything PROJ knows,
/// "EPSG:4490" included; empty: EPSG:4326 lon/lat, GeoJSON's own CRS), reprojected to `target_crs`
/// as read_zones() reprojects zones (the same polygon gives the same zone, bit for bit). Unlike
/// zones, a bad polygon is refused, never repaired: errors name `what` and the problem (neither WKT
/// nor GeoJSON, not a polygon, empty, a ring not closed, invalid with GEOS's reason and where,
/// unknown CRS, coordinates outside its domain, more than `max_vertices` vertices).
std::vector<QueryPolygon> read_query_polygons(const std::string& text, const std::string& crs, const std::string& target_crs,
                                              const std::string& what, std::size_t max_vertices = 1000000);

/// Per zone, the window of `grid` its bounds cover (empty for a zone without geometry or off the
/// grid): the only cells where its coverage fractions can be non-zero.
std::vector<Window> zone_windows(const std::vector<Zone>& zones, const Grid& grid);
/// The zones on `grid` for zonal passes (the zones must outlive it).
ZoneCover zone_cover(const std::vector<Zone>& zones, const Grid& grid);

/// The zones' CRS as WKT (for checks and messages).
std::string zone_crs(const ZoneSource& source);

/// Writes zones (lon/lat WGS84 geometries) to a GeoPackage layer, atomically, repairing invalid
/// polygons with GEOS MakeValid (through OGR). Returns how many were repaired.
int write_zones_gpkg(const std::string& path, const std::string& layer, const std::vector<Zone>& zones, const std::string& code_field,
                     const std::string& name_field);

/// A layer of a GeoPackage written by write_geopackage(): polygons (lon/lat WGS84) with fields, or a
/// table without geometry (`spatial` false).
struct TableLayer {
  struct Field {
    std::string name, alias;  // alias: the field's alternative name (QGIS shows it; gpkg_data_columns)
    bool number = false;      // a REAL column (its cells parsed), else TEXT
    bool integer = false;     // an INTEGER column (its cells parsed)
  };
  std::string name;
  bool spatial = true;
  std::vector<Field> fields;
  std::vector<MultiPolygon> geometries;        // one per row when spatial
  std::vector<std::vector<std::string>> rows;  // each row's cells as text, in field order; "" is null
};
/// Writes every layer into one GeoPackage, atomically (a partial file renamed into place), with a
/// fixed modification date (the same layers give the same bytes). Invalid polygons are repaired
/// with GEOS MakeValid. Throws IoError naming the file and the layer or row.
void write_geopackage(const std::string& path, const std::vector<TableLayer>& layers);

/// The union of polygons (GEOS through OGR): a unit dissolved from its zones.
MultiPolygon union_of(const std::vector<const MultiPolygon*>& parts);

/// Writes points (lon/lat WGS84) with text fields to a GeoPackage layer, atomically: `rows[k]` holds
/// the fields of point `lonlat[k]`, in the order of `columns`.
void write_points_gpkg(const std::string& path, const std::string& layer, const std::vector<std::string>& columns,
                       const std::vector<std::vector<std::string>>& rows, const std::vector<Point>& lonlat);

}  // namespace geo::io

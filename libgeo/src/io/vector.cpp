#include "libgeo/io/vector.hpp"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>

#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"
#include "libgeo/utf8.hpp"

namespace geo::io {

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

DatasetPtr open_vector(const std::string& path, const char* const* open_options = nullptr) {
  if (const std::string why = special_file_problem(path); !why.empty()) throw IoError("zones file " + path + ": " + why);
  CPLErrorReset();
  auto* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options, nullptr));
  if (!ds) {
    const char* m = CPLGetLastErrorMsg();
    throw IoError("zones file " + path + ": cannot open as a vector data set" +
                  (m && *m ? std::string(": ") + m : std::string(" (missing, or not GeoPackage/Shapefile/GeoJSON)")));
  }
  return DatasetPtr(ds);
}

OGRLayer* pick_layer(GDALDataset& ds, const ZoneSource& src) {
  // No layer named: the file's only layer; with several, taking the first would be a guess.
  if (src.layer.empty() && ds.GetLayerCount() > 1) {
    std::string names;
    for (int i = 0; i < ds.GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
    throw IoError("zones file " + src.path + ": has " + std::to_string(ds.GetLayerCount()) + " layers (" + names + "): name the one to use");
  }
  OGRLayer* layer = src.layer.empty() ? ds.GetLayer(0) : ds.GetLayerByName(src.layer.c_str());
  if (!layer)
    throw IoError("zones file " + src.path + ": " +
                  (src.layer.empty() ? std::string("has no layer") : "has no layer named '" + src.layer + "'"));
  return layer;
}

Ring ring_of(const OGRLinearRing* r) {
  Ring out;
  out.reserve(std::size_t(r->getNumPoints()));
  for (int i = 0; i < r->getNumPoints(); ++i) out.push_back(Point{r->getX(i), r->getY(i)});
  return out;
}

void append_polygon(const OGRPolygon* p, MultiPolygon& mp) {
  if (p->IsEmpty()) return;
  Polygon poly;
  poly.exterior = ring_of(p->getExteriorRing());
  for (int i = 0; i < p->getNumInteriorRings(); ++i) poly.holes.push_back(ring_of(p->getInteriorRing(i)));
  mp.parts.push_back(std::move(poly));
}

MultiPolygon to_multipolygon(const OGRGeometry* g, const std::string& where) {
  MultiPolygon mp;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon:
      append_polygon(g->toPolygon(), mp);
      break;
    case wkbMultiPolygon:
      for (const auto* p : *g->toMultiPolygon()) append_polygon(p, mp);
      break;
    case wkbGeometryCollection:
      for (const auto* sub : *g->toGeometryCollection()) {
        auto t = wkbFlatten(sub->getGeometryType());
        if (t == wkbPolygon || t == wkbMultiPolygon) {
          auto part = to_multipolygon(sub, where);
          for (auto& p : part.parts) mp.parts.push_back(std::move(p));
        }
      }
      break;
    default:
      throw IoError(where + ": geometry is " + OGRGeometryTypeToName(g->getGeometryType()) + ", zones must be polygons");
  }
  return mp;
}


// GDAL's Shapefile driver recodes text from the .cpg / the .dbf's LDID, and without either assumes
// ISO-8859-1, which turns GBK names (what Chinese GIS software writes) into valid-looking mojibake.
// So a shapefile without a declared encoding is opened without recoding, and each text is taken as
// UTF-8 when it is UTF-8, else decoded as GBK (CP936).
bool shapefile_without_declared_encoding(GDALDataset& ds, OGRLayer& layer) {
  if (!EQUAL(ds.GetDriverName(), "ESRI Shapefile")) return false;
  const char* declared = layer.GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE");
  const char* ldid = layer.GetMetadataItem("LDID_VALUE", "SHAPEFILE");
  const char* cpg = layer.GetMetadataItem("CPG_VALUE", "SHAPEFILE");
  const bool has_ldid = ldid && *ldid && std::string(ldid) != "0";
  return !(cpg && *cpg) && !has_ldid && (!declared || !*declared || EQUAL(declared, "ISO-8859-1"));
}

// Decodes GBK bytes to UTF-8 with GDAL's iconv-backed recoder; "" when they are not GBK either.
std::string gbk_to_utf8(const std::string& bytes) {
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  char* out = CPLRecode(bytes.c_str(), "CP936", CPL_ENC_UTF8);
  const bool failed = CPLGetLastErrorType() >= CE_Warning;
  CPLPopErrorHandler();
  std::string s = out ? out : "";
  CPLFree(out);
  return failed || !is_valid_utf8(s) ? std::string() : s;
}

// Collects what GDAL/GEOS says while a geometry is checked (GEOS's reason for invalidity).
struct MessageCollector {
  std::string messages;
  static void CPL_STDCALL handler(CPLErr, CPLErrorNum, const char* msg) {
    auto* self = static_cast<MessageCollector*>(CPLGetErrorHandlerUserData());
    if (self && msg) self->messages += (self->messages.empty() ? "" : "; ") + std::string(msg);
  }
};

// Collects GDAL's messages while a zones file is read (a geometry GDAL could not parse is reported as a
// warning, and the feature then has none) and passes them on to GDAL's usual handler.
struct ForwardingCollector {
  std::string messages;
  static void CPL_STDCALL handler(CPLErr level, CPLErrorNum number, const char* msg) {
    auto* self = static_cast<ForwardingCollector*>(CPLGetErrorHandlerUserData());
    if (self && msg) self->messages += (self->messages.empty() ? "" : "; ") + std::string(msg);
    CPLDefaultErrorHandler(level, number, msg);
  }
};
struct ScopedErrorHandler {
  explicit ScopedErrorHandler(ForwardingCollector& c) { CPLPushErrorHandlerEx(ForwardingCollector::handler, &c); }
  ~ScopedErrorHandler() { CPLPopErrorHandler(); }
  ScopedErrorHandler(const ScopedErrorHandler&) = delete;
  ScopedErrorHandler& operator=(const ScopedErrorHandler&) = delete;
};

// Where the first JSON value of `text` ends (after trailing white space), or npos when it is cut
// short. Strings and escapes are skipped; brackets are only counted, GDAL parses the rest.
std::size_t end_of_first_json_value(const std::string& text) {
  std::size_t i = text.find_first_not_of(" \t\r\n");
  if (i != std::string::npos && text.compare(i, 3, "\xEF\xBB\xBF") == 0) i = text.find_first_not_of(" \t\r\n", i + 3);
  if (i == std::string::npos || (text[i] != '{' && text[i] != '[')) return std::string::npos;
  int depth = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string::npos;
}

// A GeoJSON file must be one JSON value: GDAL reads the first object of a file that holds several
// (features whose FeatureCollection wrapper was lost) and ignores the rest without a word.
void check_single_json_value(const std::string& path) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const IoError&) {
    return;  // GDAL read it; a file we cannot read again is GDAL's to report
  }
  const std::size_t end = end_of_first_json_value(text);
  if (end == std::string::npos) return;
  const std::size_t rest = text.find_first_not_of(" \t\r\n", end);
  if (rest != std::string::npos)
    throw IoError("zones file " + path + ": more text after the end of its first JSON object (byte " + std::to_string(rest) +
                  "); GDAL would read that object only. Several features must be inside one "
                  "{\"type\":\"FeatureCollection\",\"features\":[...]}");
}

std::string trim_spaces(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string format_km2(double m2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f km2", m2 / 1e6);
  return buf;
}


// The two transformations a polygon from a user goes through: to WGS84 lon/lat for its ellipsoidal
// area and the domain check, and to the target (raster) CRS for its cells. `what` names the source
// in errors.
struct ZoneTransforms {
  std::unique_ptr<OGRCoordinateTransformation> to_target, to_lonlat;
  ZoneTransforms(const OGRSpatialReference& source_srs, const std::string& target_crs, const std::string& what) {
    OGRSpatialReference wgs84, target;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRSpatialReference> src(source_srs.Clone());
    src->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    to_lonlat.reset(OGRCreateCoordinateTransformation(src.get(), &wgs84));
    if (!target_crs.empty()) {
      if (target.SetFromUserInput(target_crs.c_str()) != OGRERR_NONE) throw IoError("cannot parse the raster CRS");
      target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      if (!src->IsSame(&target)) {
        to_target.reset(OGRCreateCoordinateTransformation(src.get(), &target));
        if (!to_target) throw IoError(what + ": no transformation from its CRS to the raster's");
      }
    }
    if (!to_lonlat) throw IoError(what + ": no transformation from its CRS to WGS84");
  }
};

// Sets z's geometry (in the target CRS) and ellipsoidal area from `geom` (in the source CRS).
// Coordinates beyond the ellipsoid's domain are refused; an invalid polygon is repaired with GEOS
// MakeValid (the zone's notes say so, with the area before and after) when `repair`, else refused
// with GEOS's reason, which says where.
void place_geometry(Zone& z, std::unique_ptr<OGRGeometry> geom, const ZoneTransforms& t, const std::string& where, bool repair) {
  const std::string named = where + (z.code.empty() ? "" : " (code " + z.code + ")");
  std::unique_ptr<OGRGeometry> lonlat(geom->clone());
  if (lonlat->transform(t.to_lonlat.get()) != OGRERR_NONE) throw IoError(where + ": cannot transform to WGS84");
  OGREnvelope env;
  lonlat->getEnvelope(&env);
  // Coordinates beyond the ellipsoid's domain are damaged data or the wrong CRS; left alone they
  // would become a continent-sized zone.
  constexpr double kSlack = 1e-9;
  if (!(env.MinX >= -180 - kSlack && env.MaxX <= 180 + kSlack && env.MinY >= -90 - kSlack && env.MaxY <= 90 + kSlack)) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "longitude %.6g to %.6g, latitude %.6g to %.6g", env.MinX, env.MaxX, env.MinY, env.MaxY);
    throw IoError(named + ": coordinates outside the domain of its CRS (" + buf +
                  " once in WGS84; valid: -180..180, -90..90): damaged coordinates or the wrong CRS");
  }
  MessageCollector collector;
  CPLPushErrorHandlerEx(MessageCollector::handler, &collector);
  const bool valid = geom->IsValid();
  CPLPopErrorHandler();
  if (!valid) {
    if (!repair)
      throw IoError(named + ": invalid polygon (" + (collector.messages.empty() ? std::string("GEOS gave no reason") : collector.messages) +
                    ")");
    // The ring-by-ring area of the invalid polygon (exterior minus holes) against the repaired one,
    // so that a repair that adds or drops area is visible, per zone.
    const double before = geodesic_area(to_multipolygon(lonlat.get(), where));
    std::unique_ptr<OGRGeometry> fixed(geom->MakeValid());
    if (!fixed) throw IoError(where + ": invalid polygon that cannot be repaired" + (collector.messages.empty() ? "" : ": " + collector.messages));
    geom = std::move(fixed);
    lonlat.reset(geom->clone());
    if (lonlat->transform(t.to_lonlat.get()) != OGRERR_NONE) throw IoError(where + ": cannot transform to WGS84");
    const double after = geodesic_area(to_multipolygon(lonlat.get(), where));
    char change[64];
    std::snprintf(change, sizeof change, "%+.3f%%", before != 0 ? 100.0 * (after - before) / std::abs(before) : 0.0);
    z.notes.push_back("invalid polygon (" + (collector.messages.empty() ? std::string("GEOS gave no reason") : collector.messages) +
                      ") repaired with MakeValid: area " + format_km2(before) + " -> " + format_km2(after) + " (" + change + ")");
  }
  z.geodesic_area_m2 = geodesic_area(to_multipolygon(lonlat.get(), where));
  if (t.to_target && geom->transform(t.to_target.get()) != OGRERR_NONE)
    throw IoError(where + ": cannot transform to the raster CRS (outside its area of use?)");
  z.geometry = to_multipolygon(geom.get(), where);
}

}  // namespace

std::string zone_crs(const ZoneSource& source) {
  auto ds = open_vector(source.path);
  OGRLayer* layer = pick_layer(*ds, source);
  const OGRSpatialReference* srs = layer->GetSpatialRef();
  if (!srs) return "";
  char* wkt = nullptr;
  srs->exportToWkt(&wkt);
  std::string out = wkt ? wkt : "";
  CPLFree(wkt);
  return out;
}

std::vector<Zone> read_zones(const ZoneSource& source, const std::string& target_crs) {
  ForwardingCollector gdal_messages;
  const ScopedErrorHandler collecting(gdal_messages);
  auto ds = open_vector(source.path);
  if (ds->GetDriver() && std::string(ds->GetDriver()->GetDescription()) == "GeoJSON") check_single_json_value(source.path);
  OGRLayer* layer = pick_layer(*ds, source);
  const bool raw_text_from_shapefile = shapefile_without_declared_encoding(*ds, *layer);
  if (raw_text_from_shapefile) {
    const char* no_recoding[] = {"ENCODING=", nullptr};
    ds = open_vector(source.path, no_recoding);
    layer = pick_layer(*ds, source);
  }
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  auto field_index = [&](const std::string& name) {
    const int i = defn->GetFieldIndex(name.c_str());
    if (i < 0) {
      std::string have;
      for (int k = 0; k < defn->GetFieldCount(); ++k) have += std::string(k ? ", " : "") + defn->GetFieldDefn(k)->GetNameRef();
      throw IoError("zones file " + source.path + ": no field '" + name + "' (fields: " + have + ")");
    }
    return i;
  };
  const int code_i = field_index(source.code_field);
  const int name_i = source.name_field.empty() ? -1 : field_index(source.name_field);
  const OGRSpatialReference* layer_srs = layer->GetSpatialRef();
  if (!layer_srs) throw IoError("zones file " + source.path + ": has no CRS; assign one (e.g. ogr2ogr -a_srs EPSG:4326)");

  const ZoneTransforms transforms(*layer_srs, target_crs, "zones file " + source.path);

  std::vector<Zone> zones;
  std::map<std::string, GIntBig> feature_of_code;
  layer->ResetReading();
  for (auto& feature : *layer) {
    const std::string where = "zones file " + source.path + ", feature " + std::to_string(feature->GetFID());
    Zone z;
    auto text_field = [&](int index, const std::string& field) {
      std::string v = feature->GetFieldAsString(index);
      if (is_valid_utf8(v)) return v;
      const std::string decoded = raw_text_from_shapefile ? gbk_to_utf8(v) : std::string();
      if (decoded.empty())
        throw IoError(where + ": field '" + field + "' is not valid UTF-8" + (raw_text_from_shapefile ? " nor GBK" : "") +
                      " (declare the encoding: a .cpg file for a Shapefile)");
      z.notes.push_back("field '" + field +
                        "' read as GBK (CP936): the Shapefile declares no encoding (no .cpg) and its text is not UTF-8");
      return decoded;
    };
    if (!feature->IsFieldSetAndNotNull(code_i) || trim_spaces(feature->GetFieldAsString(code_i)).empty())
      throw IoError(where + ": zone code field '" + source.code_field + "' is empty: every zone needs a code");
    // Spaces around a code are not part of it ("150821 " from a padded table is 150821): kept, they
    // would make two zones of one code and miss the code in targets and settings.
    const std::string raw_code = text_field(code_i, source.code_field);
    z.code = trim_spaces(raw_code);
    if (z.code != raw_code) z.notes.push_back("zone code '" + raw_code + "' read as '" + z.code + "' (spaces around it removed)");
    const auto [previous, inserted] = feature_of_code.emplace(z.code, feature->GetFID());
    if (!inserted)
      throw IoError("zones file " + source.path + ": zone code '" + z.code + "' is used by feature " + std::to_string(previous->second) +
                    " and feature " + std::to_string(feature->GetFID()) +
                    "; zone codes must be unique (merge the parts into one multipolygon)");
    z.name = name_i >= 0 && feature->IsFieldSetAndNotNull(name_i) ? text_field(name_i, source.name_field) : z.code;
    // A feature without geometry is a zone of 0 km2 in every report: GDAL gives none when it cannot
    // parse what the file holds (a misspelt type, a coordinate in quotes, wrong nesting), so what
    // GDAL said is named.
    const OGRGeometry* g = feature->GetGeometryRef();
    if (!g || g->IsEmpty())
      throw IoError(where + " (code " + z.code + "): " + (g ? "its geometry is empty" : "has no geometry") +
                    (gdal_messages.messages.empty() ? std::string(" (null, or written in a form GDAL cannot read)")
                                                    : " (GDAL: " + gdal_messages.messages + ")") +
                    "; every zone needs its polygon");
    place_geometry(z, std::unique_ptr<OGRGeometry>(g->clone()), transforms, where, true);
    zones.push_back(std::move(z));
  }
  return zones;
}

namespace {

// One WGS84 layer of text fields in a new GeoPackage, written under a partial name and renamed into
// place by commit(); fail() (a full disk, a feature refused) removes the partial file and throws, so
// that no short file is ever left.
class PartialGpkgLayer {
 public:
  PartialGpkgLayer(const std::string& path, const std::string& layer_name, OGRwkbGeometryType type, const std::vector<std::string>& fields)
      : path_(path), partial_(unique_partial_path(path, true)) {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    ds_.reset(drv->Create(partial_.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds_) fail("cannot create GeoPackage");
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    layer_ = ds_->CreateLayer(layer_name.c_str(), &wgs84, type, nullptr);
    if (!layer_) fail("cannot create layer " + layer_name);
    for (const auto& f : fields) {
      OGRFieldDefn field(f.c_str(), OFTString);
      if (layer_->CreateField(&field) != OGRERR_NONE) fail("cannot create field " + f);
    }
    if (layer_->StartTransaction() != OGRERR_NONE) fail("cannot start a transaction");
  }
  ~PartialGpkgLayer() {
    if (!ds_) return;
    ds_.reset();
    std::remove(partial_.c_str());  // not committed: an error on the way
  }
  PartialGpkgLayer(const PartialGpkgLayer&) = delete;
  PartialGpkgLayer& operator=(const PartialGpkgLayer&) = delete;

  OGRFeatureDefn* definition() const { return layer_->GetLayerDefn(); }
  void add(OGRFeature& feature, const std::string& what) {
    if (layer_->CreateFeature(&feature) != OGRERR_NONE) fail("cannot write " + what);
  }
  [[noreturn]] void fail(const std::string& what) {
    ds_.reset();
    std::remove(partial_.c_str());
    throw IoError(path_ + ": " + what);
  }
  void commit() {
    if (layer_->CommitTransaction() != OGRERR_NONE) fail("cannot write (full disk?)");
    ds_.reset();
    atomic_replace(partial_, path_);
  }

 private:
  // The same zones give the same bytes: gpkg_contents.last_change is otherwise the clock's time
  // (a fixed date unless the user sets OGR_CURRENT_DATE). Declared first: set before the dataset exists.
  CPLConfigOptionSetter fixed_date_{"OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z", true};
  std::string path_, partial_;
  DatasetPtr ds_;
  OGRLayer* layer_ = nullptr;
};

}  // namespace

namespace {

OGRMultiPolygon to_ogr(const MultiPolygon& geometry) {
  OGRMultiPolygon mp;
  for (const auto& part : geometry.parts) {
    OGRPolygon poly;
    auto add = [&](const Ring& r) {
      OGRLinearRing lr;
      for (const auto& p : r) lr.addPoint(p.x, p.y);
      lr.closeRings();
      poly.addRing(&lr);
    };
    add(part.exterior);
    for (const auto& h : part.holes) add(h);
    mp.addGeometry(&poly);
  }
  return mp;
}

void append_from_ogr(const OGRGeometry* g, MultiPolygon& out) {
  if (!g) return;
  const auto ring_of = [](const OGRLinearRing* lr) {
    Ring ring;
    for (int i = 0; i < lr->getNumPoints(); ++i) ring.push_back({lr->getX(i), lr->getY(i)});
    return ring;
  };
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon: {
      const auto* poly = g->toPolygon();
      if (poly->IsEmpty()) return;
      Polygon p;
      p.exterior = ring_of(poly->getExteriorRing());
      for (int i = 0; i < poly->getNumInteriorRings(); ++i) p.holes.push_back(ring_of(poly->getInteriorRing(i)));
      out.parts.push_back(std::move(p));
      return;
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection:
      for (const OGRGeometry* part : *g->toGeometryCollection()) append_from_ogr(part, out);
      return;
    default:
      return;  // lines and points of a union's touching edges: no area
  }
}

}  // namespace

MultiPolygon union_of(const std::vector<const MultiPolygon*>& parts) {
  // Every polygon (repaired where invalid) in one multipolygon, merged by GEOS's cascaded union.
  OGRMultiPolygon all;
  const std::function<void(const OGRGeometry*)> add = [&](const OGRGeometry* g) {
    if (!g) return;
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbPolygon) all.addGeometry(g);
    else if (type == wkbMultiPolygon || type == wkbGeometryCollection)
      for (const OGRGeometry* part : *g->toGeometryCollection()) add(part);
  };
  for (const MultiPolygon* p : parts) {
    OGRMultiPolygon mp = to_ogr(*p);
    if (mp.IsValid()) {
      add(&mp);
    } else {
      std::unique_ptr<OGRGeometry> fixed(mp.MakeValid());
      add(fixed.get());
    }
  }
  std::unique_ptr<OGRGeometry> merged(all.UnionCascaded());
  if (!merged) throw IoError("union of " + std::to_string(parts.size()) + " polygons: GEOS failed");
  MultiPolygon out;
  append_from_ogr(merged.get(), out);
  return out;
}

void write_geopackage(const std::string& path, const std::vector<TableLayer>& layers) {
  // As PartialGpkgLayer: a fixed gpkg_contents.last_change, a partial file renamed into place.
  CPLConfigOptionSetter fixed_date("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z", true);
  const std::string partial = unique_partial_path(path, true);
  DatasetPtr ds(GetGDALDriverManager()->GetDriverByName("GPKG")->Create(partial.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  const auto fail = [&](const std::string& what) {
    ds.reset();
    std::remove(partial.c_str());
    throw IoError(path + ": " + what);
  };
  if (!ds) fail("cannot create GeoPackage");
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  for (const TableLayer& t : layers) {
    if (t.spatial && t.geometries.size() != t.rows.size()) fail("layer " + t.name + ": a geometry per row is needed");
    OGRLayer* layer = ds->CreateLayer(t.name.c_str(), t.spatial ? &wgs84 : nullptr, t.spatial ? wkbMultiPolygon : wkbNone, nullptr);
    if (!layer) fail("cannot create layer " + t.name);
    for (const auto& f : t.fields) {
      OGRFieldDefn field(f.name.c_str(), f.integer ? OFTInteger64 : f.number ? OFTReal : OFTString);
      if (!f.alias.empty()) field.SetAlternativeName(f.alias.c_str());
      if (layer->CreateField(&field) != OGRERR_NONE) fail("layer " + t.name + ": cannot create field " + f.name);
    }
    if (layer->StartTransaction() != OGRERR_NONE) fail("cannot start a transaction");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      OGRFeature feature(layer->GetLayerDefn());
      for (std::size_t c = 0; c < t.fields.size() && c < t.rows[r].size(); ++c) {
        const std::string& cell = t.rows[r][c];
        if (cell.empty()) continue;
        if (t.fields[c].integer) feature.SetField(int(c), GIntBig(std::strtoll(cell.c_str(), nullptr, 10)));
        else if (t.fields[c].number) feature.SetField(int(c), std::strtod(cell.c_str(), nullptr));
        else feature.SetField(int(c), cell.c_str());
      }
      if (t.spatial) {
        OGRMultiPolygon mp = to_ogr(t.geometries[r]);
        if (!mp.IsValid()) {
          std::unique_ptr<OGRGeometry> fixed(mp.MakeValid());
          if (!fixed) fail("layer " + t.name + ", row " + std::to_string(r + 1) + ": invalid polygon that cannot be repaired");
          feature.SetGeometry(fixed.get());
        } else {
          feature.SetGeometry(&mp);
        }
      }
      if (layer->CreateFeature(&feature) != OGRERR_NONE) fail("layer " + t.name + ": cannot write row " + std::to_string(r + 1));
    }
    if (layer->CommitTransaction() != OGRERR_NONE) fail("layer " + t.name + ": cannot write (full disk?)");
  }
  ds.reset();
  atomic_replace(partial, path);
}

int write_zones_gpkg(const std::string& path, const std::string& layer_name, const std::vector<Zone>& zones, const std::string& code_field,
                     const std::string& name_field) {
  PartialGpkgLayer out(path, layer_name, wkbMultiPolygon, {code_field, name_field});
  int repaired = 0;
  for (const auto& z : zones) {
    OGRFeature f(out.definition());
    f.SetField(0, z.code.c_str());
    f.SetField(1, z.name.c_str());
    OGRMultiPolygon mp = to_ogr(z.geometry);
    if (!mp.IsValid()) {
      std::unique_ptr<OGRGeometry> fixed(mp.MakeValid());
      if (!fixed) out.fail("zone " + z.code + " is invalid and cannot be repaired");
      ++repaired;
      f.SetGeometry(fixed.get());
    } else {
      f.SetGeometry(&mp);
    }
    out.add(f, "zone " + z.code);
  }
  out.commit();
  return repaired;
}

void write_points_gpkg(const std::string& path, const std::string& layer_name, const std::vector<std::string>& columns,
                       const std::vector<std::vector<std::string>>& rows, const std::vector<Point>& lonlat) {
  if (rows.size() != lonlat.size()) throw IoError(path + ": a point per row is needed");
  PartialGpkgLayer out(path, layer_name, wkbPoint, columns);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    OGRFeature f(out.definition());
    for (std::size_t c = 0; c < columns.size() && c < rows[r].size(); ++c) f.SetField(int(c), rows[r][c].c_str());
    OGRPoint point(lonlat[r].x, lonlat[r].y);
    f.SetGeometry(&point);
    out.add(f, "point " + std::to_string(r + 1));
  }
  out.commit();
}

namespace {

// Every ring closed and with enough points: OGR reads an unclosed ring as given, and GEOS would
// then call the polygon invalid without saying which ring.
void check_rings(const OGRGeometry* g, const std::string& where, std::size_t& vertices) {
  auto ring = [&](const OGRLinearRing* r, int part, int k) {
    const int n = r->getNumPoints();
    vertices += std::size_t(n);
    const std::string which = "polygon " + std::to_string(part + 1) + (k == 0 ? ", exterior ring" : ", hole " + std::to_string(k));
    if (n > 0 && (r->getX(0) != r->getX(n - 1) || r->getY(0) != r->getY(n - 1)))
      throw IoError(where + ": " + which + " is not closed (its first point " + std::to_string(r->getX(0)) + " " +
                    std::to_string(r->getY(0)) + " differs from its last " + std::to_string(r->getX(n - 1)) + " " +
                    std::to_string(r->getY(n - 1)) + ")");
    if (n < 4) throw IoError(where + ": " + which + " has " + std::to_string(n) + " points; a ring needs at least 4 (closed)");
  };
  auto polygon = [&](const OGRPolygon* p, int part) {
    if (p->IsEmpty()) return;
    ring(p->getExteriorRing(), part, 0);
    for (int i = 0; i < p->getNumInteriorRings(); ++i) ring(p->getInteriorRing(i), part, i + 1);
  };
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon:
      polygon(g->toPolygon(), 0);
      break;
    case wkbMultiPolygon: {
      int part = 0;
      for (const auto* p : *g->toMultiPolygon()) polygon(p, part++);
      break;
    }
    default:
      throw IoError(where + ": the geometry is a " + OGRGeometryTypeToName(g->getGeometryType()) + ", not a Polygon or MultiPolygon");
  }
}

std::unique_ptr<OGRSpatialReference> user_crs(const std::string& crs, const std::string& what) {
  auto srs = std::make_unique<OGRSpatialReference>();
  if (srs->SetFromUserInput(crs.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS) != OGRERR_NONE)
    throw IoError(what + ": unknown CRS '" + crs + "' (give one PROJ knows, e.g. EPSG:4326 or EPSG:4490)");
  return srs;
}

}  // namespace

std::vector<QueryPolygon> read_query_polygons(const std::string& text, const std::string& crs, const std::string& target_crs,
                                              const std::string& what, std::size_t max_vertices) {
  std::vector<QueryPolygon> out;
  std::size_t vertices = 0;
  auto add = [&](const OGRGeometry* g, const OGRSpatialReference& srs, const std::string& where, QueryPolygon q) {
    if (!g) throw IoError(where + ": no geometry");
    check_rings(g, where, vertices);
    if (vertices > max_vertices)
      throw IoError(what + ": more than " + std::to_string(max_vertices) + " vertices (" + std::to_string(vertices) + " so far)");
    if (g->IsEmpty()) throw IoError(where + ": the polygon is empty");
    const ZoneTransforms transforms(srs, target_crs, what);
    place_geometry(q.zone, std::unique_ptr<OGRGeometry>(g->clone()), transforms, where, false);
    if (!(q.zone.geodesic_area_m2 > 0)) throw IoError(where + ": the polygon has no area");
    out.push_back(std::move(q));
  };
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw IoError(what + ": empty (a WKT polygon or GeoJSON is needed)");
  if (text[first] != '{') {
    // WKT
    const auto srs = user_crs(crs.empty() ? "EPSG:4326" : crs, what);
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRGeometry* parsed = nullptr;
    const char* cursor = text.c_str() + first;
    if (OGRGeometryFactory::createFromWkt(&cursor, nullptr, &parsed) != OGRERR_NONE || !parsed)
      throw IoError(what + ": neither GeoJSON nor WKT that GDAL can parse (e.g. POLYGON((107 40.5, 107.1 40.5, 107.1 40.6, 107 40.5)))");
    std::unique_ptr<OGRGeometry> g(parsed);
    if (std::string(cursor).find_first_not_of(" \t\r\n;") != std::string::npos)
      throw IoError(what + ": more text after the WKT geometry (byte " + std::to_string(cursor - text.c_str()) + ")");
    QueryPolygon q;
    q.zone.code = "query", q.zone.name = "query";
    add(g.get(), *srs, what, std::move(q));
    return out;
  }
  const std::size_t end = end_of_first_json_value(text);
  if (end == std::string::npos) throw IoError(what + ": the JSON is cut short (brackets or a string not closed)");
  if (text.find_first_not_of(" \t\r\n", end) != std::string::npos)
    throw IoError(what + ": more text after the end of the JSON value (byte " + std::to_string(text.find_first_not_of(" \t\r\n", end)) + ")");
  // GDAL's GeoJSON reader, on a private in-memory file.
  const std::string mem = private_vsimem_name("query", ".geojson");
  VSILFILE* f = VSIFileFromMemBuffer(mem.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(text.data())), vsi_l_offset(text.size()), FALSE);
  if (!f) throw IoError(what + ": cannot read");
  VSIFCloseL(f);
  struct Unlink {
    std::string path;
    ~Unlink() { VSIUnlink(path.c_str()); }
  } unlink{mem};
  MessageCollector collector;
  CPLPushErrorHandlerEx(MessageCollector::handler, &collector);
  const char* drivers[] = {"GeoJSON", nullptr};
  DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(mem.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
  CPLPopErrorHandler();
  if (!ds || ds->GetLayerCount() < 1)
    throw IoError(what + ": not GeoJSON that GDAL can read" + (collector.messages.empty() ? "" : " (" + collector.messages + ")"));
  OGRLayer* layer = ds->GetLayer(0);
  std::unique_ptr<OGRSpatialReference> srs;
  if (!crs.empty()) {
    srs = user_crs(crs, what);
  } else if (const OGRSpatialReference* own = layer->GetSpatialRef()) {
    srs.reset(own->Clone());
  } else {
    srs = user_crs("EPSG:4326", what);
  }
  srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int code_i = defn->GetFieldIndex("code"), name_i = defn->GetFieldIndex("name");
  int n = 0;
  layer->ResetReading();
  for (auto& feature : *layer) {
    ++n;
    const std::string where = what + ", feature " + std::to_string(n);
    QueryPolygon q;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
      if (feature->IsFieldSetAndNotNull(i)) q.properties.emplace_back(defn->GetFieldDefn(i)->GetNameRef(), feature->GetFieldAsString(i));
    q.zone.code = code_i >= 0 && feature->IsFieldSetAndNotNull(code_i) ? trim_spaces(feature->GetFieldAsString(code_i)) : "";
    q.zone.name = name_i >= 0 && feature->IsFieldSetAndNotNull(name_i) ? feature->GetFieldAsString(name_i) : "";
    const OGRGeometry* g = feature->GetGeometryRef();
    if (!g || g->IsEmpty())
      throw IoError(where + ": " + (g ? "the polygon is empty" : "no geometry") + (collector.messages.empty() ? "" : " (GDAL: " + collector.messages + ")"));
    add(g, *srs, where, std::move(q));
  }
  if (out.empty()) throw IoError(what + ": no feature (an empty FeatureCollection)");
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::string number = out.size() > 1 ? " " + std::to_string(k + 1) : "";
    if (out[k].zone.code.empty()) out[k].zone.code = "query" + number;
    if (out[k].zone.name.empty()) out[k].zone.name = out[k].zone.code;
  }
  return out;
}

ZoneCover zone_cover(const std::vector<Zone>& zones, const Grid& grid) {
  std::vector<const MultiPolygon*> polygons;
  for (const Zone& z : zones) polygons.push_back(&z.geometry);
  return ZoneCover(grid, std::move(polygons));
}

std::vector<Window> zone_windows(const std::vector<Zone>& zones, const Grid& grid) {
  const ZoneCover cover = zone_cover(zones, grid);
  std::vector<Window> windows;
  for (std::size_t z = 0; z < cover.size(); ++z) windows.push_back(cover.window(z));
  return windows;
}

}  // namespace geo::io

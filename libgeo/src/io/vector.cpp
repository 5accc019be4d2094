#include "libgeo/io/vector.hpp"

#include <cpl_error.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>

#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"

namespace geo::io {

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

DatasetPtr open_vector(const std::string& path) {
  CPLErrorReset();
  auto* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) {
    const char* m = CPLGetLastErrorMsg();
    throw IoError("zones file " + path + ": cannot open as a vector data set" +
                  (m && *m ? std::string(": ") + m : std::string(" (missing, or not GeoPackage/Shapefile/GeoJSON)")));
  }
  return DatasetPtr(ds);
}

OGRLayer* pick_layer(GDALDataset& ds, const ZoneSource& src) {
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
      throw IoError(where + ": geometry is " + OGRGeometryTypeToName(g->getGeometryType()) +
                    ", zones must be polygons");
  }
  return mp;
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
  auto ds = open_vector(source.path);
  OGRLayer* layer = pick_layer(*ds, source);
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

  OGRSpatialReference wgs84, target;
  wgs84.SetWellKnownGeogCS("WGS84");
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRSpatialReference> src_srs(layer_srs->Clone());
  src_srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> to_target, to_lonlat(OGRCreateCoordinateTransformation(src_srs.get(), &wgs84));
  if (!target_crs.empty()) {
    if (target.SetFromUserInput(target_crs.c_str()) != OGRERR_NONE) throw IoError("cannot parse the raster CRS");
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!src_srs->IsSame(&target)) {
      to_target.reset(OGRCreateCoordinateTransformation(src_srs.get(), &target));
      if (!to_target) throw IoError("zones file " + source.path + ": no transformation from its CRS to the raster's");
    }
  }
  if (!to_lonlat) throw IoError("zones file " + source.path + ": no transformation from its CRS to WGS84");

  std::vector<Zone> zones;
  layer->ResetReading();
  for (auto& feature : *layer) {
    const std::string where = "zones file " + source.path + ", feature " + std::to_string(feature->GetFID());
    Zone z;
    z.code = feature->GetFieldAsString(code_i);
    z.name = name_i >= 0 ? feature->GetFieldAsString(name_i) : z.code;
    const OGRGeometry* g = feature->GetGeometryRef();
    if (!g || g->IsEmpty()) {
      zones.push_back(std::move(z));  // an empty zone still gets its row, with zero area
      continue;
    }
    std::unique_ptr<OGRGeometry> geom(g->clone());
    if (!geom->IsValid()) {
      std::unique_ptr<OGRGeometry> fixed(geom->MakeValid());
      if (!fixed) throw IoError(where + ": invalid polygon that cannot be repaired");
      geom = std::move(fixed);
    }
    std::unique_ptr<OGRGeometry> lonlat(geom->clone());
    if (lonlat->transform(to_lonlat.get()) != OGRERR_NONE) throw IoError(where + ": cannot transform to WGS84");
    z.geodesic_area_m2 = geodesic_area(to_multipolygon(lonlat.get(), where));
    if (to_target && geom->transform(to_target.get()) != OGRERR_NONE)
      throw IoError(where + ": cannot transform to the raster CRS (outside its area of use?)");
    z.geometry = to_multipolygon(geom.get(), where);
    zones.push_back(std::move(z));
  }
  return zones;
}

int write_zones_gpkg(const std::string& path, const std::string& layer_name, const std::vector<Zone>& zones,
                      const std::string& code_field, const std::string& name_field) {
  const std::string partial = path + ".partial.gpkg";
  std::filesystem::remove(partial);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  DatasetPtr ds(drv->Create(partial.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw IoError(path + ": cannot create GeoPackage");
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  OGRLayer* layer = ds->CreateLayer(layer_name.c_str(), &wgs84, wkbMultiPolygon, nullptr);
  if (!layer) throw IoError(path + ": cannot create layer " + layer_name);
  OGRFieldDefn code(code_field.c_str(), OFTString), name(name_field.c_str(), OFTString);
  layer->CreateField(&code);
  layer->CreateField(&name);
  int repaired = 0;
  for (const auto& z : zones) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField(code_field.c_str(), z.code.c_str());
    f.SetField(name_field.c_str(), z.name.c_str());
    OGRMultiPolygon mp;
    for (const auto& part : z.geometry.parts) {
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
    if (!mp.IsValid()) {
      std::unique_ptr<OGRGeometry> fixed(mp.MakeValid());
      if (!fixed) throw IoError(path + ": zone " + z.code + " is invalid and cannot be repaired");
      ++repaired;
      f.SetGeometry(fixed.get());
    } else {
      f.SetGeometry(&mp);
    }
    if (layer->CreateFeature(&f) != OGRERR_NONE) throw IoError(path + ": cannot write zone " + z.code);
  }
  ds.reset();
  atomic_replace(partial, path);
  return repaired;
}

}  // namespace geo::io

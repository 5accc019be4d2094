#include "libgeo/io/projection.hpp"

#include <geodesic.h>
#include <ogr_spatialref.h>
#include <cpl_conv.h>
#include <proj.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "libgeo/io/raster.hpp"

namespace geo::io {

bool is_geographic(const std::string& crs) {
  OGRSpatialReference srs;
  if (srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE) throw IoError("cannot parse CRS: " + crs.substr(0, 80));
  return srs.IsGeographic();
}

std::string projected_metres_problem(const std::string& crs) {
  OGRSpatialReference srs;
  if (crs.empty() || srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE) return "cannot be parsed as a CRS";
  if (srs.IsGeographic() || srs.IsGeocentric()) return "is geographic (degrees), not projected";
  if (!srs.IsProjected()) return "is not a projected CRS";
  const char* unit = nullptr;
  const double metres = srs.GetLinearUnits(&unit);
  if (std::abs(metres - 1.0) > 1e-12)
    return "has linear units of " + std::string(unit ? unit : "?") + " (" + std::to_string(metres) + " m), not metres";
  return "";
}

std::string crs_name(const std::string& crs) {
  OGRSpatialReference srs;
  if (crs.empty() || srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE) return "unknown CRS";
  const char* n = srs.GetName();
  return n ? n : "unknown CRS";
}

std::string crs_authority_code(const std::string& crs) {
  OGRSpatialReference srs;
  if (crs.empty() || srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE) return "";
  srs.AutoIdentifyEPSG();  // a WKT of an EPSG CRS without its AUTHORITY node
  const char* authority = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  return authority && code ? std::string(authority) + ":" + code : "";
}

std::string crs_wkt2(const std::string& crs) {
  OGRSpatialReference srs;
  if (crs.empty() || srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE) return "";
  const char* options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
  char* wkt = nullptr;
  if (srs.exportToWkt(&wkt, options) != OGRERR_NONE || !wkt) return "";
  std::string out = wkt;
  CPLFree(wkt);
  return out;
}

namespace {

// A projected CRS given as a PROJ string has no name: GDAL and QGIS call it "unknown". Named here
// from its projection, parameters and datum, so that a raster says what it is in: an Albers conic
// with standard parallels 25 N and 47 N on central meridian 105 E is the Albers equal-area projection
// customary for maps of China (Chinese national atlases' projection), named as such.
void name_unnamed_projection(OGRSpatialReference& srs) {
  const char* name = srs.GetAttrValue("PROJCS");
  if (!srs.IsProjected() || (name && std::string(name) != "unknown" && *name)) return;
  const char* method = srs.GetAttrValue("PROJECTION");
  const char* datum = srs.GetAttrValue("GEOGCS");
  std::string label;
  char params[96];
  if (method && std::string(method) == SRS_PT_ALBERS_CONIC_EQUAL_AREA) {
    const double lat1 = srs.GetNormProjParm(SRS_PP_STANDARD_PARALLEL_1), lat2 = srs.GetNormProjParm(SRS_PP_STANDARD_PARALLEL_2);
    const double lon0 = srs.GetNormProjParm(SRS_PP_LONGITUDE_OF_CENTER);
    std::snprintf(params, sizeof params, " (%gN, %gN; %gE)", lat1, lat2, lon0);
    label = std::string(lat1 == 25 && lat2 == 47 && lon0 == 105 ? "China Albers Equal Area Conic" : "Albers Equal Area Conic") + params;
  } else {
    label = method ? method : "Custom projection";
    for (char& c : label)
      if (c == '_') c = ' ';
  }
  if (datum && *datum && std::string(datum) != "unknown") label += std::string(", ") + datum;
  srs.SetProjCS(label.c_str());
}

}  // namespace

std::string crs_wkt(const std::string& user_input) {
  OGRSpatialReference srs;
  if (srs.SetFromUserInput(user_input.c_str()) != OGRERR_NONE) throw IoError("cannot parse CRS: " + user_input);
  name_unnamed_projection(srs);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string out = wkt ? wkt : "";
  CPLFree(wkt);
  return out;
}

namespace {

// What a process keeps for each CRS pair it has used, under one lock. Never destroyed (PROJ's own
// state may be gone at exit), but for a fresh start past kPairs pairs, so that a server asked for
// many CRSs does not grow without end.
//
// - The operation, searched once and copied (proj_clone) for every transformer after: choosing it
//   takes PROJ 3-80 ms (a search of its database, most of it identifying the CRSs' datums by name).
//   The way back is the inverse of the way there (proj_coordoperation_create_inverse, about 0.1 ms)
//   rather than a second search. PROJ's search from B to A finds the inverse of the operation from A
//   to B, so both give the same figures to the bit (the test
//   CoordinateTransformer.EitherDirectionIsPROJsOwnOperation checks this for the CRSs a run uses);
//   whichever direction comes first, the operation for the CRS named first in sorting order is the
//   one searched for and the other its inverse, so the figures never depend on what a process
//   transformed before. A pair for which PROJ keeps several candidate operations (chosen per point by
//   area of use) has no single inverse: both directions are searched.
// - Transformers given back, each a copy in its own PROJ context, taken by one CoordinateTransformer
//   at a time: a fresh copy and context cost about 0.08 ms, a taken one under a microsecond, and a
//   run makes one for every scene footprint and tile.
struct PairOperations {
  PJ* operation = nullptr;                        // in Operations::ctx, x, y order
  std::vector<std::pair<PJ_CONTEXT*, PJ*>> idle;  // copies given back, each with its context
};

struct Operations {
  std::mutex mutex;
  PJ_CONTEXT* ctx = proj_context_create();
  std::map<std::string, PairOperations> by_pair;  // "from\nto"
  static constexpr std::size_t kPairs = 64, kIdlePerPair = 16;
};

Operations& operations() {
  static Operations* kept = new Operations;
  return *kept;
}

// The operation from `from` to `to` in x, y order, made in `ctx`; throws IoError when PROJ has none.
PJ* searched_operation(PJ_CONTEXT* ctx, const std::string& from, const std::string& to) {
  PJ* raw = proj_create_crs_to_crs(ctx, from.c_str(), to.c_str(), nullptr);
  if (!raw) throw IoError("PROJ: no transformation from " + from.substr(0, 60) + " to " + to.substr(0, 60));
  PJ* norm = proj_normalize_for_visualization(ctx, raw);
  proj_destroy(raw);
  if (!norm) throw IoError("PROJ: cannot put the transformation from " + from.substr(0, 60) + " to " + to.substr(0, 60) + " in x, y order");
  return norm;
}

bool is_single_operation(const PJ* op) {
  switch (proj_get_type(op)) {
    case PJ_TYPE_CONVERSION:
    case PJ_TYPE_TRANSFORMATION:
    case PJ_TYPE_CONCATENATED_OPERATION:
    case PJ_TYPE_OTHER_COORDINATE_OPERATION:
      return true;
    default:
      return false;  // several candidates kept by proj_create_crs_to_crs
  }
}

// The operation from `from` to `to`, as `kept` holds it or makes it now; the caller holds the lock.
PJ* kept_operation(Operations& kept, const std::string& from, const std::string& to) {
  const std::string pair = from + '\n' + to;
  if (const auto it = kept.by_pair.find(pair); it != kept.by_pair.end()) return it->second.operation;
  PJ* op = nullptr;
  if (to < from) {
    PJ* there = nullptr;
    try {
      there = kept_operation(kept, to, from);
    } catch (const IoError&) {
      // None found the other way: this direction is searched on its own below (the pair alone decides).
    }
    if (there && is_single_operation(there)) op = proj_coordoperation_create_inverse(kept.ctx, there);
  }
  if (!op) op = searched_operation(kept.ctx, from, to);
  if (kept.by_pair.size() >= Operations::kPairs) {  // a server asked for many CRSs: start afresh
    for (auto& [name, entry] : kept.by_pair) {
      proj_destroy(entry.operation);
      for (auto& [ctx, copy] : entry.idle) {
        proj_destroy(copy);
        proj_context_destroy(ctx);
      }
    }
    kept.by_pair.clear();
  }
  kept.by_pair[pair].operation = op;
  return op;
}

}  // namespace

CoordinateTransformer::CoordinateTransformer(const std::string& from, const std::string& to) : pair_(from + '\n' + to) {
  Operations& kept = operations();
  const std::lock_guard<std::mutex> lock(kept.mutex);
  if (auto it = kept.by_pair.find(pair_); it != kept.by_pair.end() && !it->second.idle.empty()) {
    std::tie(ctx_, pj_) = it->second.idle.back();
    it->second.idle.pop_back();
    return;
  }
  PJ_CONTEXT* ctx = proj_context_create();
  PJ* op = nullptr;
  try {
    op = proj_clone(ctx, kept_operation(kept, from, to));
  } catch (...) {
    proj_context_destroy(ctx);
    throw;
  }
  if (!op) {
    proj_context_destroy(ctx);
    throw IoError("PROJ: cannot copy the transformation from " + from.substr(0, 60) + " to " + to.substr(0, 60));
  }
  ctx_ = ctx;
  pj_ = op;
}

CoordinateTransformer::~CoordinateTransformer() {
  auto* ctx = static_cast<PJ_CONTEXT*>(ctx_);
  auto* op = static_cast<PJ*>(pj_);
  {
    Operations& kept = operations();
    const std::lock_guard<std::mutex> lock(kept.mutex);
    if (auto it = kept.by_pair.find(pair_); it != kept.by_pair.end() && it->second.idle.size() < Operations::kIdlePerPair) {
      it->second.idle.emplace_back(ctx, op);
      return;
    }
  }
  proj_destroy(op);
  proj_context_destroy(ctx);
}

void CoordinateTransformer::transform(std::vector<Point>& points) const {
  if (points.empty()) return;
  proj_trans_generic(static_cast<PJ*>(pj_), PJ_FWD, &points[0].x, sizeof(Point), points.size(), &points[0].y, sizeof(Point), points.size(),
                     nullptr, 0, 0, nullptr, 0, 0);
}

namespace {

// One PROJ context and transformation per thread: PJ objects are not thread-safe.
struct ScaleSampler {
  PJ_CONTEXT* ctx = nullptr;
  PJ* crs = nullptr;
  PJ* conversion = nullptr;  // the map projection itself: proj_factors on it avoids database lookups
  PJ* inverse = nullptr;     // projected -> geographic lon/lat degrees
  explicit ScaleSampler(const std::string& wkt) {
    ctx = proj_context_create();
    crs = proj_create(ctx, wkt.c_str());
    if (!crs) throw IoError("PROJ cannot read the raster CRS");
    // The CRS's PROJ.4 form without "+type=crs" is a bare projection taking radians: proj_factors
    // on it is pure arithmetic, while on the CRS object it queries PROJ's database every call.
    const char* p4 = proj_as_proj_string(ctx, crs, PJ_PROJ_4, nullptr);
    std::string def = p4 ? p4 : "";
    if (auto at = def.find(" +type=crs"); at != std::string::npos) def.erase(at, 10);
    conversion = def.empty() ? nullptr : proj_create(ctx, def.c_str());
    if (!conversion) throw IoError("PROJ: the raster CRS has no PROJ.4 form to compute scale factors");
    PJ* geog = proj_crs_get_geodetic_crs(ctx, crs);
    PJ* raw = proj_create_crs_to_crs_from_pj(ctx, crs, geog, nullptr, nullptr);
    proj_destroy(geog);
    if (!raw) throw IoError("PROJ cannot invert the raster CRS");
    inverse = proj_normalize_for_visualization(ctx, raw);
    proj_destroy(raw);
  }
  ~ScaleSampler() {
    proj_destroy(inverse);
    proj_destroy(conversion);
    proj_destroy(crs);
    proj_context_destroy(ctx);
  }
  double operator()(double x, double y) const {
    PJ_COORD lonlat = proj_trans(inverse, PJ_FWD, proj_coord(x, y, 0, 0));
    const double deg = std::numbers::pi / 180.0;
    // proj_factors takes geographic coordinates in radians.
    PJ_FACTORS f = proj_factors(conversion, proj_coord(lonlat.lp.lam * deg, lonlat.lp.phi * deg, 0, 0));
    if (proj_errno(conversion) != 0 || !(f.areal_scale > 0)) {
      proj_errno_reset(conversion);
      throw IoError("PROJ cannot compute the areal scale at (" + std::to_string(x) + ", " + std::to_string(y) + ")");
    }
    return f.areal_scale;
  }
};

}  // namespace

ArealScaleFunction areal_scale_function(const std::string& projected_crs) {
  auto wkt = std::make_shared<std::string>(projected_crs);
  return [wkt](double x, double y) {
    thread_local std::string cached_wkt;
    thread_local std::unique_ptr<ScaleSampler> sampler;
    if (!sampler || cached_wkt != *wkt) {
      sampler = std::make_unique<ScaleSampler>(*wkt);
      cached_wkt = *wkt;
    }
    return (*sampler)(x, y);
  };
}

CellAreaModel cell_area_model(const Grid& grid) {
  if (grid.crs_wkt.empty()) return CellAreaModel::nominal(grid.transform);
  if (is_geographic(grid.crs_wkt)) return CellAreaModel::geographic(grid.transform);
  return CellAreaModel::projected(grid.transform, areal_scale_function(grid.crs_wkt));
}

double geodesic_area(const MultiPolygon& lonlat) {
  geod_geodesic g;
  geod_init(&g, 6378137.0, 1 / 298.257223563);
  auto ring_area = [&](const Ring& ring) {
    std::vector<double> lats, lons;
    for (const auto& p : ring) {
      lons.push_back(p.x);
      lats.push_back(p.y);
    }
    if (lats.size() > 1 && lats.front() == lats.back() && lons.front() == lons.back()) {
      lats.pop_back();
      lons.pop_back();
    }
    double area = 0, perimeter = 0;
    geod_polygonarea(&g, lats.data(), lons.data(), int(lats.size()), &area, &perimeter);
    return std::abs(area);
  };
  double total = 0;
  for (const auto& part : lonlat.parts) {
    total += ring_area(part.exterior);
    for (const auto& h : part.holes) total -= ring_area(h);
  }
  return total;
}

}  // namespace geo::io

#include "catalog/polygon_query.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "base/csv.hpp"
#include "base/threads.hpp"
#include "carbon/carbon_factors.hpp"
#include "config/cell_rules_from.hpp"
#include "engine/season_engine.hpp"
#include "engine/season_tally.hpp"
#include "engine/transitions.hpp"
#include "ground/plots.hpp"
#include "ground/reference_sample.hpp"
#include "products/indicators.hpp"
#include "report/zone_reports.hpp"

namespace ecomon {

namespace {

using Json = nlohmann::ordered_json;

// Whether the polygon's dense shrubland is forest (forest.special_shrubland): as its zones say when
// they agree; a polygon across designated and other zones takes the designation of the zone holding
// most of its cells, and the answer says so.
SeasonZone polygon_designation(const geo::io::Zone& polygon, const std::vector<geo::io::Zone>& zones, const Settings& s, const geo::Grid& grid,
                               std::vector<std::string>& notes) {
  if (s.forest.special_shrubland == "all" || s.forest.special_shrubland == "none") return {s.forest.special_shrubland == "all"};
  const geo::ZoneCover own(grid, {&polygon.geometry});
  const geo::Window w = own.window(0);
  if (w.empty()) return {false};
  const geo::ZoneCover theirs = geo::io::zone_cover(zones, grid);
  std::map<int, double> share;  // zone -> the polygon's cells in it (coverage-weighted)
  for (const geo::Window& strip : geo::strips(w, 256)) {  // strips: memory bounded whatever the polygon's size
    const std::vector<int> zone_of = zones_of_cells(theirs, strip);
    const geo::ZoneCover::Part part = own.part(0, strip);
    for (int r = 0; r < strip.rows; ++r)
      for (int c = 0; c < strip.cols; ++c)
        if (const double f = part.fraction.at(r, c); f > 0) share[zone_of[std::size_t(r) * std::size_t(strip.cols) + std::size_t(c)]] += f;
  }
  int main_zone = -1;
  double most = -1;
  bool designated = false, other = false;
  for (const auto& [z, f] : share) {
    if (z < 0) continue;
    (counts_special_shrubland(s.forest, zones[std::size_t(z)].code) ? designated : other) = true;
    if (f > most) most = f, main_zone = z;
  }
  const bool main_designated = main_zone >= 0 && counts_special_shrubland(s.forest, zones[std::size_t(main_zone)].code);
  if (designated && other)
    notes.push_back("the polygon lies in zones whose shrubland is forest (forest.special_shrubland) and in zones whose is not; its shrubland "
                    "is taken as that of zone " + zones[std::size_t(main_zone)].code + ", which holds most of it (" +
                    (main_designated ? "forest" : "not forest") + ")");
  return {main_designated};
}

// The sample's units inside the polygon: those whose cell it covers at least half of (the rule that
// gives a unit its zone in the season pass).
std::vector<std::size_t> sample_units_inside(const geo::io::Zone& polygon, const std::vector<ReferenceSample>& sample, int year,
                                             const geo::Grid& grid) {
  std::vector<PlotMatch> outside;
  const std::vector<PlotCell> cells = points_on_grid(
      sample.size(), [&](std::size_t k) { return GroundPoint{sample[k].lon, sample[k].lat, sample[k].year}; }, year, grid, outside);
  const geo::ZoneCover cover(grid, {&polygon.geometry});
  std::vector<std::size_t> inside;
  for (const PlotCell& cell : cells)
    if (zone_of_cell(cover, cell.col, cell.row) == 0) inside.push_back(cell.plot);
  std::sort(inside.begin(), inside.end());
  return inside;
}

// The pairs of years and their transitions inside the answer's zone, and the carbon stock change.
void add_transitions(QueryAnswer& answer, const std::vector<YearResult>& results, const Settings& latest, const geo::Grid& grid,
                     geo::io::ReaderPool* readers) {
  std::vector<YearResult> with_map;
  for (const YearResult& y : results) {
    std::error_code ec;
    if (!y.landcover_product.empty() && std::filesystem::exists(y.landcover_product, ec)) with_map.push_back(y);
  }
  if (results.size() >= 2 && with_map.size() < 2) {
    answer.notes.push_back("no land cover transitions: fewer than two of the years kept their LANDCOVER raster (output.products)");
    return;
  }
  const std::string pairs = latest.carbon.pairs == "none" ? "consecutive" : latest.carbon.pairs;
  answer.transitions = transitions_of_pairs(with_map, pairs, grid, {answer.zone}, latest, readers);
  if (answer.transitions.empty() || latest.carbon.pairs == "none") return;
  try {
    const CarbonFactors factors = carbon_factors_for(latest);
    answer.carbon = carbon_stock_changes(answer.transitions, with_map, {answer.zone}, {}, factors, latest);
  } catch (const std::exception& e) {
    answer.notes.push_back(std::string("no carbon stock change: ") + e.what());
  }
}

}  // namespace

std::vector<int> query_years(const Workspace& ws, const std::vector<int>& asked) {
  const std::vector<int> there = ws.years();
  if (asked.empty()) return there;
  std::vector<int> out;
  for (int y : asked) {
    if (std::find(there.begin(), there.end(), y) == there.end()) ws.year(y);  // throws naming the years there are
    if (std::find(out.begin(), out.end(), y) == out.end()) out.push_back(y);
  }
  std::sort(out.begin(), out.end());
  return out;
}

QueryAnswer query_polygon(const Workspace& ws, geo::io::QueryPolygon polygon, const std::vector<int>& years) {
  QueryAnswer answer;
  answer.zone = std::move(polygon.zone);
  answer.properties = std::move(polygon.properties);
  answer.source = "rasters";
  const geo::Grid grid = ws.grid();
  {
    const geo::ZoneCover cover(grid, {&answer.zone.geometry});
    answer.outside_data = cover.window(0).empty();
    if (answer.outside_data) answer.notes.push_back("the polygon lies outside the workspace's data (its regional grid): nothing observed");
  }
  std::vector<YearResult> results;
  for (int y : years) {
    const Settings s = ws.settings(y);
    QueryYear qy;
    qy.result = ws.year_result(y);
    const std::vector<geo::io::Zone> zones = ws.zones(y);
    const SeasonZone designation = polygon_designation(answer.zone, zones, s, grid, answer.notes);
    ZoneTally tally = tally_stored_year(ws.rasters(y), grid, {answer.zone}, {designation},
                                        cell_rules_from(s, s.fvc.ndvi_soil.value_or(0.05), s.fvc.ndvi_veg.value_or(0.85)),
                                        threads_or_all_cores(0))[0];
    // The polygon as a zone of its own, after the year's zones (a sample's strata and the
    // calibration's zone effect read the class areas by zone).
    const int own_zone = int(zones.size());
    for (int c = 0; c < kLandCoverClasses; ++c) tally.class_area_by_zone[own_zone][std::size_t(c)] = tally.landcover_area[c];
    if (qy.result.accuracy) {
      ClassAccuracy& a = *qy.result.accuracy;
      const std::vector<std::size_t> inside = sample_units_inside(answer.zone, ws.reference_sample(y), y, grid);
      std::size_t matched = 0;
      for (std::size_t k : inside)
        if (k < a.stratum.size() && a.stratum[k] != LandCover::unknown) ++matched;
      qy.sample_units_inside = matched;
      qy.sample_units_needed = s.accuracy.min_unit_stratum_units;
      // Nothing observed: the sample's estimate is 0 of an observed area of 0, as the run's rows give
      // it, and the interval is the unobserved part.
      if (int(matched) >= qy.sample_units_needed || !(tally.observed_area > 0)) {
        qy.sample_status = "assessed";
        if (a.zone_of_unit.empty()) a.zone_of_unit.assign(a.stratum.size(), 0);
        for (std::size_t k : inside)
          if (k < a.zone_of_unit.size()) a.zone_of_unit[k] = own_zone;
        tally.sample_units = inside;
      } else {
        // Too few units to speak for the polygon: the map's figures, bounded by the unobserved part
        // only, never a confidence interval.
        qy.sample_status = "not_assessed";
        qy.result.accuracy.reset();
      }
    }
    qy.result.tallies = {std::move(tally)};
    results.push_back(qy.result);
    answer.years.push_back(std::move(qy));
  }
  if (!years.empty()) add_transitions(answer, results, ws.settings(years.back()), grid, ws.readers());
  return answer;
}

QueryAnswer query_zone(const Workspace& ws, const std::string& code, const std::vector<int>& years) {
  QueryAnswer answer;
  answer.source = "stored tallies";
  std::vector<YearResult> results;
  for (int y : years) {
    const std::vector<geo::io::Zone> zones = ws.zones(y);
    const auto at = std::find_if(zones.begin(), zones.end(), [&](const geo::io::Zone& z) { return z.code == code; });
    if (at == zones.end()) {
      std::string codes;
      for (const auto& z : zones) codes += (codes.empty() ? "" : ", ") + z.code;
      throw std::out_of_range("no zone " + code + " in " + std::to_string(y) + " (zones: " + codes + ")");
    }
    const std::size_t z = std::size_t(at - zones.begin());
    answer.zone = *at;
    QueryYear qy;
    qy.result = ws.year_result(y);
    if (z >= qy.result.tallies.size()) throw std::runtime_error(ws.root() + ": the stored results of " + std::to_string(y) + " have no tally of zone " + code);
    if (qy.result.accuracy) {
      qy.sample_status = "assessed";
      qy.sample_units_inside = qy.result.tallies[z].sample_units.size();
      qy.sample_units_needed = ws.settings(y).accuracy.min_unit_stratum_units;
    }
    // The zone's own tally alone: the row reads it at index 0, as a polygon's.
    ZoneTally own = qy.result.tallies[z];
    qy.result.tallies = {std::move(own)};
    results.push_back(qy.result);
    answer.years.push_back(std::move(qy));
  }
  if (!years.empty()) add_transitions(answer, results, ws.settings(years.back()), ws.grid(), ws.readers());
  return answer;
}

namespace {

std::vector<YearResult> results_of(const QueryAnswer& a) {
  std::vector<YearResult> out;
  for (const QueryYear& y : a.years) out.push_back(y.result);
  return out;
}

// The answer's (its only zone's) transitions with area, from-class then to-class order; `changes`:
// those between two different classes only.
struct Transition {
  LandCover from, to;
  double m2;
};
std::vector<Transition> transitions_of(const TransitionResult& t, bool changes) {
  std::vector<Transition> out;
  for (int from = 1; from < kLandCoverClasses; ++from)
    for (int to = 1; to < kLandCoverClasses; ++to)
      if (const double m2 = t.areas[0][TransitionResult::index(LandCover(from), LandCover(to))]; m2 > 0 && (!changes || from != to))
        out.push_back({LandCover(from), LandCover(to), m2});
  return out;
}

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json answer_json(const QueryAnswer& a) {
  Json j;
  j["code"] = a.zone.code;
  j["name"] = a.zone.name;
  if (!a.properties.empty()) {
    Json p = Json::object();
    for (const auto& [k, v] : a.properties) p[k] = v;
    j["properties"] = p;
  }
  j["source"] = a.source;
  j["area_km2"] = a.zone.geodesic_area_m2 / 1e6;
  j["area_wanmu"] = a.zone.geodesic_area_m2 / kSquareMetresPerWanMu;
  const std::vector<YearResult> results = results_of(a);
  const std::vector<ZoneRow> rows = zone_series(a.zone, 0, results);
  const std::vector<std::string>& estimated = target_indicators();
  Json years = Json::array();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ZoneRow& row = rows[i];
    const QueryYear& qy = a.years[i];
    Json y;
    y["year"] = qy.result.year;
    Json sample;
    sample["status"] = qy.sample_status.empty() ? "none" : qy.sample_status;
    if (!qy.sample_status.empty()) sample["units_inside"] = qy.sample_units_inside, sample["units_needed"] = qy.sample_units_needed;
    y["reference_sample"] = sample;
    Json indicators = Json::object();
    for (const ReportColumn& col : timeseries_columns()) {
      const Indicator& ind = indicator(col.key);
      if (ind.key == "zone_code" || ind.key == "zone_name" || ind.key == "year") continue;
      Json v;
      v["zh"] = ind.zh;
      v["unit"] = indicator_unit(ind.key);
      v["value"] = ind.number ? number_or_null(ind.number(row)) : Json(ind.text(row));
      v["text"] = ind.text(row);
      if (ind.estimate && std::find(estimated.begin(), estimated.end(), ind.key) != estimated.end()) {
        const Estimate e = ind.estimate(row);
        const bool ci = e.statistical() && std::isfinite(e.low) && std::isfinite(e.high) && e.high > e.low;
        v[ci ? "ci95_low" : "bounds_low"] = number_or_null(e.low);
        v[ci ? "ci95_high" : "bounds_high"] = number_or_null(e.high);
        v["interval_basis"] = qy.sample_status == "not_assessed" && !e.statistical() ? std::string("not_assessed") : e.basis;
      }
      indicators[ind.key] = v;
    }
    y["indicators"] = indicators;
    years.push_back(y);
  }
  j["years"] = years;
  Json transitions = Json::array();
  for (const TransitionResult& t : a.transitions) {
    Json tj;
    tj["year_from"] = t.year_from, tj["year_to"] = t.year_to;
    Json areas = Json::array();
    for (const Transition& x : transitions_of(t, false))
      areas.push_back({{"from", land_cover_name(x.from)}, {"to", land_cover_name(x.to)}, {"area_km2", x.m2 / 1e6}});
    tj["areas"] = areas;
    tj["unpaired_area_km2"] = t.unpaired_area[0] / 1e6;
    transitions.push_back(tj);
  }
  j["transitions"] = transitions;
  Json carbon = Json::array();
  for (const CarbonChange& c : a.carbon) {
    Json cj;
    cj["year_from"] = c.year_from, cj["year_to"] = c.year_to;
    cj["stock_change_tco2e"] = c.stock_change_tc * kCO2PerC;
    const bool ci = c.statistical() && c.ci95_high_tc > c.ci95_low_tc;
    cj[ci ? "ci95_low_tco2e" : "bounds_low_tco2e"] = number_or_null(c.ci95_low_tc * kCO2PerC);
    cj[ci ? "ci95_high_tco2e" : "bounds_high_tco2e"] = number_or_null(c.ci95_high_tc * kCO2PerC);
    cj["interval_basis"] = c.interval_basis;
    cj["method"] = c.method;
    cj["observed_fraction"] = c.observed_fraction();
    if (!c.sample_problem.empty()) cj["sample_problem"] = c.sample_problem;
    carbon.push_back(cj);
  }
  j["carbon"] = carbon;
  if (!a.notes.empty()) j["notes"] = a.notes;
  return j;
}

}  // namespace

std::string answers_json(const std::vector<QueryAnswer>& answers) {
  if (answers.size() == 1) return answer_json(answers[0]).dump(2) + "\n";
  Json all = Json::array();
  for (const QueryAnswer& a : answers) all.push_back(answer_json(a));
  return all.dump(2) + "\n";
}

std::string answers_csv(const std::vector<QueryAnswer>& answers, const std::string& headers) {
  std::vector<std::vector<std::string>> rows;
  for (const QueryAnswer& a : answers) {
    const std::vector<YearResult> results = results_of(a);
    for (const ZoneRow& row : zone_series(a.zone, 0, results)) rows.push_back(timeseries_cells(row));
  }
  return csv_text(timeseries_columns(), rows, headers, "the query's CSV");
}

std::string answers_text(const std::vector<QueryAnswer>& answers) {
  std::string out;
  char line[256];
  for (const QueryAnswer& a : answers) {
    std::snprintf(line, sizeof line, "%s %s: %.3f km2 (%.3f 万亩), from the %s\n", a.zone.code.c_str(), a.zone.name.c_str(),
                  a.zone.geodesic_area_m2 / 1e6, a.zone.geodesic_area_m2 / kSquareMetresPerWanMu, a.source.c_str());
    out += line;
    const std::vector<YearResult> results = results_of(a);
    const std::vector<ZoneRow> rows = zone_series(a.zone, 0, results);
    out += pad_to_width("indicator", 34) + pad_to_width("", 8);
    for (const QueryYear& y : a.years) out += pad_to_width(std::to_string(y.result.year), 30);
    out += "\n";
    const std::vector<std::string>& estimated = target_indicators();
    for (const char* key : {"observed_fraction", "fvc_mean", "forest_coverage_pct", "forest_area_km2", "grassland_cover_pct", "grassland_area_km2",
                            "shrubland_area_km2", "cropland_area_km2", "bare_area_km2", "water_area_km2", "wetland_area_km2",
                            "desertified_severe_km2", "npp_mean_gc_m2"}) {
      const Indicator& ind = indicator(key);
      out += pad_to_width(ind.zh, 34) + pad_to_width(indicator_unit(key), 8);
      for (const ZoneRow& row : rows) {
        std::string cell = ind.text(row);
        if (ind.estimate && std::find(estimated.begin(), estimated.end(), ind.key) != estimated.end()) {
          const Estimate e = ind.estimate(row);
          if (e.statistical() && e.high > e.low) cell += " (" + format_interval(e.low, e.high) + ")";
        }
        out += pad_to_width(cell, 30);
      }
      out += "\n";
    }
    for (std::size_t i = 0; i < a.years.size(); ++i)
      if (a.years[i].sample_status == "not_assessed")
        out += std::to_string(a.years[i].result.year) + ": " + std::to_string(a.years[i].sample_units_inside) +
               " reference sample unit(s) inside, fewer than " + std::to_string(a.years[i].sample_units_needed) +
               ": the map's figures, without a confidence interval\n";
    for (const TransitionResult& t : a.transitions) {
      std::vector<Transition> changes = transitions_of(t, true);
      std::stable_sort(changes.begin(), changes.end(), [](const Transition& x, const Transition& y) { return x.m2 > y.m2; });
      std::snprintf(line, sizeof line, "land cover change %d-%d:", t.year_from, t.year_to);
      out += line;
      if (changes.empty()) out += " none";
      for (std::size_t k = 0; k < changes.size() && k < 4; ++k) {
        std::snprintf(line, sizeof line, "%s %s -> %s %.3f km2", k ? "," : "", land_cover_name(changes[k].from), land_cover_name(changes[k].to),
                      changes[k].m2 / 1e6);
        out += line;
      }
      out += "\n";
    }
    for (const CarbonChange& c : a.carbon) {
      std::snprintf(line, sizeof line, "carbon stock change %d-%d: %.0f tCO2e (%s %.0f to %.0f, %s)\n", c.year_from, c.year_to,
                    c.stock_change_tc * kCO2PerC, c.statistical() ? "95% interval" : "bounds", c.ci95_low_tc * kCO2PerC,
                    c.ci95_high_tc * kCO2PerC, c.interval_basis.c_str());
      out += line;
    }
    for (const std::string& note : a.notes) out += "note: " + note + "\n";
  }
  return out;
}

}  // namespace ecomon

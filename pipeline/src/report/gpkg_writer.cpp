// indicators.gpkg: the run's figures for QGIS, styled. Layers: `counties` (each county's outline,
// lon/lat WGS84, with every column of county_timeseries.csv for the latest year, Chinese aliases in
// its style),
// `verdicts` (each target unit dissolved from its zones, a row per target with the columns of
// targets_report.csv for the latest year), `timeseries` (every county and year: county_timeseries.csv
// as a table), and `layer_styles`, QGIS's own table of default styles (counties graduated by forest
// coverage and labelled, verdicts coloured by verdict), so that QGIS opens the layers styled. The
// cells are the CSVs' own (the same cell functions), so every value equals the CSV's.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "base/errors.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/vector.hpp"
#include "report/report_writer.hpp"
#include "report/zone_reports.hpp"

namespace ecomon {

namespace {

using geo::io::TableLayer;

std::vector<TableLayer::Field> fields_of(const std::vector<ReportColumn>& columns, const std::function<bool(const std::string&)>& numeric) {
  std::vector<TableLayer::Field> out;
  for (const ReportColumn& c : columns) out.push_back({c.key, c.zh, numeric(c.key), false});
  return out;
}

bool indicator_number(const std::string& key) {
  for (const Indicator& i : indicators())
    if (i.key == key) return bool(i.number) && key != "year" && key != "scenes";
  return false;
}

// A QGIS simple fill symbol.
std::string fill_symbol(int index, const std::string& rgb) {
  return "<symbol type=\"fill\" name=\"" + std::to_string(index) +
         "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option "
         "type=\"Map\"><Option name=\"color\" type=\"QString\" value=\"" +
         rgb + ",255\"/><Option name=\"outline_color\" type=\"QString\" value=\"80,80,80,255\"/><Option name=\"outline_width\" type=\"QString\" "
               "value=\"0.26\"/><Option name=\"style\" type=\"QString\" value=\"solid\"/></Option></layer></symbol>";
}

std::string labels_of(const std::string& field) {
  return "<labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\"" + field +
         "\" fontSize=\"9\" textColor=\"30,30,30,255\" fontFamily=\"Noto Sans CJK SC\"/><text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" "
         "bufferColor=\"255,255,255,255\"/><placement placement=\"0\"/></settings></labeling>";
}

constexpr const char* kQmlHead =
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology|Labeling|Fields\">";

// The fields' Chinese names as QGIS aliases (GDAL 3.6 writes no alternative names into a GeoPackage).
std::string aliases_of(const std::vector<TableLayer::Field>& fields) {
  std::string out = "<aliases>";
  for (std::size_t i = 0; i < fields.size(); ++i)
    out += "<alias field=\"" + fields[i].name + "\" index=\"" + std::to_string(i + 1) + "\" name=\"" + fields[i].alias + "\"/>";
  return out + "</aliases>";
}

// Counties: graduated by forest coverage, five classes at the latest year's quintiles.
std::string graduated_qml(const std::string& field, std::vector<double> values, const std::vector<TableLayer::Field>& fields) {
  static const char* colours[] = {"247,252,245", "199,233,192", "116,196,118", "49,163,84", "0,109,44"};
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  std::sort(values.begin(), values.end());
  std::vector<double> edges{values.empty() ? 0.0 : values.front()};
  for (int q = 1; q <= 5; ++q)
    edges.push_back(values.empty() ? double(q) : values[std::min(values.size() - 1, std::size_t(q * values.size() / 5))]);
  edges.back() = values.empty() ? 5.0 : values.back();
  std::ostringstream qml;
  qml << kQmlHead << "<renderer-v2 type=\"graduatedSymbol\" attr=\"" << field
      << "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><ranges>";
  for (int i = 0; i < 5; ++i) {
    char label[64];
    std::snprintf(label, sizeof label, "%.2f - %.2f %%", edges[std::size_t(i)], edges[std::size_t(i + 1)]);
    qml << "<range lower=\"" << edges[std::size_t(i)] << "\" upper=\"" << edges[std::size_t(i + 1)] << "\" symbol=\"" << i << "\" label=\""
        << label << "\" render=\"true\"/>";
  }
  qml << "</ranges><symbols>";
  for (int i = 0; i < 5; ++i) qml << fill_symbol(i, colours[i]);
  qml << "</symbols></renderer-v2>" << labels_of("zone_name") << aliases_of(fields) << "</qgis>\n";
  return qml.str();
}

// Verdicts: a colour per verdict, as report.html colours them.
std::string categorized_qml(const std::vector<TableLayer::Field>& fields) {
  const std::vector<std::pair<Verdict, std::pair<const char*, const char*>>> verdicts = {
      {Verdict::met, {"达标", "46,125,50"}},           {Verdict::at_risk, {"存在风险", "240,180,40"}},
      {Verdict::not_met, {"未达标", "198,40,40"}},     {Verdict::not_assessed, {"未评估", "170,170,170"}},
      {Verdict::no_data, {"无数据", "220,220,220"}}};
  std::ostringstream qml;
  qml << kQmlHead << "<renderer-v2 type=\"categorizedSymbol\" attr=\"verdict\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>";
  for (std::size_t i = 0; i < verdicts.size(); ++i)
    qml << "<category value=\"" << verdict_name(verdicts[i].first) << "\" symbol=\"" << i << "\" label=\"" << verdicts[i].second.first
        << "\" render=\"true\"/>";
  qml << "</categories><symbols>";
  for (std::size_t i = 0; i < verdicts.size(); ++i) qml << fill_symbol(int(i), verdicts[i].second.second);
  qml << "</symbols></renderer-v2>" << labels_of("unit_name") << aliases_of(fields) << "</qgis>\n";
  return qml.str();
}

class GeoPackageWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (r.years.empty() || r.season_zones.empty()) return;
    const Settings& s = r.settings;
    const std::vector<geo::io::Zone> wgs84 = zone_outlines_lonlat(s);
    std::map<std::string, const geo::MultiPolygon*> outline;
    for (const auto& z : wgs84) outline[z.code] = &z.geometry;

    // counties and timeseries: county_timeseries.csv's cells.
    TableLayer counties{"counties", true, fields_of(timeseries_columns(), indicator_number), {}, {}};
    TableLayer series{"timeseries", false, counties.fields, {}, {}};
    std::vector<double> forest;
    for (std::size_t z = 0; z < r.season_zones.size(); ++z) {
      const std::vector<ZoneRow> rows = zone_series(r.season_zones[z], z, r.years);
      for (const ZoneRow& row : rows) series.rows.push_back(timeseries_cells(row));
      const auto at = outline.find(r.season_zones[z].code);
      if (rows.empty() || at == outline.end()) continue;
      counties.rows.push_back(timeseries_cells(rows.back()));
      counties.geometries.push_back(*at->second);
      forest.push_back(indicator("forest_coverage_pct").number(rows.back()));
    }
    std::vector<TableLayer> layers{counties};

    // verdicts: the latest year's unit rows of targets_report.csv, on their units' dissolved outlines.
    const bool with_verdicts = r.targets && !r.verdicts.empty();
    if (with_verdicts) {
      TableLayer verdicts{"verdicts", true, fields_of(targets_report_columns(), [](const std::string& key) {
                            return key == "value" || key == "ci95_low" || key == "ci95_high" || key == "unseen_low" || key == "unseen_high" ||
                                   key == "threshold" || key == "target_value" || key == "distance" || key == "observed_fraction" ||
                                   key == "previous_value" || key == "change";
                          }),
                          {}, {}};
      const int latest = r.years.back().year;
      std::map<std::string, geo::MultiPolygon> dissolved;
      for (const VerdictRow& v : r.verdicts) {
        if (v.scope != "unit" || v.year != latest) continue;
        auto at = dissolved.find(v.unit_code);
        if (at == dissolved.end()) {
          std::vector<const geo::MultiPolygon*> parts;
          if (const auto unit = r.targets->units.find(v.unit_code); unit != r.targets->units.end())
            for (const std::string& code : unit->second.zones)
              if (const auto o = outline.find(code); o != outline.end()) parts.push_back(o->second);
          if (parts.empty()) continue;  // a unit none of whose zones the run has
          try {
            at = dissolved.emplace(v.unit_code, geo::io::union_of(parts)).first;
          } catch (const geo::io::IoError& e) {
            throw OutputError("indicators.gpkg: unit " + v.unit_code + ": " + e.what());
          }
        }
        verdicts.rows.push_back(targets_report_cells(v));
        verdicts.geometries.push_back(at->second);
      }
      layers.push_back(std::move(verdicts));
    }
    layers.push_back(std::move(series));

    // QGIS's default styles, in its own table (QGIS reads layer_styles of a GeoPackage on opening a layer).
    TableLayer styles{"layer_styles", false, {}, {}, {}};
    for (const char* name : {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML", "styleSLD"})
      styles.fields.push_back({name, "", false, false});
    styles.fields.push_back({"useAsDefault", "", false, true});
    for (const char* name : {"description", "owner", "ui", "update_time"}) styles.fields.push_back({name, "", false, false});
    styles.rows.push_back({"", "", "counties", "geom", "ecomon 森林覆盖率", graduated_qml("forest_coverage_pct", forest, layers.front().fields), "", "1",
                           "Graduated by forest coverage (%), the latest year", "ecomon", "", "2000-01-01T00:00:00"});
    if (with_verdicts)
      styles.rows.push_back({"", "", "verdicts", "geom", "ecomon 判定", categorized_qml(layers[1].fields), "", "1", "Coloured by verdict", "ecomon", "",
                             "2000-01-01T00:00:00"});
    layers.push_back(std::move(styles));

    const std::string path = r.output.path({"indicators.gpkg"});
    try {
      geo::io::write_geopackage(path, layers);
    } catch (const geo::io::IoError& e) {
      throw OutputError(e.what());
    }
    spdlog::info("GeoPackage {} (counties, {}timeseries, styled for QGIS)", path, with_verdicts ? "verdicts, " : "");
  }
};

const ReportWriterRegistration registration("75-geopackage", [] { return std::make_unique<GeoPackageWriter>(); });

}  // namespace

}  // namespace ecomon

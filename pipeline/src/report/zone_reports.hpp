#pragma once
// The per-zone reports: county_report.csv (zone x scene), county_timeseries.csv (zone x year),
// county_trends.csv (zone x indicator) and their terminal tables. Each is a list of indicator keys
// (products/indicators.hpp); headers, documentation and values all come from the registry.
#include <string>
#include <vector>

#include "engine/scene_engine.hpp"
#include "engine/season_engine.hpp"
#include "base/csv.hpp"
#include "products/indicators.hpp"

namespace ecomon {

/// The documented columns of each report, in order (`ecomon report-columns`, config/README.md).
const std::vector<ReportColumn>& report_columns();
const std::vector<ReportColumn>& timeseries_columns();
const std::vector<ReportColumn>& trend_columns();
/// The indicators whose yearly series get a Theil-Sen slope and a Mann-Kendall test.
const std::vector<std::string>& trend_indicator_keys();

/// A zone's rows of county_timeseries.csv, one per year (`z` its index in the years' tallies), each
/// marked where the method changed from the zone's previous year with data.
std::vector<ZoneRow> zone_series(const geo::io::Zone& zone, std::size_t z, const std::vector<YearResult>& years);

/// A season row's cells of county_timeseries.csv, as the run writes them.
std::vector<std::string> timeseries_cells(const ZoneRow& row);

void write_county_report(const std::string& path, const std::vector<SceneResult>& results, const std::string& headers);
void write_timeseries(const std::string& path, const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years,
                      const std::string& headers);
void write_trends(const std::string& path, const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years, double alpha,
                  const std::string& headers);

/// Aligned text tables for the terminal (zones with data only; CJK counted as two columns).
std::string format_scene_table(const std::vector<SceneResult>& results);
/// The zones' outlines in lon/lat (WGS84), read from the settings' zones file as the run read it:
/// the maps of report.html, indicators.gpkg and the page of `ecomon serve`. Throws OutputError naming
/// the file when it cannot be read.
std::vector<geo::io::Zone> zone_outlines_lonlat(const Settings& settings);

std::string format_series_table(const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years);

}  // namespace ecomon

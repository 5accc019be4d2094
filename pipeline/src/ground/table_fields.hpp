#pragma once
// The fields of a table a user hands in (plots, reference samples), checked with errors that name
// the file and the data row (1 = the first row after the header).
#include <cmath>
#include <optional>
#include <string>

#include "config/settings.hpp"  // ConfigError
#include "libgeo/geometry.hpp"
#include "libgeo/io/table.hpp"

namespace ecomon {

/// "FILE, row N" for data row `row` (0-based).
inline std::string table_row(const std::string& path, std::size_t row) { return path + ", row " + std::to_string(row + 1); }

/// The whole of `text` as a finite number, or nothing.
inline std::optional<double> finite_number(const std::string& text) {
  std::size_t used = 0;
  double v = std::nan("");
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// The whole text of a field as a finite number; a ConfigError naming file, row and column otherwise.
inline double table_number(const geo::io::Table& t, std::size_t row, int col) {
  const std::string& text = t.rows[row][std::size_t(col)];
  const auto v = finite_number(text);
  if (!v) throw ConfigError(table_row(t.path, row) + ": column '" + t.columns[std::size_t(col)] + "' is '" + text + "', not a number");
  return *v;
}

/// A WGS84 longitude, latitude from two columns; a ConfigError naming file and row (then `label`,
/// e.g. " (plot A1)") when they are not numbers or out of range.
inline geo::Point table_lonlat(const geo::io::Table& t, std::size_t row, int lon_col, int lat_col, const std::string& label = "") {
  const geo::Point p{table_number(t, row, lon_col), table_number(t, row, lat_col)};
  if (std::abs(p.x) > 180 || std::abs(p.y) > 90)
    throw ConfigError(table_row(t.path, row) + label + ": (" + t.rows[row][std::size_t(lon_col)] + ", " +
                      t.rows[row][std::size_t(lat_col)] + ") is not a WGS84 longitude, latitude");
  return p;
}

}  // namespace ecomon

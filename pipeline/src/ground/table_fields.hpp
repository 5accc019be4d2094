#pragma once
// The fields of a table a user hands in (plots, reference samples), checked with errors that name
// the file and the data row (1 = the first row after the header).
#include <cmath>
#include <string>

#include "config/settings.hpp"  // ConfigError
#include "libgeo/io/table.hpp"

namespace ecomon {

/// "FILE, row N" for data row `row` (0-based).
inline std::string table_row(const std::string& path, std::size_t row) { return path + ", row " + std::to_string(row + 1); }

/// The whole text of a field as a finite number; a ConfigError naming file, row and column otherwise.
inline double table_number(const geo::io::Table& t, std::size_t row, int col) {
  const std::string& text = t.rows[row][std::size_t(col)];
  std::size_t used = 0;
  double v = std::nan("");
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v))
    throw ConfigError(table_row(t.path, row) + ": column '" + t.columns[std::size_t(col)] + "' is '" + text + "', not a number");
  return v;
}

}  // namespace ecomon

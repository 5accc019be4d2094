#pragma once
// Text tables a user hands in (reference samples, ground plots): CSV read through OGR's CSV driver
// (quoting, a UTF-8 byte-order mark and CRLF line ends handled there), every field kept as text.
#include <string>
#include <vector>

namespace geo::io {

struct Table {
  std::string path;
  std::vector<std::string> columns;            // header names, in file order
  std::vector<std::vector<std::string>> rows;  // one per data row, a field per column
  /// Position of the column named `name` (exact, then case-insensitive), or -1.
  int column(const std::string& name) const;
};

/// Reads a CSV file with a header line. Throws IoError naming the file when it does not exist, cannot
/// be read, or has no header.
Table read_csv_table(const std::string& path);
/// The same from CSV text held in memory (a table built into the program); `name` stands for the
/// file in the table's path and in errors.
Table read_csv_text(const std::string& text, const std::string& name);

}  // namespace geo::io

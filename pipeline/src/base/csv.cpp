#include "base/csv.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <spdlog/spdlog.h>

#include "base/value_names.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/utf8.hpp"

namespace ecomon {

std::string format_fixed(double v, int digits) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos) s = s[0] == '-' ? s.substr(1) : s;  // no "-0.000"
  return s;
}

std::string format_interval(double low, double high, int digits) {
  while (digits < 6 && high != low && format_fixed(low, digits) == format_fixed(high, digits)) ++digits;
  return format_fixed(low, digits) + "-" + format_fixed(high, digits);
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_text(const std::vector<ReportColumn>& cols, const std::vector<std::vector<std::string>>& rows, const std::string& headers,
                     const std::string& what) {
  std::ostringstream o;
  o << "\xEF\xBB\xBF";  // UTF-8 BOM: Excel then reads the Chinese names correctly
  for (std::size_t i = 0; i < cols.size(); ++i) {
    std::string h = headers == "zh" ? cols[i].zh : headers == "en_zh" ? std::string(cols[i].zh) + " " + cols[i].key : cols[i].key;
    o << (i ? "," : "") << csv_escape(h);
  }
  o << "\n";
  // The file promises UTF-8: text that is not (a folder name in GBK, a plot id from a legacy
  // system) is written with each stray byte as \xNN, readable and recoverable, and the log says so.
  std::size_t escaped = 0;
  std::string example;
  for (const auto& v : rows) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      o << (i ? "," : "");
      if (i < cols.size() && cols[i].named_values) {
        o << csv_escape(value_in_language(v[i], headers));
        continue;
      }
      if (geo::is_valid_utf8(v[i])) {
        o << csv_escape(v[i]);
        continue;
      }
      const std::string shown = geo::escape_invalid_utf8(v[i]);
      if (escaped++ == 0) example = shown;
      o << csv_escape(shown);
    }
    o << "\n";
  }
  if (escaped > 0)
    spdlog::warn("{}: {} field(s) held bytes that are not UTF-8 (file or folder names, or text of the inputs in another encoding); "
                 "each such byte is written as \\xNN, e.g. '{}'",
                 what, escaped, example);
  return o.str();
}

void write_csv(const std::string& path, const std::vector<ReportColumn>& cols, const std::vector<std::vector<std::string>>& rows,
               const std::string& headers) {
  geo::io::write_file_atomically(path, csv_text(cols, rows, headers, path));
}

// Pads to a terminal width, counting CJK characters as two columns (UTF-8 lead bytes 0xE3-0xE9).
std::string pad_to_width(const std::string& s, std::size_t width) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;
    cols += (c >= 0xE3 && c <= 0xE9) ? 2 : 1;
  }
  return s + std::string(cols < width ? width - cols : 1, ' ');
}

}  // namespace ecomon

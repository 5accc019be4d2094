#pragma once
// CSV output shared by every report: UTF-8 with a BOM so Excel shows Chinese names, quoted fields,
// checked atomic writes; number formatting (km2, wan mu) and terminal padding.
#include <string>
#include <vector>

namespace ecomon {

/// 1 wan mu = 10,000 mu; 1 mu = 10,000/15 m^2 (so 1 wan mu = 6.6667 km^2).
inline constexpr double kSquareMetresPerWanMu = 1e4 * 1e4 / 15.0;

struct ReportColumn {
  ReportColumn(const char* key_, const char* zh_, const char* meaning_, bool named_values_ = false)
      : key(key_), zh(zh_), meaning(meaning_), named_values(named_values_) {}
  const char* key;
  const char* zh;
  const char* meaning;
  /// Its values are words of the value vocabulary (base/value_names.hpp: verdicts, classes, yes/no,
  /// ...): a Chinese table writes their Chinese names.
  bool named_values = false;
};
/// A column whose values are named words (ReportColumn::named_values).
inline ReportColumn named_values_column(const char* key, const char* zh, const char* meaning) { return {key, zh, meaning, true}; }

/// Fixed-point text, empty for NaN/inf, never "-0.000".
std::string format_fixed(double v, int digits);
/// An interval as "low-high" with `digits` decimals, or as many more (up to six) as it takes for the
/// ends to differ: a narrow interval is never printed as one of zero width ("0.00-0.00").
std::string format_interval(double low, double high, int digits = 2);
/// Square metres as km^2 and as wan mu (万亩), 6 decimals, for every report.
inline std::string format_km2(double m2) { return format_fixed(m2 / 1e6, 6); }
inline std::string format_wanmu(double m2) { return format_fixed(m2 / kSquareMetresPerWanMu, 6); }
/// A CSV field, quoted when it holds a comma, quote or newline.
std::string csv_escape(const std::string& s);
/// The text of a CSV report: the UTF-8 BOM, the header (`headers`: en, zh or en_zh), the rows (the
/// values of a named_values column in the same language),
/// (bytes that are not UTF-8 written as \xNN, and logged naming `what`).
std::string csv_text(const std::vector<ReportColumn>& columns, const std::vector<std::vector<std::string>>& rows, const std::string& headers,
                     const std::string& what);
/// Writes UTF-8 CSV with a BOM, header from `columns` per `headers` (en | zh | en_zh) and the named
/// values in that language, atomically and
/// checked: a failed write (full disk) throws IoError and leaves neither a partial nor a short file.
void write_csv(const std::string& path, const std::vector<ReportColumn>& columns, const std::vector<std::vector<std::string>>& rows,
               const std::string& headers);

/// Pads to a terminal width, counting CJK characters as two columns.
std::string pad_to_width(const std::string& s, std::size_t width);

}  // namespace ecomon

#include "sensors/identifiers.hpp"

#include <cstdio>
#include <regex>

#include "base/errors.hpp"

namespace ecomon {

namespace {

constexpr int kDaysInMonth[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int month) { return kDaysInMonth[month - 1] + (month == 2 && is_leap_year(y) ? 1 : 0); }

}  // namespace

std::string iso_date_problem(const std::string& value) {
  static const std::regex shape("^(\\d{4})-(\\d{2})-(\\d{2})$");
  std::smatch m;
  if (!std::regex_match(value, m, shape)) return "not a date";
  const int y = std::stoi(m[1].str()), mo = std::stoi(m[2].str()), d = std::stoi(m[3].str());
  if (y < 1972 || y > 2099) return "a year outside 1972-2099";
  if (mo < 1 || mo > 12) return "no such month";
  if (d < 1 || d > days_in_month(y, mo)) return "no such day";
  return "";
}

std::string date_of_day_of_year(int year, int day_of_year) {
  int month = 1;
  while (month <= 12 && day_of_year > days_in_month(year, month)) day_of_year -= days_in_month(year, month++);
  if (month > 12 || day_of_year < 1) return "";
  char date[48];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day_of_year);
  return date;
}

std::string checked_iso_date(const std::string& value, const std::string& file, const std::string& key) {
  const std::string problem = iso_date_problem(value);
  if (!problem.empty())
    throw SceneError(file + ": key " + key + " has value '" + value + "', " + problem + " (expected an ISO 8601 date YYYY-MM-DD)");
  return value;
}

void check_landsat_product_id(const std::string& id, const std::string& file) {
  // L, sensor (C OLI/TIRS, O OLI, T TIRS or TM, E ETM+, M MSS), satellite 01-09, processing level,
  // WRS path/row, acquisition and processing dates, collection 01/02, category T1/T2/RT.
  static const std::regex convention("^L[COTEM]0[1-9]_L[12][A-Z0-9]{2}_[0-9]{6}_[0-9]{8}_[0-9]{8}_0[12]_(T1|T2|RT)$");
  if (!std::regex_match(id, convention))
    throw SceneError(file + ": key LANDSAT_PRODUCT_ID has value '" + id +
                     "', not a Landsat product identifier (LXSS_LLLL_PPPRRR_YYYYMMDD_yyyymmdd_CC_TX)");
}

void check_sentinel2_product_id(const std::string& id, const std::string& file) {
  static const std::regex convention("^S2[A-D]_MSIL2A_[0-9]{8}T[0-9]{6}_N[0-9]{4}_R[0-9]{3}_T[0-9]{2}[A-Z]{3}_[0-9]{8}T[0-9]{6}$");
  if (!std::regex_match(id, convention))
    throw SceneError(file + ": key PRODUCT_URI has value '" + id +
                     "', not a Sentinel-2 L2A product name (S2x_MSIL2A_YYYYMMDDTHHMMSS_Nxxyy_ROOO_Txxxxx_YYYYMMDDTHHMMSS)");
}

}  // namespace ecomon

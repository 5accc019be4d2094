#pragma once
// What ecomon takes from input metadata and later uses as a name or a date is checked here first:
// product identifiers against their published naming conventions (they become folder and file names
// under the output folder, so they must never carry "..", "/" or be empty), and acquisition dates as
// strict ISO 8601 calendar dates (they decide the season and the year folder).
#include <string>

namespace ecomon {

/// "" when `value` is YYYY-MM-DD, a real calendar date (leap years included) between 1972 (Landsat 1)
/// and 2099; else why not ("not a date", "no such month", ...).
std::string iso_date_problem(const std::string& value);
/// Throws SceneError naming `file`, `key` and the value unless iso_date_problem(value) is "".
/// Returns `value`.
std::string checked_iso_date(const std::string& value, const std::string& file, const std::string& key);

/// The date YYYY-MM-DD of day `day_of_year` (1 = 1 January) of `year`; "" when the year has no such
/// day (a leap day of a common year, 0, 367). Check the result with checked_iso_date.
std::string date_of_day_of_year(int year, int day_of_year);

/// Landsat Collection product identifier, LXSS_LLLL_PPPRRR_YYYYMMDD_yyyymmdd_CC_TX (Landsat
/// Collection 2 Level-2 Science Product Guide, LSDS-1619, "Product identifier"), e.g.
/// LC08_L2SP_129032_20230720_20230802_02_T1. Throws SceneError naming the file and key otherwise.
void check_landsat_product_id(const std::string& id, const std::string& file);

/// Sentinel-2 product name MMM_MSIXXX_YYYYMMDDTHHMMSS_Nxxyy_ROOO_Txxxxx_<product discriminator>
/// (Sentinel-2 Products Specification Document, "Naming convention"), e.g.
/// S2A_MSIL2A_20230720T033541_N0509_R061_T48TXL_20230720T065312. Throws SceneError otherwise.
void check_sentinel2_product_id(const std::string& id, const std::string& file);

}  // namespace ecomon

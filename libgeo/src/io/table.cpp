#include "libgeo/io/table.hpp"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <cctype>
#include <filesystem>

#include "libgeo/io/raster.hpp"  // IoError
#include "libgeo/io/vsi.hpp"

namespace geo::io {

int Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return int(i);
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (lower(columns[i]) == lower(name)) return int(i);
  return -1;
}

Table read_csv_table(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path + ": does not exist");
  if (std::filesystem::is_directory(path, ec)) throw IoError(path + ": is a folder, not a CSV file");
  if (const std::string why = special_file_problem(path); !why.empty()) throw IoError(path + ": " + why);
  // "CSV:" makes the driver take the file whatever its extension; every field stays text.
  const char* drivers[] = {"CSV", nullptr};
  const char* options[] = {"HEADERS=YES", "AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", "KEEP_GEOM_COLUMNS=YES", nullptr};
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(("CSV:" + path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, nullptr);
  if (!ds) throw IoError(path + ": cannot be read as CSV: " + std::string(CPLGetLastErrorMsg()));
  Table t;
  t.path = path;
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  OGRFeatureDefnH defn = layer ? OGR_L_GetLayerDefn(layer) : nullptr;
  const int n = defn ? OGR_FD_GetFieldCount(defn) : 0;
  for (int i = 0; i < n; ++i) t.columns.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
  if (t.columns.empty()) {
    GDALClose(ds);
    throw IoError(path + ": has no header line");
  }
  OGR_L_ResetReading(layer);
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    std::vector<std::string> row;
    for (int i = 0; i < n; ++i) row.push_back(OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "");
    t.rows.push_back(std::move(row));
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
  return t;
}

}  // namespace geo::io

#include "libgeo/io/table.hpp"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <cpl_vsi.h>

#include <cctype>
#include <cstdint>
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

namespace {

// The table of a CSV file GDAL can open at `gdal_path`; `path` names it in the table and errors.
Table read_table(const std::string& gdal_path, const std::string& path) {
  // "CSV:" makes the driver take the file whatever its extension; every field stays text.
  const char* drivers[] = {"CSV", nullptr};
  const char* options[] = {"HEADERS=YES", "AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", "KEEP_GEOM_COLUMNS=YES", nullptr};
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(("CSV:" + gdal_path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, nullptr);
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

}  // namespace

Table read_csv_table(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path + ": does not exist");
  if (std::filesystem::is_directory(path, ec)) throw IoError(path + ": is a folder, not a CSV file");
  if (const std::string why = special_file_problem(path); !why.empty()) throw IoError(path + ": " + why);
  return read_table(path, path);
}

Table read_csv_text(const std::string& text, const std::string& name) {
  // A private in-memory file (GDAL's /vsimem/) over the text, unlinked before returning. Not named by
  // the text's address: two threads reading the same (static) text once shared one name, and one
  // thread's unlink left the other "cannot be read as CSV" (a server's concurrent queries).
  const std::string mem = private_vsimem_name("table", ".csv");
  VSILFILE* f = VSIFileFromMemBuffer(mem.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(text.data())), vsi_l_offset(text.size()), FALSE);
  if (!f) throw IoError(name + ": cannot be opened in memory");
  VSIFCloseL(f);
  try {
    Table t = read_table(mem, name);
    VSIUnlink(mem.c_str());
    return t;
  } catch (...) {
    VSIUnlink(mem.c_str());
    throw;
  }
}

}  // namespace geo::io

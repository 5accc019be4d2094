#pragma once
// Files through GDAL's virtual file systems, so that a scene can be a folder or a .tar of one.
#include <cstdint>
#include <string>
#include <vector>

namespace geo::io {

/// Reads a whole (small) text file; path may be /vsitar/... . Throws IoError naming the file.
std::string read_text_file(const std::string& path);
/// Names (not paths) of the entries of a directory; path may be /vsitar/... .
std::vector<std::string> list_directory(const std::string& path);
bool is_directory(const std::string& path);

/// "" unless `path` exists and is neither a regular file nor a folder: a FIFO (named pipe), a socket
/// or a device, which would block or never end when opened and read; then what it is, in words
/// ("is a FIFO (named pipe), not a regular file"). Symbolic links are followed.
std::string special_file_problem(const std::string& path);

/// Which file a local path names now, as an atomic rename or a rewrite changes it: its device, inode,
/// size and modification time (ns). A /vsi path, or one that cannot be stat'ed, has no stamp of its own
/// (`known` false, the rest zero): two such stamps are equal, so a caller that must tell files apart
/// checks `known`.
struct FileStamp {
  bool known = false;
  std::uint64_t device = 0, inode = 0, bytes = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp stamp_of(const std::string& path);
/// The stamp of the file open as descriptor `fd`; unknown unless it is a regular file.
FileStamp stamp_of_descriptor(int fd);
/// special_file_problem(path), and the path's stamp from the same stat in `stamp`.
std::string special_file_problem(const std::string& path, FileStamp& stamp);

/// Checks a (plain, uncompressed) tar archive's structure without extracting it: every header's
/// checksum, and that every member's data lies inside the file. Returns "" when it is whole, else
/// the problem in words ("not a tar archive", "truncated: member X needs ... bytes, the file ends at ...").
/// GDAL's /vsitar/ lists the members of a truncated archive and fails only when a band is read, so
/// this is how a broken download is named as such rather than as a broken band.
std::string tar_archive_problem(const std::string& path);

/// Every file GDAL reads for the dataset at `path` (its GDALGetFileList: a VRT and its sources, a
/// Shapefile's .shp/.shx/.dbf/.prj, a GeoTIFF and its .aux.xml/.ovr), sorted, `path` among them; just
/// `path` when GDAL cannot open it as a raster or a vector dataset. What a content key must hash so
/// that replacing a file a dataset reads through another is seen.
std::vector<std::string> dataset_files(const std::string& path);

/// A name under GDAL's /vsimem/ no other call of this process has been given ("/vsimem/ecomon_<stem>_<n><extension>"):
/// in-memory files of concurrent requests never meet (an address can repeat across threads, a counter cannot).
std::string private_vsimem_name(const std::string& stem, const std::string& extension);

}  // namespace geo::io

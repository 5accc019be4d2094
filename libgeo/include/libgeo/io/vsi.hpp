#pragma once
// Files through GDAL's virtual file systems, so that a scene can be a folder or a .tar of one.
#include <string>
#include <vector>

namespace geo::io {

/// Reads a whole (small) text file; path may be /vsitar/... . Throws IoError naming the file.
std::string read_text_file(const std::string& path);
/// Names (not paths) of the entries of a directory; path may be /vsitar/... .
std::vector<std::string> list_directory(const std::string& path);
bool is_directory(const std::string& path);

}  // namespace geo::io

#include "libgeo/io/vsi.hpp"

#include <cpl_string.h>
#include <gdal.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <fstream>

#include <sys/stat.h>

#include "libgeo/io/raster.hpp"

namespace geo::io {

namespace {

// `struct stat`, or VSIStatL's `struct stat64`.
template <typename Stat>
FileStamp stamp_from(const Stat& st) {
  return {true, std::uint64_t(st.st_dev), std::uint64_t(st.st_ino), std::uint64_t(st.st_size),
          std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

bool is_vsi(const std::string& path) { return path.rfind("/vsi", 0) == 0; }

}  // namespace

std::string special_file_problem(const std::string& path, FileStamp& stamp) {
  stamp = {};
  VSIStatBufL st;
  if (VSIStatL(path.c_str(), &st) != 0 || VSI_ISDIR(st.st_mode)) return "";
  if (VSI_ISREG(st.st_mode)) {
    if (!is_vsi(path)) stamp = stamp_from(st);  // a local path's VSIStatL is its stat
    return "";
  }
  const char* what = S_ISFIFO(st.st_mode)   ? "a FIFO (named pipe)"
                     : S_ISSOCK(st.st_mode) ? "a socket"
                     : S_ISCHR(st.st_mode)  ? "a character device"
                     : S_ISBLK(st.st_mode)  ? "a block device"
                                            : "a special file";
  return std::string("is ") + what + ", not a regular file";
}

std::string special_file_problem(const std::string& path) {
  FileStamp unused;
  return special_file_problem(path, unused);
}

FileStamp stamp_of(const std::string& path) {
  struct stat st {};
  if (is_vsi(path) || ::stat(path.c_str(), &st) != 0) return {};
  return stamp_from(st);
}

FileStamp stamp_of_descriptor(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return {};
  return stamp_from(st);
}

std::string read_text_file(const std::string& path) {
  if (const std::string why = special_file_problem(path); !why.empty()) throw IoError(path + ": " + why);
  VSILFILE* f = VSIFOpenL(path.c_str(), "rb");
  if (!f) throw IoError(path + ": cannot open");
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = VSIFReadL(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  VSIFCloseL(f);
  return out;
}

std::vector<std::string> list_directory(const std::string& path) {
  char** entries = VSIReadDir(path.c_str());
  std::vector<std::string> out;
  for (char** e = entries; e && *e; ++e)
    if (std::string(*e) != "." && std::string(*e) != "..") out.emplace_back(*e);
  CSLDestroy(entries);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_directory(const std::string& path) {
  VSIStatBufL st;
  return VSIStatL(path.c_str(), &st) == 0 && VSI_ISDIR(st.st_mode);
}

namespace {

// A ustar/GNU numeric field: octal text (NUL/space terminated), or GNU base-256 when the high bit is set.
std::uint64_t tar_number(const unsigned char* field, std::size_t width) {
  if (field[0] & 0x80u) {
    std::uint64_t v = field[0] & 0x7Fu;
    for (std::size_t i = 1; i < width; ++i) v = (v << 8) | field[i];
    return v;
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width && field[i] >= '0' && field[i] <= '7'; ++i) v = v * 8 + std::uint64_t(field[i] - '0');
  return v;
}

}  // namespace

std::string tar_archive_problem(const std::string& path) {
  // POSIX.1-1988 ustar layout (IEEE Std 1003.1, "pax" rationale): 512-byte header blocks; size at
  // offset 124 (12 bytes), checksum at 148 (8 bytes) computed with the checksum field as spaces.
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot be opened";
  in.seekg(0, std::ios::end);
  const std::uint64_t file_size = std::uint64_t(in.tellg());
  std::uint64_t offset = 0;
  int members = 0;
  unsigned char header[512];
  while (true) {
    if (offset == file_size && members > 0) return "";  // whole members, no end-of-archive blocks: harmless
    if (offset + 512 > file_size)
      return members == 0 ? std::string("not a tar archive (shorter than one header)")
                          : "truncated: the archive ends at byte " + std::to_string(file_size) + " inside the header after " +
                                std::to_string(members) + " member(s)";
    in.seekg(std::streamoff(offset));
    in.read(reinterpret_cast<char*>(header), 512);
    if (!in) return "cannot be read at byte " + std::to_string(offset);
    if (std::all_of(header, header + 512, [](unsigned char c) { return c == 0; }))
      return members == 0 ? "holds no member" : "";  // end-of-archive block
    std::uint64_t sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
    if (sum != tar_number(header + 148, 8))
      return members == 0
                 ? std::string("not a tar archive (no valid header at its start)")
                 : "corrupt: header checksum wrong at byte " + std::to_string(offset) + " after " + std::to_string(members) + " member(s)";
    const std::uint64_t size = tar_number(header + 124, 12);
    const std::string name(reinterpret_cast<const char*>(header), strnlen(reinterpret_cast<const char*>(header), 100));
    const std::uint64_t end = offset + 512 + (size + 511) / 512 * 512;
    if (offset + 512 + size > file_size)
      return "truncated: member " + name + " needs " + std::to_string(size) + " bytes from byte " + std::to_string(offset + 512) +
             ", but the file ends at byte " + std::to_string(file_size);
    offset = end;
    ++members;
  }
}

std::vector<std::string> dataset_files(const std::string& path) {
  std::vector<std::string> files = {path};
  CPLPushErrorHandler(CPLQuietErrorHandler);  // not a GDAL dataset: hashed as a plain file
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  CPLPopErrorHandler();
  if (!ds) return files;
  char** list = GDALGetFileList(ds);
  for (char** f = list; f && *f; ++f) files.push_back(*f);
  CSLDestroy(list);
  GDALClose(ds);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::string private_vsimem_name(const std::string& stem, const std::string& extension) {
  static std::atomic<unsigned long long> counter{0};
  return "/vsimem/ecomon_" + stem + "_" + std::to_string(++counter) + extension;
}

}  // namespace geo::io

#pragma once
// A local file read with pread(2), opened only while it is still the file a FileStamp recorded: the
// file GDAL has open, not merely one that now sits under the same path (runs replace their rasters by
// renaming new ones onto them). One open and one fstat: no gap between checking the file and reading it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "libgeo/io/vsi.hpp"

namespace geo::io {

class StampedFile {
 public:
  /// The file at `path` when its stamp now is `stamp`; none when the stamp is not known (a /vsi path),
  /// or the path cannot be opened or names another file.
  static std::optional<StampedFile> open(const std::string& path, const FileStamp& stamp);
  StampedFile(StampedFile&& other) noexcept : fd_(other.fd_), bytes_(other.bytes_) { other.fd_ = -1; }
  StampedFile& operator=(StampedFile&&) = delete;
  StampedFile(const StampedFile&) = delete;
  ~StampedFile();

  /// The `size` bytes at `offset` into `out`; false when the file (as stamped) has no such bytes.
  bool read(std::uint64_t offset, std::size_t size, void* out) const;
  /// The same into a string (a TiffBytesAt for read_first_ifd).
  bool bytes_at(std::uint64_t offset, std::size_t size, std::string& out) const;

 private:
  StampedFile(int fd, std::uint64_t bytes) : fd_(fd), bytes_(bytes) {}
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
};

}  // namespace geo::io

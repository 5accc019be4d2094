#include "stamped_file.hpp"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace geo::io {

std::optional<StampedFile> StampedFile::open(const std::string& path, const FileStamp& stamp) {
  if (!stamp.known) return std::nullopt;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  StampedFile file(fd, stamp.bytes);
  if (!(stamp_of_descriptor(fd) == stamp)) return std::nullopt;
  return file;
}

StampedFile::~StampedFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool StampedFile::read(std::uint64_t offset, std::size_t size, void* out) const {
  if (offset > bytes_ || size > bytes_ - offset) return false;
  auto* to = static_cast<char*>(out);
  while (size > 0) {  // pread may return fewer bytes than asked (a signal, a network file system)
    const ssize_t n = ::pread(fd_, to, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    to += n, offset += std::uint64_t(n), size -= std::size_t(n);
  }
  return true;
}

bool StampedFile::bytes_at(std::uint64_t offset, std::size_t size, std::string& out) const {
  if (offset > bytes_ || size > bytes_ - offset) return false;
  out.resize(size);
  return read(offset, size, out.data());
}

}  // namespace geo::io

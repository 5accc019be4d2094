#include "tiff_ifd.hpp"

#include <algorithm>

namespace geo::io {

namespace {

// The little-endian unsigned integer of `width` bytes at `at` (whatever the host's byte order).
std::uint64_t little_endian(const std::string& bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = width; i-- > 0;) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

constexpr std::uint64_t kMaxEntries = 65535, kMaxValueBytes = std::uint64_t(16) << 20;

}  // namespace

std::size_t tiff_type_size(std::uint16_t type) {
  switch (type) {
    case 1: case 2: case 6: case 7: return 1;                            // BYTE, ASCII, SBYTE, UNDEFINED
    case 3: case 8: return 2;                                            // SHORT, SSHORT
    case 4: case 9: case 11: case 13: return 4;                          // LONG, SLONG, FLOAT, IFD
    case 5: case 10: case 12: case 16: case 17: case 18: return 8;       // RATIONALs, DOUBLE, LONG8, SLONG8, IFD8
    default: return 0;
  }
}

std::optional<std::vector<std::uint64_t>> tiff_unsigned_values(const TiffField& field) {
  if (field.type != 3 && field.type != 4 && field.type != 16) return std::nullopt;
  const std::size_t width = tiff_type_size(field.type);
  if (field.bytes.size() / width != field.count || field.bytes.size() % width != 0) return std::nullopt;
  std::vector<std::uint64_t> out(std::size_t(field.count));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = little_endian(field.bytes, i * width, width);
  return out;
}

std::optional<std::vector<TiffField>> read_first_ifd(const TiffBytesAt& bytes_at, const std::vector<std::uint16_t>& wanted) {
  std::string header;
  if (!bytes_at(0, 8, header)) return std::nullopt;
  const bool big = header.compare(0, 4, std::string("II+\0", 4)) == 0;
  if (!big && header.compare(0, 4, std::string("II*\0", 4)) != 0) return std::nullopt;
  std::uint64_t ifd = little_endian(header, 4, 4);
  if (big) {  // BigTIFF: offset size 8, a reserved 0, then the 8-byte offset
    if (little_endian(header, 4, 2) != 8 || little_endian(header, 6, 2) != 0 || !bytes_at(8, 8, header)) return std::nullopt;
    ifd = little_endian(header, 0, 8);
  }
  const std::size_t count_bytes = big ? 8 : 2, entry_bytes = big ? 20 : 12, offset_bytes = big ? 8 : 4;
  std::string count;
  if (!bytes_at(ifd, count_bytes, count)) return std::nullopt;
  const std::uint64_t entries = little_endian(count, 0, count_bytes);
  if (entries > kMaxEntries) return std::nullopt;
  std::string table;
  if (!bytes_at(ifd + count_bytes, std::size_t(entries * entry_bytes), table)) return std::nullopt;
  std::vector<TiffField> out;
  for (std::uint64_t e = 0; e < entries; ++e) {
    const std::size_t at = std::size_t(e * entry_bytes);
    const auto tag = std::uint16_t(little_endian(table, at, 2)), type = std::uint16_t(little_endian(table, at + 2, 2));
    if (std::find(wanted.begin(), wanted.end(), tag) == wanted.end()) continue;
    const std::uint64_t values = little_endian(table, at + 4, offset_bytes);
    const std::size_t value_at = at + 4 + offset_bytes;  // the value itself when it fits, else its offset
    const std::uint64_t width = tiff_type_size(type);
    if (width == 0 || values > kMaxValueBytes / width) return std::nullopt;
    TiffField field{tag, type, values, {}};
    const auto size = std::size_t(values * width);
    if (size <= offset_bytes)
      field.bytes = table.substr(value_at, size);
    else if (!bytes_at(little_endian(table, value_at, offset_bytes), size, field.bytes))
      return std::nullopt;
    out.push_back(std::move(field));
  }
  return out;
}

std::optional<std::vector<TiffField>> read_first_ifd(const std::string& file, const std::vector<std::uint16_t>& wanted) {
  return read_first_ifd(
      [&file](std::uint64_t offset, std::size_t size, std::string& out) {
        if (offset > file.size() || size > file.size() - offset) return false;
        out.assign(file, std::size_t(offset), size);
        return true;
      },
      wanted);
}

}  // namespace geo::io

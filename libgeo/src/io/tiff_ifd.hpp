#pragma once
// The first IFD of a little-endian TIFF, classic (TIFF 6.0, section 2: 2-byte entry counts, 12-byte
// entries, 4-byte offsets) or BigTIFF (8-byte counts and offsets, 20-byte entries): the fields a caller
// wants, as the file holds them. GDAL reads TIFFs; this reads just enough of one where going through
// GDAL would cost more than it gives: the fields of a template GDAL wrote, copied into a COG written
// directly, and a GeoTIFF's GeoKeys, to reuse the CRS GDAL built for the same keys.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace geo::io {

/// One TIFF field as a little-endian file holds it: tag, TIFF type, value count and the value bytes.
struct TiffField {
  std::uint16_t tag = 0, type = 0;
  std::uint64_t count = 0;
  std::string bytes;
};

/// The bytes of one value of a TIFF field type (TIFF 6.0 section 2, BigTIFF's 16-18); 0 for a type
/// neither defines.
std::size_t tiff_type_size(std::uint16_t type);

/// The values of a SHORT, LONG or LONG8 field (TIFF types 3, 4, 16) as unsigned integers; none for a
/// field of another type or whose bytes do not hold `count` values.
std::optional<std::vector<std::uint64_t>> tiff_unsigned_values(const TiffField& field);

/// Puts the `size` bytes at `offset` of a file into `out`; false when the file has no such bytes.
using TiffBytesAt = std::function<bool(std::uint64_t offset, std::size_t size, std::string& out)>;

/// The fields of the first IFD whose tags are in `wanted`, in the IFD's order. None when the bytes are
/// not a little-endian TIFF or BigTIFF, or an entry does not add up: an unknown type, a value past the
/// file's end, more than 65,535 entries or a value over 16 MiB (a hostile file cannot make it allocate).
std::optional<std::vector<TiffField>> read_first_ifd(const TiffBytesAt& bytes_at, const std::vector<std::uint16_t>& wanted);

/// The same, of a whole file held in memory.
std::optional<std::vector<TiffField>> read_first_ifd(const std::string& file, const std::vector<std::uint16_t>& wanted);

}  // namespace geo::io

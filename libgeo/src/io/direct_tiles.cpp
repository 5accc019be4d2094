#include "direct_tiles.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "libgeo/io/raster.hpp"
#include "stamped_file.hpp"
#include "tiff_ifd.hpp"

namespace geo::io {

namespace {

// TIFF 6.0 tags (section 8, 15) and the ZSTD compression code GDAL and libtiff register (50000).
enum Tag : std::uint16_t {
  kImageWidth = 256, kImageLength = 257, kBitsPerSample = 258, kCompression = 259, kStripOffsets = 273,
  kOrientation = 274, kSamplesPerPixel = 277, kRowsPerStrip = 278, kStripByteCounts = 279, kPlanarConfig = 284,
  kPredictor = 317, kTileWidth = 322, kTileLength = 323, kTileOffsets = 324, kTileByteCounts = 325, kSampleFormat = 339,
};
constexpr int kNone = 1, kAdobeDeflate = 8, kOldDeflate = 32946, kZstd = 50000;

// Copies samples [skip, n) of a stored row, undoing horizontal differencing (TIFF 6.0 section 14: each
// sample stored as its difference from the one on its left, modulo 2^bits) with the running sum held
// in a register; the samples before `skip` are summed, not copied.
template <typename U>
void copy_undifferenced(const unsigned char* in, unsigned char* out, int skip, int n) {
  U sum = 0;
  for (int i = 0; i < skip; ++i) {
    U d;
    std::memcpy(&d, in + std::size_t(i) * sizeof(U), sizeof(U));
    sum = U(sum + d);
  }
  out -= std::size_t(skip) * sizeof(U);
  for (int i = skip; i < n; ++i) {
    U d;
    std::memcpy(&d, in + std::size_t(i) * sizeof(U), sizeof(U));
    sum = U(sum + d);
    std::memcpy(out + std::size_t(i) * sizeof(U), &sum, sizeof(U));
  }
}

}  // namespace

// What open() read of the file, shared by the decoders of its threads.
struct DirectTiles::Layout {
  std::string path;
  FileStamp opened;  // the file GDAL opened: a read finds it under the path, or leaves it to GDAL
  int cols = 0, rows = 0, sample_bytes = 1, block_cols = 0, block_rows = 0, compression = kNone, predictor = 1;
  bool tiled = true;
  std::vector<std::uint64_t> offsets, byte_counts;
};

// One decoder's codec contexts (neither library's may be shared between threads).
struct DirectTiles::Codecs {
  ZSTD_DCtx* zstd = nullptr;
  libdeflate_decompressor* deflate = nullptr;
  ~Codecs() {
    if (zstd) ZSTD_freeDCtx(zstd);
    if (deflate) libdeflate_free_decompressor(deflate);
  }
};

DirectTiles::DirectTiles(std::shared_ptr<const Layout> layout) : layout_(std::move(layout)), codecs_(std::make_unique<Codecs>()) {}

int DirectTiles::block_cols() const { return layout_->block_cols; }

std::unique_ptr<DirectTiles> DirectTiles::another() const { return decoder_of(layout_); }

std::unique_ptr<DirectTiles> DirectTiles::decoder_of(std::shared_ptr<const Layout> layout) {
  std::unique_ptr<DirectTiles> d(new DirectTiles(std::move(layout)));
  const Layout& l = *d->layout_;
  if (l.compression == kZstd && !(d->codecs_->zstd = ZSTD_createDCtx())) return nullptr;
  if ((l.compression == kAdobeDeflate || l.compression == kOldDeflate) && !(d->codecs_->deflate = libdeflate_alloc_decompressor())) return nullptr;
  d->block_.resize(std::size_t(l.block_cols) * std::size_t(l.block_rows) * std::size_t(l.sample_bytes));
  return d;
}

std::unique_ptr<DirectTiles> DirectTiles::open(const std::string& path, const FileStamp& opened, int cols, int rows, int sample_bytes,
                                               bool is_signed) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if ((sample_bytes != 1 && sample_bytes != 2) || cols <= 0 || rows <= 0) return nullptr;
  if (!CPLTestBool(CPLGetConfigOption("GEO_DIRECT_TILES", "YES"))) return nullptr;  // for comparisons: everything to GDAL
  const std::optional<StampedFile> file = StampedFile::open(path, opened);
  if (!file) return nullptr;
  const auto fields = read_first_ifd(
      [&file](std::uint64_t offset, std::size_t size, std::string& out) { return file->bytes_at(offset, size, out); },
      {kImageWidth, kImageLength, kBitsPerSample, kCompression, kStripOffsets, kOrientation, kSamplesPerPixel, kRowsPerStrip,
       kStripByteCounts, kPlanarConfig, kPredictor, kTileWidth, kTileLength, kTileOffsets, kTileByteCounts, kSampleFormat});
  if (!fields) return nullptr;
  std::vector<std::uint64_t> width, length, bits, compression{kNone}, orientation{1}, samples{1}, planar{1}, predictor{1},
      format{1}, tile_width, tile_length, rows_per_strip, offsets, counts, strip_offsets, strip_counts;
  for (const TiffField& f : *fields) {
    auto values = tiff_unsigned_values(f);
    if (!values || values->empty()) return nullptr;
    switch (f.tag) {
      case kImageWidth: width = *values; break;
      case kImageLength: length = *values; break;
      case kBitsPerSample: bits = *values; break;
      case kCompression: compression = *values; break;
      case kOrientation: orientation = *values; break;
      case kSamplesPerPixel: samples = *values; break;
      case kPlanarConfig: planar = *values; break;
      case kPredictor: predictor = *values; break;
      case kSampleFormat: format = *values; break;
      case kTileWidth: tile_width = *values; break;
      case kTileLength: tile_length = *values; break;
      case kRowsPerStrip: rows_per_strip = *values; break;
      case kTileOffsets: offsets = std::move(*values); break;
      case kTileByteCounts: counts = std::move(*values); break;
      case kStripOffsets: strip_offsets = std::move(*values); break;
      case kStripByteCounts: strip_counts = std::move(*values); break;
      default: break;
    }
  }
  // The image GDAL shows as the band, in a layout taken here.
  if (width != std::vector<std::uint64_t>{std::uint64_t(cols)} || length != std::vector<std::uint64_t>{std::uint64_t(rows)}) return nullptr;
  if (bits != std::vector<std::uint64_t>{std::uint64_t(8 * sample_bytes)} || samples[0] != 1 || orientation[0] != 1) return nullptr;
  if (format[0] != (is_signed ? 2u : 1u) || (planar[0] != 1 && planar[0] != 2)) return nullptr;
  const std::uint64_t codec = compression[0];
  if (codec != kNone && codec != kAdobeDeflate && codec != kOldDeflate && codec != kZstd) return nullptr;
  if (predictor[0] != 1 && predictor[0] != 2) return nullptr;
  auto shared = std::make_shared<Layout>();
  Layout& layout = *shared;
  layout.path = path, layout.opened = opened;
  layout.tiled = !offsets.empty();
  if (layout.tiled) {
    if (tile_width.size() != 1 || tile_length.size() != 1 || tile_width[0] == 0 || tile_length[0] == 0 || tile_width[0] > 65536 ||
        tile_length[0] > 65536)
      return nullptr;
    layout.block_cols = int(tile_width[0]), layout.block_rows = int(tile_length[0]);
  } else {
    offsets = std::move(strip_offsets), counts = std::move(strip_counts);
    // A missing RowsPerStrip means one strip of the whole image (TIFF 6.0 section 8).
    const std::uint64_t per_strip = rows_per_strip.empty() ? std::uint64_t(rows) : std::min<std::uint64_t>(rows_per_strip[0], std::uint64_t(rows));
    if (per_strip == 0) return nullptr;
    layout.block_cols = cols, layout.block_rows = int(per_strip);
  }
  const std::uint64_t across = (std::uint64_t(cols) + std::uint64_t(layout.block_cols) - 1) / std::uint64_t(layout.block_cols);
  const std::uint64_t down = (std::uint64_t(rows) + std::uint64_t(layout.block_rows) - 1) / std::uint64_t(layout.block_rows);
  if (offsets.size() != across * down || counts.size() != offsets.size()) return nullptr;
  layout.cols = cols, layout.rows = rows, layout.sample_bytes = sample_bytes, layout.compression = int(codec), layout.predictor = int(predictor[0]);
  layout.offsets = std::move(offsets), layout.byte_counts = std::move(counts);
  // A hostile file cannot make it allocate much: a block over 64 MiB is GDAL's to read.
  const std::uint64_t block_bytes = std::uint64_t(layout.block_cols) * std::uint64_t(layout.block_rows) * std::uint64_t(sample_bytes);
  if (block_bytes > (std::uint64_t(64) << 20)) return nullptr;
  return decoder_of(std::move(shared));
#else
  (void)path, (void)opened, (void)cols, (void)rows, (void)sample_bytes, (void)is_signed;
  return nullptr;  // a big-endian host: GDAL swaps
#endif
}

DirectTiles::~DirectTiles() = default;

bool DirectTiles::read_rows(int row0, int rows, void* out) { return read_window(0, row0, layout_->cols, rows, out); }

bool DirectTiles::read_window(int col0, int row0, int cols, int rows, void* out, int out_cols) {
  const Layout& layout = *layout_;
  if (col0 < 0 || row0 < 0 || cols <= 0 || rows <= 0 || col0 + cols > layout.cols || row0 + rows > layout.rows)
    throw IoError(layout.path + ": window " + std::to_string(col0) + "," + std::to_string(row0) + " " + std::to_string(cols) + "x" +
                  std::to_string(rows) + " is outside the raster's " + std::to_string(layout.cols) + "x" + std::to_string(layout.rows));
  // Opened for each read, not held: a pass holds many readers, each with GDAL's handle already, and
  // a process has a thousand descriptors. A file replaced since open() is GDAL's to read.
  const std::optional<StampedFile> file = StampedFile::open(layout.path, layout.opened);
  if (!file) return false;
  auto* dst = static_cast<unsigned char*>(out);
  const std::size_t across = (std::size_t(layout.cols) + std::size_t(layout.block_cols) - 1) / std::size_t(layout.block_cols);
  const std::size_t row_bytes = std::size_t(std::max(cols, out_cols)) * std::size_t(layout.sample_bytes);
  const int first_block_col = col0 / layout.block_cols, end_block_col = (col0 + cols - 1) / layout.block_cols + 1;
  for (int block_row = row0 / layout.block_rows; block_row * layout.block_rows < row0 + rows; ++block_row) {
    const int top = block_row * layout.block_rows;
    // A tile holds whole tile rows (padded past the image's edges); the last strip at least the
    // image's (GDAL trims it, other writers may not).
    const int stored_rows = layout.tiled ? layout.block_rows : std::min(layout.block_rows, layout.rows - top);
    const std::size_t stored_row_bytes = std::size_t(layout.block_cols) * std::size_t(layout.sample_bytes);
    const std::size_t want = std::size_t(stored_rows) * stored_row_bytes;
    for (std::size_t block_col = std::size_t(first_block_col); block_col < std::size_t(end_block_col); ++block_col) {
      const std::size_t index = std::size_t(block_row) * across + block_col;
      const std::uint64_t offset = layout.offsets[index], size = layout.byte_counts[index];
      if (offset == 0 || size == 0) return false;  // sparse
      auto fail = [&](const std::string& why) {
        return IoError(layout.path + ": cannot read rows " + std::to_string(top) + "-" + std::to_string(top + stored_rows - 1) +
                       " (corrupt or truncated file?): block " + std::to_string(block_col) + "," + std::to_string(block_row) + " " + why);
      };
      if (size > std::uint64_t(block_.size()) + (std::uint64_t(1) << 20) + block_.size() / 2) throw fail("declares more bytes than it can hold");
      const unsigned char* stored = nullptr;
      std::size_t stored_bytes = 0;
      compressed_.resize(std::size_t(size));
      if (!file->read(offset, std::size_t(size), compressed_.data())) throw fail("is past the file's end");
      if (layout.compression == kNone) {
        stored = compressed_.data(), stored_bytes = compressed_.size();
      } else if (layout.compression == kZstd) {
        const std::size_t n = ZSTD_decompressDCtx(codecs_->zstd, block_.data(), block_.size(), compressed_.data(), compressed_.size());
        if (ZSTD_isError(n)) throw fail(std::string("does not decode: ZSTD: ") + ZSTD_getErrorName(n));
        stored = block_.data(), stored_bytes = n;
      } else {
        std::size_t n = 0;
        if (libdeflate_zlib_decompress(codecs_->deflate, compressed_.data(), compressed_.size(), block_.data(), block_.size(), &n) != LIBDEFLATE_SUCCESS)
          throw fail("does not decode: deflate");
        stored = block_.data(), stored_bytes = n;
      }
      if (stored_bytes < want) throw fail("decodes to " + std::to_string(stored_bytes) + " bytes, not " + std::to_string(want));
      // The block's columns inside the window: [skip, end) of its own.
      const int block_col0 = int(block_col) * layout.block_cols;
      const int skip = std::max(0, col0 - block_col0), end = std::min(layout.block_cols, col0 + cols - block_col0);
      const std::size_t sample = std::size_t(layout.sample_bytes);
      for (int r = std::max(row0, top); r < std::min(row0 + rows, top + stored_rows); ++r) {
        const unsigned char* from = stored + std::size_t(r - top) * stored_row_bytes;
        unsigned char* to = dst + std::size_t(r - row0) * row_bytes + std::size_t(block_col0 + skip - col0) * sample;
        if (layout.predictor == 1)
          std::memcpy(to, from + std::size_t(skip) * sample, std::size_t(end - skip) * sample);
        else if (layout.sample_bytes == 1)
          copy_undifferenced<std::uint8_t>(from, to, skip, end);
        else
          copy_undifferenced<std::uint16_t>(from, to, skip, end);
      }
    }
  }
  return true;
}

}  // namespace geo::io

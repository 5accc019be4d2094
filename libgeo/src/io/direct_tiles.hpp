#pragma once
// The tiles (or strips) of a plain GeoTIFF band decoded without GDAL's block cache: the reader's twin
// of the direct COG writer (cog_file.hpp). GDAL decodes a tile into its cache, undoes libtiff's
// horizontal differencing there in a loop that adds each sample to the one it just stored (a
// store-to-load wait per sample), and copies the tile into the caller's buffer. Here each tile is
// inflated into one scratch buffer and its differencing undone with the running sum in a register
// while it is copied into place: the same cells, one copy fewer, and a season pass spends a tenth
// less of its time reading the scene products back.
//
// Only what this project writes and the common deliveries are taken: one sample per pixel, 8 or 16
// bits, little-endian, no compression, Adobe deflate or ZSTD, no differencing or horizontal
// differencing (TIFF 6.0 section 14), top-left orientation. Anything else is left to GDAL (open()
// gives nothing), as is a chunk with a sparse tile.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libgeo/block.hpp"
#include "libgeo/io/vsi.hpp"

namespace geo::io {

class DirectTiles {
 public:
  /// The decoder of `path`'s first image when it is one of the layouts above and is `cols` x `rows`
  /// samples of `sample_bytes` bytes, `is_signed` or not; else null. `opened`: the file GDAL opened
  /// (RasterReader::opened()); null too when the path names another file now, or a /vsi one (no stamp
  /// of its own). Null under GDAL's configuration option GEO_DIRECT_TILES=NO (an environment variable
  /// as well), which leaves every file to GDAL, for comparisons.
  static std::unique_ptr<DirectTiles> open(const std::string& path, const FileStamp& opened, int cols, int rows, int sample_bytes,
                                           bool is_signed);
  /// Another decoder of the same file, for another thread: the layout open() read is shared, not
  /// read again; the buffers and codec contexts are its own.
  std::unique_ptr<DirectTiles> another() const;
  ~DirectTiles();
  DirectTiles(const DirectTiles&) = delete;
  DirectTiles& operator=(const DirectTiles&) = delete;

  /// Decodes rows [row0, row0 + rows), full width, into `out` (rows x cols samples). False, with
  /// nothing promised of `out`, when a tile there is sparse (no bytes stored): GDAL's rules fill those;
  /// or when the path names another file than the one stamped (replaced, or changed in place).
  /// Throws IoError naming the file when a tile cannot be read or does not inflate to its size.
  bool read_rows(int row0, int rows, void* out);
  /// The same for the window of `cols` x `rows` samples at (`col0`, `row0`), which must lie inside
  /// the raster, into `out` laid out `out_cols` wide (0: `cols`; a part of a wider window read by
  /// several decoders): only the blocks it touches are decoded.
  bool read_window(int col0, int row0, int cols, int rows, void* out, int out_cols = 0);
  /// Columns of one block: where a window is cut for several decoders to share it.
  int block_cols() const;

 private:
  struct Layout;
  struct Codecs;
  explicit DirectTiles(std::shared_ptr<const Layout> layout);
  // A decoder of `layout` with its own buffers and codec contexts; null when a context cannot be made.
  static std::unique_ptr<DirectTiles> decoder_of(std::shared_ptr<const Layout> layout);
  std::shared_ptr<const Layout> layout_;
  ScratchBytes compressed_, block_;  // written by each read before it reads them
  std::unique_ptr<Codecs> codecs_;
};

}  // namespace geo::io
